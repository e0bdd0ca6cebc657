/* topology.h: the hardware facts the planner works from.
 *
 * topology_load() reads a machine (live, through hwloc, or an hwloc XML
 * export from another host) and NIC facts (hwloc PCI objects, then sysfs
 * under a root prefix) into a plain model: NUMA nodes, physical cores with
 * their online, allowed PUs, L3 domains, CPU kinds and NICs.  Everything
 * after this module is pure: it never looks at the machine again. */
#ifndef NFV_TOPOLOGY_H
#define NFV_TOPOLOGY_H 1

#include <stdbool.h>
#include <stdint.h>
#include <hwloc.h>

#include "lib/diag.h"

struct nfv_core {
    int numa;               /* OS index of the NUMA node that owns it. */
    int l3;                 /* Index into topology->l3s. */
    int kind_rank;          /* 0 = most performant CPU kind. */
    int first_pu;           /* Lowest online PU, for ordering. */
    hwloc_bitmap_t pus;     /* Online, allowed PUs of this core. */
    hwloc_bitmap_t hw_pus;  /* All its PUs, offline and disallowed too. */
};

struct nfv_l3 {
    int numa;               /* Node of its cores. */
    uint64_t size;          /* Bytes, 0 if unknown. */
    hwloc_bitmap_t pus;     /* Plannable PUs under it. */
};

struct nfv_numa {
    int os_index;
    uint64_t memory;        /* Bytes of local memory. */
    hwloc_bitmap_t pus;     /* Plannable PUs owned by this node. */
    int n_cores;            /* Plannable cores owned by this node. */
};

struct nfv_nic {
    char pci[16];           /* "0000:03:00.0" */
    int numa;               /* -1 when unknown. */
    unsigned vendor, device;
    char driver[32];        /* Empty when unknown. */
    char ifname[32];        /* Empty when none. */
    bool is_vf;
    char physfn[16];        /* PF address of a VF. */
    int vf_index;           /* Its virtfnN on the PF; -1 not a VF/unknown. */
    int totalvfs, numvfs;   /* -1 when unknown. */
    unsigned vf_device;     /* A PF's sriov_vf_device: its VFs' device
                             * id (Linux 4.15+); 0 when unknown. */
    int carrier;            /* 1 up, 0 down, -1 unknown. */
    int speed_mbps;         /* Link speed, -1 unknown or down. */
    bool has_route;         /* The interface carries a route or address. */
    int iommu_group;        /* Its IOMMU group; -1 none or unknown. */
};

struct nfv_topology {
    char cpu_vendor[32];    /* "GenuineIntel", "AuthenticAMD" or "". */
    char os_release[65];    /* hwloc's OSRelease (uname -r of the machine
                             * discovered or exported); "" unknown. */
    int smt;                /* Largest number of PUs in one core. */
    bool hybrid;            /* More than one CPU kind. */
    char host_group[33];    /* Live machine: the first of hugetlbfs,
                             * libvirt-qemu, qemu, kvm that exists (the
                             * vhost-user socket group); "" otherwise. */
    hwloc_bitmap_t all_pus; /* Every PU the hardware has (incl. offline). */
    hwloc_bitmap_t usable;  /* Online and allowed PUs. */

    struct nfv_numa *numas; /* Sorted by os_index; CPU-less nodes too. */
    int n_numas;
    struct nfv_core *cores; /* Sorted by first_pu. */
    int n_cores;
    struct nfv_l3 *l3s;
    int n_l3s;
    struct nfv_nic *nics;   /* Sorted by PCI address. */
    int n_nics;
};

struct topology_source {
    const char *xml_file;   /* NULL: discover the live machine. */
    const char *sysfs_root; /* NULL: "" (the real /sys and /proc). */
};

int topology_load(const struct topology_source *, struct nfv_topology *,
                  struct diag *);
int topology_from_hwloc(hwloc_topology_t, const char *sysfs_root,
                        struct nfv_topology *, struct diag *);
void topology_destroy(struct nfv_topology *);

const struct nfv_numa *topology_find_numa(const struct nfv_topology *, int);
const struct nfv_nic *topology_find_nic(const struct nfv_topology *,
                                        const char *pci);
/* Sets t->host_group from this machine's groups (getgrnam(3): not for
 * threads); topology_load() does it for the live machine. */
void topology_detect_host_group(struct nfv_topology *);
/* The NIC at 'pci', added with every fact unknown if the topology lacks
 * it (a NIC that sysfs or NIC facts know and the hwloc XML does not). */
struct nfv_nic *topology_add_nic(struct nfv_topology *, const char *pci);

#endif /* planner/topology.h */
