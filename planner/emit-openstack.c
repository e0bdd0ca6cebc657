/* emit-openstack.c: nova.conf fragment, flavors.sh and the neutron agent
 * fragments of a plan.
 *
 * The mapping, one line each (docs/openstack.md says why):
 *   guest pool          -> [compute] cpu_dedicated_set (PCPU inventory)
 *   emulator-share pool -> [compute] cpu_shared_set (emulator threads of
 *                          flavors with hw:emulator_threads_policy=share,
 *                          vCPUs of hw:cpu_policy=shared ones: VCPU
 *                          inventory, with cpu_allocation_ratio)
 *   host memory + OVS hugepages -> reserved_host_memory_mb
 *   OVS hugepages per node      -> reserved_huge_pages, one line per node
 *   uplinks             -> physnets with their NUMA node, bridge_mappings
 *   PFs VMs take VFs of -> [pci] device_spec, physical_device_mappings
 * The PMD and housekeeping pools appear in neither nova set: nova must
 * never pin a guest there.  controller.conf is the cloud-wide part (nova's
 * scheduler filters, ml2's drivers and VLAN ranges), commented out. */
#include <config.h>

#include "planner/emit-openstack.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

/* One physical port of the host and the neutron physical network it is
 * on. */
struct physnet {
    char name[16];
    const char *pf;             /* PCI address of the PF. */
    const struct nfv_nic *pf_nic;   /* NULL when the topology lacks it. */
    bool uplink;                /* OVS uses it (or a VF of it) as uplink. */
    bool sriov;                 /* Some VM takes a VF of it. */
};

static const char *
uplink_pf(const struct plan_uplink *u)
{
    return u->nic->is_vf && u->nic->physfn[0] ? u->nic->physfn : u->nic->pci;
}

static struct physnet *
physnet_find_or_add(const struct plan *p, struct physnet *nets, int *n,
                    const char *pf)
{
    for (int i = 0; i < *n; i++) {
        if (!strcmp(nets[i].pf, pf)) {
            return &nets[i];
        }
    }
    struct physnet *net = &nets[(*n)++];
    memset(net, 0, sizeof *net);
    net->pf = pf;
    net->pf_nic = topology_find_nic(p->topo, pf);
    return net;
}

/* Uplink PFs first, in plan order, then PFs only VMs use.  Caller frees. */
static struct physnet *
collect_physnets(const struct plan *p, int *n)
{
    int max = p->n_uplinks, next = 1;

    for (int v = 0; v < p->n_vms; v++) {
        max += p->vms[v].n_nics;
    }
    struct physnet *nets = xcalloc(max ? max : 1, sizeof *nets);
    *n = 0;
    for (int i = 0; i < p->n_uplinks; i++) {
        physnet_find_or_add(p, nets, n, uplink_pf(&p->uplinks[i]))->uplink
            = true;
    }
    for (int v = 0; v < p->n_vms; v++) {
        for (int k = 0; k < p->vms[v].n_nics; k++) {
            const struct plan_nic *nic = &p->vms[v].nics[k];
            if (nic->type == NIC_SRIOV && nic->pf[0]) {
                physnet_find_or_add(p, nets, n, nic->pf)->sriov = true;
            }
        }
    }
    for (int i = 0; i < *n; i++) {
        if (nets[i].uplink) {
            snprintf(nets[i].name, sizeof nets[i].name, "%s",
                     OPENSTACK_UPLINK_PHYSNET);
        } else {
            snprintf(nets[i].name, sizeof nets[i].name, "physnet%d", next++);
        }
    }
    return nets;
}

static bool
is_uplink(const struct plan *p, const char *pci)
{
    for (int i = 0; i < p->n_uplinks; i++) {
        if (!strcmp(p->uplinks[i].nic->pci, pci)) {
            return true;
        }
    }
    return false;
}

static bool
flavors_share(const struct plan *p)
{
    return p->intent->emulator_policy == EMU_SHARE;
}

