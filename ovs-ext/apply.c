/* apply.c: desired state -> one guarded OVSDB transaction (see apply.h). */
#include <config.h>

#include "ovs-ext/apply.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ovs-ext/jsonrpc.h"
#include "ovs-ext/ovsdb.h"
#include "ovs-ext/want.h"
#include "lib/changes.h"
#include "lib/util.h"

/* A managed column: scalars (optional ones included) are replaced whole;
 * maps are merged, so keys set by others survive. */
enum col_kind { K_SCALAR, K_MAP };

struct col {
    const char *name;
    enum col_kind kind;
};

static const struct col ovs_cols[] = {
    { "other_config", K_MAP },
};
static const struct col bridge_cols[] = {
    { "datapath_type", K_SCALAR },
};
static const struct col port_cols[] = {
    { "tag", K_SCALAR }, { "bond_mode", K_SCALAR }, { "lacp", K_SCALAR },
    { "external_ids", K_MAP },
};
static const struct col iface_cols[] = {
    { "type", K_SCALAR }, { "options", K_MAP }, { "mtu_request", K_SCALAR },
    { "other_config", K_MAP }, { "external_ids", K_MAP },
};

/* Keys ovs-vswitchd reads only when DPDK initializes. */
static const char *const restart_keys[] = {
    "dpdk-init", "dpdk-lcore-mask", "dpdk-socket-mem", "dpdk-socket-limit",
    "dpdk-extra", "vhost-sock-dir", "dpdk-hugepage-dir",
};

struct diff {
    const json_t *dump;
    const json_t *want;
    const json_t *br;           /* Our bridge as read, or NULL. */
    json_t *ops;                /* Operations that change something. */
    json_t *waits;              /* Guards: the rows the diff was read from. */
    size_t n_named;
    struct sbuf *log;
    struct changes *changes;    /* The same changes, for --json; or NULL. */
    struct diag *d;
};

/* One change for --json (lib/changes.h), beside its line in the log. */
static void
note(struct diff *df, const char *before, const char *after,
     const char *what_fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
note(struct diff *df, const char *before, const char *after,
     const char *what_fmt, ...)
{
    va_list args;
    char *what;

    if (!df->changes) {
        return;
    }
    va_start(args, what_fmt);
    what = xvasprintf(what_fmt, args);
    va_end(args);
    changes_add(df->changes, what, before, after);
    free(what);
}

static const char *
row_name(const json_t *row)
{
    return json_string_value(json_object_get(row, "name"));
}

static const char *
row_uuid(const json_t *row)
{
    return json_string_value(json_array_get(json_object_get(row, "_uuid"),
                                            1));
}

/* The row of 'table' whose name (or, with 'by_uuid', _uuid) is 'key'. */
static const json_t *
find_by(const json_t *dump, const char *table, bool by_uuid, const char *key)
{
    const json_t *row;
    size_t i;

    json_array_foreach(json_object_get(dump, table), i, row) {
        const char *v = by_uuid ? row_uuid(row) : row_name(row);
        if (v && key && !strcmp(v, key)) {
            return row;
        }
    }
    return NULL;
}

static const json_t *
find_row(const json_t *dump, const char *table, const char *name)
{
    return find_by(dump, table, false, name);
}

static const json_t *
find_uuid(const json_t *dump, const char *table, const char *uuid)
{
    return find_by(dump, table, true, uuid);
}

/* The uuids of a set-of-references column, as plain strings. */
static json_t *
uuid_set(const json_t *row, const char *column)
{
    json_t *plain = ovsdb_to_plain(json_object_get(row, column));
    json_t *arr;

    if (json_is_array(plain)) {
        return plain;
    }
    arr = json_array();
    if (json_is_string(plain)) {
        json_array_append(arr, plain);
    }
    json_decref(plain);
    return arr;
}

static bool
set_has(const json_t *row, const char *column, const char *uuid)
{
    json_t *set = uuid_set(row, column), *v;
    bool found = false;
    size_t i;

    json_array_foreach(set, i, v) {
        const char *s = json_string_value(v);
        found |= s && uuid && !strcmp(s, uuid);
    }
    json_decref(set);
    return found;
}

static json_t *
where_uuid(const json_t *row)
{
    return json_pack("[[sso]]", "_uuid", "==", ovsdb_uuid_ref(row));
}

/* Guards 'row' of 'table': its 'cols' (and name and 'extra') must still
 * hold the values just read when the transaction commits. */
static void
wait_row(struct diff *df, const char *table, const json_t *row,
         const struct col *cols, size_t n, const char *extra)
{
    json_t *columns = json_array(), *values = json_object();
    const char *names[16];
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        names[k++] = cols[i].name;
    }
    if (extra) {
        names[k++] = extra;
    }
    if (json_object_get(row, "name")) {
        names[k++] = "name";
    }
    for (size_t i = 0; i < k; i++) {
        json_array_append_new(columns, json_string(names[i]));
        json_object_set(values, names[i], json_object_get(row, names[i]));
    }
    json_array_append_new(df->waits, json_pack(
        "{sssssisoso sss[o]}", "op", "wait", "table", table, "timeout", 0,
        "where", where_uuid(row), "columns", columns, "until", "==",
        "rows", values));
}

