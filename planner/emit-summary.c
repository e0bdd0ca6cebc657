/* emit-summary.c: the plan for people: a picture of the machine and a
 * summary.
 *
 * The picture shows each NUMA node, its L3 domains and cores, and every PU
 * labelled with its pool (and coloured, on a terminal): H housekeeping,
 * P PMD, E emulator-share, G guest, 1-9/a-z the VM pinned there, '.' an
 * idle PMD sibling, 'x' offline or not allowed. */
#include <config.h>

#include "planner/emit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define CORES_PER_ROW 4

struct style {
    char letter;
    const char *color;      /* ANSI SGR parameters. */
};

static const char vm_letters[] = "123456789abcdefghijklmnopqrstuvwxyz";

static struct style
pool_style(enum pool pool)
{
    switch (pool) {
    case POOL_HOUSEKEEPING: return (struct style) { 'H', "97;44" };
    case POOL_PMD:          return (struct style) { 'P', "97;41" };
    case POOL_EMULATOR:     return (struct style) { 'E', "30;43" };
    case POOL_GUEST:        return (struct style) { 'G', "30;42" };
    case POOL_IDLE:         return (struct style) { '.', "97;100" };
    case POOL_NONE:
    case N_POOLS:
    default:                return (struct style) { 'x', "2" };
    }
}

/* Guest PUs pinned to a listed VM show the VM's letter instead of 'G'. */
static struct style
vm_style(int index)
{
    char c = index < (int) sizeof vm_letters - 1 ? vm_letters[index] : '+';
    return (struct style) { c, "30;46" };
}

static struct style
pu_style(const struct plan *p, int pu)
{
    const struct plan_vm *vm = plan_vm_of(p, pu);

    return vm ? vm_style(vm - p->vms) : pool_style(plan_pool_of(p, pu));
}

char
emit_pool_letter(enum pool pool)
{
    return pool_style(pool).letter;
}

char
emit_pu_letter(const struct plan *p, int pu)
{
    return (hwloc_bitmap_isset(p->topo->usable, pu) ? pu_style(p, pu).letter
                                                    : 'x');
}

static void
put_styled(struct sbuf *b, struct style st, const char *text, bool color)
{
    if (color) {
        sbuf_printf(b, " \033[%sm%c\033[0m %s", st.color, st.letter, text);
    } else {
        sbuf_printf(b, " %c %s", st.letter, text);
    }
}

static void
put_pu(struct sbuf *b, const struct plan *p, int pu, int width, bool color)
{
    struct style st = pu_style(p, pu);

    if (!hwloc_bitmap_isset(p->topo->usable, pu)) {
        st = pool_style(POOL_NONE);
    }
    if (color) {
        sbuf_printf(b, "\033[%sm%*d %c\033[0m", st.color, width, pu,
                    st.letter);
    } else {
        sbuf_printf(b, "%*d %c", width, pu, st.letter);
    }
}

/* One core: "[ 3 P  9 P]", offline siblings included as 'x'. */
static void
put_core(struct sbuf *b, const struct plan *p, const struct nfv_core *c,
         int width, bool color)
{
    int id;

    sbuf_puts(b, "[");
    hwloc_bitmap_foreach_begin(id, c->hw_pus) {
        if (id != hwloc_bitmap_first(c->hw_pus)) {
            sbuf_puts(b, " ");
        }
        put_pu(b, p, id, width, color);
    } hwloc_bitmap_foreach_end();
    sbuf_puts(b, "]");
}

static void
put_l3(struct sbuf *b, const struct plan *p, int l3, int width, bool color)
{
    char size[32];
    int n = 0;

    if (p->topo->l3s[l3].size) {
        format_bytes(p->topo->l3s[l3].size, size, sizeof size);
    } else {
        snprintf(size, sizeof size, "no L3");
    }
    sbuf_printf(b, "  L3 #%d (%s)\n", l3, size);
    for (int i = 0; i < p->topo->n_cores; i++) {
        if (p->topo->cores[i].l3 != l3) {
            continue;
        }
        sbuf_puts(b, n % CORES_PER_ROW ? " " : "    ");
        put_core(b, p, &p->topo->cores[i], width, color);
        if (++n % CORES_PER_ROW == 0) {
            sbuf_puts(b, "\n");
        }
    }
    if (n % CORES_PER_ROW) {
        sbuf_puts(b, "\n");
    }
}

