/* test-plan-stable.c: rule 16, re-planning against a previous plan, over
 * the property test's generated topologies and intents (plan-gen.h).
 *
 * Each case plans an intent, reads the plan back through lib/plan-file.h
 * (as 'nfvhost plan --previous' does), makes random edits to the intent
 * (add a VM at the start, the middle or the end, remove one, reorder,
 * grow one) and plans again against the previous plan:
 *   - the new plan holds every invariant of a plan (plan-gen.h);
 *   - without --allow-moves, every VM whose intent did not change keeps
 *     its node, its vCPU pins, its emulator pins, and each NIC its PMD,
 *     MAC, VF and port (so its socket path);
 *   - when that is infeasible, the message names the VMs to move and
 *     --allow-moves, and with --allow-moves the plan moves only VMs it
 *     lists as moved, every other one staying as above;
 *   - a node that still has PMDs keeps the same PMD cores, and the
 *     emulator-share pool stays (pools change only where they must);
 *   - the changes list names every added and removed VM;
 *   - the same previous plan and intent give byte-identical plan.json.
 * The seed is fixed (NFVHOST_SEED and NFVHOST_CASES override). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "lib/plan-file.h"
#include "tests/unit/plan-gen.h"
#include "tests/unit/tap.h"

#define EDITS_PER_CASE 3

enum edit { ADD_FIRST, ADD_MIDDLE, ADD_LAST, REMOVE, REORDER, GROW,
            N_EDITS };
static const char *const edit_names[N_EDITS] = {
    "add at the start", "add in the middle", "add at the end", "remove",
    "reorder", "grow",
};

struct stats {
    int edits[N_EDITS];
    int kept, moved_plans, moves, infeasible, vms_checked;
};

static void
copy_vm(struct intent_vm *to, const struct intent_vm *from)
{
    *to = *from;
    to->name = xstrdup(from->name);
    to->nics = xmemdup(from->nics, from->n_nics * sizeof *from->nics);
    to->sriov_pf = from->sriov_pf ? xstrdup(from->sriov_pf) : NULL;
    to->disk = from->disk ? xstrdup(from->disk) : NULL;
    to->cdrom = from->cdrom ? xstrdup(from->cdrom) : NULL;
}

/* A deep copy of the generator's intent (no uplinks, no per-node PMD
 * counts). */
static void
copy_intent(struct intent *to, const struct intent *from)
{
    intent_default(to);
    to->housekeeping_cores_per_numa = from->housekeeping_cores_per_numa;
    to->pmd_cores_default = from->pmd_cores_default;
    to->pmd_siblings_idle = from->pmd_siblings_idle;
    to->mtu = from->mtu;
    to->hugepage_kb = from->hugepage_kb;
    to->emulator_policy = from->emulator_policy;
    to->emulator_shared_cores = from->emulator_shared_cores;
    free(to->pmd_rxq_assign);
    to->pmd_rxq_assign = xstrdup(from->pmd_rxq_assign);
    to->n_vms = from->n_vms;
    to->vms = xcalloc(from->n_vms + 1, sizeof *to->vms);
    for (int v = 0; v < from->n_vms; v++) {
        copy_vm(&to->vms[v], &from->vms[v]);
    }
}

/* A new VM; one in three goes on the node of a VM of the previous plan
 * (numa = N), where room is scarcest, so that some edits need moves. */
static void
new_vm(struct intent_vm *vm, int serial, const struct plan_file *prev)
{
    memset(vm, 0, sizeof *vm);
    vm->name = xasprintf("new%d", serial);
    vm->vcpus = 1 + rnd(6);
    vm->memory_mb = 1024;
    vm->numa = prev->n_vms && !rnd(3) ? prev->vms[rnd(prev->n_vms)].numa
                                      : -1;
    vm->n_nics = 1 + rnd(2);
    vm->nics = xcalloc(vm->n_nics, sizeof *vm->nics);
    for (int n = 0; n < vm->n_nics; n++) {
        vm->nics[n].type = NIC_VHOST;
    }
}

