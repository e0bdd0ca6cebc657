/* plan-file.c: plan.json format 2, read and validated once (see
 * plan-file.h).
 *
 * The reader walks the JSON with a path ("vms[1].nics[0].vlan") so that
 * every message names the value it is about.  It is strict: a key this
 * build does not know is an error too, because a misspelt key in a
 * hand-edited plan would otherwise be silently ignored.  Reading is two
 * passes: fields (types, ranges, syntax), then what ties the sections
 * together (references, uniqueness, disjoint pools). */
#include "lib/plan-file.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "lib/pci.h"
#include "lib/util.h"

const char *
emulator_policy_name(enum emulator_policy p)
{
    return p == EMU_SHARE ? "share" : p == EMU_ISOLATE ? "isolate" : "none";
}

const char *
thread_policy_name(enum thread_policy p)
{
    return (p == THREAD_PREFER ? "prefer"
            : p == THREAD_ISOLATE ? "isolate" : "require");
}

const char *
nic_type_name(enum nic_type t)
{
    return t == NIC_VHOST ? "vhost" : "sriov";
}

bool
plan_file_name_valid(const char *s, size_t max)
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

bool
plan_file_socket_dir_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (!n || n > PLAN_SOCKET_DIR_MAX || s[0] != '/' || strstr(s, "/../")
        || strstr(s, "/./") || strstr(s, "//")
        || (n >= 3 && !strcmp(s + n - 3, "/.."))
        || (n >= 2 && !strcmp(s + n - 2, "/."))) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char) s[i]) && !strchr("/._-", s[i])) {
            return false;
        }
    }
    return true;
}

bool
plan_file_kernel_arg_valid(const char *s)
{
    if (!s || !*s) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        if (!isalnum((unsigned char) *p) && !strchr("_.,:=/+-", *p)) {
            return false;
        }
    }
    return true;
}

char *
plan_file_port_name(const char *vm, const char *nic)
{
    return xasprintf("vhu-%s-%s", vm, nic);
}

/* ------------------------------------------------------------------ */
/* The walker. */

struct reader {
    const char *file;
    struct diag *diag;
    char path[256];             /* JSON path of the current object. */
};

static int
bad(struct reader *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports "FILE: PATH.KEY: MSG" once (the first error wins) and returns
 * NFV_EINPUT. */
static int
bad(struct reader *r, const char *key, const char *fmt, ...)
{
    char msg[512];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    return diag_error(r->diag, NFV_EINPUT, "%s: %s%s%s: %s", r->file,
                      r->path, *r->path && key && *key ? "." : "",
                      key ? key : "", msg);
}

static size_t enter(struct reader *, const char *key, size_t index);
static void leave(struct reader *, size_t len);

/* Reports 'msg' about element 'index' of the array at 'key'. */
static int
bad_item(struct reader *r, const char *key, size_t index, const char *msg)
{
    size_t len = enter(r, key, 0);
    int error;

    enter(r, NULL, index);
    error = bad(r, NULL, "%s", msg);
    leave(r, len);
    return error;
}

/* Descends into obj.key (key) or array[index] (key NULL); returns the old
 * path length for leave(). */
static size_t
enter(struct reader *r, const char *key, size_t index)
{
    size_t len = strlen(r->path);

    if (key) {
        snprintf(r->path + len, sizeof r->path - len, "%s%s",
                 len ? "." : "", key);
    } else {
        snprintf(r->path + len, sizeof r->path - len, "[%zu]", index);
    }
    return len;
}

static void
leave(struct reader *r, size_t len)
{
    r->path[len] = '\0';
}

/* Refuses keys of 'obj' outside the NULL-terminated 'known'. */
static int
check_keys(struct reader *r, json_t *obj, const char *const known[])
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v) {
        size_t i;
        for (i = 0; known[i] && strcmp(known[i], key); i++) {
            continue;
        }
        if (!known[i]) {
            return bad(r, key, "unknown key (docs/plan-format.md lists the "
                       "keys of format %d)", PLAN_FILE_FORMAT);
        }
    }
    return 0;
}

static json_t *
get(struct reader *r, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    if (!v) {
        bad(r, key, "missing");
    }
    return v;
}

static json_t *
get_object(struct reader *r, json_t *obj, const char *key)
{
    json_t *v = get(r, obj, key);

    if (v && !json_is_object(v)) {
        bad(r, key, "expected an object");
        return NULL;
    }
    return v;
}

static json_t *
get_array(struct reader *r, json_t *obj, const char *key)
{
    json_t *v = get(r, obj, key);

    if (v && !json_is_array(v)) {
        bad(r, key, "expected an array");
        return NULL;
    }
    return v;
}

static int
get_i64(struct reader *r, json_t *obj, const char *key, int64_t min,
        int64_t max, int64_t *out)
{
    json_t *v = get(r, obj, key);

    if (!v) {
        return NFV_EINPUT;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min
        || json_integer_value(v) > max) {
        return bad(r, key, "expected %" PRId64 "-%" PRId64, min, max);
    }
    *out = json_integer_value(v);
    return 0;
}

static int
get_int(struct reader *r, json_t *obj, const char *key, int min, int max,
        int *out)
{
    int64_t v;
    int error = get_i64(r, obj, key, min, max, &v);

    if (!error) {
        *out = v;
    }
    return error;
}

/* An integer in [min, max], or null for 'null_value'. */
static int
get_int_or_null(struct reader *r, json_t *obj, const char *key, int min,
                int max, int null_value, int *out)
{
    json_t *v = get(r, obj, key);

    if (v && json_is_null(v)) {
        *out = null_value;
        return 0;
    }
    if (v && !json_is_integer(v)) {
        return bad(r, key, "expected %d-%d or null", min, max);
    }
    return get_int(r, obj, key, min, max, out);
}

static int
get_u64(struct reader *r, json_t *obj, const char *key, uint64_t *out)
{
    int64_t v;
    int error = get_i64(r, obj, key, 0, INT64_MAX, &v);

    if (!error) {
        *out = v;
    }
    return error;
}

