/* irq.c: the irq layer of 'nfvhost check'.
 *
 * Every device interrupt (ROOT/proc/irq/N with a handler directory) must
 * be delivered to housekeeping CPUs: its effective_affinity_list, where
 * the kernel sends it now, must not reach a PMD or guest CPU (an
 * interrupt there steals the CPU from the poller or the vCPU), and its
 * smp_affinity_list, where it may be moved, should not either.  A
 * planned NIC's interrupts (its msi_irqs) belong to the housekeeping CPUs
 * of its own node.  irqbalance, if it runs, must keep away from the
 * isolated CPUs (its banned set, plus the isolated and nohz_full CPUs it
 * excludes by itself) and must not ban the housekeeping ones. */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "check/context.h"
#include "lib/pci.h"
#include "lib/plan-file.h"
#include "lib/util.h"

/* The handler names of IRQ 'irq' (its subdirectories), "" if none: an
 * IRQ no device has requested. */
static char *
irq_names(struct check_ctx *ctx, const char *irq)
{
    char *dir = ctx_path(ctx, "/proc/irq/%s", irq);
    DIR *d = opendir(dir);
    struct dirent *e;
    struct sbuf b;

    sbuf_init(&b);
    while (d && (e = readdir(d))) {
        if (e->d_name[0] != '.' && e->d_type == DT_DIR) {
            sbuf_printf(&b, "%s%s", b.len ? "," : "", e->d_name);
        }
    }
    if (d) {
        closedir(d);
    }
    free(dir);
    return sbuf_steal(&b);
}

/* Where IRQ 'irq' goes: effective_affinity_list (or, on kernels without
 * it, smp_affinity_list) and where it may go. */
static bool
irq_affinity(struct check_ctx *ctx, const char *irq, hwloc_bitmap_t eff,
             hwloc_bitmap_t allowed)
{
    char *p = xasprintf("/proc/irq/%s/smp_affinity_list", irq);
    char *e = xasprintf("/proc/irq/%s/effective_affinity_list", irq);
    bool ok = ctx_read_cpus(ctx, p, allowed);

    if (ok && !ctx_read_cpus(ctx, e, eff)) {
        hwloc_bitmap_copy(eff, allowed);
    }
    free(p);
    free(e);
    return ok;
}

static void
check_device_irqs(struct check_ctx *ctx)
{
    const struct plan_file_pools *pools = &ctx->plan->pools;
    hwloc_bitmap_t busy = xbitmap(), eff = xbitmap(), allowed = xbitmap();
    char *dir = ctx_path(ctx, "/proc/irq");
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0, n_bad = 0;

    ctx_isolated(ctx, busy);
    while (d && (e = readdir(d))) {
        char *names;
        if (!isdigit((unsigned char) e->d_name[0])) {
            continue;
        }
        names = irq_names(ctx, e->d_name);
        if (names[0] && irq_affinity(ctx, e->d_name, eff, allowed)) {
            const char *subject = check_str(ctx->r, "irq %s", e->d_name);
            const char *what = check_str(ctx->r, "IRQ %s (%s) CPUs",
                                         e->d_name, names);
            const char *found = check_str(ctx->r, "on %s, may move to %s",
                                          ctx_cpus(ctx, eff),
                                          ctx_cpus(ctx, allowed));
            const char *want = check_str(ctx->r, "housekeeping CPUs %s",
                                         ctx_cpus(ctx, pools->housekeeping));
            const char *fix = check_str(ctx->r, "echo %s > /proc/irq/%s/"
                                        "smp_affinity_list (irqaffinity= "
                                        "does it at boot; a managed IRQ "
                                        "needs isolcpus=managed_irq)",
                                        ctx_cpus(ctx, pools->housekeeping),
                                        e->d_name);
            n++;
            if (hwloc_bitmap_intersects(eff, busy)) {
                check_add(ctx->r, CHECK_FAIL, "irq.affinity", subject, what,
                          found, want, fix);
                n_bad++;
            } else if (hwloc_bitmap_intersects(allowed, busy)) {
                check_add(ctx->r, CHECK_WARN, "irq.affinity", subject, what,
                          found, want, fix);
                n_bad++;
            }
        }
        free(names);
    }
    if (d) {
        closedir(d);
    }
    if (!n_bad) {
        check_add(ctx->r, n ? CHECK_PASS : CHECK_ERROR, "irq.affinity", NULL,
                  check_str(ctx->r, "device IRQs off the PMD and guest CPUs "
                            "%s", ctx_cpus(ctx, busy)),
                  n ? check_str(ctx->r, "all %zu", n)
                  : check_str(ctx->r, "no IRQ could be read under %s", dir),
                  "all", "run as root");
    }
    free(dir);
    hwloc_bitmap_free(busy);
    hwloc_bitmap_free(eff);
    hwloc_bitmap_free(allowed);
}

/* The IRQs of PCI device 'pci' (its msi_irqs directory) on the
 * housekeeping CPUs of node 'node'. */
