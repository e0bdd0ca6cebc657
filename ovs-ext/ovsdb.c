/* ovsdb.c: RFC 7047 operations (see ovsdb.h). */
#include <config.h>

#include "ovs-ext/ovsdb.h"

#include <string.h>
#include <time.h>

#include "ovs-ext/jsonrpc.h"
#include "lib/util.h"

#define DB_NAME "Open_vSwitch"

enum ovsdb_txn_status
ovsdb_transact(struct jsonrpc *rpc, json_t *ops, json_t **results,
               struct diag *d)
{
    json_t *params = json_array();
    json_t *res;
    size_t i;

    json_array_append_new(params, json_string(DB_NAME));
    json_array_extend(params, ops);
    json_decref(ops);
    res = jsonrpc_call(rpc, "transact", params, OVSDB_TIMEOUT_MS, d);
    if (!res) {
        return OVSDB_TXN_ERROR;
    }
    for (i = 0; i < json_array_size(res); i++) {
        json_t *r = json_array_get(res, i);
        const char *error = json_string_value(json_object_get(r, "error"));
        const char *details;

        if (!error) {
            continue;
        }
        if (!strcmp(error, "timed out")) {
            json_decref(res);
            return OVSDB_TXN_TRY_AGAIN;
        }
        details = json_string_value(json_object_get(r, "details"));
        diag_error(d, NFV_ESYSTEM, "OVSDB transaction failed at operation "
                   "%zu: %s%s%s", i, error, details ? ": " : "",
                   details ? details : "");
        json_decref(res);
        return OVSDB_TXN_ERROR;
    }
    if (results) {
        *results = res;
    } else {
        json_decref(res);
    }
    return OVSDB_TXN_OK;
}

json_t *
ovsdb_dump(struct jsonrpc *rpc, const char *const *tables, struct diag *d)
{
    json_t *ops = json_array();
    json_t *res, *dump;
    size_t n = 0;

    for (const char *const *t = tables; *t; t++, n++) {
        json_array_append_new(ops, json_pack("{sssss[]}", "op", "select",
                                             "table", *t, "where"));
    }
    if (ovsdb_transact(rpc, ops, &res, d) != OVSDB_TXN_OK) {
        return NULL;
    }
    dump = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *rows = json_object_get(json_array_get(res, i), "rows");
        if (!json_is_array(rows)) {
            diag_error(d, NFV_ESYSTEM, "ovsdb-server sent an unexpected "
                       "reply to a select of table %s: no \"rows\" array",
                       tables[i]);
            break;
        }
        json_object_set(dump, tables[i], rows);
    }
    json_decref(res);
    if (d->status || ovsdb_dump_check(dump, d)) {
        json_decref(dump);
        return NULL;
    }
    return dump;
}

/* The OVSDB types of the columns nfvhost reads. */
enum col_type {
    COL_STRING,
    COL_INTEGER,
    COL_BOOLEAN,
    COL_OPT_STRING,             /* A string or the empty set. */
    COL_OPT_INTEGER,
    COL_UUID_SET,               /* Row references. */
    COL_STRING_MAP,             /* string -> string */
    COL_INTEGER_MAP,            /* string -> integer (statistics) */
};

static const char *const col_type_names[] = {
    [COL_STRING] = "a string",
    [COL_INTEGER] = "an integer",
    [COL_BOOLEAN] = "a boolean",
    [COL_OPT_STRING] = "a string or an empty set",
    [COL_OPT_INTEGER] = "an integer or an empty set",
    [COL_UUID_SET] = "a set of uuids",
    [COL_STRING_MAP] = "a map of strings",
    [COL_INTEGER_MAP] = "a map of strings to integers",
};

struct col_spec {
    const char *table;
    const char *column;
    enum col_type type;
    bool required;              /* Rows are looked up by it. */
};

