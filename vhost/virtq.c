/* virtq.c: split and packed virtqueues, driver side, with checks on
 * everything the device writes (see virtq.h). */
#include <config.h>

#include "vhost/virtq.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "vhost/mem.h"
#include "vhost/proto.h"

#define VIRTIO_NET_HDR_LEN 12
#define VIRTIO_NET_HDR_LEN_LEGACY 10

/* The split layout is the larger one: the packed descriptor ring (16 bytes
 * a slot) fits where the descriptor table is, each event area (4 bytes)
 * where the avail and used rings are. */
static size_t
desc_size(uint16_t num)
{
    return 16u * num;
}

static size_t
avail_size(uint16_t num)
{
    return 6u + 2u * num;
}

static size_t
used_size(uint16_t num)
{
    return 6u + 8u * num;
}

size_t
virtq_mem_size(uint16_t num, uint32_t buf_size, bool own_bufs)
{
    /* Each ring part page-aligned, as QEMU lays them out; generous. */
    return 3 * 4096 + desc_size(num) + avail_size(num) + used_size(num)
           + (own_bufs ? (size_t) num * buf_size : 0) + 64;
}

int
virtq_init(struct virtq *q, struct vmem *mem, uint16_t index, uint16_t num,
           bool rx, uint32_t buf_size, bool own_bufs, struct diag *d)
{
    memset(q, 0, sizeof *q);
    q->kick_fd = q->call_fd = -1;
    if (!num || (num & (num - 1)) || num > 32768) {
        return diag_error(d, NFV_EINPUT, "ring size %u is not a power of "
                          "two between 1 and 32768", num);
    }
    q->index = index;
    q->num = num;
    q->rx = rx;
    q->buf_size = buf_size;
    q->hdr_len = VIRTIO_NET_HDR_LEN;
    q->desc = vmem_alloc(mem, desc_size(num), 4096);
    q->avail = vmem_alloc(mem, avail_size(num), 4096);
    q->used = vmem_alloc(mem, used_size(num), 4096);
    if (own_bufs) {
        q->bufs = vmem_alloc(mem, (size_t) num * buf_size, 64);
    }
    if (!q->desc || !q->avail || !q->used || (own_bufs && !q->bufs)) {
        return diag_error(d, NFV_ESYSTEM, "shared region too small for "
                          "ring %u", index);
    }
    q->pdesc = (struct vring_packed_desc *) q->desc;
    q->drv_event = (struct vring_packed_event *) q->avail;
    q->dev_event = (struct vring_packed_event *) q->used;
    q->id_buf = xcalloc(num, sizeof *q->id_buf);
    q->free_ids = xmalloc(num * sizeof *q->free_ids);
    if (own_bufs) {
        q->pool = xmalloc(num * sizeof *q->pool);
    }
    virtq_reset(q, NULL, NULL);
    return 0;
}

void
virtq_destroy(struct virtq *q)
{
    free(q->id_buf);
    free(q->free_ids);
    free(q->pool);
    diag_destroy(&q->why);
    q->id_buf = q->pool = NULL;
    q->free_ids = NULL;
}

void
virtq_set_features(struct virtq *q, uint64_t features)
{
    bool v1 = features & (1ULL << VIRTIO_F_VERSION_1);

    q->packed = features & (1ULL << VIRTIO_F_RING_PACKED);
    q->mrg_rxbuf = features & (1ULL << VIRTIO_NET_F_MRG_RXBUF);
    q->hdr_len = v1 || q->mrg_rxbuf ? VIRTIO_NET_HDR_LEN
                                    : VIRTIO_NET_HDR_LEN_LEGACY;
}

void
virtq_reset(struct virtq *q, void (*orphan)(void *, uint8_t *), void *aux)
{
    memset(q->desc, 0, desc_size(q->num));
    memset(q->avail, 0, avail_size(q->num));
    memset(q->used, 0, used_size(q->num));
    for (uint16_t i = 0; i < q->num; i++) {
        if (q->id_buf[i] && !q->bufs && orphan) {
            orphan(aux, q->id_buf[i]);
        }
        q->id_buf[i] = NULL;
        q->free_ids[i] = q->num - 1 - i;
    }
    q->n_free_ids = q->num;
    q->n_dev = 0;
    q->posted = q->published = q->last_used = 0;
    q->next_avail = q->next_used = 0;
    q->avail_wrap = q->used_wrap = true;    /* Both start at 1 (2.7.1). */
    if (q->bufs) {
        for (uint16_t i = 0; i < q->num; i++) {
            q->pool[i] = q->bufs + (size_t) (q->num - 1 - i) * q->buf_size;
        }
        q->n_pool = q->num;
    }
    /* We poll the used side: no interrupts, please. */
    if (q->packed) {
        q->drv_event->flags = VRING_PACKED_EVENT_DISABLE;
    } else {
        q->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
    }
    q->broken = false;
    diag_destroy(&q->why);
}

