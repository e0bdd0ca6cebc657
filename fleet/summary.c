/* summary.c: one host's plan, summarised (see summary.h). */
#include <config.h>

#include "fleet/summary.h"

#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"

/* Guest cores of node 'os_index': those holding a guest PU, and those
 * whose every PU (offline ones too) is a guest PU, which is what
 * hw:cpu_thread_policy=require needs. */
static void
count_guest_cores(const struct plan *p, int os_index, struct fleet_node *n)
{
    hwloc_const_bitmap_t guest = p->pool[POOL_GUEST];

    for (int i = 0; i < p->topo->n_cores; i++) {
        const struct nfv_core *c = &p->topo->cores[i];
        if (c->numa == os_index && hwloc_bitmap_intersects(c->pus, guest)) {
            n->guest_cores++;
            if (hwloc_bitmap_isincluded(c->hw_pus, guest)) {
                n->guest_full_cores++;
            }
        }
    }
}

/* The PUs of cpu_shared_set on node 'i' (plan->numas is parallel to
 * topo->numas): what nova reports as that node's 'cpuset' and counts
 * VCPU against. */
static int
node_shared_pus(const struct plan *p, int i)
{
    hwloc_bitmap_t both = xbitmap();
    int n;

    hwloc_bitmap_and(both, p->shared_cpus, p->topo->numas[i].pus);
    n = hwloc_bitmap_weight(both);
    hwloc_bitmap_free(both);
    return n;
}

static void
summarize_nodes(struct fleet_host *h, const struct plan *p)
{
    h->nodes = xcalloc(p->n_numas ? p->n_numas : 1, sizeof *h->nodes);
    h->n_nodes = p->n_numas;
    for (int i = 0; i < p->n_numas; i++) {
        const struct plan_numa *pn = &p->numas[i];
        struct fleet_node *n = &h->nodes[i];

        n->os_index = pn->os_index;
        n->guest_pus = hwloc_bitmap_weight(pn->pool[POOL_GUEST]);
        n->shared_pus = node_shared_pus(p, i);
        n->guest_mb = pn->hugepages_guests * p->hugepage_kb / 1024;
        n->hugepages = pn->hugepages;
        n->hugepages_ovs = pn->hugepages_ovs;
        n->hugepages_guests = pn->hugepages_guests;
        count_guest_cores(p, pn->os_index, n);
    }
}

/* Usable cores the plan put in no pool, and PUs in none (offline,
 * disallowed, or left over): what the hardware has and no one uses. */
static void
summarize_unplanned(struct fleet_host *h, const struct plan *p)
{
    hwloc_bitmap_t planned = xbitmap(), none = xbitmap();

    for (int i = POOL_HOUSEKEEPING; i < N_POOLS; i++) {
        hwloc_bitmap_or(planned, planned, p->pool[i]);
    }
    for (int i = 0; i < p->topo->n_cores; i++) {
        if (!hwloc_bitmap_intersects(p->topo->cores[i].pus, planned)) {
            h->unplanned_cores++;
        }
    }
    hwloc_bitmap_andnot(none, p->topo->all_pus, planned);
    h->pools[POOL_NONE] = cpulist_format(none);
    hwloc_bitmap_free(planned);
    hwloc_bitmap_free(none);
}

void
fleet_summarize(struct fleet_host *h, const struct plan *p)
{
    for (int i = POOL_HOUSEKEEPING; i < N_POOLS; i++) {
        h->pools[i] = cpulist_format(p->pool[i]);
    }
    h->page_kb = p->hugepage_kb;
    h->emulator_policy = p->intent->emulator_policy;
    /* nova.conf's cpu_shared_set: the emulator pool, or with
     * shared_cores = 0 housekeeping CPUs (rule 17). */
    h->has_shared_pool = !hwloc_bitmap_iszero(p->shared_cpus);
    h->smt = p->topo->smt;
    summarize_nodes(h, p);
    summarize_unplanned(h, p);
    h->flavors = openstack_flavors(p, &h->n_flavors);
}

void
fleet_summary_destroy(struct fleet_host *h)
{
    for (int i = 0; i < N_POOLS; i++) {
        free(h->pools[i]);
    }
    for (size_t i = 0; i < h->n_warnings; i++) {
        free(h->warnings[i]);
    }
    free(h->warnings);
    free(h->reason);
    free(h->nodes);
    openstack_flavors_free(h->flavors, h->n_flavors);
    free(h->fits);
    free(h->name);
    free(h->xml);
    free(h->nics);
}
