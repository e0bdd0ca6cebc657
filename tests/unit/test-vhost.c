/* test-vhost.c: the vhost-user front-end against a scripted fake back-end
 * over a socketpair: message order and contents, descriptors, replies,
 * malformed replies, ring traffic both ways, used-ring validation, stop,
 * reconnect, server mode, and no descriptor leaks. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util.h"
#include "tests/unit/tap.h"
#include "tests/unit/vhost-check.h"
#include "tests/unit/vhost-fake.h"
#include "vhost/frontend.h"
#include "vhost/pin.h"
#include "vhost/pkt.h"

static struct vhost_dev *
new_dev(uint16_t ring_size)
{
    struct vhost_opts o = { .path = "unused", .ring_size = ring_size,
                            .pages = VMEM_PAGES_4K,
                            .reply_timeout_ms = 500 };
    struct diag d;
    struct vhost_dev *dev;

    diag_init(&d);
    dev = vhost_dev_create(&o, &d);
    if (!dev) {
        printf("Bail out! vhost_dev_create: %s\n", d.msg);
        exit(1);
    }
    return dev;
}

/* Connects 'dev' to a fake in 'mode' and returns attach's result. */
static int
attach_fake(struct vhost_dev *dev, struct fake *f, enum fake_mode mode)
{
    int sv[2];
    int r;

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    fake_init(f, sv[1], mode);
    fake_start(f);
    r = vhost_dev_attach(dev, sv[0], NULL);
    return r;
}

static void
test_negotiation(void)
{
    static const uint32_t want[] = {
        VU_SET_OWNER, VU_GET_FEATURES, VU_GET_PROTOCOL_FEATURES,
        VU_SET_PROTOCOL_FEATURES, VU_SET_FEATURES, VU_SET_MEM_TABLE,
        VU_SET_VRING_NUM, VU_SET_VRING_BASE, VU_SET_VRING_ADDR,
        VU_SET_VRING_CALL, VU_SET_VRING_KICK,
        VU_SET_VRING_NUM, VU_SET_VRING_BASE, VU_SET_VRING_ADDR,
        VU_SET_VRING_CALL, VU_SET_VRING_KICK,
        VU_SET_VRING_ENABLE, VU_SET_VRING_ENABLE, VU_SET_STATUS,
        /* vhost_dev_stop(): */
        VU_SET_VRING_ENABLE, VU_SET_VRING_ENABLE,
        VU_GET_VRING_BASE, VU_GET_VRING_BASE,
    };
    int fds_before = count_fds();
    struct vhost_dev *dev = new_dev(256);
    struct fake f;
    bool order = true;

    is_int(attach_fake(dev, &f, FAKE_OK), 0, "negotiation succeeds: %s",
           dev->why.msg);
    is_int(dev->features, (1ULL << VIRTIO_F_VERSION_1)
           | (1ULL << VIRTIO_NET_F_MRG_RXBUF)
           | (1ULL << VHOST_USER_F_PROTOCOL_FEATURES),
           "acks VERSION_1, MRG_RXBUF, PROTOCOL_FEATURES, not EVENT_IDX");
    vhost_dev_stop(dev);
    fake_join(&f);
    is_int(f.acked_features, dev->features, "back-end saw the same features");
    is_int(f.acked_protocol, (1ULL << VU_PROTOCOL_F_MQ)
           | (1ULL << VU_PROTOCOL_F_REPLY_ACK)
           | (1ULL << VU_PROTOCOL_F_STATUS),
           "protocol features: MQ, REPLY_ACK, STATUS (not LOG_SHMFD)");
    is_int(f.status, 15, "SET_STATUS reaches DRIVER_OK");
    is_int(f.n_log, (int) ARRAY_SIZE(want), "request count");
    for (int i = 0; i < f.n_log && i < (int) ARRAY_SIZE(want); i++) {
        if (f.log[i] != want[i]) {
            printf("# request %d: got %s, want %s\n", i,
                   vu_request_name(f.log[i]), vu_request_name(want[i]));
            order = false;
        }
    }
    ok(order, "message order as documented");
    is_int(f.log_fds[5], 1, "SET_MEM_TABLE carries one fd");
    is_int(f.log_fds[9] + f.log_fds[10], 2, "SET_VRING_CALL/KICK carry fds");
    is_int(f.log_fds[0] + f.log_fds[1] + f.log_fds[6], 0,
           "other messages carry none");
    is_int(f.num[0], 256, "ring size sent");
    ok(f.enabled[0] == 0 && f.enabled[1] == 0, "rings disabled on stop");
    ok(!vhost_dev_connected(dev), "stopped device is disconnected");
    fake_unmap(&f);
    vhost_dev_destroy(dev);
    is_int(count_fds(), fds_before, "no descriptor leaked");
}

