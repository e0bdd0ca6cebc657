/* intent.c: the INI intent file (see intent.h).
 *
 * inih does the INI syntax.  It reads through our line reader, which counts
 * lines (so every message can name file:line) and notices section headers
 * (so unknown, duplicate or empty sections are reported at their header,
 * which inih itself never hands to the key handler). */
#include <config.h>

#include "planner/intent.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>

#include "planner/topology.h"
#include "lib/parse.h"
#include "lib/pci.h"
#include "lib/util.h"

#define MAX_SEEN 4096

struct seen_key {
    char *section;
    char *key;
    int line;
};

struct parse_ctx {
    const char *path;
    FILE *file;
    struct intent *intent;
    struct diag *diag;
    int line;                   /* Lines read so far. */
    int err_line;               /* Line of the first error we reported. */
    bool line_too_long;
    struct seen_key *seen;      /* Keys and "[section]" headers seen. */
    int n_seen;
    intent_key_fn *each;        /* Told of every key taken, or NULL. */
    void *aux;
};

void
intent_default(struct intent *in)
{
    memset(in, 0, sizeof *in);
    in->housekeeping_cores_per_numa = 1;
    in->host_memory_mb = 4096;
    in->hugepage_kb = 1048576;
    in->guest_memory_percent = 75;
    in->pmd_cores_default = 1;
    in->pmd_cores_node = xmalloc(INTENT_MAX_NODES * sizeof *in->pmd_cores_node);
    for (int i = 0; i < INTENT_MAX_NODES; i++) {
        in->pmd_cores_node[i] = -1;
    }
    in->pmd_siblings_idle = false;
    in->mtu = 1500;
    in->pmd_rxq_assign = xstrdup("group");
    in->bond_mode = xstrdup("active-backup");
    in->socket_dir = xstrdup(PLAN_DEFAULT_SOCKET_DIR);
    in->emulator_policy = EMU_SHARE;
    in->emulator_shared_cores = 1;
}

void
intent_destroy(struct intent *in)
{
    intent_clear_uplinks(in);
    while (in->n_vms) {
        intent_remove_vm(in, in->n_vms - 1);
    }
    free(in->vms);
    free(in->pmd_cores_node);
    free(in->pmd_rxq_assign);
    free(in->bond_mode);
    free(in->socket_dir);
    free(in->socket_group);
    free(in->kernel);
    free(in->file);
    memset(in, 0, sizeof *in);
}

int
intent_pmd_cores(const struct intent *in, int node)
{
    if (node >= 0 && node < INTENT_MAX_NODES && in->pmd_cores_node[node] >= 0) {
        return in->pmd_cores_node[node];
    }
    return in->pmd_cores_default;
}

/* "PCI=DEVARGS": plan uplink PCI as it is, but have OVS drive it through a
 * DPDK vdev stand-in (e.g. net_af_packet0,iface=veth0) instead of the PCI
 * device.  This is how a plan for another host is tried on a test machine
 * without DPDK ever probing the test machine's own PCI devices. */
int
intent_override_uplink(struct intent *in, const char *spec, struct diag *d)
{
    const char *eq = strchr(spec, '=');

    if (!eq || !eq[1] || strpbrk(eq + 1, " \t\"'\\")) {
        return diag_error(d, NFV_EINPUT, "--uplink-override %s: expected "
                          "PCI=DEVARGS, e.g. 0000:03:00.0=net_af_packet0,"
                          "iface=veth0 (no spaces or quotes)", spec);
    }
    for (int i = 0; i < in->n_uplinks; i++) {
        struct intent_uplink *u = &in->uplinks[i];
        if (!strncasecmp(u->pci, spec, eq - spec)
            && strlen(u->pci) == (size_t) (eq - spec)) {
            free(u->devargs);
            u->devargs = xstrdup(eq + 1);
            return 0;
        }
    }
    return diag_error(d, NFV_EINPUT, "--uplink-override %s: %.*s is not an "
                      "[ovs] uplink of the intent", spec, (int) (eq - spec),
                      spec);
}

