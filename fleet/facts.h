/* facts.h: a node's NIC facts as JSON, what an hwloc XML lacks.
 *
 * 'nfvhost facts' prints them on a node (from sysfs and procfs, see
 * planner/sysfs-nic.h, and the node's vhost-user socket group, see
 * topology_detect_host_group()); 'nfvhost fleet plan' reads them back from
 * HOST.nics.json beside HOST.xml and lays them over the topology of the
 * XML, as 'nfvhost plan' lays sysfs over it.  The format (docs/fleet.md):
 *
 *   { "format": "nfvhost-nic-facts", "version": 1,
 *     "host_group": "libvirt-qemu",
 *     "nics": [ { "pci": "0000:03:00.0", "numa": 0, "vendor": "8086",
 *                 "device": "1572", "driver": "i40e", "ifname": "enp3s0f0",
 *                 "is_vf": false, "physfn": null, "vf_index": null,
 *                 "sriov_totalvfs": 64, "sriov_numvfs": 0,
 *                 "carrier": true, "has_route": false },
 *               ... ] }
 *
 * The NIC keys are plan.json's uplink keys; null means unknown. */
#ifndef NFV_FLEET_FACTS_H
#define NFV_FLEET_FACTS_H 1

#include "lib/diag.h"

struct nfv_topology;

#define FACTS_FORMAT "nfvhost-nic-facts"
#define FACTS_VERSION 1

/* The facts of 't': its host group and every NIC, sorted by PCI address.
 * Caller frees. */
char *facts_to_json(const struct nfv_topology *t);
/* Reads 'path' and overlays it on 't': the host group, and the NICs
 * (adding those the XML lacks).
 * Errors name the file and the entry, with exit status 2. */
int facts_apply_file(const char *path, struct nfv_topology *t,
                     struct diag *);

#endif /* fleet/facts.h */
