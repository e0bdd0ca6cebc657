/* vm-place.c: rule 6, placing each listed VM.
 *
 * First every VM gets a NUMA node (its explicit 'numa', else the node of
 * the PF its first SR-IOV NIC comes from, else the node with the most free
 * guest cores).  Then, node by node, its vCPUs get whole cores of one L3 domain
 * when they fit, sibling PUs to consecutive vCPUs: VMs with the most vhost
 * rx queues first, into the PMD's L3 domain while it has room (rule 7),
 * the others into the tightest domain that holds them; finally each vhost
 * NIC gets the PMD that will poll it, preferring a PMD in the VM's own L3
 * domain. */
#include <config.h>

#include "planner/plan-state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

int
vm_cores_needed(const struct intent_vm *vm, int smt, bool emu_isolate)
{
    int cores;

    if (vm->thread_policy == THREAD_ISOLATE || smt < 2) {
        return vm->vcpus + (emu_isolate ? 1 : 0);
    }
    cores = (vm->vcpus + smt - 1) / smt;
    /* With a PU left over on its last core, 'isolate' emulator threads go
     * there; otherwise they need one more core. */
    if (emu_isolate && vm->vcpus % smt == 0) {
        cores++;
    }
    return cores;
}

/* Rule 7: how many vhost rx queues of this VM the node's PMDs poll. */
int
vm_vhost_queues(const struct intent_vm *vm)
{
    int n = 0;

    for (int i = 0; i < vm->n_nics; i++) {
        n += vm->nics[i].type == NIC_VHOST;
    }
    return n * (vm->queues ? vm->queues : 1);
}

static int
node_smt(const struct plan_state *st, int numa)
{
    int smt = 1;

    for (int i = 0; i < st->topo->n_cores; i++) {
        const struct nfv_core *c = &st->topo->cores[i];
        if (c->numa == numa && hwloc_bitmap_weight(c->pus) > smt) {
            smt = hwloc_bitmap_weight(c->pus);
        }
    }
    return smt;
}

/* The PF of the VM's first SR-IOV NIC (rule 12), or NULL. */
static const char *
first_sriov_pf(const struct plan_vm *pv)
{
    for (int i = 0; i < pv->n_nics; i++) {
        if (pv->nics[i].type == NIC_SRIOV) {
            return pv->nics[i].pf;
        }
    }
    return NULL;
}

static int
pf_numa(const struct plan *p, const char *pci)
{
    for (int i = 0; i < p->n_uplinks; i++) {
        if (!strcasecmp(p->uplinks[i].nic->pci, pci)) {
            return p->uplinks[i].numa;
        }
    }
    const struct nfv_nic *nic = topology_find_nic(p->topo, pci);
    return nic && nic->numa >= 0 ? nic->numa : 0;
}

/* Picks each VM's node.  Free capacity is estimated in cores, from the
 * cores left after housekeeping, the PMD cores every node is likely to
 * need and the VMs whose node is given; the exact fit is checked per node
 * later. */
