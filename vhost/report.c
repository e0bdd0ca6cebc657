/* report.c: the traffic tools' output (see report.h). */
#include <config.h>

#include "vhost/report.h"

#include <jansson.h>
#include <string.h>

#include "vhost/bench.h"
#include "vhost/frontend.h"
#include "vhost/loop.h"
#include "vhost/run.h"
#include "vhost/tap.h"

void
report_trial_line(FILE *f, int n, const struct bench_trial *t)
{
    char rate[32];

    if (!f) {
        return;
    }
    if (t->rate > 0) {
        snprintf(rate, sizeof rate, "%.3f Mpps", t->rate / 1e6);
    } else {
        snprintf(rate, sizeof rate, "max");
    }
    fprintf(f, "trial %2d: rate %-13s tx %7.3f Mpps  rx %7.3f Mpps  "
            "loss %9.5f %%  p99 %8.1f us%s%s%s\n", n, rate, t->tx_pps / 1e6,
            t->rx_pps / 1e6, t->loss_pct, t->lat.p99,
            t->passed ? "  pass" : "", t->reconnects ? "  (reconnected)" : "",
            t->interrupted ? "  (interrupted)" : "");
    fflush(f);
}

static void
print_summary(FILE *f, const struct bench_cfg *cfg,
              const struct bench_trial *t)
{
    fprintf(f, "frames: %llu offered, %llu sent, %llu received, "
            "%llu lost (%.5f %%), %llu tx-ring-full, %llu reordered, "
            "%llu foreign\n",
            (unsigned long long) t->offered, (unsigned long long) t->sent,
            (unsigned long long) t->received,
            (unsigned long long) (t->offered > t->received
                                  ? t->offered - t->received : 0),
            t->loss_pct, (unsigned long long) t->ring_full,
            (unsigned long long) t->reordered,
            (unsigned long long) t->foreign);
    fprintf(f, "rate: %.3f Mpps sent, %.3f Mpps received, %.3f Gbit/s "
            "(L1 %.3f) at %u-byte frames\n", t->tx_pps / 1e6,
            t->rx_pps / 1e6, t->gbps_l2, t->gbps_l1, cfg->frame_size);
    fprintf(f, "latency (us): min %.1f  mean %.1f  p50 %.1f  p99 %.1f  "
            "p99.9 %.1f  max %.1f\n", t->lat.min, t->lat.mean, t->lat.p50,
            t->lat.p99, t->lat.p999, t->lat.max);
    if (t->reconnects) {
        fprintf(f, "reconnects: %u\n", t->reconnects);
    }
    if (t->rx_ring_dry) {
        fprintf(f, "rx ring found with no free buffer %llu times (the "
                "switch had nowhere to put frames: its tx drops)\n",
                (unsigned long long) t->rx_ring_dry);
    }
    if (t->stalls) {
        fprintf(f, "generator descheduled %u times, %.1f ms in all (not "
                "offered, not counted as loss)\n", t->stalls,
                t->stall_s * 1e3);
    }
    if (t->interrupted) {
        fprintf(f, "interrupted after %.2f s\n", t->elapsed);
    }
}

static json_t *
trial_json(const struct bench_trial *t)
{
    return json_pack(
        "{s:f, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f,"
        " s:{s:f, s:f, s:f, s:f, s:f, s:f, s:I}, s:i, s:b, s:i, s:f, s:b}",
        "rate_pps", t->rate, "duration_s", t->elapsed,
        "offered", (json_int_t) t->offered, "sent", (json_int_t) t->sent,
        "received", (json_int_t) t->received,
        "tx_ring_full", (json_int_t) t->ring_full,
        "rx_ring_dry", (json_int_t) t->rx_ring_dry,
        "reordered", (json_int_t) t->reordered,
        "foreign", (json_int_t) t->foreign,
        "loss_pct", t->loss_pct, "tx_mpps", t->tx_pps / 1e6,
        "rx_mpps", t->rx_pps / 1e6, "gbps_l2", t->gbps_l2,
        "gbps_l1", t->gbps_l1,
        "latency_us", "min", t->lat.min, "mean", t->lat.mean,
        "p50", t->lat.p50, "p99", t->lat.p99, "p99.9", t->lat.p999,
        "max", t->lat.max, "samples", (json_int_t) t->lat.samples,
        "reconnects", (int) t->reconnects, "passed", t->passed,
        "generator_stalls", (int) t->stalls,
        "generator_stall_ms", t->stall_s * 1e3,
        "interrupted", t->interrupted);
}

static const char *
search_name(const struct bench_search *s)
{
    return s->kind == BENCH_NDR ? "ndr" : "pdr";
}

static json_t *
search_json(const struct vhost_bench_opts *o, const struct bench_search *s)
{
    json_t *trials = json_array();
    json_t *root;

    for (int i = 0; i < s->n_trials; i++) {
        json_array_append_new(trials, trial_json(&s->trials[i]));
    }
    root = json_pack("{s:s, s:f, s:f, s:f, s:i, s:f, s:o, s:b}",
                     "search", search_name(s),
                     "trial_duration_s", o->c.duration,
                     "loss_threshold_pct", s->loss_pct,
                     "precision_pct", s->precision_pct,
                     "trials_run", s->n_trials, "total_s", s->total_s,
                     "trials", trials, "interrupted", s->interrupted);
    json_object_set_new(root, "result", s->best < 0 ? json_null()
                        : trial_json(&s->trials[s->best]));
    return root;
}

static void
print_json(json_t *j)
{
    json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    printf("\n");
    fflush(stdout);
    json_decref(j);
}

