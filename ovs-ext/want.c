/* want.c: plan -> desired switch state (see want.h). */
#include <config.h>

#include "ovs-ext/want.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/plan-json.h"
#include "lib/util.h"

static char *
xstrndup(const char *s, size_t n)
{
    char *r = strndup(s, n);

    if (!r) {
        xalloc_die();
    }
    return r;
}

void
ovs_opts_init(struct ovs_opts *o)
{
    memset(o, 0, sizeof *o);
    o->bridge = WANT_DEFAULT_BRIDGE;
    o->sock_dir = WANT_DEFAULT_SOCK_DIR;
    o->sysfs_root = "";
    o->bond_mode = "active-backup";
    o->uplink_override = json_object();
    o->set = json_object();
    for (int i = 0; i < WANT_MAX_CPU; i++) {
        o->cpu_map[i] = i;
    }
}

void
ovs_opts_destroy(struct ovs_opts *o)
{
    json_decref(o->uplink_override);
    json_decref(o->set);
}

static bool
parse_cpu(const char *s, int *cpu)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v >= WANT_MAX_CPU) {
        return false;
    }
    *cpu = v;
    return true;
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

        if (!eq || (*eq = '\0', !parse_cpu(tok, &from))
            || !parse_cpu(eq + 1, &to)) {
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
ovs_opts_key_value(json_t *obj, const char *flag, const char *arg,
                   struct diag *d)
{
    const char *eq = strchr(arg, '=');
    char *key;

    if (!eq || eq == arg) {
        return diag_error(d, NFV_EINPUT, "%s: '%s' is not KEY=VALUE",
                          flag, arg);
    }
    key = xstrndup(arg, eq - arg);
    json_object_set_new(obj, key, json_string(eq + 1));
    free(key);
    return 0;
}

bool
want_valid_name(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;

    if (!n || n > max || !isalnum((unsigned char) s[0])) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char) s[i]) && s[i] != '-' && s[i] != '_') {
            return false;
        }
    }
    return true;
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
        diag_error(d, NFV_EINPUT, "plan: ovs.%s '%s' is not a hex CPU mask",
                   key, mask);
    } else {
        char *s;
        hwloc_bitmap_foreach_begin(cpu, in) {
            hwloc_bitmap_set(out, cpu < WANT_MAX_CPU ? o->cpu_map[cpu]
                                                     : (int) cpu);
        } hwloc_bitmap_foreach_end();
        s = cpumask_format(out);
        res = json_string(s);
        free(s);
    }
    hwloc_bitmap_free(in);
    hwloc_bitmap_free(out);
    return res;
}

const char *
want_stand_in(const json_t *plan, const char *pci, const struct ovs_opts *o)
{
    const char *ov = json_string_value(json_object_get(o->uplink_override,
                                                       pci));
    const json_t *u;
    size_t i;

    if (ov) {
        return ov;
    }
    json_array_foreach(json_object_get(plan, "uplinks"), i, u) {
        const char *p = json_string_value(json_object_get(u, "pci"));
        if (p && !strcmp(p, pci)) {
            return json_string_value(json_object_get(u, "devargs"));
        }
    }
    return NULL;
}

static const char *
uplink_devargs(const json_t *plan, const json_t *u, const struct ovs_opts *o)
{
    const char *pci = json_string_value(json_object_get(u, "pci"));
    return pci ? want_stand_in(plan, pci, o) : NULL;
}

/* dpdk-extra allowlists exactly the planned uplinks that are PCI devices;
 * with every uplink replaced by a vdev stand-in, no PCI device at all.
 * The planner already wrote that into the plan's "ovs" object (stand-ins
 * chosen at plan time included), so this is only needed when
 * --uplink-override changes the stand-ins at apply time, or when a plan
 * lacks the key (DPDK must never probe every PCI device). */
static json_t *
dpdk_extra(const json_t *plan, const struct ovs_opts *o)
{
    const json_t *uplinks = json_object_get(plan, "uplinks");
    struct sbuf b;
    size_t i;
    json_t *u, *res;

    sbuf_init(&b);
    json_array_foreach(uplinks, i, u) {
        const char *pci = json_string_value(json_object_get(u, "pci"));
        if (pci && !uplink_devargs(plan, u, o)) {
            sbuf_printf(&b, "%s-a %s", b.len ? " " : "", pci);
        }
    }
    res = json_string(b.len ? b.s : "--no-pci");
    sbuf_destroy(&b);
    return res;
}