/* Applies 'e' to 'in'; *grown is the VM grown, else -1.  Returns false
 * when the edit does not apply (nothing to remove or reorder). */
static bool
edit_intent(struct intent *in, enum edit e, int serial,
            const struct plan_file *prev, int *grown)
{
    int at;

    *grown = -1;
    switch (e) {
    case ADD_FIRST:
    case ADD_MIDDLE:
    case ADD_LAST:
        at = e == ADD_FIRST ? 0 : e == ADD_LAST ? in->n_vms
             : in->n_vms / 2;
        in->vms = xrealloc(in->vms, (in->n_vms + 1) * sizeof *in->vms);
        memmove(&in->vms[at + 1], &in->vms[at],
                (in->n_vms - at) * sizeof *in->vms);
        new_vm(&in->vms[at], serial, prev);
        in->n_vms++;
        return true;
    case REMOVE:
        if (!in->n_vms) {
            return false;
        }
        intent_remove_vm(in, rnd(in->n_vms));
        return true;
    case REORDER:
        if (in->n_vms < 2) {
            return false;
        }
        for (int i = in->n_vms - 1; i > 0; i--) {
            int j = rnd(i + 1);
            struct intent_vm tmp = in->vms[i];
            in->vms[i] = in->vms[j];
            in->vms[j] = tmp;
        }
        return true;
    case GROW:
        if (!in->n_vms) {
            return false;
        }
        *grown = rnd(in->n_vms);
        in->vms[*grown].vcpus += in->vms[*grown].thread_policy
                                 == THREAD_REQUIRE ? 2 : 1;
        return true;
    case N_EDITS:
    default:
        return false;
    }
}

static bool
listed(const struct plan *p, const char *kind, const char *vm)
{
    for (int i = 0; i < p->n_changes; i++) {
        if (!strcmp(p->changes[i].kind, kind)
            && !strcmp(p->changes[i].vm, vm)) {
            return true;
        }
    }
    return false;
}

/* NULL when VM 'pv' has every field 'old' had, else which differs. */
static const char *
same_placement(const struct plan *p, const struct plan_vm *pv,
               const struct plan_file *prev, const struct plan_file_vm *old)
{
    if (pv->numa != old->numa) {
        return "node";
    }
    for (int i = 0; i < old->vcpus; i++) {
        if (pv->vcpupin[i] != old->vcpupin[i]) {
            return "vCPU pins";
        }
    }
    if (!hwloc_bitmap_isequal(pv->emulatorpin, old->emulatorpin)) {
        return "emulator pins";
    }
    if (strcmp(p->socket_dir, prev->ovs.socket_dir)) {
        return "socket directory";
    }
    for (int n = 0; n < pv->n_nics; n++) {
        const struct plan_nic *a = &pv->nics[n];
        const struct plan_file_nic *b = &old->nics[n];
        if (a->type == NIC_VHOST
            && (a->pmd_cpu != b->pmd_cpu || strcmp(a->port, b->port))) {
            return "a NIC's PMD or port";
        }
        if (strcmp(a->mac, b->mac)) {
            return "a NIC's MAC";
        }
        if (a->type == NIC_SRIOV && a->vf != b->vf) {
            return "a NIC's VF";
        }
    }
    return NULL;
}

/* Pools change only where they must: the edits leave the host settings
 * alone, so a node that still has PMDs has the same ones, and the
 * emulator-share pool is the same. */
static const char *
same_pools(const struct plan *p, const struct plan_file *prev)
{
    for (int s = 0; s < p->n_numas; s++) {
        const struct plan_numa *pn = &p->numas[s];
        const struct plan_file_numa *old = plan_file_find_numa(prev,
                                                               pn->os_index);
        if (!hwloc_bitmap_iszero(pn->pool[POOL_PMD])
            && !hwloc_bitmap_iszero(old->pools.pmd)
            && !hwloc_bitmap_isequal(pn->pool[POOL_PMD], old->pools.pmd)) {
            return "a node's PMD cores changed";
        }
    }
    if (!hwloc_bitmap_iszero(prev->pools.emulator)
        && !hwloc_bitmap_iszero(p->pool[POOL_EMULATOR])
        && !hwloc_bitmap_isequal(prev->pools.emulator,
                                 p->pool[POOL_EMULATOR])) {
        return "the emulator-share pool changed";
    }
    return NULL;
}

