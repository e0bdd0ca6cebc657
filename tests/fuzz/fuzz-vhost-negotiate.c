/* fuzz-vhost-negotiate.c: libFuzzer target for the whole vhost-user
 * negotiation (vhost/frontend.c), through a socketpair, against a scripted
 * back-end that sends whatever bytes and file descriptors the input says,
 * truncates the shared memory, writes into the rings, and hangs up.
 *
 * Input: a configuration byte (bit 0 split rings only, bit 1 two queue
 * pairs, bits 2-3 ring size 8 << n), then records: an operation byte, a
 * length byte and that many bytes of data.
 *   0  the back-end sends 'data' (the front-end reads replies only when it
 *      expects one, with no waiting: what was sent is what it gets)
 *   1  the same with a descriptor attached (data[0] % 3: an eventfd,
 *      /dev/null, a memfd)
 *   2  the front-end negotiates and starts the rings over the pending
 *      connection (vhost_dev_attach); the back-end then reads every
 *      request, keeping the memory table's descriptor and mapping it
 *   3  the back-end ftruncate()s that memfd to the u32 in 'data'
 *   4  the back-end writes 'data' into the shared region at a u32 offset
 *   5  the front-end sends a frame, reclaims, receives and refills
 *   6  the front-end checks the connection (vhost_dev_alive)
 *   7  the front-end stops the rings (vhost_dev_stop)
 *   8  the back-end hangs up, and a new connection is pending (what the
 *      back-end sends from here on is for it)
 * Checked: nothing crashes (a truncated region would SIGBUS us: the memfd
 * must arrive sealed, and the truncation must fail), the negotiated
 * features are ones the back-end offered, and after the device is
 * destroyed no descriptor is left open.  No DPDK runs here.  Seeds: real
 * negotiations with dpdk-testpmd and ovs-vswitchd (both run with
 * --no-pci), captured with tests/fuzz/capture-vhost.py (see
 * tests/fuzz/README). */
#include <config.h>

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/diag.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/vhost-check.h"
#include "tests/unit/vhost-fake.h"
#include "vhost/frontend.h"
#include "vhost/pkt.h"
#include "vhost/proto.h"

struct backend {
    int sock;                   /* Our end of the socketpair, */
    int pending;                /* and the front-end's until attached. */
    int memfd;                  /* The memory table's, once received. */
    uint8_t *map;
    size_t map_size;
};

static int
make_fd(uint8_t kind)
{
    switch (kind % 3) {
    case 0:
        return eventfd(0, EFD_CLOEXEC);
    case 1:
        return open("/dev/null", O_RDONLY | O_CLOEXEC);
    default: {
        int fd = memfd_create("fuzz", MFD_CLOEXEC);

        if (fd >= 0 && ftruncate(fd, 4096)) {
            close(fd);
            return -1;
        }
        return fd;
    }
    }
}

static void
send_bytes(struct backend *be, const uint8_t *p, size_t n, int fd)
{
    /* Never block: a full socket is the front-end's problem to notice. */
    if (n && be->sock >= 0) {
        fake_send_raw(be->sock, p, n, fd, MSG_DONTWAIT);
    }
    if (fd >= 0) {
        close(fd);
    }
}

/* Reads every request the front-end has sent; keeps a memfd and maps it
 * (the front-end's whole region: it sends one). */
static void
read_requests(struct backend *be)
{
    for (;;) {
        char buf[4096];
        char control[CMSG_SPACE(8 * sizeof(int))];
        struct iovec iov = { buf, sizeof buf };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = control,
                              .msg_controllen = sizeof control };
        ssize_t n = be->sock < 0 ? -1
                    : recvmsg(be->sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

        if (n <= 0) {
            return;
        }
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
             c = CMSG_NXTHDR(&msg, c)) {
            int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

            for (int i = 0; i < k; i++) {
                int fd, seals;
                struct stat st;

                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                seals = fcntl(fd, F_GET_SEALS);
                if (seals < 0 || be->memfd >= 0 || fstat(fd, &st)) {
                    close(fd);      /* An eventfd, or a second memfd. */
                    continue;
                }
                fuzz_check((seals & (F_SEAL_SHRINK | F_SEAL_GROW
                                     | F_SEAL_SEAL))
                           == (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
                           "the memory table's memfd is not sealed (%#x)",
                           seals);
                be->memfd = fd;
                be->map_size = st.st_size;
                be->map = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE,
                               MAP_SHARED, fd, 0);
                if (be->map == MAP_FAILED) {
                    be->map = NULL;
                }
            }
        }
    }
}

