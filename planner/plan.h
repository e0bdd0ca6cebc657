/* plan.h: the plan, and plan_build(), the pure function that makes it.
 *
 * plan_build(topology, intent) partitions the usable PUs into pools
 * (housekeeping, PMD, emulator-share, guest, idle), places every listed VM
 * sizes hugepages per NUMA node, and wires up what the appliers build
 * (names, MACs, VFs, queues).  It does no I/O: emitters turn the plan into
 * text (emit-*.c), appliers make it real from plan.json.  The rules, one
 * file each: pools.c (rules 1-5, 7, 8, 17), vm-place.c (rule 6), memory.c
 * (rule 9), wiring.c (rules 11-15), replan.c (rule 16, stable re-planning
 * against a previous plan: plan_build_with()); docs/planner.md explains why
 * each rule is what it is. */
#ifndef NFV_PLAN_H
#define NFV_PLAN_H 1

#include <stdbool.h>
#include <stdint.h>
#include <hwloc.h>

#include "lib/diag.h"
#include "planner/intent.h"
#include "planner/topology.h"

enum pool {
    POOL_NONE,              /* Offline or disallowed: never planned. */
    POOL_HOUSEKEEPING,
    POOL_PMD,
    POOL_EMULATOR,
    POOL_GUEST,
    POOL_IDLE,              /* PMD siblings left idle (pmd_siblings=idle). */
    N_POOLS
};

struct plan_nic {
    enum nic_type type;
    int vlan;
    int pmd_cpu;            /* vhost: the PMD PU polling rx queue 0. */
    int *rxq_pmds;          /* vhost: the VM's queues entries, the PMD PU
                             * polling each rx queue; NULL: none. */
    char pf[16];            /* sriov: PF to take the VF from (rule 12). */
    int vf;                 /* sriov: VF ordinal on pf (rule 12); -1. */
    char mac[PLAN_MAC_LEN]; /* Rule 13. */
    char *port;             /* vhost: OVS port and socket name (rule 14). */
    char *representor;      /* sriov, VF of a switchdev uplink: the OVS
                             * port of its representor (rule 15); NULL. */
};

struct plan_vm {
    const struct intent_vm *intent;
    /* Rule 16, with a previous plan: */
    const struct plan_file_vm *prev;    /* Its entry there, or NULL (new). */
    bool changed;           /* Its own intent differs from prev's. */
    bool kept;              /* Pinned where prev had it. */
    int numa;
    int l3;                 /* L3 index holding most of its vCPUs; -1
                             * for cpu_policy shared. */
    int *vcpupin;           /* vcpus entries: host PU of each vCPU; NULL
                             * for cpu_policy shared. */
    hwloc_bitmap_t cpus;    /* The set of vcpupin; shared: shared_cpus. */
    hwloc_bitmap_t emulatorpin;
    int sockets, cores, threads;    /* Guest CPU topology. */
    uint64_t hugepages;     /* Pages of plan->hugepage_kb. */
    uint64_t memory_mb;     /* The intent's, rounded up to those pages. */
    struct plan_nic *nics;
    int n_nics;
    int queues;
};

struct plan_numa {
    int os_index;
    bool has_cpus;
    uint64_t memory_mb;
    hwloc_bitmap_t pool[N_POOLS];
    uint64_t socket_mem_mb;     /* OVS dpdk-socket-mem share, 0 if none. */
    uint64_t hugepages;         /* Total pages of plan->hugepage_kb. */
    uint64_t hugepages_ovs;     /* Of which for OVS. */
    uint64_t hugepages_guests;  /* Of which for guests. */
    uint64_t host_memory_mb;    /* Kept as ordinary memory. */
};

struct plan_uplink {
    const struct nfv_nic *nic;
    int numa;               /* nic->numa, or 0 when unknown. */
    const char *devargs;    /* Stand-in vdev for OVS, or NULL: the PCI. */
    bool switchdev;         /* [uplink PCI] mode = switchdev (rule 15). */
    char iface[16];         /* OVS interface name, dpdk-upN (rule 14). */
    int n_rxq;              /* Rule 11. */
    int *rxq_pmds;          /* n_rxq PMD PUs; NULL: no PMD on its node. */
};

/* A PF that VMs take VFs of (rule 12). */
struct plan_sriov_pf {
    char pci[16];
    int numvfs;             /* One past the highest VF used on it. */
    bool set_numvfs;        /* false: a stood-in uplink, not on this host. */
    unsigned vf_vendor;     /* Its VFs' PCI ids (nova's device_spec); */
    unsigned vf_device;     /* 0 when unknown. */
};