int
vm_choose_nodes(struct plan_state *st)
{
    struct plan *p = st->plan;
    const struct intent *in = st->intent;
    int *free_cores = xcalloc(p->n_numas, sizeof *free_cores);
    bool emu_iso = in->emulator_policy == EMU_ISOLATE;

    bool emu_counted = in->emulator_policy != EMU_SHARE;

    for (int s = 0; s < p->n_numas; s++) {
        if (p->numas[s].has_cpus) {
            int numa = p->numas[s].os_index;
            free_cores[s] = (state_free_cores(st, numa, -1, 1)
                             - intent_pmd_cores(in, numa));
            /* The emulator-share pool usually lands on the lowest node. */
            if (!emu_counted) {
                free_cores[s] -= in->emulator_shared_cores;
                emu_counted = true;
            }
        }
    }
    /* Two rounds over the VMs: first those whose node is given (numa = N,
     * or their PF's), so that the others are counted against what those
     * leave. */
    for (int i = 0; i < 2 * in->n_vms; i++) {
        int v = i % in->n_vms;
        const struct intent_vm *vm = &in->vms[v];
        bool fixed = vm->numa >= 0 || first_sriov_pf(&p->vms[v]);
        int slot = -1;

        if (vm->cpu_policy == CPU_SHARED) {
            /* It takes no core: it goes where the shared CPUs are
             * (assign_emulator). */
            st->vm_numa[v] = -1;
            continue;
        }
        if (st->keep[v] >= 0 || fixed != (i < in->n_vms)) {
            continue;           /* Kept: its node and cores are its own. */
        }
        if (vm->numa >= 0) {
            slot = state_numa_slot(st, vm->numa);
            if (slot < 0 || !p->numas[slot].has_cpus) {
                struct sbuf nodes;
                sbuf_init(&nodes);
                for (int s = 0; s < p->n_numas; s++) {
                    if (p->numas[s].has_cpus) {
                        sbuf_printf(&nodes, "%s%d", nodes.len ? ", " : "",
                                    p->numas[s].os_index);
                    }
                }
                diag_error(p->diag, NFV_EINPUT, "%s:%d: [vm %s] numa = %d, "
                           "but the topology's nodes with CPUs are: %s",
                           in->file, vm->line, vm->name, vm->numa, nodes.s);
                sbuf_destroy(&nodes);
                free(free_cores);
                return p->diag->status;
            }
        } else if (first_sriov_pf(&p->vms[v])) {
            slot = state_numa_slot(st, pf_numa(p, first_sriov_pf(&p->vms[v])));
        }
        if (slot < 0 || !p->numas[slot].has_cpus) {
            for (int s = 0; s < p->n_numas; s++) {
                if (p->numas[s].has_cpus
                    && (slot < 0 || free_cores[s] > free_cores[slot])) {
                    slot = s;
                }
            }
        }
        st->vm_numa[v] = p->numas[slot].os_index;
        free_cores[slot] -= vm_cores_needed(vm, node_smt(st, st->vm_numa[v]),
                                            emu_iso);
    }
    free(free_cores);
    return 0;
}

/* Chooses the L3 domain for a VM that needs 'need' cores: the tightest one
 * that holds it whole, or -1 when none does. */
static int
best_fit_l3(const struct plan_state *st, int numa, int need, int min_pus)
{
    int best = -1, best_free = 0;

    for (int l = 0; l < st->topo->n_l3s; l++) {
        int f;
        if (st->topo->l3s[l].numa != numa) {
            continue;
        }
        f = state_free_cores(st, numa, l, min_pus);
        if (f >= need && (best < 0 || f < best_free)) {
            best = l;
            best_free = f;
        }
    }
    return best;
}

/* The free core to take next for a VM: in L3 'l3' if it has one, else in
 * the L3 domain of the node with the most free cores (a VM that does not
 * fit one domain spreads over as few as possible). */
static int
next_core(const struct plan_state *st, int numa, int l3, int min_pus)
{
    int best_l3 = -1, best_free = 0;

    if (l3 >= 0 && state_free_cores(st, numa, l3, min_pus) == 0) {
        l3 = -1;
    }
    if (l3 < 0) {
        for (int l = 0; l < st->topo->n_l3s; l++) {
            int f = state_free_cores(st, numa, l, min_pus);
            if (f > best_free) {
                best_l3 = l;
                best_free = f;
            }
        }
        l3 = best_l3;
    }
    for (int i = 0; l3 >= 0 && i < st->topo->n_cores; i++) {
        const struct nfv_core *c = &st->topo->cores[i];
        if (c->l3 == l3 && st->core_pool[i] == CORE_FREE && !c->kind_rank
            && hwloc_bitmap_weight(c->pus) >= min_pus) {
            return i;
        }
    }
    return -1;
}

static void
record_pin(struct plan_vm *pv, int vcpu, int pu)
{
    pv->vcpupin[vcpu] = pu;
    hwloc_bitmap_set(pv->cpus, pu);
}

/* The L3 domain a VM that needs 'need' cores starts in: the PMD's domain
 * 'pmd_l3' for a VM with vhost queues when it holds the VM whole (rule 7),
 * else the tightest domain that does, else -1 (spread). */
