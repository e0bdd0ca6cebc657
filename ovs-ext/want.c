/* want.c: plan -> desired switch state (see want.h). */
#include <config.h>

#include "ovs-ext/want.h"

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/parse.h"
#include "lib/plan-file.h"
#include "lib/util.h"

void
ovs_opts_init(struct ovs_opts *o)
{
    memset(o, 0, sizeof *o);
    o->sysfs_root = "";
    o->set = json_object();
    for (int i = 0; i < WANT_MAX_CPU; i++) {
        o->cpu_map[i] = i;
    }
}

void
ovs_opts_destroy(struct ovs_opts *o)
{
    json_decref(o->set);
}

void
ovs_opts_from_plan(struct ovs_opts *o, const struct plan_file *p)
{
    if (!o->bridge) {
        o->bridge = p ? p->ovs.bridge : PLAN_DEFAULT_BRIDGE;
    }
    if (!o->sock_dir) {
        o->sock_dir = p ? p->ovs.socket_dir : PLAN_DEFAULT_SOCKET_DIR;
    }
    if (!o->sock_group && p) {
        o->sock_group = p->ovs.socket_group;
    }
    if (!o->sock_mode) {
        o->sock_mode = p ? p->ovs.socket_mode : PLAN_DEFAULT_SOCKET_MODE;
    }
}

/* "--cpu-map 3=1,9=1": run a plan made for another machine here. */
int
ovs_opts_cpu_map(struct ovs_opts *o, const char *arg, struct diag *d)
{
    char *copy = xstrdup(arg), *save = NULL;
    int error = 0;

    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        int from, to;

        if (!eq || (*eq = '\0', !parse_int(tok, 0, WANT_MAX_CPU - 1, &from))
            || !parse_int(eq + 1, 0, WANT_MAX_CPU - 1, &to)) {
            error = diag_error(d, NFV_EINPUT, "--cpu-map: '%s' is not "
                               "PLANNED=ACTUAL (CPU numbers)", arg);
            break;
        }
        o->cpu_map[from] = to;
        o->cpu_mapped[from] = true;
        o->has_cpu_map = true;
    }
    free(copy);
    return error;
}

int
ovs_opts_cpu(const struct ovs_opts *o, int cpu)
{
    return cpu >= 0 && cpu < WANT_MAX_CPU ? o->cpu_map[cpu] : cpu;
}

int
ovs_opts_key_value(json_t *obj, const char *flag, const char *arg,
                   struct diag *d)
{
    const char *eq = strchr(arg, '=');
    char *key;

    if (!eq || eq == arg) {
        return diag_error(d, NFV_EINPUT, "%s: '%s' is not KEY=VALUE",
                          flag, arg);
    }
    key = xasprintf("%.*s", (int) (eq - arg), arg);
    json_object_set_new(obj, key, json_string(eq + 1));
    free(key);
    return 0;
}

/* A hex CPU mask with every PU mapped through --cpu-map. */
static json_t *
map_mask(const char *mask, const struct ovs_opts *o, const char *key,
         struct diag *d)
{
    hwloc_bitmap_t in = xbitmap(), out = xbitmap();
    json_t *res = NULL;
    unsigned cpu;

    if (hwloc_bitmap_taskset_sscanf(in, mask) < 0) {
        diag_error(d, NFV_EINPUT, "plan: ovs.other_config.%s '%s' is not a "
                   "hex CPU mask", key, mask);
    } else {
        char *s;
        hwloc_bitmap_foreach_begin(cpu, in) {
            hwloc_bitmap_set(out, ovs_opts_cpu(o, cpu));
        } hwloc_bitmap_foreach_end();
        s = cpumask_format(out);
        res = json_string(s);
        free(s);
    }
    hwloc_bitmap_free(in);
    hwloc_bitmap_free(out);
    return res;
}

/* The plan's other_config, the masks mapped through --cpu-map, then the
 * --set overrides. */
static json_t *
want_other_config(const struct plan_file *p, const struct ovs_opts *o,
                  struct diag *d)
{
    json_t *oc = json_object();

