/* loop.c: io forwarding between two vhost-user devices, zero-copy or
 * copying (see loop.h). */
#include <config.h>

#include "vhost/loop.h"

#include <string.h>

#include "lib/diag.h"
#include "vhost/pkt.h"
#include "vhost/proto.h"

#define MAX_BURST 64

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
static inline uint64_t
cycles(void)
{
    return __rdtsc();
}
#else
/* Elsewhere: nanoseconds, so "cycles" are at 1 GHz. */
static inline uint64_t
cycles(void)
{
    return vhost_now_ns();
}
#endif

/* A device's connection ended with buffers of ours in flight: they come
 * back to the pool they came from. */
static void
orphan(void *pair_, uint8_t *buf)
{
    struct loop_pair *pair = pair_;

    vpool_put(vpool_owns(&pair->pool[0], buf) ? &pair->pool[0]
                                               : &pair->pool[1], buf);
}

static int
open_zero_copy(struct loop_pair *p, const struct vhost_opts *a_opts,
               const struct vhost_opts *b_opts, struct diag *d)
{
    struct vhost_opts ao = *a_opts, bo = *b_opts;
    uint32_t buf_size = ao.buf_size ? ao.buf_size : 2048;
    uint16_t ring = ao.ring_size ? ao.ring_size : 256;
    uint16_t n_qp = ao.queue_pairs ? ao.queue_pairs : 1;
    /* A direction's buffers: its rx rings' and its tx rings' worth. */
    uint32_t per_dir = 2u * ring * n_qp;
    int status;

    ao.external_bufs = bo.external_bufs = true;
    ao.mem = bo.mem = &p->mem;
    ao.orphan = bo.orphan = orphan;
    ao.orphan_aux = bo.orphan_aux = p;
    bo.buf_size = ao.buf_size = buf_size;
    bo.ring_size = ring;
    bo.queue_pairs = n_qp;
    if ((status = vmem_create(&p->mem, vhost_dev_mem_size(&ao)
                              + vhost_dev_mem_size(&bo)
                              + 2 * ((size_t) per_dir * buf_size + 64),
                              ao.pages, d))
        || (status = vpool_init(&p->pool[0], &p->mem, per_dir, buf_size, d))
        || (status = vpool_init(&p->pool[1], &p->mem, per_dir, buf_size, d))
        || !(p->a = vhost_dev_create(&ao, d))
        || !(p->b = vhost_dev_create(&bo, d))) {
        return status ? status : d->status;
    }
    p->zero_copy = true;
    return 0;
}

static int
open_copy(struct loop_pair *p, const struct vhost_opts *a_opts,
          const struct vhost_opts *b_opts, struct diag *d)
{
    struct vhost_opts ao = *a_opts, bo = *b_opts;

    ao.mem = bo.mem = NULL;
    ao.external_bufs = bo.external_bufs = false;
    if (!(p->a = vhost_dev_create(&ao, d))
        || !(p->b = vhost_dev_create(&bo, d))) {
        return d->status;
    }
    return 0;
}

/* Did 'dev' fail because its back-end would not take the memory table?
 * It either refused it (REPLY_ACK) or hung up on it. */
static bool
mem_table_refused(const struct vhost_dev *dev)
{
    return dev->failed_request == VU_SET_MEM_TABLE;
}

int
loop_pair_create(struct loop_pair *p, const struct vhost_opts *a_opts,
                 const struct vhost_opts *b_opts, bool zero_copy,
                 struct diag *d)
{
    memset(p, 0, sizeof *p);
    p->mem.fd = -1;
    return zero_copy ? open_zero_copy(p, a_opts, b_opts, d)
                     : open_copy(p, a_opts, b_opts, d);
}

int
loop_pair_open(struct loop_pair *p, const struct vhost_opts *a_opts,
               const struct vhost_opts *b_opts, enum loop_copy copy,
               int timeout_ms, struct diag *d)
{
    struct vhost_dev *refuser = NULL;
    struct diag first;
    int status = loop_pair_create(p, a_opts, b_opts, copy != LOOP_COPY, d);

    if (status) {
        return status;
    }
    diag_init(&first);
    if ((status = vhost_dev_connect(p->a, timeout_ms, &first))) {
        refuser = p->a;
    } else if ((status = vhost_dev_connect(p->b, timeout_ms, &first))) {
        refuser = p->b;
    }
    if (status && copy == LOOP_ZERO_COPY_AUTO
        && mem_table_refused(refuser)) {
        diag_warn(d, "zero-copy: %s; forwarding by copying instead (each "
                  "port gets its own memory)", first.msg);
        diag_destroy(&first);
        loop_pair_close(p);
        return loop_pair_open(p, a_opts, b_opts, LOOP_COPY, timeout_ms, d);
    }
    if (status) {
        diag_error(d, status, "%s", first.msg);
    }
    diag_destroy(&first);
    return status;
}

