/* replan.c: stable re-planning (rule 16), a plan made against the
 * previous one.
 *
 * With 'nfvhost plan --previous PLAN.json', the CLI reads the previous
 * plan through lib/plan-file.h and hands it to plan_build_with() as data;
 * nothing here reads a file.  A VM that is in both plans and whose own
 * intent did not change is "kept": before any other VM is placed, its
 * cores are reserved exactly where the previous plan pinned it, and later
 * its NICs keep their PMDs, MACs and VF ordinals.  The emulator-share pool
 * and the PMD cores also start from the previous ones, so a pool grows by
 * a core instead of being chosen anew.  Everything else (new VMs, VMs whose
 * intent changed) is placed by the ordinary rules in what is left.
 *
 * When the kept VMs leave no room, plan.c asks which of them to release,
 * fewest first; replan_changes() then lists, in plan->changes, everything
 * that differs from the previous plan, for the summary and for the
 * appliers (docs/plan-format.md, "changes"). */
#include <config.h>

#include "planner/plan-state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/plan-file.h"
#include "lib/util.h"

/* Same NICs, by type, VLAN and (SR-IOV) PF. */
static bool
same_nics(const struct plan_vm *pv, const struct plan_file_vm *old)
{
    if ((size_t) pv->n_nics != old->n_nics) {
        return false;
    }
    for (int n = 0; n < pv->n_nics; n++) {
        const struct plan_nic *a = &pv->nics[n];
        const struct plan_file_nic *b = &old->nics[n];
        if (a->type != b->type || a->vlan != b->vlan
            || (a->type == NIC_SRIOV && strcasecmp(a->pf, b->pf))) {
            return false;
        }
    }
    return true;
}

/* Whether the VM's own intent asks for the placement it had: the same
 * size, policy, NICs and queues, and no 'numa' that points elsewhere. */
static bool
same_intent(const struct plan_vm *pv, const struct plan_file_vm *old)
{
    const struct intent_vm *vm = pv->intent;

    return (vm->vcpus == old->vcpus && vm->memory_mb == old->memory_mb
            && vm->thread_policy == old->thread_policy
            && pv->queues == old->queues
            && (vm->numa < 0 || vm->numa == old->numa)
            && same_nics(pv, old));
}

void
replan_match(struct plan_state *st, const bool *release)
{
    struct plan *p = st->plan;
    const struct plan_file *prev = p->previous;

    for (int v = 0; v < p->n_vms; v++) {
        struct plan_vm *pv = &p->vms[v];

        st->keep[v] = -1;
        pv->prev = prev ? plan_file_find_vm(prev, pv->intent->name) : NULL;
        pv->changed = pv->prev && !same_intent(pv, pv->prev);
        /* A cpu_policy shared VM (rule 17) has no pins to keep. */
        if (pv->prev && !pv->changed && !(release && release[v])
            && pv->vcpupin && pv->prev->vcpupin) {
            st->keep[v] = pv->prev - prev->vms;
        }
    }
}

static int
core_of_pu(const struct nfv_topology *t, int pu)
{
    for (int i = 0; i < t->n_cores; i++) {
        if (hwloc_bitmap_isset(t->cores[i].pus, pu)) {
            return i;
        }
    }
    return -1;
}

/* What holds core 'c' now, for a message. */
static const char *
core_holder(const struct plan_state *st, int c)
{
    if (st->core_pool[c] == CORE_FREE) {
        return "free";
    }
    if (st->core_vm[c] >= 0) {
        return st->plan->vms[st->core_vm[c]].intent->name;
    }
    return pool_name(st->core_pool[c]);
}

/* Takes the core of 'pu' for kept VM 'v', or says why it cannot. */
static int
take_core(struct plan_state *st, int v, int pu, const char *what)
{
    const struct plan_vm *pv = &st->plan->vms[v];
    int c = pu >= 0 ? core_of_pu(st->topo, pu) : -1;

    if (c < 0 || !hwloc_bitmap_isset(st->topo->usable, pu)) {
        return diag_error(st->plan->diag, NFV_EINFEASIBLE, "VM %s cannot "
                          "stay where the previous plan put it: its %s CPU "
                          "%d is not a usable CPU of this host",
                          pv->intent->name, what, pu);
    }
    if (st->core_vm[c] == v) {
        return 0;
    }
    if (st->core_pool[c] != CORE_FREE || st->topo->cores[c].kind_rank
        || st->topo->cores[c].numa != pv->prev->numa) {
        return diag_error(st->plan->diag, NFV_EINFEASIBLE, "VM %s cannot "
                          "stay where the previous plan put it: its %s CPU "
                          "%d is now %s", pv->intent->name, what, pu,
                          st->topo->cores[c].kind_rank ? "a slower CPU kind"
                          : st->topo->cores[c].numa != pv->prev->numa
                          ? "on another NUMA node" : core_holder(st, c));
    }
    st->core_pool[c] = POOL_GUEST;
    st->core_vm[c] = v;
    return 0;
}