static int
get_bool(struct reader *r, json_t *obj, const char *key, bool *out)
{
    json_t *v = get(r, obj, key);

    if (!v) {
        return NFV_EINPUT;
    }
    if (!json_is_boolean(v)) {
        return bad(r, key, "expected true or false");
    }
    *out = json_is_true(v);
    return 0;
}

static int
get_str(struct reader *r, json_t *obj, const char *key, char **out)
{
    json_t *v = get(r, obj, key);

    if (!v) {
        return NFV_EINPUT;
    }
    if (!json_is_string(v)) {
        return bad(r, key, "expected a string");
    }
    *out = xstrdup(json_string_value(v));
    return 0;
}

/* A string, or null for NULL. */
static int
get_str_or_null(struct reader *r, json_t *obj, const char *key, char **out)
{
    json_t *v = get(r, obj, key);

    if (v && json_is_null(v)) {
        *out = NULL;
        return 0;
    }
    return get_str(r, obj, key, out);
}

/* One of the NULL-terminated 'names', as its index. */
static int
get_enum(struct reader *r, json_t *obj, const char *key,
         const char *const names[], int *out)
{
    json_t *v = get(r, obj, key);
    struct sbuf list;
    int error;

    if (!v) {
        return NFV_EINPUT;
    }
    for (int i = 0; names[i]; i++) {
        if (json_is_string(v) && !strcmp(json_string_value(v), names[i])) {
            *out = i;
            return 0;
        }
    }
    sbuf_init(&list);
    for (int i = 0; names[i]; i++) {
        sbuf_printf(&list, "%s%s", i ? (names[i + 1] ? ", " : " or ") : "",
                    names[i]);
    }
    error = bad(r, key, "expected %s", list.s);
    sbuf_destroy(&list);
    return error;
}

static int
get_cpus(struct reader *r, json_t *obj, const char *key, hwloc_bitmap_t *out)
{
    json_t *v = get(r, obj, key);

    *out = xbitmap();
    if (!v) {
        return NFV_EINPUT;
    }
    if (!json_is_string(v) || !cpulist_parse(json_string_value(v), *out)) {
        return bad(r, key, "expected a CPU list such as \"0-3,8\" (\"\" for "
                   "none)");
    }
    return 0;
}

static int
check_pci(struct reader *r, const char *key, const char *s,
          char out[PLAN_PCI_LEN])
{
    char canon[PCI_ADDR_LEN];

    if (!pci_addr_canon(s, canon)) {
        return bad(r, key, "'%s' is not a PCI address (DDDD:BB:DD.F, "
                   "function 0-7)", s);
    }
    snprintf(out, PLAN_PCI_LEN, "%s", canon);
    return 0;
}

static int
get_pci(struct reader *r, json_t *obj, const char *key,
        char out[PLAN_PCI_LEN])
{
    json_t *v = get(r, obj, key);

    if (!v) {
        return NFV_EINPUT;
    }
    if (!json_is_string(v)) {
        return bad(r, key, "expected a PCI address string");
    }
    return check_pci(r, key, json_string_value(v), out);
}

/* A PCI address or null (""). */
static int
get_pci_or_null(struct reader *r, json_t *obj, const char *key,
                char out[PLAN_PCI_LEN])
{
    json_t *v = get(r, obj, key);

    out[0] = '\0';
    if (v && json_is_null(v)) {
        return 0;
    }
    return get_pci(r, obj, key, out);
}

static int
get_name(struct reader *r, json_t *obj, const char *key, size_t max,
         char **out)
{
    int error = get_str(r, obj, key, out);

    if (!error && !plan_file_name_valid(*out, max)) {
        return bad(r, key, "'%s' is not [A-Za-z0-9][A-Za-z0-9_-]{0,%zu}",
                   *out, max - 1);
    }
    return error;
}

/* ------------------------------------------------------------------ */
/* Sections. */

static int
read_pools(struct reader *r, json_t *obj, const char *key,
           struct plan_file_pools *p)
{
    static const char *const keys[] = {
        "housekeeping", "pmd", "emulator", "guest", "idle", NULL
    };
    json_t *o = get_object(r, obj, key);
    size_t len;
    int error;

