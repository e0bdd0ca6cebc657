/* plan-file-read.c: plan_file_load() and plan_file_parse() (see
 * plan-file.h): the format-2 schema of plan.json, section by section:
 * every key, its type and its range, read into struct plan_file with a
 * JSON path for every error (lib/jread.h); then the second pass,
 * plan_file_check() (plan-file-schema.h).  It is
 * strict: a key this build does not know is an error too, because a
 * misspelt key in a hand-edited plan would otherwise be silently ignored. */
#include <config.h>

#include "lib/plan-file-schema.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "lib/pci.h"
#include "lib/util.h"

static int
check_pci(struct jread *r, const char *key, const char *s,
          char out[PLAN_PCI_LEN])
{
    char canon[PCI_ADDR_LEN];

    if (!pci_addr_canon(s, canon)) {
        return jread_error(r, key, "'%s' is not a PCI address (DDDD:BB:DD.F, "
                           "function 0-7)", s);
    }
    snprintf(out, PLAN_PCI_LEN, "%s", canon);
    return 0;
}

static int
get_pci(struct jread *r, json_t *obj, const char *key,
        char out[PLAN_PCI_LEN])
{
    json_t *v = jread_get(r, obj, key);

    if (!v) {
        return NFV_EINPUT;
    }
    if (!json_is_string(v)) {
        return jread_error(r, key, "expected a PCI address string");
    }
    return check_pci(r, key, json_string_value(v), out);
}

/* A PCI address or null (""). */
static int
get_pci_or_null(struct jread *r, json_t *obj, const char *key,
                char out[PLAN_PCI_LEN])
{
    json_t *v = jread_get(r, obj, key);

    out[0] = '\0';
    if (v && json_is_null(v)) {
        return 0;
    }
    return get_pci(r, obj, key, out);
}

static int
get_name(struct jread *r, json_t *obj, const char *key, size_t max,
         char **out)
{
    int error = jread_str(r, obj, key, out);

    if (!error && !plan_file_name_valid(*out, max)) {
        return jread_error(r, key, "'%s' is not "
                           "[A-Za-z0-9][A-Za-z0-9_-]{0,%zu}", *out, max - 1);
    }
    return error;
}

/* ------------------------------------------------------------------ */
/* Sections. */

static int
read_pools(struct jread *r, json_t *obj, const char *key,
           struct plan_file_pools *p)
{
    static const char *const keys[] = {
        "housekeeping", "pmd", "emulator", "guest", "idle", NULL
    };
    json_t *o = jread_object(r, obj, key);
    size_t len;
    int error;

