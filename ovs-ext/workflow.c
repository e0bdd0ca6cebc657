/* workflow.c: 'nfvhost ovs apply|port|release' (see workflow.h). */
#include <config.h>

#include "ovs-ext/workflow.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ovs-ext/apply.h"
#include "ovs-ext/jsonrpc.h"
#include "ovs-ext/ovsdb.h"
#include "ovs-ext/sriov.h"
#include "ovs-ext/want.h"
#include "lib/changes.h"
#include "lib/pci.h"
#include "lib/plan-file.h"
#include "lib/util.h"

/* The database answers: checked before any device is touched. */
static int
check_db(const struct ovs_opts *o, struct diag *d)
{
    struct jsonrpc *rpc = jsonrpc_open(o->db, d);

    if (rpc) {
        ovsdb_echo(rpc, d);
        jsonrpc_close(rpc);
    }
    return d->status;
}

/* The plan's uplink VF behind OVS interface 'f', or NULL when 'f' is not
 * a VF that this host binds (a PF, or a stand-in). */
static const struct plan_file_uplink *
vf_uplink(const struct plan_file *p, const struct plan_file_ovs_iface *f)
{
    const struct plan_file_uplink *u = plan_file_find_uplink(p, f->pci);

    return f->bind_vfio && u && u->is_vf ? u : NULL;
}

/* Spoof checking and trust of every uplink VF (sriov.h): checked with
 * 'act' false, set (or, 'trusted' false, reset) with 'act' true. */
static int
vf_uplinks(const struct plan_file *p, bool act, bool trusted,
           const struct ovs_opts *o, FILE *out, struct diag *d)
{
    const struct plan_file_ovs_uplink_port *up = p->ovs.uplink_port;

    for (size_t i = 0; up && i < up->n_interfaces && !d->status; i++) {
        const struct plan_file_uplink *u = vf_uplink(p, &up->interfaces[i]);

        if (!u) {
            continue;
        }
        if (!act) {
            sriov_check_vf_uplink(o->sysfs_root, u->pci, u->physfn,
                                  u->vf_index, d);
        } else {
            sriov_set_vf_trust(o->sysfs_root, u->pci, u->physfn,
                               u->vf_index, trusted, o->dry_run, out,
                               o->changes, d);
        }
    }
    return d->status;
}

static int
check_devices(const struct plan_file *p, const json_t *want,
              const struct ovs_opts *o, struct diag *d)
{
    const json_t *uplinks = json_object_get(want, "uplinks"), *u;
    size_t n = json_array_size(uplinks);
    const char **binding = xcalloc(n ? n : 1, sizeof *binding);
    size_t i;

    json_array_foreach(uplinks, i, u) {
        binding[i] = json_string_value(u);
    }
    for (i = 0; i < n && !d->status; i++) {
        const struct plan_file_uplink *up = plan_file_find_uplink(
            p, binding[i]);
        if (!sriov_check_uplink(o->sysfs_root, binding[i], d)) {
            sriov_check_iommu_group(o->sysfs_root, binding[i],
                                    up ? up->iommu_group : -1, binding, n,
                                    d);
        }
    }
    free(binding);
    if (d->status || vf_uplinks(p, false, true, o, NULL, d)) {
        return d->status;
    }
    for (i = 0; i < p->n_uplinks; i++) {
        /* A stand-in (other devargs) is not on this host. */
        if (p->uplinks[i].switchdev
            && !strcmp(p->ovs.uplink_port->interfaces[i].dpdk_devargs,
                       p->uplinks[i].pci)
            && sriov_check_switchdev(o->sysfs_root, p->uplinks[i].pci, d)) {
            return d->status;
        }
    }
    for (i = 0; i < p->n_sriov_pfs; i++) {
        const struct plan_file_sriov_pf *pf = &p->sriov_pfs[i];
        if (pf->set_numvfs && sriov_check_numvfs(o->sysfs_root, pf->pci,
                                                 pf->numvfs, d)) {
            return d->status;
        }
    }
    return 0;
}

static int
take_devices(const struct plan_file *p, const json_t *want,
             const struct ovs_opts *o, FILE *out, struct diag *d)
{
    const json_t *u;
    size_t i;

    for (i = 0; i < p->n_sriov_pfs; i++) {
        const struct plan_file_sriov_pf *pf = &p->sriov_pfs[i];
        if (pf->set_numvfs && sriov_set_numvfs(o->sysfs_root, pf->pci,
                                               pf->numvfs, o->dry_run, out,
                                               o->changes, d)) {
            return d->status;
        }
    }
    /* The PF's settings for a VF do not depend on the VF's driver; set
     * them before DPDK gets the VF, so it never runs without them. */
    if (vf_uplinks(p, true, true, o, out, d)) {
        return d->status;
    }
    json_array_foreach(json_object_get(want, "uplinks"), i, u) {
        if (sriov_bind_vfio(o->sysfs_root, json_string_value(u), o->dry_run,
                            out, o->changes, d)) {
            return d->status;
        }
    }
    return 0;
}

/* The vhost-user socket directory, when it is missing (noted for --json;
 * a dry run only notes it). */
static int
make_sock_dir(const struct ovs_opts *o, struct diag *d)
{
    struct stat st;

    if (!stat(o->sock_dir, &st)) {
        return 0;
    }
    if (o->changes) {
        char *after = xasprintf("directory, group %s, mode %04o",
                                o->sock_group, o->sock_mode);
        changes_add(o->changes, o->sock_dir, NULL, after);
        free(after);
    }
    return o->dry_run ? 0 : want_sock_dir_make(o, d);
}

