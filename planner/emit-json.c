/* emit-json.c: plan -> plan.json (schema: docs/plan-format.md).
 *
 * Built with jansson, keys in insertion order, so the same plan always
 * gives the same bytes. */
#include <config.h>

#include "planner/emit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jwrite.h"
#include "lib/util.h"

static json_t *
jlist(hwloc_const_bitmap_t set)
{
    char *s = cpulist_format(set);
    json_t *j = json_string(s);
    free(s);
    return j;
}

static json_t *
jpools(hwloc_bitmap_t const pool[N_POOLS])
{
    json_t *o = json_object();

    for (int i = POOL_HOUSEKEEPING; i < N_POOLS; i++) {
        json_object_set_new(o, pool_name(i), jlist(pool[i]));
    }
    return o;
}

static json_t *
jhost(const struct plan *p)
{
    hwloc_bitmap_t unusable = xbitmap();
    json_t *o;

    hwloc_bitmap_andnot(unusable, p->topo->all_pus, p->topo->usable);
    o = json_pack("{s:s, s:i, s:b, s:o, s:o}",
                  "cpu_vendor", p->topo->cpu_vendor,
                  "smt", p->topo->smt,
                  "hybrid", p->topo->hybrid,
                  "usable_cpus", jlist(p->topo->usable),
                  "unusable_cpus", jlist(unusable));
    hwloc_bitmap_free(unusable);
    return o;
}

static json_t *
jsettings(const struct plan *p)
{
    const struct intent *in = p->intent;

    return json_pack("{s:i, s:I, s:I, s:i, s:s, s:i, s:s, s:s, s:i, s:s}",
                     "housekeeping_cores_per_numa",
                     in->housekeeping_cores_per_numa,
                     "host_memory_mb", (json_int_t) in->host_memory_mb,
                     "hugepage_size_kb", (json_int_t) p->hugepage_kb,
                     "pmd_cores_per_numa", in->pmd_cores_default,
                     "pmd_siblings", in->pmd_siblings_idle ? "idle" : "use",
                     "mtu", in->mtu,
                     "pmd_rxq_assign", in->pmd_rxq_assign,
                     "emulator_policy",
                     emulator_policy_name(in->emulator_policy),
                     "emulator_shared_cores",
                     in->emulator_policy == EMU_SHARE
                     ? in->emulator_shared_cores : 0,
                     "virt_type", virt_type_name(in->virt_type));
}

static json_t *
jnuma(const struct plan *p, const struct plan_numa *pn)
{
    const struct nfv_numa *tn = topology_find_numa(p->topo, pn->os_index);
    json_t *l3s = json_array();

    for (int l = 0; l < p->topo->n_l3s; l++) {
        const struct nfv_l3 *l3 = &p->topo->l3s[l];
        if (l3->numa == pn->os_index) {
            json_array_append_new(l3s, json_pack(
                "{s:i, s:o, s:I}", "index", l, "cpus", jlist(l3->pus),
                "size_kb", (json_int_t) (l3->size / 1024)));
        }
    }
    return json_pack(
        "{s:i, s:b, s:I, s:o, s:o, s:o, s:I, s:I, s:{s:I, s:I, s:I, s:I}}",
        "id", pn->os_index,
        "has_cpus", pn->has_cpus,
        "memory_mb", (json_int_t) pn->memory_mb,
        "cpus", jlist(tn->pus),
        "l3_domains", l3s,
        "pools", jpools(pn->pool),
        "ovs_socket_mem_mb", (json_int_t) pn->socket_mem_mb,
        "host_memory_mb", (json_int_t) pn->host_memory_mb,
        "hugepages",
        "size_kb", (json_int_t) p->hugepage_kb,
        "count", (json_int_t) pn->hugepages,
        "ovs", (json_int_t) pn->hugepages_ovs,
        "guests", (json_int_t) pn->hugepages_guests);
}

