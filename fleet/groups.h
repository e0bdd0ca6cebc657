/* groups.h: which intent plans which host.
 *
 * The --intent file plans every host, except those whose name matches a
 * group of the --groups file, an INI file read with inih:
 *
 *   [group edge-*]          ; fnmatch(3) pattern of host names
 *   intent = edge.ini       ; relative to the groups file's directory
 *
 * The first group in the file that matches a host wins.  Unknown sections
 * or keys, duplicates, a group without an intent and lines that are not
 * 'key = value' are errors naming file:line (exit status 2); so is an
 * intent file that does not parse. */
#ifndef NFV_FLEET_GROUPS_H
#define NFV_FLEET_GROUPS_H 1

#include "lib/diag.h"

struct fleet;

/* Fills fleet->groups: [0] from 'intent_file', then the groups file's. */
int fleet_groups_load(const char *intent_file, const char *groups_file,
                      struct fleet *, struct diag *);
/* Sets each host's group; warns about groups that match no host. */
void fleet_groups_assign(struct fleet *, struct diag *);
void fleet_groups_destroy(struct fleet *);

#endif /* fleet/groups.h */
