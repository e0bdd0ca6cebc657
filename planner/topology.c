/* topology.c: hwloc (live or XML) -> struct nfv_topology (see topology.h).
 *
 * This is the planner's only input stage with I/O besides the intent file:
 * it asks hwloc for cores, caches, NUMA nodes and CPU kinds, then fills NIC
 * facts from sysfs (see sysfs-nic.c). */
#include <config.h>

#include "planner/topology.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "planner/sysfs-nic.h"
#include "lib/util.h"

/* Indexes, -1 when absent: the finders below return const pointers, and
 * the functions that change the entry index the array themselves. */
static int
numa_index(const struct nfv_topology *t, int os_index)
{
    for (int i = 0; i < t->n_numas; i++) {
        if (t->numas[i].os_index == os_index) {
            return i;
        }
    }
    return -1;
}

static int
nic_index(const struct nfv_topology *t, const char *pci)
{
    for (int i = 0; i < t->n_nics; i++) {
        if (!strcasecmp(t->nics[i].pci, pci)) {
            return i;
        }
    }
    return -1;
}

const struct nfv_numa *
topology_find_numa(const struct nfv_topology *t, int os_index)
{
    int i = numa_index(t, os_index);
    return i < 0 ? NULL : &t->numas[i];
}

const struct nfv_nic *
topology_find_nic(const struct nfv_topology *t, const char *pci)
{
    int i = nic_index(t, pci);
    return i < 0 ? NULL : &t->nics[i];
}

struct nfv_nic *
topology_add_nic(struct nfv_topology *t, const char *pci)
{
    int i = nic_index(t, pci);
    struct nfv_nic *nic = i < 0 ? NULL : &t->nics[i];

    if (nic) {
        return nic;
    }
    t->nics = xrealloc(t->nics, (t->n_nics + 1) * sizeof *t->nics);
    nic = &t->nics[t->n_nics++];
    memset(nic, 0, sizeof *nic);
    snprintf(nic->pci, sizeof nic->pci, "%s", pci);
    nic->numa = -1;
    nic->totalvfs = nic->numvfs = -1;
    nic->vf_index = -1;
    nic->carrier = -1;
    nic->speed_mbps = -1;
    nic->iommu_group = -1;
    return nic;
}

void
topology_destroy(struct nfv_topology *t)
{
    for (int i = 0; i < t->n_numas; i++) {
        hwloc_bitmap_free(t->numas[i].pus);
    }
    for (int i = 0; i < t->n_cores; i++) {
        hwloc_bitmap_free(t->cores[i].pus);
        hwloc_bitmap_free(t->cores[i].hw_pus);
    }
    for (int i = 0; i < t->n_l3s; i++) {
        hwloc_bitmap_free(t->l3s[i].pus);
    }
    hwloc_bitmap_free(t->all_pus);
    hwloc_bitmap_free(t->usable);
    free(t->numas);
    free(t->cores);
    free(t->l3s);
    free(t->nics);
    memset(t, 0, sizeof *t);
}

/* The NUMA node that "owns" a core: the smallest node whose CPU set holds
 * the core, preferring ordinary DRAM over nodes hwloc marks with a subtype
 * (MCDRAM, HBM, NVM, CXL...), then the lowest OS index.  Memory-only nodes
 * thereby own no cores and get no CPU pools. */
static int
owning_numa(hwloc_topology_t topo, hwloc_obj_t core)
{
    hwloc_obj_t best = NULL;
    hwloc_obj_t n = NULL;

    while ((n = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, n))) {
        if (!n->cpuset || hwloc_bitmap_iszero(n->cpuset)
            || !hwloc_bitmap_isincluded(core->cpuset, n->cpuset)) {
            continue;
        }
        if (!best) {
            best = n;
            continue;
        }
        int w = hwloc_bitmap_weight(n->cpuset);
        int bw = hwloc_bitmap_weight(best->cpuset);
        bool sub = n->subtype != NULL, bsub = best->subtype != NULL;
        if (w < bw || (w == bw && bsub && !sub)
            || (w == bw && sub == bsub && n->os_index < best->os_index)) {
            best = n;
        }
    }
    if (best) {
        return best->os_index;
    }
    return core->nodeset ? hwloc_bitmap_first(core->nodeset) : 0;
}

static int
cmp_numa(const void *a_, const void *b_)
{
    const struct nfv_numa *a = a_, *b = b_;
    return (a->os_index > b->os_index) - (a->os_index < b->os_index);
}

