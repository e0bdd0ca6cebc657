/* emit-openstack.h: plan -> OpenStack compute-node configuration.
 *
 * Pure emitters, like emit.h: each returns a malloc'd string and does no
 * I/O.  'nfvhost plan --output DIR' writes them to DIR/openstack/:
 * nova.conf (a fragment to merge), flavors.sh, openvswitch_agent.ini and
 * sriov_agent.ini.  docs/openstack.md says what goes where and why.
 *
 * Naming: the OVS-DPDK uplinks (one, or two bonded) all sit on the plan's
 * bridge (plan->bridge, which 'nfvhost ovs apply' builds), which is
 * neutron physical network "physnet0"; SR-IOV PFs that are not uplinks
 * (nor the PF of one) get "physnet1", "physnet2"... in plan order. */
#ifndef NFV_EMIT_OPENSTACK_H
#define NFV_EMIT_OPENSTACK_H 1

#include "lib/diag.h"
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

#define OPENSTACK_UPLINK_PHYSNET "physnet0"

#endif /* planner/emit-openstack.h */
