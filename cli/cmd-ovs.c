/* cmd-ovs.c: 'nfvhost ovs apply|port|release|status', the front of
 * ovs-ext/. */
#include <config.h>

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "ovs-ext/apply.h"
#include "ovs-ext/jsonrpc.h"
#include "ovs-ext/ovsdb.h"
#include "ovs-ext/sriov.h"
#include "ovs-ext/status.h"
#include "ovs-ext/unixctl.h"
#include "ovs-ext/want.h"
#include "lib/plan-json.h"
#include "lib/util.h"

enum {
    OPT_DB = 256, OPT_BRIDGE, OPT_SOCK_DIR, OPT_QEMU_GROUP, OPT_SYSFS_ROOT,
    OPT_DRY_RUN, OPT_NO_WAIT, OPT_CPU_MAP, OPT_OVERRIDE, OPT_SET,
    OPT_BOND_MODE, OPT_PLAN, OPT_VLAN, OPT_PMD, OPT_QUEUES, OPT_MTU,
    OPT_PORT_ID, OPT_MAC, OPT_VM_UUID, OPT_JSON, OPT_CONTROL, OPT_REBALANCE,
    OPT_HELP,
};

static const struct option longopts[] = {
    { "db", required_argument, NULL, OPT_DB },
    { "bridge", required_argument, NULL, OPT_BRIDGE },
    { "sock-dir", required_argument, NULL, OPT_SOCK_DIR },
    { "qemu-group", required_argument, NULL, OPT_QEMU_GROUP },
    { "sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT },
    { "dry-run", no_argument, NULL, OPT_DRY_RUN },
    { "no-wait", no_argument, NULL, OPT_NO_WAIT },
    { "cpu-map", required_argument, NULL, OPT_CPU_MAP },
    { "uplink-override", required_argument, NULL, OPT_OVERRIDE },
    { "set", required_argument, NULL, OPT_SET },
    { "bond-mode", required_argument, NULL, OPT_BOND_MODE },
    { "plan", required_argument, NULL, OPT_PLAN },
    { "vlan", required_argument, NULL, OPT_VLAN },
    { "pmd", required_argument, NULL, OPT_PMD },
    { "queues", required_argument, NULL, OPT_QUEUES },
    { "mtu", required_argument, NULL, OPT_MTU },
    { "port-id", required_argument, NULL, OPT_PORT_ID },
    { "mac", required_argument, NULL, OPT_MAC },
    { "vm-uuid", required_argument, NULL, OPT_VM_UUID },
    { "json", no_argument, NULL, OPT_JSON },
    { "control", required_argument, NULL, OPT_CONTROL },
    { "rebalance", no_argument, NULL, OPT_REBALANCE },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
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
"NIC, in one guarded OVSDB transaction; show PMD and port health.\n\n"
"  --db DB                 ovsdb-server socket (default %s)\n"
"  --bridge NAME           bridge for uplinks and VM ports (default %s)\n"
"  --sock-dir DIR          vhost-user socket directory (default %s)\n"
"  --qemu-group NAME       group owning it (default libvirt-qemu, qemu or "
"kvm)\n"
"  --sysfs-root DIR        sysfs/procfs prefix for device work (tests)\n"
"  --dry-run               print the transaction, change nothing\n"
"  --no-wait               do not wait for ovs-vswitchd to apply it\n"
"  --cpu-map P=A,...       use CPU A wherever the plan says CPU P\n"
"  --uplink-override PCI=DEVARGS  use a DPDK vdev (e.g. net_af_packet0,"
"iface=veth0)\n"
"                          instead of the planned uplink PCI\n"
"  --set KEY=VALUE         override one Open_vSwitch other_config key\n"
"  --bond-mode MODE        active-backup (default) or balance-tcp (LACP)\n"
"  --control SOCK          ovs-vswitchd control socket (status; default "
"from the pidfile)\n"
"  --json                  status as JSON\n"
"  --rebalance             status: first ask OVS to reassign rx queues "
"(pmd-rxq-rebalance)\n\n"
"Exit status: 0 done, 1 system error, 2 bad input, 3 infeasible.\n",
           OVSDB_DEFAULT, WANT_DEFAULT_BRIDGE, WANT_DEFAULT_SOCK_DIR);
}