static void
put_numa(struct sbuf *b, const struct plan *p, const struct plan_numa *pn,
         int width, bool color)
{
    char *caption = emit_numa_caption(p, pn);

    sbuf_printf(b, "%s\n", caption);
    free(caption);
    if (!pn->has_cpus) {
        return;
    }
    for (int l = 0; l < p->topo->n_l3s; l++) {
        if (p->topo->l3s[l].numa == pn->os_index) {
            put_l3(b, p, l, width, color);
        }
    }
}

static void
put_legend(struct sbuf *b, const struct plan *p, bool color)
{
    static const struct {
        enum pool pool;
        const char *text;
    } entries[] = {
        { POOL_HOUSEKEEPING, "housekeeping," },
        { POOL_PMD, "OVS PMD," },
        { POOL_EMULATOR, "emulator-share," },
        { POOL_GUEST, "guest (unpinned)," },
        { POOL_IDLE, "idle PMD sibling," },
    };

    sbuf_puts(b, "Legend:");
    for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
        put_styled(b, pool_style(entries[i].pool), entries[i].text, color);
    }
    for (int v = 0; v < p->n_vms; v++) {
        char *text = xasprintf("%s,", p->vms[v].intent->name);
        put_styled(b, vm_style(v), text, color);
        free(text);
    }
    put_styled(b, pool_style(POOL_NONE), "offline/not allowed", color);
    sbuf_puts(b, "\n");
}

static void
put_pools(struct sbuf *b, const struct plan *p)
{
    sbuf_puts(b, "\nPools:\n");
    for (int i = POOL_HOUSEKEEPING; i < N_POOLS; i++) {
        char *list = cpulist_format(p->pool[i]);
        sbuf_printf(b, "  %-13s %s\n", pool_name(i), *list ? list : "-");
        free(list);
    }
}

/* Which PMD polls a vhost NIC's rx queues: one for all, or each queue's. */
static void
put_rxq_pmds(struct sbuf *b, const struct plan_nic *nic, int queues)
{
    bool one = true;

    for (int q = 1; nic->rxq_pmds && q < queues; q++) {
        one &= nic->rxq_pmds[q] == nic->rxq_pmds[0];
    }
    if (one) {
        sbuf_printf(b, ", polled by PMD on CPU %d\n", nic->pmd_cpu);
        return;
    }
    sbuf_puts(b, ", rx queues polled by PMDs on CPUs");
    for (int q = 0; q < queues; q++) {
        sbuf_printf(b, "%s%d", q ? "," : " ", nic->rxq_pmds[q]);
    }
    sbuf_puts(b, " (queue 0 first)\n");
}

/* Rule 16: how a VM stands against the previous plan. */
static const char *
vm_mark(const struct plan *p, const struct plan_vm *v)
{
    if (!p->previous) {
        return "";
    }
    return (!v->prev ? "  [new]" : v->changed ? "  [changed]"
            : v->kept ? "  [kept]" : "  [moved]");
}

char *
emit_vm_l3s(const struct plan *p, const struct plan_vm *v)
{
    struct sbuf b;

    sbuf_init(&b);
    for (int l = 0; l < p->topo->n_l3s; l++) {
        if (hwloc_bitmap_intersects(p->topo->l3s[l].pus, v->cpus)) {
            sbuf_printf(&b, "%s#%d", b.len ? "+" : "L3 ", l);
        }
    }
    if (!b.len) {
        sbuf_printf(&b, "L3 #%d", v->l3);
    }
    return sbuf_steal(&b);
}

