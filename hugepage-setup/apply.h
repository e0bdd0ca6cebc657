/* apply.h: setting the per-node pools, all or nothing, and undoing it.
 *
 * hp_apply() writes nr_hugepages of every requested pool, reads back what
 * the kernel really gave, and when a pool falls short compacts memory and
 * retries once; if it is still short (or a write fails) it writes every
 * pool it changed back to its previous value and fails.  Then it mounts
 * one hugetlbfs per page size in use and records what it changed (see
 * record.h).  hp_reset() undoes what the record says.  Progress goes to
 * 'out'; on failure 'report' gets the per-pool details under the diag's
 * one-line message. */
#ifndef NFV_HP_APPLY_H
#define NFV_HP_APPLY_H 1

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"

struct changes;
struct hp_system;
struct hp_requests;
struct sbuf;

struct hp_apply_opts {
    bool dry_run;           /* Print every write; change nothing. */
    bool compact;           /* On a shortfall, compact memory and retry. */
    bool mount;             /* Mount hugetlbfs per page size in use. */
    const char *mount_base; /* Parent of the mountpoints ("/dev"). */
    const char *group;      /* Group name to own the mounts, resolved. */
    unsigned gid;
    struct changes *changes;    /* Gets each pool and mount changed (or,
                                 * dry run, to change); may be NULL. */
};

int hp_apply(const struct hp_system *, const struct hp_requests *,
             const struct hp_apply_opts *, FILE *out, struct sbuf *report,
             struct diag *);

/* Undoes the record for 'node' (-1: all) and 'size_kb' (0: all). */
int hp_reset(const struct hp_system *, int node, unsigned long size_kb,
             bool dry_run, FILE *out, struct diag *);

#endif /* hugepage-setup/apply.h */