static bool
parse_int(const char *s, int lo, int hi, int *v)
{
    char *end;
    long n = strtol(s, &end, 10);

    if (end == s || *end || n < lo || n > hi) {
        return false;
    }
    *v = n;
    return true;
}

static int
parse_opts(int argc, char *argv[], struct cmd *c, struct diag *d)
{
    int ch;

    opterr = 0;
    optind = 1;
    /* Options may follow the positional arguments (GNU permutation). */
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        struct ovs_opts *o = &c->o;
        int err = 0;

        switch (ch) {
        case OPT_DB: o->db = optarg; break;
        case OPT_BRIDGE: o->bridge = optarg; break;
        case OPT_SOCK_DIR: o->sock_dir = optarg; break;
        case OPT_QEMU_GROUP: o->qemu_group = optarg; break;
        case OPT_SYSFS_ROOT: o->sysfs_root = optarg; break;
        case OPT_DRY_RUN: o->dry_run = true; break;
        case OPT_NO_WAIT: o->no_wait = true; break;
        case OPT_CPU_MAP: err = ovs_opts_cpu_map(o, optarg, d); break;
        case OPT_OVERRIDE:
            err = ovs_opts_key_value(o->uplink_override, "--uplink-override",
                                     optarg, d);
            break;
        case OPT_SET:
            err = ovs_opts_key_value(o->set, "--set", optarg, d);
            break;
        case OPT_BOND_MODE:
            if (strcmp(optarg, "active-backup")
                && strcmp(optarg, "balance-tcp")) {
                err = diag_error(d, NFV_EINPUT, "--bond-mode: '%s' is not "
                                 "active-backup or balance-tcp", optarg);
            }
            o->bond_mode = optarg;
            break;
        case OPT_PLAN: c->plan = optarg; break;
        case OPT_VLAN:
            if (!parse_int(optarg, 1, 4094, &c->nic.vlan)) {
                err = diag_error(d, NFV_EINPUT, "--vlan: '%s' is not "
                                 "1-4094", optarg);
            }
            break;
        case OPT_PMD:
            if (!parse_int(optarg, 0, WANT_MAX_CPU - 1, &c->nic.pmd)) {
                err = diag_error(d, NFV_EINPUT, "--pmd: '%s' is not a CPU",
                                 optarg);
            }
            break;
        case OPT_QUEUES:
            if (!parse_int(optarg, 1, 64, &c->nic.queues)) {
                err = diag_error(d, NFV_EINPUT, "--queues: '%s' is not "
                                 "1-64", optarg);
            }
            break;
        case OPT_MTU:
            if (!parse_int(optarg, 68, 9710, &c->nic.mtu)) {
                err = diag_error(d, NFV_EINPUT, "--mtu: '%s' is not "
                                 "68-9710", optarg);
            }
            break;
        case OPT_PORT_ID: c->nic.port_id = optarg; break;
        case OPT_MAC: c->nic.mac = optarg; break;
        case OPT_VM_UUID: c->nic.vm_uuid = optarg; break;
        case OPT_JSON: c->json = true; break;
        case OPT_CONTROL: c->control = optarg; break;
        case OPT_REBALANCE: c->rebalance = true; break;
        case OPT_HELP: c->help = true; break;
        default:
            return diag_error(d, NFV_EINPUT, "unknown or incomplete option "
                              "'%s'", argv[optind - 1]);
        }
        if (err) {
            return err;
        }
    }
    if (!c->o.db) {
        c->o.db = OVSDB_DEFAULT;
    }
    return 0;
}

