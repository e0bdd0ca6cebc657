/* pools.c: rules 1-5, 7, 8 and 17, whole cores into pools.
 *
 * Order matters and is: housekeeping on every node (rule 2; slower CPU
 * kinds first, rule 8), with a previous plan the VMs that stay where they
 * were (rule 16, replan.c), VM nodes (vm-place.c), the emulator-share pool
 * (rule 4), then per node the PMD cores and the VMs' cores together, since
 * a PMD belongs in the L3 domain where most of the vhost queues it serves
 * are (rule 7); whatever is left is the guest pool (rule 5).  With a
 * previous plan, the emulator-share and PMD pools start from its cores. */
#include <config.h>

#include "planner/plan-state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

int
state_numa_slot(const struct plan_state *st, int os_index)
{
    for (int s = 0; s < st->plan->n_numas; s++) {
        if (st->plan->numas[s].os_index == os_index) {
            return s;
        }
    }
    return -1;
}

int
state_free_cores(const struct plan_state *st, int numa, int l3, int min_pus)
{
    int n = 0;

    for (int i = 0; i < st->topo->n_cores; i++) {
        const struct nfv_core *c = &st->topo->cores[i];
        if (c->numa == numa && (l3 < 0 || c->l3 == l3)
            && st->core_pool[i] == CORE_FREE && !c->kind_rank
            && hwloc_bitmap_weight(c->pus) >= min_pus) {
            n++;
        }
    }
    return n;
}

/* The next free core on 'numa' for a host-side pool: slower CPU kinds
 * first (rule 8), then the lowest-numbered PU (rule 2).  With 'spare_pmds'
 * it passes over the previous plan's PMD cores (rule 16), which the PMD
 * pool will want back. */
static int
next_host_core_but(const struct plan_state *st, int numa, bool spare_pmds)
{
    int best = -1;

    for (int i = 0; i < st->topo->n_cores; i++) {
        const struct nfv_core *c = &st->topo->cores[i];
        if (c->numa != numa || st->core_pool[i] != CORE_FREE
            || (spare_pmds && replan_was_pmd(st, i))) {
            continue;
        }
        if (best < 0 || c->kind_rank > st->topo->cores[best].kind_rank) {
            best = i;
        }
    }
    return best;
}

static int
next_host_core(const struct plan_state *st, int numa)
{
    return next_host_core_but(st, numa, false);
}

/* Rule 4, and 16: the previous plan's emulator cores first, then a core
 * that was not a PMD's. */
static int
next_emulator_core(const struct plan_state *st, int numa)
{
    int c = replan_prev_core(st, numa, POOL_EMULATOR);

    if (c < 0 && st->plan->previous) {
        c = next_host_core_but(st, numa, true);
    }
    return c >= 0 ? c : next_host_core(st, numa);
}

static int
node_cores(const struct plan_state *st, int numa)
{
    const struct nfv_numa *m = topology_find_numa(st->topo, numa);
    return m ? m->n_cores : 0;
}

static int
assign_housekeeping(struct plan_state *st)
{
    struct plan *p = st->plan;
    int want = st->intent->housekeeping_cores_per_numa;

    for (int s = 0; s < p->n_numas; s++) {
        int numa = p->numas[s].os_index;

        if (!p->numas[s].has_cpus) {
            continue;
        }
        if (node_cores(st, numa) < want) {
            return diag_error(p->diag, NFV_EINFEASIBLE,
                              "NUMA node %d has %d usable core(s), fewer "
                              "than housekeeping_cores_per_numa = %d: lower "
                              "it to %d", numa, node_cores(st, numa), want,
                              node_cores(st, numa));
        }
        for (int k = 0; k < want; k++) {
            st->core_pool[next_host_core(st, numa)] = POOL_HOUSEKEEPING;
        }
    }
    return 0;
}

static bool
node_has_uplink(const struct plan *p, int numa)
{
    for (int i = 0; i < p->n_uplinks; i++) {
        if (p->uplinks[i].numa == numa) {
            return true;
        }
    }
    return false;
}

static int
node_vm_count(const struct plan_state *st, int numa)
{
    int n = 0;

    for (int v = 0; v < st->intent->n_vms; v++) {
        n += st->vm_numa[v] == numa;
    }
    return n;
}

static int
count_dedicated(const struct intent *in)
{
    int n = 0;

    for (int v = 0; v < in->n_vms; v++) {
        n += in->vms[v].cpu_policy == CPU_DEDICATED;
    }
    return n;
}

