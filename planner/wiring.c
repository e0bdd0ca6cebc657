/* wiring.c: rules 11-14, how the planned pieces are connected.
 *
 * After the pools and the VMs are placed, the planner decides what the
 * appliers would otherwise have to work out for themselves, so that
 * plan.json carries it and every applier does the same thing:
 *   11. the uplinks' rx queues and the PMDs that poll them;
 *   12. which PF each SR-IOV NIC takes a VF of (never a PF OVS-DPDK
 *       takes: chosen before the VMs are placed, since a VM goes to its
 *       PF's node), which VF, and how many VFs each PF needs;
 *   13. a stable MAC for every VM NIC;
 *   14. names: the bridge, the uplink port and interfaces, the vhost-user
 *       ports, and the socket directory they live in;
 *   15. the representor port of every VF of a switchdev uplink.
 * With a previous plan (rule 16), a NIC that was there keeps its VF and
 * its MAC, and a PF keeps at least the VFs it had.
 * docs/planner.md gives the reason for each. */
#include <config.h>

#include "planner/plan.h"
#include "planner/plan-state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Rule 11: one rx queue per PMD thread on the uplink's node, queue q
 * pinned to the q-th of them, so every PMD there shares the uplink's
 * receive work and none polls it across nodes. */
static void
wire_uplink_queues(struct plan *p)
{
    for (int i = 0; i < p->n_uplinks; i++) {
        struct plan_uplink *u = &p->uplinks[i];
        const struct plan_numa *pn = plan_find_numa(p, u->numa);
        int n = pn ? hwloc_bitmap_weight(pn->pool[POOL_PMD]) : 0;
        int cpu, q = 0;

        snprintf(u->iface, sizeof u->iface, "dpdk-up%d", i);
        u->n_rxq = n > 0 ? n : 1;
        if (n <= 0) {
            continue;
        }
        u->rxq_pmds = xcalloc(n, sizeof *u->rxq_pmds);
        hwloc_bitmap_foreach_begin(cpu, pn->pool[POOL_PMD]) {
            u->rxq_pmds[q++] = cpu;
        } hwloc_bitmap_foreach_end();
    }
}

/* Whether OVS-DPDK takes the PF 'pci' itself: bound to vfio-pci, it loses
 * its kernel netdev and every VF.  A VF uplink leaves its PF alone, and so
 * does a switchdev uplink (rule 15): it stays on its kernel driver, and
 * its VFs are what VMs take, with representors on the bridge. */
static const struct plan_uplink *
uplink_taking_pf(const struct plan *p, const char *pci)
{
    for (int i = 0; i < p->n_uplinks; i++) {
        if (!p->uplinks[i].switchdev
            && !strcasecmp(p->uplinks[i].nic->pci, pci)) {
            return &p->uplinks[i];
        }
    }
    return NULL;
}

/* How well 'nic' suits as the PF of SR-IOV NICs that name none; higher is
 * better.  The PF of an uplink that leaves it with the kernel counts most:
 * a switchdev uplink (its VFs are switched by OVS through their
 * representors: what switchdev is for) or the PF of a VF uplink (the same
 * card and network; its other VFs are free); then sysfs saying
 * it can make VFs (a topology file says nothing either way); then being
 * another port of an uplink's card (same domain, bus and slot: cabled to
 * the network OVS serves), then being on an uplink's NUMA node. */
static int
pf_score(const struct plan *p, const struct nfv_nic *nic)
{
    int score = nic->totalvfs > 0 ? 4 : 0;
    bool card = false, node = false, own = false;

    for (int i = 0; i < p->n_uplinks; i++) {
        const struct nfv_nic *u = p->uplinks[i].nic;
        /* "DDDD:BB:DD." is the first 11 characters of both; a VF uplink
         * counts by its PF, which stays with the kernel and is the best
         * PF of all (its card and network). */
        const char *card_of = u->is_vf && *u->physfn ? u->physfn : u->pci;
        card |= !strncasecmp(card_of, nic->pci, 11);
        own |= u->is_vf && !strcasecmp(u->physfn, nic->pci);
        node |= p->uplinks[i].numa == nic->numa;
        own |= p->uplinks[i].switchdev && u == nic;
    }
    return (own ? 8 : 0) + score + (card ? 2 : 0) + (node ? 1 : 0);
}

/* The PF an SR-IOV NIC that names none takes its VF of: the best-scoring
 * (pf_score()) NIC of the topology that is neither an OVS uplink nor a VF
 * nor known unable to make VFs; the lowest address among equals.  NULL
 * when there is none. */
