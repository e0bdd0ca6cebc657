/* cmd-facts.c: 'nfvhost facts', this node's NIC facts as JSON, for
 * 'nfvhost fleet plan' (fleet/facts.h). */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
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

int
cmd_facts(int argc, char *argv[])
{
    static const struct option longopts[] = {
        { "sysfs-root", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *root = "";
    struct nfv_topology t;
    struct diag diag;
    struct stat st;
    int c, error;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
        switch (c) {
        case 's': root = optarg; break;
        case 'h': facts_usage(); return 0;
        case ':':
            return cli_usage_error("facts", "option '%s' needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error("facts", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return cli_usage_error("facts", "unexpected argument '%s'",
                               argv[optind]);
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