static int
check_disjoint(struct diag *d, hwloc_const_bitmap_t a, const char *a_name,
               hwloc_const_bitmap_t b, const char *b_name)
{
    if (!hwloc_bitmap_intersects(a, b)) {
        return 0;
    }
    hwloc_bitmap_t both = xbitmap();
    hwloc_bitmap_and(both, a, b);
    char *list = cpulist_format(both);
    diag_error(d, NFV_EINFEASIBLE, "OpenStack: %s and %s share CPUs %s",
               a_name, b_name, list);
    free(list);
    hwloc_bitmap_free(both);
    return NFV_EINFEASIBLE;
}

static bool
all_vms_shared(const struct plan *p)
{
    for (int v = 0; v < p->n_vms; v++) {
        if (p->vms[v].intent->cpu_policy != CPU_SHARED) {
            return false;
        }
    }
    return p->n_vms > 0;
}

int
openstack_check(const struct plan *p, struct diag *d)
{
    hwloc_const_bitmap_t ded = p->pool[POOL_GUEST];
    hwloc_const_bitmap_t shared = p->shared_cpus;
    /* shared_cores = 0 puts cpu_shared_set on the housekeeping CPUs on
     * purpose (rule 17); nova does not know about housekeeping. */
    bool hk_shared = p->intent->emulator_shared_cores == 0;

    if (hwloc_bitmap_iszero(ded) && !all_vms_shared(p)) {
        return diag_error(d, NFV_EINFEASIBLE, "OpenStack: the guest pool is "
                          "empty, so nova's [compute] cpu_dedicated_set "
                          "would be too and no pinned flavor could run");
    }
    if (flavors_share(p) && hwloc_bitmap_iszero(shared)) {
        /* nova would silently pin the emulator threads to the guest's
         * own pCPUs: exactly what 'share' is meant to prevent. */
        return diag_error(d, NFV_EINFEASIBLE, "OpenStack: flavors ask for "
                          "hw:emulator_threads_policy=share but the "
                          "emulator-share pool ([compute] cpu_shared_set) is "
                          "empty");
    }
    const struct {
        hwloc_const_bitmap_t a;
        const char *a_name;
        hwloc_const_bitmap_t b;
        const char *b_name;
    } pairs[] = {
        { ded, "[compute] cpu_dedicated_set",
          shared, "[compute] cpu_shared_set" },
        { p->pool[POOL_PMD], "the PMD pool", ded, "cpu_dedicated_set" },
        { p->pool[POOL_PMD], "the PMD pool", shared, "cpu_shared_set" },
        { p->pool[POOL_HOUSEKEEPING], "the housekeeping pool", ded,
          "cpu_dedicated_set" },
        { p->pool[POOL_HOUSEKEEPING], "the housekeeping pool",
          hk_shared ? NULL : shared, "cpu_shared_set" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
        int error = pairs[i].b ? check_disjoint(d, pairs[i].a,
                                                pairs[i].a_name, pairs[i].b,
                                                pairs[i].b_name) : 0;
        if (error) {
            return error;
        }
    }
    return 0;
}

static void
nova_memory(const struct plan *p, struct sbuf *b)
{
    uint64_t host_mb = 0, ovs_mb = 0;

    for (int i = 0; i < p->n_numas; i++) {
        host_mb += p->numas[i].host_memory_mb;
        ovs_mb += p->numas[i].hugepages_ovs * p->hugepage_kb / 1024;
    }
    /* Placement counts every MiB of RAM as MEMORY_MB, hugepages included;
     * what neither guests nor nova may use is the host's own memory and
     * OVS's socket memory. */
    sbuf_printf(b, "[DEFAULT]\n"
                "# %" PRIu64 " MiB kept for the host + %" PRIu64 " MiB of "
                "hugepages for OVS-DPDK socket memory.\n"
                "reserved_host_memory_mb = %" PRIu64 "\n",
                host_mb, ovs_mb, host_mb + ovs_mb);
    sbuf_puts(b, "# OVS-DPDK's socket memory, per NUMA node: nova must not "
              "give these pages\n# to guests.\n");
    for (int i = 0; i < p->n_numas; i++) {
        const struct plan_numa *pn = &p->numas[i];
        if (pn->hugepages_ovs) {
            sbuf_printf(b, "reserved_huge_pages = node:%d,size:%" PRIu64
                        ",count:%" PRIu64 "\n", pn->os_index, p->hugepage_kb,
                        pn->hugepages_ovs);
        }
    }
}

/* Still in [DEFAULT], after nova_memory().  The initial_ ratio, not
 * cpu_allocation_ratio: nova takes it for a compute node's new VCPU
 * inventory only (ComputeDriver._get_allocation_ratios), so a ratio the
 * operator sets later through placement, or cloud-wide in nova.conf,
 * still wins. */
static void
nova_cpu_ratio(const struct plan *p, struct sbuf *b)
{
    if (hwloc_bitmap_iszero(p->shared_cpus)) {
        return;
    }
    sbuf_printf(b, "# VCPU inventory (unpinned and hw:cpu_policy=shared "
                "guests) = the CPUs of\n# cpu_shared_set times this, on a "
                "new compute node; nova's default differs\n# by release "
                "(16.0 up to nova 26). A ratio set through placement, or\n"
                "# cpu_allocation_ratio, takes precedence.\n"
                "initial_cpu_allocation_ratio = %d.0\n",
                OPENSTACK_CPU_ALLOCATION_RATIO);
}

static void
nova_compute(const struct plan *p, struct sbuf *b)
{
    char *ded = cpulist_format(p->pool[POOL_GUEST]);
    char *shared = cpulist_format(p->shared_cpus);
    char *pmd = cpulist_format(p->pool[POOL_PMD]);
    char *hk = cpulist_format(p->pool[POOL_HOUSEKEEPING]);

    sbuf_puts(b, "\n[compute]\n");
    if (ded[0]) {
        sbuf_printf(b, "# Guest pool: pinned vCPUs (PCPU).  PMD (%s) and "
                    "housekeeping (%s) CPUs\n# are in neither set.\n"
                    "cpu_dedicated_set = %s\n", pmd[0] ? pmd : "none",
                    hk[0] ? hk : "none", ded);
    } else {
        /* nova refuses an empty cpu_dedicated_set; left out, the host
         * offers no PCPU and takes only hw:cpu_policy=shared flavors. */
        sbuf_puts(b, "# No guest pool: every VM has cpu_policy shared, so "
                  "there is no\n# cpu_dedicated_set and no pinned flavor "
                  "fits this host.\n");
    }
    if (shared[0] && p->intent->emulator_shared_cores == 0) {
        sbuf_printf(b, "# The housekeeping CPUs, shared with the host "
                    "([emulator] shared_cores = 0):\n# QEMU emulator "
                    "threads and the vCPUs of unpinned guests (VCPU).\n"
                    "cpu_shared_set = %s\n", shared);
    } else if (shared[0]) {
        sbuf_printf(b, "# Emulator-share pool: QEMU emulator threads of "
                    "flavors with\n# hw:emulator_threads_policy=share "
                    "(and VCPU for unpinned guests).\n"
                    "cpu_shared_set = %s\n", shared);
    }
    free(ded);
    free(shared);
    free(pmd);
    free(hk);
}

/* The uplinks' physical network and the NUMA nodes of its uplinks, so
 * nova places guests with vhost-user ports beside them. */
static void
nova_neutron(const struct plan *p, struct sbuf *b)
{
    struct sbuf nodes;
    hwloc_bitmap_t set;
    int node;

    if (!p->n_uplinks) {
        return;
    }
    set = xbitmap();
    for (int i = 0; i < p->n_uplinks; i++) {
        hwloc_bitmap_set(set, p->uplinks[i].numa);
    }
    /* nova reads numa_nodes as a list of integers: no ranges. */
    sbuf_init(&nodes);
    hwloc_bitmap_foreach_begin(node, set) {
        sbuf_printf(&nodes, "%s%d", nodes.len ? "," : "", node);
    } hwloc_bitmap_foreach_end();
    sbuf_printf(b, "\n[neutron]\n# The physical network of the OVS-DPDK "
                "bridge %s.\nphysnets = %s\n\n[neutron_physnet_%s]\n"
                "# NUMA node(s) of its uplinks.\nnuma_nodes = %s\n",
                p->bridge, OPENSTACK_UPLINK_PHYSNET,
                OPENSTACK_UPLINK_PHYSNET, nodes.s);
    sbuf_destroy(&nodes);
    hwloc_bitmap_free(set);
}

/* One device_spec: 'addr' (a VF's, or a PF's, which nova matches against
 * the PF and every VF whose parent it is), narrowed by the VFs' vendor and
 * product ids when known, so that the PF itself never matches. */
static void
device_spec_line(struct sbuf *b, const char *addr, unsigned vendor,
                 unsigned product, const char *physnet)
{
    sbuf_printf(b, "device_spec = {\"address\": \"%s\", ", addr);
    if (vendor && product) {
        sbuf_printf(b, "\"vendor_id\": \"%04x\", \"product_id\": "
                    "\"%04x\", ", vendor, product);
    }
    sbuf_printf(b, "\"physical_network\": \"%s\"}\n", physnet);
}

static const struct plan_sriov_pf *
find_sriov_pf(const struct plan *p, const char *pci)
{
    for (int i = 0; i < p->n_sriov_pfs; i++) {
        if (!strcasecmp(p->sriov_pfs[i].pci, pci)) {
            return &p->sriov_pfs[i];
        }
    }
    return NULL;
}

/* The VFs the topology knows of PF 'net', less those OVS uses as uplinks;
 * when it knows none, the PF's address with the VFs' product id (rule
 * 12), which matches every VF of the PF and not the PF.  Without a
 * product id the PF would match too (it would show up in nova as a
 * type-PF device), so the line says so. */
static void
nova_pci_physnet(const struct plan *p, const struct physnet *net,
                 struct sbuf *b)
{
    const struct plan_sriov_pf *pf = find_sriov_pf(p, net->pf);
    unsigned vendor = pf ? pf->vf_vendor : 0;
    unsigned product = pf ? pf->vf_device : 0;
    int n_vfs = 0;

    for (int i = 0; i < p->topo->n_nics; i++) {
        const struct nfv_nic *nic = &p->topo->nics[i];
        if (nic->is_vf && !strcmp(nic->physfn, net->pf)) {
            n_vfs++;
            if (!is_uplink(p, nic->pci)) {
                device_spec_line(b, nic->pci, vendor, product, net->name);
            }
        }
    }
    if (n_vfs) {
        return;
    }
    if (!product) {
        sbuf_printf(b, "# %s's VF product id is unknown (no sriov_vf_device "
                    "in sysfs, not a\n# known PF): this spec matches the PF "
                    "as well as its VFs; add\n# \"product_id\" of the VFs "
                    "(lspci -nn on a VF).\n", net->pf);
    }
    device_spec_line(b, net->pf, vendor, product, net->name);
}

static void
nova_pci(const struct plan *p, const struct physnet *nets, int n,
         struct sbuf *b)
{
    bool any = false;

    for (int i = 0; i < n; i++) {
        if (nets[i].sriov) {
            if (!any) {
                sbuf_puts(b, "\n[pci]\n# SR-IOV VFs that VMs may take, "
                          "with their physical network.\n");
                any = true;
            }
            nova_pci_physnet(p, &nets[i], b);
        }
    }
}

/* virt_type qemu (TCG) cannot pass the host CPU through: a named model
 * that TCG emulates, as the domains 'nfvhost vm xml' writes have. */
static void
nova_libvirt(const struct plan *p, struct sbuf *b)
{
    if (p->intent->virt_type == VIRT_QEMU) {
        sbuf_puts(b, "\n[libvirt]\n# QEMU's TCG emulation, no KVM: for "
                  "tests and nested labs.\nvirt_type = qemu\n"
                  "cpu_mode = custom\ncpu_models = " VIRT_QEMU_CPU_MODEL
                  "\n");
    } else {
        sbuf_puts(b, "\n[libvirt]\nvirt_type = kvm\n"
                  "cpu_mode = host-passthrough\n");
    }
}

char *
emit_nova_conf(const struct plan *p)
{
    int n;
    struct physnet *nets = collect_physnets(p, &n);
    struct sbuf b;

    sbuf_init(&b);
    sbuf_puts(&b, "# Generated by nfvhost " PACKAGE_VERSION ": nova-compute "
              "settings of the plan.\n# Merge into /etc/nova/nova.conf on this "
              "compute node (or give it to\n# nova-compute as one more "
              "--config-file), then restart nova-compute.\n");
    nova_memory(p, &b);
    nova_cpu_ratio(p, &b);
    nova_compute(p, &b);
    nova_libvirt(p, &b);
    nova_neutron(p, &b);
    nova_pci(p, nets, n, &b);
    free(nets);
    return sbuf_steal(&b);
}

static void
flavor_name(struct openstack_flavor *f)
{
    char mem[32];

    if (f->memory_mb % 1024 == 0) {
        snprintf(mem, sizeof mem, "%" PRIu64 "g", f->memory_mb / 1024);
    } else {
        snprintf(mem, sizeof mem, "%" PRIu64 "m", f->memory_mb);
    }
    snprintf(f->name, sizeof f->name, "nfv.%dc%s%s%s%s", f->vcpus, mem,
             f->cpu_policy == CPU_SHARED ? ".shared" : "",
             f->cpu_policy == CPU_SHARED || f->thread_policy == THREAD_PREFER
             ? ""
             : f->thread_policy == THREAD_ISOLATE ? ".isolate" : ".require",
             f->multiqueue ? ".mq" : "");
}

static struct openstack_flavor *
flavor_add(const struct plan *p, struct openstack_flavor *fl, int *n,
           int vcpus, uint64_t memory_mb, enum cpu_policy cp,
           enum thread_policy tp, bool mq)
{
    for (int i = 0; i < *n; i++) {
        if (fl[i].vcpus == vcpus && fl[i].memory_mb == memory_mb
            && fl[i].cpu_policy == cp && fl[i].thread_policy == tp
            && fl[i].multiqueue == mq) {
            return &fl[i];
        }
    }
    struct openstack_flavor *f = &fl[(*n)++];
    f->vcpus = vcpus;
    f->memory_mb = memory_mb;
    f->cpu_policy = cp;
    f->thread_policy = tp;
    f->multiqueue = mq;
    f->page_kb = p->hugepage_kb;
    f->emulator_policy = p->intent->emulator_policy;
    f->vms = xstrdup("");
    flavor_name(f);
    return f;
}

/* Whether a pinned, hugepage-backed guest of that size fits on one node
 * of the plan: nova places such a guest on a single NUMA node. */
static bool
fits_one_node(const struct plan *p, int vcpus, uint64_t memory_mb)
{
    for (int i = 0; i < p->n_numas; i++) {
        const struct plan_numa *pn = &p->numas[i];
        if (hwloc_bitmap_weight(pn->pool[POOL_GUEST]) >= vcpus
            && pn->hugepages_guests * p->hugepage_kb / 1024 >= memory_mb) {
            return true;
        }
    }
    return false;
}

struct openstack_flavor *
openstack_flavors(const struct plan *p, int *n)
{
    static const int defaults[] = { 2, 4, 8 };
    struct openstack_flavor *fl = xcalloc(p->n_vms + ARRAY_SIZE(defaults),
                                          sizeof *fl);

    *n = 0;
    for (int v = 0; v < p->n_vms; v++) {
        const struct plan_vm *vm = &p->vms[v];
        enum cpu_policy cp = vm->intent->cpu_policy;
        /* A shared flavor has no thread policy (openstack_flavor_emit):
         * two shared VMs of one size are one flavor whatever their
         * intent's thread_policy says. */
        enum thread_policy tp = cp == CPU_SHARED ? THREAD_PREFER
                                : vm->intent->thread_policy;
        struct openstack_flavor *f = flavor_add(p, fl, n, vm->intent->vcpus,
                                                vm->memory_mb, cp, tp,
                                                vm->queues > 1);
        char *vms = xasprintf("%s%s%s", f->vms, *f->vms ? " " : "",
                              vm->intent->name);
        free(f->vms);
        f->vms = vms;
    }
    for (size_t i = 0; !p->n_vms && i < ARRAY_SIZE(defaults); i++) {
        uint64_t mb = defaults[i] * 1024ULL;
        if (fits_one_node(p, defaults[i], mb)) {
            flavor_add(p, fl, n, defaults[i], mb, CPU_DEDICATED,
                       THREAD_PREFER, true);
        }
    }
    return fl;
}

void
openstack_flavors_free(struct openstack_flavor *fl, int n)
{
    for (int i = 0; i < n; i++) {
        free(fl[i].vms);
    }
    free(fl);
}

void
openstack_page_size(uint64_t page_kb, char *buf, size_t size)
{
    if (page_kb == 1048576) {
        snprintf(buf, size, "1GB");
    } else if (page_kb == 2048) {
        snprintf(buf, size, "2MB");
    } else {
        snprintf(buf, size, "%" PRIu64, page_kb);
    }
}

void
openstack_flavors_preamble(struct sbuf *b)
{
    sbuf_puts(b, "# Root disk size: NFV_FLAVOR_DISK GB (default 20).\n"
              "set -e\n\n"
              "flavor() { # flavor NAME VCPUS RAM_MB\n"
              "    openstack flavor show \"$1\" >/dev/null 2>&1 ||\n"
              "        openstack flavor create --vcpus \"$2\" --ram \"$3\" "
              "--disk \"${NFV_FLAVOR_DISK:-20}\" \"$1\"\n"
              "}\n");
}

void
openstack_flavor_emit(const struct openstack_flavor *f, const char *comment,
                      const char *extra_property, struct sbuf *b)
{
    char page[32];

    openstack_page_size(f->page_kb, page, sizeof page);
    sbuf_printf(b, "\n# %s\nflavor %s %d %" PRIu64 "\n", comment, f->name,
                f->vcpus, f->memory_mb);
    if (f->cpu_policy == CPU_SHARED) {
        /* nova takes neither a thread nor an emulator threads policy for
         * unpinned guests: their vCPUs and emulator threads float over
         * cpu_shared_set together. */
        sbuf_printf(b, "openstack flavor set %s \\\n"
                    "    --property hw:cpu_policy=shared \\\n", f->name);
    } else {
        sbuf_printf(b, "openstack flavor set %s \\\n"
                    "    --property hw:cpu_policy=dedicated \\\n"
                    "    --property hw:cpu_thread_policy=%s \\\n", f->name,
                    thread_policy_name(f->thread_policy));
    }
    if (f->cpu_policy == CPU_DEDICATED && f->emulator_policy != EMU_NONE) {
        sbuf_printf(b, "    --property hw:emulator_threads_policy=%s \\\n",
                    emulator_policy_name(f->emulator_policy));
    }
    sbuf_printf(b, "    --property hw:mem_page_size=%s \\\n"
                "    --property hw:numa_nodes=1 \\\n"
                "    --property hw:vif_multiqueue_enabled=%s", page,
                f->multiqueue ? "true" : "false");
    if (extra_property) {
        sbuf_printf(b, " \\\n    --property %s", extra_property);
    }
    sbuf_puts(b, "\n");
}

char *
emit_flavors_sh(const struct plan *p)
{
    int n;
    struct openstack_flavor *fl = openstack_flavors(p, &n);
    struct sbuf b;

    sbuf_init(&b);
    sbuf_puts(&b, "#!/bin/sh\n"
              "# Generated by nfvhost " PACKAGE_VERSION ": nova flavors for "
              "the VMs of the plan: vCPUs\n# pinned to cpu_dedicated_set, "
              "memory in hugepages on one NUMA node.\n"
              "# Run once per cloud with admin credentials (source your "
              "openrc first).\n# An existing flavor is kept and its "
              "properties are set again.\n");
    openstack_flavors_preamble(&b);
    for (int i = 0; i < n; i++) {
        openstack_flavor_emit(&fl[i], *fl[i].vms ? fl[i].vms : "default set",
                              NULL, &b);
    }
    openstack_flavors_free(fl, n);
    return sbuf_steal(&b);
}

char *
emit_ovs_agent_ini(const struct plan *p)
{
    struct sbuf b;

    sbuf_init(&b);
    sbuf_puts(&b, "# Generated by nfvhost " PACKAGE_VERSION ": neutron "
              "Open vSwitch agent settings\n# for OVS-DPDK.  Merge into "
              "/etc/neutron/plugins/ml2/openvswitch_agent.ini.\n"
              "[ovs]\n"
              "# Userspace (DPDK) datapath: bridges and vhost-user ports "
              "live in ovs-vswitchd.\n"
              "datapath_type = netdev\n"
              "# Where os-vif asks QEMU to create vhost-user sockets "
              "(vhu<port-id>);\n# OVS connects to them as a client.  The "
              "plan's socket directory, shared\n# with 'nfvhost ovs apply' "
              "and 'nfvhost vm xml'.\n");
    sbuf_printf(&b, "vhostuser_socket_dir = %s\n", p->socket_dir);
    /* An empty value installed as a conf.d fragment would override the
     * operator's own mapping: without an uplink the key stays out. */
    if (p->n_uplinks) {
        sbuf_printf(&b, "bridge_mappings = %s:%s\n",
                    OPENSTACK_UPLINK_PHYSNET, p->bridge);
    } else {
        sbuf_puts(&b, "# bridge_mappings: the plan has no uplink, so none "
                  "is set here.\n");
    }
    sbuf_puts(&b, "\n[securitygroup]\n"
              "# The iptables drivers cannot filter the netdev datapath.\n"
              "firewall_driver = openvswitch\n");
    return sbuf_steal(&b);
}

static const char *
pf_ifname(const struct physnet *net)
{
    return net->pf_nic && net->pf_nic->ifname[0] ? net->pf_nic->ifname
           : NULL;
}

/* VFs of 'net' that OVS uses as uplinks: "vf1;vf2", or "" if none. */
static char *
uplink_vfs(const struct plan *p, const struct physnet *net)
{
    struct sbuf b;

    sbuf_init(&b);
    for (int i = 0; i < p->n_uplinks; i++) {
        const struct nfv_nic *nic = p->uplinks[i].nic;
        if (nic->is_vf && !strcmp(nic->physfn, net->pf)) {
            sbuf_printf(&b, "%s%s", b.len ? ";" : "", nic->pci);
        }
    }
    return sbuf_steal(&b);
}

char *
emit_sriov_agent_ini(const struct plan *p)
{
    int n;
    struct physnet *nets = collect_physnets(p, &n);
    struct sbuf b, map, excl, notes;

    sbuf_init(&b);
    sbuf_init(&map);
    sbuf_init(&excl);
    sbuf_init(&notes);
    for (int i = 0; i < n; i++) {
        const char *ifname = pf_ifname(&nets[i]);
        if (!nets[i].sriov) {
            continue;
        }
        if (!ifname) {
            sbuf_printf(&notes, "# PF %s (%s) has no known interface name: "
                        "add \"%s:<ifname>\" by hand.\n", nets[i].pf,
                        nets[i].name, nets[i].name);
            continue;
        }
        sbuf_printf(&map, "%s%s:%s", map.len ? "," : "", nets[i].name,
                    ifname);
        char *vfs = uplink_vfs(p, &nets[i]);
        if (vfs[0]) {
            sbuf_printf(&excl, "%s%s:%s", excl.len ? "," : "", ifname, vfs);
        }
        free(vfs);
    }
    sbuf_puts(&b, "# Generated by nfvhost " PACKAGE_VERSION ": neutron "
              "SR-IOV agent settings.  Merge into\n"
              "# /etc/neutron/plugins/ml2/sriov_agent.ini.\n"
              "[sriov_nic]\n"
              "# PFs whose VFs VMs take (vnic_type=direct ports).\n");
    sbuf_puts(&b, notes.len ? notes.s : "");
    /* Empty keys are left out: installed as a conf.d fragment, an empty
     * value would override the operator's own. */
    if (map.len) {
        sbuf_printf(&b, "physical_device_mappings = %s\n", map.s);
    } else {
        sbuf_puts(&b, "# physical_device_mappings: the plan gives no VM "
                  "VFs, so none is set here.\n");
    }
    sbuf_puts(&b, "# VFs OVS-DPDK uses as uplinks: never hand them to a "
              "VM.\n");
    if (excl.len) {
        sbuf_printf(&b, "exclude_devices = %s\n", excl.s);
    } else {
        sbuf_puts(&b, "# exclude_devices: no uplink is a VF, so none is "
                  "set here.\n");
    }
    sbuf_destroy(&map);
    sbuf_destroy(&excl);
    sbuf_destroy(&notes);
    free(nets);
    return sbuf_steal(&b);
}

/* "physnet0:100:200" for the VLANs the plan's VMs use on 'net', or the
 * bare name (a VLAN provider network whose range the admin sets) when
 * they use none. */
static void
vlan_range(const struct plan *p, const struct physnet *net, struct sbuf *b)
{
    int lo = 0, hi = 0;

    for (int v = 0; v < p->n_vms; v++) {
        for (int k = 0; k < p->vms[v].n_nics; k++) {
            const struct plan_nic *nic = &p->vms[v].nics[k];
            bool on_net = (nic->type == NIC_SRIOV
                           ? nic->pf[0] && !strcmp(nic->pf, net->pf)
                           : net->uplink);
            if (on_net && nic->vlan) {
                lo = !lo || nic->vlan < lo ? nic->vlan : lo;
                hi = nic->vlan > hi ? nic->vlan : hi;
            }
        }
    }
    sbuf_printf(b, "%s%s", b->len ? "," : "", net->name);
    if (lo) {
        sbuf_printf(b, ":%d:%d", lo, hi);
    }
}

/* What the controller needs for this host's flavors and ports.  Cloud-wide
 * settings, so commented out: the operator merges them once, by hand.
 * nova's default enabled_filters (26.x, nova/conf/scheduler.py) are kept
 * and the two this host needs are added. */
char *
emit_controller_conf(const struct plan *p)
{
    int n;
    struct physnet *nets = collect_physnets(p, &n);
    struct sbuf b, ranges;

    sbuf_init(&ranges);
    for (int i = 0; i < n; i++) {
        vlan_range(p, &nets[i], &ranges);
    }
    sbuf_init(&b);
    sbuf_puts(&b, "# Generated by nfvhost " PACKAGE_VERSION ": what the "
              "OpenStack controller needs for the\n"
              "# flavors and ports of this plan.  These settings are "
              "cloud-wide, not this\n"
              "# compute node's: every line is commented out; merge them "
              "by hand, once.\n"
              "#\n"
              "# nova.conf of nova-scheduler: NUMATopologyFilter places "
              "pinned, hugepage-\n"
              "# backed guests (hw:cpu_policy, hw:mem_page_size, "
              "hw:numa_nodes) on a node with\n"
              "# room; PciPassthroughFilter places SR-IOV ports "
              "(vnic_type=direct) where a VF\n"
              "# is free.  These are nova's default filters plus the two: "
              "keep any other\n"
              "# filter you already use.\n"
              "#[filter_scheduler]\n"
              "#enabled_filters = ComputeFilter,ComputeCapabilitiesFilter,"
              "ImagePropertiesFilter,ServerGroupAntiAffinityFilter,"
              "ServerGroupAffinityFilter,NUMATopologyFilter,"
              "PciPassthroughFilter\n"
              "#\n"
              "# ml2_conf.ini of neutron-server: vhost-user ports come from "
              "the openvswitch\n"
              "# driver, VF ports from sriovnicswitch.\n"
              "#[ml2]\n"
              "#mechanism_drivers = openvswitch,sriovnicswitch\n");
    if (ranges.len) {
        sbuf_printf(&b, "# The physical networks of this host, with the "
                    "VLANs its VMs use.\n"
                    "#[ml2_type_vlan]\n"
                    "#network_vlan_ranges = %s\n", ranges.s);
    }
    sbuf_destroy(&ranges);
    free(nets);
    return sbuf_steal(&b);
}
