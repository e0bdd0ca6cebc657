/* vmspec.c: plan.json -> struct vm_spec (see vmspec.h). */
#include <config.h>

#include "libvirt-templates/vmspec.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "lib/plan-json.h"
#include "planner/topology.h"
#include "lib/util.h"

int
vm_host_opts_add_vf(struct vm_host_opts *o, const char *arg, struct diag *d)
{
    const char *eq = strchr(arg, '=');
    char *end;
    long nic;

    if (!eq || eq == arg) {
        return diag_error(d, NFV_EINPUT, "--vf %s: expected NIC=PCI, e.g. "
                          "2=0000:03:02.0", arg);
    }
    errno = 0;
    nic = strtol(arg, &end, 10);
    if (end != eq || errno || nic < 0 || nic > 1000) {
        return diag_error(d, NFV_EINPUT, "--vf %s: NIC '%.*s' is not a NIC "
                          "index", arg, (int) (eq - arg), arg);
    }
    if (!pci_address_valid(eq + 1)) {
        return diag_error(d, NFV_EINPUT, "--vf %s: '%s' is not a PCI address "
                          "(dddd:bb:dd.f)", arg, eq + 1);
    }
    if (o->n_vf >= VM_MAX_VF_OVERRIDES) {
        return diag_error(d, NFV_EINPUT, "--vf %s: more than %d --vf", arg,
                          VM_MAX_VF_OVERRIDES);
    }
    o->vf_nic[o->n_vf] = nic;
    snprintf(o->vf_pci[o->n_vf], sizeof o->vf_pci[0], "%s", eq + 1);
    o->n_vf++;
    return 0;
}

static int
json_int(const json_t *obj, const char *key, int dflt)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (int) json_integer_value(v) : dflt;
}

static const char *
json_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static bool
uplink_is(json_t *plan, const char *pci)
{
    json_t *u;
    size_t i;

    json_array_foreach(json_object_get(plan, "uplinks"), i, u) {
        const char *p = json_str(u, "pci");
        if (p && !strcmp(p, pci)) {
            return true;
        }
    }
    return false;
}

/* The VF 'ordinal' of 'pf' (uplink VFs skipped), from the PF's virtfnN
 * links in sysfs. */
static int
find_vf(json_t *plan, const char *root, const char *pf, int ordinal,
        const char *what, char vf[16], struct diag *d)
{
    for (int k = 0, seen = 0; k < 4096; k++) {
        char *link = xasprintf("%s/sys/bus/pci/devices/%s/virtfn%d", root, pf,
                               k);
        char target[PATH_MAX];
        ssize_t n = readlink(link, target, sizeof target - 1);
        free(link);
        if (n < 0) {
            break;
        }
        target[n] = '\0';
        const char *base = strrchr(target, '/');
        base = base ? base + 1 : target;
        if (!pci_address_valid(base) || uplink_is(plan, base)) {
            continue;
        }
        if (seen++ == ordinal) {
            snprintf(vf, 16, "%s", base);
            return 0;
        }
    }
    return diag_error(d, NFV_EINPUT, "%s: no VF #%d of PF %s under "
                      "%s/sys/bus/pci/devices/%s/ (create the VFs first, or "
                      "give the address with --vf NIC=PCI)", what, ordinal,
                      pf, root, pf);
}

/* How many SR-IOV NICs on 'pf' come before (vm, nic) in plan order: VFs
 * are handed out in that order so VMs never share one. */
static int
vf_ordinal(json_t *plan, const json_t *this_nic, const char *pf)
{
    json_t *vm, *nic;
    size_t i, j;
    int n = 0;

    json_array_foreach(json_object_get(plan, "vms"), i, vm) {
        json_array_foreach(json_object_get(vm, "nics"), j, nic) {
            if (nic == this_nic) {
                return n;
            }
            const char *type = json_str(nic, "type");
            const char *p = json_str(nic, "pf");
            if (type && !strcmp(type, "sriov") && p && !strcmp(p, pf)) {
                n++;
            }
        }
    }
    return n;
}

static int
load_nic(json_t *plan, const json_t *jn, const struct vm_host_opts *o,
         struct vm_spec *s, struct vm_nic *nic, struct diag *d)
{
    const char *type = json_str(jn, "type");
    const json_t *vlan = json_object_get(jn, "vlan");

