/* context.c: facts the layers share (see context.h). */
#include <config.h>

#include "check/context.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/ovs-conn.h"
#include "lib/plan-file.h"
#include "lib/sysfs.h"
#include "lib/util.h"

void
ctx_init(struct check_ctx *ctx, const struct check_opts *o,
         struct check_report *r)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->o = o;
    ctx->root = o->root ? o->root : "";
    ctx->plan = o->plan;
    ctx->r = r;
    ctx->online = xbitmap();
    if (!ctx_read_cpus(ctx, "/sys/devices/system/cpu/online",
                       ctx->online)) {
        hwloc_bitmap_zero(ctx->online);
    }
}

void
ctx_destroy(struct check_ctx *ctx)
{
    if (ctx->procs_loaded) {
        proc_table_destroy(&ctx->procs);
    }
    check_ovs_close(ctx->ovs);
    hwloc_bitmap_free(ctx->online);
}

char *
ctx_path(const struct check_ctx *ctx, const char *fmt, ...)
{
    va_list args;
    char *rel, *path;

    va_start(args, fmt);
    rel = xvasprintf(fmt, args);
    va_end(args);
    path = xasprintf("%s%s", ctx->root, rel);
    free(rel);
    return path;
}

char *
ctx_read(const struct check_ctx *ctx, const char *fmt, ...)
{
    va_list args;
    char *rel, *path, *text;
    int error;

    va_start(args, fmt);
    rel = xvasprintf(fmt, args);
    va_end(args);
    path = xasprintf("%s%s", ctx->root, rel);
    text = sysfs_read_text(path);
    error = errno;
    free(rel);
    free(path);
    errno = error;
    return text;
}

bool
ctx_read_cpus(const struct check_ctx *ctx, const char *path,
              hwloc_bitmap_t set)
{
    char *text = ctx_read(ctx, "%s", path);
    bool ok = false;

    if (text) {
        text[strcspn(text, "\n")] = '\0';
        ok = cpulist_parse(text, set);
        free(text);
    }
    return ok;
}

struct check_ovs *
ctx_ovs(struct check_ctx *ctx)
{
    if (!ctx->ovs) {
        ctx->ovs = check_ovs_open(ctx->o->db);
    }
    return ctx->ovs;
}

const struct proc_table *
ctx_procs(struct check_ctx *ctx)
{
    if (!ctx->procs_loaded) {
        proc_table_load(ctx->root, 0, &ctx->procs);
        ctx->procs_loaded = true;
    }
    return &ctx->procs;
}

void
ctx_isolated(const struct check_ctx *ctx, hwloc_bitmap_t set)
{
    hwloc_bitmap_zero(set);
    if (ctx->plan) {
        hwloc_bitmap_or(set, ctx->plan->pools.pmd, ctx->plan->pools.guest);
        hwloc_bitmap_or(set, set, ctx->plan->pools.idle);
    }
}

const char *
ctx_cpus(struct check_ctx *ctx, hwloc_const_bitmap_t set)
{
    char *s = cpulist_format(set);
    const char *kept = check_str(ctx->r, "%s", s[0] ? s : "none");

    free(s);
    return kept;
}

bool
ctx_pinned_onto(const struct check_ctx *ctx, const struct proc_task *t,
                hwloc_const_bitmap_t cpus)
{
    return (!hwloc_bitmap_iszero(t->allowed)
            && hwloc_bitmap_intersects(t->allowed, cpus)
            && (hwloc_bitmap_iszero(ctx->online)
                || !hwloc_bitmap_isincluded(ctx->online, t->allowed)));
}

double
ctx_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}