static json_t *
jstr_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *
juplink(const struct plan_uplink *u)
{
    const struct nfv_nic *n = u->nic;
    char vendor[8], device[8];

    snprintf(vendor, sizeof vendor, "%04x", n->vendor);
    snprintf(device, sizeof device, "%04x", n->device);
    return json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, s:o, s:o, s:b, s:o, "
                     "s:i, s:i, s:i, s:o, s:b, s:i}",
                     "pci", n->pci,
                     "mode", u->switchdev ? "switchdev" : "legacy",
                     "numa", u->numa,
                     "numa_reported", n->numa,
                     "vendor", vendor,
                     "device", device,
                     "driver", jstr_or_null(n->driver),
                     "ifname", jstr_or_null(n->ifname),
                     "is_vf", n->is_vf,
                     "physfn", jstr_or_null(n->physfn),
                     "vf_index", n->is_vf ? n->vf_index : -1,
                     "sriov_totalvfs", n->totalvfs,
                     "sriov_numvfs", n->numvfs,
                     "carrier", n->carrier < 0 ? json_null()
                                               : json_boolean(n->carrier),
                     "has_route", n->has_route,
                     "iommu_group", n->iommu_group);
}

static json_t *
jsriov_pf(const struct plan_sriov_pf *pf)
{
    return json_pack("{s:s, s:i, s:b}", "pci", pf->pci, "numvfs", pf->numvfs,
                     "set_numvfs", pf->set_numvfs);
}

/* A vhost NIC's PMD per rx queue, or null when none polls it. */
static json_t *
rxq_pmds_json(const struct plan_nic *n, int queues)
{
    json_t *a;

    if (!n->rxq_pmds) {
        return json_null();
    }
    a = json_array();
    for (int q = 0; q < queues; q++) {
        json_array_append_new(a, json_integer(n->rxq_pmds[q]));
    }
    return a;
}

static json_t *
jnic(int index, const struct plan_nic *n, int queues)
{
    json_t *o = json_pack("{s:i, s:s, s:o, s:s}", "index", index,
                          "type", nic_type_name(n->type),
                          "vlan", n->vlan ? json_integer(n->vlan)
                                          : json_null(),
                          "mac", n->mac);

    if (n->type == NIC_VHOST) {
        json_object_set_new(o, "port", json_string(n->port));
        json_object_set_new(o, "pmd_cpu", n->pmd_cpu >= 0
                            ? json_integer(n->pmd_cpu) : json_null());
        json_object_set_new(o, "rxq_pmds", rxq_pmds_json(n, queues));
    } else {
        json_object_set_new(o, "pf", json_string(n->pf));
        json_object_set_new(o, "vf", json_integer(n->vf));
    }
    return o;
}

static json_t *
jvm(const struct plan *p, const struct plan_vm *v)
{
    json_t *pins = json_array(), *nics = json_array();

    for (int i = 0; v->vcpupin && i < v->intent->vcpus; i++) {
        json_array_append_new(pins, json_integer(v->vcpupin[i]));
    }
    for (int i = 0; i < v->n_nics; i++) {
        json_array_append_new(nics, jnic(i, &v->nics[i], v->queues));
    }
    return json_pack(
        "{s:s, s:i, s:i, s:i, s:I, s:s, s:s, s:o, s:o, s:o, "
        "s:{s:i, s:i, s:i}, s:{s:I, s:I}, s:i, s:o, s:s?, s:s?}",
        "name", v->intent->name,
        "numa", v->numa,
        "l3", v->l3,
        "vcpus", v->intent->vcpus,
        "memory_mb", (json_int_t) v->memory_mb,
        "thread_policy", thread_policy_name(v->intent->thread_policy),
        "cpu_policy", cpu_policy_name(v->intent->cpu_policy),
        "cpus", jlist(v->cpus),
        "vcpupin", pins,
        "emulatorpin", jlist(v->emulatorpin),
        "topology", "sockets", v->sockets, "cores", v->cores,
        "threads", v->threads,
        "hugepages", "size_kb", (json_int_t) p->hugepage_kb,
        "count", (json_int_t) v->hugepages,
        "queues", v->queues,
        "nics", nics,
        "disk", v->intent->disk,
        "cdrom", v->intent->cdrom);
}

