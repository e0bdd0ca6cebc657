/* plain.c: the wizard line by line (--plain, or no terminal): the same
 * six screens and questions as the full-screen face, each question on its
 * own line with its default in brackets; Enter takes the default, a bad
 * answer is explained and asked again.  End of input stops without
 * writing anything. */
#include <config.h>

#include "setup/plain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "planner/emit.h"

struct plain {
    struct wizard *w;
    FILE *in, *out;
    bool failed;                /* The last plan did not fit... */
    unsigned failed_at;         /* ... with the answers at this count. */
};

/* One line of input without its newline; NULL at the end of input.  When
 * the input is not a terminal, the answer is echoed, so that the output
 * reads as a dialogue. */
static char *
read_answer(struct plain *p)
{
    char buf[1024];

    fflush(p->out);
    if (!fgets(buf, sizeof buf, p->in)) {
        fputs("\n", p->out);
        return NULL;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    if (!isatty(fileno(p->in))) {
        fprintf(p->out, "%s\n", buf);
    }
    return xstrdup(buf);
}

/* Asks until the answer is taken; false at the end of input. */
static bool
ask(struct plain *p, const struct question *q, int vm)
{
    for (;;) {
        char *now = wizard_get(p->w, q, vm);
        char *answer;
        struct diag d;
        int error;

        fprintf(p->out, "%s -- %s [%s]: ", q->label, q->why,
                *now ? now : q->empty ? q->empty : "");
        free(now);
        answer = read_answer(p);
        if (!answer) {
            return false;
        }
        diag_init(&d);
        error = wizard_answer(p->w, q, vm, answer, &d);
        if (error) {
            fprintf(p->out, "  %s\n", d.msg);
        }
        diag_destroy(&d);
        free(answer);
        if (!error) {
            return true;
        }
    }
}

static void
heading(struct plain *p, enum wizard_screen s)
{
    fprintf(p->out, "\n== %d/%d %s ==\n", s + 1, N_SCREENS, screen_name(s));
}

/* Every question of 'screen' about the host ("vm" rows are per VM). */
static bool
ask_screen(struct plain *p, enum wizard_screen s)
{
    for (size_t i = 0; i < n_questions; i++) {
        const struct question *q = &questions[i];
        if (q->screen == s && strcmp(q->section, "vm") && !ask(p, q, 0)) {
            return false;
        }
    }
    return true;
}

static bool
ask_vm(struct plain *p, int vm)
{
    for (size_t i = 0; i < n_questions; i++) {
        const struct question *q = &questions[i];
        if (!strcmp(q->section, "vm") && !ask(p, q, vm)) {
            return false;
        }
    }
    return true;
}

static int
vm_by_name(const struct wizard *w, const char *name)
{
    for (int v = 0; v < w->intent.n_vms; v++) {
        if (!strcmp(w->intent.vms[v].name, name)) {
            return v;
        }
    }
    return -1;
}

static void
list_vms(struct plain *p)
{
    fprintf(p->out, "VMs:%s\n", p->w->intent.n_vms ? "" : " none yet");
    for (int v = 0; v < p->w->intent.n_vms; v++) {
        char *line = wizard_vm_line(p->w, v);
        fprintf(p->out, "  %s\n", line);
        free(line);
    }
}

/* "add [NAME]", "edit NAME", "remove NAME" or "done". */
static bool
vm_command(struct plain *p, const char *cmd, bool *done)
{
    const char *arg = strchr(cmd, ' ');
    int v = arg ? vm_by_name(p->w, arg + 1) : -1;
    struct diag d;

    *done = !*cmd || !strcmp(cmd, "done");
    if (*done) {
        return true;
    }
    diag_init(&d);
    if (!strncmp(cmd, "add", 3) && (!cmd[3] || arg == cmd + 3)) {
        v = wizard_add_vm(p->w, arg ? arg + 1 : NULL, &d);
        if (v < 0) {
            fprintf(p->out, "  %s\n", d.msg);
        }
    } else if ((!strncmp(cmd, "edit ", 5) || !strncmp(cmd, "remove ", 7))
               && v < 0) {
        fprintf(p->out, "  no VM named '%s'\n", arg + 1);
    } else if (!strncmp(cmd, "remove ", 7)) {
        wizard_remove_vm(p->w, v);
        v = -1;
    } else if (strncmp(cmd, "edit ", 5)) {
        fprintf(p->out, "  expected add [NAME], edit NAME, remove NAME or "
                "done\n");
        v = -1;
    }
    diag_destroy(&d);
    return v < 0 || ask_vm(p, v);
}

static bool
vms_screen(struct plain *p)
{
    bool done = false;

    if (!ask_screen(p, SCREEN_VMS)) {
        return false;
    }
    while (!p->w->openstack && !done) {
        char *cmd;
        bool more;

        list_vms(p);
        fprintf(p->out, "add [NAME], edit NAME, remove NAME or done "
                "[done]: ");
        cmd = read_answer(p);
        if (!cmd) {
            return false;
        }
        more = vm_command(p, cmd, &done);
        free(cmd);
        if (!more) {
            return false;
        }
    }
    return true;
}

/* Plans and shows it; returns the next screen, or N_SCREENS to stop
 * when the plan fails again with no answer changed (input that only
 * presses Enter would go round for ever). */
static enum wizard_screen
plan_screen(struct plain *p)
{
    struct wizard *w = p->w;
    unsigned changes = w->changes;
    char *text;

    if (wizard_plan(w)) {
        fprintf(p->out, "The plan does not fit:\n  %s\n", w->plan_diag.msg);
        if (p->failed && p->failed_at == changes) {
            return N_SCREENS;
        }
        p->failed = true;
        p->failed_at = w->changes;
        fprintf(p->out, "Back to the %s screen to change it.\n",
                screen_name(w->fix_screen));
        return w->fix_screen;
    }
    text = emit_summary(&w->plan, false);
    fputs(text, p->out);
    free(text);
    return SCREEN_REVIEW;
}

void
plain_written(const struct wizard *w, FILE *out)
{
    char *files = wizard_files_text(w);

    fprintf(out, "Wrote:\n%s", files);
    free(files);
}

static int
plain_write(struct wizard *w, FILE *out, struct diag *d)
{
    int error = wizard_write(w, d);

    if (!error) {
        plain_written(w, out);
    }
    return error;
}

/* Returns true to write (*apply: and apply), false to go back; *quit at
 * the end of input or on "quit". */
static bool
review_screen(struct plain *p, bool *apply, bool *quit)
{
    char *files = wizard_files_text(p->w);
    char *dry = wizard_apply_preview(p->w);
    char *answer;
    bool write;

    fprintf(p->out, "'write' writes these files and changes nothing on this "
            "host:\n%s\n'apply' then applies the plan to this host "
            "('nfvhost apply', as root); its dry run says what that "
            "changes:\n\n%s\nwrite, apply, back or quit [write]: ", files,
            dry);
    free(files);
    free(dry);
    for (;;) {
        answer = read_answer(p);
        *quit = !answer || !strcmp(answer, "quit");
        *apply = answer && !strcmp(answer, "apply");
        write = answer && (!*answer || !strcmp(answer, "write") || *apply);
        if (*apply && geteuid()) {
            fprintf(p->out, "  'apply' changes this host: it needs root; "
                    "write, then run: sudo nfvhost apply --plan %s/plan.json"
                    "\n", p->w->opts.output);
            write = false;
        } else if (*quit || write || !strcmp(answer, "back")) {
            break;
        }
        fprintf(p->out, "write, apply, back or quit [write]: ");
        free(answer);
    }
    free(answer);
    return write;
}

int
plain_run(struct wizard *w, FILE *in, FILE *out, struct diag *d)
{
    struct plain p = { .w = w, .in = in, .out = out };
    enum wizard_screen s = SCREEN_MACHINE;
    bool quit = false, apply = false;

    fprintf(out, "nfvhost setup: Enter takes the [default]; end of input "
            "(Ctrl-D) or Ctrl-C stops without writing anything.\n");
    while (!quit) {
        char *machine;

        heading(&p, s);
        switch (s) {
        case SCREEN_MACHINE:
            machine = wizard_machine_text(w);
            fputs(machine, out);
            free(machine);
            s = SCREEN_UPLINK;
            break;
        case SCREEN_UPLINK:
        case SCREEN_HOST:
            quit = !ask_screen(&p, s);
            s++;
            break;
        case SCREEN_VMS:
            quit = !vms_screen(&p);
            s = SCREEN_PLAN;
            break;
        case SCREEN_PLAN:
            s = plan_screen(&p);
            if (s == N_SCREENS) {
                return diag_error(d, w->plan_diag.status, "%s (again, with "
                                  "no answer changed: stopping; nothing "
                                  "written)", w->plan_diag.msg);
            }
            break;
        case N_SCREENS:
            return diag_error(d, NFV_ESYSTEM, "no such screen");
        case SCREEN_REVIEW:
        default:
            if (review_screen(&p, &apply, &quit)) {
                int error = plain_write(w, out, d);
                if (!error && apply) {
                    fprintf(out, "\n");
                    error = wizard_apply(w, out, d);
                }
                return error;
            }
            s = SCREEN_VMS;
            break;
        }
    }
    return diag_error(d, SETUP_STOPPED, "setup stopped: nothing written");
}

int
plain_answers(struct wizard *w, const char *path, FILE *out, struct diag *d)
{
    int error = answers_read(w, path, d);
    char *text;

    if (error) {
        return error;
    }
    if (wizard_plan(w)) {
        diag_error(d, w->plan_diag.status, "%s", w->plan_diag.msg);
        return d->status;
    }
    text = emit_summary(&w->plan, false);
    fputs(text, out);
    free(text);
    return plain_write(w, out, d);
}
