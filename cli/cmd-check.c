/* cmd-check.c: 'nfvhost check', the front of check/. */
#include <config.h>

#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check/check.h"
#include "check/print.h"
#include "cli/commands.h"
#include "cli/opts.h"
#include "lib/parse.h"
#include "lib/plan-file.h"
#include "lib/util.h"
#include "libvirt-templates/define.h"

enum {
    OPT_PLAN = 256, OPT_ROOT, OPT_DB, OPT_CONNECT, OPT_ONLY, OPT_JSON,
    OPT_NO_COLOR, OPT_WATCH, OPT_WINDOW, OPT_LIST, OPT_HELP,
};

static const struct cli_opt options[] = {
    { "plan", true, OPT_PLAN, 0 },
    { "sysfs-root", true, OPT_ROOT, 0 },
    { "db", true, OPT_DB, 0 },
    { "connect", true, OPT_CONNECT, 'c' },
    { "only", true, OPT_ONLY, 0 },
    { "json", false, OPT_JSON, 0 },
    { "no-color", false, OPT_NO_COLOR, 0 },
    { "watch", true, OPT_WATCH, 0 },
    { "window", true, OPT_WINDOW, 0 },
    { "list", false, OPT_LIST, 0 },
    { "help", false, OPT_HELP, 'h' },
    { NULL, false, 0, 0 },
};

struct cmd {
    struct check_opts o;
    bool only;                  /* --only given. */
    const char *plan;
    bool json;
    bool no_color;
    bool list;
    double watch_s;             /* 0: no --watch. */
};

static void
check_usage(void)
{
    printf(
"Usage: nfvhost check [--plan PLAN.json] [--sysfs-root DIR] [--db SOCKET]\n"
"                     [-c URI] [--only LAYER,...] [--json] [--no-color]\n"
"                     [--window S] [--watch S] [--list]\n"
"Check the live host against the plan, layer by layer (kernel, irq, "
"memory,\nnic, ovs, vm, loss): one line per finding, PASS, WARN or FAIL, "
"with the fix.\nThe loss layer reads OVS's counters over a window and "
"names the cause of\nevery drop.\n\n"
"  --plan FILE       plan.json from 'nfvhost plan --output' (without it: "
"only\n"
"                    what needs no plan: IOMMU, hugepages mounted, "
"OVS-DPDK up...)\n"
"  --sysfs-root DIR  read DIR/sys, DIR/proc, DIR/etc instead of the live "
"ones\n"
"  --db SOCKET       ovsdb-server socket (default /var/run/openvswitch/"
"db.sock);\n"
"                    ovs-vswitchd's control socket is found beside it\n"
"  -c, --connect URI libvirt connection for the vm layer (default %s)\n"
"  --only LAYERS     only these layers, comma-separated\n"
"  --json            one JSON document, a stable id per finding "
"(docs/check.md)\n"
"  --no-color        no colours (also NO_COLOR, or not a terminal)\n"
"  --window S        seconds the loss layer watches the counters (default "
"%g)\n"
"  --watch S         the loss layer every S seconds until interrupted, "
"printing\n"
"                    only what changed\n"
"  --list            print every finding id and what it means\n\n"
"Exit status: 0 nothing FAILs, 4 something FAILs, 1 a check could not run,"
"\n2 bad input.\n", CHECK_DEFAULT_URI, CHECK_DEFAULT_WINDOW_S);
}

/* --window and --watch: seconds, more than 0 and at most an hour. */
static bool
parse_seconds(const char *flag, const char *arg, double *v)
{
    if (!parse_double(arg, 0, 3600, v) || *v <= 0) {
        cli_usage_error("check", "%s %s: want seconds, more than 0 and at "
                        "most 3600", flag, arg);
        return false;
    }
    return true;
}