    for (size_t i = 0; i < p->ovs.n_other_config; i++) {
        const struct plan_file_kv *kv = &p->ovs.other_config[i];
        json_t *v = (!strcmp(kv->key, "pmd-cpu-mask")
                     || !strcmp(kv->key, "dpdk-lcore-mask")
                     ? map_mask(kv->value, o, kv->key, d)
                     : json_string(kv->value));
        if (!v) {
            json_decref(oc);
            return NULL;
        }
        json_object_set_new(oc, kv->key, v);
    }
    json_object_update(oc, o->set);
    return oc;
}

/* "0:3,1:3": every queue of 'cpus' (n entries) to its PU, mapped. */
static json_t *
rxq_affinity(const int *cpus, int n, const struct ovs_opts *o)
{
    struct sbuf aff;
    json_t *s;

    sbuf_init(&aff);
    for (int q = 0; q < n; q++) {
        sbuf_printf(&aff, "%s%d:%d", q ? "," : "", q,
                    ovs_opts_cpu(o, cpus[q]));
    }
    s = json_string(aff.s);
    sbuf_destroy(&aff);
    return s;
}

json_t *
want_vhost_port(const struct vhost_nic *n, const struct ovs_opts *o,
                struct diag *d)
{
    json_t *iface_ids, *port_ids, *oc, *options, *iface, *port;
    char *name, *path;

    if (!plan_file_name_valid(n->vm, PLAN_VM_NAME_MAX)) {
        diag_error(d, NFV_EINPUT, "VM name '%s' is not [A-Za-z0-9]"
                   "[A-Za-z0-9_-]{0,31}", n->vm ? n->vm : "");
        return NULL;
    }
    if (!plan_file_name_valid(n->nic, 16)) {
        diag_error(d, NFV_EINPUT, "VM %s: NIC id '%s' is not [A-Za-z0-9]"
                   "[A-Za-z0-9_-]{0,15}", n->vm, n->nic ? n->nic : "");
        return NULL;
    }
    if (n->port_id && !plan_file_name_valid(n->port_id, 64)) {
        diag_error(d, NFV_EINPUT, "VM %s NIC %s: port id '%s' has "
                   "characters other than letters, digits, - and _",
                   n->vm, n->nic, n->port_id);
        return NULL;
    }
    if (n->vlan > 4094 || n->vlan == 0) {
        diag_error(d, NFV_EINPUT, "VM %s NIC %s: VLAN %d is not 1-4094",
                   n->vm, n->nic, n->vlan);
        return NULL;
    }
    name = (n->port ? xstrdup(n->port)
            : n->port_id ? xasprintf("vhu%.11s", n->port_id)
            : plan_file_port_name(n->vm, n->nic));
    path = xasprintf("%s/%s", o->sock_dir, name);
    options = json_pack("{ss}", "vhost-server-path", path);
    free(path);
    oc = json_object();
    if (n->pmd >= 0) {
        int q = n->queues > 0 ? n->queues : 1;
        int *cpus = xcalloc(q, sizeof *cpus);
        for (int i = 0; i < q; i++) {
            cpus[i] = n->rxq_pmds ? n->rxq_pmds[i] : n->pmd;
        }
        json_object_set_new(oc, "pmd-rxq-affinity",
                            rxq_affinity(cpus, q, o));
        free(cpus);
    }
    iface_ids = json_pack("{ssss}", "vm-name", n->vm, "nfvhost-nic", n->nic);
    if (n->port_id) {
        json_object_set_new(iface_ids, "iface-id", json_string(n->port_id));
        json_object_set_new(iface_ids, "iface-status",
                            json_string("active"));
    }
    if (n->mac) {
        json_object_set_new(iface_ids, "attached-mac", json_string(n->mac));
    }
    if (n->vm_uuid) {
        json_object_set_new(iface_ids, "vm-uuid", json_string(n->vm_uuid));
    }
    iface = json_pack("{sssssosisoso}", "name", name,
                      "type", "dpdkvhostuserclient", "options", options,
                      "mtu_request", n->mtu > 0 ? n->mtu : 1500,
                      "other_config", oc, "external_ids", iface_ids);
    port_ids = json_pack("{ssssss}", "nfvhost-managed", "true",
                         "vm-name", n->vm, "nfvhost-nic", n->nic);
    port = json_pack("{sssososnsns[o]}", "name", name,
                     "tag", n->vlan > 0 ? json_integer(n->vlan) : json_null(),
                     "external_ids", port_ids, "bond_mode", "lacp",
                     "interfaces", iface);
    free(name);
    return port;
}

