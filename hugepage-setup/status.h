/* status.h: what the kernel has, next to what the plan wants.
 *
 * hp_status_json() gathers, for every NUMA node and every page size the
 * kernel offers, the pool's total, free, surplus and in-use pages and the
 * plan's count; the system-wide counters (reserved pages are only counted
 * system-wide by the kernel); the hugetlbfs mounts with page size, owner,
 * group and mode; and what the kernel command line reserves at boot.
 * hp_status_table() renders that JSON for people, so both views always
 * carry the same facts. */
#ifndef NFV_HP_STATUS_H
#define NFV_HP_STATUS_H 1

#include <jansson.h>

struct hp_system;
struct hp_requests;

/* 'plan' may be NULL (no plan column). */
json_t *hp_status_json(const struct hp_system *, const struct hp_requests *);
/* Caller frees. */
char *hp_status_table(json_t *status);

#endif /* hugepage-setup/status.h */