/* Every column of these tables that ovs-ext or check reads. */
static const struct col_spec col_specs[] = {
    { "Open_vSwitch", "other_config", COL_STRING_MAP, false },
    { "Open_vSwitch", "next_cfg", COL_INTEGER, false },
    { "Open_vSwitch", "cur_cfg", COL_INTEGER, false },
    { "Open_vSwitch", "dpdk_initialized", COL_BOOLEAN, false },
    { "Open_vSwitch", "bridges", COL_UUID_SET, false },
    { "Bridge", "name", COL_STRING, true },
    { "Bridge", "datapath_type", COL_STRING, false },
    { "Bridge", "ports", COL_UUID_SET, false },
    { "Bridge", "external_ids", COL_STRING_MAP, false },
    { "Port", "name", COL_STRING, true },
    { "Port", "interfaces", COL_UUID_SET, false },
    { "Port", "tag", COL_OPT_INTEGER, false },
    { "Port", "bond_mode", COL_OPT_STRING, false },
    { "Port", "lacp", COL_OPT_STRING, false },
    { "Port", "external_ids", COL_STRING_MAP, false },
    { "Interface", "name", COL_STRING, true },
    { "Interface", "type", COL_STRING, false },
    { "Interface", "options", COL_STRING_MAP, false },
    { "Interface", "mtu_request", COL_OPT_INTEGER, false },
    { "Interface", "other_config", COL_STRING_MAP, false },
    { "Interface", "external_ids", COL_STRING_MAP, false },
    { "Interface", "status", COL_STRING_MAP, false },
    { "Interface", "statistics", COL_INTEGER_MAP, false },
    { "Interface", "link_state", COL_OPT_STRING, false },
    { "Interface", "error", COL_OPT_STRING, false },
    { "Interface", "ofport", COL_OPT_INTEGER, false },
};

/* ["uuid", "..."] */
static bool
is_uuid(const json_t *v)
{
    return json_array_size(v) == 2
           && !strcmp(json_string_value(json_array_get(v, 0)) ?: "", "uuid")
           && json_is_string(json_array_get(v, 1));
}

/* ["set", [...]]: its elements, or NULL when 'v' is not a set. */
static const json_t *
set_body(const json_t *v)
{
    const json_t *body = json_array_get(v, 1);

    return json_array_size(v) == 2 && json_is_array(body)
           && !strcmp(json_string_value(json_array_get(v, 0)) ?: "", "set")
           ? body : NULL;
}

static bool
is_map(const json_t *v, bool integer_values)
{
    const json_t *body = json_array_get(v, 1), *kv;
    size_t i;

    if (json_array_size(v) != 2 || !json_is_array(body)
        || strcmp(json_string_value(json_array_get(v, 0)) ?: "", "map")) {
        return false;
    }
    json_array_foreach(body, i, kv) {
        const json_t *val = json_array_get(kv, 1);
        if (json_array_size(kv) != 2
            || !json_is_string(json_array_get(kv, 0))
            || !(integer_values ? json_is_integer(val)
                                : json_is_string(val))) {
            return false;
        }
    }
    return true;
}

/* An optional atom: the atom itself, or a set of at most one. */
static bool
is_optional(const json_t *v, bool (*is_atom)(const json_t *))
{
    const json_t *body = set_body(v);

    if (!body) {
        return is_atom(v);
    }
    return json_array_size(body) == 0
           || (json_array_size(body) == 1 && is_atom(json_array_get(body, 0)));
}

static bool
is_string_atom(const json_t *v)
{
    return json_is_string(v);
}

static bool
is_integer_atom(const json_t *v)
{
    return json_is_integer(v);
}

static bool
col_ok(const json_t *v, enum col_type type)
{
    const json_t *body, *e;
    size_t i;

    switch (type) {
    case COL_STRING:
        return json_is_string(v);
    case COL_INTEGER:
        return json_is_integer(v);
    case COL_BOOLEAN:
        return json_is_boolean(v);
    case COL_OPT_STRING:
        return is_optional(v, is_string_atom);
    case COL_OPT_INTEGER:
        return is_optional(v, is_integer_atom);
    case COL_UUID_SET:
        if (is_uuid(v)) {
            return true;
        }
        body = set_body(v);
        json_array_foreach(body, i, e) {
            if (!is_uuid(e)) {
                return false;
            }
        }
        return body != NULL;
    case COL_STRING_MAP:
        return is_map(v, false);
    case COL_INTEGER_MAP:
        return is_map(v, true);
    }
    return false;
}