static json_t *
uplink_iface(const struct plan_file_ovs_iface *f, const struct ovs_opts *o)
{
    json_t *oc = json_object();
    char n_rxq[16];

    if (f->rxq_pmds) {
        json_object_set_new(oc, "pmd-rxq-affinity",
                            rxq_affinity(f->rxq_pmds, f->n_rxq, o));
    }
    /* OVSDB map values are strings. */
    snprintf(n_rxq, sizeof n_rxq, "%d", f->n_rxq);
    return json_pack("{sssss{ssss}siso}", "name", f->name, "type", "dpdk",
                     "options", "dpdk-devargs", f->dpdk_devargs,
                     "n_rxq", n_rxq, "mtu_request", f->mtu_request,
                     "other_config", oc);
}

/* The plan's uplink port; the PCI addresses to bind go to 'bind'. */
static json_t *
want_uplink_port(const struct plan_file *p, const struct ovs_opts *o,
                 json_t *bind)
{
    const struct plan_file_ovs_uplink_port *up = p->ovs.uplink_port;
    json_t *ifaces = json_array();
    struct sbuf pcis;
    json_t *port;

    sbuf_init(&pcis);
    for (size_t i = 0; i < up->n_interfaces; i++) {
        const struct plan_file_ovs_iface *f = &up->interfaces[i];

        if (f->bind_vfio) {
            json_array_append_new(bind, json_string(f->pci));
        }
        json_array_append_new(ifaces, uplink_iface(f, o));
        sbuf_printf(&pcis, "%s%s", i ? "," : "", f->pci);
    }
    port = json_pack("{sss{ssss}snsososo}",
                     "name", up->name,
                     "external_ids", "nfvhost-managed", "true",
                     "nfvhost-uplink", pcis.s,
                     "tag",
                     "bond_mode", up->bond_mode ? json_string(up->bond_mode)
                                                : json_null(),
                     "lacp", up->lacp ? json_string(up->lacp) : json_null(),
                     "interfaces", ifaces);
    sbuf_destroy(&pcis);
    return port;
}

static int
want_vm_ports(const struct plan_file *p, const struct ovs_opts *o,
              json_t *ports, struct diag *d)
{
    for (size_t v = 0; v < p->n_vms; v++) {
        const struct plan_file_vm *vm = &p->vms[v];

        for (size_t k = 0; k < vm->n_nics; k++) {
            const struct plan_file_nic *nic = &vm->nics[k];
            char idx[16];
            struct vhost_nic n = {
                .vm = vm->name,
                .nic = idx,
                .port = nic->port,
                .vlan = nic->vlan ? nic->vlan : -1,
                .pmd = nic->pmd_cpu,
                .rxq_pmds = nic->rxq_pmds,
                .queues = vm->queues,
                .mtu = p->settings.mtu,
                .mac = nic->mac,
            };
            json_t *port;

            if (nic->type != NIC_VHOST) {
                continue;
            }
            snprintf(idx, sizeof idx, "%d", nic->index);
            port = want_vhost_port(&n, o, d);
            if (!port) {
                return d->status;
            }
            json_array_append_new(ports, port);
        }
    }
    return 0;
}

/* Rule 15's representor ports: access ports on their VF's VLAN, one dpdk
 * interface each, marked like the VM ports so apply removes them when the
 * plan drops them. */