static void
collect(const uint8_t *frame, uint32_t len, void *aux)
{
    uint64_t *seqs = aux, seq, ts;

    if (pkt_parse(frame, len, &seq, &ts) && seq < 1000) {
        seqs[seq]++;
    }
}

static void
test_traffic(void)
{
    struct vhost_dev *dev = new_dev(64);
    struct virtq *tx = &dev->txq[0], *rx = &dev->rxq[0];
    struct pkt_template t;
    struct pkt_flow flow;
    uint64_t seen[1000] = { 0 };
    struct virtq_pkt pkts[64];
    struct fake f;
    int sent = 0, got = 0, all_once = 1, n;

    attach_fake(dev, &f, FAKE_OK);
    pkt_flow_default(&flow);
    pkt_template_init(&t, &flow, 64);
    is_int(virtq_in_flight(rx), 64, "rx ring filled at start");
    /* 200 frames through a 64-entry ring: reclaim must recycle. */
    while (sent < 200) {
        uint8_t *slot;

        virtq_tx_reclaim(tx);
        while (sent < 200 && (slot = virtq_tx_slot(tx))) {
            pkt_stamp(slot, &t, sent++, 0, 0);
            virtq_tx_put(tx, slot, t.len);
        }
        virtq_flush(tx);
        fake_tx_drain(&f, 1, collect, seen);
    }
    is_int(virtq_tx_reclaim(tx), 8, "last batch (200 - 3 * 64) reclaimed");
    for (int i = 0; i < 200; i++) {
        all_once &= seen[i] == 1;
    }
    ok(all_once, "back-end got frames 0..199 once each");
    is_int(virtq_in_flight(tx), 0, "no tx buffer left in flight");

    for (int i = 0; i < 50; i++) {
        uint8_t frame[128];

        pkt_stamp(frame, &t, 500 + i, 0, 0);
        fake_rx_push(&f, 0, frame, t.len);
    }
    while ((n = virtq_rx_poll(rx, pkts, 64)) > 0) {
        for (int i = 0; i < n; i++) {
            uint64_t seq, ts;

            got += pkt_parse(pkts[i].data, pkts[i].len, &seq, &ts)
                   && seq == (uint64_t) 500 + got && pkts[i].len == t.len;
        }
        virtq_rx_refill(rx);
    }
    is_int(got, 50, "front-end received 50 frames in order");
    is_int(virtq_in_flight(rx), 64, "rx ring refilled");

    /* Malicious used ring: an id beyond the ring. */
    fake_put_used(&f, 0, 1000, 60);
    is_int(virtq_rx_poll(rx, pkts, 64), -1, "used id out of range caught");
    ok(strstr(rx->why.msg, "out of range") != NULL, "error says why: %s",
       rx->why.msg);
    vhost_dev_lost(dev, rx->why.msg);
    ok(!rx->broken && virtq_in_flight(rx) == 0 && virtq_room(tx) == 64
       && tx->n_pool == 64, "lost device: rings reset, every buffer ours "
       "again");
    fake_join(&f);
    fake_unmap(&f);

    /* Reconnect to a fresh back-end: same device, same memory. */
    is_int(attach_fake(dev, &f, FAKE_OK), 0, "reconnects: %s", dev->why.msg);
    is_int(dev->connects, 2, "second start counted");
    {
        uint8_t *slot = virtq_tx_slot(tx);
        uint16_t id;

        pkt_stamp(slot, &t, 7, 0, 0);
        virtq_tx_put(tx, slot, t.len);
        virtq_flush(tx);
        memset(seen, 0, sizeof seen);
        is_int(fake_tx_drain(&f, 1, collect, seen), 1,
               "traffic flows after reconnect");
        is_int(virtq_tx_reclaim(tx), 1, "and is reclaimed");

        /* Duplicate: two in flight, the same id returned twice. */
        for (int i = 0; i < 2; i++) {
            slot = virtq_tx_slot(tx);
            virtq_tx_put(tx, slot, t.len);
        }
        virtq_flush(tx);
        id = fake_avail(&f, 1)->ring[(f.last_avail[1] + 1) % 64];
        f.last_avail[1] += 2;
        fake_put_used(&f, 1, id, 0);
        fake_put_used(&f, 1, id, 0);
        /* The first return is legitimate and taken; the ring breaks at
         * the duplicate, and hands out nothing more. */
        is_int(virtq_tx_reclaim(tx), 1, "first return of the id taken");
        is_int(virtq_tx_reclaim(tx), -1, "duplicate used id caught");
        ok(strstr(tx->why.msg, "not in flight") != NULL, "%s", tx->why.msg);
        vhost_dev_lost(dev, tx->why.msg);
    }
    fake_join(&f);
    fake_unmap(&f);

    /* Used index running ahead of what is in flight. */
    attach_fake(dev, &f, FAKE_OK);
    __atomic_store_n(&fake_used(&f, 1)->idx, 5, __ATOMIC_RELEASE);
    is_int(virtq_tx_reclaim(tx), -1, "used index jump caught");
    ok(strstr(tx->why.msg, "advanced by 5") != NULL, "%s", tx->why.msg);
    /* Oversized RX length. */
    {
        struct vring_avail *a = fake_avail(&f, 0);
        uint16_t id = a->ring[0];

        fake_put_used(&f, 0, id, 4096);
        is_int(virtq_rx_poll(rx, pkts, 64), -1, "rx length beyond buffer "
               "caught");
    }
    vhost_dev_lost(dev, "test");
    fake_join(&f);
    fake_unmap(&f);
    vhost_dev_destroy(dev);
}

