/* machine.c: the Machine screen: the host as the topology sees it, before
 * any plan (NUMA nodes, L3 domains, cores with their sibling PUs), and
 * every NIC with whether it can be an OVS-DPDK uplink. */
#include <config.h>

#include "setup/wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define CORES_PER_LINE 5

const char *
wizard_uplink_refusal(const struct nfv_nic *nic)
{
    /* dpdk-devbind.py refuses such a NIC too: binding it to vfio-pci
     * would cut the host off wherever that route leads. */
    return (nic->has_route
            ? "carries a route or address: DPDK would cut it off" : NULL);
}

static void
put_speed(struct sbuf *b, int mbps)
{
    if (mbps >= 1000 && mbps % 1000 == 0) {
        sbuf_printf(b, " %dG", mbps / 1000);
    } else if (mbps >= 1000) {
        sbuf_printf(b, " %d.%dG", mbps / 1000, mbps % 1000 / 100);
    } else if (mbps > 0) {
        sbuf_printf(b, " %dM", mbps);
    }
}

char *
wizard_nic_line(const struct nfv_nic *n)
{
    struct sbuf b;

    sbuf_init(&b);
    sbuf_printf(&b, "%s %-10s", n->pci, *n->ifname ? n->ifname : "-");
    if (n->numa < 0) {
        sbuf_puts(&b, " node ?");
    } else {
        sbuf_printf(&b, " node %d", n->numa);
    }
    sbuf_printf(&b, " %s", *n->driver ? n->driver : "driver?");
    sbuf_puts(&b, n->carrier == 1 ? " up" : n->carrier == 0 ? " down"
                                                             : " link?");
    put_speed(&b, n->speed_mbps);
    if (n->is_vf) {
        sbuf_printf(&b, " VF of %s", n->physfn);
    } else if (n->totalvfs > 0) {
        sbuf_printf(&b, " SR-IOV %d/%d", n->numvfs, n->totalvfs);
    } else if (n->totalvfs < 0) {
        sbuf_puts(&b, " SR-IOV?");
    }
    return sbuf_steal(&b);
}

static void
put_l3(struct sbuf *b, const struct nfv_topology *t, int l3)
{
    char size[32];
    int n = 0;

    if (t->l3s[l3].size) {
        format_bytes(t->l3s[l3].size, size, sizeof size);
    } else {
        snprintf(size, sizeof size, "no L3");
    }
    sbuf_printf(b, "  L3 #%d (%s):", l3, size);
    for (int i = 0; i < t->n_cores; i++) {
        const struct nfv_core *c = &t->cores[i];
        int pu;

        if (c->l3 != l3) {
            continue;
        }
        if (n && n % CORES_PER_LINE == 0) {
            sbuf_puts(b, "\n                ");
        }
        sbuf_puts(b, " [");
        hwloc_bitmap_foreach_begin(pu, c->hw_pus) {
            sbuf_printf(b, "%s%d%s", pu == hwloc_bitmap_first(c->hw_pus)
                        ? "" : " ", pu,
                        hwloc_bitmap_isset(t->usable, pu) ? "" : "x");
        } hwloc_bitmap_foreach_end();
        sbuf_puts(b, "]");
        n++;
    }
    sbuf_puts(b, "\n");
}

static void
put_nics(struct sbuf *b, const struct nfv_topology *t)
{
    if (!t->n_nics) {
        sbuf_puts(b, "\nNo NICs found: no uplink (OVS only connects the "
                  "VMs).\n");
        return;
    }
    sbuf_puts(b, "\nNICs:\n");
    for (int i = 0; i < t->n_nics; i++) {
        const char *refusal = wizard_uplink_refusal(&t->nics[i]);
        char *line = wizard_nic_line(&t->nics[i]);

        sbuf_printf(b, "  %s\n    %s%s\n", line,
                    refusal ? "not an uplink: " : "can be an uplink",
                    refusal ? refusal : "");
        free(line);
    }
}

char *
wizard_machine_text(const struct wizard *w)
{
    const struct nfv_topology *t = &w->topo;
    bool offline = !hwloc_bitmap_isequal(t->usable, t->all_pus);
    struct sbuf b;

    sbuf_init(&b);
    sbuf_printf(&b, "%s, %d NUMA node(s), %d cores, %d usable PUs, SMT %d%s\n",
                *t->cpu_vendor ? t->cpu_vendor : "unknown vendor",
                t->n_numas, t->n_cores, hwloc_bitmap_weight(t->usable),
                t->smt, t->hybrid ? ", hybrid CPU kinds" : "");
    for (int s = 0; s < t->n_numas; s++) {
        char mem[32];

        format_bytes(t->numas[s].memory, mem, sizeof mem);
        sbuf_printf(&b, "NUMA node %d: %s%s\n", t->numas[s].os_index, mem,
                    t->numas[s].n_cores ? "" : ", no CPUs (memory only)");
        for (int l = 0; l < t->n_l3s; l++) {
            if (t->l3s[l].numa == t->numas[s].os_index) {
                put_l3(&b, t, l);
            }
        }
    }
    sbuf_printf(&b, "[a b]: a core and its sibling PUs%s\n",
                offline ? "; x: offline or not allowed" : "");
    put_nics(&b, t);
    return sbuf_steal(&b);
}