static int
choose_l3(const struct plan_state *st, const struct intent_vm *vm, int numa,
          int need, int min_pus, int pmd_l3)
{
    if (pmd_l3 >= 0 && vm_vhost_queues(vm)
        && state_free_cores(st, numa, pmd_l3, min_pus) >= need) {
        return pmd_l3;
    }
    return best_fit_l3(st, numa, need, min_pus);
}

/* Takes cores for one VM, near the PMD's L3 domain 'pmd_l3' if it has
 * vhost NICs; *l3_out is the domain it starts in.  Returns the number of
 * vCPUs it could not place (0 on success). */
static int
place_vm(struct plan_state *st, int v, int numa, bool commit, int pmd_l3,
         int *l3_out)
{
    const struct intent_vm *vm = &st->intent->vms[v];
    struct plan_vm *pv = &st->plan->vms[v];
    bool emu_iso = st->intent->emulator_policy == EMU_ISOLATE;
    bool one_per_core = vm->thread_policy == THREAD_ISOLATE;
    int min_pus = vm->thread_policy == THREAD_REQUIRE ? 2 : 1;
    int smt = node_smt(st, numa);
    int need = vm_cores_needed(vm, smt, emu_iso);
    int l3 = choose_l3(st, vm, numa, need, min_pus, pmd_l3);
    int placed = 0;
    bool emu_done = !emu_iso;

    while (placed < vm->vcpus || !emu_done) {
        int c = next_core(st, numa, l3, min_pus);
        int id;

        if (c < 0) {
            break;
        }
        if (l3 < 0) {
            l3 = st->topo->cores[c].l3;
        }
        st->core_pool[c] = POOL_GUEST;
        st->core_vm[c] = v;
        /* Consecutive vCPUs on sibling PUs; with thread_policy=isolate only
         * a core's first PU is used and its siblings stay empty.  Once the
         * vCPUs are placed, an 'isolate' emulator PU takes the next free PU:
         * the sibling left over on the last core, or a fresh core. */
        int k = 0;
        hwloc_bitmap_foreach_begin(id, st->topo->cores[c].pus) {
            if (one_per_core && k++ > 0) {
                break;
            }
            if (placed < vm->vcpus) {
                if (commit) {
                    record_pin(pv, placed, id);
                }
                placed++;
            } else if (!emu_done) {
                if (commit) {
                    hwloc_bitmap_set(pv->emulatorpin, id);
                }
                emu_done = true;
            } else {
                break;
            }
        } hwloc_bitmap_foreach_end();
    }
    if (commit) {
        pv->numa = numa;
        pv->l3 = l3;
    }
    *l3_out = l3;
    return vm->vcpus - placed + (emu_done ? 0 : 1);
}

/* Most vhost rx queues first (they go next to the PMD), then biggest
 * (fewer stranded cores), then intent order. */
static int
cmp_vm_order(const void *a_, const void *b_, void *st_)
{
    const struct plan_state *st = st_;
    int a = *(const int *) a_, b = *(const int *) b_;
    const struct intent_vm *va = &st->intent->vms[a];
    const struct intent_vm *vb = &st->intent->vms[b];
    int qa = vm_vhost_queues(va), qb = vm_vhost_queues(vb);

    return (qa != qb ? qb - qa
            : va->vcpus != vb->vcpus ? vb->vcpus - va->vcpus
            : a - b);
}

/* Places every VM chosen for node 'numa' around PMD cores in L3 domain
 * 'pmd_l3' (rule 7).  *score says how good that domain is for the PMD:
 * first the vhost rx queues of the VMs placed in it, then the node's VM
 * cores in it.  Returns 0, or the number of vCPUs (and emulator PUs) that
 * VM *failed_vm could not get. */
