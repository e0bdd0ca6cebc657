/* summary.h: what the fleet keeps of one host's plan.
 *
 * After a host is planned and its files are written, the plan and the
 * topology are freed; the fleet keeps only this summary (a few hundred
 * bytes): the pools as CPU lists, the hugepages per node, what nova will
 * see per node (guest CPUs, cores and hugepage memory), and the flavors
 * of the plan.  Memory thus grows with the host count by one summary per
 * host, never by a plan. */
#ifndef NFV_FLEET_SUMMARY_H
#define NFV_FLEET_SUMMARY_H 1

struct fleet_host;
struct plan;

void fleet_summarize(struct fleet_host *, const struct plan *);
void fleet_summary_destroy(struct fleet_host *);

#endif /* fleet/summary.h */
