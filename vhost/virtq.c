/* virtq.c: split virtqueue, driver side, with checks on everything the
 * device writes (see virtq.h). */
#include "vhost/virtq.h"

#include <errno.h>
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
virtq_mem_size(uint16_t num, uint32_t buf_size)
{
    /* Each ring part page-aligned, as QEMU lays them out; generous. */
    return 3 * 4096 + desc_size(num) + avail_size(num) + used_size(num)
           + (size_t) num * buf_size + 64;
}

int
virtq_init(struct virtq *q, struct vmem *mem, uint16_t index, uint16_t num,
           bool rx, uint32_t buf_size, char *err, size_t err_size)
{
    memset(q, 0, sizeof *q);
    q->kick_fd = q->call_fd = -1;
    if (!num || (num & (num - 1)) || num > 32768) {
        snprintf(err, err_size, "ring size %u is not a power of two "
                 "between 1 and 32768", num);
        return -1;
    }
    q->index = index;
    q->num = num;
    q->rx = rx;
    q->buf_size = buf_size;
    q->hdr_len = VIRTIO_NET_HDR_LEN;
    q->desc = vmem_alloc(mem, desc_size(num), 4096);
    q->avail = vmem_alloc(mem, avail_size(num), 4096);
    q->used = vmem_alloc(mem, used_size(num), 4096);
    q->bufs = vmem_alloc(mem, (size_t) num * buf_size, 64);
    if (!q->desc || !q->avail || !q->used || !q->bufs) {
        snprintf(err, err_size, "shared region too small for ring %u", index);
        return -1;
    }
    q->free_ids = xmalloc(num * sizeof *q->free_ids);
    q->in_flight = xcalloc(num, 1);
    virtq_reset(q);
    return 0;
}

void
virtq_destroy(struct virtq *q)
{
    free(q->free_ids);
    free(q->in_flight);
    q->free_ids = NULL;
    q->in_flight = NULL;
}

void
virtq_reset(struct virtq *q)
{
    memset(q->desc, 0, desc_size(q->num));
    memset(q->avail, 0, avail_size(q->num));
    memset(q->used, 0, used_size(q->num));
    memset(q->in_flight, 0, q->num);
    for (uint16_t i = 0; i < q->num; i++) {
        q->free_ids[i] = q->num - 1 - i;
        q->desc[i].addr = (uint64_t) (uintptr_t) (q->bufs
                                                  + (size_t) i * q->buf_size);
    }
    q->n_free = q->num;
    q->n_dev = 0;
    q->avail_idx = q->published = q->last_used = 0;
    /* We poll the used ring: no interrupts, please. */
    q->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
    q->broken = false;
    q->err[0] = '\0';
}

void
virtq_set_features(struct virtq *q, uint64_t features)
{
    bool v1 = features & (1ULL << VIRTIO_F_VERSION_1);

    q->mrg_rxbuf = features & (1ULL << VIRTIO_NET_F_MRG_RXBUF);
    q->hdr_len = v1 || q->mrg_rxbuf ? VIRTIO_NET_HDR_LEN
                                    : VIRTIO_NET_HDR_LEN_LEGACY;
}

static void
kick(struct virtq *q)
{
    uint64_t one = 1;

    if (q->kick_fd >= 0 && write(q->kick_fd, &one, sizeof one) > 0) {
        q->stats.kicks++;
    }
}

void
virtq_flush(struct virtq *q)
{
    if (q->published == q->avail_idx) {
        return;
    }
    __atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
    q->published = q->avail_idx;
    /* The device may be about to go to sleep: order our idx store before
     * the flags load, or both sides can miss the other (virtio 1.x 2.7.13). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!(__atomic_load_n(&q->used->flags, __ATOMIC_RELAXED)
          & VRING_USED_F_NO_NOTIFY)) {
        kick(q);
    }
}

static void
post(struct virtq *q, uint16_t id, uint32_t len, uint16_t flags)
{
    struct vring_desc *d = &q->desc[id];

    /* Rewrite the whole descriptor: the device could have scribbled on
     * the shared table, and it must never steer us to another address. */
    d->addr = (uint64_t) (uintptr_t) (q->bufs + (size_t) id * q->buf_size);
    d->len = len;
    d->flags = flags;
    d->next = 0;
    q->in_flight[id] = 1;
    q->n_dev++;
    q->avail->ring[q->avail_idx & (q->num - 1)] = id;
    q->avail_idx++;
}