/* Rule 17: a shared VM lives where the shared CPUs are. */
static int
place_shared_vms(struct plan_state *st, int numa)
{
    struct plan *p = st->plan;
    const struct intent *in = st->intent;

    for (int v = 0; v < in->n_vms; v++) {
        const struct intent_vm *vm = &in->vms[v];

        if (vm->cpu_policy != CPU_SHARED) {
            continue;
        }
        if (vm->numa >= 0 && vm->numa != numa) {
            return diag_error(p->diag, NFV_EINFEASIBLE,
                              "VM %s has cpu_policy = shared and numa = %d, "
                              "but the shared CPUs are on NUMA node %d: drop "
                              "its numa or set it to %d", vm->name, vm->numa,
                              numa, numa);
        }
        st->vm_numa[v] = numa;
        p->vms[v].numa = numa;
    }
    return 0;
}

/* Rule 4: the emulator-share pool lives on the lowest node with CPUs,
 * unless VMs with dedicated CPUs are listed and none of them is there:
 * then on the lowest node that has one, so emulator threads stay near
 * their guests.  shared_cores = 0 takes no core: the pool is the node's
 * housekeeping cores (rule 17). */
static int
assign_emulator(struct plan_state *st)
{
    struct plan *p = st->plan;
    const struct intent *in = st->intent;
    int want = in->emulator_shared_cores;
    int numa = -1;

    p->emulator_numa = -1;
    if (in->emulator_policy != EMU_SHARE) {
        if (in->emulator_policy == EMU_NONE) {
            diag_warn(p->diag, "emulator policy none: QEMU's emulator "
                      "threads will float over each guest's own vCPUs and "
                      "steal time from them");
        }
        return 0;
    }
    /* Rule 16: where the previous plan had it, so the VMs that stay keep
     * their emulator pins. */
    for (int s = 0; s < p->n_numas && numa < 0 && p->previous; s++) {
        if (replan_prev_core(st, p->numas[s].os_index, POOL_EMULATOR) >= 0) {
            numa = p->numas[s].os_index;
        }
    }
    for (int s = 0; s < p->n_numas && numa < 0; s++) {
        int n = p->numas[s].os_index;
        if (p->numas[s].has_cpus
            && (!count_dedicated(in) || node_vm_count(st, n))) {
            numa = n;
        }
    }
    for (int k = 0; k < want; k++) {
        int c = next_emulator_core(st, numa);
        if (c < 0) {
            return diag_error(p->diag, NFV_EINFEASIBLE,
                              "the emulator-share pool needs %d core(s) on "
                              "NUMA node %d, but only %d are free after "
                              "housekeeping: short by %d; lower [emulator] "
                              "shared_cores to %d", want, numa, k, want - k,
                              k);
        }
        st->core_pool[c] = POOL_EMULATOR;
    }
    p->emulator_numa = numa;
    return place_shared_vms(st, numa);
}

/* Rule 3: does node 'numa' need PMD cores? */
static bool
node_needs_pmd(const struct plan_state *st, int slot)
{
    int numa = st->plan->numas[slot].os_index;
    int pmds = intent_pmd_cores(st->intent, numa);

    return (node_has_uplink(st->plan, numa) || node_vm_count(st, numa)
            || state_free_cores(st, numa, -1, 1) > pmds);
}

/* Gives 'numa' 'n' PMD cores, from L3 domain 'l3' first (counting those it
 * already has, kept from a previous plan). */
static void
reserve_pmds(struct plan_state *st, int numa, int l3, int n)
{
    for (int i = 0; i < st->topo->n_cores; i++) {
        n -= (st->topo->cores[i].numa == numa
              && st->core_pool[i] == POOL_PMD);
    }
    for (int pass = 0; pass < 2 && n > 0; pass++) {
        for (int i = 0; i < st->topo->n_cores && n > 0; i++) {
            const struct nfv_core *c = &st->topo->cores[i];
            if (c->numa == numa && st->core_pool[i] == CORE_FREE
                && !c->kind_rank && (pass || c->l3 == l3)) {
                st->core_pool[i] = POOL_PMD;
                n--;
            }
        }
    }
}

static int
count_guest_cores(const struct plan_state *st, int l3)
{
    int n = 0;

    for (int i = 0; i < st->topo->n_cores; i++) {
        if (st->topo->cores[i].l3 == l3 && !st->topo->cores[i].kind_rank
            && (st->core_pool[i] == CORE_FREE || st->core_vm[i] >= 0)) {
            n++;
        }
    }
    return n;
}

