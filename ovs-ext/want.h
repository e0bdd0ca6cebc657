/* want.h: what the switch should look like, taken from a plan.
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
 *    "delete_if_exists": true,  (optional) a port of "delete" that is
 *                               not there is not an error
 * A plan made with --previous (it has "changes") is not exclusive: its
 * "delete" is the ports its changes remove, so the other ports stay.
 *    "uplinks": [PCI addresses that must be bound to vfio-pci]}
 * Only the columns and map keys present are managed; anything else in the
 * database is left as it is.
 *
 * Everything comes from plan.json (lib/plan-file.h): the bridge, the
 * socket directory, the uplink port with its queues and PMDs, the vhost
 * ports with their names, MACs and PMDs, other_config.  This module
 * decides nothing; it only translates.  The operator's explicit overrides
 * (--bridge, --sock-dir, --qemu-group, --set, --cpu-map) are applied on
 * top, and say so in their names. */
#ifndef NFV_WANT_H
#define NFV_WANT_H 1

#include <stdbool.h>
#include <jansson.h>

#include "lib/diag.h"

struct plan_file;

#define WANT_MAX_CPU 4096

/* Options shared by 'ovs apply', 'ovs port', 'ovs release', 'ovs status'.
 * bridge, sock_dir and sock_group are NULL until given or taken from a
 * plan (ovs_opts_from_plan()); without a plan, the planner's defaults. */
struct ovs_opts {
    const char *db;
    const char *bridge;
    const char *sock_dir;
    const char *sock_group;     /* Group owning sock_dir. */
    unsigned sock_mode;         /* Its mode (0770). */
    const char *sysfs_root;     /* "" for the live machine. */
    json_t *set;                /* {key: value}: other_config overrides. */
    int cpu_map[WANT_MAX_CPU];  /* Planned PU -> PU to use (identity). */
    bool cpu_mapped[WANT_MAX_CPU]; /* Named in --cpu-map. */
    bool has_cpu_map;           /* Then only mapped PUs exist here. */
    bool dry_run;
    bool no_wait;
    struct changes *changes;    /* apply --json: gets what changed (or, dry
                                 * run, would change); NULL otherwise. */
};

struct changes;
void ovs_opts_init(struct ovs_opts *);
void ovs_opts_destroy(struct ovs_opts *);
/* Fills what the flags left unset from the plan (NULL: the defaults). */
void ovs_opts_from_plan(struct ovs_opts *, const struct plan_file *);
/* Flag parsers; each returns 0 or 2 with diag naming the flag and value. */
int ovs_opts_cpu_map(struct ovs_opts *, const char *arg, struct diag *);
int ovs_opts_key_value(json_t *obj, const char *flag, const char *arg,
                       struct diag *);
/* A planned PU through --cpu-map. */
int ovs_opts_cpu(const struct ovs_opts *, int cpu);

/* The desired state for a whole plan, or NULL with diag set. */
json_t *want_from_plan(const struct plan_file *, const struct ovs_opts *,
                       struct diag *);

/* One vhost-user port; 'nic' is the NIC id, 'vlan' < 0 for untagged,
 * 'pmd' < 0 for no rx queue pinning.  'port' NULL names it as the planner
 * does (vhu-VM-NIC), or as os-vif does (vhu<port_id[0:11]>) with a
 * port_id.  Optional ids may be NULL. */
struct vhost_nic {
    const char *vm;
    const char *nic;
    const char *port;
    int vlan;
    int pmd;                    /* Every rx queue's PMD, -1: unpinned... */
    const int *rxq_pmds;        /* ...unless this gives one per queue. */
    int queues;
    int mtu;
    const char *port_id;        /* OpenStack port: vhu<id[0:11]>, iface-id */
    const char *mac;
    const char *vm_uuid;
};
json_t *want_vhost_port(const struct vhost_nic *, const struct ovs_opts *,
                        struct diag *);

/* The vhost socket directory: 0 when it exists as a directory owned by
 * root, writable by no one but root and the socket group, reached through
 * no symbolic link and below directories only root can change
 * (dir_open_nofollow() in lib/util.h), or when it can be made (its group
 * exists); diag otherwise (status 2).  want_sock_dir_make() creates a
 * missing one: mode 0700, then fchown root:group and fchmod sock_mode on
 * the descriptor of the directory it made, so neither follows a link. */
int want_sock_dir_check(const struct ovs_opts *, struct diag *);
int want_sock_dir_make(const struct ovs_opts *, struct diag *);

#endif /* ovs-ext/want.h */
