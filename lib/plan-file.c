/* plan-file.c: plan.json format 2: the shared vocabulary, freeing and
 * lookups (see plan-file.h).  Loading is plan-file-read.c (the schema,
 * section by section) and plan-file-check.c (what ties the sections
 * together); both walk the JSON with a path ("vms[1].nics[0].vlan",
 * lib/jread.h) so that every message names the value it is about. */
#include <config.h>

#include "lib/plan-file.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const char *
cpu_policy_name(enum cpu_policy p)
{
    return p == CPU_SHARED ? "shared" : "dedicated";
}

const char *
virt_type_name(enum virt_type t)
{
    return t == VIRT_QEMU ? "qemu" : "kvm";
}

void
plan_file_vcpu_cpus(const struct plan_file_vm *vm, int vcpu,
                    hwloc_bitmap_t out)
{
    if (vm->vcpupin) {
        hwloc_bitmap_only(out, vm->vcpupin[vcpu]);
    } else {
        hwloc_bitmap_copy(out, vm->cpus);
    }
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
    for (size_t i = 0; i < o->n_representors; i++) {
        free(o->representors[i].name);
        free(o->representors[i].dpdk_devargs);
        free(o->representors[i].vm);
    }
    free(o->representors);
    free(o->bridge);
    free(o->socket_dir);
    free(o->socket_group);
}

static void
vm_destroy(struct plan_file_vm *vm)
{
    for (size_t k = 0; k < vm->n_nics; k++) {
        free(vm->nics[k].port);
        free(vm->nics[k].rxq_pmds);
    }
    free(vm->nics);
    free(vm->name);
    free(vm->disk);
    free(vm->cdrom);
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
    hwloc_bitmap_free(p->shared_cpus);
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
    free(p->kernel.tuned_profile);
    hwloc_bitmap_free(p->kernel.no_balance_cpus);
    for (size_t i = 0; i < p->n_warnings; i++) {
        free(p->warnings[i]);
    }
    free(p->warnings);
    for (size_t i = 0; i < p->n_changes; i++) {
        free(p->changes[i].vm);
        free(p->changes[i].item);
        free(p->changes[i].before);
        free(p->changes[i].after);
    }
    free(p->changes);
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