static json_t *
want_other_config(const json_t *plan, const struct ovs_opts *o,
                  struct diag *d)
{
    json_t *oc = json_deep_copy(json_object_get(plan, "ovs"));
    const char *masks[] = { "pmd-cpu-mask", "dpdk-lcore-mask" };
    const char *k;
    json_t *v;

    if (!json_is_object(oc)) {
        json_decref(oc);
        diag_error(d, NFV_EINPUT, "plan: no \"ovs\" object");
        return NULL;
    }
    json_object_foreach(oc, k, v) {
        if (!json_is_string(v)) {
            diag_error(d, NFV_EINPUT, "plan: ovs.%s is not a string", k);
            json_decref(oc);
            return NULL;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(masks); i++) {
        const char *m = json_string_value(json_object_get(oc, masks[i]));
        if (m) {
            json_t *mapped = map_mask(m, o, masks[i], d);
            if (!mapped) {
                json_decref(oc);
                return NULL;
            }
            json_object_set_new(oc, masks[i], mapped);
        }
    }
    if (json_object_size(o->uplink_override)
        || !json_object_get(oc, "dpdk-extra")) {
        json_object_set_new(oc, "dpdk-extra", dpdk_extra(plan, o));
    }
    /* Pinned vhost queues would otherwise isolate their PMDs, and with
     * every PMD pinned the uplink's queues would not be polled at all. */
    if (!json_object_get(oc, "pmd-rxq-isolate")) {
        json_object_set_new(oc, "pmd-rxq-isolate", json_string("false"));
    }
    json_object_update(oc, o->set);
    return oc;
}

json_t *
want_vhost_port(const struct vhost_nic *n, const struct ovs_opts *o,
                struct diag *d)
{
    json_t *iface_ids = json_object(), *port_ids, *oc = json_object();
    json_t *options, *iface;
    char *name, *path;

    if (!want_valid_name(n->vm, 32)) {
        diag_error(d, NFV_EINPUT, "VM name '%s' is not [A-Za-z0-9]"
                   "[A-Za-z0-9_-]{0,31}", n->vm ? n->vm : "");
        goto err;
    }
    if (!want_valid_name(n->nic, 16)) {
        diag_error(d, NFV_EINPUT, "VM %s: NIC id '%s' is not [A-Za-z0-9]"
                   "[A-Za-z0-9_-]{0,15}", n->vm, n->nic ? n->nic : "");
        goto err;
    }
    if (n->port_id && !want_valid_name(n->port_id, 64)) {
        diag_error(d, NFV_EINPUT, "VM %s NIC %s: port id '%s' has "
                   "characters other than letters, digits, - and _",
                   n->vm, n->nic, n->port_id);
        goto err;
    }
    if (n->vlan > 4094 || n->vlan == 0) {
        diag_error(d, NFV_EINPUT, "VM %s NIC %s: VLAN %d is not 1-4094",
                   n->vm, n->nic, n->vlan);
        goto err;
    }
    name = n->port_id ? xasprintf("vhu%.11s", n->port_id)
                      : xasprintf("vhu-%s-%s", n->vm, n->nic);
    path = xasprintf("%s/%s", o->sock_dir, name);
    options = json_pack("{ss}", "vhost-server-path", path);
    if (n->pmd >= 0) {
        struct sbuf aff;
        int cpu = n->pmd < WANT_MAX_CPU ? o->cpu_map[n->pmd] : n->pmd;

        sbuf_init(&aff);
        for (int q = 0; q < (n->queues > 0 ? n->queues : 1); q++) {
            sbuf_printf(&aff, "%s%d:%d", q ? "," : "", q, cpu);
        }
        json_object_set_new(oc, "pmd-rxq-affinity", json_string(aff.s));
        sbuf_destroy(&aff);
    }
    json_object_set_new(iface_ids, "vm-name", json_string(n->vm));
    json_object_set_new(iface_ids, "nfvhost-nic", json_string(n->nic));
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
    free(path);
    json_t *port = json_pack("{sssososnsns[o]}", "name", name,
                             "tag", n->vlan > 0 ? json_integer(n->vlan)
                                                : json_null(),
                             "external_ids", port_ids, "bond_mode", "lacp",
                             "interfaces", iface);
    free(name);
    return port;

err:
    json_decref(iface_ids);
    json_decref(oc);
    return NULL;
}

static int
json_int_or(const json_t *obj, const char *key, int dflt)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (int) json_integer_value(v) : dflt;
}

