/* plan-file-schema.h: private to lib/plan-file*.c, the second pass of
 * reading plan.json format 2 (docs/plan-format.md).
 *
 * plan-file-read.c reads every section into a struct plan_file (types,
 * ranges, syntax) and then calls plan_file_check() for what ties the
 * sections together (references, uniqueness, disjoint pools).  It reports
 * through the jread (lib/jread.h), so every message names the JSON path,
 * and returns 0 or NFV_EINPUT. */
#ifndef NFV_PLAN_FILE_SCHEMA_H
#define NFV_PLAN_FILE_SCHEMA_H 1

#include <jansson.h>

#include "lib/jread.h"
#include "lib/plan-file.h"

int plan_file_check(struct jread *, const struct plan_file *);

#endif /* lib/plan-file-schema.h */
