/* status.c: PMD and port health (see status.h). */
#include <config.h>

#include "ovs-ext/status.h"

#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include "ovs-ext/jsonrpc.h"
#include "ovs-ext/ovsdb.h"
#include "ovs-ext/unixctl.h"
#include "ovs-ext/want.h"
#include "lib/parse.h"
#include "lib/plan-file.h"
#include "lib/util.h"

/* Interface.statistics counters shown per port; any nonzero drop counter
 * is a finding. */
static const char *const counters[] = {
    "rx_packets", "tx_packets", "rx_dropped", "tx_dropped",
    "ovs_tx_failure_drops", "ovs_tx_retries", "ovs_rx_qos_drops",
    "ovs_tx_mtu_exceeded_drops", "ovs_tx_qos_drops",
};
static const char *const drop_counters[] = {
    "rx_dropped", "tx_dropped", "ovs_tx_failure_drops", "ovs_rx_qos_drops",
    "ovs_tx_mtu_exceeded_drops", "ovs_tx_qos_drops",
};

static json_t *
pmd_get(json_t *pmds, int numa, int core)
{
    json_t *p;
    size_t i;

    json_array_foreach(pmds, i, p) {
        if (json_integer_value(json_object_get(p, "core")) == core) {
            return p;
        }
    }
    p = json_pack("{sisisbsfsIsfsfs[]}", "core", core, "numa", numa,
                  "isolated", false, "busy_pct", 0.0, "packets",
                  (json_int_t) 0, "cycles_per_packet", 0.0, "overhead_pct",
                  0.0, "rxqs");
    json_array_append_new(pmds, p);
    return p;
}

/* "pmd thread numa_id 0 core_id 1:" starts a section. */
static json_t *
section(const char *line, json_t *pmds, json_t *cur)
{
    int numa, core;

    if (sscanf(line, "pmd thread numa_id %d core_id %d:", &numa, &core)
        == 2) {
        return pmd_get(pmds, numa, core);
    }
    if (line[0] != ' ' && line[0] != '\0') {
        return NULL;            /* "main thread:" and other headers. */
    }
    return cur;
}

void
status_parse_rxq_show(const char *text, json_t *pmds)
{
    char *copy = xstrdup(text), *save = NULL;
    json_t *cur = NULL;

    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char port[256], state[32], iso[16];
        int q, n;
        double usage;

        cur = section(line, pmds, cur);
        if (!cur) {
            continue;
        }
        if (sscanf(line, " isolated : %15s", iso) == 1) {
            json_object_set_new(cur, "isolated",
                                json_boolean(!strcmp(iso, "true")));
        } else if (sscanf(line, " overhead: %lf", &usage) == 1) {
            json_object_set_new(cur, "overhead_pct", json_real(usage));
        } else if ((n = sscanf(line, " port: %255s queue-id: %d (%31[^)]) "
                               "pmd usage: %lf", port, &q, state, &usage))
                   >= 3) {
            /* "pmd usage: NOT AVAIL" until the PMD has measured it. */
            json_t *u = n == 4 ? json_real(usage) : json_null();
            json_array_append_new(json_object_get(cur, "rxqs"), json_pack(
                "{sssisbso}", "port", port, "queue", q, "enabled",
                !strcmp(state, "enabled"), "usage_pct", u));
        }
    }
    free(copy);
}