static const struct nfv_nic *
default_sriov_pf(const struct plan *p)
{
    const struct nfv_nic *best = NULL;

    for (int i = 0; i < p->topo->n_nics; i++) {
        const struct nfv_nic *nic = &p->topo->nics[i];

        if (nic->is_vf || !nic->totalvfs || uplink_taking_pf(p, nic->pci)) {
            continue;
        }
        if (!best || pf_score(p, nic) > pf_score(p, best)) {
            best = nic;
        }
    }
    return best;
}

/* "0000:03:00.0, 0000:03:00.1": the PFs OVS-DPDK takes. */
static char *
uplink_pfs(const struct plan *p)
{
    struct sbuf b;

    sbuf_init(&b);
    for (int i = 0; i < p->n_uplinks; i++) {
        if (!p->uplinks[i].nic->is_vf && !p->uplinks[i].switchdev) {
            sbuf_printf(&b, "%s%s", b.len ? ", " : "",
                        p->uplinks[i].nic->pci);
        }
    }
    return sbuf_steal(&b);
}

/* Checks one named PF: a NIC of the topology, not a VF, able to make VFs,
 * and not an OVS uplink (infeasible: the message names the PF to use). */
static int
check_named_pf(struct plan *p, const struct intent_vm *vm, int n,
               const char *pf, const char *how)
{
    const struct intent *in = p->intent;
    const struct nfv_nic *nic = topology_find_nic(p->topo, pf);
    const struct nfv_nic *other;

    if (!nic) {
        return diag_error(p->diag, NFV_EINPUT, "%s:%d: [vm %s] %s %s is not "
                          "a network device of this topology", in->file,
                          vm->line, vm->name, how, pf);
    }
    if (nic->is_vf) {
        return diag_error(p->diag, NFV_EINPUT, "%s:%d: [vm %s] %s %s is a "
                          "VF (of %s), not a PF", in->file, vm->line,
                          vm->name, how, pf, nic->physfn);
    }
    if (!nic->totalvfs) {
        return diag_error(p->diag, NFV_EINFEASIBLE, "VM %s nic %d: PF %s "
                          "cannot make VFs (sriov_totalvfs is 0)", vm->name,
                          n, pf);
    }
    if (!uplink_taking_pf(p, pf)) {
        return 0;
    }
    other = default_sriov_pf(p);
    if (other) {
        char fix[64];

        if (vm->nics[n].pf[0] && vm->nics[n].vlan) {
            snprintf(fix, sizeof fix, "sriov:%d@%s", vm->nics[n].vlan,
                     other->pci);
        } else if (vm->nics[n].pf[0]) {
            snprintf(fix, sizeof fix, "sriov@%s", other->pci);
        } else {
            snprintf(fix, sizeof fix, "sriov_pf = %s", other->pci);
        }
        return diag_error(p->diag, NFV_EINFEASIBLE, "VM %s nic %d: PF %s is "
                          "an OVS-DPDK uplink: bound to vfio-pci it loses its "
                          "netdev and its VFs; take the VF from %s instead "
                          "(%s)", vm->name, n, pf, other->pci, fix);
    }
    return diag_error(p->diag, NFV_EINFEASIBLE, "VM %s nic %d: PF %s is an "
                      "OVS-DPDK uplink: bound to vfio-pci it loses its netdev "
                      "and its VFs, and no other PF of this topology can "
                      "give VFs; make a VF of %s the uplink instead, so the "
                      "PF stays with the kernel", vm->name, n, pf, pf);
}

static int
no_pf_error(struct plan *p, const struct intent_vm *vm, int n)
{
    char *taken;
    int error;

    if (!p->topo->n_nics) {
        return diag_error(p->diag, NFV_EINPUT, "VM %s nic %d: no PF to take "
                          "a VF of: the topology has no NICs (use "
                          "--sysfs-root, or a topology exported with I/O "
                          "devices)", vm->name, n);
    }
    taken = uplink_pfs(p);
    error = diag_error(p->diag, NFV_EINFEASIBLE, "VM %s nic %d: no PF to "
                       "take a VF of: every NIC of this topology is an "
                       "OVS-DPDK uplink (%s), a VF or unable to make VFs; "
                       "add a NIC, or make a VF the uplink so its PF stays "
                       "with the kernel", vm->name, n,
                       *taken ? taken : "none");
    free(taken);
    return error;
}