/* Says what came, where (table, row number and name) and what was
 * expected. */
static void
unexpected(struct diag *d, const char *table, size_t i, const json_t *row,
           const char *what, const json_t *value, const char *expected)
{
    char *text = value ? json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY)
                       : NULL;
    const char *name = json_string_value(json_object_get(row, "name"));

    diag_error(d, NFV_ESYSTEM, "ovsdb-server sent an unexpected %s%s%s "
               "(table %s, row %zu%s%s): %.60s%s; expected %s", table,
               what ? "." : "", what ? what : " row", table, i,
               name ? ", " : "", name ? name : "", text ? text : "nothing",
               text && strlen(text) > 60 ? "..." : "", expected);
    free(text);
}

static int
check_row(const char *table, size_t i, const json_t *row, struct diag *d)
{
    if (!json_is_object(row)) {
        unexpected(d, table, i, NULL, NULL, row, "an object");
        return d->status;
    }
    if (!is_uuid(json_object_get(row, "_uuid"))) {
        unexpected(d, table, i, row, "_uuid", json_object_get(row, "_uuid"),
                   "[\"uuid\", STRING]");
        return d->status;
    }
    for (size_t k = 0; k < ARRAY_SIZE(col_specs); k++) {
        const struct col_spec *c = &col_specs[k];
        const json_t *v = json_object_get(row, c->column);

        if (!strcmp(c->table, table) && (v || c->required)
            && !col_ok(v, c->type)) {
            unexpected(d, table, i, row, c->column, v,
                       col_type_names[c->type]);
            return d->status;
        }
    }
    return 0;
}

int
ovsdb_dump_check(json_t *dump, struct diag *d)
{
    const char *table;
    const json_t *rows;

    if (!json_is_object(dump)) {
        return diag_error(d, NFV_ESYSTEM, "ovsdb-server sent an unexpected "
                          "dump: not an object of tables");
    }
    json_object_foreach(dump, table, rows) {
        const json_t *row;
        size_t i;

        if (!json_is_array(rows)) {
            return diag_error(d, NFV_ESYSTEM, "ovsdb-server sent an "
                              "unexpected table %s: not an array of rows",
                              table);
        }
        json_array_foreach(rows, i, row) {
            if (check_row(table, i, row, d)) {
                return d->status;
            }
        }
    }
    return 0;
}

static json_int_t
cur_cfg_of_update(const json_t *update, json_int_t cur)
{
    json_t *table = json_object_get(update, DB_NAME);
    const char *uuid;
    json_t *change;

    json_object_foreach(table, uuid, change) {
        json_t *new = json_object_get(change, "new");
        json_t *v = json_object_get(new, "cur_cfg");
        if (json_is_integer(v)) {
            cur = json_integer_value(v);
        }
    }
    return cur;
}

/* ovs-vswitchd has applied the change by now: a monitor that does not go
 * away only sends updates a later call skips, so its failure is a warning,
 * never an error behind a success. */
static void
cancel_cfg_monitor(struct jsonrpc *rpc, int timeout_ms, struct diag *d)
{
    struct diag cancel;
    json_t *r;

    diag_init(&cancel);
    r = jsonrpc_call(rpc, "monitor_cancel", json_pack("[s]", "nfvhost-cfg"),
                     timeout_ms, &cancel);
    if (!r) {
        diag_warn(d, "the change is applied, but cancelling the cur_cfg "
                  "monitor failed: %s", cancel.msg);
    }
    json_decref(r);
    diag_destroy(&cancel);
}

int
ovsdb_wait_cfg(struct jsonrpc *rpc, json_int_t cfg, int timeout_ms,
               struct diag *d)
{
    json_t *params = json_pack("[ss{s{s[s]}}]", DB_NAME, "nfvhost-cfg",
                               DB_NAME, "columns", "cur_cfg");
    json_t *initial = jsonrpc_call(rpc, "monitor", params, timeout_ms, d);
    json_int_t cur;
    time_t deadline = time(NULL) + (timeout_ms + 999) / 1000;

