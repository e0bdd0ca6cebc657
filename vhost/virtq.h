/* virtq.h: a virtio 1.x virtqueue, driver (front-end) side, in either
 * layout the back-end agrees to: split (a descriptor table, an avail ring
 * and a used ring) or packed (VIRTIO_F_RING_PACKED: one descriptor ring
 * that both sides write, and two event suppression areas).  The layout is
 * chosen per connection (virtq_set_features()), so the ring memory is laid
 * out for the larger of the two.
 *
 * Buffers: a queue carries buffers of 'buf_size' bytes (virtio-net header
 * first) that live in the shared region.  It either owns one buffer per
 * entry (the copying tools: virtq_tx_slot/put, virtq_rx_refill/poll), or
 * carries buffers its caller posts and takes back (zero-copy forwarding:
 * virtq_post/virtq_take, with the buffers in a pool shared by several
 * queues).  Either way a buffer is handed to the device under a free
 * descriptor id, and the driver-private table of ids says which buffer
 * each id carries: nothing the back-end writes is ever used as an
 * address, and descriptors are rewritten whole on every post.
 *
 * Everything the back-end writes (the used index or the used flags, used
 * ids and lengths, the virtio-net header's buffer count) is checked before
 * use: an id out of range or not in flight (a duplicate), a used index
 * that runs ahead of what is in flight, or a length beyond the buffer
 * marks the queue broken (q->why says how), and the caller drops the
 * connection.  A broken queue hands out nothing more.  Each shared field
 * is read once (no double fetch).
 *
 * Poll mode: the driver asks for no interrupts (VRING_AVAIL_F_NO_INTERRUPT,
 * or a disabled driver event area), and writes the kick eventfd only when
 * the back-end has not asked to be left alone (VRING_USED_F_NO_NOTIFY, or
 * a disabled device event area). */
#ifndef NFV_VHOST_VIRTQ_H
#define NFV_VHOST_VIRTQ_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

struct vmem;

/* Split layout (virtio 1.1, 2.6). */
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vring_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];            /* num entries, then used_event. */
};

struct vring_used_elem {
    uint32_t id;
    uint32_t len;
};

struct vring_used {
    uint16_t flags;
    uint16_t idx;
    struct vring_used_elem ring[];      /* num entries, then avail_event. */
};

/* Packed layout (virtio 1.1, 2.7). */
#define VRING_PACKED_DESC_F_AVAIL (1u << 7)
#define VRING_PACKED_DESC_F_USED (1u << 15)
#define VRING_PACKED_EVENT_ENABLE 0
#define VRING_PACKED_EVENT_DISABLE 1

struct vring_packed_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t id;
    uint16_t flags;
};

struct vring_packed_event {
    uint16_t off_wrap;
    uint16_t flags;
};

struct virtq_stats {
    uint64_t packets;           /* Sent (tx) or received (rx). */
    uint64_t bytes;
    uint64_t kicks;
    uint64_t bad_hdr;           /* RX frames dropped for a bad header. */
};

struct virtq {
    uint16_t index;             /* Ring index on the device: 2*qp (+1 tx). */
    uint16_t num;               /* Ring size, a power of two. */
    bool rx;                    /* Device writes buffers (receiveq). */
    bool packed;                /* Layout of the current connection. */
    uint32_t buf_size;
    uint32_t hdr_len;           /* virtio-net header: 12, or 10 legacy. */
    bool mrg_rxbuf;             /* Header has num_buffers to check. */

    /* Shared with the device.  Split: desc, avail, used.  Packed: the
     * descriptor ring is 'pdesc' (where 'desc' was), the driver event
     * area 'drv_event' (where 'avail' was) and the device event area
     * 'dev_event' (where 'used' was). */
    struct vring_desc *desc;
    struct vring_avail *avail;
    struct vring_used *used;
    struct vring_packed_desc *pdesc;
    struct vring_packed_event *drv_event, *dev_event;

