/* outputs.h: the files a plan becomes.
 *
 * One table, shared by 'nfvhost plan --output DIR' and by every host's
 * directory under 'nfvhost fleet plan --output DIR': each file's name in
 * the directory, the pure emitter that writes it and its mode.  plan.json
 * comes first; its presence marks a directory as nfvhost output (see
 * lib/output.h).  Pure: no I/O. */
#ifndef NFV_OUTPUTS_H
#define NFV_OUTPUTS_H 1

#include <stddef.h>

#include "lib/output.h"
#include "planner/plan.h"

#define PLAN_OUTPUT_MARKER "plan.json"

/* Number of files in the table. */
size_t plan_outputs_count(void);
/* Name of file 'i' (i < plan_outputs_count()), e.g. "openstack/nova.conf". */
const char *plan_output_name(size_t i);
/* Every file of the plan, in table order: a new array of
 * plan_outputs_count() entries with malloc'd texts. */
struct output_file *plan_outputs(const struct plan *);
void plan_outputs_free(struct output_file *);

#endif /* planner/outputs.h */
