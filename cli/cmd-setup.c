/* cmd-setup.c: 'nfvhost setup', the front of setup/: the full-screen
 * wizard on a terminal, line by line without one (or with --plain), or
 * every answer from a file (--answers). */
#include <config.h>

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
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

static int
parse_opts(int argc, char *argv[], struct setup_opts *o)
{
    static const struct option longopts[] = {
        { "topology", required_argument, NULL, 't' },
        { "sysfs-root", required_argument, NULL, 's' },
        { "intent", required_argument, NULL, 'i' },
        { "output", required_argument, NULL, 'o' },
        { "answers", required_argument, NULL, 'a' },
        { "plain", no_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct stat st;
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
        switch (c) {
        case 't': o->w.topology = optarg; break;
        case 's': o->w.sysfs_root = optarg; break;
        case 'i': o->w.intent = optarg; break;
        case 'o': o->w.output = optarg; break;
        case 'a': o->answers = optarg; break;
        case 'p': o->plain = true; break;
        case 'h': setup_usage(); return -1;
        case ':':
            return cli_usage_error("setup", "option '%s' needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error("setup", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return cli_usage_error("setup", "unexpected argument '%s'",
                               argv[optind]);
    }
    if (o->w.sysfs_root
        && (stat(o->w.sysfs_root, &st) || !S_ISDIR(st.st_mode))) {
        return cli_usage_error("setup", "--sysfs-root %s: not a directory",
                               o->w.sysfs_root);
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
