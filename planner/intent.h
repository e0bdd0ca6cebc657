/* intent.h: what the user asks of the host, read from an INI file.
 *
 * intent_default() fills the documented defaults; intent_parse_file()
 * overlays an INI file on them (with inih), rejecting unknown sections and
 * keys, bad values and duplicates with a "file:line: ..." message.
 *
 * The setup wizard edits an intent one answer at a time: intent_set() sets
 * one key with the same checks and messages as the file (without
 * "file:line: "), intent_get() gives a key's value as the file would spell
 * it, and intent_check() makes the checks that span keys. */
#ifndef NFV_INTENT_H
#define NFV_INTENT_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/diag.h"
#include "lib/plan-file.h"   /* The policy and NIC type enums. */

#define INTENT_MAX_NODES 1024
/* nfvhost drives one uplink, or a bond of two. */
#define INTENT_MAX_UPLINKS 2


struct intent_nic {
    enum nic_type type;
    int vlan;                   /* 0: untagged. */
    char pf[PLAN_PCI_LEN];      /* sriov: "TYPE[:VLAN]@PF", lower case;
                                 * "": the VM's sriov_pf, else the
                                 * planner's choice (rule 12). */
};

struct intent_vm {
    char *name;
    int line;                   /* Line of its section header, for messages. */
    int vcpus;
    uint64_t memory_mb;
    struct intent_nic *nics;
    int n_nics;
    enum thread_policy thread_policy;
    enum cpu_policy cpu_policy;
    int numa;                   /* -1: let the planner choose. */
    char *sriov_pf;             /* PF of its sriov NICs that name none;
                                 * NULL: the planner's choice. */
    int queues;                 /* vhost queue pairs per NIC; 0 = vcpus. */
    char *disk;                 /* Image or block device, or NULL. */
    char *cdrom;                /* Installer ISO, or NULL. */
};

struct intent_uplink {
    char *pci;
    int line;
    bool switchdev;             /* [uplink PCI] mode = switchdev: a PF whose
                                 * eswitch is in switchdev mode; its VFs
                                 * reach OVS through representor ports. */
    char *devargs;              /* Stand-in DPDK vdev, or NULL (see
                                 * intent_override_uplink()). */
};

struct intent {
    char *file;                 /* NULL when the defaults are used. */

    /* [host] */
    int housekeeping_cores_per_numa;
    uint64_t host_memory_mb;
    uint64_t hugepage_kb;       /* 2048 or 1048576. */
    int guest_memory_percent;   /* Share planned as hugepages w/o VMs. */
    char *kernel;               /* Target Linux release; NULL: the
                                 * topology's (hwloc's OSRelease). */
    bool kernel_by_tuned;       /* kernel_cmdline = tuned: the arguments go
                                 * through a tuned profile, not GRUB. */

    /* [ovs] */
    struct intent_uplink *uplinks;
    int n_uplinks;
    int pmd_cores_default;
    int *pmd_cores_node;        /* [INTENT_MAX_NODES], -1 = default. */
    bool pmd_siblings_idle;
    int mtu;
    char *pmd_rxq_assign;       /* cycles | roundrobin | group */
    char *bond_mode;            /* Two uplinks: active-backup | balance-tcp */
    char *socket_dir;           /* vhost-user socket directory. */
    char *socket_group;         /* NULL: detected (topology) or hugetlbfs. */

    /* [emulator] */
    enum emulator_policy emulator_policy;
    int emulator_shared_cores;  /* 0: share the housekeeping cores. */

    /* [libvirt] */
    enum virt_type virt_type;

    struct intent_vm *vms;
    int n_vms;
};

void intent_default(struct intent *);
int intent_parse_file(const char *path, struct intent *, struct diag *);
/* The same, telling 'each' of every key the intent took, in file order:
 * its section as the intent reads it (trimmed: "host", "vm NAME",
 * "uplink PCI"), key and value as inih hands them (the setup wizard keeps
 * the keys it does not ask this way, setup/kept.c).  A repeated key
 * ('uplink') is told once a line. */
typedef void intent_key_fn(void *aux, const char *section, const char *key,
                           const char *value);
int intent_parse_file_keys(const char *path, struct intent *,
                           intent_key_fn *each, void *aux, struct diag *);
void intent_destroy(struct intent *);

/* One 'key = value' of 'section' ("host", "ovs", "emulator", "vm NAME" of
 * an existing VM).  Replaces the key's value ('uplink' adds one); on error
 * the intent is unchanged. */
int intent_set(struct intent *, const char *section, const char *key,
               const char *value, struct diag *);
/* "4", "0:2,1:1", "vhost:100, sriov:300", the uplinks joined by ", "...;
 * NULL for an optional key that is not set.  Caller frees. */
char *intent_get(const struct intent *, const char *section,
                 const char *key);
/* Unsets an optional key (a VM's numa, queues, sriov_pf, disk, cdrom; the
 * uplinks): as if the file did not have it. */
int intent_unset(struct intent *, const char *section, const char *key,
                 struct diag *);
int intent_add_vm(struct intent *, const char *name, struct diag *);
int intent_rename_vm(struct intent *, int index, const char *name,
                     struct diag *);
void intent_remove_vm(struct intent *, int index);
void intent_clear_uplinks(struct intent *);
int intent_check(struct intent *, struct diag *);

int intent_pmd_cores(const struct intent *, int node);
int intent_override_uplink(struct intent *, const char *spec, struct diag *);

#endif /* planner/intent.h */
