/* check.h: 'nfvhost check' as a library call: is this host what the plan
 * says, and why is it losing packets?
 *
 * check_run() reads the live host (or a fake tree under a root prefix),
 * layer by layer, and appends one finding per checked fact to a report
 * (finding.h):
 *   kernel  boot arguments as planned and as the kernel applied them,
 *           IOMMU, THP, frequency governor, C-states, GRUB drop-in / tuned
 *   irq     device IRQs off PMD and guest CPUs, NIC IRQs on their node's
 *           housekeeping CPUs, irqbalance's banned set
 *   memory  hugepages per node and size, hugetlbfs mounts, OVS socket
 *           memory covered
 *   nic     uplinks' node, driver, IOMMU group, VFs, routes
 *   ovs     OVS-DPDK up, other_config, PMD threads and their affinity, rx
 *           queue placement, vhost-user ports and sockets, threads pinned
 *           onto PMD CPUs
 *   vm      each planned VM through libvirt: state, live pinning (and the
 *           QEMU threads' real affinity), memory, interfaces, 'vm check'
 *   loss    OVS's counters over a window, each drop named with its cause
 * Without a plan only what needs none is checked (IOMMU, hugepages
 * mounted, OVS-DPDK up, drops), and a note says so.  'nfvhost apply' calls
 * this after applying a plan; 'nfvhost check' prints the report. */
#ifndef NFV_CHECK_H
#define NFV_CHECK_H 1

#include <stdbool.h>

#include "check/finding.h"
#include "lib/diag.h"

struct plan_file;

/* Exit status when a check FAILs (the others are lib/diag.h's). */
#define CHECK_EXIT_FAIL 4

enum check_layer {
    CHECK_KERNEL,
    CHECK_IRQ,
    CHECK_MEMORY,
    CHECK_NIC,
    CHECK_OVS,
    CHECK_VM,
    CHECK_LOSS,
    CHECK_N_LAYERS
};
#define CHECK_ALL_LAYERS ((1u << CHECK_N_LAYERS) - 1)

#define CHECK_DEFAULT_WINDOW_S 2.0
#define CHECK_DEFAULT_URI "qemu:///system"

struct check_opts {
    const char *root;           /* "" for the live machine, or a tree with
                                 * sys/, proc/, etc/, run/ below it. */
    const struct plan_file *plan;   /* NULL: no-plan mode. */
    const char *db;             /* OVSDB: "unix:PATH" or PATH; NULL for
                                 * OVS's default socket. */
    const char *uri;            /* libvirt; NULL for CHECK_DEFAULT_URI. */
    unsigned layers;            /* Bit (1 << enum check_layer) per layer. */
    double window_s;            /* Loss (and busy-thread) window. */
};

void check_opts_init(struct check_opts *);

const char *check_layer_name(enum check_layer);
/* "kernel,ovs" -> layer bits; NFV_EINPUT naming the bad word. */
int check_parse_layers(const char *list, unsigned *layers, struct diag *);

/* Runs the selected layers into 'r' (initialised by the caller).  A check
 * that cannot run is an ERROR finding, not a failure of check_run();
 * returns 0, or NFV_EINPUT for options it cannot work with (a root that
 * is not a directory). */
int check_run(const struct check_opts *, struct check_report *,
              struct diag *);

/* '--watch': the loss layer again and again.  check_watch_begin() takes
 * the first snapshot of the counters; each check_watch_next() takes the
 * next one and appends to 'r' what happened since the one before. */
struct check_watch;
struct check_watch *check_watch_begin(const struct check_opts *);
void check_watch_next(struct check_watch *, struct check_report *);
void check_watch_end(struct check_watch *);

#endif /* check/check.h */