/* Tries the node's PMD cores in L3 domain 'l3' with its VMs placed around
 * them; on a copy of the state unless 'commit'.  *score says how good the
 * L3 choice is: the node's VM cores in that domain or, with no VM on the
 * node, its guest-pool cores there (nova will place guests on them). */
static int
try_pmd_l3(struct plan_state *st, int slot, int l3, bool commit, int *score,
           int *failed_vm)
{
    int numa = st->plan->numas[slot].os_index;
    size_t n = st->topo->n_cores;
    struct plan_state trial = *st;
    int shortfall;

    if (!commit) {
        trial.core_pool = xmalloc(n * sizeof *trial.core_pool);
        trial.core_vm = xmalloc(n * sizeof *trial.core_vm);
        memcpy(trial.core_pool, st->core_pool, n * sizeof *trial.core_pool);
        memcpy(trial.core_vm, st->core_vm, n * sizeof *trial.core_vm);
    }
    reserve_pmds(&trial, numa, l3, st->pmd_count[slot]);
    shortfall = vm_fit_node(&trial, numa, commit, l3, score, failed_vm);
    if (!shortfall && !node_vm_count(st, numa)) {
        *score = count_guest_cores(&trial, l3);
    }
    if (!commit) {
        free(trial.core_pool);
        free(trial.core_vm);
    }
    return shortfall;
}

static int
vm_misfit(struct plan_state *st, int slot, int v, int shortfall)
{
    const struct intent_vm *vm = &st->intent->vms[v];
    int numa = st->plan->numas[slot].os_index;

    st->blocking_vm = v;
    st->blocking_numa = numa;
    return diag_error(st->plan->diag, NFV_EINFEASIBLE,
                      "VM %s (%d vCPUs, thread_policy %s) does not fit on "
                      "NUMA node %d: %d vCPU(s) short after housekeeping, "
                      "%d PMD core(s), the emulator pool and the VMs placed "
                      "before it; give it fewer vcpus, move it with numa = N "
                      "or lower pmd_cores_per_numa", vm->name, vm->vcpus,
                      thread_policy_name(vm->thread_policy), numa, shortfall,
                      st->pmd_count[slot]);
}

/* Rules 3, 6 and 7 for one node. */
static int
assign_pmds_and_vms(struct plan_state *st, int slot)
{
    struct plan *p = st->plan;
    int numa = p->numas[slot].os_index;
    int best_l3 = -1, best_score = -1, failed = -1, shortfall = 0;

    st->pmd_count[slot] = 0;
    if (!node_needs_pmd(st, slot)) {
        return 0;
    }
    st->pmd_count[slot] = intent_pmd_cores(st->intent, numa);
    if (!st->pmd_count[slot]) {
        if (node_has_uplink(p, numa) || node_vm_count(st, numa)) {
            return diag_error(p->diag, NFV_EINFEASIBLE,
                              "NUMA node %d has %s but pmd_cores_per_numa "
                              "gives it no PMD core: OVS would poll it from "
                              "another node; give it at least 1", numa,
                              node_has_uplink(p, numa) ? "an uplink"
                                                       : "a VM");
        }
        return 0;
    }
    if (state_free_cores(st, numa, -1, 1) < st->pmd_count[slot]) {
        int f = state_free_cores(st, numa, -1, 1);
        return diag_error(p->diag, NFV_EINFEASIBLE,
                          "NUMA node %d needs %d PMD core(s) for its %s, but "
                          "only %d core(s) are free after housekeeping and "
                          "the emulator pool: short by %d; lower "
                          "pmd_cores_per_numa or housekeeping_cores_per_numa",
                          numa, st->pmd_count[slot],
                          node_has_uplink(p, numa) ? "uplink" : "guests",
                          f, st->pmd_count[slot] - f);
    }
    if (st->plan->previous) {
        /* Rule 16: the PMD cores the node had stay, and fix the domain. */
        int l3;
        if (replan_keep_pmds(st, numa, st->pmd_count[slot], &l3)) {
            int s = try_pmd_l3(st, slot, l3, true, &best_score, &failed);
            return s ? vm_misfit(st, slot, failed, s) : 0;
        }
    }
    for (int l = 0; l < st->topo->n_l3s; l++) {
        int score = 0, v = -1, s;

        if (st->topo->l3s[l].numa != numa
            || !state_free_cores(st, numa, l, 1)) {
            continue;
        }
        s = try_pmd_l3(st, slot, l, false, &score, &v);
        if (!s && score > best_score) {
            best_l3 = l;
            best_score = score;
        } else if (s && (failed < 0 || s > shortfall)) {
            failed = v;
            shortfall = s;
        }
    }
    if (best_l3 < 0) {
        return vm_misfit(st, slot, failed, shortfall);
    }
    return try_pmd_l3(st, slot, best_l3, true, &best_score, &failed);
}