static void
traffic(struct vhost_dev *dev)
{
    struct virtq *tx = &dev->txq[0], *rx = &dev->rxq[0];
    struct virtq_pkt pkts[64];
    struct pkt_template t;
    struct pkt_flow flow;
    uint8_t *slot;
    int n;

    if (!vhost_dev_connected(dev)) {
        return;
    }
    pkt_flow_default(&flow);
    pkt_template_init(&t, &flow, 64);
    if ((slot = virtq_tx_slot(tx))) {
        pkt_stamp(slot, &t, 1, 2, 0);
        virtq_tx_put(tx, slot, t.len);
        virtq_flush(tx);
    }
    if (virtq_tx_reclaim(tx) < 0) {
        vhost_dev_lost(dev, tx->why.msg);
        return;
    }
    n = virtq_rx_poll(rx, pkts, 64);
    if (n < 0) {
        vhost_dev_lost(dev, rx->why.msg);
        return;
    }
    for (int i = 0; i < n; i++) {
        uint64_t seq, ts;

        fuzz_check(pkts[i].len <= rx->buf_size, "frame of %u", pkts[i].len);
        pkt_parse(pkts[i].data, pkts[i].len, &seq, &ts);
    }
    virtq_rx_refill(rx);
}

static void
check_features(const struct vhost_dev *dev)
{
    fuzz_check(!(dev->features & ~dev->backend_features),
               "negotiated %#llx, offered %#llx",
               (unsigned long long) dev->features,
               (unsigned long long) dev->backend_features);
    fuzz_check(dev->features & (1ULL << VIRTIO_F_VERSION_1), "no VERSION_1");
    fuzz_check(!(dev->opts.layout == VHOST_RING_SPLIT
                 && dev->features & (1ULL << VIRTIO_F_RING_PACKED)),
               "packed rings against the layout option");
}

/* Hangs up (if connected) and makes the next connection, pending. */
static bool
new_connection(struct backend *be)
{
    int sv[2];

    if (be->sock >= 0) {
        close(be->sock);
    }
    if (be->pending >= 0) {
        close(be->pending);
    }
    be->sock = be->pending = -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        return false;
    }
    be->pending = sv[0];
    be->sock = sv[1];
    return true;
}

static void
run(struct fuzz_in *in, struct vhost_dev *dev, struct backend *be)
{
    while (fuzz_more(in)) {
        uint8_t op = fuzz_u8(in);
        size_t len;
        const uint8_t *data = fuzz_bytes(in, fuzz_u8(in), &len);
        uint32_t u32 = 0;

        memcpy(&u32, data, len < 4 ? len : 4);
        switch (op % 9) {
        case 0:
            send_bytes(be, data, len, -1);
            break;
        case 1:
            send_bytes(be, data, len, make_fd(len ? data[0] : 0));
            break;
        case 2:
            if (be->pending >= 0 && !vhost_dev_connected(dev)) {
                int fd = be->pending;

                be->pending = -1;
                if (!vhost_dev_attach(dev, fd, NULL)) {
                    check_features(dev);
                }
                read_requests(be);
            }
            break;
        case 3:
            if (be->memfd >= 0) {
                fuzz_check(ftruncate(be->memfd, u32) < 0,
                           "the back-end resized our memory to %u", u32);
            }
            break;
        case 4:
            if (be->map && be->map_size) {
                size_t off = u32 % be->map_size;
                size_t n = len > 4 ? len - 4 : 0;

                if (n > be->map_size - off) {
                    n = be->map_size - off;
                }
                memcpy(be->map + off, data + 4, n);
            }
            break;
        case 5:
            traffic(dev);
            break;
        case 6:
            vhost_dev_alive(dev);
            break;
        case 7:
            vhost_dev_stop(dev);
            read_requests(be);
            break;
        default:
            if (!new_connection(be)) {
                return;
            }
            break;
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    uint8_t cfg = fuzz_u8(&in);
    struct vhost_opts o = {
        .path = "fuzz", .pages = VMEM_PAGES_4K, .reply_timeout_ms = -1,
        .layout = cfg & 1 ? VHOST_RING_SPLIT : VHOST_RING_AUTO,
        .queue_pairs = cfg & 2 ? 2 : 1, .ring_size = 8 << ((cfg >> 2) & 3),
    };
    struct backend be = { .sock = -1, .pending = -1, .memfd = -1 };
    int fds_before = count_fds();
    struct vhost_dev *dev;
    struct diag d;

    diag_init(&d);
    dev = vhost_dev_create(&o, &d);
    fuzz_check(dev != NULL, "%s", d.msg);
    if (new_connection(&be)) {
        run(&in, dev, &be);
    }
    vhost_dev_destroy(dev);
    if (be.pending >= 0) {
        close(be.pending);
    }
    if (be.map) {
        munmap(be.map, be.map_size);
    }
    if (be.memfd >= 0) {
        close(be.memfd);
    }
    if (be.sock >= 0) {
        close(be.sock);
    }
    fuzz_check(count_fds() == fds_before, "descriptors leaked: %d, were %d",
               count_fds(), fds_before);
    return 0;
}
