/* sriov.c: vfio-pci binding and VF creation (see sriov.h). */
#include <config.h>

#include "ovs-ext/sriov.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/changes.h"
#include "lib/netdev.h"
#include "lib/pci.h"
#include "lib/util.h"
#include "lib/vfinfo.h"

#define VFIO "vfio-pci"

static int
check_address(const char *what, const char *pci, struct diag *d)
{
    if (!pci_addr_valid(pci)) {
        return diag_error(d, NFV_EINPUT, "%s '%s' is not a PCI address "
                          "(DDDD:BB:DD.F, function 0-7)", what, pci);
    }
    return 0;
}

int
sriov_check_uplink(const char *root, const char *pci, struct diag *d)
{
    char **names;
    size_t n;
    int error = check_address("uplink", pci, d);

    if (error) {
        return error;
    }
    if (!pci_exists(root, pci)) {
        return diag_error(d, NFV_EINPUT, "uplink %s: no such PCI device "
                          "(%s/sys/bus/pci/devices/%s); plan it with "
                          "'nfvhost plan --uplink-override %s=DEVARGS' to "
                          "use a stand-in", pci, root, pci, pci);
    }
    pci_netdevs(root, pci, &names, &n);
    for (size_t i = 0; i < n && !error; i++) {
        if (netdev_in_use(root, names[i])) {
            error = diag_error(d, NFV_EINPUT, "uplink %s is interface %s, "
                               "which carries a route or an address; "
                               "refusing to take it from the kernel",
                               pci, names[i]);
        }
    }
    pci_names_free(names, n);
    return error;
}

static char *pf_ifname(const char *root, const char *pf);

static bool
in_list(const char *pci, const char *const list[], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcasecmp(list[i], pci)) {
            return true;
        }
    }
    return false;
}

/* Whether VFIO accepts 'dev' in the group of a device it takes, once this
 * apply has bound what it binds. */
static bool
group_member_ok(const char *dev, const char *drv,
                const char *const binding[], size_t n)
{
    return (in_list(dev, binding, n)
            || pci_vfio_group_driver_ok(drv));
}

/* "0000:03:00.0 (i40e, bound by this apply), 0000:00:01.1 (pcieport,
 * bridge), ...": the whole group, for the message. */
static char *
describe_group(const char *root, char **devs, size_t n_devs,
               const char *const binding[], size_t n)
{
    struct sbuf b;

    sbuf_init(&b);
    for (size_t i = 0; i < n_devs; i++) {
        char drv[256] = "";

        pci_driver(root, devs[i], drv, sizeof drv);
        sbuf_printf(&b, "%s%s (%s%s)", i ? ", " : "", devs[i],
                    drv[0] ? drv : "no driver",
                    in_list(devs[i], binding, n) ? ", bound by this apply"
                    : pci_is_bridge(root, devs[i]) ? ", bridge" : "");
    }
    return sbuf_steal(&b);
}

int
sriov_check_iommu_group(const char *root, const char *pci, int planned,
                        const char *const binding[], size_t n,
                        struct diag *d)
{
    int group = pci_iommu_group(root, pci);
    const char *blocker = NULL;
    char blocker_drv[256] = "";
    char **devs;
    size_t n_devs;

    if (group < 0) {
        diag_warn(d, "uplink %s has no IOMMU group (%s): vfio-pci can bind "
                  "it, but DPDK cannot use it until the IOMMU is on (the "
                  "plan's kernel arguments turn it on; reboot with them)",
                  pci, strerror(-group));
        return 0;
    }
    /* Only a warning: the members of the live group are what VFIO cares
     * about, and they are checked below; a renumbered group alone does
     * not stop DPDK. */
    if (planned >= 0 && group != planned) {
        diag_warn(d, "uplink %s is in IOMMU group %d, but the plan saw "
                  "group %d: the card moved to another slot or the "
                  "firmware groups devices differently (ACS); the live "
                  "group is checked, but plan again on this host so the "
                  "plan matches it", pci, group, planned);
    }
    if (pci_iommu_group_devices(root, group, &devs, &n_devs)) {
        return diag_error(d, NFV_ESYSTEM, "uplink %s: cannot list IOMMU "
                          "group %d (%s/sys/kernel/iommu_groups/%d/devices)",
                          pci, group, root, group);
    }
    for (size_t i = 0; i < n_devs && !blocker; i++) {
        char drv[256] = "";

        pci_driver(root, devs[i], drv, sizeof drv);
        if (!group_member_ok(devs[i], drv, binding, n)) {
            blocker = devs[i];
            snprintf(blocker_drv, sizeof blocker_drv, "%s", drv);
        }
    }
    if (blocker) {
        char *all = describe_group(root, devs, n_devs, binding, n);
        diag_error(d, NFV_EINPUT, "uplink %s: its IOMMU group %d also holds "
                   "%s (%s), which is not unbound, nor bound to vfio-pci, "
                   "pci-stub or pcieport; VFIO takes whole groups, so DPDK "
                   "could not open "
                   "the uplink. Group %d: %s. Give the other devices to "
                   "vfio-pci too (make them uplinks, or unbind them), or "
                   "move the NIC to a slot with its own group (ACS)", pci,
                   group, blocker, blocker_drv, group, all);
        free(all);
    }
    pci_names_free(devs, n_devs);
    return d->status;
}

