/* unixctl.c: ovs-appctl's protocol (see unixctl.h). */
#include <config.h>

#include "ovs-ext/unixctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ovs-ext/jsonrpc.h"
#include "lib/sysfs.h"
#include "lib/util.h"

#define UNIXCTL_TIMEOUT_MS 10000

char *
unixctl_default_target(const char *db, struct diag *d)
{
    const char *path = !strncmp(db, "unix:", 5) ? db + 5 : db;
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash - path) : strdup(".");
    char *fixed = xasprintf("%s/ovs-vswitchd.ctl", dir);
    char *pidfile = xasprintf("%s/ovs-vswitchd.pid", dir);
    char *target = NULL;
    long pid;

    if (!access(fixed, F_OK)) {
        /* Started with --unixctl=DIR/ovs-vswitchd.ctl (the test harness). */
        target = fixed;
        fixed = NULL;
    } else if (sysfs_read_long(pidfile, &pid) || pid <= 0) {
        diag_error(d, NFV_ESYSTEM, "%s: cannot read ovs-vswitchd's pid (is "
                   "it running? or give --control SOCK)", pidfile);
    } else {
        target = xasprintf("%s/ovs-vswitchd.%ld.ctl", dir, pid);
    }
    free(fixed);
    free(pidfile);
    free(dir);
    return target;
}

char *
unixctl_command(const char *target, const char *command, int argc,
                const char *const argv[], struct diag *d)
{
    struct jsonrpc *rpc = jsonrpc_open(target, d);
    json_t *params = json_array(), *res;
    char *text = NULL;

    if (!rpc) {
        json_decref(params);
        return NULL;
    }
    for (int i = 0; i < argc; i++) {
        json_array_append_new(params, json_string(argv[i]));
    }
    res = jsonrpc_call(rpc, command, params, UNIXCTL_TIMEOUT_MS, d);
    if (res) {
        text = xstrdup(json_is_string(res) ? json_string_value(res) : "");
        json_decref(res);
    }
    jsonrpc_close(rpc);
    return text;
}
