/* apply.c: the runner of 'nfvhost apply' (see apply.h): the steps in
 * order, their reports, the state file, --resume, --only, --dry-run, and
 * what to say when a step fails or a reboot is needed. */
#include <config.h>

#include "apply/apply.h"

#include <stdlib.h>
#include <string.h>

#include "apply/steps.h"
#include "libvirt-templates/define.h"
#include "lib/plan-file.h"
#include "lib/util.h"

const struct apply_step_def apply_steps[N_APPLY_STEPS] = {
    [STEP_HUGEPAGES] = { "hugepages", "hugepages per NUMA node, now and at "
                         "boot", step_hugepages, undo_hugepages },
    [STEP_KERNEL] = { "kernel", "the kernel command line: GRUB drop-in and "
                      "update-grub", step_kernel, undo_kernel },
    [STEP_REBOOT] = { "reboot", "the running kernel has the planned "
                      "isolation", step_reboot, NULL },
    [STEP_SRIOV] = { "sriov", "SR-IOV VFs and the uplinks' driver",
                     step_sriov, undo_sriov, true },
    [STEP_OVS] = { "ovs", "OVS other_config, bridge and ports", step_ovs,
                   undo_ovs },
    [STEP_SOCKETS] = { "sockets", "the vhost-user socket directory",
                       step_sockets, undo_sockets },
    [STEP_LIBVIRT] = { "libvirt", "a libvirt domain per planned VM",
                       step_libvirt, undo_libvirt, true },
    [STEP_CHECK] = { "check", "nfvhost check: the host against the plan",
                     step_check, NULL },
};

const char *
apply_step_name(enum apply_step s)
{
    return apply_steps[s].name;
}

int
apply_parse_steps(const char *list, unsigned *only, struct diag *d)
{
    char *copy = xstrdup(list), *save = NULL;
    int error = 0;

    *only = 0;
    for (char *w = strtok_r(copy, ",", &save); w && !error;
         w = strtok_r(NULL, ",", &save)) {
        int i;
        for (i = 0; i < N_APPLY_STEPS && strcmp(w, apply_steps[i].name); i++) {
            continue;
        }
        if (i == N_APPLY_STEPS) {
            error = diag_error(d, NFV_EINPUT, "--only %s: unknown step '%s'; "
                               "the steps are hugepages, kernel, reboot, "
                               "sriov, ovs, sockets, libvirt, check", list,
                               w);
        }
        *only |= 1u << i;
    }
    free(copy);
    if (!error && !*only) {
        error = diag_error(d, NFV_EINPUT, "--only %s: no step named", list);
    }
    return error;
}

const char *
apply_root_flag(const struct apply_ctx *c)
{
    static char flag[4200];

    if (!*c->root) {
        return "";
    }
    snprintf(flag, sizeof flag, " --sysfs-root %s", c->root);
    return flag;
}

/* The plan's bytes, hashed: a state written for an earlier version of the
 * plan is not resumed.  NULL when the file cannot be read (the setup
 * wizard's dry run of a plan not written yet). */
static char *
plan_hash(const struct plan_file *p)
{
    FILE *f = fopen(p->path, "r");
    struct sbuf b;
    char buf[8192];
    size_t n;
    char *hash;

    if (!f) {
        return NULL;
    }
    sbuf_init(&b);
    while ((n = fread(buf, 1, sizeof buf - 1, f)) > 0) {
        buf[n] = '\0';
        sbuf_puts(&b, buf);
    }
    fclose(f);
    hash = apply_state_hash(b.s, b.len);
    sbuf_destroy(&b);
    return hash;
}

/* Every line of 'text' indented under its step's heading. */
static void
put_indented(FILE *out, const char *text)
{
    for (const char *p = text; *p; ) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "    %.*s\n", (int) n, p);
        p += n + (p[n] == '\n');
    }
}

