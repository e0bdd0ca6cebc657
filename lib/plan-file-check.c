/* plan-file-check.c: the second pass over a read plan (see
 * plan-file-schema.h): what ties the sections together, reported with the
 * JSON path of the value at fault. */
#include <config.h>

#include "lib/plan-file-schema.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "lib/util.h"

/* ------------------------------------------------------------------ */
/* The second pass: what ties the sections together. */

static int
check_disjoint(struct jread *r, const char *where,
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
                size_t len = jread_enter(r, where, 0);
                int error = jread_error(r, pools[j].name, "shares CPUs with "
                                        "%s", pools[i].name);
                jread_leave(r, len);
                return error;
            }
        }
    }
    return 0;
}

static int
check_numas(struct jread *r, const struct plan_file *p)
{
    for (size_t i = 0; i < p->n_numa_nodes; i++) {
        const struct plan_file_numa *n = &p->numa_nodes[i];
        uint64_t kb, mem_kb;
        char where[64];
        int error;

        snprintf(where, sizeof where, "numa_nodes[%zu]", i);
        if (i && n->id <= p->numa_nodes[i - 1].id) {
            size_t len = jread_enter(r, where, 0);
            error = jread_error(r, "id", "%d: ids must be unique and "
                                "ascending", n->id);
            jread_leave(r, len);
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
            size_t len = jread_enter(r, where, 0);
            error = jread_error(r, "hugepages", "%" PRIu64 " pages of %"
                                PRIu64 " kB do not fit the node's %" PRIu64
                                " MiB (or the size is not "
                                "settings.hugepage_size_kb)",
                                n->hugepages.count, n->hugepages.size_kb,
                                n->memory_mb);
            jread_leave(r, len);
            return error;
        }
    }
    return 0;
}

static int
check_vm_nics(struct jread *r, const struct plan_file *p, size_t v,
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
            for (int q = 0; nic->rxq_pmds && q < p->vms[v].queues && !key;
                 q++) {
                if (!hwloc_bitmap_isset(p->pools.pmd, nic->rxq_pmds[q])) {
                    key = "rxq_pmds";
                    why = "not every one a CPU of pools.pmd";
                } else if (nic->rxq_pmds[0] != nic->pmd_cpu) {
                    key = "rxq_pmds";
                    why = "queue 0's PMD is not pmd_cpu";
                }
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
            size_t len = jread_enter(r, where, 0);
            int error = jread_error(r, key, "%s", why);
            jread_leave(r, len);
            return error;
        }
    }
    return 0;
}

/* A VM's pins as the planner makes them and the libvirt code checks them
 * (libvirt-templates/checks.c): every vCPU on a CPU of the guest pool; the
 * emulator threads on none of the VM's vCPUs and no PMD or housekeeping
 * CPU, on the emulator-share pool with policy share, on one CPU with
 * isolate, unpinned with none.  Found by fuzz-plan-file: a plan whose
 * emulatorpin was "0,7" passed, and 'vm xml' refused the domain it built. */
static int
check_vm_pins(struct jread *r, const struct plan_file *p,
              const struct plan_file_vm *vm)
{
    enum emulator_policy policy = p->settings.emulator_policy;
    hwloc_const_bitmap_t emu = vm->emulatorpin;
    char *list = cpulist_format(emu);
    int error = 0;

    for (int i = 0; !error && vm->vcpupin && i < vm->vcpus; i++) {
        if (!hwloc_bitmap_isset(p->pools.guest, vm->vcpupin[i])) {
            error = jread_item_error(r, "vcpupin", i, "not a CPU of "
                                     "pools.guest");
        } else if (hwloc_bitmap_isset(emu, vm->vcpupin[i])) {
            error = jread_error(r, "emulatorpin", "%s has vCPU %d's CPU %d",
                                list, i, vm->vcpupin[i]);
        }
    }
    if (error) {
        /* Reported above. */
    } else if (hwloc_bitmap_intersects(emu, p->pools.pmd)
               || (hwloc_bitmap_intersects(emu, p->pools.housekeeping)
                   && !(policy == EMU_SHARE
                        && hwloc_bitmap_isincluded(emu, p->shared_cpus)))) {
        /* Housekeeping CPUs only as the shared CPUs (rule 17). */
        error = jread_error(r, "emulatorpin", "%s has PMD or housekeeping "
                            "CPUs", list);
    } else if (policy == EMU_SHARE
               && !hwloc_bitmap_isincluded(emu, p->shared_cpus)) {
        error = jread_error(r, "emulatorpin", "%s is outside shared_cpus "
                            "(settings.emulator_policy share)", list);
    } else if (policy == EMU_ISOLATE && hwloc_bitmap_weight(emu) != 1) {
        error = jread_error(r, "emulatorpin", "%s is not one CPU "
                            "(settings.emulator_policy isolate)", list);
    } else if (policy == EMU_NONE && !hwloc_bitmap_iszero(emu)) {
        error = jread_error(r, "emulatorpin", "%s: expected \"\" "
                            "(settings.emulator_policy none)", list);
    }
    free(list);
    return error;
}