static json_t *
jiface(const struct plan *p, const struct plan_uplink *u)
{
    json_t *pmds = json_null();

    if (u->rxq_pmds) {
        pmds = json_array();
        for (int q = 0; q < u->n_rxq; q++) {
            json_array_append_new(pmds, json_integer(u->rxq_pmds[q]));
        }
    }
    return json_pack("{s:s, s:s, s:s, s:b, s:i, s:i, s:o}",
                     "name", u->iface,
                     "pci", u->nic->pci,
                     "dpdk_devargs", u->devargs ? u->devargs : u->nic->pci,
                     /* A switchdev PF stays on its kernel driver,
                      * which owns the eswitch (rule 15). */
                     "bind_vfio", !u->devargs && !u->switchdev,
                     "mtu_request", p->intent->mtu,
                     "n_rxq", u->n_rxq,
                     "rxq_pmds", pmds);
}

static json_t *
juplink_port(const struct plan *p)
{
    json_t *ifaces = json_array();
    bool bond = p->n_uplinks == 2;
    bool lacp = bond && !strcmp(p->intent->bond_mode, "balance-tcp");

    if (!p->uplink_port) {
        json_decref(ifaces);
        return json_null();
    }
    for (int i = 0; i < p->n_uplinks; i++) {
        json_array_append_new(ifaces, jiface(p, &p->uplinks[i]));
    }
    return json_pack("{s:s, s:o, s:o, s:o}", "name", p->uplink_port,
                     "bond_mode", bond ? json_string(p->intent->bond_mode)
                                       : json_null(),
                     "lacp", lacp ? json_string("active") : json_null(),
                     "interfaces", ifaces);
}

/* Rule 15: one port per VF of a switchdev uplink, in plan order. */
static json_t *
jrepresentors(const struct plan *p)
{
    json_t *reps = json_array();

    for (int v = 0; v < p->n_vms; v++) {
        for (int n = 0; n < p->vms[v].n_nics; n++) {
            const struct plan_nic *nic = &p->vms[v].nics[n];
            char *devargs;

            if (!nic->representor) {
                continue;
            }
            devargs = xasprintf("%s,representor=vf%d", nic->pf, nic->vf);
            json_array_append_new(reps, json_pack(
                "{s:s, s:s, s:i, s:s, s:o, s:i, s:s, s:i}",
                "name", nic->representor, "pf", nic->pf, "vf", nic->vf,
                "dpdk_devargs", devargs,
                "vlan", nic->vlan ? json_integer(nic->vlan) : json_null(),
                "mtu_request", p->intent->mtu,
                "vm", p->vms[v].intent->name, "nic", n));
            free(devargs);
        }
    }
    return reps;
}

static json_t *
jovs(const struct plan *p)
{
    struct ovs_config c;
    json_t *oc = json_object();
    char mode[8];

    plan_ovs_config(p, &c);
    for (int i = 0; i < N_OVS_KEYS; i++) {
        json_object_set_new(oc, c.key[i], json_string(c.value[i]));
    }
    ovs_config_destroy(&c);
    snprintf(mode, sizeof mode, "%04o", p->socket_mode);
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
                     "bridge", p->bridge,
                     "socket_dir", p->socket_dir,
                     "socket_group", p->socket_group,
                     "socket_mode", mode,
                     "other_config", oc,
                     "uplink_port", juplink_port(p),
                     "representors", jrepresentors(p));
}

/* kernel_cmdline = tuned: apply installs a profile that includes tuned's
 * cpu-partitioning with these cores and the plan's arguments.
 * no_balance_cores equals isolated_cores: the kernel's isolcpus=domain
 * already takes those CPUs out of load balancing, and a narrower
 * no_balance_cores would make cpu-partitioning disagree with it. */
