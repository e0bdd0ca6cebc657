/* plan.c: plan_build() and the plan's accessors (see plan.h). */
#include <config.h>

#include "planner/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planner/plan-state.h"
#include "lib/util.h"

const char *
pool_name(enum pool p)
{
    static const char *names[N_POOLS] = {
        [POOL_NONE] = "none",
        [POOL_HOUSEKEEPING] = "housekeeping",
        [POOL_PMD] = "pmd",
        [POOL_EMULATOR] = "emulator",
        [POOL_GUEST] = "guest",
        [POOL_IDLE] = "idle",
    };
    return names[p];
}

/* One line on what a pool is for: the legend of the SVG picture and the
 * wizard's Plan screen. */
const char *
pool_purpose(enum pool p)
{
    static const char *purposes[N_POOLS] = {
        [POOL_NONE] = "offline or not allowed: never planned",
        [POOL_HOUSEKEEPING] = "the OS, IRQs, OVS's non-PMD threads, libvirt",
        [POOL_PMD] = "OVS-DPDK poll threads, 100% busy by design",
        [POOL_EMULATOR] = "QEMU emulator threads of all VMs, shared",
        [POOL_GUEST] = "vCPUs pinned 1:1; unpinned: for nova",
        [POOL_IDLE] = "siblings of PMD cores, left idle",
    };
    return purposes[p];
}

enum pool
plan_pool_of(const struct plan *p, int pu)
{
    for (int i = POOL_HOUSEKEEPING; i < N_POOLS; i++) {
        if (hwloc_bitmap_isset(p->pool[i], pu)) {
            return i;
        }
    }
    return POOL_NONE;
}

const struct plan_vm *
plan_vm_of(const struct plan *p, int pu)
{
    for (int v = 0; v < p->n_vms; v++) {
        /* A shared VM owns none of the CPUs it floats over. */
        if (p->vms[v].vcpupin && hwloc_bitmap_isset(p->vms[v].cpus, pu)) {
            return &p->vms[v];
        }
    }
    return NULL;
}

const struct plan_uplink *
plan_find_uplink(const struct plan *p, const struct nfv_nic *nic)
{
    for (int i = 0; i < p->n_uplinks; i++) {
        if (p->uplinks[i].nic == nic) {
            return &p->uplinks[i];
        }
    }
    return NULL;
}

struct plan_numa *
plan_find_numa(const struct plan *p, int os_index)
{
    for (int s = 0; s < p->n_numas; s++) {
        if (p->numas[s].os_index == os_index) {
            return &p->numas[s];
        }
    }
    return NULL;
}

/* Intel's IOMMU driver needs intel_iommu=on (off by default in most
 * distribution kernels); AMD's, which Hygon's Dhyana uses too, is on by
 * default, and amd_iommu= has no "on" value (kernel-parameters.txt:
 * fullflush, off, force_isolation, force_enable...).  iommu=pt keeps host
 * DMA in pass-through mode on both. */
const char *
plan_iommu_args(const char *cpu_vendor)
{
    if (!strcmp(cpu_vendor, "GenuineIntel")) {
        return "intel_iommu=on iommu=pt";
    } else if (!strcmp(cpu_vendor, "AuthenticAMD")
               || !strcmp(cpu_vendor, "HygonGenuine")) {
        return "iommu=pt";
    }
    return NULL;
}

void
plan_isolated_cpus(const struct plan *p, hwloc_bitmap_t set)
{
    hwloc_bitmap_or(set, p->pool[POOL_PMD], p->pool[POOL_GUEST]);
    hwloc_bitmap_or(set, set, p->pool[POOL_IDLE]);
}