static void
test_malformed(void)
{
    static const struct {
        enum fake_mode mode;
        const char *expect;
    } cases[] = {
        { FAKE_BAD_SIZE, "4-byte payload" },
        { FAKE_BAD_VERSION, "version 2" },
        { FAKE_EXTRA_FD, "descriptor" },
        { FAKE_WRONG_REQUEST, "expected a reply to GET_FEATURES" },
        { FAKE_CLOSE_EARLY, "closed" },
        { FAKE_HUGE_SIZE, "claims a 4294967295-byte payload" },
        { FAKE_NACK_MEM, "refused SET_MEM_TABLE" },
        { FAKE_NO_REPLY_FLAG, "lacks the reply flag" },
        { FAKE_TRUNCATED, "cut short" },
        { FAKE_SILENT, "did not answer" },
    };
    int fds_before = count_fds();

    for (int i = 0; i < (int) ARRAY_SIZE(cases); i++) {
        struct vhost_dev *dev = new_dev(64);
        struct fake f;
        int r = attach_fake(dev, &f, cases[i].mode);

        is_int(r, NFV_ESYSTEM, "malformed case %d fails", i);
        ok(strstr(dev->why.msg, cases[i].expect) != NULL,
           "case %d error: %s", i, dev->why.msg);
        ok(!vhost_dev_connected(dev), "case %d: connection ended", i);
        fake_join(&f);
        fake_unmap(&f);
        vhost_dev_destroy(dev);
    }
    is_int(count_fds(), fds_before, "no descriptor leaked on error paths");
}

