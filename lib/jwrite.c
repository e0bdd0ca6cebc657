/* jwrite.c: see jwrite.h. */
#include <config.h>

#include "lib/jwrite.h"

json_t *
jwrite_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}
