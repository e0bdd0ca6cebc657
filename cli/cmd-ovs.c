/* cmd-ovs.c: 'nfvhost ovs apply|port|release|status', the front of
 * ovs-ext/. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "ovs-ext/ovsdb.h"
#include "ovs-ext/status.h"
#include "ovs-ext/unixctl.h"
#include "ovs-ext/want.h"
#include "ovs-ext/workflow.h"
#include "lib/changes.h"
#include "lib/plan-file.h"
#include "lib/util.h"

enum {
    OPT_DB = 256, OPT_BRIDGE, OPT_SOCK_DIR, OPT_QEMU_GROUP, OPT_SYSFS_ROOT,
    OPT_DRY_RUN, OPT_NO_WAIT, OPT_CPU_MAP, OPT_SET, OPT_PLAN, OPT_VLAN,
    OPT_PMD, OPT_QUEUES, OPT_MTU, OPT_PORT_ID, OPT_MAC, OPT_VM_UUID,
    OPT_JSON, OPT_CONTROL, OPT_REBALANCE, OPT_HELP,
};

static const struct cli_opt options[] = {
    { "db", true, OPT_DB, 0 },
    { "bridge", true, OPT_BRIDGE, 0 },
    { "sock-dir", true, OPT_SOCK_DIR, 0 },
    { "qemu-group", true, OPT_QEMU_GROUP, 0 },
    { "sysfs-root", true, OPT_SYSFS_ROOT, 0 },
    { "dry-run", false, OPT_DRY_RUN, 0 },
    { "no-wait", false, OPT_NO_WAIT, 0 },
    { "cpu-map", true, OPT_CPU_MAP, 0 },
    { "set", true, OPT_SET, 0 },
    { "plan", true, OPT_PLAN, 0 },
    { "vlan", true, OPT_VLAN, 0 },
    { "pmd", true, OPT_PMD, 0 },
    { "queues", true, OPT_QUEUES, 0 },
    { "mtu", true, OPT_MTU, 0 },
    { "port-id", true, OPT_PORT_ID, 0 },
    { "mac", true, OPT_MAC, 0 },
    { "vm-uuid", true, OPT_VM_UUID, 0 },
    { "json", false, OPT_JSON, 0 },
    { "control", true, OPT_CONTROL, 0 },
    { "rebalance", false, OPT_REBALANCE, 0 },
    { "help", false, OPT_HELP, 'h' },
    { NULL, false, 0, 0 },
};

struct cmd {
    struct ovs_opts o;
    const char *plan;
    const char *control;
    struct vhost_nic nic;
    bool json;
    bool rebalance;
    bool help;
};

static void
ovs_usage(void)
{
    printf(
"Usage: nfvhost ovs apply --plan FILE [OPTIONS]\n"
"       nfvhost ovs port add VM NIC [--vlan N] [--pmd CPU] [--queues N]\n"
"                        [--mtu N] [--port-id ID] [--mac MAC] [--vm-uuid U]"
" [OPTIONS]\n"
"       nfvhost ovs port del VM NIC [OPTIONS]\n"
"       nfvhost ovs release (--plan FILE | PCI...) [--sysfs-root DIR] "
"[--dry-run]\n"
"       nfvhost ovs status [--plan FILE] [--json] [--db DB] "
"[--control SOCK]\n"
"Make a running OVS-DPDK match the plan: Open_vSwitch other_config, one\n"
"netdev bridge with the uplink(s) and a dpdkvhostuserclient port per VM\n"
"NIC, in one guarded OVSDB transaction; show PMD and port health.\n"
"Everything comes from the plan; the flags marked 'override' replace one\n"
"of its values for this run.\n\n"
"  --db DB                 ovsdb-server socket (default %s)\n"
"  --bridge NAME           override the plan's bridge (ovs.bridge; without "
"a plan %s)\n"
"  --sock-dir DIR          override the plan's vhost-user socket directory\n"
"                          (ovs.socket_dir; without a plan %s)\n"
"  --qemu-group NAME       override the group owning it "
"(ovs.socket_group)\n"
"  --sysfs-root DIR        sysfs/procfs prefix for device work (tests)\n"
"  --dry-run               print the transaction, change nothing\n"
"  --no-wait               do not wait for ovs-vswitchd to apply it\n"
"  --cpu-map P=A,...       use CPU A wherever the plan says CPU P\n"
"  --set KEY=VALUE         override one Open_vSwitch other_config key\n"
"  --control SOCK          ovs-vswitchd control socket (status; default "
"from the pidfile)\n"
"  --json                  status as JSON; apply: what changed (or, with\n"
"                          --dry-run, would change) as JSON, progress on stderr\n"
"  --rebalance             status: first ask OVS to reassign rx queues "
"(pmd-rxq-rebalance)\n\n"
"Exit status: 0 done, 1 system error, 2 bad input, 3 infeasible.\n",
           OVSDB_DEFAULT, PLAN_DEFAULT_BRIDGE, PLAN_DEFAULT_SOCKET_DIR);
}

struct ovs_parse {
    struct cmd *c;
    struct diag *d;
};

static bool
parse_opt(int id, const char *arg, struct cmd *c, struct diag *d)
{
    struct ovs_opts *o = &c->o;

    switch (id) {
    case OPT_DB: o->db = arg; break;
    case OPT_BRIDGE: o->bridge = arg; break;
    case OPT_SOCK_DIR: o->sock_dir = arg; break;
    case OPT_QEMU_GROUP: o->sock_group = arg; break;
    case OPT_SYSFS_ROOT: o->sysfs_root = arg; break;
    case OPT_DRY_RUN: o->dry_run = true; break;
    case OPT_NO_WAIT: o->no_wait = true; break;
    case OPT_CPU_MAP:
        if (ovs_opts_cpu_map(o, arg, d)) {
            cli_usage_error("ovs", "%s", d->msg);
            return false;
        }
        break;
    case OPT_SET:
        if (ovs_opts_key_value(o->set, "--set", arg, d)) {
            cli_usage_error("ovs", "%s", d->msg);
            return false;
        }
        break;
    case OPT_PLAN: c->plan = arg; break;
    case OPT_VLAN: return cli_opt_int("ovs", "--vlan", arg, 1, 4094,
                                      &c->nic.vlan);
    case OPT_PMD: return cli_opt_int("ovs", "--pmd", arg, 0,
                                     WANT_MAX_CPU - 1, &c->nic.pmd);
    case OPT_QUEUES: return cli_opt_int("ovs", "--queues", arg, 1, 64,
                                        &c->nic.queues);
    case OPT_MTU: return cli_opt_int("ovs", "--mtu", arg, 68, 9710,
                                     &c->nic.mtu);
    case OPT_PORT_ID: c->nic.port_id = arg; break;
    case OPT_MAC: c->nic.mac = arg; break;
    case OPT_VM_UUID: c->nic.vm_uuid = arg; break;
    case OPT_JSON: c->json = true; break;
    case OPT_CONTROL: c->control = arg; break;
    case OPT_REBALANCE: c->rebalance = true; break;
    case OPT_HELP: c->help = true; break;
    }
    return true;
}

static int
parse_one(int id, const char *arg, void *ctx)
{
    struct ovs_parse *p = ctx;

    return parse_opt(id, arg, p->c, p->d) ? 0 : NFV_EINPUT;
}

/* 0, or 2 after the usage error; the operands after the verb go to
 * '*args'. */
