/* diag.c: error and warning collection (see diag.h). */
#include <config.h>

#include "lib/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

void
diag_init(struct diag *d)
{
    memset(d, 0, sizeof *d);
}

void
diag_destroy(struct diag *d)
{
    for (size_t i = 0; i < d->n_warnings; i++) {
        free(d->warnings[i]);
    }
    free(d->warnings);
    memset(d, 0, sizeof *d);
}

/* Keeps the first error: later failures are usually consequences of it. */
int
diag_error(struct diag *d, int status, const char *fmt, ...)
{
    if (!d->status) {
        va_list args;

        va_start(args, fmt);
        vsnprintf(d->msg, sizeof d->msg, fmt, args);
        va_end(args);
        d->status = status;
    }
    return d->status;
}

void
diag_warn(struct diag *d, const char *fmt, ...)
{
    va_list args;
    char *s;

    va_start(args, fmt);
    s = xvasprintf(fmt, args);
    va_end(args);
    d->warnings = xrealloc(d->warnings,
                           (d->n_warnings + 1) * sizeof *d->warnings);
    d->warnings[d->n_warnings++] = s;
}
