/* fuzz-vhost-ring.c: libFuzzer target for what a back-end writes into the
 * shared rings (vhost/virtq.c), in both layouts, with the queues' own
 * buffers (the copying tools) or with buffers from a pool (zero-copy).
 *
 * Input: a configuration byte (bit 0 packed, bit 1 MRG_RXBUF, bit 2
 * zero-copy, bits 3-4 ring size 4 << n), then 8-byte operations: a device
 * that writes anything anywhere in the rings and buffers, or behaves, and
 * a driver that transmits, polls, reclaims and refills.  After every
 * operation: every descriptor id is either free or in flight, once; every
 * buffer is in exactly one place (the pool or the queue's own free list,
 * or one id of one ring); every frame handed out lies inside its buffer;
 * and a broken queue, reset as a lost device is, gives every buffer back. */
#include <config.h>

#include "lib/diag.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/vhost-check.h"
#include "vhost/mem.h"
#include "vhost/proto.h"
#include "vhost/virtq.h"

#define BUF_SIZE 256

struct setup {
    bool ready;
    struct vmem mem;
    struct virtq rxq, txq;
    struct vpool pool;          /* Zero-copy only: for both queues. */
};

/* The device side, as a well-behaved back-end keeps it. */
struct device {
    uint16_t last_avail[2];
    bool avail_wrap[2];
    uint16_t used_idx[2];
    bool used_wrap[2];
};

static struct setup setups[32];

static void
orphan(void *pool, uint8_t *buf)
{
    vpool_put(pool, buf);
}

static struct setup *
get_setup(uint8_t cfg)
{
    struct setup *s = &setups[cfg & 31];
    bool zc = cfg & 4;
    uint16_t num = 4 << ((cfg >> 3) & 3);
    struct diag d;

    if (s->ready) {
        return s;
    }
    diag_init(&d);
    if (vmem_create(&s->mem, 2 * virtq_mem_size(num, BUF_SIZE, !zc)
                    + 2u * num * BUF_SIZE + 128, VMEM_PAGES_4K, &d)
        || virtq_init(&s->rxq, &s->mem, 0, num, true, BUF_SIZE, !zc, &d)
        || virtq_init(&s->txq, &s->mem, 1, num, false, BUF_SIZE, !zc, &d)
        || (zc && vpool_init(&s->pool, &s->mem, 2u * num, BUF_SIZE, &d))) {
        fprintf(stderr, "setup: %s\n", d.msg);
        abort();
    }
    s->ready = true;
    return s;
}

static void
reset(struct setup *s, struct virtq *q)
{
    virtq_reset(q, q->bufs ? NULL : orphan, &s->pool);
}

/* The invariants of vhost-check.h, after every operation. */
static void
check(const struct setup *s, bool zc)
{
    const struct virtq *queues[2] = { &s->rxq, &s->txq };
    char why[160] = "";
    bool good = true;

    for (int i = 0; i < 2; i++) {
        good &= check_ids(queues[i], why, sizeof why);
        if (!zc) {
            good &= check_own(queues[i], why, sizeof why);
        }
    }
    if (zc) {
        good &= check_pool(&s->pool, queues, 2, why, sizeof why);
    }
    fuzz_check(good, "%s", why);
}

static void
check_frame(const struct virtq *q, const uint8_t *buf, uint32_t len,
            const uint8_t *base, size_t span)
{
    volatile uint8_t sum = 0;

    fuzz_check(buf >= base && buf + len <= base + span && len <= q->buf_size,
               "frame %p + %u", (const void *) buf, len);
    /* Touch it all: ASan sees anything past the region. */
    for (uint32_t i = 0; i < len; i++) {
        sum += buf[i];
    }
    (void) sum;
}

/* A well-behaved device: takes the next available buffer of 'q' and
 * returns it used with 'len' bytes.  False if none is available. */
static bool
device_serve(struct device *dv, struct virtq *q, uint32_t len)
{
    int r = !q->rx;
    uint16_t id;

    if (q->packed) {
        struct vring_packed_desc *d = &q->pdesc[dv->last_avail[r]];
        uint16_t f = d->flags;

        if (!!(f & VRING_PACKED_DESC_F_AVAIL) != dv->avail_wrap[r]
            || !!(f & VRING_PACKED_DESC_F_USED) == dv->avail_wrap[r]) {
            return false;
        }
        id = d->id;
        if (++dv->last_avail[r] == q->num) {
            dv->last_avail[r] = 0;
            dv->avail_wrap[r] = !dv->avail_wrap[r];
        }
        d = &q->pdesc[dv->used_idx[r]];
        d->id = id;
        d->len = len;
        d->flags = dv->used_wrap[r] ? VRING_PACKED_DESC_F_AVAIL
                                      | VRING_PACKED_DESC_F_USED : 0;
        if (++dv->used_idx[r] == q->num) {
            dv->used_idx[r] = 0;
            dv->used_wrap[r] = !dv->used_wrap[r];
        }
    } else {
        if (dv->last_avail[r] == q->avail->idx) {
            return false;
        }
        id = q->avail->ring[dv->last_avail[r]++ & (q->num - 1)];
        q->used->ring[q->used->idx & (q->num - 1)].id = id;
        q->used->ring[q->used->idx & (q->num - 1)].len = len;
        q->used->idx++;
    }
    return true;
}

