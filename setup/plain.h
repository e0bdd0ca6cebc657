/* plain.h: the setup wizard line by line (--plain, or no terminal), and
 * the --answers run that asks nothing (see plain.c). */
#ifndef NFV_PLAIN_H
#define NFV_PLAIN_H 1

#include <stdio.h>

#include "lib/diag.h"
#include "setup/answers.h"
#include "setup/wizard.h"

/* Asks every screen's questions on 'in'/'out'; writes on the Review
 * screen's "write".  Status 0 written, SETUP_STOPPED (end of input,
 * "quit"), or wizard_write()'s. */
int plain_run(struct wizard *, FILE *in, FILE *out, struct diag *);
/* --answers FILE: answer, plan, show the plan, write. */
int plain_answers(struct wizard *, const char *path, FILE *out,
                  struct diag *);
/* "Wrote:" and the files, after a wizard_write(). */
void plain_written(const struct wizard *, FILE *out);

#endif /* setup/plain.h */
