/* request.c: page counts wanted per node and size (see request.h). */
#include <config.h>

#include "hugepage-setup/request.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hugepage-setup/sysfs.h"
#include "lib/parse.h"
#include "lib/plan-file.h"
#include "lib/util.h"

void
hp_requests_init(struct hp_requests *rs)
{
    rs->r = NULL;
    rs->n = 0;
}

void
hp_requests_destroy(struct hp_requests *rs)
{
    free(rs->r);
    hp_requests_init(rs);
}

/* The pool's index, rs->n when absent (hp_requests_find() returns a const
 * pointer; hp_requests_set() changes the entry). */
static size_t
request_index(const struct hp_requests *rs, int node, unsigned long size_kb)
{
    size_t i;

    for (i = 0; i < rs->n; i++) {
        if (rs->r[i].node == node && rs->r[i].size_kb == size_kb) {
            break;
        }
    }
    return i;
}

const struct hp_request *
hp_requests_find(const struct hp_requests *rs, int node,
                 unsigned long size_kb)
{
    size_t i = request_index(rs, node, size_kb);
    return i < rs->n ? &rs->r[i] : NULL;
}

void
hp_requests_set(struct hp_requests *rs, int node, unsigned long size_kb,
                unsigned long count)
{
    size_t i = request_index(rs, node, size_kb);
    struct hp_request *r;

    if (i == rs->n) {
        rs->r = xrealloc(rs->r, (rs->n + 1) * sizeof *rs->r);
        r = &rs->r[rs->n++];
        r->node = node;
        r->size_kb = size_kb;
    } else {
        r = &rs->r[i];
    }
    r->count = count;
}

void
hp_requests_from_plan(const struct plan_file *p, struct hp_requests *rs)
{
    for (size_t i = 0; i < p->n_numa_nodes; i++) {
        const struct plan_file_numa *n = &p->numa_nodes[i];
        hp_requests_set(rs, n->id, n->hugepages.size_kb, n->hugepages.count);
    }
}

static int
check_one(const struct hp_request *r, const struct hp_system *s,
          struct diag *diag)
{
    char sz[32];
    const struct hp_pool *p;

    hp_short_size(r->size_kb, sz, sizeof sz);
    if (!hp_system_node(s, r->node)) {
        char *list = hp_system_node_list(s);
        diag_error(diag, NFV_EINPUT, "NUMA node %d does not exist on this "
                   "host (nodes: %s)", r->node, list);
        free(list);
        return NFV_EINPUT;
    }
    if (!hp_system_size(s, r->size_kb)) {
        char *list = hp_system_size_list(s);
        diag_error(diag, NFV_EINPUT, "page size %s (%lu kB) is not offered "
                   "by this kernel (sizes: %s)", sz, r->size_kb, list);
        free(list);
        return NFV_EINPUT;
    }
    p = hp_system_pool(s, r->node, r->size_kb);
    if (!p) {
        char *path = hp_pool_path(s->root, r->node, r->size_kb, "");
        diag_error(diag, NFV_EINPUT, "NUMA node %d does not offer %s pages "
                   "(no %s)", r->node, sz, path);
        free(path);
        return NFV_EINPUT;
    }
    if (r->count < hp_pool_in_use(p)) {
        return diag_error(diag, NFV_EINPUT, "NUMA node %d, %s pages: %lu "
                          "are in use (mapped by OVS or a VM); refusing to "
                          "lower the pool from %lu to %lu; stop what maps "
                          "them first", r->node, sz, hp_pool_in_use(p),
                          p->nr, r->count);
    }
    return 0;
}

/* The pages a node would hold after the requests (requested pools at
 * their new count, the others as they are), and what they are made of
 * ("10 x 1G asked + 640 x 2M there") for the message. */
static bool
node_hugepage_kb(const struct hp_requests *rs, const struct hp_system *s,
                 int node, struct sbuf *what, uint64_t *total_kb)
{
    uint64_t kb = 0;

    for (size_t i = 0; i < s->n_pools; i++) {
        const struct hp_pool *p = &s->pools[i];
        const struct hp_request *r;
        unsigned long count;
        uint64_t pool_kb;
        char sz[32];

        if (p->node != node) {
            continue;
        }
        r = hp_requests_find(rs, node, p->size_kb);
        count = r ? r->count : p->nr;
        if (count) {
            sbuf_printf(what, "%s%lu x %s %s", what->len ? " + " : "", count,
                        hp_short_size(p->size_kb, sz, sizeof sz),
                        r ? "asked" : "there");
        }
        /* A count near 2^64 must not wrap around into something that
         * fits. */
        if (!mul_u64(count, p->size_kb, &pool_kb)
            || !add_u64(kb, pool_kb, &kb)) {
            return false;
        }
    }
    *total_kb = kb;
    return true;
}

static bool
node_requested(const struct hp_requests *rs, int node)
{
    for (size_t i = 0; i < rs->n; i++) {
        if (rs->r[i].node == node) {
            return true;
        }
    }
    return false;
}

int
hp_requests_check(const struct hp_requests *rs, const struct hp_system *s,
                  struct diag *diag)
{
    for (size_t i = 0; i < rs->n; i++) {
        int error = check_one(&rs->r[i], s, diag);
        if (error) {
            return error;
        }
    }
    for (size_t i = 0; i < s->n_nodes; i++) {
        const struct hp_node *n = &s->nodes[i];
        struct sbuf what;
        uint64_t kb;

        sbuf_init(&what);
        sbuf_puts(&what, "");
        if (!node_hugepage_kb(rs, s, n->id, &what, &kb)) {
            diag_error(diag, NFV_EINPUT, "NUMA node %d: %s: the size of "
                       "these pages overflows 64 bits; lower the count",
                       n->id, what.s);
        } else if (n->mem_kb && kb > n->mem_kb) {
            diag_error(diag, NFV_EINPUT, "NUMA node %d: %s = %" PRIu64
                       " MiB of hugepages do not fit its %" PRIu64 " MiB of "
                       "memory; lower the count", n->id, what.s, kb / 1024,
                       n->mem_kb / 1024);
        } else if (!n->mem_kb && kb > s->mem_total_kb
                   && node_requested(rs, n->id)) {
            /* Without the node's own size, the machine's is the bound: a
             * kernel asked for more pages than that takes memory until
             * the node runs dry. */
            char *path = xasprintf("%s/sys/devices/system/node/node%d/"
                                   "meminfo", s->root, n->id);
            if (!s->mem_total_kb) {
                diag_error(diag, NFV_ESYSTEM, "NUMA node %d: cannot read "
                           "its memory size (%s) nor the machine's (%s/proc/"
                           "meminfo): refusing to ask for hugepages without "
                           "a bound", n->id, path, s->root);
            } else {
                diag_error(diag, NFV_EINPUT, "NUMA node %d: %s = %" PRIu64
                           " MiB of hugepages do not fit the machine's %"
                           PRIu64 " MiB of memory (no %s); lower the count",
                           n->id, what.s, kb / 1024, s->mem_total_kb / 1024,
                           path);
            }
            free(path);
        }
        sbuf_destroy(&what);
        if (diag->status) {
            return diag->status;
        }
    }
    return 0;
}