/* Reserves the cores of one kept VM and pins it as before. */
static int
keep_vm(struct plan_state *st, int v)
{
    struct plan_vm *pv = &st->plan->vms[v];
    const struct plan_file_vm *old = pv->prev;
    bool isolate = st->intent->emulator_policy == EMU_ISOLATE;
    int error = 0;

    if (isolate && st->plan->previous->settings.emulator_policy
                   != EMU_ISOLATE) {
        return diag_error(st->plan->diag, NFV_EINFEASIBLE, "VM %s cannot "
                          "stay where the previous plan put it: emulator "
                          "policy isolate needs a PU of its own for it",
                          pv->intent->name);
    }
    for (int i = 0; i < old->vcpus && !error; i++) {
        error = take_core(st, v, old->vcpupin[i], "vCPU");
    }
    if (isolate && !error) {
        int pu = hwloc_bitmap_first(old->emulatorpin);
        error = take_core(st, v, pu, "emulator");
        if (!error) {
            hwloc_bitmap_set(pv->emulatorpin, pu);
        }
    }
    if (error) {
        return error;
    }
    for (int i = 0; i < old->vcpus; i++) {
        pv->vcpupin[i] = old->vcpupin[i];
        hwloc_bitmap_set(pv->cpus, old->vcpupin[i]);
    }
    pv->numa = old->numa;
    pv->l3 = st->topo->cores[core_of_pu(st->topo, old->vcpupin[0])].l3;
    pv->kept = true;
    st->vm_numa[v] = old->numa;
    return 0;
}

int
replan_keep_vms(struct plan_state *st)
{
    for (int v = 0; v < st->plan->n_vms; v++) {
        int error = st->keep[v] >= 0 ? keep_vm(st, v) : 0;
        if (error) {
            st->blocking_vm = v;
            st->blocking_numa = st->plan->vms[v].prev->numa;
            return error;
        }
    }
    return 0;
}

/* The cores of the previous plan's pool 'which' on node 'numa'. */
static hwloc_const_bitmap_t
prev_pool(const struct plan *p, int numa, enum pool which)
{
    const struct plan_file_numa *pn = plan_file_find_numa(p->previous, numa);

    if (!pn) {
        return NULL;
    }
    return which == POOL_PMD ? pn->pools.pmd : pn->pools.emulator;
}

/* A free core of node 'numa' that the previous plan had in pool 'which',
 * or -1. */
int
replan_prev_core(const struct plan_state *st, int numa, enum pool which)
{
    hwloc_const_bitmap_t set;

    if (!st->plan->previous || !(set = prev_pool(st->plan, numa, which))) {
        return -1;
    }
    for (int i = 0; i < st->topo->n_cores; i++) {
        const struct nfv_core *c = &st->topo->cores[i];
        if (c->numa == numa && st->core_pool[i] == CORE_FREE
            && !c->kind_rank && hwloc_bitmap_intersects(c->pus, set)) {
            return i;
        }
    }
    return -1;
}

bool
replan_was_pmd(const struct plan_state *st, int core)
{
    const struct plan_file *prev = st->plan->previous;

    return prev && (hwloc_bitmap_intersects(st->topo->cores[core].pus,
                                            prev->pools.pmd)
                    || hwloc_bitmap_intersects(st->topo->cores[core].pus,
                                               prev->pools.idle));
}

int
replan_keep_pmds(struct plan_state *st, int numa, int want, int *l3)
{
    int kept = 0, c;

    *l3 = -1;
    while (kept < want && (c = replan_prev_core(st, numa, POOL_PMD)) >= 0) {
        st->core_pool[c] = POOL_PMD;
        if (*l3 < 0) {
            *l3 = st->topo->cores[c].l3;
        }
        kept++;
    }
    return kept;
}

/* Whether VM 'pv' (with an unchanged intent) has the vCPU pins it had,
 * kept or, after a move of others, placed there again. */
