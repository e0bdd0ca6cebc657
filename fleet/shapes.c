/* shapes.c: cloud flavors, capacity and shapes (see shapes.h). */
#include <config.h>

#include "fleet/shapes.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"

#define MAX_AGGREGATE_NAME 255

static int
cmp_int(long long a, long long b)
{
    return (a > b) - (a < b);
}

/* The order of fleet->flavors; 0 also means "the same flavor". */
static int
cmp_flavor(const void *a_, const void *b_)
{
    const struct openstack_flavor *a = a_, *b = b_;
    int c;

    if ((c = cmp_int(a->vcpus, b->vcpus))
        || (c = cmp_int(a->memory_mb, b->memory_mb))
        || (c = cmp_int(a->cpu_policy, b->cpu_policy))
        || (c = cmp_int(a->thread_policy, b->thread_policy))
        || (c = cmp_int(a->multiqueue, b->multiqueue))
        || (c = cmp_int(a->page_kb, b->page_kb))) {
        return c;
    }
    return cmp_int(a->emulator_policy, b->emulator_policy);
}

static void
add_flavor(struct fleet *f, const struct openstack_flavor *hf)
{
    for (int i = 0; i < f->n_flavors; i++) {
        if (!cmp_flavor(&f->flavors[i].f, hf)) {
            return;
        }
    }
    f->flavors = xrealloc(f->flavors, (f->n_flavors + 1) * sizeof *f->flavors);
    memset(&f->flavors[f->n_flavors], 0, sizeof *f->flavors);
    f->flavors[f->n_flavors].f = *hf;
    f->flavors[f->n_flavors].f.vms = NULL;      /* The host's, not ours. */
    f->n_flavors++;
}

static int
cmp_fleet_flavor(const void *a_, const void *b_)
{
    const struct fleet_flavor *a = a_, *b = b_;
    return cmp_flavor(&a->f, &b->f);
}

static void
page_suffix(uint64_t page_kb, char *buf, size_t size)
{
    if (page_kb == 1048576) {
        snprintf(buf, size, "1g");
    } else if (page_kb == 2048) {
        snprintf(buf, size, "2m");
    } else {
        snprintf(buf, size, "%" PRIu64 "k", page_kb);
    }
}

/* Cloud-wide names: the planner's, told apart where they clash. */
static void
name_flavors(struct fleet *f)
{
    char (*base)[64] = xcalloc(f->n_flavors ? f->n_flavors : 1,
                               sizeof *base);

    for (int i = 0; i < f->n_flavors; i++) {
        memcpy(base[i], f->flavors[i].f.name, sizeof base[i]);
    }
    for (int i = 0; i < f->n_flavors; i++) {
        struct openstack_flavor *fl = &f->flavors[i].f;
        bool page_differs = false, emu_differs = false;
        char page[16];

        for (int j = 0; j < f->n_flavors; j++) {
            if (!strcmp(base[i], base[j])) {
                page_differs |= f->flavors[j].f.page_kb != fl->page_kb;
                emu_differs |= (f->flavors[j].f.emulator_policy
                                != fl->emulator_policy);
            }
        }
        page_suffix(fl->page_kb, page, sizeof page);
        snprintf(fl->name, sizeof fl->name, "%s%s%s%s%s", base[i],
                 page_differs ? "." : "", page_differs ? page : "",
                 emu_differs ? ".emu-" : "",
                 emu_differs ? emulator_policy_name(fl->emulator_policy)
                             : "");
    }
    free(base);
}

static void
collect_flavors(struct fleet *f)
{
    for (size_t i = 0; i < f->n_hosts; i++) {
        const struct fleet_host *h = &f->hosts[i];
        for (int k = 0; !h->status && k < h->n_flavors; k++) {
            add_flavor(f, &h->flavors[k]);
            f->shared_flavors |= h->flavors[k].cpu_policy == CPU_SHARED;
        }
    }
    if (f->n_flavors) {
        qsort(f->flavors, f->n_flavors, sizeof *f->flavors,
              cmp_fleet_flavor);
    }
    name_flavors(f);
}

/* Guest PUs one instance of 'fl' takes on a node of 'h' (see shapes.h),
 * 0 when it cannot run there at all. */
static int
pus_per_instance(const struct fleet_host *h, const struct fleet_node *n,
                 const struct openstack_flavor *fl)
{
    int need = fl->vcpus + (fl->emulator_policy == EMU_ISOLATE);
    int per_core = n->guest_cores ? (n->guest_pus + n->guest_cores - 1)
                                    / n->guest_cores : 1;

    switch (fl->thread_policy) {
    case THREAD_ISOLATE:
        return need * per_core;
    case THREAD_REQUIRE:
        return h->smt < 2 ? 0 : (need + h->smt - 1) / h->smt * h->smt;
    case THREAD_PREFER:
    default:
        return need;
    }
}

