/* tui.c: the setup wizard on newt (see tui.h).
 *
 * Each screen is built from the wizard's state, run, and torn down; a
 * screen that returns ACT_REDRAW (the terminal was resized) is built again
 * at the new size, with what was typed kept in its entries.  Every answer
 * goes through wizard_answer(), exactly as in plain.c; this file only lays
 * out and reads widgets.
 *
 * Keys: Enter in a field or on a button moves on (the focused button at
 * first is Next, so Enter on every screen takes the defaults), Tab moves
 * between fields, Space toggles, F12 is Next.  newt puts the terminal in
 * raw mode, so Ctrl-C arrives as a key (3): it stops the wizard, as do
 * SIGINT, SIGTERM and SIGHUP, through a pipe each form watches; the
 * terminal going away (a hangup, end of file, a read error) ends it at
 * once.  Nothing is written before the Review screen's "Write". */
#include <config.h>

#include "setup/tui.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <newt.h>
#include <slang.h>

#include "lib/util.h"
#include "planner/emit.h"
#include "setup/plain.h"

#define KEY_CTRL_C 3

/* Label, value and reason on one line (questions.h keeps to this). */
#define LABEL_W 28
#define ENTRY_W 12
#define WHY_X (LABEL_W + ENTRY_W + 3)
/* A scrolling box inside a window of width W is W - SCROLL_W wide: newt
 * puts its scroll bar two columns to the right of the text. */
#define SCROLL_W 4

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

enum action {
    ACT_NEXT,
    ACT_BACK,
    ACT_QUIT,
    ACT_REDRAW,
    ACT_STAY,
};

struct tui {
    struct wizard *w;
    struct diag *d;
    int cols, rows;             /* The terminal. */
    int width, height;          /* The screen window's inside. */
    char status[600];           /* Shown at the bottom of the next screen. */
    int last_vm;                /* Highlighted in the VM list. */
    char *preview;              /* apply's dry run of the plan... */
    unsigned preview_at;        /* ... with the answers at this count. */
    bool apply;                 /* Review: Write and apply. */
};

/* Colour sets of the picture: pools, then VMs. */
enum {
    COLOR_HOUSEKEEPING = 1,
    COLOR_PMD,
    COLOR_EMULATOR,
    COLOR_GUEST,
    COLOR_IDLE,
    COLOR_OFFLINE,
    COLOR_VM,
    COLOR_STATUS,
};

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t stop_pending;
static volatile sig_atomic_t terminal_gone;
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction saved_actions[ARRAY_SIZE(stop_signals)];

/* SIGINT, SIGTERM and SIGHUP stop the wizard through the forms, which
 * restore the terminal.  Once the terminal is gone (watch_terminal() saw
 * it), or on a second signal while the first is pending, no form reads the
 * pipe: newt's key reader retries every read error, end of file included,
 * for ever, so the wizard leaves at once, writing nothing (the final write
 * holds these signals until it is done). */
static void
on_signal(int sig)
{
    int saved = errno;
    char c = sig;

    if (stop_pending || terminal_gone) {
        _exit(SETUP_STOPPED);
    }
    stop_pending = 1;
    if (write(sig_pipe[1], &c, 1) < 0) {
        /* Full: a stop is already pending. */
    }
    errno = saved;
}

/* Handles the stop signals whatever was inherited: a wizard started with
 * SIGHUP ignored (nohup) must still end with its terminal. */
static void
catch_signals(void)
{
    struct sigaction sa;

    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK)) {
        return;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++) {
        sigaction(stop_signals[i], &sa, &saved_actions[i]);
    }
}

static void
release_signals(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++) {
        sigaction(stop_signals[i], &saved_actions[i], NULL);
    }
    close(sig_pipe[0]);
    close(sig_pipe[1]);
    sig_pipe[0] = sig_pipe[1] = -1;
}

/* The terminal watcher.  A terminal that goes away sends SIGHUP to its
 * session's leader and foreground group, but not to a wizard that is
 * neither, and newt would then spin on its end of file for ever.  So a
 * thread polls newt's terminal for a hangup or an error (POLLHUP, POLLERR,
 * POLLNVAL: no read, so no key is taken from newt) and raises SIGHUP. */
static pthread_t watcher;
static int watcher_stop[2] = { -1, -1 };
static bool watching;

static void *
watch_terminal(void *fd_)
{
    struct pollfd p[2] = {
        { .fd = *(int *) fd_, .events = 0 },
        { .fd = watcher_stop[0], .events = POLLIN },
    };

    for (;;) {
        int n = poll(p, 2, -1);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n > 0 && p[1].revents) {
            return NULL;        /* watch_terminal_stop() */
        }
        if (n < 0 || p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            terminal_gone = 1;
            kill(getpid(), SIGHUP);
            return NULL;
        }
    }
}

/* Starts the watcher on newt's terminal (slang's descriptor, set by
 * newtInit()).  The thread blocks every signal, so that SIGHUP is handled
 * by the main thread, and held there while the final write runs. */
