/* grub.h: the GRUB drop-in that adds kernel arguments
 * (/etc/default/grub.d/nfvhost.cfg), written in one place.
 *
 * update-grub sources the drop-in as root, so it is shell: an argument
 * holding a quote, ';' or '$' would run a command.  grub_dropin() takes
 * the arguments one by one and refuses any that is not only
 * [A-Za-z0-9_.,:=/+-] (plan_file_kernel_arg_valid()), rather than pasting
 * text from a file into the shell line.  Both 'nfvhost plan' (grub.d/
 * nfvhost.cfg) and 'nfvhost hugepages apply --persist' write it with this
 * function. */
#ifndef NFV_GRUB_H
#define NFV_GRUB_H 1

#include <stddef.h>

/* 'header' (comment lines, each ending in a newline) and
 *   GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT ARGS"
 * with the 'n' arguments 'args'; NULL when one is unsafe.  Caller frees. */
char *grub_dropin(const char *header, char *const args[], size_t n);

#endif /* lib/grub.h */