    if (!o) {
        return NFV_EINPUT;
    }
    len = jread_enter(r, key, 0);
    error = (jread_keys(r, o, keys)
             || jread_cpus(r, o, "housekeeping", &p->housekeeping)
             || jread_cpus(r, o, "pmd", &p->pmd)
             || jread_cpus(r, o, "emulator", &p->emulator)
             || jread_cpus(r, o, "guest", &p->guest)
             || jread_cpus(r, o, "idle", &p->idle));
    jread_leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_host(struct jread *r, json_t *root, struct plan_file_host *h)
{
    static const char *const keys[] = {
        "cpu_vendor", "smt", "hybrid", "usable_cpus", "unusable_cpus", NULL
    };
    json_t *o = jread_object(r, root, "host");
    size_t len;
    int error;

    if (!o) {
        return NFV_EINPUT;
    }
    len = jread_enter(r, "host", 0);
    error = (jread_keys(r, o, keys)
             || jread_str(r, o, "cpu_vendor", &h->cpu_vendor)
             || jread_int(r, o, "smt", 1, 64, &h->smt)
             || jread_bool(r, o, "hybrid", &h->hybrid)
             || jread_cpus(r, o, "usable_cpus", &h->usable_cpus)
             || jread_cpus(r, o, "unusable_cpus", &h->unusable_cpus));
    jread_leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_settings(struct jread *r, json_t *root, struct plan_file_settings *s)
{
    static const char *const keys[] = {
        "housekeeping_cores_per_numa", "host_memory_mb", "hugepage_size_kb",
        "pmd_cores_per_numa", "pmd_siblings", "mtu", "pmd_rxq_assign",
        "emulator_policy", "emulator_shared_cores", "virt_type", NULL
    };
    static const char *const virt[] = { "kvm", "qemu", NULL };
    static const char *const siblings[] = { "use", "idle", NULL };
    static const char *const assign[] = {
        "cycles", "roundrobin", "group", NULL
    };
    static const char *const emu[] = { "share", "isolate", "none", NULL };
    json_t *o = jread_object(r, root, "settings");
    int idle = 0, a = 0, policy = 0, vt = 0, error;
    size_t len;

    if (!o) {
        return NFV_EINPUT;
    }
    len = jread_enter(r, "settings", 0);
    error = (jread_keys(r, o, keys)
             || jread_int(r, o, "housekeeping_cores_per_numa", 1, 64,
                        &s->housekeeping_cores_per_numa)
             || jread_u64(r, o, "host_memory_mb", &s->host_memory_mb)
             || jread_u64(r, o, "hugepage_size_kb", &s->hugepage_size_kb)
             || jread_int(r, o, "pmd_cores_per_numa", 0, 64,
                        &s->pmd_cores_per_numa)
             || jread_enum(r, o, "pmd_siblings", siblings, &idle)
             || jread_int(r, o, "mtu", 68, 9702, &s->mtu)
             || jread_enum(r, o, "pmd_rxq_assign", assign, &a)
             || jread_enum(r, o, "emulator_policy", emu, &policy)
             || jread_int(r, o, "emulator_shared_cores", 0, 64,
                        &s->emulator_shared_cores)
             || jread_enum(r, o, "virt_type", virt, &vt));
    if (!error && s->hugepage_size_kb != 2048
        && s->hugepage_size_kb != 1048576) {
        error = jread_error(r, "hugepage_size_kb", "expected 2048 or 1048576");
    }
    jread_leave(r, len);
    s->pmd_siblings_idle = idle;
    s->pmd_rxq_assign = xstrdup(assign[a]);
    s->emulator_policy = policy;
    s->virt_type = vt;
    return error ? NFV_EINPUT : 0;
}

static int
read_hugepages(struct jread *r, json_t *obj, bool node,
               struct plan_file_hugepages *h)
{
    static const char *const node_keys[] = {
        "size_kb", "count", "ovs", "guests", NULL
    };
    static const char *const vm_keys[] = { "size_kb", "count", NULL };
    json_t *o = jread_object(r, obj, "hugepages");
    size_t len;
    int error;

    if (!o) {
        return NFV_EINPUT;
    }
    len = jread_enter(r, "hugepages", 0);
    error = (jread_keys(r, o, node ? node_keys : vm_keys)
             || jread_u64(r, o, "size_kb", &h->size_kb)
             || jread_u64(r, o, "count", &h->count)
             || (node && (jread_u64(r, o, "ovs", &h->ovs)
                          || jread_u64(r, o, "guests", &h->guests))));
    jread_leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_l3(struct jread *r, json_t *o, struct plan_file_l3 *l3)
{
    static const char *const keys[] = { "index", "cpus", "size_kb", NULL };

    if (!json_is_object(o)) {
        return jread_error(r, NULL, "expected an object");
    }
    return (jread_keys(r, o, keys)
            || jread_int(r, o, "index", 0, INT32_MAX, &l3->index)
            || jread_cpus(r, o, "cpus", &l3->cpus)
            || jread_u64(r, o, "size_kb", &l3->size_kb)) ? NFV_EINPUT : 0;
}

static int
read_numa(struct jread *r, json_t *o, void *item)
{
    struct plan_file_numa *n = item;
    static const char *const keys[] = {
        "id", "has_cpus", "memory_mb", "cpus", "l3_domains", "pools",
        "ovs_socket_mem_mb", "host_memory_mb", "hugepages", NULL
    };
    json_t *l3s, *v;
    size_t i;

    if (!json_is_object(o)) {
        return jread_error(r, NULL, "expected an object");
    }
    if (jread_keys(r, o, keys)
        || jread_int(r, o, "id", 0, INT32_MAX, &n->id)
        || jread_bool(r, o, "has_cpus", &n->has_cpus)
        || jread_u64(r, o, "memory_mb", &n->memory_mb)
        || jread_cpus(r, o, "cpus", &n->cpus)
        || !(l3s = jread_array(r, o, "l3_domains"))) {
        return NFV_EINPUT;
    }
    n->l3_domains = xcalloc(json_array_size(l3s), sizeof *n->l3_domains);
    json_array_foreach(l3s, i, v) {
        size_t len = jread_enter(r, "l3_domains", 0);
        size_t len2 = jread_enter(r, NULL, i);
        int error = read_l3(r, v, &n->l3_domains[n->n_l3_domains++]);
        jread_leave(r, len2);
        jread_leave(r, len);
        if (error) {
            return error;
        }
    }
    return (read_pools(r, o, "pools", &n->pools)
            || jread_u64(r, o, "ovs_socket_mem_mb", &n->ovs_socket_mem_mb)
            || jread_u64(r, o, "host_memory_mb", &n->host_memory_mb)
            || read_hugepages(r, o, true, &n->hugepages)) ? NFV_EINPUT : 0;
}

static int
get_hex4(struct jread *r, json_t *o, const char *key, char **out)
{
    int error = jread_str(r, o, key, out);

    if (!error && (strlen(*out) != 4 || strspn(*out, "0123456789abcdef")
                   != 4)) {
        return jread_error(r, key, "'%s' is not 4 lower-case hex digits",
                           *out);
    }
    return error;
}

/* "mode": absent in plans written before switchdev uplinks: legacy. */
static int
read_uplink_mode(struct jread *r, json_t *o, struct plan_file_uplink *u)
{
    json_t *mode = json_object_get(o, "mode");

    if (!mode) {
        return 0;
    }
    if (!json_is_string(mode) || (strcmp(json_string_value(mode), "legacy")
                                  && strcmp(json_string_value(mode),
                                            "switchdev"))) {
        return jread_error(r, "mode", "expected legacy or switchdev");
    }
    u->switchdev = !strcmp(json_string_value(mode), "switchdev");
    return 0;
}

static int
read_uplink(struct jread *r, json_t *o, void *item)
{
    struct plan_file_uplink *u = item;
    static const char *const keys[] = {
        "pci", "mode", "numa", "numa_reported", "vendor", "device",
        "driver", "ifname", "is_vf", "physfn", "vf_index", "sriov_totalvfs",
        "sriov_numvfs", "carrier", "has_route", "iommu_group", NULL
    };
    json_t *carrier;

    if (!json_is_object(o)) {
        return jread_error(r, NULL, "expected an object");
    }
    if (jread_keys(r, o, keys)
        || get_pci(r, o, "pci", u->pci)
        || jread_int(r, o, "numa", 0, INT32_MAX, &u->numa)
        || jread_int(r, o, "numa_reported", -1, INT32_MAX, &u->numa_reported)
        || get_hex4(r, o, "vendor", &u->vendor)
        || get_hex4(r, o, "device", &u->device)
        || jread_str_or_null(r, o, "driver", &u->driver)
        || jread_str_or_null(r, o, "ifname", &u->ifname)
        || jread_bool(r, o, "is_vf", &u->is_vf)
        || get_pci_or_null(r, o, "physfn", u->physfn)
        || jread_int(r, o, "vf_index", -1, 65535, &u->vf_index)
        || jread_int(r, o, "sriov_totalvfs", -1, 65535, &u->sriov_totalvfs)
        || jread_int(r, o, "sriov_numvfs", -1, 65535, &u->sriov_numvfs)
        || !(carrier = jread_get(r, o, "carrier"))) {
        return NFV_EINPUT;
    }
    if (read_uplink_mode(r, o, u)) {
        return NFV_EINPUT;
    }
    if (json_is_null(carrier)) {
        u->carrier = -1;
    } else if (json_is_boolean(carrier)) {
        u->carrier = json_is_true(carrier);
    } else {
        return jread_error(r, "carrier", "expected true, false or null");
    }
    if (u->is_vf != !!u->physfn[0]) {
        return jread_error(r, "physfn", "%s", u->is_vf
                           ? "a VF needs its PF's address"
                           : "only a VF has a PF (is_vf is false)");
    }
    return (jread_bool(r, o, "has_route", &u->has_route)
            || jread_int(r, o, "iommu_group", -1, INT32_MAX,
                         &u->iommu_group));
}

static int
read_sriov_pf(struct jread *r, json_t *o, void *item)
{
    struct plan_file_sriov_pf *pf = item;
    static const char *const keys[] = {
        "pci", "numvfs", "set_numvfs", NULL
    };

    if (!json_is_object(o)) {
        return jread_error(r, NULL, "expected an object");
    }
    return (jread_keys(r, o, keys)
            || get_pci(r, o, "pci", pf->pci)
            || jread_int(r, o, "numvfs", 1, 65535, &pf->numvfs)
            || jread_bool(r, o, "set_numvfs", &pf->set_numvfs))
           ? NFV_EINPUT : 0;
}

static bool
mac_valid(const char *s)
{
    static const char shape[] = "52:54:00:xx:xx:xx";

    if (strlen(s) != sizeof shape - 1) {
        return false;
    }
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == 'x' ? !strchr("0123456789abcdef", s[i]) || !s[i]
                            : s[i] != shape[i]) {
            return false;
        }
    }
    return true;
}

static int read_cpu_numbers(struct jread *, json_t *a, const char *key,
                            int **out);

/* A vhost NIC's "rxq_pmds": optional (plans before it had pmd_cpu poll
 * every queue), null, or one CPU number per queue. */
static int
read_nic_rxq_pmds(struct jread *r, json_t *o, int queues,
                  struct plan_file_nic *n)
{
    json_t *a = json_object_get(o, "rxq_pmds");