static int __attribute__((format(printf, 2, 3)))
fail(struct virtq *q, const char *fmt, ...)
{
    va_list args;

    q->broken = true;
    va_start(args, fmt);
    vsnprintf(q->err, sizeof q->err, fmt, args);
    va_end(args);
    return -1;
}

/* Takes the next used element after validating it.  Returns the id, or
 * -1 if the device broke the ring. */
static int
take_used(struct virtq *q, uint32_t *lenp)
{
    struct vring_used_elem *e = &q->used->ring[q->last_used & (q->num - 1)];
    /* Read each field once: the device may change it under us. */
    uint32_t id = __atomic_load_n(&e->id, __ATOMIC_RELAXED);
    uint32_t len = __atomic_load_n(&e->len, __ATOMIC_RELAXED);

    if (id >= q->num) {
        return fail(q, "used ring: id %u out of range (ring size %u)",
                    id, q->num);
    }
    if (!q->in_flight[id]) {
        return fail(q, "used ring: id %u returned but not in flight "
                    "(used index %u)", id, q->last_used);
    }
    if (q->rx && (len > q->buf_size || len < q->hdr_len)) {
        return fail(q, "used ring: length %u does not fit a %u-byte "
                    "buffer with its header", len, q->buf_size);
    }
    q->in_flight[id] = 0;
    q->n_dev--;
    q->last_used++;
    *lenp = len;
    return id;
}

/* How many used elements are ready, after checking the used index. */
static int
used_ready(struct virtq *q)
{
    uint16_t idx;
    uint16_t n;

    if (q->broken) {
        return -1;
    }
    idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
    n = idx - q->last_used;
    if (n > q->n_dev) {
        return fail(q, "used index advanced by %u with only %u buffers "
                    "in flight", n, q->n_dev);
    }
    return n;
}

int
virtq_tx_reclaim(struct virtq *q)
{
    int n = used_ready(q);

    for (int i = 0; i < n; i++) {
        uint32_t len;
        int id = take_used(q, &len);

        if (id < 0) {
            return -1;
        }
        q->free_ids[q->n_free++] = id;
    }
    return n;
}

uint8_t *
virtq_tx_slot(struct virtq *q, uint16_t *id)
{
    if (!q->n_free) {
        return NULL;
    }
    *id = q->free_ids[--q->n_free];
    return q->bufs + (size_t) *id * q->buf_size + q->hdr_len;
}

void
virtq_tx_unget(struct virtq *q, uint16_t id)
{
    q->free_ids[q->n_free++] = id;
}

void
virtq_tx_put(struct virtq *q, uint16_t id, uint32_t len)
{
    uint8_t *hdr = q->bufs + (size_t) id * q->buf_size;

    /* No offloads: an all-zero header (num_buffers is 0 on transmit). */
    memset(hdr, 0, q->hdr_len);
    post(q, id, q->hdr_len + len, 0);
    q->stats.packets++;
    q->stats.bytes += len;
}

void
virtq_rx_refill(struct virtq *q)
{
    while (q->n_free) {
        post(q, q->free_ids[--q->n_free], q->buf_size, VRING_DESC_F_WRITE);
    }
    virtq_flush(q);
}

int
virtq_rx_poll(struct virtq *q, struct virtq_pkt *pkts, int max)
{
    int n = used_ready(q);
    int got = 0;

    if (n > max) {
        n = max;
    }
    for (int i = 0; i < n; i++) {
        uint8_t *buf;
        uint32_t len;
        int id = take_used(q, &len);

        if (id < 0) {
            return -1;
        }
        q->free_ids[q->n_free++] = id;
        buf = q->bufs + (size_t) id * q->buf_size;
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
        pkts[got].len = len - q->hdr_len;
        q->stats.packets++;
        q->stats.bytes += pkts[got].len;
        got++;
    }
    return got;
}