    nic->index = json_int(jn, "index", -1);
    nic->vlan = json_is_integer(vlan) ? (int) json_integer_value(vlan) : -1;
    nic->pmd_cpu = json_int(jn, "pmd_cpu", -1);
    if (nic->index < 0 || !type
        || (strcmp(type, "vhost") && strcmp(type, "sriov"))) {
        return diag_error(d, NFV_EINPUT, "%s: VM %s: a NIC without a valid "
                          "index and type", s->plan_file, s->name);
    }
    const char *mac = json_str(jn, "mac");
    if (mac) {
        nic->mac = xstrdup(mac);
    }
    if (!strcmp(type, "vhost")) {
        const char *dir = o->sock_dir ? o->sock_dir : VM_DEFAULT_SOCK_DIR;
        const char *port_id = json_str(jn, "port_id");
        nic->type = NIC_VHOST;
        nic->socket = (port_id ? xasprintf("%s/vhu%.11s", dir, port_id)
                       : xasprintf("%s/vhu-%s-%d", dir, s->name,
                                   nic->index));
        return 0;
    }
    nic->type = NIC_SRIOV;
    const char *pf = json_str(jn, "pf");
    if (!pf || !pci_address_valid(pf)) {
        return diag_error(d, NFV_EINPUT, "%s: VM %s NIC %d: no PF address",
                          s->plan_file, s->name, nic->index);
    }
    snprintf(nic->pf, sizeof nic->pf, "%s", pf);
    for (int i = 0; i < o->n_vf; i++) {
        if (o->vf_nic[i] == nic->index) {
            snprintf(nic->vf, sizeof nic->vf, "%s", o->vf_pci[i]);
            return 0;
        }
    }
    char *what = xasprintf("VM %s NIC %d", s->name, nic->index);
    int error = find_vf(plan, o->sysfs_root ? o->sysfs_root : "", pf,
                        vf_ordinal(plan, jn, pf), what, nic->vf, d);
    free(what);
    return error;
}

static int
load_host(json_t *plan, struct vm_spec *s, struct diag *d)
{
    const json_t *settings = json_object_get(plan, "settings");
    const char *policy = json_str(settings, "emulator_policy");
    json_t *node;
    size_t i;

    s->mtu = json_int(settings, "mtu", 1500);
    s->emulator_policy = !policy ? EMU_NONE
                         : !strcmp(policy, "share") ? EMU_SHARE
                         : !strcmp(policy, "isolate") ? EMU_ISOLATE : EMU_NONE;
    s->guest_pool = xbitmap();
    s->emulator_pool = xbitmap();
    s->pmd_pool = xbitmap();
    s->hk_pool = xbitmap();
    if (!plan_json_pool(plan, "guest", s->guest_pool)
        || !plan_json_pool(plan, "emulator", s->emulator_pool)
        || !plan_json_pool(plan, "pmd", s->pmd_pool)
        || !plan_json_pool(plan, "housekeeping", s->hk_pool)) {
        return diag_error(d, NFV_EINPUT, "%s: bad or missing \"pools\"",
                          s->plan_file);
    }
    json_array_foreach(json_object_get(plan, "numa_nodes"), i, node) {
        if (json_int(node, "id", -1) == s->numa) {
            s->node_guest_pages = json_int(json_object_get(node, "hugepages"),
                                           "guests", 0);
        }
    }
    return 0;
}

/* A --vf for a NIC that is not an SR-IOV NIC of the VM is a mistake worth
 * saying, not ignoring. */
static int
check_vf_overrides(const struct vm_host_opts *o, const struct vm_spec *s,
                   struct diag *d)
{
    for (int i = 0; i < o->n_vf; i++) {
        bool found = false;
        for (int k = 0; k < s->n_nics; k++) {
            found |= (s->nics[k].type == NIC_SRIOV
                      && s->nics[k].index == o->vf_nic[i]);
        }
        if (!found) {
            return diag_error(d, NFV_EINPUT, "--vf %d=%s: VM %s has no "
                              "SR-IOV NIC %d", o->vf_nic[i], o->vf_pci[i],
                              s->name, o->vf_nic[i]);
        }
    }
    return 0;
}

