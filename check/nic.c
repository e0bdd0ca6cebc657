/* nic.c: the nic layer of 'nfvhost check'.
 *
 * Each planned uplink that is a PCI device (not a DPDK vdev standing in
 * for one) is where the plan put it: on its node, bound to vfio-pci when
 * OVS-DPDK takes it, in its planned IOMMU group and one VFIO can use
 * (every device of the group bound to vfio-pci or to nothing: VFIO
 * refuses a group with a device a kernel driver still owns), and without a kernel interface that
 * carries the host's routes (lib/netdev.h, the rule 'ovs apply' refuses
 * by).  A VF that is an uplink has spoof checking off and trust on.  Each
 * SR-IOV PF has at least the VFs the plan takes from it.
 * Device facts come from ROOT/sys through lib/pci.h. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "check/context.h"
#include "lib/vfinfo.h"
#include "lib/netdev.h"
#include "lib/parse.h"
#include "lib/pci.h"
#include "lib/plan-file.h"
#include "lib/sysfs.h"
#include "lib/util.h"

/* The plan's OVS interface for uplink 'pci', or NULL. */
static const struct plan_file_ovs_iface *
ovs_iface_of(const struct plan_file *p, const char *pci)
{
    const struct plan_file_ovs_uplink_port *u = p->ovs.uplink_port;

    for (size_t i = 0; u && i < u->n_interfaces; i++) {
        if (!strcmp(u->interfaces[i].pci, pci)) {
            return &u->interfaces[i];
        }
    }
    return NULL;
}

static void
check_numa(struct check_ctx *ctx, const struct plan_file_uplink *u)
{
    long node;

    if (pci_read_long(ctx->root, u->pci, "numa_node", &node)) {
        node = -1;
    }
    check_add(ctx->r, node == u->numa || (node < 0 && u->numa_reported < 0)
              ? CHECK_PASS : CHECK_FAIL, "nic.numa", u->pci,
              check_str(ctx->r, "NUMA node of uplink %s", u->pci),
              node < 0 ? "unknown (numa_node -1)"
              : check_str(ctx->r, "%ld", node),
              check_str(ctx->r, "%d", u->numa),
              "the plan was made for another slot or machine: plan again "
              "on this host ('nfvhost plan'), so its PMDs and memory follow "
              "the NIC");
}

static void
check_driver(struct check_ctx *ctx, const struct plan_file_uplink *u)
{
    char drv[64];
    int error = pci_driver(ctx->root, u->pci, drv, sizeof drv);

    check_add(ctx->r, !error && !strcmp(drv, "vfio-pci") ? CHECK_PASS
              : CHECK_FAIL, "nic.driver", u->pci,
              check_str(ctx->r, "driver of uplink %s", u->pci),
              error ? "none" : drv, "vfio-pci",
              check_str(ctx->r, "'nfvhost ovs apply --plan %s' binds it "
                        "(OVS-DPDK cannot open it otherwise)",
                        ctx->plan->path));
}

/* Every other device of the uplink's IOMMU group is one VFIO accepts
 * there (lib/pci.h: pci_vfio_group_driver_ok), the same rule 'nfvhost ovs
 * apply' binds by. */