    if (!a || json_is_null(a)) {
        return 0;
    }
    if (!json_is_array(a) || json_array_size(a) != (size_t) queues) {
        return jread_error(r, "rxq_pmds", "expected null or an array of "
                           "queues (%d) CPU numbers", queues);
    }
    return read_cpu_numbers(r, a, "rxq_pmds", &n->rxq_pmds);
}

static int
read_nic(struct jread *r, json_t *o, size_t position, int queues,
         struct plan_file_nic *n)
{
    static const char *const vhost_keys[] = {
        "index", "type", "vlan", "mac", "port", "pmd_cpu", "rxq_pmds", NULL
    };
    static const char *const sriov_keys[] = {
        "index", "type", "vlan", "mac", "pf", "vf", NULL
    };
    static const char *const types[] = { "vhost", "sriov", NULL };
    char *mac = NULL;
    int type = 0, error;

    n->pmd_cpu = -1;
    n->vf = -1;
    if (!json_is_object(o)) {
        return jread_error(r, NULL, "expected an object");
    }
    if (jread_int(r, o, "index", 0, INT32_MAX, &n->index)
        || jread_enum(r, o, "type", types, &type)) {
        return NFV_EINPUT;
    }
    n->type = type;
    if (n->index != (int) position) {
        return jread_error(r, "index", "%d, but the NIC is number %zu of its "
                           "VM", n->index, position);
    }
    error = (jread_keys(r, o, n->type == NIC_VHOST ? vhost_keys : sriov_keys)
             || jread_int_or_null(r, o, "vlan", 1, 4094, 0, &n->vlan)
             || jread_str(r, o, "mac", &mac));
    if (!error && !mac_valid(mac)) {
        error = jread_error(r, "mac", "'%s' is not 52:54:00:xx:xx:xx "
                            "(lower-case hex)", mac);
    }
    if (!error) {
        snprintf(n->mac, sizeof n->mac, "%s", mac);
    }
    free(mac);
    if (error) {
        return NFV_EINPUT;
    }
    if (n->type == NIC_VHOST) {
        return (get_name(r, o, "port", 64, &n->port)
                || jread_int_or_null(r, o, "pmd_cpu", 0, INT32_MAX, -1,
                                   &n->pmd_cpu)
                || read_nic_rxq_pmds(r, o, queues, n)) ? NFV_EINPUT : 0;
    }
    return (get_pci(r, o, "pf", n->pf)
            || jread_int(r, o, "vf", 0, 65534, &n->vf)) ? NFV_EINPUT : 0;
}

/* The array 'a' (at 'key') of CPU numbers into a new int array. */
static int
read_cpu_numbers(struct jread *r, json_t *a, const char *key, int **out)
{
    json_t *v;
    size_t i;

    *out = xcalloc(json_array_size(a) + 1, sizeof **out);
    json_array_foreach(a, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0
            || json_integer_value(v) >= CPULIST_MAX) {
            return jread_item_error(r, key, i, "expected a CPU number");
        }
        (*out)[i] = json_integer_value(v);
    }
    return 0;
}