static int
bad(struct parse_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad(struct parse_ctx *ctx, const char *fmt, ...)
{
    char msg[768];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    if (!ctx->diag->status) {
        ctx->err_line = ctx->line;
    }
    if (ctx->path) {
        diag_error(ctx->diag, NFV_EINPUT, "%s:%d: %s", ctx->path, ctx->line,
                   msg);
    } else {
        /* intent_set(): one key, no file. */
        diag_error(ctx->diag, NFV_EINPUT, "%s", msg);
    }
    return 0;
}

static char *
trim(char *s)
{
    char *end;

    while (isspace((unsigned char) *s)) {
        s++;
    }
    end = s + strlen(s);
    while (end > s && isspace((unsigned char) end[-1])) {
        *--end = '\0';
    }
    return s;
}

/* Remembers (section, key) and returns the line it was first seen on, or 0
 * if this is the first time. */
static int
seen_before(struct parse_ctx *ctx, const char *section, const char *key)
{
    for (int i = 0; i < ctx->n_seen; i++) {
        if (!strcmp(ctx->seen[i].section, section)
            && !strcmp(ctx->seen[i].key, key)) {
            return ctx->seen[i].line;
        }
    }
    ctx->seen = xrealloc(ctx->seen, (ctx->n_seen + 1) * sizeof *ctx->seen);
    ctx->seen[ctx->n_seen].section = xstrdup(section);
    ctx->seen[ctx->n_seen].key = xstrdup(key);
    ctx->seen[ctx->n_seen].line = ctx->line;
    ctx->n_seen++;
    return 0;
}

/* The VM's index, -1 when there is none (for readers of a const intent;
 * find_vm() for writers). */
static int
vm_index(const struct intent *in, const char *name)
{
    for (int i = 0; i < in->n_vms; i++) {
        if (!strcmp(in->vms[i].name, name)) {
            return i;
        }
    }
    return -1;
}

static struct intent_vm *
find_vm(struct intent *in, const char *name)
{
    int i = vm_index(in, name);
    return i < 0 ? NULL : &in->vms[i];
}

/* The uplink's index, -1 when there is none (find_uplink() for writers). */
static int
uplink_index(const struct intent *in, const char *pci)
{
    for (int i = 0; i < in->n_uplinks; i++) {
        if (!strcasecmp(in->uplinks[i].pci, pci)) {
            return i;
        }
    }
    return -1;
}

static struct intent_uplink *
find_uplink(struct intent *in, const char *pci)
{
    int i = uplink_index(in, pci);
    return i < 0 ? NULL : &in->uplinks[i];
}

static struct intent_vm *
new_vm(struct intent *in, const char *name)
{
    struct intent_vm *v;

    in->vms = xrealloc(in->vms, (in->n_vms + 1) * sizeof *in->vms);
    v = &in->vms[in->n_vms++];
    memset(v, 0, sizeof *v);
    v->name = xstrdup(name);
    v->numa = -1;
    v->thread_policy = THREAD_PREFER;
    return v;
}

static bool
known_section(const char *name)
{
    return (!strcmp(name, "host") || !strcmp(name, "ovs")
            || !strcmp(name, "emulator") || !strcmp(name, "libvirt"));
}

/* Called by the line reader for every "[...]" header line. */
static void
section_header(struct parse_ctx *ctx, const char *name)
{
    struct intent *in = ctx->intent;
    bool is_vm = !strncmp(name, "vm ", 3);
    bool is_uplink = !strncmp(name, "uplink ", 7);
    int first;

    if (!is_vm && !is_uplink && !known_section(name)) {
        bad(ctx, "unknown section [%s]: expected [host], [ovs], [emulator], "
            "[libvirt], [uplink PCI] or [vm NAME]", name);
        return;
    }
    /* An uplink's own settings follow its 'uplink = PCI' line, so that
     * the section cannot name a NIC the [ovs] section does not take. */
    if (is_uplink && !find_uplink(in, name + 7)) {
        bad(ctx, "[%s]: %s is not an uplink: list it first in [ovs] as "
            "'uplink = %s'", name, name + 7, name + 7);
        return;
    }
    if (is_vm && !plan_file_name_valid(name + 3, PLAN_VM_NAME_MAX)) {
        bad(ctx, "bad VM name '%s' in [%s]: expected 1-32 letters, "
            "digits, '-' or '_', starting with a letter or digit",
            name + 3, name);
        return;
    }
    first = seen_before(ctx, name, "");
    if (first) {
        bad(ctx, "duplicate section [%s] (first on line %d)", name, first);
        return;
    }
    if (is_vm) {
        new_vm(in, name + 3)->line = ctx->line;
    }
}

/* Reads one line for inih, counting lines and spotting section headers. */
static char *
line_reader(char *str, int num, void *ctx_)
{
    struct parse_ctx *ctx = ctx_;
    size_t len;
    char *p;

    if (ctx->diag->status || !fgets(str, num, ctx->file)) {
        return NULL;
    }
    ctx->line++;
    len = strlen(str);
    if (len == (size_t) num - 1 && str[len - 1] != '\n' && !feof(ctx->file)) {
        ctx->line_too_long = true;
        bad(ctx, "line longer than %d characters", num - 2);
        return NULL;
    }
    for (p = str; isspace((unsigned char) *p); p++) {
        continue;
    }
    if (*p == '[') {
        char name[256];
        const char *end = strchr(p, ']');

        if (end && (size_t) (end - p) < sizeof name) {
            memcpy(name, p + 1, end - p - 1);
            name[end - p - 1] = '\0';
            section_header(ctx, trim(name));
        }
    }
    return str;
}

/* A count, or per-node counts "0:2,1:1" (unlisted nodes keep the default
 * count).  Replaces what was set before, and changes nothing on error. */
static bool
parse_pmd_cores(struct intent *in, const char *value)
{
    int *per_node = xmalloc(INTENT_MAX_NODES * sizeof *per_node);
    char *copy = xstrdup(value);
    char *save = NULL;
    bool ok = true;
    int n;

    for (int i = 0; i < INTENT_MAX_NODES; i++) {
        per_node[i] = -1;
    }
    if (parse_int(value, 0, 64, &n)) {
        in->pmd_cores_default = n;
        memcpy(in->pmd_cores_node, per_node,
               INTENT_MAX_NODES * sizeof *per_node);
        free(per_node);
        free(copy);
        return true;
    }
    for (char *tok = strtok_r(copy, ",", &save); tok && ok;
         tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':');
        int node;

        if (!colon) {
            ok = false;
            break;
        }
        *colon = '\0';
        ok = (parse_int(trim(tok), 0, INTENT_MAX_NODES - 1, &node)
              && parse_int(trim(colon + 1), 0, 64, &n)
              && per_node[node] < 0);
        if (ok) {
            per_node[node] = n;
        }
    }
    if (ok) {
        memcpy(in->pmd_cores_node, per_node,
               INTENT_MAX_NODES * sizeof *per_node);
    }
    free(per_node);
    free(copy);
    return ok;
}

