/* cmd-vm.c: 'nfvhost vm xml|tune|check', the front of libvirt-templates/. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "libvirt-templates/checks.h"
#include "libvirt-templates/define.h"
#include "libvirt-templates/domain.h"
#include "libvirt-templates/vmspec.h"
#include "lib/util.h"

struct vm_opts {
    const char *sub;
    const char *plan;
    const char *vm;
    const char *template;
    const char *disk;
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
           "FILE] [--disk PATH] [OPTIONS]\n"
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
           "  --sock-dir DIR     vhost-user sockets (default %s,\n"
           "                     as 'nfvhost ovs apply')\n"
           "  --sysfs-root DIR   find VFs under DIR/sys (a fake tree)\n"
           "  --vf NIC=PCI       the VF for SR-IOV NIC index NIC (default: "
           "the PF's\n                     virtfnN, VMs in plan order)\n"
           "  --output FILE      write there (atomically) instead of stdout\n"
           "  --define           also define the domain in libvirt%s\n"
           "  -c, --connect URI  libvirt connection for --define (e.g. "
           "qemu:///system)\n\n"
           "Exit status: 0 done, 1 system error, 2 bad input or a domain "
           "that fails the\nchecks.\n", VM_DEFAULT_SOCK_DIR,
           domain_define_available() ? "" : " (not in this build)");
}

static int
parse_opts(int argc, char *argv[], struct vm_opts *o, struct diag *d)
{
    static const struct option longopts[] = {
        { "plan", required_argument, NULL, 'p' },
        { "vm", required_argument, NULL, 'v' },
        { "template", required_argument, NULL, 't' },
        { "disk", required_argument, NULL, 'k' },
        { "sock-dir", required_argument, NULL, 'S' },
        { "sysfs-root", required_argument, NULL, 's' },
        { "vf", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "define", no_argument, NULL, 'D' },
        { "connect", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+c:o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': o->plan = optarg; break;
        case 'v': o->vm = optarg; break;
        case 't': o->template = optarg; break;
        case 'k': o->disk = optarg; break;
        case 'S': o->host.sock_dir = optarg; break;
        case 's': o->host.sysfs_root = optarg; break;
        case 'o': o->output = optarg; break;
        case 'D': o->define = true; break;
        case 'c': o->uri = optarg; break;
        case 'f':
            if (vm_host_opts_add_vf(&o->host, optarg, d)) {
                fprintf(stderr, "nfvhost vm %s: %s\n", o->sub, d->msg);
                return NFV_EINPUT;
            }
            break;
        case 'h': vm_usage(); return -1;
        case ':':
            return cli_usage_error("vm", "option '%s' needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error("vm", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    bool takes_domain = strcmp(o->sub, "xml");
    if (takes_domain && optind == argc - 1) {
        o->domain = argv[optind++];
    }
    if (optind < argc) {
        return cli_usage_error("vm", "unexpected argument '%s'",
                               argv[optind]);
    }
    if (!o->plan || !o->vm) {
        return cli_usage_error("vm", "%s needs --plan and --vm", o->sub);
    }
    if (takes_domain && !o->domain) {
        return cli_usage_error("vm", "%s needs a DOMAIN.xml ('-' for "
                               "stdin)", o->sub);
    }
    if ((o->template || o->disk) && takes_domain) {
        return cli_usage_error("vm", "--template and --disk are for 'vm xml'");
    }
    if (o->host.sock_dir && o->host.sock_dir[0] != '/') {
        return cli_usage_error("vm", "--sock-dir %s: not an absolute path "
                               "(QEMU and OVS must agree on it)",
                               o->host.sock_dir);
    }
    if (!strcmp(o->sub, "check") && (o->output || o->define)) {
        return cli_usage_error("vm", "'vm check' writes nothing: no "
                               "--output or --define");
    }
    return 0;
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
        if (write_file_atomic(o->output, xml, 0644)) {
            return diag_error(d, NFV_ESYSTEM, "--output %s: %s", o->output,
                              strerror(errno));
        }
    } else if (!o->define) {
        fputs(xml, stdout);
    }
    return 0;
}

static int
run(struct vm_opts *o, struct diag *d)
{
    struct vm_spec spec;
    char *in = NULL, *out = NULL;
    const char *name = o->domain;
    int error = vm_spec_load(o->plan, o->vm, &o->host, &spec, d);

    if (error) {
        goto done;
    }
    if (!strcmp(o->sub, "xml")) {
        name = o->template ? o->template : "built-in template";
        error = ((o->template && read_text(o->template, &in, d))
                 || domain_build(o->template, in, o->disk, &spec, &out, d));
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
