/* virtq.h: a virtio 1.x split virtqueue, driver (front-end) side.
 *
 * The rings and one packet buffer per descriptor live in the shared
 * region (mem.h); descriptor i always points at buffer i, so a buffer is
 * identified by its descriptor id and nothing the back-end writes is ever
 * used as an address.  Everything else the back-end writes (the used
 * index, used element ids and lengths, the virtio-net header's buffer
 * count) is checked before use: an index that runs ahead of what is in
 * flight, an id out of range or not in flight (a duplicate), or a length
 * beyond the buffer marks the queue broken, and the caller drops the
 * connection.  Poll mode: interrupts are suppressed with
 * VRING_AVAIL_F_NO_INTERRUPT, and the kick eventfd is written only when
 * the back-end has not set VRING_USED_F_NO_NOTIFY. */
#ifndef NFV_VHOST_VIRTQ_H
#define NFV_VHOST_VIRTQ_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmem;

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
    struct vring_desc *desc;
    struct vring_avail *avail;
    struct vring_used *used;
    uint8_t *bufs;
    uint32_t buf_size;
    uint32_t hdr_len;           /* virtio-net header: 12, or 10 legacy. */
    bool mrg_rxbuf;             /* Header has num_buffers to check. */

    /* Driver-private state: never in shared memory. */
    uint16_t *free_ids;
    uint16_t n_free;
    uint8_t *in_flight;         /* Per id: handed to the device. */
    uint16_t n_dev;             /* How many ids are in flight. */
    uint16_t avail_idx;         /* Next avail slot (shadow of avail->idx). */
    uint16_t published;         /* avail->idx as last published. */
    uint16_t last_used;
    int kick_fd;                /* -1: back-end polls. */
    int call_fd;

    bool broken;
    char err[160];
    struct virtq_stats stats;
};

/* A received frame: valid until the next virtq_rx_refill(). */
struct virtq_pkt {
    uint8_t *data;
    uint32_t len;
};

/* Bytes of shared memory one queue of 'num' entries needs. */
size_t virtq_mem_size(uint16_t num, uint32_t buf_size);

/* Lays out a queue in 'mem'.  Returns 0, or -1 with a message in 'err'
 * ('num' not a power of two in 1..32768, or no room). */
int virtq_init(struct virtq *, struct vmem *, uint16_t index, uint16_t num,
               bool rx, uint32_t buf_size, char *err, size_t err_size);
void virtq_destroy(struct virtq *);

/* Forgets everything in flight and zeroes the rings, as after a device
 * reset: every buffer is the driver's again. */
void virtq_reset(struct virtq *);

/* Sets the virtio-net header length from the negotiated features. */
void virtq_set_features(struct virtq *, uint64_t features);

/* Publishes new avail entries and kicks if the back-end wants it. */
void virtq_flush(struct virtq *);

/* TX: takes back buffers the device has used.  Returns how many, or -1
 * when the device broke the ring (q->err says how). */
int virtq_tx_reclaim(struct virtq *);
/* TX: a free buffer to fill (room: buf_size - hdr_len bytes), or NULL. */
uint8_t *virtq_tx_slot(struct virtq *, uint16_t *id);
/* TX: returns an unused slot from virtq_tx_slot(). */
void virtq_tx_unget(struct virtq *, uint16_t id);
/* TX: queues the buffer 'id' with a 'len'-byte frame (not yet published:
 * call virtq_flush()). */
void virtq_tx_put(struct virtq *, uint16_t id, uint32_t len);
static inline uint32_t
virtq_tx_room(const struct virtq *q)
{
    return q->buf_size - q->hdr_len;
}

/* RX: gives every free buffer to the device and publishes them. */
void virtq_rx_refill(struct virtq *);
/* RX: up to 'max' received frames.  Returns the count, or -1 when the
 * device broke the ring. */
int virtq_rx_poll(struct virtq *, struct virtq_pkt *, int max);

/* Buffers currently owned by the device. */
static inline uint16_t
virtq_in_flight(const struct virtq *q)
{
    return q->n_dev;
}

#endif /* vhost/virtq.h */