/* 0, -1 after --help, or 2 after the usage error. */
static int
parse_one(int id, const char *arg, void *c_)
{
    struct cmd *c = c_;
    struct diag d;
    int error = 0;

    switch (id) {
    case OPT_PLAN: c->plan = arg; break;
    case OPT_ROOT: c->o.root = arg; break;
    case OPT_DB: c->o.db = arg; break;
    case OPT_CONNECT: c->o.uri = arg; break;
    case OPT_ONLY:
        c->only = true;
        diag_init(&d);
        if (check_parse_layers(arg, &c->o.layers, &d)) {
            error = cli_usage_error("check", "%s", d.msg);
        }
        diag_destroy(&d);
        break;
    case OPT_JSON: c->json = true; break;
    case OPT_NO_COLOR: c->no_color = true; break;
    case OPT_WATCH:
        error = parse_seconds("--watch", arg, &c->watch_s) ? 0 : NFV_EINPUT;
        break;
    case OPT_WINDOW:
        error = parse_seconds("--window", arg, &c->o.window_s)
                ? 0 : NFV_EINPUT;
        break;
    case OPT_LIST: c->list = true; break;
    case OPT_HELP: check_usage(); return -1;
    }
    return error;
}

static int
parse_opts(int argc, char *argv[], struct cmd *c)
{
    char **operands;
    int n;
    int error = cli_opts_parse("check", argc, argv, 1, options, parse_one, c,
                               &operands, &n);

    if (error) {
        return error;
    }
    if (n) {
        return cli_usage_error("check", "unexpected argument '%s'",
                               operands[0]);
    }
    if (!domain_define_available()
        && ((c->only && (c->o.layers & (1u << CHECK_VM))) || c->o.uri)) {
        return cli_usage_error("check", "%s %s: %s", c->o.uri ? "-c"
                               : "--only", c->o.uri ? c->o.uri : "vm",
                               DEFINE_NO_LIBVIRT);
    }
    return 0;
}

static void
list_ids(void)
{
    for (const struct check_id *c = check_ids(); c->id; c++) {
        printf("%-28s %s\n", c->id, c->meaning);
    }
}

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    (void) sig;
    stop = 1;
}

/* Sleeps 's' seconds unless a signal says stop. */
static void
nap(double s)
{
    struct timespec ts = { (time_t) s, (long) ((s - floor(s)) * 1e9) };

    nanosleep(&ts, NULL);
}

/* '--watch S': the loss layer every S seconds, only what changed, until
 * SIGINT or SIGTERM.  The exit status is that of the last round. */
static int
watch(struct cmd *c, bool color)
{
    struct check_report prev, cur;
    struct check_watch *w;
    struct sigaction sa;
    int status = 0;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    c->o.window_s = c->watch_s;
    w = check_watch_begin(&c->o);
    check_report_init(&prev);
    if (!c->json) {
        printf("watching drops every %g s (Ctrl-C stops)\n", c->watch_s);
        fflush(stdout);
    }
    while (!stop) {
        nap(c->watch_s);
        if (stop) {
            break;
        }
        check_report_init(&cur);
        check_watch_next(w, &cur);
        check_print_changes(&prev, &cur, c->json, color, stdout);
        status = check_report_status(&cur);
        check_report_destroy(&prev);
        prev = cur;
    }
    check_report_destroy(&prev);
    check_watch_end(w);
    return status;
}

int
cmd_check(int argc, char *argv[])
{
    struct cmd c;
    struct diag d;
    struct check_report r;
    struct plan_file *plan = NULL;
    bool color;
    int status;

    memset(&c, 0, sizeof c);
    check_opts_init(&c.o);
    diag_init(&d);
    status = parse_opts(argc, argv, &c);
    if (status) {
        diag_destroy(&d);
        return status < 0 ? 0 : status;
    }
    if (c.list) {
        list_ids();
        diag_destroy(&d);
        return 0;
    }
    if (c.plan && !(plan = plan_file_load(c.plan, &d))) {
        status = cli_report(&d);
        diag_destroy(&d);
        return status;
    }
    c.o.plan = plan;
    color = !c.no_color && !getenv("NO_COLOR") && isatty(STDOUT_FILENO);
    if (c.watch_s > 0) {
        status = watch(&c, color);
    } else {
        check_report_init(&r);
        status = check_run(&c.o, &r, &d);
        if (status) {
            cli_report(&d);
        } else if (c.json) {
            json_t *j = check_report_json(&r, c.plan);
            char *s = json_dumps(j, JSON_INDENT(2));
            printf("%s\n", s);
            free(s);
            json_decref(j);
            status = check_report_status(&r);
        } else {
            check_print_text(&r, color, stdout);
            status = check_report_status(&r);
        }
        check_report_destroy(&r);
    }
    plan_file_destroy(plan);
    diag_destroy(&d);
    return status;
}
