/* plan-gen.h: the generator and the checks of the planner's property
 * tests (test-plan-invariants.c, test-plan-stable.c): random synthetic
 * topologies (hwloc's synthetic backend) and intents from a seeded
 * generator, and the invariants every plan must hold.  Static functions
 * in a header: each test program is one file that includes it. */
#ifndef NFV_TEST_PLAN_GEN_H
#define NFV_TEST_PLAN_GEN_H 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planner/emit.h"
#include "planner/plan.h"
#include "lib/util.h"

static unsigned rng_state;

static unsigned
rnd(unsigned n)
{
    rng_state = rng_state * 1103515245 + 12345;
    return (rng_state >> 16) % n;
}

/* A synthetic description: 1-4 packages, 1-2 NUMA nodes each, 1-2 L3
 * domains per node, 2-8 cores per L3, 1-2 PUs per core, with Linux-style
 * sibling numbering (N, N+cores) half of the time. */
static char *
random_synthetic(void)
{
    int packs = 1 + rnd(4), numas = 1 + rnd(2), l3s = 1 + rnd(2);
    int cores = 2 + rnd(7), pus = 1 + rnd(2);
    int total_cores = packs * numas * l3s * cores;
    struct sbuf b;

    sbuf_init(&b);
    sbuf_printf(&b, "pack:%d %s[numa(memory=34359738368)] l3:%d core:%d "
                "pu:%d", packs, numas > 1 ? "group:2 " : "", l3s, cores, pus);
    /* "group:2" gives two NUMA nodes per package. */
    if (pus == 2 && rnd(2)) {
        sbuf_puts(&b, "(indexes=");
        for (int c = 0; c < total_cores; c++) {
            sbuf_printf(&b, "%s%d,%d", c ? "," : "", c, c + total_cores);
        }
        sbuf_puts(&b, ")");
    }
    return sbuf_steal(&b);
}

static void
random_intent(struct intent *in)
{
    static const char *assign[] = { "cycles", "roundrobin", "group" };

    intent_default(in);
    in->housekeeping_cores_per_numa = 1 + rnd(2);
    in->pmd_cores_default = 1 + rnd(2);
    in->pmd_siblings_idle = rnd(2);
    in->mtu = rnd(2) ? 1500 : 9000;
    in->hugepage_kb = rnd(2) ? 1048576 : 2048;
    in->emulator_policy = rnd(3);
    in->emulator_shared_cores = 1 + rnd(2);
    free(in->pmd_rxq_assign);
    in->pmd_rxq_assign = xstrdup(assign[rnd(3)]);
    in->n_vms = rnd(5);
    in->vms = xcalloc(in->n_vms, sizeof *in->vms);
    for (int v = 0; v < in->n_vms; v++) {
        struct intent_vm *vm = &in->vms[v];
        vm->name = xasprintf("vm%d", v);
        vm->vcpus = 1 + rnd(8);
        vm->memory_mb = 1024 * (1 + rnd(8));
        vm->thread_policy = (int[]) { 0, 0, 0, 0, 1, 2 }[rnd(6)];
        if (vm->thread_policy == THREAD_REQUIRE && vm->vcpus % 2) {
            vm->vcpus++;
        }
        vm->numa = -1;
        vm->n_nics = 1 + rnd(3);
        vm->nics = xcalloc(vm->n_nics, sizeof *vm->nics);
        for (int n = 0; n < vm->n_nics; n++) {
            vm->nics[n].type = NIC_VHOST;
            vm->nics[n].vlan = rnd(2) ? 100 + n : 0;
        }
    }
}

/* Each check returns NULL or what failed, in a static buffer. */
static char why[512];

static const char *
check_cover(const struct plan *p)
{
    hwloc_bitmap_t all = xbitmap();
    const char *bad = NULL;

    for (int i = POOL_HOUSEKEEPING; i < N_POOLS && !bad; i++) {
        if (hwloc_bitmap_intersects(all, p->pool[i])) {
            snprintf(why, sizeof why, "pool %s overlaps another",
                     pool_name(i));
            bad = why;
        }
        hwloc_bitmap_or(all, all, p->pool[i]);
    }
    if (!bad && !hwloc_bitmap_isequal(all, p->topo->usable)) {
        bad = "pools do not cover exactly the usable PUs";
    }
    hwloc_bitmap_free(all);
    return bad;
}

static const char *
check_siblings(const struct plan *p)
{
    for (int i = 0; i < p->topo->n_cores; i++) {
        const struct nfv_core *c = &p->topo->cores[i];
        enum pool first = plan_pool_of(p, hwloc_bitmap_first(c->pus));
        int id;

        hwloc_bitmap_foreach_begin(id, c->pus) {
            enum pool pool = plan_pool_of(p, id);
            bool idle_ok = (first == POOL_PMD && pool == POOL_IDLE
                            && p->intent->pmd_siblings_idle);
            if (pool != first && !idle_ok) {
                snprintf(why, sizeof why, "core of PU %d split: %s and %s",
                         hwloc_bitmap_first(c->pus), pool_name(first),
                         pool_name(pool));
                return why;
            }
        } hwloc_bitmap_foreach_end();
        if (first == POOL_PMD && p->intent->pmd_siblings_idle
            && hwloc_bitmap_weight(c->pus) > 1
            && plan_pool_of(p, hwloc_bitmap_last(c->pus)) != POOL_IDLE) {
            return "pmd_siblings = idle but a PMD sibling is not idle";
        }
    }
    return NULL;
}