    if (!o) {
        return NFV_EINPUT;
    }
    len = enter(r, key, 0);
    error = (check_keys(r, o, keys)
             || get_cpus(r, o, "housekeeping", &p->housekeeping)
             || get_cpus(r, o, "pmd", &p->pmd)
             || get_cpus(r, o, "emulator", &p->emulator)
             || get_cpus(r, o, "guest", &p->guest)
             || get_cpus(r, o, "idle", &p->idle));
    leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_host(struct reader *r, json_t *root, struct plan_file_host *h)
{
    static const char *const keys[] = {
        "cpu_vendor", "smt", "hybrid", "usable_cpus", "unusable_cpus", NULL
    };
    json_t *o = get_object(r, root, "host");
    size_t len;
    int error;

    if (!o) {
        return NFV_EINPUT;
    }
    len = enter(r, "host", 0);
    error = (check_keys(r, o, keys)
             || get_str(r, o, "cpu_vendor", &h->cpu_vendor)
             || get_int(r, o, "smt", 1, 64, &h->smt)
             || get_bool(r, o, "hybrid", &h->hybrid)
             || get_cpus(r, o, "usable_cpus", &h->usable_cpus)
             || get_cpus(r, o, "unusable_cpus", &h->unusable_cpus));
    leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_settings(struct reader *r, json_t *root, struct plan_file_settings *s)
{
    static const char *const keys[] = {
        "housekeeping_cores_per_numa", "host_memory_mb", "hugepage_size_kb",
        "pmd_cores_per_numa", "pmd_siblings", "mtu", "pmd_rxq_assign",
        "emulator_policy", "emulator_shared_cores", NULL
    };
    static const char *const siblings[] = { "use", "idle", NULL };
    static const char *const assign[] = {
        "cycles", "roundrobin", "group", NULL
    };
    static const char *const emu[] = { "share", "isolate", "none", NULL };
    json_t *o = get_object(r, root, "settings");
    int idle = 0, a = 0, policy = 0, error;
    size_t len;

    if (!o) {
        return NFV_EINPUT;
    }
    len = enter(r, "settings", 0);
    error = (check_keys(r, o, keys)
             || get_int(r, o, "housekeeping_cores_per_numa", 1, 64,
                        &s->housekeeping_cores_per_numa)
             || get_u64(r, o, "host_memory_mb", &s->host_memory_mb)
             || get_u64(r, o, "hugepage_size_kb", &s->hugepage_size_kb)
             || get_int(r, o, "pmd_cores_per_numa", 0, 64,
                        &s->pmd_cores_per_numa)
             || get_enum(r, o, "pmd_siblings", siblings, &idle)
             || get_int(r, o, "mtu", 68, 9702, &s->mtu)
             || get_enum(r, o, "pmd_rxq_assign", assign, &a)
             || get_enum(r, o, "emulator_policy", emu, &policy)
             || get_int(r, o, "emulator_shared_cores", 0, 64,
                        &s->emulator_shared_cores));
    if (!error && s->hugepage_size_kb != 2048
        && s->hugepage_size_kb != 1048576) {
        error = bad(r, "hugepage_size_kb", "expected 2048 or 1048576");
    }
    leave(r, len);
    s->pmd_siblings_idle = idle;
    s->pmd_rxq_assign = xstrdup(assign[a]);
    s->emulator_policy = policy;
    return error ? NFV_EINPUT : 0;
}

static int
read_hugepages(struct reader *r, json_t *obj, bool node,
               struct plan_file_hugepages *h)
{
    static const char *const node_keys[] = {
        "size_kb", "count", "ovs", "guests", NULL
    };
    static const char *const vm_keys[] = { "size_kb", "count", NULL };
    json_t *o = get_object(r, obj, "hugepages");
    size_t len;
    int error;

    if (!o) {
        return NFV_EINPUT;
    }
    len = enter(r, "hugepages", 0);
    error = (check_keys(r, o, node ? node_keys : vm_keys)
             || get_u64(r, o, "size_kb", &h->size_kb)
             || get_u64(r, o, "count", &h->count)
             || (node && (get_u64(r, o, "ovs", &h->ovs)
                          || get_u64(r, o, "guests", &h->guests))));
    leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_l3(struct reader *r, json_t *o, struct plan_file_l3 *l3)
{
    static const char *const keys[] = { "index", "cpus", "size_kb", NULL };

    if (!json_is_object(o)) {
        return bad(r, NULL, "expected an object");
    }
    return (check_keys(r, o, keys)
            || get_int(r, o, "index", 0, INT32_MAX, &l3->index)
            || get_cpus(r, o, "cpus", &l3->cpus)
            || get_u64(r, o, "size_kb", &l3->size_kb)) ? NFV_EINPUT : 0;
}

static int
read_numa(struct reader *r, json_t *o, struct plan_file_numa *n)
{
    static const char *const keys[] = {
        "id", "has_cpus", "memory_mb", "cpus", "l3_domains", "pools",
        "ovs_socket_mem_mb", "host_memory_mb", "hugepages", NULL
    };
    json_t *l3s, *v;
    size_t i;

    if (!json_is_object(o)) {
        return bad(r, NULL, "expected an object");
    }
    if (check_keys(r, o, keys)
        || get_int(r, o, "id", 0, INT32_MAX, &n->id)
        || get_bool(r, o, "has_cpus", &n->has_cpus)
        || get_u64(r, o, "memory_mb", &n->memory_mb)
        || get_cpus(r, o, "cpus", &n->cpus)
        || !(l3s = get_array(r, o, "l3_domains"))) {
        return NFV_EINPUT;
    }
    n->l3_domains = xcalloc(json_array_size(l3s), sizeof *n->l3_domains);
    json_array_foreach(l3s, i, v) {
        size_t len = enter(r, "l3_domains", 0);
        size_t len2 = enter(r, NULL, i);
        int error = read_l3(r, v, &n->l3_domains[n->n_l3_domains++]);
        leave(r, len2);
        leave(r, len);
        if (error) {
            return error;
        }
    }
    return (read_pools(r, o, "pools", &n->pools)
            || get_u64(r, o, "ovs_socket_mem_mb", &n->ovs_socket_mem_mb)
            || get_u64(r, o, "host_memory_mb", &n->host_memory_mb)
            || read_hugepages(r, o, true, &n->hugepages)) ? NFV_EINPUT : 0;
}

static int
get_hex4(struct reader *r, json_t *o, const char *key, char **out)
{
    int error = get_str(r, o, key, out);

    if (!error && (strlen(*out) != 4 || strspn(*out, "0123456789abcdef")
                   != 4)) {
        return bad(r, key, "'%s' is not 4 lower-case hex digits", *out);
    }
    return error;
}

static int
read_uplink(struct reader *r, json_t *o, struct plan_file_uplink *u)
{
    static const char *const keys[] = {
        "pci", "numa", "numa_reported", "vendor", "device", "driver",
        "ifname", "is_vf", "physfn", "vf_index", "sriov_totalvfs",
        "sriov_numvfs", "carrier", "has_route", NULL
    };
    json_t *carrier;

    if (!json_is_object(o)) {
        return bad(r, NULL, "expected an object");
    }
    if (check_keys(r, o, keys)
        || get_pci(r, o, "pci", u->pci)
        || get_int(r, o, "numa", 0, INT32_MAX, &u->numa)
        || get_int(r, o, "numa_reported", -1, INT32_MAX, &u->numa_reported)
        || get_hex4(r, o, "vendor", &u->vendor)
        || get_hex4(r, o, "device", &u->device)
        || get_str_or_null(r, o, "driver", &u->driver)
        || get_str_or_null(r, o, "ifname", &u->ifname)
        || get_bool(r, o, "is_vf", &u->is_vf)
        || get_pci_or_null(r, o, "physfn", u->physfn)
        || get_int(r, o, "vf_index", -1, 65535, &u->vf_index)
        || get_int(r, o, "sriov_totalvfs", -1, 65535, &u->sriov_totalvfs)
        || get_int(r, o, "sriov_numvfs", -1, 65535, &u->sriov_numvfs)
        || !(carrier = get(r, o, "carrier"))) {
        return NFV_EINPUT;
    }
    if (json_is_null(carrier)) {
        u->carrier = -1;
    } else if (json_is_boolean(carrier)) {
        u->carrier = json_is_true(carrier);
    } else {
        return bad(r, "carrier", "expected true, false or null");
    }
    if (u->is_vf != !!u->physfn[0]) {
        return bad(r, "physfn", u->is_vf ? "a VF needs its PF's address"
                   : "only a VF has a PF (is_vf is false)");
    }
    return get_bool(r, o, "has_route", &u->has_route);
}

static int
read_sriov_pf(struct reader *r, json_t *o, struct plan_file_sriov_pf *pf)
{
    static const char *const keys[] = {
        "pci", "numvfs", "set_numvfs", NULL
    };

    if (!json_is_object(o)) {
        return bad(r, NULL, "expected an object");
    }
    return (check_keys(r, o, keys)
            || get_pci(r, o, "pci", pf->pci)
            || get_int(r, o, "numvfs", 1, 65535, &pf->numvfs)
            || get_bool(r, o, "set_numvfs", &pf->set_numvfs))
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

static int
read_nic(struct reader *r, json_t *o, size_t position,
         struct plan_file_nic *n)
{
    static const char *const vhost_keys[] = {
        "index", "type", "vlan", "mac", "port", "pmd_cpu", NULL
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
        return bad(r, NULL, "expected an object");
    }
    if (get_int(r, o, "index", 0, INT32_MAX, &n->index)
        || get_enum(r, o, "type", types, &type)) {
        return NFV_EINPUT;
    }
    n->type = type;
    if (n->index != (int) position) {
        return bad(r, "index", "%d, but the NIC is number %zu of its VM",
                   n->index, position);
    }
    error = (check_keys(r, o, n->type == NIC_VHOST ? vhost_keys : sriov_keys)
             || get_int_or_null(r, o, "vlan", 1, 4094, 0, &n->vlan)
             || get_str(r, o, "mac", &mac));
    if (!error && !mac_valid(mac)) {
        error = bad(r, "mac", "'%s' is not 52:54:00:xx:xx:xx (lower-case "
                    "hex)", mac);
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
                || get_int_or_null(r, o, "pmd_cpu", 0, INT32_MAX, -1,
                                   &n->pmd_cpu)) ? NFV_EINPUT : 0;
    }
    return (get_pci(r, o, "pf", n->pf)
            || get_int(r, o, "vf", 0, 65534, &n->vf)) ? NFV_EINPUT : 0;
}

static int
read_vcpupin(struct reader *r, json_t *o, struct plan_file_vm *vm)
{
    json_t *pins = get_array(r, o, "vcpupin"), *v;
    size_t i;

    if (!pins) {
        return NFV_EINPUT;
    }
    if (json_array_size(pins) != (size_t) vm->vcpus) {
        return bad(r, "vcpupin", "%zu entries for %d vcpus",
                   json_array_size(pins), vm->vcpus);
    }
    vm->vcpupin = xcalloc(vm->vcpus, sizeof *vm->vcpupin);
    json_array_foreach(pins, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0
            || json_integer_value(v) >= CPULIST_MAX) {
            return bad_item(r, "vcpupin", i, "expected a CPU number");
        }
        vm->vcpupin[i] = json_integer_value(v);
    }
    return 0;
}

static int
read_vm_topology(struct reader *r, json_t *o, struct plan_file_vm *vm)
{
    static const char *const keys[] = {
        "sockets", "cores", "threads", NULL
    };
    json_t *t = get_object(r, o, "topology");
    size_t len;
    int error;

    if (!t) {
        return NFV_EINPUT;
    }
    len = enter(r, "topology", 0);
    error = (check_keys(r, t, keys)
             || get_int(r, t, "sockets", 1, 1024, &vm->sockets)
             || get_int(r, t, "cores", 1, 1024, &vm->cores)
             || get_int(r, t, "threads", 1, 8, &vm->threads));
    if (!error && vm->sockets * vm->cores * vm->threads != vm->vcpus) {
        error = bad(r, NULL, "sockets * cores * threads = %d, but the VM "
                    "has %d vcpus", vm->sockets * vm->cores * vm->threads,
                    vm->vcpus);
    }
    leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_vm(struct reader *r, json_t *o, struct plan_file_vm *vm)
{
    static const char *const keys[] = {
        "name", "numa", "l3", "vcpus", "memory_mb", "thread_policy", "cpus",
        "vcpupin", "emulatorpin", "topology", "hugepages", "queues", "nics",
        NULL
    };
    static const char *const policies[] = {
        "prefer", "isolate", "require", NULL
    };
    json_t *nics, *v;
    int policy = 0;
    size_t i;

    if (!json_is_object(o)) {
        return bad(r, NULL, "expected an object");
    }
    if (check_keys(r, o, keys)
        || get_name(r, o, "name", PLAN_VM_NAME_MAX, &vm->name)
        || get_int(r, o, "numa", 0, INT32_MAX, &vm->numa)
        || get_int(r, o, "l3", -1, INT32_MAX, &vm->l3)
        || get_int(r, o, "vcpus", 1, 1024, &vm->vcpus)
        || get_u64(r, o, "memory_mb", &vm->memory_mb)
        || get_enum(r, o, "thread_policy", policies, &policy)
        || get_cpus(r, o, "cpus", &vm->cpus)
        || read_vcpupin(r, o, vm)
        || get_cpus(r, o, "emulatorpin", &vm->emulatorpin)
        || read_vm_topology(r, o, vm)
        || read_hugepages(r, o, false, &vm->hugepages)
        || get_int(r, o, "queues", 1, 16, &vm->queues)
        || !(nics = get_array(r, o, "nics"))) {
        return NFV_EINPUT;
    }
    vm->thread_policy = policy;
    vm->nics = xcalloc(json_array_size(nics), sizeof *vm->nics);
    json_array_foreach(nics, i, v) {
        size_t len = enter(r, "nics", 0);
        size_t len2 = enter(r, NULL, i);
        int error = read_nic(r, v, i, &vm->nics[vm->n_nics++]);
        leave(r, len2);
        leave(r, len);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
read_rxq_pmds(struct reader *r, json_t *o, struct plan_file_ovs_iface *f)
{
    json_t *a = get(r, o, "rxq_pmds"), *v;
    size_t i;

    if (!a) {
        return NFV_EINPUT;
    }
    if (json_is_null(a)) {
        return 0;
    }
    if (!json_is_array(a) || json_array_size(a) != (size_t) f->n_rxq) {
        return bad(r, "rxq_pmds", "expected null or an array of n_rxq (%d) "
                   "CPU numbers", f->n_rxq);
    }
    f->rxq_pmds = xcalloc(f->n_rxq, sizeof *f->rxq_pmds);
    json_array_foreach(a, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0
            || json_integer_value(v) >= CPULIST_MAX) {
            return bad_item(r, "rxq_pmds", i, "expected a CPU number");
        }
        f->rxq_pmds[i] = json_integer_value(v);
    }
    return 0;
}

static int
read_iface(struct reader *r, json_t *o, struct plan_file_ovs_iface *f)
{
    static const char *const keys[] = {
        "name", "pci", "dpdk_devargs", "bind_vfio", "mtu_request", "n_rxq",
        "rxq_pmds", NULL
    };

    if (!json_is_object(o)) {
        return bad(r, NULL, "expected an object");
    }
    if (check_keys(r, o, keys)
        || get_name(r, o, "name", 64, &f->name)
        || get_pci(r, o, "pci", f->pci)
        || get_str(r, o, "dpdk_devargs", &f->dpdk_devargs)
        || get_bool(r, o, "bind_vfio", &f->bind_vfio)
        || get_int(r, o, "mtu_request", 68, 9702, &f->mtu_request)
        || get_int(r, o, "n_rxq", 1, 1024, &f->n_rxq)
        || read_rxq_pmds(r, o, f)) {
        return NFV_EINPUT;
    }
    /* Written into an OVSDB column and read by DPDK's devargs parser:
     * no spaces or quotes, as 'nfvhost plan --uplink-override' takes. */
    if (!f->dpdk_devargs[0] || strpbrk(f->dpdk_devargs, " \t\n\"'\\")) {
        return bad(r, "dpdk_devargs", "'%s': expected a PCI address or "
                   "DPDK devargs without spaces or quotes", f->dpdk_devargs);
    }
    if (f->bind_vfio && strcmp(f->dpdk_devargs, f->pci)) {
        return bad(r, "bind_vfio", "true, but dpdk_devargs '%s' is not the "
                   "interface's own PCI address %s", f->dpdk_devargs,
                   f->pci);
    }
    return 0;
}

static int
read_uplink_port(struct reader *r, json_t *ovs, struct plan_file_ovs *o)
{
    static const char *const keys[] = {
        "name", "bond_mode", "lacp", "interfaces", NULL
    };
    json_t *p = get(r, ovs, "uplink_port"), *ifaces, *v;
    struct plan_file_ovs_uplink_port *up;
    size_t len, i;
    int error;

    if (!p || json_is_null(p)) {
        return p ? 0 : NFV_EINPUT;
    }
    if (!json_is_object(p)) {
        return bad(r, "uplink_port", "expected an object or null");
    }
    up = o->uplink_port = xcalloc(1, sizeof *o->uplink_port);
    len = enter(r, "uplink_port", 0);
    error = (check_keys(r, p, keys)
             || get_name(r, p, "name", 64, &up->name)
             || get_str_or_null(r, p, "bond_mode", &up->bond_mode)
             || get_str_or_null(r, p, "lacp", &up->lacp)
             || !(ifaces = get_array(r, p, "interfaces")));
    if (!error) {
        size_t n = json_array_size(ifaces);
        up->interfaces = xcalloc(n, sizeof *up->interfaces);
        json_array_foreach(ifaces, i, v) {
            size_t len2 = enter(r, "interfaces", 0);
            size_t len3 = enter(r, NULL, i);
            error = read_iface(r, v, &up->interfaces[up->n_interfaces++]);
            leave(r, len3);
            leave(r, len2);
            if (error) {
                break;
            }
        }
    }
    if (!error && (up->n_interfaces < 1 || up->n_interfaces > 2)) {
        error = bad(r, "interfaces", "%zu interfaces: expected 1, or 2 for "
                    "a bond", up->n_interfaces);
    }
    if (!error && (up->n_interfaces == 2) != (up->bond_mode != NULL)) {
        error = bad(r, "bond_mode", "two interfaces need a bond_mode, one "
                    "needs null");
    }
    if (!error && up->bond_mode && strcmp(up->bond_mode, "active-backup")
        && strcmp(up->bond_mode, "balance-tcp")) {
        error = bad(r, "bond_mode", "expected active-backup, balance-tcp or "
                    "null");
    }
    if (!error && up->lacp && strcmp(up->lacp, "active")) {
        error = bad(r, "lacp", "expected active or null");
    }
    leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_other_config(struct reader *r, json_t *ovs, struct plan_file_ovs *o)
{
    json_t *oc = get_object(r, ovs, "other_config"), *v;
    const char *key;
    size_t len;

    if (!oc) {
        return NFV_EINPUT;
    }
    o->other_config = xcalloc(json_object_size(oc), sizeof *o->other_config);
    len = enter(r, "other_config", 0);
    json_object_foreach(oc, key, v) {
        if (!json_is_string(v)) {
            bad(r, key, "expected a string");
            break;
        }
        o->other_config[o->n_other_config].key = xstrdup(key);
        o->other_config[o->n_other_config++].value
            = xstrdup(json_string_value(v));
    }
    leave(r, len);
    return r->diag->status;
}

static int
read_ovs(struct reader *r, json_t *root, struct plan_file_ovs *o)
{
    static const char *const keys[] = {
        "bridge", "socket_dir", "socket_group", "socket_mode",
        "other_config", "uplink_port", NULL
    };
    json_t *ovs = get_object(r, root, "ovs");
    char *mode = NULL;
    size_t len;
    int error;

    if (!ovs) {
        return NFV_EINPUT;
    }
    len = enter(r, "ovs", 0);
    error = (check_keys(r, ovs, keys)
             || get_name(r, ovs, "bridge", 15, &o->bridge)
             || get_str(r, ovs, "socket_dir", &o->socket_dir));
    if (!error && !plan_file_socket_dir_valid(o->socket_dir)) {
        error = bad(r, "socket_dir", "'%s' is not an absolute path of at "
                    "most %d characters [A-Za-z0-9/._-] without '.' or '..' "
                    "components (unix socket paths are short)",
                    o->socket_dir, PLAN_SOCKET_DIR_MAX);
    }
    error = error || get_name(r, ovs, "socket_group", 32, &o->socket_group)
            || get_str(r, ovs, "socket_mode", &mode);
    if (!error && (!parse_mode(mode, &o->socket_mode)
                   || o->socket_mode & 07007)) {
        error = bad(r, "socket_mode", "'%s' is not an octal mode without "
                    "bits for others or special bits, e.g. \"0770\"", mode);
    }
    free(mode);
    error = error || read_other_config(r, ovs, o)
            || read_uplink_port(r, ovs, o);
    leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_kernel(struct reader *r, json_t *root, struct plan_file_kernel *k)
{
    static const char *const keys[] = {
        "args", "isolated_cpus", "housekeeping_cpus", NULL
    };
    json_t *o = get_object(r, root, "kernel"), *args, *v;
    size_t len, i;
    int error;

    if (!o) {
        return NFV_EINPUT;
    }
    len = enter(r, "kernel", 0);
    error = (check_keys(r, o, keys) || !(args = get_array(r, o, "args")));
    if (!error) {
        k->args = xcalloc(json_array_size(args), sizeof *k->args);
        json_array_foreach(args, i, v) {
            const char *s = json_string_value(v);
            /* update-grub sources the drop-in as root: one quote or ';'
             * in an argument would run a command. */
            if (!plan_file_kernel_arg_valid(s)) {
                error = bad_item(r, "args", i, "expected a kernel argument "
                                 "of [A-Za-z0-9_.,:=/+-] only");
                break;
            }
            k->args[k->n_args++] = xstrdup(s);
        }
    }
    error = error || get_cpus(r, o, "isolated_cpus", &k->isolated_cpus)
            || get_cpus(r, o, "housekeeping_cpus", &k->housekeeping_cpus);
    leave(r, len);
    return error ? NFV_EINPUT : 0;
}

static int
read_warnings(struct reader *r, json_t *root, struct plan_file *p)
{
    json_t *a = get_array(r, root, "warnings"), *v;
    size_t i;

    if (!a) {
        return NFV_EINPUT;
    }
    p->warnings = xcalloc(json_array_size(a), sizeof *p->warnings);
    json_array_foreach(a, i, v) {
        if (!json_is_string(v)) {
            return bad_item(r, "warnings", i, "expected a string");
        }
        p->warnings[p->n_warnings++] = xstrdup(json_string_value(v));
    }
    return 0;
}

/* Reads every element of root[key] with 'fn' into a new array of 'size'
 * byte elements. */
static int
read_array(struct reader *r, json_t *root, const char *key, size_t size,
           void **items, size_t *n,
           int (*fn)(struct reader *, json_t *, void *))
{
    json_t *a = get_array(r, root, key), *v;
    size_t i;

    if (!a) {
        return NFV_EINPUT;
    }
    *items = xcalloc(json_array_size(a) + 1, size);
    json_array_foreach(a, i, v) {
        size_t len = enter(r, key, 0);
        size_t len2 = enter(r, NULL, i);
        int error = fn(r, v, (char *) *items + i * size);
        (*n)++;
        leave(r, len2);
        leave(r, len);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
read_numa_v(struct reader *r, json_t *o, void *item)
{
    return read_numa(r, o, item);
}

static int
read_uplink_v(struct reader *r, json_t *o, void *item)
{
    return read_uplink(r, o, item);
}

static int
read_sriov_pf_v(struct reader *r, json_t *o, void *item)
{
    return read_sriov_pf(r, o, item);
}

static int
read_vm_v(struct reader *r, json_t *o, void *item)
{
    return read_vm(r, o, item);
}

/* ------------------------------------------------------------------ */
/* The second pass: what ties the sections together. */

static int
check_disjoint(struct reader *r, const char *where,
               const struct plan_file_pools *p)
{
    const struct {
        const char *name;
        hwloc_const_bitmap_t set;
    } pools[] = {
        { "housekeeping", p->housekeeping }, { "pmd", p->pmd },
        { "emulator", p->emulator }, { "guest", p->guest },
        { "idle", p->idle },
    };

    for (size_t i = 0; i < ARRAY_SIZE(pools); i++) {
        for (size_t j = i + 1; j < ARRAY_SIZE(pools); j++) {
            if (hwloc_bitmap_intersects(pools[i].set, pools[j].set)) {
                size_t len = enter(r, where, 0);
                int error = bad(r, pools[j].name, "shares CPUs with %s",
                                pools[i].name);
                leave(r, len);
                return error;
            }
        }
    }
    return 0;
}

static int
check_numas(struct reader *r, const struct plan_file *p)
{
    for (size_t i = 0; i < p->n_numa_nodes; i++) {
        const struct plan_file_numa *n = &p->numa_nodes[i];
        uint64_t kb, mem_kb;
        char where[64];
        int error;

        snprintf(where, sizeof where, "numa_nodes[%zu]", i);
        if (i && n->id <= p->numa_nodes[i - 1].id) {
            size_t len = enter(r, where, 0);
            error = bad(r, "id", "%d: ids must be unique and ascending",
                        n->id);
            leave(r, len);
            return error;
        }
        error = check_disjoint(r, strcat(where, ".pools"), &n->pools);
        if (error) {
            return error;
        }
        snprintf(where, sizeof where, "numa_nodes[%zu]", i);
        /* Checked arithmetic: a count near 2^64 must not wrap around into
         * something that "fits". */
        /* memory_mb 0 is a topology that did not say. */
        if (n->hugepages.size_kb != p->settings.hugepage_size_kb
            || !mul_u64(n->hugepages.count, n->hugepages.size_kb, &kb)
            || !mul_u64(n->memory_mb, 1024, &mem_kb)
            || (mem_kb && kb > mem_kb)) {
            size_t len = enter(r, where, 0);
            error = bad(r, "hugepages", "%" PRIu64 " pages of %" PRIu64
                        " kB do not fit the node's %" PRIu64 " MiB (or the "
                        "size is not settings.hugepage_size_kb)",
                        n->hugepages.count, n->hugepages.size_kb,
                        n->memory_mb);
            leave(r, len);
            return error;
        }
    }
    return 0;
}

static int
check_vm_nics(struct reader *r, const struct plan_file *p, size_t v,
              const char **macs, size_t *n_macs)
{
    const struct plan_file_vm *vm = &p->vms[v];

    for (size_t k = 0; k < vm->n_nics; k++) {
        const struct plan_file_nic *nic = &vm->nics[k];
        const struct plan_file_sriov_pf *pf;
        char where[64];
        const char *key = NULL, *why = NULL;

        snprintf(where, sizeof where, "vms[%zu].nics[%zu]", v, k);
        for (size_t i = 0; i < *n_macs && !key; i++) {
            if (!strcmp(macs[i], nic->mac)) {
                key = "mac";
                why = "used by another NIC of the plan";
            }
        }
        macs[(*n_macs)++] = nic->mac;
        if (key) {
            /* Reported below. */
        } else if (nic->type == NIC_VHOST) {
            if (nic->pmd_cpu >= 0
                && !hwloc_bitmap_isset(p->pools.pmd, nic->pmd_cpu)) {
                key = "pmd_cpu";
                why = "not a CPU of pools.pmd";
            }
            for (size_t w = 0; w <= v && !key; w++) {
                for (size_t j = 0; j < p->vms[w].n_nics; j++) {
                    const struct plan_file_nic *o = &p->vms[w].nics[j];
                    if ((w < v || j < k) && o->port
                        && !strcmp(o->port, nic->port)) {
                        key = "port";
                        why = "used by another NIC of the plan";
                    }
                }
            }
        } else if (!(pf = plan_file_find_sriov_pf(p, nic->pf))) {
            key = "pf";
            why = "not one of sriov_pfs[]";
        } else if (nic->vf >= pf->numvfs) {
            key = "vf";
            why = "not below its PF's numvfs";
        }
        if (key) {
            size_t len = enter(r, where, 0);
            int error = bad(r, key, "%s", why);
            leave(r, len);
            return error;
        }
    }
    return 0;
}

static int
check_vms(struct reader *r, const struct plan_file *p)
{
    size_t n_nics = 0, n_macs = 0;
    const char **macs;
    int error = 0;

    for (size_t v = 0; v < p->n_vms; v++) {
        n_nics += p->vms[v].n_nics;
    }
    macs = xcalloc(n_nics + 1, sizeof *macs);
    for (size_t v = 0; v < p->n_vms && !error; v++) {
        const struct plan_file_vm *vm = &p->vms[v];
        char where[32];
        size_t len;

        snprintf(where, sizeof where, "vms[%zu]", v);
        len = enter(r, where, 0);
        if (plan_file_find_vm(p, vm->name) != vm) {
            error = bad(r, "name", "'%s' names two VMs", vm->name);
        } else if (!plan_file_find_numa(p, vm->numa)) {
            error = bad(r, "numa", "%d is not one of numa_nodes[]", vm->numa);
        }
        for (int i = 0; !error && i < vm->vcpus; i++) {
            if (!hwloc_bitmap_isset(p->host.usable_cpus, vm->vcpupin[i])) {
                error = bad_item(r, "vcpupin", i, "not a CPU of "
                                 "host.usable_cpus");
            }
        }
        leave(r, len);
        error = error ? error : check_vm_nics(r, p, v, macs, &n_macs);
    }
    free(macs);
    return error;
}

static int
check_ovs(struct reader *r, const struct plan_file *p)
{
    const struct plan_file_ovs_uplink_port *up = p->ovs.uplink_port;

    if ((up ? up->n_interfaces : 0) != p->n_uplinks) {
        return bad(r, "ovs.uplink_port", "%zu interfaces for %zu uplinks",
                   up ? up->n_interfaces : 0, p->n_uplinks);
    }
    for (size_t i = 0; up && i < up->n_interfaces; i++) {
        const struct plan_file_ovs_iface *f = &up->interfaces[i];
        char where[64];
        int error = 0;
        size_t len;

        snprintf(where, sizeof where, "ovs.uplink_port.interfaces[%zu]", i);
        len = enter(r, where, 0);
        if (strcmp(f->pci, p->uplinks[i].pci)) {
            error = bad(r, "pci", "%s, but uplinks[%zu] is %s", f->pci, i,
                        p->uplinks[i].pci);
        }
        for (int q = 0; !error && f->rxq_pmds && q < f->n_rxq; q++) {
            if (!hwloc_bitmap_isset(p->pools.pmd, f->rxq_pmds[q])) {
                error = bad_item(r, "rxq_pmds", q, "not a CPU of "
                                 "pools.pmd");
            }
        }
        leave(r, len);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
check_plan(struct reader *r, const struct plan_file *p)
{
    return (check_disjoint(r, "pools", &p->pools)
            || check_numas(r, p)
            || check_vms(r, p)
            || check_ovs(r, p)) ? NFV_EINPUT : 0;
}

/* ------------------------------------------------------------------ */

/* Format 1 had "format": "nfvhost-plan" and "version": 1. */
static int
check_format(struct reader *r, json_t *root)
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
read_plan(struct reader *r, json_t *root, struct plan_file *p)
{
    static const char *const keys[] = {
        "format", "generator", "host", "settings", "pools", "numa_nodes",
        "uplinks", "sriov_pfs", "vms", "ovs", "kernel", "warnings", NULL
    };

    if (!json_is_object(root)) {
        return diag_error(r->diag, NFV_EINPUT, "%s: not an nfvhost plan (not "
                          "a JSON object)", r->file);
    }
    p->format = PLAN_FILE_FORMAT;
    return (check_format(r, root)
            || check_keys(r, root, keys)
            || get_str(r, root, "generator", &p->generator)
            || read_host(r, root, &p->host)
            || read_settings(r, root, &p->settings)
            || read_pools(r, root, "pools", &p->pools)
            || read_array(r, root, "numa_nodes", sizeof *p->numa_nodes,
                          (void **) &p->numa_nodes, &p->n_numa_nodes,
                          read_numa_v)
            || read_array(r, root, "uplinks", sizeof *p->uplinks,
                          (void **) &p->uplinks, &p->n_uplinks,
                          read_uplink_v)
            || read_array(r, root, "sriov_pfs", sizeof *p->sriov_pfs,
                          (void **) &p->sriov_pfs, &p->n_sriov_pfs,
                          read_sriov_pf_v)
            || read_array(r, root, "vms", sizeof *p->vms,
                          (void **) &p->vms, &p->n_vms, read_vm_v)
            || read_ovs(r, root, &p->ovs)
            || read_kernel(r, root, &p->kernel)
            || read_warnings(r, root, p)
            || check_plan(r, p)) ? NFV_EINPUT : 0;
}

static struct plan_file *
load_root(json_t *root, const char *name, struct diag *d)
{
    struct plan_file *p = xcalloc(1, sizeof *p);
    struct reader r = { .file = name, .diag = d };

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

static void
pools_destroy(struct plan_file_pools *p)
{
    hwloc_bitmap_free(p->housekeeping);
    hwloc_bitmap_free(p->pmd);
    hwloc_bitmap_free(p->emulator);
    hwloc_bitmap_free(p->guest);
    hwloc_bitmap_free(p->idle);
}

static void
ovs_destroy(struct plan_file_ovs *o)
{
    struct plan_file_ovs_uplink_port *up = o->uplink_port;

    for (size_t i = 0; i < o->n_other_config; i++) {
        free(o->other_config[i].key);
        free(o->other_config[i].value);
    }
    free(o->other_config);
    for (size_t i = 0; up && i < up->n_interfaces; i++) {
        free(up->interfaces[i].name);
        free(up->interfaces[i].dpdk_devargs);
        free(up->interfaces[i].rxq_pmds);
    }
    if (up) {
        free(up->interfaces);
        free(up->name);
        free(up->bond_mode);
        free(up->lacp);
        free(up);
    }
    free(o->bridge);
    free(o->socket_dir);
    free(o->socket_group);
}

static void
vm_destroy(struct plan_file_vm *vm)
{
    for (size_t k = 0; k < vm->n_nics; k++) {
        free(vm->nics[k].port);
    }
    free(vm->nics);
    free(vm->name);
    free(vm->vcpupin);
    hwloc_bitmap_free(vm->cpus);
    hwloc_bitmap_free(vm->emulatorpin);
}

void
plan_file_destroy(struct plan_file *p)
{
    if (!p) {
        return;
    }
    free(p->path);
    free(p->generator);
    free(p->host.cpu_vendor);
    hwloc_bitmap_free(p->host.usable_cpus);
    hwloc_bitmap_free(p->host.unusable_cpus);
    free(p->settings.pmd_rxq_assign);
    pools_destroy(&p->pools);
    for (size_t i = 0; i < p->n_numa_nodes; i++) {
        struct plan_file_numa *n = &p->numa_nodes[i];
        for (size_t l = 0; l < n->n_l3_domains; l++) {
            hwloc_bitmap_free(n->l3_domains[l].cpus);
        }
        free(n->l3_domains);
        hwloc_bitmap_free(n->cpus);
        pools_destroy(&n->pools);
    }
    free(p->numa_nodes);
    for (size_t i = 0; i < p->n_uplinks; i++) {
        free(p->uplinks[i].vendor);
        free(p->uplinks[i].device);
        free(p->uplinks[i].driver);
        free(p->uplinks[i].ifname);
    }
    free(p->uplinks);
    free(p->sriov_pfs);
    for (size_t i = 0; i < p->n_vms; i++) {
        vm_destroy(&p->vms[i]);
    }
    free(p->vms);
    ovs_destroy(&p->ovs);
    for (size_t i = 0; i < p->kernel.n_args; i++) {
        free(p->kernel.args[i]);
    }
    free(p->kernel.args);
    hwloc_bitmap_free(p->kernel.isolated_cpus);
    hwloc_bitmap_free(p->kernel.housekeeping_cpus);
    for (size_t i = 0; i < p->n_warnings; i++) {
        free(p->warnings[i]);
    }
    free(p->warnings);
    free(p);
}

/* ------------------------------------------------------------------ */
/* Lookups. */

const struct plan_file_vm *
plan_file_find_vm(const struct plan_file *p, const char *name)
{
    for (size_t i = 0; i < p->n_vms; i++) {
        if (p->vms[i].name && !strcmp(p->vms[i].name, name)) {
            return &p->vms[i];
        }
    }
    return NULL;
}

const struct plan_file_numa *
plan_file_find_numa(const struct plan_file *p, int id)
{
    for (size_t i = 0; i < p->n_numa_nodes; i++) {
        if (p->numa_nodes[i].id == id) {
            return &p->numa_nodes[i];
        }
    }
    return NULL;
}

const struct plan_file_uplink *
plan_file_find_uplink(const struct plan_file *p, const char *pci)
{
    for (size_t i = 0; i < p->n_uplinks; i++) {
        if (!strcasecmp(p->uplinks[i].pci, pci)) {
            return &p->uplinks[i];
        }
    }
    return NULL;
}

const struct plan_file_sriov_pf *
plan_file_find_sriov_pf(const struct plan_file *p, const char *pci)
{
    for (size_t i = 0; i < p->n_sriov_pfs; i++) {
        if (!strcasecmp(p->sriov_pfs[i].pci, pci)) {
            return &p->sriov_pfs[i];
        }
    }
    return NULL;
}

const char *
plan_file_other_config(const struct plan_file *p, const char *key)
{
    for (size_t i = 0; i < p->ovs.n_other_config; i++) {
        if (!strcmp(p->ovs.other_config[i].key, key)) {
            return p->ovs.other_config[i].value;
        }
    }
    return NULL;
}

char *
plan_file_socket_path(const struct plan_file *p,
                      const struct plan_file_nic *nic)
{
    return xasprintf("%s/%s", p->ovs.socket_dir, nic->port ? nic->port : "");
}

char *
plan_file_kernel_cmdline(const struct plan_file *p)
{
    struct sbuf b;

    sbuf_init(&b);
    for (size_t i = 0; i < p->kernel.n_args; i++) {
        sbuf_printf(&b, "%s%s", i ? " " : "", p->kernel.args[i]);
    }
    return sbuf_steal(&b);
}
