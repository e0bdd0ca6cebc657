/* context.h: what the layers of 'nfvhost check' share (internal to
 * check/).
 *
 * A check_ctx carries the options, the report and the facts more than
 * one layer needs, each read once on first use: the online CPUs, the PMD
 * and guest CPU sets, a snapshot of every task under ROOT/proc, and the
 * OVS connection (ovs-conn.h).  Files are read under the root prefix
 * through ctx_read(), so every layer runs on a fake tree as well. */
#ifndef NFV_CHECK_CONTEXT_H
#define NFV_CHECK_CONTEXT_H 1

#include <stdbool.h>
#include <hwloc.h>

#include "check/check.h"
#include "check/proc.h"

struct check_ovs;

struct check_ctx {
    const struct check_opts *o;
    const char *root;
    const struct plan_file *plan;
    struct check_report *r;

    hwloc_bitmap_t online;          /* ROOT/sys/devices/system/cpu/online;
                                     * empty if unreadable. */
    struct proc_table procs;        /* Loaded by ctx_procs(). */
    bool procs_loaded;
    struct check_ovs *ovs;          /* Opened by ctx_ovs(). */
};

void ctx_init(struct check_ctx *, const struct check_opts *,
              struct check_report *);
void ctx_destroy(struct check_ctx *);

/* The whole file ROOT/PATH (PATH formatted), or NULL with errno set.
 * Caller frees. */
char *ctx_read(const struct check_ctx *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* ROOT/PATH (PATH formatted).  Caller frees. */
char *ctx_path(const struct check_ctx *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The CPU list in file ROOT/PATH into 'set'; false if unreadable or not
 * a list. */
bool ctx_read_cpus(const struct check_ctx *, const char *path,
                   hwloc_bitmap_t set);

/* The running OVS, read once (ovs-conn.h). */
struct check_ovs *ctx_ovs(struct check_ctx *);

/* Every task under ROOT/proc, read once. */
const struct proc_table *ctx_procs(struct check_ctx *);

/* The plan's CPUs that must not be disturbed: PMD, guest and idle pools
 * (the kernel's isolated set).  Empty without a plan. */
void ctx_isolated(const struct check_ctx *, hwloc_bitmap_t set);

/* Whether task 't' was pinned onto a CPU of 'cpus': its affinity was
 * narrowed by someone (it is not allowed on every online CPU) and still
 * reaches 'cpus'.  Allowed everywhere is the kernel's default, which
 * isolcpus (the kernel layer) must narrow. */
bool ctx_pinned_onto(const struct check_ctx *, const struct proc_task *,
                     hwloc_const_bitmap_t cpus);

/* "2-5,8-11"; "none" for an empty set.  Owned by the report. */
const char *ctx_cpus(struct check_ctx *, hwloc_const_bitmap_t);

/* CLOCK_MONOTONIC, in seconds. */
double ctx_now(void);

/* The layers. */
void check_kernel(struct check_ctx *);
void check_irq(struct check_ctx *);
void check_memory(struct check_ctx *);
void check_nic(struct check_ctx *);
void check_ovs(struct check_ctx *);
void check_vm(struct check_ctx *);

#endif /* check/context.h */