/* Rule 12, first half: the PF of every SR-IOV NIC, before the VMs are
 * placed (a VM goes to its PF's node, rule 6).  The NIC's own @PF, else its
 * VM's sriov_pf, else default_sriov_pf(). */
int
plan_sriov_choose_pfs(struct plan *p)
{
    for (int v = 0; v < p->n_vms; v++) {
        const struct intent_vm *vm = p->vms[v].intent;

        for (int n = 0; n < vm->n_nics; n++) {
            const struct intent_nic *in_nic = &vm->nics[n];
            struct plan_nic *nic = &p->vms[v].nics[n];
            const char *pf = (in_nic->pf[0] ? in_nic->pf : vm->sriov_pf);
            int error;

            if (in_nic->type != NIC_SRIOV) {
                continue;
            }
            if (pf) {
                error = check_named_pf(p, vm, n, pf, in_nic->pf[0]
                                       ? "nics: PF" : "sriov_pf");
                if (error) {
                    return error;
                }
            } else {
                const struct nfv_nic *d = default_sriov_pf(p);
                if (!d) {
                    return no_pf_error(p, vm, n);
                }
                pf = d->pci;
            }
            snprintf(nic->pf, sizeof nic->pf, "%s", pf);
        }
    }
    return 0;
}

/* VF device ids of PFs, for a PF whose sriov_vf_device sysfs cannot tell
 * (a plan made from an hwloc XML); from the PCI ID database (pci.ids),
 * as the drivers list them (igb, ixgbe, i40e, ice/iavf, mlx5). */
static const struct {
    unsigned vendor, pf, vf;
} known_vfs[] = {
    { 0x8086, 0x10c9, 0x10ca },     /* 82576 */
    { 0x8086, 0x10e6, 0x10ca },     /* 82576 */
    { 0x8086, 0x10e7, 0x10ca },     /* 82576 */
    { 0x8086, 0x10e8, 0x10ca },     /* 82576 */
    { 0x8086, 0x1521, 0x1520 },     /* I350 */
    { 0x8086, 0x10fb, 0x10ed },     /* 82599ES */
    { 0x8086, 0x1528, 0x1515 },     /* X540 */
    { 0x8086, 0x1563, 0x1565 },     /* X550 */
    { 0x8086, 0x1572, 0x154c },     /* X710 */
    { 0x8086, 0x1583, 0x154c },     /* XL710 */
    { 0x8086, 0x1584, 0x154c },     /* XL710 */
    { 0x8086, 0x37d0, 0x37cd },     /* X722 */
    { 0x8086, 0x1592, 0x1889 },     /* E810-C QSFP */
    { 0x8086, 0x1593, 0x1889 },     /* E810-C SFP */
    { 0x8086, 0x159b, 0x1889 },     /* E810-XXV */
    { 0x15b3, 0x1013, 0x1014 },     /* ConnectX-4 */
    { 0x15b3, 0x1015, 0x1016 },     /* ConnectX-4 Lx */
    { 0x15b3, 0x1017, 0x1018 },     /* ConnectX-5 */
    { 0x15b3, 0x1019, 0x101a },     /* ConnectX-5 Ex */
    { 0x15b3, 0x101b, 0x101c },     /* ConnectX-6 */
    { 0x15b3, 0x101d, 0x101e },     /* ConnectX-6 Dx */
    { 0x15b3, 0x101f, 0x101e },     /* ConnectX-6 Lx */
    { 0x15b3, 0x1021, 0x101e },     /* ConnectX-7 */
};

/* The PCI ids of PF 'pci''s VFs, so nova's device_spec can match the VFs
 * and not the PF (its vendor id is the PF's, by the SR-IOV spec): a VF of
 * it the topology lists, else the PF's sriov_vf_device, else the table. */
