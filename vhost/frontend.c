/* frontend.c: vhost-user front-end connection, negotiation, stop and
 * reconnect (see frontend.h; message order in docs/vhost.md). */
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
 * descriptor, so indirect tables would only add a memory access. */
#define WANTED_FEATURES ((1ULL << VIRTIO_F_VERSION_1) \
                         | (1ULL << VIRTIO_NET_F_MRG_RXBUF) \
                         | (1ULL << VHOST_USER_F_PROTOCOL_FEATURES))
#define WANTED_PROTOCOL_FEATURES ((1ULL << VU_PROTOCOL_F_MQ) \
                                  | (1ULL << VU_PROTOCOL_F_REPLY_ACK) \
                                  | (1ULL << VU_PROTOCOL_F_STATUS))

static void __attribute__((format(printf, 2, 3)))
set_err(struct vhost_dev *dev, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(dev->err, sizeof dev->err, fmt, args);
    va_end(args);
}

static int
make_addr(const char *path, struct sockaddr_un *sun)
{
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun->sun_path) {
        return -1;
    }
    strcpy(sun->sun_path, path);
    return 0;
}

static int
open_listener(struct vhost_dev *dev)
{
    struct sockaddr_un sun;
    struct stat st;
    int fd;

    if (make_addr(dev->path, &sun)) {
        set_err(dev, "socket path %s is too long", dev->path);
        return -1;
    }
    /* Replace a stale socket of an earlier run, never any other file. */
    if (!lstat(dev->path, &st)) {
        if (!S_ISSOCK(st.st_mode)) {
            set_err(dev, "%s exists and is not a socket", dev->path);
            return -1;
        }
        unlink(dev->path);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sun, sizeof sun) < 0
        || listen(fd, 1) < 0) {
        set_err(dev, "cannot listen on %s: %s", dev->path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    dev->listen_fd = fd;
    return 0;
}

struct vhost_dev *
vhost_dev_create(const struct vhost_opts *opts, char *err, size_t err_size)
{
    struct vhost_dev *dev = xcalloc(1, sizeof *dev);
    size_t size;

    dev->opts = *opts;
    dev->path = xstrdup(opts->path ? opts->path : "");
    dev->sock = dev->listen_fd = -1;
    dev->n_qp = opts->queue_pairs ? opts->queue_pairs : 1;
    if (!dev->opts.ring_size) {
        dev->opts.ring_size = 256;
    }
    if (!dev->opts.buf_size) {
        dev->opts.buf_size = 2048;
    }
    if (!dev->opts.reply_timeout_ms) {
        dev->opts.reply_timeout_ms = 5000;
    }
    if (dev->n_qp > 128) {
        snprintf(err, err_size, "%u queue pairs: at most 128", dev->n_qp);
        goto fail;
    }
    size = 2 * dev->n_qp * virtq_mem_size(dev->opts.ring_size,
                                          dev->opts.buf_size);
    dev->mem.fd = -1;
    if (vmem_create(&dev->mem, size, opts->pages, err, err_size)) {
        goto fail;
    }
    dev->rxq = xcalloc(dev->n_qp, sizeof *dev->rxq);
    dev->txq = xcalloc(dev->n_qp, sizeof *dev->txq);
    for (int i = 0; i < dev->n_qp; i++) {
        for (int tx = 0; tx < 2; tx++) {
            struct virtq *q = tx ? &dev->txq[i] : &dev->rxq[i];

            if (virtq_init(q, &dev->mem, 2 * i + tx, dev->opts.ring_size,
                           !tx, dev->opts.buf_size, err, err_size)) {
                goto fail;
            }
            q->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            q->call_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (q->kick_fd < 0 || q->call_fd < 0) {
                snprintf(err, err_size, "eventfd: %s", strerror(errno));
                goto fail;
            }
        }
    }
    if (opts->server && open_listener(dev)) {
        snprintf(err, err_size, "%s", dev->err);
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
        unlink(dev->path);
    }
    for (int i = 0; dev->rxq && i < dev->n_qp; i++) {
        close_queue_fds(&dev->rxq[i]);
        close_queue_fds(&dev->txq[i]);
        virtq_destroy(&dev->rxq[i]);
        virtq_destroy(&dev->txq[i]);
    }
    free(dev->rxq);
    free(dev->txq);
    vmem_destroy(&dev->mem);
    free(dev->path);
    free(dev);
}

/* Sends one request; with REPLY_ACK negotiated, asks for and checks the
 * acknowledgement so that a back-end's refusal is seen where it happens. */
static int
request(struct vhost_dev *dev, struct vu_msg *m, const int *fds, int n_fds)
{
    bool ack = (dev->protocol_features & (1ULL << VU_PROTOCOL_F_REPLY_ACK))
               && vu_reply_size(m->request) < 0;
    int error;

    if (ack) {
        m->flags |= VU_FLAG_NEED_REPLY;
    }
    error = vu_send(dev->sock, m, fds, n_fds);
    if (error) {
        set_err(dev, "sending %s: %s", vu_request_name(m->request),
                strerror(error));
        return -1;
    }
    if (ack) {
        struct vu_msg reply;
        int rfds[VU_MAX_FDS], n_rfds;
        char err[200];

        if (vu_recv(dev->sock, &reply, rfds, &n_rfds,
                    dev->opts.reply_timeout_ms, err, sizeof err)
            || !vu_reply_check(m->request, &reply, n_rfds, err, sizeof err)) {
            vu_close_fds(rfds, n_rfds);
            set_err(dev, "%s", err);
            return -1;
        }
        if (reply.payload.u64) {
            set_err(dev, "back-end refused %s (status %llu)",
                    vu_request_name(m->request),
                    (unsigned long long) reply.payload.u64);
            return -1;
        }
    }
    return 0;
}

/* Sends a request that has a reply and receives it into 'reply'. */
static int
query(struct vhost_dev *dev, struct vu_msg *m, struct vu_msg *reply)
{
    int fds[VU_MAX_FDS], n_fds;
    char err[200];
    int error = vu_send(dev->sock, m, NULL, 0);

    if (error) {
        set_err(dev, "sending %s: %s", vu_request_name(m->request),
                strerror(error));
        return -1;
    }
    if (vu_recv(dev->sock, reply, fds, &n_fds, dev->opts.reply_timeout_ms,
                err, sizeof err)
        || !vu_reply_check(m->request, reply, n_fds, err, sizeof err)) {
        vu_close_fds(fds, n_fds);
        set_err(dev, "%s", err);
        return -1;
    }
    return 0;
}

static int
query_u64(struct vhost_dev *dev, uint32_t req, uint64_t *value)
{
    struct vu_msg m, reply;

    vu_msg_init(&m, req, 0);
    if (query(dev, &m, &reply)) {
        return -1;
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

static int
negotiate(struct vhost_dev *dev)
{
    struct vu_msg m;

    vu_msg_init(&m, VU_SET_OWNER, 0);
    if (request(dev, &m, NULL, 0)
        || query_u64(dev, VU_GET_FEATURES, &dev->backend_features)) {
        return -1;
    }
    if (!(dev->backend_features & (1ULL << VIRTIO_F_VERSION_1))) {
        set_err(dev, "back-end does not offer VIRTIO_F_VERSION_1 "
                "(features %#llx)",
                (unsigned long long) dev->backend_features);
        return -1;
    }
    dev->features = dev->backend_features & WANTED_FEATURES;
    if (dev->n_qp > 1 && dev->backend_features & (1ULL << VIRTIO_NET_F_MQ)) {
        dev->features |= 1ULL << VIRTIO_NET_F_MQ;
    }
    if (dev->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES)) {
        uint64_t offered;

        if (query_u64(dev, VU_GET_PROTOCOL_FEATURES, &offered)) {
            return -1;
        }
        /* Until SET_PROTOCOL_FEATURES is acknowledged nothing is agreed:
         * keep REPLY_ACK off for the message that turns it on. */
        if (send_u64(dev, VU_SET_PROTOCOL_FEATURES,
                     offered & WANTED_PROTOCOL_FEATURES)) {
            return -1;
        }
        dev->protocol_features = offered & WANTED_PROTOCOL_FEATURES;
    }
    if (dev->n_qp > 1) {
        uint64_t max_qp = 1;

        if (dev->protocol_features & (1ULL << VU_PROTOCOL_F_MQ)
            && query_u64(dev, VU_GET_QUEUE_NUM, &max_qp)) {
            return -1;
        }
        if (max_qp < dev->n_qp) {
            set_err(dev, "back-end serves %llu queue pair(s), %u asked",
                    (unsigned long long) max_qp, dev->n_qp);
            return -1;
        }
    }
    return send_u64(dev, VU_SET_FEATURES, dev->features);
}

static int
send_mem_table(struct vhost_dev *dev)
{
    struct vu_msg m;
    uint64_t addr = (uint64_t) (uintptr_t) dev->mem.base;
    /* Identity map: guest physical address = our own address. */
    struct vu_region r = {
        .guest_phys_addr = addr,
        .userspace_addr = addr,
        .memory_size = dev->mem.size,
        .mmap_offset = 0,
    };

    vu_msg_init(&m, VU_SET_MEM_TABLE,
                offsetof(struct vu_memory, regions) + sizeof r);
    m.payload.mem.nregions = 1;
    memcpy(m.payload.raw + offsetof(struct vu_memory, regions), &r, sizeof r);
    return request(dev, &m, &dev->mem.fd, 1);
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

    virtq_reset(q);
    virtq_set_features(q, dev->features);
    if (send_state(dev, VU_SET_VRING_NUM, q->index, q->num)
        || send_state(dev, VU_SET_VRING_BASE, q->index, 0)) {
        return -1;
    }
    vu_msg_init(&m, VU_SET_VRING_ADDR, sizeof m.payload.addr);
    m.payload.addr.index = q->index;
    m.payload.addr.desc = (uint64_t) (uintptr_t) q->desc;
    m.payload.addr.avail = (uint64_t) (uintptr_t) q->avail;
    m.payload.addr.used = (uint64_t) (uintptr_t) q->used;
    if (request(dev, &m, NULL, 0)
        /* The back-end starts the ring when it gets the kick fd. */
        || send_fd(dev, VU_SET_VRING_CALL, q->index, q->call_fd)
        || send_fd(dev, VU_SET_VRING_KICK, q->index, q->kick_fd)) {
        return -1;
    }
    if (q->rx) {
        virtq_rx_refill(q);
    }
    return 0;
}

static int
start(struct vhost_dev *dev)
{
    dev->features = dev->protocol_features = 0;
    if (negotiate(dev) || send_mem_table(dev)) {
        return -1;
    }
    for (int i = 0; i < dev->n_qp; i++) {
        if (start_ring(dev, &dev->rxq[i]) || start_ring(dev, &dev->txq[i])) {
            return -1;
        }
    }
    /* With protocol features the rings start disabled (spec, "Ring
     * states"): enable them now that all are set up. */
    if (dev->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES)) {
        for (int i = 0; i < 2 * dev->n_qp; i++) {
            if (send_state(dev, VU_SET_VRING_ENABLE, i, 1)) {
                return -1;
            }
        }
    }
    if (dev->protocol_features & (1ULL << VU_PROTOCOL_F_STATUS)
        && send_u64(dev, VU_SET_STATUS,
                    VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER
                    | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK)) {
        return -1;
    }
    dev->connects++;
    dev->err[0] = '\0';
    return 0;
}

int
vhost_dev_attach(struct vhost_dev *dev, int fd)
{
    if (dev->sock >= 0) {
        close(dev->sock);
    }
    dev->sock = fd;
    if (start(dev)) {
        char why[sizeof dev->err];

        memcpy(why, dev->err, sizeof why);
        vhost_dev_lost(dev, why);
        return -1;
    }
    return 0;
}

static int
connect_client(struct vhost_dev *dev, int timeout_ms)
{
    uint64_t deadline = vhost_now_ns() + timeout_ms * 1000000ULL;
    struct sockaddr_un sun;

    if (make_addr(dev->path, &sun)) {
        set_err(dev, "socket path %s is too long", dev->path);
        return -1;
    }
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0) {
            set_err(dev, "socket: %s", strerror(errno));
            return -1;
        }
        if (!connect(fd, (struct sockaddr *) &sun, sizeof sun)) {
            return fd;
        }
        set_err(dev, "cannot connect to %s: %s", dev->path, strerror(errno));
        close(fd);
        if (vhost_now_ns() >= deadline) {
            return -1;
        }
        usleep(50 * 1000);
    }
}