static void
check_iommu_group(struct check_ctx *ctx, const struct plan_file_uplink *u)
{
    int group = pci_iommu_group(ctx->root, u->pci);
    char **devs = NULL;
    size_t n_devs = 0;
    struct sbuf others;

    sbuf_init(&others);
    if (group < 0) {
        check_add(ctx->r, CHECK_FAIL, "nic.iommu-group", u->pci,
                  check_str(ctx->r, "IOMMU group of uplink %s", u->pci),
                  "none: the device is behind no IOMMU",
                  "a group VFIO can take",
                  "enable the IOMMU (kernel.iommu) so vfio-pci can bind it");
        goto out;
    }
    if (u->iommu_group >= 0 && group != u->iommu_group) {
        check_add(ctx->r, CHECK_FAIL, "nic.iommu-group", u->pci,
                  check_str(ctx->r, "IOMMU group of uplink %s", u->pci),
                  check_str(ctx->r, "group %d", group),
                  check_str(ctx->r, "group %d, as planned", u->iommu_group),
                  "the card moved to another slot or the firmware groups "
                  "devices differently (ACS): plan again on this host");
        goto out;
    }
    pci_iommu_group_devices(ctx->root, group, &devs, &n_devs);
    for (size_t i = 0; i < n_devs; i++) {
        char drv[64] = "";
        if (!strcmp(devs[i], u->pci)) {
            continue;
        }
        pci_driver(ctx->root, devs[i], drv, sizeof drv);
        if (!pci_vfio_group_driver_ok(drv)) {
            sbuf_printf(&others, "%s%s (%s)", others.len ? ", " : "",
                        devs[i], drv);
        }
    }
    check_add(ctx->r, others.len ? CHECK_FAIL : CHECK_PASS,
              "nic.iommu-group", u->pci,
              check_str(ctx->r, "IOMMU group %d of uplink %s", group,
                        u->pci),
              others.len ? check_str(ctx->r, "shared with devices of other "
                                     "drivers: %s", others.s)
              : "no device of another driver in it",
              "every other device in it unbound, or on vfio-pci (or a "
              "variant), pci-stub or pcieport",
              "VFIO takes whole groups: bind the other devices to vfio-pci "
              "too, or move the NIC to a slot with its own group (ACS)");
out:
    pci_names_free(devs, n_devs);
    sbuf_destroy(&others);
}

static void
check_routes(struct check_ctx *ctx, const struct plan_file_uplink *u)
{
    char **names;
    size_t n;
    struct sbuf busy;

    sbuf_init(&busy);
    pci_netdevs(ctx->root, u->pci, &names, &n);
    for (size_t i = 0; i < n; i++) {
        if (netdev_in_use(ctx->root, names[i])) {
            sbuf_printf(&busy, "%s%s", busy.len ? ", " : "", names[i]);
        }
    }
    check_add(ctx->r, busy.len ? CHECK_FAIL : CHECK_PASS, "nic.route",
              u->pci, check_str(ctx->r, "host traffic on uplink %s", u->pci),
              busy.len ? check_str(ctx->r, "%s carries a route or an "
                                   "address", busy.s)
              : n ? "its interface carries none" : "no kernel interface",
              "none",
              "the host reaches the network through it: move the host's "
              "addresses and routes to another NIC before OVS-DPDK takes "
              "it ('ovs apply' refuses it until then)");
    pci_names_free(names, n);
    sbuf_destroy(&busy);
}

/* A VF that is an OVS uplink carries the VMs' MACs and their multicast:
 * its PF must not drop frames with another source MAC (spoof checking
 * off) and must let it into promiscuous and all-multicast modes (trust
 * on).  Those settings live in the PF's driver, read through netlink
 * (vfinfo.h), so on a fake tree they cannot be checked. */
