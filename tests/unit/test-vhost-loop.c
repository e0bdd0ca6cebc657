/* test-vhost-loop.c: 'vhost loop' forwarding, one step at a time, between
 * two scripted fake back-ends (tests/unit/vhost-fake.h) over socketpairs,
 * in both ring layouts, zero-copy and copying: frames arrive whole and in
 * order, zero-copy passes the very buffer on, back-ends that return
 * buffers out of order or twice never make the loop put one buffer in two
 * rings, a slow back-end with a 32-entry ring never starves the other
 * direction's rx ring (issue 11, defect 13), and a back-end that refuses
 * the shared memory table makes the loop fall back to copying. */
#include <config.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util.h"
#include "tests/unit/tap.h"
#include "tests/unit/vhost-check.h"
#include "tests/unit/vhost-fake.h"
#include "vhost/loop.h"
#include "vhost/pkt.h"

#define RING 32

struct rig {
    struct loop_pair pair;
    struct fake fa, fb;
    struct loop_cfg cfg;
    struct loop_stats st;
    struct loop l;
    bool packed;
};

static void
attach(struct vhost_dev *dev, struct fake *f, bool packed)
{
    int sv[2];

    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    fake_init(f, sv[1], FAKE_OK);
    if (packed) {
        f->features |= 1ULL << VIRTIO_F_RING_PACKED;
    }
    fake_start(f);
    if (vhost_dev_attach(dev, sv[0], NULL)) {
        printf("Bail out! attach: %s\n", dev->why.msg);
        exit(1);
    }
}

static void
rig_start(struct rig *r, bool zero_copy, bool packed)
{
    struct vhost_opts o = { .path = "unused", .ring_size = RING,
                            .pages = VMEM_PAGES_4K,
                            .reply_timeout_ms = 500 };
    struct diag d;

    memset(r, 0, sizeof *r);
    diag_init(&d);
    if (loop_pair_create(&r->pair, &o, &o, zero_copy, &d)) {
        printf("Bail out! loop_pair_create: %s\n", d.msg);
        exit(1);
    }
    r->packed = packed;
    attach(r->pair.a, &r->fa, packed);
    attach(r->pair.b, &r->fb, packed);
    r->cfg.pair = &r->pair;
    r->cfg.burst = 32;
    loop_init(&r->l, &r->cfg, &r->st);
}

static void
rig_stop(struct rig *r)
{
    loop_pair_close(&r->pair);
    fake_join(&r->fa);
    fake_join(&r->fb);
    fake_unmap(&r->fa);
    fake_unmap(&r->fb);
}

static void
step(struct rig *r)
{
    loop_step(&r->l, vhost_now_ns());
}

/* Every buffer of pool 'dir' is in exactly one place: free in the pool,
 * in the receiving device's rx ring, or in the sending device's tx ring.
 * Returns false (with a diagnostic) otherwise. */
static bool
buffers_consistent(struct rig *r, int dir)
{
    const struct virtq *queues[2] = {
        &(dir ? r->pair.b : r->pair.a)->rxq[0],
        &(dir ? r->pair.a : r->pair.b)->txq[0],
    };
    char why[160];

    if (!check_pool(&r->pair.pool[dir], queues, 2, why, sizeof why)) {
        printf("# %s\n", why);
        return false;
    }
    return true;
}

/* Fake 'f' (device side of ring 0, rx) writes frames seq0.. and keeps
 * where each went in 'where'.  Returns how many found a buffer. */
static int
push(struct fake *f, int n, uint64_t seq0, uint8_t **where)
{
    struct pkt_template t;
    struct pkt_flow flow;
    int pushed = 0;

    pkt_flow_default(&flow);
    pkt_template_init(&t, &flow, 64);
    for (int i = 0; i < n; i++) {
        uint8_t frame[PKT_MAX_SIZE];
        uint16_t id, one = 1;
        uint32_t room;
        uint8_t *p;

        if (!fake_take_avail(f, 0, &id, &p, &room) || !p) {
            break;
        }
        pkt_stamp(frame, &t, seq0 + i, 0, 0);
        memset(p, 0, 12);
        memcpy(p + 10, &one, 2);
        memcpy(p + 12, frame, t.len);
        fake_put_used(f, 0, id, 12 + t.len);
        if (where) {
            where[i] = p;
        }
        pushed++;
    }
    return pushed;
}

/* Takes up to 'max' frames from fake 'f''s tx ring (ring 1) without
 * returning them: their ids, memory and sequence numbers. */
