/* fuzz-vhost-loop.c: libFuzzer target for 'vhost loop' (vhost/loop.c)
 * between two scripted back-ends (tests/unit/vhost-fake.h) that deliver
 * frames, return buffers in any order, return them twice, write any id
 * and length into the used rings, and come back after the loop dropped
 * them.  The question it asks after every step: is every buffer in
 * exactly one place?  (Zero-copy: free in its direction's pool, or in one
 * ring; copying: each queue's own buffers.)  vpool aborts on its own if
 * the loop ever hands out a buffer twice.
 *
 * Input: a configuration byte (bit 0 zero-copy, bit 1 packed rings), then
 * 4-byte operations: which back-end (bit 0 of the first byte), what, and
 * two arguments.  Seeds: the unit test's scenarios
 * (tests/unit/test-vhost-loop.c) written as scripts. */
#include <config.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/diag.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/vhost-check.h"
#include "tests/unit/vhost-fake.h"
#include "vhost/loop.h"
#include "vhost/pkt.h"

#define RING 8

struct side {
    struct fake f;
    bool up;                    /* The fake serves a connection. */
    uint16_t taken[64];         /* Tx ids taken and not yet returned. */
    int n_taken;
};

static bool
attach(struct vhost_dev *dev, struct side *s, bool packed)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        return false;
    }
    fake_init(&s->f, sv[1], FAKE_OK);
    if (packed) {
        s->f.features |= 1ULL << VIRTIO_F_RING_PACKED;
    }
    fake_start(&s->f);
    s->up = true;
    s->n_taken = 0;
    return !vhost_dev_attach(dev, sv[0], NULL);
}

static void
detach(struct side *s)
{
    if (s->up) {
        fake_join(&s->f);
        fake_unmap(&s->f);
        s->up = false;
    }
}

/* Every buffer in exactly one place (vhost-check.h). */
static void
check(struct loop_pair *p)
{
    char why[160] = "";
    bool good = true;

    if (p->zero_copy) {
        for (int dir = 0; dir < 2; dir++) {
            const struct virtq *queues[2] = {
                &(dir ? p->b : p->a)->rxq[0], &(dir ? p->a : p->b)->txq[0],
            };

            good &= check_pool(&p->pool[dir], queues, 2, why, sizeof why);
        }
    } else {
        const struct virtq *queues[4] = {
            &p->a->rxq[0], &p->a->txq[0], &p->b->rxq[0], &p->b->txq[0],
        };

        for (int i = 0; i < 4; i++) {
            good &= check_own(queues[i], why, sizeof why);
        }
    }
    fuzz_check(good, "%s", why);
}

/* Back-end 's' delivers 'n' frames on its rx ring (ring 0), with 'len'
 * as the used length of the first (the others are well formed). */
static void
deliver(struct side *s, int n, uint32_t len)
{
    struct pkt_template t;
    struct pkt_flow flow;

    pkt_flow_default(&flow);
    pkt_template_init(&t, &flow, 64);
    for (int i = 0; i < n; i++) {
        uint16_t id;
        uint8_t *p;
        uint32_t room;

        if (!fake_take_avail(&s->f, 0, &id, &p, &room)) {
            return;
        }
        if (p && room >= 12 + t.len) {
            memset(p, 0, 12);
            pkt_stamp(p + 12, &t, i, 0, 0);
        }
        fake_put_used(&s->f, 0, id, i ? 12 + t.len : len);
    }
}

static void
take_tx(struct side *s, int n)
{
    uint16_t id;
    uint8_t *p;
    uint32_t len;

    while (n-- > 0 && s->n_taken < 64
           && fake_take_avail(&s->f, 1, &id, &p, &len)) {
        s->taken[s->n_taken++] = id;
    }
}

static void
op(struct loop *l, struct loop_pair *p, struct side sides[2], uint8_t what,
   uint8_t a, uint8_t b, bool packed)
{
    int which = what & 1;
    struct side *s = &sides[which];
    struct vhost_dev *dev = which ? p->b : p->a;

    if (!s->up && (what >> 1) % 8 != 6) {
        return;
    }
    switch ((what >> 1) % 8) {
    case 0:
        deliver(s, a % (RING + 1), 12 + 60 + (b % 3 == 2 ? 5000 : 0));
        break;
    case 1:
        take_tx(s, a % (RING + 1));
        break;
    case 2:                     /* Return a taken id; b says if once. */
        if (s->n_taken) {
            int i = a % s->n_taken;

            fake_put_used(&s->f, 1, s->taken[i], 0);
            if (b & 1) {
                s->taken[i] = s->taken[--s->n_taken];
            }
        }
        break;
    case 3:                     /* A used element of its own making. */
        fake_put_used(&s->f, b & 1, a % (2 * RING), (uint32_t) b << 4);
        break;
    case 4:
    case 5:
        loop_step(l, vhost_now_ns());
        check(p);
        break;
    case 6:                     /* Come back after being dropped. */
        if (!vhost_dev_connected(dev)) {
            detach(s);
            if (!attach(dev, s, packed)) {
                detach(s);
            }
        }
        break;
    default:                    /* Hang up. */
        shutdown(s->f.fd, SHUT_RDWR);
        poll(NULL, 0, 1);
        break;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    uint8_t cfg = fuzz_u8(&in);
    bool zero_copy = cfg & 1, packed = cfg & 2;
    struct vhost_opts o = { .path = "fuzz", .ring_size = RING,
                            .pages = VMEM_PAGES_4K,
                            .reply_timeout_ms = 1000 };
    struct side sides[2];
    struct loop_pair pair;
    struct loop_cfg cfg_loop = { .pair = &pair, .burst = 4 };
    struct loop_stats st;
    struct loop l;
    struct diag d;

    memset(sides, 0, sizeof sides);
    diag_init(&d);
    fuzz_check(!loop_pair_create(&pair, &o, &o, zero_copy, &d), "%s", d.msg);
    if (attach(pair.a, &sides[0], packed) && attach(pair.b, &sides[1],
                                                     packed)) {
        loop_init(&l, &cfg_loop, &st);
        loop_step(&l, vhost_now_ns());
        check(&pair);
        while (fuzz_more(&in)) {
            uint8_t what = fuzz_u8(&in), a = fuzz_u8(&in), b = fuzz_u8(&in);

            fuzz_u8(&in);
            op(&l, &pair, sides, what, a, b, packed);
        }
    }
    loop_pair_close(&pair);
    detach(&sides[0]);
    detach(&sides[1]);
    return 0;
}