static void
check_vf_trust(struct check_ctx *ctx, const struct plan_file_uplink *u)
{
    const char *what = check_str(ctx->r, "spoof checking and trust of "
                                 "uplink VF %s (VF %d of PF %s)", u->pci,
                                 u->vf_index, u->physfn);
    char **names;
    size_t n;
    struct vf_settings s;
    int error;

    pci_netdevs(ctx->root, u->physfn, &names, &n);
    if (ctx->root[0]) {
        check_add(ctx->r, CHECK_ERROR, "nic.vf-trust", u->pci, what,
                  "not in a fake tree: only netlink shows them", NULL,
                  "check on the live host");
    } else if (!n) {
        check_add(ctx->r, CHECK_FAIL, "nic.vf-trust", u->pci, what,
                  check_str(ctx->r, "PF %s has no kernel interface to set "
                            "them on", u->physfn),
                  "spoof checking off, trust on",
                  "the PF must stay on its kernel driver while its VFs "
                  "serve (take OVS's uplink VF from a PF nothing else "
                  "binds)");
    } else if ((error = vfinfo_query(names[0], u->vf_index, &s))) {
        check_add(ctx->r, CHECK_ERROR, "nic.vf-trust", u->pci, what,
                  check_str(ctx->r, "%s reports nothing for VF %d: %s",
                            names[0], u->vf_index, strerror(-error)),
                  "spoof checking off, trust on", "ip -d link show PF");
    } else {
        check_add(ctx->r, s.spoofchk == 0 && s.trust == 1 ? CHECK_PASS
                  : CHECK_FAIL, "nic.vf-trust", u->pci, what,
                  check_str(ctx->r, "spoof checking %s, trust %s",
                            s.spoofchk < 0 ? "unknown" : s.spoofchk
                            ? "on" : "off", s.trust < 0 ? "unknown"
                            : s.trust ? "on" : "off"),
                  "spoof checking off, trust on",
                  check_str(ctx->r, "ip link set %s vf %d spoofchk off "
                            "trust on", names[0], u->vf_index));
    }
    pci_names_free(names, n);
}

static void
check_uplink(struct check_ctx *ctx, const struct plan_file_uplink *u)
{
    const struct plan_file_ovs_iface *f = ovs_iface_of(ctx->plan, u->pci);

    if (f && !f->bind_vfio) {
        check_note(ctx->r, "uplink %s is stood in for by the DPDK vdev "
                   "'%s': nothing of it to check in sysfs", u->pci,
                   f->dpdk_devargs);
        return;
    }
    if (!pci_exists(ctx->root, u->pci)) {
        check_add(ctx->r, CHECK_FAIL, "nic.present", u->pci,
                  check_str(ctx->r, "uplink %s", u->pci),
                  "no such PCI device", "present",
                  "the plan was made for another machine or the card "
                  "moved: plan again on this host");
        return;
    }
    check_add(ctx->r, CHECK_PASS, "nic.present", u->pci,
              check_str(ctx->r, "uplink %s", u->pci), "present", "present",
              NULL);
    check_numa(ctx, u);
    check_driver(ctx, u);
    check_iommu_group(ctx, u);
    check_routes(ctx, u);
    if (u->is_vf) {
        check_vf_trust(ctx, u);
    }
}

static void
check_numvfs(struct check_ctx *ctx, const struct plan_file_sriov_pf *pf)
{
    long n;

    if (!pf->set_numvfs) {
        return;                 /* A stand-in PF: not on this host. */
    }
    if (pci_read_long(ctx->root, pf->pci, "sriov_numvfs", &n)) {
        n = -1;
    }
    check_add(ctx->r, n >= pf->numvfs ? CHECK_PASS : CHECK_FAIL,
              "nic.sriov-numvfs", pf->pci,
              check_str(ctx->r, "VFs of PF %s", pf->pci),
              n < 0 ? "no sriov_numvfs: not an SR-IOV device"
              : check_str(ctx->r, "%ld", n),
              check_str(ctx->r, "at least %d", pf->numvfs),
              check_str(ctx->r, "'nfvhost ovs apply --plan %s' sets "
                        "sriov_numvfs (persist it with a udev rule or "
                        "systemd unit)", ctx->plan->path));
}

void
check_nic(struct check_ctx *ctx)
{
    const struct plan_file *p = ctx->plan;

    for (size_t i = 0; i < p->n_uplinks; i++) {
        check_uplink(ctx, &p->uplinks[i]);
    }
    for (size_t i = 0; i < p->n_sriov_pfs; i++) {
        check_numvfs(ctx, &p->sriov_pfs[i]);
    }
    if (!p->n_uplinks && !p->n_sriov_pfs) {
        check_note(ctx->r, "the plan has no uplink and no SR-IOV PF: the "
                   "nic layer has nothing to check");
    }
}