/* Cores nobody took: guests on nodes with a PMD; housekeeping for slower
 * CPU kinds and for nodes without a PMD (no guest there could be served
 * without polling across nodes). */
static void
assign_leftovers(struct plan_state *st)
{
    struct plan *p = st->plan;

    for (int s = 0; s < p->n_numas; s++) {
        int numa = p->numas[s].os_index;
        int given = 0;

        for (int i = 0; i < st->topo->n_cores; i++) {
            const struct nfv_core *c = &st->topo->cores[i];
            if (c->numa != numa || st->core_pool[i] != CORE_FREE) {
                continue;
            }
            if (c->kind_rank || !st->pmd_count[s]) {
                st->core_pool[i] = POOL_HOUSEKEEPING;
                given += !c->kind_rank;
            } else {
                st->core_pool[i] = POOL_GUEST;
            }
        }
        if (given) {
            diag_warn(p->diag, "NUMA node %d: %d core(s) left over with no "
                      "PMD on the node to serve guests there; given to "
                      "housekeeping", numa, given);
        }
    }
}

static void
fill_bitmaps(struct plan_state *st)
{
    struct plan *p = st->plan;

    for (int i = 0; i < st->topo->n_cores; i++) {
        const struct nfv_core *c = &st->topo->cores[i];
        struct plan_numa *pn = plan_find_numa(p, c->numa);
        int pool = st->core_pool[i];
        int first = hwloc_bitmap_first(c->pus), id;

        hwloc_bitmap_foreach_begin(id, c->pus) {
            int pu_pool = pool;
            if (pool == POOL_PMD && id != first
                && st->intent->pmd_siblings_idle) {
                pu_pool = POOL_IDLE;
            }
            hwloc_bitmap_set(pn->pool[pu_pool], id);
            hwloc_bitmap_set(p->pool[pu_pool], id);
        } hwloc_bitmap_foreach_end();
    }
}

static int
check_guest_pool(struct plan_state *st)
{
    struct plan *p = st->plan;
    const struct intent *in = st->intent;
    const struct nfv_numa *big = NULL;
    int emu, pmd, need;

    /* VMs that all float over the shared CPUs need no guest core. */
    if (!hwloc_bitmap_iszero(p->pool[POOL_GUEST])
        || (in->n_vms && !count_dedicated(in))) {
        return 0;
    }
    for (int i = 0; i < st->topo->n_numas; i++) {
        if (!big || st->topo->numas[i].n_cores > big->n_cores) {
            big = &st->topo->numas[i];
        }
    }
    emu = in->emulator_policy == EMU_SHARE ? in->emulator_shared_cores : 0;
    pmd = intent_pmd_cores(in, big->os_index);
    need = in->housekeeping_cores_per_numa + emu + pmd + 1;
    return diag_error(p->diag, NFV_EINFEASIBLE,
                      "no core is left for guests: NUMA node %d, the "
                      "largest, has %d usable core(s), and a node needs %d "
                      "= %d housekeeping + %d emulator-share + %d PMD + 1 "
                      "guest: short by %d. Plan a bigger host (--topology "
                      "FILE.xml), or use fewer housekeeping, emulator-share "
                      "or PMD cores in the intent", big->os_index,
                      big->n_cores, need, in->housekeeping_cores_per_numa,
                      emu, pmd, need - big->n_cores);
}

int
plan_pools(struct plan_state *st)
{
    struct plan *p = st->plan;
    int error;

    if ((error = assign_housekeeping(st))
        || (p->previous && (error = replan_keep_vms(st)))
        || (error = vm_choose_nodes(st))
        || (error = assign_emulator(st))) {
        return error;
    }
    for (int s = 0; s < p->n_numas; s++) {
        if (p->numas[s].has_cpus
            && (error = assign_pmds_and_vms(st, s))) {
            return error;
        }
    }
    assign_leftovers(st);
    fill_bitmaps(st);
    vm_assign_pmds(st);
    return check_guest_pool(st);
}