void
loop_pair_close(struct loop_pair *p)
{
    if (p->a) {
        vhost_dev_stop(p->a);
    }
    if (p->b) {
        vhost_dev_stop(p->b);
    }
    vhost_dev_destroy(p->a);
    vhost_dev_destroy(p->b);
    p->a = p->b = NULL;
    vpool_destroy(&p->pool[0]);
    vpool_destroy(&p->pool[1]);
    vmem_destroy(&p->mem);
    p->zero_copy = false;
}

/* Zero-copy: gives 'q' every buffer it has room for, from 'pool'. */
static void
refill_from(struct virtq *q, struct vpool *pool)
{
    uint8_t *buf;

    while (virtq_room(q) && (buf = vpool_get(pool))) {
        virtq_post(q, buf, 0);
    }
    virtq_flush(q);
}

/* Zero-copy: moves up to one burst from queue pair 'qi' of 'from' to the
 * same queue pair of 'to', by descriptor.  Returns the frames received. */
static int
forward_zc(struct vhost_dev *from, struct vhost_dev *to, uint16_t qi,
           struct vpool *pool, uint32_t burst, uint64_t *fwd,
           uint64_t *dropped)
{
    struct virtq *rxq = &from->rxq[qi], *txq = &to->txq[qi];
    struct virtq_used used[MAX_BURST];
    int n, room;

    /* Buffers the other side has sent go back to the pool first, so that
     * they can go straight back to the rx ring. */
    while ((n = virtq_take(txq, used, MAX_BURST)) > 0) {
        for (int i = 0; i < n; i++) {
            vpool_put(pool, used[i].buf);
        }
    }
    if (n < 0) {
        /* Its in-flight buffers come back through orphan(). */
        vhost_dev_lost(to, txq->why.msg);
    }
    n = virtq_take(rxq, used, burst);
    if (n < 0) {
        vhost_dev_lost(from, rxq->why.msg);
        return 0;
    }
    room = vhost_dev_connected(to) ? virtq_room(txq) : 0;
    for (int i = 0; i < n; i++) {
        if (i < room) {
            virtq_post(txq, used[i].buf, used[i].len);
        } else {
            vpool_put(pool, used[i].buf);
        }
    }
    if (n > room) {
        *dropped += n - room;
        *fwd += room;
    } else {
        *fwd += n;
    }
    if (room && n) {
        virtq_flush(txq);
    }
    /* Every return path above that kept 'from' leaves its rx ring full:
     * a ring left short here would starve for good once empty. */
    refill_from(rxq, pool);
    return n;
}

/* Copying: moves up to one burst from queue pair 'qi' of 'from' to the
 * same queue pair of 'to'.  Returns the frames received. */
static int
forward_copy(struct vhost_dev *from, struct vhost_dev *to, uint16_t qi,
             uint32_t burst, uint64_t *fwd, uint64_t *dropped)
{
    struct virtq *rxq = &from->rxq[qi], *txq = &to->txq[qi];
    struct virtq_pkt pkts[MAX_BURST];
    int n = virtq_rx_poll(rxq, pkts, burst);

    if (n < 0) {
        vhost_dev_lost(from, rxq->why.msg);
        return 0;
    }
    if (virtq_tx_reclaim(txq) < 0) {
        vhost_dev_lost(to, txq->why.msg);
    }
    for (int i = 0; i < n; i++) {
        uint8_t *slot = vhost_dev_connected(to) ? virtq_tx_slot(txq) : NULL;

        if (!slot || pkts[i].len > virtq_tx_room(txq)) {
            if (slot) {
                virtq_tx_unget(txq, slot);
            }
            (*dropped)++;
            continue;
        }
        memcpy(slot, pkts[i].data, pkts[i].len);
        virtq_tx_put(txq, slot, pkts[i].len);
        (*fwd)++;
    }
    if (n && vhost_dev_connected(to)) {
        virtq_flush(txq);
    }
    /* Always, whatever happened to 'to' (issue 11, defect 13): received
     * buffers not given back would starve this ring for good. */
    virtq_rx_refill(rxq);
    return n;
}

/* Injects 'n' test frames on 'dev' (up to its free tx room). */
static void
inject(struct loop_pair *p, struct vhost_dev *dev, uint32_t n)
{
    struct virtq *q = &dev->txq[0];
    struct vpool *pool = &p->pool[dev == p->a];     /* Its tx direction. */
    struct pkt_template t;
    struct pkt_flow flow;

    pkt_flow_default(&flow);
    pkt_template_init(&t, &flow, PKT_MIN_SIZE);
    if (!p->zero_copy && virtq_tx_reclaim(q) < 0) {
        vhost_dev_lost(dev, q->why.msg);
        return;
    }
    for (uint32_t i = 0; i < n && virtq_room(q); i++) {
        uint8_t *buf = p->zero_copy ? vpool_get(pool) : virtq_tx_slot(q);

        if (!buf) {
            break;
        }
        if (p->zero_copy) {
            memset(buf, 0, q->hdr_len);
            pkt_stamp(buf + q->hdr_len, &t, i, 0, 0);
            virtq_post(q, buf, q->hdr_len + t.len);
        } else {
            pkt_stamp(buf, &t, i, 0, 0);
            virtq_tx_put(q, buf, t.len);
        }
    }
    virtq_flush(q);
}

