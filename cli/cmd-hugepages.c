/* cmd-hugepages.c: 'nfvhost hugepages status|apply|reset', the front of
 * hugepage-setup/. */
#include <config.h>

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "hugepage-setup/apply.h"
#include "hugepage-setup/mount.h"
#include "hugepage-setup/persist.h"
#include "hugepage-setup/request.h"
#include "hugepage-setup/status.h"
#include "hugepage-setup/sysfs.h"
#include "lib/plan-json.h"
#include "lib/util.h"

struct hp_opts {
    const char *verb;
    const char *sysfs_root;
    const char *plan;
    const char *root;
    const char *mount_dir;
    const char *group;
    bool json, dry_run, persist, no_mount, no_compact;
    int node;                   /* -1: none given. */
    unsigned long size_kb;      /* 0: none given. */
    struct hp_requests flags;   /* --node/--size/--count triples. */
};

static void
hp_usage(void)
{
    printf("Usage: nfvhost hugepages status [--plan FILE] [--sysfs-root DIR] "
           "[--json]\n"
           "       nfvhost hugepages apply (--plan FILE | --node N --size "
           "2M|1G --count K ...)\n"
           "                 [--sysfs-root DIR] [--dry-run] [--persist] "
           "[--root DIR]\n"
           "                 [--mount-dir DIR] [--no-mount] [--group NAME] "
           "[--no-compact]\n"
           "       nfvhost hugepages reset [--node N] [--size S] "
           "[--sysfs-root DIR] [--dry-run]\n"
           "                 [--persist [--root DIR]]\n"
           "Per-NUMA hugepages that are really there, mounted, persistent "
           "and checked.\n\n"
           "  --plan FILE        plan.json: numa_nodes[].hugepages per node "
           "(apply), the\n"
           "                     PLAN column (status)\n"
           "  --node N --size S --count K\n"
           "                     one pool; repeat --count after another "
           "--node/--size\n"
           "  --sysfs-root DIR   read and write DIR/sys, DIR/proc and "
           "DIR/run (a fake tree;\n"
           "                     apply mounts nothing there)\n"
           "  --json             status as JSON\n"
           "  --dry-run          print every write; change nothing\n"
           "  --persist          apply: also write the boot-time files "
           "(systemd units, GRUB\n"
           "                     drop-in); reset: remove those files\n"
           "  --root DIR         prefix for the --persist files (default "
           "/)\n"
           "  --mount-dir DIR    parent of the hugetlbfs mountpoints "
           "(default /dev:\n"
           "                     /dev/hugepages, /dev/hugepages1G)\n"
           "  --no-mount         do not mount hugetlbfs\n"
           "  --group NAME       group of the mounts (default: hugetlbfs, "
           "libvirt-qemu or\n"
           "                     kvm, the first that exists)\n"
           "  --no-compact       on a short allocation, do not compact "
           "memory and retry\n\n"
           "reset undoes what apply changed (pools, mounts), for the given "
           "node/size or all.\n"
           "Exit status: 0 done, 1 system error or short allocation, 2 bad "
           "input.\n");
}

static int
parse_node(const char *arg, int *node)
{
    char *end;
    long v = strtol(arg, &end, 10);

    if (!*arg || *end || v < 0 || v > 4095) {
        return cli_usage_error("hugepages", "--node %s: expected a NUMA node "
                               "number", arg);
    }
    *node = v;
    return 0;
}

static int
parse_count(struct hp_opts *o, const char *arg)
{
    char *end;
    unsigned long v = strtoul(arg, &end, 10);

    if (!*arg || *end || arg[0] == '-') {
        return cli_usage_error("hugepages", "--count %s: expected a number "
                               "of pages", arg);
    }
    if (o->node < 0 || !o->size_kb) {
        return cli_usage_error("hugepages", "--count %s: give --node and "
                               "--size before it", arg);
    }
    hp_requests_set(&o->flags, o->node, o->size_kb, v);
    return 0;
}

static int
parse_one(int c, struct hp_opts *o, char *argv[])
{
    switch (c) {
    case 's': o->sysfs_root = optarg; return 0;
    case 'p': o->plan = optarg; return 0;
    case 'r': o->root = optarg; return 0;
    case 'm': o->mount_dir = optarg; return 0;
    case 'g': o->group = optarg; return 0;
    case 'j': o->json = true; return 0;
    case 'd': o->dry_run = true; return 0;
    case 'P': o->persist = true; return 0;
    case 'M': o->no_mount = true; return 0;
    case 'C': o->no_compact = true; return 0;
    case 'n': return parse_node(optarg, &o->node);
    case 'z':
        if (!hp_parse_size(optarg, &o->size_kb)) {
            return cli_usage_error("hugepages", "--size %s: expected a page "
                                   "size such as 2M or 1G", optarg);
        }
        return 0;
    case 'c':
        if (strcmp(o->verb, "apply")) {
            return cli_usage_error("hugepages", "--count is for apply");
        }
        return parse_count(o, optarg);
    case 'h': hp_usage(); return -1;
    case ':':
        return cli_usage_error("hugepages", "option '%s' needs a value",
                               argv[optind - 1]);
    default:
        return cli_usage_error("hugepages", "unknown option '%s'",
                               argv[optind - 1]);
    }
}