uint32_t
virtq_base(const struct virtq *q)
{
    return q->packed ? 1u << 15 : 0;
}

static void
kick(struct virtq *q)
{
    uint64_t one = 1;

    if (q->kick_fd >= 0 && write(q->kick_fd, &one, sizeof one) > 0) {
        q->stats.kicks++;
    }
}

/* Does the device want a kick?  Read after a full fence, so that our
 * publishing store and this load cannot pass each other and both sides
 * miss the other (virtio 1.1, 2.6.13 and 2.7.21). */
static bool
device_wants_kick(const struct virtq *q)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (q->packed) {
        return __atomic_load_n(&q->dev_event->flags, __ATOMIC_RELAXED)
               != VRING_PACKED_EVENT_DISABLE;
    }
    return !(__atomic_load_n(&q->used->flags, __ATOMIC_RELAXED)
             & VRING_USED_F_NO_NOTIFY);
}

void
virtq_flush(struct virtq *q)
{
    if (q->published == q->posted) {
        return;
    }
    if (q->packed) {
        /* The first new descriptor's flags last: the device, which reads
         * the ring in order, then sees the whole batch at once. */
        __atomic_store_n(&q->pdesc[q->head_slot].flags, q->head_flags,
                         __ATOMIC_RELEASE);
    } else {
        __atomic_store_n(&q->avail->idx, q->posted, __ATOMIC_RELEASE);
    }
    q->published = q->posted;
    if (device_wants_kick(q)) {
        kick(q);
    }
}

/* Hands 'buf' to the device under a free id. */
static void
post(struct virtq *q, uint8_t *buf, uint32_t len)
{
    uint16_t id = q->free_ids[--q->n_free_ids];
    uint16_t flags = q->rx ? VRING_DESC_F_WRITE : 0;

    q->id_buf[id] = buf;
    q->n_dev++;
    if (q->packed) {
        struct vring_packed_desc *d = &q->pdesc[q->next_avail];

        /* Every field rewritten: the device writes used descriptors over
         * this ring, and must never steer us to another address. */
        flags |= q->avail_wrap ? VRING_PACKED_DESC_F_AVAIL
                               : VRING_PACKED_DESC_F_USED;
        d->addr = (uint64_t) (uintptr_t) buf;
        d->len = len;
        d->id = id;
        if (q->posted == q->published) {
            q->head_slot = q->next_avail;
            q->head_flags = flags;
        } else {
            __atomic_store_n(&d->flags, flags, __ATOMIC_RELEASE);
        }
        if (++q->next_avail == q->num) {
            q->next_avail = 0;
            q->avail_wrap = !q->avail_wrap;
        }
    } else {
        struct vring_desc *d = &q->desc[id];

        /* Rewrite the whole descriptor: the device could have scribbled
         * on the shared table. */
        d->addr = (uint64_t) (uintptr_t) buf;
        d->len = len;
        d->flags = flags;
        d->next = 0;
        q->avail->ring[q->posted & (q->num - 1)] = id;
    }
    q->posted++;
}

static int __attribute__((format(printf, 2, 3)))
fail(struct virtq *q, const char *fmt, ...)
{
    va_list args;
    char msg[sizeof q->why.msg];

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    q->broken = true;
    diag_error(&q->why, NFV_ESYSTEM, "ring %u: %s", q->index, msg);
    return -1;
}

/* Checks one used element the device reported and takes its buffer back
 * from the id table.  Returns the buffer, or NULL if the device broke the
 * ring. */
static uint8_t *
take_id(struct virtq *q, uint32_t id, uint32_t len)
{
    uint8_t *buf;

    if (id >= q->num) {
        fail(q, "used id %u out of range (ring size %u)", id, q->num);
        return NULL;
    }
    buf = q->id_buf[id];
    if (!buf) {
        fail(q, "used id %u returned but not in flight", id);
        return NULL;
    }
    if (q->rx && (len > q->buf_size || len < q->hdr_len)) {
        fail(q, "used length %u does not fit a %u-byte buffer with its "
             "header", len, q->buf_size);
        return NULL;
    }
    q->id_buf[id] = NULL;
    q->free_ids[q->n_free_ids++] = id;
    q->n_dev--;
    return buf;
}