static void
test_no_version_1(void)
{
    struct vhost_dev *dev = new_dev(64);
    int sv[2];
    struct fake f;

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    fake_init(&f, sv[1], FAKE_OK);
    f.features = 1ULL << VIRTIO_NET_F_MRG_RXBUF;
    fake_start(&f);
    is_int(vhost_dev_attach(dev, sv[0], NULL), NFV_ESYSTEM, "legacy-only back-end refused");
    ok(strstr(dev->why.msg, "VIRTIO_F_VERSION_1") != NULL, "%s", dev->why.msg);
    fake_join(&f);
    vhost_dev_destroy(dev);
}

/* Issue 11, defect 3: a back-end that shrinks the shared memfd would make
 * every later access of ours to that memory a SIGBUS.  The region is sealed
 * against shrinking and growing before it is sent. */
static void
test_sealed_memory(void)
{
    struct vhost_dev *dev = new_dev(64);
    struct virtq *tx = &dev->txq[0];
    struct pkt_template t;
    struct pkt_flow flow;
    struct fake f;
    uint8_t *slot;
    int sv[2];

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    fake_init(&f, sv[1], FAKE_OK);
    f.truncate_mem = true;
    fake_start(&f);
    is_int(vhost_dev_attach(dev, sv[0], NULL), 0, "negotiation with a back-end "
           "that truncates the memfd: %s", dev->why.msg);
    is_int(f.mem_seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
           F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL,
           "memfd arrives sealed against shrink, grow and more seals");
    is_int(f.truncate_errno, EPERM, "the back-end's ftruncate() is refused");
    /* Before the fix this touched a truncated mapping: SIGBUS. */
    pkt_flow_default(&flow);
    pkt_template_init(&t, &flow, 64);
    slot = virtq_tx_slot(tx);
    pkt_stamp(slot, &t, 1, 0, 0);
    virtq_tx_put(tx, slot, t.len);
    virtq_flush(tx);
    ok(1, "our memory is still ours to write");
    vhost_dev_stop(dev);
    fake_join(&f);
    fake_unmap(&f);
    vhost_dev_destroy(dev);
}

static void
test_multiqueue(void)
{
    struct vhost_opts o = { .path = "x", .queue_pairs = 2, .ring_size = 64,
                            .pages = VMEM_PAGES_4K,
                            .reply_timeout_ms = 500 };
    struct diag d;
    struct vhost_dev *dev;
    struct fake f;
    int sv[2];

    diag_init(&d);
    dev = vhost_dev_create(&o, &d);

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    fake_init(&f, sv[1], FAKE_OK);
    fake_start(&f);
    is_int(vhost_dev_attach(dev, sv[0], NULL), NFV_ESYSTEM, "2 queue pairs on a 1-pair "
           "back-end refused");
    ok(strstr(dev->why.msg, "serves 1 queue pair") != NULL, "%s", dev->why.msg);
    fake_join(&f);
    fake_unmap(&f);

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    fake_init(&f, sv[1], FAKE_OK);
    f.max_qp = 4;
    fake_start(&f);
    is_int(vhost_dev_attach(dev, sv[0], NULL), 0, "2 queue pairs on 4: %s",
           dev->why.msg);
    ok(f.enabled[0] && f.enabled[1] && f.enabled[2] && f.enabled[3],
       "all four rings enabled");
    is_int(f.num[3], 64, "ring 3 configured");
    vhost_dev_stop(dev);
    fake_join(&f);
    fake_unmap(&f);
    vhost_dev_destroy(dev);
}

struct server_peer {
    char path[108];
    struct fake f;
};

static void *
server_peer_main(void *p_)
{
    struct server_peer *p = p_;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    strcpy(sun.sun_path, p->path);
    for (int i = 0; i < 100; i++) {
        if (!connect(fd, (struct sockaddr *) &sun, sizeof sun)) {
            break;
        }
        usleep(10000);
    }
    fake_init(&p->f, fd, FAKE_OK);
    fake_serve(&p->f);
    return NULL;
}

