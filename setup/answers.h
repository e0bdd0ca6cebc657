/* answers.h: 'nfvhost setup --answers FILE', every question answered from
 * an INI file (see answers.c). */
#ifndef NFV_ANSWERS_H
#define NFV_ANSWERS_H 1

#include "lib/diag.h"
#include "setup/wizard.h"

/* Applies every answer of 'path' to 'w'; on the first bad one, status 2
 * and "FILE:LINE: [SECTION] KEY: why". */
int answers_read(struct wizard *, const char *path, struct diag *);

#endif /* setup/answers.h */
