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

        if (!error) {
            continue;
        }
        if (!strcmp(error, "timed out")) {
            json_decref(res);
            return OVSDB_TXN_TRY_AGAIN;
        }
        diag_error(d, NFV_ESYSTEM, "OVSDB transaction failed at operation "
                   "%zu: %s%s%s", i, error,
                   json_object_get(r, "details") ? ": " : "",
                   json_object_get(r, "details")
                   ? json_string_value(json_object_get(r, "details")) : "");
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
        json_object_set(dump, tables[i],
                        json_object_get(json_array_get(res, i), "rows"));
    }
    json_decref(res);
    return dump;
}

static json_int_t
cur_cfg_of_update(const json_t *update, json_int_t cur)
{
    const json_t *table = json_object_get(update, DB_NAME);
    const char *uuid;
    json_t *change;

    json_object_foreach((json_t *) table, uuid, change) {
        json_t *new = json_object_get(change, "new");
        json_t *v = json_object_get(new, "cur_cfg");
        if (json_is_integer(v)) {
            cur = json_integer_value(v);
        }
    }
    return cur;
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
    json_decref(jsonrpc_call(rpc, "monitor_cancel",
                             json_pack("[s]", "nfvhost-cfg"), timeout_ms, d));
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
ovsdb_map(const json_t *object)
{
    size_t n = json_object_size(object), i = 0;
    const char **keys = xcalloc(n ? n : 1, sizeof *keys);
    json_t *pairs = json_array();
    const char *k;
    json_t *v;

    json_object_foreach((json_t *) object, k, v) {
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
