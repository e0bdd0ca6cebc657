/* hosts.h: the hosts of a fleet, found in a directory.
 *
 * Every NAME.xml in the directory is a host called NAME; NAME.nics.json
 * beside it, if present, carries its NIC facts (facts.h).  Host names are
 * letters, digits, '.', '-' and '_' (they become output directories and
 * nova host names), sorted by strcmp(3) so that everything after is in
 * one order.  Other files are reported as warnings and ignored. */
#ifndef NFV_FLEET_HOSTS_H
#define NFV_FLEET_HOSTS_H 1

#include "lib/diag.h"

struct fleet;

int fleet_hosts_scan(const char *dir, struct fleet *, struct diag *);

#endif /* fleet/hosts.h */
