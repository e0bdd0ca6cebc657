/* emit-svg.c: the machine picture as an SVG file ('nfvhost plan --svg').
 *
 * The same picture as the summary's, drawn: each NUMA node a box holding
 * its L3 domains, each L3 domain its cores, each core its PUs, every PU
 * coloured by pool or by the VM pinned there and labelled with its CPU
 * number and pool or VM name; the node's NICs sit at the bottom of its box,
 * the planned uplinks marked.  A legend lists the pools (CPUs and what
 * each is for) and the VMs.
 *
 * Written as text by this pure emitter, through libxml2's xmlTextWriter
 * (escaping, well-formedness), not drawn with cairo's SVG surface: cairo
 * turns every glyph into a path that depends on the installed fonts and
 * cairo's version, so a golden file would differ from machine to machine,
 * the text would no longer be text (no search, no copy, no diff), and the
 * planner would gain a graphics stack for what is a few hundred rectangles.
 * Every coordinate here is an integer computed from the topology alone, so
 * the same plan gives byte-identical output. */
#include <config.h>

#include "planner/emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlwriter.h>

#include "lib/util.h"

/* Sizes in SVG user units (pixels). */
#define MARGIN 16
#define PAD 10              /* Inside a box, around its contents. */
#define CAPTION_H 22        /* A box's caption line. */
#define PU_W 76
#define PU_H 40
#define PU_GAP 4            /* Between the PUs of a core. */
#define CORE_GAP 8          /* Between cores. */
#define CORES_PER_ROW 4
#define NODES_PER_ROW 2
#define NIC_W 186
#define NIC_H 40
#define LINE_H 20           /* A legend line. */
#define CHAR_W 7            /* Average width of a 12px character. */
#define CAPTION_CHAR_W 8    /* ... of a bold 13px one. */
#define TITLE_CHAR_W 9      /* ... and of a bold 15px one. */
#define MAX_LABEL 10        /* Characters of a VM name inside a PU. */

#define MAX(a, b) ((a) > (b) ? (a) : (b))

struct fill {
    const char *bg, *fg;
};

/* The terminal picture's colours (emit-summary.c), as web colours. */
static struct fill
pool_fill(enum pool pool)
{
    switch (pool) {
    case POOL_HOUSEKEEPING: return (struct fill) { "#3465a4", "#ffffff" };
    case POOL_PMD:          return (struct fill) { "#cc0000", "#ffffff" };
    case POOL_EMULATOR:     return (struct fill) { "#edd400", "#000000" };
    case POOL_GUEST:        return (struct fill) { "#8ae234", "#000000" };
    case POOL_IDLE:         return (struct fill) { "#888a85", "#ffffff" };
    case POOL_NONE:
    case N_POOLS:
    default:                return (struct fill) { "#eeeeec", "#888a85" };
    }
}

/* One colour per VM, none of them a pool's; they repeat after eight, and
 * every PU also carries the VM's name. */
static struct fill
vm_fill(int index)
{
    static const char *colors[] = {
        "#06989a", "#75507b", "#c17d11", "#729fcf",
        "#ad7fa8", "#4e9a06", "#f57900", "#5c3566",
    };
    return (struct fill) { colors[index % ARRAY_SIZE(colors)], "#ffffff" };
}

/* The layout: every size depends on the topology only. */
struct layout {
    int max_pus;            /* PUs of the widest core. */
    int cols;               /* Cores per row of an L3 box. */
    int core_w, core_h;
    int inner_w;            /* Width of an L3 box. */
    int node_w;
    int width;
};

static int
cores_in_l3(const struct nfv_topology *t, int l3)
{
    int n = 0;

    for (int i = 0; i < t->n_cores; i++) {
        n += t->cores[i].l3 == l3;
    }
    return n;
}

static int
l3_height(const struct layout *lo, const struct nfv_topology *t, int l3)
{
    int rows = (cores_in_l3(t, l3) + lo->cols - 1) / lo->cols;

    return CAPTION_H + rows * (lo->core_h + CORE_GAP) - CORE_GAP + PAD;
}

static int
nics_per_row(const struct layout *lo)
{
    int n = (lo->inner_w + PU_GAP) / (NIC_W + PU_GAP);
    return n > 0 ? n : 1;
}

static int
node_nics(const struct nfv_topology *t, int node)
{
    int n = 0;

    for (int i = 0; i < t->n_nics; i++) {
        n += t->nics[i].numa == node;
    }
    return n;
}

