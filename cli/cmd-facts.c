/* cmd-facts.c: 'nfvhost facts', this node's NIC facts as JSON, for
 * 'nfvhost fleet plan' (fleet/facts.h). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "fleet/facts.h"
#include "lib/util.h"
#include "planner/sysfs-nic.h"
#include "planner/topology.h"

static void
facts_usage(void)
{
    printf("Usage: nfvhost facts [--sysfs-root DIR]\n"
           "Print this node's NIC facts as JSON: what an hwloc XML export "
           "lacks (driver,\nSR-IOV counts, carrier, routes; and the group "
           "vhost-user sockets are shared\nthrough).  Save it as "
           "HOST.nics.json beside HOST.xml for 'nfvhost fleet plan'.\n\n"
           "  --sysfs-root DIR     read DIR/sys and DIR/proc instead of "
           "/sys and /proc\n"
           "                       (a fake tree)\n\n"
           "Exit status: 0 printed, 1 system error, 2 bad input.\n");
}

enum { OPT_ROOT = 1, OPT_HELP };

static const struct cli_opt options[] = {
    { "sysfs-root", true, OPT_ROOT, 0 },
    { "help", false, OPT_HELP, 'h' },
    { NULL, false, 0, 0 },
};

static int
parse_one(int id, const char *arg, void *root_)
{
    const char **root = root_;

    if (id == OPT_ROOT) {
        *root = arg;
        return 0;
    }
    facts_usage();
    return -1;
}

int
cmd_facts(int argc, char *argv[])
{
    const char *root = "";
    struct nfv_topology t;
    struct diag diag;
    struct stat st;
    char **operands;
    int n, error;

    error = cli_opts_parse("facts", argc, argv, 1, options, parse_one, &root,
                           &operands, &n);
    if (error) {
        return error < 0 ? 0 : error;
    }
    if (n) {
        return cli_usage_error("facts", "unexpected argument '%s'",
                               operands[0]);
    }
    if (*root && (stat(root, &st) || !S_ISDIR(st.st_mode))) {
        return cli_usage_error("facts", "--sysfs-root %s: not a directory",
                               root);
    }
    diag_init(&diag);
    memset(&t, 0, sizeof t);
    error = sysfs_nic_load(root, &t, &diag);
    topology_detect_host_group(&t);
    if (!error) {
        char *text = facts_to_json(&t);
        fputs(text, stdout);
        free(text);
    }
    cli_report(&diag);
    topology_destroy(&t);
    diag_destroy(&diag);
    return error;
}
