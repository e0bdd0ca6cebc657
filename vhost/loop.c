/* loop.c: io forwarding between two vhost-user devices (see loop.h). */
#include "vhost/loop.h"

#include <string.h>

#include "vhost/frontend.h"
#include "vhost/pkt.h"

/* Moves up to one burst from queue pair 'qi' of 'from' to the same queue
 * pair of 'to'. */
static void
forward(struct vhost_dev *from, struct vhost_dev *to, uint16_t qi,
        uint32_t burst, uint64_t *fwd, uint64_t *dropped)
{
    struct virtq *rxq = &from->rxq[qi], *txq = &to->txq[qi];
    struct virtq_pkt pkts[64];
    int n = virtq_rx_poll(rxq, pkts, burst);

    if (n < 0) {
        vhost_dev_lost(from, rxq->err);
        return;
    }
    if (virtq_tx_reclaim(txq) < 0) {
        vhost_dev_lost(to, txq->err);
        return;
    }
    if (!n) {
        return;
    }
    for (int i = 0; i < n; i++) {
        uint16_t id;
        uint8_t *slot = virtq_tx_slot(txq, &id);

        if (!slot || pkts[i].len > virtq_tx_room(txq)) {
            (*dropped)++;
            continue;
        }
        memcpy(slot, pkts[i].data, pkts[i].len);
        virtq_tx_put(txq, id, pkts[i].len);
        (*fwd)++;
    }
    virtq_flush(txq);
    virtq_rx_refill(rxq);
}

/* Injects 'n' test frames on 'dev' (up to its free tx buffers). */
static void
inject(struct vhost_dev *dev, uint32_t n)
{
    struct virtq *q = &dev->txq[0];
    struct pkt_template t;
    struct pkt_flow flow;

    pkt_flow_default(&flow);
    pkt_template_init(&t, &flow, PKT_MIN_SIZE);
    virtq_tx_reclaim(q);
    for (uint32_t i = 0; i < n; i++) {
        uint16_t id;
        uint8_t *slot = virtq_tx_slot(q, &id);

        if (!slot) {
            break;
        }
        pkt_stamp(slot, &t, i, 0, 0);
        virtq_tx_put(q, id, t.len);
    }
    virtq_flush(q);
}

void
loop_run(const struct loop_cfg *cfg, struct loop_stats *s)
{
    uint32_t burst = cfg->burst && cfg->burst <= 64 ? cfg->burst : 32;
    unsigned int connects = cfg->a->connects + cfg->b->connects;
    uint64_t start = vhost_now_ns(), now = start;
    uint64_t end = start + (uint64_t) (cfg->duration * 1e9);

    uint64_t next_inject = start;
    uint16_t n_qp = cfg->a->n_qp < cfg->b->n_qp ? cfg->a->n_qp
                                                : cfg->b->n_qp;

    memset(s, 0, sizeof *s);
    while ((!cfg->duration || now < end) && !(cfg->stop && *cfg->stop)) {
        bool a_up = vhost_dev_tend(cfg->a, now);
        bool b_up = vhost_dev_tend(cfg->b, now);

        /* --tx-first: a back-end may drop the first frames while its
         * other port is still coming up (testpmd does), so inject again
         * every 200 ms until frames sent on that side come back. */
        if (cfg->tx_first && a_up && b_up && now >= next_inject
            && now - start < 5000000000ULL && (!s->fwd[0] || !s->fwd[1])) {
            if (!s->fwd[1]) {
                inject(cfg->a, cfg->tx_first);
            }
            if (!s->fwd[0]) {
                inject(cfg->b, cfg->tx_first);
            }
            next_inject = now + 200000000ULL;
        }

        for (uint16_t qi = 0; a_up && b_up && qi < n_qp; qi++) {
            forward(cfg->a, cfg->b, qi, burst, &s->fwd[0], &s->dropped[0]);
            forward(cfg->b, cfg->a, qi, burst, &s->fwd[1], &s->dropped[1]);
            a_up = vhost_dev_connected(cfg->a);
            b_up = vhost_dev_connected(cfg->b);
        }
        now = vhost_now_ns();
    }
    s->elapsed = (now - start) / 1e9;
    s->reconnects = cfg->a->connects + cfg->b->connects - connects;
}