int
sriov_check_switchdev(const char *root, const char *pci, struct diag *d)
{
    char drv[256] = "";
    char *ifname;

    if (check_address("switchdev uplink", pci, d)) {
        return d->status;
    }
    if (!pci_exists(root, pci)) {
        return diag_error(d, NFV_EINPUT, "switchdev uplink %s: no such PCI "
                          "device (%s/sys/bus/pci/devices/%s)", pci, root,
                          pci);
    }
    if (pci_driver(root, pci, drv, sizeof drv) || !strcmp(drv, VFIO)) {
        return diag_error(d, NFV_EINPUT, "switchdev uplink %s is on %s: its "
                          "eswitch and VF representors belong to its kernel "
                          "driver; give it back ('nfvhost ovs release %s') "
                          "and set 'devlink dev eswitch set pci/%s mode "
                          "switchdev'", pci, drv[0] ? drv : "no driver",
                          pci, pci);
    }
    ifname = pf_ifname(root, pci);
    if (!ifname) {
        return diag_error(d, NFV_EINPUT, "switchdev uplink %s (on %s) has no "
                          "kernel interface", pci, drv);
    }
    free(ifname);
    return 0;
}

int
sriov_bind_vfio(const char *root, const char *pci, bool dry_run, FILE *out,
                struct changes *changes, struct diag *d)
{
    char drv[256];
    bool bound = !pci_driver(root, pci, drv, sizeof drv);
    int error;

    if (bound && !strcmp(drv, VFIO)) {
        fprintf(out, "  %s: already bound to %s\n", pci, VFIO);
        return 0;
    }
    fprintf(out, "  %s: %s %s -> %s (driver_override + drivers_probe)\n",
            pci, dry_run ? "would bind" : "binding",
            bound ? drv : "(no driver)", VFIO);
    if (changes) {
        changes_addf(changes, bound ? drv : "(no driver)", VFIO,
                     "%s driver", pci);
    }
    if (dry_run) {
        return 0;
    }
    error = pci_bind(root, pci, VFIO, d);
    if (!error && (pci_driver(root, pci, drv, sizeof drv)
                   || strcmp(drv, VFIO))) {
        diag_warn(d, "%s is not bound to %s after drivers_probe (is the "
                  "vfio-pci module loaded?)", pci, VFIO);
    }
    return error;
}

int
sriov_release(const char *root, const char *pci, bool dry_run, FILE *out,
              struct diag *d)
{
    char drv[256];
    int error = check_address("device", pci, d);
    bool bound;

    if (error) {
        return error;
    }
    bound = !pci_driver(root, pci, drv, sizeof drv);
    /* Unbinding a kernel driver would only take the interface down. */
    if (bound && strcmp(drv, VFIO)) {
        fprintf(out, "  %s: on %s, not %s: nothing to release\n", pci, drv,
                VFIO);
        return 0;
    }
    fprintf(out, "  %s: %s %s, clearing driver_override, probing the "
            "kernel driver\n", pci, dry_run ? "would release" : "releasing",
            bound ? drv : "(no driver)");
    return dry_run ? 0 : pci_bind(root, pci, NULL, d);
}

int
sriov_check_numvfs(const char *root, const char *pf, int n, struct diag *d)
{
    long total;
    int error = check_address("SR-IOV PF", pf, d);

    if (error) {
        return error;
    }
    if (pci_read_long(root, pf, "sriov_totalvfs", &total)) {
        return diag_error(d, NFV_EINPUT, "%s: not an SR-IOV PF (no "
                          "sriov_totalvfs)", pf);
    }
    if (n > total) {
        return diag_error(d, NFV_EINFEASIBLE, "%s: %d VFs wanted, the PF "
                          "has at most %ld", pf, n, total);
    }
    return 0;
}