static int
handle_host(struct parse_ctx *ctx, const char *key, const char *value)
{
    struct intent *in = ctx->intent;

    if (!strcmp(key, "housekeeping_cores_per_numa")) {
        if (!parse_int(value, 1, 64, &in->housekeeping_cores_per_numa)) {
            return bad(ctx, "bad housekeeping_cores_per_numa '%s': expected "
                       "an integer from 1 to 64", value);
        }
    } else if (!strcmp(key, "host_memory")) {
        if (!parse_size_mb(value, &in->host_memory_mb)) {
            return bad(ctx, "bad host_memory '%s': expected a size such as "
                       "4G or 512M", value);
        }
    } else if (!strcmp(key, "hugepage_size")) {
        if (!strcasecmp(value, "1G")) {
            in->hugepage_kb = 1048576;
        } else if (!strcasecmp(value, "2M")) {
            in->hugepage_kb = 2048;
        } else {
            return bad(ctx, "bad hugepage_size '%s': expected 2M or 1G",
                       value);
        }
    } else if (!strcmp(key, "guest_memory_percent")) {
        if (!parse_int(value, 0, 95, &in->guest_memory_percent)) {
            return bad(ctx, "bad guest_memory_percent '%s': expected an "
                       "integer from 0 to 95", value);
        }
    } else if (!strcmp(key, "kernel")) {
        int version;
        if (!parse_kernel_version(value, &version)) {
            return bad(ctx, "bad kernel '%s': expected a Linux release such "
                       "as 6.1 or 5.15.0-91-generic", value);
        }
        free(in->kernel);
        in->kernel = xstrdup(value);
    } else if (!strcmp(key, "kernel_cmdline")) {
        if (strcmp(value, "grub") && strcmp(value, "tuned")) {
            return bad(ctx, "bad kernel_cmdline '%s': expected grub or "
                       "tuned", value);
        }
        in->kernel_by_tuned = !strcmp(value, "tuned");
    } else {
        return bad(ctx, "unknown key '%s' in [host]: expected "
                   "housekeeping_cores_per_numa, host_memory, hugepage_size, "
                   "guest_memory_percent, kernel or kernel_cmdline", key);
    }
    return 1;
}

static int
handle_ovs(struct parse_ctx *ctx, const char *key, const char *value)
{
    struct intent *in = ctx->intent;

    if (!strcmp(key, "uplink")) {
        if (!pci_addr_valid(value)) {
            return bad(ctx, "bad uplink '%s': expected a PCI address such "
                       "as 0000:03:00.0", value);
        }
        for (int i = 0; i < in->n_uplinks; i++) {
            if (!strcasecmp(in->uplinks[i].pci, value) && !ctx->path) {
                return bad(ctx, "duplicate uplink %s", value);
            } else if (!strcasecmp(in->uplinks[i].pci, value)) {
                return bad(ctx, "duplicate uplink %s (first on line %d)",
                           value, in->uplinks[i].line);
            }
        }
        if (in->n_uplinks >= INTENT_MAX_UPLINKS) {
            return bad(ctx, "a third uplink %s: nfvhost drives one uplink "
                       "or a bond of two (lines %d and %d)", value,
                       in->uplinks[0].line, in->uplinks[1].line);
        }
        in->uplinks = xrealloc(in->uplinks,
                               (in->n_uplinks + 1) * sizeof *in->uplinks);
        in->uplinks[in->n_uplinks] = (struct intent_uplink) {
            .pci = xstrdup(value),
            .line = ctx->line,
        };
        for (char *p = in->uplinks[in->n_uplinks].pci; *p; p++) {
            *p = tolower((unsigned char) *p);
        }
        in->n_uplinks++;
    } else if (!strcmp(key, "pmd_cores_per_numa")) {
        if (!parse_pmd_cores(in, value)) {
            return bad(ctx, "bad pmd_cores_per_numa '%s': expected a count "
                       "(0-64) or per-node counts such as 0:2,1:1", value);
        }
    } else if (!strcmp(key, "pmd_siblings")) {
        if (!strcmp(value, "use") || !strcmp(value, "idle")) {
            in->pmd_siblings_idle = !strcmp(value, "idle");
        } else {
            return bad(ctx, "bad pmd_siblings '%s': expected use or idle",
                       value);
        }
    } else if (!strcmp(key, "mtu")) {
        if (!parse_int(value, 68, 9702, &in->mtu)) {
            return bad(ctx, "bad mtu '%s': expected an integer from 68 to "
                       "9702", value);
        }
    } else if (!strcmp(key, "pmd_rxq_assign")) {
        if (strcmp(value, "cycles") && strcmp(value, "roundrobin")
            && strcmp(value, "group")) {
            return bad(ctx, "bad pmd_rxq_assign '%s': expected cycles, "
                       "roundrobin or group", value);
        }
        free(in->pmd_rxq_assign);
        in->pmd_rxq_assign = xstrdup(value);
    } else if (!strcmp(key, "bond_mode")) {
        if (strcmp(value, "active-backup") && strcmp(value, "balance-tcp")) {
            return bad(ctx, "bad bond_mode '%s': expected active-backup or "
                       "balance-tcp", value);
        }
        free(in->bond_mode);
        in->bond_mode = xstrdup(value);
    } else if (!strcmp(key, "socket_dir")) {
        if (!plan_file_socket_dir_valid(value)) {
            return bad(ctx, "bad socket_dir '%s': expected an absolute path "
                       "of at most %d characters [A-Za-z0-9/._-], without "
                       "'.' or '..' components", value, PLAN_SOCKET_DIR_MAX);
        }
        free(in->socket_dir);
        in->socket_dir = xstrdup(value);
    } else if (!strcmp(key, "socket_group")) {
        if (!plan_file_name_valid(value, 32)) {
            return bad(ctx, "bad socket_group '%s': expected a group name "
                       "such as hugetlbfs or libvirt-qemu", value);
        }
        free(in->socket_group);
        in->socket_group = xstrdup(value);
    } else {
        return bad(ctx, "unknown key '%s' in [ovs]: expected uplink, "
                   "pmd_cores_per_numa, pmd_siblings, mtu, pmd_rxq_assign, "
                   "bond_mode, socket_dir or socket_group", key);
    }
    return 1;
}