static void
check_nic_irqs(struct check_ctx *ctx, const char *pci, int node)
{
    const struct plan_file_numa *n = plan_file_find_numa(ctx->plan, node);
    char *dir = pci_path(ctx->root, pci, "msi_irqs");
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *e;
    hwloc_bitmap_t eff = xbitmap(), allowed = xbitmap();
    struct sbuf off;
    size_t count = 0;

    if (!d || !n || hwloc_bitmap_iszero(n->pools.housekeeping)) {
        goto out;               /* No interrupts, or nowhere to want them. */
    }
    sbuf_init(&off);
    while ((e = readdir(d))) {
        if (isdigit((unsigned char) e->d_name[0])
            && irq_affinity(ctx, e->d_name, eff, allowed)) {
            count++;
            if (!hwloc_bitmap_isincluded(eff, n->pools.housekeeping)) {
                sbuf_printf(&off, "%sIRQ %s on %s", off.len ? ", " : "",
                            e->d_name, ctx_cpus(ctx, eff));
            }
        }
    }
    if (count) {
        check_add(ctx->r, off.len ? CHECK_WARN : CHECK_PASS, "irq.nic-node",
                  pci, check_str(ctx->r, "%s's %zu IRQs on node %d's "
                                 "housekeeping CPUs", pci, count, node),
                  off.len ? off.s : "all", ctx_cpus(ctx,
                                                    n->pools.housekeeping),
                  check_str(ctx->r, "interrupts served on another node "
                            "cross the interconnect: echo %s > /proc/irq/N/"
                            "smp_affinity_list for each",
                            ctx_cpus(ctx, n->pools.housekeeping)));
    }
    sbuf_destroy(&off);
out:
    if (d) {
        closedir(d);
    }
    free(dir);
    hwloc_bitmap_free(eff);
    hwloc_bitmap_free(allowed);
}

/* irqbalance's banned CPUs from ROOT/etc/default/irqbalance:
 * IRQBALANCE_BANNED_CPULIST (a list) or IRQBALANCE_BANNED_CPUS (a hex
 * mask, older releases). */
static void
irqbalance_banned(struct check_ctx *ctx, hwloc_bitmap_t set)
{
    char *text = ctx_read(ctx, "/etc/default/irqbalance");
    char *save = NULL;

    hwloc_bitmap_zero(set);
    for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        char v[4096];
        if (sscanf(line, " IRQBALANCE_BANNED_CPULIST = \"%4095[^\"]\"", v)
                == 1
            || sscanf(line, " IRQBALANCE_BANNED_CPULIST = %4095s", v) == 1) {
            cpulist_parse(v, set);
        } else if (sscanf(line, " IRQBALANCE_BANNED_CPUS = \"%4095[^\"]\"", v)
                       == 1
                   || sscanf(line, " IRQBALANCE_BANNED_CPUS = %4095s", v)
                       == 1) {
            hwloc_bitmap_taskset_sscanf(set, v);
        }
    }
    free(text);
}

static void
check_irqbalance(struct check_ctx *ctx)
{
    const struct proc_table *pt = ctx_procs(ctx);
    hwloc_bitmap_t banned = xbitmap(), iso = xbitmap(), want = xbitmap();
    int pid = 0;

    for (size_t i = 0; i < pt->n && !pid; i++) {
        if (pt->tasks[i].tid == pt->tasks[i].pid
            && !strcmp(pt->tasks[i].comm, "irqbalance")) {
            pid = pt->tasks[i].pid;
        }
    }
    ctx_isolated(ctx, want);
    if (!pid) {
        check_add(ctx->r, CHECK_PASS, "irq.irqbalance", NULL,
                  "irqbalance", "not running: IRQs stay where irqaffinity= "
                  "and smp_affinity_list put them",
                  "not running, or banned from the isolated CPUs", NULL);
        goto out;
    }
    irqbalance_banned(ctx, banned);
    /* irqbalance itself leaves out isolated and nohz_full CPUs. */
    if (ctx_read_cpus(ctx, "/sys/devices/system/cpu/isolated", iso)) {
        hwloc_bitmap_or(banned, banned, iso);
    }
    if (ctx_read_cpus(ctx, "/sys/devices/system/cpu/nohz_full", iso)) {
        hwloc_bitmap_or(banned, banned, iso);
    }
    bool covers = hwloc_bitmap_isincluded(want, banned);
    bool hk = hwloc_bitmap_intersects(banned,
                                      ctx->plan->pools.housekeeping);
    check_add(ctx->r, covers && !hk ? CHECK_PASS : CHECK_FAIL,
              "irq.irqbalance", NULL,
              check_str(ctx->r, "CPUs irqbalance (pid %d) keeps IRQs off",
                        pid),
              ctx_cpus(ctx, banned),
              check_str(ctx->r, "%s, and none of the housekeeping CPUs %s",
                        ctx_cpus(ctx, want),
                        ctx_cpus(ctx, ctx->plan->pools.housekeeping)),
              !covers ? check_str(ctx->r, "irqbalance will move IRQs onto "
                                  "PMD and guest CPUs: set IRQBALANCE_"
                                  "BANNED_CPULIST=%s in /etc/default/"
                                  "irqbalance and restart it (or stop it)",
                                  ctx_cpus(ctx, want))
              : "irqbalance keeps IRQs off housekeeping CPUs, leaving them "
                "nowhere to go: ban only the isolated CPUs");
out:
    hwloc_bitmap_free(banned);
    hwloc_bitmap_free(iso);
    hwloc_bitmap_free(want);
}

void
check_irq(struct check_ctx *ctx)
{
    const struct plan_file *p = ctx->plan;

    check_device_irqs(ctx);
    check_irqbalance(ctx);
    for (size_t i = 0; i < p->n_uplinks; i++) {
        check_nic_irqs(ctx, p->uplinks[i].pci, p->uplinks[i].numa);
    }
    for (size_t i = 0; i < p->n_sriov_pfs; i++) {
        const char *pf = p->sriov_pfs[i].pci;
        long node;
        /* A PF that is no uplink has no planned node: its own. */
        if (!plan_file_find_uplink(p, pf)
            && !pci_read_long(ctx->root, pf, "numa_node", &node)
            && node >= 0) {
            check_nic_irqs(ctx, pf, node);
        }
    }
}