static int
accept_backend(struct vhost_dev *dev, int timeout_ms)
{
    struct pollfd pfd = { .fd = dev->listen_fd, .events = POLLIN };
    int n, fd;

    do {
        n = poll(&pfd, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        set_err(dev, "no back-end connected to %s within %d ms", dev->path,
                timeout_ms);
        return -1;
    }
    fd = accept4(dev->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
        set_err(dev, "accept on %s: %s", dev->path, strerror(errno));
    }
    return fd;
}

int
vhost_dev_connect(struct vhost_dev *dev, int timeout_ms)
{
    int fd;

    if (dev->sock >= 0) {
        return 0;
    }
    fd = dev->opts.server ? accept_backend(dev, timeout_ms)
                          : connect_client(dev, timeout_ms);
    return fd < 0 ? -1 : vhost_dev_attach(dev, fd);
}

static void
reset_rings(struct vhost_dev *dev)
{
    for (int i = 0; i < dev->n_qp; i++) {
        virtq_reset(&dev->rxq[i]);
        virtq_reset(&dev->txq[i]);
    }
}

void
vhost_dev_lost(struct vhost_dev *dev, const char *why)
{
    if (why && why != dev->err) {
        set_err(dev, "%s", why);
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
    vhost_dev_lost(dev, dev->err[0] ? dev->err : NULL);
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
        return !vhost_dev_connect(dev, 0);
    }
    return false;
}
