/* test-jsonrpc.c: ovs-ext/jsonrpc against a scripted peer on a socketpair
 * (a forked child): framing (messages split anywhere, several in one
 * read), echo requests with and without params (issue 11, defect 7: a
 * peer's {"method":"echo","id":1} crashed the client), and every way a
 * peer can misbehave (too big, not an object, bad JSON, EOF, silence, a
 * flood of notifications; defect 11) ending in an error, not a crash;
 * and ovsdb_wait_cfg() when the peer refuses monitor_cancel. */
#include <config.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ovs-ext/jsonrpc.h"
#include "ovs-ext/ovsdb.h"
#include "lib/util.h"
#include "tests/unit/tap.h"

#define TIMEOUT_MS 5000

/* Issue 11, defect 11: the client reparsed its whole buffer on every read
 * (quadratic: 9 s for a 16 MB reply).  The bytes it hands to jansson's
 * decoders are counted here: this test is linked with
 * -Wl,--wrap=json_loadb,--wrap=json_load_callback (ovs-ext/automake.mk),
 * so the library's calls come through these first.  A count, not a time:
 * it cannot flake on a loaded machine. */
static size_t decoded;

json_t *__real_json_loadb(const char *, size_t, size_t, json_error_t *);
json_t *__wrap_json_loadb(const char *, size_t, size_t, json_error_t *);
json_t *__real_json_load_callback(json_load_callback_t, void *, size_t,
                                  json_error_t *);
json_t *__wrap_json_load_callback(json_load_callback_t, void *, size_t,
                                  json_error_t *);

json_t *
__wrap_json_loadb(const char *buf, size_t len, size_t flags,
                  json_error_t *err)
{
    decoded += len;
    return __real_json_loadb(buf, len, flags, err);
}

struct counted_cb {
    json_load_callback_t cb;
    void *data;
};

static size_t
count_cb(void *buf, size_t len, void *data)
{
    struct counted_cb *c = data;
    size_t n = c->cb(buf, len, c->data);

    if (n != (size_t) -1) {
        decoded += n;
    }
    return n;
}

json_t *
__wrap_json_load_callback(json_load_callback_t cb, void *data, size_t flags,
                          json_error_t *err)
{
    struct counted_cb c = { cb, data };

    return __real_json_load_callback(count_cb, &c, flags, err);
}

/* The peer's side: write all of 's' (false once the client is gone). */
static bool
put(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        s += n;
        len -= n;
    }
    return true;
}

static bool
puts_(int fd, const char *s)
{
    return put(fd, s, strlen(s));
}

/* The peer reads one message from the client (a test may be slow). */
static json_t *
get(int fd)
{
    static char buf[65536];
    static size_t len;

    for (;;) {
        json_error_t err;
        json_t *msg = len ? json_loadb(buf, len, JSON_DISABLE_EOF_CHECK,
                                       &err) : NULL;
        ssize_t n;

        if (msg) {
            memmove(buf, buf + err.position, len - err.position);
            len -= err.position;
            return msg;
        }
        n = read(fd, buf + len, sizeof buf - len);
        if (n <= 0) {
            return NULL;
        }
        len += n;
    }
}

/* Runs 'peer' in a child on one end of a socketpair; the client gets the
 * other end. */
static struct jsonrpc *
start(void (*peer)(int fd), pid_t *pid)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
        abort();
    }
    *pid = fork();
    if (*pid == 0) {
        close(sv[0]);
        peer(sv[1]);
        _exit(0);
    }
    close(sv[1]);
    return jsonrpc_open_fd(sv[0], "peer");
}

