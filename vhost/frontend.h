/* frontend.h: a vhost-user front-end device: the part QEMU plays.
 *
 * A device owns its virtqueues (one rx and one tx ring per queue pair) for
 * its whole life, in a shared memory region that is its own or, for
 * zero-copy forwarding, one it shares with another device (as one VM with
 * two NICs hands the same memory table to two back-ends); a connection to
 * the back-end comes and goes.  vhost_dev_connect() connects to the
 * back-end's socket (client mode, e.g. dpdk-testpmd's net_vhost) or waits
 * on its own listening socket for the back-end to connect (server mode,
 * what OVS dpdkvhostuserclient ports need), then negotiates and starts the
 * rings, in the split or the packed layout; the message order is in
 * docs/vhost.md.  When the back-end goes away or breaks a ring,
 * vhost_dev_lost() closes the connection and resets the rings (every
 * buffer is ours again), and a later vhost_dev_connect() brings the same
 * device back: nothing leaks and counters carry on.
 *
 * Errors: functions that can fail report in a struct diag (NFV_ESYSTEM
 * for the back-end or the system, NFV_EINPUT for a path that cannot be
 * used); the reason the device last lost or failed to make its connection
 * is kept in dev->why for the poll loops, which reconnect on their own. */
#ifndef NFV_VHOST_FRONTEND_H
#define NFV_VHOST_FRONTEND_H 1

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/diag.h"
#include "vhost/mem.h"
#include "vhost/virtq.h"

enum vhost_ring_layout {
    VHOST_RING_AUTO,            /* Packed when the back-end offers it. */
    VHOST_RING_SPLIT,
    VHOST_RING_PACKED,          /* Packed, or refuse the back-end. */
};

struct vhost_opts {
    const char *path;           /* Unix socket path. */
    bool server;                /* Listen on 'path' (back-end connects). */
    uint16_t queue_pairs;       /* 0 means 1. */
    uint16_t ring_size;         /* 0 means 256. */
    uint32_t buf_size;          /* 0 means 2048. */
    enum vmem_pages pages;
    int reply_timeout_ms;       /* 0 means 5000; negative: do not wait
                                 * (replies are there already: fuzzing). */
    enum vhost_ring_layout layout;
    /* Zero-copy: lay the rings out in 'mem', a region shared with other
     * devices (not owned; NULL: the device makes its own), and carry
     * buffers the caller posts instead of the rings' own.  When the
     * connection is lost, buffers still in flight go to 'orphan'. */
    struct vmem *mem;
    bool external_bufs;
    void (*orphan)(void *aux, uint8_t *buf);
    void *orphan_aux;
    /* Set by a signal handler: ends every wait (connect, accept, replies)
     * early.  May be NULL. */
    const volatile sig_atomic_t *stop;
};

struct vhost_dev {
    struct vhost_opts opts;
    char *path;
    int sock;                   /* -1 when not connected. */
    int listen_fd;              /* Server mode only. */
    dev_t sock_dev;             /* The socket file we bound, so that we */
    ino_t sock_ino;             /* remove only that one. */
    struct vmem own_mem;
    struct vmem *mem;           /* &own_mem, or opts.mem. */
    uint16_t n_qp;
    struct virtq *rxq;          /* n_qp receive rings (device -> us). */
    struct virtq *txq;          /* n_qp transmit rings (us -> device). */
    uint64_t features;          /* Negotiated. */
    uint64_t backend_features;  /* Offered. */
    uint64_t protocol_features; /* Negotiated. */
    unsigned int connects;      /* Successful starts, reconnects included. */
    uint64_t next_check_ns;     /* vhost_dev_tend()'s schedule. */
    uint64_t next_retry_ns;
    struct diag why;            /* Why the connection was last lost or
                                 * could not be made, */
    uint32_t failed_request;    /* and the request that failed, if one
                                 * did (VU_SET_MEM_TABLE: the back-end
                                 * would not take our memory). */
};

/* Bytes of shared memory the rings of a device with 'opts' need (to size
 * a region several devices share). */
size_t vhost_dev_mem_size(const struct vhost_opts *);

/* Creates a device (memory unless shared, rings, and in server mode the
 * listening socket).  Returns NULL with 'd' set: NFV_EINPUT for a socket
 * path that is too long, not a socket, or in use by another process;
 * NFV_ESYSTEM otherwise. */
struct vhost_dev *vhost_dev_create(const struct vhost_opts *, struct diag *d);
void vhost_dev_destroy(struct vhost_dev *);

/* Connects (client: retrying until the socket appears; server: waiting
 * for the back-end) for at most 'timeout_ms', then negotiates and starts
 * the rings.  Returns 0, or a diag status with 'd' (may be NULL) and
 * dev->why set; the device is then disconnected and can try again. */
int vhost_dev_connect(struct vhost_dev *, int timeout_ms, struct diag *d);

/* Negotiates and starts over an already-connected socket (tests use a
 * socketpair).  Takes ownership of 'fd'.  As vhost_dev_connect(). */
int vhost_dev_attach(struct vhost_dev *, int fd, struct diag *d);

/* Stops the rings as QEMU does (disable, then GET_VRING_BASE on each)
 * and closes the connection. */
void vhost_dev_stop(struct vhost_dev *);

/* Drops the connection without talking to the back-end (it is gone or
 * misbehaved) and resets the rings.  'why' goes to dev->why. */
void vhost_dev_lost(struct vhost_dev *, const char *why);

/* Cheap liveness check for poll loops: false once the back-end has
 * closed the socket or sent something we never asked for (the device is
 * then lost, with dev->why saying why). */
bool vhost_dev_alive(struct vhost_dev *);

/* For poll loops: checks the connection every 10 ms and, once lost,
 * tries to reconnect (without waiting) every 100 ms.  'now_ns' is
 * CLOCK_MONOTONIC.  Returns true if the rings can be used now. */
bool vhost_dev_tend(struct vhost_dev *, uint64_t now_ns);

/* The ring layout of the current connection, for reports. */
const char *vhost_dev_layout(const struct vhost_dev *);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t vhost_now_ns(void);

static inline bool
vhost_dev_connected(const struct vhost_dev *dev)
{
    return dev->sock >= 0;
}

#endif /* vhost/frontend.h */