static int
parse_opts(int argc, char *argv[], struct cmd *c, char ***args, int *n,
           struct diag *d)
{
    struct ovs_parse ctx = { c, d };
    int error = cli_opts_parse("ovs", argc, argv, 2, options, parse_one, &ctx,
                               args, n);

    if (!c->o.db) {
        c->o.db = OVSDB_DEFAULT;
    }
    return error;
}

static int
ovs_apply(struct cmd *c, struct diag *d)
{
    struct plan_file *plan;

    if (!c->plan) {
        return diag_error(d, NFV_EINPUT, "apply needs --plan FILE");
    }
    plan = plan_file_load(c->plan, d);
    if (plan) {
        struct changes changes;

        /* With --json, stdout is the change report alone (lib/changes.h);
         * the progress lines go to stderr. */
        changes_init(&changes);
        c->o.changes = c->json ? &changes : NULL;
        ovs_workflow_apply(plan, &c->o, c->json ? stderr : stdout, d);
        if (!d->status && c->json) {
            char *text = changes_to_json(&changes, "ovs apply",
                                         c->o.dry_run);
            fputs(text, stdout);
            free(text);
        }
        c->o.changes = NULL;
        changes_destroy(&changes);
    }
    plan_file_destroy(plan);
    return d->status;
}