/* The checks of one re-plan 'p' against 'prev'; 'grown' is the VM whose
 * intent changed (-1: none), 'moves' whether --allow-moves was given. */
static void
check_replan(const struct plan *p, const struct plan_file *prev, int grown,
             bool moves, const char *where, struct stats *st)
{
    const char *bad = plan_gen_check(p);

    bad = bad ? bad : same_pools(p, prev);
    if (bad) {
        ok(false, "%s: %s", where, bad);
        return;
    }
    for (int v = 0; v < p->n_vms; v++) {
        const struct plan_vm *pv = &p->vms[v];
        const struct plan_file_vm *old = plan_file_find_vm(prev,
                                                           pv->intent->name);
        const char *differs;

        if (!old) {
            if (!listed(p, "vm-added", pv->intent->name)) {
                ok(false, "%s: new VM %s not listed as added", where,
                   pv->intent->name);
            }
            continue;
        }
        if (v == grown) {
            if (!listed(p, "vm-changed", pv->intent->name)) {
                ok(false, "%s: grown VM %s not listed as changed", where,
                   pv->intent->name);
            }
            continue;
        }
        st->vms_checked++;
        differs = same_placement(p, pv, prev, old);
        if (differs && !(moves && listed(p, "vm-moved", pv->intent->name))) {
            ok(false, "%s: VM %s kept its intent but not its %s%s", where,
               pv->intent->name, differs, moves ? " (and is not listed "
               "as moved)" : "");
        }
        st->kept += !differs;
        st->moves += moves && differs;
    }
    for (size_t i = 0; i < prev->n_vms; i++) {
        bool there = false;
        for (int v = 0; v < p->n_vms; v++) {
            there |= !strcmp(p->vms[v].intent->name, prev->vms[i].name);
        }
        if (!there && !listed(p, "vm-removed", prev->vms[i].name)) {
            ok(false, "%s: removed VM %s not listed", where,
               prev->vms[i].name);
        }
    }
}

static char *
replan_json(const struct nfv_topology *t, const struct intent *in,
            const struct plan_options *o, int *status, struct diag *d)
{
    struct plan p;
    char *json = NULL;

    *status = plan_build_with(t, in, o, &p, d);
    if (!*status) {
        json = emit_plan_json(&p);
    }
    plan_destroy(&p);
    return json;
}

/* One re-plan of 'in' against 'prev', without and (if need be) with
 * --allow-moves. */
static void
replan_case(const struct nfv_topology *t, const struct intent *in,
            const struct plan_file *prev, int grown, const char *where,
            struct stats *st)
{
    struct plan_options o = { prev, false };
    struct plan p;
    struct diag d, d2;
    int error, again;
    char *json, *json2;

    diag_init(&d);
    error = plan_build_with(t, in, &o, &p, &d);
    if (!error) {
        check_replan(&p, prev, grown, false, where, st);
    } else if (error == NFV_EINFEASIBLE && strstr(d.msg, "--allow-moves")) {
        st->infeasible++;
        if (!strstr(d.msg, "moving ")) {
            ok(false, "%s: infeasible without moves, but no VM named: %s",
               where, d.msg);
        }
        plan_destroy(&p);
        diag_destroy(&d);
        diag_init(&d);
        o.allow_moves = true;
        error = plan_build_with(t, in, &o, &p, &d);
        if (error) {
            ok(false, "%s: --allow-moves still infeasible (%s)", where,
               d.msg);
        } else {
            st->moved_plans++;
            check_replan(&p, prev, grown, true, where, st);
        }
    } else if (error != NFV_EINFEASIBLE) {
        ok(false, "%s: status %d (%s)", where, error, d.msg);
    }
    plan_destroy(&p);
    diag_destroy(&d);

