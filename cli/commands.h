/* commands.h: the nfvhost subcommands.  Each is a thin front over a library
 * module: it parses flags, calls the module, prints, and returns the exit
 * status (0 ok, 1 system error, 2 bad input, 3 infeasible). */
#ifndef NFV_COMMANDS_H
#define NFV_COMMANDS_H 1

struct diag;

int cmd_plan(int argc, char *argv[]);
int cmd_vm(int argc, char *argv[]);
int cmd_setup(int argc, char *argv[]);
int cmd_apply(int argc, char *argv[]);
int cmd_hugepages(int argc, char *argv[]);
int cmd_ovs(int argc, char *argv[]);
int cmd_vhost(int argc, char *argv[]);
int cmd_check(int argc, char *argv[]);
int cmd_fleet(int argc, char *argv[]);
int cmd_facts(int argc, char *argv[]);

/* Prints "nfvhost: MSG" and any warnings; returns diag's status. */
int cli_report(const struct diag *);
/* Prints "nfvhost SUB: unknown option ..." style errors; returns 2. */
int cli_usage_error(const char *sub, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* cli/commands.h */