static int
handle_emulator(struct parse_ctx *ctx, const char *key, const char *value)
{
    struct intent *in = ctx->intent;

    if (!strcmp(key, "policy")) {
        if (!strcmp(value, "share")) {
            in->emulator_policy = EMU_SHARE;
        } else if (!strcmp(value, "isolate")) {
            in->emulator_policy = EMU_ISOLATE;
        } else if (!strcmp(value, "none")) {
            in->emulator_policy = EMU_NONE;
        } else {
            return bad(ctx, "bad policy '%s': expected share, isolate or "
                       "none", value);
        }
    } else if (!strcmp(key, "shared_cores")) {
        if (!parse_int(value, 0, 64, &in->emulator_shared_cores)) {
            return bad(ctx, "bad shared_cores '%s': expected an integer "
                       "from 0 (share the housekeeping cores) to 64", value);
        }
    } else {
        return bad(ctx, "unknown key '%s' in [emulator]: expected policy or "
                   "shared_cores", key);
    }
    return 1;
}

static int
handle_libvirt(struct parse_ctx *ctx, const char *key, const char *value)
{
    struct intent *in = ctx->intent;

    if (strcmp(key, "virt_type")) {
        return bad(ctx, "unknown key '%s' in [libvirt]: expected virt_type",
                   key);
    }
    if (!strcmp(value, "kvm")) {
        in->virt_type = VIRT_KVM;
    } else if (!strcmp(value, "qemu")) {
        in->virt_type = VIRT_QEMU;
    } else {
        return bad(ctx, "bad virt_type '%s': expected kvm or qemu", value);
    }
    return 1;
}

/* Sets vm->nics from 'value', or leaves them alone and says why not. */
static bool
parse_nics(const char *value, struct intent_vm *target, char *why,
           size_t size)
{
    struct intent_vm parsed = { .nics = NULL, .n_nics = 0 };
    struct intent_vm *vm = &parsed;
    char *copy = xstrdup(value);
    char *save = NULL;

    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        struct intent_nic nic = { .vlan = 0 };
        char *t = trim(tok);
        char *at = strchr(t, '@');
        char *colon;

        /* The PF first: its address has colons of its own. */
        if (at) {
            *at = '\0';
            if (!pci_addr_canon(trim(at + 1), nic.pf)) {
                snprintf(why, size, "bad PF '%s' (a PCI address such as "
                         "0000:03:00.1)", trim(at + 1));
                goto error;
            }
        }
        colon = strchr(t, ':');
        if (colon) {
            *colon = '\0';
            if (!parse_int(trim(colon + 1), 1, 4094, &nic.vlan)) {
                snprintf(why, size, "bad VLAN '%s' (1-4094)",
                         trim(colon + 1));
                goto error;
            }
        }
        t = trim(t);
        if (!strcmp(t, "vhost")) {
            nic.type = NIC_VHOST;
        } else if (!strcmp(t, "sriov")) {
            nic.type = NIC_SRIOV;
        } else {
            snprintf(why, size, "bad NIC type '%s'", t);
            goto error;
        }
        if (at && nic.type != NIC_SRIOV) {
            snprintf(why, size, "only an sriov NIC takes @PF");
            goto error;
        }
        if (vm->n_nics >= 32) {
            snprintf(why, size, "more than 32 NICs");
            goto error;
        }
        vm->nics = xrealloc(vm->nics, (vm->n_nics + 1) * sizeof *vm->nics);
        vm->nics[vm->n_nics++] = nic;
    }
    free(copy);
    if (!vm->n_nics) {
        snprintf(why, size, "no NICs listed");
        return false;
    }
    free(target->nics);
    target->nics = parsed.nics;
    target->n_nics = parsed.n_nics;
    return true;