/* A hw:cpu_policy=shared instance on a node, as nova 26 counts it
 * (nova/virt/hardware.py; python3-nova):
 *  - numa_get_constraints(): hw:mem_page_size (every nfvhost flavor has
 *    it, and hw:numa_nodes=1) gives the instance a NUMA topology of one
 *    cell, so numa_fit_instance_to_host() fits it on one host cell;
 *  - _numa_fit_instance_cell(), shared branch: its vCPUs may not exceed
 *    the cell's 'cpuset' (its part of cpu_shared_set: no instance
 *    overcommits against itself), and with the scheduler's limits
 *    (scheduler/filters/numa_topology_filter.py: the host's
 *    cpu_allocation_ratio) the cell's cpu_usage plus its vCPUs may not
 *    exceed len(cpuset) * cpu_allocation_ratio; its memory comes from the
 *    cell's free pages of the flavor's size
 *    (_numa_cell_supports_pagesize_request()), the pinned guests' pool;
 *  - numa_usage_from_instance_numa(): cpu_usage grows by the instance's
 *    'cpuset' only, which is empty for a pinned instance, and only pinned
 *    instances take pCPUs (pinned_cpus): neither kind takes the other's
 *    CPUs, both take pages.
 * Placement agrees: VCPU inventory is len(cpu_shared_set) *
 * cpu_allocation_ratio over the host (virt/libvirt/driver.py,
 * update_provider_tree()), which the per-cell limits never exceed.  The
 * ratio is the one nova.conf sets (planner/emit-openstack.h). */
static int
shared_node_capacity(const struct fleet_node *n,
                     const struct openstack_flavor *fl)
{
    uint64_t by_mem = n->guest_mb / fl->memory_mb;
    int by_cpu;

    if (fl->vcpus > n->shared_pus) {
        return 0;
    }
    by_cpu = n->shared_pus * OPENSTACK_CPU_ALLOCATION_RATIO / fl->vcpus;
    return by_mem < (uint64_t) by_cpu ? (int) by_mem : by_cpu;
}

static int
node_capacity(const struct fleet_host *h, const struct fleet_node *n,
              const struct openstack_flavor *fl)
{
    int need = fl->vcpus + (fl->emulator_policy == EMU_ISOLATE);
    int by_cpu;
    uint64_t by_mem = n->guest_mb / fl->memory_mb;

    if (fl->cpu_policy == CPU_SHARED) {
        return shared_node_capacity(n, fl);
    }
    switch (fl->thread_policy) {
    case THREAD_ISOLATE:
        by_cpu = n->guest_cores / need;
        break;
    case THREAD_REQUIRE:
        by_cpu = h->smt < 2 ? 0
                 : n->guest_full_cores / ((need + h->smt - 1) / h->smt);
        break;
    case THREAD_PREFER:
    default:
        by_cpu = n->guest_pus / need;
        break;
    }
    return by_mem < (uint64_t) by_cpu ? (int) by_mem : by_cpu;
}

int
fleet_capacity(const struct fleet_host *h, const struct openstack_flavor *fl)
{
    int total = 0;

    if (h->status || fl->page_kb != h->page_kb
        || (fl->emulator_policy == EMU_SHARE && !h->has_shared_pool)) {
        return 0;
    }
    for (int i = 0; i < h->n_nodes; i++) {
        total += node_capacity(h, &h->nodes[i], &fl[0]);
    }
    return total;
}

/* Guest cores left on each node by the smallest flavor that fits. */
static int
stranded_cores(const struct fleet *f, const struct fleet_host *h)
{
    const struct openstack_flavor *small = NULL;
    int small_pus = 0, stranded = 0;

    for (int k = 0; k < f->n_flavors; k++) {
        const struct openstack_flavor *fl = &f->flavors[k].f;
        int pus;

        if (fl->cpu_policy == CPU_SHARED) {
            continue;           /* It takes no guest PU. */
        }
        pus = h->n_nodes ? pus_per_instance(h, &h->nodes[0], fl) : 0;
        if (h->fits[k] && pus && (!small || pus < small_pus)) {
            small = fl;
            small_pus = pus;
        }
    }
    for (int i = 0; i < h->n_nodes; i++) {
        const struct fleet_node *n = &h->nodes[i];
        int used = small ? node_capacity(h, n, small)
                           * pus_per_instance(h, n, small) : 0;
        if (n->guest_pus) {
            stranded += (n->guest_pus - used) * n->guest_cores
                        / n->guest_pus;
        }
    }
    return stranded;
}

static void
format_mb(uint64_t mb, char *buf, size_t size)
{
    if (mb % 1024 == 0) {
        snprintf(buf, size, "%" PRIu64 "g", mb / 1024);
    } else {
        snprintf(buf, size, "%" PRIu64 "m", mb);
    }
}

static bool
node_has_guests(const struct fleet_node *n)
{
    return n->guest_pus || n->guest_mb;
}

static bool
same_node_shape(const struct fleet *f, const struct fleet_node *a,
                const struct fleet_node *b)
{
    return (a->guest_cores == b->guest_cores && a->guest_pus == b->guest_pus
            && a->guest_full_cores == b->guest_full_cores
            && a->guest_mb == b->guest_mb
            && (!f->shared_flavors || a->shared_pus == b->shared_pus));
}

