/* memory.c: rule 9, hugepages and host memory per NUMA node.
 *
 * OVS socket memory uses TripleO's derive-params formula (BRIEF section 3;
 * tripleo-common's derive_params workflow, removed in 2022): per MTU,
 * (ceil(MTU/1024)*1024 + 800) * 4096 * 64 bytes for the mbufs, plus 512 MiB,
 * rounded up to a multiple of 1024 MiB.  MTU 1500 gives 2048 MiB and 9000
 * gives 3072 MiB, which covers OVS 3.x's shared mempool (262144 mbufs,
 * about 788 MiB at MTU 1500) with room for a second MTU or a restart.
 *
 * The boot-time form: the kernel's per-node "hugepages=0:4,1:2" came with
 * Linux 5.16 (commit b5389086ad7b, "hugetlbfs: extend the definition of
 * hugepages parameter to support node allocation"); an older kernel reads
 * "0:4" as a number, 0, and reserves nothing without a word.  So the
 * per-node form is used only on a multi-node host whose target kernel is
 * known to be 5.16 or later; otherwise the command line holds the total. */
#include <config.h>

#include "planner/plan.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "lib/util.h"

uint64_t
ovs_socket_mem_mb(int mtu)
{
    uint64_t frame = (uint64_t) (mtu + 1023) / 1024 * 1024 + 800;
    uint64_t mb = frame * 4096 * 64 / (1024 * 1024) + 512;

    return (mb + 1023) / 1024 * 1024;
}

static uint64_t
pages_for(uint64_t mb, uint64_t page_mb)
{
    return (mb + page_mb - 1) / page_mb;
}

static int
nodes_with_cpus(const struct plan *p)
{
    int n = 0;

    for (int s = 0; s < p->n_numas; s++) {
        n += p->numas[s].has_cpus;
    }
    return n;
}

static int
check_node(struct plan *p, struct plan_numa *pn, uint64_t page_mb)
{
    uint64_t ovs = pn->hugepages_ovs * page_mb;
    uint64_t guests = pn->hugepages_guests * page_mb;
    uint64_t need = ovs + guests + pn->host_memory_mb;

    if (need <= pn->memory_mb) {
        return 0;
    }
    if (!pn->memory_mb) {
        /* Some exports (and synthetic topologies) carry no memory sizes:
         * plan what was asked, but say that nothing checked it. */
        diag_warn(p->diag, "NUMA node %d: memory size unknown in the "
                  "topology; its %" PRIu64 " MiB of hugepages and host "
                  "memory were not checked against it", pn->os_index, need);
        return 0;
    }
    return diag_error(p->diag, NFV_EINFEASIBLE,
                      "NUMA node %d cannot hold its memory plan: OVS %" PRIu64
                      " MiB + guests %" PRIu64 " MiB + host %" PRIu64
                      " MiB = %" PRIu64 " MiB, but the node has %" PRIu64
                      " MiB: short by %" PRIu64 " MiB; give VMs on it less "
                      "memory, move one with numa = N, or lower "
                      "host_memory", pn->os_index, ovs, guests,
                      pn->host_memory_mb, need, pn->memory_mb,
                      need - pn->memory_mb);
}

/* Why the per-node form cannot be used on this multi-node host (a
 * string to free); NULL when it can. */
static char *
no_node_form(const struct plan *p)
{
    int version;

    for (int s = 0; s < p->n_numas; s++) {
        if (p->numas[s].os_index != s) {
            /* 5.16's parser takes only ids below the number of online
             * nodes (mm/hugetlb.c, hugepages_setup()). */
            return xstrdup("its NUMA node ids have gaps, which the "
                           "kernel's per-node form does not take");
        }
    }
    if (!*p->kernel) {
        return xstrdup("the target kernel is unknown (the topology carries "
                       "no OSRelease; set [host] kernel)");
    }
    if (!parse_kernel_version(p->kernel, &version)) {
        return xasprintf("the target kernel's release '%s' cannot be read "
                         "(set [host] kernel)", p->kernel);
    }
    if (version < KERNEL_NODE_HUGEPAGES) {
        return xasprintf("kernel %s is older than 5.16, which the per-node "
                         "form needs", p->kernel);
    }
    return NULL;
}

