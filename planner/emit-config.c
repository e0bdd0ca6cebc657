/* emit-config.c: OVS other_config, kernel arguments, GRUB and tuned files.
 *
 * Kernel arguments: isolcpus=managed_irq,domain,<PMD+guest+idle> takes
 * the busy-polling and pinned-vCPU cores out of scheduler load balancing
 * ('domain') and keeps managed device interrupts (NVMe, multiqueue NICs)
 * off them where the kernel can ('managed_irq'); nohz_full and rcu_nocbs
 * on the same set stop the timer tick and RCU callbacks there; irqaffinity
 * and systemd.cpu_affinity keep interrupts and services on the
 * housekeeping pool (kernel threads are kept off the isolated set by
 * isolcpus and nohz_full; there is no mainline parameter that confines
 * them all).  The emulator-share pool is left out of isolcpus on
 * purpose: QEMU's emulator threads of all VMs share it and need the
 * scheduler to balance them. */
#include <config.h>

#include "planner/emit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/grub.h"
#include "lib/util.h"

static char *
socket_mem_list(const struct plan *p)
{
    int last = -1;
    struct sbuf b;

    for (int s = 0; s < p->n_numas; s++) {
        if (p->numas[s].socket_mem_mb) {
            last = p->numas[s].os_index;
        }
    }
    sbuf_init(&b);
    /* DPDK reads the list by position: entry i is NUMA node i, so gaps in
     * the node numbering get explicit zeros. */
    for (int node = 0; node <= last; node++) {
        const struct plan_numa *pn = plan_find_numa(p, node);
        sbuf_printf(&b, "%s%" PRIu64, node ? "," : "",
                    pn ? pn->socket_mem_mb : 0);
    }
    if (last < 0) {
        sbuf_puts(&b, "0");
    }
    return sbuf_steal(&b);
}

static char *
dpdk_extra(const struct plan *p)
{
    struct sbuf b;

    /* An allowlist of exactly the planned PCI uplinks: DPDK must not probe
     * and take over any other PCI device of the host.  Uplinks replaced by
     * a vdev stand-in need no PCI; with no PCI uplink left, --no-pci. */
    sbuf_init(&b);
    for (int i = 0; i < p->n_uplinks; i++) {
        if (!p->uplinks[i].devargs) {
            sbuf_printf(&b, "%s-a %s", b.len ? " " : "",
                        p->uplinks[i].nic->pci);
        }
    }
    if (!b.len) {
        sbuf_puts(&b, "--no-pci");
    }
    return sbuf_steal(&b);
}

void
plan_ovs_config(const struct plan *p, struct ovs_config *c)
{
    static const char *keys[N_OVS_KEYS] = {
        "dpdk-init", "dpdk-lcore-mask", "pmd-cpu-mask", "dpdk-socket-mem",
        "dpdk-socket-limit", "dpdk-extra", "pmd-rxq-assign",
        "pmd-rxq-isolate",
    };
    hwloc_bitmap_t pmd = xbitmap();

    for (int i = 0; i < N_OVS_KEYS; i++) {
        c->key[i] = keys[i];
    }
    c->value[OVS_DPDK_INIT] = xstrdup("true");
    c->value[OVS_DPDK_LCORE_MASK] = cpumask_format(p->pool[POOL_HOUSEKEEPING]);
    hwloc_bitmap_copy(pmd, p->pool[POOL_PMD]);
    c->value[OVS_PMD_CPU_MASK] = cpumask_format(pmd);
    c->value[OVS_SOCKET_MEM] = socket_mem_list(p);
    c->value[OVS_SOCKET_LIMIT] = socket_mem_list(p);
    c->value[OVS_DPDK_EXTRA] = dpdk_extra(p);
    c->value[OVS_PMD_RXQ_ASSIGN] = xstrdup(p->intent->pmd_rxq_assign);
    /* Every planned rx queue is pinned (rules 6 and 11), and OVS's default
     * (true) would then keep each PMD to its pinned queues only: a port
     * added later without affinity ('ovs port add' without --pmd) would
     * never be polled. */
    c->value[OVS_PMD_RXQ_ISOLATE] = xstrdup("false");
    hwloc_bitmap_free(pmd);
}

