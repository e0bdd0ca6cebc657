/* frontend.c: vhost-user front-end connection, negotiation, stop and
 * reconnect (see frontend.h; message order in docs/vhost.md). */
#include <config.h>

#include "vhost/frontend.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "vhost/proto.h"

/* Features we can use, if the back-end offers them.  EVENT_IDX and
 * INDIRECT_DESC are left out on purpose: both sides poll, so there are
 * no notifications for EVENT_IDX to save, and every frame fits one
 * descriptor, so indirect tables would only add a memory access.
 * MRG_RXBUF only where we read the header ourselves: zero-copy forwarding
 * never touches a frame, and without MRG_RXBUF a device must put each
 * frame in one buffer (virtio 1.1, 5.1.6.3.1), so there is no buffer
 * count to check.  RING_PACKED as the layout option says. */
#define WANTED_FEATURES ((1ULL << VIRTIO_F_VERSION_1) \
                         | (1ULL << VHOST_USER_F_PROTOCOL_FEATURES))
#define WANTED_PROTOCOL_FEATURES ((1ULL << VU_PROTOCOL_F_MQ) \
                                  | (1ULL << VU_PROTOCOL_F_REPLY_ACK) \
                                  | (1ULL << VU_PROTOCOL_F_STATUS))

/* Replaces the device's last error. */
static int __attribute__((format(printf, 3, 4)))
set_why(struct vhost_dev *dev, int status, const char *fmt, ...)
{
    char msg[sizeof dev->why.msg];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    diag_destroy(&dev->why);
    return diag_error(&dev->why, status, "%s", msg);
}

/* Replaces the device's last error with the one in 'd'. */
static int
take_why(struct vhost_dev *dev, struct diag *d)
{
    int status = set_why(dev, d->status, "%s", d->msg);

    diag_destroy(d);
    return status;
}

/* Passes the device's last error to the caller's diag, naming the
 * socket. */
static int
report(struct vhost_dev *dev, struct diag *d)
{
    if (d) {
        diag_error(d, dev->why.status, "%s: %s", dev->path, dev->why.msg);
    }
    return dev->why.status;
}

static int
make_addr(struct vhost_dev *dev, struct sockaddr_un *sun)
{
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if (strlen(dev->path) >= sizeof sun->sun_path) {
        return set_why(dev, NFV_EINPUT, "socket path is too long (at most "
                       "%zu bytes)", sizeof sun->sun_path - 1);
    }
    strcpy(sun->sun_path, dev->path);
    return 0;
}

/* A socket file at our path: is a process serving it?  Only a refused
 * connect() says for sure that nobody listens (a stale socket of an
 * earlier run): then it goes.  Anything else is someone's live socket,
 * and taking it over would cut them off. */
static int
remove_stale_socket(struct vhost_dev *dev, const struct sockaddr_un *sun)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int error;

    if (fd < 0) {
        return set_why(dev, NFV_ESYSTEM, "socket: %s", strerror(errno));
    }
    error = connect(fd, (const struct sockaddr *) sun, sizeof *sun) ? errno
                                                                    : 0;
    close(fd);
    if (error == ECONNREFUSED) {
        if (unlink(dev->path) && errno != ENOENT) {
            return set_why(dev, NFV_ESYSTEM, "cannot remove the stale "
                           "socket: %s", strerror(errno));
        }
        return 0;
    }
    if (!error) {
        return set_why(dev, NFV_EINPUT, "in use by another process (it "
                       "accepts connections); not taking it over");
    }
    return set_why(dev, NFV_EINPUT, "in use by another process (connect: "
                   "%s); not taking it over", strerror(error));
}

static int
open_listener(struct vhost_dev *dev)
{
    struct sockaddr_un sun;
    struct stat st;
    int fd, status;

    if ((status = make_addr(dev, &sun))) {
        return status;
    }
    if (!lstat(dev->path, &st)) {
        if (!S_ISSOCK(st.st_mode)) {
            return set_why(dev, NFV_EINPUT, "exists and is not a socket");
        }
        if ((status = remove_stale_socket(dev, &sun))) {
            return status;
        }
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sun, sizeof sun) < 0
        || listen(fd, 1) < 0 || stat(dev->path, &st) < 0) {
        status = set_why(dev, NFV_ESYSTEM, "cannot listen: %s",
                         strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return status;
    }
    dev->listen_fd = fd;
    dev->sock_dev = st.st_dev;
    dev->sock_ino = st.st_ino;
    return 0;
}