static int
take_split(struct virtq *q, struct virtq_used *out, int max)
{
    uint16_t idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
    uint16_t n = idx - q->last_used;

    if (n > q->n_dev) {
        return fail(q, "used index advanced by %u with only %u buffers in "
                    "flight", n, q->n_dev);
    }
    if (n > max) {
        n = max;
    }
    for (int i = 0; i < n; i++) {
        struct vring_used_elem *e
            = &q->used->ring[q->last_used & (q->num - 1)];
        /* Read each field once: the device may change it under us. */
        uint32_t id = __atomic_load_n(&e->id, __ATOMIC_RELAXED);
        uint32_t len = __atomic_load_n(&e->len, __ATOMIC_RELAXED);

        out[i].buf = take_id(q, id, len);
        if (!out[i].buf) {
            return i ? i : -1;
        }
        out[i].len = len;
        q->last_used++;
    }
    return n;
}

static int
take_packed(struct virtq *q, struct virtq_used *out, int max)
{
    int n = 0;

    /* Only slots with buffers in flight can hold used descriptors: a
     * device marking more is not looked at. */
    while (n < max && q->n_dev) {
        struct vring_packed_desc *d = &q->pdesc[q->next_used];
        uint16_t flags = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE);
        bool avail = flags & VRING_PACKED_DESC_F_AVAIL;
        bool used = flags & VRING_PACKED_DESC_F_USED;
        uint16_t id;
        uint32_t len;

        if (avail != used || used != q->used_wrap) {
            break;
        }
        id = __atomic_load_n(&d->id, __ATOMIC_RELAXED);
        len = __atomic_load_n(&d->len, __ATOMIC_RELAXED);
        out[n].buf = take_id(q, id, len);
        if (!out[n].buf) {
            return n ? n : -1;
        }
        out[n].len = len;
        n++;
        if (++q->next_used == q->num) {
            q->next_used = 0;
            q->used_wrap = !q->used_wrap;
        }
    }
    return n;
}

/* Takes up to 'max' used buffers.  A violation marks the queue broken:
 * the buffers validly used before it are still handed out (their owner
 * needs them back), and every later call returns -1. */
static int
take(struct virtq *q, struct virtq_used *out, int max)
{
    if (q->broken) {
        return -1;
    }
    return q->packed ? take_packed(q, out, max) : take_split(q, out, max);
}

void
virtq_post(struct virtq *q, uint8_t *buf, uint32_t len)
{
    post(q, buf, q->rx ? q->buf_size : len);
    if (!q->rx) {
        q->stats.packets++;
        q->stats.bytes += len - q->hdr_len;
    }
}

int
virtq_take(struct virtq *q, struct virtq_used *out, int max)
{
    int n = take(q, out, max);

    if (q->rx && n > 0) {
        q->stats.packets += n;
        for (int i = 0; i < n; i++) {
            q->stats.bytes += out[i].len - q->hdr_len;
        }
    }
    return n;
}

int
virtq_tx_reclaim(struct virtq *q)
{
    struct virtq_used used[64];
    int total = 0, n;

    do {
        n = take(q, used, 64);
        if (n < 0) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            q->pool[q->n_pool++] = used[i].buf;
        }
        total += n;
    } while (n == 64);
    return total;
}

uint8_t *
virtq_tx_slot(struct virtq *q)
{
    if (!q->n_pool || !q->n_free_ids) {
        return NULL;
    }
    return q->pool[--q->n_pool] + q->hdr_len;
}

void
virtq_tx_unget(struct virtq *q, uint8_t *slot)
{
    q->pool[q->n_pool++] = slot - q->hdr_len;
}

void
virtq_tx_put(struct virtq *q, uint8_t *slot, uint32_t len)
{
    uint8_t *hdr = slot - q->hdr_len;

    /* No offloads: an all-zero header (num_buffers is 0 on transmit). */
    memset(hdr, 0, q->hdr_len);
    post(q, hdr, q->hdr_len + len);
    q->stats.packets++;
    q->stats.bytes += len;
}

void
virtq_rx_refill(struct virtq *q)
{
    while (q->n_pool && q->n_free_ids) {
        post(q, q->pool[--q->n_pool], q->buf_size);
    }
    virtq_flush(q);
}

int
virtq_rx_poll(struct virtq *q, struct virtq_pkt *pkts, int max)
{
    struct virtq_used used[64];
    int n, got = 0;

    if (max > 64) {
        max = 64;
    }
    n = take(q, used, max);
    for (int i = 0; i < n; i++) {
        uint8_t *buf = used[i].buf;

        q->pool[q->n_pool++] = buf;
        if (q->mrg_rxbuf) {
            uint16_t nbufs;

            memcpy(&nbufs, buf + 10, sizeof nbufs);
            if (nbufs != 1) {
                /* Our buffers hold any frame whole; a chain means the
                 * device is confused.  Drop the frame, keep the ring. */
                q->stats.bad_hdr++;
                continue;
            }
        }
        pkts[got].data = buf + q->hdr_len;
        pkts[got].len = used[i].len - q->hdr_len;
        q->stats.packets++;
        q->stats.bytes += pkts[got].len;
        got++;
    }
    return n < 0 ? -1 : got;
}