/* VFs the plan's SR-IOV NICs take from each PF that is really here. */
static int
create_vfs(const json_t *plan, const struct ovs_opts *o, struct diag *d)
{
    json_t *count = json_object();
    const json_t *vm, *nic;
    const char *pf;
    json_t *n;
    size_t i, j;
    int error = 0;

    json_array_foreach(json_object_get(plan, "vms"), i, vm) {
        json_array_foreach(json_object_get(vm, "nics"), j, nic) {
            pf = json_string_value(json_object_get(nic, "pf"));
            if (pf && !want_stand_in(plan, pf, o)) {
                json_int_t c = json_integer_value(json_object_get(count, pf));
                json_object_set_new(count, pf, json_integer(c + 1));
            }
        }
    }
    json_object_foreach(count, pf, n) {
        if (!error) {
            error = sriov_set_numvfs(o->sysfs_root, pf,
                                     json_integer_value(n), o->dry_run,
                                     stdout, d);
        }
    }
    json_decref(count);
    return error;
}

/* Devices first (all checks before any change), then the database. */
static int
take_uplinks(const json_t *plan, const json_t *want, const struct ovs_opts *o,
             struct diag *d)
{
    const json_t *uplinks = json_object_get(want, "uplinks"), *u;
    size_t i;

    json_array_foreach(uplinks, i, u) {
        if (sriov_check_uplink(o->sysfs_root, json_string_value(u), d)) {
            return d->status;
        }
    }
    if (want_sock_dir(o, d) || create_vfs(plan, o, d)) {
        return d->status;
    }
    json_array_foreach(uplinks, i, u) {
        if (sriov_bind_vfio(o->sysfs_root, json_string_value(u), o->dry_run,
                            stdout, d)) {
            return d->status;
        }
    }
    return 0;
}

static int
ovs_apply(struct cmd *c, struct diag *d)
{
    json_t *plan, *want;

    if (!c->plan) {
        return diag_error(d, NFV_EINPUT, "apply needs --plan FILE");
    }
    plan = plan_json_load(c->plan, d);
    if (!plan) {
        return d->status;
    }
    want = want_from_plan(plan, &c->o, d);
    if (want && !take_uplinks(plan, want, &c->o, d)) {
        printf("%s %s to %s (bridge %s):\n",
               c->o.dry_run ? "Checking" : "Applying", c->plan, c->o.db,
               c->o.bridge);
        ovs_apply_want(want, &c->o, stdout, d);
    }
    json_decref(want);
    json_decref(plan);
    return d->status;
}

static int
ovs_port(struct cmd *c, int argc, char *argv[], struct diag *d)
{
    const char *verb = argc > 0 ? argv[0] : "";
    json_t *want, *port;

    if (argc != 3 || (strcmp(verb, "add") && strcmp(verb, "del"))) {
        return diag_error(d, NFV_EINPUT, "usage: nfvhost ovs port add|del "
                          "VM NIC [OPTIONS]");
    }
    c->nic.vm = argv[1];
    c->nic.nic = argv[2];
    port = want_vhost_port(&c->nic, &c->o, d);
    if (!port) {
        return d->status;
    }
    want = json_pack("{sss[]sbs[]}", "bridge", c->o.bridge, "ports",
                     "exclusive", false, "delete");
    if (!strcmp(verb, "add")) {
        json_array_append(json_object_get(want, "ports"), port);
    } else {
        json_array_append(json_object_get(want, "delete"),
                          json_object_get(port, "name"));
    }
    if (strcmp(verb, "add") || !want_sock_dir(&c->o, d)) {
        ovs_apply_want(want, &c->o, stdout, d);
    }
    json_decref(port);
    json_decref(want);
    return d->status;
}

/* Unbinding a device that an OVS interface still uses would pull it from
 * under ovs-vswitchd; refuse unless the database is out of reach. */
