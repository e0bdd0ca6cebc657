/* changes.h: what an applier changed, for its --json report.
 *
 * Every command that changes the host ('hugepages apply', 'ovs apply')
 * notes each change it makes, or with --dry-run would make, as one item:
 * what (a pool, a mount, a file, a database column), its value before and
 * after.  With --json the command prints them as one document on stdout
 * (its progress goes to stderr), so that a caller (the Ansible role in
 * ansible/) knows whether anything changed without parsing text:
 *
 *   { "format": "nfvhost-changes", "version": 1,
 *     "command": "hugepages apply", "dry_run": false, "changed": true,
 *     "changes": [ { "what": "node 0, 2M pages", "before": "0",
 *                    "after": "512" }, ... ] }
 *
 * "changed" is true when "changes" is not empty; with --dry-run it says
 * what a real run would change, and nothing was.  A run that fails prints
 * no document (the exit status and stderr say why). */
#ifndef NFV_CHANGES_H
#define NFV_CHANGES_H 1

#include <stdbool.h>
#include <stddef.h>

struct change_item {
    char *what, *before, *after;
};

struct changes {
    struct change_item *items;
    size_t n;
};

void changes_init(struct changes *);
void changes_destroy(struct changes *);
/* Notes one change; 'before' or 'after' may be NULL (absent). */
void changes_add(struct changes *, const char *what, const char *before,
                 const char *after);
void changes_addf(struct changes *, const char *before, const char *after,
                  const char *what_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The report above, with a final newline.  Caller frees. */
char *changes_to_json(const struct changes *, const char *command,
                      bool dry_run);

#endif /* lib/changes.h */