static bool
same_pins(const struct plan_vm *pv)
{
    if (!pv->prev || pv->changed) {
        return false;
    }
    if (!pv->vcpupin || !pv->prev->vcpupin) {
        return !pv->vcpupin && !pv->prev->vcpupin;     /* Rule 17. */
    }
    for (int i = 0; i < pv->prev->vcpus; i++) {
        if (pv->vcpupin[i] != pv->prev->vcpupin[i]) {
            return false;
        }
    }
    return true;
}

/* The PMD the previous plan gave rx queue 'q' of NIC 'n' of VM 'pv', if
 * the VM is where it was and that CPU is still a PMD of its node; else -1.
 * A plan without per-queue PMDs had pmd_cpu poll every queue. */
int
replan_kept_pmd(const struct plan *p, const struct plan_vm *pv, int n, int q)
{
    const struct plan_numa *pn = plan_find_numa(p, pv->numa);
    const struct plan_file_nic *old;
    int cpu;

    if (!same_pins(pv) || (size_t) n >= pv->prev->n_nics) {
        return -1;
    }
    old = &pv->prev->nics[n];
    cpu = (!old->rxq_pmds ? old->pmd_cpu
           : q < pv->prev->queues ? old->rxq_pmds[q] : -1);
    return cpu >= 0 && hwloc_bitmap_isset(pn->pool[POOL_PMD], cpu) ? cpu : -1;
}

/* NIC 'n' of a VM that was in the previous plan, if that plan had the
 * same kind of NIC (and, for SR-IOV, the same PF) at that index. */
const struct plan_file_nic *
replan_prev_nic(const struct plan_vm *pv, int n)
{
    const struct plan_file_nic *old;

    if (!pv->prev || (size_t) n >= pv->prev->n_nics) {
        return NULL;
    }
    old = &pv->prev->nics[n];
    if (old->type != pv->nics[n].type
        || (old->type == NIC_SRIOV && strcasecmp(old->pf, pv->nics[n].pf))) {
        return NULL;
    }
    return old;
}

int
replan_prev_numvfs(const struct plan *p, const char *pci)
{
    const struct plan_file_sriov_pf *pf;

    pf = p->previous ? plan_file_find_sriov_pf(p->previous, pci) : NULL;
    return pf ? pf->numvfs : 0;
}

/* ------------------------------------------------------------------ */
/* What changed. */

static void
add_change(struct plan *p, const char *kind, const char *vm, char *item,
           char *before, char *after, bool restart)
{
    struct plan_change *c;

    p->changes = xrealloc(p->changes, (p->n_changes + 1) * sizeof *c);
    c = &p->changes[p->n_changes++];
    c->kind = kind;
    c->vm = vm ? xstrdup(vm) : NULL;
    c->item = item;
    c->before = before;
    c->after = after;
    c->restart = restart;
}

/* "2,8": the host PU of each vCPU in vCPU order (not a CPU list: the
 * order says which vCPU goes where). */
static char *
pins_str(const int *pins, int n)
{
    struct sbuf b;

    if (!pins) {
        return xstrdup("shared");   /* cpu_policy shared: no pins. */
    }
    sbuf_init(&b);
    for (int i = 0; i < n; i++) {
        sbuf_printf(&b, "%s%d", i ? "," : "", pins[i]);
    }
    return sbuf_steal(&b);
}

static char *
int_str(int v)
{
    return v < 0 ? NULL : xasprintf("%d", v);
}

/* "3,9,3,9": the PMD of each rx queue; "3" when one polls them all (or
 * the plan had no per-queue list); NULL for none. */
static char *
rxq_str(const int *pmds, int queues, int pmd)
{
    struct sbuf b;
    bool one = true;

    for (int q = 1; pmds && q < queues; q++) {
        one &= pmds[q] == pmds[0];
    }
    if (!pmds || one) {
        return int_str(pmds ? pmds[0] : pmd);
    }
    sbuf_init(&b);
    for (int q = 0; q < queues; q++) {
        sbuf_printf(&b, "%s%d", q ? "," : "", pmds[q]);
    }
    return sbuf_steal(&b);
}

static bool
same_rxq_pmds(const struct plan_nic *a, int a_queues,
              const struct plan_file_nic *b, int b_queues)
{
    char *x = rxq_str(a->rxq_pmds, a_queues, a->pmd_cpu);
    char *y = rxq_str(b->rxq_pmds, b_queues, b->pmd_cpu);
    bool same = (!x && !y) || (x && y && !strcmp(x, y));

    free(x);
    free(y);
    return same;
}

