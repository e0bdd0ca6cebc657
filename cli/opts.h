/* opts.h: the command line of every subcommand, parsed one way.
 *
 * A subcommand lists its options in a table and asks for them one at a
 * time; the usage errors are the same everywhere and name the option:
 *     nfvhost plan: option '--intent' needs a value
 *     nfvhost plan: unknown option '--intnet'
 *     nfvhost plan: option '--json' takes no value
 * followed by "Try 'nfvhost SUB --help'.".  Options may come before or
 * after the operands (GNU order), and "--" ends them.  Values that must be
 * numbers are checked with cli_opt_int() and friends, which give the same
 * kind of message: "nfvhost ovs: --vlan 5000: expected 1-4094". */
#ifndef NFV_OPTS_H
#define NFV_OPTS_H 1

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

/* One option: "--NAME" (and "-C" when short_name is not 0); 'id' is what
 * cli_opts_next() returns for it: any int except 0, '?' and ':'. */
struct cli_opt {
    const char *name;
    bool has_arg;
    int id;
    char short_name;
};

enum {
    CLI_OPTS_END = -1,          /* No more options. */
    CLI_OPTS_BAD = -2,          /* A usage error was printed: exit 2. */
};

struct cli_opts {
    const char *sub;            /* "plan", "vm"... for messages. */
    int argc;
    char **argv;
    const struct cli_opt *table;    /* Ends with a NULL name. */
    struct option *longopts;
    char shortopts[64];
};

/* Parses argv[first..argc-1]: argv[first - 1] is the subcommand's (or
 * verb's) own name. */
void cli_opts_init(struct cli_opts *, const char *sub, int argc,
                   char *argv[], int first, const struct cli_opt *table);
/* The next option's id, with '*arg' its value (NULL for a flag), or
 * CLI_OPTS_END, or CLI_OPTS_BAD after printing the error. */
int cli_opts_next(struct cli_opts *, const char **arg);
/* After CLI_OPTS_END: the operands, in order. */
char **cli_opts_operands(const struct cli_opts *, int *n);
void cli_opts_destroy(struct cli_opts *);

/* The whole loop: calls 'fn' with each option's id and value (NULL for
 * a flag) and 'ctx'; 'fn' returns 0 to go on, -1 to stop (after --help)
 * or 2 after a usage error.  Returns 0, -1 or 2; the operands go to
 * '*operands' and '*n'. */
int cli_opts_parse(const char *sub, int argc, char *argv[], int first,
                   const struct cli_opt *table,
                   int (*fn)(int id, const char *arg, void *ctx), void *ctx,
                   char ***operands, int *n);

/* Number values of options: true, or false after printing
 * "nfvhost SUB: FLAG VALUE: expected MIN-MAX". */
bool cli_opt_int(const char *sub, const char *flag, const char *value,
                 int min, int max, int *);
bool cli_opt_uint64(const char *sub, const char *flag, const char *value,
                    uint64_t max, uint64_t *);
/* True when 'value' is NULL (not given) or a directory; else false after
 * "nfvhost SUB: FLAG VALUE: not a directory". */
bool cli_opt_dir(const char *sub, const char *flag, const char *value);

#endif /* cli/opts.h */