static void
sriov_vf_ids(const struct plan *p, struct plan_sriov_pf *pf)
{
    const struct nfv_topology *t = p->topo;
    const struct nfv_nic *nic = topology_find_nic(t, pf->pci);

    for (int i = 0; i < t->n_nics; i++) {
        const struct nfv_nic *vf = &t->nics[i];
        if (vf->is_vf && vf->vendor && vf->device
            && !strcasecmp(vf->physfn, pf->pci)) {
            pf->vf_vendor = vf->vendor;
            pf->vf_device = vf->device;
            return;
        }
    }
    if (nic && nic->vendor) {
        pf->vf_vendor = nic->vendor;
        pf->vf_device = nic->vf_device;
        for (size_t i = 0; i < ARRAY_SIZE(known_vfs) && !pf->vf_device;
             i++) {
            if (known_vfs[i].vendor == nic->vendor
                && known_vfs[i].pf == nic->device) {
                pf->vf_device = known_vfs[i].vf;
            }
        }
    }
    if (!pf->vf_device) {
        pf->vf_vendor = 0;
        diag_warn(p->diag, "SR-IOV PF %s: its VFs' product id is unknown (no "
                  "sriov_vf_device in sysfs, not a PF nfvhost knows), so "
                  "nova's [pci] device_spec for it matches the PF too; add "
                  "the VFs' \"product_id\" to it", pf->pci);
    }
}

static struct plan_sriov_pf *
sriov_pf(struct plan *p, const char *pci)
{
    struct plan_sriov_pf *pf;

    for (int i = 0; i < p->n_sriov_pfs; i++) {
        if (!strcasecmp(p->sriov_pfs[i].pci, pci)) {
            return &p->sriov_pfs[i];
        }
    }
    pf = &p->sriov_pfs[p->n_sriov_pfs++];
    snprintf(pf->pci, sizeof pf->pci, "%s", pci);
    pf->set_numvfs = true;
    sriov_vf_ids(p, pf);
    for (int i = 0; i < p->n_uplinks; i++) {
        /* A PF that a vdev stands in for is not on this host. */
        if (!strcasecmp(p->uplinks[i].nic->pci, pci)
            && p->uplinks[i].devargs) {
            pf->set_numvfs = false;
        }
    }
    return pf;
}

/* Whether VF 'vf' of 'pf' is an uplink OVS takes. */
static bool
vf_is_uplink(const struct plan *p, const char *pf, int vf)
{
    for (int i = 0; i < p->n_uplinks; i++) {
        const struct nfv_nic *nic = p->uplinks[i].nic;
        if (nic->is_vf && nic->vf_index == vf
            && !strcasecmp(nic->physfn, pf)) {
            return true;
        }
    }
    return false;
}

/* Whether a NIC of the plan already has VF 'vf' of 'pf'. */
static bool
vf_taken(const struct plan *p, const char *pf, int vf)
{
    for (int v = 0; v < p->n_vms; v++) {
        for (int n = 0; n < p->vms[v].n_nics; n++) {
            const struct plan_nic *nic = &p->vms[v].nics[n];
            if (nic->type == NIC_SRIOV && nic->vf == vf
                && !strcasecmp(nic->pf, pf)) {
                return true;
            }
        }
    }
    return false;
}

static void
take_vf(struct plan *p, struct plan_nic *nic, int vf)
{
    struct plan_sriov_pf *pf = sriov_pf(p, nic->pf);

    nic->vf = vf;
    if (pf->numvfs < vf + 1) {
        pf->numvfs = vf + 1;
    }
}

/* Rule 12: per PF, in plan order, virtfn0, virtfn1, ..., skipping VFs that
 * OVS takes as uplinks; the PF needs one more VF than the highest used.
 * Rule 16: a NIC that had a VF in the previous plan keeps it, the others
 * take the lowest free ones, and a PF keeps the VFs it had (changing
 * sriov_numvfs means going through 0, which removes every VF, those of
 * running guests too). */
static void
wire_vfs(struct plan *p)
{
    int max = 0;

    for (int v = 0; v < p->n_vms; v++) {
        max += p->vms[v].n_nics;
    }
    p->sriov_pfs = xcalloc(max ? max : 1, sizeof *p->sriov_pfs);
    for (int v = 0; v < p->n_vms; v++) {
        for (int n = 0; n < p->vms[v].n_nics; n++) {
            struct plan_nic *nic = &p->vms[v].nics[n];
            const struct plan_file_nic *old = replan_prev_nic(&p->vms[v], n);

            if (nic->type != NIC_SRIOV) {
                continue;
            }
            sriov_pf(p, nic->pf);           /* PFs in plan order. */
            if (old && old->vf >= 0 && !vf_is_uplink(p, nic->pf, old->vf)
                && !vf_taken(p, nic->pf, old->vf)) {
                take_vf(p, nic, old->vf);
            }
        }
    }
    for (int v = 0; v < p->n_vms; v++) {
        for (int n = 0; n < p->vms[v].n_nics; n++) {
            struct plan_nic *nic = &p->vms[v].nics[n];
            int vf = 0;

            if (nic->type != NIC_SRIOV || nic->vf >= 0) {
                continue;
            }
            while (vf_is_uplink(p, nic->pf, vf) || vf_taken(p, nic->pf, vf)) {
                vf++;
            }
            take_vf(p, nic, vf);
        }
    }
    for (int i = 0; i < p->n_sriov_pfs; i++) {
        int had = replan_prev_numvfs(p, p->sriov_pfs[i].pci);
        if (p->sriov_pfs[i].numvfs < had) {
            p->sriov_pfs[i].numvfs = had;
        }
    }
}

