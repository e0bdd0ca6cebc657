/* bench.c: paced generator, receiver, RFC 2544 search (see bench.h). */
#include <config.h>

#include "vhost/bench.h"

#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "vhost/frontend.h"
#include "vhost/pkt.h"
#include "vhost/report.h"

/* Latency histogram: exact below 64 ns, then 32 buckets per power of
 * two (about 3 % resolution) up to 2^40 ns. */
#define HIST_SUB 32
#define HIST_BUCKETS (64 + 35 * HIST_SUB)

struct hist {
    uint64_t count[HIST_BUCKETS];
    uint64_t n, sum, min, max;
};

#define TAG_SHIFT 48                    /* Trial tag: bits 48-63. */
#define QUEUE_SHIFT 40                  /* Queue pair: bits 40-47. */
#define MAX_QUEUES 128
#define SEQ_MASK ((1ULL << QUEUE_SHIFT) - 1)

struct run {
    const struct bench_cfg *cfg;
    struct bench_trial *t;
    struct pkt_template tpl;
    uint64_t tag;
    uint64_t next_expected[MAX_QUEUES];     /* Per queue pair: frames on
                                             * different queues may pass
                                             * each other legitimately. */
    uint64_t sent_q[MAX_QUEUES];
    uint16_t next_q;                        /* Round robin over tx queues. */
    struct hist *h;
    uint16_t flow;
};

static int
hist_index(uint64_t v)
{
    int b, idx;

    if (v < 64) {
        return v;
    }
    b = 63 - __builtin_clzll(v);
    idx = 64 + (b - 6) * HIST_SUB + (int) ((v >> (b - 5)) - HIST_SUB);
    return idx < HIST_BUCKETS ? idx : HIST_BUCKETS - 1;
}

/* The largest value that falls into bucket 'idx'. */
static uint64_t
hist_value(int idx)
{
    int b, m;

    if (idx < 64) {
        return idx;
    }
    b = (idx - 64) / HIST_SUB + 6;
    m = (idx - 64) % HIST_SUB + HIST_SUB;
    return ((uint64_t) (m + 1) << (b - 5)) - 1;
}

static void
hist_add(struct hist *h, uint64_t v)
{
    h->count[hist_index(v)]++;
    if (!h->n || v < h->min) {
        h->min = v;
    }
    if (v > h->max) {
        h->max = v;
    }
    h->n++;
    h->sum += v;
}

static double
hist_percentile(const struct hist *h, double p)
{
    uint64_t rank = (uint64_t) ceil(p / 100.0 * h->n), seen = 0;

    if (!rank) {
        rank = 1;
    }
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += h->count[i];
        if (seen >= rank) {
            uint64_t v = hist_value(i);
            return v > h->max ? h->max : v;
        }
    }
    return h->max;
}

static void
latency_summary(const struct hist *h, struct bench_latency *l)
{
    memset(l, 0, sizeof *l);
    l->samples = h->n;
    if (!h->n) {
        return;
    }
    l->min = h->min / 1e3;
    l->max = h->max / 1e3;
    l->mean = (double) h->sum / h->n / 1e3;
    l->p50 = hist_percentile(h, 50) / 1e3;
    l->p99 = hist_percentile(h, 99) / 1e3;
    l->p999 = hist_percentile(h, 99.9) / 1e3;
}

/* Sends up to 'n' frames; returns how many found room. */
static uint32_t
tx_burst(struct run *r, uint64_t now, uint32_t n)
{
    uint16_t qi = r->next_q;
    struct virtq *q = &r->cfg->tx->txq[qi];
    uint32_t sent = 0;

    r->next_q = (qi + 1) % r->cfg->tx->n_qp;

    if (virtq_tx_reclaim(q) < 0) {
        vhost_dev_lost(r->cfg->tx, q->why.msg);
        return 0;
    }
    for (; sent < n; sent++) {
        uint8_t *slot = virtq_tx_slot(q);

        if (!slot) {
            break;
        }
        pkt_stamp(slot, &r->tpl, (r->tag << TAG_SHIFT)
                  | ((uint64_t) qi << QUEUE_SHIFT) | r->sent_q[qi]++, now,
                  r->flow);
        if (++r->flow >= r->cfg->flows) {
            r->flow = 0;
        }
        virtq_tx_put(q, slot, r->tpl.len);
        r->t->sent++;
    }
    virtq_flush(q);
    return sent;
}

