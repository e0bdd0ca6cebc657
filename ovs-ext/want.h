/* want.h: what the switch should look like, computed from a plan.
 *
 * The desired state is a jansson object so that apply.c can compare it
 * column by column with what ovsdb-server holds:
 *   {"bridge": NAME,
 *    "other_config": {key: value},          Open_vSwitch keys to set
 *    "ports": [{"name", "tag", "bond_mode", "lacp", "external_ids": {},
 *               "interfaces": [{"name", "type", "options": {},
 *                               "mtu_request", "other_config": {},
 *                               "external_ids": {}}]}],
 *    "exclusive": true|false,   remove managed ports not listed
 *    "delete": [port names],    remove these ports
 *    "uplinks": [PCI addresses that must be bound to vfio-pci]}
 * Only the columns and map keys present are managed; anything else in the
 * database is left as it is. */
#ifndef NFV_WANT_H
#define NFV_WANT_H 1

#include <stdbool.h>
#include <jansson.h>

#include "lib/diag.h"

#define WANT_DEFAULT_BRIDGE "br-nfv"
#define WANT_DEFAULT_SOCK_DIR "/var/run/nfvhost/vhost"
#define WANT_MAX_CPU 4096

/* Options shared by 'ovs apply', 'ovs port' and 'ovs release'. */
struct ovs_opts {
    const char *db;
    const char *bridge;
    const char *sock_dir;
    const char *qemu_group;     /* NULL: libvirt-qemu, qemu or kvm. */
    const char *sysfs_root;     /* "" for the live machine. */
    const char *bond_mode;      /* active-backup or balance-tcp. */
    json_t *uplink_override;    /* {PCI: devargs}: vdev stand-ins. */
    json_t *set;                /* {key: value}: other_config overrides. */
    int cpu_map[WANT_MAX_CPU];  /* Planned PU -> PU to use (identity). */
    bool cpu_mapped[WANT_MAX_CPU]; /* Named in --cpu-map. */
    bool has_cpu_map;           /* Then only mapped PUs exist here. */
    bool dry_run;
    bool no_wait;
};

void ovs_opts_init(struct ovs_opts *);
void ovs_opts_destroy(struct ovs_opts *);
/* Flag parsers; each returns 0 or 2 with diag naming the flag and value. */
int ovs_opts_cpu_map(struct ovs_opts *, const char *arg, struct diag *);
int ovs_opts_key_value(json_t *obj, const char *flag, const char *arg,
                       struct diag *);

/* The DPDK vdev standing in for plan uplink (or SR-IOV PF) 'pci': an
 * --uplink-override wins over the plan's own "devargs" ('nfvhost plan
 * --uplink-override'); NULL means the PCI device itself. */
const char *want_stand_in(const json_t *plan, const char *pci,
                          const struct ovs_opts *);

/* The desired state for a whole plan, or NULL with diag set. */
json_t *want_from_plan(const json_t *plan, const struct ovs_opts *,
                       struct diag *);

/* One vhost-user port; 'nic' is the NIC id, 'vlan' < 0 for untagged,
 * 'pmd' < 0 for no rx queue pinning.  Optional ids may be NULL. */
struct vhost_nic {
    const char *vm;
    const char *nic;
    int vlan;
    int pmd;
    int queues;
    int mtu;
    const char *port_id;        /* OpenStack port: vhu<id[0:11]>, iface-id */
    const char *mac;
    const char *vm_uuid;
};
json_t *want_vhost_port(const struct vhost_nic *, const struct ovs_opts *,
                        struct diag *);

/* A name usable in port names, paths and shells: [A-Za-z0-9][A-Za-z0-9_-]*
 * of at most 'max' characters. */
bool want_valid_name(const char *, size_t max);

/* Checks the vhost socket directory: refused if world-writable or not a
 * directory; created root:QEMU-group 0770 if missing (unless dry-run). */
int want_sock_dir(const struct ovs_opts *, struct diag *);

#endif /* ovs-ext/want.h */
