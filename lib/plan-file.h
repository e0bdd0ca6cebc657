/* plan-file.h: plan.json (format 2) read back into typed C structures.
 *
 * plan.json is the whole contract between the planner and everything that
 * acts on a plan (hugepages, ovs, vm, vhost, check, the fleet): every
 * decision the planner makes is written there, and the other parts read it
 * only through this module.  docs/plan-format.md documents the same fields,
 * in the same order and with the same names; this header says how each one
 * looks in C.
 *
 * 1. Loading.  plan_file_load() reads the file with jansson, checks that it
 *    is format 2, and validates every field once: types, ranges, PCI
 *    addresses (lib/pci.h), the names that end up in paths and port names,
 *    CPU lists, and what ties the sections together (a NIC's PF is a
 *    planned SR-IOV PF, a vCPU pin is a usable CPU, a PMD is in the PMD
 *    pool...).  An error has exit status 2 and names the file and the JSON
 *    path of the value:
 *        plan.json: vms[1].nics[0].vlan: expected 1-4094
 *    A format-1 plan is refused with a message that asks to re-run
 *    'nfvhost plan'.
 *
 * 2. Reading.  A loaded plan is plain data that is already valid: read the
 *    structures below directly.  Nothing is optional unless its comment
 *    says how absence is written (NULL, -1, 0, an empty set).  The lookup
 *    helpers only search.
 *
 * 3. Freeing.  plan_file_destroy() frees the plan and everything in it.
 *
 * CPU sets are hwloc bitmaps of OS PU numbers (as in /sys/devices/system/
 * cpu), written in plan.json as Linux CPU lists ("0-3,8", "" for none).
 * Strings are never NULL unless their comment says so. */
#ifndef NFV_PLAN_FILE_H
#define NFV_PLAN_FILE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hwloc.h>

#include "lib/diag.h"

/* The "format" this build writes and reads. */
#define PLAN_FILE_FORMAT 2

#define PLAN_VM_NAME_MAX 32     /* [A-Za-z0-9][A-Za-z0-9_-]{0,31} */
#define PLAN_PCI_LEN 16         /* "0000:03:00.0", NUL, room to spare. */
#define PLAN_MAC_LEN 18         /* "52:54:00:12:34:56" and its NUL. */
#define PLAN_SOCKET_DIR_MAX 80  /* Unix socket paths are short. */

/* The planner's defaults, also used by 'ovs port', which has no plan. */
#define PLAN_DEFAULT_BRIDGE "br-nfv"
#define PLAN_DEFAULT_SOCKET_DIR "/var/lib/vhost_sockets"
#define PLAN_DEFAULT_SOCKET_MODE 0770

/* The vocabulary plan.json shares with the intent file; *_name() gives the
 * spelling both use. */
enum emulator_policy { EMU_SHARE, EMU_ISOLATE, EMU_NONE };
enum thread_policy { THREAD_PREFER, THREAD_ISOLATE, THREAD_REQUIRE };
enum nic_type { NIC_VHOST, NIC_SRIOV };
/* A VM's vCPUs: pinned 1:1 to guest-pool CPUs, or floating over the
 * shared CPUs (nova's hw:cpu_policy). */
enum cpu_policy { CPU_DEDICATED, CPU_SHARED };
/* libvirt's domain type and nova's [libvirt] virt_type: KVM, or QEMU's
 * TCG emulation (tests and nested labs, where KVM is missing or hangs). */
enum virt_type { VIRT_KVM, VIRT_QEMU };
/* The guest CPU model of virt_type qemu (libvirt's <model>, nova's
 * cpu_models): x86-64 as TCG emulates it in full. */
#define VIRT_QEMU_CPU_MODEL "qemu64"
const char *emulator_policy_name(enum emulator_policy);
const char *thread_policy_name(enum thread_policy);
const char *nic_type_name(enum nic_type);
const char *cpu_policy_name(enum cpu_policy);
const char *virt_type_name(enum virt_type);

/* "pools" (the whole host) and "numa_nodes[].pools" (one node); the five
 * sets are pairwise disjoint. */