/* 32-bit FNV-1a: small, well spread, and the same on every machine. */
static uint32_t
fnv1a(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++) {
        h = (h ^ (unsigned char) *s) * 16777619u;
    }
    return h;
}

static bool
mac_taken(const struct plan *p, const char *mac)
{
    for (int v = 0; v < p->n_vms; v++) {
        for (int n = 0; n < p->vms[v].n_nics; n++) {
            if (!strcmp(p->vms[v].nics[n].mac, mac)) {
                return true;
            }
        }
    }
    return false;
}

/* Rule 13: 52:54:00 (locally administered, QEMU's prefix) and the high 24
 * bits (the better mixed ones) of FNV-1a over "VM/INDEX"; on a clash with
 * an earlier NIC, "VM/INDEX/1", "VM/INDEX/2"...  A NIC keeps its MAC
 * across re-plans as long as its VM and index do; with a previous plan
 * (rule 16) it keeps the one written there, even one made after a clash,
 * and the new NICs avoid those. */
static void
wire_macs(struct plan *p)
{
    for (int v = 0; v < p->n_vms; v++) {
        for (int n = 0; n < p->vms[v].n_nics; n++) {
            const struct plan_file_nic *old = replan_prev_nic(&p->vms[v], n);
            if (old && !mac_taken(p, old->mac)) {
                memcpy(p->vms[v].nics[n].mac, old->mac, PLAN_MAC_LEN);
            }
        }
    }
    for (int v = 0; v < p->n_vms; v++) {
        for (int n = 0; n < p->vms[v].n_nics; n++) {
            struct plan_nic *nic = &p->vms[v].nics[n];
            char mac[PLAN_MAC_LEN];

            if (nic->mac[0]) {
                continue;
            }
            for (int attempt = 0; ; attempt++) {
                char *key = attempt
                    ? xasprintf("%s/%d/%d", p->vms[v].intent->name, n, attempt)
                    : xasprintf("%s/%d", p->vms[v].intent->name, n);
                uint32_t h = fnv1a(key);

                free(key);
                snprintf(mac, sizeof mac, "52:54:00:%02x:%02x:%02x",
                         h >> 24, (h >> 16) & 0xff, (h >> 8) & 0xff);
                if (!mac_taken(p, mac)) {
                    break;
                }
            }
            memcpy(nic->mac, mac, sizeof mac);
        }
    }
}

/* Rule 14: names and the socket directory. */
static void
wire_names(struct plan *p)
{
    const struct intent *in = p->intent;

    p->bridge = PLAN_DEFAULT_BRIDGE;
    p->uplink_port = (p->n_uplinks == 2 ? "bond-up"
                      : p->n_uplinks == 1 ? "dpdk-up0" : NULL);
    p->socket_dir = in->socket_dir;
    p->socket_group = (in->socket_group ? in->socket_group
                       : p->topo->host_group[0] ? p->topo->host_group
                       : "hugetlbfs");
    p->socket_mode = PLAN_DEFAULT_SOCKET_MODE;
    for (int v = 0; v < p->n_vms; v++) {
        for (int n = 0; n < p->vms[v].n_nics; n++) {
            struct plan_nic *nic = &p->vms[v].nics[n];
            if (nic->type == NIC_VHOST) {
                char idx[16];
                snprintf(idx, sizeof idx, "%d", n);
                nic->port = plan_file_port_name(p->vms[v].intent->name, idx);
            }
        }
    }
}

/* Rule 15: a PF in switchdev mode switches its VFs' traffic in its
 * eswitch, and each VF's other end is a representor that OVS adds as a
 * port of its own (dpdk-devargs=PF,representor=vfN), on the VF's VLAN as
 * an access port: the VF itself carries no VLAN then.  A stood-in uplink
 * is not on this host, so its VFs get none (and a warning). */
