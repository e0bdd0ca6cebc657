/* vm.c: the vm layer of 'nfvhost check'.
 *
 * Each planned VM, through libvirt (-c URI, read-only):
 *   - defined, and running (a defined VM that is not running is a WARN:
 *     reported, not failed);
 *   - its live vCPU and emulator pinning (virDomainGetVcpuPinInfo,
 *     virDomainGetEmulatorPinInfo) against the plan;
 *   - the running domain XML through 'vm check' (libvirt-templates/
 *     checks.h), problem by problem: shared hugepage memory, vhost-user
 *     interfaces on the planned sockets, rings; plus rings of 1024
 *     entries, the size the plan's NDR figures assume (tripleo-validations
 *     fails smaller ones);
 *   - what the kernel does with its QEMU threads: the process whose
 *     command line has "-name guest=VM" under ROOT/proc, each "CPU N/KVM"
 *     thread allowed only on vCPU N's planned CPU, every other thread on
 *     the emulator CPUs (a pin libvirt set can be undone by a cgroup or a
 *     taskset, and libvirt would not know).
 * In a build without libvirt the layer is not run, and a note says so. */
#include <config.h>

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check/context.h"
#include "lib/parse.h"
#include "lib/plan-file.h"
#include "lib/util.h"
#include "libvirt-templates/checks.h"
#include "libvirt-templates/define.h"
#include "libvirt-templates/vmspec.h"

#ifdef HAVE_LIBVIRT
#include <libxml/parser.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* The ring size the plan's benchmarks and the vhost-user guides use. */
#define VM_RING_SIZE 1024

/* The QEMU process of VM 'name': its command line has "-name guest=NAME,"
 * (libvirt) or "-name NAME".  0 if none. */
static int
qemu_pid(struct check_ctx *ctx, const char *name)
{
    char *dir = ctx_path(ctx, "/proc");
    char *want1 = xasprintf(" -name guest=%s,", name);
    char *want2 = xasprintf(" -name guest=%s ", name);
    char *want3 = xasprintf(" -name %s ", name);
    DIR *d = opendir(dir);
    struct dirent *e;
    int pid = 0;

    while (d && !pid && (e = readdir(d))) {
        char *cmd;
        int n;
        if (!parse_int(e->d_name, 1, INT_MAX, &n)) {
            continue;
        }
        cmd = proc_cmdline(ctx->root, n);
        if (cmd && strstr(cmd, "qemu")
            && (strstr(cmd, want1) || strstr(cmd, want2)
                || strstr(cmd, want3))) {
            pid = n;
        }
        free(cmd);
    }
    if (d) {
        closedir(d);
    }
    free(dir);
    free(want1);
    free(want2);
    free(want3);
    return pid;
}

static void
check_threads(struct check_ctx *ctx, const struct plan_file_vm *vm)
{
    int pid = qemu_pid(ctx, vm->name);
    struct proc_table pt;
    struct sbuf bad;
    int n_vcpu = 0;

    if (!pid) {
        check_add(ctx->r, CHECK_WARN, "vm.thread-affinity", vm->name,
                  check_str(ctx->r, "affinity of VM %s's QEMU threads",
                            vm->name),
                  check_str(ctx->r, "no QEMU process with '-name guest=%s' "
                            "under %s/proc", vm->name, ctx->root),
                  "vCPU threads on their planned CPUs, the others on the "
                  "emulator CPUs",
                  "run check on the host that runs the VM (libvirt's "
                  "test driver has no processes)");
        return;
    }
    proc_table_load(ctx->root, pid, &pt);
    sbuf_init(&bad);
    for (size_t i = 0; i < pt.n; i++) {
        const struct proc_task *t = &pt.tasks[i];
        char kind[16];
        int v;
        hwloc_bitmap_t want = xbitmap();

        if (sscanf(t->comm, "CPU %d/%15s", &v, kind) == 2) {
            n_vcpu++;
            if (v >= 0 && v < vm->vcpus) {
                plan_file_vcpu_cpus(vm, v, want);
            }
        } else {
            hwloc_bitmap_copy(want, vm->emulatorpin);
        }
        /* An empty want: policy none (emulator threads unpinned) or a
         * vCPU the plan does not have; both allowed anywhere. */
        if (!hwloc_bitmap_iszero(want)
            && !hwloc_bitmap_isincluded(t->allowed, want)) {
            sbuf_printf(&bad, "%sthread %d (%s) allowed on %s, want %s",
                        bad.len ? "; " : "", t->tid, t->comm,
                        ctx_cpus(ctx, t->allowed), ctx_cpus(ctx, want));
        }
        hwloc_bitmap_free(want);
    }
    check_add(ctx->r, bad.len ? CHECK_FAIL : CHECK_PASS,
              "vm.thread-affinity", vm->name,
              check_str(ctx->r, "affinity of VM %s's QEMU threads (pid %d: "
                        "%d vCPU threads, %zu others)", vm->name, pid,
                        n_vcpu, pt.n - n_vcpu),
              bad.len ? bad.s : "as planned",
              check_str(ctx->r, "vCPU i on CPU vcpupin[i], the others on %s",
                        ctx_cpus(ctx, vm->emulatorpin)),
              "something re-pinned the threads behind libvirt's back "
              "(taskset, a cgroup cpuset, tuned): 'virsh vcpupin' and "
              "'virsh emulatorpin' restore them; find and stop what moved "
              "them");
    sbuf_destroy(&bad);
    proc_table_destroy(&pt);
}

