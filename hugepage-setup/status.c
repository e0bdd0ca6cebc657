/* status.c: kernel pools, mounts and boot reservations (see status.h). */
#include <config.h>

#include "hugepage-setup/status.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hugepage-setup/mount.h"
#include "hugepage-setup/request.h"
#include "hugepage-setup/sysfs.h"
#include "lib/parse.h"
#include "lib/sysfs.h"
#include "lib/util.h"

static json_t *
pool_json(const struct hp_pool *p, const struct hp_requests *plan)
{
    const struct hp_request *r = plan ? hp_requests_find(plan, p->node,
                                                         p->size_kb) : NULL;

    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}",
                     "size_kb", (json_int_t) p->size_kb,
                     "total", (json_int_t) p->nr,
                     "free", (json_int_t) p->free,
                     "in_use", (json_int_t) hp_pool_in_use(p),
                     "surplus", (json_int_t) p->surplus,
                     "plan", r ? json_integer(r->count) : json_null());
}

static json_t *
nodes_json(const struct hp_system *s, const struct hp_requests *plan)
{
    json_t *nodes = json_array();

    for (size_t i = 0; i < s->n_nodes; i++) {
        json_t *pools = json_array();

        for (size_t j = 0; j < s->n_pools; j++) {
            if (s->pools[j].node == s->nodes[i].id) {
                json_array_append_new(pools, pool_json(&s->pools[j], plan));
            }
        }
        json_array_append_new(nodes, json_pack(
            "{s:i, s:I, s:o}", "id", s->nodes[i].id,
            "memory_kb", (json_int_t) s->nodes[i].mem_kb, "pools", pools));
    }
    return nodes;
}

static json_t *
sizes_json(const struct hp_system *s)
{
    json_t *sizes = json_array();

    for (size_t i = 0; i < s->n_sizes; i++) {
        const struct hp_size *z = &s->sizes[i];
        json_array_append_new(sizes, json_pack(
            "{s:I, s:I, s:I, s:I, s:I}", "size_kb", (json_int_t) z->size_kb,
            "total", (json_int_t) z->nr, "free", (json_int_t) z->free,
            "reserved", (json_int_t) z->resv,
            "surplus", (json_int_t) z->surplus));
    }
    return sizes;
}

static json_t *
owner_json(const struct hp_mount *m)
{
    char buf[16];
    struct passwd *pw;
    struct group *gr;

    if (!m->stat_ok) {
        return json_pack("{s:n, s:n, s:n}", "owner", "group", "mode");
    }
    pw = getpwuid(m->uid);
    gr = getgrgid(m->gid);
    snprintf(buf, sizeof buf, "%04o", (unsigned) m->mode);
    return json_pack("{s:o, s:o, s:s}",
                     "owner", pw ? json_string(pw->pw_name)
                                 : json_integer(m->uid),
                     "group", gr ? json_string(gr->gr_name)
                                 : json_integer(m->gid),
                     "mode", buf);
}

static json_t *
mounts_json(const char *root)
{
    json_t *mounts = json_array();
    struct hp_mounts ms;

    hp_mounts_load(root, &ms);
    for (size_t i = 0; i < ms.n; i++) {
        json_t *m = json_pack("{s:s, s:I}", "dir", ms.m[i].dir,
                              "size_kb", (json_int_t) ms.m[i].size_kb);
        json_t *owner = owner_json(&ms.m[i]);

        json_object_update(m, owner);
        json_decref(owner);
        json_array_append_new(mounts, m);
    }
    hp_mounts_destroy(&ms);
    return mounts;
}