error:
    free(parsed.nics);
    free(copy);
    return false;
}

static int
handle_vm(struct parse_ctx *ctx, struct intent_vm *vm, const char *key,
          const char *value)
{
    char why[128];

    if (!strcmp(key, "vcpus")) {
        if (!parse_int(value, 1, 1024, &vm->vcpus)) {
            return bad(ctx, "bad vcpus '%s' for VM %s: expected an integer "
                       "from 1 to 1024", value, vm->name);
        }
    } else if (!strcmp(key, "memory")) {
        uint64_t mb;
        if (!parse_size_mb(value, &mb) || !mb) {
            return bad(ctx, "bad memory '%s' for VM %s: expected a size "
                       "such as 4G or 512M", value, vm->name);
        }
        vm->memory_mb = mb;
    } else if (!strcmp(key, "nics")) {
        if (!parse_nics(value, vm, why, sizeof why)) {
            return bad(ctx, "bad nics '%s' for VM %s: %s; expected a list "
                       "of TYPE[:VLAN] with TYPE vhost or sriov and VLAN "
                       "1-4094, an sriov NIC optionally with @PF, e.g. "
                       "vhost:100, sriov:300@0000:03:00.1",
                       value, vm->name, why);
        }
    } else if (!strcmp(key, "thread_policy")) {
        if (!strcmp(value, "prefer")) {
            vm->thread_policy = THREAD_PREFER;
        } else if (!strcmp(value, "isolate")) {
            vm->thread_policy = THREAD_ISOLATE;
        } else if (!strcmp(value, "require")) {
            vm->thread_policy = THREAD_REQUIRE;
        } else {
            return bad(ctx, "bad thread_policy '%s' for VM %s: expected "
                       "prefer, isolate or require", value, vm->name);
        }
    } else if (!strcmp(key, "cpu_policy")) {
        if (!strcmp(value, "dedicated")) {
            vm->cpu_policy = CPU_DEDICATED;
        } else if (!strcmp(value, "shared")) {
            vm->cpu_policy = CPU_SHARED;
        } else {
            return bad(ctx, "bad cpu_policy '%s' for VM %s: expected "
                       "dedicated or shared", value, vm->name);
        }
    } else if (!strcmp(key, "numa")) {
        if (!parse_int(value, 0, INTENT_MAX_NODES - 1, &vm->numa)) {
            return bad(ctx, "bad numa '%s' for VM %s: expected a NUMA node "
                       "number", value, vm->name);
        }
    } else if (!strcmp(key, "sriov_pf")) {
        char pf[PCI_ADDR_LEN];
        if (!pci_addr_canon(value, pf)) {
            return bad(ctx, "bad sriov_pf '%s' for VM %s: expected a PCI "
                       "address such as 0000:03:00.1", value, vm->name);
        }
        free(vm->sriov_pf);
        vm->sriov_pf = xstrdup(pf);
    } else if (!strcmp(key, "queues")) {
        if (!parse_int(value, 1, 16, &vm->queues)) {
            return bad(ctx, "bad queues '%s' for VM %s: expected an integer "
                       "from 1 to 16", value, vm->name);
        }
    } else if (!strcmp(key, "disk") || !strcmp(key, "cdrom")) {
        char **path = !strcmp(key, "disk") ? &vm->disk : &vm->cdrom;
        if (value[0] != '/' || strpbrk(value, "\"'\\")) {
            return bad(ctx, "bad %s '%s' for VM %s: expected an absolute "
                       "path without quotes or backslashes", key, value,
                       vm->name);
        }
        free(*path);
        *path = xstrdup(value);
    } else {
        return bad(ctx, "unknown key '%s' in [vm %s]: expected vcpus, "
                   "memory, nics, thread_policy, cpu_policy, numa, "
                   "sriov_pf, queues, disk or cdrom", key, vm->name);
    }
    return 1;
}

static int
handle_uplink(struct parse_ctx *ctx, struct intent_uplink *u,
              const char *key, const char *value)
{
    if (!strcmp(key, "mode")) {
        if (strcmp(value, "legacy") && strcmp(value, "switchdev")) {
            return bad(ctx, "bad mode '%s' for uplink %s: expected legacy or "
                       "switchdev", value, u->pci);
        }
        u->switchdev = !strcmp(value, "switchdev");
    } else {
        return bad(ctx, "unknown key '%s' in [uplink %s]: expected mode",
                   key, u->pci);
    }
    return 1;
}