/* A libvirt cpumap of 'maplen' bytes as a bitmap. */
static void
cpumap_to_set(const unsigned char *map, int maplen, hwloc_bitmap_t set)
{
    hwloc_bitmap_zero(set);
    for (int cpu = 0; cpu < maplen * 8; cpu++) {
        if (VIR_CPU_USED(map, cpu)) {
            hwloc_bitmap_set(set, cpu);
        }
    }
}

/* CPUs a cpumap must hold: the host's, and at least the plan's (the test
 * driver reports a fixed 8-CPU host whatever its node says). */
static int
map_cpus(virConnectPtr conn, const struct plan_file *p)
{
    int n = virNodeGetCPUMap(conn, NULL, NULL, 0);
    int planned = hwloc_bitmap_last(p->host.usable_cpus) + 1;

    return n > planned ? n : planned > 0 ? planned : 1;
}

static void
check_pins(struct check_ctx *ctx, virConnectPtr conn, virDomainPtr dom,
           const struct plan_file_vm *vm, bool live,
           enum check_level level)
{
    int ncpus = map_cpus(conn, ctx->plan), maplen = VIR_CPU_MAPLEN(ncpus);
    unsigned char *maps = xcalloc(vm->vcpus, maplen);
    unsigned flags = live ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
    int n = virDomainGetVcpuPinInfo(dom, vm->vcpus, maps, maplen, flags);
    hwloc_bitmap_t set = xbitmap(), want = xbitmap();
    struct sbuf bad;

    sbuf_init(&bad);
    if (n < 0) {
        check_add(ctx->r, CHECK_ERROR, "vm.vcpupin", vm->name,
                  check_str(ctx->r, "VM %s's vCPU pinning", vm->name),
                  virGetLastErrorMessage(), NULL,
                  "see libvirtd's log");
    } else {
        for (int i = 0; i < vm->vcpus; i++) {
            if (i >= n) {
                sbuf_printf(&bad, "%svCPU %d missing", bad.len ? "; " : "",
                            i);
                continue;
            }
            cpumap_to_set(maps + i * maplen, maplen, set);
            plan_file_vcpu_cpus(vm, i, want);
            if (!hwloc_bitmap_isequal(set, want)) {
                sbuf_printf(&bad, "%svCPU %d on %s (planned ",
                            bad.len ? "; " : "", i, ctx_cpus(ctx, set));
                sbuf_printf(&bad, "%s)", ctx_cpus(ctx, want));
            }
        }
        check_add(ctx->r, bad.len ? level : CHECK_PASS, "vm.vcpupin",
                  vm->name,
                  check_str(ctx->r, "VM %s's %s vCPU pinning "
                            "(virDomainGetVcpuPinInfo)", vm->name,
                            live ? "live" : "configured"),
                  bad.len ? bad.s : "as planned",
                  check_str(ctx->r, "vCPU i on CPU vcpupin[i] of %s",
                            ctx_cpus(ctx, vm->cpus)),
                  check_str(ctx->r, "virsh vcpupin %s N CPU --live --config "
                            "per vCPU, or 'nfvhost vm tune' the domain and "
                            "redefine it", vm->name));
    }
    if (!hwloc_bitmap_iszero(vm->emulatorpin)) {
        memset(maps, 0, maplen);
        if (virDomainGetEmulatorPinInfo(dom, maps, maplen, flags) < 0) {
            check_add(ctx->r, CHECK_ERROR, "vm.emulatorpin", vm->name,
                      check_str(ctx->r, "VM %s's emulator pinning",
                                vm->name),
                      virGetLastErrorMessage(), NULL, "see libvirtd's log");
        } else {
            cpumap_to_set(maps, maplen, set);
            check_add(ctx->r, hwloc_bitmap_isequal(set, vm->emulatorpin)
                      ? CHECK_PASS : level, "vm.emulatorpin", vm->name,
                      check_str(ctx->r, "VM %s's %s emulator pinning "
                                "(virDomainGetEmulatorPinInfo)", vm->name,
                                live ? "live" : "configured"),
                      ctx_cpus(ctx, set), ctx_cpus(ctx, vm->emulatorpin),
                      check_str(ctx->r, "virsh emulatorpin %s %s --live "
                                "--config: QEMU's emulator threads belong "
                                "on the emulator-share pool, off the vCPUs' "
                                "CPUs", vm->name,
                                ctx_cpus(ctx, vm->emulatorpin)));
        }
    }
    sbuf_destroy(&bad);
    hwloc_bitmap_free(set);
    hwloc_bitmap_free(want);
    free(maps);
}