static void
test_server_mode(void)
{
    char dir[] = "/tmp/nfvhost-vhost-XXXXXX";
    struct server_peer peer;
    struct vhost_opts o = { .server = true, .ring_size = 64,
                            .pages = VMEM_PAGES_4K };
    struct vhost_dev *dev;
    struct diag d;
    pthread_t t;

    mkdtemp(dir);
    snprintf(peer.path, sizeof peer.path, "%s/sock", dir);
    o.path = peer.path;
    diag_init(&d);
    dev = vhost_dev_create(&o, &d);
    ok(dev != NULL, "server-mode device listens: %s", d.msg);
    pthread_create(&t, NULL, server_peer_main, &peer);
    is_int(vhost_dev_connect(dev, 2000, NULL), 0, "back-end connected to "
           "us: %s", dev->why.msg);
    ok(vhost_dev_alive(dev), "connection alive");
    vhost_dev_lost(dev, "test");
    pthread_join(t, NULL);
    fake_unmap(&peer.f);
    is_int(vhost_dev_connect(dev, 100, NULL), NFV_ESYSTEM,
           "no back-end: times out");
    ok(strstr(dev->why.msg, "no back-end connected") != NULL, "%s",
       dev->why.msg);
    vhost_dev_destroy(dev);
    ok(access(peer.path, F_OK) != 0, "socket removed on destroy");
    rmdir(dir);
}

/* Issue 11, defect 10: server mode replaces a socket file only when
 * nobody listens on it (connect() refused): a live one belongs to another
 * process, which would be cut off from its clients. */
static void
test_server_socket_in_use(void)
{
    char dir[] = "/tmp/nfvhost-vhost-XXXXXX";
    struct vhost_opts o = { .server = true, .ring_size = 64,
                            .pages = VMEM_PAGES_4K };
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct vhost_dev *dev;
    struct stat before, after;
    struct diag d;
    int fd, probe;

    mkdtemp(dir);
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s/live.sock", dir);
    o.path = sun.sun_path;
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(fd, (struct sockaddr *) &sun, sizeof sun);
    listen(fd, 1);
    stat(sun.sun_path, &before);

    diag_init(&d);
    dev = vhost_dev_create(&o, &d);
    ok(dev == NULL, "a socket another process listens on is refused");
    is_int(d.status, NFV_EINPUT, "as bad input (exit status 2)");
    ok(strstr(d.msg, "in use by another process") != NULL, "%s", d.msg);
    ok(!stat(sun.sun_path, &after) && after.st_ino == before.st_ino,
       "and the other process's socket is still there");
    probe = socket(AF_UNIX, SOCK_STREAM, 0);
    ok(!connect(probe, (struct sockaddr *) &sun, sizeof sun),
       "and still reaches it");
    close(probe);
    vhost_dev_destroy(dev);
    diag_destroy(&d);

    /* The same file once nobody listens: stale, replaced. */
    close(fd);
    diag_init(&d);
    dev = vhost_dev_create(&o, &d);
    ok(dev != NULL, "a stale socket (connect refused) is replaced: %s",
       d.msg);
    vhost_dev_destroy(dev);
    ok(access(sun.sun_path, F_OK) != 0, "and ours is removed on destroy");
    diag_destroy(&d);

    /* Not a socket at all: refused, left alone. */
    fd = open(sun.sun_path, O_CREAT | O_WRONLY, 0600);
    close(fd);
    diag_init(&d);
    dev = vhost_dev_create(&o, &d);
    ok(!dev && d.status == NFV_EINPUT && strstr(d.msg, "not a socket"),
       "a regular file in the way is refused: %s", d.msg);
    ok(!access(sun.sun_path, F_OK), "and left alone");
    unlink(sun.sun_path);
    diag_destroy(&d);
    rmdir(dir);
}

static void
test_alive(void)
{
    struct vhost_dev *dev = new_dev(64);
    struct fake f;

    attach_fake(dev, &f, FAKE_OK);
    ok(vhost_dev_alive(dev), "alive while the back-end is there");
    shutdown(f.fd, SHUT_RDWR);
    fake_join(&f);
    usleep(1000);
    ok(!vhost_dev_alive(dev), "hang-up noticed");
    ok(strstr(dev->why.msg, "closed") != NULL, "%s", dev->why.msg);
    fake_unmap(&f);
    vhost_dev_destroy(dev);
}