static void
set_defaults(struct vhost_opts *o)
{
    if (!o->queue_pairs) {
        o->queue_pairs = 1;
    }
    if (!o->ring_size) {
        o->ring_size = 256;
    }
    if (!o->buf_size) {
        o->buf_size = 2048;
    }
    if (!o->reply_timeout_ms) {
        o->reply_timeout_ms = 5000;
    }
}

size_t
vhost_dev_mem_size(const struct vhost_opts *opts)
{
    struct vhost_opts o = *opts;

    set_defaults(&o);
    return 2 * o.queue_pairs * virtq_mem_size(o.ring_size, o.buf_size,
                                              !o.external_bufs);
}

static int
create_queues(struct vhost_dev *dev, struct diag *d)
{
    dev->rxq = xcalloc(dev->n_qp, sizeof *dev->rxq);
    dev->txq = xcalloc(dev->n_qp, sizeof *dev->txq);
    for (int i = 0; i < dev->n_qp; i++) {
        for (int tx = 0; tx < 2; tx++) {
            struct virtq *q = tx ? &dev->txq[i] : &dev->rxq[i];
            int status = virtq_init(q, dev->mem, 2 * i + tx,
                                    dev->opts.ring_size, !tx,
                                    dev->opts.buf_size,
                                    !dev->opts.external_bufs, d);

            if (status) {
                return status;
            }
            q->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            q->call_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (q->kick_fd < 0 || q->call_fd < 0) {
                return diag_error(d, NFV_ESYSTEM, "eventfd: %s",
                                  strerror(errno));
            }
        }
    }
    return 0;
}

struct vhost_dev *
vhost_dev_create(const struct vhost_opts *opts, struct diag *d)
{
    struct vhost_dev *dev = xcalloc(1, sizeof *dev);

    dev->opts = *opts;
    set_defaults(&dev->opts);
    dev->path = xstrdup(opts->path ? opts->path : "");
    dev->sock = dev->listen_fd = -1;
    dev->own_mem.fd = -1;
    dev->n_qp = dev->opts.queue_pairs;
    if (dev->n_qp > 128) {
        diag_error(d, NFV_EINPUT, "%u queue pairs: at most 128", dev->n_qp);
        goto fail;
    }
    if (dev->opts.mem) {
        dev->mem = dev->opts.mem;
    } else if (vmem_create(&dev->own_mem, vhost_dev_mem_size(&dev->opts),
                           dev->opts.pages, d)) {
        goto fail;
    } else {
        dev->mem = &dev->own_mem;
    }
    if (create_queues(dev, d)) {
        goto fail;
    }
    if (dev->opts.server && open_listener(dev)) {
        report(dev, d);
        goto fail;
    }
    return dev;

fail:
    vhost_dev_destroy(dev);
    return NULL;
}

static void
close_queue_fds(struct virtq *q)
{
    if (q->kick_fd >= 0) {
        close(q->kick_fd);
    }
    if (q->call_fd >= 0) {
        close(q->call_fd);
    }
    q->kick_fd = q->call_fd = -1;
}

/* Removes our listening socket's file, unless another process has put
 * its own in its place since. */
static void
unlink_own_socket(struct vhost_dev *dev)
{
    struct stat st;

    if (!lstat(dev->path, &st) && st.st_dev == dev->sock_dev
        && st.st_ino == dev->sock_ino) {
        unlink(dev->path);
    }
}

