/* step-reboot.c: step 3, is a reboot needed?  The isolation the plan
 * wants (isolcpus, nohz_full, rcu_nocbs, irqaffinity) only exists once the
 * kernel booted with it.  'nfvhost check''s kernel layer (check/) compares
 * the running kernel's command line with the plan's arguments; when one of
 * those four FAILs, apply stops here with APPLY_EXIT_REBOOT, and
 * 'nfvhost apply --resume' after the reboot goes on from this step.  The
 * later steps would work without the isolation, but a PMD or a vCPU pinned
 * before it shares its CPU with whatever the scheduler puts there. */
#include <config.h>

#include "apply/steps.h"

#include <string.h>

#include "check/check.h"
#include "check/print.h"
#include "lib/plan-file.h"
#include "lib/util.h"

static bool
is_isolation(const char *id)
{
    static const char *const ids[] = {
        "kernel.isolcpus", "kernel.nohz_full", "kernel.rcu_nocbs",
        "kernel.irqaffinity",
    };
    for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
        if (!strcmp(id, ids[i])) {
            return true;
        }
    }
    return false;
}

int
step_reboot(struct apply_ctx *c, struct diag *d)
{
    struct check_report r;
    struct check_opts o;
    int missing = 0, error;

    check_opts_init(&o);
    o.root = c->root;
    o.plan = c->plan;
    o.layers = 1u << CHECK_KERNEL;
    check_report_init(&r);
    error = check_run(&o, &r, d);
    for (size_t i = 0; i < r.n && !error; i++) {
        const struct check_finding *f = &r.findings[i];

        if (is_isolation(f->id)) {
            check_print_finding(f, false, c->out);
            missing += f->level != CHECK_PASS;
        } else if (!strcmp(f->id, "kernel.cmdline")
                   && f->level == CHECK_ERROR) {
            error = diag_error(d, NFV_ESYSTEM, "%s", f->found);
        }
    }
    check_report_destroy(&r);
    if (!error && missing) {
        error = diag_error(d, APPLY_EXIT_REBOOT, "reboot required: %d of "
                           "the planned isolation arguments are not on the "
                           "running kernel's command line", missing);
    }
    return error;
}