static int
check_unused(const struct cmd *c, const char *pci, struct diag *d)
{
    static const char *const tables[] = { "Interface", NULL };
    struct diag quiet;
    struct jsonrpc *rpc;
    json_t *dump;
    const json_t *row;
    size_t i;

    diag_init(&quiet);
    rpc = jsonrpc_open(c->o.db, &quiet);
    dump = rpc ? ovsdb_dump(rpc, tables, &quiet) : NULL;
    json_array_foreach(json_object_get(dump, "Interface"), i, row) {
        const char *devargs = ovsdb_map_get(row, "options", "dpdk-devargs");
        if (devargs && !strncmp(devargs, pci, strlen(pci))
            && (!devargs[strlen(pci)] || devargs[strlen(pci)] == ',')) {
            diag_error(d, NFV_EINPUT, "%s is still OVS interface %s; remove "
                       "it first (apply a plan without it)", pci,
                       json_string_value(json_object_get(row, "name")));
            break;
        }
    }
    json_decref(dump);
    jsonrpc_close(rpc);
    diag_destroy(&quiet);
    return d->status;
}

static int
release_one(const struct cmd *c, const char *pci, struct diag *d)
{
    if (!sriov_valid_pci(pci)) {
        return diag_error(d, NFV_EINPUT, "'%s' is not a PCI address "
                          "(DDDD:BB:DD.F)", pci);
    }
    if (check_unused(c, pci, d)) {
        return d->status;
    }
    return sriov_release(c->o.sysfs_root, pci, c->o.dry_run, stdout, d);
}

static int
ovs_release(struct cmd *c, int argc, char *argv[], struct diag *d)
{
    json_t *plan = NULL, *want = NULL;
    const json_t *u;
    size_t i;

    if (c->plan) {
        plan = plan_json_load(c->plan, d);
        want = plan ? want_from_plan(plan, &c->o, d) : NULL;
        json_array_foreach(json_object_get(want, "uplinks"), i, u) {
            if (!d->status) {
                release_one(c, json_string_value(u), d);
            }
        }
    } else if (!argc) {
        diag_error(d, NFV_EINPUT, "release needs --plan FILE or PCI "
                   "addresses");
    }
    for (int k = 0; k < argc && !d->status; k++) {
        release_one(c, argv[k], d);
    }
    json_decref(want);
    json_decref(plan);
    return d->status;
}

static int
ovs_status_cmd(struct cmd *c, struct diag *d)
{
    json_t *plan = c->plan ? plan_json_load(c->plan, d) : NULL;

    if (c->plan && !plan) {
        return d->status;
    }
    if (c->rebalance) {
        char *target = c->control ? xstrdup(c->control)
                                  : unixctl_default_target(c->o.db, d);
        char *text = target ? unixctl_command(target,
                                              "dpif-netdev/pmd-rxq-rebalance",
                                              0, NULL, d) : NULL;
        free(target);
        if (!text) {
            json_decref(plan);
            return d->status;
        }
        fprintf(c->json ? stderr : stdout, "rebalance: %s", text);
        free(text);
    }
    ovs_status(&c->o, c->control, plan, c->json, stdout, d);
    json_decref(plan);
    return d->status;
}

int
cmd_ovs(int argc, char *argv[])
{
    const char *sub = argc > 1 ? argv[1] : "";
    struct cmd c = { .nic = { .vlan = -1, .pmd = -1, .queues = 1 } };
    struct diag d;
    int status;

    diag_init(&d);
    ovs_opts_init(&c.o);
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        ovs_usage();
        status = 0;
    } else if (parse_opts(argc - 1, argv + 1, &c, &d)) {
        status = cli_usage_error("ovs", "%s", d.msg);
    } else if (c.help) {
        ovs_usage();
        status = 0;
    } else {
        int rest = argc - 1 - optind;
        char **args = argv + 1 + optind;

        if (!strcmp(sub, "apply") && !rest) {
            ovs_apply(&c, &d);
        } else if (!strcmp(sub, "port")) {
            ovs_port(&c, rest, args, &d);
        } else if (!strcmp(sub, "release")) {
            ovs_release(&c, rest, args, &d);
        } else if (!strcmp(sub, "status") && !rest) {
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