void
vhost_dev_destroy(struct vhost_dev *dev)
{
    if (!dev) {
        return;
    }
    if (dev->sock >= 0) {
        close(dev->sock);
    }
    if (dev->listen_fd >= 0) {
        close(dev->listen_fd);
        unlink_own_socket(dev);
    }
    for (int i = 0; dev->rxq && i < dev->n_qp; i++) {
        close_queue_fds(&dev->rxq[i]);
        close_queue_fds(&dev->txq[i]);
        virtq_destroy(&dev->rxq[i]);
        virtq_destroy(&dev->txq[i]);
    }
    free(dev->rxq);
    free(dev->txq);
    vmem_destroy(&dev->own_mem);
    diag_destroy(&dev->why);
    free(dev->path);
    free(dev);
}

/* Receives the reply to 'request' and checks it.  Returns 0 or a status
 * with dev->why set. */
static int
recv_reply(struct vhost_dev *dev, uint32_t request, struct vu_msg *reply)
{
    int fds[VU_MAX_FDS], n_fds;
    struct diag d;

    diag_init(&d);
    if (vu_recv(dev->sock, reply, fds, &n_fds,
                dev->opts.reply_timeout_ms < 0 ? 0
                                               : dev->opts.reply_timeout_ms,
                dev->opts.stop, &d)
        || vu_reply_check(request, reply, n_fds, &d)) {
        vu_close_fds(fds, n_fds);
        return take_why(dev, &d);
    }
    return 0;
}

static int
send_msg(struct vhost_dev *dev, const struct vu_msg *m, const int *fds,
         int n_fds)
{
    int error = vu_send(dev->sock, m, fds, n_fds);

    if (error) {
        return set_why(dev, NFV_ESYSTEM, "sending %s: %s",
                       vu_request_name(m->request), strerror(error));
    }
    return 0;
}

/* Sends one request; with REPLY_ACK negotiated, asks for and checks the
 * acknowledgement so that a back-end's refusal is seen where it happens. */
static int
request(struct vhost_dev *dev, struct vu_msg *m, const int *fds, int n_fds)
{
    bool ack = (dev->protocol_features & (1ULL << VU_PROTOCOL_F_REPLY_ACK))
               && vu_reply_size(m->request) < 0;
    struct vu_msg reply;
    int status;

    if (ack) {
        m->flags |= VU_FLAG_NEED_REPLY;
    }
    dev->failed_request = m->request;
    if ((status = send_msg(dev, m, fds, n_fds))) {
        return status;
    }
    if (ack) {
        if ((status = recv_reply(dev, m->request, &reply))) {
            return status;
        }
        if (reply.payload.u64) {
            return set_why(dev, NFV_ESYSTEM, "back-end refused %s (status "
                           "%llu)", vu_request_name(m->request),
                           (unsigned long long) reply.payload.u64);
        }
    }
    dev->failed_request = 0;
    return 0;
}

/* Sends a request that has a reply and receives it into 'reply'. */
static int
query(struct vhost_dev *dev, struct vu_msg *m, struct vu_msg *reply)
{
    int status;

    dev->failed_request = m->request;
    if ((status = send_msg(dev, m, NULL, 0))
        || (status = recv_reply(dev, m->request, reply))) {
        return status;
    }
    dev->failed_request = 0;
    return 0;
}

static int
query_u64(struct vhost_dev *dev, uint32_t req, uint64_t *value)
{
    struct vu_msg m, reply;
    int status;

    vu_msg_init(&m, req, 0);
    if ((status = query(dev, &m, &reply))) {
        return status;
    }
    *value = reply.payload.u64;
    return 0;
}

static int
send_u64(struct vhost_dev *dev, uint32_t req, uint64_t value)
{
    struct vu_msg m;

    vu_msg_init(&m, req, sizeof(uint64_t));
    m.payload.u64 = value;
    return request(dev, &m, NULL, 0);
}

static int
send_state(struct vhost_dev *dev, uint32_t req, uint32_t index, uint32_t num)
{
    struct vu_msg m;

    vu_msg_init(&m, req, sizeof m.payload.state);
    m.payload.state.index = index;
    m.payload.state.num = num;
    return request(dev, &m, NULL, 0);
}