static void
init_plan(struct plan *p, const struct nfv_topology *t,
          const struct intent *in, struct diag *diag)
{
    memset(p, 0, sizeof *p);
    p->topo = t;
    p->intent = in;
    p->diag = diag;
    p->hugepage_kb = in->hugepage_kb;
    p->kernel = in->kernel ? in->kernel : t->os_release;
    p->emulator_numa = -1;
    p->shared_cpus = xbitmap();
    for (int i = 0; i < N_POOLS; i++) {
        p->pool[i] = xbitmap();
    }
    p->n_numas = t->n_numas;
    p->numas = xcalloc(t->n_numas, sizeof *p->numas);
    for (int s = 0; s < t->n_numas; s++) {
        struct plan_numa *pn = &p->numas[s];
        pn->os_index = t->numas[s].os_index;
        pn->has_cpus = t->numas[s].n_cores > 0;
        pn->memory_mb = t->numas[s].memory / (1024 * 1024);
        for (int i = 0; i < N_POOLS; i++) {
            pn->pool[i] = xbitmap();
        }
    }
    p->n_vms = in->n_vms;
    p->vms = xcalloc(in->n_vms, sizeof *p->vms);
    for (int v = 0; v < in->n_vms; v++) {
        struct plan_vm *pv = &p->vms[v];
        pv->intent = &in->vms[v];
        if (in->vms[v].cpu_policy == CPU_DEDICATED) {
            pv->vcpupin = xcalloc(in->vms[v].vcpus, sizeof *pv->vcpupin);
        }
        pv->cpus = xbitmap();
        pv->emulatorpin = xbitmap();
        pv->l3 = -1;
        pv->queues = in->vms[v].queues ? in->vms[v].queues : 1;
    }
}

static int
lowest_cpu_node(const struct plan *p)
{
    for (int s = 0; s < p->n_numas; s++) {
        if (p->numas[s].has_cpus) {
            return p->numas[s].os_index;
        }
    }
    return 0;
}

/* "its NICs: A, B" or a hint that the topology has none. */
static char *
known_nics(const struct nfv_topology *t)
{
    struct sbuf b;

    if (!t->n_nics) {
        return xstrdup("it has no NICs; use --sysfs-root or a topology "
                       "exported with I/O devices");
    }
    sbuf_init(&b);
    sbuf_puts(&b, "its NICs:");
    for (int i = 0; i < t->n_nics; i++) {
        sbuf_printf(&b, "%s %s", i ? "," : "", t->nics[i].pci);
    }
    return sbuf_steal(&b);
}

/* Resolves [ovs] uplink addresses to NICs of the topology. */
static int
resolve_uplinks(struct plan *p)
{
    const struct intent *in = p->intent;

    p->uplinks = xcalloc(in->n_uplinks, sizeof *p->uplinks);
    for (int i = 0; i < in->n_uplinks; i++) {
        const struct nfv_nic *nic = topology_find_nic(p->topo,
                                                      in->uplinks[i].pci);
        struct plan_numa *pn;

        if (!nic) {
            char *known = known_nics(p->topo);
            diag_error(p->diag, NFV_EINPUT, "%s:%d: uplink %s is not a "
                       "network device of this topology (%s)", in->file,
                       in->uplinks[i].line, in->uplinks[i].pci, known);
            free(known);
            return p->diag->status;
        }
        p->uplinks[p->n_uplinks].nic = nic;
        p->uplinks[p->n_uplinks].numa = nic->numa;
        p->uplinks[p->n_uplinks].devargs = in->uplinks[i].devargs;
        p->uplinks[p->n_uplinks].switchdev = in->uplinks[i].switchdev;
        pn = plan_find_numa(p, nic->numa < 0 ? 0 : nic->numa);
        if (nic->numa < 0 && pn && pn->has_cpus) {
            diag_warn(p->diag, "uplink %s: NUMA node unknown (-1); treating "
                      "it as node 0", nic->pci);
            p->uplinks[p->n_uplinks].numa = 0;
        } else if (!pn || !pn->has_cpus) {
            int to = lowest_cpu_node(p);
            if (nic->numa < 0) {
                diag_warn(p->diag, "uplink %s: NUMA node unknown (-1), and "
                          "node 0 has no CPUs; polling it from node %d",
                          nic->pci, to);
            } else {
                diag_warn(p->diag, "uplink %s: NUMA node %d has no CPUs; "
                          "polling it from node %d", nic->pci, nic->numa, to);
            }
            p->uplinks[p->n_uplinks].numa = to;
        }
        if (nic->has_route) {
            diag_warn(p->diag, "uplink %s (%s) carries a route or address: "
                      "'nfvhost ovs apply' will refuse to take it over",
                      nic->pci, nic->ifname);
        }
        p->n_uplinks++;
    }
    return 0;
}

static void
init_vm_nics(struct plan *p)
{
    for (int v = 0; v < p->n_vms; v++) {
        struct plan_vm *pv = &p->vms[v];
        const struct intent_vm *vm = pv->intent;

        pv->n_nics = vm->n_nics;
        pv->nics = xcalloc(vm->n_nics, sizeof *pv->nics);
        for (int n = 0; n < vm->n_nics; n++) {
            pv->nics[n].type = vm->nics[n].type;
            pv->nics[n].vlan = vm->nics[n].vlan;
            pv->nics[n].pmd_cpu = -1;
            pv->nics[n].vf = -1;
        }
    }
}