static void
apply_db(const struct plan_file *p, const json_t *want,
         const struct ovs_opts *o, FILE *out, struct diag *d)
{
    fprintf(out, "%s %s to %s (bridge %s):\n",
            o->dry_run ? "Checking" : "Applying", p->path, o->db, o->bridge);
    ovs_apply_want(want, o, out, d);
}

int
ovs_workflow_apply(const struct plan_file *p, struct ovs_opts *o, FILE *out,
                   struct diag *d)
{
    json_t *want;

    ovs_opts_from_plan(o, p);
    want = want_from_plan(p, o, d);
    if (want
        && !check_db(o, d)
        && !check_devices(p, want, o, d)
        && !want_sock_dir_check(o, d)
        && !make_sock_dir(o, d)
        && !take_devices(p, want, o, out, d)) {
        apply_db(p, want, o, out, d);
    }
    json_decref(want);
    return d->status;
}

int
ovs_workflow_devices(const struct plan_file *p, struct ovs_opts *o,
                     FILE *out, struct diag *d)
{
    json_t *want;

    ovs_opts_from_plan(o, p);
    want = want_from_plan(p, o, d);
    if (want && !check_devices(p, want, o, d)) {
        take_devices(p, want, o, out, d);
    }
    json_decref(want);
    return d->status;
}

int
ovs_workflow_sock_dir(const struct plan_file *p, struct ovs_opts *o,
                      FILE *out, struct diag *d)
{
    struct stat st;

    ovs_opts_from_plan(o, p);
    if (want_sock_dir_check(o, d)) {
        return d->status;
    }
    if (!stat(o->sock_dir, &st)) {
        fprintf(out, "socket directory %s: there already\n", o->sock_dir);
    } else if (!make_sock_dir(o, d)) {
        fprintf(out, "%s socket directory %s (root:%s, %04o)\n",
                o->dry_run ? "would create" : "created",
                o->sock_dir, o->sock_group, o->sock_mode);
    }
    return d->status;
}

int
ovs_workflow_db(const struct plan_file *p, struct ovs_opts *o, FILE *out,
                struct diag *d)
{
    json_t *want;

    ovs_opts_from_plan(o, p);
    want = want_from_plan(p, o, d);
    if (want && !check_db(o, d)) {
        apply_db(p, want, o, out, d);
    }
    json_decref(want);
    return d->status;
}

int
ovs_workflow_port(bool add, const struct vhost_nic *nic, struct ovs_opts *o,
                  FILE *out, struct diag *d)
{
    json_t *want, *port;

    ovs_opts_from_plan(o, NULL);
    port = want_vhost_port(nic, o, d);
    if (!port) {
        return d->status;
    }
    want = json_pack("{sss[]sbs[]}", "bridge", o->bridge, "ports",
                     "exclusive", false, "delete");
    if (add) {
        json_array_append(json_object_get(want, "ports"), port);
    } else {
        json_array_append(json_object_get(want, "delete"),
                          json_object_get(port, "name"));
    }
    if (!add || (!want_sock_dir_check(o, d)
                 && (o->dry_run || !want_sock_dir_make(o, d)))) {
        ovs_apply_want(want, o, out, d);
    }
    json_decref(port);
    json_decref(want);
    return d->status;
}

/* Unbinding a device that an OVS interface still uses would pull it from
 * under ovs-vswitchd; refuse unless the database is out of reach. */
static int
check_unused(const struct ovs_opts *o, const char *pci, struct diag *d)
{
    static const char *const tables[] = { "Interface", NULL };
    struct diag quiet;
    struct jsonrpc *rpc;
    json_t *dump;
    const json_t *row;
    size_t i;

    diag_init(&quiet);
    rpc = jsonrpc_open(o->db, &quiet);
    dump = rpc ? ovsdb_dump(rpc, tables, &quiet) : NULL;
    json_array_foreach(json_object_get(dump, "Interface"), i, row) {
        const char *devargs = ovsdb_map_get(row, "options", "dpdk-devargs");
        if (devargs && !strncmp(devargs, pci, strlen(pci))
            && (!devargs[strlen(pci)] || devargs[strlen(pci)] == ',')) {
            diag_error(d, NFV_EINPUT, "%s is still OVS interface %s; remove "
                       "it first (apply a plan without it)", pci,
                       json_string_value(json_object_get(row, "name")));
            break;
        }
    }
    json_decref(dump);
    jsonrpc_close(rpc);
    diag_destroy(&quiet);
    return d->status;
}

static int
release_one(const struct ovs_opts *o, const char *pci, FILE *out,
            struct diag *d)
{
    if (!pci_addr_valid(pci)) {
        return diag_error(d, NFV_EINPUT, "'%s' is not a PCI address "
                          "(DDDD:BB:DD.F, function 0-7)", pci);
    }
    if (check_unused(o, pci, d)) {
        return d->status;
    }
    return sriov_release(o->sysfs_root, pci, o->dry_run, out, d);
}

int
ovs_workflow_release(const struct plan_file *p, char *const pcis[], int n,
                     struct ovs_opts *o, FILE *out, struct diag *d)
{
    const struct plan_file_ovs_uplink_port *up = p ? p->ovs.uplink_port
                                                   : NULL;

    for (size_t i = 0; up && i < up->n_interfaces && !d->status; i++) {
        if (up->interfaces[i].bind_vfio) {
            release_one(o, up->interfaces[i].pci, out, d);
        }
    }
    /* A VF given back to the kernel (and maybe later to a VM) gets the
     * kernel's defaults again: spoof checking on, trust off. */
    if (p && !d->status) {
        vf_uplinks(p, true, false, o, out, d);
    }
    for (int k = 0; k < n && !d->status; k++) {
        release_one(o, pcis[k], out, d);
    }
    return d->status;
}