    if (!initial) {
        return d->status;
    }
    cur = cur_cfg_of_update(initial, -1);
    json_decref(initial);
    while (cur < cfg) {
        int left = (int) (deadline - time(NULL)) * 1000;
        json_t *msg = left > 0 ? jsonrpc_recv(rpc, left, d) : NULL;
        const char *method;

        if (!msg) {
            return diag_error(d, NFV_ESYSTEM, "ovs-vswitchd did not apply "
                              "the change within %d s (cur_cfg %lld, want "
                              "%lld): is it running?", timeout_ms / 1000,
                              (long long) cur, (long long) cfg);
        }
        method = json_string_value(json_object_get(msg, "method"));
        if (method && !strcmp(method, "update")) {
            cur = cur_cfg_of_update(
                json_array_get(json_object_get(msg, "params"), 1), cur);
        }
        json_decref(msg);
    }
    cancel_cfg_monitor(rpc, timeout_ms, d);
    return 0;
}

int
ovsdb_echo(struct jsonrpc *rpc, struct diag *d)
{
    json_t *r = jsonrpc_call(rpc, "echo", json_pack("[s]", "nfvhost"),
                             OVSDB_TIMEOUT_MS, d);

    if (!r) {
        return d->status;
    }
    json_decref(r);
    return 0;
}

json_t *
ovsdb_to_plain(const json_t *wire)
{
    const char *tag = json_string_value(json_array_get(wire, 0));
    const json_t *body = json_array_get(wire, 1);

    if (!json_is_array(wire) || !tag) {
        return json_deep_copy(wire);
    }
    if (!strcmp(tag, "map")) {
        json_t *obj = json_object();
        for (size_t i = 0; i < json_array_size(body); i++) {
            json_t *kv = json_array_get(body, i);
            const char *k = json_string_value(json_array_get(kv, 0));
            if (k) {
                json_object_set_new(obj, k,
                                    ovsdb_to_plain(json_array_get(kv, 1)));
            }
        }
        return obj;
    }
    if (!strcmp(tag, "set")) {
        json_t *arr;
        if (json_array_size(body) == 0) {
            return json_null();
        }
        if (json_array_size(body) == 1) {
            return ovsdb_to_plain(json_array_get(body, 0));
        }
        arr = json_array();
        for (size_t i = 0; i < json_array_size(body); i++) {
            json_array_append_new(arr, ovsdb_to_plain(json_array_get(body,
                                                                     i)));
        }
        return arr;
    }
    if (!strcmp(tag, "uuid") || !strcmp(tag, "named-uuid")) {
        return json_deep_copy(body);
    }
    return json_deep_copy(wire);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

json_t *
ovsdb_map(json_t *object)
{
    size_t n = json_object_size(object), i = 0;
    const char **keys = xcalloc(n ? n : 1, sizeof *keys);
    json_t *pairs = json_array();
    const char *k;
    json_t *v;

    json_object_foreach(object, k, v) {
        keys[i++] = k;
    }
    qsort(keys, n, sizeof *keys, cmp_str);
    for (i = 0; i < n; i++) {
        json_array_append_new(pairs, json_pack("[sO]", keys[i],
                                               json_object_get(object,
                                                               keys[i])));
    }
    free(keys);
    return json_pack("[so]", "map", pairs);
}

json_t *
ovsdb_opt(const json_t *value)
{
    return !value || json_is_null(value) ? json_pack("[s[]]", "set")
                                         : json_deep_copy(value);
}

json_t *
ovsdb_uuid_ref(const json_t *row)
{
    return json_deep_copy(json_object_get(row, "_uuid"));
}

const char *
ovsdb_map_get(const json_t *row, const char *column, const char *key)
{
    const json_t *body = json_array_get(json_object_get(row, column), 1);

    for (size_t i = 0; i < json_array_size(body); i++) {
        json_t *kv = json_array_get(body, i);
        if (!strcmp(json_string_value(json_array_get(kv, 0)) ?: "", key)) {
            return json_string_value(json_array_get(kv, 1));
        }
    }
    return NULL;
}