/* The guest CPU topology: threads=2 when every core the VM uses holds
 * two of its vCPUs, so the guest scheduler knows they are siblings. */
static void
set_guest_topology(struct plan *p)
{
    for (int v = 0; v < p->n_vms; v++) {
        struct plan_vm *pv = &p->vms[v];
        int threads = (pv->intent->thread_policy == THREAD_ISOLATE
                       || !pv->vcpupin) ? 1 : p->topo->smt;

        for (int i = 0; i < p->topo->n_cores && threads > 1; i++) {
            hwloc_bitmap_t both = xbitmap();
            int w;

            hwloc_bitmap_and(both, p->topo->cores[i].pus, pv->cpus);
            w = hwloc_bitmap_weight(both);
            hwloc_bitmap_free(both);
            if (w && w != threads) {
                threads = 1;
            }
        }
        pv->threads = threads;
        pv->cores = pv->intent->vcpus / threads;
        pv->sockets = 1;
    }
}

/* Rule 17: the shared CPUs, the emulator-share pool or, with
 * shared_cores = 0, the housekeeping PUs of its node. */
static void
set_shared_cpus(struct plan *p)
{
    const struct intent *in = p->intent;
    struct plan_numa *pn = plan_find_numa(p, p->emulator_numa);
    char *list;

    if (in->emulator_policy != EMU_SHARE || !pn) {
        return;
    }
    if (in->emulator_shared_cores) {
        hwloc_bitmap_copy(p->shared_cpus, p->pool[POOL_EMULATOR]);
        return;
    }
    hwloc_bitmap_copy(p->shared_cpus, pn->pool[POOL_HOUSEKEEPING]);
    list = cpulist_format(p->shared_cpus);
    diag_warn(p->diag, "[emulator] shared_cores = 0: QEMU's emulator "
              "threads%s run on the housekeeping CPUs %s, with the OS, IRQs "
              "and OVS's non-PMD threads", p->n_vms ? " and shared vCPUs" : "",
              list);
    free(list);
}

/* share: every VM's emulator threads on the shared CPUs; isolate was set
 * while placing the VM; none leaves them unpinned (empty).  A shared VM's
 * vCPUs float over the shared CPUs too (rule 17). */
static void
set_emulator_pins(struct plan *p)
{
    for (int v = 0; v < p->n_vms; v++) {
        struct plan_vm *pv = &p->vms[v];

        if (p->intent->emulator_policy == EMU_SHARE) {
            hwloc_bitmap_copy(pv->emulatorpin, p->shared_cpus);
        }
        if (!pv->vcpupin) {
            char *list = cpulist_format(p->shared_cpus);
            hwloc_bitmap_copy(pv->cpus, p->shared_cpus);
            diag_warn(p->diag, "VM %s: cpu_policy shared: its vCPUs float "
                      "over CPUs %s with the emulator threads of every VM%s; "
                      "nothing keeps them from each other, so it suits tests "
                      "and small labs, not a dataplane", pv->intent->name,
                      list, p->intent->emulator_shared_cores
                      ? "" : " and the host's housekeeping");
            free(list);
        }
    }
}

/* One plan; with a previous plan, the VMs flagged in 'release' are placed
 * anew even if their intent did not change.  blocking[0] and [1] (when not
 * NULL) are the VM whose placement failed and its node, or -1. */
static int
build_once(const struct nfv_topology *t, const struct intent *in,
           const struct plan_file *previous, const bool *release,
           struct plan *p, struct diag *diag, int blocking[2])
{
    struct plan_state st;
    int n = t->n_cores;
    int error;

    init_plan(p, t, in, diag);
    p->previous = previous;
    if ((error = resolve_uplinks(p))) {
        return error;
    }
    init_vm_nics(p);
    if ((error = plan_sriov_choose_pfs(p))) {
        return error;
    }
    if (!plan_iommu_args(t->cpu_vendor)) {
        diag_warn(diag, "CPU vendor %s: the kernel command line gets only "
                  "iommu=pt; on an Intel IOMMU add intel_iommu=on yourself",
                  *t->cpu_vendor ? t->cpu_vendor : "unknown");
    }
    for (int v = 0; v < p->n_vms; v++) {
        if (in->vms[v].thread_policy == THREAD_REQUIRE && t->smt < 2) {
            return diag_error(diag, NFV_EINFEASIBLE,
                              "VM %s has thread_policy = require, but this "
                              "host has no SMT (one PU per core): use "
                              "prefer or isolate", in->vms[v].name);
        }
    }