/* One key of a known section. */
static int
set_key(struct parse_ctx *ctx, const char *section, const char *key,
        const char *value)
{
    if (!strcmp(section, "host")) {
        return handle_host(ctx, key, value);
    } else if (!strcmp(section, "ovs")) {
        return handle_ovs(ctx, key, value);
    } else if (!strcmp(section, "emulator")) {
        return handle_emulator(ctx, key, value);
    } else if (!strncmp(section, "uplink ", 7)) {
        return handle_uplink(ctx, find_uplink(ctx->intent, section + 7), key,
                             value);
    } else if (!strcmp(section, "libvirt")) {
        return handle_libvirt(ctx, key, value);
    }
    /* Callers pass only "vm NAME" of an existing VM here. */
    return handle_vm(ctx, find_vm(ctx->intent, section + 3), key, value);
}

static int
handle_key(struct parse_ctx *ctx, const char *section, const char *key,
           const char *value)
{
    int first;

    if (!*section) {
        return bad(ctx, "key '%s' outside any section: put it under "
                   "[host], [ovs], [emulator], [libvirt] or [vm NAME]", key);
    }
    if (!*value) {
        return bad(ctx, "empty value for '%s' in [%s]", key, section);
    }
    if (strcmp(key, "uplink")) {
        first = seen_before(ctx, section, key);
        if (first) {
            return bad(ctx, "duplicate key '%s' in [%s] (first set on line "
                       "%d)", key, section, first);
        }
    }
    if ((!strncmp(section, "vm ", 3) && !find_vm(ctx->intent, section + 3))
        || (!strncmp(section, "uplink ", 7)
            && !find_uplink(ctx->intent, section + 7))) {
        /* The header was already reported by section_header(). */
        return 0;
    }
    return set_key(ctx, section, key, value);
}

/* inih hands over the section name as written between the brackets;
 * section_header() judged it without the blanks around it ("[host ]" is
 * [host]), and so must the keys under it.  (Untrimmed, "host " fell
 * through to the VM keys with no VM: a NULL dereference, found by
 * tests/fuzz/fuzz-intent.) */
static int
handler(void *ctx_, const char *section, const char *key, const char *value)
{
    struct parse_ctx *ctx = ctx_;
    char *copy, *name;
    int ok;

    if (ctx->diag->status) {
        return 0;
    }
    copy = xstrdup(section);
    name = trim(copy);
    ok = handle_key(ctx, name, key, value);
    if (ok && !ctx->diag->status && ctx->each) {
        ctx->each(ctx->aux, name, key, value);
    }
    free(copy);
    return ok;
}

static int
check_complete(struct parse_ctx *ctx)
{
    struct intent *in = ctx->intent;

    for (int i = 0; i < in->n_vms; i++) {
        struct intent_vm *vm = &in->vms[i];
        const char *missing = (!vm->vcpus ? "vcpus"
                               : !vm->memory_mb ? "memory" : NULL);

        if (missing) {
            ctx->line = vm->line;
            bad(ctx, "[vm %s] has no '%s': every VM needs vcpus and memory",
                vm->name, missing);
            return ctx->diag->status;
        }
        if (vm->thread_policy == THREAD_REQUIRE && vm->vcpus % 2) {
            ctx->line = vm->line;
            bad(ctx, "[vm %s] has thread_policy = require and an odd number "
                "of vcpus (%d): require pins vCPUs to sibling pairs, so use "
                "an even count or thread_policy = prefer", vm->name,
                vm->vcpus);
            return ctx->diag->status;
        }
        if (vm->cpu_policy == CPU_SHARED && in->emulator_policy != EMU_SHARE) {
            ctx->line = vm->line;
            bad(ctx, "[vm %s] has cpu_policy = shared, whose vCPUs float "
                "over the emulator-share pool, but [emulator] policy is %s: "
                "use policy = share", vm->name,
                emulator_policy_name(in->emulator_policy));
            return ctx->diag->status;
        }
    }
    return 0;
}

int
intent_parse_file(const char *path, struct intent *in, struct diag *diag)
{
    return intent_parse_file_keys(path, in, NULL, NULL, diag);
}

int
intent_parse_file_keys(const char *path, struct intent *in,
                       intent_key_fn *each, void *aux, struct diag *diag)
{
    struct parse_ctx ctx = {
        .path = path, .intent = in, .diag = diag, .each = each, .aux = aux,
    };
    int error_line;

    ctx.file = fopen(path, "r");
    if (!ctx.file) {
        return diag_error(diag, errno == ENOENT ? NFV_EINPUT : NFV_ESYSTEM,
                          "%s: cannot open intent file: %s", path,
                          strerror(errno));
    }
    free(in->file);
    in->file = xstrdup(path);

    error_line = ini_parse_stream(line_reader, &ctx, handler, &ctx);
    if (ferror(ctx.file)) {
        diag_error(diag, NFV_ESYSTEM, "%s: read error", path);
    }
    fclose(ctx.file);
    /* inih goes on after a syntax error, so a later key may already have
     * been reported: the earlier line wins. */
    if (error_line > 0 && (!diag->status || error_line < ctx.err_line)
        && !ctx.line_too_long) {
        diag->status = 0;
        ctx.line = error_line;
        bad(&ctx, "expected 'key = value', '[section]' or a comment");
    }
    for (int i = 0; i < ctx.n_seen; i++) {
        free(ctx.seen[i].section);
        free(ctx.seen[i].key);
    }
    free(ctx.seen);
    if (!diag->status) {
        check_complete(&ctx);
    }
    return diag->status;
}