static int
nics_height(const struct layout *lo, int n_nics)
{
    int rows = (n_nics + nics_per_row(lo) - 1) / nics_per_row(lo);

    return rows ? CAPTION_H + rows * (NIC_H + PU_GAP) : 0;
}

static int
node_height(const struct layout *lo, const struct plan *p,
            const struct plan_numa *pn)
{
    int h = CAPTION_H + PAD;

    for (int l = 0; l < p->topo->n_l3s; l++) {
        if (p->topo->l3s[l].numa == pn->os_index) {
            h += l3_height(lo, p->topo, l) + PAD;
        }
    }
    return h + nics_height(lo, node_nics(p->topo, pn->os_index));
}

static void
layout_init(struct layout *lo, const struct plan *p)
{
    int most = 1;

    lo->max_pus = 1;
    for (int i = 0; i < p->topo->n_cores; i++) {
        int n = hwloc_bitmap_weight(p->topo->cores[i].hw_pus);
        lo->max_pus = n > lo->max_pus ? n : lo->max_pus;
    }
    for (int l = 0; l < p->topo->n_l3s; l++) {
        int n = cores_in_l3(p->topo, l);
        most = n > most ? n : most;
    }
    lo->cols = most < CORES_PER_ROW ? most : CORES_PER_ROW;
    lo->core_w = lo->max_pus * (PU_W + PU_GAP) + PU_GAP;
    lo->core_h = PU_H + 2 * PU_GAP;
    lo->inner_w = 2 * PAD + lo->cols * (lo->core_w + CORE_GAP) - CORE_GAP;
    if (lo->inner_w < NIC_W + 2 * PAD) {
        lo->inner_w = NIC_W + 2 * PAD;
    }
    for (int i = 0; i < p->n_numas; i++) {
        char *caption = emit_numa_caption(p, &p->numas[i]);
        lo->inner_w = MAX(lo->inner_w, (int) strlen(caption) * CAPTION_CHAR_W);
        free(caption);
    }
    lo->node_w = lo->inner_w + 2 * PAD;
    lo->width = (2 * MARGIN + lo->node_w
                 + (p->n_numas > 1 ? PAD + lo->node_w : 0));
}

/* Element helpers.  xmlTextWriter escapes every attribute and text. */

static void
attr(xmlTextWriterPtr w, const char *name, const char *value)
{
    xmlTextWriterWriteAttribute(w, (const xmlChar *) name, (const xmlChar *) value);
}

static void
attr_int(xmlTextWriterPtr w, const char *name, int value)
{
    xmlTextWriterWriteFormatAttribute(w, (const xmlChar *) name, "%d", value);
}

static void
rect(xmlTextWriterPtr w, int x, int y, int wd, int h, const char *class,
     const char *fill)
{
    xmlTextWriterStartElement(w, BAD_CAST "rect");
    attr_int(w, "x", x);
    attr_int(w, "y", y);
    attr_int(w, "width", wd);
    attr_int(w, "height", h);
    if (class) {
        attr(w, "class", class);
    }
    if (fill) {
        attr(w, "fill", fill);
    }
    xmlTextWriterEndElement(w);
}

static void
text(xmlTextWriterPtr w, int x, int y, const char *class, const char *fill,
     const char *s)
{
    xmlTextWriterStartElement(w, BAD_CAST "text");
    attr_int(w, "x", x);
    attr_int(w, "y", y);
    attr(w, "class", class);
    if (fill) {
        attr(w, "fill", fill);
    }
    xmlTextWriterWriteString(w, (const xmlChar *) s);
    xmlTextWriterEndElement(w);
}

static void
title(xmlTextWriterPtr w, const char *s)
{
    xmlTextWriterWriteElement(w, BAD_CAST "title", (const xmlChar *) s);
}

/* What a PU shows under its number, and its tooltip. */
static void
pu_label(const struct plan *p, int pu, char *label, size_t size,
         char **tip)
{
    const struct plan_vm *vm = plan_vm_of(p, pu);

    if (!hwloc_bitmap_isset(p->topo->usable, pu)) {
        snprintf(label, size, "offline");
        *tip = xasprintf("CPU %d: offline or not allowed", pu);
    } else if (vm) {
        int vcpu = 0;
        while (vm->vcpupin[vcpu] != pu) {
            vcpu++;
        }
        snprintf(label, size, "%.*s%s", MAX_LABEL, vm->intent->name,
                 strlen(vm->intent->name) > MAX_LABEL ? "~" : "");
        *tip = xasprintf("CPU %d: VM %s, vCPU %d", pu, vm->intent->name,
                         vcpu);
    } else {
        enum pool pool = plan_pool_of(p, pu);
        snprintf(label, size, "%s", pool_name(pool));
        *tip = xasprintf("CPU %d: %s pool (%s)", pu, pool_name(pool),
                         pool_purpose(pool));
    }
}