static void
choose_boot_form(struct plan *p)
{
    uint64_t total = 0;
    int nodes = 0;
    char *why;

    p->hugepages_per_node = false;
    if (p->n_numas < 2) {
        return;
    }
    for (int s = 0; s < p->n_numas; s++) {
        total += p->numas[s].hugepages;
        nodes += p->numas[s].hugepages > 0;
    }
    why = no_node_form(p);
    if (!why) {
        p->hugepages_per_node = true;
    } else if (total) {
        diag_warn(p->diag, "hugepages at boot: %s, so the kernel command "
                  "line reserves the total, hugepages=%" PRIu64 ", which the "
                  "kernel spreads evenly over the %d NUMA nodes (the plan "
                  "puts them on %d); 'nfvhost hugepages apply --persist' "
                  "writes a boot unit that moves them to their nodes", why,
                  total, p->n_numas, nodes);
    }
    free(why);
}

int
plan_memory(struct plan *p)
{
    const struct intent *in = p->intent;
    uint64_t page_mb = p->hugepage_kb / 1024;
    int n_cpu_nodes = nodes_with_cpus(p);
    uint64_t host_share = (in->host_memory_mb + n_cpu_nodes - 1)
                          / (n_cpu_nodes ? n_cpu_nodes : 1);

    for (int s = 0; s < p->n_numas; s++) {
        struct plan_numa *pn = &p->numas[s];

        if (!hwloc_bitmap_iszero(pn->pool[POOL_PMD])) {
            pn->socket_mem_mb = ovs_socket_mem_mb(in->mtu);
            pn->hugepages_ovs = pages_for(pn->socket_mem_mb, page_mb);
        }
        if (pn->has_cpus) {
            pn->host_memory_mb = host_share;
        }
    }
    for (int v = 0; v < p->n_vms; v++) {
        struct plan_vm *pv = &p->vms[v];
        struct plan_numa *pn = plan_find_numa(p, pv->numa);

        pv->hugepages = pages_for(pv->intent->memory_mb, page_mb);
        /* The VM gets all of them: its domain's <memory> must be whole
         * pages (libvirt-templates/checks.c), and so must nova's flavor. */
        pv->memory_mb = pv->hugepages * page_mb;
        if (pv->memory_mb != pv->intent->memory_mb) {
            diag_warn(p->diag, "VM %s: memory %" PRIu64 " MiB rounded up to "
                      "%" PRIu64 " MiB, a whole number of %" PRIu64 " MiB "
                      "hugepages", pv->intent->name, pv->intent->memory_mb,
                      pv->hugepages * page_mb, page_mb);
        }
        pn->hugepages_guests += pv->hugepages;
    }
    /* With no VM listed (nova places them), a fixed share of what is left
     * on each node that has a guest pool becomes guest hugepages. */
    for (int s = 0; s < p->n_numas && !p->n_vms; s++) {
        struct plan_numa *pn = &p->numas[s];
        uint64_t used = pn->host_memory_mb + pn->hugepages_ovs * page_mb;

        if (!hwloc_bitmap_iszero(pn->pool[POOL_GUEST])
            && pn->memory_mb > used) {
            pn->hugepages_guests = ((pn->memory_mb - used)
                                    * in->guest_memory_percent / 100
                                    / page_mb);
        }
    }
    for (int s = 0; s < p->n_numas; s++) {
        struct plan_numa *pn = &p->numas[s];
        int error;

        pn->hugepages = pn->hugepages_ovs + pn->hugepages_guests;
        if ((error = check_node(p, pn, page_mb))) {
            return error;
        }
    }
    choose_boot_form(p);
    return 0;
}