/* Editing one key at a time (the setup wizard). */

int
intent_set(struct intent *in, const char *section, const char *key,
           const char *value, struct diag *diag)
{
    struct parse_ctx ctx = { .path = NULL, .intent = in, .diag = diag };
    bool known = known_section(section);

    if (!strncmp(section, "vm ", 3)) {
        if (!find_vm(in, section + 3)) {
            return diag_error(diag, NFV_EINPUT, "no [%s] in the intent",
                              section);
        }
    } else if (!strncmp(section, "uplink ", 7)) {
        if (!find_uplink(in, section + 7)) {
            return diag_error(diag, NFV_EINPUT, "[%s]: %s is not an uplink "
                              "of the intent", section, section + 7);
        }
    } else if (!known) {
        return diag_error(diag, NFV_EINPUT, "unknown section [%s]: expected "
                          "[host], [ovs], [emulator], [libvirt], [uplink PCI] "
                          "or [vm NAME]", section);
    }
    if (!*value) {
        bad(&ctx, "empty value for '%s' in [%s]", key, section);
        return diag->status;
    }
    set_key(&ctx, section, key, value);
    return diag->status;
}

static char *
format_size_mb(uint64_t mb)
{
    return (mb % 1024 ? xasprintf("%" PRIu64 "M", mb)
            : xasprintf("%" PRIu64 "G", mb / 1024));
}

static char *
format_pmd_cores(const struct intent *in)
{
    struct sbuf b;

    sbuf_init(&b);
    for (int node = 0; node < INTENT_MAX_NODES; node++) {
        if (in->pmd_cores_node[node] >= 0) {
            sbuf_printf(&b, "%s%d:%d", b.len ? "," : "", node,
                        in->pmd_cores_node[node]);
        }
    }
    if (!b.len) {
        sbuf_printf(&b, "%d", in->pmd_cores_default);
    }
    return sbuf_steal(&b);
}

static char *
format_nics(const struct intent_vm *vm)
{
    struct sbuf b;

    sbuf_init(&b);
    for (int i = 0; i < vm->n_nics; i++) {
        sbuf_printf(&b, "%s%s", i ? ", " : "", nic_type_name(vm->nics[i].type));
        if (vm->nics[i].vlan) {
            sbuf_printf(&b, ":%d", vm->nics[i].vlan);
        }
        if (vm->nics[i].pf[0]) {
            sbuf_printf(&b, "@%s", vm->nics[i].pf);
        }
    }
    return sbuf_steal(&b);
}

static char *
get_vm(const struct intent_vm *vm, const char *key)
{
    if (!strcmp(key, "vcpus")) {
        return vm->vcpus ? xasprintf("%d", vm->vcpus) : NULL;
    } else if (!strcmp(key, "memory")) {
        return vm->memory_mb ? format_size_mb(vm->memory_mb) : NULL;
    } else if (!strcmp(key, "nics")) {
        return vm->n_nics ? format_nics(vm) : NULL;
    } else if (!strcmp(key, "thread_policy")) {
        return xstrdup(thread_policy_name(vm->thread_policy));
    } else if (!strcmp(key, "cpu_policy")) {
        return xstrdup(cpu_policy_name(vm->cpu_policy));
    } else if (!strcmp(key, "numa")) {
        return vm->numa >= 0 ? xasprintf("%d", vm->numa) : NULL;
    } else if (!strcmp(key, "sriov_pf")) {
        return vm->sriov_pf ? xstrdup(vm->sriov_pf) : NULL;
    } else if (!strcmp(key, "queues")) {
        return vm->queues ? xasprintf("%d", vm->queues) : NULL;
    } else if (!strcmp(key, "disk")) {
        return vm->disk ? xstrdup(vm->disk) : NULL;
    } else if (!strcmp(key, "cdrom")) {
        return vm->cdrom ? xstrdup(vm->cdrom) : NULL;
    }
    return NULL;
}

static char *
get_uplinks(const struct intent *in)
{
    struct sbuf b;

    sbuf_init(&b);
    for (int i = 0; i < in->n_uplinks; i++) {
        sbuf_printf(&b, "%s%s", i ? ", " : "", in->uplinks[i].pci);
    }
    return sbuf_steal(&b);
}

