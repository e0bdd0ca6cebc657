/* test-openstack-check.c: openstack_check() refuses what nova would take.
 *
 * plan_build() never makes overlapping or empty pools, so 'nfvhost plan'
 * cannot reach these refusals; this test plans the home lab for real, then
 * moves CPUs between its pools the way a planner bug would, and checks
 * that each overlap or empty set is refused with exit status 3 and the
 * CPUs named. */
#include <config.h>

#include <stdlib.h>

#include "lib/diag.h"
#include "planner/emit-openstack.h"
#include "planner/intent.h"
#include "planner/plan.h"
#include "planner/topology.h"
#include "lib/util.h"
#include "tests/unit/tap.h"

struct homelab {
    struct intent in;
    struct nfv_topology t;
    struct plan p;
};

static bool
homelab_plan(struct homelab *h)
{
    const char *top = getenv("top_srcdir");
    char *topo = xasprintf("%s/examples/homelab/topology.xml", top ? top : ".");
    char *ini = xasprintf("%s/examples/homelab/intent.ini", top ? top : ".");
    struct topology_source src = { .xml_file = topo };
    struct diag d;
    bool done;

    diag_init(&d);
    intent_default(&h->in);
    done = !intent_parse_file(ini, &h->in, &d)
           && !topology_load(&src, &h->t, &d)
           && !plan_build(&h->t, &h->in, &h->p, &d);
    if (!done) {
        printf("# %s\n", d.msg);
    }
    diag_destroy(&d);
    free(topo);
    free(ini);
    return done;
}

static void
homelab_destroy(struct homelab *h)
{
    plan_destroy(&h->p);
    topology_destroy(&h->t);
    intent_destroy(&h->in);
}

/* Runs openstack_check() on 'p' and checks its status and message. */
static void
expect(const struct plan *p, int status, const char *msg, const char *what)
{
    struct diag d;

    diag_init(&d);
    is_int(openstack_check(p, &d), status, "%s: status", what);
    is_str(d.msg, msg, "%s: message", what);
    diag_destroy(&d);
}

/* Moves PU 'cpu' into pool 'to' as well, leaving it where it was. */
static void
overlap(struct plan *p, enum pool to, int cpu)
{
    hwloc_bitmap_set(p->pool[to], cpu);
}

int
main(void)
{
    struct homelab h;

    if (!ok(homelab_plan(&h), "the home lab plans")) {
        return done_testing();
    }
    struct plan *p = &h.p;
    /* Home lab pools: housekeeping 0,6; PMD 3,9; emulator 1,7; guest
     * 2,4-5,8,10-11. */
    expect(p, 0, "", "the home lab as planned");

    /* cpu_shared_set is the plan's shared CPUs (rule 17). */
    hwloc_bitmap_set(p->shared_cpus, 2);
    expect(p, NFV_EINFEASIBLE, "OpenStack: [compute] cpu_dedicated_set and "
           "[compute] cpu_shared_set share CPUs 2", "guest CPU 2 also shared");
    hwloc_bitmap_clr(p->shared_cpus, 2);

    overlap(p, POOL_PMD, 4);
    overlap(p, POOL_PMD, 5);
    expect(p, NFV_EINFEASIBLE, "OpenStack: the PMD pool and "
           "cpu_dedicated_set share CPUs 4-5", "guest CPUs 4-5 also PMD");
    hwloc_bitmap_clr(p->pool[POOL_PMD], 4);
    hwloc_bitmap_clr(p->pool[POOL_PMD], 5);

    overlap(p, POOL_PMD, 7);
    expect(p, NFV_EINFEASIBLE, "OpenStack: the PMD pool and cpu_shared_set "
           "share CPUs 7", "emulator CPU 7 also PMD");
    hwloc_bitmap_clr(p->pool[POOL_PMD], 7);

    overlap(p, POOL_HOUSEKEEPING, 11);
    expect(p, NFV_EINFEASIBLE, "OpenStack: the housekeeping pool and "
           "cpu_dedicated_set share CPUs 11", "guest CPU 11 also housekeeping");
    hwloc_bitmap_clr(p->pool[POOL_HOUSEKEEPING], 11);

    overlap(p, POOL_HOUSEKEEPING, 1);
    expect(p, NFV_EINFEASIBLE, "OpenStack: the housekeeping pool and "
           "cpu_shared_set share CPUs 1", "emulator CPU 1 also housekeeping");
    hwloc_bitmap_clr(p->pool[POOL_HOUSEKEEPING], 1);

    expect(p, 0, "", "pools restored");

    /* Empty sets: the share policy with no cpu_shared_set, then no guest
     * pool at all. */
    hwloc_bitmap_t saved = xbitmap_dup(p->shared_cpus);
    hwloc_bitmap_zero(p->shared_cpus);
    is_int(h.in.emulator_policy, EMU_SHARE, "the home lab's policy is share");
    expect(p, NFV_EINFEASIBLE, "OpenStack: flavors ask for "
           "hw:emulator_threads_policy=share but the emulator-share pool "
           "([compute] cpu_shared_set) is empty", "share with no shared set");
    h.in.emulator_policy = EMU_NONE;
    expect(p, 0, "", "policy none needs no shared set");
    h.in.emulator_policy = EMU_SHARE;
    hwloc_bitmap_copy(p->shared_cpus, saved);
    hwloc_bitmap_free(saved);

    hwloc_bitmap_zero(p->pool[POOL_GUEST]);
    expect(p, NFV_EINFEASIBLE, "OpenStack: the guest pool is empty, so "
           "nova's [compute] cpu_dedicated_set would be too and no pinned "
           "flavor could run", "no guest pool");

    homelab_destroy(&h);
    return done_testing();
}
