/* emit-openstack.h: plan -> OpenStack compute-node configuration.
 *
 * Pure emitters, like emit.h: each returns a malloc'd string and does no
 * I/O.  'nfvhost plan --output DIR' writes them to DIR/openstack/:
 * nova.conf (a fragment to merge), flavors.sh, openvswitch_agent.ini and
 * sriov_agent.ini.  docs/openstack.md says what goes where and why.
 *
 * Naming: every distinct physical port (an uplink's PF, or a PF that VMs
 * take VFs from) is one neutron physical network, "physnet<i>" in the
 * order uplinks first, then the other SR-IOV PFs.  OVS uplink i sits on
 * bridge "br-phy" (one uplink) or "br-phy<i>" (several). */
#ifndef NFV_EMIT_OPENSTACK_H
#define NFV_EMIT_OPENSTACK_H 1

#include "planner/diag.h"
#include "planner/plan.h"

/* Cross-checks nova would not make until an instance misbehaves: the PMD
 * and housekeeping pools overlap neither nova set, the two nova sets are
 * disjoint, and cpu_shared_set is not empty when flavors ask for
 * hw:emulator_threads_policy=share.  Returns 0 or NFV_EINFEASIBLE. */
int openstack_check(const struct plan *, struct diag *);

char *emit_nova_conf(const struct plan *);
char *emit_flavors_sh(const struct plan *);
char *emit_ovs_agent_ini(const struct plan *);
char *emit_sriov_agent_ini(const struct plan *);

/* "br-phy" or "br-phy<i>" for uplink i of the plan.  Caller frees. */
char *openstack_bridge_name(const struct plan *, int uplink);

#endif /* planner/emit-openstack.h */
