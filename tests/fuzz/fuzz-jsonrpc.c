/* fuzz-jsonrpc.c: libFuzzer target for the JSON-RPC client of ovs-ext/
 * (jsonrpc.c: the framing, take_message(), echo answering, the reply
 * matching of jsonrpc_call()): what ovsdb-server or ovs-vswitchd send,
 * split into reads anywhere.
 *
 * Input: a byte 'c', then the peer's bytes.  They reach the client through
 * a SOCK_SEQPACKET socketpair, where one read() returns one record: with
 * c > 0 the first nine records are c bytes each and the tenth the rest
 * (ten records fit a unix socket's queue), so a message may be cut
 * anywhere; c == 0 sends everything in one.  Then the peer hangs up.  The
 * client makes one call (id 0, as ovsdb_dump() does first) and reads
 * messages until it fails.  The client's descriptor is non-blocking, so
 * that the echo replies it sends to a peer that never reads fail instead
 * of blocking (a real peer reads them).
 *
 * Checked: every message handed over is a JSON object, no echo request
 * ever is (those are answered); a failure is status 1 with a message; and
 * the messages are exactly those jansson decodes from the whole stream at
 * once, in order, up to the first one that is not an object (whatever the
 * reads were, every byte is decoded once, in place).  Seeds: the whole
 * byte streams ovsdb-server and ovs-vswitchd sent 'nfvhost ovs apply' and
 * 'ovs status' in the harness (tests/fuzz/capture-ovs.sh). */
#include <config.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/diag.h"
#include "ovs-ext/jsonrpc.h"
#include "tests/fuzz/fuzz.h"

#define N_RECORDS 10
#define TIMEOUT_MS 5000

/* The peer's bytes as records of 'chunk' bytes (see above). */
static void
send_records(int fd, const uint8_t *p, size_t n, size_t chunk)
{
    for (int i = 0; n && i < N_RECORDS; i++) {
        size_t len = chunk && i < N_RECORDS - 1 && chunk < n ? chunk : n;

        if (send(fd, p, len, MSG_DONTWAIT) != (ssize_t) len) {
            return;
        }
        p += len;
        n -= len;
    }
}

static bool
is_echo_request(const json_t *msg)
{
    const char *method = json_string_value(json_object_get(msg, "method"));
    const json_t *id = json_object_get(msg, "id");

    return method && !strcmp(method, "echo") && id && !json_is_null(id);
}

static bool
is_reply_to_call(const json_t *msg)
{
    const json_t *id = json_object_get(msg, "id");

    return json_is_integer(id) && json_integer_value(id) == 0
           && !json_object_get(msg, "method");
}

/* What the client must hand over: the objects jansson decodes one after
 * another from the whole stream, up to the first that is not one, less
 * the echo requests, and less what the call took: its reply (the first
 * message with id 0 and no method), or, when more than JSONRPC_MAX_QUEUED
 * messages came before it, the one over the limit, which ended the call. */
static json_t *
expected(const uint8_t *p, size_t n)
{
    json_t *all = json_array();
    bool call_done = false;
    size_t off = 0;

    for (;;) {
        json_error_t err;
        json_t *msg = json_loadb((const char *) p + off, n - off,
                                 JSON_DISABLE_EOF_CHECK, &err);
        if (!msg || !json_is_object(msg)) {
            json_decref(msg);
            return all;
        }
        off += err.position;
        if (is_echo_request(msg)) {
            json_decref(msg);
        } else if (!call_done && (is_reply_to_call(msg)
                                  || json_array_size(all)
                                     == JSONRPC_MAX_QUEUED)) {
            call_done = true;
            json_decref(msg);
        } else {
            json_array_append_new(all, msg);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    size_t chunk = fuzz_u8(&in);
    json_t *got = json_array(), *want, *r;
    struct jsonrpc *rpc;
    struct diag d;
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
        json_decref(got);
        return 0;
    }
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    send_records(sv[1], in.p, in.n, chunk);
    shutdown(sv[1], SHUT_WR);
    rpc = jsonrpc_open_fd(sv[0], "fuzz");

    diag_init(&d);
    r = jsonrpc_call(rpc, "transact", json_array(), TIMEOUT_MS, &d);
    fuzz_check(r ? !d.status : d.status == NFV_ESYSTEM && d.msg[0],
               "call: result %p, status %d", (void *) r, d.status);
    json_decref(r);
    for (;;) {
        json_t *msg;

        diag_init(&d);
        msg = jsonrpc_recv(rpc, TIMEOUT_MS, &d);
        if (!msg) {
            fuzz_check(d.status == NFV_ESYSTEM && d.msg[0], "recv: status %d",
                       d.status);
            break;
        }
        fuzz_check(json_is_object(msg) && !is_echo_request(msg),
                   "recv handed over a non-object or an echo request");
        json_array_append_new(got, msg);
        fuzz_check(json_array_size(got) <= size, "more messages than bytes");
    }
    jsonrpc_close(rpc);
    close(sv[1]);

    want = expected(in.p, in.n);
    fuzz_check(json_equal(got, want), "handed over %zu messages, the whole "
               "stream decodes to %zu", json_array_size(got),
               json_array_size(want));
    json_decref(want);
    json_decref(got);
    return 0;
}