/* Closes the client's end and returns the peer's exit status. */
static int
finish(struct jsonrpc *rpc, pid_t pid)
{
    int status;

    jsonrpc_close(rpc);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Defect 7: an echo request without params, then the reply to our call.
 * Exits 1 when the client's echo reply is not {"result":[],"id":1,...}. */
static void
peer_echo_no_params(int fd)
{
    json_t *req = get(fd), *reply;

    if (!req) {
        _exit(2);
    }
    puts_(fd, "{\"method\":\"echo\",\"id\":1}");
    reply = get(fd);
    if (!reply
        || !json_equal(json_object_get(reply, "result"), json_array())
        || json_integer_value(json_object_get(reply, "id")) != 1
        || !json_is_null(json_object_get(reply, "error"))) {
        _exit(1);
    }
    puts_(fd, "{\"id\":0,\"result\":\"pong\",\"error\":null}");
    get(fd);                    /* Until the client closes. */
}

static void
peer_echo_params(int fd)
{
    json_t *reply;

    puts_(fd, "{\"method\":\"echo\",\"id\":\"e\",\"params\":[\"x\",1]}"
          "{\"method\":\"update\",\"params\":[],\"id\":null}");
    reply = get(fd);
    if (!reply
        || !json_equal(json_object_get(reply, "result"),
                       json_pack("[si]", "x", 1))
        || strcmp(json_string_value(json_object_get(reply, "id")) ?: "",
                  "e")) {
        _exit(1);
    }
    get(fd);
}

static void
test_echo(void)
{
    struct jsonrpc *rpc;
    struct diag d;
    json_t *r;
    pid_t pid;

    diag_init(&d);
    rpc = start(peer_echo_no_params, &pid);
    r = jsonrpc_call(rpc, "ping", json_array(), TIMEOUT_MS, &d);
    is_str(json_string_value(r), "pong",
           "defect 7: an echo request without params is answered, then "
           "the call gets its reply");
    is_int(finish(rpc, pid), 0, "... and the echo reply's result is [] "
           "with the request's id");
    json_decref(r);

    rpc = start(peer_echo_params, &pid);
    r = jsonrpc_recv(rpc, TIMEOUT_MS, &d);
    is_str(json_string_value(json_object_get(r, "method")), "update",
           "an echo request is answered while waiting; the next message "
           "is returned");
    is_int(finish(rpc, pid), 0, "the echo reply carries the params back");
    json_decref(r);
    diag_destroy(&d);
}

static void
test_send_null(void)
{
    struct jsonrpc *rpc;
    struct diag d;
    pid_t pid;

    diag_init(&d);
    rpc = start(peer_echo_params, &pid);
    is_int(jsonrpc_send(rpc, NULL, &d), NFV_ESYSTEM,
           "jsonrpc_send(NULL) is refused with status 1, not a crash");
    is_str(d.msg, "peer: internal error: no message to send",
           "... saying so");
    finish(rpc, pid);
    diag_destroy(&d);
}

/* Two messages in one write, then one a byte at a time, with a string
 * that holds braces and an escaped quote. */
static void
peer_split(int fd)
{
    static const char third[] =
        "  {\"method\":\"n\",\"params\":[\"}{\\\"[\"],\"id\":null}";

    puts_(fd, "{\"method\":\"n\",\"params\":[1],\"id\":null}\n"
          "{\"method\":\"n\",\"params\":[2],\"id\":null}");
    for (size_t i = 0; i < strlen(third); i++) {
        put(fd, &third[i], 1);
        usleep(1000);
    }
    get(fd);
}

static void
test_framing(void)
{
    struct jsonrpc *rpc;
    struct diag d;
    json_t *m[3];
    pid_t pid;

    diag_init(&d);
    rpc = start(peer_split, &pid);
    for (int i = 0; i < 3; i++) {
        m[i] = jsonrpc_recv(rpc, TIMEOUT_MS, &d);
    }
    ok(json_integer_value(json_array_get(json_object_get(m[0], "params"),
                                         0)) == 1
       && json_integer_value(json_array_get(json_object_get(m[1], "params"),
                                            0)) == 2,
       "two messages in one read: both, in order");
    is_str(json_string_value(json_array_get(json_object_get(m[2], "params"),
                                            0)), "}{\"[",
           "a message written a byte at a time, braces in a string");
    is_int(d.status, 0, "no error");
    for (int i = 0; i < 3; i++) {
        json_decref(m[i]);
    }
    finish(rpc, pid);
    diag_destroy(&d);
}

/* A reply of 'size' bytes of string to our call (id 0). */
static size_t big_size;

static void
peer_big(int fd)
{
    char *chunk = xmalloc(1 << 20);

    memset(chunk, 'a', 1 << 20);
    get(fd);
    puts_(fd, "{\"id\":0,\"error\":null,\"result\":\"");
    for (size_t left = big_size; left;) {
        size_t n = left < (1 << 20) ? left : (1 << 20);
        if (!put(fd, chunk, n)) {
            _exit(0);           /* The client gave up: expected. */
        }
        left -= n;
    }
    puts_(fd, "\"}");
    get(fd);
}

static void
test_size(void)
{
    struct jsonrpc *rpc;
    struct diag d;
    json_t *r;
    pid_t pid;

    diag_init(&d);
    big_size = 16u << 20;
    rpc = start(peer_big, &pid);
    decoded = 0;
    r = jsonrpc_call(rpc, "dump", json_array(), 60000, &d);
    is_int(json_string_length(r), big_size, "a 16 MiB reply is read whole");
    ok(decoded <= big_size + 4096, "defect 11: ... and decoded once: %zu "
       "bytes went through jansson for a reply of %zu (once per read, "
       "the whole buffer again: some 2 GB)", decoded, big_size + 33);
    json_decref(r);
    finish(rpc, pid);

    big_size = JSONRPC_MAX_MSG;
    rpc = start(peer_big, &pid);
    r = jsonrpc_call(rpc, "dump", json_array(), 60000, &d);
    ok(!r && d.status == NFV_ESYSTEM, "defect 11: a message over the cap "
       "is an error (status 1)");
    is_str(d.msg, "peer: the peer sent a message of more than 64 MiB "
           "(nfvhost's limit, see docs/security.md)", "... naming the cap");
    finish(rpc, pid);
    diag_destroy(&d);
}

static const char *bad_text;

static void
peer_bad(int fd)
{
    puts_(fd, bad_text);
    if (strcmp(bad_text, "{\"a\":")) {
        get(fd);
    }
}

static void
expect_bad(const char *text, int timeout_ms, const char *want)
{
    struct jsonrpc *rpc;
    struct diag d;
    json_t *r;
    pid_t pid;

    diag_init(&d);
    bad_text = text;
    rpc = start(peer_bad, &pid);
    r = jsonrpc_recv(rpc, timeout_ms, &d);
    ok(!r && d.status == NFV_ESYSTEM, "'%s' from the peer: status 1", text);
    is_str(d.msg, want, "... saying '%s'", want);
    finish(rpc, pid);
    diag_destroy(&d);
}

static void
test_bad_peers(void)
{
    expect_bad("[1,2]", TIMEOUT_MS,
               "peer: bad JSON-RPC from peer: a message that is not a JSON "
               "object");
    expect_bad("{\"a\":}", TIMEOUT_MS,
               "peer: bad JSON from peer: unexpected token near '}'");
    expect_bad("{\"a\":", TIMEOUT_MS, "peer: connection closed by peer");
    expect_bad("", 200, "peer: no reply within the timeout");
}

/* More notifications than the client keeps while it waits for a reply. */
static void
peer_flood(int fd)
{
    get(fd);
    for (int i = 0; i <= JSONRPC_MAX_QUEUED; i++) {
        if (!puts_(fd, "{\"method\":\"update\",\"params\":[],\"id\":null}")) {
            _exit(0);
        }
    }
    get(fd);
}

static void
test_flood(void)
{
    struct jsonrpc *rpc;
    struct diag d;
    pid_t pid;

    diag_init(&d);
    rpc = start(peer_flood, &pid);
    ok(!jsonrpc_call(rpc, "transact", json_array(), TIMEOUT_MS, &d),
       "a flood of notifications without the reply: the call fails");
    is_str(d.msg, "peer: more than 1000 messages without the reply to "
           "transact", "... saying so");
    finish(rpc, pid);
    diag_destroy(&d);
}

/* ovsdb_wait_cfg(): cur_cfg is already there in the monitor's first
 * reply, then monitor_cancel is refused.  The change is applied, so the
 * wait succeeds with a warning; before, it returned 0 with an error
 * status left on the diag. */
static void
peer_cancel_fails(int fd)
{
    json_t *req = get(fd);
    char buf[256];

    if (!req) {
        _exit(2);
    }
    snprintf(buf, sizeof buf, "{\"id\":%lld,\"error\":null,\"result\":"
             "{\"Open_vSwitch\":{\"u\":{\"new\":{\"cur_cfg\":5}}}}}",
             (long long) json_integer_value(json_object_get(req, "id")));
    puts_(fd, buf);
    req = get(fd);
    if (!req || strcmp(json_string_value(json_object_get(req, "method"))
                       ?: "", "monitor_cancel")) {
        _exit(1);
    }
    snprintf(buf, sizeof buf, "{\"id\":%lld,\"result\":null,\"error\":"
             "\"unknown monitor\"}",
             (long long) json_integer_value(json_object_get(req, "id")));
    puts_(fd, buf);
    get(fd);
}

static void
test_wait_cfg_cancel(void)
{
    struct jsonrpc *rpc;
    struct diag d;
    pid_t pid;
    int r;

    diag_init(&d);
    rpc = start(peer_cancel_fails, &pid);
    r = ovsdb_wait_cfg(rpc, 5, TIMEOUT_MS, &d);
    is_int(r, 0, "wait_cfg: cur_cfg reached, monitor_cancel refused: 0");
    is_int(d.status, r, "... and the diag's status agrees with it");
    ok(d.n_warnings == 1 && strstr(d.warnings[0], "unknown monitor"),
       "... the refusal is a warning that carries the server's error");
    is_int(finish(rpc, pid), 0, "... after the cancel was sent");
    diag_destroy(&d);
}

int
main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_echo();
    test_send_null();
    test_framing();
    test_size();
    test_bad_peers();
    test_flood();
    test_wait_cfg_cancel();
    return done_testing();
}
