/* fleet.h: 'nfvhost fleet plan': plan every host of a cloud in one pass.
 *
 * Input: a directory of HOST.xml topologies (hwloc exports), each with an
 * optional HOST.nics.json (facts.h); an intent; optional groups that give
 * hosts matching a name pattern another intent (groups.h).  Output: one
 * 'nfvhost plan --output' directory per host, and for the cloud fleet.json,
 * flavors.sh, aggregates.sh and report.md.
 *
 * The steps, one file each:
 *   hosts.c     find the hosts in the directory, sorted by name;
 *   groups.c    read the groups file and give each host its intent;
 *   run.c       plan the hosts in parallel threads, the planner used as a
 *               pure library; each host's files are written as soon as it
 *               is planned, and only a small summary of it is kept;
 *   summary.c   what the fleet keeps of one host's plan;
 *   shapes.c    the cloud-wide flavors, each host's capacity for them, and
 *               the shapes (hosts nova sees alike) that become aggregates;
 *   write-json.c, write-scripts.c, write-report.c: fleet.json,
 *               flavors.sh + aggregates.sh, report.md.
 * Everything after run.c works on the summaries in host order, so the
 * output is the same, byte for byte, whatever the number of threads. */
#ifndef NFV_FLEET_H
#define NFV_FLEET_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "planner/emit-openstack.h"
#include "planner/intent.h"
#include "planner/plan.h"

/* What the output directory is recognised by (lib/output.h). */
#define FLEET_OUTPUT_MARKER "fleet.json"

/* A group: hosts whose name matches 'pattern' are planned with 'intent'. */
struct fleet_group {
    char *pattern;              /* fnmatch(3) pattern; NULL: the default. */
    int line;                   /* Of its [group PATTERN] header. */
    struct intent intent;
    size_t n_hosts;
};

/* One NUMA node of a planned host, as nova sees it. */
struct fleet_node {
    int os_index;
    int guest_pus;              /* Its part of cpu_dedicated_set. */
    int guest_cores;            /* Cores holding guest PUs. */
    int guest_full_cores;       /* Of which with every sibling a guest PU. */
    int shared_pus;             /* Its part of cpu_shared_set. */
    uint64_t guest_mb;          /* Guest hugepages, MiB. */
    uint64_t hugepages, hugepages_ovs, hugepages_guests;
};

/* One host: where it comes from, and (after run.c) the summary of its plan;
 * the plan itself is gone by then. */
struct fleet_host {
    char *name;
    char *xml;                  /* DIR/NAME.xml */
    char *nics;                 /* DIR/NAME.nics.json, or NULL. */
    int group;                  /* Index in fleet->groups. */

    int status;                 /* 0 planned, else its exit status. */
    char *reason;               /* The planner's message when not planned. */
    char **warnings;
    size_t n_warnings;

    char *pools[N_POOLS];       /* CPU lists; POOL_NONE: unusable PUs. */
    uint64_t page_kb;
    enum emulator_policy emulator_policy;
    bool has_shared_pool;       /* cpu_shared_set is not empty. */
    int smt;
    int unplanned_cores;        /* Usable cores in no pool. */
    struct fleet_node *nodes;   /* Nodes with guest CPUs or memory. */
    int n_nodes;
    struct openstack_flavor *flavors;   /* Its own plan's flavors. */
    int n_flavors;

    /* shapes.c */
    int shape;                  /* Index in fleet->shapes, or -1. */
    int *fits;                  /* Per fleet flavor: instances that fit. */
    int stranded_cores;         /* Guest cores the smallest flavor leaves. */
};

/* A flavor of the cloud: the hosts' flavors, deduplicated. */
struct fleet_flavor {
    struct openstack_flavor f;  /* f.name: the cloud-wide name. */
    size_t n_hosts;             /* Hosts it fits on. */
    uint64_t instances;         /* Instances of it the fleet can hold. */
};

/* Hosts nova cannot tell apart: same page size, emulator pool and, per
 * NUMA node, guest CPUs, cores and hugepage memory (and shared CPUs, when
 * the fleet has shared flavors).  One aggregate each. */
struct fleet_shape {
    char *name;                 /* The aggregate's name, from the key. */
    size_t n_hosts;
    size_t first_host;          /* Index of a host of this shape. */
};

struct fleet {
    struct fleet_group *groups; /* [0]: --intent (pattern NULL). */
    int n_groups;
    struct fleet_host *hosts;   /* Sorted by name. */
    size_t n_hosts;
    struct fleet_flavor *flavors;
    int n_flavors;
    bool shared_flavors;        /* Some flavor is hw:cpu_policy=shared:
                                 * cpu_shared_set's size tells shapes
                                 * apart. */
    struct fleet_shape *shapes;
    int n_shapes;
    char *hosts_dir;
};

struct fleet_opts {
    const char *hosts_dir;
    const char *intent;
    const char *groups;
    const char *output;
    int jobs;
};

/* Plans the fleet and writes --output; returns the exit status: 0 every
 * host planned, 3 some infeasible, 2 bad input (of the fleet: nothing
 * written; of some host: written, with that host listed), 1 system
 * error.  'fleet' keeps the summaries for the caller's own report. */
int fleet_plan(const struct fleet_opts *, struct fleet *, struct diag *);
void fleet_destroy(struct fleet *);

/* "planned", "infeasible", "bad-input" or "error" for an exit status. */
const char *fleet_status_name(int status);
/* The group pattern that chose a host's intent, or NULL (--intent). */
const char *fleet_host_group(const struct fleet *, const struct fleet_host *);
/* The intent file that planned a host, or NULL for the defaults. */
const char *fleet_host_intent(const struct fleet *, const struct fleet_host *);

/* Counts of hosts by outcome. */
struct fleet_counts {
    size_t planned, infeasible, bad_input, failed;
};
void fleet_count(const struct fleet *, struct fleet_counts *);

#endif /* fleet/fleet.h */