struct plan_file_pools {
    hwloc_bitmap_t housekeeping;    /* OS, IRQs, OVS non-PMD threads. */
    hwloc_bitmap_t pmd;             /* OVS PMD threads (pmd-cpu-mask). */
    hwloc_bitmap_t emulator;        /* QEMU emulator threads of all VMs. */
    hwloc_bitmap_t guest;           /* Pinned vCPUs. */
    hwloc_bitmap_t idle;            /* PMD siblings left idle. */
};

/* "host": facts about the planned machine. */
struct plan_file_host {
    char *cpu_vendor;               /* "GenuineIntel", "AuthenticAMD", "". */
    int smt;                        /* Most PUs in one core, >= 1. */
    bool hybrid;                    /* More than one CPU kind. */
    hwloc_bitmap_t usable_cpus;     /* Online and allowed: the planned PUs. */
    hwloc_bitmap_t unusable_cpus;   /* Offline or disallowed. */
};

/* "settings": the intent that was planned. */
struct plan_file_settings {
    int housekeeping_cores_per_numa;
    uint64_t host_memory_mb;
    uint64_t hugepage_size_kb;      /* 2048 or 1048576. */
    int pmd_cores_per_numa;         /* The default count. */
    bool pmd_siblings_idle;         /* "pmd_siblings": "idle" or "use". */
    int mtu;                        /* 68-9702, every OVS interface. */
    char *pmd_rxq_assign;           /* "cycles", "roundrobin" or "group". */
    enum emulator_policy emulator_policy;
    int emulator_shared_cores;      /* 0 unless the policy is share; with
                                     * share, 0: the shared CPUs are the
                                     * housekeeping ones (shared_cpus). */
    enum virt_type virt_type;       /* "virt_type": "kvm" or "qemu". */
};

/* "numa_nodes[].l3_domains[]". */
struct plan_file_l3 {
    int index;                      /* Global; vms[].l3 refers to it. */
    hwloc_bitmap_t cpus;
    uint64_t size_kb;               /* 0: unknown. */
};

/* "numa_nodes[].hugepages" and "vms[].hugepages" (ovs and guests are only
 * set for a node, 0 for a VM). */
struct plan_file_hugepages {
    uint64_t size_kb;               /* settings.hugepage_size_kb. */
    uint64_t count;                 /* Pages; count * size_kb fits in 64
                                     * bits and the node's memory. */
    uint64_t ovs;                   /* Node: of which for OVS. */
    uint64_t guests;                /* Node: of which for guests. */
};

/* "numa_nodes[]": every node, CPU-less ones too, by ascending id. */
struct plan_file_numa {
    int id;                         /* OS index; ids may have gaps. */
    bool has_cpus;
    uint64_t memory_mb;             /* 0: the topology did not say. */
    hwloc_bitmap_t cpus;            /* Usable PUs of the node. */
    struct plan_file_l3 *l3_domains;
    size_t n_l3_domains;
    struct plan_file_pools pools;   /* The pools restricted to the node. */
    uint64_t ovs_socket_mem_mb;     /* Its dpdk-socket-mem entry. */
    uint64_t host_memory_mb;        /* Kept as ordinary memory. */
    struct plan_file_hugepages hugepages;
};

/* "uplinks[]": the NICs OVS-DPDK takes, as the planner saw them.  How OVS
 * drives each one is in ovs.uplink_port->interfaces[]. */
struct plan_file_uplink {
    char pci[PLAN_PCI_LEN];         /* Valid, lower-case DDDD:BB:DD.F. */
    bool switchdev;                 /* "mode": "switchdev" (the PF's
                                     * eswitch switches its VFs, which reach
                                     * OVS through ovs.representors[]) or
                                     * "legacy" (also when absent). */
    int numa;                       /* The node it is planned on. */
    int numa_reported;              /* What sysfs/hwloc said; -1 unknown. */
    char *vendor, *device;          /* 4 hex digits each. */
    char *driver;                   /* NULL: unknown or unbound. */
    char *ifname;                   /* NULL: none known. */
    bool is_vf;
    char physfn[PLAN_PCI_LEN];      /* PF of a VF, else "". */
    int vf_index;                   /* Its virtfnN on the PF; -1 if not a
                                     * VF or unknown. */
    int sriov_totalvfs;             /* -1: unknown. */
    int sriov_numvfs;               /* -1: unknown. */
    int carrier;                    /* 1 up, 0 down, -1 unknown (null). */
    bool has_route;                 /* Carried a route or an address. */
    int iommu_group;                /* Its IOMMU group when planned; -1 none
                                     * or unknown. */
};