    memset(&st, 0, sizeof st);
    st.plan = p;
    st.topo = t;
    st.intent = in;
    st.core_pool = xmalloc(n * sizeof *st.core_pool);
    st.core_vm = xmalloc(n * sizeof *st.core_vm);
    for (int i = 0; i < n; i++) {
        st.core_pool[i] = CORE_FREE;
        st.core_vm[i] = -1;
    }
    st.vm_numa = xcalloc(in->n_vms, sizeof *st.vm_numa);
    st.pmd_count = xcalloc(p->n_numas, sizeof *st.pmd_count);
    st.keep = xcalloc(in->n_vms, sizeof *st.keep);
    st.blocking_vm = -1;
    st.blocking_numa = -1;
    replan_match(&st, release);

    error = plan_pools(&st);
    if (blocking) {
        blocking[0] = st.blocking_vm;
        blocking[1] = st.blocking_numa;
    }
    free(st.core_pool);
    free(st.core_vm);
    free(st.vm_numa);
    free(st.pmd_count);
    free(st.keep);
    if (error) {
        return error;
    }
    set_guest_topology(p);
    set_shared_cpus(p);
    set_emulator_pins(p);
    error = plan_memory(p);
    if (!error) {
        plan_wiring(p);
        error = plan_check_vfs(p);
    }
    if (!error && previous) {
        replan_changes(p);
    }
    return error;
}

int
plan_build(const struct nfv_topology *t, const struct intent *in,
           struct plan *p, struct diag *diag)
{
    return build_once(t, in, NULL, NULL, p, diag, NULL);
}

/* Rule 16's search: the fewest VMs to release so that the plan fits.
 * Candidates are the VMs that would stay (find_candidates() orders
 * them); sets are tried by size, up to a bound (a few thousand plans of
 * a millisecond or less each).  Returns whether one fits, with it in
 * 'release'. */
#define REPLAN_MAX_TRIES 4096

struct move_search {
    const struct nfv_topology *t;
    const struct intent *in;
    const struct plan_file *previous;
    int *cand;              /* Candidate VM indexes, in trial order. */
    int n_cand;
    bool *release;
    int tries;
};

static bool
try_release(struct move_search *ms)
{
    struct plan p;
    struct diag d;
    int error;

    diag_init(&d);
    error = build_once(ms->t, ms->in, ms->previous, ms->release, &p, &d,
                       NULL);
    plan_destroy(&p);
    diag_destroy(&d);
    ms->tries++;
    return !error;
}

/* Sets of 'k' more candidates from index 'from' on. */
static bool
search_sets(struct move_search *ms, int from, int k)
{
    if (!k) {
        return try_release(ms);
    }
    for (int i = from; i <= ms->n_cand - k; i++) {
        if (ms->tries >= REPLAN_MAX_TRIES) {
            return false;
        }
        ms->release[ms->cand[i]] = true;
        if (search_sets(ms, i + 1, k - 1)) {
            return true;
        }
        ms->release[ms->cand[i]] = false;
    }
    return false;
}

static bool
is_candidate(const struct plan *p, int v)
{
    return v >= 0 && v < p->n_vms && p->vms[v].prev && !p->vms[v].changed;
}

/* The candidates: VMs of 'p' (a failed trial) that were to stay; the one
 * that blocked first, then those on the node where it failed (moving one
 * of those is what makes room there), then the others, each in intent
 * order. */
static void
find_candidates(struct move_search *ms, const struct plan *p,
                const int blocking[2])
{
    ms->cand = xcalloc(p->n_vms ? p->n_vms : 1, sizeof *ms->cand);
    if (is_candidate(p, blocking[0])) {
        ms->cand[ms->n_cand++] = blocking[0];
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int v = 0; v < p->n_vms; v++) {
            bool there = p->vms[v].prev
                         && p->vms[v].prev->numa == blocking[1];
            if (is_candidate(p, v) && v != blocking[0]
                && there == !pass) {
                ms->cand[ms->n_cand++] = v;
            }
        }
    }
}

