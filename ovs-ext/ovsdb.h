/* ovsdb.h: RFC 7047 operations on the Open_vSwitch database.
 *
 * ovsdb_transact() runs one transaction and reports the first failed
 * operation in plain words; ovsdb_wait_cfg() monitors Open_vSwitch.cur_cfg
 * until ovs-vswitchd has caught up with a next_cfg; ovsdb_echo() checks
 * that the server answers.  The value helpers convert between OVSDB's wire
 * forms (["map",[[k,v]...]], ["set",[...]], bare atoms) and plain jansson
 * values (objects for maps, null for an empty optional). */
#ifndef NFV_OVSDB_H
#define NFV_OVSDB_H 1

#include <stdbool.h>
#include <jansson.h>

#include "lib/diag.h"

struct jsonrpc;

#define OVSDB_DEFAULT "unix:/var/run/openvswitch/db.sock"
#define OVSDB_TIMEOUT_MS 10000

/* Result of ovsdb_transact(). */
enum ovsdb_txn_status {
    OVSDB_TXN_OK,
    OVSDB_TXN_TRY_AGAIN,        /* A "wait" failed: someone changed a row. */
    OVSDB_TXN_ERROR,            /* diag set. */
};

/* Runs 'ops' (an array, stolen) against database Open_vSwitch.  On OK,
 * '*results' (if nonnull) gets the per-operation results. */
enum ovsdb_txn_status ovsdb_transact(struct jsonrpc *, json_t *ops,
                                     json_t **results, struct diag *);

/* Reads whole tables in one transaction: returns an object
 * {table: [rows...]} for each table of 'tables' (NULL-terminated).  The
 * dump has passed ovsdb_dump_check(), so its readers may take the shapes
 * below for granted. */
json_t *ovsdb_dump(struct jsonrpc *, const char *const *tables,
                   struct diag *);

/* Checks once, after reading, that 'dump' has the shape nfvhost relies on:
 * each table an array of row objects, each row with its "_uuid", and each
 * column nfvhost reads (in the tables Open_vSwitch, Bridge, Port and
 * Interface) of its OVSDB type: a name is a string, "ports" a set of
 * uuids, "tag" an optional integer, "options" a map of strings, and so
 * on.  Columns it does not read are not looked at.  0, or status 1 with
 * "ovsdb-server sent an unexpected ..." naming the table, row and column:
 * a database that does not look like Open vSwitch's is the system's
 * failure, and no reader ever meets a NULL where it expects a string. */
int ovsdb_dump_check(json_t *dump, struct diag *);

/* Waits until Open_vSwitch.cur_cfg >= 'cfg' (ovs-vswitchd has applied the
 * configuration); 0, or a diag status on timeout. */
int ovsdb_wait_cfg(struct jsonrpc *, json_int_t cfg, int timeout_ms,
                   struct diag *);

int ovsdb_echo(struct jsonrpc *, struct diag *);

/* Wire value -> plain: a map becomes an object, ["set",[]] null,
 * ["set",[x]] x, ["uuid",u] the string u; other sets become arrays. */
json_t *ovsdb_to_plain(const json_t *wire);
/* Plain object -> ["map", [[k, v]...]] (keys sorted). */
json_t *ovsdb_map(json_t *object);
/* null -> ["set", []], anything else as it is (new reference). */
json_t *ovsdb_opt(const json_t *value);
/* ["uuid", u] for a row's _uuid value (new reference). */
json_t *ovsdb_uuid_ref(const json_t *row);
/* The string value of map 'column' key 'key' of 'row' (wire form), or
 * NULL. */
const char *ovsdb_map_get(const json_t *row, const char *column,
                          const char *key);

#endif /* ovs-ext/ovsdb.h */