/* "sriov_pfs[]": every PF that VMs take VFs of, in plan order. */
struct plan_file_sriov_pf {
    char pci[PLAN_PCI_LEN];
    int numvfs;                     /* VFs it must have (at least), 1-65535:
                                     * one past the highest VF used. */
    bool set_numvfs;                /* false: the PF is an uplink that a
                                     * DPDK vdev stands in for; it is not on
                                     * this host, so 'ovs apply' leaves it
                                     * alone and 'vm xml' needs --vf. */
};

/* "vms[].nics[]". */
struct plan_file_nic {
    int index;                      /* Its position, and the NIC's name. */
    enum nic_type type;
    int vlan;                       /* 1-4094, or 0 for untagged (null). */
    char mac[PLAN_MAC_LEN];         /* "52:54:00:xx:xx:xx", unique. */
    /* vhost only: */
    char *port;                     /* OVS port and interface name, and the
                                     * socket's name in ovs.socket_dir;
                                     * NULL for sriov. */
    int pmd_cpu;                    /* The PMD PU that polls rx queue 0;
                                     * -1 (null): not pinned. */
    int *rxq_pmds;                  /* The VM's queues entries: queue q is
                                     * polled by PU rxq_pmds[q]; NULL
                                     * (null or absent, as plans before it):
                                     * pmd_cpu polls every queue. */
    /* sriov only: */
    char pf[PLAN_PCI_LEN];          /* A sriov_pfs[] entry; "" for vhost. */
    int vf;                         /* VF ordinal, the PF's virtfnN, below
                                     * its numvfs; -1 for vhost. */
};

/* "vms[]": in intent order. */
struct plan_file_vm {
    char *name;                     /* [A-Za-z0-9][A-Za-z0-9_-]{0,31}. */
    int numa;                       /* Node of its vCPUs and memory. */
    int l3;                         /* L3 domain index of its vCPUs. */
    int vcpus;                      /* 1-1024. */
    uint64_t memory_mb;
    enum thread_policy thread_policy;
    enum cpu_policy cpu_policy;
    hwloc_bitmap_t cpus;            /* dedicated: the set of vcpupin;
                                     * shared: shared_cpus, where every
                                     * vCPU may run. */
    int *vcpupin;                   /* dedicated: vcpus entries, the host
                                     * PU of vCPU i; shared: NULL ([] in
                                     * plan.json). */
    hwloc_bitmap_t emulatorpin;     /* Empty for emulator policy none. */
    int sockets, cores, threads;    /* Guest topology; product = vcpus. */
    struct plan_file_hugepages hugepages;   /* size_kb and count. */
    int queues;                     /* Queue pairs per vhost NIC, 1-16. */
    struct plan_file_nic *nics;
    size_t n_nics;
    char *disk;                     /* Image or block device it boots from,
                                     * an absolute path; NULL (null): the
                                     * template's. */
    char *cdrom;                    /* Installer ISO, absolute; NULL. */
};

/* One key of Open_vSwitch other_config. */
struct plan_file_kv {
    char *key;
    char *value;
};

/* "ovs.uplink_port.interfaces[]": one OVS dpdk interface per uplink, in
 * uplinks[] order. */
struct plan_file_ovs_iface {
    char *name;                     /* "dpdk-up0", "dpdk-up1". */
    char pci[PLAN_PCI_LEN];         /* Its uplinks[] entry. */
    char *dpdk_devargs;             /* options:dpdk-devargs: the PCI address,
                                     * or the DPDK vdev standing in for it
                                     * ('nfvhost plan --uplink-override'). */
    bool bind_vfio;                 /* Bind pci to vfio-pci before adding
                                     * it; false for a stand-in. */
    int mtu_request;
    int n_rxq;                      /* options:n_rxq, >= 1. */
    int *rxq_pmds;                  /* n_rxq entries: queue q is polled by
                                     * PU rxq_pmds[q] (other_config:
                                     * pmd-rxq-affinity); NULL when the
                                     * node has no PMD: not pinned. */
};