static int
cmp_core(const void *a_, const void *b_)
{
    const struct nfv_core *a = a_, *b = b_;
    return (a->first_pu > b->first_pu) - (a->first_pu < b->first_pu);
}

static int
cmp_nic(const void *a_, const void *b_)
{
    const struct nfv_nic *a = a_, *b = b_;
    return strcmp(a->pci, b->pci);
}

static void
load_numas(hwloc_topology_t topo, struct nfv_topology *t)
{
    int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
    hwloc_obj_t obj = NULL;

    t->numas = xcalloc(n, sizeof *t->numas);
    while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE,
                                             obj))) {
        struct nfv_numa *m = &t->numas[t->n_numas++];
        m->os_index = obj->os_index;
        m->memory = obj->attr->numanode.local_memory;
        m->pus = xbitmap();
    }
    qsort(t->numas, t->n_numas, sizeof *t->numas, cmp_numa);
}

/* Rank of each CPU kind, 0 for the most performant.  hwloc lists kinds by
 * increasing efficiency (its "efficiency" means performance here), so the
 * last kind is rank 0. */
static int
kind_rank_of(hwloc_topology_t topo, hwloc_const_bitmap_t pus)
{
    int nr = hwloc_cpukinds_get_nr(topo, 0);
    int best = nr > 0 ? nr - 1 : 0;

    if (nr <= 1) {
        return 0;
    }
    hwloc_bitmap_t set = xbitmap();
    for (int i = 0; i < nr; i++) {
        if (hwloc_cpukinds_get_info(topo, i, set, NULL, NULL, NULL, 0) == 0
            && hwloc_bitmap_intersects(set, pus) && nr - 1 - i < best) {
            best = nr - 1 - i;
        }
    }
    hwloc_bitmap_free(set);
    return best;
}

static int
l3_index(struct nfv_topology *t, hwloc_obj_t *keys, hwloc_obj_t l3, int numa,
         uint64_t size)
{
    /* Without an L3 object, each NUMA node is one cache domain: key it by
     * a negative pseudo-key so it never matches a real cache. */
    for (int i = 0; i < t->n_l3s; i++) {
        if (l3 ? keys[i] == l3 : (!keys[i] && t->l3s[i].numa == numa)) {
            return i;
        }
    }
    keys[t->n_l3s] = l3;
    t->l3s[t->n_l3s].numa = numa;
    t->l3s[t->n_l3s].size = size;
    t->l3s[t->n_l3s].pus = xbitmap();
    return t->n_l3s++;
}

/* Adds core (or lone PU) 'obj' if it has usable PUs.  A core whose NUMA
 * node is not in the topology (its node is disallowed, as in a cgroup
 * whose cpuset.mems leaves it out, or missing from the export) has no
 * local memory to plan: its PUs go to 'homeless' instead, and are not
 * planned. */
static void
add_core(hwloc_topology_t topo, struct nfv_topology *t, hwloc_obj_t *l3keys,
         hwloc_obj_t obj, hwloc_bitmap_t homeless)
{
    hwloc_bitmap_t pus = xbitmap();
    hwloc_obj_t l3;
    struct nfv_core *c;
    struct nfv_numa *m;
    int numa, i;

    hwloc_bitmap_and(pus, obj->cpuset, t->usable);
    if (hwloc_bitmap_iszero(pus)) {
        hwloc_bitmap_free(pus);
        return;
    }
    numa = owning_numa(topo, obj);
    i = numa_index(t, numa);
    m = i < 0 ? NULL : &t->numas[i];
    if (!m) {
        hwloc_bitmap_or(homeless, homeless, pus);
        hwloc_bitmap_free(pus);
        return;
    }
    c = &t->cores[t->n_cores++];
    c->pus = pus;
    c->hw_pus = xbitmap_dup(obj->complete_cpuset ? obj->complete_cpuset
                                                 : obj->cpuset);
    c->first_pu = hwloc_bitmap_first(pus);
    c->numa = numa;
    c->kind_rank = kind_rank_of(topo, pus);
    l3 = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_L3CACHE, obj);
    c->l3 = l3_index(t, l3keys, l3, c->numa, l3 ? l3->attr->cache.size : 0);
    hwloc_bitmap_or(t->l3s[c->l3].pus, t->l3s[c->l3].pus, pus);
    if (hwloc_bitmap_weight(pus) > t->smt) {
        t->smt = hwloc_bitmap_weight(pus);
    }
    hwloc_bitmap_or(m->pus, m->pus, pus);
    m->n_cores++;
}