static void
write_text(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    fputs(text, f);
    fclose(f);
    free(path);
}

/* The PMD-core guard reads OVS's PMD threads from /proc: a thread OVS has
 * only just created still has the whole process's affinity; its name
 * ("pmd-c01/id:8") says the core it polls.  A fake /proc here: such a
 * thread must count as polling CPU 1 only (it made the guard refuse CPU 0
 * while other people's OVS started on the shared machine). */
static void
test_pmd_guard(void)
{
    char root[] = "/tmp/nfvhost-proc-XXXXXX";
    static const char *const files[] = {
        "4242/task/4250/comm", "4242/task/4250/status", "4242/task/4250",
        "4242/task/4251/comm", "4242/task/4251/status", "4242/task/4251",
        "4242/task", "4242/comm", "4242",
    };
    hwloc_bitmap_t cpus = xbitmap(), want = xbitmap();
    char who[128], *dir, *list;
    const char *named = who;

    mkdtemp(root);
    dir = xasprintf("%s/4242/task/4250", root);
    mkdir_parents(dir);
    mkdir(dir, 0755);
    write_text(root, "4242/comm", "ovs-vswitchd-dp\n");
    write_text(dir, "comm", "pmd-c01/id:8\n");
    write_text(dir, "status", "Name:\tpmd-c01/id:8\nCpus_allowed_list:\t0-1\n");
    free(dir);
    dir = xasprintf("%s/4242/task/4251", root);
    mkdir(dir, 0755);
    write_text(dir, "comm", "pmd-cX\n");
    write_text(dir, "status", "Cpus_allowed_list:\t5\n");

    hwloc_bitmap_only(want, 0);
    pin_pmd_cpus(root, want, cpus, who, sizeof who);
    list = cpulist_format(cpus);
    is_str(list, "1,5", "PMD CPUs: 1 from the name pmd-c01 (not its "
           "affinity 0-1), 5 from the affinity of a thread whose name has "
           "no core");
    is_str(named, "", "CPU 0: no PMD thread in the way");
    free(list);
    hwloc_bitmap_only(want, 1);
    pin_pmd_cpus(root, want, cpus, who, sizeof who);
    is_str(named, "pmd-c01/id:8 (ovs-vswitchd pid 4242)", "CPU 1: that "
           "thread is named");
    hwloc_bitmap_free(cpus);
    hwloc_bitmap_free(want);
    free(dir);
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        char *path = xasprintf("%s/%s", root, files[i]);

        if (remove(path)) {
            printf("# cannot remove %s\n", path);
        }
        free(path);
    }
    rmdir(root);
}

static void
test_pkt(void)
{
    struct pkt_flow flow;
    struct pkt_template t;
    uint8_t buf[PKT_MAX_SIZE];
    uint64_t seq, ts;

    pkt_flow_default(&flow);
    pkt_template_init(&t, &flow, 64);
    is_int(t.len, 60, "64-byte frame is 60 bytes without FCS");
    pkt_stamp(buf, &t, 123456789, 987654321, 3);
    ok(pkt_parse(buf, t.len, &seq, &ts) && seq == 123456789
       && ts == 987654321, "stamp and parse round-trip");
    is_int((buf[34] << 8) | buf[35], 1027, "flow offsets the source port");
    ok(!pkt_parse(buf, 59, &seq, &ts), "short frame rejected");
    buf[23] = 6;
    ok(!pkt_parse(buf, t.len, &seq, &ts), "non-UDP rejected");
    pkt_template_init(&t, &flow, 1518);
    is_int(t.len, 1514, "1518-byte frame");
}

int
main(void)
{
    test_negotiation();
    test_traffic();
    test_malformed();
    test_no_version_1();
    test_sealed_memory();
    test_multiqueue();
    test_server_mode();
    test_server_socket_in_use();
    test_alive();
    test_pkt();
    test_pmd_guard();
    return done_testing();
}