/* Which options each verb takes; the others are usage errors. */
static int
check_verb_opts(const struct hp_opts *o)
{
    bool status = !strcmp(o->verb, "status");
    bool apply = !strcmp(o->verb, "apply");
    bool reset = !strcmp(o->verb, "reset");

    if (!status && !apply && !reset) {
        return cli_usage_error("hugepages", "unknown subcommand '%s': "
                               "expected status, apply or reset", o->verb);
    }
    if (!apply && (o->mount_dir || o->group || o->no_mount
                   || o->no_compact || o->flags.n)) {
        return cli_usage_error("hugepages", "%s takes none of --mount-dir, "
                               "--group, --no-mount, --no-compact, --count",
                               o->verb);
    }
    if (status && (o->persist || o->root)) {
        return cli_usage_error("hugepages", "status takes no --persist or "
                               "--root");
    }
    if (!status && o->json) {
        return cli_usage_error("hugepages", "--json is for status");
    }
    if (reset && o->plan) {
        return cli_usage_error("hugepages", "reset takes no --plan: it "
                               "undoes what apply recorded");
    }
    if (apply && !o->plan == !o->flags.n) {
        return cli_usage_error("hugepages", "apply needs --plan FILE or "
                               "--node N --size S --count K, not %s",
                               o->plan ? "both" : "neither");
    }
    if (o->root && !o->persist) {
        return cli_usage_error("hugepages", "--root is for --persist");
    }
    return 0;
}

static int
check_dir(const char *flag, const char *dir)
{
    struct stat st;

    if (dir && (stat(dir, &st) || !S_ISDIR(st.st_mode))) {
        return cli_usage_error("hugepages", "%s %s: not a directory", flag,
                               dir);
    }
    return 0;
}

static int
parse_opts(int argc, char *argv[], struct hp_opts *o)
{
    static const struct option longopts[] = {
        { "sysfs-root", required_argument, NULL, 's' },
        { "plan", required_argument, NULL, 'p' },
        { "root", required_argument, NULL, 'r' },
        { "mount-dir", required_argument, NULL, 'm' },
        { "group", required_argument, NULL, 'g' },
        { "node", required_argument, NULL, 'n' },
        { "size", required_argument, NULL, 'z' },
        { "count", required_argument, NULL, 'c' },
        { "json", no_argument, NULL, 'j' },
        { "dry-run", no_argument, NULL, 'd' },
        { "persist", no_argument, NULL, 'P' },
        { "no-mount", no_argument, NULL, 'M' },
        { "no-compact", no_argument, NULL, 'C' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c, error;

    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && !strcmp(argv[1], "--help")) {
            hp_usage();
            return -1;
        }
        return cli_usage_error("hugepages", "expected status, apply or "
                               "reset");
    }
    o->verb = argv[1];
    opterr = 0;
    optind = 2;
    while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
        error = parse_one(c, o, argv);
        if (error) {
            return error;
        }
    }
    if (optind < argc) {
        return cli_usage_error("hugepages", "unexpected argument '%s'",
                               argv[optind]);
    }
    if (!strcmp(o->verb, "apply") && (o->node >= 0 || o->size_kb)
        && !o->flags.n) {
        return cli_usage_error("hugepages", "--node/--size without --count");
    }
    return ((error = check_verb_opts(o))
            || (error = check_dir("--sysfs-root", o->sysfs_root))
            || (error = check_dir("--root", o->root))) ? error : 0;
}

/* --plan's pools, and the kernel command line the planner computed. */
static int
load_plan(const char *path, struct hp_requests *rs, char **cmdline,
          struct diag *diag)
{
    json_t *plan = plan_json_load(path, diag);
    json_t *k;
    int error;

    if (!plan) {
        return diag->status;
    }
    error = hp_requests_from_plan(plan, path, rs, diag);
    k = json_object_get(json_object_get(plan, "kernel"), "cmdline");
    if (cmdline && json_is_string(k)) {
        *cmdline = xstrdup(json_string_value(k));
    }
    json_decref(plan);
    return error;
}