static void
device_reset(struct device *dv, int r)
{
    dv->last_avail[r] = dv->used_idx[r] = 0;
    dv->avail_wrap[r] = dv->used_wrap[r] = true;
}

/* The driver's turn on 'q': receive or reclaim, then give buffers back. */
static void
driver_poll(struct setup *s, struct virtq *q, struct device *dv, bool zc)
{
    if (zc) {
        struct virtq_used used[128];
        int n = virtq_take(q, used, 128);

        for (int i = 0; i < n; i++) {
            if (q->rx) {
                check_frame(q, used[i].buf, used[i].len, s->pool.base,
                            (size_t) s->pool.n * s->pool.buf_size);
            }
            vpool_put(&s->pool, used[i].buf);
        }
        if (n < 0) {
            reset(s, q);
            device_reset(dv, !q->rx);
        }
        if (q->rx) {
            uint8_t *buf;

            while (virtq_room(q) && (buf = vpool_get(&s->pool))) {
                virtq_post(q, buf, 0);
            }
            virtq_flush(q);
        }
    } else if (q->rx) {
        struct virtq_pkt pkts[128];
        int n = virtq_rx_poll(q, pkts, 128);

        for (int i = 0; i < n; i++) {
            check_frame(q, pkts[i].data, pkts[i].len, q->bufs,
                        (size_t) q->num * q->buf_size);
        }
        if (n < 0) {
            reset(s, q);
            device_reset(dv, 0);
        }
        virtq_rx_refill(q);
    } else if (virtq_tx_reclaim(q) < 0) {
        reset(s, q);
        device_reset(dv, 1);
    }
}

static void
driver_send(struct setup *s, struct virtq *q, int n, uint8_t fill, bool zc)
{
    for (int k = 0; k < n && virtq_room(q); k++) {
        uint8_t *buf = zc ? vpool_get(&s->pool) : virtq_tx_slot(q);

        if (!buf) {
            break;
        }
        memset(zc ? buf + q->hdr_len : buf, fill, 60);
        if (zc) {
            virtq_post(q, buf, q->hdr_len + 60);
        } else {
            virtq_tx_put(q, buf, 60);
        }
    }
    virtq_flush(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    uint8_t cfg = fuzz_u8(&in);
    bool zc = cfg & 4;
    uint64_t features = (1ULL << VIRTIO_F_VERSION_1)
                        | (cfg & 1 ? 1ULL << VIRTIO_F_RING_PACKED : 0)
                        | (cfg & 2 ? 1ULL << VIRTIO_NET_F_MRG_RXBUF : 0);
    struct setup *s = get_setup(cfg);
    struct device dv;

    /* A new connection: what vhost/frontend.c's start_ring() does. */
    virtq_set_features(&s->rxq, features);
    virtq_set_features(&s->txq, features);
    reset(s, &s->rxq);
    reset(s, &s->txq);
    device_reset(&dv, 0);
    device_reset(&dv, 1);
    driver_poll(s, &s->rxq, &dv, zc);

    while (fuzz_more(&in)) {
        uint8_t op = fuzz_u8(&in), a = fuzz_u8(&in);
        uint16_t b = fuzz_u16(&in);
        uint32_t v = fuzz_u32(&in);
        struct virtq *q = op & 0x80 ? &s->txq : &s->rxq;
        uint16_t slot = a & (q->num - 1);

        switch (op & 7) {
        case 0:                 /* Used element or descriptor: id, len. */
            if (q->packed) {
                q->pdesc[slot].id = b;
                q->pdesc[slot].len = v;
            } else {
                q->used->ring[slot].id = b;
                q->used->ring[slot].len = v;
            }
            break;
        case 1:                 /* Used index, or a slot's flags. */
            if (q->packed) {
                q->pdesc[slot].flags = b;
            } else {
                q->used->idx = b;
            }
            break;
        case 2:                 /* A byte of any buffer (headers). */
            if (zc) {
                s->pool.base[v % (s->pool.n * s->pool.buf_size)] = a;
            } else {
                q->bufs[v % ((size_t) q->num * q->buf_size)] = a;
            }
            break;
        case 3:
            driver_poll(s, q, &dv, zc);
            break;
        case 4:
            driver_send(s, &s->txq, a % 8, a, zc);
            break;
        case 5:                 /* Notification wishes. */
            if (q->packed) {
                q->dev_event->flags = b;
            } else {
                q->used->flags = b;
            }
            break;
        case 6:                 /* Scribble on a descriptor. */
            if (q->packed) {
                q->pdesc[slot].addr = v;
            } else {
                q->desc[slot].addr = v;
                q->desc[slot].len = v;
            }
            break;
        default:                /* Behave: serve up to a % 8 buffers. */
            for (int k = 0; k < a % 8; k++) {
                if (!device_serve(&dv, q, v % (2 * BUF_SIZE))) {
                    break;
                }
            }
            break;
        }
        check(s, zc);
    }
    return 0;
}
