/* cmd-plan.c: 'nfvhost plan', the front of planner/. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "planner/emit.h"
#include "planner/emit-openstack.h"
#include "planner/intent.h"
#include "lib/output.h"
#include "lib/plan-file.h"
#include "planner/outputs.h"
#include "planner/plan.h"
#include "planner/topology.h"
#include "lib/util.h"

struct plan_opts {
    const char *topology;
    const char *sysfs_root;
    const char *intent;
    const char *output;
    const char *svg;
    const char *previous;   /* --previous PLAN.json */
    bool allow_moves;
    bool json;
    bool no_color;
    const char **overrides; /* --uplink-override PCI=DEVARGS, in order. */
    int n_overrides;
};

static void
plan_usage(void)
{
    printf("Usage: nfvhost plan [--topology FILE.xml] [--sysfs-root DIR] "
           "[--intent FILE.ini]\n"
           "                    [--output DIR] [--svg FILE] "
           "[--uplink-override PCI=DEVARGS]...\n"
           "                    [--previous PLAN.json [--allow-moves]] "
           "[--json] [--no-color]\n"
           "Partition the host's cores into housekeeping, OVS PMD, guest "
           "and emulator-share\npools, place the VMs the intent lists, size "
           "hugepages per NUMA node, and\nwrite the configuration that "
           "makes it so.\n\n"
           "  --topology FILE.xml  plan the host exported with 'lstopo --of "
           "xml' (default:\n"
           "                       discover this machine with hwloc)\n"
           "  --sysfs-root DIR     read NIC facts from DIR/sys and DIR/proc "
           "(a fake tree)\n"
           "  --intent FILE.ini    what to plan for (default: docs/"
           "planner.md, 'Defaults')\n"
           "  --output DIR         write plan.json, kernel-cmdline.txt, "
           "grub.d/nfvhost.cfg,\n"
           "                       ovs-other-config.sh and tuned/cpu-"
           "partitioning-variables.conf\n"
           "  --svg FILE           also draw the machine picture (pools, "
           "VMs, NICs) as SVG\n"
           "  --uplink-override PCI=DEVARGS\n"
           "                       plan uplink PCI, but have OVS use the DPDK "
           "vdev DEVARGS\n"
           "                       in its place (a stand-in for tests; "
           "repeatable)\n"
           "  --previous PLAN.json keep the VMs of that plan where they are "
           "(CPUs, PMDs,\n"
           "                       MACs, VFs); plan only what changed, and "
           "list the changes\n"
           "  --allow-moves        with --previous: move the fewest VMs "
           "needed when keeping\n"
           "                       them all does not fit (else exit 3, "
           "naming them)\n"
           "  --json               print plan.json instead of the summary\n"
           "  --no-color           no colours in the picture (also "
           "NO_COLOR, or not a tty)\n\n"
           "Exit status: 0 planned, 1 system error, 2 bad input, "
           "3 infeasible.\n");
}

enum {
    OPT_TOPOLOGY = 256, OPT_SYSFS_ROOT, OPT_INTENT, OPT_OUTPUT, OPT_SVG,
    OPT_JSON, OPT_NO_COLOR, OPT_OVERRIDE, OPT_PREVIOUS, OPT_ALLOW_MOVES,
    OPT_HELP,
};

static const struct cli_opt options[] = {
    { "topology", true, OPT_TOPOLOGY, 0 },
    { "sysfs-root", true, OPT_SYSFS_ROOT, 0 },
    { "intent", true, OPT_INTENT, 0 },
    { "output", true, OPT_OUTPUT, 0 },
    { "svg", true, OPT_SVG, 0 },
    { "json", false, OPT_JSON, 0 },
    { "no-color", false, OPT_NO_COLOR, 0 },
    { "uplink-override", true, OPT_OVERRIDE, 0 },
    { "previous", true, OPT_PREVIOUS, 0 },
    { "allow-moves", false, OPT_ALLOW_MOVES, 0 },
    { "help", false, OPT_HELP, 'h' },
    { NULL, false, 0, 0 },
};

/* 0, -1 after --help, or 2 after the usage error. */
static int
parse_one(int id, const char *arg, void *o_)
{
    struct plan_opts *o = o_;

    switch (id) {
    case OPT_TOPOLOGY: o->topology = arg; break;
    case OPT_SYSFS_ROOT: o->sysfs_root = arg; break;
    case OPT_INTENT: o->intent = arg; break;
    case OPT_OUTPUT: o->output = arg; break;
    case OPT_SVG: o->svg = arg; break;
    case OPT_JSON: o->json = true; break;
    case OPT_NO_COLOR: o->no_color = true; break;
    case OPT_OVERRIDE: o->overrides[o->n_overrides++] = arg; break;
    case OPT_PREVIOUS: o->previous = arg; break;
    case OPT_ALLOW_MOVES: o->allow_moves = true; break;
    case OPT_HELP: plan_usage(); return -1;
    }
    return 0;
}

static int
parse_opts(int argc, char *argv[], struct plan_opts *o)
{
    char **operands;
    int n;
    int error = cli_opts_parse("plan", argc, argv, 1, options, parse_one, o,
                               &operands, &n);

    if (error) {
        return error;
    }
    if (n) {
        return cli_usage_error("plan", "unexpected argument '%s'",
                               operands[0]);
    }
    if (o->allow_moves && !o->previous) {
        return cli_usage_error("plan", "--allow-moves needs --previous "
                               "PLAN.json");
    }
    return cli_opt_dir("plan", "--sysfs-root", o->sysfs_root) ? 0
                                                               : NFV_EINPUT;
}

