/* cmd-hugepages.c: 'nfvhost hugepages status|apply|reset', the front of
 * hugepage-setup/. */
#include <config.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "hugepage-setup/request.h"
#include "hugepage-setup/sysfs.h"
#include "hugepage-setup/workflow.h"
#include "lib/parse.h"
#include "lib/plan-file.h"
#include "lib/changes.h"
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
           "                 [--json]\n"
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
           "  --json             status as JSON; apply: what changed (or, with\n"
           "                     --dry-run, would change) as JSON, progress on\n"
           "                     stderr\n"
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

enum {
    OPT_SYSFS_ROOT = 256, OPT_PLAN, OPT_ROOT, OPT_MOUNT_DIR, OPT_GROUP,
    OPT_NODE, OPT_SIZE, OPT_COUNT, OPT_JSON, OPT_DRY_RUN, OPT_PERSIST,
    OPT_NO_MOUNT, OPT_NO_COMPACT, OPT_HELP,
};

static const struct cli_opt options[] = {
    { "sysfs-root", true, OPT_SYSFS_ROOT, 0 },
    { "plan", true, OPT_PLAN, 0 },
    { "root", true, OPT_ROOT, 0 },
    { "mount-dir", true, OPT_MOUNT_DIR, 0 },
    { "group", true, OPT_GROUP, 0 },
    { "node", true, OPT_NODE, 0 },
    { "size", true, OPT_SIZE, 0 },
    { "count", true, OPT_COUNT, 0 },
    { "json", false, OPT_JSON, 0 },
    { "dry-run", false, OPT_DRY_RUN, 0 },
    { "persist", false, OPT_PERSIST, 0 },
    { "no-mount", false, OPT_NO_MOUNT, 0 },
    { "no-compact", false, OPT_NO_COMPACT, 0 },
    { "help", false, OPT_HELP, 'h' },
    { NULL, false, 0, 0 },
};

static int
parse_count(struct hp_opts *o, const char *arg)
{
    uint64_t v;

    if (strcmp(o->verb, "apply")) {
        return cli_usage_error("hugepages", "--count is for apply");
    }
    /* ERANGE is an error, not ULONG_MAX pages; hp_requests_check() then
     * bounds the count by the node's memory. */
    if (!parse_uint64(arg, ULONG_MAX, &v)) {
        return cli_usage_error("hugepages", "--count %s: expected a number "
                               "of pages (0 to %lu)", arg, ULONG_MAX);
    }
    if (o->node < 0 || !o->size_kb) {
        return cli_usage_error("hugepages", "--count %s: give --node and "
                               "--size before it", arg);
    }
    hp_requests_set(&o->flags, o->node, o->size_kb, v);
    return 0;
}

/* 0, -1 after --help, or 2 after the usage error. */
static int
parse_one(int id, const char *arg, void *o_)
{
    struct hp_opts *o = o_;

    switch (id) {
    case OPT_SYSFS_ROOT: o->sysfs_root = arg; return 0;
    case OPT_PLAN: o->plan = arg; return 0;
    case OPT_ROOT: o->root = arg; return 0;
    case OPT_MOUNT_DIR: o->mount_dir = arg; return 0;
    case OPT_GROUP: o->group = arg; return 0;
    case OPT_JSON: o->json = true; return 0;
    case OPT_DRY_RUN: o->dry_run = true; return 0;
    case OPT_PERSIST: o->persist = true; return 0;
    case OPT_NO_MOUNT: o->no_mount = true; return 0;
    case OPT_NO_COMPACT: o->no_compact = true; return 0;
    case OPT_NODE:
        return cli_opt_int("hugepages", "--node", arg, 0, 4095, &o->node)
               ? 0 : NFV_EINPUT;
    case OPT_SIZE:
        if (!hp_parse_size(arg, &o->size_kb)) {
            return cli_usage_error("hugepages", "--size %s: expected a page "
                                   "size such as 2M or 1G", arg);
        }
        return 0;
    case OPT_COUNT: return parse_count(o, arg);
    case OPT_HELP: hp_usage(); return -1;
    }
    return 0;
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
    if (reset && o->json) {
        return cli_usage_error("hugepages", "--json is for status and "
                               "apply");
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
parse_opts(int argc, char *argv[], struct hp_opts *o)
{
    char **operands;
    int n, error;

    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && !strcmp(argv[1], "--help")) {
            hp_usage();
            return -1;
        }
        return cli_usage_error("hugepages", "expected status, apply or "
                               "reset");
    }
    o->verb = argv[1];
    error = cli_opts_parse("hugepages", argc, argv, 2, options, parse_one, o,
                           &operands, &n);
    if (error) {
        return error;
    }
    if (n) {
        return cli_usage_error("hugepages", "unexpected argument '%s'",
                               operands[0]);
    }
    if (!strcmp(o->verb, "apply") && (o->node >= 0 || o->size_kb)
        && !o->flags.n) {
        return cli_usage_error("hugepages", "--node/--size without --count");
    }
    error = check_verb_opts(o);
    if (!error && (!cli_opt_dir("hugepages", "--sysfs-root", o->sysfs_root)
                   || !cli_opt_dir("hugepages", "--root", o->root))) {
        error = NFV_EINPUT;
    }
    return error;
}

/* A directory prefix without trailing slashes ("" for none or "/"). */
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
run(const struct hp_system *s, struct hp_opts *o, const struct plan_file *plan,
    struct diag *diag)
{
    char *root = root_prefix(o->root);
    char *base = root_prefix(o->mount_dir ? o->mount_dir : "/dev");
    int error = 0;

    if (!strcmp(o->verb, "status")) {
        hp_workflow_status(s, plan, o->json, stdout);
    } else if (!strcmp(o->verb, "apply")) {
        struct hp_workflow_opts wo = {
            .plan = plan, .flags = &o->flags, .root = root,
            .mount_base = base, .group = o->group,
            .fake_tree = o->sysfs_root != NULL, .dry_run = o->dry_run,
            .persist = o->persist, .no_mount = o->no_mount,
            .no_compact = o->no_compact,
        };
        struct changes changes;
        struct sbuf report;

        /* With --json, stdout is the change report alone; the progress
         * lines go to stderr. */
        changes_init(&changes);
        wo.changes = &changes;
        sbuf_init(&report);
        error = hp_workflow_apply(s, &wo, o->json ? stderr : stdout, &report,
                                  diag);
        cli_report(diag);
        if (error) {
            fputs(report.s, stderr);
        } else if (o->json) {
            char *text = changes_to_json(&changes, "hugepages apply",
                                         o->dry_run);
            fputs(text, stdout);
            free(text);
        }
        sbuf_destroy(&report);
        changes_destroy(&changes);
    } else {
        error = hp_workflow_reset(s, o->node, o->size_kb, o->persist, root,
                                  o->dry_run, stdout, diag);
        cli_report(diag);
    }
    free(root);
    free(base);
    return error;
}

int
cmd_hugepages(int argc, char *argv[])
{
    struct hp_opts o = { .node = -1 };
    struct plan_file *plan = NULL;
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
    if (o.plan && !(plan = plan_file_load(o.plan, &diag))) {
        error = cli_report(&diag);
    } else if ((error = hp_system_load(o.sysfs_root, &s, &diag))) {
        cli_report(&diag);
    } else {
        error = run(&s, &o, plan, &diag);
        hp_system_destroy(&s);
    }
    plan_file_destroy(plan);
    diag_destroy(&diag);
    hp_requests_destroy(&o.flags);
    return error;
}
