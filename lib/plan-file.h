/* plan-file.h: reading plan.json back, for every subcommand after 'plan'.
 *
 * plan_file_load() parses the file with jansson and checks that it is an
 * nfvhost plan of a version this build understands; errors name the file
 * (and line, for JSON syntax) and carry exit status 2.  The accessors
 * fetch the pieces most consumers need; anything else is read from the
 * json_t with jansson directly, following docs/plan-format.md. */
#ifndef NFV_PLAN_FILE_H
#define NFV_PLAN_FILE_H 1

#include <stdbool.h>
#include <hwloc.h>
#include <jansson.h>

#include "lib/diag.h"

#define PLAN_FORMAT_VERSION 1

json_t *plan_file_load(const char *path, struct diag *);

/* The "vms" entry named 'name', or NULL. */
json_t *plan_file_vm(json_t *plan, const char *name);
/* Parses the CPU list string at obj[key] into 'set'; false if missing or
 * malformed. */
bool plan_file_cpus(json_t *obj, const char *key, hwloc_bitmap_t set);
/* "pools"."pool" of the whole plan into 'set'. */
bool plan_file_pool(json_t *plan, const char *pool, hwloc_bitmap_t set);

#endif /* lib/plan-file.h */