static void
wire_representors(struct plan *p)
{
    for (int i = 0; i < p->n_uplinks; i++) {
        const struct plan_uplink *u = &p->uplinks[i];

        if (!u->switchdev) {
            continue;
        }
        if (u->devargs) {
            diag_warn(p->diag, "uplink %s is in switchdev mode but stood in "
                      "for by '%s': its VFs get no representor ports",
                      u->nic->pci, u->devargs);
            continue;
        }
        for (int v = 0; v < p->n_vms; v++) {
            for (int n = 0; n < p->vms[v].n_nics; n++) {
                struct plan_nic *nic = &p->vms[v].nics[n];
                if (nic->type == NIC_SRIOV
                    && !strcasecmp(nic->pf, u->nic->pci)) {
                    nic->representor = xasprintf("rep-%s-%d",
                                                 p->vms[v].intent->name, n);
                }
            }
        }
    }
}

/* The VMs with a VF of 'pf', "a, b". */
static char *
vms_on_pf(const struct plan *p, const char *pf)
{
    struct sbuf b;

    sbuf_init(&b);
    for (int v = 0; v < p->n_vms; v++) {
        for (int n = 0; n < p->vms[v].n_nics; n++) {
            const struct plan_nic *nic = &p->vms[v].nics[n];
            if (nic->type == NIC_SRIOV && !strcasecmp(nic->pf, pf)) {
                sbuf_printf(&b, "%s%s", b.len ? ", " : "",
                            p->vms[v].intent->name);
                break;
            }
        }
    }
    return sbuf_steal(&b);
}

/* Rule 6 places a VM on its PF's node unless told otherwise ('numa =', or
 * VFs of PFs on two nodes); say so when that leaves a VF across nodes:
 * its DMA and interrupts then cross the interconnect, and nova, told the
 * physnet's numa_nodes ([neutron_physnet_*]), would refuse that host. */
static void
warn_vf_numa(struct plan *p)
{
    for (int v = 0; v < p->n_vms; v++) {
        const struct plan_vm *pv = &p->vms[v];
        for (int n = 0; n < pv->n_nics; n++) {
            const struct nfv_nic *nic = (pv->nics[n].type == NIC_SRIOV
                ? topology_find_nic(p->topo, pv->nics[n].pf) : NULL);
            if (nic && nic->numa >= 0 && nic->numa != pv->numa) {
                diag_warn(p->diag, "VM %s is on NUMA node %d but its nic %d "
                          "is a VF of %s on node %d: its DMA crosses nodes "
                          "(rule 6), and nova's [neutron_physnet_*] "
                          "numa_nodes would refuse it", pv->intent->name,
                          pv->numa, n, nic->pci, nic->numa);
            }
        }
    }
}

/* Rule 12's limit: a PF makes at most sriov_totalvfs VFs (the kernel
 * refuses a larger sriov_numvfs, so the plan could never be applied).
 * sysfs gives the count; a topology file alone does not, and the plan is
 * made as if the card had enough, with a warning. */
int
plan_check_vfs(struct plan *p)
{
    warn_vf_numa(p);
    for (int i = 0; i < p->n_sriov_pfs; i++) {
        const struct plan_sriov_pf *pf = &p->sriov_pfs[i];
        const struct nfv_nic *nic = topology_find_nic(p->topo, pf->pci);
        char *vms;
        int error = 0;

        /* A stood-in PF is not on this host; plan_sriov_choose_pfs()
         * refused a PF that is not a NIC or makes no VFs. */
        if (!pf->set_numvfs || !nic
            || (nic->totalvfs >= 0 && pf->numvfs <= nic->totalvfs)) {
            continue;
        }
        vms = vms_on_pf(p, pf->pci);
        if (nic->totalvfs < 0) {
            diag_warn(p->diag, "PF %s: how many VFs it can make is unknown "
                      "(no sysfs facts); the plan asks for %d (VM %s)",
                      pf->pci, pf->numvfs, vms);
        } else {
            error = diag_error(p->diag, NFV_EINFEASIBLE, "PF %s makes %d "
                               "VF%s (sriov_totalvfs) but the plan needs %d "
                               "(VM %s)", pf->pci, nic->totalvfs,
                               nic->totalvfs == 1 ? "" : "s", pf->numvfs,
                               vms);
        }
        free(vms);
        if (error) {
            return error;
        }
    }
    return 0;
}

void
plan_wiring(struct plan *p)
{
    wire_uplink_queues(p);
    wire_vfs(p);
    wire_macs(p);
    wire_names(p);
    wire_representors(p);
}
