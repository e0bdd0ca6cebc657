/* test-plan-file.c: lib/plan-file.h, the typed reader of plan.json
 * format 2: the home-lab plan read back field by field, then one edit at a
 * time, each of which must be refused with exit status 2 and a message
 * naming the JSON path; and the plan-file fuzz seeds still accepted. */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "lib/plan-file.h"
#include "lib/util.h"
#include "tests/unit/tap.h"

static json_t *golden;

/* The value at PATH ("vms[1].nics[0]"), creating nothing. */
static json_t *
at(json_t *root, const char *path)
{
    char *copy = xstrdup(path), *save = NULL;
    json_t *v = root;

    for (char *tok = strtok_r(copy, ".", &save); tok && v;
         tok = strtok_r(NULL, ".", &save)) {
        char *br = strchr(tok, '[');
        if (br) {
            *br = '\0';
        }
        if (*tok) {
            v = json_object_get(v, tok);
        }
        while (br && v) {
            v = json_array_get(v, atoi(br + 1));
            br = strchr(br + 1, '[');
        }
    }
    free(copy);
    return v;
}

/* Sets PATH.KEY (KEY the last component) to 'value' (stolen); a NULL
 * value deletes the key. */
static void
set(json_t *root, const char *path, json_t *value)
{
    char *copy = xstrdup(path);
    char *dot = strrchr(copy, '.');
    json_t *parent = dot ? (*dot = '\0', at(root, copy)) : root;
    const char *key = dot ? dot + 1 : copy;

    if (value) {
        json_object_set_new(parent, key, value);
    } else {
        json_object_del(parent, key);
    }
    free(copy);
}

static struct plan_file *
parse(json_t *root, struct diag *d)
{
    char *text = json_dumps(root, 0);
    struct plan_file *p;

    diag_destroy(d);
    diag_init(d);
    p = plan_file_parse(text, strlen(text), "plan.json", d);
    free(text);
    return p;
}

static void
test_golden(void)
{
    struct diag d;
    struct plan_file *p;
    const struct plan_file_vm *vm;
    const struct plan_file_ovs_iface *f;
    char *s;

    diag_init(&d);
    p = parse(golden, &d);
    if (!ok(p != NULL, "the home-lab golden plan loads")) {
        printf("# %s\n", d.msg);
        exit(1);
    }
    is_int(p->format, 2, "format 2");
    is_int(p->n_numa_nodes, 1, "one node");
    is_int(p->numa_nodes[0].hugepages.count, 10, "10 pages on node 0");
    s = cpulist_format(p->pools.pmd);
    is_str(s, "3,9", "pools.pmd as a bitmap");
    free(s);
    vm = plan_file_find_vm(p, "vrouter1");
    ok(vm && vm->n_nics == 3, "vrouter1 and its 3 NICs");
    is_str(vm->nics[0].port, "vhu-vrouter1-0", "vhost port name");
    is_int(vm->nics[0].vlan, 100, "VLAN");
    is_int(vm->nics[2].type, NIC_SRIOV, "NIC 2 is SR-IOV");
    is_str(vm->nics[2].pf, "0000:03:00.1", "its PF, the X710's second port");
    is_int(vm->nics[2].vf, 0, "its VF ordinal");
    s = plan_file_socket_path(p, &vm->nics[1]);
    is_str(s, "/var/lib/vhost_sockets/vhu-vrouter1-1", "socket path");
    free(s);
    is_int(p->ovs.socket_mode, 0770, "socket mode 0770");
    is_str(plan_file_other_config(p, "pmd-rxq-isolate"), "false",
           "other_config lookup");
    f = &p->ovs.uplink_port->interfaces[0];
    ok(f->n_rxq == 2 && f->rxq_pmds[0] == 3 && f->rxq_pmds[1] == 9,
       "uplink rx queues on PMDs 3 and 9");
    is_str(f->dpdk_devargs, "net_af_packet0,iface=nfv-up0", "stand-in");
    ok(!f->bind_vfio, "a stand-in is not bound");
    ok(p->n_sriov_pfs == 1 && p->sriov_pfs[0].set_numvfs,
       "the SR-IOV PF is not the stood-in uplink: it gets its VFs");
    s = plan_file_kernel_cmdline(p);
    ok(!strncmp(s, "isolcpus=managed_irq,domain,2-5,8-11 nohz_full=",
                strlen("isolcpus=managed_irq,domain,2-5,8-11 nohz_full=")),
       "kernel arguments joined: %s", s);
    free(s);
    plan_file_destroy(p);
    diag_destroy(&d);
}

