/* test-ovs.c: unit tests of ovs-ext's pure parts: OVSDB wire values, the
 * diff (against a hand-made database dump), names, the plan -> desired
 * state mapping, and the pmd-rxq-show / pmd-stats-show parsers (texts as
 * OVS 3.1 prints them). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovs-ext/apply.h"
#include "ovs-ext/ovsdb.h"
#include "lib/pci.h"
#include "lib/plan-file.h"
#include "ovs-ext/status.h"
#include "ovs-ext/want.h"
#include "lib/util.h"
#include "tests/unit/tap.h"

static const char rxq_show[] =
    "Displaying last 60 seconds pmd usage %\n"
    "pmd thread numa_id 0 core_id 1:\n"
    "  isolated : false\n"
    "  port: dpdk-up0          queue-id:  0 (enabled)   pmd usage:  3 %\n"
    "  port: vhu-vm-0          queue-id:  0 (disabled)  pmd usage: NOT AVAIL\n"
    "  overhead:  1 %\n"
    "pmd thread numa_id 1 core_id 9:\n"
    "  isolated : true\n"
    "  port: vhu-vm-1          queue-id:  0 (enabled)   pmd usage: 97 %\n"
    "  overhead:  0 %\n";

static const char stats_show[] =
    "pmd thread numa_id 0 core_id 1:\n"
    "  packets received: 6129088\n"
    "  idle cycles: 1000 (63.50%)\n"
    "  processing cycles: 600 (36.50%)\n"
    "  avg cycles per packet: 3859.12 (23652398/6129088)\n"
    "  avg processing cycles per packet: 1409.00 (8640000/6129088)\n"
    "main thread:\n"
    "  packets received: 5\n"
    "pmd thread numa_id 1 core_id 9:\n"
    "  packets received: 10\n"
    "  idle cycles: 1 (2.00%)\n"
    "  processing cycles: 49 (98.00%)\n"
    "  avg cycles per packet: 100.00 (1000/10)\n";

static void
test_status_parsers(void)
{
    json_t *pmds = json_array(), *p0, *p1, *q;

    status_parse_rxq_show(rxq_show, pmds);
    status_parse_stats_show(stats_show, pmds);
    is_int(json_array_size(pmds), 2, "two PMDs (the main thread is not one)");
    p0 = json_array_get(pmds, 0);
    p1 = json_array_get(pmds, 1);
    is_int(json_integer_value(json_object_get(p0, "core")), 1, "core 1");
    is_int(json_integer_value(json_object_get(p1, "numa")), 1, "core 9 on NUMA 1");
    ok(json_is_false(json_object_get(p0, "isolated")), "core 1 not isolated");
    ok(json_is_true(json_object_get(p1, "isolated")), "core 9 isolated");
    is_int(json_array_size(json_object_get(p0, "rxqs")), 2, "two rxqs on core 1");
    q = json_array_get(json_object_get(p0, "rxqs"), 0);
    is_str(json_string_value(json_object_get(q, "port")), "dpdk-up0", "rxq port");
    ok(json_real_value(json_object_get(q, "usage_pct")) == 3.0, "rxq usage 3 %%");
    q = json_array_get(json_object_get(p0, "rxqs"), 1);
    ok(json_is_false(json_object_get(q, "enabled")), "disabled rxq");
    ok(json_is_null(json_object_get(q, "usage_pct")), "NOT AVAIL -> null");
    is_int(json_integer_value(json_object_get(p0, "packets")), 6129088,
           "packets of core 1, not the main thread's");
    ok(json_real_value(json_object_get(p0, "busy_pct")) == 36.5, "busy 36.5 %%");
    ok(json_real_value(json_object_get(p0, "cycles_per_packet")) == 3859.12,
       "cycles per packet");
    ok(json_real_value(json_object_get(p1, "busy_pct")) == 98.0, "core 9 98 %% busy");
    json_decref(pmds);
}

static bool
has_finding(const json_t *f, const char *needle)
{
    const json_t *v;
    size_t i;

    json_array_foreach(f, i, v) {
        if (strstr(json_string_value(v), needle)) {
            return true;
        }
    }
    return false;
}

static void
test_findings(void)
{
    json_t *pmds = json_array(), *f = json_array();
    json_t *ports = json_loads(
        "[{\"name\": \"dpdk-up0\", \"numa\": 0, \"rx_dropped\": 0,"
        "  \"tx_dropped\": 7, \"ovs_tx_failure_drops\": 0, \"error\": null},"
        " {\"name\": \"vhu-vm-0\", \"numa\": 0, \"connected\": false,"
        "  \"rx_dropped\": 0, \"error\": null},"
        " {\"name\": \"vhu-vm-1\", \"numa\": 1, \"connected\": true,"
        "  \"error\": \"could not open vhost socket\"}]", 0, NULL);

    status_parse_rxq_show(rxq_show, pmds);
    status_parse_stats_show(stats_show, pmds);
    status_findings(pmds, ports, f);
    ok(has_finding(f, "PMD on core 9 is 98.0 % busy"), "a PMD above 95 %% busy");
    ok(!has_finding(f, "core 1 is"), "not the PMD at 36.5 %%");
    ok(has_finding(f, "rx queue 0 of vhu-vm-0 (NUMA 0) is polled by the PMD "
                      "on core 1 of NUMA 0") == false,
       "same-node polling is no finding");
    ok(has_finding(f, "port dpdk-up0 dropped 7 packets (tx_dropped)"),
       "drops on a port");
    ok(has_finding(f, "vhu-vm-0: the VM side (front-end) is not connected"),
       "an unconnected front-end");
    ok(has_finding(f, "port vhu-vm-1: could not open vhost socket"),
       "an interface error");
    json_object_set_new(json_array_get(ports, 2), "numa", json_integer(0));
    json_decref(f);
    f = json_array();
    status_findings(pmds, ports, f);
    ok(has_finding(f, "rx queue 0 of vhu-vm-1 (NUMA 0) is polled by the PMD "
                      "on core 9 of NUMA 1"), "cross-NUMA polling");
    json_decref(f);
    json_decref(pmds);
    json_decref(ports);
}

static void
test_wire_values(void)
{
    json_t *w = json_loads("[\"map\",[[\"b\",\"2\"],[\"a\",\"1\"]]]", 0, NULL);
    json_t *plain = ovsdb_to_plain(w), *back;
    char *s;

    is_str(json_string_value(json_object_get(plain, "a")), "1", "map -> object");
    back = ovsdb_map(plain);
    s = json_dumps(back, JSON_COMPACT);
    is_str(s, "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]", "object -> sorted map");
    free(s);
    json_decref(w);
    json_decref(plain);
    json_decref(back);

    w = json_loads("[\"set\",[]]", 0, NULL);
    plain = ovsdb_to_plain(w);
    ok(json_is_null(plain), "empty set -> null");
    back = ovsdb_opt(plain);
    ok(json_equal(back, w), "null -> empty set");
    json_decref(w);
    json_decref(plain);
    json_decref(back);

    w = json_loads("[\"uuid\",\"abc\"]", 0, NULL);
    plain = ovsdb_to_plain(w);
    is_str(json_string_value(plain), "abc", "uuid -> its string");
    json_decref(w);
    json_decref(plain);
}

static void
test_names(void)
{
    ok(plan_file_name_valid("vrouter1", 32), "vrouter1 is a name");
    ok(!plan_file_name_valid("vm;rm", 32), "';' is not allowed");
    ok(!plan_file_name_valid("../x", 32), "'/' and '.' are not allowed");
    ok(!plan_file_name_valid("-x", 32), "a leading '-' is not allowed");
    ok(!plan_file_name_valid("", 32), "empty is not a name");
    ok(!plan_file_name_valid("abcdefghi", 8), "too long");
    ok(pci_addr_valid("0000:03:00.0"), "PCI address");
    ok(pci_addr_valid("0000:AF:1f.7"), "PCI address, either case");
    ok(!pci_addr_valid("0000:03:00"), "short PCI address");
    ok(!pci_addr_valid("0000:03:00.0/../x"), "PCI address with a path");
    ok(!pci_addr_valid("0000:03:00.f"), "function f: a function is 3 bits");
    ok(!pci_addr_valid("0000:03:00.8"), "function 8");
}

static void
test_vhost_port(void)
{
    struct ovs_opts o;
    struct diag d;
    struct vhost_nic n = { .vm = "vm1", .nic = "0", .vlan = 100, .pmd = 3,
                           .queues = 2, .mtu = 9000 };
    json_t *port, *iface;

    ovs_opts_init(&o);
    diag_init(&d);
    o.sock_dir = "/run/vhu";
    ovs_opts_from_plan(&o, NULL);
    ovs_opts_cpu_map(&o, "3=1", &d);
    port = want_vhost_port(&n, &o, &d);
    iface = json_array_get(json_object_get(port, "interfaces"), 0);
    is_str(json_string_value(json_object_get(port, "name")), "vhu-vm1-0",
           "port name vhu-VM-NIC");
    is_int(json_integer_value(json_object_get(port, "tag")), 100, "tag");
    is_str(json_string_value(json_object_get(json_object_get(iface, "options"),
                                             "vhost-server-path")),
           "/run/vhu/vhu-vm1-0", "socket path");
    is_str(json_string_value(json_object_get(
               json_object_get(iface, "other_config"), "pmd-rxq-affinity")),
           "0:1,1:1", "both queues on the mapped PMD");
    {
        static const int pmds[] = { 3, 9 };
        struct vhost_nic mq = n;
        json_t *p2, *i2;

        mq.rxq_pmds = pmds;
        ovs_opts_cpu_map(&o, "9=5", &d);
        p2 = want_vhost_port(&mq, &o, &d);
        i2 = json_array_get(json_object_get(p2, "interfaces"), 0);
        is_str(json_string_value(json_object_get(
                   json_object_get(i2, "other_config"), "pmd-rxq-affinity")),
               "0:1,1:5", "per-queue PMDs: each queue on its own");
        json_decref(p2);
    }
    is_int(json_integer_value(json_object_get(iface, "mtu_request")), 9000,
           "mtu");
    json_decref(port);

    n.port_id = "3f2a9c1e-7b4d-4e2a";
    port = want_vhost_port(&n, &o, &d);
    is_str(json_string_value(json_object_get(port, "name")), "vhu3f2a9c1e-7b",
           "os-vif name: vhu + 11 characters of the port id");
    json_decref(port);

    n.vlan = 4095;
    ok(!want_vhost_port(&n, &o, &d) && d.status == NFV_EINPUT,
       "VLAN 4095 refused");
    diag_destroy(&d);
    ovs_opts_destroy(&o);
}

/* The diff against a dump where the port exists with another tag and an
 * extra key set by someone else. */