static int
do_status(const struct hp_system *s, const struct hp_opts *o,
          struct diag *diag)
{
    struct hp_requests plan;
    json_t *st;
    char *text;
    int error = 0;

    hp_requests_init(&plan);
    if (o->plan && (error = load_plan(o->plan, &plan, NULL, diag))) {
        hp_requests_destroy(&plan);
        return error;
    }
    st = hp_status_json(s, o->plan ? &plan : NULL);
    text = o->json ? json_dumps(st, JSON_INDENT(2)) : hp_status_table(st);
    fputs(text, stdout);
    if (o->json) {
        putchar('\n');
    }
    free(text);
    json_decref(st);
    hp_requests_destroy(&plan);
    return 0;
}

static char *
root_prefix(const char *dir)
{
    char *p = xstrdup(dir ? dir : "");
    size_t n = strlen(p);

    while (n > 0 && p[n - 1] == '/') {
        p[--n] = '\0';
    }
    return p;
}

static int
do_apply(const struct hp_system *s, struct hp_opts *o, struct diag *diag)
{
    struct hp_apply_opts ao = {
        .dry_run = o->dry_run, .compact = !o->no_compact,
        .mount = !o->no_mount && (!o->sysfs_root || o->dry_run),
    };
    struct hp_persist_opts po = { NULL };
    struct hp_persist ps = { NULL, 0 };
    struct hp_requests plan;
    char *cmdline = NULL, *group = NULL, *root = root_prefix(o->root);
    char *base = root_prefix(o->mount_dir ? o->mount_dir : "/dev");
    struct sbuf report;
    gid_t gid = 0;
    int error;

    hp_requests_init(&plan);
    sbuf_init(&report);
    sbuf_puts(&report, "");
    error = o->plan ? load_plan(o->plan, &plan, &cmdline, diag) : 0;
    if (!error && (ao.mount || o->persist)) {
        error = hp_group_resolve(o->group, &group, &gid, diag);
    }
    ao.mount_base = base;
    ao.group = group;
    ao.gid = gid;
    po = (struct hp_persist_opts) { root, base, group, cmdline };
    if (!error && o->persist) {
        error = hp_persist_prepare(o->plan ? &plan : &o->flags, &po, &ps,
                                   diag);
    }
    if (!error && o->sysfs_root && !o->no_mount && !o->dry_run) {
        printf("not mounting hugetlbfs: --sysfs-root is a fake tree\n");
    }
    if (!error) {
        error = hp_apply(s, o->plan ? &plan : &o->flags, &ao, stdout,
                         &report, diag);
    }
    if (!error && o->persist) {
        if (o->dry_run) {
            hp_persist_print(&ps, stdout);
        } else {
            error = hp_persist_write(&ps, stdout, diag);
        }
    }
    if (error) {
        cli_report(diag);
        fputs(report.s, stderr);
    } else {
        for (size_t i = 0; i < diag->n_warnings; i++) {
            fprintf(stderr, "nfvhost: warning: %s\n", diag->warnings[i]);
        }
    }
    sbuf_destroy(&report);
    hp_persist_destroy(&ps);
    hp_requests_destroy(&plan);
    free(cmdline);
    free(group);
    free(root);
    free(base);
    return error;
}

static int
do_reset(const struct hp_system *s, const struct hp_opts *o,
         struct diag *diag)
{
    int error = hp_reset(s, o->node, o->size_kb, o->dry_run, stdout, diag);

    if (!error && o->persist) {
        char *root = root_prefix(o->root);
        error = hp_persist_remove(root, o->dry_run, stdout, diag);
        free(root);
    }
    return error;
}

int
cmd_hugepages(int argc, char *argv[])
{
    struct hp_opts o = { .node = -1 };
    struct hp_system s;
    struct diag diag;
    int error;

    hp_requests_init(&o.flags);
    error = parse_opts(argc, argv, &o);
    if (error) {
        hp_requests_destroy(&o.flags);
        return error < 0 ? 0 : error;
    }
    diag_init(&diag);
    error = hp_system_load(o.sysfs_root, &s, &diag);
    if (error) {
        cli_report(&diag);
    } else {
        if (!strcmp(o.verb, "status")) {
            error = do_status(&s, &o, &diag);
        } else if (!strcmp(o.verb, "apply")) {
            error = do_apply(&s, &o, &diag);
        } else {
            error = do_reset(&s, &o, &diag);
        }
        if (error && strcmp(o.verb, "apply")) {
            cli_report(&diag);
        }
        hp_system_destroy(&s);
    }
    diag_destroy(&diag);
    hp_requests_destroy(&o.flags);
    return error;
}