/* 'vm check''s problems of one VM, by area. */
struct xml_problems {
    struct sbuf text[DOMAIN_EMULATOR + 1];
};

static void
collect(void *aux, enum domain_area area, const char *msg)
{
    struct xml_problems *p = aux;

    sbuf_printf(&p->text[area], "%s%s", p->text[area].len ? "; " : "",
                msg);
}

/* Every vhost-user interface's rings at VM_RING_SIZE. */
static void
ring_sizes(xmlDocPtr doc, struct sbuf *bad)
{
    static const char *const attrs[] = { "rx_queue_size", "tx_queue_size" };
    int i = 0;

    for (xmlNodePtr n = xmlDocGetRootElement(doc)->children; n;
         n = n->next) {
        if (n->type != XML_ELEMENT_NODE
            || strcmp((const char *) n->name, "devices")) {
            continue;
        }
        for (xmlNodePtr f = n->children; f; f = f->next) {
            xmlChar *type;
            if (f->type != XML_ELEMENT_NODE
                || strcmp((const char *) f->name, "interface")) {
                continue;
            }
            type = xmlGetProp(f, BAD_CAST "type");
            if (type && !strcmp((const char *) type, "vhostuser")) {
                xmlNodePtr drv = f->children;
                while (drv && (drv->type != XML_ELEMENT_NODE
                               || strcmp((const char *) drv->name,
                                         "driver"))) {
                    drv = drv->next;
                }
                for (size_t a = 0; a < ARRAY_SIZE(attrs); a++) {
                    xmlChar *v = drv ? xmlGetProp(drv, (const xmlChar *) attrs[a])
                                     : NULL;
                    int size;
                    if (!v || !parse_int((const char *) v, 0, INT_MAX,
                                         &size) || size < VM_RING_SIZE) {
                        sbuf_printf(bad, "%sinterface %d %s %s",
                                    bad->len ? "; " : "", i, attrs[a],
                                    v ? (const char *) v
                                      : "unset (QEMU's 256)");
                    }
                    xmlFree(v);
                }
            }
            xmlFree(type);
            i++;
        }
    }
}

static void
check_xml(struct check_ctx *ctx, virDomainPtr dom,
          const struct plan_file_vm *vm, enum check_level level)
{
    static const struct {
        enum domain_area area;
        const char *id;
        const char *what;
    } areas[] = {
        { DOMAIN_MEMORY, "vm.memory", "guest memory: shared hugepages on "
          "the VM's node" },
        { DOMAIN_INTERFACES, "vm.interfaces", "vhost-user interfaces on the "
          "planned sockets, mode server; VFs; VLANs" },
    };
    char *xml = virDomainGetXMLDesc(dom, 0);
    struct vm_host_opts host = { .sysfs_root = ctx->root };
    struct vm_spec spec;
    struct diag d;
    xmlDocPtr doc = NULL;
    struct xml_problems p;
    struct sbuf rings;

    diag_init(&d);
    memset(&spec, 0, sizeof spec);
    if (!xml || vm_spec_load(ctx->plan, vm->name, &host, &spec, &d)
        || !(doc = xmlReadMemory(xml, strlen(xml), vm->name, NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOERROR
                                 | XML_PARSE_NOWARNING))) {
        check_add(ctx->r, CHECK_ERROR, "vm.memory", vm->name,
                  check_str(ctx->r, "VM %s's domain XML", vm->name),
                  !xml ? virGetLastErrorMessage() : d.status ? d.msg
                  : "not well-formed", NULL, "see the message");
        goto out;
    }
    for (size_t i = 0; i <= DOMAIN_EMULATOR; i++) {
        sbuf_init(&p.text[i]);
    }
    domain_check_each(doc, &spec, collect, &p);
    for (size_t i = 0; i < ARRAY_SIZE(areas); i++) {
        struct sbuf *t = &p.text[areas[i].area];
        check_add(ctx->r, t->len ? level : CHECK_PASS, areas[i].id,
                  vm->name, check_str(ctx->r, "VM %s's %s", vm->name,
                                      areas[i].what),
                  t->len ? t->s : "as planned", "as planned ('vm check')",
                  check_str(ctx->r, "nfvhost vm tune --plan %s --vm %s on "
                            "'virsh dumpxml %s', then virsh define and "
                            "restart the VM", ctx->plan->path, vm->name,
                            vm->name));
    }
    sbuf_init(&rings);
    ring_sizes(doc, &rings);
    if (p.text[DOMAIN_RINGS].len) {
        sbuf_printf(&rings, "%s%s", rings.len ? "; " : "",
                    p.text[DOMAIN_RINGS].s);
    }
    check_add(ctx->r, rings.len ? level : CHECK_PASS, "vm.ring-size",
              vm->name, check_str(ctx->r, "VM %s's vhost-user ring sizes",
                                  vm->name),
              rings.len ? rings.s : "1024 everywhere",
              "rx_queue_size and tx_queue_size 1024",
              "<driver rx_queue_size='1024' tx_queue_size='1024'/> on each "
              "vhost-user interface ('nfvhost vm tune' writes it); small "
              "rings overflow at the first burst");
    sbuf_destroy(&rings);
    for (size_t i = 0; i <= DOMAIN_EMULATOR; i++) {
        sbuf_destroy(&p.text[i]);
    }
out:
    if (doc) {
        xmlFreeDoc(doc);
    }
    if (spec.name) {
        vm_spec_destroy(&spec);
    }
    free(xml);
    diag_destroy(&d);
}