int
fleet_nodes_alike(const struct fleet *f, const struct fleet_host *h, int i)
{
    int j = i + 1;

    while (j < h->n_nodes && same_node_shape(f, &h->nodes[i], &h->nodes[j])
           && h->nodes[j].os_index == h->nodes[j - 1].os_index + 1) {
        j++;
    }
    return j;
}

/* ".n1-15:12c24t-46g": nodes 1 to 15 alike. */
static void
key_nodes(const struct fleet *f, const struct fleet_host *h,
          struct sbuf *b)
{
    for (int i = 0, j; i < h->n_nodes; i = j) {
        const struct fleet_node *n = &h->nodes[i];
        char mem[32];

        j = fleet_nodes_alike(f, h, i);
        if (!node_has_guests(n)) {
            continue;
        }
        sbuf_printf(b, ".n%d", n->os_index);
        if (j - i > 1) {
            sbuf_printf(b, "-%d", h->nodes[j - 1].os_index);
        }
        format_mb(n->guest_mb, mem, sizeof mem);
        sbuf_printf(b, ":%dc%dt", n->guest_cores, n->guest_pus);
        if (n->guest_full_cores != n->guest_cores) {
            sbuf_printf(b, "-%df", n->guest_full_cores);
        }
        if (f->shared_flavors && n->shared_pus) {
            sbuf_printf(b, "-%ds", n->shared_pus);
        }
        sbuf_printf(b, "-%s", mem);
    }
}

/* 64-bit FNV-1a, to shorten a key that nova would find too long. */
static uint64_t
fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *s; s++) {
        h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
    }
    return h;
}

/* The shape's name is its key: every fact the capacity depends on.
 * nova takes aggregate names of up to 255 characters; a longer key keeps
 * its first 200 and a hash of the whole. */
static char *
shape_key(const struct fleet *f, const struct fleet_host *h)
{
    struct sbuf b;
    char page[16];

    sbuf_init(&b);
    page_suffix(h->page_kb, page, sizeof page);
    sbuf_printf(&b, "nfvhost.%s.smt%d%s", page, h->smt,
                h->has_shared_pool ? "" : ".noshare");
    key_nodes(f, h, &b);
    if (b.len > MAX_AGGREGATE_NAME) {
        char *key = xasprintf("%.200s~%016" PRIx64, b.s, fnv1a(b.s));
        sbuf_destroy(&b);
        return key;
    }
    return sbuf_steal(&b);
}

struct keyed_host {
    char *key;
    size_t host;
};

static int
cmp_keyed(const void *a_, const void *b_)
{
    const struct keyed_host *a = a_, *b = b_;
    int c = strcmp(a->key, b->key);
    return c ? c : cmp_int(a->host, b->host);
}

static void
group_shapes(struct fleet *f)
{
    struct keyed_host *k = xcalloc(f->n_hosts, sizeof *k);
    size_t n = 0;

    for (size_t i = 0; i < f->n_hosts; i++) {
        if (!f->hosts[i].status) {
            k[n].key = shape_key(f, &f->hosts[i]);
            k[n++].host = i;
        }
    }
    if (n) {
        qsort(k, n, sizeof *k, cmp_keyed);
    }
    for (size_t i = 0; i < n; i++) {
        if (!f->n_shapes || strcmp(k[i].key,
                                   f->shapes[f->n_shapes - 1].name)) {
            f->shapes = xrealloc(f->shapes,
                                 (f->n_shapes + 1) * sizeof *f->shapes);
            f->shapes[f->n_shapes].name = k[i].key;
            f->shapes[f->n_shapes].n_hosts = 0;
            f->shapes[f->n_shapes].first_host = k[i].host;
            f->n_shapes++;
        } else {
            free(k[i].key);
        }
        f->shapes[f->n_shapes - 1].n_hosts++;
        f->hosts[k[i].host].shape = f->n_shapes - 1;
    }
    free(k);
}

void
fleet_shapes(struct fleet *f)
{
    collect_flavors(f);
    for (size_t i = 0; i < f->n_hosts; i++) {
        struct fleet_host *h = &f->hosts[i];

        h->fits = xcalloc(f->n_flavors ? f->n_flavors : 1, sizeof *h->fits);
        for (int k = 0; k < f->n_flavors; k++) {
            h->fits[k] = fleet_capacity(h, &f->flavors[k].f);
            if (h->fits[k]) {
                f->flavors[k].n_hosts++;
                f->flavors[k].instances += h->fits[k];
            }
        }
        if (!h->status) {
            h->stranded_cores = stranded_cores(f, h);
        }
    }
    group_shapes(f);
}

void
fleet_shapes_destroy(struct fleet *f)
{
    for (int i = 0; i < f->n_shapes; i++) {
        free(f->shapes[i].name);
    }
    free(f->shapes);
    free(f->flavors);
    f->shapes = NULL;
    f->flavors = NULL;
    f->n_shapes = f->n_flavors = 0;
    f->shared_flavors = false;
}