static int
take_tx(struct fake *f, int max, uint16_t *ids, uint8_t **where,
        uint64_t *seqs)
{
    int n = 0;
    uint16_t id;
    uint8_t *p;
    uint32_t len;

    while (n < max && fake_take_avail(f, 1, &id, &p, &len)) {
        uint64_t seq = UINT64_MAX, ts;

        if (p && len >= 12) {
            pkt_parse(p + 12, len - 12, &seq, &ts);
        }
        ids[n] = id;
        where[n] = p;
        seqs[n] = seq;
        n++;
    }
    return n;
}

static void
test_forwarding(bool zero_copy, bool packed)
{
    const char *what = zero_copy ? "zero-copy" : "copying";
    const char *lay = packed ? "packed" : "split";
    uint8_t *in[20], *out[40];
    uint16_t ids[40];
    uint64_t seqs[40];
    struct rig r;
    bool in_order = true, same_bufs = true;
    int n;

    rig_start(&r, zero_copy, packed);
    ok(!strcmp(vhost_dev_layout(r.pair.a), lay)
       && !strcmp(vhost_dev_layout(r.pair.b), lay),
       "%s, %s: layout negotiated", what, lay);
    ok(r.pair.zero_copy == zero_copy, "%s, %s: mode", what, lay);
    step(&r);
    is_int(virtq_in_flight(&r.pair.a->rxq[0]), RING,
           "%s, %s: the first step fills A's rx ring", what, lay);
    is_int(push(&r.fa, 20, 100, in), 20, "%s, %s: A's back-end delivers 20 "
           "frames", what, lay);
    step(&r);
    n = take_tx(&r.fb, 40, ids, out, seqs);
    is_int(n, 20, "%s, %s: B's back-end gets 20 frames to send", what, lay);
    for (int i = 0; i < n; i++) {
        in_order &= seqs[i] == (uint64_t) 100 + i;
        /* Each fake maps the region on its own: compare offsets. */
        same_bufs &= out[i] - r.fb.map == in[i] - r.fa.map;
    }
    ok(in_order, "%s, %s: whole and in order", what, lay);
    if (zero_copy) {
        ok(same_bufs, "%s, %s: in the very buffers A's back-end wrote "
           "(descriptor forwarding, no copy)", what, lay);
        ok(buffers_consistent(&r, 0), "%s, %s: every buffer in one place "
           "(frames in B's tx ring)", what, lay);
    } else {
        ok(!same_bufs, "copying, %s: in B's own buffers", lay);
    }
    /* B sends them in reverse order: legitimate, buffers go back. */
    for (int i = n - 1; i >= 0; i--) {
        fake_put_used(&r.fb, 1, ids[i], 0);
    }
    step(&r);
    is_int(virtq_in_flight(&r.pair.b->txq[0]), 0, "%s, %s: B returned all "
           "(out of order), the loop took them back", what, lay);
    is_int(virtq_in_flight(&r.pair.a->rxq[0]), RING, "%s, %s: A's rx ring "
           "full again", what, lay);
    if (zero_copy) {
        ok(buffers_consistent(&r, 0) && buffers_consistent(&r, 1),
           "%s, %s: every buffer in one place", what, lay);
    }
    is_int(r.st.fwd[0], 20, "%s, %s: 20 forwarded a->b", what, lay);
    ok(vhost_dev_connected(r.pair.a) && vhost_dev_connected(r.pair.b),
       "%s, %s: both still connected", what, lay);
    rig_stop(&r);
}

/* A back-end that returns one buffer twice breaks its ring: the loop drops
 * that connection, takes every buffer it held back, and never hands one
 * buffer to two rings (vpool aborts if it ever would). */
static void
test_returned_twice(bool packed)
{
    const char *lay = packed ? "packed" : "split";
    uint8_t *out[40];
    uint16_t ids[40];
    uint64_t seqs[40];
    struct rig r;
    int n;

    rig_start(&r, true, packed);
    step(&r);
    push(&r.fa, 10, 0, NULL);
    step(&r);
    n = take_tx(&r.fb, 40, ids, out, seqs);
    fake_put_used(&r.fb, 1, ids[3], 0);
    fake_put_used(&r.fb, 1, ids[3], 0);
    step(&r);
    ok(!vhost_dev_connected(r.pair.b), "%s: B returned id %u twice: dropped "
       "(%s)", lay, ids[3], r.pair.b->why.msg);
    ok(strstr(r.pair.b->why.msg, "not in flight") != NULL, "%s: saying why",
       lay);
    ok(buffers_consistent(&r, 0) && buffers_consistent(&r, 1),
       "%s: every buffer in one place after the reset (%d were in B's tx "
       "ring)", lay, n);
    is_int(r.pair.pool[0].n_free + virtq_in_flight(&r.pair.a->rxq[0]),
           2 * RING, "%s: the 10 frames' buffers came back to the pool", lay);
    /* The returned-twice buffer must not reach A's rx ring twice: A's
     * ids are all distinct buffers (checked above), and forwarding on a
     * new B works. */
    fake_join(&r.fb);
    fake_unmap(&r.fb);
    attach(r.pair.b, &r.fb, packed);
    push(&r.fa, 5, 50, NULL);
    step(&r);
    n = take_tx(&r.fb, 40, ids, out, seqs);
    ok(n == 5 && seqs[0] == 50 && seqs[4] == 54, "%s: a new B gets the next "
       "frames (%d)", lay, n);
    rig_stop(&r);
}

