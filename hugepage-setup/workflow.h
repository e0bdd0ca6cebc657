/* workflow.h: 'nfvhost hugepages status|apply|reset' as a whole, for the
 * CLI to call.
 *
 * apply: the requests (the plan's numa_nodes[].hugepages, or the flags'),
 * the mount group and, with --persist, every boot-time file are checked
 * before any pool is written (a foreign file in the way is refused first);
 * then hp_apply() (apply.h) sets the pools all or nothing and mounts, and
 * last the --persist files are written.  With a plan, the GRUB drop-in
 * carries the plan's kernel arguments (lib/grub.h). */
#ifndef NFV_HP_WORKFLOW_H
#define NFV_HP_WORKFLOW_H 1

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"

struct hp_requests;
struct hp_system;
struct plan_file;
struct sbuf;

struct hp_workflow_opts {
    const struct plan_file *plan;       /* NULL: 'flags' are the request. */
    const struct hp_requests *flags;    /* --node/--size/--count. */
    const char *root;           /* --root for --persist ("" = /). */
    const char *mount_base;     /* Parent of the mountpoints ("/dev"). */
    const char *group;          /* --group, or NULL to find one. */
    bool fake_tree;             /* --sysfs-root: mount nothing. */
    bool dry_run, persist, no_mount, no_compact;
    struct changes *changes;    /* Gets what apply changes (or would), for
                                 * --json; may be NULL. */
};

/* The table (or JSON) of pools, mounts and boot reservations, with the
 * plan's column when 'plan' is not NULL. */
void hp_workflow_status(const struct hp_system *, const struct plan_file *,
                        bool json, FILE *out);
/* On failure, 'report' gets the per-pool details for under the diag's
 * message. */
int hp_workflow_apply(const struct hp_system *,
                      const struct hp_workflow_opts *, FILE *out,
                      struct sbuf *report, struct diag *);
/* Undoes the record for 'node' (-1: all) and 'size_kb' (0: all); with
 * 'persist', also the boot-time files under 'root'. */
int hp_workflow_reset(const struct hp_system *, int node,
                      unsigned long size_kb, bool persist, const char *root,
                      bool dry_run, FILE *out, struct diag *);

#endif /* hugepage-setup/workflow.h */
