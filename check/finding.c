/* finding.c: the findings model and the table of ids (see finding.h). */
#include <config.h>

#include "check/finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "lib/util.h"

/* Every id 'nfvhost check' can report, by layer, in the order of
 * docs/check.md (tests/check-ids.sh compares the two). */
static const struct check_id ids[] = {
    { "kernel.cmdline",
      "a planned kernel argument (other than the CPU lists and iommu=pt) "
      "is on /proc/cmdline word for word" },
    { "kernel.isolcpus",
      "isolcpus= on /proc/cmdline names the plan's isolated CPUs and "
      "flags" },
    { "kernel.nohz_full",
      "nohz_full= on /proc/cmdline is the plan's" },
    { "kernel.rcu_nocbs",
      "rcu_nocbs= on /proc/cmdline is the plan's" },
    { "kernel.irqaffinity",
      "irqaffinity= on /proc/cmdline is the plan's housekeeping CPUs" },
    { "kernel.isolcpus-applied",
      "/sys/devices/system/cpu/isolated: the CPUs the kernel really "
      "isolated" },
    { "kernel.nohz_full-applied",
      "/sys/devices/system/cpu/nohz_full: the CPUs the kernel really runs"
      " tickless" },
    { "kernel.iommu",
      "an IOMMU is on (/sys/class/iommu), as vfio-pci needs" },
    { "kernel.iommu-pt",
      "iommu=pt is on the kernel command line" },
    { "kernel.thp",
      "transparent hugepages are not 'always'" },
    { "kernel.governor",
      "the CPUs that poll or run vCPUs use the performance governor" },
    { "kernel.cstates",
      "no deep idle state is enabled on the CPUs that poll or run vCPUs" },
    { "kernel.boot-config",
      "the GRUB drop-in and tuned's cpu-partitioning, where active, "
      "persist the plan's isolated CPUs and agree" },
    { "irq.affinity",
      "no device IRQ is delivered to (or may move to) a PMD or guest CPU" },
    { "irq.nic-node",
      "a planned NIC's IRQs are on its own node's housekeeping CPUs" },
    { "irq.irqbalance",
      "irqbalance, if running, keeps IRQs off the isolated CPUs and not "
      "off the housekeeping ones" },
    { "memory.hugepages",
      "each node has the plan's hugepages (without a plan: some "
      "hugepages)" },
    { "memory.hugetlbfs",
      "a hugetlbfs of the planned page size is mounted with group and "
      "mode 1770 as 'hugepages apply' makes it" },
    { "memory.socket-mem",
      "OVS's dpdk-socket-mem is held by a running DPDK or free on each "
      "node" },
    { "nic.present",
      "a planned PCI uplink exists" },
    { "nic.numa",
      "a planned uplink is on its planned node" },
    { "nic.driver",
      "a planned uplink is bound to vfio-pci" },
    { "nic.iommu-group",
      "a planned uplink's IOMMU group holds no device of another driver" },
    { "nic.route",
      "a planned uplink's kernel interface carries no route or address" },
    { "nic.vf-trust",
      "a VF that is an uplink has spoof checking off and trust on (netlink)" },
    { "nic.sriov-numvfs",
      "an SR-IOV PF has at least the VFs the plan takes from it" },
    { "ovs.running",
      "ovsdb-server and ovs-vswitchd are running" },
    { "ovs.dpdk",
      "DPDK is initialised in ovs-vswitchd" },
    { "ovs.datapath",
      "every bridge uses the netdev (userspace) datapath" },
    { "ovs.dpdk-init",
      "other_config:dpdk-init is the plan's" },
    { "ovs.dpdk-lcore-mask",
      "other_config:dpdk-lcore-mask is the plan's" },
    { "ovs.pmd-cpu-mask",
      "other_config:pmd-cpu-mask is the plan's" },
    { "ovs.dpdk-socket-mem",
      "other_config:dpdk-socket-mem is the plan's" },
    { "ovs.dpdk-socket-limit",
      "other_config:dpdk-socket-limit is the plan's" },
    { "ovs.dpdk-extra",
      "other_config:dpdk-extra is the plan's" },
    { "ovs.pmd-rxq-assign",
      "other_config:pmd-rxq-assign is the plan's" },
    { "ovs.other-config",
      "another planned other_config key, or any other difference 'ovs "
      "apply' would make" },
    { "ovs.bridge",
      "the plan's bridge exists with the netdev datapath" },
    { "ovs.uplink",
      "the plan's uplink port and interfaces are as planned" },
    { "ovs.vhost-port",
      "each planned vhost-user port is as planned (type, socket, VLAN, "
      "PMD, MTU)" },
    { "ovs.port-error",
      "no interface has an error" },
    { "ovs.socket-dir",
      "the vhost-user socket directory has the planned group and mode" },
    { "ovs.vhost-socket",
      "each planned vhost-user socket is connected" },
    { "ovs.pmd-cpus",
      "the PMD threads run on the planned CPUs (without a plan: pmd-cpu-"
      "mask's)" },
    { "ovs.pmd-affinity",
      "each PMD thread is allowed only on its own CPU" },
    { "ovs.thread-affinity",
      "ovs-vswitchd's other threads are not pinned onto PMD or guest CPUs" },
    { "ovs.rxq-numa",
      "each rx queue is polled by a PMD on its port's node" },
    { "ovs.rxq-pmd",
      "each rx queue is polled by the PMD the plan gives it" },
    { "ovs.pmd-cpu-shared",
      "no other thread is pinned onto a PMD's CPU" },
    { "vm.libvirt",
      "libvirt answers at the URI (-c)" },
    { "vm.defined",
      "each planned VM is defined" },
    { "vm.running",
      "each planned VM is running (WARN when defined but stopped)" },
    { "vm.vcpupin",
      "each vCPU is pinned to its planned CPU (virDomainGetVcpuPinInfo)" },
    { "vm.emulatorpin",
      "the emulator threads are pinned to the planned CPUs "
      "(virDomainGetEmulatorPinInfo)" },
    { "vm.memory",
      "'vm check' of the domain XML: shared hugepage memory on the VM's "
      "node" },
    { "vm.interfaces",
      "'vm check' of the domain XML: vhost-user interfaces on the planned"
      " sockets, mode server, VFs, VLANs" },
    { "vm.ring-size",
      "vhost-user rx and tx rings of 1024 entries" },
    { "vm.thread-affinity",
      "the QEMU process's vCPU threads run on their planned CPUs and its "
      "other threads on the emulator CPUs (/proc/PID/task)" },
    { "loss.counters",
      "OVS's counters could be read (ERROR otherwise)" },
    { "loss.drops",
      "no drop was seen in the window" },
    { "loss.guest-not-draining",
      "vhost tx drops because the guest does not take packets off its "
      "ring" },
    { "loss.vhost-down",
      "vhost tx drops because no front-end is connected" },
    { "loss.mtu",
      "drops of packets bigger than the port's MTU" },
    { "loss.qos",
      "drops by a QoS policer" },
    { "loss.nic-imissed",
      "the NIC's rx ring overflowed before a PMD polled it (imissed)" },
    { "loss.nic-nombuf",
      "no mbuf for a received packet (rx_nombuf)" },
    { "loss.nic-tx",
      "the NIC's tx ring was full" },
    { "loss.port-errors",
      "rx or tx errors on a port" },
    { "loss.pmd-busy",
      "a PMD used more than 95 % of its cycles (FAIL with drops, WARN "
      "without)" },
    { "loss.pmd-preempted",
      "another thread used a PMD's CPU in the window (named by its pid)" },
    { "loss.upcall-lost",
      "upcalls failed or were lost" },
    { "loss.datapath-drop",
      "OVS's datapath dropped packets (datapath_drop_* and drop_action_* "
      "coverage counters)" },
    { NULL, NULL },
};

