/* finding.h: what 'nfvhost check' finds, as data.
 *
 * A finding is one checked fact: its level (PASS, WARN, FAIL, or ERROR
 * when the check itself could not run), a stable id ("kernel.isolcpus";
 * the part before the dot is the layer), an optional subject (the IRQ,
 * port or VM it is about), what was checked, what was found, what the
 * plan (or the rule) wants, and the fix.  Every id is in the table of
 * finding.c with its meaning, so the documentation (docs/check.md) and
 * the code list the same ids; check_add() refuses any other.
 *
 * A report owns its findings and every string in them: check_str()
 * formats a string that lives as long as the report, so a layer can write
 *     check_add(r, CHECK_FAIL, "kernel.isolcpus", NULL, "isolcpus=",
 *               check_str(r, "%s", now), want, fix);
 * without freeing anything. */
#ifndef NFV_CHECK_FINDING_H
#define NFV_CHECK_FINDING_H 1

#include <stdbool.h>
#include <stddef.h>

enum check_level {
    CHECK_PASS,
    CHECK_WARN,
    CHECK_FAIL,
    CHECK_ERROR,                /* The check could not run. */
};
#define CHECK_N_LEVELS 4

struct check_finding {
    enum check_level level;
    const char *id;             /* From the id table. */
    const char *subject;        /* NULL: the host as a whole. */
    const char *what;           /* What was checked. */
    const char *found;          /* NULL: nothing to show. */
    const char *want;           /* NULL: no target value. */
    const char *fix;            /* NULL for PASS. */
};

struct check_report {
    struct check_finding *findings;
    size_t n, cap;
    char **notes;               /* Sentences for the end of the report. */
    size_t n_notes;
    char **strings;             /* Owned by the report (check_str()). */
    size_t n_strings, cap_strings;
};

/* One documented id. */
struct check_id {
    const char *id;
    const char *meaning;
};

void check_report_init(struct check_report *);
void check_report_destroy(struct check_report *);

/* A formatted string owned by 'r'. */
const char *check_str(struct check_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends a finding (the strings are copied into 'r').  An id that is not
 * in the table is a bug: it aborts. */
void check_add(struct check_report *, enum check_level, const char *id,
               const char *subject, const char *what, const char *found,
               const char *want, const char *fix);
void check_note(struct check_report *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* How many findings have 'level'. */
size_t check_report_count(const struct check_report *, enum check_level);
/* The exit status the report stands for: 4 when something FAILs, else 1
 * when a check could not run, else 0. */
int check_report_status(const struct check_report *);

const char *check_level_name(enum check_level);
/* The table of every id, NULL-terminated, in documentation order. */
const struct check_id *check_ids(void);
const struct check_id *check_id_find(const char *id);

#endif /* check/finding.h */