/* The features to ask for out of what the back-end offers. */
static int
choose_features(struct vhost_dev *dev)
{
    uint64_t offered = dev->backend_features;
    uint64_t packed = 1ULL << VIRTIO_F_RING_PACKED;

    if (!(offered & (1ULL << VIRTIO_F_VERSION_1))) {
        return set_why(dev, NFV_ESYSTEM, "back-end does not offer "
                       "VIRTIO_F_VERSION_1 (features %#llx)",
                       (unsigned long long) offered);
    }
    dev->features = offered & WANTED_FEATURES;
    if (!dev->opts.external_bufs) {
        dev->features |= offered & (1ULL << VIRTIO_NET_F_MRG_RXBUF);
    }
    if (dev->opts.layout == VHOST_RING_PACKED && !(offered & packed)) {
        return set_why(dev, NFV_ESYSTEM, "back-end does not offer "
                       "VIRTIO_F_RING_PACKED (features %#llx); try "
                       "--ring-layout split", (unsigned long long) offered);
    }
    if (dev->opts.layout != VHOST_RING_SPLIT) {
        dev->features |= offered & packed;
    }
    if (dev->n_qp > 1 && offered & (1ULL << VIRTIO_NET_F_MQ)) {
        dev->features |= 1ULL << VIRTIO_NET_F_MQ;
    }
    return 0;
}

static int
negotiate(struct vhost_dev *dev)
{
    struct vu_msg m;
    int status;

    vu_msg_init(&m, VU_SET_OWNER, 0);
    if ((status = request(dev, &m, NULL, 0))
        || (status = query_u64(dev, VU_GET_FEATURES,
                               &dev->backend_features))
        || (status = choose_features(dev))) {
        return status;
    }
    if (dev->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES)) {
        uint64_t offered;

        if ((status = query_u64(dev, VU_GET_PROTOCOL_FEATURES, &offered))) {
            return status;
        }
        /* Until SET_PROTOCOL_FEATURES is acknowledged nothing is agreed:
         * keep REPLY_ACK off for the message that turns it on. */
        if ((status = send_u64(dev, VU_SET_PROTOCOL_FEATURES,
                               offered & WANTED_PROTOCOL_FEATURES))) {
            return status;
        }
        dev->protocol_features = offered & WANTED_PROTOCOL_FEATURES;
    }
    if (dev->n_qp > 1) {
        uint64_t max_qp = 1;

        if (dev->protocol_features & (1ULL << VU_PROTOCOL_F_MQ)
            && (status = query_u64(dev, VU_GET_QUEUE_NUM, &max_qp))) {
            return status;
        }
        if (max_qp < dev->n_qp) {
            return set_why(dev, NFV_ESYSTEM, "back-end serves %llu queue "
                           "pair(s), %u asked", (unsigned long long) max_qp,
                           dev->n_qp);
        }
    }
    return send_u64(dev, VU_SET_FEATURES, dev->features);
}

static int
send_mem_table(struct vhost_dev *dev)
{
    struct vu_msg m;
    uint64_t addr = (uint64_t) (uintptr_t) dev->mem->base;
    /* Identity map: guest physical address = our own address. */
    struct vu_region r = {
        .guest_phys_addr = addr,
        .userspace_addr = addr,
        .memory_size = dev->mem->size,
        .mmap_offset = 0,
    };

    vu_msg_init(&m, VU_SET_MEM_TABLE,
                offsetof(struct vu_memory, regions) + sizeof r);
    m.payload.mem.nregions = 1;
    memcpy(m.payload.raw + offsetof(struct vu_memory, regions), &r, sizeof r);
    return request(dev, &m, &dev->mem->fd, 1);
}

static int
send_fd(struct vhost_dev *dev, uint32_t req, uint32_t index, int fd)
{
    struct vu_msg m;

    vu_msg_init(&m, req, sizeof(uint64_t));
    m.payload.u64 = index & VU_VRING_IDX_MASK;
    if (fd < 0) {
        m.payload.u64 |= VU_VRING_NOFD;
    }
    return request(dev, &m, &fd, fd >= 0);
}

