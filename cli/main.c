/* main.c: the nfvhost command: dispatch to a subcommand. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "lib/diag.h"

struct command {
    const char *name;
    int (*main)(int argc, char *argv[]);
    const char *summary;
};

static const struct command commands[] = {
    { "setup", cmd_setup,
      "the home-lab wizard: machine, uplink, pools, VMs -> intent + plan" },
    { "apply", cmd_apply,
      "the whole plan, step by step: hugepages ... libvirt, then check" },
    { "plan", cmd_plan,
      "topology + intent -> CPU pools, hugepages, OVS/kernel/tuned config" },
    { "ovs", cmd_ovs, "apply the plan to OVS-DPDK; vhost-user ports; PMD status" },
    { "hugepages", cmd_hugepages, "per-NUMA hugepages from the plan: status, apply, reset" },
    { "vhost", cmd_vhost, "VM-less vhost-user endpoint: bench (NDR search), loop, tap" },
    { "vm", cmd_vm, "libvirt domain XML for a planned VM: xml, tune, check" },
    { "check", cmd_check, "is the host what the plan says, and why does it "
      "drop packets?" },
    { "fleet", cmd_fleet, "plan many hosts in one pass: per-host plans, flavors, aggregates" },
    { "facts", cmd_facts, "this node's NIC facts as JSON, for 'fleet plan'" },
};

static void
usage(FILE *f)
{
    fprintf(f, "Usage: nfvhost [--help] [--version] COMMAND [ARGS]\n"
            "Turn one Linux server into an NFV host: OVS-DPDK, vhost-user "
            "VMs, SR-IOV.\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(f, "\nRun 'nfvhost COMMAND --help' for a command's options.\n"
            "Exit status: 0 done, 1 system error, 2 bad input, "
            "3 infeasible plan\n(check: 4 when a check FAILs).\n");
}

int
cli_report(const struct diag *d)
{
    for (size_t i = 0; i < d->n_warnings; i++) {
        fprintf(stderr, "nfvhost: warning: %s\n", d->warnings[i]);
    }
    if (d->status) {
        fprintf(stderr, "nfvhost: %s%s\n",
                d->status == 3 ? "infeasible plan: " : "", d->msg);
    }
    return d->status;
}

int
cli_usage_error(const char *sub, const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "nfvhost %s: ", sub);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\nTry 'nfvhost %s --help'.\n", sub);
    return NFV_EINPUT;
}

int
main(int argc, char *argv[])
{
    if (argc < 2) {
        usage(stderr);
        return NFV_EINPUT;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("nfvhost %s\n", PACKAGE_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(argv[1], commands[i].name)) {
            return commands[i].main(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "nfvhost: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return NFV_EINPUT;
}
