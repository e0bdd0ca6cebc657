/* proto.h: the vhost-user wire protocol, front-end side.
 *
 * Offers the message layout of QEMU's docs/interop/vhost-user.rst (a 12-byte
 * header, then a payload of 'size' bytes, with file descriptors carried as
 * SCM_RIGHTS ancillary data on the header), sending a request with its
 * descriptors, and receiving a reply that is checked before anything reads
 * it: version, reply flag, request code, payload size, and no descriptors
 * where none belong.  A failed check closes any received descriptors and
 * reports in a struct diag (NFV_ESYSTEM: the peer misbehaved or went
 * away); the caller ends the connection. */
#ifndef NFV_VHOST_PROTO_H
#define NFV_VHOST_PROTO_H 1

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diag;

enum vu_request {
    VU_GET_FEATURES = 1,
    VU_SET_FEATURES = 2,
    VU_SET_OWNER = 3,
    VU_RESET_OWNER = 4,
    VU_SET_MEM_TABLE = 5,
    VU_SET_LOG_BASE = 6,
    VU_SET_LOG_FD = 7,
    VU_SET_VRING_NUM = 8,
    VU_SET_VRING_ADDR = 9,
    VU_SET_VRING_BASE = 10,
    VU_GET_VRING_BASE = 11,
    VU_SET_VRING_KICK = 12,
    VU_SET_VRING_CALL = 13,
    VU_SET_VRING_ERR = 14,
    VU_GET_PROTOCOL_FEATURES = 15,
    VU_SET_PROTOCOL_FEATURES = 16,
    VU_GET_QUEUE_NUM = 17,
    VU_SET_VRING_ENABLE = 18,
    VU_SET_STATUS = 39,
    VU_GET_STATUS = 40,
    VU_REQUEST_MAX = 64,
};

/* Header flags. */
#define VU_VERSION 0x1u
#define VU_VERSION_MASK 0x3u
#define VU_FLAG_REPLY (1u << 2)
#define VU_FLAG_NEED_REPLY (1u << 3)

/* Virtio and vhost-user feature bits (GET/SET_FEATURES). */
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_MQ 22
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VHOST_USER_F_PROTOCOL_FEATURES 30
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_RING_PACKED 34

/* Protocol feature bits (GET/SET_PROTOCOL_FEATURES). */
#define VU_PROTOCOL_F_MQ 0
#define VU_PROTOCOL_F_REPLY_ACK 3
#define VU_PROTOCOL_F_STATUS 16

/* SET_VRING_KICK/CALL payload: ring index in bits 0-7, bit 8 "no fd". */
#define VU_VRING_IDX_MASK 0xffu
#define VU_VRING_NOFD (1u << 8)

#define VU_MAX_REGIONS 8
#define VU_MAX_FDS 8

/* Virtio device status bits (SET_STATUS). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8

struct vu_vring_state {
    uint32_t index;
    uint32_t num;
};

struct vu_vring_addr {
    uint32_t index;
    uint32_t flags;
    uint64_t desc;
    uint64_t used;
    uint64_t avail;
    uint64_t log;
};

struct vu_region {
    uint64_t guest_phys_addr;
    uint64_t memory_size;
    uint64_t userspace_addr;
    uint64_t mmap_offset;
};

struct vu_memory {
    uint32_t nregions;
    uint32_t padding;
    struct vu_region regions[VU_MAX_REGIONS];
};

#define VU_HDR_SIZE 12u

struct vu_msg {
    uint32_t request;
    uint32_t flags;
    uint32_t size;              /* Payload bytes that follow the header. */
    union {
        uint64_t u64;
        struct vu_vring_state state;
        struct vu_vring_addr addr;
        struct vu_memory mem;
        uint8_t raw[sizeof(struct vu_memory)];
    } payload;
} __attribute__((packed));

#define VU_MAX_PAYLOAD (sizeof ((struct vu_msg *) 0)->payload)

/* The request's name for messages, "request 99" for unknown codes
 * (a static buffer: only for error paths). */
const char *vu_request_name(uint32_t request);

/* Fills the header of 'm' for 'request' with 'size' payload bytes. */
void vu_msg_init(struct vu_msg *m, uint32_t request, uint32_t size);

/* Sends 'm' with 'n_fds' descriptors.  Returns 0 or a positive errno. */
int vu_send(int sock, const struct vu_msg *m, const int *fds, int n_fds);

/* Receives one message, waiting at most 'timeout_ms' in all (a signal
 * does not restart the wait; *stop, when 'stop' is not NULL, ends it).
 * Descriptors that arrive go to fds[] (up to VU_MAX_FDS; *n_fds says how
 * many).  Returns 0, or a diag status with the message in 'd' (the peer
 * closed, timed out, truncated, oversized or versionless message, or a
 * stop); on error every received descriptor is closed. */
int vu_recv(int sock, struct vu_msg *m, int *fds, int *n_fds,
            int timeout_ms, const volatile sig_atomic_t *stop,
            struct diag *d);

/* The payload size a reply to 'request' must have, or -1 if the request
 * takes no reply (other than REPLY_ACK's u64). */
int vu_reply_size(uint32_t request);

/* Checks that 'reply' answers 'request' and carries no descriptors.
 * Returns 0 if so; otherwise a diag status with the message in 'd'. */
int vu_reply_check(uint32_t request, const struct vu_msg *reply,
                   int n_fds, struct diag *d);

/* Waits until 'fd' is readable, for at most 'timeout_ms' in all (-1:
 * forever), whatever signals arrive, unless *stop (when 'stop' is not
 * NULL) is set.  Returns 0 when readable, ETIMEDOUT, EINTR after a stop,
 * or another errno. */
int vu_wait_readable(int fd, int timeout_ms,
                     const volatile sig_atomic_t *stop);

/* Closes n descriptors. */
void vu_close_fds(int *fds, int n);

#endif /* vhost/proto.h */