/* "ovs.uplink_port": the port holding the uplinks (a bond for two). */
struct plan_file_ovs_uplink_port {
    char *name;                     /* "dpdk-up0" or "bond-up". */
    char *bond_mode;                /* NULL (one interface), "active-backup"
                                     * or "balance-tcp". */
    char *lacp;                     /* NULL (off) or "active". */
    struct plan_file_ovs_iface *interfaces;     /* 1 or 2. */
    size_t n_interfaces;
};

/* "ovs.representors[]": one OVS port per VF of a switchdev uplink that a
 * VM takes (its other end in the PF's eswitch), in plan order; empty when
 * absent. */
struct plan_file_ovs_representor {
    char *name;                     /* Port and interface, "rep-VM-NIC". */
    char pf[PLAN_PCI_LEN];          /* A switchdev uplink. */
    int vf;                         /* VF ordinal on pf. */
    char *dpdk_devargs;             /* "PF,representor=vfN". */
    int vlan;                       /* The VF's VLAN (access port tag), 0
                                     * for untagged (null). */
    int mtu_request;
    char *vm;                       /* The VM and its NIC index whose VF */
    int nic;                        /* this represents. */
};

/* "ovs": everything 'nfvhost ovs apply' makes, and the vhost-user socket
 * directory that QEMU, libvirt, OVS and neutron share. */
struct plan_file_ovs {
    char *bridge;                   /* The netdev bridge. */
    char *socket_dir;               /* Absolute, <= PLAN_SOCKET_DIR_MAX. */
    char *socket_group;             /* Group owning socket_dir. */
    unsigned socket_mode;           /* Mode of socket_dir, e.g. 0770. */
    struct plan_file_kv *other_config;  /* Open_vSwitch other_config exactly
                                         * as to be set, in plan order. */
    size_t n_other_config;
    struct plan_file_ovs_uplink_port *uplink_port;  /* NULL: no uplinks. */
    struct plan_file_ovs_representor *representors;
    size_t n_representors;
};

/* "kernel": the boot arguments. */
struct plan_file_kernel {
    char **args;                    /* "isolcpus=...", in order; each only
                                     * [A-Za-z0-9_.,:=/+-]. */
    size_t n_args;
    hwloc_bitmap_t isolated_cpus;   /* isolcpus, nohz_full, rcu_nocbs. */
    hwloc_bitmap_t housekeeping_cpus;   /* irqaffinity,
                                         * systemd.cpu_affinity. */
    /* "tuned" (kernel_cmdline = tuned): the arguments go through a tuned
     * profile that includes cpu-partitioning, not the GRUB drop-in.
     * NULL: GRUB (also when absent). */
    char *tuned_profile;            /* Its name, a plan_file_name_valid()
                                     * directory under /etc/tuned. */
    hwloc_bitmap_t no_balance_cpus; /* Within isolated_cpus; NULL without
                                     * tuned. */
};

/* "changes[]": what differs from the plan given to 'nfvhost plan
 * --previous' (docs/plan-format.md, "changes", says what each kind asks
 * of the appliers).  The values to apply are the plan's own (vms[]); a
 * change says what to do, and names what the plan no longer has (a
 * removed VM's ports). */
enum plan_change_kind {
    PLAN_CHANGE_VM_ADDED, PLAN_CHANGE_VM_REMOVED, PLAN_CHANGE_VM_CHANGED,
    PLAN_CHANGE_VM_MOVED, PLAN_CHANGE_VCPUPIN, PLAN_CHANGE_EMULATORPIN,
    PLAN_CHANGE_RXQ, PLAN_CHANGE_PORT_ADDED, PLAN_CHANGE_PORT_REMOVED,
    PLAN_CHANGE_VF, PLAN_CHANGE_POOL,
};
const char *plan_change_kind_name(enum plan_change_kind);