static int
read_cpu_policy(struct jread *r, json_t *o, struct plan_file_vm *vm)
{
    static const char *const policies[] = { "dedicated", "shared", NULL };
    int policy = 0;
    int error = jread_enum(r, o, "cpu_policy", policies, &policy);

    vm->cpu_policy = policy;
    return error;
}

/* One pin per vCPU for a dedicated VM; none for a shared one, whose vCPUs
 * float over its cpus. */
static int
read_vcpupin(struct jread *r, json_t *o, struct plan_file_vm *vm)
{
    json_t *pins = jread_array(r, o, "vcpupin");
    size_t want = vm->cpu_policy == CPU_SHARED ? 0 : vm->vcpus;

    if (!pins) {
        return NFV_EINPUT;
    }
    if (json_array_size(pins) != want) {
        return jread_error(r, "vcpupin", "%zu entries for %d vcpus of "
                           "cpu_policy %s (expected %zu)",
                           json_array_size(pins), vm->vcpus,
                           cpu_policy_name(vm->cpu_policy), want);
    }
    if (!want) {
        return 0;
    }
    return read_cpu_numbers(r, pins, "vcpupin", &vm->vcpupin);
}

static int
read_vm_topology(struct jread *r, json_t *o, struct plan_file_vm *vm)
{
    static const char *const keys[] = {
        "sockets", "cores", "threads", NULL
    };
    json_t *t = jread_object(r, o, "topology");
    size_t len;
    int error;

    if (!t) {
        return NFV_EINPUT;
    }
    len = jread_enter(r, "topology", 0);
    error = (jread_keys(r, t, keys)
             || jread_int(r, t, "sockets", 1, 1024, &vm->sockets)
             || jread_int(r, t, "cores", 1, 1024, &vm->cores)
             || jread_int(r, t, "threads", 1, 8, &vm->threads));
    if (!error && vm->sockets * vm->cores * vm->threads != vm->vcpus) {
        error = jread_error(r, NULL, "sockets * cores * threads = %d, but the "
                            "VM has %d vcpus",
                            vm->sockets * vm->cores * vm->threads, vm->vcpus);
    }
    jread_leave(r, len);
    return error ? NFV_EINPUT : 0;
}

/* null, or an absolute path: it goes into libvirt's XML and to qemu. */
static int
read_boot_path(struct jread *r, json_t *o, const char *key, char **out)
{
    if (jread_str_or_null(r, o, key, out)) {
        return NFV_EINPUT;
    }
    if (*out && **out != '/') {
        return jread_error(r, key, "expected null or an absolute path");
    }
    return 0;
}