static int
start_ring(struct vhost_dev *dev, struct virtq *q)
{
    struct vu_msg m;
    int status;

    virtq_set_features(q, dev->features);
    virtq_reset(q, dev->opts.orphan, dev->opts.orphan_aux);
    if ((status = send_state(dev, VU_SET_VRING_NUM, q->index, q->num))
        || (status = send_state(dev, VU_SET_VRING_BASE, q->index,
                                virtq_base(q)))) {
        return status;
    }
    /* Packed: the descriptor ring and the driver and device event areas
     * travel in the desc, avail and used fields. */
    vu_msg_init(&m, VU_SET_VRING_ADDR, sizeof m.payload.addr);
    m.payload.addr.index = q->index;
    m.payload.addr.desc = (uint64_t) (uintptr_t) q->desc;
    m.payload.addr.avail = (uint64_t) (uintptr_t) q->avail;
    m.payload.addr.used = (uint64_t) (uintptr_t) q->used;
    if ((status = request(dev, &m, NULL, 0))
        /* The back-end starts the ring when it gets the kick fd. */
        || (status = send_fd(dev, VU_SET_VRING_CALL, q->index, q->call_fd))
        || (status = send_fd(dev, VU_SET_VRING_KICK, q->index,
                             q->kick_fd))) {
        return status;
    }
    if (q->rx && q->bufs) {
        virtq_rx_refill(q);
    }
    return 0;
}

static int
start(struct vhost_dev *dev)
{
    int status;

    dev->features = dev->protocol_features = 0;
    dev->failed_request = 0;
    if ((status = negotiate(dev)) || (status = send_mem_table(dev))) {
        return status;
    }
    for (int i = 0; i < dev->n_qp; i++) {
        if ((status = start_ring(dev, &dev->rxq[i]))
            || (status = start_ring(dev, &dev->txq[i]))) {
            return status;
        }
    }
    /* With protocol features the rings start disabled (spec, "Ring
     * states"): enable them now that all are set up. */
    if (dev->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES)) {
        for (int i = 0; i < 2 * dev->n_qp; i++) {
            if ((status = send_state(dev, VU_SET_VRING_ENABLE, i, 1))) {
                return status;
            }
        }
    }
    if (dev->protocol_features & (1ULL << VU_PROTOCOL_F_STATUS)
        && (status = send_u64(dev, VU_SET_STATUS,
                              VIRTIO_STATUS_ACKNOWLEDGE
                              | VIRTIO_STATUS_DRIVER
                              | VIRTIO_STATUS_FEATURES_OK
                              | VIRTIO_STATUS_DRIVER_OK))) {
        return status;
    }
    dev->connects++;
    diag_destroy(&dev->why);
    return 0;
}

int
vhost_dev_attach(struct vhost_dev *dev, int fd, struct diag *d)
{
    if (dev->sock >= 0) {
        close(dev->sock);
    }
    dev->sock = fd;
    if (start(dev)) {
        int status = report(dev, d);

        vhost_dev_lost(dev, NULL);
        return status;
    }
    return 0;
}

static bool
stopped(const struct vhost_dev *dev)
{
    return dev->opts.stop && *dev->opts.stop;
}

static int
connect_client(struct vhost_dev *dev, int timeout_ms)
{
    uint64_t deadline = vhost_now_ns() + timeout_ms * 1000000ULL;
    struct sockaddr_un sun;

    if (make_addr(dev, &sun)) {
        return -1;
    }
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        uint64_t now;

        if (fd < 0) {
            set_why(dev, NFV_ESYSTEM, "socket: %s", strerror(errno));
            return -1;
        }
        if (!connect(fd, (struct sockaddr *) &sun, sizeof sun)) {
            return fd;
        }
        set_why(dev, NFV_ESYSTEM, "cannot connect: %s", strerror(errno));
        close(fd);
        now = vhost_now_ns();
        if (now >= deadline) {
            return -1;
        }
        if (stopped(dev)) {
            set_why(dev, NFV_ESYSTEM, "interrupted while connecting");
            return -1;
        }
        /* Retry every 50 ms; a signal only shortens the wait. */
        poll(NULL, 0, deadline - now < 50000000 ? (deadline - now) / 1000000
                                                : 50);
    }
}