static void
watch_terminal_start(void)
{
    static int fd;
    sigset_t all, old;

    fd = SLang_TT_Read_FD;
    if (fd < 0 || pipe2(watcher_stop, O_CLOEXEC)) {
        return;
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    watching = !pthread_create(&watcher, NULL, watch_terminal, &fd);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Stops the watcher, before newtFinished() closes the terminal it polls. */
static void
watch_terminal_stop(void)
{
    if (watching && write(watcher_stop[1], "", 1) == 1) {
        pthread_join(watcher, NULL);
    }
    watching = false;
    close(watcher_stop[0]);
    close(watcher_stop[1]);
    watcher_stop[0] = watcher_stop[1] = -1;
}

static void
set_colors(void)
{
    newtSetColor(NEWT_COLORSET_CUSTOM(COLOR_HOUSEKEEPING), "white", "blue");
    newtSetColor(NEWT_COLORSET_CUSTOM(COLOR_PMD), "white", "red");
    newtSetColor(NEWT_COLORSET_CUSTOM(COLOR_EMULATOR), "black", "yellow");
    newtSetColor(NEWT_COLORSET_CUSTOM(COLOR_GUEST), "black", "green");
    newtSetColor(NEWT_COLORSET_CUSTOM(COLOR_IDLE), "white", "gray");
    newtSetColor(NEWT_COLORSET_CUSTOM(COLOR_OFFLINE), "gray", "lightgray");
    newtSetColor(NEWT_COLORSET_CUSTOM(COLOR_VM), "black", "cyan");
    newtSetColor(NEWT_COLORSET_CUSTOM(COLOR_STATUS), "red", "lightgray");
}

/* The steps across the top, the current one in brackets. */
static void
draw_root(enum wizard_screen s)
{
    struct sbuf b;

    sbuf_init(&b);
    sbuf_puts(&b, "nfvhost setup:");
    for (int i = 0; i < N_SCREENS; i++) {
        sbuf_printf(&b, i == (int) s ? " [%s]" : "  %s ", screen_name(i));
    }
    newtDrawRootText(1, 0, b.s);
    sbuf_destroy(&b);
}

static void
open_screen(struct tui *t, enum wizard_screen s)
{
    char title[64];

    newtGetScreenSize(&t->cols, &t->rows);
    t->width = t->cols - 6;
    t->height = t->rows - 5;
    newtCls();
    draw_root(s);
    snprintf(title, sizeof title, "%d/%d %s", s + 1, N_SCREENS,
             screen_name(s));
    newtOpenWindow(2, 2, t->width, t->height, title);
}

static void
close_screen(newtComponent form)
{
    newtFormDestroy(form);
    newtPopWindow();
}

/* Reinitialises the screen at the terminal's new size. */
static void
resized(void)
{
    SLtt_get_screen_size();
    SLsmg_reinit_smg();
}

/* Runs 'form' with the hot keys every screen has.  Returns ACT_QUIT,
 * ACT_REDRAW, or ACT_STAY with 'es' for the caller to read. */
static enum action
run_form(newtComponent form, struct newtExitStruct *es)
{
    newtFormAddHotKey(form, KEY_CTRL_C);
    newtFormAddHotKey(form, NEWT_KEY_RESIZE);
    if (sig_pipe[0] >= 0) {
        newtFormWatchFd(form, sig_pipe[0], NEWT_FD_READ);
    }
    newtFormRun(form, es);
    if (es->reason == NEWT_EXIT_FDREADY
        || (es->reason == NEWT_EXIT_HOTKEY && es->u.key == KEY_CTRL_C)) {
        return ACT_QUIT;
    }
    if (es->reason == NEWT_EXIT_HOTKEY && es->u.key == NEWT_KEY_RESIZE) {
        resized();
        return ACT_REDRAW;
    }
    return ACT_STAY;
}

/* 'text' with its lines broken at spaces to fit 'width'.  newt's own
 * wrapping (NEWT_FLAG_WRAP) leaves lines that wipe the window's right
 * border, so its text boxes get lines that already fit.  Caller frees. */
static char *
wrap_text(const char *text, int width)
{
    struct sbuf b;

    sbuf_init(&b);
    for (const char *line = text; *line; ) {
        const char *end = line + strcspn(line, "\n");
        int indent = strspn(line, " ");
        const char *p = line + indent;
        int col = indent;

        /* A line that fits stays as it is (columns and all); a longer one
         * keeps its indentation on its continuations. */
        if (end - line <= width) {
            sbuf_printf(&b, "%.*s", (int) (end - line), line);
            p = end;
        } else {
            sbuf_printf(&b, "%.*s", indent, line);
        }
        while (p < end) {
            int word = MIN((int) strcspn(p, " \n"), (int) (end - p));

            if (col > indent && col + 1 + word > width) {
                sbuf_printf(&b, "\n%*s", indent, "");
                col = indent;
            } else if (col > indent) {
                sbuf_puts(&b, " ");
                col++;
            }
            sbuf_printf(&b, "%.*s", word, p);
            col += word;
            p += word;
            while (p < end && *p == ' ') {
                p++;
            }
        }
        if (*end) {
            sbuf_puts(&b, "\n");
            end++;
        }
        line = end;
    }
    return sbuf_steal(&b);
}

static void
set_text(newtComponent tb, const char *text, int width)
{
    char *wrapped = wrap_text(text, width);

    newtTextboxSetText(tb, wrapped);
    free(wrapped);
}

/* The status line at the window's bottom, above the buttons. */
static newtComponent
status_line(struct tui *t)
{
    newtComponent tb = newtTextbox(1, t->height - 4, t->width - 2, 2, 0);

    set_text(tb, t->status, t->width - 2);
    if (*t->status) {
        newtTextboxSetColors(tb, NEWT_COLORSET_CUSTOM(COLOR_STATUS),
                             NEWT_COLORSET_CUSTOM(COLOR_STATUS));
    }
    return tb;
}

static void
set_status(struct tui *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_status(struct tui *t, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(t->status, sizeof t->status, fmt, args);
    va_end(args);
}

/* Buttons on the window's last line, left to right; returns them in
 * 'out', the first one focused. */
static void
button_row(struct tui *t, newtComponent form, const char *const *labels,
           newtComponent *out, int n)
{
    int x = 1;

    for (int i = 0; i < n; i++) {
        out[i] = newtCompactButton(x, t->height - 1, labels[i]);
        newtFormAddComponent(form, out[i]);
        x += strlen(labels[i]) + 5;
    }
}

/* A label cut to the window's width: a line that runs past the window's
 * border makes newt lose the border. */
static void
add_label(struct tui *t, newtComponent form, int x, int y, char *text)
{
    if ((int) strlen(text) > t->width - x - 1) {
        text[t->width - x - 1] = '\0';
    }
    newtFormAddComponent(form, newtLabel(x, y, text));
    free(text);
}

/* Which of 'buttons' ended the form: its index, or 0 (the first button,
 * Next) for Enter in a field or F12. */
static int
pressed(const struct newtExitStruct *es, newtComponent *buttons, int n)
{
    if (es->reason == NEWT_EXIT_COMPONENT) {
        for (int i = 0; i < n; i++) {
            if (es->u.co == buttons[i]) {
                return i;
            }
        }
    }
    return 0;
}

/* A screen of scrolling text, a status line and 'n' buttons; returns
 * ACT_QUIT, ACT_REDRAW, or ACT_STAY with the button pressed in '*pick'
 * (Enter on the first is pick 0). */
static enum action
text_screen(struct tui *t, enum wizard_screen s, const char *text,
            const char *const *labels, int n, int *pick)
{
    newtComponent form, tb, buttons[4];
    struct newtExitStruct es;
    enum action a;

    open_screen(t, s);
    form = newtForm(NULL, NULL, 0);
    tb = newtTextbox(1, 0, t->width - SCROLL_W, t->height - 5,
                     NEWT_FLAG_SCROLL);
    set_text(tb, text, t->width - SCROLL_W);
    newtFormAddComponents(form, tb, status_line(t), NULL);
    button_row(t, form, labels, buttons, n);
    newtFormSetCurrent(form, buttons[0]);
    a = run_form(form, &es);
    *pick = pressed(&es, buttons, n);
    close_screen(form);
    return a;
}

/* 1. Machine: what the topology and sysfs say. */
static enum action
machine_screen(struct tui *t)
{
    static const char *const labels[] = { "Next", "Quit" };
    char *text = wizard_machine_text(t->w);
    enum action a;
    int pick;

    a = text_screen(t, SCREEN_MACHINE, text, labels, 2, &pick);
    free(text);
    return a != ACT_STAY ? a : pick == 1 ? ACT_QUIT : ACT_NEXT;
}

static int
answer(struct tui *t, const struct question *q, int vm, const char *value)
{
    struct diag d;
    int error;

    diag_init(&d);
    error = wizard_answer(t->w, q, vm, value, &d);
    if (error) {
        set_status(t, "%s: %s", q->label, d.msg);
    }
    diag_destroy(&d);
    return error;
}

/* 2. Uplink: the NICs to give OVS-DPDK, and the PF for VFs. */
static enum action
uplink_screen(struct tui *t)
{
    static const char *const labels[] = { "Next", "Back" };
    const struct question *q_up = question_find("ovs", "uplink");
    const struct question *q_pf = question_find("setup", "sriov_pf");
    const struct nfv_topology *topo = &t->w->topo;
    int n_pfs = 1, tree_h, pfs_h;
    newtComponent form, tree, pfs, buttons[2];
    struct newtExitStruct es;
    enum action a;
    int pick;

    /* Both lists share the rows left by the labels, the status lines and
     * the buttons. */
    for (int i = 0; i < topo->n_nics; i++) {
        n_pfs += !topo->nics[i].is_vf;
    }
    tree_h = MAX(1, MIN(topo->n_nics, (t->height - 9) / 2));
    pfs_h = MAX(1, MIN(n_pfs, t->height - 9 - tree_h));
    open_screen(t, SCREEN_UPLINK);
    form = newtForm(NULL, NULL, 0);
    newtFormAddComponent(form, newtLabel(1, 0, "Uplink NIC(s) for OVS-DPDK "
                                         "(Space marks; a NIC that carries "
                                         "a route"));
    newtFormAddComponent(form, newtLabel(1, 1, "cannot be one: DPDK would "
                                         "cut the host off there):"));
    tree = newtCheckboxTree(1, 2, tree_h, NEWT_FLAG_SCROLL);
    for (int i = 0; i < topo->n_nics; i++) {
        const struct nfv_nic *n = &topo->nics[i];
        char *line = wizard_nic_line(n);
        char *text = xasprintf("%s%s", line,
                               wizard_uplink_refusal(n) ? " ROUTE" : "");
        newtCheckboxTreeAddItem(tree, text, n,
                                wizard_is_uplink(t->w, n->pci)
                                ? NEWT_FLAG_SELECTED : 0,
                                NEWT_ARG_APPEND, NEWT_ARG_LAST);
        free(line);
        free(text);
    }
    newtCheckboxTreeSetWidth(tree, t->width - 4);
    newtFormAddComponent(form, newtLabel(1, tree_h + 3, "PF for the VMs' "
                                         "SR-IOV VFs (not an uplink: that "
                                         "loses its VFs):"));
    pfs = newtListbox(1, tree_h + 4, pfs_h, NEWT_FLAG_SCROLL);
    newtListboxAppendEntry(pfs, "none", NULL);
    for (int i = 0; i < topo->n_nics; i++) {
        /* Not const: newtListboxSetCurrentByKey() takes a plain pointer. */
        struct nfv_nic *n = &t->w->topo.nics[i];
        if (!n->is_vf) {
            char *line = wizard_nic_line(n);
            newtListboxAppendEntry(pfs, line, n);
            if (t->w->sriov_pf && !strcmp(t->w->sriov_pf, n->pci)) {
                newtListboxSetCurrentByKey(pfs, n);
            }
            free(line);
        }
    }
    newtListboxSetWidth(pfs, t->width - 4);
    if (!topo->n_nics) {
        newtFormAddComponent(form, newtLabel(3, 2, "(no NICs found: OVS "
                                             "will only connect the VMs)"));
    }
    newtFormAddComponents(form, tree, pfs, status_line(t), NULL);
    button_row(t, form, labels, buttons, 2);
    newtFormSetCurrent(form, buttons[0]);
    a = run_form(form, &es);
    pick = pressed(&es, buttons, 2);
    if (a == ACT_STAY && pick == 1) {
        a = ACT_BACK;
    } else if (a == ACT_STAY) {
        int n = 0;
        const void **sel = newtCheckboxTreeGetSelection(tree, &n);
        const struct nfv_nic *pf = newtListboxGetCurrent(pfs);
        struct sbuf list;

        sbuf_init(&list);
        for (int i = 0; i < n; i++) {
            sbuf_printf(&list, "%s%s", i ? ", " : "",
                        ((const struct nfv_nic *) sel[i])->pci);
        }
        free(sel);
        *t->status = '\0';
        a = (answer(t, q_up, 0, n ? list.s : "none")
             || answer(t, q_pf, 0, pf ? pf->pci : "none")) ? ACT_STAY
                                                           : ACT_NEXT;
        sbuf_destroy(&list);
    }
    close_screen(form);
    return a;
}

/* One label/entry/why row per question: the Host screen and the VM
 * dialog.  'values' holds what is shown and is read back on exit. */
struct field_rows {
    const struct question *q[16];
    newtComponent entry[16];
    char *values[16];
    int n;
    int focus;                  /* The entry to focus when the form is
                                 * built again (after a resize, or on the
                                 * answer refused), or -1: ... */
    int other;                  /* ... the other component of the form
                                 * (a button, the VM's name) at this index
                                 * in focus_field()'s list, or -1: the
                                 * first of that list. */
};

static void
add_field(struct field_rows *f, newtComponent form, const struct question *q,
          int y, int width)
{
    int i = f->n++;

    f->q[i] = q;
    newtFormAddComponent(form, newtLabel(1, y, q->label));
    f->entry[i] = newtEntry(LABEL_W + 1, y, f->values[i], ENTRY_W, NULL,
                            NEWT_FLAG_SCROLL | NEWT_FLAG_RETURNEXIT);
    newtFormAddComponent(form, f->entry[i]);
    if (width > WHY_X + 10) {
        newtFormAddComponent(form, newtLabel(WHY_X, y, q->why));
    }
}

/* What is typed, and where, kept for a redraw or a second try: keys
 * typed across a resize go on where they would have gone, into the same
 * field or onto the same button ('others', 'n_others': the form's focusable
 * components that are not fields). */
static void
read_fields(struct field_rows *f, newtComponent form,
            const newtComponent others[], int n_others)
{
    newtComponent current = newtFormGetCurrent(form);

    f->focus = -1;
    f->other = -1;
    for (int i = 0; i < n_others; i++) {
        if (others[i] == current) {
            f->other = i;
        }
    }
    for (int i = 0; i < f->n; i++) {
        free(f->values[i]);
        f->values[i] = xstrdup(newtEntryGetValue(f->entry[i]));
        if (f->entry[i] == current) {
            f->focus = i;
        }
    }
}

/* Focuses what read_fields() saw focused, else others[0]. */
static void
focus_field(newtComponent form, const struct field_rows *f,
            const newtComponent others[])
{
    newtFormSetCurrent(form, (f->focus >= 0 ? f->entry[f->focus]
                              : others[MAX(f->other, 0)]));
}

static void
free_fields(struct field_rows *f)
{
    for (int i = 0; i < f->n; i++) {
        free(f->values[i]);
    }
    f->n = 0;
}

/* Applies the fields that changed; on the first refusal focuses it and
 * returns its error. */
static int
apply_fields(struct tui *t, struct field_rows *f, int vm)
{
    for (int i = 0; i < f->n; i++) {
        char *now = wizard_get(t->w, f->q[i], vm);
        const char *empty = f->q[i]->empty;
        int same = (!strcmp(now, f->values[i])
                    || (!*now && empty && !strcmp(f->values[i], empty)));

        if (!*f->values[i] && empty && *now) {
            /* A cleared field unsets an optional key. */
            free(f->values[i]);
            f->values[i] = xstrdup(empty);
        }

        free(now);
        if (!same) {
            if (answer(t, f->q[i], vm, f->values[i])) {
                f->focus = i;
                return NFV_EINPUT;
            }
        }
    }
    return 0;
}

/* Fills 'f' with the current values of 'screen' ("vm" rows for 'vm'). */
static void
load_fields(struct tui *t, struct field_rows *f, enum wizard_screen screen,
            int vm)
{
    free_fields(f);
    f->focus = -1;
    f->other = -1;
    for (size_t i = 0; i < n_questions; i++) {
        const struct question *q = &questions[i];
        bool vm_row = !strcmp(q->section, "vm");
        if (q->screen == screen && vm_row == (vm >= 0)) {
            char *v = wizard_get(t->w, q, vm);
            f->q[f->n] = q;
            f->values[f->n++] = *v || !q->empty ? v : xstrdup(q->empty);
            if (!*v && q->empty) {
                free(v);
            }
        }
    }
}

/* 3. Host: pools, memory, MTU. */
static enum action
host_screen(struct tui *t, struct field_rows *f)
{
    static const char *const labels[] = { "Next", "Back" };
    newtComponent form, buttons[2];
    struct newtExitStruct es;
    struct field_rows rows = *f;
    enum action a;

    open_screen(t, SCREEN_HOST);
    form = newtForm(NULL, NULL, 0);
    newtFormAddComponent(form, newtLabel(1, 0, "Enter takes these values; "
                                         "Tab moves to a field to change "
                                         "it."));
    rows.n = 0;
    for (int i = 0; i < f->n; i++) {
        add_field(&rows, form, f->q[i], 2 + i, t->width);
    }
    newtFormAddComponent(form, status_line(t));
    button_row(t, form, labels, buttons, 2);
    focus_field(form, &rows, buttons);
    a = run_form(form, &es);
    read_fields(&rows, form, buttons, 2);
    *f = rows;
    if (a == ACT_STAY && pressed(&es, buttons, 2) == 1) {
        a = ACT_BACK;
    } else if (a == ACT_STAY) {
        *t->status = '\0';
        a = apply_fields(t, f, -1) ? ACT_STAY : ACT_NEXT;
    }
    close_screen(form);
    return a;
}

/* The VM dialog: its name and every "vm" question.  Returns ACT_NEXT
 * (OK), ACT_BACK (Cancel), ACT_QUIT or ACT_REDRAW. */
static enum action
vm_dialog(struct tui *t, int vm, struct field_rows *f, char **name)
{
    static const char *const labels[] = { "OK", "Cancel" };
    int h = f->n + 6;
    newtComponent form, name_entry, others[3];   /* OK, Cancel, name. */
    newtComponent *buttons = others;
    struct newtExitStruct es;
    struct field_rows rows = *f;
    enum action a;
    struct diag d;

    newtCenteredWindow(t->width - 2, h, t->w->intent.vms[vm].name);
    form = newtForm(NULL, NULL, 0);
    newtFormAddComponent(form, newtLabel(1, 0, "Name"));
    name_entry = newtEntry(LABEL_W + 1, 0, *name, ENTRY_W, NULL,
                           NEWT_FLAG_SCROLL | NEWT_FLAG_RETURNEXIT);
    newtFormAddComponent(form, name_entry);
    rows.n = 0;
    for (int i = 0; i < f->n; i++) {
        add_field(&rows, form, f->q[i], 1 + i, t->width - 2);
    }
    for (int i = 0; i < 2; i++) {
        buttons[i] = newtCompactButton(1 + 8 * i, h - 1, labels[i]);
        newtFormAddComponent(form, buttons[i]);
    }
    if (*t->status) {
        newtComponent st = newtTextbox(1, h - 3, t->width - 4, 2, 0);
        set_text(st, t->status, t->width - 4);
        newtTextboxSetColors(st, NEWT_COLORSET_CUSTOM(COLOR_STATUS),
                             NEWT_COLORSET_CUSTOM(COLOR_STATUS));
        newtFormAddComponent(form, st);
    }
    others[2] = name_entry;
    focus_field(form, &rows, others);
    a = run_form(form, &es);
    read_fields(&rows, form, others, 3);
    *f = rows;
    free(*name);
    *name = xstrdup(newtEntryGetValue(name_entry));
    if (a == ACT_STAY && pressed(&es, buttons, 2) == 1) {
        a = ACT_BACK;
    } else if (a == ACT_STAY) {
        *t->status = '\0';
        diag_init(&d);
        if (wizard_rename_vm(t->w, vm, *name, &d)) {
            set_status(t, "Name: %s", d.msg);
            a = ACT_STAY;
        } else {
            a = apply_fields(t, f, vm) ? ACT_STAY : ACT_NEXT;
        }
        diag_destroy(&d);
    }
    newtFormDestroy(form);
    newtPopWindow();
    return a;
}

/* Adds (vm < 0) or edits a VM until OK or Cancel; a new VM is dropped on
 * Cancel. */
static enum action
edit_vm(struct tui *t, int vm)
{
    struct field_rows f = { .n = 0 };
    bool added = vm < 0;
    enum action a;
    char *name;

    if (added) {
        vm = wizard_add_vm(t->w, NULL, t->d);
    }
    name = xstrdup(t->w->intent.vms[vm].name);
    load_fields(t, &f, SCREEN_VMS, vm);
    *t->status = '\0';
    open_screen(t, SCREEN_VMS);     /* Behind the dialog. */
    do {
        a = vm_dialog(t, vm, &f, &name);
        if (a == ACT_REDRAW) {
            newtPopWindow();
            open_screen(t, SCREEN_VMS);
        }
    } while (a == ACT_STAY || a == ACT_REDRAW);
    newtPopWindow();
    if (a == ACT_BACK && added) {
        wizard_remove_vm(t->w, vm);
    } else {
        t->last_vm = vm;
    }
    free_fields(&f);
    free(name);
    *t->status = '\0';
    return a == ACT_QUIT ? ACT_QUIT : ACT_STAY;
}

/* 4. VMs: the list, or "nova places the VMs". */
static enum action
vms_screen(struct tui *t)
{
    static const char *const labels[] = { "Next", "Back", "Add", "Edit",
                                          "Remove" };
    const struct question *q_role = question_find("setup", "role");
    newtComponent form, role, list, buttons[5];
    struct newtExitStruct es;
    enum action a;
    int pick, vm;

    open_screen(t, SCREEN_VMS);
    form = newtForm(NULL, NULL, 0);
    role = newtCheckbox(1, 0, "OpenStack compute node (nova places the VMs: "
                        "no list)", t->w->openstack ? '*' : ' ', NULL,
                        NULL);
    newtFormAddComponent(form, newtLabel(1, 2, "VMs to plan (Add, or Edit "
                                         "the highlighted one):"));
    list = newtListbox(1, 3, t->height - 9, NEWT_FLAG_SCROLL);
    for (int v = 0; v < t->w->intent.n_vms; v++) {
        char *line = wizard_vm_line(t->w, v);
        newtListboxAppendEntry(list, line, (void *) (intptr_t) (v + 1));
        free(line);
    }
    if (!t->w->intent.n_vms) {
        newtListboxAppendEntry(list, "(none yet: Add one, or Next for "
                               "none)", NULL);
    } else {
        newtListboxSetCurrent(list, MIN(t->last_vm, t->w->intent.n_vms - 1));
    }
    newtListboxSetWidth(list, t->width - 4);
    newtFormAddComponents(form, role, list, status_line(t), NULL);
    button_row(t, form, labels, buttons, 5);
    newtFormSetCurrent(form, buttons[0]);
    a = run_form(form, &es);
    pick = pressed(&es, buttons, 5);
    vm = (int) (intptr_t) newtListboxGetCurrent(list) - 1;
    if (a == ACT_STAY) {
        *t->status = '\0';
        answer(t, q_role, 0, newtCheckboxGetValue(role) == '*'
                             ? "openstack" : "homelab");
    }
    close_screen(form);
    if (a != ACT_STAY) {
        return a;
    }
    switch (pick) {
    case 0:
        return ACT_NEXT;
    case 1:
        return ACT_BACK;
    case 2:
        return edit_vm(t, -1);
    case 3:
        return vm >= 0 ? edit_vm(t, vm) : ACT_STAY;
    default:
        if (vm >= 0) {
            wizard_remove_vm(t->w, vm);
        }
        return ACT_STAY;
    }
}

/* A window the size of the screen's, over it, with 'text' and one
 * button; ACT_NEXT when it is pressed.  (newt draws a text box in a
 * window opened inside another one without that window's right border.) */
static enum action
message_box(struct tui *t, const char *title, const char *text,
            const char *button)
{
    int w = t->width, h = t->height;
    newtComponent form, tb, b;
    struct newtExitStruct es;
    enum action a;

    newtOpenWindow(2, 2, w, h, title);
    form = newtForm(NULL, NULL, 0);
    tb = newtTextbox(1, 0, w - SCROLL_W, h - 2, NEWT_FLAG_SCROLL);
    set_text(tb, text, w - SCROLL_W);
    b = newtCompactButton(1, h - 1, button);
    newtFormAddComponents(form, tb, b, NULL);
    newtFormSetCurrent(form, b);
    a = run_form(form, &es);
    newtFormDestroy(form);
    newtPopWindow();
    return a == ACT_STAY ? ACT_NEXT : a;
}

static int
pool_color(enum pool pool)
{
    static const int by_pool[N_POOLS] = {
        [POOL_NONE] = COLOR_OFFLINE,
        [POOL_HOUSEKEEPING] = COLOR_HOUSEKEEPING,
        [POOL_PMD] = COLOR_PMD,
        [POOL_EMULATOR] = COLOR_EMULATOR,
        [POOL_GUEST] = COLOR_GUEST,
        [POOL_IDLE] = COLOR_IDLE,
    };
    return NEWT_COLORSET_CUSTOM(by_pool[pool]);
}

static int
pu_color(const struct plan *p, int pu)
{
    if (!hwloc_bitmap_isset(p->topo->usable, pu)) {
        return pool_color(POOL_NONE);
    }
    return (plan_vm_of(p, pu) ? NEWT_COLORSET_CUSTOM(COLOR_VM)
            : pool_color(plan_pool_of(p, pu)));
}

static newtComponent
colored(int x, int y, const char *text, int colorset)
{
    newtComponent l = newtLabel(x, y, text);

    newtLabelSetColors(l, colorset);
    return l;
}

/* Draws one core ("[ 2 1  8 1]") at x, y; returns its width. */
static int
draw_core(newtComponent form, const struct plan *p, const struct nfv_core *c,
          int x, int y, int width)
{
    int x0 = x, pu;

    newtFormAddComponent(form, newtLabel(x++, y, "["));
    hwloc_bitmap_foreach_begin(pu, c->hw_pus) {
        char text[16];
        snprintf(text, sizeof text, "%*d %c", width, pu,
                 emit_pu_letter(p, pu));
        if (pu != hwloc_bitmap_first(c->hw_pus)) {
            x++;
        }
        newtFormAddComponent(form, colored(x, y, text, pu_color(p, pu)));
        x += strlen(text);
    } hwloc_bitmap_foreach_end();
    newtFormAddComponent(form, newtLabel(x++, y, "]"));
    return x - x0;
}

/* The coloured picture from row 'y'; returns the rows used, at most
 * 'max_rows' (then the last one says the rest is under Details). */
static int
draw_picture(struct tui *t, newtComponent form, int y, int max_rows)
{
    const struct plan *p = &t->w->plan;
    int last = hwloc_bitmap_last(p->topo->all_pus);
    int width = last >= 100 ? 3 : last >= 10 ? 2 : 1;
    int core_w = 2 + t->w->topo.smt * (width + 3) - 1;
    int per_row = (t->width - 6) / (core_w + 1);
    int row = 0;

    per_row = per_row < 1 ? 1 : per_row;
    for (int s = 0; s < p->n_numas && row < max_rows; s++) {
        add_label(t, form, 1, y + row++, emit_numa_caption(p, &p->numas[s]));
        for (int l = 0; l < p->topo->n_l3s && row < max_rows; l++) {
            int n = 0, x = 0;

            if (p->topo->l3s[l].numa != p->numas[s].os_index) {
                continue;
            }
            for (int i = 0; i < p->topo->n_cores && row < max_rows; i++) {
                if (p->topo->cores[i].l3 != l) {
                    continue;
                }
                if (n % per_row == 0) {
                    char l3[16];
                    snprintf(l3, sizeof l3, n ? "" : "L3 #%d", l);
                    newtFormAddComponent(form, newtLabel(3, y + row, l3));
                    x = 10;
                    row++;
                }
                x += draw_core(form, p, &p->topo->cores[i], x, y + row - 1,
                               width) + 1;
                n++;
            }
        }
    }
    if (row >= max_rows) {
        newtFormAddComponent(form, newtLabel(1, y + max_rows - 1,
                                             "... more under Details"));
    }
    return row;
}

/* One line per pool (letter, name, CPUs, what it is for), then the VMs'
 * letters; returns the rows used (and only counts them when 'form' is
 * NULL). */
static int
draw_legend(struct tui *t, newtComponent form, int y)
{
    const struct plan *p = &t->w->plan;
    int row = 0, x = 1;

    if (!form) {
        for (int v = 0; v < p->n_vms; v++) {
            int w = 6 + strlen(p->vms[v].intent->name);
            if (x + w - 1 > t->width - 2) {
                x = 1;
                row++;
            }
            x += w;
        }
        return N_POOLS - POOL_HOUSEKEEPING + row + (p->n_vms ? 1 : 0);
    }

    for (int i = POOL_HOUSEKEEPING; i < N_POOLS; i++) {
        char *list = cpulist_format(p->pool[i]);
        char *text = xasprintf("%-12s %s: %s", pool_name(i),
                               *list ? list : "-", pool_purpose(i));
        char letter[4] = { ' ', emit_pool_letter(i), ' ', '\0' };

        newtFormAddComponent(form, colored(1, y + row, letter,
                                           pool_color(i)));
        if ((int) strlen(text) > t->width - 6) {
            text[t->width - 6] = '\0';
        }
        newtFormAddComponent(form, newtLabel(5, y + row++, text));
        free(list);
        free(text);
    }
    for (int v = 0; v < p->n_vms; v++) {
        const char *name = p->vms[v].intent->name;
        char letter[4];

        if (!p->vms[v].vcpupin) {
            continue;   /* cpu_policy shared: no CPU of its own to draw. */
        }
        if (x + 5 + (int) strlen(name) > t->width - 2) {
            x = 1;
            row++;
        }
        snprintf(letter, sizeof letter, " %c ",
                 emit_pu_letter(p, p->vms[v].vcpupin[0]));
        newtFormAddComponent(form, colored(x, y + row, letter,
                                           NEWT_COLORSET_CUSTOM(COLOR_VM)));
        newtFormAddComponent(form, newtLabel(x + 4, y + row, name));
        x += 6 + strlen(name);
    }
    return row + (p->n_vms ? 1 : 0);
}

static void
save_picture(struct tui *t)
{
    static const char *const labels[] = { "Save", "Cancel" };
    newtComponent form, entry, buttons[2];
    struct newtExitStruct es;
    char *svg, *path;
    int error;

    newtCenteredWindow(60, 4, "Save picture (SVG)");
    form = newtForm(NULL, NULL, 0);
    newtFormAddComponent(form, newtLabel(1, 0, "File:"));
    entry = newtEntry(7, 0, "nfvhost-plan.svg", 50, NULL,
                      NEWT_FLAG_SCROLL | NEWT_FLAG_RETURNEXIT);
    newtFormAddComponent(form, entry);
    for (int i = 0; i < 2; i++) {
        buttons[i] = newtCompactButton(1 + 10 * i, 3, labels[i]);
        newtFormAddComponent(form, buttons[i]);
    }
    if (run_form(form, &es) == ACT_STAY && pressed(&es, buttons, 2) == 0) {
        path = xstrdup(newtEntryGetValue(entry));
        svg = emit_svg(&t->w->plan);
        error = write_file_atomic(path, svg, 0644);
        if (error) {
            set_status(t, "Save picture: %s: %s", path, strerror(-error));
        } else {
            set_status(t, "Wrote the picture to %s", path);
        }
        free(svg);
        free(path);
    }
    newtFormDestroy(form);
    newtPopWindow();
}

/* "Uplink 0000:03:00.0 (node 0); VFs from 0000:03:00.1". */
static char *
uplinks_line(const struct wizard *w)
{
    struct sbuf b;

    sbuf_init(&b);
    sbuf_puts(&b, w->plan.n_uplinks ? "Uplink" : "No uplink");
    for (int i = 0; i < w->plan.n_uplinks; i++) {
        sbuf_printf(&b, "%s %s (node %d)", i ? "," : "",
                    w->plan.uplinks[i].nic->pci, w->plan.uplinks[i].numa);
    }
    if (w->sriov_pf) {
        sbuf_printf(&b, "; VFs from %s", w->sriov_pf);
    }
    return sbuf_steal(&b);
}

/* 5. Plan: plan the answers and show it; a plan that does not fit sends
 * the user to the screen that can fix it ('*next'). */
static enum action
plan_screen(struct tui *t, enum wizard_screen *next)
{
    static const char *const labels[] = { "Next", "Back", "Details",
                                          "Save picture" };
    struct wizard *w = t->w;
    newtComponent form, buttons[4];
    struct newtExitStruct es;
    enum action a;
    int y, pick;

    if (!w->plan_ok && wizard_plan(w)) {
        char *title = xasprintf("The plan does not fit: back to %s",
                                screen_name(w->fix_screen));
        char *button = xasprintf("Back to %s", screen_name(w->fix_screen));
        newtCls();
        draw_root(SCREEN_PLAN);
        a = message_box(t, title, w->plan_diag.msg, button);
        free(title);
        free(button);
        *next = w->fix_screen;
        return a == ACT_NEXT ? ACT_BACK : a;
    }
    open_screen(t, SCREEN_PLAN);
    form = newtForm(NULL, NULL, 0);
    /* Below the picture: a blank line, the legend, the status lines and
     * the buttons. */
    y = draw_picture(t, form, 0, t->height - 6 - draw_legend(t, NULL, 0));
    add_label(t, form, 1, y, uplinks_line(w));
    draw_legend(t, form, y + 2);
    if (w->plan_diag.n_warnings && !*t->status) {
        set_status(t, "%zu warning(s), under Details: %s",
                   w->plan_diag.n_warnings, w->plan_diag.warnings[0]);
    }
    newtFormAddComponent(form, status_line(t));
    button_row(t, form, labels, buttons, 4);
    newtFormSetCurrent(form, buttons[0]);
    a = run_form(form, &es);
    pick = pressed(&es, buttons, 4);
    close_screen(form);
    *next = SCREEN_PLAN;
    if (a != ACT_STAY) {
        return a;
    }
    *t->status = '\0';
    if (pick == 2) {
        char *text = emit_summary(&w->plan, false);
        a = message_box(t, "The plan in full", text, "Close");
        free(text);
        return a == ACT_NEXT ? ACT_STAY : a;
    } else if (pick == 3) {
        save_picture(t);
        return ACT_STAY;
    }
    return pick == 1 ? ACT_BACK : ACT_NEXT;
}

/* 'nfvhost apply --dry-run' of the plan, computed again only when the
 * answers changed. */
static const char *
preview(struct tui *t)
{
    if (!t->preview || t->preview_at != t->w->changes) {
        free(t->preview);
        t->preview = wizard_apply_preview(t->w);
        t->preview_at = t->w->changes;
    }
    return t->preview;
}

/* 6. Review: the files to be written and what applying them would change;
 * Write only (the default), Write and apply (as root), or Back. */
static enum action
review_screen(struct tui *t)
{
    static const char *const labels[] = { "Write only", "Write and apply",
                                          "Back" };
    char *files = wizard_files_text(t->w);
    enum action a;
    struct diag d;
    char *text;
    int pick;

    /* One paragraph of files, so that the dry run starts on screen. */
    for (char *nl = strchr(files, '\n'); nl; nl = strchr(nl, '\n')) {
        *nl = ' ';
    }
    text = xasprintf("Write only writes these files and changes nothing on "
                     "this host: %s\n\nWrite and apply then applies the "
                     "plan ('nfvhost apply', as root); its dry run (Tab to "
                     "it to scroll):\n%s", files, preview(t));

    a = text_screen(t, SCREEN_REVIEW, text, labels, 3, &pick);
    free(files);
    free(text);
    if (a != ACT_STAY) {
        return a;
    }
    if (pick == 2) {
        return ACT_BACK;
    }
    if (pick == 1 && geteuid()) {
        set_status(t, "Write and apply changes this host: it needs root. "
                   "Write only, then: sudo nfvhost apply --plan %s/plan.json",
                   t->w->opts.output);
        return ACT_STAY;
    }
    diag_init(&d);
    if (wizard_write(t->w, &d)) {
        set_status(t, "Write: %s", d.msg);
        a = ACT_STAY;
    } else {
        t->apply = pick == 1;
        a = ACT_NEXT;
    }
    diag_destroy(&d);
    return a;
}

/* Runs one screen; 'next' is where to go on ACT_NEXT/ACT_BACK. */
static enum action
run_screen(struct tui *t, enum wizard_screen s, struct field_rows *host,
           enum wizard_screen *next)
{
    enum action a;

    *next = s;
    switch (s) {
    case SCREEN_MACHINE:
        return machine_screen(t);
    case SCREEN_UPLINK:
        return uplink_screen(t);
    case SCREEN_HOST:
        return host_screen(t, host);
    case SCREEN_VMS:
        return vms_screen(t);
    case SCREEN_PLAN:
        a = plan_screen(t, next);
        return a;
    case SCREEN_REVIEW:
    case N_SCREENS:
    default:
        return review_screen(t);
    }
}

int
tui_run(struct wizard *w, struct diag *d)
{
    struct tui t = { .w = w, .d = d };
    struct field_rows host = { .n = 0 };
    enum wizard_screen s = SCREEN_MACHINE, next;
    enum action a = ACT_STAY;
    bool written = false;

    catch_signals();
    newtInit();
    watch_terminal_start();
    set_colors();
    newtPushHelpLine(" Enter: next, taking the defaults   Tab: move   "
                     "Space: mark   Ctrl-C: quit");
    load_fields(&t, &host, SCREEN_HOST, -1);
    while (!written && a != ACT_QUIT) {
        a = run_screen(&t, s, &host, &next);
        if (a == ACT_NEXT) {
            written = s == SCREEN_REVIEW;
            s++;
        } else if (a == ACT_BACK) {
            s = next != s ? next : s - 1;
        }
        if (s == SCREEN_HOST && a != ACT_STAY && a != ACT_REDRAW) {
            load_fields(&t, &host, SCREEN_HOST, -1);
        }
    }
    newtPopHelpLine();
    watch_terminal_stop();
    newtFinished();
    release_signals();
    free_fields(&host);
    free(t.preview);
    if (!written) {
        return diag_error(d, SETUP_STOPPED, "setup stopped: nothing "
                          "written");
    }
    plain_written(w, stdout);
    if (t.apply) {
        printf("\n");
        fflush(stdout);
        return wizard_apply(w, stdout, d);
    }
    return 0;
}