static void
draw_pu(xmlTextWriterPtr w, const struct plan *p, int pu, int x, int y)
{
    const struct plan_vm *vm = plan_vm_of(p, pu);
    bool usable = hwloc_bitmap_isset(p->topo->usable, pu);
    struct fill f = (!usable ? pool_fill(POOL_NONE)
                     : vm ? vm_fill(vm - p->vms)
                     : pool_fill(plan_pool_of(p, pu)));
    char label[32], num[16];
    char *tip;

    pu_label(p, pu, label, sizeof label, &tip);
    snprintf(num, sizeof num, "CPU %d", pu);
    xmlTextWriterStartElement(w, BAD_CAST "g");
    title(w, tip);
    rect(w, x, y, PU_W, PU_H, usable ? "pu" : "pu offline", f.bg);
    text(w, x + PU_W / 2, y + 17, "num", f.fg, num);
    text(w, x + PU_W / 2, y + 32, "lbl", f.fg, label);
    xmlTextWriterEndElement(w);
    free(tip);
}

static void
draw_core(xmlTextWriterPtr w, const struct plan *p, const struct layout *lo,
          const struct nfv_core *c, int x, int y)
{
    int i = 0, pu;

    rect(w, x, y, lo->core_w, lo->core_h, "core", NULL);
    hwloc_bitmap_foreach_begin(pu, c->hw_pus) {
        draw_pu(w, p, pu, x + PU_GAP + i * (PU_W + PU_GAP), y + PU_GAP);
        i++;
    } hwloc_bitmap_foreach_end();
}

static int
draw_l3(xmlTextWriterPtr w, const struct plan *p, const struct layout *lo,
        int l3, int x, int y)
{
    const struct nfv_l3 *l = &p->topo->l3s[l3];
    char size[32], *caption;
    int n = 0;

    if (l->size) {
        format_bytes(l->size, size, sizeof size);
    } else {
        snprintf(size, sizeof size, "no L3");
    }
    caption = xasprintf("L3 #%d (%s)", l3, size);
    rect(w, x, y, lo->inner_w, l3_height(lo, p->topo, l3), "l3", NULL);
    text(w, x + PAD, y + 16, "cap", NULL, caption);
    free(caption);
    for (int i = 0; i < p->topo->n_cores; i++) {
        if (p->topo->cores[i].l3 == l3) {
            int col = n % lo->cols, row = n / lo->cols;
            draw_core(w, p, lo, &p->topo->cores[i],
                      x + PAD + col * (lo->core_w + CORE_GAP),
                      y + CAPTION_H + row * (lo->core_h + CORE_GAP));
            n++;
        }
    }
    return l3_height(lo, p->topo, l3);
}

static void
draw_nic(xmlTextWriterPtr w, const struct plan *p, const struct nfv_nic *n,
         int x, int y)
{
    const struct plan_uplink *u = plan_find_uplink(p, n);
    const char *class = u ? "nic uplink" : n->has_route ? "nic route" : "nic";
    char *line1, *line2;

    line1 = xasprintf("%s %s", n->pci, *n->ifname ? n->ifname : "");
    if (u) {
        line2 = xasprintf("uplink%s, polled from node %d",
                          u->devargs ? " (stand-in)" : "", u->numa);
    } else if (n->has_route) {
        line2 = xstrdup("carries a route: not for DPDK");
    } else if (n->is_vf) {
        line2 = xasprintf("VF of %s", n->physfn);
    } else if (n->totalvfs > 0) {
        line2 = xasprintf("SR-IOV %d/%d VFs%s%s", n->numvfs, n->totalvfs,
                          *n->driver ? ", " : "", n->driver);
    } else {
        line2 = xasprintf("%s", *n->driver ? n->driver : "not planned");
    }
    xmlTextWriterStartElement(w, BAD_CAST "g");
    title(w, line1);
    rect(w, x, y, NIC_W, NIC_H, class, NULL);
    text(w, x + 8, y + 17, "nicl", NULL, line1);
    text(w, x + 8, y + 32, "nics", NULL, line2);
    xmlTextWriterEndElement(w);
    free(line1);
    free(line2);
}