/* One edit of the golden plan, and the message it must give. */
static void
refused(const char *path, json_t *value, const char *msg, const char *what)
{
    json_t *root = json_deep_copy(golden);
    struct plan_file *p;
    struct diag d;

    diag_init(&d);
    set(root, path, value);
    p = parse(root, &d);
    ok(!p && d.status == NFV_EINPUT, "%s: refused with exit 2", what);
    is_str(d.msg, msg, "%s: message", what);
    plan_file_destroy(p);
    json_decref(root);
    diag_destroy(&d);
}

static void
test_refused(void)
{
    json_t *f1 = json_deep_copy(golden);
    struct plan_file *p;
    struct diag d;

    refused("vms[1].nics[0].vlan", json_integer(5000),
            "plan.json: vms[1].nics[0].vlan: expected 1-4094",
            "VLAN 5000");
    /* Issue 11, defect 6: a PF that is a path, not a PCI address. */
    refused("vms[0].nics[2].pf", json_string("../../../../victim"),
            "plan.json: vms[0].nics[2].pf: '../../../../victim' is not a "
            "PCI address (DDDD:BB:DD.F, function 0-7)", "a PF path");
    refused("sriov_pfs[0].pci", json_string("0000:03:00.f"),
            "plan.json: sriov_pfs[0].pci: '0000:03:00.f' is not a PCI "
            "address (DDDD:BB:DD.F, function 0-7)", "PCI function f");
    refused("vms[0].nics[2].pf", json_string("0000:03:00.0"),
            "plan.json: vms[0].nics[2].pf: not one of sriov_pfs[]",
            "a PF the plan does not list");
    refused("vms[0].nics[2].vf", json_integer(1),
            "plan.json: vms[0].nics[2].vf: not below its PF's numvfs",
            "a VF beyond numvfs");
    refused("vms[0].nics[1].mac", json_string("52:54:00:52:ce:cb"),
            "plan.json: vms[0].nics[1].mac: used by another NIC of the plan",
            "a MAC used twice");
    refused("vms[0].nics[0].mac", json_string("02:00:00:00:00:01"),
            "plan.json: vms[0].nics[0].mac: '02:00:00:00:00:01' is not "
            "52:54:00:xx:xx:xx (lower-case hex)", "a MAC outside 52:54:00");
    refused("vms[0].nics[0].port", json_string("../x"),
            "plan.json: vms[0].nics[0].port: '../x' is not "
            "[A-Za-z0-9][A-Za-z0-9_-]{0,63}", "a port name with a path");
    refused("vms[0].nics[0].pmd_cpu", json_integer(2),
            "plan.json: vms[0].nics[0].pmd_cpu: not a CPU of pools.pmd",
            "a vhost NIC polled from a guest CPU");
    {
        json_t *old = json_deep_copy(golden);
        struct plan_file *o;
        struct diag od;

        diag_init(&od);
        set(old, "vms[0].nics[0].rxq_pmds", NULL);
        o = parse(old, &od);
        ok(o && !o->vms[0].nics[0].rxq_pmds && o->vms[0].nics[0].pmd_cpu == 3,
           "a plan without rxq_pmds (before them) reads: pmd_cpu polls all");
        plan_file_destroy(o);
        json_decref(old);
        diag_destroy(&od);
    }
    refused("vms[0].nics[0].rxq_pmds", json_pack("[i]", 2),
            "plan.json: vms[0].nics[0].rxq_pmds: not every one a CPU of "
            "pools.pmd", "an rx queue polled from a guest CPU");
    refused("vms[0].nics[0].rxq_pmds", json_pack("[i]", 9),
            "plan.json: vms[0].nics[0].rxq_pmds: queue 0's PMD is not "
            "pmd_cpu", "queue 0's PMD and pmd_cpu disagree");
    refused("vms[0].nics[0].rxq_pmds", json_pack("[i,i]", 3, 9),
            "plan.json: vms[0].nics[0].rxq_pmds: expected null or an array "
            "of queues (1) CPU numbers", "more rx queue PMDs than queues");
    refused("vms[0].vcpupin", json_pack("[i,i]", 2, 64),
            "plan.json: vms[0].vcpupin[1]: not a CPU of host.usable_cpus",
            "a vCPU pinned to a CPU the host lacks");
    refused("vms[1].disk", json_string("images/fw.qcow2"),
            "plan.json: vms[1].disk: expected null or an absolute path",
            "a relative disk path");
    refused("vms[1].cdrom", json_integer(1),
            "plan.json: vms[1].cdrom: expected a string",
            "a CD-ROM that is not a path");
    refused("vms[2].name", json_string("vrouter1"),
            "plan.json: vms[2].name: 'vrouter1' names two VMs",
            "two VMs of one name");
    refused("ovs.socket_dir", json_string("/run/../etc"),
            "plan.json: ovs.socket_dir: '/run/../etc' is not an absolute "
            "path of at most 80 characters [A-Za-z0-9/._-] without '.' or "
            "'..' components (unix socket paths are short)",
            "a socket directory with '..'");
    refused("ovs.socket_mode", json_string("0777"),
            "plan.json: ovs.socket_mode: '0777' is not an octal mode "
            "without bits for others or special bits, e.g. \"0770\"",
            "a world-writable socket mode");
    refused("ovs.uplink_port.interfaces[0].rxq_pmds", json_pack("[i,i]", 3, 4),
            "plan.json: ovs.uplink_port.interfaces[0].rxq_pmds[1]: not a CPU "
            "of pools.pmd", "an rx queue on a guest CPU");
    refused("ovs.uplink_port.interfaces[0].n_rxq", json_integer(3),
            "plan.json: ovs.uplink_port.interfaces[0].rxq_pmds: expected "
            "null or an array of n_rxq (3) CPU numbers",
            "n_rxq and rxq_pmds disagree");
    /* Issue 11, defect 2: shell in the GRUB drop-in. */
    refused("kernel.args", json_pack("[s]", "\"; touch /tmp/x; x=\""),
            "plan.json: kernel.args[0]: expected a kernel argument of "
            "[A-Za-z0-9_.,:=/+-] only", "a kernel argument with shell");
    /* Issue 11, defect 5: counts from a plan take the same checks. */
    refused("numa_nodes[0].hugepages.count",
            json_integer(INT64_MAX),
            "plan.json: numa_nodes[0].hugepages: 9223372036854775807 pages "
            "of 1048576 kB do not fit the node's 32768 MiB (or the size is "
            "not settings.hugepage_size_kb)", "a page count that overflows");
    /* Found by tests/fuzz/fuzz-plan-file: pins and memory the VM's domain
     * would then fail nfvhost's own checks with ('vm xml' refused it). */
    refused("vms[2].emulatorpin", json_string("0,7"),
            "plan.json: vms[2].emulatorpin: 0,7 has PMD or housekeeping CPUs",
            "emulator threads on a housekeeping CPU");
    refused("vms[2].emulatorpin", json_string("1,2"),
            "plan.json: vms[2].emulatorpin: 1-2 has vCPU 0's CPU 2",
            "emulator threads on a vCPU's CPU");
    refused("vms[2].emulatorpin", json_string("1,4"),
            "plan.json: vms[2].emulatorpin: 1,4 is outside shared_cpus "
            "(settings.emulator_policy share)",
            "emulator threads outside the shared pool");
    refused("vms[2].vcpupin", json_pack("[ii]", 5, 9),
            "plan.json: vms[2].vcpupin[1]: not a CPU of pools.guest",
            "a vCPU on a PMD CPU");
    refused("vms[2].memory_mb", json_integer(4096),
            "plan.json: vms[2].hugepages: 2 pages of 1048576 kB do not hold "
            "memory_mb (4096 MiB)", "more memory than the VM's hugepages");
    refused("vms[2].memory_mb", json_integer(1536),
            "plan.json: vms[2].memory_mb: 1536 MiB is not a whole number of "
            "1048576 kB pages", "memory that is not whole pages");
    refused("numa_nodes[0].hugepages.guests", json_integer(7),
            "plan.json: numa_nodes[0].hugepages.guests: 7 pages, fewer than "
            "its VMs' 8", "a node short of its VMs' pages");
    refused("pools.guest", json_string("2-5,8,10-11"),
            "plan.json: pools.guest: shares CPUs with pmd",
            "overlapping pools");
    refused("pools.idle", json_string("0-3x"),
            "plan.json: pools.idle: expected a CPU list such as \"0-3,8\" "
            "(\"\" for none)", "a CPU list with a typo");
    refused("vms[0].topology.threads", json_integer(1),
            "plan.json: vms[0].topology: sockets * cores * threads = 1, but "
            "the VM has 2 vcpus", "a topology that is not the vCPU count");
    refused("ovs.socket_dri", json_string("/x"),
            "plan.json: ovs.socket_dri: unknown key (docs/plan-format.md "
            "lists the keys of format 2)", "a misspelt key");
    refused("ovs.bridge", NULL, "plan.json: ovs.bridge: missing",
            "a missing key");
    /* Rule 16: the appliers delete the ports "changes" names. */
    refused("changes", json_pack("[{s:s, s:s, s:s, s:n, s:n, s:b}]",
                                 "kind", "port-removed", "vm", "trafgen1",
                                 "item", "../x", "before", "after",
                                 "restart", 0),
            "plan.json: changes[0].item: expected a port name",
            "a removed port that is a path");
    refused("changes", json_pack("[{s:s, s:n, s:n, s:n, s:n, s:b}]",
                                 "kind", "vm-gone", "vm", "item", "before",
                                 "after", "restart", 0),
            "plan.json: changes[0].kind: expected vm-added, vm-removed, "
            "vm-changed, vm-moved, vcpupin, emulatorpin, rxq, port-added, "
            "port-removed, vf or pool", "an unknown change");

    /* Format 1. */
    json_object_set_new(f1, "format", json_string("nfvhost-plan"));
    json_object_set_new(f1, "version", json_integer(1));
    diag_init(&d);
    p = parse(f1, &d);
    ok(!p && d.status == NFV_EINPUT, "a format-1 plan: exit 2");
    is_str(d.msg, "plan.json: plan format 1 (nfvhost before format 2); this "
           "nfvhost reads format 2: re-run 'nfvhost plan'",
           "a format-1 plan: the message says re-run nfvhost plan");
    json_decref(f1);
    p = plan_file_parse("{\"format\": 2, \"format\": 2}", 26, "plan.json",
                        &d);
    ok(!p && d.status == NFV_EINPUT, "a duplicate key is refused");
    diag_destroy(&d);
}

