/* memory.c: the memory layer of 'nfvhost check'.
 *
 * Hugepages are read with hugepage-setup's own model (per node and page
 * size, hugepage-setup/sysfs.h), so check and 'nfvhost hugepages' see the
 * same numbers: each node's pool against the plan, a hugetlbfs mount of
 * the planned size owned by the group and mode 'nfvhost hugepages apply'
 * gives it (hugepage-setup/mount.h), and OVS's dpdk-socket-mem covered:
 * held by a running DPDK, or free on each node before it starts. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check/context.h"
#include "check/ovs-conn.h"
#include "hugepage-setup/mount.h"
#include "hugepage-setup/sysfs.h"
#include "lib/parse.h"
#include "lib/plan-file.h"
#include "lib/util.h"

static unsigned long
page_kb(struct check_ctx *ctx)
{
    return ctx->plan ? ctx->plan->settings.hugepage_size_kb
                     : hp_default_size_kb(ctx->root);
}

static const char *
size_name(struct check_ctx *ctx, unsigned long kb)
{
    char buf[32];

    return check_str(ctx->r, "%s", hp_short_size(kb, buf, sizeof buf));
}

/* Each planned node's pool of the plan's page size. */
static void
check_pools(struct check_ctx *ctx, const struct hp_system *sys)
{
    const struct plan_file *p = ctx->plan;

    for (size_t i = 0; i < p->n_numa_nodes; i++) {
        const struct plan_file_numa *n = &p->numa_nodes[i];
        const struct plan_file_hugepages *h = &n->hugepages;
        const struct hp_pool *pool;

        if (!h->count) {
            continue;
        }
        pool = hp_system_pool(sys, n->id, h->size_kb);
        check_add(ctx->r, pool && pool->nr >= h->count ? CHECK_PASS
                  : CHECK_FAIL, "memory.hugepages",
                  check_str(ctx->r, "node %d", n->id),
                  check_str(ctx->r, "%s hugepages on node %d",
                            size_name(ctx, h->size_kb), n->id),
                  pool ? check_str(ctx->r, "%lu (%lu free)", pool->nr,
                                   pool->free)
                  : "none: the kernel offers no such pool",
                  check_str(ctx->r, "%llu (%llu for OVS, %llu for guests)",
                            (unsigned long long) h->count,
                            (unsigned long long) h->ovs,
                            (unsigned long long) h->guests),
                  check_str(ctx->r, "nfvhost hugepages apply --plan %s "
                            "(1G pages usually need hugepages= at boot: "
                            "--persist)", p->path));
    }
}

/* Without a plan: are there hugepages at all? */
static void
check_any_pages(struct check_ctx *ctx, const struct hp_system *sys)
{
    unsigned long total = 0;

    for (size_t i = 0; i < sys->n_sizes; i++) {
        total += sys->sizes[i].nr;
    }
    check_add(ctx->r, total ? CHECK_PASS : CHECK_FAIL, "memory.hugepages",
              NULL, "hugepages reserved (any size, any node)",
              check_str(ctx->r, "%lu", total), "some: DPDK allocates its "
              "memory from them",
              "nfvhost hugepages apply --plan PLAN.json");
}