static void
print_search(const struct bench_cfg *cfg, const struct bench_search *s)
{
    const struct bench_trial *t;

    if (s->best < 0) {
        printf("%s: no rate passed (loss <= %g %%) in %d trials, %.1f s%s\n",
               search_name(s), s->loss_pct, s->n_trials, s->total_s,
               s->interrupted ? " (interrupted)" : "");
        return;
    }
    t = &s->trials[s->best];
    printf("%s (loss <= %g %%): %.3f Mpps, %.3f Gbit/s (L1 %.3f) at "
           "%u-byte frames; %d trials in %.1f s%s\n",
           s->kind == BENCH_NDR ? "NDR" : "PDR", s->loss_pct,
           t->tx_pps / 1e6, t->gbps_l2, t->gbps_l1, cfg->frame_size,
           s->n_trials, s->total_s,
           s->interrupted ? " (interrupted: the interval was not closed)"
                          : "");
    print_summary(stdout, cfg, t);
}

void
report_bench(const struct vhost_bench_opts *o, const struct bench_cfg *cfg,
             const struct bench_trial *t, const struct bench_search *s,
             uint64_t warmup)
{
    if (o->c.json) {
        json_t *j = s ? search_json(o, s) : trial_json(t);

        json_object_set_new(j, "frame_size", json_integer(cfg->frame_size));
        json_object_set_new(j, "warmup_frames", json_integer(warmup));
        json_object_set_new(j, "tx_only", json_boolean(o->tx_only));
        json_object_set_new(j, "ring_layout",
                            json_string(vhost_dev_layout(cfg->tx)));
        json_object_set_new(j, "ring_size", json_integer(o->c.ring_size));
        json_object_set_new(j, "burst", json_integer(cfg->burst));
        json_object_set_new(j, "sleep_idle", json_boolean(cfg->sleep_idle));
        print_json(j);
    } else if (s) {
        print_search(cfg, s);
    } else {
        print_summary(stdout, cfg, t);
    }
}

void
report_loop(const struct vhost_loop_opts *o, const struct loop_pair *p,
            const struct loop_stats *st)
{
    uint64_t rx = st->fwd[0] + st->fwd[1] + st->dropped[0] + st->dropped[1];
    double mpps = st->elapsed > 0 ? (st->fwd[0] + st->fwd[1]) / st->elapsed
                                    / 1e6 : 0.0;
    double cpf = rx ? (double) st->busy_cycles / rx : 0.0;
    double busy = st->polls ? (double) st->busy_polls / st->polls : 0.0;

    if (o->c.json) {
        json_t *j = json_pack(
            "{s:f, s:{s:I, s:I}, s:{s:I, s:I}, s:i, s:f, s:b, s:{s:s, s:s},"
            " s:i, s:i, s:i, s:I, s:I, s:f}",
            "duration_s", st->elapsed,
            "forwarded", "a_to_b", (json_int_t) st->fwd[0],
            "b_to_a", (json_int_t) st->fwd[1],
            "dropped", "a_to_b", (json_int_t) st->dropped[0],
            "b_to_a", (json_int_t) st->dropped[1],
            "reconnects", (int) st->reconnects, "mpps", mpps,
            "zero_copy", p->zero_copy,
            "ring_layout", "a", vhost_dev_layout(p->a),
            "b", vhost_dev_layout(p->b),
            "ring_size", (int) p->a->opts.ring_size,
            "burst", (int) (o->burst ? o->burst : 32),
            "tx_first", (int) o->tx_first,
            "polls", (json_int_t) st->polls,
            "busy_polls", (json_int_t) st->busy_polls,
            "busy_share", busy);

        if (o->cycles) {
            json_object_set_new(j, "busy_cycles",
                                json_integer(st->busy_cycles));
            json_object_set_new(j, "cycles_per_frame", json_real(cpf));
            json_object_set_new(j, "tsc_mhz", json_real(st->tsc_hz / 1e6));
        }
        print_json(j);
        return;
    }
    printf("forwarded %llu a->b, %llu b->a (%.3f Mpps) in %.1f s; dropped "
           "%llu, %llu; reconnects %u\n", (unsigned long long) st->fwd[0],
           (unsigned long long) st->fwd[1], mpps, st->elapsed,
           (unsigned long long) st->dropped[0],
           (unsigned long long) st->dropped[1], st->reconnects);
    printf("%s, %s/%s rings of %u; busy %.1f %% of polls", p->zero_copy
           ? "zero-copy" : "copying", vhost_dev_layout(p->a),
           vhost_dev_layout(p->b), p->a->opts.ring_size, busy * 100);
    if (o->cycles) {
        printf("; %.0f TSC cycles per frame received in busy bursts (TSC "
               "%.0f MHz)", cpf, st->tsc_hz / 1e6);
    }
    printf("\n");
}

void
report_tap(const struct vhost_tap_opts *o, const char *ifname,
           const struct tap_stats *st)
{
    if (o->c.json) {
        print_json(json_pack("{s:s, s:f, s:I, s:I, s:I, s:i}",
                             "tap", ifname, "duration_s", st->elapsed,
                             "to_tap", (json_int_t) st->to_tap,
                             "from_tap", (json_int_t) st->from_tap,
                             "dropped", (json_int_t) st->dropped,
                             "reconnects", (int) st->reconnects));
        return;
    }
    printf("%s: %llu frames to the TAP, %llu from it, %llu dropped, %u "
           "reconnects in %.1f s\n", ifname, (unsigned long long) st->to_tap,
           (unsigned long long) st->from_tap,
           (unsigned long long) st->dropped, st->reconnects, st->elapsed);
}
