/* test-plan-invariants.c: plan_build() over many generated topologies and
 * intents, checking what must hold for every plan:
 *   - pools are disjoint and together cover exactly the usable PUs;
 *   - siblings are never split across pools (a PMD core's siblings may be
 *     idle, and only with pmd_siblings = idle);
 *   - every node with guest PUs or an uplink has a PMD; PMDs never sit on
 *     housekeeping cores;
 *   - every VM: vCPUs on one node, inside the guest pool, no PU shared with
 *     another VM, emulator pin disjoint from its vCPUs;
 *   - OVS masks equal the pool lists;
 *   - the same input gives byte-identical plan.json.
 * Topologies come from hwloc's synthetic backend, in process; the seed is
 * fixed so failures reproduce (NFVHOST_SEED and NFVHOST_CASES override). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "tests/unit/plan-gen.h"
#include "tests/unit/tap.h"

/* Plans one case; returns the plan status. */
static int
run_case(const char *synthetic, struct intent *in, char **json)
{
    struct nfv_topology t;
    struct plan p;
    struct diag d;
    int error;

    diag_init(&d);
    error = plan_gen_topology(synthetic, &t, &d);
    if (error) {
        ok(false, "%s", d.msg);
        diag_destroy(&d);
        return -1;
    }
    if (!error) {
        error = plan_build(&t, in, &p, &d);
        if (!error) {
            const char *bad = plan_gen_check(&p);
            if (bad) {
                ok(false, "'%s': %s", synthetic, bad);
            }
            *json = emit_plan_json(&p);
        }
        plan_destroy(&p);
        topology_destroy(&t);
    }
    if (error == NFV_EINFEASIBLE && getenv("NFVHOST_VERBOSE")) {
        printf("# '%s': %s\n", synthetic, d.msg);
    }
    if (error && error != NFV_EINFEASIBLE) {
        ok(false, "'%s': status %d (%s)", synthetic, error, d.msg);
    }
    diag_destroy(&d);
    return error;
}

int
main(void)
{
    const char *seed = getenv("NFVHOST_SEED");
    const char *cases_env = getenv("NFVHOST_CASES");
    int cases = cases_env ? atoi(cases_env) : 400;
    int planned = 0, infeasible = 0, failures_before = 0;

    rng_state = seed ? strtoul(seed, NULL, 0) : 20261122;
    for (int i = 0; i < cases; i++) {
        char *synthetic = random_synthetic();
        unsigned saved = rng_state;
        struct intent in;
        char *json1 = NULL, *json2 = NULL;
        int s1, s2;

        random_intent(&in);
        failures_before = tap_failed;
        s1 = run_case(synthetic, &in, &json1);
        s2 = run_case(synthetic, &in, &json2);
        if (s1 != s2 || (json1 && (!json2 || strcmp(json1, json2)))) {
            ok(false, "'%s' (case %d, rng %u): same input, different plan",
               synthetic, i, saved);
        }
        planned += s1 == 0;
        infeasible += s1 == NFV_EINFEASIBLE;
        if (tap_failed != failures_before) {
            printf("# case %d intent: hk=%d pmd=%d idle=%d emu=%d vms=%d\n",
                   i, in.housekeeping_cores_per_numa, in.pmd_cores_default,
                   in.pmd_siblings_idle, in.emulator_policy, in.n_vms);
        }
        free(json1);
        free(json2);
        free(synthetic);
        intent_destroy(&in);
    }
    ok(tap_failed == 0, "invariants hold over %d generated cases (%d "
       "planned, %d infeasible)", cases, planned, infeasible);
    ok(planned >= cases / 3, "at least a third of the cases plan (%d of %d), so the "
       "checks exercised real plans", planned, cases);
    ok(infeasible > 0, "some cases are infeasible (%d), so the limits are "
       "exercised too", infeasible);
    return done_testing();
}
