/* ovs-conn.c: reading the running OVS once (see ovs-conn.h). */
#include <config.h>

#include "check/ovs-conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ovs-ext/jsonrpc.h"
#include "ovs-ext/ovsdb.h"
#include "ovs-ext/unixctl.h"
#include "lib/util.h"

static bool
is_socket(const char *path)
{
    struct stat st;

    return !stat(path, &st) && S_ISSOCK(st.st_mode);
}

/* ovs-vswitchd.pid beside the database socket. */
static int
read_pid(const char *db_path)
{
    const char *slash = strrchr(db_path, '/');
    char *path = xasprintf("%.*s/ovs-vswitchd.pid",
                           slash ? (int) (slash - db_path) : 1,
                           slash ? db_path : ".");
    FILE *f = fopen(path, "r");
    int pid = 0;

    if (f) {
        if (fscanf(f, "%d", &pid) != 1) {
            pid = 0;
        }
        fclose(f);
    }
    free(path);
    return pid;
}

static void
read_db(struct check_ovs *c)
{
    static const char *const tables[] = {
        "Open_vSwitch", "Bridge", "Port", "Interface", NULL,
    };
    struct diag d;
    struct jsonrpc *rpc;
    const json_t *ovs_row;
    json_t *init;

    diag_init(&d);
    rpc = jsonrpc_open(c->db, &d);
    c->dump = rpc ? ovsdb_dump(rpc, tables, &d) : NULL;
    jsonrpc_close(rpc);
    if (!c->dump) {
        c->error = xstrdup(d.msg);
        diag_destroy(&d);
        return;
    }
    diag_destroy(&d);
    ovs_row = json_array_get(json_object_get(c->dump, "Open_vSwitch"), 0);
    c->other_config = check_ovs_col(ovs_row, "other_config");
    if (!json_is_object(c->other_config)) {
        json_decref(c->other_config);
        c->other_config = json_object();
    }
    init = check_ovs_col(ovs_row, "dpdk_initialized");
    c->dpdk_initialized = json_is_true(init);
    json_decref(init);
}

struct check_ovs *
check_ovs_open(const char *db)
{
    struct check_ovs *c = xcalloc(1, sizeof *c);
    const char *path;
    struct diag d;

    c->db = db ? (strncmp(db, "unix:", 5) ? xasprintf("unix:%s", db)
                  : xstrdup(db)) : xstrdup(OVSDB_DEFAULT);
    path = c->db + 5;
    c->db_path = xstrdup(path);
    if (!is_socket(path)) {
        c->db_down = true;
        c->vswitchd_down = true;
        return c;
    }
    read_db(c);
    diag_init(&d);
    c->ctl = unixctl_default_target(c->db, &d);
    diag_destroy(&d);
    if (!c->ctl || !is_socket(c->ctl)) {
        c->vswitchd_down = true;
    }
    c->vswitchd_pid = read_pid(path);
    return c;
}

void
check_ovs_close(struct check_ovs *c)
{
    if (c) {
        free(c->db);
        free(c->db_path);
        free(c->ctl);
        free(c->error);
        json_decref(c->dump);
        json_decref(c->other_config);
        free(c);
    }
}

char *
check_ovs_appctl(const struct check_ovs *c, const char *command, char **why)
{
    struct diag d;
    char *text;

    *why = NULL;
    if (!c->ctl || c->vswitchd_down) {
        *why = xstrdup("ovs-vswitchd is not running");
        return NULL;
    }
    diag_init(&d);
    text = unixctl_command(c->ctl, command, 0, NULL, &d);
    if (!text) {
        *why = xasprintf("ovs-appctl %s: %s", command, d.msg);
    }
    diag_destroy(&d);
    return text;
}

static const json_t *
row_named(const struct check_ovs *c, const char *table, const char *name)
{
    const json_t *row;
    size_t i;

    json_array_foreach(json_object_get(c->dump, table), i, row) {
        const char *n = json_string_value(json_object_get(row, "name"));
        if (n && !strcmp(n, name)) {
            return row;
        }
    }
    return NULL;
}

const json_t *
check_ovs_iface(const struct check_ovs *c, const char *name)
{
    return row_named(c, "Interface", name);
}

const json_t *
check_ovs_port(const struct check_ovs *c, const char *name)
{
    return row_named(c, "Port", name);
}

json_t *
check_ovs_col(const json_t *row, const char *column)
{
    const json_t *v = json_object_get(row, column);

    return v ? ovsdb_to_plain(v) : json_null();
}
