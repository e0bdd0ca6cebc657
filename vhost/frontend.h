/* frontend.h: a vhost-user front-end device: the part QEMU plays.
 *
 * A device owns its shared memory region and its virtqueues (one rx and
 * one tx ring per queue pair) for its whole life; a connection to the
 * back-end comes and goes.  vhost_dev_connect() connects to the back-end's
 * socket (client mode, e.g. dpdk-testpmd's net_vhost) or waits on its own
 * listening socket for the back-end to connect (server mode, what OVS
 * dpdkvhostuserclient ports need), then negotiates and starts the rings;
 * the message order is in docs/vhost.md.  When the back-end goes away or
 * breaks a ring, vhost_dev_lost() closes the connection and resets the
 * rings (every buffer is ours again), and a later vhost_dev_connect()
 * brings the same device back: nothing leaks and counters carry on. */
#ifndef NFV_VHOST_FRONTEND_H
#define NFV_VHOST_FRONTEND_H 1

#include <stdbool.h>
#include <stdint.h>

#include "vhost/mem.h"
#include "vhost/virtq.h"

struct vhost_opts {
    const char *path;           /* Unix socket path. */
    bool server;                /* Listen on 'path' (back-end connects). */
    uint16_t queue_pairs;       /* 0 means 1. */
    uint16_t ring_size;         /* 0 means 256. */
    uint32_t buf_size;          /* 0 means 2048. */
    enum vmem_pages pages;
    int reply_timeout_ms;       /* 0 means 5000. */
};

struct vhost_dev {
    struct vhost_opts opts;
    char *path;
    int sock;                   /* -1 when not connected. */
    int listen_fd;              /* Server mode only. */
    struct vmem mem;
    uint16_t n_qp;
    struct virtq *rxq;          /* n_qp receive rings (device -> us). */
    struct virtq *txq;          /* n_qp transmit rings (us -> device). */
    uint64_t features;          /* Negotiated. */
    uint64_t backend_features;  /* Offered. */
    uint64_t protocol_features; /* Negotiated. */
    unsigned int connects;      /* Successful starts, reconnects included. */
    uint64_t next_check_ns;     /* vhost_dev_tend()'s schedule. */
    uint64_t next_retry_ns;
    char err[256];
};

/* Creates a device (memory, rings, and in server mode the listening
 * socket).  Returns NULL with a message in 'err'. */
struct vhost_dev *vhost_dev_create(const struct vhost_opts *,
                                   char *err, size_t err_size);
void vhost_dev_destroy(struct vhost_dev *);

/* Connects (client: retrying until the socket appears; server: waiting
 * for the back-end) for at most 'timeout_ms', then negotiates and starts
 * the rings.  Returns 0, or -1 with dev->err set (the device is then
 * disconnected and can try again). */
int vhost_dev_connect(struct vhost_dev *, int timeout_ms);

/* Negotiates and starts over an already-connected socket (tests use a
 * socketpair).  Takes ownership of 'fd'. */
int vhost_dev_attach(struct vhost_dev *, int fd);

/* Stops the rings as QEMU does (disable, then GET_VRING_BASE on each)
 * and closes the connection. */
void vhost_dev_stop(struct vhost_dev *);

/* Drops the connection without talking to the back-end (it is gone or
 * misbehaved) and resets the rings.  'why' goes to dev->err. */
void vhost_dev_lost(struct vhost_dev *, const char *why);

/* Cheap liveness check for poll loops: false once the back-end has
 * closed the socket or sent something we never asked for (the device is
 * then lost, with dev->err saying why). */
bool vhost_dev_alive(struct vhost_dev *);

/* For poll loops: checks the connection every 10 ms and, once lost,
 * tries to reconnect (without waiting) every 100 ms.  'now_ns' is
 * CLOCK_MONOTONIC.  Returns true if the rings can be used now. */
bool vhost_dev_tend(struct vhost_dev *, uint64_t now_ns);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t vhost_now_ns(void);

static inline bool
vhost_dev_connected(const struct vhost_dev *dev)
{
    return dev->sock >= 0;
}

#endif /* vhost/frontend.h */
