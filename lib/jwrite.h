/* jwrite.h: small helpers for writing JSON documents (jansson), shared by
 * every part that writes one (plan.json, fleet.json, check --json, the
 * changes of a re-plan). */
#ifndef NFV_JWRITE_H
#define NFV_JWRITE_H 1

#include <jansson.h>

/* A JSON string of 's', or JSON null when 's' is NULL: the way the
 * project's documents say "absent" for an optional string. */
json_t *jwrite_str_or_null(const char *s);

#endif /* lib/jwrite.h */