static void
test_diff(void)
{
    static const char dump_text[] =
        "{\"Open_vSwitch\": [{\"_uuid\": [\"uuid\", \"o1\"],"
        "   \"other_config\": [\"map\", [[\"system-id\", \"x\"]]],"
        "   \"next_cfg\": 4}],"
        " \"Bridge\": [{\"_uuid\": [\"uuid\", \"b1\"], \"name\": \"br-nfv\","
        "   \"datapath_type\": \"netdev\", \"ports\": [\"uuid\", \"p1\"]}],"
        " \"Port\": [{\"_uuid\": [\"uuid\", \"p1\"], \"name\": \"vhu-vm1-0\","
        "   \"tag\": 100, \"bond_mode\": [\"set\", []], \"lacp\": [\"set\", []],"
        "   \"interfaces\": [\"uuid\", \"i1\"],"
        "   \"external_ids\": [\"map\", [[\"owner\", \"me\"]]]}],"
        " \"Interface\": [{\"_uuid\": [\"uuid\", \"i1\"], \"name\": \"vhu-vm1-0\","
        "   \"type\": \"dpdkvhostuserclient\", \"options\": [\"map\", []],"
        "   \"mtu_request\": [\"set\", []], \"other_config\": [\"map\", []],"
        "   \"external_ids\": [\"map\", []]}]}";
    json_t *dump = json_loads(dump_text, 0, NULL);
    json_t *want = json_loads(
        "{\"bridge\": \"br-nfv\", \"exclusive\": true, \"delete\": [],"
        " \"ports\": [{\"name\": \"vhu-vm1-0\", \"tag\": 200,"
        "   \"external_ids\": {\"nfvhost-managed\": \"true\"},"
        "   \"interfaces\": [{\"name\": \"vhu-vm1-0\","
        "     \"type\": \"dpdkvhostuserclient\"}]}]}", 0, NULL);
    struct sbuf log;
    struct diag d;
    size_t n = 0;
    json_t *ops;
    char *s;

    sbuf_init(&log);
    diag_init(&d);
    ops = ovs_diff(dump, want, &n, &log, NULL, &d);
    ok(ops != NULL, "diff computed");
    is_int(n, 1, "one changing operation: the port update");
    s = json_dumps(ops, JSON_COMPACT);
    ok(strstr(s, "\"row\":{\"tag\":200,\"external_ids\":[\"map\",[["
                 "\"nfvhost-managed\",\"true\"],[\"owner\",\"me\"]]]}") != NULL,
       "tag replaced, external_ids merged (the other key kept)");
    ok(strstr(s, "\"op\":\"wait\",\"table\":\"Port\"") != NULL,
       "the port is guarded by a wait");
    ok(strstr(s, "\"next_cfg\",\"+=\",1") != NULL, "next_cfg bumped");
    free(s);
    json_decref(ops);

    json_object_set_new(json_array_get(json_object_get(dump, "Bridge"), 0),
                        "datapath_type", json_string("system"));
    ok(!ovs_diff(dump, want, &n, &log, NULL, &d) && d.status == NFV_EINPUT,
       "a system bridge is refused");
    sbuf_destroy(&log);
    diag_destroy(&d);
    json_decref(dump);
    json_decref(want);
}