const struct check_id *
check_ids(void)
{
    return ids;
}

const struct check_id *
check_id_find(const char *id)
{
    for (const struct check_id *c = ids; c->id; c++) {
        if (!strcmp(c->id, id)) {
            return c;
        }
    }
    return NULL;
}

void
check_report_init(struct check_report *r)
{
    memset(r, 0, sizeof *r);
}

void
check_report_destroy(struct check_report *r)
{
    for (size_t i = 0; i < r->n_strings; i++) {
        free(r->strings[i]);
    }
    for (size_t i = 0; i < r->n_notes; i++) {
        free(r->notes[i]);
    }
    free(r->strings);
    free(r->notes);
    free(r->findings);
    memset(r, 0, sizeof *r);
}

static const char *
keep(struct check_report *r, char *s)
{
    if (r->n_strings == r->cap_strings) {
        r->cap_strings = r->cap_strings ? 2 * r->cap_strings : 64;
        r->strings = xrealloc(r->strings,
                              r->cap_strings * sizeof *r->strings);
    }
    r->strings[r->n_strings++] = s;
    return s;
}

static const char *
keep_copy(struct check_report *r, const char *s)
{
    return s ? keep(r, xstrdup(s)) : NULL;
}

const char *
check_str(struct check_report *r, const char *fmt, ...)
{
    va_list args;
    char *s;

    va_start(args, fmt);
    s = xvasprintf(fmt, args);
    va_end(args);
    return keep(r, s);
}

void
check_add(struct check_report *r, enum check_level level, const char *id,
          const char *subject, const char *what, const char *found,
          const char *want, const char *fix)
{
    const struct check_id *c = check_id_find(id);
    struct check_finding *f;

    if (!c) {
        fprintf(stderr, "nfvhost check: bug: finding id '%s' is not in "
                "check/ids.def\n", id);
        abort();
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 32;
        r->findings = xrealloc(r->findings, r->cap * sizeof *r->findings);
    }
    f = &r->findings[r->n++];
    f->level = level;
    f->id = c->id;
    f->subject = keep_copy(r, subject);
    f->what = keep_copy(r, what);
    f->found = keep_copy(r, found);
    f->want = keep_copy(r, want);
    f->fix = level == CHECK_PASS ? NULL : keep_copy(r, fix);
}

void
check_note(struct check_report *r, const char *fmt, ...)
{
    va_list args;

    r->notes = xrealloc(r->notes, (r->n_notes + 1) * sizeof *r->notes);
    va_start(args, fmt);
    r->notes[r->n_notes++] = xvasprintf(fmt, args);
    va_end(args);
}

size_t
check_report_count(const struct check_report *r, enum check_level level)
{
    size_t n = 0;

    for (size_t i = 0; i < r->n; i++) {
        n += r->findings[i].level == level;
    }
    return n;
}

int
check_report_status(const struct check_report *r)
{
    return (check_report_count(r, CHECK_FAIL) ? CHECK_EXIT_FAIL
            : check_report_count(r, CHECK_ERROR) ? NFV_ESYSTEM
            : NFV_OK);
}

const char *
check_level_name(enum check_level level)
{
    static const char *const names[CHECK_N_LEVELS] = {
        "PASS", "WARN", "FAIL", "ERROR",
    };
    return names[level];
}