/* Guards the absence of a row named 'name' in 'table'. */
static void
wait_absent(struct diff *df, const char *table, const char *name)
{
    json_array_append_new(df->waits, json_pack(
        "{sssssis[[sss]]s[s]sss[]}", "op", "wait", "table", table,
        "timeout", 0, "where", "name", "==", name, "columns", "name",
        "until", "==", "rows"));
}

static void
add_op(struct diff *df, json_t *op)
{
    json_array_append_new(df->ops, op);
}

static char *
plain_text(const json_t *v)
{
    if (!v || json_is_null(v)) {
        return xstrdup("(none)");
    }
    if (json_is_string(v)) {
        return xstrdup(json_string_value(v));
    }
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static void
log_change(struct diff *df, const char *what, const char *col,
           const char *key, const json_t *old, const json_t *new)
{
    char *o = plain_text(old), *n = plain_text(new);

    sbuf_printf(df->log, "  ~ %s %s%s%s: %s -> %s\n", what, col,
                key ? ":" : "", key ? key : "", o, n);
    note(df, o, n, "%s %s%s%s", what, col, key ? ":" : "", key ? key : "");
    free(o);
    free(n);
}

/* The columns of 'cur' that differ from 'want', as a row for "update"
 * (wire form), or NULL when nothing differs. */
static json_t *
diff_columns(struct diff *df, const json_t *cur, const json_t *want,
             const struct col *cols, size_t n, const char *what)
{
    json_t *update = json_object();

    for (size_t i = 0; i < n; i++) {
        json_t *w = json_object_get(want, cols[i].name);
        json_t *c;

        if (!w) {
            continue;
        }
        c = ovsdb_to_plain(json_object_get(cur, cols[i].name));
        if (cols[i].kind == K_MAP) {
            bool changed = false;
            const char *k;
            json_t *v;

            if (!json_is_object(c)) {
                json_decref(c);
                c = json_object();
            }
            json_object_foreach(w, k, v) {
                if (!json_equal(json_object_get(c, k), v)) {
                    log_change(df, what, cols[i].name, k,
                               json_object_get(c, k), v);
                    changed = true;
                }
            }
            if (changed) {
                json_object_update(c, w);
                json_object_set_new(update, cols[i].name, ovsdb_map(c));
            }
        } else if (!json_equal(c, w)) {
            log_change(df, what, cols[i].name, NULL, c, w);
            json_object_set_new(update, cols[i].name, ovsdb_opt(w));
        }
        json_decref(c);
    }
    if (!json_object_size(update)) {
        json_decref(update);
        return NULL;
    }
    return update;
}

static void
update_row(struct diff *df, const char *table, const json_t *cur,
           json_t *update)
{
    if (update) {
        add_op(df, json_pack("{sssssoso}", "op", "update", "table", table,
                             "where", where_uuid(cur), "row", update));
    }
}

/* Inserts a row with the managed columns of 'want'; returns its
 * ["named-uuid", N] reference. */
static json_t *
insert_row(struct diff *df, const char *table, const json_t *want,
           const struct col *cols, size_t n, json_t *extra)
{
    char *uuid_name = xasprintf("row%zu", df->n_named++);
    json_t *row = extra ? extra : json_object(), *ref;

    if (row_name(want)) {
        json_object_set_new(row, "name", json_string(row_name(want)));
    }
    for (size_t i = 0; i < n; i++) {
        json_t *w = json_object_get(want, cols[i].name);
        if (w) {
            json_object_set_new(row, cols[i].name,
                                cols[i].kind == K_MAP ? ovsdb_map(w)
                                                      : ovsdb_opt(w));
        }
    }
    add_op(df, json_pack("{sssssoss}", "op", "insert", "table", table,
                         "row", row, "uuid-name", uuid_name));
    ref = json_pack("[ss]", "named-uuid", uuid_name);
    free(uuid_name);
    return ref;
}

static const char *
owner_bridge(const json_t *dump, const json_t *port)
{
    const json_t *br;
    size_t i;

    json_array_foreach(json_object_get(dump, "Bridge"), i, br) {
        if (set_has(br, "ports", row_uuid(port))) {
            return row_name(br);
        }
    }
    return "(none)";
}

static bool
wanted_port(const json_t *want, const char *name)
{
    const json_t *p;
    size_t i;

    json_array_foreach(json_object_get(want, "ports"), i, p) {
        const char *n = row_name(p);
        if (n && name && !strcmp(n, name)) {
            return true;
        }
    }
    return false;
}

/* An interface of a managed port that this apply takes off our bridge
 * may move to a wanted port (one uplink becoming a bond member). */
static bool
movable_iface(const struct diff *df, const json_t *ci)
{
    const json_t *p;
    size_t i;

    if (!df->br || !json_is_true(json_object_get(df->want, "exclusive"))) {
        return false;
    }
    json_array_foreach(json_object_get(df->dump, "Port"), i, p) {
        if (set_has(p, "interfaces", row_uuid(ci))) {
            const char *m = ovsdb_map_get(p, "external_ids",
                                          "nfvhost-managed");
            return m && !strcmp(m, "true")
                   && set_has(df->br, "ports", row_uuid(p))
                   && !wanted_port(df->want, row_name(p));
        }
    }
    return false;
}

/* The interfaces of one port: their references for Port.interfaces, or
 * NULL on error.  '*changed' tells whether the set differs. */
static json_t *
diff_interfaces(struct diff *df, const json_t *want_port, const json_t *cur,
                bool *changed)
{
    const json_t *ifaces = json_object_get(want_port, "interfaces");
    json_t *refs = json_array(), *cur_set = NULL;
    const json_t *wi;
    size_t i;

    *changed = false;
    json_array_foreach(ifaces, i, wi) {
        const char *name = row_name(wi);
        const json_t *ci = find_row(df->dump, "Interface", name);
        char *what = xasprintf("Interface %s", name);

        if (ci && (!cur || !set_has(cur, "interfaces", row_uuid(ci)))) {
            if (!movable_iface(df, ci)) {
                diag_error(df->d, NFV_EINPUT, "interface %s already exists "
                           "in another port; remove it first", name);
                free(what);
                json_decref(refs);
                return NULL;
            }
            sbuf_printf(df->log, "  ~ Interface %s moves to port %s\n",
                        name, row_name(want_port));
            note(df, "in another port", row_name(want_port), "%s", what);
            *changed = true;
        }
        if (ci) {
            wait_row(df, "Interface", ci, iface_cols, ARRAY_SIZE(iface_cols),
                     NULL);
            update_row(df, "Interface", ci,
                       diff_columns(df, ci, wi, iface_cols,
                                    ARRAY_SIZE(iface_cols), what));
            json_array_append_new(refs, ovsdb_uuid_ref(ci));
        } else {
            wait_absent(df, "Interface", name);
            sbuf_printf(df->log, "  + Interface %s\n", name);
            note(df, NULL, "added", "%s", what);
            json_array_append_new(refs, insert_row(df, "Interface", wi,
                                                   iface_cols,
                                                   ARRAY_SIZE(iface_cols),
                                                   NULL));
            *changed = true;
        }
        free(what);
    }
    if (cur) {
        cur_set = uuid_set(cur, "interfaces");
        *changed |= json_array_size(cur_set) != json_array_size(refs);
        json_decref(cur_set);
    }
    return refs;
}

/* Returns the port's reference (new), setting '*is_new' when it is to be
 * inserted; NULL on error. */
static json_t *
diff_port(struct diff *df, const json_t *want_port, const json_t *br,
          bool *is_new)
{
    const char *name = row_name(want_port);
    const json_t *cur = find_row(df->dump, "Port", name);
    json_t *refs, *update;
    bool ifaces_changed;
    char *what;

    *is_new = !cur;
    if (cur && (!br || !set_has(br, "ports", row_uuid(cur)))) {
        diag_error(df->d, NFV_EINPUT, "port %s already exists on bridge %s",
                   name, owner_bridge(df->dump, cur));
        return NULL;
    }
    refs = diff_interfaces(df, want_port, cur, &ifaces_changed);
    if (!refs) {
        return NULL;
    }
    if (!cur) {
        wait_absent(df, "Port", name);
        sbuf_printf(df->log, "  + Port %s\n", name);
        note(df, NULL, "added", "Port %s", name);
        return insert_row(df, "Port", want_port, port_cols,
                          ARRAY_SIZE(port_cols),
                          json_pack("{s[so]}", "interfaces", "set", refs));
    }
    wait_row(df, "Port", cur, port_cols, ARRAY_SIZE(port_cols),
             "interfaces");
    what = xasprintf("Port %s", name);
    update = diff_columns(df, cur, want_port, port_cols,
                          ARRAY_SIZE(port_cols), what);
    free(what);
    if (ifaces_changed) {
        if (!update) {
            update = json_object();
        }
        json_object_set_new(update, "interfaces",
                            json_pack("[sO]", "set", refs));
        sbuf_printf(df->log, "  ~ Port %s interfaces\n", name);
        note(df, "other interfaces", "the planned interfaces",
             "Port %s interfaces", name);
    }
    update_row(df, "Port", cur, update);
    json_decref(refs);
    return ovsdb_uuid_ref(cur);
}

/* Ports to take off the bridge: managed ones the plan no longer has (an
 * exclusive apply) and the ones named in "delete". */
static int
ports_to_delete(struct diff *df, const json_t *want, const json_t *br,
                json_t *dels)
{
    const json_t *name;
    size_t i;

    if (br && json_is_true(json_object_get(want, "exclusive"))) {
        json_t *set = uuid_set(br, "ports"), *u;
        json_array_foreach(set, i, u) {
            const json_t *p = find_uuid(df->dump, "Port",
                                        json_string_value(u));
            const char *m = p ? ovsdb_map_get(p, "external_ids",
                                              "nfvhost-managed") : NULL;
            if (m && !strcmp(m, "true") && !wanted_port(want, row_name(p))) {
                sbuf_printf(df->log, "  - Port %s\n", row_name(p));
                note(df, "present", NULL, "Port %s", row_name(p));
                json_array_append_new(dels, ovsdb_uuid_ref(p));
            }
        }
        json_decref(set);
    }
    json_array_foreach(json_object_get(want, "delete"), i, name) {
        const json_t *p = find_row(df->dump, "Port", json_string_value(name));
        bool there = p && br && set_has(br, "ports", row_uuid(p));
        if (!there && json_is_true(json_object_get(want,
                                                   "delete_if_exists"))) {
            continue;           /* Gone already: a second apply. */
        }
        if (!there) {
            return diag_error(df->d, NFV_EINPUT, "no port %s on bridge %s",
                              json_string_value(name),
                              json_string_value(json_object_get(want,
                                                                "bridge")));
        }
        wait_row(df, "Port", p, NULL, 0, "interfaces");
        sbuf_printf(df->log, "  - Port %s\n", json_string_value(name));
        note(df, "present", NULL, "Port %s", json_string_value(name));
        json_array_append_new(dels, ovsdb_uuid_ref(p));
    }
    return 0;
}

static void
mutate_set(struct diff *df, const char *table, const json_t *row,
           const char *column, const char *mutator, json_t *refs)
{
    add_op(df, json_pack("{sssssos[[ss[so]]]}", "op", "mutate",
                         "table", table, "where", where_uuid(row),
                         "mutations", column, mutator, "set", refs));
}

static int
diff_bridge(struct diff *df, const json_t *want, const json_t *ovs_row,
            json_t *ovs_insert_row)
{
    const char *name = json_string_value(json_object_get(want, "bridge"));
    const json_t *br = find_row(df->dump, "Bridge", name);
    json_t *adds = json_array(), *dels = json_array();
    const json_t *wp;
    size_t i;

    if (br) {
        json_t *dp = ovsdb_to_plain(json_object_get(br, "datapath_type"));
        bool netdev = json_is_string(dp)
                      && !strcmp(json_string_value(dp), "netdev");
        if (!netdev) {
            diag_error(df->d, NFV_EINPUT, "bridge %s exists with "
                       "datapath_type '%s'; OVS-DPDK ports need 'netdev' "
                       "(delete the bridge or pick another with --bridge)",
                       name, json_is_string(dp) ? json_string_value(dp)
                                                : "");
        }
        json_decref(dp);
        if (!netdev) {
            goto err;
        }
        wait_row(df, "Bridge", br, bridge_cols, ARRAY_SIZE(bridge_cols),
                 "ports");
    } else {
        wait_absent(df, "Bridge", name);
    }
    df->br = br;
    json_array_foreach(json_object_get(want, "ports"), i, wp) {
        bool is_new;
        json_t *ref = diff_port(df, wp, br, &is_new);
        if (!ref) {
            goto err;
        }
        if (is_new) {
            json_array_append_new(adds, ref);
        } else {
            json_decref(ref);
        }
    }
    if (ports_to_delete(df, want, br, dels)) {
        goto err;
    }
    if (br) {
        if (json_array_size(adds)) {
            mutate_set(df, "Bridge", br, "ports", "insert", json_incref(adds));
        }
        if (json_array_size(dels)) {
            mutate_set(df, "Bridge", br, "ports", "delete", json_incref(dels));
        }
    } else if (json_array_size(json_object_get(want, "ports"))
               || !json_array_size(json_object_get(want, "delete"))) {
        json_t *ref;

        sbuf_printf(df->log, "  + Bridge %s (datapath_type=netdev)\n", name);
        note(df, NULL, "datapath_type=netdev", "Bridge %s", name);
        json_t *wb = json_pack("{ssss}", "name", name,
                               "datapath_type", "netdev");
        ref = insert_row(df, "Bridge", wb, bridge_cols,
                         ARRAY_SIZE(bridge_cols),
                         json_pack("{s[sO]s[s[[ss]]]}", "ports", "set",
                                   adds, "external_ids", "map",
                                   "nfvhost-managed", "true"));
        json_decref(wb);
        if (ovs_row) {
            mutate_set(df, "Open_vSwitch", ovs_row, "bridges", "insert",
                       json_pack("[o]", ref));
        } else {
            json_object_set_new(ovs_insert_row, "bridges",
                                json_pack("[s[o]]", "set", ref));
        }
    }
    json_decref(adds);
    json_decref(dels);
    return 0;

err:
    json_decref(adds);
    json_decref(dels);
    return df->d->status;
}

json_t *
ovs_diff(const json_t *dump, const json_t *want, size_t *n_changes,
         struct sbuf *log, struct changes *changes, struct diag *d)
{
    struct diff df = { .dump = dump, .want = want, .ops = json_array(),
                       .waits = json_array(), .log = log,
                       .changes = changes, .d = d };
    const json_t *ovs_row = json_array_get(json_object_get(dump,
                                                           "Open_vSwitch"),
                                           0);
    json_t *ovs_insert = NULL, *want_oc = json_object_get(want,
                                                          "other_config");
    json_t *ops;

    if (ovs_row) {
        json_t *w = json_pack("{so}", "other_config",
                              want_oc ? json_incref(want_oc) : json_object());
        wait_row(&df, "Open_vSwitch", ovs_row, ovs_cols, ARRAY_SIZE(ovs_cols),
                 NULL);
        update_row(&df, "Open_vSwitch", ovs_row,
                   diff_columns(&df, ovs_row, w, ovs_cols,
                                ARRAY_SIZE(ovs_cols), "Open_vSwitch"));
        json_decref(w);
    } else {
        /* A database fresh from 'ovsdb-tool create' has no row yet. */
        json_array_append_new(df.waits, json_pack(
            "{sssssis[]s[s]sss[]}", "op", "wait", "table", "Open_vSwitch",
            "timeout", 0, "where", "columns", "_uuid", "until", "==",
            "rows"));
        ovs_insert = json_object();
        sbuf_puts(log, "  + Open_vSwitch row\n");
        note(&df, NULL, "added", "Open_vSwitch row");
    }
    if (diff_bridge(&df, want, ovs_row, ovs_insert)) {
        json_decref(ovs_insert);
        json_decref(df.ops);
        json_decref(df.waits);
        return NULL;
    }
    if (ovs_insert) {
        if (want_oc) {
            json_object_set_new(ovs_insert, "other_config",
                                ovsdb_map(want_oc));
        }
        json_array_insert_new(df.ops, 0, json_pack(
            "{sssssoss}", "op", "insert", "table", "Open_vSwitch",
            "row", ovs_insert, "uuid-name", "ovsrow"));
    }
    *n_changes = json_array_size(df.ops);
    if (*n_changes && ovs_row) {
        /* Lets us wait for ovs-vswitchd to catch up (cur_cfg). */
        add_op(&df, json_pack("{sssssos[[ssi]]}", "op", "mutate",
                              "table", "Open_vSwitch", "where",
                              where_uuid(ovs_row), "mutations", "next_cfg",
                              "+=", 1));
    }
    ops = df.waits;
    json_array_extend(ops, df.ops);
    json_decref(df.ops);
    if (*n_changes) {
        json_array_append_new(ops, json_pack("{ssss}", "op", "comment",
                                             "comment", "nfvhost ovs"));
    }
    return ops;
}

static const char *const dump_tables[] = {
    "Open_vSwitch", "Bridge", "Port", "Interface", NULL,
};

/* Says which DPDK start-up keys the running daemon already uses. */
static void
report_restart_keys(const json_t *before, const json_t *want, FILE *out)
{
    const json_t *row = json_array_get(json_object_get(before,
                                                       "Open_vSwitch"), 0);
    json_t *init = ovsdb_to_plain(json_object_get(row, "dpdk_initialized"));
    bool running = json_is_true(init);
    const json_t *oc = json_object_get(want, "other_config");

    json_decref(init);
    fprintf(out, "DPDK start-up keys (ovs-vswitchd reads them once):\n");
    for (size_t i = 0; i < ARRAY_SIZE(restart_keys); i++) {
        const char *v = json_string_value(json_object_get(oc,
                                                          restart_keys[i]));
        const char *old = row ? ovsdb_map_get(row, "other_config",
                                              restart_keys[i]) : NULL;
        if (!v) {
            continue;
        }
        fprintf(out, "  %s=%s: %s\n", restart_keys[i], v,
                !running ? "read when DPDK initializes"
                : old && !strcmp(old, v) ? "in use by the running "
                                           "ovs-vswitchd"
                : "changed: restart ovs-vswitchd to use it");
    }
}

/* After ovs-vswitchd caught up: any port it could not set up? */
static int
check_iface_errors(struct jsonrpc *rpc, const json_t *want, FILE *out,
                   struct diag *d)
{
    static const char *const tables[] = { "Interface", NULL };
    json_t *dump = ovsdb_dump(rpc, tables, d);
    const json_t *p, *i;
    size_t pi, ii;
    int bad = 0;

    if (!dump) {
        return d->status;
    }
    json_array_foreach(json_object_get(want, "ports"), pi, p) {
        json_array_foreach(json_object_get(p, "interfaces"), ii, i) {
            const json_t *row = find_row(dump, "Interface", row_name(i));
            json_t *err = ovsdb_to_plain(json_object_get(row, "error"));
            if (json_is_string(err)) {
                fprintf(out, "  ! Interface %s: %s\n", row_name(i),
                        json_string_value(err));
                bad++;
            }
            json_decref(err);
        }
    }
    json_decref(dump);
    if (bad) {
        return diag_error(d, NFV_ESYSTEM, "ovs-vswitchd could not set up "
                          "%d interface(s); see above", bad);
    }
    return 0;
}

/* One operation per line: readable, and greppable in tests. */
static void
print_ops(const json_t *ops, size_t n, FILE *out)
{
    const json_t *op;
    size_t i;

    fprintf(out, "dry run: this transaction (%zu changes) was not sent:\n"
            "[\"Open_vSwitch\",\n", n);
    json_array_foreach(ops, i, op) {
        char *s = json_dumps(op, JSON_COMPACT);
        fprintf(out, " %s%s\n", s, i + 1 < json_array_size(ops) ? "," : "]");
        free(s);
    }
}

/* Hands the changes of the attempt that counts to the caller's list. */
static void
keep_changes(const struct ovs_opts *o, struct changes *c)
{
    for (size_t i = 0; o->changes && i < c->n; i++) {
        changes_add(o->changes, c->items[i].what, c->items[i].before,
                    c->items[i].after);
    }
    changes_destroy(c);
}

int
ovs_apply_want(const json_t *want, const struct ovs_opts *o, FILE *out,
               struct diag *d)
{
    struct jsonrpc *rpc = jsonrpc_open(o->db, d);
    json_t *dump = NULL, *ops = NULL;
    json_int_t next_cfg = 0;
    size_t n = 0;
    int attempt;

    if (!rpc || ovsdb_echo(rpc, d)) {
        jsonrpc_close(rpc);
        return d->status;
    }
    for (attempt = 1; attempt <= APPLY_MAX_ATTEMPTS; attempt++) {
        enum ovsdb_txn_status st;
        struct changes changes;     /* This attempt's. */
        struct sbuf log;

        json_decref(dump);
        dump = ovsdb_dump(rpc, dump_tables, d);
        if (!dump) {
            goto out;
        }
        sbuf_init(&log);
        changes_init(&changes);
        ops = ovs_diff(dump, want, &n, &log, &changes, d);
        if (!ops || !n || o->dry_run) {
            keep_changes(o, &changes);
            fputs(log.s ? log.s : "", out);
            sbuf_destroy(&log);
            if (ops && o->dry_run && n) {
                print_ops(ops, n, out);
            } else if (ops && !n) {
                fprintf(out, "nothing to change\n");
            }
            goto out;
        }
        st = ovsdb_transact(rpc, ops, NULL, d);
        ops = NULL;
        if (st == OVSDB_TXN_OK) {
            const json_t *row = json_array_get(
                json_object_get(dump, "Open_vSwitch"), 0);
            json_t *nc = ovsdb_to_plain(json_object_get(row, "next_cfg"));
            next_cfg = json_integer_value(nc) + 1;
            json_decref(nc);
            keep_changes(o, &changes);
            fputs(log.s ? log.s : "", out);
            fprintf(out, "applied %zu change(s) in one transaction "
                    "(attempt %d)\n", n, attempt);
            sbuf_destroy(&log);
            break;
        }
        sbuf_destroy(&log);
        changes_destroy(&changes);
        if (st == OVSDB_TXN_ERROR) {
            goto out;
        }
        fprintf(out, "the database changed while we computed the change; "
                "reading it again (attempt %d failed)\n", attempt);
    }
    if (attempt > APPLY_MAX_ATTEMPTS) {
        diag_error(d, NFV_ESYSTEM, "the database kept changing; gave up "
                   "after %d attempts", APPLY_MAX_ATTEMPTS);
        goto out;
    }
    if (json_array_size(json_object_get(dump, "Open_vSwitch"))
        && !o->no_wait) {
        if (ovsdb_wait_cfg(rpc, next_cfg, OVSDB_TIMEOUT_MS, d)
            || check_iface_errors(rpc, want, out, d)) {
            goto out;
        }
        fprintf(out, "ovs-vswitchd applied it (cur_cfg %lld)\n",
                (long long) next_cfg);
    }

out:
    if (!d->status && json_object_get(want, "other_config")) {
        report_restart_keys(dump, want, out);
    }
    json_decref(ops);
    json_decref(dump);
    jsonrpc_close(rpc);
    return d->status;
}