/* A VM's memory as its domain is checked: whole pages of
 * settings.hugepage_size_kb, all backed by the VM's own hugepages.  Found by
 * fuzz-plan-file: memory_mb 4096 over 2 x 1G pages passed, and 'vm xml'
 * refused the domain it built. */
static int
check_vm_memory(struct jread *r, const struct plan_file *p,
                const struct plan_file_vm *vm)
{
    const struct plan_file_hugepages *h = &vm->hugepages;
    uint64_t kb, have;

    if (!h->size_kb || h->size_kb != p->settings.hugepage_size_kb) {
        return jread_error(r, "hugepages", "size_kb %" PRIu64 " is not "
                           "settings.hugepage_size_kb", h->size_kb);
    }
    if (!mul_u64(vm->memory_mb, 1024, &kb) || !kb || kb % h->size_kb) {
        return jread_error(r, "memory_mb", "%" PRIu64 " MiB is not a whole "
                           "number of %" PRIu64 " kB pages", vm->memory_mb,
                           h->size_kb);
    }
    if (!mul_u64(h->count, h->size_kb, &have) || have < kb) {
        return jread_error(r, "hugepages", "%" PRIu64 " pages of %" PRIu64
                           " kB do not hold memory_mb (%" PRIu64 " MiB)",
                           h->count, h->size_kb, vm->memory_mb);
    }
    return 0;
}

/* Every node reserves the hugepages of the VMs placed on it. */
static int
check_guest_pages(struct jread *r, const struct plan_file *p)
{
    for (size_t i = 0; i < p->n_numa_nodes; i++) {
        const struct plan_file_numa *n = &p->numa_nodes[i];
        uint64_t sum = 0;

        for (size_t v = 0; v < p->n_vms; v++) {
            if (p->vms[v].numa == n->id
                && !add_u64(sum, p->vms[v].hugepages.count, &sum)) {
                sum = UINT64_MAX;
            }
        }
        if (sum > n->hugepages.guests) {
            char where[64];
            size_t len;
            int error;

            snprintf(where, sizeof where, "numa_nodes[%zu].hugepages", i);
            len = jread_enter(r, where, 0);
            error = jread_error(r, "guests", "%" PRIu64 " pages, fewer than "
                                "its VMs' %" PRIu64, n->hugepages.guests,
                                sum);
            jread_leave(r, len);
            return error;
        }
    }
    return 0;
}

static int
check_vms(struct jread *r, const struct plan_file *p)
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
        len = jread_enter(r, where, 0);
        if (plan_file_find_vm(p, vm->name) != vm) {
            error = jread_error(r, "name", "'%s' names two VMs", vm->name);
        } else if (!plan_file_find_numa(p, vm->numa)) {
            error = jread_error(r, "numa", "%d is not one of numa_nodes[]",
                                vm->numa);
        }
        for (int i = 0; !error && vm->vcpupin && i < vm->vcpus; i++) {
            if (!hwloc_bitmap_isset(p->host.usable_cpus, vm->vcpupin[i])) {
                error = jread_item_error(r, "vcpupin", i, "not a CPU of "
                                         "host.usable_cpus");
            }
        }
        if (!error && vm->cpu_policy == CPU_SHARED
            && (hwloc_bitmap_iszero(p->shared_cpus)
                || !hwloc_bitmap_isequal(vm->cpus, p->shared_cpus))) {
            error = jread_error(r, "cpus", "a cpu_policy shared VM runs on "
                                "shared_cpus, which %s",
                                hwloc_bitmap_iszero(p->shared_cpus)
                                ? "is empty" : "differ");
        }
        error = error ? error : check_vm_pins(r, p, vm);
        error = error ? error : check_vm_memory(r, p, vm);
        jread_leave(r, len);
        error = error ? error : check_vm_nics(r, p, v, macs, &n_macs);
    }
    free(macs);
    return error ? error : check_guest_pages(r, p);
}