/* hugepages=N or hugepages=0:N,1:M for the size hugepagesz= last set. */
static void
cmdline_counts(const char *value, unsigned long size_kb, json_t *reserved)
{
    char *copy = xstrdup(value), *save = NULL;

    for (char *t = strtok_r(copy, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(t, ':');
        uint64_t node, count;
        json_t *e;

        if (colon && (*colon = '\0', parse_uint64(t, INT_MAX, &node))
            && parse_uint64(colon + 1, INT64_MAX, &count)) {
            e = json_pack("{s:I, s:I, s:I}", "size_kb", (json_int_t) size_kb,
                          "node", (json_int_t) node,
                          "count", (json_int_t) count);
        } else if (!colon && parse_uint64(t, INT64_MAX, &count)) {
            e = json_pack("{s:I, s:n, s:I}", "size_kb", (json_int_t) size_kb,
                          "node", "count", (json_int_t) count);
        } else {
            continue;
        }
        json_array_append_new(reserved, e);
    }
    free(copy);
}

static json_t *
cmdline_json(const char *root)
{
    char *path = xasprintf("%s/proc/cmdline", root);
    char *text = sysfs_read_text(path);
    unsigned long size_kb = hp_default_size_kb(root);
    json_t *reserved = json_array();
    struct sbuf args;
    char *save = NULL;

    sbuf_init(&args);
    sbuf_puts(&args, "");
    for (char *t = text ? strtok_r(text, " \t\n", &save) : NULL; t;
         t = strtok_r(NULL, " \t\n", &save)) {
        unsigned long kb;

        if (!strcmp(t, "--")) {
            break;              /* The rest is for init. */
        }
        if (!strncmp(t, "hugepagesz=", 11) && hp_parse_size(t + 11, &kb)) {
            size_kb = kb;
        } else if (!strncmp(t, "default_hugepagesz=", 19)
                   && hp_parse_size(t + 19, &kb)) {
            size_kb = kb;
        } else if (!strncmp(t, "hugepages=", 10)) {
            cmdline_counts(t + 10, size_kb, reserved);
        } else {
            continue;
        }
        sbuf_printf(&args, "%s%s", args.len ? " " : "", t);
    }
    json_t *j = json_pack("{s:s%, s:o}", "args", args.s, args.len,
                          "reserved", reserved);

    sbuf_destroy(&args);
    free(text);
    free(path);
    return j;
}

/* Plan pools with no pool on this host: a plan made for another machine,
 * or a node or page size the kernel does not offer. */
static json_t *
unmatched_json(const struct hp_system *s, const struct hp_requests *plan)
{
    json_t *list = json_array();

    for (size_t i = 0; plan && i < plan->n; i++) {
        const struct hp_request *r = &plan->r[i];

        if (!hp_system_pool(s, r->node, r->size_kb)) {
            json_array_append_new(list, json_pack(
                "{s:i, s:I, s:I}", "node", r->node,
                "size_kb", (json_int_t) r->size_kb,
                "count", (json_int_t) r->count));
        }
    }
    return list;
}

json_t *
hp_status_json(const struct hp_system *s, const struct hp_requests *plan)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o}",
                     "nodes", nodes_json(s, plan),
                     "plan_not_on_host", unmatched_json(s, plan),
                     "sizes", sizes_json(s),
                     "mounts", mounts_json(s->root),
                     "cmdline", cmdline_json(s->root));
}

static const char *
size_str(json_t *size_kb, char *buf, size_t n)
{
    return hp_short_size(json_integer_value(size_kb), buf, n);
}

static void
table_pools(json_t *st, struct sbuf *b)
{
    json_t *node, *pool;
    size_t i, j;

    sbuf_printf(b, "%-5s %-5s %8s %8s %8s %8s %8s\n", "NODE", "SIZE",
                "TOTAL", "FREE", "IN USE", "SURPLUS", "PLAN");
    json_array_foreach(json_object_get(st, "nodes"), i, node) {
        json_array_foreach(json_object_get(node, "pools"), j, pool) {
            json_t *plan = json_object_get(pool, "plan");
            char sz[32], want[32];

            snprintf(want, sizeof want, "%lld", json_is_integer(plan)
                     ? (long long) json_integer_value(plan) : 0LL);
            sbuf_printf(b, "%-5lld %-5s %8lld %8lld %8lld %8lld %8s%s\n",
                        (long long) json_integer_value(
                            json_object_get(node, "id")),
                        size_str(json_object_get(pool, "size_kb"), sz,
                                 sizeof sz),
                        (long long) json_integer_value(
                            json_object_get(pool, "total")),
                        (long long) json_integer_value(
                            json_object_get(pool, "free")),
                        (long long) json_integer_value(
                            json_object_get(pool, "in_use")),
                        (long long) json_integer_value(
                            json_object_get(pool, "surplus")),
                        json_is_integer(plan) ? want : "-",
                        json_is_integer(plan) && json_integer_value(plan)
                        != json_integer_value(json_object_get(pool, "total"))
                        ? "  differs" : "");
        }
    }
}