static void
want_representors(const struct plan_file *p, json_t *ports)
{
    for (size_t i = 0; i < p->ovs.n_representors; i++) {
        const struct plan_file_ovs_representor *r = &p->ovs.representors[i];
        const struct plan_file_vm *vm = plan_file_find_vm(p, r->vm);
        char nic[16];
        json_t *iface;

        snprintf(nic, sizeof nic, "%d", r->nic);
        iface = json_pack("{sssss{ss}sis{}s{ssssss}}", "name", r->name,
                          "type", "dpdk", "options", "dpdk-devargs",
                          r->dpdk_devargs, "mtu_request", r->mtu_request,
                          "other_config", "external_ids", "vm-name", r->vm,
                          "nfvhost-nic", nic, "attached-mac",
                          vm->nics[r->nic].mac);
        json_array_append_new(ports, json_pack(
            "{sssos{ssssss}snsns[o]}", "name", r->name,
            "tag", r->vlan ? json_integer(r->vlan) : json_null(),
            "external_ids", "nfvhost-managed", "true", "vm-name", r->vm,
            "nfvhost-nic", nic, "bond_mode", "lacp", "interfaces", iface));
    }
}

/* The "port-removed" ports of the plan's changes. */
static json_t *
removed_ports(const struct plan_file *p)
{
    json_t *a = json_array();

    for (size_t i = 0; i < p->n_changes; i++) {
        if (p->changes[i].kind == PLAN_CHANGE_PORT_REMOVED) {
            json_array_append_new(a, json_string(p->changes[i].item));
        }
    }
    return a;
}

json_t *
want_from_plan(const struct plan_file *p, const struct ovs_opts *o,
               struct diag *d)
{
    json_t *oc = want_other_config(p, o, d);
    json_t *ports = json_array(), *bind = json_array();

    if (!oc) {
        goto err;
    }
    if (p->ovs.uplink_port) {
        json_array_append_new(ports, want_uplink_port(p, o, bind));
    }
    if (want_vm_ports(p, o, ports, d)) {
        json_decref(oc);
        goto err;
    }
    want_representors(p, ports);
    if (p->has_changes) {
        /* Planned against a previous plan (rule 16): the ports of other
         * VMs and of other programs stay; only the ports the changes
         * name go. */
        return json_pack("{sssosososbsosb}", "bridge", o->bridge,
                         "other_config", oc, "ports", ports, "uplinks", bind,
                         "exclusive", false, "delete", removed_ports(p),
                         "delete_if_exists", true);
    }
    return json_pack("{sssosososbs[]}", "bridge", o->bridge,
                     "other_config", oc, "ports", ports, "uplinks", bind,
                     "exclusive", true, "delete");

err:
    json_decref(ports);
    json_decref(bind);
    return NULL;
}

static int
sock_gid(const struct ovs_opts *o, gid_t *gid, struct diag *d)
{
    struct group *g = o->sock_group ? getgrnam(o->sock_group) : NULL;

    if (!o->sock_group) {
        return diag_error(d, NFV_EINPUT, "no group for the socket directory "
                          "%s: give --qemu-group (or apply a plan, whose "
                          "ovs.socket_group names it)", o->sock_dir);
    }
    if (!g) {
        return diag_error(d, NFV_EINPUT, "socket directory %s: no group "
                          "'%s' on this host (the plan's ovs.socket_group, "
                          "or --qemu-group): create it (groupadd %s), or "
                          "give --qemu-group NAME", o->sock_dir,
                          o->sock_group, o->sock_group);
    }
    *gid = g->gr_gid;
    return 0;
}

/* Why dir_open_nofollow() refused 'where' on the way to the socket
 * directory. */
static int
sock_dir_error(const struct ovs_opts *o, int error, const char *where,
               struct diag *d)
{
    switch (-error) {
    case ELOOP:
        return diag_error(d, NFV_EINPUT, "socket directory %s: %s is a "
                          "symbolic link; nfvhost follows none there (give "
                          "the real path)", o->sock_dir, where);
    case ENOTDIR:
        return diag_error(d, NFV_EINPUT, "socket directory %s: %s is not a "
                          "directory", o->sock_dir, where);
    case EPERM:
        return diag_error(d, NFV_EINPUT, "socket directory %s: %s, above "
                          "it, can be changed by a user other than root (it "
                          "must be root's and not writable by group or "
                          "others, unless sticky like /tmp)", o->sock_dir,
                          where);
    default:
        return diag_error(d, NFV_ESYSTEM, "socket directory %s: %s: %s",
                          o->sock_dir, where ? where : o->sock_dir,
                          strerror(-error));
    }
}

