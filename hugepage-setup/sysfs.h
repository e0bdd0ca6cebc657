/* sysfs.h: the kernel's hugepage pools as files, under a root prefix.
 *
 * Everything nfvhost hugepages reads or writes about the kernel goes
 * through here: ROOT/sys/devices/system/node/nodeN/hugepages/hugepages-
 * SIZEkB/{nr,free,surplus}_hugepages per node, ROOT/sys/kernel/mm/hugepages
 * for the sizes the kernel offers and the system-wide reservations, and
 * ROOT/proc/... ROOT is "" for the running kernel or a fake tree given
 * with --sysfs-root.  hp_system_load() takes one snapshot of all of it. */
#ifndef NFV_HP_SYSFS_H
#define NFV_HP_SYSFS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

/* One node's pool of one page size. */
struct hp_pool {
    int node;
    unsigned long size_kb;
    unsigned long nr;           /* nr_hugepages: the pool's size. */
    unsigned long free;         /* free_hugepages: not mapped by anyone. */
    unsigned long surplus;      /* surplus_hugepages: overcommitted. */
};

/* A page size the kernel offers, with its system-wide counters. */
struct hp_size {
    unsigned long size_kb;
    unsigned long nr, free, resv, surplus;
};

struct hp_node {
    int id;
    uint64_t mem_kb;            /* MemTotal of the node, 0 if unknown. */
};

struct hp_system {
    char *root;                 /* "" or the --sysfs-root prefix. */
    struct hp_node *nodes;      /* By ascending id; ids may have gaps. */
    size_t n_nodes;
    struct hp_size *sizes;      /* Ascending. */
    size_t n_sizes;
    struct hp_pool *pools;      /* Node-major, sizes ascending. */
    size_t n_pools;
    uint64_t mem_total_kb;      /* MemTotal of ROOT/proc/meminfo, or 0. */
};

int hp_system_load(const char *root, struct hp_system *, struct diag *);
void hp_system_destroy(struct hp_system *);

const struct hp_node *hp_system_node(const struct hp_system *, int id);
const struct hp_size *hp_system_size(const struct hp_system *,
                                     unsigned long size_kb);
struct hp_pool *hp_system_pool(const struct hp_system *, int node,
                               unsigned long size_kb);
/* "0,2,5": the node ids, for messages.  Caller frees. */
char *hp_system_node_list(const struct hp_system *);
/* "2048 kB, 1048576 kB": the offered sizes, for messages.  Caller frees. */
char *hp_system_size_list(const struct hp_system *);

/* Pages of a pool that someone has mapped and that shrinking it cannot
 * take away. */
unsigned long hp_pool_in_use(const struct hp_pool *);

/* ROOT/sys/devices/system/node/nodeN/hugepages/hugepages-SIZEkB/ATTR.
 * Caller frees. */
char *hp_pool_path(const char *root, int node, unsigned long size_kb,
                   const char *attr);


/* Hugepagesize of ROOT/proc/meminfo: the size hugetlbfs mounts and
 * hugepages= without hugepagesz= use; 2048 if unknown. */
unsigned long hp_default_size_kb(const char *root);

/* "2M", "1G", "2048kB", "1048576" (kB) -> kB.  False on bad syntax. */
bool hp_parse_size(const char *, unsigned long *size_kb);
/* "2048 kB" style into buf (the kernel's own unit, as in sysfs names). */
const char *hp_format_size(unsigned long size_kb, char *buf, size_t);
/* "2M" / "1G" style, as hugetlbfs's pagesize= and the kernel command
 * line take it. */
const char *hp_short_size(unsigned long size_kb, char *buf, size_t);

#endif /* hugepage-setup/sysfs.h */
