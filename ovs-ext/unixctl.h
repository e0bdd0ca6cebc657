/* unixctl.h: commands to ovs-vswitchd's control socket, the JSON-RPC that
 * ovs-appctl speaks: method = command name, params = its arguments as
 * strings, result = the text ovs-appctl would print. */
#ifndef NFV_UNIXCTL_H
#define NFV_UNIXCTL_H 1

#include "lib/diag.h"

/* The control socket of the ovs-vswitchd whose pidfile is in the same run
 * directory as 'db' (unix:DIR/db.sock -> DIR/ovs-vswitchd.PID.ctl), as
 * ovs-appctl finds it, or DIR/ovs-vswitchd.ctl when that exists.  Caller
 * frees; NULL with diag set. */
char *unixctl_default_target(const char *db, struct diag *);

/* Runs 'command' with 'argc' string arguments; returns the reply text
 * (caller frees) or NULL with diag set. */
char *unixctl_command(const char *target, const char *command, int argc,
                      const char *const argv[], struct diag *);

#endif /* ovs-ext/unixctl.h */