static int
load_vm(json_t *plan, json_t *vm, const struct vm_host_opts *o,
        struct vm_spec *s, struct diag *d)
{
    const json_t *pins = json_object_get(vm, "vcpupin");
    const json_t *topo = json_object_get(vm, "topology");
    const json_t *hp = json_object_get(vm, "hugepages");
    const json_t *nics = json_object_get(vm, "nics");
    const json_t *jn;
    size_t i;

    s->numa = json_int(vm, "numa", -1);
    s->vcpus = json_int(vm, "vcpus", 0);
    s->memory_mb = json_int(vm, "memory_mb", 0);
    s->sockets = json_int(topo, "sockets", 1);
    s->cores = json_int(topo, "cores", s->vcpus);
    s->threads = json_int(topo, "threads", 1);
    s->hugepage_kb = json_int(hp, "size_kb", 0);
    s->hugepages = json_int(hp, "count", 0);
    s->queues = json_int(vm, "queues", 1);
    s->emulatorpin = xbitmap();
    if (s->numa < 0 || s->vcpus < 1 || !s->memory_mb || !s->hugepage_kb
        || !json_is_array(pins) || json_array_size(pins) != (size_t) s->vcpus
        || !plan_json_cpus(vm, "emulatorpin", s->emulatorpin)) {
        return diag_error(d, NFV_EINPUT, "%s: VM %s: missing or bad numa, "
                          "vcpus, memory_mb, vcpupin, emulatorpin or "
                          "hugepages", s->plan_file, s->name);
    }
    s->vcpupin = xcalloc(s->vcpus, sizeof *s->vcpupin);
    json_array_foreach(pins, i, jn) {
        s->vcpupin[i] = json_is_integer(jn) ? json_integer_value(jn) : -1;
        if (s->vcpupin[i] < 0) {
            return diag_error(d, NFV_EINPUT, "%s: VM %s: vcpupin[%zu] is not "
                              "a CPU", s->plan_file, s->name, i);
        }
    }
    s->nics = xcalloc(json_array_size(nics) + 1, sizeof *s->nics);
    json_array_foreach(nics, i, jn) {
        int error = load_nic(plan, jn, o, s, &s->nics[s->n_nics++], d);
        if (error) {
            return error;
        }
    }
    int error = check_vf_overrides(o, s, d);
    return error ? error : load_host(plan, s, d);
}

int
vm_spec_load(const char *plan_file, const char *name,
             const struct vm_host_opts *o, struct vm_spec *s, struct diag *d)
{
    json_t *plan, *vm;
    int error;

    memset(s, 0, sizeof *s);
    s->plan_file = xstrdup(plan_file);
    s->name = xstrdup(name);
    plan = plan_json_load(plan_file, d);
    if (!plan) {
        return d->status ? d->status : NFV_EINPUT;
    }
    vm = plan_json_vm(plan, name);
    if (!vm) {
        struct sbuf names;
        json_t *v;
        size_t i;

        sbuf_init(&names);
        json_array_foreach(json_object_get(plan, "vms"), i, v) {
            sbuf_printf(&names, "%s%s", i ? ", " : "", json_str(v, "name"));
        }
        error = diag_error(d, NFV_EINPUT, "%s: no VM named '%s' (the plan "
                           "has: %s)", plan_file, name,
                           names.len ? names.s : "none");
        sbuf_destroy(&names);
    } else {
        error = load_vm(plan, vm, o, s, d);
    }
    json_decref(plan);
    return error;
}

void
vm_spec_destroy(struct vm_spec *s)
{
    for (int i = 0; i < s->n_nics; i++) {
        free(s->nics[i].socket);
        free(s->nics[i].mac);
    }
    free(s->nics);
    free(s->vcpupin);
    hwloc_bitmap_free(s->emulatorpin);
    hwloc_bitmap_free(s->guest_pool);
    hwloc_bitmap_free(s->emulator_pool);
    hwloc_bitmap_free(s->pmd_pool);
    hwloc_bitmap_free(s->hk_pool);
    free(s->plan_file);
    free(s->name);
    memset(s, 0, sizeof *s);
}