char *
intent_get(const struct intent *in, const char *section, const char *key)
{
    if (!strncmp(section, "vm ", 3)) {
        int i = vm_index(in, section + 3);
        return i < 0 ? NULL : get_vm(&in->vms[i], key);
    } else if (!strncmp(section, "uplink ", 7)) {
        int i = uplink_index(in, section + 7);
        return (i >= 0 && !strcmp(key, "mode")
                ? xstrdup(in->uplinks[i].switchdev ? "switchdev" : "legacy")
                : NULL);
    } else if (!strcmp(key, "housekeeping_cores_per_numa")) {
        return xasprintf("%d", in->housekeeping_cores_per_numa);
    } else if (!strcmp(key, "host_memory")) {
        return format_size_mb(in->host_memory_mb);
    } else if (!strcmp(key, "hugepage_size")) {
        return xstrdup(in->hugepage_kb == 2048 ? "2M" : "1G");
    } else if (!strcmp(key, "guest_memory_percent")) {
        return xasprintf("%d", in->guest_memory_percent);
    } else if (!strcmp(key, "kernel")) {
        return in->kernel ? xstrdup(in->kernel) : NULL;
    } else if (!strcmp(key, "kernel_cmdline")) {
        return xstrdup(in->kernel_by_tuned ? "tuned" : "grub");
    } else if (!strcmp(key, "uplink")) {
        return in->n_uplinks ? get_uplinks(in) : NULL;
    } else if (!strcmp(key, "pmd_cores_per_numa")) {
        return format_pmd_cores(in);
    } else if (!strcmp(key, "pmd_siblings")) {
        return xstrdup(in->pmd_siblings_idle ? "idle" : "use");
    } else if (!strcmp(key, "mtu")) {
        return xasprintf("%d", in->mtu);
    } else if (!strcmp(key, "pmd_rxq_assign")) {
        return xstrdup(in->pmd_rxq_assign);
    } else if (!strcmp(key, "bond_mode")) {
        return xstrdup(in->bond_mode);
    } else if (!strcmp(key, "socket_dir")) {
        return xstrdup(in->socket_dir);
    } else if (!strcmp(key, "socket_group")) {
        return in->socket_group ? xstrdup(in->socket_group) : NULL;
    } else if (!strcmp(key, "policy")) {
        return xstrdup(emulator_policy_name(in->emulator_policy));
    } else if (!strcmp(key, "shared_cores")) {
        return xasprintf("%d", in->emulator_shared_cores);
    } else if (!strcmp(key, "virt_type")) {
        return xstrdup(virt_type_name(in->virt_type));
    }
    return NULL;
}

int
intent_unset(struct intent *in, const char *section, const char *key,
             struct diag *diag)
{
    struct intent_vm *vm = (!strncmp(section, "vm ", 3)
                            ? find_vm(in, section + 3) : NULL);

    if (vm && !strcmp(key, "numa")) {
        vm->numa = -1;
    } else if (vm && !strcmp(key, "queues")) {
        vm->queues = 0;
    } else if (vm && (!strcmp(key, "sriov_pf") || !strcmp(key, "disk")
                      || !strcmp(key, "cdrom"))) {
        char **field = (!strcmp(key, "sriov_pf") ? &vm->sriov_pf
                        : !strcmp(key, "disk") ? &vm->disk : &vm->cdrom);
        free(*field);
        *field = NULL;
    } else if (!strcmp(section, "ovs") && !strcmp(key, "uplink")) {
        intent_clear_uplinks(in);
    } else {
        return diag_error(diag, NFV_EINPUT, "'%s' in [%s] cannot be left "
                          "unset", key, section);
    }
    return 0;
}

/* A name a new or renamed VM may take. */
static int
check_vm_name(const struct intent *in, const char *name, struct diag *diag)
{
    if (!plan_file_name_valid(name, PLAN_VM_NAME_MAX)) {
        return diag_error(diag, NFV_EINPUT, "bad VM name '%s': expected "
                          "1-32 letters, digits, '-' or '_', starting with "
                          "a letter or digit", name);
    }
    if (vm_index(in, name) >= 0) {
        return diag_error(diag, NFV_EINPUT, "there is already a VM named %s",
                          name);
    }
    return 0;
}

int
intent_add_vm(struct intent *in, const char *name, struct diag *diag)
{
    int error = check_vm_name(in, name, diag);

    if (!error) {
        new_vm(in, name);
    }
    return error;
}

void
intent_remove_vm(struct intent *in, int index)
{
    struct intent_vm *vm = &in->vms[index];

    free(vm->name);
    free(vm->nics);
    free(vm->sriov_pf);
    free(vm->disk);
    free(vm->cdrom);
    memmove(vm, vm + 1, (in->n_vms - index - 1) * sizeof *vm);
    in->n_vms--;
}

int
intent_rename_vm(struct intent *in, int index, const char *name,
                 struct diag *diag)
{
    struct intent_vm *vm = &in->vms[index];
    int error;

    if (!strcmp(vm->name, name)) {
        return 0;
    }
    error = check_vm_name(in, name, diag);
    if (error) {
        return error;
    }
    free(vm->name);
    vm->name = xstrdup(name);
    return 0;
}

void
intent_clear_uplinks(struct intent *in)
{
    for (int i = 0; i < in->n_uplinks; i++) {
        free(in->uplinks[i].pci);
        free(in->uplinks[i].devargs);
    }
    free(in->uplinks);
    in->uplinks = NULL;
    in->n_uplinks = 0;
}

int
intent_check(struct intent *in, struct diag *diag)
{
    struct parse_ctx ctx = { .path = NULL, .intent = in, .diag = diag };

    return check_complete(&ctx);
}
