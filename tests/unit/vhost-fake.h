/* vhost-fake.h: a scripted vhost-user back-end for unit tests and the fuzz
 * target.  It reads the wire format by hand (not with vhost/proto.c, so a
 * framing bug on one side is not mirrored on the other), logs every
 * request with its descriptor count, replies as told, maps the memory
 * table and plays the device side of the rings, split or packed, on
 * demand: it takes available buffers and returns them used in whatever
 * order (or as often) a test tells it to. */
#ifndef NFV_VHOST_FAKE_H
#define NFV_VHOST_FAKE_H 1

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vhost/proto.h"
#include "vhost/virtq.h"

enum fake_mode {
    FAKE_OK,
    FAKE_BAD_SIZE,          /* GET_FEATURES reply with a 4-byte payload. */
    FAKE_BAD_VERSION,       /* Reply with version 2. */
    FAKE_EXTRA_FD,          /* Reply carrying a descriptor. */
    FAKE_WRONG_REQUEST,     /* Reply to GET_FEATURES as GET_QUEUE_NUM. */
    FAKE_CLOSE_EARLY,       /* Hang up on GET_FEATURES. */
    FAKE_HUGE_SIZE,         /* Header claiming a 4 GiB payload. */
    FAKE_NACK_MEM,          /* REPLY_ACK status 1 for SET_MEM_TABLE. */
    FAKE_NO_REPLY_FLAG,     /* Reply without the reply bit. */
    FAKE_TRUNCATED,         /* Header, then half the payload, then EOF. */
    FAKE_SILENT,            /* Never answers GET_FEATURES. */
};

struct fake {
    int fd;
    enum fake_mode mode;
    uint64_t features;          /* Offered. */
    uint64_t protocol_features; /* Offered. */
    uint64_t max_qp;
    bool truncate_mem;          /* ftruncate() the memfd to 0 (a hostile
                                 * back-end trying to SIGBUS us). */
    pthread_t thread;

    uint32_t log[256];
    int log_fds[256];
    int n_log;
    uint64_t acked_features, acked_protocol, status;
    uint8_t *map;
    uint64_t map_gpa, map_uaddr, map_size;
    struct vu_vring_addr addr[8];
    uint32_t num[8];
    int enabled[8];
    uint16_t last_avail[8];     /* Split: next avail index; packed: next
                                 * slot to read, with its wrap counter; */
    bool avail_wrap[8];
    uint16_t used_idx[8];       /* packed: next slot to write used to. */
    bool used_wrap[8];
    int mem_seals;              /* F_GET_SEALS of the memfd received. */
    int truncate_errno;         /* What ftruncate() gave, 0 if it worked. */
};

static inline void
fake_init(struct fake *f, int fd, enum fake_mode mode)
{
    memset(f, 0, sizeof *f);
    f->fd = fd;
    f->mode = mode;
    f->features = (1ULL << VIRTIO_F_VERSION_1)
                  | (1ULL << VIRTIO_NET_F_MRG_RXBUF)
                  | (1ULL << VIRTIO_RING_F_EVENT_IDX)
                  | (1ULL << VHOST_USER_F_PROTOCOL_FEATURES);
    f->protocol_features = (1ULL << VU_PROTOCOL_F_MQ)
                           | (1ULL << VU_PROTOCOL_F_REPLY_ACK)
                           | (1ULL << VU_PROTOCOL_F_STATUS)
                           | (1ULL << 1);       /* LOG_SHMFD: not wanted. */
    f->max_qp = 1;
}

/* Reads exactly n bytes, collecting descriptors; false on EOF/error. */
static inline bool
fake_read(int fd, void *buf, size_t n, int *fds, int *n_fds)
{
    size_t got = 0;

    while (got < n) {
        char control[CMSG_SPACE(8 * sizeof(int))];
        struct iovec iov = { (char *) buf + got, n - got };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = control,
                              .msg_controllen = sizeof control };
        ssize_t r = recvmsg(fd, &msg, 0);

        if (r <= 0) {
            return false;
        }
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
             c = CMSG_NXTHDR(&msg, c)) {
            int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (int i = 0; i < k && *n_fds < 8; i++) {
                memcpy(&fds[(*n_fds)++], CMSG_DATA(c) + i * sizeof(int),
                       sizeof(int));
            }
        }
        got += r;
    }
    return true;
}

/* Sends 'len' bytes with descriptor 'pass_fd' attached (-1: none);
 * 'flags' for sendmsg() besides MSG_NOSIGNAL.  A peer that hung up or a
 * full socket is not an error here: the tests look at the other side. */