int
sriov_set_numvfs(const char *root, const char *pf, int n, bool dry_run,
                 FILE *out, struct changes *changes, struct diag *d)
{
    long cur = -1;
    char before[32], after[32];

    if (sriov_check_numvfs(root, pf, n, d)) {
        return d->status;
    }
    if (!pci_read_long(root, pf, "sriov_numvfs", &cur) && cur >= n) {
        fprintf(out, "  %s: %ld VFs present, %d needed\n", pf, cur, n);
        return 0;
    }
    fprintf(out, "  %s: %s sriov_numvfs %ld -> %d\n", pf,
            dry_run ? "would set" : "setting", cur, n);
    snprintf(before, sizeof before, "%ld", cur);
    snprintf(after, sizeof after, "%d", n);
    if (changes) {
        changes_addf(changes, before, after, "%s sriov_numvfs", pf);
    }
    return dry_run ? 0 : pci_set_numvfs(root, pf, n, d);
}

/* The PF's kernel interface, through which its VFs' settings are set. */
static char *
pf_ifname(const char *root, const char *pf)
{
    char **names;
    size_t n;
    char *name;

    pci_netdevs(root, pf, &names, &n);
    name = n ? xstrdup(names[0]) : NULL;
    pci_names_free(names, n);
    return name;
}

int
sriov_check_vf_uplink(const char *root, const char *vf_pci, const char *pf,
                      int vf, struct diag *d)
{
    char *ifname;

    if (vf < 0 || !pci_addr_valid(pf)) {
        return diag_error(d, NFV_EINPUT, "uplink %s is a VF, but the plan "
                          "does not say of which PF and which VF it is "
                          "(uplinks[].physfn, vf_index): plan again on this "
                          "host", vf_pci);
    }
    ifname = pf_ifname(root, pf);
    if (!ifname) {
        return diag_error(d, NFV_EINPUT, "uplink %s is VF %d of PF %s, "
                          "which has no kernel interface: its VFs' spoof "
                          "checking and trust are set through the PF's "
                          "kernel driver, so the PF must stay on it (not "
                          "on vfio-pci)", vf_pci, vf, pf);
    }
    free(ifname);
    return 0;
}

static const char *
on_off(int v)
{
    return v < 0 ? "unknown" : v ? "on" : "off";
}

/* One setting for --json: "PCI spoofchk" off -> on. */
static void
note_setting(struct changes *changes, const char *vf_pci, const char *name,
             int before, int after)
{
    if (changes && before != after) {
        changes_addf(changes, on_off(before), on_off(after), "%s %s",
                     vf_pci, name);
    }
}

int
sriov_set_vf_trust(const char *root, const char *vf_pci, const char *pf,
                   int vf, bool trusted, bool dry_run, FILE *out,
                   struct changes *changes, struct diag *d)
{
    struct vf_settings want = { .spoofchk = !trusted, .trust = trusted };
    struct vf_settings cur;
    char *ifname = pf_ifname(root, pf);
    int error;

    if (!ifname) {
        return sriov_check_vf_uplink(root, vf_pci, pf, vf, d);
    }
    error = vfinfo_query(ifname, vf, &cur);
    if (error) {
        cur.spoofchk = cur.trust = -1;
    } else if (cur.spoofchk == want.spoofchk && cur.trust == want.trust) {
        fprintf(out, "  %s: VF %d of %s (%s): spoof checking %s, trust %s "
                "already\n", vf_pci, vf, ifname, pf, on_off(want.spoofchk),
                on_off(want.trust));
        free(ifname);
        return 0;
    }
    if (error) {
        fprintf(out, "  %s: VF %d of %s (%s): %s spoof checking %s, trust "
                "%s (netlink; %s)\n", vf_pci, vf, ifname, pf,
                dry_run ? "would set" : "setting", on_off(want.spoofchk),
                on_off(want.trust), error == -ENOENT
                ? "the PF reports no settings for it now"
                : strerror(-error));
    } else {
        fprintf(out, "  %s: VF %d of %s (%s): %s spoof checking %s -> %s, "
                "trust %s -> %s (netlink)\n", vf_pci, vf, ifname, pf,
                dry_run ? "would set" : "setting", on_off(cur.spoofchk),
                on_off(want.spoofchk), on_off(cur.trust),
                on_off(want.trust));
    }
    note_setting(changes, vf_pci, "spoofchk", cur.spoofchk, want.spoofchk);
    note_setting(changes, vf_pci, "trust", cur.trust, want.trust);
    if (!dry_run && (error = vfinfo_set(ifname, vf, &want))) {
        diag_error(d, NFV_ESYSTEM, "uplink %s: cannot set spoof checking %s "
                   "and trust %s on VF %d of %s (PF %s) through netlink: "
                   "%s%s", vf_pci, on_off(want.spoofchk), on_off(want.trust),
                   vf, ifname, pf, strerror(-error),
                   error == -EOPNOTSUPP ? " (the PF's driver has no such VF "
                   "settings)" : "");
    }
    free(ifname);
    return d->status;
}