/* Issue 11, defect 8: unexpected shapes from ovsdb-server are caught once,
 * after reading, with a message; before, strcmp() met a NULL string. */
static void
expect_unexpected(const char *dump_text, const char *want, const char *desc)
{
    json_error_t err;
    json_t *dump = json_loads(dump_text, 0, &err);
    struct diag d;

    diag_init(&d);
    if (!dump) {
        ok(false, "%s: bad test JSON: %s", desc, err.text);
        return;
    }
    is_int(ovsdb_dump_check(dump, &d), NFV_ESYSTEM, "%s: status 1", desc);
    is_str(d.msg, want, "%s: message", desc);
    diag_destroy(&d);
    json_decref(dump);
}

static void
test_dump_check(void)
{
    static const char good[] =
        "{\"Open_vSwitch\": [{\"_uuid\": [\"uuid\", \"o1\"],"
        "   \"other_config\": [\"map\", [[\"k\", \"v\"]]], \"next_cfg\": 4,"
        "   \"bridges\": [\"set\", [[\"uuid\", \"b1\"]]],"
        "   \"dpdk_initialized\": false}],"
        " \"Bridge\": [{\"_uuid\": [\"uuid\", \"b1\"], \"name\": \"br-nfv\","
        "   \"datapath_type\": \"netdev\", \"ports\": [\"uuid\", \"p1\"]}],"
        " \"Port\": [{\"_uuid\": [\"uuid\", \"p1\"], \"name\": \"vhu-vm1-0\","
        "   \"tag\": [\"set\", []], \"bond_mode\": [\"set\", [\"lacp\"]],"
        "   \"interfaces\": [\"set\", [[\"uuid\", \"i1\"]]]}],"
        " \"Interface\": [{\"_uuid\": [\"uuid\", \"i1\"], \"name\": \"x\","
        "   \"type\": \"\", \"statistics\": [\"map\", [[\"rx_packets\", 5]]],"
        "   \"error\": \"no such device\", \"mtu_request\": 1500}]}";
    json_t *dump = json_loads(good, 0, NULL), *want;
    struct sbuf log;
    struct diag d;
    size_t n;

    diag_init(&d);
    is_int(ovsdb_dump_check(dump, &d), 0, "a dump of the expected shapes "
           "passes (optional values bare or as sets)");
    json_decref(dump);
    diag_destroy(&d);

    expect_unexpected(
        "{\"Bridge\": [{\"_uuid\": [\"uuid\", \"b1\"], \"name\": \"br-nfv\","
        " \"ports\": [\"set\", [1, 2]]}]}",
        "ovsdb-server sent an unexpected Bridge.ports (table Bridge, row 0, "
        "br-nfv): [\"set\",[1,2]]; expected a set of uuids",
        "defect 8's repro: Bridge ports [\"set\",[1,2]]");
    /* The readers do not lean on the check alone: the diff over that
     * dump (and a nameless port) still does not crash. */
    dump = json_loads(
        "{\"Bridge\": [{\"_uuid\": [\"uuid\", \"b1\"], \"name\": \"br-nfv\","
        "   \"datapath_type\": \"netdev\", \"ports\": [\"set\", [1, 2]]}],"
        " \"Port\": [{\"_uuid\": [\"uuid\", \"p1\"],"
        "   \"external_ids\": [\"map\", [[\"nfvhost-managed\", \"true\"]]]}]}",
        0, NULL);
    want = json_loads("{\"bridge\": \"br-nfv\", \"exclusive\": true,"
                      " \"ports\": [{\"name\": \"a\", \"interfaces\": []}]}",
                      0, NULL);
    sbuf_init(&log);
    diag_init(&d);
    json_decref(ovs_diff(dump, want, &n, &log, NULL, &d));
    ok(true, "ovs_diff over Bridge ports [\"set\",[1,2]] and a nameless "
       "Port returns");
    sbuf_destroy(&log);
    diag_destroy(&d);
    json_decref(dump);
    json_decref(want);

    expect_unexpected(
        "{\"Port\": [{\"_uuid\": [\"uuid\", \"p1\"], \"name\": null}]}",
        "ovsdb-server sent an unexpected Port.name (table Port, row 0): "
        "null; expected a string", "a Port whose name is null");
    expect_unexpected(
        "{\"Interface\": [{\"_uuid\": [\"uuid\", \"i1\"]}]}",
        "ovsdb-server sent an unexpected Interface.name (table Interface, "
        "row 0): nothing; expected a string", "an Interface without a name");
    expect_unexpected(
        "{\"Interface\": [{\"_uuid\": [\"uuid\", \"i1\"], \"name\": \"a\","
        " \"options\": [\"map\", [[\"n_rxq\", 2]]]}]}",
        "ovsdb-server sent an unexpected Interface.options (table Interface, "
        "row 0, a): [\"map\",[[\"n_rxq\",2]]]; expected a map of strings",
        "a map value that is not a string");
    expect_unexpected(
        "{\"Port\": [{\"_uuid\": [\"uuid\", \"p1\"], \"name\": \"p\","
        " \"tag\": [\"set\", [1, 2]]}]}",
        "ovsdb-server sent an unexpected Port.tag (table Port, row 0, p): "
        "[\"set\",[1,2]]; expected an integer or an empty set",
        "an optional column with two values");
    expect_unexpected(
        "{\"Open_vSwitch\": [{\"_uuid\": \"o1\"}]}",
        "ovsdb-server sent an unexpected Open_vSwitch._uuid (table "
        "Open_vSwitch, row 0): \"o1\"; expected [\"uuid\", STRING]",
        "a bare _uuid");
    expect_unexpected("{\"Port\": [7]}",
        "ovsdb-server sent an unexpected Port row (table Port, row 0): 7; "
        "expected an object", "a row that is not an object");
    expect_unexpected("{\"Port\": {}}",
        "ovsdb-server sent an unexpected table Port: not an array of rows",
        "a table that is not an array");
}