/* Loads the cores; PUs with no NUMA node of the topology are taken out of
 * t->usable (never planned, shown as offline or not allowed) and a warning
 * names them. */
static void
load_cores(hwloc_topology_t topo, struct nfv_topology *t, struct diag *diag)
{
    hwloc_bitmap_t homeless = xbitmap();
    int n_pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    hwloc_obj_t *l3keys = xcalloc(n_pus, sizeof *l3keys);
    hwloc_bitmap_t covered = xbitmap();
    hwloc_obj_t obj = NULL;

    t->cores = xcalloc(n_pus, sizeof *t->cores);
    t->l3s = xcalloc(n_pus, sizeof *t->l3s);
    while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_CORE, obj))) {
        add_core(topo, t, l3keys, obj, homeless);
        hwloc_bitmap_or(covered, covered, obj->cpuset);
    }
    /* A PU without a Core parent (some exports lack cores) is a core. */
    obj = NULL;
    while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, obj))) {
        if (!hwloc_bitmap_isset(covered, obj->os_index)) {
            add_core(topo, t, l3keys, obj, homeless);
        }
    }
    if (!hwloc_bitmap_iszero(homeless)) {
        char *list = cpulist_format(homeless);
        diag_warn(diag, "CPUs %s belong to no NUMA node of the topology "
                  "(their node is not allowed, or missing from the "
                  "export): not planned", list);
        free(list);
        hwloc_bitmap_andnot(t->usable, t->usable, homeless);
    }
    hwloc_bitmap_free(homeless);
    hwloc_bitmap_free(covered);
    free(l3keys);
    qsort(t->cores, t->n_cores, sizeof *t->cores, cmp_core);
}

static void
load_cpu_vendor(hwloc_topology_t topo, struct nfv_topology *t)
{
    hwloc_obj_t pkg = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PACKAGE,
                                                 NULL);
    const char *v = NULL;

    if (pkg) {
        v = hwloc_obj_get_info_by_name(pkg, "CPUVendor");
    }
    if (!v) {
        v = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo), "CPUVendor");
    }
    snprintf(t->cpu_vendor, sizeof t->cpu_vendor, "%s", v ? v : "");
}

/* hwloc records uname's release on the root object when it discovers a
 * Linux machine, and lstopo's XML export keeps it: the kernel the
 * machine ran (the default target kernel, rule 9). */
static void
load_os_release(hwloc_topology_t topo, struct nfv_topology *t)
{
    hwloc_obj_t root = hwloc_get_root_obj(topo);
    const char *os = hwloc_obj_get_info_by_name(root, "OSName");
    const char *v = hwloc_obj_get_info_by_name(root, "OSRelease");

    snprintf(t->os_release, sizeof t->os_release, "%s",
             v && (!os || !strcmp(os, "Linux")) ? v : "");
}

/* The NUMA node of a PCI device as hwloc sees it: the node set of its
 * nearest CPU-side ancestor, if that is one node; -1 otherwise. */
static int
pci_numa(hwloc_topology_t topo, hwloc_obj_t pci)
{
    hwloc_obj_t anc = hwloc_get_non_io_ancestor_obj(topo, pci);

    if (!anc || !anc->nodeset || hwloc_bitmap_weight(anc->nodeset) < 1) {
        return -1;
    }
    if (hwloc_bitmap_isequal(anc->nodeset,
                             hwloc_get_root_obj(topo)->nodeset)
        && hwloc_bitmap_weight(anc->nodeset) > 1) {
        return -1;
    }
    return hwloc_bitmap_first(anc->nodeset);
}

static void
load_pci_nics(hwloc_topology_t topo, struct nfv_topology *t)
{
    hwloc_obj_t obj = NULL;
    int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PCI_DEVICE);

    t->nics = xcalloc(n, sizeof *t->nics);
    while ((obj = hwloc_get_next_pcidev(topo, obj))) {
        struct hwloc_pcidev_attr_s *a = &obj->attr->pcidev;
        struct nfv_nic *nic;

        if ((a->class_id >> 8) != 0x02) {
            continue;           /* Not a network controller. */
        }
        nic = &t->nics[t->n_nics++];
        snprintf(nic->pci, sizeof nic->pci, "%04x:%02x:%02x.%01x",
                 a->domain & 0xffff, a->bus, a->dev, a->func & 7);
        nic->numa = pci_numa(topo, obj);
        nic->vendor = a->vendor_id;
        nic->device = a->device_id;
        nic->totalvfs = nic->numvfs = -1;
        nic->vf_index = -1;
        nic->carrier = -1;
        nic->speed_mbps = -1;
        nic->iommu_group = -1;
        for (hwloc_obj_t c = obj->io_first_child; c; c = c->next_sibling) {
            if (c->type == HWLOC_OBJ_OS_DEVICE
                && c->attr->osdev.type == HWLOC_OBJ_OSDEV_NETWORK
                && !nic->ifname[0]) {
                snprintf(nic->ifname, sizeof nic->ifname, "%s", c->name);
            }
        }
    }
}