/* Counts the frames of one poll. */
static void
rx_count(struct run *r, const struct virtq_pkt *pkts, int n)
{
    uint64_t now = vhost_now_ns();

    for (int i = 0; i < n; i++) {
        uint64_t seq, ts, sq;

        if (!pkt_parse(pkts[i].data, pkts[i].len, &seq, &ts)
            || seq >> TAG_SHIFT != r->tag
            || (sq = (seq >> QUEUE_SHIFT) & 0xff) >= r->cfg->tx->n_qp) {
            r->t->foreign++;
            continue;
        }
        seq &= SEQ_MASK;
        r->t->received++;
        if (seq < r->next_expected[sq]) {
            r->t->reordered++;
        } else {
            r->next_expected[sq] = seq + 1;
        }
        if (ts <= now) {
            hist_add(r->h, now - ts);
        }
    }
}

/* Receives what rx queue 'qi' holds, up to every buffer the device had
 * when the poll began: when it had used them all, it had nowhere to put
 * a further frame and may have dropped some (its tx drops to this port),
 * which 'rx_ring_dry' counts, so that a loss can be told apart from the
 * front-end's. */
static void
rx_queue_burst(struct run *r, uint16_t qi)
{
    struct virtq *q = &r->cfg->rx->rxq[qi];
    uint16_t posted = virtq_in_flight(q);
    unsigned int got = 0;
    struct virtq_pkt pkts[64];
    int n;

    do {
        n = virtq_rx_poll(q, pkts, 64);
        if (n < 0) {
            vhost_dev_lost(r->cfg->rx, q->why.msg);
            return;
        }
        rx_count(r, pkts, n);
        got += n;
    } while (n == 64 && got < posted);
    if (!got) {
        return;
    }
    if (got == posted) {
        r->t->rx_ring_dry++;
    }
    virtq_rx_refill(q);
}

static void
rx_burst(struct run *r)
{
    if (r->cfg->tx_only) {
        return;
    }
    for (uint16_t qi = 0; qi < r->cfg->rx->n_qp; qi++) {
        rx_queue_burst(r, qi);
        if (!vhost_dev_connected(r->cfg->rx)) {
            return;
        }
    }
}

/* Takes back used tx buffers on every queue; false if the device broke
 * a ring (it is then lost). */
static bool
tx_reclaim_all(struct vhost_dev *dev)
{
    for (uint16_t qi = 0; qi < dev->n_qp; qi++) {
        if (virtq_tx_reclaim(&dev->txq[qi]) < 0) {
            vhost_dev_lost(dev, dev->txq[qi].why.msg);
            return false;
        }
    }
    return true;
}

/* Buffers of all tx queues still with the device. */
static unsigned int
tx_in_flight(const struct vhost_dev *dev)
{
    unsigned int n = 0;

    for (uint16_t qi = 0; qi < dev->n_qp; qi++) {
        n += virtq_in_flight(&dev->txq[qi]);
    }
    return n;
}

static void
finish(const struct bench_cfg *cfg, struct bench_trial *t,
       const struct hist *h)
{
    double bits;

    if (t->rate <= 0 || cfg->tx_only) {
        t->offered = t->sent;
    }
    if (cfg->tx_only) {
        t->received = t->sent;  /* Not measured: no loss to report. */
    }
    bits = (double) t->received * cfg->frame_size * 8;
    t->loss_pct = t->offered && t->received < t->offered
                  ? 100.0 * (t->offered - t->received) / t->offered : 0;
    if (t->elapsed > 0) {
        t->tx_pps = t->sent / t->elapsed;
        t->rx_pps = t->received / t->elapsed;
        t->gbps_l2 = bits / t->elapsed / 1e9;
        t->gbps_l1 = (bits + t->received * 20.0 * 8) / t->elapsed / 1e9;
    }
    latency_summary(h, &t->lat);
}

/* --sleep-idle: sleeps until 'when' (CLOCK_MONOTONIC ns), if that is
 * later than 'now'.  Timer slack is cut to 1 ns once, or the kernel may
 * wake us up to 50 us late (its default) and the schedule would slip. */