/* The plan-file fuzz target's seeds (tests/fuzz/corpus/plan-file/) are
 * plans 'nfvhost plan' wrote: each must still be one the reader accepts,
 * or the fuzzer starts from refused input and explores only the refusal
 * paths (the seeds went stale once, unnoticed, when the format grew).
 * crash-* files are regression inputs: accepted or refused, never a
 * crash, which the fuzz target itself checks. */
static void
test_fuzz_seeds(const char *top)
{
    char *dir = xasprintf("%s/tests/fuzz/corpus/plan-file", top);
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        char *path;
        struct plan_file *p;
        struct diag dg;

        if (len < 6 || strcmp(e->d_name + len - 5, ".json")
            || !strncmp(e->d_name, "crash-", 6)) {
            continue;
        }
        path = xasprintf("%s/%s", dir, e->d_name);
        diag_init(&dg);
        p = plan_file_load(path, &dg);
        ok(p != NULL, "fuzz seed %s is a plan the reader accepts%s%s",
           e->d_name, p ? "" : ": ", p ? "" : dg.msg);
        plan_file_destroy(p);
        diag_destroy(&dg);
        free(path);
        n++;
    }
    if (d) {
        closedir(d);
    }
    ok(n >= 5, "%d plan seeds in %s", n, dir);
    free(dir);
}

int
main(void)
{
    const char *top = getenv("top_srcdir");
    char *path = xasprintf("%s/tests/golden/homelab/plan.json",
                           top ? top : ".");
    json_error_t err;

    golden = json_load_file(path, 0, &err);
    if (!golden) {
        printf("Bail out! %s: %s\n", path, err.text);
        return 1;
    }
    free(path);
    test_golden();
    test_refused();
    test_fuzz_seeds(top ? top : ".");
    json_decref(golden);
    return done_testing();
}
