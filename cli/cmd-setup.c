/* cmd-setup.c: 'nfvhost setup', the front of setup/: the full-screen
 * wizard on a terminal, line by line without one (or with --plain), or
 * every answer from a file (--answers). */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "lib/util.h"
#include "setup/plain.h"
#include "setup/tui.h"
#include "setup/wizard.h"

struct setup_opts {
    struct wizard_opts w;
    const char *answers;
    bool plain;
};

static void
setup_usage(void)
{
    printf("Usage: nfvhost setup [--topology FILE.xml] [--sysfs-root DIR] "
           "[--intent FILE.ini]\n"
           "                     [--output DIR] [--answers FILE] "
           "[--plain]\n"
           "Walk through the machine, the uplink, the host's pools and the "
           "VMs, show the\nplan, and write the intent and the plan's files. "
           "Nothing is applied unless\nthe Review screen's 'Write and "
           "apply' is chosen.\n\n"
           "  --topology FILE.xml  set up the host exported with 'lstopo --of "
           "xml' (default:\n"
           "                       this machine)\n"
           "  --sysfs-root DIR     read NIC facts from DIR/sys and DIR/proc\n"
           "  --intent FILE.ini    start from this intent (edit it)\n"
           "  --output DIR         where to write intent.ini and the plan "
           "(default:\n"
           "                       /etc/nfvhost as root, else ./nfvhost-setup)\n"
           "  --answers FILE       answer every question from FILE (INI, the "
           "intent's keys\n"
           "                       and [setup] sriov_pf, role); ask nothing\n"
           "  --plain              ask line by line (also without a "
           "terminal)\n\n"
           "Exit status: 0 written, 1 system error, 2 bad input, "
           "3 infeasible plan,\n130 stopped (Ctrl-C, quit, end of input): "
           "nothing written.\n");
}

enum {
    OPT_TOPOLOGY = 256, OPT_SYSFS_ROOT, OPT_INTENT, OPT_OUTPUT, OPT_ANSWERS,
    OPT_PLAIN, OPT_HELP,
};

static const struct cli_opt options[] = {
    { "topology", true, OPT_TOPOLOGY, 0 },
    { "sysfs-root", true, OPT_SYSFS_ROOT, 0 },
    { "intent", true, OPT_INTENT, 0 },
    { "output", true, OPT_OUTPUT, 0 },
    { "answers", true, OPT_ANSWERS, 0 },
    { "plain", false, OPT_PLAIN, 0 },
    { "help", false, OPT_HELP, 'h' },
    { NULL, false, 0, 0 },
};

/* 0, or -1 after --help. */
static int
parse_one(int id, const char *arg, void *o_)
{
    struct setup_opts *o = o_;

    switch (id) {
    case OPT_TOPOLOGY: o->w.topology = arg; break;
    case OPT_SYSFS_ROOT: o->w.sysfs_root = arg; break;
    case OPT_INTENT: o->w.intent = arg; break;
    case OPT_OUTPUT: o->w.output = arg; break;
    case OPT_ANSWERS: o->answers = arg; break;
    case OPT_PLAIN: o->plain = true; break;
    case OPT_HELP: setup_usage(); return -1;
    }
    return 0;
}

static int
parse_opts(int argc, char *argv[], struct setup_opts *o)
{
    char **operands;
    int n;
    int error = cli_opts_parse("setup", argc, argv, 1, options, parse_one, o,
                               &operands, &n);

    if (error) {
        return error;
    }
    if (n) {
        return cli_usage_error("setup", "unexpected argument '%s'",
                               operands[0]);
    }
    if (!cli_opt_dir("setup", "--sysfs-root", o->w.sysfs_root)) {
        return NFV_EINPUT;
    }
    if (!o->w.output) {
        o->w.output = geteuid() ? "nfvhost-setup" : "/etc/nfvhost";
    }
    return 0;
}

int
cmd_setup(int argc, char *argv[])
{
    struct setup_opts o;
    struct wizard w;
    struct diag diag;
    int error;

    memset(&o, 0, sizeof o);
    error = parse_opts(argc, argv, &o);
    if (error) {
        return error < 0 ? 0 : error;
    }
    diag_init(&diag);
    error = wizard_init(&w, &o.w, &diag);
    if (!error) {
        if (o.answers) {
            error = plain_answers(&w, o.answers, stdout, &diag);
        } else if (o.plain || !isatty(STDIN_FILENO)
                   || !isatty(STDOUT_FILENO)) {
            error = plain_run(&w, stdin, stdout, &diag);
        } else {
            error = tui_run(&w, &diag);
        }
    }
    cli_report(&diag);
    wizard_destroy(&w);
    diag_destroy(&diag);
    return error;
}