static void
put_vm(struct sbuf *b, const struct plan *p, const struct plan_vm *v)
{
    char *emu = cpulist_format(v->emulatorpin);
    char *l3s = emit_vm_l3s(p, v);

    if (v->vcpupin) {
        sbuf_printf(b, "  %s: node %d, %s, %d vCPUs ->", v->intent->name,
                    v->numa, l3s, v->intent->vcpus);
        for (int i = 0; i < v->intent->vcpus; i++) {
            sbuf_printf(b, "%s%d", i ? "," : " ", v->vcpupin[i]);
        }
    } else {
        char *cpus = cpulist_format(v->cpus);
        sbuf_printf(b, "  %s: node %d, shared, %d vCPUs float over %s",
                    v->intent->name, v->numa, v->intent->vcpus, cpus);
        free(cpus);
    }
    free(l3s);
    sbuf_printf(b, "; emulator %s; topology %d socket, %d cores, %d "
                "threads; %" PRIu64 " x %s hugepages%s\n", *emu ? emu : "-",
                v->sockets, v->cores, v->threads, v->hugepages,
                p->hugepage_kb == 1048576 ? "1G" : "2M", vm_mark(p, v));
    for (int n = 0; n < v->n_nics; n++) {
        const struct plan_nic *nic = &v->nics[n];
        sbuf_printf(b, "    nic %d: %s", n, nic_type_name(nic->type));
        if (nic->vlan) {
            sbuf_printf(b, " vlan %d", nic->vlan);
        }
        if (nic->type == NIC_VHOST) {
            put_rxq_pmds(b, nic, v->queues);
        } else {
            sbuf_printf(b, ", VF of %s\n", nic->pf);
        }
    }
    free(emu);
}

/* Every NIC of the host, so a user can pick [ovs] uplink addresses; the
 * planned uplinks are marked. */
static void
put_nics(struct sbuf *b, const struct plan *p)
{
    if (!p->topo->n_nics) {
        return;
    }
    sbuf_puts(b, "\nNICs:\n");
    for (int i = 0; i < p->topo->n_nics; i++) {
        const struct nfv_nic *n = &p->topo->nics[i];
        const struct plan_uplink *u = plan_find_uplink(p, n);

        sbuf_printf(b, "  %s [%04x:%04x] %s node ", n->pci, n->vendor,
                    n->device, *n->ifname ? n->ifname : "-");
        if (n->numa < 0) {
            sbuf_puts(b, "unknown");
        } else {
            sbuf_printf(b, "%d", n->numa);
        }
        if (*n->driver) {
            sbuf_printf(b, ", driver %s", n->driver);
        }
        if (n->is_vf) {
            sbuf_printf(b, ", VF of %s", n->physfn);
        } else if (n->totalvfs > 0) {
            sbuf_printf(b, ", SR-IOV %d/%d VFs", n->numvfs, n->totalvfs);
        }
        if (n->has_route) {
            sbuf_puts(b, ", carries a route");
        }
        if (u) {
            sbuf_printf(b, "  <- uplink, polled from node %d", u->numa);
        }
        if (u && u->devargs) {
            sbuf_printf(b, ", stand-in %s", u->devargs);
        }
        sbuf_puts(b, "\n");
    }
}

static void
put_change(struct sbuf *b, const struct plan_change *c)
{
    const char *kind = c->kind;

    if (!strcmp(kind, "vm-moved")) {
        sbuf_printf(b, "  %s: %s -> %s (moved%s)\n", c->vm, c->before,
                    c->after, c->restart ? "; restart the guest: its node "
                    "or CPU topology changed" : "");
    } else if (!strcmp(kind, "vm-added")) {
        sbuf_printf(b, "  %s: added, on %s\n", c->vm, c->after);
    } else if (!strcmp(kind, "vm-removed")) {
        sbuf_printf(b, "  %s: removed (was on %s)\n", c->vm, c->before);
    } else if (!strcmp(kind, "vm-changed")) {
        sbuf_printf(b, "  %s: changed (%s)%s\n", c->vm, c->item,
                    c->restart ? ": restart the guest to take it" : "");
    } else if (!strcmp(kind, "pool")) {
        sbuf_printf(b, "  pool %s: %s -> %s\n", c->item,
                    *c->before ? c->before : "-", *c->after ? c->after : "-");
    } else if (!strcmp(kind, "rxq")) {
        sbuf_printf(b, "  %s: %s polled by PMD on CPU %s -> %s\n", c->vm,
                    c->item, c->before ? c->before : "-",
                    c->after ? c->after : "-");
    } else if (!strcmp(kind, "port-added") || !strcmp(kind, "port-removed")) {
        sbuf_printf(b, "  %s: port %s %s\n", c->vm, c->item,
                    kind[5] == 'a' ? "added" : "removed");
    } else {
        /* vcpupin, emulatorpin, vf */
        sbuf_printf(b, "  %s: %s%s%s %s -> %s%s\n", c->vm, kind,
                    c->item ? " " : "", c->item ? c->item : "",
                    *c->before ? c->before : "-", *c->after ? c->after : "-",
                    c->restart ? " (restart the guest)" : " (live)");
    }
}

