/* cmd-apply.c: 'nfvhost apply', the front of apply/: a whole plan made
 * real, step by step, resumable after the reboot it may need. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "cli/commands.h"
#include "cli/opts.h"
#include "lib/plan-file.h"

struct apply_cli {
    struct apply_opts o;
    const char *plan;
    const char *only;
};

static void
apply_usage(void)
{
    printf("Usage: nfvhost apply --plan PLAN.json [--dry-run] [--yes] "
           "[--resume] [--state FILE]\n"
           "                     [--sysfs-root DIR] [--db SOCKET] [-c URI] "
           "[--only STEP,...]\n"
           "Make the whole plan real, in order: 1 hugepages, 2 kernel "
           "(GRUB drop-in,\nupdate-grub), 3 reboot (stop until the kernel "
           "has the planned isolation),\n4 sriov, 5 ovs, 6 sockets, "
           "7 libvirt (define or tune each VM's domain),\n8 check.\n\n"
           "  --plan FILE       plan.json from 'nfvhost plan --output' or "
           "'nfvhost setup'\n"
           "  --dry-run         print every change of every step, make "
           "none\n"
           "  --yes             tune a domain of a planned VM's name that "
           "apply did not\n"
           "                    define (its disks and devices stay)\n"
           "  --resume          go on after the last finished step (after "
           "the reboot)\n"
           "  --state FILE      what was done (default %s,\n"
           "                    under DIR with --sysfs-root)\n"
           "  --sysfs-root DIR  /sys, /proc and /etc under DIR (a tree, "
           "for tests)\n"
           "  --db SOCKET       the ovsdb-server socket (default OVS's)\n"
           "  -c, --connect URI libvirt (default libvirt's, e.g. "
           "qemu:///system)\n"
           "  --only STEP,...   run only these steps: hugepages, kernel, "
           "reboot, sriov,\n"
           "                    ovs, sockets, libvirt, check\n\n"
           "Exit status: 0 applied, 1 system error, 2 bad input, 4 the "
           "applied host fails\na check, 5 reboot required (then 'nfvhost "
           "apply --plan PLAN --resume').\n", APPLY_DEFAULT_STATE);
}

enum {
    OPT_PLAN = 256, OPT_DRY_RUN, OPT_YES, OPT_RESUME, OPT_STATE,
    OPT_SYSFS_ROOT, OPT_DB, OPT_CONNECT, OPT_ONLY, OPT_HELP,
};

static const struct cli_opt options[] = {
    { "plan", true, OPT_PLAN, 0 },
    { "dry-run", false, OPT_DRY_RUN, 0 },
    { "yes", false, OPT_YES, 0 },
    { "resume", false, OPT_RESUME, 0 },
    { "state", true, OPT_STATE, 0 },
    { "sysfs-root", true, OPT_SYSFS_ROOT, 0 },
    { "db", true, OPT_DB, 0 },
    { "connect", true, OPT_CONNECT, 'c' },
    { "only", true, OPT_ONLY, 0 },
    { "help", false, OPT_HELP, 'h' },
    { NULL, false, 0, 0 },
};

/* 0, or -1 after --help. */
static int
parse_one(int id, const char *arg, void *a_)
{
    struct apply_cli *a = a_;

    switch (id) {
    case OPT_PLAN: a->plan = arg; break;
    case OPT_DRY_RUN: a->o.dry_run = true; break;
    case OPT_YES: a->o.yes = true; break;
    case OPT_RESUME: a->o.resume = true; break;
    case OPT_STATE: a->o.state = arg; break;
    case OPT_SYSFS_ROOT: a->o.root = arg; break;
    case OPT_DB: a->o.db = arg; break;
    case OPT_CONNECT: a->o.uri = arg; break;
    case OPT_ONLY: a->only = arg; break;
    case OPT_HELP: apply_usage(); return -1;
    }
    return 0;
}

static int
parse_opts(int argc, char *argv[], struct apply_cli *a, struct diag *d)
{
    char **operands;
    int n;
    int error = cli_opts_parse("apply", argc, argv, 1, options, parse_one, a,
                               &operands, &n);

    if (error) {
        return error;
    }
    if (n) {
        return cli_usage_error("apply", "unexpected argument '%s'",
                               operands[0]);
    }
    if (!a->plan) {
        return cli_usage_error("apply", "--plan PLAN.json is required");
    }
    if (!cli_opt_dir("apply", "--sysfs-root", a->o.root)) {
        return NFV_EINPUT;
    }
    if (a->only && apply_parse_steps(a->only, &a->o.only, d)) {
        return cli_report(d);
    }
    return 0;
}

int
cmd_apply(int argc, char *argv[])
{
    struct apply_cli a;
    struct plan_file *plan;
    struct diag diag;
    int error;

    memset(&a, 0, sizeof a);
    diag_init(&diag);
    error = parse_opts(argc, argv, &a, &diag);
    if (error) {
        diag_destroy(&diag);
        return error < 0 ? 0 : error;
    }
    plan = plan_file_load(a.plan, &diag);
    error = plan ? apply_run(&a.o, plan, stdout, &diag) : diag.status;
    fflush(stdout);
    cli_report(&diag);
    plan_file_destroy(plan);
    diag_destroy(&diag);
    return error;
}