static void
check_mounts(struct check_ctx *ctx)
{
    struct hp_mounts ms;
    const struct hp_mount *m = NULL;
    unsigned long kb = page_kb(ctx);
    char *group = NULL;
    gid_t gid;
    struct diag d;

    hp_mounts_load(ctx->root, &ms);
    diag_init(&d);
    hp_group_resolve(NULL, &group, &gid, &d);
    diag_destroy(&d);
    /* Of several mounts of the size (a test's own, libvirt's), one as
     * 'hugepages apply' makes it is enough; else the first is reported. */
    for (size_t i = 0; i < ms.n; i++) {
        const struct hp_mount *c = &ms.m[i];
        if (c->size_kb == kb
            && (!m || (c->stat_ok && c->gid == gid
                       && hp_mount_mode_ok(c->mode)))) {
            m = c;
        }
    }
    if (!m) {
        check_add(ctx->r, CHECK_FAIL, "memory.hugetlbfs", NULL,
                  check_str(ctx->r, "a hugetlbfs mount of %s pages",
                            size_name(ctx, kb)), "none",
                  check_str(ctx->r, "one, group %s, mode %04o", group,
                            HP_MOUNT_MODE),
                  "nfvhost hugepages apply --plan PLAN.json mounts it "
                  "(QEMU and OVS map guest memory through it)");
    } else if (!m->stat_ok) {
        check_add(ctx->r, CHECK_ERROR, "memory.hugetlbfs", m->dir,
                  check_str(ctx->r, "hugetlbfs mount %s", m->dir),
                  "cannot be examined (stat)", NULL, "run as root");
    } else {
        bool ok = m->gid == gid && hp_mount_mode_ok(m->mode);
        check_add(ctx->r, ok ? CHECK_PASS : CHECK_FAIL, "memory.hugetlbfs",
                  m->dir, check_str(ctx->r, "hugetlbfs mount %s (%s pages)",
                                    m->dir, size_name(ctx, kb)),
                  check_str(ctx->r, "gid %u, mode %04o", (unsigned) m->gid,
                            (unsigned) m->mode),
                  check_str(ctx->r, "group %s (gid %u), mode %04o (%04o "
                            "once libvirtd has started)", group,
                            (unsigned) gid, HP_MOUNT_MODE,
                            HP_MOUNT_MODE | S_IXOTH),
                  check_str(ctx->r, "chgrp %s %s; chmod %04o %s (QEMU and "
                            "OVS create their backing files there; nobody "
                            "else may)", group, m->dir, HP_MOUNT_MODE,
                            m->dir));
    }
    free(group);
    hp_mounts_destroy(&ms);
}

/* dpdk-socket-mem "1024,0,1024": MB per node, by node index. */
static void
check_socket_mem(struct check_ctx *ctx, const struct hp_system *sys)
{
    struct check_ovs *ovs = ctx_ovs(ctx);
    const char *live = ovs->dump ? json_string_value(json_object_get(
                                      ovs->other_config, "dpdk-socket-mem"))
                                 : NULL;
    const char *mem = live ? live : ctx->plan
                      ? plan_file_other_config(ctx->plan, "dpdk-socket-mem")
                      : NULL;
    unsigned long kb = page_kb(ctx);
    char *copy, *save = NULL;
    int node = 0;
    struct sbuf short_nodes;

    if (!mem) {
        return;                 /* No OVS and no plan: nothing to cover. */
    }
    if (ovs->dpdk_initialized) {
        check_add(ctx->r, CHECK_PASS, "memory.socket-mem", NULL,
                  check_str(ctx->r, "hugepages for dpdk-socket-mem %s", mem),
                  "held by the running ovs-vswitchd (DPDK initialised)",
                  "covered", NULL);
        return;
    }
    sbuf_init(&short_nodes);
    copy = xstrdup(mem);
    for (char *w = strtok_r(copy, ",", &save); w;
         w = strtok_r(NULL, ",", &save), node++) {
        uint64_t mb;
        const struct hp_pool *pool = hp_system_pool(sys, node, kb);
        uint64_t free_mb = pool ? (uint64_t) pool->free * kb / 1024 : 0;
        if (parse_uint64(w, UINT64_MAX, &mb) && mb > free_mb) {
            sbuf_printf(&short_nodes, "%snode %d: %llu MB free for %llu",
                        short_nodes.len ? "; " : "", node,
                        (unsigned long long) free_mb,
                        (unsigned long long) mb);
        }
    }
    check_add(ctx->r, short_nodes.len ? CHECK_FAIL : CHECK_PASS,
              "memory.socket-mem", NULL,
              check_str(ctx->r, "free %s hugepages for dpdk-socket-mem %s "
                        "(%s)", size_name(ctx, kb), mem,
                        live ? "OVS's" : "the plan's"),
              short_nodes.len ? short_nodes.s : "enough on every node",
              "enough on every node",
              "DPDK will not initialise: free or add hugepages on those "
              "nodes (nfvhost hugepages apply), or stop what holds them");
    sbuf_destroy(&short_nodes);
    free(copy);
}

void
check_memory(struct check_ctx *ctx)
{
    struct hp_system sys;
    struct diag d;

    diag_init(&d);
    if (hp_system_load(ctx->root, &sys, &d)) {
        check_add(ctx->r, CHECK_ERROR, "memory.hugepages", NULL,
                  "the kernel's hugepage pools", d.msg, NULL,
                  "run on a kernel with hugetlbfs");
        diag_destroy(&d);
        return;
    }
    diag_destroy(&d);
    if (ctx->plan) {
        check_pools(ctx, &sys);
    } else {
        check_any_pages(ctx, &sys);
    }
    check_mounts(ctx);
    check_socket_mem(ctx, &sys);
    hp_system_destroy(&sys);
}
