/* fuzz-vhost.c: libFuzzer target for what a vhost-user back-end can send
 * the front-end: byte streams on the socket (vhost/proto.c's framing and
 * reply checks) and writes into the shared used rings (vhost/virtq.c's
 * validation).  The first input byte picks which.
 *
 * Build and run (tests/vhost-fuzz.sh does this in 'make check'):
 *   clang -fsanitize=fuzzer,address,undefined ... fuzz-vhost.c vhost/...
 *   ./fuzz-vhost -runs=20000 -max_len=4096
 *
 * Invariants checked with abort(): every frame handed out lies inside the
 * queue's buffers, a buffer is never both free and in flight, and the
 * counts of free and in-flight buffers always add up to the ring size. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/diag.h"
#include "vhost/mem.h"
#include "vhost/proto.h"
#include "vhost/virtq.h"

#define RING 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_messages(const uint8_t *data, size_t size)
{
    int sv[2];

    if (size > 8192
        || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        return;
    }
    if (size && write(sv[1], data, size) != (ssize_t) size) {
        close(sv[0]);
        close(sv[1]);
        return;
    }
    close(sv[1]);
    for (;;) {
        struct vu_msg m;
        int fds[VU_MAX_FDS], n_fds;
        struct diag d;

        diag_init(&d);
        if (vu_recv(sv[0], &m, fds, &n_fds, 0, NULL, &d)) {
            break;
        }
        if (m.size > VU_MAX_PAYLOAD || n_fds) {
            abort();
        }
        for (uint32_t req = 0; req < 42; req++) {
            diag_init(&d);
            if (!vu_reply_check(req, &m, n_fds, &d)
                && (m.request != req
                    || m.size != (uint32_t) (vu_reply_size(req) < 0
                                             ? 8 : vu_reply_size(req)))) {
                abort();
            }
        }
    }
    close(sv[0]);
}

static void
check_queue(const struct virtq *q)
{
    uint16_t in_flight = 0;
    uint8_t seen[RING] = { 0 };

    for (int i = 0; i < RING; i++) {
        in_flight += q->id_buf[i] != NULL;
    }
    for (int i = 0; i < q->n_free_ids; i++) {
        uint16_t id = q->free_ids[i];

        if (id >= RING || seen[id] || q->id_buf[id]) {
            abort();
        }
        seen[id] = 1;
    }
    if (in_flight != q->n_dev || q->n_dev > RING || q->n_free_ids > RING
        || in_flight + q->n_free_ids != RING) {
        abort();
    }
}

static void
check_pkt(const struct virtq *q, const struct virtq_pkt *p)
{
    const uint8_t *end = q->bufs + (size_t) RING * q->buf_size;

    if (p->data < q->bufs || p->data > end || p->len > q->buf_size
        || p->len > (size_t) (end - p->data)) {
        abort();
    }
    /* Touch it all: ASan would see anything past the region. */
    volatile uint8_t sum = 0;
    for (uint32_t i = 0; i < p->len; i++) {
        sum += p->data[i];
    }
    (void) sum;
}

/* Plays a device that writes the used ring as the input says. */
static void
fuzz_ring(const uint8_t *data, size_t size)
{
    static struct vmem mem;
    static struct virtq rxq, txq;
    static bool ready;
    struct diag d;

    diag_init(&d);
    if (!ready) {
        if (vmem_create(&mem, 2 * virtq_mem_size(RING, 256, true),
                        VMEM_PAGES_4K, &d)
            || virtq_init(&rxq, &mem, 0, RING, true, 256, true, &d)
            || virtq_init(&txq, &mem, 1, RING, false, 256, true, &d)) {
            fprintf(stderr, "setup: %s\n", d.msg);
            abort();
        }
        ready = true;
    }
    virtq_reset(&rxq, NULL, NULL);
    virtq_reset(&txq, NULL, NULL);
    virtq_set_features(&rxq, data[0] & 1 ? 1ULL << VIRTIO_NET_F_MRG_RXBUF
                                         : 1ULL << VIRTIO_F_VERSION_1);
    virtq_rx_refill(&rxq);

    for (size_t i = 1; i + 6 <= size; i += 6) {
        const uint8_t *op = data + i;
        struct virtq *q = op[0] & 0x80 ? &txq : &rxq;
        struct virtq_pkt pkts[RING];
        uint32_t v;
        int n;

        memcpy(&v, op + 2, 4);
        switch (op[0] & 7) {
        case 0:                 /* Used element: id, len. */
            q->used->ring[op[1] & (RING - 1)].id = v & 0xffff;
            q->used->ring[op[1] & (RING - 1)].len = v >> 16;
            break;
        case 1:                 /* Used index. */
            q->used->idx = v;
            break;
        case 2:                 /* A byte of any buffer (headers). */
            q->bufs[v % ((size_t) RING * q->buf_size)] = op[1];
            break;
        case 3:                 /* Driver: poll or reclaim. */
            if (q->rx) {
                n = virtq_rx_poll(q, pkts, RING);
                for (int k = 0; k < n; k++) {
                    check_pkt(q, &pkts[k]);
                }
                virtq_rx_refill(q);
            } else {
                n = virtq_tx_reclaim(q);
            }
            if (n < 0) {
                virtq_reset(q, NULL, NULL); /* What vhost_dev_lost() does. */
                if (q->rx) {
                    virtq_rx_refill(q);
                }
            }
            break;
        case 4: {               /* Driver: transmit op[1] % 4 frames. */
            for (int k = 0; k < op[1] % 4; k++) {
                uint8_t *slot = virtq_tx_slot(&txq);

                if (!slot) {
                    break;
                }
                memset(slot, op[1], 60);
                virtq_tx_put(&txq, slot, 60);
            }
            virtq_flush(&txq);
            break;
        }
        case 5:                 /* Used flags (notification wishes). */
            q->used->flags = v;
            break;
        default:                /* Scribble on the descriptor table. */
            q->desc[op[1] & (RING - 1)].addr = v;
            q->desc[op[1] & (RING - 1)].len = v;
            break;
        }
        check_queue(&rxq);
        check_queue(&txq);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }
    if (data[0] & 0x80) {
        fuzz_ring(data, size);
    } else {
        fuzz_messages(data + 1, size - 1);
    }
    return 0;
}
