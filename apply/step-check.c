/* step-check.c: step 8, 'nfvhost check' on the applied host (check/),
 * every layer: its findings are the apply's result.  A FAIL makes the
 * apply exit APPLY_CHECK_FAIL (check's own status 4); WARNs are printed
 * and do not fail it.  On a tree (--sysfs-root) check reads the same tree;
 * with --db and -c, the same OVS and libvirt. */
#include <config.h>

#include "apply/steps.h"

#include "check/check.h"
#include "check/print.h"
#include "lib/plan-file.h"

int
step_check(struct apply_ctx *c, struct diag *d)
{
    struct check_report r;
    struct check_opts o;
    int error;

    if (c->o->dry_run) {
        fprintf(c->out, "would run nfvhost check --plan %s (every layer)\n",
                c->plan->path);
        return 0;
    }
    check_opts_init(&o);
    o.root = c->root;
    o.plan = c->plan;
    o.db = c->o->db;
    o.uri = c->o->uri;
    check_report_init(&r);
    error = check_run(&o, &r, d);
    if (!error) {
        check_print_text(&r, false, c->out);
        error = check_report_status(&r);
        if (error == CHECK_EXIT_FAIL) {
            diag_error(d, APPLY_CHECK_FAIL, "the applied host fails %zu "
                       "check(s): see the FAIL lines above",
                       check_report_count(&r, CHECK_FAIL));
        } else if (error) {
            diag_error(d, error, "some checks could not run: see the ERROR "
                       "lines above");
        }
    }
    check_report_destroy(&r);
    return error;
}
