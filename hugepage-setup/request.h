/* request.h: what the user wants: a page count per NUMA node and size.
 *
 * Requests come from plan.json (numa_nodes[].hugepages, through
 * lib/plan-file.h) or from --node/--size/--count flags.
 * hp_requests_check() holds them against the running (or fake) kernel
 * before anything is written: the node must exist, the kernel must offer
 * the size on it, the pages must fit the node's memory (the machine's
 * when the node's size cannot be read; with neither, nothing is asked),
 * with overflow-checked arithmetic, and a pool must not shrink below the
 * pages in use.  A plan's counts take
 * exactly these checks, as the flags' do. */
#ifndef NFV_HP_REQUEST_H
#define NFV_HP_REQUEST_H 1

#include <stddef.h>

#include "lib/diag.h"

struct hp_system;

struct hp_request {
    int node;
    unsigned long size_kb;
    unsigned long count;
};

struct hp_requests {
    struct hp_request *r;
    size_t n;
};

void hp_requests_init(struct hp_requests *);
void hp_requests_destroy(struct hp_requests *);
/* Adds or replaces the request for (node, size). */
void hp_requests_set(struct hp_requests *, int node, unsigned long size_kb,
                     unsigned long count);
const struct hp_request *hp_requests_find(const struct hp_requests *,
                                          int node, unsigned long size_kb);

/* numa_nodes[].hugepages of a plan. */
struct plan_file;
void hp_requests_from_plan(const struct plan_file *, struct hp_requests *);

/* NFV_EINPUT with a message naming the value when a request cannot be
 * met by this kernel; 0 when all can be tried. */
int hp_requests_check(const struct hp_requests *, const struct hp_system *,
                      struct diag *);

#endif /* hugepage-setup/request.h */