struct run {
    const struct apply_opts *o;
    struct apply_ctx c;
    int n_run, n_changed;
    bool reboot;                /* Dry run: step 3 wants a reboot. */
    int first_error;            /* Dry run: the first step that would
                                 * fail, as its status. */
    char first_msg[1024];
};

/* Runs step 'i' with its report captured, then prints the report. */
static int
run_step(struct run *r, int i, char **report, struct diag *d)
{
    size_t len = 0;
    FILE *mem = open_memstream(report, &len);
    int error;

    if (!mem) {
        xalloc_die();
    }
    r->c.out = mem;
    r->c.changed = false;
    error = apply_steps[i].run(&r->c, d);
    fclose(mem);
    r->c.out = NULL;
    return error;
}

static void
undo_hints(const struct run *r, int failed, FILE *out)
{
    bool any = false;

    for (int i = failed; i >= 0; i--) {
        bool did = (i == failed ? apply_steps[i].partial
                    : r->c.state->done[i]);
        if (did && apply_steps[i].undo) {
            if (!any) {
                fprintf(out, "To undo what was done, last step first:\n");
                any = true;
            }
            apply_steps[i].undo(&r->c, out);
        }
    }
    if (!any) {
        fprintf(out, "Nothing was done that needs undoing.\n");
    }
}

static void
report_failure(const struct run *r, int i, const struct diag *d, FILE *out)
{
    int n = 0;

    fprintf(out, "\nStep %d/%d (%s) failed: %s\n", i + 1, N_APPLY_STEPS,
            apply_steps[i].name, d->msg);
    for (int k = 0; k < i; k++) {
        if (r->c.state->done[k]) {
            fprintf(out, "%s %s", n++ ? "," : "Done before it:",
                    apply_steps[k].name);
        }
    }
    if (n) {
        fprintf(out, " (their reports are in %s)\n", r->c.state->path);
    }
    undo_hints(r, i, out);
}

static bool
wanted(const struct run *r, int i)
{
    return !r->o->only || (r->o->only & (1u << i));
}

/* One step: skipped, run, or stopped at.  Returns the status to stop
 * with, or 0 to go on. */
static int
step(struct run *r, int i, FILE *out, struct diag *d)
{
    char *report = NULL;
    int error;

    if (!wanted(r, i)) {
        return 0;
    }
    if (r->o->resume && r->c.state->done[i]) {
        fprintf(out, "[%d/%d] %s: done before (%s)\n", i + 1, N_APPLY_STEPS,
                apply_steps[i].name, r->c.state->path);
        return 0;
    }
    fprintf(out, "[%d/%d] %s: %s\n", i + 1, N_APPLY_STEPS,
            apply_steps[i].name, apply_steps[i].title);
    error = run_step(r, i, &report, d);
    put_indented(out, report);
    r->n_run++;
    r->n_changed += r->c.changed;
    if (error == APPLY_EXIT_REBOOT && r->o->dry_run) {
        fprintf(out, "    (here a real apply stops for the reboot)\n");
        r->reboot = true;
        diag_destroy(d);
        diag_init(d);
        error = 0;
    } else if (error && r->o->dry_run) {
        fprintf(out, "    would fail: %s\n", d->msg);
        if (!r->first_error) {
            r->first_error = error;
            snprintf(r->first_msg, sizeof r->first_msg, "step %s: %s",
                     apply_steps[i].name, d->msg);
        }
        diag_destroy(d);
        diag_init(d);
        error = 0;
    } else if ((!error || (i == STEP_CHECK && error == APPLY_CHECK_FAIL))
               && !r->o->dry_run) {
        /* A check that finds a FAIL ran all the same: the step is done,
         * its findings are the result. */
        apply_state_done(r->c.state, i, report);
        int saved = apply_state_save(r->c.state, d);
        error = saved ? saved : error;
    }
    free(report);
    return error;
}