    /* Driver-private state: never in shared memory. */
    uint8_t **id_buf;           /* Per id: the buffer in flight, or NULL. */
    uint16_t *free_ids;
    uint16_t n_free_ids;
    uint16_t n_dev;             /* Ids in flight. */
    uint16_t posted;            /* Buffers posted, modulo 2^16 */
    uint16_t published;         /* and how many of them the device sees. */
    uint16_t last_used;         /* Split: next used element to read. */
    uint16_t next_avail;        /* Packed: next slot to post to, */
    uint16_t next_used;         /* next slot to read used from, */
    bool avail_wrap, used_wrap; /* and their wrap counters. */
    uint16_t head_slot;         /* Packed: first unpublished slot, whose */
    uint16_t head_flags;        /* flags are written at flush. */
    uint8_t *bufs;              /* Own buffers (num of them), or NULL. */
    uint8_t **pool;             /* Own buffers not in flight. */
    uint16_t n_pool;
    int kick_fd;                /* -1: back-end polls. */
    int call_fd;

    bool broken;
    struct diag why;            /* Why it broke. */
    struct virtq_stats stats;
};

/* A received frame: valid until the next virtq_rx_refill(). */
struct virtq_pkt {
    uint8_t *data;
    uint32_t len;
};

/* A buffer the device has used: its start (the header) and the length
 * the device reported (tx: whatever it says, unchecked; rx: checked to
 * fit the buffer and hold the header). */
struct virtq_used {
    uint8_t *buf;
    uint32_t len;
};

/* Bytes of shared memory one queue of 'num' entries needs, with its own
 * buffers or without ('own_bufs' false: the caller posts buffers). */
size_t virtq_mem_size(uint16_t num, uint32_t buf_size, bool own_bufs);

/* Lays out a queue in 'mem'.  Returns 0, or a diag status ('num' not a
 * power of two in 1..32768, or no room). */
int virtq_init(struct virtq *, struct vmem *, uint16_t index, uint16_t num,
               bool rx, uint32_t buf_size, bool own_bufs, struct diag *);
void virtq_destroy(struct virtq *);

/* Sets the layout and the virtio-net header from the negotiated features.
 * Call before virtq_reset() when a connection starts. */
void virtq_set_features(struct virtq *, uint64_t features);

/* Forgets everything in flight and zeroes the rings, as after a device
 * reset: every own buffer is the driver's again.  Buffers posted with
 * virtq_post() that were in flight are handed to 'orphan' (may be NULL)
 * so their owner can take them back. */
void virtq_reset(struct virtq *, void (*orphan)(void *aux, uint8_t *buf),
                 void *aux);

/* The value for SET_VRING_BASE on a fresh ring: 0, or for the packed
 * layout index 0 with the wrap counter (bit 15) set. */
uint32_t virtq_base(const struct virtq *);

/* Publishes new buffers and kicks if the back-end wants it. */
void virtq_flush(struct virtq *);

/* Free ids: how many more buffers can be posted. */
static inline uint16_t
virtq_room(const struct virtq *q)
{
    return q->n_free_ids;
}

/* Buffers currently owned by the device. */
static inline uint16_t
virtq_in_flight(const struct virtq *q)
{
    return q->n_dev;
}

/* Zero-copy interface. */
/* Posts buffer 'buf' (buf_size bytes, header first): on a tx queue with
 * 'len' bytes to send (header included), on an rx queue for the device to
 * fill ('len' ignored).  The caller checks virtq_room() first.  Not seen by
 * the device until virtq_flush(). */
void virtq_post(struct virtq *, uint8_t *buf, uint32_t len);
/* Takes up to 'max' buffers the device has used.  Returns how many, or -1
 * when the device broke the ring. */
int virtq_take(struct virtq *, struct virtq_used *, int max);

/* Copying interface (queues with their own buffers). */
/* TX: takes back buffers the device has used.  Returns how many, or -1
 * when the device broke the ring (q->why says how). */
int virtq_tx_reclaim(struct virtq *);
/* TX: room for one frame (virtq_tx_room() bytes), or NULL. */
uint8_t *virtq_tx_slot(struct virtq *);
/* TX: returns an unused slot from virtq_tx_slot(). */
void virtq_tx_unget(struct virtq *, uint8_t *slot);
/* TX: queues the slot with a 'len'-byte frame (not yet published:
 * call virtq_flush()). */
void virtq_tx_put(struct virtq *, uint8_t *slot, uint32_t len);
static inline uint32_t
virtq_tx_room(const struct virtq *q)
{
    return q->buf_size - q->hdr_len;
}

/* RX: gives every free own buffer to the device and publishes them. */
void virtq_rx_refill(struct virtq *);
/* RX: up to 'max' received frames.  Returns the count, or -1 when the
 * device broke the ring. */
int virtq_rx_poll(struct virtq *, struct virtq_pkt *, int max);

#endif /* vhost/virtq.h */
