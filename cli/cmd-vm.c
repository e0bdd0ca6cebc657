/* cmd-vm.c: 'nfvhost vm xml|tune|check', the front of libvirt-templates/. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "libvirt-templates/checks.h"
#include "libvirt-templates/define.h"
#include "libvirt-templates/domain.h"
#include "libvirt-templates/vmspec.h"
#include "lib/output.h"
#include "lib/plan-file.h"
#include "lib/util.h"

struct vm_opts {
    const char *sub;
    const char *plan;
    const char *vm;
    const char *template;
    const char *disk;
    const char *cdrom;
    const char *output;
    const char *uri;
    const char *domain;         /* tune, check: the input domain. */
    bool define;
    struct vm_host_opts host;
};

static void
vm_usage(void)
{
    printf("Usage: nfvhost vm xml   --plan PLAN.json --vm NAME [--template "
           "FILE] [--disk PATH]\n"
           "                         [--cdrom ISO] [OPTIONS]\n"
           "       nfvhost vm tune  --plan PLAN.json --vm NAME [OPTIONS] "
           "DOMAIN.xml\n"
           "       nfvhost vm check --plan PLAN.json --vm NAME [OPTIONS] "
           "DOMAIN.xml\n"
           "libvirt domain XML for a VM of the plan: pinned vCPUs, emulator "
           "threads on the\nemulator-share pool, hugepages on the VM's node, "
           "vhost-user NICs on the OVS\nports' sockets, SR-IOV VFs with their "
           "VLAN.\n\n"
           "  xml    a whole domain from a template (default: the built-in "
           "q35 one,\n         libvirt-templates/base-q35.xml)\n"
           "  tune   rewrite only the NFV parts of DOMAIN.xml ('-': stdin), "
           "e.g. from\n         'virsh dumpxml'; every other byte stays\n"
           "  check  report what DOMAIN.xml gets wrong for the VM\n\n"
           "  --plan FILE        plan.json from 'nfvhost plan --output'\n"
           "  --vm NAME          the VM, as the intent names it\n"
           "  --template FILE    xml: the domain to start from\n"
           "  --disk PATH        xml: the first disk's image or block device\n"
           "                     (default: the plan's, from the intent's "
           "disk)\n"
           "  --cdrom ISO        xml: an installer ISO as a CD-ROM, booted "
           "first\n                     (default: the plan's)\n"
           "  --sock-dir DIR     override the plan's vhost-user socket "
           "directory\n                     (ovs.socket_dir; give 'nfvhost ovs "
           "apply' the same)\n"
           "  --sysfs-root DIR   find VFs under DIR/sys (a fake tree)\n"
           "  --vf NIC=PCI       the VF for SR-IOV NIC index NIC (default: "
           "the PF's\n                     virtfnN for the plan's VF ordinal "
           "N)\n"
           "  --output FILE      write there (atomically) instead of stdout\n"
           "  --define           also define the domain in libvirt%s\n"
           "  -c, --connect URI  libvirt connection for --define (e.g. "
           "qemu:///system)\n\n"
           "Exit status: 0 done, 1 system error, 2 bad input or a domain "
           "that fails the\nchecks.\n", domain_define_available() ? "" : " (not in this build)");
}

enum {
    OPT_PLAN = 256, OPT_VM, OPT_TEMPLATE, OPT_DISK, OPT_CDROM, OPT_SOCK_DIR,
    OPT_SYSFS_ROOT, OPT_VF, OPT_OUTPUT, OPT_DEFINE, OPT_CONNECT, OPT_HELP,
};

static const struct cli_opt options[] = {
    { "plan", true, OPT_PLAN, 0 },
    { "vm", true, OPT_VM, 0 },
    { "template", true, OPT_TEMPLATE, 0 },
    { "disk", true, OPT_DISK, 0 },
    { "cdrom", true, OPT_CDROM, 0 },
    { "sock-dir", true, OPT_SOCK_DIR, 0 },
    { "sysfs-root", true, OPT_SYSFS_ROOT, 0 },
    { "vf", true, OPT_VF, 0 },
    { "output", true, OPT_OUTPUT, 'o' },
    { "define", false, OPT_DEFINE, 0 },
    { "connect", true, OPT_CONNECT, 'c' },
    { "help", false, OPT_HELP, 'h' },
    { NULL, false, 0, 0 },
};

/* 0, -1 after --help, or 2 after the usage error. */
struct vm_parse {
    struct vm_opts *o;
    struct diag *d;
};

static int
parse_one(int id, const char *arg, void *ctx)
{
    struct vm_opts *o = ((struct vm_parse *) ctx)->o;
    struct diag *d = ((struct vm_parse *) ctx)->d;

    switch (id) {
    case OPT_PLAN: o->plan = arg; break;
    case OPT_VM: o->vm = arg; break;
    case OPT_TEMPLATE: o->template = arg; break;
    case OPT_DISK: o->disk = arg; break;
    case OPT_CDROM: o->cdrom = arg; break;
    case OPT_SOCK_DIR: o->host.sock_dir = arg; break;
    case OPT_SYSFS_ROOT: o->host.sysfs_root = arg; break;
    case OPT_OUTPUT: o->output = arg; break;
    case OPT_DEFINE: o->define = true; break;
    case OPT_CONNECT: o->uri = arg; break;
    case OPT_VF:
        if (vm_host_opts_add_vf(&o->host, arg, d)) {
            return cli_usage_error("vm", "%s", d->msg);
        }
        break;
    case OPT_HELP: vm_usage(); return -1;
    }
    return 0;
}