/* An existing socket directory is root's, and only root and the socket
 * group (QEMU's) may write in it: anyone else who could would be able to
 * plant or replace a vhost-user socket that ovs-vswitchd connects to. */
static int
sock_dir_owner_check(const struct ovs_opts *o, int fd, struct diag *d)
{
    struct group *g;
    struct stat st;

    if (fstat(fd, &st)) {
        return diag_error(d, NFV_ESYSTEM, "socket directory %s: %s",
                          o->sock_dir, strerror(errno));
    }
    if (st.st_uid != 0) {
        return diag_error(d, NFV_EINPUT, "socket directory %s is owned by "
                          "uid %u, not root: its owner could plant a "
                          "vhost-user socket; chown root it", o->sock_dir,
                          (unsigned) st.st_uid);
    }
    if (st.st_mode & S_IWOTH) {
        return diag_error(d, NFV_EINPUT, "socket directory %s is world-"
                          "writable (mode %04o): anyone could plant a "
                          "vhost-user socket; use 0770 root:QEMU group",
                          o->sock_dir, st.st_mode & 07777);
    }
    g = o->sock_group ? getgrnam(o->sock_group) : NULL;
    if (st.st_mode & S_IWGRP && st.st_gid != 0
        && (!g || g->gr_gid != st.st_gid)) {
        struct group *owner = getgrgid(st.st_gid);
        char gid[16];

        snprintf(gid, sizeof gid, "%u", (unsigned) st.st_gid);
        if (!o->sock_group) {
            return diag_error(d, NFV_EINPUT, "socket directory %s is "
                              "writable by group %s and no socket group is "
                              "given: if that group is QEMU's, give it as "
                              "--qemu-group", o->sock_dir,
                              owner ? owner->gr_name : gid);
        }
        return diag_error(d, NFV_EINPUT, "socket directory %s is writable "
                          "by group %s, not the socket group %s: its "
                          "members could plant a vhost-user socket; chgrp "
                          "or chmod g-w it", o->sock_dir,
                          owner ? owner->gr_name : gid, o->sock_group);
    }
    return 0;
}

int
want_sock_dir_check(const struct ovs_opts *o, struct diag *d)
{
    const char *dir = o->sock_dir;
    char *where;
    bool created;
    gid_t gid;
    int fd;

    if (!plan_file_socket_dir_valid(dir)) {
        return diag_error(d, NFV_EINPUT, "--sock-dir '%s': need an absolute "
                          "path of at most %d characters [A-Za-z0-9/._-] "
                          "(unix socket paths are short)", dir,
                          PLAN_SOCKET_DIR_MAX);
    }
    fd = dir_open_nofollow(dir, false, 0, &created, &where);
    if (fd == -ENOENT) {
        free(where);
        return sock_gid(o, &gid, d);    /* To be made. */
    }
    if (fd < 0) {
        sock_dir_error(o, fd, where, d);
    } else {
        sock_dir_owner_check(o, fd, d);
        close(fd);
    }
    free(where);
    return d->status;
}

int
want_sock_dir_make(const struct ovs_opts *o, struct diag *d)
{
    char *where;
    bool created;
    gid_t gid;
    int fd = dir_open_nofollow(o->sock_dir, false, 0, &created, &where);

    if (fd == -ENOENT) {
        free(where);
        if (sock_gid(o, &gid, d)) {
            return d->status;
        }
        /* Mode 0700 until the group is set: never briefly open to others.
         * fchown and fchmod act on the directory just opened, never on
         * whatever the path might lead to by then. */
        fd = dir_open_nofollow(o->sock_dir, true, 0700, &created, &where);
    }
    if (fd < 0) {
        sock_dir_error(o, fd, where, d);
    } else if (!created) {
        sock_dir_owner_check(o, fd, d);
    } else if (fchown(fd, 0, gid) || fchmod(fd, o->sock_mode)) {
        diag_error(d, NFV_ESYSTEM, "cannot set owner/mode of %s: %s",
                   o->sock_dir, strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    free(where);
    return d->status;
}
