/* sysfs-nic.h: NIC facts from sysfs and procfs under a root prefix.
 *
 * Reads ROOT/sys/bus/pci/devices/<address>/ for every network controller
 * (class 0x02xxxx): numa_node, vendor, device, driver, sriov_totalvfs,
 * sriov_numvfs, physfn, net/<ifname>/carrier and speed; and
 * ROOT/proc/net/route, ROOT/proc/net/ipv6_route and ROOT/proc/net/if_inet6
 * to tell whether an interface carries a route or a global address.  ROOT is "" for the live
 * machine and a fake tree in tests. */
#ifndef NFV_SYSFS_NIC_H
#define NFV_SYSFS_NIC_H 1

#include "lib/diag.h"

struct nfv_topology;

int sysfs_nic_load(const char *root, struct nfv_topology *, struct diag *);

#endif /* planner/sysfs-nic.h */
