/* cmd-fleet.c: 'nfvhost fleet plan', the front of fleet/. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "fleet/fleet.h"
#include "lib/util.h"

#define MAX_JOBS 1024
#define MAX_LISTED 10           /* Hosts not planned, named on stdout. */

static void
fleet_usage(void)
{
    printf("Usage: nfvhost fleet plan --hosts DIR [--intent FILE.ini] "
           "[--groups FILE.ini]\n"
           "                          --output DIR [-j N] [--json]\n"
           "Plan every host of a cloud in one pass: each HOST.xml of DIR "
           "(with its\nHOST.nics.json, from 'nfvhost facts'), with the "
           "intent of its group.\n\n"
           "  --hosts DIR          HOST.xml topologies ('lstopo --of xml'), "
           "HOST.nics.json\n"
           "  --intent FILE.ini    the intent of hosts in no group (default: "
           "docs/planner.md,\n"
           "                       'Defaults')\n"
           "  --groups FILE.ini    [group PATTERN] sections, each 'intent = "
           "FILE.ini'\n"
           "  --output DIR         DIR/HOST/ as 'nfvhost plan --output' "
           "writes it, and\n"
           "                       fleet.json, flavors.sh, aggregates.sh, "
           "report.md\n"
           "  -j, --jobs N         plan N hosts at a time (threads; default: "
           "online CPUs)\n"
           "  --json               print fleet.json instead of the summary\n\n"
           "Exit status: 0 every host planned, 1 system error, 2 bad input "
           "(of a host:\nit is listed, the rest is written), 3 some host "
           "infeasible.\n");
}

enum { OPT_HOSTS = 1, OPT_INTENT, OPT_GROUPS, OPT_OUTPUT, OPT_JOBS,
       OPT_JSON, OPT_HELP };

static const struct cli_opt options[] = {
    { "hosts", true, OPT_HOSTS, 0 },
    { "intent", true, OPT_INTENT, 0 },
    { "groups", true, OPT_GROUPS, 0 },
    { "output", true, OPT_OUTPUT, 0 },
    { "jobs", true, OPT_JOBS, 'j' },
    { "json", false, OPT_JSON, 0 },
    { "help", false, OPT_HELP, 'h' },
    { NULL, false, 0, 0 },
};

struct fleet_cli {
    struct fleet_opts *o;
    bool *json;
};

static int
parse_one(int id, const char *arg, void *cli_)
{
    struct fleet_cli *cli = cli_;
    struct fleet_opts *o = cli->o;

    switch (id) {
    case OPT_HOSTS: o->hosts_dir = arg; break;
    case OPT_INTENT: o->intent = arg; break;
    case OPT_GROUPS: o->groups = arg; break;
    case OPT_OUTPUT: o->output = arg; break;
    case OPT_JOBS:
        if (!cli_opt_int("fleet plan", "-j", arg, 1, MAX_JOBS, &o->jobs)) {
            return NFV_EINPUT;
        }
        break;
    case OPT_JSON: *cli->json = true; break;
    default: fleet_usage(); return -1;
    }
    return 0;
}

static int
parse_opts(int argc, char *argv[], struct fleet_opts *o, bool *json)
{
    struct fleet_cli cli = { o, json };
    char **operands;
    int n;
    int error = cli_opts_parse("fleet plan", argc, argv, 1, options,
                               parse_one, &cli, &operands, &n);

    if (error) {
        return error;
    }
    if (n) {
        return cli_usage_error("fleet plan", "unexpected argument '%s'",
                               operands[0]);
    }
    if (!o->hosts_dir || !o->output) {
        return cli_usage_error("fleet plan", "--hosts DIR and --output DIR "
                               "are required");
    }
    return 0;
}

/* The few hosts not planned, then where the rest is. */
static void
print_summary(const struct fleet *f, const char *output)
{
    struct fleet_counts c;
    size_t listed = 0;

    fleet_count(f, &c);
    printf("Planned %zu of %zu host(s) in %d shape(s), %d flavor(s)",
           c.planned, f->n_hosts, f->n_shapes, f->n_flavors);
    if (c.infeasible || c.bad_input || c.failed) {
        printf("; not planned: %zu infeasible, %zu bad input, %zu failed",
               c.infeasible, c.bad_input, c.failed);
    }
    printf(".\n");
    for (size_t i = 0; i < f->n_hosts; i++) {
        const struct fleet_host *h = &f->hosts[i];
        if (h->status && listed++ < MAX_LISTED) {
            printf("  %s: %s: %s\n", h->name, fleet_status_name(h->status),
                   h->reason);
        }
    }
    if (listed > MAX_LISTED) {
        printf("  ... and %zu more: see %s/report.md\n", listed - MAX_LISTED,
               output);
    }
    printf("\nWrote %s/: fleet.json flavors.sh aggregates.sh report.md\n"
           "  and one directory per planned host (%zu)\n", output,
           c.planned);
}

static int
print_file(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    char buf[65536];
    size_t n;

    if (!f) {
        fprintf(stderr, "nfvhost: %s: %m\n", path);
        free(path);
        return NFV_ESYSTEM;
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        fwrite(buf, 1, n, stdout);
    }
    fclose(f);
    free(path);
    return 0;
}

static int
fleet_plan_main(int argc, char *argv[])
{
    struct fleet_opts o = { .jobs = sysconf(_SC_NPROCESSORS_ONLN) };
    struct fleet fleet;
    struct diag diag;
    bool json = false;
    int error;

    if (o.jobs < 1) {
        o.jobs = 1;
    }
    error = parse_opts(argc, argv, &o, &json);
    if (error) {
        return error < 0 ? 0 : error;
    }
    diag_init(&diag);
    error = fleet_plan(&o, &fleet, &diag);
    cli_report(&diag);
    /* Hosts that did not plan are the report's business, not a failure
     * of the run: it is written all the same. */
    if (!diag.status) {
        if (json) {
            int e = print_file(o.output, FLEET_OUTPUT_MARKER);
            error = e ? e : error;
        } else {
            print_summary(&fleet, o.output);
        }
    }
    fleet_destroy(&fleet);
    diag_destroy(&diag);
    return error;
}

int
cmd_fleet(int argc, char *argv[])
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fleet_usage();
        return argc < 2 ? NFV_EINPUT : 0;
    }
    if (strcmp(argv[1], "plan")) {
        return cli_usage_error("fleet", "unknown subcommand '%s': expected "
                               "'plan'", argv[1]);
    }
    return fleet_plan_main(argc - 1, argv + 1);
}