static void
table_unmatched(json_t *st, struct sbuf *b)
{
    json_t *u;
    size_t i;

    json_array_foreach(json_object_get(st, "plan_not_on_host"), i, u) {
        char sz[32];
        sbuf_printf(b, "plan wants %lld x %s on NUMA node %lld, which this "
                    "host does not offer\n",
                    (long long) json_integer_value(json_object_get(u, "count")),
                    size_str(json_object_get(u, "size_kb"), sz, sizeof sz),
                    (long long) json_integer_value(json_object_get(u, "node")));
    }
}

static void
table_sizes(json_t *st, struct sbuf *b)
{
    json_t *z;
    size_t i;

    sbuf_puts(b, "\nSystem-wide (the kernel counts reservations only "
              "here):\n");
    json_array_foreach(json_object_get(st, "sizes"), i, z) {
        char sz[32];
        sbuf_printf(b, "  %-5s total %lld, free %lld, reserved %lld, "
                    "surplus %lld\n",
                    size_str(json_object_get(z, "size_kb"), sz, sizeof sz),
                    (long long) json_integer_value(json_object_get(z, "total")),
                    (long long) json_integer_value(json_object_get(z, "free")),
                    (long long) json_integer_value(
                        json_object_get(z, "reserved")),
                    (long long) json_integer_value(
                        json_object_get(z, "surplus")));
    }
}

static const char *
scalar(json_t *v, char *buf, size_t n)
{
    if (json_is_string(v)) {
        return json_string_value(v);
    }
    if (json_is_integer(v)) {
        snprintf(buf, n, "%lld", (long long) json_integer_value(v));
        return buf;
    }
    return "?";
}

static void
table_mounts(json_t *st, struct sbuf *b)
{
    json_t *mounts = json_object_get(st, "mounts"), *m;
    size_t i;

    sbuf_puts(b, "\nhugetlbfs mounts:");
    if (!json_array_size(mounts)) {
        sbuf_puts(b, " none\n");
        return;
    }
    sbuf_puts(b, "\n");
    json_array_foreach(mounts, i, m) {
        char sz[32], o[32], g[32], mode[32];
        sbuf_printf(b, "  %s  pagesize %s, %s:%s, mode %s\n",
                    json_string_value(json_object_get(m, "dir")),
                    size_str(json_object_get(m, "size_kb"), sz, sizeof sz),
                    scalar(json_object_get(m, "owner"), o, sizeof o),
                    scalar(json_object_get(m, "group"), g, sizeof g),
                    scalar(json_object_get(m, "mode"), mode, sizeof mode));
    }
}

static void
table_cmdline(json_t *st, struct sbuf *b)
{
    json_t *c = json_object_get(st, "cmdline");
    const char *args = json_string_value(json_object_get(c, "args"));

    sbuf_printf(b, "\nReserved at boot (kernel command line): %s\n",
                args && *args ? args : "nothing");
}

char *
hp_status_table(json_t *st)
{
    struct sbuf b;

    sbuf_init(&b);
    table_pools(st, &b);
    table_unmatched(st, &b);
    table_sizes(st, &b);
    table_mounts(st, &b);
    table_cmdline(st, &b);
    return sbuf_steal(&b);
}