/* NICs of 'node' (-1: those whose node is unknown) in rows; returns the
 * height used. */
static int
draw_nics(xmlTextWriterPtr w, const struct plan *p, const struct layout *lo,
          int node, int x, int y)
{
    int n = 0;

    for (int i = 0; i < p->topo->n_nics; i++) {
        if (p->topo->nics[i].numa != node) {
            continue;
        }
        if (!n) {
            text(w, x, y + 16, "cap", NULL,
                 node < 0 ? "NICs on an unknown NUMA node" : "NICs");
        }
        draw_nic(w, p, &p->topo->nics[i],
                 x + (n % nics_per_row(lo)) * (NIC_W + PU_GAP),
                 y + CAPTION_H + (n / nics_per_row(lo)) * (NIC_H + PU_GAP));
        n++;
    }
    return nics_height(lo, n);
}

static void
draw_node(xmlTextWriterPtr w, const struct plan *p, const struct layout *lo,
          const struct plan_numa *pn, int x, int y)
{
    int h = node_height(lo, p, pn);
    int cy = y + CAPTION_H + PAD;
    char *caption = emit_numa_caption(p, pn);

    rect(w, x, y, lo->node_w, h, "node", NULL);
    text(w, x + PAD, y + 18, "ncap", NULL, caption);
    free(caption);
    for (int l = 0; l < p->topo->n_l3s; l++) {
        if (p->topo->l3s[l].numa == pn->os_index) {
            cy += draw_l3(w, p, lo, l, x + PAD, cy) + PAD;
        }
    }
    draw_nics(w, p, lo, pn->os_index, x + PAD, cy);
}

static void
swatch(xmlTextWriterPtr w, int y, struct fill f, const char *name,
       const char *rest)
{
    rect(w, MARGIN, y, 14, 14, "sw", f.bg);
    text(w, MARGIN + 22, y + 12, "leg", NULL, name);
    text(w, MARGIN + 150, y + 12, "leg", NULL, rest);
}

static char *
vm_line(const struct plan *p, const struct plan_vm *v)
{
    char *cpus = cpulist_format(v->cpus);
    char *emu = cpulist_format(v->emulatorpin);
    char *l3s = emit_vm_l3s(p, v);
    char *line = xasprintf("node %d, %s, vCPUs on %s, emulator on %s, "
                           "%d NIC(s)", v->numa, l3s, cpus,
                           *emu ? emu : "-", v->n_nics);

    free(l3s);
    free(cpus);
    free(emu);
    return line;
}

/* The legend: its caption, the pools and 'offline', the VMs, the NIC
 * marks. */
static int
legend_height(const struct plan *p)
{
    return LINE_H + 4 + (N_POOLS - POOL_HOUSEKEEPING + 1 + p->n_vms + 1)
                        * LINE_H;
}

static int
draw_legend(xmlTextWriterPtr w, const struct plan *p, int y)
{
    text(w, MARGIN, y + 14, "ncap", NULL, "Legend");
    y += LINE_H + 4;
    for (int i = POOL_HOUSEKEEPING; i <= N_POOLS; i++) {
        enum pool pool = i == N_POOLS ? POOL_NONE : i;
        char *list = cpulist_format(p->pool[pool]);
        char *rest = (pool == POOL_NONE
                      ? xstrdup(pool_purpose(pool))
                      : xasprintf("%s: %s", *list ? list : "-",
                                  pool_purpose(pool)));
        swatch(w, y, pool_fill(pool), pool == POOL_NONE ? "offline"
               : pool_name(pool), rest);
        free(list);
        free(rest);
        y += LINE_H;
    }
    for (int v = 0; v < p->n_vms; v++) {
        char *rest = vm_line(p, &p->vms[v]);
        swatch(w, y, vm_fill(v), p->vms[v].intent->name, rest);
        free(rest);
        y += LINE_H;
    }
    rect(w, MARGIN, y, 14, 14, "nic uplink", NULL);
    text(w, MARGIN + 22, y + 12, "leg", NULL,
         "NIC: red border = OVS-DPDK uplink, dashed = carries a route");
    return y + LINE_H;
}

