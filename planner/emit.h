/* emit.h: plan -> text.  Pure functions, golden-file tested.
 *
 * Each emitter returns a malloc'd string; none does I/O.  plan_ovs_config()
 * and plan_kernel_args() compute the values that both plan.json and the
 * shell/GRUB outputs carry, so the two can never disagree. */
#ifndef NFV_EMIT_H
#define NFV_EMIT_H 1

#include <stdbool.h>

#include "planner/plan.h"

/* OVS Open_vSwitch other_config keys, in the order they are written. */
enum ovs_key {
    OVS_DPDK_INIT, OVS_DPDK_LCORE_MASK, OVS_PMD_CPU_MASK, OVS_SOCKET_MEM,
    OVS_SOCKET_LIMIT, OVS_DPDK_EXTRA, OVS_PMD_RXQ_ASSIGN,
    OVS_PMD_RXQ_ISOLATE, N_OVS_KEYS
};
struct ovs_config {
    const char *key[N_OVS_KEYS];
    char *value[N_OVS_KEYS];
};
void plan_ovs_config(const struct plan *, struct ovs_config *);
void ovs_config_destroy(struct ovs_config *);

struct kernel_args {
    char *isolcpus, *nohz_full, *rcu_nocbs, *irqaffinity, *cpu_affinity;
    char *iommu, *hugepages;
    char *cmdline;          /* All of the above, in that order. */
    char **argv;            /* cmdline, one argument each. */
    size_t argc;
};
void plan_kernel_args(const struct plan *, struct kernel_args *);
void kernel_args_destroy(struct kernel_args *);

char *emit_plan_json(const struct plan *);
char *emit_kernel_cmdline(const struct plan *);
char *emit_grub_dropin(const struct plan *);
char *emit_ovs_script(const struct plan *);
char *emit_tuned(const struct plan *);
char *emit_irqbalance(const struct plan *);
char *emit_summary(const struct plan *, bool color);
char *emit_headline(const struct plan *);
/* The picture's letter for a PU: H, P, E, G, '.', x, or its VM's; and
 * for a pool. */
char emit_pu_letter(const struct plan *, int pu);
char emit_pool_letter(enum pool);
char *emit_numa_caption(const struct plan *, const struct plan_numa *);
/* "L3 #0", or "L3 #0+#1" for a VM spread over two: every L3 domain its
 * vCPUs are in. */
char *emit_vm_l3s(const struct plan *, const struct plan_vm *);
char *emit_svg(const struct plan *);

#endif /* planner/emit.h */
