/* write.h: the fleet's own files, from the summaries.
 *
 *   fleet.json     (write-json.c)    every host: status or reason, pools,
 *                                    hugepages, shape, flavors and how many
 *                                    of each fit; the flavors; the shapes;
 *   flavors.sh     (write-scripts.c) the cloud-wide flavors, each matching
 *                                    the aggregates it fits through
 *                                    aggregate_instance_extra_specs;
 *   aggregates.sh  (write-scripts.c) one aggregate per shape, its hosts and
 *                                    one 'FLAVOR=true' key per flavor that
 *                                    fits it;
 *   report.md      (write-report.c)  the operator's tables.
 * fleet.json grows with the fleet (about 2 KiB a host): it is written to
 * its file host by host, never held whole in memory. */
#ifndef NFV_FLEET_WRITE_H
#define NFV_FLEET_WRITE_H 1

#include <stdio.h>

struct fleet;

#define FLEET_FORMAT "nfvhost-fleet"
#define FLEET_FORMAT_VERSION 1

/* Writes fleet.json to 'out' host by host; the caller checks ferror(). */
void fleet_json_write(const struct fleet *, FILE *out);
char *fleet_flavors_sh(const struct fleet *);
char *fleet_aggregates_sh(const struct fleet *);
char *fleet_report_md(const struct fleet *);

#endif /* fleet/write.h */
