/* sriov.h: taking a NIC from the kernel for OVS-DPDK, and the VFs SR-IOV
 * NICs need, under a root prefix ("" for the live machine, a fake tree in
 * tests).  The sysfs work itself is lib/pci.h's; this module adds the
 * rules: refuse a device that is missing or whose interface is in use
 * (lib/netdev.h), report what is done (or would be, with dry_run), and
 * never lower a PF's VF count.
 *
 * The checks are separate from the actions, so that 'ovs apply' can check
 * every device (and the database) before it changes any. */
#ifndef NFV_SRIOV_H
#define NFV_SRIOV_H 1

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"

/* 'pci' exists and none of its interfaces is in use. */
int sriov_check_uplink(const char *root, const char *pci, struct diag *);
/* VFIO hands a whole IOMMU group to one user: 'pci' can be given to
 * DPDK only if every other device of its group is one of the 'n'
 * addresses 'binding' (bound by this apply too), already on vfio-pci or
 * pci-stub, driverless, or a bridge.  Exit 2 otherwise, listing the group
 * with each device's driver.  A device with no group (IOMMU off) gets a
 * warning: vfio-pci binds it, but DPDK cannot use it until the IOMMU is
 * on (the plan's kernel arguments turn it on).  A group other than
 * 'planned' (uplinks[].iommu_group, what the planner saw; -1 unknown)
 * gets a warning: the live group is the one checked, but the plan was made
 * for another slot or firmware and should be made again. */
int sriov_check_iommu_group(const char *root, const char *pci,
                            int planned, const char *const binding[],
                            size_t n,
                            struct diag *);
/* A PF in switchdev mode stays on its kernel driver, which owns the
 * eswitch (devlink) and its VF representors; DPDK drives it beside the
 * kernel (bifurcated, as mlx5 does).  So it must exist and be on a kernel
 * driver with an interface, not on vfio-pci: exit 2 otherwise. */
int sriov_check_switchdev(const char *root, const char *pci, struct diag *);
/* 'pf' is an SR-IOV PF that can have 'n' VFs (exit 3 when it cannot). */
int sriov_check_numvfs(const char *root, const char *pf, int n,
                       struct diag *);

/* Each writes what it does (or would do, with 'dry_run') to 'out'; the
 * two that 'ovs apply' calls also note a change in 'changes' (for --json,
 * lib/changes.h; may be NULL). */
struct changes;
int sriov_bind_vfio(const char *root, const char *pci, bool dry_run,
                    FILE *out, struct changes *, struct diag *);
int sriov_release(const char *root, const char *pci, bool dry_run,
                  FILE *out, struct diag *);
/* A VF that OVS-DPDK takes as its uplink carries the VMs' MACs and their
 * multicast: its PF must not drop frames with another source MAC (spoof
 * checking off) and must let it into promiscuous and all-multicast modes
 * (trust on), or the uplink receives only its own MAC.  Those settings
 * live in the PF's kernel driver, set through netlink (lib/vfinfo.h) on
 * the PF's interface: sriov_check_vf_uplink() makes sure there is one
 * (exit 2), sriov_set_vf_trust() sets spoof checking off and trust on
 * ('trusted') or back to the kernel's defaults, on and off ('ovs
 * release'), unless they already are.  A kernel refusal is exit 1. */
int sriov_check_vf_uplink(const char *root, const char *vf_pci,
                          const char *pf, int vf, struct diag *);
int sriov_set_vf_trust(const char *root, const char *vf_pci, const char *pf,
                       int vf, bool trusted, bool dry_run, FILE *out,
                       struct changes *, struct diag *);
/* Makes 'pf' have at least 'n' VFs. */
int sriov_set_numvfs(const char *root, const char *pf, int n, bool dry_run,
                     FILE *out, struct changes *, struct diag *);

#endif /* ovs-ext/sriov.h */
