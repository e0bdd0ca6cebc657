/* checks.c: NFV checks on a libvirt domain (see checks.h).  Queries are
 * XPath over the libxml2 tree; each finding is one line of the report. */
#include <config.h>

#include "libvirt-templates/checks.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "lib/parse.h"
#include "lib/util.h"

struct report {
    const struct vm_spec *s;
    xmlXPathContextPtr xp;
    enum domain_area area;      /* Of the problems the check reports. */
    domain_problem_fn *fn;
    void *aux;
    int n;
};

static void problem(struct report *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
problem(struct report *r, const char *fmt, ...)
{
    va_list args;
    char *msg;

    va_start(args, fmt);
    msg = xvasprintf(fmt, args);
    va_end(args);
    r->fn(r->aux, r->area, msg);
    free(msg);
    r->n++;
}

/* Nodes matching 'expr' relative to 'at' (NULL: the document).  Caller
 * frees with xmlXPathFreeObject(). */
static xmlXPathObjectPtr
query(struct report *r, xmlNodePtr at, const char *expr)
{
    r->xp->node = at;
    return xmlXPathEvalExpression((const xmlChar *) expr, r->xp);
}

static int
count(xmlXPathObjectPtr o)
{
    return o && o->nodesetval ? o->nodesetval->nodeNr : 0;
}

static xmlNodePtr
nth(xmlXPathObjectPtr o, int i)
{
    return o->nodesetval->nodeTab[i];
}

/* The string value of 'expr' ("" if none). Caller frees. */
static char *
str(struct report *r, xmlNodePtr at, const char *expr)
{
    xmlXPathObjectPtr o;
    char *s;

    r->xp->node = at;
    o = xmlXPathEvalExpression((const xmlChar *) expr, r->xp);
    xmlChar *v = o ? xmlXPathCastToString(o) : NULL;
    s = xstrdup(v ? (const char *) v : "");
    xmlFree(v);
    xmlXPathFreeObject(o);
    return s;
}

/* A libvirt scaled integer ('unit' as in formatdomain) to KiB. */
static bool
to_kib(const char *value, const char *unit, uint64_t *kib)
{
    static const struct { const char *unit; uint64_t bytes; } units[] = {
        { "", 1024 }, { "b", 1 }, { "bytes", 1 }, { "KB", 1000 },
        { "k", 1024 }, { "KiB", 1024 }, { "MB", 1000000 },
        { "M", 1 << 20 }, { "MiB", 1 << 20 }, { "GB", 1000000000 },
        { "G", 1 << 30 }, { "GiB", 1 << 30 },
        { "TB", 1000000000000ULL }, { "T", 1ULL << 40 },
        { "TiB", 1ULL << 40 },
    };
    uint64_t v;

    if (!parse_uint64(value, UINT64_MAX, &v)) {
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
        if (!strcmp(unit, units[i].unit)) {
            *kib = v * units[i].bytes / 1024;
            return true;
        }
    }
    return false;
}

/* libvirt's cpuset syntax: "0-3,^2,8". */
static bool
parse_cpuset(const char *spec, hwloc_bitmap_t set)
{
    char *copy = xstrdup(spec), *save = NULL;
    hwloc_bitmap_t part = xbitmap();
    bool ok = spec[0] != '\0';

    hwloc_bitmap_zero(set);
    for (char *tok = strtok_r(copy, ",", &save); tok && ok;
         tok = strtok_r(NULL, ",", &save)) {
        bool neg = tok[0] == '^';
        ok = cpulist_parse(tok + neg, part);
        if (neg) {
            hwloc_bitmap_andnot(set, set, part);
        } else {
            hwloc_bitmap_or(set, set, part);
        }
    }
    hwloc_bitmap_free(part);
    free(copy);
    return ok;
}

static const char *
pool_of(const struct vm_spec *s, int cpu)
{
    return (hwloc_bitmap_isset(s->pmd_pool, cpu) ? "a PMD CPU"
            : hwloc_bitmap_isset(s->hk_pool, cpu) ? "a housekeeping CPU"
            : hwloc_bitmap_isset(s->emulator_pool, cpu) ? "an emulator-share CPU"
            : hwloc_bitmap_isset(s->guest_pool, cpu) ? "a guest CPU"
            : "a CPU outside every pool");
}

static void
check_shared_memory(struct report *r)
{
    r->area = DOMAIN_MEMORY;
    xmlXPathObjectPtr vhost = query(r, NULL, "/domain/devices/interface"
                                    "[@type='vhostuser']");
    char *access = str(r, NULL, "string(/domain/memoryBacking/access/@mode)");
    xmlXPathObjectPtr cells = query(r, NULL, "/domain/cpu/numa/cell");
    xmlXPathObjectPtr shared = query(r, NULL, "/domain/cpu/numa/cell"
                                     "[@memAccess='shared']");
    xmlXPathObjectPtr private = query(r, NULL, "/domain/cpu/numa/cell"
                                      "[@memAccess='private']");
    xmlXPathObjectPtr backing = query(r, NULL, "/domain/memoryBacking/"
                                      "hugepages | /domain/memoryBacking/"
                                      "source[@type='memfd']");

    if (count(vhost)) {
        bool ok = (!strcmp(access, "shared") && !count(private))
                  || (count(cells) && count(shared) == count(cells));
        if (!ok) {
            problem(r, "%d vhost-user interface(s) but guest memory is not "
                    "shared: add <access mode='shared'/> to <memoryBacking> "
                    "(or memAccess='shared' to every NUMA <cell>); without "
                    "it the port comes up and passes no traffic",
                    count(vhost));
        }
        if (!count(backing)) {
            problem(r, "vhost-user interfaces need guest memory OVS can map: "
                    "<memoryBacking><hugepages/> (or <source type='memfd'/>)"
                    " is missing");
        }
    }
    free(access);
    xmlXPathFreeObject(vhost);
    xmlXPathFreeObject(cells);
    xmlXPathFreeObject(shared);
    xmlXPathFreeObject(private);
    xmlXPathFreeObject(backing);
}

static void
check_ring(struct report *r, int idx, xmlNodePtr iface, const char *attr)
{
    char *expr = xasprintf("string(driver/@%s)", attr);
    char *v = str(r, iface, expr);
    uint64_t n;

    if (v[0] && (!parse_uint64(v, UINT64_MAX, &n) || n < 256 || n > 1024 || (n & (n - 1)))) {
        r->area = DOMAIN_RINGS;
        problem(r, "interface %d: %s='%s' is not a power of two within "
                "256-1024 (QEMU refuses it when the VM starts)", idx, attr, v);
    }
    free(v);
    free(expr);
}

static bool
planned_socket(const struct vm_spec *s, const char *path)
{
    for (int k = 0; k < s->n_nics; k++) {
        if (s->nics[k].type == NIC_VHOST && !strcmp(s->nics[k].socket, path)) {
            return true;
        }
    }
    return false;
}

static void
check_nic_count(struct report *r, const char *type, enum nic_type nt)
{
    char *expr = xasprintf("/domain/devices/interface[@type='%s']", type);
    xmlXPathObjectPtr o = query(r, NULL, expr);
    int want = 0;

    for (int k = 0; k < r->s->n_nics; k++) {
        want += r->s->nics[k].type == nt;
    }
    if (count(o) != want) {
        problem(r, "%d interface(s) of type '%s'; the plan gives the VM %d",
                count(o), type, want);
    }
    xmlXPathFreeObject(o);
    free(expr);
}

static void
check_interfaces(struct report *r)
{
    xmlXPathObjectPtr ifaces = query(r, NULL, "/domain/devices/interface");

    r->area = DOMAIN_INTERFACES;
    check_nic_count(r, "vhostuser", NIC_VHOST);
    check_nic_count(r, "hostdev", NIC_SRIOV);

    for (int i = 0; i < count(ifaces); i++) {
        xmlNodePtr iface = nth(ifaces, i);
        char *type = str(r, iface, "string(@type)");
        if (!strcmp(type, "vhostuser")) {
            char *mode = str(r, iface, "string(source/@mode)");
            if (strcmp(mode, "server")) {
                problem(r, "interface %d: vhost-user source mode='%s': OVS "
                        "dpdkvhostuserclient ports need QEMU as the server "
                        "(mode='server')", i, mode);
            }
            free(mode);
            char *path = str(r, iface, "string(source/@path)");
            if (!planned_socket(r->s, path)) {
                problem(r, "interface %d: vhost-user socket '%s' is not one "
                        "of the VM's OVS ports (vhu-%s-N in the socket "
                        "directory; see --sock-dir)", i, path, r->s->name);
            }
            free(path);
            check_ring(r, i, iface, "rx_queue_size");
            check_ring(r, i, iface, "tx_queue_size");
            r->area = DOMAIN_INTERFACES;
        }
        xmlXPathObjectPtr tags = query(r, iface, "vlan/tag");
        for (int t = 0; t < count(tags); t++) {
            char *id = str(r, nth(tags, t), "string(@id)");
            uint64_t v;
            if (!parse_uint64(id, UINT64_MAX, &v) || v < 1 || v > 4094) {
                problem(r, "interface %d: VLAN tag id='%s' is not 1-4094",
                        i, id);
            }
            free(id);
        }
        xmlXPathFreeObject(tags);
        free(type);
    }
    xmlXPathFreeObject(ifaces);
}

/* What a cpuset attribute holds. */
enum cpuset_state { CPUSET_ABSENT, CPUSET_BAD, CPUSET_OK };

/* Reads the cpuset attribute at 'expr' into 'set'; '*text' gets its text
 * ("" if absent), for messages: caller frees. */
static enum cpuset_state
read_cpuset(struct report *r, const char *expr, hwloc_bitmap_t set,
            char **text)
{
    *text = str(r, NULL, expr);
    return (!(*text)[0] ? CPUSET_ABSENT
            : parse_cpuset(*text, set) ? CPUSET_OK
            : CPUSET_BAD);
}

/* Collects the union of the vCPU pins in 'vcpus'. */
static void
check_vcpupins(struct report *r, hwloc_bitmap_t vcpus)
{
    const struct vm_spec *s = r->s;
    char *nv = str(r, NULL, "string(/domain/vcpu)");
    hwloc_bitmap_t set = xbitmap();
    uint64_t n;

    r->area = DOMAIN_VCPUS;
    if (!parse_uint64(nv, UINT64_MAX, &n) || n != (uint64_t) s->vcpus) {
        problem(r, "<vcpu> is '%s', the plan gives the VM %d", nv, s->vcpus);
    }
    for (int i = 0; i < s->vcpus; i++) {
        char *expr = xasprintf("string(/domain/cputune/vcpupin[@vcpu='%d']"
                               "/@cpuset)", i);
        char *cpuset;

        switch (read_cpuset(r, expr, set, &cpuset)) {
        case CPUSET_ABSENT:
            if (s->vcpupin) {
                problem(r, "vCPU %d is not pinned (the plan pins it to %d)",
                        i, s->vcpupin[i]);
            } else {
                problem(r, "vCPU %d is not pinned (the plan lets it float "
                        "over the shared CPUs only)", i);
            }
            break;
        case CPUSET_BAD:
            problem(r, "vCPU %d: cpuset='%s' is not a CPU list", i, cpuset);
            break;
        case CPUSET_OK:
            if (!s->vcpupin) {
                if (!hwloc_bitmap_isequal(set, s->cpus)) {
                    char *w = cpulist_format(s->cpus);
                    problem(r, "vCPU %d is pinned to %s; the plan's VM has "
                            "cpu_policy shared: the shared CPUs %s", i,
                            cpuset, w);
                    free(w);
                }
            } else if (hwloc_bitmap_weight(set) != 1
                || hwloc_bitmap_first(set) != s->vcpupin[i]) {
                int cpu = hwloc_bitmap_first(set);
                problem(r, "vCPU %d is pinned to %s, %s; the plan pins it to "
                        "%d, a guest CPU of this VM", i, cpuset,
                        hwloc_bitmap_weight(set) == 1 ? pool_of(s, cpu)
                        : "more than one CPU", s->vcpupin[i]);
            }
            hwloc_bitmap_or(vcpus, vcpus, set);
            break;
        }
        free(expr);
        free(cpuset);
    }
    hwloc_bitmap_free(set);
    free(nv);
}

/* KVM or TCG, as the plan's virt_type says. */
static void
check_virt_type(struct report *r)
{
    const char *want = virt_type_name(r->s->virt_type);
    char *type = str(r, NULL, "string(/domain/@type)");

    r->area = DOMAIN_VCPUS;
    if (strcmp(type, want)) {
        problem(r, "<domain type='%s'>, the plan's virt_type is %s", type,
                want);
    }
    free(type);
}

static void
check_emulatorpin(struct report *r, hwloc_const_bitmap_t vcpus)
{
    const struct vm_spec *s = r->s;
    hwloc_bitmap_t set = xbitmap();
    hwloc_const_bitmap_t want = s->emulator_policy == EMU_SHARE
                                ? s->emulator_pool : s->emulatorpin;
    char *cpuset;

    r->area = DOMAIN_EMULATOR;
    switch (read_cpuset(r, "string(/domain/cputune/emulatorpin/@cpuset)",
                        set, &cpuset)) {
    case CPUSET_ABSENT:
        if (s->emulator_policy != EMU_NONE) {
            problem(r, "no <emulatorpin>: QEMU's emulator threads would run "
                    "on the vCPUs' own cores");
        }
        break;
    case CPUSET_BAD:
        problem(r, "emulatorpin cpuset='%s' is not a CPU list", cpuset);
        break;
    case CPUSET_OK:
        /* A shared VM's vCPUs float over the emulator's CPUs by design. */
        if (s->vcpupin && hwloc_bitmap_intersects(set, vcpus)) {
            problem(r, "emulatorpin %s overlaps the vCPU pins", cpuset);
        }
        /* With shared_cores = 0 the shared CPUs are housekeeping ones. */
        if (hwloc_bitmap_intersects(set, s->pmd_pool)
            || (hwloc_bitmap_intersects(set, s->hk_pool)
                && !hwloc_bitmap_isincluded(set, want))) {
            problem(r, "emulatorpin %s includes PMD or housekeeping CPUs",
                    cpuset);
        }
        if (!hwloc_bitmap_isincluded(set, want)) {
            char *w = cpulist_format(want);
            problem(r, "emulatorpin %s is outside the %s (%s)", cpuset,
                    s->emulator_policy == EMU_SHARE ? "emulator-share pool"
                    : "VM's planned emulator CPUs", w);
            free(w);
        }
        break;
    }
    hwloc_bitmap_free(set);
    free(cpuset);
}

static void
check_memory(struct report *r)
{
    const struct vm_spec *s = r->s;
    char *mem;

    r->area = DOMAIN_MEMORY;
    mem = str(r, NULL, "string(/domain/memory)");
    char *unit = str(r, NULL, "string(/domain/memory/@unit)");
    char *psize = str(r, NULL, "string(/domain/memoryBacking/hugepages/page"
                      "/@size)");
    char *punit = str(r, NULL, "string(/domain/memoryBacking/hugepages/page"
                      "/@unit)");
    char *mode = str(r, NULL, "string(/domain/numatune/memory/@mode)");
    char *nodeset = str(r, NULL, "string(/domain/numatune/memory/@nodeset)");
    uint64_t kib, page_kib, have = s->hugepages * s->hugepage_kb;
    char want_node[16];

    if (!to_kib(mem, unit, &kib)) {
        problem(r, "<memory> '%s' unit '%s' is not a size", mem, unit);
    } else if (kib > have) {
        problem(r, "memory %" PRIu64 " KiB is more than the VM's planned "
                "hugepages: %" PRIu64 " x %" PRIu64 " KiB on node %d",
                kib, s->hugepages, s->hugepage_kb, s->numa);
    } else if (kib % s->hugepage_kb) {
        problem(r, "memory %" PRIu64 " KiB is not a whole number of %"
                PRIu64 " KiB pages", kib, s->hugepage_kb);
    }
    if (s->hugepages > s->node_guest_pages) {
        problem(r, "the plan reserves %" PRIu64 " guest hugepages on node %d,"
                " fewer than this VM's %" PRIu64, s->node_guest_pages,
                s->numa, s->hugepages);
    }
    if (psize[0] && (!to_kib(psize, punit[0] ? punit : "KiB", &page_kib)
                     || page_kib != s->hugepage_kb)) {
        problem(r, "hugepage size %s %s is not the plan's %" PRIu64 " KiB",
                psize, punit, s->hugepage_kb);
    }
    snprintf(want_node, sizeof want_node, "%d", s->numa);
    if (strcmp(mode, "strict") || strcmp(nodeset, want_node)) {
        problem(r, "numatune memory is mode='%s' nodeset='%s'; the VM's "
                "hugepages are on node %d (mode='strict' nodeset='%d')",
                mode, nodeset, s->numa, s->numa);
    }
    free(mem);
    free(unit);
    free(psize);
    free(punit);
    free(mode);
    free(nodeset);
}

/* Guest memory is a fixed reservation of hugepages on the VM's node: a
 * balloon cannot give any of it back to the host (pages it frees stay in
 * the hugepage pool), and QEMU inhibits ballooning anyway while a VFIO
 * device (a VF) is assigned.  libvirt adds a virtio balloon to every QEMU
 * guest that does not say <memballoon model='none'/> (formatdomain,
 * "Memory balloon device"), so a missing one counts too. */
static void
check_balloon(struct report *r)
{
    xmlXPathObjectPtr o = query(r, NULL, "/domain/devices/memballoon");
    char *model = str(r, NULL, "string(/domain/devices/memballoon/@model)");

    r->area = DOMAIN_MEMORY;
    if (!count(o)) {
        problem(r, "no <memballoon>: libvirt adds a virtio balloon; add "
                "<memballoon model='none'/> (a balloon cannot return "
                "hugepage-backed guest memory to the host)");
    } else if (strcmp(model, "none")) {
        problem(r, "<memballoon model='%s'>: use model='none' (a balloon "
                "cannot return hugepage-backed guest memory to the host)",
                model);
    }
    free(model);
    xmlXPathFreeObject(o);
}

int
domain_check_each(xmlDocPtr doc, const struct vm_spec *s,
                  domain_problem_fn *fn, void *aux)
{
    struct report r = { .s = s, .fn = fn, .aux = aux };
    hwloc_bitmap_t vcpus = xbitmap();

    r.xp = xmlXPathNewContext(doc);
    check_shared_memory(&r);
    check_interfaces(&r);
    check_vcpupins(&r, vcpus);
    check_virt_type(&r);
    check_emulatorpin(&r, vcpus);
    check_memory(&r);
    check_balloon(&r);
    hwloc_bitmap_free(vcpus);
    xmlXPathFreeContext(r.xp);
    return r.n;
}

/* Collects the problems as the lines of one message. */
static void
add_line(void *msgs_, enum domain_area area, const char *msg)
{
    struct sbuf *msgs = msgs_;

    (void) area;
    sbuf_printf(msgs, "\n  %s", msg);
}

int
domain_check(xmlDocPtr doc, const char *name, const struct vm_spec *s,
             struct diag *d)
{
    struct sbuf msgs;
    int n, error = 0;

    sbuf_init(&msgs);
    n = domain_check_each(doc, s, add_line, &msgs);
    if (n) {
        error = diag_error(d, NFV_EINPUT, "%s: %d problem(s) for VM %s of "
                           "%s:%s", name, n, s->name, s->plan_file, msgs.s);
    }
    sbuf_destroy(&msgs);
    return error;
}

int
domain_check_text(const char *text, const char *name,
                  const struct vm_spec *s, struct diag *d)
{
    xmlDocPtr doc = xmlReadMemory(text, strlen(text), name, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR
                                  | XML_PARSE_NOWARNING);
    int error;

    if (!doc) {
        const xmlError *e = xmlGetLastError();
        return diag_error(d, NFV_EINPUT, "%s:%d: not well-formed XML: %s",
                          name, e ? e->line : 0,
                          e && e->message ? e->message : "?");
    }
    error = domain_check(doc, name, s, d);
    xmlFreeDoc(doc);
    return error;
}