void
status_parse_stats_show(const char *text, json_t *pmds)
{
    char *copy = xstrdup(text), *save = NULL;
    json_t *cur = NULL;
    double idle = 0;

    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        long long n;
        double pct, cpp;

        cur = section(line, pmds, cur);
        if (!cur) {
            continue;
        }
        if (sscanf(line, " packets received: %lld", &n) == 1) {
            json_object_set_new(cur, "packets", json_integer(n));
        } else if (sscanf(line, " miss with success upcall: %lld", &n)
                   == 1) {
            json_object_set_new(cur, "upcalls", json_integer(n));
        } else if (sscanf(line, " miss with failed upcall: %lld", &n)
                   == 1) {
            json_object_set_new(cur, "lost_upcalls", json_integer(n));
        } else if (sscanf(line, " idle cycles: %lld (%lf%%)", &n, &pct)
                   == 2) {
            idle = pct;
            json_object_set_new(cur, "idle_cycles", json_integer(n));
        } else if (sscanf(line, " processing cycles: %lld (%lf%%)", &n,
                          &pct) == 2) {
            json_object_set_new(cur, "processing_cycles", json_integer(n));
            json_object_set_new(cur, "busy_pct",
                                json_real(n || idle ? pct : 0.0));
        } else if (sscanf(line, " avg cycles per packet: %lf", &cpp) == 1) {
            json_object_set_new(cur, "cycles_per_packet", json_real(cpp));
        }
    }
    free(copy);
}

static json_t *
port_status(const json_t *row)
{
    json_t *st = ovsdb_to_plain(json_object_get(row, "status"));
    json_t *stats = ovsdb_to_plain(json_object_get(row, "statistics"));
    json_t *link = ovsdb_to_plain(json_object_get(row, "link_state"));
    json_t *err = ovsdb_to_plain(json_object_get(row, "error"));
    json_t *type = ovsdb_to_plain(json_object_get(row, "type"));
    const char *numa = json_string_value(json_object_get(st, "numa_id"));
    const char *vhost = json_string_value(json_object_get(st, "status"));
    /* link_state may be absent (an optional column): null. */
    json_t *p = json_pack("{sOsoso?}", "name", json_object_get(row, "name"),
                          "type", type, "link_state", link);
    int node;

    if (!numa) {
        numa = json_string_value(json_object_get(st, "numa"));
    }
    json_object_set_new(p, "numa", numa && parse_int(numa, 0, INT_MAX, &node)
                                   ? json_integer(node) : json_null());
    if (!strncmp(json_string_value(type) ?: "", "dpdkvhostuser", 13)) {
        json_object_set_new(p, "connected",
                            json_boolean(vhost && !strcmp(vhost,
                                                          "connected")));
    }
    for (size_t i = 0; i < ARRAY_SIZE(counters); i++) {
        json_t *v = json_object_get(stats, counters[i]);
        json_object_set_new(p, counters[i],
                            v ? json_incref(v) : json_integer(0));
    }
    json_object_set_new(p, "error", err);
    /* Per-vring counters exist only while a front-end is attached (OVS
     * reads them from the live vhost device every 5 s). */
    json_object_set_new(p, "vring_stats",
                        json_boolean(json_object_get(stats,
                                                     "rx_q0_good_packets")));
    json_decref(st);
    json_decref(stats);
    return p;
}

static bool
rxq_enabled(const json_t *pmds, const char *port)
{
    const json_t *pmd, *q;
    size_t i, j;
    bool enabled = false;

    json_array_foreach(pmds, i, pmd) {
        json_array_foreach(json_object_get(pmd, "rxqs"), j, q) {
            const char *name = json_string_value(json_object_get(q, "port"));
            if (name && port && !strcmp(name, port)
                && json_is_true(json_object_get(q, "enabled"))) {
                enabled = true;
            }
        }
    }
    return enabled;
}

/* Interface.status (and link_state) of a vhost port can stay
 * "disconnected" after ovs-vswitchd restarts while the front-end is in
 * fact attached (OVS refreshes them only on some events).  The live
 * signs, vring counters and an enabled rx queue, win. */
static void
fix_stale_vhost(const json_t *pmds, json_t *ports)
{
    json_t *p;
    size_t i;

    json_array_foreach(ports, i, p) {
        const char *name = json_string_value(json_object_get(p, "name"));
        if (json_is_false(json_object_get(p, "connected"))
            && json_is_true(json_object_get(p, "vring_stats"))
            && rxq_enabled(pmds, name)) {
            json_object_set_new(p, "connected", json_true());
            json_object_set_new(p, "status_stale", json_true());
        }
        json_object_del(p, "vring_stats");
    }
}