/* The first planned PMD PU on NUMA node 'numa', mapped; -1 if none. */
static int
first_pmd_on(const json_t *plan, int numa, const struct ovs_opts *o)
{
    const json_t *node;
    size_t i;
    int cpu = -1;

    json_array_foreach(json_object_get(plan, "numa_nodes"), i, node) {
        hwloc_bitmap_t set;

        if (json_integer_value(json_object_get(node, "id")) != numa) {
            continue;
        }
        set = xbitmap();
        if (plan_json_cpus(json_object_get(node, "pools"), "pmd", set)) {
            cpu = hwloc_bitmap_first(set);
        }
        hwloc_bitmap_free(set);
    }
    return cpu >= 0 && cpu < WANT_MAX_CPU ? o->cpu_map[cpu] : cpu;
}

/* The uplink's rx queue is pinned to a PMD of its own NUMA node, like the
 * vhost queues, so it is polled whatever pmd-rxq-assign says. */
static json_t *
uplink_iface(const char *name, const char *devargs, int mtu, int pmd)
{
    json_t *oc = json_object();

    if (pmd >= 0) {
        char aff[32];
        snprintf(aff, sizeof aff, "0:%d", pmd);
        json_object_set_new(oc, "pmd-rxq-affinity", json_string(aff));
    }
    return json_pack("{sssss{ss}siso}", "name", name, "type", "dpdk",
                     "options", "dpdk-devargs", devargs,
                     "mtu_request", mtu, "other_config", oc);
}

/* One trunk port for one uplink, a bond for two (BRIEF: a bond of two
 * uplinks when the plan has two). */
static json_t *
want_uplink_port(const json_t *plan, const struct ovs_opts *o, int mtu,
                 json_t *bind, struct diag *d)
{
    const json_t *uplinks = json_object_get(plan, "uplinks");
    size_t n = json_array_size(uplinks), i;
    json_t *ifaces = json_array(), *u, *port;
    struct sbuf pcis;

    if (n > 2) {
        json_decref(ifaces);
        diag_error(d, NFV_EINPUT, "plan: %zu uplinks; nfvhost bonds at "
                   "most two", n);
        return NULL;
    }
    sbuf_init(&pcis);
    json_array_foreach(uplinks, i, u) {
        const char *pci = json_string_value(json_object_get(u, "pci"));
        const char *ov;
        char *name;

        if (!pci) {
            json_decref(ifaces);
            sbuf_destroy(&pcis);
            diag_error(d, NFV_EINPUT, "plan: uplinks[%zu] has no pci", i);
            return NULL;
        }
        ov = uplink_devargs(plan, u, o);
        if (!ov) {
            json_array_append_new(bind, json_string(pci));
        }
        name = xasprintf("dpdk-up%zu", i);
        json_array_append_new(ifaces, uplink_iface(
            name, ov ? ov : pci, mtu,
            first_pmd_on(plan, json_int_or(u, "numa", 0), o)));
        sbuf_printf(&pcis, "%s%s", i ? "," : "", pci);
        free(name);
    }
    port = json_pack("{sss{ssss}snsnsnso}",
                     "name", n == 2 ? "bond-up" : "dpdk-up0",
                     "external_ids", "nfvhost-managed", "true",
                     "nfvhost-uplink", pcis.s,
                     "tag", "bond_mode", "lacp", "interfaces", ifaces);
    sbuf_destroy(&pcis);
    if (n == 2) {
        bool lacp = !strcmp(o->bond_mode, "balance-tcp");
        json_object_set_new(port, "bond_mode", json_string(o->bond_mode));
        json_object_set_new(port, "lacp",
                            lacp ? json_string("active") : json_null());
    }
    return port;
}