static int
ovs_port(struct cmd *c, int argc, char *argv[], struct diag *d)
{
    const char *verb = argc > 0 ? argv[0] : "";

    if (argc != 3 || (strcmp(verb, "add") && strcmp(verb, "del"))) {
        return diag_error(d, NFV_EINPUT, "usage: nfvhost ovs port add|del "
                          "VM NIC [OPTIONS]");
    }
    c->nic.vm = argv[1];
    c->nic.nic = argv[2];
    return ovs_workflow_port(!strcmp(verb, "add"), &c->nic, &c->o, stdout,
                             d);
}

static int
ovs_release(struct cmd *c, int argc, char *argv[], struct diag *d)
{
    struct plan_file *plan = NULL;

    if (!c->plan && !argc) {
        return diag_error(d, NFV_EINPUT, "release needs --plan FILE or PCI "
                          "addresses");
    }
    if (!c->plan || (plan = plan_file_load(c->plan, d))) {
        ovs_workflow_release(plan, argv, argc, &c->o, stdout, d);
    }
    plan_file_destroy(plan);
    return d->status;
}

static int
ovs_status_cmd(struct cmd *c, struct diag *d)
{
    struct plan_file *plan = c->plan ? plan_file_load(c->plan, d) : NULL;

    if (c->plan && !plan) {
        return d->status;
    }
    ovs_opts_from_plan(&c->o, plan);
    if (c->rebalance) {
        char *target = c->control ? xstrdup(c->control)
                                  : unixctl_default_target(c->o.db, d);
        char *text = target ? unixctl_command(target,
                                              "dpif-netdev/pmd-rxq-rebalance",
                                              0, NULL, d) : NULL;
        free(target);
        if (!text) {
            plan_file_destroy(plan);
            return d->status;
        }
        fprintf(c->json ? stderr : stdout, "rebalance: %s", text);
        free(text);
    }
    ovs_status(&c->o, c->control, plan, c->json, stdout, d);
    plan_file_destroy(plan);
    return d->status;
}

int
cmd_ovs(int argc, char *argv[])
{
    const char *sub = argc > 1 ? argv[1] : "";
    struct cmd c = { .nic = { .vlan = -1, .pmd = -1, .queues = 1 } };
    struct diag d;
    char **args;
    int n, status;

    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        ovs_usage();
        return 0;
    }
    diag_init(&d);
    ovs_opts_init(&c.o);
    if (parse_opts(argc, argv, &c, &args, &n, &d)) {
        status = NFV_EINPUT;
    } else if (c.help) {
        ovs_usage();
        status = 0;
    } else {
        if (!strcmp(sub, "apply") && !n) {
            ovs_apply(&c, &d);
        } else if (!strcmp(sub, "port")) {
            ovs_port(&c, n, args, &d);
        } else if (!strcmp(sub, "release")) {
            ovs_release(&c, n, args, &d);
        } else if (!strcmp(sub, "status") && !n) {
            ovs_status_cmd(&c, &d);
        } else {
            diag_error(&d, NFV_EINPUT, "unknown subcommand or extra "
                       "arguments: try 'nfvhost ovs --help'");
        }
        status = cli_report(&d);
    }
    ovs_opts_destroy(&c.o);
    diag_destroy(&d);
    return status;
}
