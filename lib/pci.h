/* pci.h: PCI devices through sysfs, under a root prefix ("" for the live
 * machine, a fake tree in tests): addresses, their sysfs paths, the VF/PF
 * links and driver binding.
 *
 * Every function that takes an address validates it first, so no sysfs
 * path is ever built from anything but DDDD:BB:DD.F: a plan that says
 * "pf": "../../../../victim" gets an error, not a write outside
 * ROOT/sys/bus/pci/devices.  Errors name the device and the operation.
 * Binding follows the kernel's own protocol (as libvirt's virpci.c does):
 * driver_override names the driver, the device is unbound from its
 * current one, and drivers_probe lets the kernel bind the override. */
#ifndef NFV_PCI_H
#define NFV_PCI_H 1

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

#define PCI_ADDR_LEN 13         /* "0000:03:00.0" and its NUL. */

/* DDDD:BB:DD.F in hex digits of either case, function 0-7. */
bool pci_addr_valid(const char *);
/* Its four numbers; false if 'pci' is not valid. */
bool pci_addr_split(const char *pci, unsigned *domain, unsigned *bus,
                    unsigned *slot, unsigned *function);
/* The lower-case form of a valid address into 'out'; false if invalid. */
bool pci_addr_canon(const char *, char out[PCI_ADDR_LEN]);

/* ROOT/sys/bus/pci/devices/PCI, or .../PCI/ATTR when 'attr' is not NULL;
 * NULL when 'pci' is not a valid address.  Caller frees. */
char *pci_path(const char *root, const char *pci, const char *attr);
bool pci_exists(const char *root, const char *pci);

/* The addresses of every PCI device under ROOT/sys/bus/pci/devices, in
 * lower case, sorted; 0, or -errno (-ENOENT: no PCI bus, as in some
 * containers).  Free with pci_names_free(). */
int pci_devices(const char *root, char ***addrs, size_t *n);

/* The name of the bound driver into 'buf': 0, -ENOENT when unbound,
 * -EINVAL for a bad address. */
int pci_driver(const char *root, const char *pci, char *buf, size_t size);
/* An integer attribute (sriov_totalvfs, numa_node...): 0 or -errno. */
int pci_read_long(const char *root, const char *pci, const char *attr,
                  long *);

/* The address of VF 'index' of 'pf' (its virtfnINDEX link): 0, -ENOENT
 * when there is no such VF. */
int pci_vf_address(const char *root, const char *pf, int index,
                   char out[PCI_ADDR_LEN]);
/* N of the PF's virtfnN link that is 'vf', or -1 (not a VF, or none). */
int pci_vf_index(const char *root, const char *vf);

/* The network interfaces of the device (ROOT/.../PCI/net/), sorted by
 * name; '*names' is NULL when there are none.  Free with
 * pci_names_free(). */
void pci_netdevs(const char *root, const char *pci, char ***names,
                 size_t *n);
void pci_names_free(char **names, size_t n);

/* The number of the device's IOMMU group (its iommu_group link): >= 0, or
 * -ENOENT when it has none (the IOMMU is off, or the device is behind
 * none), -errno otherwise. */
int pci_iommu_group(const char *root, const char *pci);
/* The addresses of every device of IOMMU group 'group'
 * (ROOT/sys/kernel/iommu_groups/GROUP/devices), lower case, sorted; 0 or
 * -errno.  Free with pci_names_free(). */
int pci_iommu_group_devices(const char *root, int group, char ***addrs,
                            size_t *n);
/* Whether the device's class (ROOT/.../PCI/class, 0xCCSSPP) is a bridge
 * (base class 0x06: host, PCI-to-PCI, ...): VFIO lets a group hold one
 * that no vfio driver has. */
bool pci_is_bridge(const char *root, const char *pci);
/* Whether VFIO lets the IOMMU group of a device it takes hold a member
 * bound to 'driver' ("" for none).  Since Linux 5.19 a group is viable when
 * every bound member's driver manages DMA itself (driver_managed_dma):
 * vfio-pci and its vendor variants (NAME_vfio_pci, e.g. mlx5_vfio_pci),
 * pci-stub, and pcieport for PCIe ports.  A bridge on another driver
 * (shpchp, lpc_ich on an ISA bridge) makes the group unusable: DPDK's
 * open of /dev/vfio/GROUP then fails with EBUSY.  'nfvhost ovs apply'
 * refuses a group with any other member, and 'nfvhost check' fails one. */
bool pci_vfio_group_driver_ok(const char *driver);

/* Binds 'pci' to 'driver' (driver_override, unbind from the current
 * driver, drivers_probe), or with 'driver' NULL gives it back to the
 * kernel's own driver (clears driver_override, unbinds from the current
 * driver, drivers_probe).  0 or NFV_ESYSTEM/NFV_EINPUT in diag. */
int pci_bind(const char *root, const char *pci, const char *driver,
             struct diag *);
/* Writes sriov_numvfs = n on 'pf', through 0 when it has other VFs (the
 * kernel refuses to change a non-zero count directly). */
int pci_set_numvfs(const char *root, const char *pf, int n, struct diag *);

#endif /* lib/pci.h */
