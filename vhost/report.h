/* report.h: what the traffic tools print: a progress line per trial (on
 * stderr), and each tool's result on stdout as text or as JSON.  The JSON
 * fields are documented in docs/vhost.md; text and JSON come from the
 * same numbers. */
#ifndef NFV_VHOST_REPORT_H
#define NFV_VHOST_REPORT_H 1

#include <stdint.h>
#include <stdio.h>

struct bench_cfg;
struct bench_search;
struct bench_trial;
struct loop_pair;
struct loop_stats;
struct tap_stats;
struct vhost_bench_opts;
struct vhost_loop_opts;
struct vhost_tap_opts;

/* "trial  3: rate 3.558 Mpps  tx ... loss ... p99 ...  pass" ('f' may
 * be NULL: nothing). */
void report_trial_line(FILE *f, int n, const struct bench_trial *);

/* The bench's result: one trial 't', or the search 's' (then 't' is
 * unused); 'warmup' frames sent before it. */
void report_bench(const struct vhost_bench_opts *, const struct bench_cfg *,
                  const struct bench_trial *t, const struct bench_search *s,
                  uint64_t warmup);

void report_loop(const struct vhost_loop_opts *, const struct loop_pair *,
                 const struct loop_stats *);

void report_tap(const struct vhost_tap_opts *, const char *ifname,
                const struct tap_stats *);

#endif /* vhost/report.h */
