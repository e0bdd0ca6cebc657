/* bench.h: the traffic generator and receiver of 'nfvhost vhost bench'.
 *
 * One polling thread sends stamped UDP frames (pkt.h) on one vhost-user
 * device at a paced rate and receives them on another (or the same)
 * after they crossed the switch, counting loss, reordering and latency.
 * With several queue pairs, bursts go round robin over the tx queues and
 * every rx queue is polled; sequence numbers are per queue.
 * A trial runs for a set time, then drains for a short while so frames in
 * flight are not counted lost.  Frames the tx ring has no room for at a
 * paced rate count as offered and lost: the back-end did not take the
 * load.  When the generator's own thread was descheduled for longer than
 * its tx ring can cover at the rate (the backlog of due frames exceeds
 * the ring size), it does not burst them all: the excess is not offered,
 * and the slip is reported.
 * bench_search() runs the RFC 2544 binary search for the highest
 * rate whose loss stays under a threshold (NDR 0.001 %, PDR 0.1 %), as
 * NFVbench and VSPERF do.  A device that loses its back-end during a
 * trial is reconnected as soon as the back-end is back.
 *
 * A stop request (*cfg->stop, set by SIGINT/SIGTERM) ends the warm-up, a
 * trial or a search where it is: the trial so far is kept, marked
 * interrupted, so that the caller can still report what was measured. */
#ifndef NFV_VHOST_BENCH_H
#define NFV_VHOST_BENCH_H 1

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct diag;
struct vhost_dev;

/* Defaults of 'nfvhost vhost bench'. */
#define BENCH_DURATION 10.0         /* Seconds per trial, */
#define BENCH_SEARCH_DURATION 2.0   /* and per trial of a search. */
#define BENCH_DRAIN 0.2             /* Seconds to wait for stragglers. */
#define BENCH_BURST 32              /* Frames per ring operation. */
#define BENCH_NDR_LOSS_PCT 0.001    /* RFC 2544 as NFVbench and VSPERF */
#define BENCH_PDR_LOSS_PCT 0.1      /* use it, */
#define BENCH_PRECISION_PCT 0.5     /* stopping at 0.5 % of the maximum. */

struct bench_cfg {
    struct vhost_dev *tx, *rx;  /* May be the same device. */
    uint32_t frame_size;        /* With FCS: 64..1518. */
    uint16_t flows;             /* UDP source ports to cycle through. */
    double duration;            /* Seconds per trial. */
    double drain;               /* Seconds to wait for stragglers. */
    uint32_t burst;             /* Frames per ring operation. */
    bool tx_only;               /* Generate only (rx = tx, never polled):
                                 * for back-ends that count and drop. */
    FILE *progress;             /* One line per trial, or NULL. */
    const volatile sig_atomic_t *stop;  /* Ends the run early, or NULL. */
    bool sleep_idle;            /* At a rate: sleep until the next burst
                                 * is due instead of polling, so that the
                                 * generator can share a core. */
};

struct bench_latency {
    double min, mean, p50, p99, p999, max;      /* Microseconds. */
    uint64_t samples;
};

struct bench_trial {
    double rate;                /* Target pps; 0 = as fast as possible. */
    double elapsed;             /* Seconds of sending. */
    uint64_t offered;           /* Frames due at 'rate' (or sent). */
    uint64_t sent;
    uint64_t ring_full;         /* Due but no tx room: lost. */
    uint64_t received;
    uint64_t rx_ring_dry;       /* Polls that found every rx buffer used:
                                 * the switch had nowhere to put more
                                 * frames and may have dropped some. */
    uint64_t reordered;
    uint64_t foreign;           /* Not ours, or of an earlier trial. */
    double loss_pct;
    double tx_pps, rx_pps;
    double gbps_l1, gbps_l2;    /* Received, with/without preamble+IFG. */
    struct bench_latency lat;
    unsigned int reconnects;
    unsigned int stalls;        /* Times the schedule slipped */
    double stall_s;             /* and by how much (frames not offered). */
    bool passed;                /* Set by bench_search(). */
    bool interrupted;           /* Stopped before its duration. */
};

enum bench_search_kind {
    BENCH_NDR,                  /* No drop rate: loss <= 0.001 %. */
    BENCH_PDR,                  /* Partial drop rate: loss <= 0.1 %. */
};

struct bench_search {
    enum bench_search_kind kind;
    double loss_pct;            /* Threshold. */
    double precision_pct;       /* Stop when hi - lo < this % of max. */
    int n_trials;
    struct bench_trial trials[32];
    int best;                   /* Index into trials[], -1 if none passed. */
    double total_s;
    bool interrupted;           /* Stopped before the interval closed. */
};

/* A search of 'kind' with the default threshold and precision. */
void bench_search_init(struct bench_search *, enum bench_search_kind);

/* Runs one trial.  Returns 0, or a diag status (a device lost and not
 * back by the end of the trial). */
int bench_trial(const struct bench_cfg *, double rate,
                struct bench_trial *, struct diag *);

/* Sends a few frames until one comes back (at most 'timeout' seconds),
 * so that trials start on a forwarding path; '*sent' says how many it
 * sent.  Returns 0, or a diag status (also when stopped). */
int bench_warmup(const struct bench_cfg *, double timeout, uint64_t *sent,
                 struct diag *);

/* Binary search; 'search' comes from bench_search_init(), with loss_pct
 * and precision_pct changed if wanted.  One progress line per trial. */
int bench_search(const struct bench_cfg *, struct bench_search *,
                 struct diag *);

#endif /* vhost/bench.h */
