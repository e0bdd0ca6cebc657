/* output.h: writing a set of generated files into a directory, all or
 * nothing.
 *
 * The files go into a fresh temporary directory beside the target, which
 * is then renamed into place (atomically exchanged with an earlier nfvhost
 * output directory); a failure anywhere leaves the target as it was. */
#ifndef NFV_OUTPUT_H
#define NFV_OUTPUT_H 1

#include "lib/diag.h"

struct output_file {
    const char *name;       /* Relative, may contain one "dir/". */
    char *text;
    int mode;
};

int output_write_dir(const char *dir, const char *marker,
                     const struct output_file *, int n, struct diag *);

#endif /* lib/output.h */
