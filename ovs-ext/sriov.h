/* sriov.h: the sysfs side of taking a NIC for OVS-DPDK, under a root
 * prefix ("" for the live machine, a fake tree in tests).
 *
 * sriov_check_uplink() refuses a device that is missing or whose kernel
 * interface carries a route or an address (like dpdk-devbind.py);
 * sriov_bind_vfio() binds it to vfio-pci through driver_override and
 * drivers_probe; sriov_release() undoes that, so the kernel driver takes
 * the device back; sriov_set_numvfs() creates VFs on a PF. */
#ifndef NFV_SRIOV_H
#define NFV_SRIOV_H 1

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"

/* PCI address syntax: DDDD:BB:DD.F (hex). */
bool sriov_valid_pci(const char *);

int sriov_check_uplink(const char *root, const char *pci, struct diag *);
/* Writes what it does (or would do, with 'dry_run') to 'out'. */
int sriov_bind_vfio(const char *root, const char *pci, bool dry_run,
                    FILE *out, struct diag *);
int sriov_release(const char *root, const char *pci, bool dry_run,
                  FILE *out, struct diag *);
/* Makes 'pf' have at least 'n' VFs (the kernel wants 0 before a new
 * count).  Exit 3 when n exceeds sriov_totalvfs. */
int sriov_set_numvfs(const char *root, const char *pf, int n, bool dry_run,
                     FILE *out, struct diag *);

#endif /* ovs-ext/sriov.h */