/* "vcpus 2 -> 4, memory 2048 -> 4096 MiB": what of its intent changed. */
static char *
intent_diff(const struct plan_vm *pv, bool *restart)
{
    const struct intent_vm *vm = pv->intent;
    const struct plan_file_vm *old = pv->prev;
    struct sbuf b;

    sbuf_init(&b);
    *restart = false;
    if (vm->vcpus != old->vcpus) {
        sbuf_printf(&b, "vcpus %d -> %d, ", old->vcpus, vm->vcpus);
        *restart = true;
    }
    if (vm->memory_mb != old->memory_mb) {
        sbuf_printf(&b, "memory %llu -> %llu MiB, ",
                    (unsigned long long) old->memory_mb,
                    (unsigned long long) vm->memory_mb);
        *restart = true;
    }
    if (vm->thread_policy != old->thread_policy) {
        sbuf_printf(&b, "thread_policy %s -> %s, ",
                    thread_policy_name(old->thread_policy),
                    thread_policy_name(vm->thread_policy));
        *restart = true;
    }
    if (pv->queues != old->queues) {
        sbuf_printf(&b, "queues %d -> %d, ", old->queues, pv->queues);
        *restart = true;
    }
    if (!same_nics(pv, old)) {
        sbuf_printf(&b, "nics, ");
        *restart = true;
    }
    if (vm->numa >= 0 && vm->numa != old->numa) {
        sbuf_printf(&b, "numa %d -> %d, ", old->numa, vm->numa);
    }
    if (b.len >= 2) {
        b.s[b.len -= 2] = '\0';
    }
    return sbuf_steal(&b);
}

/* The OVS port of a NIC of the previous plan's VM 'vm': its vhost port,
 * or the representor of its VF on a switchdev uplink (rule 15); NULL. */
static const char *
old_port(const struct plan_file *prev, const char *vm,
         const struct plan_file_nic *nic)
{
    if (nic->type == NIC_VHOST) {
        return nic->port;
    }
    for (size_t i = 0; i < prev->ovs.n_representors; i++) {
        const struct plan_file_ovs_representor *r = &prev->ovs.representors[i];
        if (!strcmp(r->vm, vm) && r->nic == nic->index) {
            return r->name;
        }
    }
    return NULL;
}

/* The same of a NIC of this plan. */
static const char *
new_port(const struct plan_nic *nic)
{
    return nic->type == NIC_VHOST ? nic->port : nic->representor;
}

/* "port-added" or "port-removed" for the OVS ports of NICs 'from' on of
 * this plan's 'nics' or of the previous plan's 'old'. */
static void
port_changes(struct plan *p, const char *kind, const char *vm,
             const struct plan_nic *nics, int n_nics,
             const struct plan_file_nic *old, size_t n_old, size_t from)
{
    for (size_t n = from; nics && n < (size_t) n_nics; n++) {
        const char *port = new_port(&nics[n]);
        if (port) {
            add_change(p, kind, vm, xstrdup(port), NULL, NULL, false);
        }
    }
    for (size_t n = from; old && n < n_old; n++) {
        const char *port = old_port(p->previous, vm, &old[n]);
        if (port) {
            add_change(p, kind, vm, xstrdup(port), NULL, NULL, false);
        }
    }
}

/* An SR-IOV NIC in both plans: its VF, and its representor port when its
 * PF is (or was) a switchdev uplink. */
static void
sriov_changes(struct plan *p, const char *vm, size_t n,
              const struct plan_nic *a, const struct plan_file_nic *b)
{
    const char *was = old_port(p->previous, vm, b), *is = new_port(a);

    if (a->vf != b->vf || strcasecmp(a->pf, b->pf)) {
        add_change(p, "vf", vm, xasprintf("nic %zu", n),
                   xasprintf("%s/%d", b->pf, b->vf),
                   xasprintf("%s/%d", a->pf, a->vf), true);
    }
    if (was && (!is || strcmp(was, is))) {
        add_change(p, "port-removed", vm, xstrdup(was), NULL, NULL, false);
    }
    if (is && (!was || strcmp(was, is))) {
        add_change(p, "port-added", vm, xstrdup(is), NULL, NULL, false);
    }
}

