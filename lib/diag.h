/* diag.h: how nfvhost reports errors and warnings.
 *
 * A function that can fail takes a 'struct diag *', sets a message and an
 * exit status with diag_error() and returns that status.  The statuses are
 * the CLI's exit codes, so the front end only has to print and return. */
#ifndef NFV_DIAG_H
#define NFV_DIAG_H 1

#include <stdarg.h>
#include <stddef.h>

enum {
    NFV_OK = 0,
    NFV_ESYSTEM = 1,        /* The machine or a file failed us. */
    NFV_EINPUT = 2,         /* The user's input is wrong. */
    NFV_EINFEASIBLE = 3,    /* Input is fine, but the plan cannot fit. */
};

struct diag {
    int status;
    char msg[1024];
    char **warnings;
    size_t n_warnings;
};

void diag_init(struct diag *);
void diag_destroy(struct diag *);
int diag_error(struct diag *, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warn(struct diag *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* lib/diag.h */
