/* request.c: page counts wanted per node and size (see request.h). */
#include "hugepage-setup/request.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hugepage-setup/sysfs.h"
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

const struct hp_request *
hp_requests_find(const struct hp_requests *rs, int node,
                 unsigned long size_kb)
{
    for (size_t i = 0; i < rs->n; i++) {
        if (rs->r[i].node == node && rs->r[i].size_kb == size_kb) {
            return &rs->r[i];
        }
    }
    return NULL;
}

void
hp_requests_set(struct hp_requests *rs, int node, unsigned long size_kb,
                unsigned long count)
{
    struct hp_request *r = (struct hp_request *) hp_requests_find(rs, node,
                                                                  size_kb);
    if (!r) {
        rs->r = xrealloc(rs->r, (rs->n + 1) * sizeof *rs->r);
        r = &rs->r[rs->n++];
        r->node = node;
        r->size_kb = size_kb;
    }
    r->count = count;
}

/* One {"size_kb", "count"} object of numa_nodes[i].hugepages. */
static int
plan_entry(json_t *hp, int node, const char *path, struct hp_requests *rs,
           struct diag *diag)
{
    json_t *size = json_object_get(hp, "size_kb");
    json_t *count = json_object_get(hp, "count");

    if (!json_is_integer(size) || json_integer_value(size) <= 0
        || !json_is_integer(count) || json_integer_value(count) < 0) {
        return diag_error(diag, NFV_EINPUT, "--plan %s: numa node %d: "
                          "hugepages needs integer \"size_kb\" > 0 and "
                          "\"count\" >= 0", path, node);
    }
    hp_requests_set(rs, node, json_integer_value(size),
                    json_integer_value(count));
    return 0;
}

int
hp_requests_from_plan(json_t *plan, const char *path, struct hp_requests *rs,
                      struct diag *diag)
{
    json_t *nodes = json_object_get(plan, "numa_nodes");
    json_t *n;
    size_t i;

    if (!json_is_array(nodes)) {
        return diag_error(diag, NFV_EINPUT, "--plan %s: no \"numa_nodes\" "
                          "array", path);
    }
    json_array_foreach(nodes, i, n) {
        json_t *id = json_object_get(n, "id");
        json_t *hp = json_object_get(n, "hugepages");
        json_t *e;
        size_t j;
        int error = 0;

        if (!json_is_integer(id) || json_integer_value(id) < 0) {
            return diag_error(diag, NFV_EINPUT, "--plan %s: numa_nodes[%zu] "
                              "has no integer \"id\"", path, i);
        }
        /* The planner writes one object per node; a list of them (one
         * per size) is read the same way. */
        if (json_is_object(hp)) {
            error = plan_entry(hp, json_integer_value(id), path, rs, diag);
        } else if (json_is_array(hp)) {
            json_array_foreach(hp, j, e) {
                error = error ? error : plan_entry(e, json_integer_value(id),
                                                   path, rs, diag);
            }
        }
        if (error) {
            return error;
        }
    }
    return 0;
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
static uint64_t
node_hugepage_kb(const struct hp_requests *rs, const struct hp_system *s,
                 int node, struct sbuf *what)
{
    uint64_t kb = 0;

    for (size_t i = 0; i < s->n_pools; i++) {
        const struct hp_pool *p = &s->pools[i];
        const struct hp_request *r;
        unsigned long count;
        char sz[32];

        if (p->node != node) {
            continue;
        }
        r = hp_requests_find(rs, node, p->size_kb);
        count = r ? r->count : p->nr;
        kb += (uint64_t) count * p->size_kb;
        if (count) {
            sbuf_printf(what, "%s%lu x %s %s", what->len ? " + " : "", count,
                        hp_short_size(p->size_kb, sz, sizeof sz),
                        r ? "asked" : "there");
        }
    }
    return kb;
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
        kb = node_hugepage_kb(rs, s, n->id, &what);
        if (n->mem_kb && kb > n->mem_kb) {
            diag_error(diag, NFV_EINPUT, "NUMA node %d: %s = %" PRIu64
                       " MiB of hugepages do not fit its %" PRIu64 " MiB of "
                       "memory; lower the count", n->id, what.s, kb / 1024,
                       n->mem_kb / 1024);
        }
        sbuf_destroy(&what);
        if (diag->status) {
            return diag->status;
        }
    }
    return 0;
}
