/* shapes.h: cloud-wide flavors, what each host can hold, and shapes.
 *
 * Flavors: the flavors of every host's plan (planner/emit-openstack.h),
 * deduplicated by vCPUs, memory, CPU policy, thread policy, multiqueue,
 * page size and emulator-thread policy, sorted in that order.  A flavor
 * keeps the planner's name ("nfv.4c4g.mq") unless another one differs
 * from it only in page size or emulator policy; then each of them gets
 * the suffix that tells them apart (".1g", ".2m"; ".emu-share",
 * ".emu-isolate", ".emu-none").
 *
 * Capacity: instances of a flavor an empty host holds, one flavor at a
 * time, the way nova counts with hw:numa_nodes=1: per NUMA node the lesser
 * of what its guest CPUs and its free guest hugepages allow, summed over
 * nodes.  An instance takes its vCPUs plus one for emulator threads with
 * hw:emulator_threads_policy=isolate: that many guest PUs (prefer), guest
 * cores (isolate: no sibling shared), or full sibling sets (require, SMT
 * hosts only).  Nothing fits where the page size differs, nor a flavor
 * asking for emulator threads 'share' on a host with no cpu_shared_set.
 * A hw:cpu_policy=shared flavor takes no guest PU: per node, the lesser
 * of what the same free guest hugepages allow and of the node's
 * cpu_shared_set PUs times the allocation ratio (OPENSTACK_CPU_ALLOCATION_
 * RATIO, which nova.conf sets) over its vCPUs; none where it has more
 * vCPUs than the node has shared PUs (shapes.c cites nova's code).  Each
 * count assumes the host runs that flavor alone: pinned and shared
 * instances take no CPU from each other, but the same hugepages.
 *
 * Shapes: hosts with the same page size, SMT width, cpu_shared_set (or
 * none) and, per NUMA node, guest cores, guest PUs, full sibling sets
 * and guest hugepage memory hold the same of every flavor; each shape is
 * one host aggregate, named after exactly those facts, e.g.
 * "nfvhost.1g.smt2.n0:9c18t-56g.n1-3:10c20t-56g": 1G pages, 2 PUs per
 * core, node 0 with 9 guest cores (18 PUs) and 56 GiB of guest hugepages,
 * nodes 1 to 3 with 10 cores each.  ".noshare" when there is no
 * cpu_shared_set, "-8f" after the PUs when only 8 guest cores are
 * full sibling sets.  When the fleet has a shared flavor, the shared PUs
 * of a node count too: "-2s" after the PUs (and full cores), e.g.
 * "nfvhost.1g.smt2.n0:9c18t-2s-56g"; without one, keys leave them out, so
 * that adding no shared flavor renames no aggregate.
 *
 * Stranded cores: whole guest cores left over on each node once it holds
 * as many as it can of the smallest pinned flavor (fewest PUs per
 * instance) that fits the host; all of its guest cores when none fits. */
#ifndef NFV_FLEET_SHAPES_H
#define NFV_FLEET_SHAPES_H 1

struct fleet;
struct fleet_host;
struct openstack_flavor;

void fleet_shapes(struct fleet *);
void fleet_shapes_destroy(struct fleet *);

int fleet_capacity(const struct fleet_host *, const struct openstack_flavor *);
/* The end of the run of nodes from 'i' on that are alike (same guest
 * cores, PUs, full cores and memory, and shared PUs when the fleet has
 * shared flavors) with consecutive numbers: the index of the first node
 * after it. */
int fleet_nodes_alike(const struct fleet *, const struct fleet_host *,
                      int i);

#endif /* fleet/shapes.h */