static inline void
fake_send_raw(int fd, const void *bytes, size_t len, int pass_fd, int flags)
{
    char control[CMSG_SPACE(sizeof(int))];
    /* sendmsg() only reads it (see vu_send()). */
    struct iovec iov = { (void *) (uintptr_t) bytes, len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

    if (pass_fd >= 0) {
        struct cmsghdr *c;

        memset(control, 0, sizeof control);
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    if (sendmsg(fd, &msg, MSG_NOSIGNAL | flags) < 0) {
        /* See above. */
    }
}

/* Sends one message: header 'req', 'flags', 'size', then the payload. */
static inline void
fake_send(int fd, uint32_t req, uint32_t flags, const void *payload,
          uint32_t size, int pass_fd)
{
    uint8_t buf[12 + 256];

    memcpy(buf, &req, 4);
    memcpy(buf + 4, &flags, 4);
    memcpy(buf + 8, &size, 4);
    memcpy(buf + 12, payload, size);
    fake_send_raw(fd, buf, 12 + size, pass_fd, 0);
}

static inline void
fake_reply_u64(struct fake *f, uint32_t req, uint64_t v)
{
    uint32_t flags = VU_VERSION | VU_FLAG_REPLY;

    switch (f->mode) {
    case FAKE_BAD_SIZE:
        if (req == VU_GET_FEATURES) {
            fake_send(f->fd, req, flags, &v, 4, -1);
            return;
        }
        break;
    case FAKE_BAD_VERSION:
        flags = 2 | VU_FLAG_REPLY;
        break;
    case FAKE_EXTRA_FD:
        fake_send(f->fd, req, flags, &v, 8, 0);  /* Our stdin. */
        return;
    case FAKE_WRONG_REQUEST:
        req = VU_GET_QUEUE_NUM;
        break;
    case FAKE_NO_REPLY_FLAG:
        flags = VU_VERSION;
        break;
    case FAKE_HUGE_SIZE: {
        uint8_t hdr[12];
        uint32_t size = 0xffffffffu;

        memcpy(hdr, &req, 4);
        memcpy(hdr + 4, &flags, 4);
        memcpy(hdr + 8, &size, 4);
        if (write(f->fd, hdr, sizeof hdr) < 0) {
            return;
        }
        return;
    }
    default:
        break;
    }
    fake_send(f->fd, req, flags, &v, 8, -1);
}

static inline bool fake_packed(const struct fake *f);

static inline uint8_t *
fake_ptr(struct fake *f, uint64_t uaddr, uint64_t len)
{
    if (!f->map || uaddr < f->map_uaddr
        || uaddr - f->map_uaddr > f->map_size
        || len > f->map_size - (uaddr - f->map_uaddr)) {
        return NULL;
    }
    return f->map + (uaddr - f->map_uaddr);
}

/* Handles one request; false to stop serving. */
static inline bool
fake_handle(struct fake *f, const uint8_t *hdr, uint8_t *payload,
            int *fds, int n_fds)
{
    uint32_t req, flags, size;
    uint64_t u64 = 0;

    memcpy(&req, hdr, 4);
    memcpy(&flags, hdr + 4, 4);
    memcpy(&size, hdr + 8, 4);
    if (size >= 8) {
        memcpy(&u64, payload, 8);
    }
    if (f->n_log < 256) {
        f->log_fds[f->n_log] = n_fds;
        f->log[f->n_log++] = req;
    }
    switch (req) {
    case VU_GET_FEATURES:
        if (f->mode == FAKE_CLOSE_EARLY) {
            return false;
        }
        if (f->mode == FAKE_SILENT) {
            return true;
        }
        if (f->mode == FAKE_TRUNCATED) {
            uint8_t buf[16];
            uint32_t rflags = VU_VERSION | VU_FLAG_REPLY, rsize = 8;

            memcpy(buf, &req, 4);
            memcpy(buf + 4, &rflags, 4);
            memcpy(buf + 8, &rsize, 4);
            memset(buf + 12, 0, 4);
            if (write(f->fd, buf, 16) < 0) {
                return false;
            }
            return false;
        }
        fake_reply_u64(f, req, f->features);
        return true;
    case VU_GET_PROTOCOL_FEATURES:
        fake_reply_u64(f, req, f->protocol_features);
        return true;
    case VU_GET_QUEUE_NUM:
        fake_reply_u64(f, req, f->max_qp);
        return true;
    case VU_SET_FEATURES:
        f->acked_features = u64;
        break;
    case VU_SET_PROTOCOL_FEATURES:
        f->acked_protocol = u64;
        break;
    case VU_SET_STATUS:
        f->status = u64;
        break;
    case VU_SET_MEM_TABLE:
        if (n_fds == 1) {
            f->mem_seals = fcntl(fds[0], F_GET_SEALS);
            if (f->truncate_mem) {
                f->truncate_errno = ftruncate(fds[0], 0) ? errno : 0;
            }
        }
        if (n_fds == 1 && size >= 8 + 32) {
            struct vu_region r;

            memcpy(&r, payload + 8, sizeof r);
            f->map = mmap(NULL, r.memory_size + r.mmap_offset,
                          PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
            if (f->map == MAP_FAILED) {
                f->map = NULL;
            } else {
                f->map += r.mmap_offset;
                f->map_uaddr = r.userspace_addr;
                f->map_gpa = r.guest_phys_addr;
                f->map_size = r.memory_size;
            }
        }
        break;
    case VU_SET_VRING_NUM:
    case VU_SET_VRING_BASE:
    case VU_SET_VRING_ENABLE: {
        struct vu_vring_state s;

        memcpy(&s, payload, sizeof s);
        if (s.index < 8) {
            if (req == VU_SET_VRING_NUM) {
                f->num[s.index] = s.num;
            } else if (req == VU_SET_VRING_ENABLE) {
                f->enabled[s.index] = s.num;
            } else if (fake_packed(f)) {
                /* Bits 0-14 the index, bit 15 the wrap counter. */
                f->last_avail[s.index] = f->used_idx[s.index]
                    = s.num & 0x7fff;
                f->avail_wrap[s.index] = f->used_wrap[s.index]
                    = s.num >> 15;
            } else {
                f->last_avail[s.index] = s.num;
            }
        }
        break;
    }
    case VU_SET_VRING_ADDR: {
        struct vu_vring_addr a;

        memcpy(&a, payload, sizeof a);
        if (a.index < 8) {
            f->addr[a.index] = a;
        }
        break;
    }
    case VU_GET_VRING_BASE: {
        struct vu_vring_state s;

        memcpy(&s, payload, sizeof s);
        s.num = s.index < 8 ? f->last_avail[s.index] : 0;
        fake_send(f->fd, req, VU_VERSION | VU_FLAG_REPLY, &s, sizeof s, -1);
        return true;
    }
    default:
        break;
    }
    if (flags & VU_FLAG_NEED_REPLY) {
        fake_reply_u64(f, req, f->mode == FAKE_NACK_MEM
                               && req == VU_SET_MEM_TABLE);
    }
    return true;
}

static inline void *
fake_serve(void *f_)
{
    struct fake *f = f_;

    for (;;) {
        uint8_t hdr[12], payload[512];
        int fds[8], n_fds = 0;
        uint32_t size;
        bool go_on;

        if (!fake_read(f->fd, hdr, 12, fds, &n_fds)) {
            break;
        }
        memcpy(&size, hdr + 8, 4);
        if (size > sizeof payload
            || !fake_read(f->fd, payload, size, fds, &n_fds)) {
            break;
        }
        go_on = fake_handle(f, hdr, payload, fds, n_fds);
        for (int i = 0; i < n_fds; i++) {
            close(fds[i]);
        }
        if (!go_on) {
            break;
        }
    }
    close(f->fd);
    f->fd = -1;
    return NULL;
}

static inline void
fake_start(struct fake *f)
{
    pthread_create(&f->thread, NULL, fake_serve, f);
}

static inline void
fake_join(struct fake *f)
{
    pthread_join(f->thread, NULL);
}

static inline void
fake_unmap(struct fake *f)
{
    if (f->map) {
        munmap(f->map, f->map_size);
        f->map = NULL;
    }
}

/* Device side of ring 'r': the parts, mapped. */
static inline struct vring_desc *
fake_desc(struct fake *f, int r)
{
    return (void *) fake_ptr(f, f->addr[r].desc, 16 * f->num[r]);
}

static inline struct vring_avail *
fake_avail(struct fake *f, int r)
{
    return (void *) fake_ptr(f, f->addr[r].avail, 6 + 2 * f->num[r]);
}

static inline struct vring_used *
fake_used(struct fake *f, int r)
{
    return (void *) fake_ptr(f, f->addr[r].used, 6 + 8 * f->num[r]);
}

/* Packed layout: the descriptor ring. */
static inline struct vring_packed_desc *
fake_pdesc(struct fake *f, int r)
{
    return (void *) fake_ptr(f, f->addr[r].desc, 16 * f->num[r]);
}

static inline bool
fake_packed(const struct fake *f)
{
    return f->acked_features & (1ULL << VIRTIO_F_RING_PACKED);
}

/* Takes the next buffer the driver made available on ring 'r': its id,
 * its memory (as mapped here; NULL if the address is outside the table)
 * and its length.  False if there is none. */
static inline bool
fake_take_avail(struct fake *f, int r, uint16_t *id, uint8_t **p,
                uint32_t *len)
{
    uint64_t addr;

    if (fake_packed(f)) {
        struct vring_packed_desc *d = &fake_pdesc(f, r)[f->last_avail[r]];
        uint16_t flags = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE);
        bool avail = flags & VRING_PACKED_DESC_F_AVAIL;
        bool used = flags & VRING_PACKED_DESC_F_USED;

        if (avail != f->avail_wrap[r] || used == f->avail_wrap[r]) {
            return false;
        }
        *id = d->id;
        addr = d->addr;
        *len = d->len;
        if (++f->last_avail[r] == f->num[r]) {
            f->last_avail[r] = 0;
            f->avail_wrap[r] = !f->avail_wrap[r];
        }
    } else {
        struct vring_avail *a = fake_avail(f, r);
        struct vring_desc *d = fake_desc(f, r);

        if (f->last_avail[r] == __atomic_load_n(&a->idx, __ATOMIC_ACQUIRE)) {
            return false;
        }
        *id = a->ring[f->last_avail[r]++ & (f->num[r] - 1)];
        addr = d[*id].addr;
        *len = d[*id].len;
    }
    *p = fake_ptr(f, addr - f->map_gpa + f->map_uaddr, *len);
    return true;
}

/* Returns buffer 'id' to the driver on ring 'r' as used, with 'len'
 * bytes written: the next used element (split) or descriptor (packed).
 * Any id, in any order: the fake does what it is told. */
static inline void
fake_put_used(struct fake *f, int r, uint32_t id, uint32_t len)
{
    if (fake_packed(f)) {
        struct vring_packed_desc *d = &fake_pdesc(f, r)[f->used_idx[r]];
        uint16_t flags = f->used_wrap[r] ? VRING_PACKED_DESC_F_AVAIL
                                           | VRING_PACKED_DESC_F_USED : 0;

        d->id = id;
        d->len = len;
        __atomic_store_n(&d->flags, flags, __ATOMIC_RELEASE);
        if (++f->used_idx[r] == f->num[r]) {
            f->used_idx[r] = 0;
            f->used_wrap[r] = !f->used_wrap[r];
        }
    } else {
        struct vring_used *u = fake_used(f, r);
        uint16_t idx = u->idx;

        u->ring[idx & (f->num[r] - 1)].id = id;
        u->ring[idx & (f->num[r] - 1)].len = len;
        __atomic_store_n(&u->idx, (uint16_t) (idx + 1), __ATOMIC_RELEASE);
    }
}

/* Consumes every available TX buffer of ring 'r': calls 'fn' on each
 * frame (header stripped) and returns it used.  Returns the count. */
static inline int
fake_tx_drain(struct fake *f, int r, void (*fn)(const uint8_t *, uint32_t,
                                                void *), void *aux)
{
    uint16_t id;
    uint8_t *p;
    uint32_t len;
    int n = 0;

    while (fake_take_avail(f, r, &id, &p, &len)) {
        if (p && len >= 12 && fn) {
            fn(p + 12, len - 12, aux);
        }
        fake_put_used(f, r, id, 0);
        n++;
    }
    return n;
}

/* Writes one frame into the next available RX buffer of ring 'r'.
 * Returns false if none is available. */
static inline bool
fake_rx_push(struct fake *f, int r, const uint8_t *frame, uint32_t len)
{
    uint16_t id, one = 1;
    uint32_t room;
    uint8_t *p;

    if (!fake_take_avail(f, r, &id, &p, &room)) {
        return false;
    }
    if (!p || room < 12 + len) {
        return false;
    }
    memset(p, 0, 12);
    memcpy(p + 10, &one, 2);
    memcpy(p + 12, frame, len);
    fake_put_used(f, r, id, 12 + len);
    return true;
}

#endif /* tests/unit/vhost-fake.h */