int
vm_fit_node(struct plan_state *st, int numa, bool commit, int pmd_l3,
            int *score, int *failed_vm)
{
    const struct intent *in = st->intent;
    int *order = xcalloc(in->n_vms, sizeof *order);
    int n = 0, queues = 0, cores = 0;

    for (int v = 0; v < in->n_vms; v++) {
        if (st->vm_numa[v] != numa
            || in->vms[v].cpu_policy == CPU_SHARED) {
            continue;
        }
        if (st->keep[v] < 0) {
            order[n++] = v;
        } else if (st->plan->vms[v].l3 == pmd_l3) {
            queues += vm_vhost_queues(&in->vms[v]);     /* Kept there. */
        }
    }
    qsort_r(order, n, sizeof *order, cmp_vm_order, st);
    for (int i = 0; i < n; i++) {
        int l3;
        int shortfall = place_vm(st, order[i], numa, commit, pmd_l3, &l3);
        if (shortfall) {
            *failed_vm = order[i];
            free(order);
            return shortfall;
        }
        if (l3 == pmd_l3) {
            queues += vm_vhost_queues(&in->vms[order[i]]);
        }
    }
    free(order);
    for (int i = 0; i < st->topo->n_cores; i++) {
        if (st->topo->cores[i].l3 == pmd_l3 && st->core_vm[i] >= 0) {
            cores++;
        }
    }
    *score = queues * (st->topo->n_cores + 1) + cores;
    return 0;
}

/* The PMD for one more rx queue of a VM: the least loaded PMD PU of its
 * node, those in the VM's own L3 domain first; -1 without a PMD there. */
static int
pick_pmd(const struct plan_state *st, const struct plan_vm *pv,
         const int *load)
{
    const struct plan_numa *pn = plan_find_numa(st->plan, pv->numa);
    hwloc_const_bitmap_t l3 = pv->l3 >= 0 ? st->topo->l3s[pv->l3].pus : NULL;
    int best = -1, id;

    hwloc_bitmap_foreach_begin(id, pn->pool[POOL_PMD]) {
        bool local = l3 && hwloc_bitmap_isset(l3, id);
        bool best_local = best >= 0 && l3 && hwloc_bitmap_isset(l3, best);
        if (best < 0 || (local && !best_local)
            || (local == best_local && load[id] < load[best])) {
            best = id;
        }
    } hwloc_bitmap_foreach_end();
    return best;
}

/* Gives every rx queue of every vhost NIC a PMD on the VM's node, one
 * queue at a time (pick_pmd()), so a multiqueue NIC's queues spread over
 * the PMDs and the load counts queues, not NICs.  A VM kept from a previous
 * plan keeps its queues' PMDs (rule 16); they are counted first. */
void
vm_assign_pmds(struct plan_state *st)
{
    struct plan *p = st->plan;
    int max_pu = hwloc_bitmap_last(st->topo->all_pus) + 1;
    int *load = xcalloc(max_pu, sizeof *load);

    for (int v = 0; v < p->n_vms; v++) {
        struct plan_vm *pv = &p->vms[v];
        for (int n = 0; n < pv->n_nics; n++) {
            if (pv->nics[n].type != NIC_VHOST) {
                continue;
            }
            pv->nics[n].rxq_pmds = xcalloc(pv->queues, sizeof (int));
            for (int q = 0; q < pv->queues; q++) {
                int cpu = replan_kept_pmd(p, pv, n, q);
                pv->nics[n].rxq_pmds[q] = cpu;
                if (cpu >= 0) {
                    load[cpu]++;
                }
            }
        }
    }
    for (int v = 0; v < p->n_vms; v++) {
        struct plan_vm *pv = &p->vms[v];
        for (int n = 0; n < pv->n_nics; n++) {
            struct plan_nic *nic = &pv->nics[n];
            for (int q = 0; nic->type == NIC_VHOST && q < pv->queues; q++) {
                if (nic->rxq_pmds[q] < 0) {
                    nic->rxq_pmds[q] = pick_pmd(st, pv, load);
                    if (nic->rxq_pmds[q] >= 0) {
                        load[nic->rxq_pmds[q]]++;
                    }
                }
            }
            if (nic->type == NIC_VHOST) {
                nic->pmd_cpu = nic->rxq_pmds[0];
                if (nic->pmd_cpu < 0) {
                    free(nic->rxq_pmds);
                    nic->rxq_pmds = NULL;
                }
            }
        }
    }
    free(load);
}