void
loop_init(struct loop *l, const struct loop_cfg *cfg, struct loop_stats *s)
{
    memset(l, 0, sizeof *l);
    memset(s, 0, sizeof *s);
    l->cfg = cfg;
    l->s = s;
    l->start = l->next_inject = vhost_now_ns();
}

/* One direction of one queue pair.  With --cycles, its busy cycles are
 * counted from 't0' (the TSC when it started: the previous one's end, so
 * that each burst costs one TSC read) and the TSC at its end returned.
 * Without, no TSC is read: in a VM a read costs 30-50 ns, more than an
 * idle poll (measured here), and would slow down every poll. */
static uint64_t
forward(struct loop *l, int dir, uint16_t qi, uint32_t burst, uint64_t t0)
{
    struct loop_pair *p = l->cfg->pair;
    struct vhost_dev *from = dir ? p->b : p->a, *to = dir ? p->a : p->b;
    int n = p->zero_copy
            ? forward_zc(from, to, qi, &p->pool[dir], burst,
                         &l->s->fwd[dir], &l->s->dropped[dir])
            : forward_copy(from, to, qi, burst, &l->s->fwd[dir],
                           &l->s->dropped[dir]);
    uint64_t t1;

    l->s->polls++;
    if (n > 0) {
        l->s->busy_polls++;
    }
    if (!l->cfg->count_cycles) {
        return 0;
    }
    t1 = cycles();
    if (n > 0) {
        l->s->busy_cycles += t1 - t0;
    }
    return t1;
}

void
loop_step(struct loop *l, uint64_t now)
{
    const struct loop_cfg *cfg = l->cfg;
    struct loop_pair *p = cfg->pair;
    struct loop_stats *s = l->s;
    uint32_t burst = cfg->burst && cfg->burst <= MAX_BURST ? cfg->burst : 32;
    uint16_t n_qp = p->a->n_qp < p->b->n_qp ? p->a->n_qp : p->b->n_qp;
    bool a_up = vhost_dev_tend(p->a, now);
    bool b_up = vhost_dev_tend(p->b, now);
    uint64_t t;

    /* --tx-first: a back-end may drop the first frames while its other
     * port is still coming up (testpmd does), so inject again every 200 ms
     * until frames sent on that side come back. */
    if (cfg->tx_first && a_up && b_up && now >= l->next_inject
        && now - l->start < 5000000000ULL && (!s->fwd[0] || !s->fwd[1])) {
        if (!s->fwd[1]) {
            inject(p, p->a, cfg->tx_first);
        }
        if (!s->fwd[0]) {
            inject(p, p->b, cfg->tx_first);
        }
        l->next_inject = now + 200000000ULL;
    }
    t = cfg->count_cycles ? cycles() : 0;
    for (uint16_t qi = 0; qi < n_qp; qi++) {
        if (!vhost_dev_connected(p->a) || !vhost_dev_connected(p->b)) {
            break;
        }
        t = forward(l, 0, qi, burst, t);
        if (vhost_dev_connected(p->a) && vhost_dev_connected(p->b)) {
            t = forward(l, 1, qi, burst, t);
        }
    }
}

void
loop_run(const struct loop_cfg *cfg, struct loop_stats *s)
{
    struct loop_pair *p = cfg->pair;
    unsigned int connects = p->a->connects + p->b->connects;
    unsigned int steps = 0;
    struct loop l;
    uint64_t now, end, c0;

    loop_init(&l, cfg, s);
    now = l.start;
    c0 = cycles();
    end = l.start + (uint64_t) (cfg->duration * 1e9);
    while ((!cfg->duration || now < end) && !(cfg->stop && *cfg->stop)) {
        loop_step(&l, now);
        /* The clock every 16 steps: a step takes well under a
         * microsecond, and reading the clock cost a fifth of an idle
         * step (perf). */
        if (!(++steps % 16)) {
            now = vhost_now_ns();
        }
    }
    now = vhost_now_ns();
    s->elapsed = (now - l.start) / 1e9;
    s->tsc_hz = s->elapsed > 0 ? (cycles() - c0) / s->elapsed : 0;
    s->reconnects = p->a->connects + p->b->connects - connects;
}