/* ovs_status_build() on dumps that pass the shape check but lack what a
 * running OVS has (found by tests/fuzz/fuzz-ovsdb): no Open_vSwitch row,
 * no other_config, an interface without link_state.  Before, the status
 * was NULL and 'ovs status' printed nothing with exit 0. */
static void
test_status_sparse_dump(void)
{
    static const char *const dumps[] = {
        "{\"Open_vSwitch\": [], \"Interface\": []}",
        "{\"Open_vSwitch\": [{\"_uuid\": [\"uuid\", \"a\"]}],"
        " \"Interface\": [{\"_uuid\": [\"uuid\", \"b\"],"
        "  \"name\": \"dpdk-up0\", \"type\": \"dpdk\"}]}",
    };
    struct ovs_opts o;

    ovs_opts_init(&o);
    for (size_t i = 0; i < ARRAY_SIZE(dumps); i++) {
        json_t *dump = json_loads(dumps[i], 0, NULL);
        struct diag d;
        json_t *st;

        diag_init(&d);
        ok(!ovsdb_dump_check(dump, &d), "sparse dump %zu passes the shape "
           "check", i);
        st = ovs_status_build(&o, dump, "", "", NULL);
        ok(json_is_object(json_object_get(st, "other_config"))
           && json_array_size(json_object_get(st, "ports")) == i,
           "sparse dump %zu: a status, other_config {}, %zu port(s)", i, i);
        json_decref(st);
        json_decref(dump);
        diag_destroy(&d);
    }
    ovs_opts_destroy(&o);
}