/* Out-of-order ids from the rx side too: A's back-end fills buffers in an
 * order of its choosing. */
static void
test_rx_out_of_order(bool packed)
{
    const char *lay = packed ? "packed" : "split";
    struct pkt_template t;
    struct pkt_flow flow;
    uint16_t ids[RING];
    uint8_t *bufs[RING], *out[40];
    uint32_t lens[RING];
    uint16_t tids[40];
    uint64_t seqs[40];
    struct rig r;
    bool good = true;
    int n = 0;

    rig_start(&r, true, packed);
    step(&r);
    pkt_flow_default(&flow);
    pkt_template_init(&t, &flow, 64);
    while (n < 8 && fake_take_avail(&r.fa, 0, &ids[n], &bufs[n], &lens[n])) {
        n++;
    }
    /* Fill and return them last first. */
    for (int i = n - 1; i >= 0; i--) {
        memset(bufs[i], 0, 12);
        pkt_stamp(bufs[i] + 12, &t, 7 - i, 0, 0);
        fake_put_used(&r.fa, 0, ids[i], 12 + t.len);
    }
    step(&r);
    n = take_tx(&r.fb, 40, tids, out, seqs);
    for (int i = 0; i < n; i++) {
        good &= seqs[i] == (uint64_t) i;
    }
    ok(n == 8 && good, "%s: buffers used out of order forwarded in the order "
       "the back-end used them", lay);
    ok(buffers_consistent(&r, 0), "%s: every buffer in one place", lay);
    rig_stop(&r);
}

/* Issue 11, defect 13, and the bound on frames in flight: a 32-entry
 * ring and a B that does not send.  A's rx ring must be full after every
 * step whatever B does, so A never stops receiving. */
static void
test_slow_peer(bool zero_copy)
{
    const char *what = zero_copy ? "zero-copy" : "copying";
    uint8_t *out[64];
    uint16_t ids[64];
    uint64_t seqs[64];
    bool always_full = true;
    struct rig r;
    int n;

    rig_start(&r, zero_copy, false);
    step(&r);
    for (int round = 0; round < 5; round++) {
        push(&r.fa, RING, round * RING, NULL);
        step(&r);
        always_full &= virtq_in_flight(&r.pair.a->rxq[0]) == RING;
    }
    ok(always_full, "%s: B holds its tx ring full, A's rx ring is full "
       "after every step", what);
    is_int(r.st.fwd[0], RING, "%s: B's ring took %d frames", what, RING);
    is_int(r.st.dropped[0], 4 * RING, "%s: the rest were dropped, counted",
           what);
    n = take_tx(&r.fb, 64, ids, out, seqs);
    for (int i = 0; i < n; i++) {
        fake_put_used(&r.fb, 1, ids[i], 0);
    }
    push(&r.fa, 10, 1000, NULL);
    step(&r);
    n = take_tx(&r.fb, 64, ids, out, seqs);
    ok(n == 10 && seqs[0] == 1000, "%s: once B sends, frames flow again "
       "(%d)", what, n);
    if (zero_copy) {
        ok(buffers_consistent(&r, 0), "zero-copy: every buffer in one "
           "place");
    }
    rig_stop(&r);
}

/* Issue 11, defect 13 as the audit found it: A's rx ring emptied in one
 * burst, then B's tx ring breaks in the same step.  The rx ring must be
 * refilled before the step returns, or A starves for good. */
static void
test_refill_after_tx_failure(bool zero_copy)
{
    const char *what = zero_copy ? "zero-copy" : "copying";
    uint8_t *out[64];
    uint16_t ids[64];
    uint64_t seqs[64];
    struct rig r;
    int n;

    rig_start(&r, zero_copy, false);
    step(&r);
    push(&r.fa, 1, 0, NULL);
    step(&r);
    n = take_tx(&r.fb, 64, ids, out, seqs);
    /* B breaks its tx ring (a duplicate), A delivers a full ring. */
    fake_put_used(&r.fb, 1, ids[0], 0);
    fake_put_used(&r.fb, 1, ids[0], 0);
    is_int(push(&r.fa, RING, 100, NULL), RING, "%s: A fills its whole rx "
           "ring", what);
    step(&r);
    ok(!vhost_dev_connected(r.pair.b), "%s: B dropped for its broken ring",
       what);
    is_int(virtq_in_flight(&r.pair.a->rxq[0]), RING, "%s: A's rx ring "
           "refilled anyway", what);
    fake_join(&r.fb);
    fake_unmap(&r.fb);
    attach(r.pair.b, &r.fb, false);
    is_int(push(&r.fa, 5, 500, NULL), 5, "%s: A's back-end finds buffers "
           "(before the fix: none, for good)", what);
    step(&r);
    n = take_tx(&r.fb, 64, ids, out, seqs);
    ok(n == 5 && seqs[0] == 500, "%s: and they reach the new B (%d)", what, n);
    (void) n;
    rig_stop(&r);
}