static const char *
json_str_or_null(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static int
want_vm_ports(const json_t *plan, const struct ovs_opts *o, int mtu,
              json_t *ports, struct diag *d)
{
    const json_t *vms = json_object_get(plan, "vms");
    const json_t *vm, *nic;
    size_t i, j;

    json_array_foreach(vms, i, vm) {
        const json_t *nics = json_object_get(vm, "nics");
        json_array_foreach(nics, j, nic) {
            const char *type = json_str_or_null(nic, "type");
            char idx[16];
            struct vhost_nic n = {
                .vm = json_str_or_null(vm, "name"),
                .nic = idx,
                .vlan = json_int_or(nic, "vlan", -1),
                .pmd = json_int_or(nic, "pmd_cpu", -1),
                .queues = json_int_or(vm, "queues", 1),
                .mtu = mtu,
                .port_id = json_str_or_null(nic, "port_id"),
                .mac = json_str_or_null(nic, "mac"),
                .vm_uuid = json_str_or_null(vm, "uuid"),
            };
            json_t *port;

            if (!type || strcmp(type, "vhost")) {
                continue;
            }
            snprintf(idx, sizeof idx, "%d", json_int_or(nic, "index",
                                                        (int) j));
            port = want_vhost_port(&n, o, d);
            if (!port) {
                return d->status;
            }
            json_array_append_new(ports, port);
        }
    }
    return 0;
}

json_t *
want_from_plan(const json_t *plan, const struct ovs_opts *o, struct diag *d)
{
    int mtu = json_int_or(json_object_get(plan, "settings"), "mtu", 1500);
    json_t *oc, *ports = json_array(), *bind = json_array();
    const char *k;
    json_t *v;

    json_object_foreach(o->uplink_override, k, v) {
        const json_t *u;
        size_t i;
        bool found = false;
        json_array_foreach(json_object_get(plan, "uplinks"), i, u) {
            found |= !strcmp(json_str_or_null(u, "pci") ?: "", k);
        }
        if (!found) {
            diag_error(d, NFV_EINPUT, "--uplink-override: the plan has no "
                       "uplink %s", k);
            goto err;
        }
    }
    oc = want_other_config(plan, o, d);
    if (!oc) {
        goto err;
    }
    if (json_array_size(json_object_get(plan, "uplinks"))) {
        json_t *up = want_uplink_port(plan, o, mtu, bind, d);
        if (!up) {
            json_decref(oc);
            goto err;
        }
        json_array_append_new(ports, up);
    }
    if (want_vm_ports(plan, o, mtu, ports, d)) {
        json_decref(oc);
        goto err;
    }
    return json_pack("{sssosososbs[]}", "bridge", o->bridge,
                     "other_config", oc, "ports", ports, "uplinks", bind,
                     "exclusive", true, "delete");

err:
    json_decref(ports);
    json_decref(bind);
    return NULL;
}

static gid_t
qemu_gid(const struct ovs_opts *o, struct diag *d, bool *found)
{
    static const char *const names[] = { "libvirt-qemu", "qemu", "kvm" };
    struct group *g;

    *found = true;
    if (o->qemu_group) {
        g = getgrnam(o->qemu_group);
        if (!g) {
            *found = false;
            diag_error(d, NFV_EINPUT, "--qemu-group: no group '%s'",
                       o->qemu_group);
            return 0;
        }
        return g->gr_gid;
    }
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        g = getgrnam(names[i]);
        if (g) {
            return g->gr_gid;
        }
    }
    diag_warn(d, "no libvirt-qemu, qemu or kvm group: %s is group root; "
              "QEMU running as another user cannot reach its sockets",
              o->sock_dir);
    return 0;
}

int
want_sock_dir(const struct ovs_opts *o, struct diag *d)
{
    const char *dir = o->sock_dir;
    struct stat st;
    bool found;
    gid_t gid;

    if (dir[0] != '/' || strlen(dir) > 80) {
        return diag_error(d, NFV_EINPUT, "--sock-dir '%s': need an absolute "
                          "path of at most 80 characters (unix socket paths "
                          "are short)", dir);
    }
    if (!stat(dir, &st)) {
        if (!S_ISDIR(st.st_mode)) {
            return diag_error(d, NFV_EINPUT, "socket directory %s is not a "
                              "directory", dir);
        }
        if (st.st_mode & S_IWOTH) {
            return diag_error(d, NFV_EINPUT, "socket directory %s is world-"
                              "writable (mode %04o): anyone could plant a "
                              "vhost-user socket; use 0770 root:QEMU group",
                              dir, st.st_mode & 07777);
        }
        return 0;
    }
    gid = qemu_gid(o, d, &found);
    if (!found) {
        return d->status;
    }
    if (o->dry_run) {
        return 0;
    }
    for (char *p = strchr(dir + 1, '/'); ; p = strchr(p + 1, '/')) {
        char *part = xstrndup(dir, p ? (size_t) (p - dir) : strlen(dir));
        int r = mkdir(part, p ? 0755 : 0770);
        int err = errno;
        free(part);
        if (r && err != EEXIST) {
            return diag_error(d, NFV_ESYSTEM, "cannot create %s: %s", dir,
                              strerror(err));
        }
        if (!p) {
            break;
        }
    }
    if (chown(dir, 0, gid) || chmod(dir, 0770)) {
        return diag_error(d, NFV_ESYSTEM, "cannot set owner/mode of %s: %s",
                          dir, strerror(errno));
    }
    return 0;
}
