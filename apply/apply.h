/* apply.h: 'nfvhost apply', a whole plan made real, step by step.
 *
 * The steps, in order (one file each, apply/step-*.c), each through the
 * public API of the part that owns it; none decides anything plan.json
 * says:
 *   1 hugepages  the pools per node, now and at boot (hugepage-setup/)
 *   2 kernel     the GRUB drop-in with the plan's kernel arguments, and
 *                update-grub (or what to run when it is absent)
 *   3 reboot     the running kernel has the planned isolation, or stop:
 *                exit APPLY_EXIT_REBOOT, to be resumed after a reboot
 *   4 sriov      the PFs' VFs and the uplinks' vfio-pci binding (ovs-ext/)
 *   5 ovs        other_config, bridge and ports in one transaction
 *   6 sockets    the vhost-user socket directory
 *   7 libvirt    each planned VM defined from 'vm xml', or an existing
 *                domain of that name tuned (libvirt-templates/)
 *   8 check      'nfvhost check': its findings are the result (check/)
 * A state file records each finished step (state.h), so --resume goes on
 * after the last one; every step is idempotent, so applying again changes
 * nothing and says so.  --dry-run prints every change of every step and
 * makes none.  A failed step stops the apply, says what was already done
 * and how to undo it; the runtime changes of the failed step itself
 * (hugepage pools, the OVS transaction) are rolled back by its part. */
#ifndef NFV_APPLY_H
#define NFV_APPLY_H 1

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"

struct plan_file;

/* The exit status that means: reboot, then 'nfvhost apply --resume'. */
#define APPLY_EXIT_REBOOT 5
/* The applied host fails a check ('nfvhost check''s exit status). */
#define APPLY_CHECK_FAIL 4

#define APPLY_DEFAULT_STATE "/var/lib/nfvhost/apply.json"

enum apply_step {
    STEP_HUGEPAGES,
    STEP_KERNEL,
    STEP_REBOOT,
    STEP_SRIOV,
    STEP_OVS,
    STEP_SOCKETS,
    STEP_LIBVIRT,
    STEP_CHECK,
    N_APPLY_STEPS
};

struct apply_opts {
    const char *state;          /* State file; NULL: APPLY_DEFAULT_STATE
                                 * (under 'root', on a tree). */
    const char *root;           /* --sysfs-root: prefix of /sys, /proc
                                 * and /etc; NULL or "" for the host. */
    const char *db;             /* OVSDB socket; NULL: OVS's default. */
    const char *uri;            /* libvirt URI; NULL: libvirt's default. */
    unsigned only;              /* (1 << step) of the steps to run; 0: all. */
    bool dry_run;
    bool yes;                   /* Tune a domain nfvhost did not define. */
    bool resume;                /* Skip the steps the state has done. */
};

const char *apply_step_name(enum apply_step);
/* "ovs,libvirt" into step bits; NFV_EINPUT naming the unknown word. */
int apply_parse_steps(const char *list, unsigned *only, struct diag *);

/* Applies 'plan' (loaded from its file: plan->path names it), printing
 * each step to 'out'.  Returns 0, APPLY_EXIT_REBOOT, check's 4 when the
 * applied host fails a check, or the failed step's status. */
int apply_run(const struct apply_opts *, const struct plan_file *,
              FILE *out, struct diag *);

#endif /* apply/apply.h */