/* Rule 16: what differs from the previous plan. */
static void
put_changes(struct sbuf *b, const struct plan *p)
{
    if (!p->previous) {
        return;
    }
    sbuf_puts(b, "\nChanges since the previous plan:\n");
    if (!p->n_changes) {
        sbuf_puts(b, "  none\n");
    }
    for (int i = 0; i < p->n_changes; i++) {
        put_change(b, &p->changes[i]);
    }
}

static void
put_rest(struct sbuf *b, const struct plan *p)
{
    struct ovs_config c;
    struct kernel_args k;

    if (p->n_vms) {
        sbuf_puts(b, "\nVMs:\n");
        for (int v = 0; v < p->n_vms; v++) {
            put_vm(b, p, &p->vms[v]);
        }
    }
    put_changes(b, p);
    put_nics(b, p);
    plan_ovs_config(p, &c);
    sbuf_puts(b, "\nOVS other_config:\n");
    for (int i = 0; i < N_OVS_KEYS; i++) {
        sbuf_printf(b, "  %s=%s\n", c.key[i], c.value[i]);
    }
    ovs_config_destroy(&c);
    plan_kernel_args(p, &k);
    sbuf_printf(b, "\nKernel command line:\n  %s\n", k.cmdline);
    kernel_args_destroy(&k);
    if (p->diag->n_warnings) {
        sbuf_puts(b, "\nWarnings:\n");
        for (size_t i = 0; i < p->diag->n_warnings; i++) {
            sbuf_printf(b, "  %s\n", p->diag->warnings[i]);
        }
    }
}

/* "1 NUMA node(s) (1 with CPUs), 6 cores, 12 usable PUs, AuthenticAMD,
 * SMT 2": the first line of the summary and the SVG picture's title. */
char *
emit_headline(const struct plan *p)
{
    int n_cpu_nodes = 0;

    for (int s = 0; s < p->n_numas; s++) {
        n_cpu_nodes += p->numas[s].has_cpus;
    }
    return xasprintf("%d NUMA node(s) (%d with CPUs), %d cores, %d usable "
                     "PUs, %s, SMT %d%s", p->n_numas, n_cpu_nodes,
                     p->topo->n_cores, hwloc_bitmap_weight(p->topo->usable),
                     (*p->topo->cpu_vendor ? p->topo->cpu_vendor
                      : "unknown vendor"),
                     p->topo->smt, p->topo->hybrid ? ", hybrid CPU kinds" : "");
}

/* "NUMA node 0: 32 GiB, hugepages 10 x 1G (OVS 2, guests 8)", and ", no
 * CPUs (memory only)" for a node without cores. */
char *
emit_numa_caption(const struct plan *p, const struct plan_numa *pn)
{
    char mem[32];
    struct sbuf b;

    sbuf_init(&b);
    format_bytes(pn->memory_mb * 1024 * 1024, mem, sizeof mem);
    sbuf_printf(&b, "NUMA node %d: %s", pn->os_index, mem);
    if (pn->hugepages) {
        sbuf_printf(&b, ", hugepages %" PRIu64 " x %s (OVS %" PRIu64
                    ", guests %" PRIu64 ")", pn->hugepages,
                    p->hugepage_kb == 1048576 ? "1G" : "2M",
                    pn->hugepages_ovs, pn->hugepages_guests);
    }
    if (!pn->has_cpus) {
        sbuf_puts(&b, ", no CPUs (memory only)");
    }
    return sbuf_steal(&b);
}

char *
emit_summary(const struct plan *p, bool color)
{
    int last = hwloc_bitmap_last(p->topo->all_pus);
    int width = last >= 100 ? 3 : last >= 10 ? 2 : 1;
    struct sbuf b;
    char *headline = emit_headline(p);

    sbuf_init(&b);
    sbuf_printf(&b, "nfvhost plan: %s\n\n", headline);
    free(headline);
    for (int s = 0; s < p->n_numas; s++) {
        put_numa(&b, p, &p->numas[s], width, color);
    }
    put_legend(&b, p, color);
    put_pools(&b, p);
    put_rest(&b, p);
    return sbuf_steal(&b);
}