static void
finding(json_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
finding(json_t *f, const char *fmt, ...)
{
    va_list args;
    char *s;

    va_start(args, fmt);
    if (vasprintf(&s, fmt, args) < 0) {
        xalloc_die();
    }
    va_end(args);
    json_array_append_new(f, json_string(s));
    free(s);
}

/* obj[key] as a string for text output: a daemon (or a dump) that left
 * it out must not hand NULL to %s. */
static const char *
text_of(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return s ? s : "?";
}

static const json_t *
port_named(const json_t *ports, const char *name)
{
    const json_t *p;
    size_t i;

    json_array_foreach(ports, i, p) {
        const char *n = json_string_value(json_object_get(p, "name"));
        if (n && name && !strcmp(n, name)) {
            return p;
        }
    }
    return NULL;
}

static void
pmd_findings(const json_t *pmds, const json_t *ports, json_t *f)
{
    const json_t *pmd, *q;
    size_t i, j;

    json_array_foreach(pmds, i, pmd) {
        json_int_t core = json_integer_value(json_object_get(pmd, "core"));
        json_int_t numa = json_integer_value(json_object_get(pmd, "numa"));
        double busy = json_real_value(json_object_get(pmd, "busy_pct"));

        if (busy > STATUS_BUSY_PCT) {
            finding(f, "PMD on core %lld is %.1f %% busy: it has no headroom "
                    "and will drop at higher rates; add a PMD core or "
                    "spread rx queues", (long long) core, busy);
        }
        json_array_foreach(json_object_get(pmd, "rxqs"), j, q) {
            const char *name = text_of(q, "port");
            const json_t *p = port_named(ports, name);
            const json_t *pn = json_object_get(p, "numa");
            if (json_is_integer(pn) && json_integer_value(pn) != numa) {
                finding(f, "rx queue %lld of %s (NUMA %lld) is polled by the "
                        "PMD on core %lld of NUMA %lld: every packet crosses "
                        "the interconnect", json_integer_value(
                            json_object_get(q, "queue")), name,
                        json_integer_value(pn), (long long) core,
                        (long long) numa);
            }
        }
    }
}

static void
port_findings(const json_t *ports, json_t *f)
{
    const json_t *p;
    size_t i;

    json_array_foreach(ports, i, p) {
        const char *name = text_of(p, "name");
        const json_t *c = json_object_get(p, "connected");

        if (json_is_false(c)) {
            finding(f, "vhost-user port %s: the VM side (front-end) is not "
                    "connected to its socket; no traffic can pass", name);
        }
        if (json_is_string(json_object_get(p, "error"))) {
            finding(f, "port %s: %s", name, json_string_value(
                        json_object_get(p, "error")));
        }
        for (size_t k = 0; k < ARRAY_SIZE(drop_counters); k++) {
            json_int_t v = json_integer_value(json_object_get(
                                                  p, drop_counters[k]));
            if (v > 0) {
                finding(f, "port %s dropped %lld packets (%s)", name,
                        (long long) v, drop_counters[k]);
            }
        }
    }
}

void
status_findings(const json_t *pmds, const json_t *ports, json_t *findings)
{
    pmd_findings(pmds, ports, findings);
    port_findings(ports, findings);
}

/* The masks against the plan, and the PMDs against the pinned pools. */
static void
plan_findings(const struct plan_file *plan, const struct ovs_opts *o,
              const json_t *oc_now, const json_t *pmds, json_t *f)
{
    static const char *const keys[] = { "pmd-cpu-mask", "dpdk-lcore-mask" };
    const struct {
        const char *name;
        hwloc_const_bitmap_t set;
    } pools[] = {
        { "guest", plan->pools.guest },
        { "emulator", plan->pools.emulator },
    };
    struct diag d;
    json_t *want;
    const json_t *pmd;
    size_t i;

    diag_init(&d);
    want = want_from_plan(plan, o, &d);
    for (i = 0; want && i < ARRAY_SIZE(keys); i++) {
        const char *w = json_string_value(json_object_get(
            json_object_get(want, "other_config"), keys[i]));
        const char *now = json_string_value(json_object_get(oc_now,
                                                            keys[i]));
        if (w && (!now || strcmp(w, now))) {
            finding(f, "%s is %s, the plan says %s", keys[i],
                    now ? now : "unset", w);
        }
    }
    for (i = 0; i < ARRAY_SIZE(pools); i++) {
        size_t j;

        json_array_foreach(pmds, j, pmd) {
            int core = json_integer_value(json_object_get(pmd, "core"));
            unsigned cpu;
            hwloc_bitmap_foreach_begin(cpu, pools[i].set) {
                /* With --cpu-map, unmapped planned PUs are not on this
                 * machine. */
                bool here = !o->has_cpu_map
                            || (cpu < WANT_MAX_CPU && o->cpu_mapped[cpu]);
                if (here && ovs_opts_cpu(o, cpu) == core) {
                    finding(f, "PMD on core %d shares it with the %s "
                            "pool (planned CPU %u): both spin and "
                            "starve each other", core, pools[i].name, cpu);
                }
            } hwloc_bitmap_foreach_end();
        }
    }
    json_decref(want);
    diag_destroy(&d);
}

json_t *
ovs_status_build(const struct ovs_opts *o, const json_t *dump,
                 const char *rxq_show, const char *stats_show,
                 const struct plan_file *plan)
{
    json_t *pmds = json_array(), *ports = json_array(), *f = json_array();
    json_t *oc;
    const json_t *row;
    size_t i;

    status_parse_rxq_show(rxq_show, pmds);
    status_parse_stats_show(stats_show, pmds);
    json_array_foreach(json_object_get(dump, "Interface"), i, row) {
        json_t *type = ovsdb_to_plain(json_object_get(row, "type"));
        const char *t = json_string_value(type) ?: "";
        if (!strncmp(t, "dpdk", 4)) {
            json_array_append_new(ports, port_status(row));
        }
        json_decref(type);
    }
    fix_stale_vhost(pmds, ports);
    status_findings(pmds, ports, f);
    /* No Open_vSwitch row, or no other_config in it: nothing set.  (A
     * NULL here made the status NULL, and 'ovs status' print nothing and
     * exit 0; found by fuzz-ovsdb.) */
    oc = ovsdb_to_plain(json_object_get(
        json_array_get(json_object_get(dump, "Open_vSwitch"), 0),
        "other_config"));
    if (!json_is_object(oc)) {
        json_decref(oc);
        oc = json_object();
    }
    if (plan) {
        plan_findings(plan, o, oc, pmds, f);
    }
    if (!json_array_size(pmds)) {
        finding(f, "no PMD threads: is dpdk-init true and pmd-cpu-mask "
                "naming online cores?");
    }
    return json_pack("{sosososo}", "pmds", pmds, "ports", ports,
                     "findings", f, "other_config", oc);
}

json_t *
ovs_status_collect(const struct ovs_opts *o, const char *control,
                   const struct plan_file *plan, struct diag *d)
{
    static const char *const tables[] = { "Open_vSwitch", "Interface", NULL };
    char *target = control ? xstrdup(control)
                           : unixctl_default_target(o->db, d);
    struct jsonrpc *rpc = NULL;
    json_t *dump = NULL, *res = NULL;
    char *rxq = NULL, *stats = NULL;

    if (target
        && (rxq = unixctl_command(target, "dpif-netdev/pmd-rxq-show", 0,
                                  NULL, d))
        && (stats = unixctl_command(target, "dpif-netdev/pmd-stats-show",
                                    0, NULL, d))
        && (rpc = jsonrpc_open(o->db, d))
        && (dump = ovsdb_dump(rpc, tables, d))) {
        res = ovs_status_build(o, dump, rxq, stats, plan);
    }
    free(rxq);
    free(stats);
    free(target);
    json_decref(dump);
    jsonrpc_close(rpc);
    return res;
}

static void
print_text(const json_t *st, FILE *out)
{
    const json_t *p, *q;
    size_t i, j;

    fprintf(out, "PMD threads:\n");
    json_array_foreach(json_object_get(st, "pmds"), i, p) {
        fprintf(out, "  core %lld (NUMA %lld)%s: %.1f %% busy, %lld packets, "
                "%.0f cycles/packet\n",
                json_integer_value(json_object_get(p, "core")),
                json_integer_value(json_object_get(p, "numa")),
                json_is_true(json_object_get(p, "isolated"))
                ? " isolated" : "",
                json_real_value(json_object_get(p, "busy_pct")),
                json_integer_value(json_object_get(p, "packets")),
                json_real_value(json_object_get(p, "cycles_per_packet")));
        json_array_foreach(json_object_get(p, "rxqs"), j, q) {
            const json_t *u = json_object_get(q, "usage_pct");
            fprintf(out, "    rxq %s/%lld%s: ", text_of(q, "port"),
                    json_integer_value(json_object_get(q, "queue")),
                    json_is_true(json_object_get(q, "enabled"))
                    ? "" : " (disabled)");
            if (json_is_number(u)) {
                fprintf(out, "%.0f %% of the PMD\n", json_number_value(u));
            } else {
                fprintf(out, "usage not measured\n");
            }
        }
    }
    fprintf(out, "Ports:\n");
    json_array_foreach(json_object_get(st, "ports"), i, p) {
        const json_t *c = json_object_get(p, "connected");
        const json_t *l = json_object_get(p, "link_state");
        fprintf(out, "  %-18s %-20s link %-4s%s rx %lld tx %lld drops rx %lld "
                "tx %lld tx-failure %lld tx-retries %lld\n",
                text_of(p, "name"), text_of(p, "type"),
                json_is_string(l) ? json_string_value(l) : "?",
                !c ? "" : !json_is_true(c) ? " front-end NOT connected"
                : json_object_get(p, "status_stale")
                ? " front-end connected (live; OVS's status column is stale)"
                : " front-end connected",
                json_integer_value(json_object_get(p, "rx_packets")),
                json_integer_value(json_object_get(p, "tx_packets")),
                json_integer_value(json_object_get(p, "rx_dropped")),
                json_integer_value(json_object_get(p, "tx_dropped")),
                json_integer_value(json_object_get(p, "ovs_tx_failure_drops")),
                json_integer_value(json_object_get(p, "ovs_tx_retries")));
    }
    fprintf(out, "Findings:\n");
    if (!json_array_size(json_object_get(st, "findings"))) {
        fprintf(out, "  none\n");
    }
    json_array_foreach(json_object_get(st, "findings"), i, p) {
        fprintf(out, "  - %s\n", json_is_string(p) ? json_string_value(p)
                                                  : "?");
    }
}

void
ovs_status_print(const json_t *st, bool json, FILE *out)
{
    if (json) {
        char *s = json_dumps(st, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        fprintf(out, "%s\n", s);
        free(s);
    } else {
        print_text(st, out);
    }
}

int
ovs_status(const struct ovs_opts *o, const char *control,
           const struct plan_file *plan,
           bool json, FILE *out, struct diag *d)
{
    json_t *st = ovs_status_collect(o, control, plan, d);

    if (!st) {
        return d->status;
    }
    ovs_status_print(st, json, out);
    json_decref(st);
    return 0;
}