struct plan_file_change {
    enum plan_change_kind kind;
    char *vm;                       /* NULL (null) for a pool. */
    char *item;                     /* The port (rxq, port-*), the pool,
                                     * "nic N" (vf), what changed
                                     * (vm-changed); NULL otherwise. */
    char *before, *after;           /* As text; NULL where not applicable. */
    bool restart;                   /* The guest must restart to take it. */
};

struct plan_file {
    char *path;                     /* As given to plan_file_load(). */
    int format;                     /* PLAN_FILE_FORMAT. */
    char *generator;                /* "nfvhost VERSION". */
    struct plan_file_host host;
    struct plan_file_settings settings;
    struct plan_file_pools pools;
    /* "shared_cpus": where every VM's emulator threads and the vCPUs of
     * cpu_policy shared VMs run (nova's cpu_shared_set): pools.emulator,
     * or, with settings.emulator_shared_cores 0, the housekeeping CPUs of
     * one node (a host too small for a pool of its own); empty unless
     * settings.emulator_policy is share. */
    hwloc_bitmap_t shared_cpus;
    struct plan_file_numa *numa_nodes;
    size_t n_numa_nodes;
    struct plan_file_uplink *uplinks;
    size_t n_uplinks;
    struct plan_file_sriov_pf *sriov_pfs;
    size_t n_sriov_pfs;
    struct plan_file_vm *vms;
    size_t n_vms;
    struct plan_file_ovs ovs;
    struct plan_file_kernel kernel;
    char **warnings;
    size_t n_warnings;
    bool has_changes;               /* Planned with --previous ("changes"
                                     * present, maybe empty). */
    struct plan_file_change *changes;
    size_t n_changes;
};

/* Loads and validates 'path'.  NULL with diag set: status 2 for a plan
 * that is not valid format 2, 1 when the file cannot be read. */
struct plan_file *plan_file_load(const char *path, struct diag *);
/* The same from 'len' bytes of text; 'name' stands for the file in
 * messages (tests, fuzzing). */
struct plan_file *plan_file_parse(const char *text, size_t len,
                                  const char *name, struct diag *);
void plan_file_destroy(struct plan_file *);

/* Lookups; NULL when absent. */
const struct plan_file_vm *plan_file_find_vm(const struct plan_file *,
                                             const char *name);
const struct plan_file_numa *plan_file_find_numa(const struct plan_file *,
                                                 int id);
const struct plan_file_uplink *plan_file_find_uplink(
    const struct plan_file *, const char *pci);
const struct plan_file_sriov_pf *plan_file_find_sriov_pf(
    const struct plan_file *, const char *pci);
/* Where vCPU 'vcpu' of 'vm' may run, into 'out': {vcpupin[vcpu]}, or
 * the VM's cpus for cpu_policy shared. */
void plan_file_vcpu_cpus(const struct plan_file_vm *, int vcpu,
                         hwloc_bitmap_t out);
/* ovs.other_config[key], or NULL. */
const char *plan_file_other_config(const struct plan_file *,
                                   const char *key);

/* What the reader accepts, for the planner's input checks and the CLI:
 * [A-Za-z0-9][A-Za-z0-9_-] of at most 'max' characters (VM names, port,
 * bridge and group names, NIC ids); an absolute socket directory of at
 * most PLAN_SOCKET_DIR_MAX characters of [A-Za-z0-9/._-] without "." or
 * ".." components; a kernel argument of [A-Za-z0-9_.,:=/+-] only. */
bool plan_file_name_valid(const char *, size_t max);
bool plan_file_socket_dir_valid(const char *);
bool plan_file_kernel_arg_valid(const char *);

/* "vhu-VM-NIC": the OVS port (and socket) name of vhost NIC 'nic' of VM
 * 'vm', as the planner writes it in vms[].nics[].port; 'ovs port add'
 * names ports outside a plan the same way.  Caller frees. */
char *plan_file_port_name(const char *vm, const char *nic);

/* "SOCKET_DIR/PORT": the vhost-user socket of a vhost NIC (QEMU is the
 * server, OVS the client).  Caller frees. */
char *plan_file_socket_path(const struct plan_file *,
                            const struct plan_file_nic *);
/* kernel.args joined by single spaces.  Caller frees. */
char *plan_file_kernel_cmdline(const struct plan_file *);

#endif /* lib/plan-file.h */
