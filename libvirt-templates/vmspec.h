/* vmspec.h: one VM of a plan.json, as the libvirt code needs it.
 *
 * vm_spec_load() reads the VM's vCPU pins, emulator pin, guest topology,
 * hugepages and NICs from plan.json (docs/plan-format.md), together with
 * the host facts its checks compare against: the pools and the hugepages
 * the plan reserved for guests on the VM's node.  It also resolves what
 * the plan leaves to the host: the vhost-user socket path of each vhost
 * NIC (the one 'nfvhost ovs apply' gives the OVS port: vhu-VM-N, or
 * os-vif's vhu<port_id[0:11]> when the NIC has an OpenStack "port_id") and
 * the PCI address of each SR-IOV NIC's VF. */
#ifndef NFV_VMSPEC_H
#define NFV_VMSPEC_H 1

#include <stdbool.h>
#include <stdint.h>
#include <hwloc.h>

#include "lib/diag.h"
#include "planner/intent.h"

/* Where 'nfvhost ovs apply' puts vhost-user sockets by default. */
#define VM_DEFAULT_SOCK_DIR "/var/run/nfvhost/vhost"
#define VM_MAX_VF_OVERRIDES 64

struct vm_nic {
    int index;
    enum nic_type type;
    int vlan;                   /* -1: untagged. */
    int pmd_cpu;                /* vhost: PMD polling it, -1 unknown. */
    char pf[16];                /* sriov: the PF. */
    char vf[16];                /* sriov: the VF's PCI address. */
    char *socket;               /* vhost: vhost-server-path. */
    char *mac;                  /* From the plan ("mac"), or NULL. */
};

struct vm_spec {
    char *plan_file;
    char *name;
    int numa;
    int vcpus;
    uint64_t memory_mb;
    int *vcpupin;
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
    hwloc_bitmap_t guest_pool, emulator_pool, pmd_pool, hk_pool;
    uint64_t node_guest_pages;  /* Guest hugepages on the VM's node. */
};

/* What the plan does not say and the host does. */
struct vm_host_opts {
    const char *sock_dir;       /* NULL: VM_DEFAULT_SOCK_DIR. */
    const char *sysfs_root;     /* NULL: "" (the real /sys). */
    /* --vf NIC=PCI: explicit VF addresses by NIC index. */
    int vf_nic[VM_MAX_VF_OVERRIDES];
    char vf_pci[VM_MAX_VF_OVERRIDES][16];
    int n_vf;
};

int vm_spec_load(const char *plan_file, const char *vm,
                 const struct vm_host_opts *, struct vm_spec *,
                 struct diag *);
void vm_spec_destroy(struct vm_spec *);

/* Parses "--vf 2=0000:03:02.0" into 'o'; 0 or NFV_EINPUT. */
int vm_host_opts_add_vf(struct vm_host_opts *, const char *arg,
                        struct diag *);

#endif /* libvirt-templates/vmspec.h */