static void
check_one(struct check_ctx *ctx, virConnectPtr conn,
          const struct plan_file_vm *vm)
{
    virDomainPtr dom = virDomainLookupByName(conn, vm->name);
    int state, reason;
    bool running;

    if (!dom) {
        check_add(ctx->r, CHECK_FAIL, "vm.defined", vm->name,
                  check_str(ctx->r, "VM %s in libvirt", vm->name),
                  "not defined", "defined",
                  check_str(ctx->r, "nfvhost vm xml --plan %s --vm %s "
                            "--define -c URI", ctx->plan->path, vm->name));
        return;
    }
    check_add(ctx->r, CHECK_PASS, "vm.defined", vm->name,
              check_str(ctx->r, "VM %s in libvirt", vm->name), "defined",
              "defined", NULL);
    running = !virDomainGetState(dom, &state, &reason, 0)
              && state == VIR_DOMAIN_RUNNING;
    check_add(ctx->r, running ? CHECK_PASS : CHECK_WARN, "vm.running",
              vm->name, check_str(ctx->r, "VM %s", vm->name),
              running ? "running" : "defined, not running (its live "
              "pinning is not checked, its configuration is)", "running",
              check_str(ctx->r, "virsh start %s", vm->name));
    /* A stopped VM's configuration is reported, not failed: it does not
     * carry traffic now. */
    check_pins(ctx, conn, dom, vm, running,
               running ? CHECK_FAIL : CHECK_WARN);
    check_xml(ctx, dom, vm, running ? CHECK_FAIL : CHECK_WARN);
    if (running) {
        check_threads(ctx, vm);
    }
    virDomainFree(dom);
}

void
check_vm(struct check_ctx *ctx)
{
    const char *uri = ctx->o->uri ? ctx->o->uri : CHECK_DEFAULT_URI;
    virConnectPtr conn;

    if (!ctx->plan->n_vms) {
        check_note(ctx->r, "the plan has no VMs: the vm layer has nothing "
                   "to check");
        return;
    }
    libvirt_quiet();
    conn = virConnectOpenReadOnly(uri);
    if (!conn) {
        check_add(ctx->r, CHECK_ERROR, "vm.libvirt", uri,
                  check_str(ctx->r, "libvirt at %s", uri),
                  check_str(ctx->r, "cannot connect: %s",
                            virGetLastErrorMessage()),
                  "connected",
                  "start libvirtd, or give -c the URI of the libvirt that "
                  "runs the VMs");
        return;
    }
    check_add(ctx->r, CHECK_PASS, "vm.libvirt", uri,
              check_str(ctx->r, "libvirt at %s", uri), "connected",
              "connected", NULL);
    for (size_t i = 0; i < ctx->plan->n_vms; i++) {
        check_one(ctx, conn, &ctx->plan->vms[i]);
    }
    virConnectClose(conn);
}
#else
void
check_vm(struct check_ctx *ctx)
{
    /* 'nfvhost check' refuses --only vm and -c in such a build (exit 2);
     * in a run of every layer the vm layer is left out, and says so. */
    check_note(ctx->r, "the vm layer was not run: %s", DEFINE_NO_LIBVIRT);
}
#endif