static int
stop_for_reboot(struct run *r, FILE *out, struct diag *d)
{
    int error = apply_state_save(r->c.state, d);

    if (!error) {
        fprintf(out, "\nReboot, then run 'nfvhost apply --plan %s --resume%s"
                "%s%s': it checks the kernel again and goes on with step "
                "%d.\n", r->c.plan->path, r->o->state ? " --state " : "",
                r->o->state ? r->o->state : "", apply_root_flag(&r->c),
                STEP_REBOOT + 2);
        error = diag_error(d, APPLY_EXIT_REBOOT, "reboot required: the "
                           "running kernel lacks the planned isolation");
    }
    return error;
}

static int
begin(struct run *r, const struct plan_file *plan, FILE *out, struct diag *d)
{
    struct apply_state *s = r->c.state;
    char *hash = plan_hash(plan);
    int error = 0;

    if (r->o->resume && (!hash || !s->plan_hash
                         || strcmp(hash, s->plan_hash))) {
        error = diag_error(d, NFV_EINPUT, "--resume: %s has no apply of %s "
                           "to resume%s; run without --resume", s->path,
                           plan->path, s->plan_hash ? " (it is about another "
                           "plan, or an earlier version of this one)" : "");
    } else if (!r->o->resume) {
        apply_state_begin(s, plan->path, hash);
    }
    free(hash);
    if (!error) {
        fprintf(out, "nfvhost apply%s: %s (state %s%s)\n",
                r->o->dry_run ? " --dry-run" : "", plan->path, s->path,
                r->o->dry_run ? ", not written" : "");
    }
    return error;
}

static void
summary(const struct run *r, FILE *out)
{
    if (r->o->dry_run) {
        fprintf(out, "\nDry run: nothing was changed.%s%s%s\n",
                r->reboot ? " A real apply stops at step 3 for a reboot, "
                "and goes on with --resume after it." : "",
                r->first_error ? " It would stop at " : "",
                r->first_error ? r->first_msg : "");
    } else if (!r->n_run) {
        fprintf(out, "\nNothing to do: every step is done (%s).\n",
                r->c.state->path);
    } else if (!r->n_changed) {
        fprintf(out, "\nNothing changed: the host already matched the "
                "plan.\n");
    } else {
        fprintf(out, "\nApplied: %d step(s) run, %d changed something.\n",
                r->n_run, r->n_changed);
    }
}

int
apply_run(const struct apply_opts *o, const struct plan_file *plan,
          FILE *out, struct diag *d)
{
    struct apply_state state;
    struct run r = { .o = o };
    char *state_path;
    int error;

    r.c.o = o;
    r.c.plan = plan;
    r.c.root = o->root ? o->root : "";
    r.c.state = &state;
    /* On a tree, the state is the tree's too. */
    state_path = (o->state ? xstrdup(o->state)
                  : xasprintf("%s%s", r.c.root, APPLY_DEFAULT_STATE));
    error = apply_state_load(state_path, &state, d);
    free(state_path);
    error = error ? error : begin(&r, plan, out, d);
    for (int i = 0; i < N_APPLY_STEPS && !error; i++) {
        error = step(&r, i, out, d);
        if (error == APPLY_EXIT_REBOOT) {
            error = stop_for_reboot(&r, out, d);
        } else if (error && error != APPLY_CHECK_FAIL) {
            /* What the failed step did before it failed (a domain defined)
             * is kept, for the next run and for its undo. */
            struct diag scratch;
            diag_init(&scratch);
            apply_state_save(&state, &scratch);
            diag_destroy(&scratch);
            report_failure(&r, i, d, out);
        }
    }
    if (!error || error == APPLY_CHECK_FAIL) {
        summary(&r, out);
    }
    if (!error && r.first_error) {
        error = diag_error(d, r.first_error, "dry run: a real apply would "
                           "stop at %s", r.first_msg);
    }
    virt_close(r.c.virt);
    apply_state_destroy(&state);
    return error;
}
