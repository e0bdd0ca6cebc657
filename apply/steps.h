/* steps.h: the steps of 'nfvhost apply' (internal to apply/): what each
 * one gets, and the table apply.c runs them from. */
#ifndef NFV_APPLY_STEPS_H
#define NFV_APPLY_STEPS_H 1

#include <stdbool.h>
#include <stdio.h>

#include "apply/apply.h"
#include "apply/state.h"
#include "lib/diag.h"

struct plan_file;
struct virt_conn;

struct apply_ctx {
    const struct apply_opts *o;
    const struct plan_file *plan;
    const char *root;           /* "" or the --sysfs-root prefix. */
    struct apply_state *state;
    FILE *out;                  /* The step's report. */
    struct virt_conn *virt;     /* libvirt, once step 7 opened it. */
    bool changed;               /* The step changed something (or, in a
                                 * dry run, would). */
};

struct apply_step_def {
    const char *name;           /* For --only and the state file. */
    const char *title;          /* What it makes so. */
    int (*run)(struct apply_ctx *, struct diag *);
    /* How to undo what it did ('out' gets command lines), or NULL when
     * there is nothing to undo. */
    void (*undo)(const struct apply_ctx *, FILE *out);
    bool partial;               /* A failure can leave some of its work
                                 * done (VFs set, domains defined): its
                                 * undo is shown when it fails too. */
};

extern const struct apply_step_def apply_steps[N_APPLY_STEPS];

int step_hugepages(struct apply_ctx *, struct diag *);
void undo_hugepages(const struct apply_ctx *, FILE *);
int step_kernel(struct apply_ctx *, struct diag *);
void undo_kernel(const struct apply_ctx *, FILE *);
int step_reboot(struct apply_ctx *, struct diag *);
int step_sriov(struct apply_ctx *, struct diag *);
void undo_sriov(const struct apply_ctx *, FILE *);
int step_ovs(struct apply_ctx *, struct diag *);
void undo_ovs(const struct apply_ctx *, FILE *);
int step_sockets(struct apply_ctx *, struct diag *);
void undo_sockets(const struct apply_ctx *, FILE *);
int step_libvirt(struct apply_ctx *, struct diag *);
void undo_libvirt(const struct apply_ctx *, FILE *);
int step_check(struct apply_ctx *, struct diag *);

/* Runs one part of 'ovs apply' (ovs-ext/workflow.h) with the plan, the
 * --db and --sysfs-root of this apply; sets c->changed. */
struct ovs_opts;
typedef int apply_ovs_fn(const struct plan_file *, struct ovs_opts *,
                         FILE *, struct diag *);
int apply_ovs_part(struct apply_ctx *, apply_ovs_fn *, struct diag *);

/* " --sysfs-root DIR" when apply runs on a tree, for the commands it
 * prints; "" otherwise. */
const char *apply_root_flag(const struct apply_ctx *);

#endif /* apply/steps.h */