/* The operands and the options each verb takes. */
static int
check_opts(struct vm_opts *o, int n, char **operands)
{
    bool takes_domain = strcmp(o->sub, "xml");

    if (takes_domain && n == 1) {
        o->domain = operands[0];
    } else if (n) {
        return cli_usage_error("vm", "unexpected argument '%s'",
                               operands[0]);
    }
    if (!o->plan || !o->vm) {
        return cli_usage_error("vm", "%s needs --plan and --vm", o->sub);
    }
    if (takes_domain && !o->domain) {
        return cli_usage_error("vm", "%s needs a DOMAIN.xml ('-' for "
                               "stdin)", o->sub);
    }
    if ((o->template || o->disk || o->cdrom) && takes_domain) {
        return cli_usage_error("vm", "--template, --disk and --cdrom are "
                               "for 'vm xml'");
    }
    if (o->host.sock_dir && !plan_file_socket_dir_valid(o->host.sock_dir)) {
        return cli_usage_error("vm", "--sock-dir %s: not an absolute path "
                               "of at most %d characters [A-Za-z0-9/._-] "
                               "(QEMU and OVS must agree on it)",
                               o->host.sock_dir, PLAN_SOCKET_DIR_MAX);
    }
    if (!strcmp(o->sub, "check") && (o->output || o->define)) {
        return cli_usage_error("vm", "'vm check' writes nothing: no "
                               "--output or --define");
    }
    return 0;
}

static int
parse_opts(int argc, char *argv[], struct vm_opts *o, struct diag *d)
{
    struct vm_parse ctx = { o, d };
    char **operands;
    int n;
    int error = cli_opts_parse("vm", argc, argv, 1, options, parse_one, &ctx,
                               &operands, &n);

    return error ? error : check_opts(o, n, operands);
}

static int
read_text(const char *path, char **text, struct diag *d)
{
    bool is_stdin = !strcmp(path, "-");
    FILE *f = is_stdin ? stdin : fopen(path, "r");
    struct sbuf b;
    char buf[65536];
    size_t n, total = 0;

    if (!f) {
        return diag_error(d, NFV_EINPUT, "%s: %s", path, strerror(errno));
    }
    sbuf_init(&b);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        sbuf_printf(&b, "%.*s", (int) n, buf);
        total += n;
    }
    /* "%.*s" stops at a NUL: a shorter text means the file had one. */
    int failed = ferror(f) || b.len != total;
    if (!is_stdin) {
        fclose(f);
    }
    if (failed) {
        sbuf_destroy(&b);
        return diag_error(d, NFV_EINPUT, "%s: cannot read it as text", path);
    }
    *text = sbuf_steal(&b);
    return 0;
}

/* Defines before writing: libvirt refusing the domain (or being out of
 * reach) is the likelier failure, and then --output has written nothing. */
static int
emit(const struct vm_opts *o, const char *xml, struct diag *d)
{
    if (o->define) {
        int error = domain_define(o->uri, xml, d);
        if (error) {
            return error;
        }
        fprintf(stderr, "nfvhost vm: defined domain %s on %s\n", o->vm,
                o->uri ? o->uri : "libvirt's default connection");
    }
    if (o->output) {
        return output_write_file("--output", o->output, xml, 0644, d);
    } else if (!o->define) {
        fputs(xml, stdout);
    }
    return 0;
}

static int
run(struct vm_opts *o, struct diag *d)
{
    struct plan_file *plan = plan_file_load(o->plan, d);
    struct vm_spec spec;
    char *in = NULL, *out = NULL;
    const char *name = o->domain;
    int error;

    memset(&spec, 0, sizeof spec);
    if (!plan) {
        return d->status;
    }
    error = vm_spec_load(plan, o->vm, &o->host, &spec, d);
    if (error) {
        goto done;
    }
    if (!strcmp(o->sub, "xml")) {
        /* The plan's disk and ISO (the intent's), unless the flags say. */
        const struct plan_file_vm *vm = plan_file_find_vm(plan, o->vm);
        name = o->template ? o->template : "built-in template";
        error = ((o->template && read_text(o->template, &in, d))
                 || domain_build(o->template, in,
                                 o->disk ? o->disk : vm->disk,
                                 o->cdrom ? o->cdrom : vm->cdrom, &spec,
                                 &out, d));
    } else if (!strcmp(o->sub, "tune")) {
        error = (read_text(o->domain, &in, d)
                 || domain_tune(o->domain, in, &spec, &out, d));
    } else {
        error = read_text(o->domain, &in, d);
        if (!error && !(error = domain_check_text(in, o->domain, &spec, d))) {
            printf("%s: fits VM %s of %s\n", o->domain, o->vm, o->plan);
        }
        goto done;
    }
    if (error) {
        error = d->status;
        goto done;
    }
    /* The result must pass the same checks as the user's domains. */
    error = domain_check_text(out, name, &spec, d);
    if (!error) {
        error = emit(o, out, d);
    }

done:
    free(in);
    free(out);
    vm_spec_destroy(&spec);
    plan_file_destroy(plan);
    return error;
}

int
cmd_vm(int argc, char *argv[])
{
    struct vm_opts o;
    struct diag d;
    int error;

    memset(&o, 0, sizeof o);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        vm_usage();
        return argc < 2 ? NFV_EINPUT : 0;
    }
    o.sub = argv[1];
    if (strcmp(o.sub, "xml") && strcmp(o.sub, "tune")
        && strcmp(o.sub, "check")) {
        return cli_usage_error("vm", "unknown subcommand '%s' (xml, tune, "
                               "check)", o.sub);
    }
    diag_init(&d);
    error = parse_opts(argc - 1, argv + 1, &o, &d);
    if (error) {
        diag_destroy(&d);
        return error < 0 ? 0 : error;
    }
    error = run(&o, &d);
    if (error) {
        cli_report(&d);
    }
    diag_destroy(&d);
    return error;
}
