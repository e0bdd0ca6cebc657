/* print.h: the report of 'nfvhost check' for people and for programs.
 *
 * Text: one line per finding,
 *   FAIL  kernel  [kernel.isolcpus] isolcpus= on the kernel command line:
 *         found absent, want 2-5,8-11. Fix: ...
 * (one line, wrapped here), the level coloured on a terminal, then the
 * notes and a count.  JSON: one document, {"format": "nfvhost-check",
 * "version": 1, "status", "counts", "findings": [...], "notes"}, each
 * finding an object with "id", "layer", "level", "subject", "check",
 * "found", "want", "fix" (null where absent); docs/check.md describes it.
 * For '--watch', check_print_changes() prints only the findings that
 * differ from the previous round's. */
#ifndef NFV_CHECK_PRINT_H
#define NFV_CHECK_PRINT_H 1

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "check/finding.h"

#define CHECK_JSON_VERSION 1

void check_print_finding(const struct check_finding *, bool color, FILE *);
void check_print_text(const struct check_report *, bool color, FILE *);

json_t *check_finding_json(const struct check_finding *);
/* The whole report; 'plan' is the plan's path or NULL. */
json_t *check_report_json(const struct check_report *, const char *plan);

/* Prints the findings of 'now' that are not in 'before' (same id,
 * subject and level: the counts in the text change every round), as text
 * lines or, with 'json', one compact
 * JSON object per line; then, for each finding of 'before' whose id and
 * subject are gone from 'now', a line saying it cleared.  Returns how
 * many lines it printed. */
size_t check_print_changes(const struct check_report *before,
                           const struct check_report *now, bool json,
                           bool color, FILE *);

#endif /* check/print.h */
