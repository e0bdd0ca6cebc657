/* fuzz-ovsdb.c: libFuzzer target for what nfvhost does with ovsdb-server's
 * and ovs-vswitchd's answers (ovs-ext/): the dump read and checked once
 * (ovsdb_dump(), ovsdb_dump_check()), the difference to the home-lab
 * plan's desired state (ovs_diff(), as 'ovs apply' computes it), the
 * transaction's reply (ovsdb_transact()), the wait for cur_cfg
 * (ovsdb_wait_cfg(): a monitor and its updates), and 'ovs status' built
 * from the dump and the two appctl texts (ovs_status_build(), printed).
 *
 * Input: up to the first NUL byte, what ovsdb-server sends on one
 * connection (the reply to the dump's "transact", id 0; then the rest:
 * the reply to the change's "transact", the monitor's reply and updates);
 * up to the next NUL, the text of dpif-netdev/pmd-rxq-show; the rest, that
 * of dpif-netdev/pmd-stats-show.  The server's bytes come through a
 * socketpair, then it hangs up.
 *
 * Checked: a dump is either refused (status 1, a message) or has the
 * shape ovsdb_dump_check() promises, so that ovs_diff() gives well-formed
 * operations or refuses a database the plan conflicts with as input
 * (status 2, a message), never a crash; every later step ends in a result
 * or a status-1 error; status is built and printed whatever the texts
 * say.
 * Seeds: the streams ovsdb-server sent 'nfvhost ovs apply' of the home lab
 * and 'ovs status', and ovs-vswitchd's appctl texts, in the harness
 * (tests/fuzz/capture-ovs.sh). */
#include <config.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/diag.h"
#include "lib/plan-file.h"
#include "lib/util.h"
#include "ovs-ext/apply.h"
#include "ovs-ext/jsonrpc.h"
#include "ovs-ext/ovsdb.h"
#include "ovs-ext/status.h"
#include "ovs-ext/want.h"
#include "tests/fuzz/fuzz.h"

static struct plan_file *plan;
static struct ovs_opts opts;
static json_t *want;
static FILE *devnull;

static void
init(void)
{
    char *path = fuzz_source_file("tests/golden/homelab/plan.json");
    struct diag d;

    diag_init(&d);
    plan = plan_file_load(path, &d);
    fuzz_check(plan, "%s: %s", path, d.msg);
    ovs_opts_init(&opts);
    ovs_opts_from_plan(&opts, plan);
    want = want_from_plan(plan, &opts, &d);
    fuzz_check(want, "want_from_plan: %s", d.msg);
    devnull = fopen("/dev/null", "w");
    diag_destroy(&d);
    free(path);
}

/* The next NUL-terminated part of the input, as a string (caller frees). */
static char *
take_part(struct fuzz_in *in, size_t *len)
{
    const uint8_t *nul = memchr(in->p, 0, in->n);
    size_t n = nul ? (size_t) (nul - in->p) : in->n;
    char *s = xmalloc(n + 1);

    memcpy(s, in->p, n);
    s[n] = '\0';
    in->p += nul ? n + 1 : n;
    in->n -= nul ? n + 1 : n;
    *len = n;
    return s;
}

static void
check_ops(const json_t *ops, size_t n_changes)
{
    const json_t *op;
    size_t i;

    fuzz_check(json_is_array(ops) && n_changes <= json_array_size(ops),
               "ovs_diff gave %zu changes", n_changes);
    json_array_foreach(ops, i, op) {
        const char *name = json_string_value(json_object_get(op, "op"));

        fuzz_check(name && (!strcmp(name, "comment")
                            || json_is_string(json_object_get(op, "table"))),
                   "operation %zu has no op or no table", i);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const tables[] = {
        "Open_vSwitch", "Bridge", "Port", "Interface", NULL
    };
    struct fuzz_in in = { data, size };
    char *server, *rxq, *stats;
    size_t len, n_changes = 0;
    struct jsonrpc *rpc;
    json_t *dump, *ops = NULL, *st;
    struct diag d;
    int sv[2];

    if (!plan) {
        init();
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        return 0;
    }
    server = take_part(&in, &len);
    rxq = take_part(&in, &len);
    stats = take_part(&in, &len);
    /* Non-blocking: our requests to a peer that never reads must not
     * block once its socket is full. */
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    len = strlen(server);
    if (len && write(sv[1], server, len) != (ssize_t) len) {
        goto out;
    }
    shutdown(sv[1], SHUT_WR);
    rpc = jsonrpc_open_fd(sv[0], "fuzz");

    diag_init(&d);
    dump = ovsdb_dump(rpc, tables, &d);
    fuzz_check(dump ? !d.status : d.status == NFV_ESYSTEM && d.msg[0],
               "dump: %p, status %d", (void *) dump, d.status);
    if (dump) {
        struct sbuf log;

        sbuf_init(&log);
        ops = ovs_diff(dump, want, &n_changes, &log, NULL, &d);
        if (ops) {
            check_ops(ops, n_changes);
        } else {
            /* A database the plan conflicts with (the plan's interface in
             * another port, its bridge of another datapath type): refused
             * as input, saying what. */
            fuzz_check(d.status == NFV_EINPUT && d.msg[0], "ovs_diff: "
                       "status %d: %s", d.status, d.msg);
        }
        sbuf_destroy(&log);
        if (ops && n_changes) {
            enum ovsdb_txn_status s;

            s = ovsdb_transact(rpc, json_incref(ops), NULL, &d);
            fuzz_check(s != OVSDB_TXN_ERROR || d.status == NFV_ESYSTEM,
                       "transact: status %d", d.status);
            diag_init(&d);
            fuzz_check(!ovsdb_wait_cfg(rpc, 1, 1000, &d)
                       || d.status == NFV_ESYSTEM,
                       "wait_cfg: status %d", d.status);
        }
        st = ovs_status_build(&opts, dump, rxq, stats, plan);
        fuzz_check(st, "no status");
        ovs_status_print(st, false, devnull);
        ovs_status_print(st, true, devnull);
        json_decref(st);
    }
    json_decref(ops);
    json_decref(dump);
    jsonrpc_close(rpc);
    diag_destroy(&d);
    sv[0] = -1;
out:
    if (sv[0] >= 0) {
        close(sv[0]);
    }
    close(sv[1]);
    free(server);
    free(rxq);
    free(stats);
    return 0;
}
