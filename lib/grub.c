/* grub.c: the GRUB drop-in (see grub.h). */
#include <config.h>

#include "lib/grub.h"

#include <stdlib.h>

#include "lib/plan-file.h"
#include "lib/util.h"

char *
grub_dropin(const char *header, char *const args[], size_t n)
{
    struct sbuf b;

    sbuf_init(&b);
    sbuf_printf(&b, "%sGRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_"
                "DEFAULT", header);
    for (size_t i = 0; i < n; i++) {
        if (!plan_file_kernel_arg_valid(args[i])) {
            sbuf_destroy(&b);
            return NULL;
        }
        sbuf_printf(&b, " %s", args[i]);
    }
    sbuf_puts(&b, "\"\n");
    return sbuf_steal(&b);
}
