/* ovs-conn.h: the running OVS as the ovs, memory and loss layers read it.
 *
 * check_ovs_open() finds ovsdb-server (--db, or OVS's default socket) and
 * ovs-vswitchd's control socket beside it (ovs-ext/unixctl.h), reads the
 * Open_vSwitch, Bridge, Port and Interface tables in one transaction
 * (ovs-ext/ovsdb.h) and ovs-vswitchd's pid from its pidfile.  What could
 * not be reached is recorded, not fatal: 'db_down' and 'vswitchd_down'
 * mean the daemon is not running (no socket), 'error' that it is there
 * but did not answer. */
#ifndef NFV_CHECK_OVS_CONN_H
#define NFV_CHECK_OVS_CONN_H 1

#include <stdbool.h>
#include <jansson.h>

struct check_ovs {
    char *db;                   /* "unix:PATH". */
    char *db_path;              /* PATH. */
    char *ctl;                  /* Control socket, NULL if unknown. */
    bool db_down;               /* No ovsdb-server socket. */
    bool vswitchd_down;         /* No ovs-vswitchd control socket. */
    char *error;                /* Why a daemon that is there did not
                                 * answer; NULL if none. */
    json_t *dump;               /* {table: [rows]} in wire form, or NULL. */
    json_t *other_config;       /* Open_vSwitch other_config, plain. */
    bool dpdk_initialized;
    int vswitchd_pid;           /* 0: unknown. */
};

struct check_ovs *check_ovs_open(const char *db);
void check_ovs_close(struct check_ovs *);

/* Runs an ovs-appctl command; the reply text (caller frees) or NULL with
 * the reason in '*why' (caller frees). */
char *check_ovs_appctl(const struct check_ovs *, const char *command,
                       char **why);

/* The Interface row named 'name' (wire form), or NULL. */
const json_t *check_ovs_iface(const struct check_ovs *, const char *name);
/* The Port row named 'name', or NULL. */
const json_t *check_ovs_port(const struct check_ovs *, const char *name);
/* A column of a row as a plain value (ovsdb_to_plain); new reference. */
json_t *check_ovs_col(const json_t *row, const char *column);

#endif /* check/ovs-conn.h */