static void
sleep_until(uint64_t when, uint64_t now)
{
    static bool slack_set;
    struct timespec ts = {
        .tv_sec = when / 1000000000ULL,
        .tv_nsec = when % 1000000000ULL,
    };

    if (when <= now) {
        return;
    }
    if (!slack_set) {
        prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
        slack_set = true;
    }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static bool
stopped(const struct bench_cfg *cfg)
{
    return cfg->stop && *cfg->stop;
}

void
bench_search_init(struct bench_search *s, enum bench_search_kind kind)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->loss_pct = kind == BENCH_NDR ? BENCH_NDR_LOSS_PCT : BENCH_PDR_LOSS_PCT;
    s->precision_pct = BENCH_PRECISION_PCT;
    s->best = -1;
}

int
bench_trial(const struct bench_cfg *cfg, double rate, struct bench_trial *t,
            struct diag *d)
{
    static uint64_t tag;
    static struct hist h;
    struct pkt_flow flow;
    struct run r = { .cfg = cfg, .t = t, .h = &h };
    uint64_t start, end, stop, now, slipped = 0;
    uint64_t backlog_max = cfg->tx->txq[0].num;
    uint32_t burst = cfg->burst ? cfg->burst : BENCH_BURST;

    unsigned int connects = cfg->tx->connects
                            + (cfg->rx != cfg->tx ? cfg->rx->connects : 0);

    memset(t, 0, sizeof *t);
    memset(&h, 0, sizeof h);
    t->rate = rate;
    if (!(++tag & 0xffff)) {
        tag++;                  /* Tag 0 is the warm-up's. */
    }
    r.tag = tag & 0xffff;
    pkt_flow_default(&flow);
    pkt_template_init(&r.tpl, &flow, cfg->frame_size);

    start = now = vhost_now_ns();
    end = start + (uint64_t) (cfg->duration * 1e9);
    while (now < end && !stopped(cfg)) {
        bool tx_up = vhost_dev_tend(cfg->tx, now);
        bool rx_up = cfg->rx == cfg->tx ? tx_up
                                        : vhost_dev_tend(cfg->rx, now);
        uint32_t n = burst;

        if (rate > 0) {
            uint64_t due = (uint64_t) ((now - start - slipped) * rate / 1e9);

            /* A backlog larger than the tx ring means this thread was not
             * running (an iteration takes microseconds).  The frames it
             * could not offer then are not the switch's loss, and bursting
             * them into a ring they cannot fit would make them so: let the
             * schedule slip instead, and report it. */
            if (due - t->offered > backlog_max) {
                uint64_t excess = due - t->offered - backlog_max;

                slipped += (uint64_t) (excess * 1e9 / rate);
                t->stalls++;
                t->stall_s += excess / rate;
                due -= excess;
            }
            n = due - t->offered < burst ? due - t->offered : burst;
            t->offered += n;
        }
        if (n && tx_up) {
            uint32_t sent = tx_burst(&r, now, n);

            if (rate > 0) {
                t->ring_full += n - sent;
            }
        } else if (rate > 0) {
            t->ring_full += n;
        }
        if (rx_up) {
            rx_burst(&r);
        }
        now = vhost_now_ns();
        if (cfg->sleep_idle && rate > 0) {
            sleep_until(start + slipped
                        + (uint64_t) ((t->offered + burst) * 1e9 / rate),
                        now);
            now = vhost_now_ns();
        }
    }
    t->elapsed = (now - start) / 1e9;
    t->interrupted = now < end;
    /* Drain: stragglers still in the switch or our rx ring (cut short by
     * a second signal only: the first one wants the results). */
    stop = now + (uint64_t) (cfg->drain * 1e9);
    while (now < stop && t->received < t->sent && !cfg->tx_only) {
        if (vhost_dev_connected(cfg->rx)) {
            rx_burst(&r);
        }
        if (vhost_dev_connected(cfg->tx)) {
            tx_reclaim_all(cfg->tx);
        }
        now = vhost_now_ns();
    }
    finish(cfg, t, &h);
    t->reconnects = cfg->tx->connects
                    + (cfg->rx != cfg->tx ? cfg->rx->connects : 0) - connects;
    if (!vhost_dev_connected(cfg->tx) || !vhost_dev_connected(cfg->rx)) {
        struct vhost_dev *dev = vhost_dev_connected(cfg->tx) ? cfg->rx
                                                             : cfg->tx;
        return diag_error(d, NFV_ESYSTEM, "%s: back-end lost and not back: "
                          "%s", dev->path, dev->why.msg);
    }
    return 0;
}

