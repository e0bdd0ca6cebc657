/* plan-state.h: the planner's scratch state while it assigns cores.
 *
 * Private to planner/plan.c, pools.c, vm-place.c, replan.c and wiring.c.  Cores are assigned
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
    /* Rule 16 (replan.c), with a previous plan: */
    int *keep;              /* Per VM: its index in the previous plan's
                             * vms when it stays where it was, or -1. */
    int blocking_vm;        /* The VM whose placement failed, or -1. */
    int blocking_numa;      /* The node where it failed, or -1. */
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

/* replan.c: rule 16. */
void replan_match(struct plan_state *, const bool *release);
int replan_keep_vms(struct plan_state *);
int replan_prev_core(const struct plan_state *, int numa, enum pool);
bool replan_was_pmd(const struct plan_state *, int core);
int replan_keep_pmds(struct plan_state *, int numa, int want, int *l3);
int replan_kept_pmd(const struct plan *, const struct plan_vm *, int nic,
                    int queue);
const struct plan_file_nic *replan_prev_nic(const struct plan_vm *, int nic);
int replan_prev_numvfs(const struct plan *, const char *pci);
void replan_changes(struct plan *);
void replan_changes_destroy(struct plan *);

/* vm-place.c: rule 6. */
int vm_vhost_queues(const struct intent_vm *);
int vm_choose_nodes(struct plan_state *);
int vm_fit_node(struct plan_state *, int numa, bool commit, int pmd_l3,
                int *score, int *failed_vm);
void vm_assign_pmds(struct plan_state *);

#endif /* planner/plan-state.h */