static int
check_ovs(struct jread *r, const struct plan_file *p)
{
    const struct plan_file_ovs_uplink_port *up = p->ovs.uplink_port;

    if ((up ? up->n_interfaces : 0) != p->n_uplinks) {
        return jread_error(r, "ovs.uplink_port", "%zu interfaces for %zu "
                           "uplinks", up ? up->n_interfaces : 0, p->n_uplinks);
    }
    for (size_t i = 0; up && i < up->n_interfaces; i++) {
        const struct plan_file_ovs_iface *f = &up->interfaces[i];
        char where[64];
        int error = 0;
        size_t len;

        snprintf(where, sizeof where, "ovs.uplink_port.interfaces[%zu]", i);
        len = jread_enter(r, where, 0);
        if (strcmp(f->pci, p->uplinks[i].pci)) {
            error = jread_error(r, "pci", "%s, but uplinks[%zu] is %s", f->pci,
                                i, p->uplinks[i].pci);
        }
        for (int q = 0; !error && f->rxq_pmds && q < f->n_rxq; q++) {
            if (!hwloc_bitmap_isset(p->pools.pmd, f->rxq_pmds[q])) {
                error = jread_item_error(r, "rxq_pmds", q, "not a CPU of "
                                         "pools.pmd");
            }
        }
        jread_leave(r, len);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* Why representor 'rep' does not fit the rest of the plan, or NULL. */
static const char *
representor_misfit(const struct plan_file *p,
                   const struct plan_file_ovs_representor *rep)
{
    const struct plan_file_uplink *u = plan_file_find_uplink(p, rep->pf);
    const struct plan_file_vm *vm = plan_file_find_vm(p, rep->vm);
    const struct plan_file_nic *nic;

    if (!u || !u->switchdev) {
        return "pf is not an uplink in switchdev mode";
    }
    if (!vm || rep->nic >= (int) vm->n_nics) {
        return "vm and nic name no NIC of vms[]";
    }
    nic = &vm->nics[rep->nic];
    if (nic->type != NIC_SRIOV || strcmp(nic->pf, rep->pf)
        || nic->vf != rep->vf || nic->vlan != rep->vlan) {
        return "not that NIC's PF, VF and VLAN";
    }
    for (const struct plan_file_ovs_representor *o = p->ovs.representors;
         o < rep; o++) {
        if (!strcmp(o->name, rep->name)) {
            return "its name is taken by an earlier representor";
        }
    }
    return NULL;
}

static int
check_representors(struct jread *r, const struct plan_file *p)
{
    for (size_t i = 0; i < p->n_uplinks; i++) {
        const struct plan_file_ovs_uplink_port *up = p->ovs.uplink_port;
        if (p->uplinks[i].switchdev && up->interfaces[i].bind_vfio) {
            char where[64];
            snprintf(where, sizeof where, "ovs.uplink_port.interfaces[%zu]",
                     i);
            size_t len = jread_enter(r, where, 0);
            int error = jread_error(r, "bind_vfio", "true for a switchdev "
                                    "uplink, whose eswitch is its kernel "
                                    "driver's");
            jread_leave(r, len);
            return error;
        }
    }
    for (size_t i = 0; i < p->ovs.n_representors; i++) {
        const char *why = representor_misfit(p, &p->ovs.representors[i]);
        if (why) {
            char where[64];
            snprintf(where, sizeof where, "ovs.representors[%zu]", i);
            return jread_error(r, where, "%s", why);
        }
    }
    return 0;
}

/* shared_cpus is the emulator pool, or with emulator_shared_cores 0 some
 * housekeeping CPUs; nothing without the share policy. */
static int
check_shared_cpus(struct jread *r, const struct plan_file *p)
{
    const struct plan_file_settings *s = &p->settings;
    hwloc_const_bitmap_t within = (s->emulator_policy != EMU_SHARE ? NULL
                                   : s->emulator_shared_cores
                                   ? p->pools.emulator
                                   : p->pools.housekeeping);
    bool ok = (!within ? hwloc_bitmap_iszero(p->shared_cpus)
               : s->emulator_shared_cores
               ? hwloc_bitmap_isequal(p->shared_cpus, within)
               : (!hwloc_bitmap_iszero(p->shared_cpus)
                  && hwloc_bitmap_isincluded(p->shared_cpus, within)));

    if (!ok) {
        return jread_error(r, "shared_cpus", "expected %s",
                           !within ? "\"\" (emulator_policy is not share)"
                           : s->emulator_shared_cores ? "pools.emulator"
                           : "housekeeping CPUs (emulator_shared_cores 0)");
    }
    return 0;
}

int
plan_file_check(struct jread *r, const struct plan_file *p)
{
    return (check_disjoint(r, "pools", &p->pools)
            || check_shared_cpus(r, p)
            || check_numas(r, p)
            || check_vms(r, p)
            || check_ovs(r, p)
            || check_representors(r, p)) ? NFV_EINPUT : 0;
}