int
bench_warmup(const struct bench_cfg *cfg, double timeout, uint64_t *sent,
             struct diag *d)
{
    struct bench_trial t = { 0 };
    struct hist *h = xcalloc(1, sizeof *h);
    struct run r = { .cfg = cfg, .t = &t, .h = h, .tag = 0 };
    uint64_t now = vhost_now_ns(), end = now + (uint64_t) (timeout * 1e9);
    struct pkt_flow flow;
    uint64_t next_send = now;
    int status = -1;

    pkt_flow_default(&flow);
    pkt_template_init(&r.tpl, &flow, cfg->frame_size);
    /* Back-ends start polling a little after negotiation ends (DPDK
     * waits for its new_device callback and link-up): send a handful of
     * frames and wait until one comes back, so the first trial does not
     * count the start-up as loss. */
    while (now < end && !stopped(cfg)) {
        /* Keep both ends connected: the back-end may restart while we
         * wait for it. */
        bool tx_up = vhost_dev_tend(cfg->tx, now);

        if (cfg->rx != cfg->tx) {
            vhost_dev_tend(cfg->rx, now);
        }
        if (now >= next_send && tx_up) {
            tx_burst(&r, now, 8);
            next_send = now + 100000000ULL;
        }
        if (vhost_dev_connected(cfg->rx)) {
            rx_burst(&r);
        }
        if (t.received || (cfg->tx_only && t.sent
                           && tx_reclaim_all(cfg->tx)
                           && !tx_in_flight(cfg->tx))) {
            status = 0;
            break;
        }
        poll(NULL, 0, 1);
        now = vhost_now_ns();
    }
    /* Let stragglers of the warm-up arrive before the first trial (a
     * signal cuts this short; the next check sees it). */
    poll(NULL, 0, 50);
    if (vhost_dev_connected(cfg->rx)) {
        rx_burst(&r);
    }
    if (status && stopped(cfg)) {
        diag_error(d, NFV_ESYSTEM, "interrupted during the warm-up (sent "
                   "%llu frames, none came back yet)",
                   (unsigned long long) t.sent);
    } else if (status) {
        diag_error(d, NFV_ESYSTEM, "no frame came back through the switch "
                   "within %.1f s (sent %llu): is the path from %s to %s "
                   "forwarding?", timeout, (unsigned long long) t.sent,
                   cfg->tx->path, cfg->rx->path);
    }
    free(h);
    *sent = t.sent;
    return status ? d->status : 0;
}

/* Runs the search's next trial at 'rate' and judges it.  Returns 0, or
 * a diag status; an interrupted trial is kept but neither passes nor
 * fails (its loss is of a shorter run). */
static int
search_trial(const struct bench_cfg *cfg, struct bench_search *s,
             double rate, struct diag *d)
{
    struct bench_trial *t = &s->trials[s->n_trials++];
    int status = bench_trial(cfg, rate, t, d);

    if (status) {
        return status;
    }
    t->passed = !t->interrupted && t->loss_pct <= s->loss_pct;
    s->interrupted = t->interrupted;
    report_trial_line(cfg->progress, s->n_trials, t);
    return 0;
}

int
bench_search(const struct bench_cfg *cfg, struct bench_search *s,
             struct diag *d)
{
    uint64_t t0 = vhost_now_ns();
    double lo = 0, hi, max;
    int status;

    s->n_trials = 0;
    s->best = -1;
    /* First trial as fast as the rings take frames: the upper bound. */
    if ((status = search_trial(cfg, s, 0, d))) {
        goto out;
    }
    max = hi = s->trials[0].tx_pps;
    if (s->trials[0].passed) {
        s->best = 0;
        lo = hi;
    }
    while (!s->interrupted && hi - lo > max * s->precision_pct / 100.0
           && s->n_trials < (int) ARRAY_SIZE(s->trials)) {
        double mid = (lo + hi) / 2;

        if ((status = search_trial(cfg, s, mid, d))) {
            goto out;
        }
        if (s->trials[s->n_trials - 1].passed) {
            lo = mid;
            s->best = s->n_trials - 1;
        } else if (!s->interrupted) {
            hi = mid;
        }
    }
out:
    s->total_s = (vhost_now_ns() - t0) / 1e9;
    return status;
}
