/* vmspec.c: one planned VM -> struct vm_spec (see vmspec.h). */
#include <config.h>

#include "libvirt-templates/vmspec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "lib/pci.h"
#include "lib/util.h"

int
vm_host_opts_add_vf(struct vm_host_opts *o, const char *arg, struct diag *d)
{
    const char *eq = strchr(arg, '=');
    char *nic_text;
    int nic;
    bool ok;

    if (!eq || eq == arg) {
        return diag_error(d, NFV_EINPUT, "--vf %s: expected NIC=PCI, e.g. "
                          "2=0000:03:02.0", arg);
    }
    nic_text = xasprintf("%.*s", (int) (eq - arg), arg);
    ok = parse_int(nic_text, 0, 1000, &nic);
    free(nic_text);
    if (!ok) {
        return diag_error(d, NFV_EINPUT, "--vf %s: NIC '%.*s' is not a NIC "
                          "index", arg, (int) (eq - arg), arg);
    }
    if (!pci_addr_valid(eq + 1)) {
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

/* The VF the plan gives an SR-IOV NIC: --vf if given, else the PCI
 * address of the PF's virtfnN link for the planned ordinal N. */
static int
find_vf(const struct plan_file *p, const struct plan_file_nic *pn,
        const struct vm_host_opts *o, const struct vm_spec *s,
        struct vm_nic *nic, struct diag *d)
{
    const char *root = o->sysfs_root ? o->sysfs_root : "";
    char vf[PCI_ADDR_LEN];

    for (int i = 0; i < o->n_vf; i++) {
        if (o->vf_nic[i] == nic->index) {
            snprintf(nic->vf, sizeof nic->vf, "%s", o->vf_pci[i]);
            return 0;
        }
    }
    if (pci_vf_address(root, pn->pf, pn->vf, vf)) {
        return diag_error(d, NFV_EINPUT, "VM %s NIC %d: no VF #%d of PF %s "
                          "(%s/sys/bus/pci/devices/%s/virtfn%d; the plan's "
                          "vms[].nics[].vf): create the VFs first ('nfvhost "
                          "ovs apply'), or give the address with --vf "
                          "NIC=PCI", s->name, nic->index, pn->vf, pn->pf,
                          root, pn->pf, pn->vf);
    }
    /* The planner skips VFs that OVS takes when it knows their index;
     * when it could not (a topology without sysfs), do not follow it. */
    if (plan_file_find_uplink(p, vf)) {
        return diag_error(d, NFV_EINPUT, "VM %s NIC %d: VF #%d of PF %s is "
                          "%s, the plan's OVS uplink; re-plan with "
                          "--sysfs-root so the planner sees the VFs, or give "
                          "--vf NIC=PCI", s->name, nic->index, pn->vf,
                          pn->pf, vf);
    }
    snprintf(nic->vf, sizeof nic->vf, "%s", vf);
    return 0;
}

/* A VF of a switchdev uplink has its VLAN on the other side, as the tag
 * of its representor's OVS port (ovs.representors[]): mlx5 refuses a VF
 * VLAN in switchdev mode, so the domain must not ask for one. */
static bool
of_switchdev(const struct plan_file *p, const struct plan_file_nic *pn)
{
    const struct plan_file_uplink *u;

    u = pn->type == NIC_SRIOV ? plan_file_find_uplink(p, pn->pf) : NULL;
    return u && u->switchdev;
}

static int
load_nic(const struct plan_file *p, const struct plan_file_nic *pn,
         const struct vm_host_opts *o, struct vm_spec *s, struct vm_nic *nic,
         struct diag *d)
{
    nic->index = pn->index;
    nic->type = pn->type;
    nic->vlan = pn->vlan && !of_switchdev(p, pn) ? pn->vlan : -1;
    nic->pmd_cpu = pn->pmd_cpu;
    nic->mac = xstrdup(pn->mac);
    if (pn->type == NIC_VHOST) {
        nic->socket = (o->sock_dir ? xasprintf("%s/%s", o->sock_dir, pn->port)
                       : plan_file_socket_path(p, pn));
        return 0;
    }
    snprintf(nic->pf, sizeof nic->pf, "%s", pn->pf);
    return find_vf(p, pn, o, s, nic, d);
}

static void
load_host(const struct plan_file *p, struct vm_spec *s)
{
    const struct plan_file_numa *node = plan_file_find_numa(p, s->numa);

    s->mtu = p->settings.mtu;
    s->emulator_policy = p->settings.emulator_policy;
    s->guest_pool = xbitmap_dup(p->pools.guest);
    s->emulator_pool = xbitmap_dup(p->shared_cpus);
    s->pmd_pool = xbitmap_dup(p->pools.pmd);
    s->hk_pool = xbitmap_dup(p->pools.housekeeping);
    s->node_guest_pages = node ? node->hugepages.guests : 0;
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
load_vm(const struct plan_file *p, const struct plan_file_vm *vm,
        const struct vm_host_opts *o, struct vm_spec *s, struct diag *d)
{
    s->numa = vm->numa;
    s->vcpus = vm->vcpus;
    s->memory_mb = vm->memory_mb;
    s->sockets = vm->sockets;
    s->cores = vm->cores;
    s->threads = vm->threads;
    s->hugepage_kb = vm->hugepages.size_kb;
    s->hugepages = vm->hugepages.count;
    s->queues = vm->queues;
    s->emulatorpin = xbitmap_dup(vm->emulatorpin);
    s->virt_type = p->settings.virt_type;
    s->cpu_policy = vm->cpu_policy;
    s->cpus = xbitmap_dup(vm->cpus);
    if (vm->vcpupin) {
        s->vcpupin = xmemdup(vm->vcpupin, vm->vcpus * sizeof *vm->vcpupin);
    }
    load_host(p, s);
    s->nics = xcalloc(vm->n_nics + 1, sizeof *s->nics);
    for (size_t k = 0; k < vm->n_nics; k++) {
        int error = load_nic(p, &vm->nics[k], o, s, &s->nics[s->n_nics++], d);
        if (error) {
            return error;
        }
    }
    return check_vf_overrides(o, s, d);
}

int
vm_spec_load(const struct plan_file *p, const char *name,
             const struct vm_host_opts *o, struct vm_spec *s, struct diag *d)
{
    const struct plan_file_vm *vm = plan_file_find_vm(p, name);
    struct sbuf names;
    int error;

    memset(s, 0, sizeof *s);
    s->plan_file = xstrdup(p->path);
    s->name = xstrdup(name);
    if (vm) {
        return load_vm(p, vm, o, s, d);
    }
    sbuf_init(&names);
    for (size_t i = 0; i < p->n_vms; i++) {
        sbuf_printf(&names, "%s%s", i ? ", " : "", p->vms[i].name);
    }
    error = diag_error(d, NFV_EINPUT, "%s: no VM named '%s' (the plan has: "
                       "%s)", p->path, name, names.len ? names.s : "none");
    sbuf_destroy(&names);
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
    hwloc_bitmap_free(s->cpus);
    hwloc_bitmap_free(s->emulatorpin);
    hwloc_bitmap_free(s->guest_pool);
    hwloc_bitmap_free(s->emulator_pool);
    hwloc_bitmap_free(s->pmd_pool);
    hwloc_bitmap_free(s->hk_pool);
    free(s->plan_file);
    free(s->name);
    memset(s, 0, sizeof *s);
}