/* 'ovs status' text from a status whose strings are missing (an
 * interface row without name or type, an rx queue without its port, a
 * finding that is not a string): '?' in their place, never NULL to %s. */
static void
test_status_print_missing(void)
{
    static const char status[] =
        "{\"pmds\": [{\"core\": 1, \"numa\": 0,"
        "  \"rxqs\": [{\"queue\": 0, \"enabled\": true}]}],"
        " \"ports\": [{\"rx_packets\": 1}], \"findings\": [7]}";
    static const char dump_text[] =
        "{\"Open_vSwitch\": [{\"_uuid\": [\"uuid\", \"a\"]}],"
        " \"Interface\": [{\"_uuid\": [\"uuid\", \"b\"]}]}";
    json_t *st = json_loads(status, 0, NULL);
    json_t *dump = json_loads(dump_text, 0, NULL);
    struct ovs_opts o;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    ovs_opts_init(&o);
    ovs_status_print(st, false, out);
    json_decref(st);
    st = ovs_status_build(&o, dump, "", "", NULL);
    ovs_status_print(st, false, out);
    fclose(out);
    ok(!strstr(text, "(null)"), "status text with missing strings: no "
       "(null) printed");
    ok(strstr(text, "    rxq ?/0: ") && strstr(text, "  ?                  ?")
       && strstr(text, "  - ?\n"), "... '?' for the rx queue's port, the "
       "port's name and type, and a finding that is not a string");
    free(text);
    json_decref(st);
    json_decref(dump);
    ovs_opts_destroy(&o);
}

int
main(void)
{
    test_status_parsers();
    test_findings();
    test_wire_values();
    test_names();
    test_vhost_port();
    test_diff();
    test_dump_check();
    test_status_sparse_dump();
    test_status_print_missing();
    return done_testing();
}
