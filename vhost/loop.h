/* loop.h: 'nfvhost vhost loop': forwards every frame received on one
 * vhost-user device to the other and back, as a guest running testpmd in
 * io-forwarding mode does (the V in a PVP measurement).  One polling
 * thread serves both directions and every queue pair (i to i); a frame the
 * other side's tx ring has no room for is dropped and counted.  Lost
 * back-ends are reconnected. */
#ifndef NFV_VHOST_LOOP_H
#define NFV_VHOST_LOOP_H 1

#include <signal.h>
#include <stdint.h>

struct vhost_dev;

struct loop_cfg {
    struct vhost_dev *a, *b;
    double duration;                    /* Seconds; 0 = until *stop. */
    uint32_t burst;                     /* 0 means 32. */
    volatile sig_atomic_t *stop;        /* Set by a signal handler. */
    uint32_t tx_first;                  /* Frames to inject per port. */
};

struct loop_stats {
    uint64_t fwd[2];                    /* a->b, b->a */
    uint64_t dropped[2];
    unsigned int reconnects;
    double elapsed;
};

void loop_run(const struct loop_cfg *, struct loop_stats *);

#endif /* vhost/loop.h */
