/* run.h: planning every host of a fleet, in parallel threads.
 *
 * Each host is planned from scratch (topology_load, facts_apply_file,
 * plan_build, openstack_check: the planner used as a pure library, one
 * plan per thread at a time, no process per host); its files go straight
 * into the staging output directory, and only its summary (summary.h) is
 * kept.  A host that fails to plan records its status and the planner's
 * message and the others go on; only a failure to write output stops the
 * run (exit status 1). */
#ifndef NFV_FLEET_RUN_H
#define NFV_FLEET_RUN_H 1

#include "lib/diag.h"

struct fleet;
struct output_dir;

int fleet_run(struct fleet *, const struct output_dir *, int jobs,
              struct diag *);

#endif /* fleet/run.h */