/* A back-end for server mode: connects to 'path' (retrying) and serves,
 * again and again until told to quit; 'nack_first' refuses SET_MEM_TABLE
 * on its first connection. */
struct peer {
    char path[108];
    bool nack_first;
    struct fake f;
    int connections;
    volatile bool quit;
};

static void *
peer_main(void *p_)
{
    struct peer *p = p_;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };

    strcpy(sun.sun_path, p->path);
    while (!p->quit) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        bool nack = p->nack_first && !p->connections;

        if (connect(fd, (struct sockaddr *) &sun, sizeof sun)) {
            close(fd);
            poll(NULL, 0, 5);
            continue;
        }
        fake_unmap(&p->f);
        fake_init(&p->f, fd, nack ? FAKE_NACK_MEM : FAKE_OK);
        p->connections++;
        fake_serve(&p->f);
    }
    return NULL;
}

static void
test_fallback_to_copy(void)
{
    char dir[] = "/tmp/nfvhost-loop-XXXXXX";
    struct peer pa, pb;
    struct vhost_opts a = { .server = true, .ring_size = RING,
                            .pages = VMEM_PAGES_4K,
                            .reply_timeout_ms = 500 };
    struct vhost_opts b = a;
    struct loop_pair pair;
    pthread_t ta, tb;
    struct diag d;
    int status;

    mkdtemp(dir);
    memset(&pa, 0, sizeof pa);
    memset(&pb, 0, sizeof pb);
    snprintf(pa.path, sizeof pa.path, "%s/a", dir);
    snprintf(pb.path, sizeof pb.path, "%s/b", dir);
    pb.nack_first = true;
    a.path = pa.path;
    b.path = pb.path;
    pthread_create(&ta, NULL, peer_main, &pa);
    pthread_create(&tb, NULL, peer_main, &pb);
    diag_init(&d);
    status = loop_pair_open(&pair, &a, &b, LOOP_ZERO_COPY_AUTO, 3000, &d);
    is_int(status, 0, "a back-end refusing the shared table: the loop "
           "still opens: %s", d.msg);
    ok(!pair.zero_copy, "copying instead");
    ok(d.n_warnings == 1 && strstr(d.warnings[0], "refused SET_MEM_TABLE")
       && strstr(d.warnings[0], "copying instead"),
       "with a warning: %s", d.n_warnings ? d.warnings[0] : "(none)");
    ok(vhost_dev_connected(pair.a) && vhost_dev_connected(pair.b),
       "both connected");
    loop_pair_close(&pair);
    pa.quit = pb.quit = true;
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    fake_unmap(&pa.f);
    fake_unmap(&pb.f);
    diag_destroy(&d);

    /* --zero-copy: the refusal is an error. */
    memset(&pb, 0, sizeof pb);
    snprintf(pb.path, sizeof pb.path, "%s/b", dir);
    pb.nack_first = true;
    memset(&pa, 0, sizeof pa);
    snprintf(pa.path, sizeof pa.path, "%s/a", dir);
    pthread_create(&ta, NULL, peer_main, &pa);
    pthread_create(&tb, NULL, peer_main, &pb);
    diag_init(&d);
    status = loop_pair_open(&pair, &a, &b, LOOP_ZERO_COPY, 3000, &d);
    is_int(status, NFV_ESYSTEM, "--zero-copy with a back-end refusing the "
           "shared table fails: %s", d.msg);
    loop_pair_close(&pair);
    pa.quit = pb.quit = true;
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    fake_unmap(&pa.f);
    fake_unmap(&pb.f);
    diag_destroy(&d);
    rmdir(dir);
}

int
main(void)
{
    for (int zc = 1; zc >= 0; zc--) {
        test_forwarding(zc, false);
        test_forwarding(zc, true);
    }
    test_returned_twice(false);
    test_returned_twice(true);
    test_rx_out_of_order(false);
    test_rx_out_of_order(true);
    test_slow_peer(true);
    test_slow_peer(false);
    test_refill_after_tx_failure(true);
    test_refill_after_tx_failure(false);
    test_fallback_to_copy();
    return done_testing();
}
