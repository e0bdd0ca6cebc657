/* emit-openstack.h: plan -> OpenStack compute-node configuration.
 *
 * Pure emitters, like emit.h: each returns a malloc'd string and does no
 * I/O.  'nfvhost plan --output DIR' writes them to DIR/openstack/:
 * nova.conf (a fragment to merge), flavors.sh, openvswitch_agent.ini,
 * sriov_agent.ini and controller.conf (the controller's part, commented
 * out).  docs/openstack.md says what goes where and why.
 *
 * Naming: the OVS-DPDK uplinks (one, or two bonded) all sit on the plan's
 * bridge (plan->bridge, which 'nfvhost ovs apply' builds), which is
 * neutron physical network "physnet0"; SR-IOV PFs that are not uplinks
 * (nor the PF of one) get "physnet1", "physnet2"... in plan order. */
#ifndef NFV_EMIT_OPENSTACK_H
#define NFV_EMIT_OPENSTACK_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "planner/plan.h"

/* Cross-checks nova would not make until an instance misbehaves: the PMD
 * and housekeeping pools overlap neither nova set, the two nova sets are
 * disjoint, and cpu_shared_set is not empty when flavors ask for
 * hw:emulator_threads_policy=share.  Returns 0 or NFV_EINFEASIBLE. */
int openstack_check(const struct plan *, struct diag *);

/* A nova flavor of the plan: one per VM size, or with no VM listed the
 * default set (2, 4 and 8 vCPUs with 1 GiB each, those that fit on one
 * NUMA node).  'nfvhost fleet plan' gathers them over many hosts. */
struct openstack_flavor {
    char name[64];              /* "nfv.4c4g.mq" */
    int vcpus;
    uint64_t memory_mb;
    enum cpu_policy cpu_policy;     /* shared: hw:cpu_policy=shared, no
                                     * thread or emulator policy (its
                                     * thread_policy is prefer). */
    enum thread_policy thread_policy;
    bool multiqueue;
    uint64_t page_kb;           /* hw:mem_page_size */
    enum emulator_policy emulator_policy;
    char *vms;                  /* "vm1 vm2" of this size, "" for none. */
};
struct openstack_flavor *openstack_flavors(const struct plan *, int *n);
void openstack_flavors_free(struct openstack_flavor *, int n);
/* hw:mem_page_size's value for a page size: "1GB", "2MB" or KiB. */
void openstack_page_size(uint64_t page_kb, char *buf, size_t size);
/* flavors.sh after its header comment: 'set -e' and the flavor()
 * function that creates a flavor unless it exists. */
void openstack_flavors_preamble(struct sbuf *);
/* "# COMMENT", 'flavor NAME VCPUS RAM' and the 'openstack flavor set'
 * with every property, plus 'extra_property' (KEY=VALUE) if not NULL. */
void openstack_flavor_emit(const struct openstack_flavor *,
                           const char *comment, const char *extra_property,
                           struct sbuf *);

char *emit_nova_conf(const struct plan *);
char *emit_flavors_sh(const struct plan *);
char *emit_ovs_agent_ini(const struct plan *);
char *emit_sriov_agent_ini(const struct plan *);
char *emit_controller_conf(const struct plan *);

#define OPENSTACK_UPLINK_PHYSNET "physnet0"

/* nova.conf's [DEFAULT] initial_cpu_allocation_ratio, written whenever the
 * plan has a cpu_shared_set: a new compute node's VCPU inventory (unpinned
 * guests, hw:cpu_policy=shared) is len(cpu_shared_set) times this.
 * Written rather than left to nova, whose default differs by release
 * (16.0 up to nova 26 (Zed, Debian 12), 4.0 since nova 27 (2023.1)), so
 * that 'nfvhost fleet plan' can count shared flavors; 4 is nova's current
 * default.  The initial_ option, so that a ratio the operator sets through
 * placement or cpu_allocation_ratio still wins. */
#define OPENSTACK_CPU_ALLOCATION_RATIO 4

#endif /* planner/emit-openstack.h */