static bool
find_fewest_moves(struct move_search *ms)
{
    /* First whether moving them all helps at all: when not, the intent
     * does not fit this host however the VMs stand, and searching is
     * pointless. */
    for (int i = 0; i < ms->n_cand; i++) {
        ms->release[ms->cand[i]] = true;
    }
    if (!try_release(ms)) {
        return false;
    }
    memset(ms->release, 0, ms->in->n_vms * sizeof *ms->release);
    for (int k = 1; k <= ms->n_cand; k++) {
        if (search_sets(ms, 0, k)) {
            return true;
        }
        if (ms->tries >= REPLAN_MAX_TRIES) {
            break;
        }
    }
    /* Too many to search: all of them. */
    for (int i = 0; i < ms->n_cand; i++) {
        ms->release[ms->cand[i]] = true;
    }
    return try_release(ms);
}

/* "vrouter1 (CPUs 2,8), firewall1 (CPUs 4,10)". */
static char *
release_names(const struct move_search *ms)
{
    struct sbuf b;

    sbuf_init(&b);
    for (int v = 0; v < ms->in->n_vms; v++) {
        const struct plan_file_vm *old;
        if (!ms->release[v]
            || !(old = plan_file_find_vm(ms->previous,
                                         ms->in->vms[v].name))) {
            continue;
        }
        sbuf_printf(&b, "%s%s (CPUs ", b.len ? ", " : "", old->name);
        for (int i = 0; i < old->vcpus; i++) {
            sbuf_printf(&b, "%s%d", i ? "," : "", old->vcpupin[i]);
        }
        sbuf_puts(&b, ")");
    }
    return sbuf_steal(&b);
}

int
plan_build_with(const struct nfv_topology *t, const struct intent *in,
                const struct plan_options *opts, struct plan *p,
                struct diag *diag)
{
    struct move_search ms;
    struct diag first;
    int error, blocking[2] = { -1, -1 };
    bool found;
    char *names;

    if (!opts || !opts->previous) {
        return plan_build(t, in, p, diag);
    }
    /* Trials go to scratch diagnostics; the plan that is kept is made
     * once more into 'diag', so its warnings are said once. */
    diag_init(&first);
    memset(&ms, 0, sizeof ms);
    error = build_once(t, in, opts->previous, NULL, p, &first, blocking);
    find_candidates(&ms, p, blocking);
    plan_destroy(p);
    if (error != NFV_EINFEASIBLE || !ms.n_cand) {
        free(ms.cand);
        diag_destroy(&first);
        return build_once(t, in, opts->previous, NULL, p, diag, NULL);
    }
    ms.t = t;
    ms.in = in;
    ms.previous = opts->previous;
    ms.release = xcalloc(in->n_vms, sizeof *ms.release);
    found = find_fewest_moves(&ms);
    names = release_names(&ms);
    if (found && opts->allow_moves) {
        error = build_once(t, in, opts->previous, ms.release, p, diag, NULL);
    } else if (found && *names) {
        error = diag_error(diag, NFV_EINFEASIBLE, "keeping the VMs of the "
                           "previous plan where they are: %s; moving %s "
                           "would make room: re-run with --allow-moves",
                           first.msg, names);
    } else {
        /* Not even a plan from scratch fits: the intent's own problem. */
        error = build_once(t, in, opts->previous, ms.release, p, diag, NULL);
    }
    free(names);
    free(ms.cand);
    free(ms.release);
    diag_destroy(&first);
    return error;
}

void
plan_destroy(struct plan *p)
{
    for (int i = 0; i < N_POOLS; i++) {
        hwloc_bitmap_free(p->pool[i]);
    }
    hwloc_bitmap_free(p->shared_cpus);
    for (int s = 0; s < p->n_numas; s++) {
        for (int i = 0; i < N_POOLS; i++) {
            hwloc_bitmap_free(p->numas[s].pool[i]);
        }
    }
    for (int v = 0; v < p->n_vms; v++) {
        for (int n = 0; n < p->vms[v].n_nics; n++) {
            free(p->vms[v].nics[n].port);
            free(p->vms[v].nics[n].rxq_pmds);
            free(p->vms[v].nics[n].representor);
        }
        free(p->vms[v].vcpupin);
        free(p->vms[v].nics);
        hwloc_bitmap_free(p->vms[v].cpus);
        hwloc_bitmap_free(p->vms[v].emulatorpin);
    }
    free(p->numas);
    free(p->vms);
    for (int i = 0; i < p->n_uplinks; i++) {
        free(p->uplinks[i].rxq_pmds);
    }
    free(p->uplinks);
    free(p->sriov_pfs);
    replan_changes_destroy(p);
    memset(p, 0, sizeof *p);
}