static json_t *
jtuned(const struct plan *p)
{
    hwloc_bitmap_t nobal = xbitmap();
    json_t *o;

    plan_isolated_cpus(p, nobal);
    o = json_pack("{s:s, s:o}", "profile", PLAN_TUNED_PROFILE,
                  "no_balance_cpus", jlist(nobal));
    hwloc_bitmap_free(nobal);
    return o;
}

/* The arguments apart, so that a reader can check each one (the GRUB
 * drop-in is shell; docs/plan-format.md). */
static json_t *
jkernel(const struct plan *p)
{
    struct kernel_args k;
    hwloc_bitmap_t iso = xbitmap();
    json_t *args = json_array(), *o;

    plan_kernel_args(p, &k);
    plan_isolated_cpus(p, iso);
    for (size_t i = 0; i < k.argc; i++) {
        json_array_append_new(args, json_string(k.argv[i]));
    }
    o = json_pack("{s:o, s:o, s:o}", "args", args,
                  "isolated_cpus", jlist(iso),
                  "housekeeping_cpus", jlist(p->pool[POOL_HOUSEKEEPING]));
    if (p->intent->kernel_by_tuned) {
        json_object_set_new(o, "tuned", jtuned(p));
    }
    kernel_args_destroy(&k);
    hwloc_bitmap_free(iso);
    return o;
}

/* Rule 16: every difference from the previous plan. */
static json_t *
jchanges(const struct plan *p)
{
    json_t *a = json_array();

    for (int i = 0; i < p->n_changes; i++) {
        const struct plan_change *c = &p->changes[i];
        json_array_append_new(a, json_pack(
            "{s:s, s:o, s:o, s:o, s:o, s:b}",
            "kind", c->kind,
            "vm", jwrite_str_or_null(c->vm),
            "item", jwrite_str_or_null(c->item),
            "before", jwrite_str_or_null(c->before),
            "after", jwrite_str_or_null(c->after),
            "restart", c->restart));
    }
    return a;
}

char *
emit_plan_json(const struct plan *p)
{
    json_t *root, *numas = json_array(), *uplinks = json_array();
    json_t *pfs = json_array(), *vms = json_array(), *warnings = json_array();
    char *text, *s;

    for (int i = 0; i < p->n_numas; i++) {
        json_array_append_new(numas, jnuma(p, &p->numas[i]));
    }
    for (int i = 0; i < p->n_uplinks; i++) {
        json_array_append_new(uplinks, juplink(&p->uplinks[i]));
    }
    for (int i = 0; i < p->n_sriov_pfs; i++) {
        json_array_append_new(pfs, jsriov_pf(&p->sriov_pfs[i]));
    }
    for (int i = 0; i < p->n_vms; i++) {
        json_array_append_new(vms, jvm(p, &p->vms[i]));
    }
    for (size_t i = 0; i < p->diag->n_warnings; i++) {
        json_array_append_new(warnings, json_string(p->diag->warnings[i]));
    }
    root = json_pack("{s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
                     "s:o, s:o, s:o}",
                     "format", PLAN_FILE_FORMAT,
                     "generator", "nfvhost " PACKAGE_VERSION,
                     "host", jhost(p),
                     "settings", jsettings(p),
                     "pools", jpools(p->pool),
                     "shared_cpus", jlist(p->shared_cpus),
                     "numa_nodes", numas,
                     "uplinks", uplinks,
                     "sriov_pfs", pfs,
                     "vms", vms,
                     "ovs", jovs(p),
                     "kernel", jkernel(p),
                     "warnings", warnings);
    if (!root) {
        xalloc_die();
    }
    if (p->previous) {
        /* Absent without --previous, so such plans are as before. */
        json_object_set_new(root, "changes", jchanges(p));
    }
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text) {
        xalloc_die();
    }
    s = xasprintf("%s\n", text);
    free(text);
    return s;
}
