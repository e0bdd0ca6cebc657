/* check.c: running the layers of 'nfvhost check' (see check.h). */
#include <config.h>

#include "check/check.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "check/context.h"
#include "check/loss.h"
#include "lib/util.h"

static const char *const layer_names[CHECK_N_LAYERS] = {
    "kernel", "irq", "memory", "nic", "ovs", "vm", "loss",
};

/* The layers that compare with a plan and have nothing to say without
 * one. */
#define PLAN_ONLY ((1u << CHECK_IRQ) | (1u << CHECK_NIC) | (1u << CHECK_VM))

void
check_opts_init(struct check_opts *o)
{
    memset(o, 0, sizeof *o);
    o->root = "";
    o->layers = CHECK_ALL_LAYERS;
    o->window_s = CHECK_DEFAULT_WINDOW_S;
}

const char *
check_layer_name(enum check_layer l)
{
    return layer_names[l];
}

int
check_parse_layers(const char *list, unsigned *layers, struct diag *d)
{
    char *copy = xstrdup(list), *save = NULL;
    int error = 0;

    *layers = 0;
    for (char *w = strtok_r(copy, ",", &save); w && !error;
         w = strtok_r(NULL, ",", &save)) {
        int i;
        for (i = 0; i < CHECK_N_LAYERS; i++) {
            if (!strcmp(w, layer_names[i])) {
                *layers |= 1u << i;
                break;
            }
        }
        if (i == CHECK_N_LAYERS) {
            error = diag_error(d, NFV_EINPUT, "--only %s: unknown layer "
                               "'%s' (layers: kernel, irq, memory, nic, ovs, "
                               "vm, loss)", list, w);
        }
    }
    if (!error && !*layers) {
        error = diag_error(d, NFV_EINPUT, "--only '%s': no layer named",
                           list);
    }
    free(copy);
    return error;
}

static void
sleep_until(double t)
{
    double left = t - ctx_now();

    if (left > 0) {
        struct timespec ts = { (time_t) left,
                               (long) ((left - floor(left)) * 1e9) };
        while (nanosleep(&ts, &ts) && errno == EINTR) {
            continue;
        }
    }
}

static void (*const static_layers[])(struct check_ctx *) = {
    [CHECK_KERNEL] = check_kernel,
    [CHECK_IRQ] = check_irq,
    [CHECK_MEMORY] = check_memory,
    [CHECK_NIC] = check_nic,
    [CHECK_OVS] = check_ovs,
    [CHECK_VM] = check_vm,
};

int
check_run(const struct check_opts *o, struct check_report *r,
          struct diag *d)
{
    struct check_ctx ctx;
    struct loss_state *loss = NULL;
    struct stat st;
    double start = ctx_now();
    unsigned skipped = 0;

    if (o->root && o->root[0]
        && (stat(o->root, &st) || !S_ISDIR(st.st_mode))) {
        return diag_error(d, NFV_EINPUT, "--sysfs-root %s: not a directory",
                          o->root);
    }
    ctx_init(&ctx, o, r);
    /* The loss window starts first and runs while the other layers
     * read the host, so a whole check takes about the window. */
    if (o->layers & (1u << CHECK_LOSS)) {
        loss = loss_begin(&ctx, true);
    }
    for (int i = 0; i < CHECK_LOSS; i++) {
        if (!(o->layers & (1u << i))) {
            continue;
        }
        if (!o->plan && (PLAN_ONLY & (1u << i))) {
            skipped |= 1u << i;
            continue;
        }
        static_layers[i](&ctx);
    }
    if (loss) {
        sleep_until(start + o->window_s);
        loss_next(loss, &ctx);
        loss_end(loss);
    }
    if (!o->plan) {
        check_note(r, "no plan: only what needs none was checked (IOMMU, "
                   "kernel settings, hugepages mounted, OVS-DPDK up, "
                   "drops)%s; --plan PLAN.json checks the host against "
                   "the plan", skipped ? ", the irq, nic and vm layers not "
                   "at all" : "");
    }
    ctx_destroy(&ctx);
    return 0;
}

struct check_watch {
    struct check_ctx ctx;
    struct check_report first;  /* Where loss_begin() may report. */
    struct loss_state *loss;
};

struct check_watch *
check_watch_begin(const struct check_opts *o)
{
    struct check_watch *w = xcalloc(1, sizeof *w);

    check_report_init(&w->first);
    ctx_init(&w->ctx, o, &w->first);
    w->loss = loss_begin(&w->ctx, false);
    return w;
}

void
check_watch_next(struct check_watch *w, struct check_report *r)
{
    for (size_t i = 0; i < w->first.n; i++) {
        const struct check_finding *f = &w->first.findings[i];
        check_add(r, f->level, f->id, f->subject, f->what, f->found,
                  f->want, f->fix);
    }
    check_report_destroy(&w->first);
    w->ctx.r = r;
    loss_next(w->loss, &w->ctx);
}

void
check_watch_end(struct check_watch *w)
{
    if (w) {
        loss_end(w->loss);
        ctx_destroy(&w->ctx);
        check_report_destroy(&w->first);
        free(w);
    }
}
