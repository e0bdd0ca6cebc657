/* workflow.c: 'nfvhost hugepages status|apply|reset' (see workflow.h). */
#include <config.h>

#include "hugepage-setup/workflow.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <jansson.h>

#include "hugepage-setup/apply.h"
#include "hugepage-setup/mount.h"
#include "hugepage-setup/persist.h"
#include "hugepage-setup/request.h"
#include "hugepage-setup/status.h"
#include "lib/plan-file.h"
#include "lib/util.h"

void
hp_workflow_status(const struct hp_system *s, const struct plan_file *plan,
                   bool json, FILE *out)
{
    struct hp_requests rs;
    json_t *st;
    char *text;

    hp_requests_init(&rs);
    if (plan) {
        hp_requests_from_plan(plan, &rs);
    }
    st = hp_status_json(s, plan ? &rs : NULL);
    text = json ? json_dumps(st, JSON_INDENT(2)) : hp_status_table(st);
    fputs(text, out);
    if (json) {
        fputc('\n', out);
    }
    free(text);
    json_decref(st);
    hp_requests_destroy(&rs);
}

int
hp_workflow_apply(const struct hp_system *s, const struct hp_workflow_opts *o,
                  FILE *out, struct sbuf *report, struct diag *diag)
{
    struct hp_apply_opts ao = {
        .dry_run = o->dry_run, .compact = !o->no_compact,
        .mount = !o->no_mount && (!o->fake_tree || o->dry_run),
        .mount_base = o->mount_base, .changes = o->changes,
    };
    struct hp_persist_opts po = {
        .root = o->root, .mount_base = o->mount_base,
    };
    struct utsname uts;
    struct hp_persist ps = { NULL, 0 };
    struct hp_requests plan_rs;
    const struct hp_requests *rs = o->flags;
    char *group = NULL;
    gid_t gid = 0;
    int error = 0;

    hp_requests_init(&plan_rs);
    if (o->plan) {
        hp_requests_from_plan(o->plan, &plan_rs);
        rs = &plan_rs;
        po.kernel_args = o->plan->kernel.args;
        po.n_kernel_args = o->plan->kernel.n_args;
    } else if (!uname(&uts)) {
        po.kernel_release = uts.release;
    }
    if (ao.mount || o->persist) {
        error = hp_group_resolve(o->group, &group, &gid, diag);
    }
    ao.group = po.group = group;
    ao.gid = gid;
    if (!error && o->persist) {
        error = hp_persist_prepare(rs, &po, &ps, diag);
    }
    if (!error && o->fake_tree && !o->no_mount && !o->dry_run) {
        fprintf(out, "not mounting hugetlbfs: --sysfs-root is a fake tree\n");
    }
    if (!error) {
        error = hp_apply(s, rs, &ao, out, report, diag);
    }
    if (!error && o->persist) {
        if (o->dry_run) {
            hp_persist_print(&ps, out, o->changes);
        } else {
            error = hp_persist_write(&ps, out, o->changes, diag);
        }
    }
    hp_persist_destroy(&ps);
    hp_requests_destroy(&plan_rs);
    free(group);
    return error;
}

int
hp_workflow_reset(const struct hp_system *s, int node, unsigned long size_kb,
                  bool persist, const char *root, bool dry_run, FILE *out,
                  struct diag *diag)
{
    int error = hp_reset(s, node, size_kb, dry_run, out, diag);

    if (!error && persist) {
        error = hp_persist_remove(root, dry_run, out, diag);
    }
    return error;
}
