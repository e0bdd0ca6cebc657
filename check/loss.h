/* loss.h: the loss layer of 'nfvhost check' (internal to check/).
 *
 * loss_begin() takes a snapshot of OVS's counters and of every task's CPU
 * time; loss_next() takes the next one and names the cause of every drop
 * in between (see loss.c), then keeps the new snapshot as the base of
 * the next call. */
#ifndef NFV_CHECK_LOSS_H
#define NFV_CHECK_LOSS_H 1

#include <stdbool.h>

struct check_ctx;
struct loss_state;

/* 'wait_stats': when drops were seen, wait (at most 5.5 s) for OVS's next
 * write of Interface.statistics so the drops are named by kind; '--watch'
 * does not, its next round will. */
struct loss_state *loss_begin(struct check_ctx *, bool wait_stats);
void loss_next(struct loss_state *, struct check_ctx *);
void loss_end(struct loss_state *);

#endif /* check/loss.h */
