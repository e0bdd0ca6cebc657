/* loop.h: 'nfvhost vhost loop': forwards every frame received on one
 * vhost-user device to the other and back, as a guest running testpmd in
 * io-forwarding mode does (the V in a PVP measurement).  One polling
 * thread serves both directions and every queue pair (i to i).
 *
 * Zero-copy (the default when both back-ends accept it): both devices'
 * rings and buffers live in one shared memory region, which both back-ends
 * get as their memory table (as one VM with two NICs would give it).  A
 * frame received on A is posted to B's tx ring as it is, by descriptor,
 * and its buffer goes back to A's rx ring only after B has used it.  Each
 * direction has its own pool of buffers, as many as its rx and tx rings
 * hold together, so a back-end that is slow to send can hold at most its
 * tx ring's worth and the rx ring is full again after every step: neither
 * ring starves, and one direction cannot starve the other.  The loop never
 * reads or writes a frame: the virtio-net header goes on as the receiving
 * back-end wrote it (no offloads are negotiated, so it carries none).
 *
 * Copying (--copy, or when a back-end refuses the shared table): each
 * device has its own memory, as two VMs would, and every frame is copied.
 *
 * Either way a frame the other side's tx ring has no room for is dropped
 * and counted, and lost back-ends are reconnected.  With count_cycles,
 * the busy cycles (TSC cycles of the bursts that moved frames, as
 * testpmd's --record-core-cycles counts them) give the endpoint's cost per
 * frame. */
#ifndef NFV_VHOST_LOOP_H
#define NFV_VHOST_LOOP_H 1

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "vhost/frontend.h"
#include "vhost/mem.h"

struct diag;

enum loop_copy {
    LOOP_ZERO_COPY_AUTO,        /* Zero-copy, falling back to copying. */
    LOOP_ZERO_COPY,             /* Zero-copy or fail. */
    LOOP_COPY,
};

/* Two devices and, for zero-copy, their shared region and the buffer
 * pools of the two directions (pool[0]: a to b, pool[1]: b to a). */
struct loop_pair {
    struct vhost_dev *a, *b;
    bool zero_copy;
    struct vmem mem;
    struct vpool pool[2];
};

/* Creates the two devices 'a_opts' and 'b_opts' describe (their memory
 * fields are the pair's to set), sharing one region when 'zero_copy',
 * without connecting them.  Returns 0 or a diag status. */
int loop_pair_create(struct loop_pair *, const struct vhost_opts *a_opts,
                     const struct vhost_opts *b_opts, bool zero_copy,
                     struct diag *d);
/* Creates and connects the two devices 'a_opts' and 'b_opts' describe
 * (their memory fields are the pair's to set), zero-copy or copying as
 * 'copy' says, waiting at most 'timeout_ms' for each back-end.  With
 * LOOP_ZERO_COPY_AUTO, a back-end that refuses the shared memory table
 * makes the pair start over copying, with a warning in 'd' saying so.
 * Returns 0 or a diag status. */
int loop_pair_open(struct loop_pair *, const struct vhost_opts *a_opts,
                   const struct vhost_opts *b_opts, enum loop_copy copy,
                   int timeout_ms, struct diag *d);
/* Stops (if connected) and destroys the devices, frees the region. */
void loop_pair_close(struct loop_pair *);

struct loop_cfg {
    struct loop_pair *pair;
    double duration;                    /* Seconds; 0 = until *stop. */
    uint32_t burst;                     /* 0 means 32; at most 64. */
    const volatile sig_atomic_t *stop;  /* Set by a signal handler. */
    uint32_t tx_first;                  /* Frames to inject per port. */
    bool count_cycles;                  /* Busy TSC cycles (--cycles). */
};

struct loop_stats {
    uint64_t fwd[2];                    /* a->b, b->a */
    uint64_t dropped[2];
    unsigned int reconnects;
    double elapsed;
    uint64_t polls;                     /* Bursts polled (per direction), */
    uint64_t busy_polls;                /* those that moved frames, */
    uint64_t busy_cycles;               /* and their TSC cycles. */
    double tsc_hz;                      /* Measured over the run. */
};

/* The loop's state between steps. */
struct loop {
    const struct loop_cfg *cfg;
    struct loop_stats *s;
    uint64_t start, next_inject;
};

void loop_init(struct loop *, const struct loop_cfg *, struct loop_stats *);
/* One round: tends both devices, injects --tx-first frames while none
 * came back yet, then forwards one burst each way on every queue pair.
 * 'now' is vhost_now_ns(). */
void loop_step(struct loop *, uint64_t now);
/* Steps until the duration is over or *stop; fills the stats. */
void loop_run(const struct loop_cfg *, struct loop_stats *);

#endif /* vhost/loop.h */
