/* plan-state.h: the planner's scratch state while it assigns cores.
 *
 * Private to planner/plan.c, pools.c and vm-place.c.  Cores are assigned
 * whole (rule 1); a core's PUs only part ways inside the guest pool, where
 * a VM may pin fewer vCPUs than the core has PUs. */
#ifndef NFV_PLAN_STATE_H
#define NFV_PLAN_STATE_H 1

#include "planner/plan.h"

#define CORE_FREE (-1)

struct plan_state {
    struct plan *plan;
    const struct nfv_topology *topo;
    const struct intent *intent;
    int *core_pool;         /* Per topo->cores[i]: enum pool or CORE_FREE. */
    int *core_vm;           /* Per core: VM index using it, or -1. */
    int *vm_numa;           /* Per VM: node chosen before cores. */
    int *pmd_count;         /* Per plan->numas[i]: PMD cores wanted. */
};

/* Index of node 'os_index' in plan->numas, or -1. */
int state_numa_slot(const struct plan_state *, int os_index);
/* Free cores of the most performant kind on a node, optionally in one L3
 * domain (l3 < 0: any), counting only cores with at least 'min_pus'
 * usable PUs (2 for thread_policy = require). */
int state_free_cores(const struct plan_state *, int numa, int l3,
                     int min_pus);
/* Cores a VM consumes when placed on cores of 'smt' PUs each. */
int vm_cores_needed(const struct intent_vm *, int smt, bool emu_isolate);

/* pools.c: rules 1-5, 7, 8. */
int plan_pools(struct plan_state *);

/* vm-place.c: rule 6. */
int vm_vhost_queues(const struct intent_vm *);
int vm_choose_nodes(struct plan_state *);
int vm_fit_node(struct plan_state *, int numa, bool commit, int pmd_l3,
                int *score, int *failed_vm);
void vm_assign_pmds(struct plan_state *);

#endif /* planner/plan-state.h */