/* The plan's files, and the intent when it lies in the directory they
 * replace ('nfvhost setup' writes DIR/intent.ini, and its comment says to
 * re-plan with --intent DIR/intent.ini --output DIR): the new directory
 * keeps it rather than deleting the file the plan came from. */
static int
write_outputs(const struct plan *p, const char *dir, const char *intent,
              struct diag *diag)
{
    size_t n = plan_outputs_count();
    struct output_file *plan_files = plan_outputs(p);
    struct output_file *files = xcalloc(n + 1, sizeof *files);
    char *kept_name = NULL, *kept_text = NULL;
    int kept_mode = 0;
    int error = intent ? output_keep_file(dir, intent, &kept_name,
                                          &kept_text, &kept_mode, diag) : 0;

    memcpy(files, plan_files, n * sizeof *files);
    for (size_t i = 0; !error && kept_name && i < n; i++) {
        if (!strcmp(kept_name, files[i].name)) {
            error = diag_error(diag, NFV_EINPUT, "--intent %s is %s/%s, a "
                               "file of the plan that --output replaces",
                               intent, dir, kept_name);
        }
    }
    if (kept_name) {
        files[n].name = kept_name;
        files[n].text = kept_text;
        files[n++].mode = kept_mode;
    }
    if (!error) {
        error = output_write_dir(dir, PLAN_OUTPUT_MARKER, files, n, diag);
    }
    free(kept_name);
    free(kept_text);
    free(files);
    plan_outputs_free(plan_files);
    return error;
}

/* "Wrote DIR/: plan.json ...", with the OpenStack files on a line of their
 * own (they go to another host's /etc). */
static void
print_written(const char *dir)
{
    static const char os_dir[] = "openstack/";

    printf("\nWrote %s/:", dir);
    for (size_t i = 0; i < plan_outputs_count(); i++) {
        if (strncmp(plan_output_name(i), os_dir, strlen(os_dir))) {
            printf(" %s", plan_output_name(i));
        }
    }
    printf("\n  %s:", os_dir);
    for (size_t i = 0; i < plan_outputs_count(); i++) {
        if (!strncmp(plan_output_name(i), os_dir, strlen(os_dir))) {
            printf(" %s", plan_output_name(i) + strlen(os_dir));
        }
    }
    printf("\n");
}

/* The picture as SVG, written atomically like every other output. */
static int
write_svg(const struct plan *p, const char *path, struct diag *diag)
{
    char *svg = emit_svg(p);
    int error = output_write_file("--svg", path, svg, 0644, diag);

    free(svg);
    return error;
}

static int
apply_overrides(const struct plan_opts *o, struct intent *intent,
                struct diag *diag)
{
    for (int i = 0; i < o->n_overrides; i++) {
        int error = intent_override_uplink(intent, o->overrides[i], diag);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* --previous: read through the typed reader, handed to the planner as
 * data (the planner itself reads nothing). */
static int
load_previous(const struct plan_opts *o, struct plan_file **previous,
              struct diag *diag)
{
    if (!o->previous) {
        return 0;
    }
    *previous = plan_file_load(o->previous, diag);
    return *previous ? 0 : diag->status;    /* The reader names the file. */
}

int
cmd_plan(int argc, char *argv[])
{
    struct plan_opts o = { NULL };
    struct topology_source src;
    struct nfv_topology topo;
    struct intent intent;
    struct plan plan;
    struct plan_options popts = { NULL, false };
    struct plan_file *previous = NULL;
    struct diag diag;
    int error;

    o.overrides = xcalloc(argc, sizeof *o.overrides);
    error = parse_opts(argc, argv, &o);
    if (error) {
        free(o.overrides);
        return error < 0 ? 0 : error;
    }
    diag_init(&diag);
    intent_default(&intent);
    memset(&topo, 0, sizeof topo);
    memset(&plan, 0, sizeof plan);
    src.xml_file = o.topology;
    src.sysfs_root = o.sysfs_root;

    if ((o.intent && (error = intent_parse_file(o.intent, &intent, &diag)))
        || (error = apply_overrides(&o, &intent, &diag))
        || (error = topology_load(&src, &topo, &diag))
        || (error = load_previous(&o, &previous, &diag))
        || (popts.previous = previous, popts.allow_moves = o.allow_moves,
            error = plan_build_with(&topo, &intent, &popts, &plan, &diag))
        || (error = openstack_check(&plan, &diag))
        || (o.output && (error = write_outputs(&plan, o.output, o.intent,
                                              &diag)))
        || (o.svg && (error = write_svg(&plan, o.svg, &diag)))) {
        goto out;
    }
    if (o.json) {
        cli_report(&diag);      /* Warnings; the summary shows its own. */
    }
    bool color = !o.no_color && !getenv("NO_COLOR") && isatty(STDOUT_FILENO);
    char *text = o.json ? emit_plan_json(&plan) : emit_summary(&plan, color);
    fputs(text, stdout);
    free(text);
    if (o.output && !o.json) {
        print_written(o.output);
    }
    if (o.svg && !o.json) {
        printf("Wrote %s\n", o.svg);
    }

out:
    if (error) {
        cli_report(&diag);
    }
    plan_destroy(&plan);
    if (previous) {
        plan_file_destroy(previous);
    }
    topology_destroy(&topo);
    intent_destroy(&intent);
    diag_destroy(&diag);
    free(o.overrides);
    return error;
}
