/* exec.h: running a helper program (qemu-img, update-grub) and reading
 * what it prints, without a shell: the arguments go to the program as
 * they are, so a path with spaces or quotes is one argument. */
#ifndef NFV_EXEC_H
#define NFV_EXEC_H 1

#include <stdbool.h>

/* Runs argv[0] (found in PATH) with stdin from /dev/null, and returns its
 * stdout (and, with 'with_stderr', its stderr too) in *output (caller
 * frees) and its exit status in *status (-1 when a signal ended it).
 * Returns 0 once it ran, or -errno when it could not be started (-ENOENT:
 * not installed). */
int exec_capture(char *const argv[], int with_stderr, char **output,
                 int *status);

/* Whether 'name' is an executable file in a directory of PATH (what
 * exec_capture() would start), so that a dry run can say it is missing. */
bool exec_found(const char *name);

#endif /* lib/exec.h */