static const char *
check_pmd_nodes(const struct plan *p)
{
    for (int s = 0; s < p->n_numas; s++) {
        const struct plan_numa *pn = &p->numas[s];
        if (!hwloc_bitmap_iszero(pn->pool[POOL_GUEST])
            && hwloc_bitmap_iszero(pn->pool[POOL_PMD])) {
            snprintf(why, sizeof why, "node %d has guests but no PMD",
                     pn->os_index);
            return why;
        }
        if (hwloc_bitmap_intersects(pn->pool[POOL_PMD],
                                    pn->pool[POOL_HOUSEKEEPING])) {
            return "PMD on a housekeeping PU";
        }
    }
    return NULL;
}

static const char *
check_vms(const struct plan *p)
{
    hwloc_bitmap_t used = xbitmap();
    const char *bad = NULL;

    for (int v = 0; v < p->n_vms && !bad; v++) {
        const struct plan_vm *vm = &p->vms[v];
        const struct plan_numa *pn = plan_find_numa(p, vm->numa);

        if (hwloc_bitmap_weight(vm->cpus) != vm->intent->vcpus) {
            bad = "a VM has fewer distinct PUs than vCPUs";
        } else if (!hwloc_bitmap_isincluded(vm->cpus, pn->pool[POOL_GUEST])) {
            bad = "a VM's vCPUs are not all in its node's guest pool";
        } else if (hwloc_bitmap_intersects(vm->cpus, used)) {
            bad = "two VMs share a PU";
        } else if (hwloc_bitmap_intersects(vm->cpus, vm->emulatorpin)
                   || hwloc_bitmap_intersects(vm->emulatorpin, used)) {
            bad = "emulator pin overlaps vCPUs";
        } else if (p->intent->emulator_policy == EMU_ISOLATE
                   && hwloc_bitmap_weight(vm->emulatorpin) != 1) {
            bad = "isolate emulator policy without exactly one PU";
        } else if (vm->sockets * vm->cores * vm->threads
                   != vm->intent->vcpus) {
            bad = "guest topology does not multiply to vcpus";
        }
        hwloc_bitmap_or(used, used, vm->cpus);
        if (p->intent->emulator_policy == EMU_ISOLATE) {
            /* Only isolate pins are the VM's own; share pins are common. */
            hwloc_bitmap_or(used, used, vm->emulatorpin);
        }
    }
    hwloc_bitmap_free(used);
    return bad;
}

static const char *
check_masks(const struct plan *p)
{
    struct ovs_config c;
    hwloc_bitmap_t set = xbitmap();
    const char *bad = NULL;

    plan_ovs_config(p, &c);
    if (hwloc_bitmap_taskset_sscanf(set, c.value[OVS_PMD_CPU_MASK]) < 0
        || !hwloc_bitmap_isequal(set, p->pool[POOL_PMD])) {
        bad = "pmd-cpu-mask differs from the PMD pool";
    } else if (hwloc_bitmap_taskset_sscanf(set, c.value[OVS_DPDK_LCORE_MASK]) < 0
               || !hwloc_bitmap_isequal(set, p->pool[POOL_HOUSEKEEPING])) {
        bad = "dpdk-lcore-mask differs from the housekeeping pool";
    }
    ovs_config_destroy(&c);
    hwloc_bitmap_free(set);
    return bad;
}

/* NULL when every invariant holds, else what failed. */
static const char *
plan_gen_check(const struct plan *p)
{
    const char *bad = check_cover(p);

    bad = bad ? bad : check_siblings(p);
    bad = bad ? bad : check_pmd_nodes(p);
    bad = bad ? bad : check_vms(p);
    return bad ? bad : check_masks(p);
}

/* Loads synthetic topology 'desc' into 't'; 0 or a status. */
static int
plan_gen_topology(const char *desc, struct nfv_topology *t, struct diag *d)
{
    hwloc_topology_t topo;
    int error;

    hwloc_topology_init(&topo);
    if (hwloc_topology_set_synthetic(topo, desc)
        || hwloc_topology_load(topo)) {
        hwloc_topology_destroy(topo);
        return diag_error(d, NFV_EINPUT, "synthetic topology '%s' does not "
                          "load", desc);
    }
    error = topology_from_hwloc(topo, NULL, t, d);
    hwloc_topology_destroy(topo);
    return error;
}

#endif /* tests/unit/plan-gen.h */