static int
read_vm(struct jread *r, json_t *o, void *item)
{
    struct plan_file_vm *vm = item;
    static const char *const keys[] = {
        "name", "numa", "l3", "vcpus", "memory_mb", "thread_policy",
        "cpu_policy", "cpus", "vcpupin", "emulatorpin", "topology",
        "hugepages", "queues", "nics", "disk", "cdrom", NULL
    };
    static const char *const policies[] = {
        "prefer", "isolate", "require", NULL
    };
    json_t *nics, *v;
    int policy = 0;
    size_t i;

    if (!json_is_object(o)) {
        return jread_error(r, NULL, "expected an object");
    }
    if (jread_keys(r, o, keys)
        || get_name(r, o, "name", PLAN_VM_NAME_MAX, &vm->name)
        || jread_int(r, o, "numa", 0, INT32_MAX, &vm->numa)
        || jread_int(r, o, "l3", -1, INT32_MAX, &vm->l3)
        || jread_int(r, o, "vcpus", 1, 1024, &vm->vcpus)
        || jread_u64(r, o, "memory_mb", &vm->memory_mb)
        || jread_enum(r, o, "thread_policy", policies, &policy)
        || read_cpu_policy(r, o, vm)
        || jread_cpus(r, o, "cpus", &vm->cpus)
        || read_vcpupin(r, o, vm)
        || jread_cpus(r, o, "emulatorpin", &vm->emulatorpin)
        || read_vm_topology(r, o, vm)
        || read_hugepages(r, o, false, &vm->hugepages)
        || jread_int(r, o, "queues", 1, 16, &vm->queues)
        || read_boot_path(r, o, "disk", &vm->disk)
        || read_boot_path(r, o, "cdrom", &vm->cdrom)
        || !(nics = jread_array(r, o, "nics"))) {
        return NFV_EINPUT;
    }
    vm->thread_policy = policy;
    vm->nics = xcalloc(json_array_size(nics), sizeof *vm->nics);
    json_array_foreach(nics, i, v) {
        size_t len = jread_enter(r, "nics", 0);
        size_t len2 = jread_enter(r, NULL, i);
        int error = read_nic(r, v, i, vm->queues, &vm->nics[vm->n_nics++]);
        jread_leave(r, len2);
        jread_leave(r, len);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
read_rxq_pmds(struct jread *r, json_t *o, struct plan_file_ovs_iface *f)
{
    json_t *a = jread_get(r, o, "rxq_pmds");

    if (!a) {
        return NFV_EINPUT;
    }
    if (json_is_null(a)) {
        return 0;
    }
    if (!json_is_array(a) || json_array_size(a) != (size_t) f->n_rxq) {
        return jread_error(r, "rxq_pmds", "expected null or an array of n_rxq "
                           "(%d) CPU numbers", f->n_rxq);
    }
    return read_cpu_numbers(r, a, "rxq_pmds", &f->rxq_pmds);
}

static int
read_iface(struct jread *r, json_t *o, struct plan_file_ovs_iface *f)
{
    static const char *const keys[] = {
        "name", "pci", "dpdk_devargs", "bind_vfio", "mtu_request", "n_rxq",
        "rxq_pmds", NULL
    };

    if (!json_is_object(o)) {
        return jread_error(r, NULL, "expected an object");
    }
    if (jread_keys(r, o, keys)
        || get_name(r, o, "name", 64, &f->name)
        || get_pci(r, o, "pci", f->pci)
        || jread_str(r, o, "dpdk_devargs", &f->dpdk_devargs)
        || jread_bool(r, o, "bind_vfio", &f->bind_vfio)
        || jread_int(r, o, "mtu_request", 68, 9702, &f->mtu_request)
        || jread_int(r, o, "n_rxq", 1, 1024, &f->n_rxq)
        || read_rxq_pmds(r, o, f)) {
        return NFV_EINPUT;
    }
    /* Written into an OVSDB column and read by DPDK's devargs parser:
     * no spaces or quotes, as 'nfvhost plan --uplink-override' takes. */
    if (!f->dpdk_devargs[0] || strpbrk(f->dpdk_devargs, " \t\n\"'\\")) {
        return jread_error(r, "dpdk_devargs", "'%s': expected a PCI address "
                           "or DPDK devargs without spaces or quotes",
                           f->dpdk_devargs);
    }
    if (f->bind_vfio && strcmp(f->dpdk_devargs, f->pci)) {
        return jread_error(r, "bind_vfio", "true, but dpdk_devargs '%s' is "
                           "not the interface's own PCI address %s",
                           f->dpdk_devargs, f->pci);
    }
    return 0;
}

static int
read_uplink_port(struct jread *r, json_t *ovs, struct plan_file_ovs *o)
{
    static const char *const keys[] = {
        "name", "bond_mode", "lacp", "interfaces", NULL
    };
    json_t *p = jread_get(r, ovs, "uplink_port"), *ifaces, *v;
    struct plan_file_ovs_uplink_port *up;
    size_t len, i;
    int error;

    if (!p || json_is_null(p)) {
        return p ? 0 : NFV_EINPUT;
    }
    if (!json_is_object(p)) {
        return jread_error(r, "uplink_port", "expected an object or null");
    }
    up = o->uplink_port = xcalloc(1, sizeof *o->uplink_port);
    len = jread_enter(r, "uplink_port", 0);
    error = (jread_keys(r, p, keys)
             || get_name(r, p, "name", 64, &up->name)
             || jread_str_or_null(r, p, "bond_mode", &up->bond_mode)
             || jread_str_or_null(r, p, "lacp", &up->lacp)
             || !(ifaces = jread_array(r, p, "interfaces")));
    if (!error) {
        size_t n = json_array_size(ifaces);
        up->interfaces = xcalloc(n, sizeof *up->interfaces);
        json_array_foreach(ifaces, i, v) {
            size_t len2 = jread_enter(r, "interfaces", 0);
            size_t len3 = jread_enter(r, NULL, i);
            error = read_iface(r, v, &up->interfaces[up->n_interfaces++]);
            jread_leave(r, len3);
            jread_leave(r, len2);
            if (error) {
                break;
            }
        }
    }
    if (!error && (up->n_interfaces < 1 || up->n_interfaces > 2)) {
        error = jread_error(r, "interfaces", "%zu interfaces: expected 1, or "
                            "2 for a bond", up->n_interfaces);
    }
    if (!error && (up->n_interfaces == 2) != (up->bond_mode != NULL)) {
        error = jread_error(r, "bond_mode", "two interfaces need a bond_mode, "
                            "one needs null");
    }
    if (!error && up->bond_mode && strcmp(up->bond_mode, "active-backup")
        && strcmp(up->bond_mode, "balance-tcp")) {
        error = jread_error(r, "bond_mode", "expected active-backup, "
                            "balance-tcp or null");
    }
    if (!error && up->lacp && strcmp(up->lacp, "active")) {
        error = jread_error(r, "lacp", "expected active or null");
    }
    jread_leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_representor(struct jread *r, json_t *o,
                 struct plan_file_ovs_representor *rep)
{
    static const char *const keys[] = {
        "name", "pf", "vf", "dpdk_devargs", "vlan", "mtu_request", "vm",
        "nic", NULL
    };
    char *want;
    int error;

    if (!json_is_object(o)) {
        return jread_error(r, NULL, "expected an object");
    }
    if (jread_keys(r, o, keys)
        || get_name(r, o, "name", 64, &rep->name)
        || get_pci(r, o, "pf", rep->pf)
        || jread_int(r, o, "vf", 0, 65534, &rep->vf)
        || jread_str(r, o, "dpdk_devargs", &rep->dpdk_devargs)
        || jread_int_or_null(r, o, "vlan", 1, 4094, 0, &rep->vlan)
        || jread_int(r, o, "mtu_request", 68, 9702, &rep->mtu_request)
        || get_name(r, o, "vm", PLAN_VM_NAME_MAX, &rep->vm)
        || jread_int(r, o, "nic", 0, 1023, &rep->nic)) {
        return NFV_EINPUT;
    }
    /* The devargs say which PF and VF; they must be this entry's. */
    want = xasprintf("%s,representor=vf%d", rep->pf, rep->vf);
    error = strcmp(rep->dpdk_devargs, want)
            ? jread_error(r, "dpdk_devargs", "'%s': expected '%s'",
                          rep->dpdk_devargs, want) : 0;
    free(want);
    return error;
}

/* "representors": absent in plans written before switchdev uplinks. */
static int
read_representors(struct jread *r, json_t *ovs, struct plan_file_ovs *o)
{
    json_t *reps = json_object_get(ovs, "representors"), *v;
    size_t len, i;
    int error = 0;

    if (!reps) {
        return 0;
    }
    if (!json_is_array(reps)) {
        return jread_error(r, "representors", "expected an array");
    }
    o->representors = xcalloc(json_array_size(reps) + 1,
                              sizeof *o->representors);
    len = jread_enter(r, "representors", 0);
    json_array_foreach(reps, i, v) {
        size_t len2 = jread_enter(r, NULL, i);
        error = read_representor(r, v, &o->representors[o->n_representors++]);
        jread_leave(r, len2);
        if (error) {
            break;
        }
    }
    jread_leave(r, len);
    return error;
}

static int
read_other_config(struct jread *r, json_t *ovs, struct plan_file_ovs *o)
{
    json_t *oc = jread_object(r, ovs, "other_config"), *v;
    const char *key;
    size_t len;

    if (!oc) {
        return NFV_EINPUT;
    }
    o->other_config = xcalloc(json_object_size(oc), sizeof *o->other_config);
    len = jread_enter(r, "other_config", 0);
    json_object_foreach(oc, key, v) {
        if (!json_is_string(v)) {
            jread_error(r, key, "expected a string");
            break;
        }
        o->other_config[o->n_other_config].key = xstrdup(key);
        o->other_config[o->n_other_config++].value
            = xstrdup(json_string_value(v));
    }
    jread_leave(r, len);
    return r->diag->status;
}

static int
read_ovs(struct jread *r, json_t *root, struct plan_file_ovs *o)
{
    static const char *const keys[] = {
        "bridge", "socket_dir", "socket_group", "socket_mode",
        "other_config", "uplink_port", "representors", NULL
    };
    json_t *ovs = jread_object(r, root, "ovs");
    char *mode = NULL;
    size_t len;
    int error;

    if (!ovs) {
        return NFV_EINPUT;
    }
    len = jread_enter(r, "ovs", 0);
    error = (jread_keys(r, ovs, keys)
             || get_name(r, ovs, "bridge", 15, &o->bridge)
             || jread_str(r, ovs, "socket_dir", &o->socket_dir));
    if (!error && !plan_file_socket_dir_valid(o->socket_dir)) {
        error = jread_error(r, "socket_dir", "'%s' is not an absolute path of "
                            "at most %d characters [A-Za-z0-9/._-] without "
                            "'.' or '..' components (unix socket paths are "
                            "short)", o->socket_dir, PLAN_SOCKET_DIR_MAX);
    }
    error = error || get_name(r, ovs, "socket_group", 32, &o->socket_group)
            || jread_str(r, ovs, "socket_mode", &mode);
    if (!error && (!parse_mode(mode, &o->socket_mode)
                   || o->socket_mode & 07007)) {
        error = jread_error(r, "socket_mode", "'%s' is not an octal mode "
                            "without bits for others or special bits, e.g. "
                            "\"0770\"", mode);
    }
    free(mode);
    error = error || read_other_config(r, ovs, o)
            || read_uplink_port(r, ovs, o)
            || read_representors(r, ovs, o);
    jread_leave(r, len);
    return error ? NFV_EINPUT : 0;
}

/* "kernel.tuned": absent when the arguments go through GRUB. */
static int
read_tuned(struct jread *r, json_t *o, struct plan_file_kernel *k)
{
    static const char *const keys[] = { "profile", "no_balance_cpus", NULL };
    json_t *t = json_object_get(o, "tuned");
    size_t len;
    int error;

    if (!t) {
        return 0;
    }
    if (!json_is_object(t)) {
        return jread_error(r, "tuned", "expected an object");
    }
    len = jread_enter(r, "tuned", 0);
    error = (jread_keys(r, t, keys)
             || jread_str(r, t, "profile", &k->tuned_profile)
             || jread_cpus(r, t, "no_balance_cpus", &k->no_balance_cpus));
    if (!error && !plan_file_name_valid(k->tuned_profile, 64)) {
        error = jread_error(r, "profile", "expected a profile name of "
                            "[A-Za-z0-9_-], at most 64 characters");
    } else if (!error && !hwloc_bitmap_isincluded(k->no_balance_cpus,
                                                  k->isolated_cpus)) {
        error = jread_error(r, "no_balance_cpus", "expected CPUs of "
                            "kernel.isolated_cpus");
    }
    jread_leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_kernel(struct jread *r, json_t *root, struct plan_file_kernel *k)
{
    static const char *const keys[] = {
        "args", "isolated_cpus", "housekeeping_cpus", "tuned", NULL
    };
    json_t *o = jread_object(r, root, "kernel"), *args, *v;
    size_t len, i;
    int error;

    if (!o) {
        return NFV_EINPUT;
    }
    len = jread_enter(r, "kernel", 0);
    error = (jread_keys(r, o, keys) || !(args = jread_array(r, o, "args")));
    if (!error) {
        k->args = xcalloc(json_array_size(args), sizeof *k->args);
        json_array_foreach(args, i, v) {
            const char *s = json_string_value(v);
            /* update-grub sources the drop-in as root: one quote or ';'
             * in an argument would run a command. */
            if (!plan_file_kernel_arg_valid(s)) {
                error = jread_item_error(r, "args", i, "expected a kernel "
                                         "argument of [A-Za-z0-9_.,:=/+-] "
                                         "only");
                break;
            }
            k->args[k->n_args++] = xstrdup(s);
        }
    }
    error = error || jread_cpus(r, o, "isolated_cpus", &k->isolated_cpus)
            || jread_cpus(r, o, "housekeeping_cpus", &k->housekeeping_cpus)
            || read_tuned(r, o, k);
    jread_leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_warnings(struct jread *r, json_t *root, struct plan_file *p)
{
    json_t *a = jread_array(r, root, "warnings"), *v;
    size_t i;

    if (!a) {
        return NFV_EINPUT;
    }
    p->warnings = xcalloc(json_array_size(a), sizeof *p->warnings);
    json_array_foreach(a, i, v) {
        if (!json_is_string(v)) {
            return jread_item_error(r, "warnings", i, "expected a string");
        }
        p->warnings[p->n_warnings++] = xstrdup(json_string_value(v));
    }
    return 0;
}

static const char *const change_kinds[] = {
    [PLAN_CHANGE_VM_ADDED] = "vm-added",
    [PLAN_CHANGE_VM_REMOVED] = "vm-removed",
    [PLAN_CHANGE_VM_CHANGED] = "vm-changed",
    [PLAN_CHANGE_VM_MOVED] = "vm-moved",
    [PLAN_CHANGE_VCPUPIN] = "vcpupin",
    [PLAN_CHANGE_EMULATORPIN] = "emulatorpin",
    [PLAN_CHANGE_RXQ] = "rxq",
    [PLAN_CHANGE_PORT_ADDED] = "port-added",
    [PLAN_CHANGE_PORT_REMOVED] = "port-removed",
    [PLAN_CHANGE_VF] = "vf",
    [PLAN_CHANGE_POOL] = "pool",
    NULL
};

const char *
plan_change_kind_name(enum plan_change_kind k)
{
    return change_kinds[k];
}

/* One "changes[]" entry: a VM name where there is one, and a port name
 * where the appliers take the item as one. */
static int
read_change(struct jread *r, json_t *o, void *item)
{
    struct plan_file_change *c = item;
    static const char *const keys[] = {
        "kind", "vm", "item", "before", "after", "restart", NULL
    };
    int kind;

    if (!json_is_object(o)) {
        return jread_error(r, NULL, "expected an object");
    }
    if (jread_keys(r, o, keys)
        || jread_enum(r, o, "kind", change_kinds, &kind)
        || jread_str_or_null(r, o, "vm", &c->vm)
        || jread_str_or_null(r, o, "item", &c->item)
        || jread_str_or_null(r, o, "before", &c->before)
        || jread_str_or_null(r, o, "after", &c->after)
        || jread_bool(r, o, "restart", &c->restart)) {
        return NFV_EINPUT;
    }
    c->kind = kind;
    if (kind != PLAN_CHANGE_POOL
        && (!c->vm || !plan_file_name_valid(c->vm, PLAN_VM_NAME_MAX))) {
        return jread_error(r, "vm", "expected a VM name");
    }
    if ((kind == PLAN_CHANGE_RXQ || kind == PLAN_CHANGE_PORT_ADDED
         || kind == PLAN_CHANGE_PORT_REMOVED)
        && (!c->item || !plan_file_name_valid(c->item, 64))) {
        return jread_error(r, "item", "expected a port name");
    }
    return 0;
}

/* Reads every element of root[key] with 'fn' into a new array of 'size'
 * byte elements. */
static int
read_array(struct jread *r, json_t *root, const char *key, size_t size,
           void **items, size_t *n,
           int (*fn)(struct jread *, json_t *, void *))
{
    json_t *a = jread_array(r, root, key), *v;
    size_t i;

    if (!a) {
        return NFV_EINPUT;
    }
    *items = xcalloc(json_array_size(a) + 1, size);
    json_array_foreach(a, i, v) {
        size_t len = jread_enter(r, key, 0);
        size_t len2 = jread_enter(r, NULL, i);
        int error = fn(r, v, (char *) *items + i * size);
        (*n)++;
        jread_leave(r, len2);
        jread_leave(r, len);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
read_changes(struct jread *r, json_t *root, struct plan_file *p)
{
    if (!json_object_get(root, "changes")) {
        return 0;               /* Planned without --previous. */
    }
    p->has_changes = true;
    return read_array(r, root, "changes", sizeof *p->changes,
                      (void **) &p->changes, &p->n_changes, read_change);
}

/* ------------------------------------------------------------------ */

/* Format 1 had "format": "nfvhost-plan" and "version": 1. */
static int
check_format(struct jread *r, json_t *root)
{
    json_t *f = json_object_get(root, "format");

    if (json_is_string(f) && !strcmp(json_string_value(f), "nfvhost-plan")) {
        json_t *v = json_object_get(root, "version");
        return diag_error(r->diag, NFV_EINPUT, "%s: plan format %lld (nfvhost "
                          "before format 2); this nfvhost reads format %d: "
                          "re-run 'nfvhost plan'", r->file,
                          json_is_integer(v)
                          ? (long long) json_integer_value(v) : 1LL,
                          PLAN_FILE_FORMAT);
    }
    if (!json_is_integer(f)) {
        return diag_error(r->diag, NFV_EINPUT, "%s: not an nfvhost plan (no "
                          "integer \"format\"); make one with 'nfvhost plan "
                          "--output DIR'", r->file);
    }
    if (json_integer_value(f) != PLAN_FILE_FORMAT) {
        return diag_error(r->diag, NFV_EINPUT, "%s: plan format %lld; this "
                          "nfvhost reads format %d: re-run 'nfvhost plan'",
                          r->file, (long long) json_integer_value(f),
                          PLAN_FILE_FORMAT);
    }
    return 0;
}

static int
read_plan(struct jread *r, json_t *root, struct plan_file *p)
{
    static const char *const keys[] = {
        "format", "generator", "host", "settings", "pools", "shared_cpus",
        "numa_nodes", "uplinks", "sriov_pfs", "vms", "ovs", "kernel",
        "warnings", "changes", NULL
    };

    if (!json_is_object(root)) {
        return diag_error(r->diag, NFV_EINPUT, "%s: not an nfvhost plan (not "
                          "a JSON object)", r->file);
    }
    p->format = PLAN_FILE_FORMAT;
    return (check_format(r, root)
            || jread_keys(r, root, keys)
            || jread_str(r, root, "generator", &p->generator)
            || read_host(r, root, &p->host)
            || read_settings(r, root, &p->settings)
            || read_pools(r, root, "pools", &p->pools)
            || jread_cpus(r, root, "shared_cpus", &p->shared_cpus)
            || read_array(r, root, "numa_nodes", sizeof *p->numa_nodes,
                          (void **) &p->numa_nodes, &p->n_numa_nodes,
                          read_numa)
            || read_array(r, root, "uplinks", sizeof *p->uplinks,
                          (void **) &p->uplinks, &p->n_uplinks,
                          read_uplink)
            || read_array(r, root, "sriov_pfs", sizeof *p->sriov_pfs,
                          (void **) &p->sriov_pfs, &p->n_sriov_pfs,
                          read_sriov_pf)
            || read_array(r, root, "vms", sizeof *p->vms,
                          (void **) &p->vms, &p->n_vms, read_vm)
            || read_ovs(r, root, &p->ovs)
            || read_kernel(r, root, &p->kernel)
            || read_warnings(r, root, p)
            || read_changes(r, root, p)
            || plan_file_check(r, p)) ? NFV_EINPUT : 0;
}

static struct plan_file *
load_root(json_t *root, const char *name, struct diag *d)
{
    struct plan_file *p = xcalloc(1, sizeof *p);
    struct jread r;

    jread_init(&r, name, d);
    r.unknown_hint = "docs/plan-format.md lists the keys of format 2";
    p->path = xstrdup(name);
    if (read_plan(&r, root, p)) {
        plan_file_destroy(p);
        p = NULL;
    }
    json_decref(root);
    return p;
}

static struct plan_file *
json_failed(const char *name, const json_error_t *err, int status,
            struct diag *d)
{
    if (err->line < 1) {
        diag_error(d, status, "%s: %s", name, err->text);
    } else {
        diag_error(d, status, "%s:%d: %s", name, err->line, err->text);
    }
    return NULL;
}

struct plan_file *
plan_file_parse(const char *text, size_t len, const char *name,
                struct diag *d)
{
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);

    return root ? load_root(root, name, d)
                : json_failed(name, &err, NFV_EINPUT, d);
}

struct plan_file *
plan_file_load(const char *path, struct diag *d)
{
    json_error_t err;
    FILE *f = fopen(path, "r");
    json_t *root;

    if (!f) {
        diag_error(d, errno == ENOENT || errno == EISDIR || errno == ENOTDIR
                   ? NFV_EINPUT : NFV_ESYSTEM, "%s: %s", path,
                   strerror(errno));
        return NULL;
    }
    root = json_loadf(f, JSON_REJECT_DUPLICATES, &err);
    fclose(f);
    return root ? load_root(root, path, d)
                : json_failed(path, &err, NFV_EINPUT, d);
}
