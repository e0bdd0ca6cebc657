/* output.h: what an --output flag writes: a set of generated files into a
 * directory, all or nothing, and never over files nfvhost did not write;
 * or one file.
 *
 * The files go into a fresh temporary directory beside the target, which
 * is then renamed into place (atomically exchanged with an earlier nfvhost
 * output directory); a failure anywhere leaves the target as it was.  A
 * single file goes through a temporary file and rename().  Both create
 * the missing directories above the target first, mode 0755, so
 * "--output out/homelab" works in a fresh clone.
 *
 * Every output directory carries OUTPUT_MANIFEST, the list of the files
 * nfvhost wrote in it.  An existing target is replaced only when it is
 * such a directory, its list names the caller's 'marker' file (plan.json
 * for a plan, fleet.json for a fleet) and accounts for every file, link
 * and directory in it: anything else would be deleted with it.  Otherwise
 * the write is refused with status 2, naming the foreign file.  Should a
 * foreign file appear in the old directory during the swap, the old
 * directory is kept (and named in a warning) rather than deleted.
 *
 * output_write_dir() does it in one call.  A caller with more files than
 * it wants in memory at once (a fleet of hosts) stages them:
 *   1. output_dir_begin() checks the target and makes the temporary
 *      directory;
 *   2. output_dir_write() adds files, under any subdirectory; calls for
 *      different subdirectories may run in parallel threads;
 *      output_dir_fopen() opens one to write in pieces;
 *   3. output_dir_commit() flushes the file system once and swaps the
 *      directory into place, or output_dir_abort() throws it away. */
#ifndef NFV_OUTPUT_H
#define NFV_OUTPUT_H 1

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"

struct output_file {
    const char *name;       /* Relative; may contain "dir/" parts. */
    char *text;
    int mode;
};

int output_write_dir(const char *dir, const char *marker,
                     const struct output_file *, int n, struct diag *);
/* Writes 'text' to 'path' (mode 'mode'); errors name 'flag' ("--svg"). */
int output_write_file(const char *flag, const char *path, const char *text,
                      int mode, struct diag *);

#define OUTPUT_MANIFEST ".nfvhost-output"

struct output_dir {
    char *dir;              /* The target. */
    char *tmp;              /* Where the files go until the commit. */
    char *marker;
    bool exists;            /* The target is an earlier output directory. */
};

/* Refuses (exit status 2) an existing 'dir' that output_dir_check()
 * refuses. */
int output_dir_begin(struct output_dir *, const char *dir,
                     const char *marker, struct diag *);
/* Writes the files under 'subdir' (NULL: the top) of the staging
 * directory. */
int output_dir_write(const struct output_dir *, const char *subdir,
                     const struct output_file *, int n, struct diag *);
/* Opens 'name' (under the staging directory; its parent directories are
 * made) for a file written in pieces, too big to build in memory first;
 * the caller checks its writes and fclose(). */
FILE *output_dir_fopen(const struct output_dir *, const char *name,
                       int mode, struct diag *);
/* Writes the manifest, flushes, swaps. */
int output_dir_commit(struct output_dir *, struct diag *);
void output_dir_abort(struct output_dir *);

/* A file the caller read from inside 'dir' (the plan's --intent): when
 * 'path' lies in 'dir', '*name' (relative to 'dir'), '*text' and '*mode'
 * become a copy of it to write with the new files, since the replacement
 * would delete it otherwise; '*name' is NULL when it lies elsewhere.  The
 * caller frees name and text.  Status 2 when the file has the name of the
 * manifest. */
int output_keep_file(const char *dir, const char *path, char **name,
                     char **text, int *mode, struct diag *);

/* 0 when 'dir' does not exist or may be replaced by an output whose
 * marker is 'marker'; status 2 naming what is in the way otherwise. */
int output_dir_check(const char *dir, const char *marker, struct diag *);

#endif /* lib/output.h */
