/* step-hugepages.c: step 1, the plan's hugepage pools per NUMA node, now
 * and at boot: 'nfvhost hugepages apply --plan --persist' through
 * hugepage-setup/workflow.h.  A pool the kernel cannot fill is rolled back
 * by the hugepages part itself, with every pool it had changed.  On a
 * tree (--sysfs-root) the boot files go under the same root, and nothing
 * is mounted. */
#include <config.h>

#include "apply/steps.h"

#include "hugepage-setup/sysfs.h"
#include "hugepage-setup/workflow.h"
#include "lib/changes.h"
#include "lib/plan-file.h"
#include "lib/util.h"

int
step_hugepages(struct apply_ctx *c, struct diag *d)
{
    struct changes changes;
    struct hp_workflow_opts wo = {
        .plan = c->plan, .root = c->root, .mount_base = "/dev",
        .fake_tree = *c->root != '\0', .dry_run = c->o->dry_run,
        .persist = true, .changes = &changes,
    };
    struct hp_system s;
    struct sbuf report;
    int error = hp_system_load(c->root, &s, d);

    if (error) {
        return error;
    }
    changes_init(&changes);
    sbuf_init(&report);
    error = hp_workflow_apply(&s, &wo, c->out, &report, d);
    fputs(report.s, c->out);
    c->changed = changes.n > 0;
    changes_destroy(&changes);
    sbuf_destroy(&report);
    hp_system_destroy(&s);
    return error;
}

void
undo_hugepages(const struct apply_ctx *c, FILE *out)
{
    fprintf(out, "  nfvhost hugepages reset --persist%s%s%s\n",
            apply_root_flag(c), *c->root ? " --root " : "", c->root);
}
