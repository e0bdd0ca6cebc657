/* run.c: the traffic tools end to end (see run.h). */
#include <config.h>

#include "vhost/run.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "vhost/pin.h"
#include "vhost/pkt.h"
#include "vhost/report.h"
#include "vhost/tap.h"

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
    (void) sig;
    stop_requested = 1;
}

/* Without SA_RESTART: a signal ends the blocking call it lands in, and
 * every wait checks the flag and its remaining time. */
static void
catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Pins the polling thread (the caller's) and catches signals. */
static int
prepare(const struct vhost_tool_opts *c, struct diag *d)
{
    hwloc_bitmap_t cpus = xbitmap();
    int status = pin_choose(c->cores, c->plan, c->force, cpus, d);

    if (!status) {
        status = pin_self(cpus, 0, d);
    }
    hwloc_bitmap_free(cpus);
    stop_requested = 0;
    catch_signals();
    return status;
}

static void
tool_opts_init(struct vhost_tool_opts *c, uint16_t ring_size)
{
    memset(c, 0, sizeof *c);
    c->connect_timeout = 10;
    c->ring_size = ring_size;
    c->queues = 1;
}

void
vhost_bench_opts_init(struct vhost_bench_opts *o)
{
    memset(o, 0, sizeof *o);
    tool_opts_init(&o->c, 1024);
    o->frame_size = PKT_MIN_SIZE;
    o->flows = 1;
}

void
vhost_loop_opts_init(struct vhost_loop_opts *o)
{
    memset(o, 0, sizeof *o);
    tool_opts_init(&o->c, 1024);
    o->burst = BENCH_BURST;
}

void
vhost_tap_opts_init(struct vhost_tap_opts *o)
{
    memset(o, 0, sizeof *o);
    tool_opts_init(&o->c, 256);
}

static struct vhost_opts
dev_opts(const struct vhost_tool_opts *c, const char *path)
{
    struct vhost_opts vo = {
        .path = path, .server = c->server, .ring_size = c->ring_size,
        .pages = c->pages, .queue_pairs = c->queues, .layout = c->layout,
        .stop = &stop_requested,
    };

    return vo;
}

static int
timeout_ms(const struct vhost_tool_opts *c)
{
    return (int) (c->connect_timeout * 1000);
}

/* Creates and connects a device for 'path'. */
static struct vhost_dev *
open_dev(const struct vhost_tool_opts *c, const char *path, struct diag *d)
{
    struct vhost_opts vo = dev_opts(c, path);
    struct vhost_dev *dev = vhost_dev_create(&vo, d);

    if (dev && vhost_dev_connect(dev, timeout_ms(c), d)) {
        vhost_dev_destroy(dev);
        return NULL;
    }
    return dev;
}

static int
interrupted(struct diag *d, const char *what)
{
    return diag_error(d, NFV_ESYSTEM, "interrupted by a signal %s", what);
}

/* Warm-up, then the trial or the search, then the report. */
static int
bench_measure(const struct vhost_bench_opts *o, const struct bench_cfg *cfg,
              struct diag *d)
{
    struct bench_search *s = NULL;
    struct bench_trial t;
    uint64_t warmup = 0;
    int status;

    if ((status = bench_warmup(cfg, o->c.connect_timeout, &warmup, d))) {
        return status;
    }
    if (o->search) {
        s = xcalloc(1, sizeof *s);
        bench_search_init(s, o->kind);
        if (o->loss_pct) {
            s->loss_pct = o->loss_pct;
        }
        if (o->precision_pct) {
            s->precision_pct = o->precision_pct;
        }
        status = bench_search(cfg, s, d);
    } else {
        status = bench_trial(cfg, o->rate, &t, d);
    }
    if (!status) {
        report_bench(o, cfg, &t, s, warmup);
        if (s ? s->interrupted : t.interrupted) {
            status = interrupted(d, s ? "during the search (results so far "
                                        "above)"
                                      : "during the trial (results so far "
                                        "above)");
        }
    }
    free(s);
    return status;
}

int
vhost_bench_run(const struct vhost_bench_opts *o, struct diag *d)
{
    struct vhost_dev *tx = NULL, *rx = NULL;
    int status = prepare(&o->c, d);

    if (!status && (tx = open_dev(&o->c, o->tx, d))) {
        /* The same socket twice: one device sends and receives. */
        rx = strcmp(o->tx, o->rx) ? open_dev(&o->c, o->rx, d) : tx;
    }
    if (rx) {
        struct bench_cfg cfg = {
            .tx = tx, .rx = rx, .frame_size = o->frame_size,
            .flows = o->flows, .drain = BENCH_DRAIN, .burst = BENCH_BURST,
            .duration = o->c.duration ? o->c.duration
                        : o->search ? BENCH_SEARCH_DURATION : BENCH_DURATION,
            .progress = stderr, .tx_only = o->tx_only,
            .stop = &stop_requested, .sleep_idle = o->sleep_idle,
        };

        status = bench_measure(o, &cfg, d);
        vhost_dev_stop(tx);
        if (rx != tx) {
            vhost_dev_stop(rx);
        }
    }
    if (rx != tx) {
        vhost_dev_destroy(rx);
    }
    vhost_dev_destroy(tx);
    return status ? status : d->status;
}

int
vhost_loop_run(const struct vhost_loop_opts *o, struct diag *d)
{
    struct vhost_opts a = dev_opts(&o->c, o->paths[0]);
    struct vhost_opts b = dev_opts(&o->c, o->paths[1]);
    struct loop_pair pair;
    int status;

    memset(&pair, 0, sizeof pair);
    pair.mem.fd = -1;
    if (!(status = prepare(&o->c, d))
        && !(status = loop_pair_open(&pair, &a, &b, o->copy, timeout_ms(&o->c),
                                     d))) {
        struct loop_cfg cfg = {
            .pair = &pair, .duration = o->c.duration, .burst = o->burst,
            .stop = &stop_requested, .tx_first = o->tx_first,
            .count_cycles = o->cycles,
        };
        struct loop_stats st;

        if (!o->c.json) {
            fprintf(stderr, "nfvhost vhost loop: forwarding between %s and "
                    "%s (%s)\n", o->paths[0], o->paths[1],
                    pair.zero_copy ? "zero-copy" : "copying");
        }
        loop_run(&cfg, &st);
        report_loop(o, &pair, &st);
    }
    loop_pair_close(&pair);
    return status;
}

int
vhost_tap_run(const struct vhost_tap_opts *o, struct diag *d)
{
    struct vhost_dev *dev = NULL;
    char ifname[32];
    int status, fd = -1;

    if (!(status = prepare(&o->c, d))
        && (fd = tap_open(o->netns, o->name, ifname, sizeof ifname, d)) >= 0
        && (dev = open_dev(&o->c, o->path, d))) {
        struct tap_stats st;

        fprintf(stderr, "nfvhost vhost tap: %s <-> %s%s%s\n", o->path,
                ifname, o->netns ? " in " : "", o->netns ? o->netns : "");
        tap_run(dev, fd, o->c.duration, &stop_requested, &st);
        vhost_dev_stop(dev);
        report_tap(o, ifname, &st);
    }
    if (fd >= 0) {
        close(fd);
    }
    vhost_dev_destroy(dev);
    return status ? status : d->status;
}