    /* Determinism: the same inputs give the same bytes. */
    diag_init(&d);
    diag_init(&d2);
    json = replan_json(t, in, &o, &error, &d);
    json2 = replan_json(t, in, &o, &again, &d2);
    if (error != again || (json && (!json2 || strcmp(json, json2)))) {
        ok(false, "%s: same previous plan and intent, different output",
           where);
    }
    free(json);
    free(json2);
    diag_destroy(&d);
    diag_destroy(&d2);
}

/* Plans 'in' from scratch and returns it as read back, or NULL. */
static struct plan_file *
base_plan(const struct nfv_topology *t, const struct intent *in)
{
    struct plan p;
    struct diag d;
    struct plan_file *prev = NULL;

    diag_init(&d);
    if (!plan_build(t, in, &p, &d)) {
        char *json = emit_plan_json(&p);
        prev = plan_file_parse(json, strlen(json), "previous.json", &d);
        if (!prev) {
            ok(false, "a plan reads back: %s", d.msg);
        }
        free(json);
    }
    plan_destroy(&p);
    diag_destroy(&d);
    return prev;
}

int
main(void)
{
    const char *seed = getenv("NFVHOST_SEED");
    const char *cases_env = getenv("NFVHOST_CASES");
    int cases = cases_env ? atoi(cases_env) : 300;
    int serial = 0, edits = 0;
    struct stats st;

    memset(&st, 0, sizeof st);
    rng_state = seed ? strtoul(seed, NULL, 0) : 20261201;
    for (int i = 0; i < cases; i++) {
        char *synthetic = random_synthetic();
        struct nfv_topology t;
        struct plan_file *prev;
        struct intent in;
        struct diag d;

        random_intent(&in);
        diag_init(&d);
        if (plan_gen_topology(synthetic, &t, &d)) {
            ok(false, "%s", d.msg);
        } else if ((prev = base_plan(&t, &in))) {
            for (int k = 0; k < EDITS_PER_CASE; k++) {
                enum edit e = rnd(N_EDITS);
                struct intent edited;
                char where[160];
                int grown;

                copy_intent(&edited, &in);
                if (edit_intent(&edited, e, serial++, prev, &grown)) {
                    snprintf(where, sizeof where, "case %d ('%s'), %s", i,
                             synthetic, edit_names[e]);
                    replan_case(&t, &edited, prev, grown, where, &st);
                    st.edits[e]++;
                    edits++;
                }
                intent_destroy(&edited);
            }
            plan_file_destroy(prev);
            topology_destroy(&t);
        } else {
            topology_destroy(&t);
        }
        diag_destroy(&d);
        intent_destroy(&in);
        free(synthetic);
    }
    printf("# %d edits (", edits);
    for (int e = 0; e < N_EDITS; e++) {
        printf("%s%s %d", e ? ", " : "", edit_names[e], st.edits[e]);
    }
    printf("); %d VMs kept in place; %d edits infeasible without moves, "
           "%d planned with --allow-moves, moving %d VMs\n",
           st.kept, st.infeasible, st.moved_plans, st.moves);
    ok(tap_failed == 0, "every unchanged VM keeps its node, pins, PMDs, "
       "MACs, VFs and ports over %d random intent edits", edits);
    ok(edits >= 200, "hundreds of edits were planned (%d)", edits);
    for (int e = 0; e < N_EDITS; e++) {
        ok(st.edits[e] > 0, "each kind of edit was tried: %s (%d)",
           edit_names[e], st.edits[e]);
    }
    ok(st.vms_checked > 100, "unchanged VMs were checked (%d)",
       st.vms_checked);
    ok(st.moved_plans > 0, "some edits needed --allow-moves (%d), and "
       "those moved VMs (%d)", st.moved_plans, st.moves);
    return done_testing();
}