int
topology_from_hwloc(hwloc_topology_t topo, const char *sysfs_root,
                    struct nfv_topology *t, struct diag *diag)
{
    memset(t, 0, sizeof *t);
    t->all_pus = xbitmap_dup(hwloc_topology_get_complete_cpuset(topo));
    t->usable = xbitmap();
    /* The root cpuset holds the online PUs (offline ones exist only in the
     * complete set); intersecting with the allowed set drops PUs that
     * cgroups or the administrator have taken away from us. */
    hwloc_bitmap_and(t->usable, hwloc_get_root_obj(topo)->cpuset,
                     hwloc_topology_get_allowed_cpuset(topo));
    t->hybrid = hwloc_cpukinds_get_nr(topo, 0) > 1;

    load_numas(topo, t);
    load_cores(topo, t, diag);
    load_cpu_vendor(topo, t);
    load_os_release(topo, t);
    load_pci_nics(topo, t);
    if (sysfs_root && sysfs_nic_load(sysfs_root, t, diag)) {
        return diag->status;
    }
    qsort(t->nics, t->n_nics, sizeof *t->nics, cmp_nic);
    if (!t->n_cores) {
        return diag_error(diag, NFV_EINPUT,
                          "topology has no online, allowed CPUs to plan");
    }
    return 0;
}

/* The group QEMU, libvirt and OVS can share the vhost-user socket
 * directory through, on the machine being planned: hugetlbfs (Fedora/RHEL
 * run ovs-vswitchd as openvswitch:hugetlbfs), else QEMU's group. */
void
topology_detect_host_group(struct nfv_topology *t)
{
    static const char *const names[] = {
        "hugetlbfs", "libvirt-qemu", "qemu", "kvm",
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (getgrnam(names[i])) {
            snprintf(t->host_group, sizeof t->host_group, "%s", names[i]);
            return;
        }
    }
}

int
topology_load(const struct topology_source *src, struct nfv_topology *t,
              struct diag *diag)
{
    hwloc_topology_t topo;
    const char *root = src->sysfs_root;
    int error;

    if (hwloc_topology_init(&topo)) {
        return diag_error(diag, NFV_ESYSTEM, "hwloc: cannot initialize");
    }
    hwloc_topology_set_flags(topo, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED);
    hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
    if (src->xml_file) {
        struct stat st;

        if (stat(src->xml_file, &st)) {
            hwloc_topology_destroy(topo);
            return diag_error(diag, NFV_EINPUT, "--topology %s: %s",
                              src->xml_file, strerror(errno));
        }
        if (hwloc_topology_set_xml(topo, src->xml_file)) {
            hwloc_topology_destroy(topo);
            return diag_error(diag, NFV_EINPUT,
                              "--topology %s: not an hwloc XML topology",
                              src->xml_file);
        }
    } else if (!root) {
        root = "";
    }
    if (hwloc_topology_load(topo)) {
        hwloc_topology_destroy(topo);
        return diag_error(diag, src->xml_file ? NFV_EINPUT : NFV_ESYSTEM,
                          "%s%s: hwloc cannot load the topology: %s",
                          src->xml_file ? "--topology " : "live machine",
                          src->xml_file ? src->xml_file : "",
                          strerror(errno));
    }
    error = topology_from_hwloc(topo, root, t, diag);
    hwloc_topology_destroy(topo);
    if (!src->xml_file) {
        topology_detect_host_group(t);
    }
    if (error && src->xml_file && !strstr(diag->msg, src->xml_file)) {
        char msg[sizeof diag->msg];
        snprintf(msg, sizeof msg, "--topology %s: %s", src->xml_file,
                 diag->msg);
        memcpy(diag->msg, msg, sizeof msg);
    }
    return error;
}
