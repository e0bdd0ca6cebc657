/* sysfs-nic.c: NIC facts from sysfs (see sysfs-nic.h). */
#include <config.h>

#include "planner/sysfs-nic.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planner/topology.h"
#include "lib/netdev.h"
#include "lib/parse.h"
#include "lib/pci.h"
#include "lib/sysfs.h"
#include "lib/util.h"

/* The attribute ATTR of device 'pci' as a number (decimal, or hex with
 * "0x" as vendor and class are), or 'dflt' when absent or not a number. */
static long
read_attr(const char *root, const char *pci, const char *attr, bool hex,
          long dflt)
{
    char *path = pci_path(root, pci, attr);
    unsigned long u;
    long v;
    int error;

    if (hex) {
        error = sysfs_read_hex(path, &u);
        v = u;
    } else {
        error = sysfs_read_long(path, &v);
    }
    free(path);
    return error ? dflt : v;
}

static void
read_ifname(const char *root, struct nfv_nic *nic)
{
    char **names;
    size_t n;

    /* The lowest name, so the result does not depend on readdir order. */
    pci_netdevs(root, nic->pci, &names, &n);
    if (n && strlen(names[0]) < sizeof nic->ifname) {
        char *attr = xasprintf("net/%s/carrier", names[0]);

        snprintf(nic->ifname, sizeof nic->ifname, "%s", names[0]);
        nic->carrier = read_attr(root, nic->pci, attr, false, -1);
        free(attr);
        /* The kernel says -1 (or fails the read) when the link is down. */
        attr = xasprintf("net/%s/speed", names[0]);
        nic->speed_mbps = (nic->carrier == 1
                           ? read_attr(root, nic->pci, attr, false, -1) : -1);
        free(attr);
    }
    pci_names_free(names, n);
}

static void
load_device(const char *root, const char *pci, struct nfv_topology *t)
{
    long class = read_attr(root, pci, "class", true, -1);
    char *physfn;
    int group;
    struct nfv_nic *nic;

    if (class < 0 || ((class >> 16) & 0xff) != 0x02) {
        return;
    }
    nic = topology_add_nic(t, pci);
    nic->numa = read_attr(root, pci, "numa_node", false, nic->numa);
    nic->vendor = read_attr(root, pci, "vendor", true, nic->vendor);
    nic->device = read_attr(root, pci, "device", true, nic->device);
    if (pci_driver(root, pci, nic->driver, sizeof nic->driver)) {
        nic->driver[0] = '\0';
    }
    /* The kernel makes the file only for a device with SR-IOV: none, no
     * VFs. */
    nic->totalvfs = read_attr(root, pci, "sriov_totalvfs", false, 0);
    nic->numvfs = read_attr(root, pci, "sriov_numvfs", false, nic->numvfs);
    nic->vf_device = read_attr(root, pci, "sriov_vf_device", true,
                               nic->vf_device);
    physfn = pci_path(root, pci, "physfn");
    nic->is_vf = !sysfs_read_link_name(physfn, nic->physfn,
                                       sizeof nic->physfn);
    free(physfn);
    nic->vf_index = nic->is_vf ? pci_vf_index(root, pci) : -1;
    group = pci_iommu_group(root, pci);
    nic->iommu_group = group >= 0 ? group : -1;  /* -1: no IOMMU, or off. */
    read_ifname(root, nic);
}

int
sysfs_nic_load(const char *root, struct nfv_topology *t, struct diag *diag)
{
    char **addrs;
    size_t n;
    int error = pci_devices(root, &addrs, &n);

    if (error == -ENOENT) {
        return 0;               /* No PCI bus (containers, some VMs). */
    }
    if (error) {
        return diag_error(diag, NFV_ESYSTEM, "%s/sys/bus/pci/devices: %s",
                          root, strerror(-error));
    }
    for (size_t i = 0; i < n; i++) {
        load_device(root, addrs[i], t);
    }
    pci_names_free(addrs, n);
    for (int i = 0; i < t->n_nics; i++) {
        struct nfv_nic *nic = &t->nics[i];
        nic->has_route = nic->ifname[0] && netdev_in_use(root, nic->ifname);
    }
    return 0;
}
