/* plan-json.h: format-1 plan.json as untyped jansson values.
 *
 * Transitional: the parts still read plan.json by string key through
 * these until they move to the typed format-2 reader (lib/plan-file.h);
 * then this module goes away. */
#ifndef NFV_PLAN_JSON_H
#define NFV_PLAN_JSON_H 1

#include <stdbool.h>
#include <hwloc.h>
#include <jansson.h>

#include "lib/diag.h"

json_t *plan_json_load(const char *path, struct diag *);

/* The "vms" entry named 'name', or NULL. */
json_t *plan_json_vm(json_t *plan, const char *name);
/* Parses the CPU list string at obj[key] into 'set'; false if missing or
 * malformed. */
bool plan_json_cpus(json_t *obj, const char *key, hwloc_bitmap_t set);
/* "pools"."pool" of the whole plan into 'set'. */
bool plan_json_pool(json_t *plan, const char *pool, hwloc_bitmap_t set);

#endif /* lib/plan-json.h */