/* Rule 16: one difference from the previous plan (docs/plan-format.md,
 * "changes", says what each kind means and which fields it sets). */
struct plan_change {
    const char *kind;       /* "vm-added", "vm-removed", "vm-changed",
                             * "vm-moved", "vcpupin", "emulatorpin", "rxq",
                             * "port-added", "port-removed", "vf",
                             * "pool". */
    char *vm;               /* NULL for a pool. */
    char *item;             /* Port, pool, "nic N", what changed; NULL. */
    char *before, *after;   /* NULL when not applicable. */
    bool restart;           /* The guest must restart to take it. */
};

struct plan {
    const struct nfv_topology *topo;
    const struct intent *intent;
    const struct plan_file *previous;   /* Rule 16; NULL: from scratch. */
    struct plan_change *changes;        /* With a previous plan. */
    int n_changes;

    hwloc_bitmap_t pool[N_POOLS];   /* Union over nodes. */
    struct plan_numa *numas;        /* Parallel to topo->numas. */
    int n_numas;
    struct plan_vm *vms;
    int n_vms;
    struct plan_uplink *uplinks;
    int n_uplinks;
    struct plan_sriov_pf *sriov_pfs;
    int n_sriov_pfs;
    uint64_t hugepage_kb;
    const char *kernel;             /* Target Linux release; "" unknown. */
    bool hugepages_per_node;        /* Rule 9: "hugepages=0:4,1:2" on the
                                     * command line, else the total. */
    int emulator_numa;              /* -1: no emulator-share pool. */
    /* Rule 17: emulator threads (share) and shared vCPUs: the emulator
     * pool, or with shared_cores = 0 the housekeeping PUs of
     * emulator_numa; empty without the share policy. */
    hwloc_bitmap_t shared_cpus;
    struct diag *diag;              /* Warnings are collected here. */

    /* Rule 14: what OVS, QEMU and neutron share. */
    const char *bridge;
    const char *uplink_port;        /* "dpdk-up0", "bond-up"; NULL. */
    const char *socket_dir;
    const char *socket_group;
    unsigned socket_mode;
};

/* The tuned profile apply installs for kernel_cmdline = tuned. */
#define PLAN_TUNED_PROFILE "nfvhost"

int plan_build(const struct nfv_topology *, const struct intent *,
               struct plan *, struct diag *);

/* Rule 16: plan against 'previous' (plan.json as lib/plan-file.h reads
 * it, NULL: as plan_build()).  VMs whose intent did not change stay where
 * they were; when that leaves no room, the plan is infeasible and the
 * message names the fewest VMs that would have to move, unless
 * 'allow_moves', which moves them (listed in plan->changes). */
struct plan_options {
    const struct plan_file *previous;
    bool allow_moves;
};
int plan_build_with(const struct nfv_topology *, const struct intent *,
                    const struct plan_options *, struct plan *,
                    struct diag *);
void plan_destroy(struct plan *);

const char *pool_name(enum pool);
const char *pool_purpose(enum pool);
enum pool plan_pool_of(const struct plan *, int pu);
const struct plan_vm *plan_vm_of(const struct plan *, int pu);
struct plan_numa *plan_find_numa(const struct plan *, int os_index);
const struct plan_uplink *plan_find_uplink(const struct plan *,
                                           const struct nfv_nic *);

/* Rules 11-15 (wiring.c): plan_sriov_choose_pfs() is rule 12's first
 * half, the PF of each SR-IOV NIC, made before the VMs are placed (0, or
 * an error in the diag); plan_wiring() the rest, after. */
int plan_sriov_choose_pfs(struct plan *);
void plan_wiring(struct plan *);

/* Rule 12's limit, after plan_wiring(): every PF makes the VFs the plan
 * needs of it (wiring.c).  0, or an error in the plan's diag; warns of a
 * VF whose PF is on another node than its VM. */
int plan_check_vfs(struct plan *);

/* Rule 9 (memory.c). */
int plan_memory(struct plan *);
uint64_t ovs_socket_mem_mb(int mtu);

/* The IOMMU kernel arguments for a CPU vendor ("GenuineIntel",
 * "AuthenticAMD", "HygonGenuine"); NULL for any other vendor, which gets
 * "iommu=pt" alone and a warning.  The one place the vendor decides. */
const char *plan_iommu_args(const char *cpu_vendor);

/* Derived sets used by several emitters. */
void plan_isolated_cpus(const struct plan *, hwloc_bitmap_t);

#endif /* planner/plan.h */
