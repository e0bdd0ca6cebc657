/* wiring.c: rules 11-14, how the planned pieces are connected.
 *
 * After the pools and the VMs are placed, the planner decides what the
 * appliers would otherwise have to work out for themselves, so that
 * plan.json carries it and every applier does the same thing:
 *   11. the uplinks' rx queues and the PMDs that poll them;
 *   12. which VF of which PF each SR-IOV NIC gets, and how many VFs each
 *       PF needs;
 *   13. a stable MAC for every VM NIC;
 *   14. names: the bridge, the uplink port and interfaces, the vhost-user
 *       ports, and the socket directory they live in;
 *   15. the representor port of every VF of a switchdev uplink.
 * With a previous plan (rule 16), a NIC that was there keeps its VF and
 * its MAC, and a PF keeps at least the VFs it had.
 * docs/planner.md gives the reason for each. */
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

void
plan_wiring(struct plan *p)
{
    wire_uplink_queues(p);
    wire_vfs(p);
    wire_macs(p);
    wire_names(p);
    wire_representors(p);
}
