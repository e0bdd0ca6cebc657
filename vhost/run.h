/* run.h: the three traffic tools end to end ('nfvhost vhost bench|loop|
 * tap'), so that the CLI only parses flags into these options and calls
 * one function: choose and pin the polling CPU, install the SIGINT/SIGTERM
 * handler, open and connect the devices, run, report on stdout (text or
 * JSON, see report.h), stop the rings and remove the sockets.
 *
 * Every wait (connecting, the warm-up, trials, the search) ends early on
 * SIGINT or SIGTERM.  'loop' and 'tap' run until one arrives (or their
 * duration ends): that is success.  'bench' interrupted still reports what
 * it measured, marked interrupted, and then fails (exit status 1). */
#ifndef NFV_VHOST_RUN_H
#define NFV_VHOST_RUN_H 1

#include <stdbool.h>
#include <stdint.h>

#include "vhost/bench.h"
#include "vhost/frontend.h"
#include "vhost/loop.h"

struct diag;

/* What every tool takes. */
struct vhost_tool_opts {
    bool server;                /* Listen; the back-end connects. */
    const char *cores;          /* CPU list for the polling thread, */
    const char *plan;           /* or plan.json's guest pool. */
    bool force;                 /* Allow a CPU an OVS PMD polls. */
    bool json;
    double connect_timeout;     /* Seconds. */
    double duration;            /* Seconds; 0: the tool's default. */
    uint16_t ring_size;
    uint16_t queues;
    enum vmem_pages pages;
    enum vhost_ring_layout layout;
};

struct vhost_bench_opts {
    struct vhost_tool_opts c;
    const char *tx, *rx;        /* Sockets; equal for one device. */
    bool tx_only;
    uint32_t frame_size;
    uint32_t flows;
    double rate;                /* Pps; 0: as fast as the ring takes. */
    bool search;
    enum bench_search_kind kind;
    double loss_pct;            /* 0: the kind's default threshold. */
    double precision_pct;       /* 0: the default. */
    bool sleep_idle;            /* Sleep between bursts (see bench.h). */
};

struct vhost_loop_opts {
    struct vhost_tool_opts c;
    const char *paths[2];
    uint32_t tx_first;
    uint32_t burst;
    enum loop_copy copy;
    bool cycles;                /* Count busy cycles. */
};

struct vhost_tap_opts {
    struct vhost_tool_opts c;
    const char *path;
    const char *netns;
    const char *name;
};

/* The defaults of each tool. */
void vhost_bench_opts_init(struct vhost_bench_opts *);
void vhost_loop_opts_init(struct vhost_loop_opts *);
void vhost_tap_opts_init(struct vhost_tap_opts *);

/* Each returns 0 or a diag status (the CLI's exit status). */
int vhost_bench_run(const struct vhost_bench_opts *, struct diag *);
int vhost_loop_run(const struct vhost_loop_opts *, struct diag *);
int vhost_tap_run(const struct vhost_tap_opts *, struct diag *);

#endif /* vhost/run.h */
