/* vmspec.h: one VM of a plan, as the libvirt code needs it.
 *
 * vm_spec_load() takes the VM's vCPU pins, emulator pin, guest topology,
 * hugepages and NICs from the plan (lib/plan-file.h), together with the
 * host facts its checks compare against: the pools and the hugepages the
 * plan reserved for guests on the VM's node.  Every NIC comes as planned:
 * its MAC, a vhost NIC's socket (ovs.socket_dir/port, where 'nfvhost ovs
 * apply' points the OVS port), an SR-IOV NIC's PF and VF ordinal.  The one
 * fact the plan cannot hold is the PCI address the kernel gave that VF:
 * it is read from the PF's virtfnN link in sysfs (or given with --vf). */
#ifndef NFV_VMSPEC_H
#define NFV_VMSPEC_H 1

#include <stdbool.h>
#include <stdint.h>
#include <hwloc.h>

#include "lib/diag.h"
#include "lib/plan-file.h"

#define VM_MAX_VF_OVERRIDES 64

struct vm_nic {
    int index;
    enum nic_type type;
    int vlan;                   /* -1: untagged. */
    int pmd_cpu;                /* vhost: PMD polling it, -1 unknown. */
    char pf[16];                /* sriov: the PF. */
    char vf[16];                /* sriov: the VF's PCI address. */
    char *socket;               /* vhost: vhost-server-path. */
    char *mac;                  /* The plan's. */
};

struct vm_spec {
    char *plan_file;
    char *name;
    int numa;
    int vcpus;
    uint64_t memory_mb;
    enum virt_type virt_type;
    enum cpu_policy cpu_policy;
    hwloc_bitmap_t cpus;        /* shared: where every vCPU may run. */
    int *vcpupin;               /* dedicated only; NULL for shared. */
    hwloc_bitmap_t emulatorpin;
    int sockets, cores, threads;
    uint64_t hugepage_kb;
    uint64_t hugepages;         /* The VM's pages. */
    int queues;
    int mtu;
    struct vm_nic *nics;
    int n_nics;

    /* Host facts from the same plan. */
    enum emulator_policy emulator_policy;
    hwloc_bitmap_t guest_pool, pmd_pool, hk_pool;
    hwloc_bitmap_t emulator_pool;   /* The plan's shared_cpus: the
                                     * emulator-share pool, or housekeeping
                                     * CPUs with shared_cores = 0. */
    uint64_t node_guest_pages;  /* Guest hugepages on the VM's node. */
};

/* What the plan does not say and the host does. */
struct vm_host_opts {
    const char *sock_dir;       /* NULL: the plan's ovs.socket_dir. */
    const char *sysfs_root;     /* NULL: "" (the real /sys). */
    /* --vf NIC=PCI: explicit VF addresses by NIC index. */
    int vf_nic[VM_MAX_VF_OVERRIDES];
    char vf_pci[VM_MAX_VF_OVERRIDES][16];
    int n_vf;
};

int vm_spec_load(const struct plan_file *, const char *vm,
                 const struct vm_host_opts *, struct vm_spec *,
                 struct diag *);
void vm_spec_destroy(struct vm_spec *);

/* Parses "--vf 2=0000:03:02.0" into 'o'; 0 or NFV_EINPUT. */
int vm_host_opts_add_vf(struct vm_host_opts *, const char *arg,
                        struct diag *);

#endif /* libvirt-templates/vmspec.h */
