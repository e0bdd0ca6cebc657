/* sriov.c: vfio-pci binding and VF creation (see sriov.h). */
#include <config.h>

#include "ovs-ext/sriov.h"

#include <string.h>

#include "lib/changes.h"
#include "lib/netdev.h"
#include "lib/pci.h"

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