void
ovs_config_destroy(struct ovs_config *c)
{
    for (int i = 0; i < N_OVS_KEYS; i++) {
        free(c->value[i]);
    }
}

/* Rule 9 chose the form: per node ("hugepages=0:4,1:2", Linux 5.16+)
 * only on a multi-node host whose kernel takes it; else the total, which
 * a single-node host needs anyway and which the kernel spreads evenly
 * over the nodes of a larger one. */
static char *
hugepage_args(const struct plan *p)
{
    const char *size = p->hugepage_kb == 1048576 ? "1G" : "2M";
    uint64_t total = 0;
    struct sbuf b;

    for (int s = 0; s < p->n_numas; s++) {
        total += p->numas[s].hugepages;
    }
    sbuf_init(&b);
    sbuf_printf(&b, "default_hugepagesz=%s hugepagesz=%s hugepages=", size,
                size);
    if (!p->hugepages_per_node || !total) {
        sbuf_printf(&b, "%" PRIu64, total);
    } else {
        bool first = true;
        for (int s = 0; s < p->n_numas; s++) {
            if (p->numas[s].hugepages) {
                sbuf_printf(&b, "%s%d:%" PRIu64, first ? "" : ",",
                            p->numas[s].os_index, p->numas[s].hugepages);
                first = false;
            }
        }
    }
    return sbuf_steal(&b);
}

static void
split_args(struct kernel_args *k)
{
    char *copy = xstrdup(k->cmdline), *save = NULL;

    k->argv = NULL;
    k->argc = 0;
    for (char *a = strtok_r(copy, " ", &save); a;
         a = strtok_r(NULL, " ", &save)) {
        k->argv = xrealloc(k->argv, (k->argc + 1) * sizeof *k->argv);
        k->argv[k->argc++] = xstrdup(a);
    }
    free(copy);
}

void
plan_kernel_args(const struct plan *p, struct kernel_args *k)
{
    const char *iommu = plan_iommu_args(p->topo->cpu_vendor);
    hwloc_bitmap_t iso = xbitmap();
    char *iso_list, *hk_list;

    plan_isolated_cpus(p, iso);
    iso_list = cpulist_format(iso);
    hk_list = cpulist_format(p->pool[POOL_HOUSEKEEPING]);
    k->isolcpus = xasprintf("isolcpus=managed_irq,domain,%s", iso_list);
    k->nohz_full = xasprintf("nohz_full=%s", iso_list);
    k->rcu_nocbs = xasprintf("rcu_nocbs=%s", iso_list);
    k->irqaffinity = xasprintf("irqaffinity=%s", hk_list);
    k->cpu_affinity = xasprintf("systemd.cpu_affinity=%s", hk_list);
    k->iommu = xstrdup(iommu ? iommu : "iommu=pt");
    k->hugepages = hugepage_args(p);
    k->cmdline = xasprintf("%s %s %s %s %s %s %s", k->isolcpus, k->nohz_full,
                           k->rcu_nocbs, k->irqaffinity, k->cpu_affinity,
                           k->iommu, k->hugepages);
    split_args(k);
    free(iso_list);
    free(hk_list);
    hwloc_bitmap_free(iso);
}

void
kernel_args_destroy(struct kernel_args *k)
{
    free(k->isolcpus);
    free(k->nohz_full);
    free(k->rcu_nocbs);
    free(k->irqaffinity);
    free(k->cpu_affinity);
    free(k->iommu);
    free(k->hugepages);
    free(k->cmdline);
    for (size_t i = 0; i < k->argc; i++) {
        free(k->argv[i]);
    }
    free(k->argv);
}

char *
emit_kernel_cmdline(const struct plan *p)
{
    struct kernel_args k;
    char *s;

    plan_kernel_args(p, &k);
    s = xasprintf("%s\n", k.cmdline);
    kernel_args_destroy(&k);
    return s;
}