/* Wide enough for the title and the longest legend line. */
static int
text_width(const struct plan *p)
{
    char *headline = emit_headline(p);
    int title_w = 2 * MARGIN + (int) strlen(headline) * TITLE_CHAR_W;
    size_t longest = 62;

    free(headline);
    for (int i = POOL_HOUSEKEEPING; i < N_POOLS; i++) {
        char *list = cpulist_format(p->pool[i]);
        size_t n = strlen(list) + strlen(pool_purpose(i)) + 2;
        longest = n > longest ? n : longest;
        free(list);
    }
    for (int v = 0; v < p->n_vms; v++) {
        char *line = vm_line(p, &p->vms[v]);
        longest = strlen(line) > longest ? strlen(line) : longest;
        free(line);
    }
    return MAX(title_w, 2 * MARGIN + 150 + (int) longest * CHAR_W);
}

static const char style[] =
    "\n"
    "text { font-family: 'DejaVu Sans', Verdana, sans-serif; }\n"
    ".title { font-size: 15px; font-weight: bold; }\n"
    ".ncap { font-size: 13px; font-weight: bold; }\n"
    ".cap, .leg { font-size: 12px; }\n"
    ".nicl { font-size: 11px; }\n"
    ".nics { font-size: 11px; fill: #555753; }\n"
    ".num { font-size: 12px; font-weight: bold; text-anchor: middle; }\n"
    ".lbl { font-size: 10px; text-anchor: middle; }\n"
    ".node { fill: #f7f7f4; stroke: #2e3436; stroke-width: 1.5; }\n"
    ".l3 { fill: #ffffff; stroke: #888a85; }\n"
    ".core { fill: #d3d7cf; stroke: #555753; }\n"
    ".pu { stroke: #2e3436; }\n"
    ".offline { stroke-dasharray: 3 2; }\n"
    ".sw { stroke: #2e3436; }\n"
    ".nic { fill: #ffffff; stroke: #555753; }\n"
    ".uplink { stroke: #cc0000; stroke-width: 3; }\n"
    ".route { stroke-dasharray: 5 3; fill: #eeeeec; }\n";

/* Nodes go NODES_PER_ROW to a row; a row is as tall as its tallest
 * node. */
static int
node_row_height(const struct plan *p, const struct layout *lo, int first)
{
    int h = 0;

    for (int s = first; s < p->n_numas && s < first + NODES_PER_ROW; s++) {
        h = MAX(h, node_height(lo, p, &p->numas[s]));
    }
    return h;
}

static int
nodes_height(const struct plan *p, const struct layout *lo)
{
    int h = 0;
    int unknown = node_nics(p->topo, -1);

    for (int s = 0; s < p->n_numas; s += NODES_PER_ROW) {
        h += node_row_height(p, lo, s) + PAD;
    }
    return h + (unknown ? nics_height(lo, unknown) + PAD : 0);
}

static int
picture_height(const struct plan *p, const struct layout *lo)
{
    return MARGIN + 30 + nodes_height(p, lo) + 4 + legend_height(p) + MARGIN;
}

static void
draw_nodes(xmlTextWriterPtr w, const struct plan *p, const struct layout *lo,
           int y)
{
    for (int s = 0; s < p->n_numas; s++) {
        int col = s % NODES_PER_ROW;

        draw_node(w, p, lo, &p->numas[s],
                  MARGIN + col * (lo->node_w + PAD), y);
        if (col == NODES_PER_ROW - 1 || s == p->n_numas - 1) {
            y += node_row_height(p, lo, s - col) + PAD;
        }
    }
    if (node_nics(p->topo, -1)) {
        draw_nics(w, p, lo, -1, MARGIN, y);
    }
}

char *
emit_svg(const struct plan *p)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    struct layout lo;
    char *headline, *out;
    int y;

    if (!buf || !w) {
        xalloc_die();
    }
    layout_init(&lo, p);
    lo.width = MAX(lo.width, text_width(p));
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "svg");
    attr(w, "xmlns", "http://www.w3.org/2000/svg");
    attr_int(w, "width", lo.width);
    attr_int(w, "height", picture_height(p, &lo));
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "viewBox", "0 0 %d %d",
                                      lo.width, picture_height(p, &lo));
    headline = emit_headline(p);
    title(w, headline);
    xmlTextWriterWriteElement(w, BAD_CAST "style", (const xmlChar *) style);
    rect(w, 0, 0, lo.width, picture_height(p, &lo), NULL, "#ffffff");
    text(w, MARGIN, MARGIN + 14, "title", NULL, headline);
    free(headline);

    y = MARGIN + 30;
    draw_nodes(w, p, &lo, y);
    draw_legend(w, p, y + nodes_height(p, &lo) + 4);

    xmlTextWriterEndElement(w);
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    out = xstrdup((const char *) xmlBufferContent(buf));
    xmlBufferFree(buf);
    return out;
}
