/* cmd-fleet.c: 'nfvhost fleet plan', the front of fleet/. */
#include <config.h>

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
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

static int
parse_jobs(const char *s, int *jobs)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (!*s || *end || v < 1 || v > MAX_JOBS) {
        return cli_usage_error("fleet plan", "-j %s: expected a number of "
                               "threads, 1-%d", s, MAX_JOBS);
    }
    *jobs = v;
    return 0;
}

static int
parse_opts(int argc, char *argv[], struct fleet_opts *o, bool *json)
{
    static const struct option longopts[] = {
        { "hosts", required_argument, NULL, 'H' },
        { "intent", required_argument, NULL, 'i' },
        { "groups", required_argument, NULL, 'g' },
        { "output", required_argument, NULL, 'o' },
        { "jobs", required_argument, NULL, 'j' },
        { "json", no_argument, NULL, 'J' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c, error;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+:j:", longopts, NULL)) != -1) {
        switch (c) {
        case 'H': o->hosts_dir = optarg; break;
        case 'i': o->intent = optarg; break;
        case 'g': o->groups = optarg; break;
        case 'o': o->output = optarg; break;
        case 'j':
            if ((error = parse_jobs(optarg, &o->jobs))) {
                return error;
            }
            break;
        case 'J': *json = true; break;
        case 'h': fleet_usage(); return -1;
        case ':':
            return cli_usage_error("fleet plan", "option '%s' needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error("fleet plan", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return cli_usage_error("fleet plan", "unexpected argument '%s'",
                               argv[optind]);
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