char *
emit_grub_dropin(const struct plan *p)
{
    struct kernel_args k;
    char *s;

    plan_kernel_args(p, &k);
    s = grub_dropin("# Generated by nfvhost " PACKAGE_VERSION ".  Install as "
                    "/etc/default/grub.d/nfvhost.cfg,\n"
                    "# then run update-grub and reboot.\n", k.argv, k.argc);
    kernel_args_destroy(&k);
    /* The planner's arguments are made of numbers and fixed words. */
    if (!s) {
        abort();
    }
    return s;
}

char *
emit_ovs_script(const struct plan *p)
{
    struct ovs_config c;
    struct sbuf b;

    plan_ovs_config(p, &c);
    sbuf_init(&b);
    sbuf_puts(&b, "#!/bin/sh\n"
              "# Generated by nfvhost " PACKAGE_VERSION ": OVS-DPDK settings "
              "of the plan.\n"
              "# dpdk-* keys take effect when ovs-vswitchd restarts; "
              "pmd-cpu-mask and\n"
              "# pmd-rxq-assign apply at once.\n"
              "set -e\n"
              "ovs-vsctl --no-wait set Open_vSwitch .");
    for (int i = 0; i < N_OVS_KEYS; i++) {
        sbuf_printf(&b, " \\\n    other_config:%s=\"%s\"", c.key[i],
                    c.value[i]);
    }
    sbuf_puts(&b, "\n");
    ovs_config_destroy(&c);
    return sbuf_steal(&b);
}

/* tuned's cpu-partitioning variables.  Its bootloader plugin adds
 * nohz_full= and rcu_nocbs= of isolated_cores and, when no_balance_cores
 * is set, isolcpus= of that (tuned 2.20, Debian 12's): so both are the
 * kernel's isolated set, and tuned's arguments equal the GRUB drop-in's
 * (the kernel ignores a housekeeping mask that differs from the first
 * one).  It is also what tuned's man page advises (tuned-profiles-cpu-
 * partitioning(7): no_balance_cores is "usually the same" list). */
char *
emit_tuned(const struct plan *p)
{
    hwloc_bitmap_t iso = xbitmap();
    char *iso_list, *s;

    plan_isolated_cpus(p, iso);
    iso_list = cpulist_format(iso);
    s = xasprintf("# Generated by nfvhost " PACKAGE_VERSION ".  Install as\n"
                  "# /etc/tuned/cpu-partitioning-variables.conf, then: "
                  "tuned-adm profile cpu-partitioning\n"
                  "isolated_cores=%s\n"
                  "no_balance_cores=%s\n", iso_list, iso_list);
    free(iso_list);
    hwloc_bitmap_free(iso);
    return s;
}

/* Every planned CPU but housekeeping: the isolated set and the
 * emulator-share pool.  Interrupts belong on housekeeping CPUs only: an
 * IRQ on the emulator-share pool delays the emulator threads of every VM
 * at once. */
static char *
irq_banned_list(const struct plan *p)
{
    hwloc_bitmap_t ban = xbitmap();
    char *list;

    plan_isolated_cpus(p, ban);
    hwloc_bitmap_or(ban, ban, p->pool[POOL_EMULATOR]);
    list = cpulist_format(ban);
    hwloc_bitmap_free(ban);
    return list;
}

/* irqbalance's environment file.  Setting the list replaces irqbalance's
 * own default ban (the isolated and nohz_full CPUs), so it lists those
 * too.  irqbalance 1.9 (Debian 12) reads only the _CPULIST form and
 * discards IRQBALANCE_BANNED_CPUS, which is what tuned's irqbalance
 * plugin (2.20) writes: tuned cannot ban the emulator-share pool there. */
char *
emit_irqbalance(const struct plan *p)
{
    char *ban = irq_banned_list(p);
    char *s = xasprintf("# Generated by nfvhost " PACKAGE_VERSION ": keep "
                        "interrupts on the housekeeping pool.\n"
                        "# Put this line into /etc/default/irqbalance "
                        "(RHEL: /etc/sysconfig/irqbalance)\n"
                        "# and restart irqbalance; tuned leaves it alone.\n"
                        "IRQBALANCE_BANNED_CPULIST=%s\n", ban);
    free(ban);
    return s;
}