static void
vm_changes(struct plan *p, const struct plan_vm *pv)
{
    const struct plan_file_vm *old = pv->prev;
    const char *name = pv->intent->name;
    char *before = pins_str(old->vcpupin, old->vcpus);
    char *after = pins_str(pv->vcpupin, pv->intent->vcpus);
    bool restart = false;
    size_t common;

    /* Pins move live; memory and the guest's CPU topology do not: a VM
     * that changes node (its hugepages are bound to the old one, numatune
     * strict) or topology (threads per core) restarts. */
    bool relocated = (old->numa != pv->numa || old->threads != pv->threads
                      || old->cores != pv->cores);

    if (pv->changed) {
        char *what = intent_diff(pv, &restart);
        add_change(p, "vm-changed", name, what, NULL, NULL,
                   restart || relocated);
    } else if (strcmp(before, after)) {
        add_change(p, "vm-moved", name, NULL, xstrdup(before),
                   xstrdup(after), relocated);
    }
    if (strcmp(before, after)) {
        add_change(p, "vcpupin", name, NULL, before, after,
                   old->vcpus != pv->intent->vcpus || relocated);
    } else {
        free(before);
        free(after);
    }
    if (!hwloc_bitmap_isequal(old->emulatorpin, pv->emulatorpin)) {
        add_change(p, "emulatorpin", name, NULL,
                   cpulist_format(old->emulatorpin),
                   cpulist_format(pv->emulatorpin), false);
    }
    common = old->n_nics < (size_t) pv->n_nics ? old->n_nics
                                               : (size_t) pv->n_nics;
    for (size_t n = 0; n < common; n++) {
        const struct plan_nic *a = &pv->nics[n];
        const struct plan_file_nic *b = &old->nics[n];

        if (a->type != b->type) {
            port_changes(p, "port-removed", name, NULL, 0, b, 1, 0);
            port_changes(p, "port-added", name, a, 1, NULL, 0, 0);
        } else if (a->type == NIC_VHOST
                   && !same_rxq_pmds(a, pv->queues, b, old->queues)) {
            add_change(p, "rxq", name, xstrdup(a->port),
                       rxq_str(b->rxq_pmds, old->queues, b->pmd_cpu),
                       rxq_str(a->rxq_pmds, pv->queues, a->pmd_cpu), false);
        } else if (a->type == NIC_SRIOV) {
            sriov_changes(p, name, n, a, b);
        }
    }
    port_changes(p, "port-removed", name, NULL, 0, old->nics, old->n_nics,
                 common);
    port_changes(p, "port-added", name, pv->nics, pv->n_nics, NULL, 0,
                 common);
}

static bool
in_intent(const struct plan *p, const char *name)
{
    for (int v = 0; v < p->n_vms; v++) {
        if (!strcmp(p->vms[v].intent->name, name)) {
            return true;
        }
    }
    return false;
}

static void
pool_changes(struct plan *p)
{
    const struct plan_file_pools *old = &p->previous->pools;
    hwloc_const_bitmap_t before[N_POOLS] = {
        [POOL_HOUSEKEEPING] = old->housekeeping, [POOL_PMD] = old->pmd,
        [POOL_EMULATOR] = old->emulator, [POOL_GUEST] = old->guest,
        [POOL_IDLE] = old->idle,
    };

    for (int i = POOL_HOUSEKEEPING; i < N_POOLS; i++) {
        if (!hwloc_bitmap_isequal(before[i], p->pool[i])) {
            add_change(p, "pool", NULL, xstrdup(pool_name(i)),
                       cpulist_format(before[i]), cpulist_format(p->pool[i]),
                       false);
        }
    }
}

void
replan_changes(struct plan *p)
{
    const struct plan_file *prev = p->previous;

    for (size_t i = 0; i < prev->n_vms; i++) {
        const struct plan_file_vm *old = &prev->vms[i];
        if (!in_intent(p, old->name)) {
            add_change(p, "vm-removed", old->name, NULL,
                       pins_str(old->vcpupin, old->vcpus), NULL, false);
            port_changes(p, "port-removed", old->name, NULL, 0, old->nics,
                         old->n_nics, 0);
        }
    }
    for (int v = 0; v < p->n_vms; v++) {
        const struct plan_vm *pv = &p->vms[v];
        if (!pv->prev) {
            add_change(p, "vm-added", pv->intent->name, NULL, NULL,
                       pins_str(pv->vcpupin, pv->intent->vcpus), false);
            port_changes(p, "port-added", pv->intent->name, pv->nics,
                         pv->n_nics, NULL, 0, 0);
        } else {
            vm_changes(p, pv);
        }
    }
    pool_changes(p);
}

void
replan_changes_destroy(struct plan *p)
{
    for (int i = 0; i < p->n_changes; i++) {
        free(p->changes[i].vm);
        free(p->changes[i].item);
        free(p->changes[i].before);
        free(p->changes[i].after);
    }
    free(p->changes);
    p->changes = NULL;
    p->n_changes = 0;
}