static int
accept_backend(struct vhost_dev *dev, int timeout_ms)
{
    int error = vu_wait_readable(dev->listen_fd, timeout_ms, dev->opts.stop);
    int fd;

    if (error) {
        set_why(dev, NFV_ESYSTEM, "%s",
                error == ETIMEDOUT ? "no back-end connected in time"
                : error == EINTR ? "interrupted while waiting for the "
                                   "back-end"
                : strerror(error));
        return -1;
    }
    fd = accept4(dev->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
        set_why(dev, NFV_ESYSTEM, "accept: %s", strerror(errno));
    }
    return fd;
}

int
vhost_dev_connect(struct vhost_dev *dev, int timeout_ms, struct diag *d)
{
    int fd;

    if (dev->sock >= 0) {
        return 0;
    }
    fd = dev->opts.server ? accept_backend(dev, timeout_ms)
                          : connect_client(dev, timeout_ms);
    return fd < 0 ? report(dev, d) : vhost_dev_attach(dev, fd, d);
}

static void
reset_rings(struct vhost_dev *dev)
{
    for (int i = 0; i < dev->n_qp; i++) {
        virtq_reset(&dev->rxq[i], dev->opts.orphan, dev->opts.orphan_aux);
        virtq_reset(&dev->txq[i], dev->opts.orphan, dev->opts.orphan_aux);
    }
}

void
vhost_dev_lost(struct vhost_dev *dev, const char *why)
{
    if (why) {
        set_why(dev, NFV_ESYSTEM, "%s", why);
    }
    if (dev->sock >= 0) {
        close(dev->sock);
        dev->sock = -1;
    }
    reset_rings(dev);
}

void
vhost_dev_stop(struct vhost_dev *dev)
{
    if (dev->sock < 0) {
        return;
    }
    if (dev->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES)) {
        for (int i = 0; i < 2 * dev->n_qp; i++) {
            if (send_state(dev, VU_SET_VRING_ENABLE, i, 0)) {
                goto out;
            }
        }
    }
    /* GET_VRING_BASE stops each ring: after its reply the back-end no
     * longer touches the ring, so our memory is ours again. */
    for (int i = 0; i < 2 * dev->n_qp; i++) {
        struct vu_msg m, reply;

        vu_msg_init(&m, VU_GET_VRING_BASE, sizeof m.payload.state);
        m.payload.state.index = i;
        if (query(dev, &m, &reply)) {
            goto out;
        }
    }
out:
    vhost_dev_lost(dev, NULL);
}

bool
vhost_dev_alive(struct vhost_dev *dev)
{
    struct pollfd pfd = { .fd = dev->sock, .events = POLLIN };
    char c;

    if (dev->sock < 0) {
        return false;
    }
    if (poll(&pfd, 1, 0) <= 0) {
        return true;
    }
    if (recv(dev->sock, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0
        || pfd.revents & (POLLHUP | POLLERR)) {
        vhost_dev_lost(dev, "back-end closed the connection");
    } else {
        /* We negotiated no back-end-initiated messages: anything that
         * arrives unasked is a protocol error. */
        vhost_dev_lost(dev, "back-end sent an unsolicited message");
    }
    return false;
}

uint64_t
vhost_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

bool
vhost_dev_tend(struct vhost_dev *dev, uint64_t now)
{
    if (vhost_dev_connected(dev)) {
        if (now >= dev->next_check_ns) {
            dev->next_check_ns = now + 10 * 1000000ULL;
            return vhost_dev_alive(dev);
        }
        return true;
    }
    if (now >= dev->next_retry_ns) {
        dev->next_retry_ns = now + 100 * 1000000ULL;
        return !vhost_dev_connect(dev, 0, NULL);
    }
    return false;
}

const char *
vhost_dev_layout(const struct vhost_dev *dev)
{
    return dev->features & (1ULL << VIRTIO_F_RING_PACKED) ? "packed"
                                                          : "split";
}
