/* apply.h: make the Open_vSwitch database match a desired state.
 *
 * The database is read, the difference to the desired state (want.h) is
 * turned into one transaction whose "wait" operations guard every row and
 * column the difference was computed from (the ovs-vsctl way), and the
 * transaction is retried from a fresh read when another client changed one
 * of them in between.  With nothing to change no transaction is sent, so a
 * second apply is a no-op.  After a change, next_cfg is bumped and
 * ovs-vswitchd's cur_cfg is monitored until it caught up, then the
 * Interface "error" column of every port touched is checked. */
#ifndef NFV_APPLY_H
#define NFV_APPLY_H 1

#include <stdio.h>
#include <jansson.h>

#include "lib/diag.h"

struct ovs_opts;
struct jsonrpc;

#define APPLY_MAX_ATTEMPTS 5

/* Prints what changes (and, with --dry-run, the transaction) to 'out', and
 * notes them in o->changes when set.
 * Returns 0 or the diag status; the database is unchanged on error. */
int ovs_apply_want(const json_t *want, const struct ovs_opts *, FILE *out,
                   struct diag *);

/* The difference only: the operations (new array) that make 'dump' (an
 * ovsdb_dump() of Open_vSwitch, Bridge, Port, Interface) match 'want';
 * '*n_changes' counts the operations that change something (the rest are
 * waits).  Human-readable lines go to 'log', and the same changes to
 * 'changes' (lib/changes.h; may be NULL).  NULL on bad input. */
struct changes;
struct sbuf;
json_t *ovs_diff(const json_t *dump, const json_t *want, size_t *n_changes,
                 struct sbuf *log, struct changes *, struct diag *);

#endif /* ovs-ext/apply.h */
