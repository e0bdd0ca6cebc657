/* jsonrpc.c: JSON-RPC over a unix socket (see jsonrpc.h). */
#include <config.h>

#include "ovs-ext/jsonrpc.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"

#define READ_CHUNK 65536

struct jsonrpc {
    int fd;
    char *name;
    char *buf;                  /* Received bytes; buf[start, len) are not */
    size_t start, len, cap;     /* in a decoded message yet. */
    json_t *queue;              /* Notifications received during a call. */
    json_int_t next_id;
};

struct jsonrpc *
jsonrpc_open(const char *target, struct diag *d)
{
    const char *path = !strncmp(target, "unix:", 5) ? target + 5 : target;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof sun.sun_path) {
        diag_error(d, NFV_EINPUT, "%s: socket path too long", path);
        return NULL;
    }
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
        diag_error(d, NFV_ESYSTEM, "%s: cannot connect: %s (is the daemon "
                   "running?)", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    return jsonrpc_open_fd(fd, path);
}

struct jsonrpc *
jsonrpc_open_fd(int fd, const char *name)
{
    struct jsonrpc *rpc = xcalloc(1, sizeof *rpc);

    rpc->fd = fd;
    rpc->name = xstrdup(name);
    rpc->queue = json_array();
    return rpc;
}

void
jsonrpc_close(struct jsonrpc *rpc)
{
    if (rpc) {
        close(rpc->fd);
        free(rpc->name);
        free(rpc->buf);
        json_decref(rpc->queue);
        free(rpc);
    }
}

int
jsonrpc_send(struct jsonrpc *rpc, const json_t *msg, struct diag *d)
{
    char *s = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
    size_t len, off = 0;

    if (!s) {
        /* A message we failed to build (json_pack() gives NULL when an
         * argument is missing): a bug to report, never a crash. */
        return diag_error(d, NFV_ESYSTEM, "%s: internal error: no message "
                          "to send", rpc->name);
    }
    len = strlen(s);
    while (off < len) {
        ssize_t n = send(rpc->fd, s + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            free(s);
            return diag_error(d, NFV_ESYSTEM, "%s: send failed: %s",
                              rpc->name, strerror(errno));
        }
        off += n;
    }
    free(s);
    return 0;
}

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Why reading the next message stopped, other than bad JSON. */
enum read_failure {
    READ_OK,
    READ_EOF,
    READ_TIMEOUT,
    READ_ERRNO,
    READ_TOO_BIG,
};

/* jansson pulls the bytes of one message through read_cb(): first those
 * already buffered, then new ones from the socket.  'off' counts what was
 * handed to jansson from rpc->start on; it may read a little past the end
 * of the message, so what it did not use (after error.position) stays in
 * rpc->buf for the next message. */
struct reader {
    struct jsonrpc *rpc;
    long long deadline;
    size_t off;
    enum read_failure failure;
    int error;                  /* errno, for READ_ERRNO. */
};

/* Reads more bytes into rpc->buf, waiting until the deadline.  The bytes
 * of earlier messages are dropped first, once per message at most (a
 * buffer of many small messages is not moved after each one). */
static enum read_failure
fill(struct reader *r)
{
    struct jsonrpc *rpc = r->rpc;

    if (rpc->start) {
        memmove(rpc->buf, rpc->buf + rpc->start, rpc->len - rpc->start);
        rpc->len -= rpc->start;
        rpc->start = 0;
    }
    for (;;) {
        struct pollfd pfd = { .fd = rpc->fd, .events = POLLIN };
        long long left = r->deadline - now_ms();
        ssize_t n;

        if (left <= 0) {
            return READ_TIMEOUT;
        }
        if (poll(&pfd, 1, left > 1000000 ? 1000000 : (int) left) < 0) {
            if (errno == EINTR) {
                continue;       /* With the time that is left. */
            }
            r->error = errno;
            return READ_ERRNO;
        }
        if (!pfd.revents) {
            continue;
        }
        if (rpc->cap - rpc->len < READ_CHUNK) {
            rpc->cap = rpc->cap * 2 + READ_CHUNK;
            rpc->buf = xrealloc(rpc->buf, rpc->cap);
        }
        n = read(rpc->fd, rpc->buf + rpc->len, rpc->cap - rpc->len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            r->error = errno;
            return READ_ERRNO;
        }
        if (n == 0) {
            return READ_EOF;
        }
        rpc->len += n;
        return READ_OK;
    }
}

static size_t
read_cb(void *buffer, size_t buflen, void *data)
{
    struct reader *r = data;
    struct jsonrpc *rpc = r->rpc;
    size_t n;

    if (rpc->start + r->off == rpc->len) {
        r->failure = fill(r);
        if (r->failure == READ_EOF) {
            return 0;
        }
        if (r->failure != READ_OK) {
            return (size_t) -1;
        }
    }
    n = rpc->len - rpc->start - r->off;
    n = n < buflen ? n : buflen;
    if (r->off + n > JSONRPC_MAX_MSG) {
        r->failure = READ_TOO_BIG;
        return (size_t) -1;
    }
    memcpy(buffer, rpc->buf + rpc->start + r->off, n);
    r->off += n;
    return n;
}

static void
read_error(const struct reader *r, const json_error_t *err, struct diag *d)
{
    const char *name = r->rpc->name;

    switch (r->failure) {
    case READ_EOF:
        diag_error(d, NFV_ESYSTEM, "%s: connection closed by peer", name);
        break;
    case READ_TIMEOUT:
        diag_error(d, NFV_ESYSTEM, "%s: no reply within the timeout", name);
        break;
    case READ_ERRNO:
        diag_error(d, NFV_ESYSTEM, "%s: connection closed by peer: %s",
                   name, strerror(r->error));
        break;
    case READ_TOO_BIG:
        diag_error(d, NFV_ESYSTEM, "%s: the peer sent a message of more "
                   "than %u MiB (nfvhost's limit, see docs/security.md)",
                   name, JSONRPC_MAX_MSG >> 20);
        break;
    case READ_OK:
        diag_error(d, NFV_ESYSTEM, "%s: bad JSON from peer: %s", name,
                   err->text);
        break;
    }
}

/* The next message, decoded as its bytes arrive. */
static json_t *
take_message(struct jsonrpc *rpc, long long deadline, struct diag *d)
{
    struct reader r = { .rpc = rpc, .deadline = deadline };
    json_error_t err;
    json_t *msg;

    msg = json_load_callback(read_cb, &r, JSON_DISABLE_EOF_CHECK, &err);
    if (!msg) {
        read_error(&r, &err, d);
        return NULL;
    }
    rpc->start += err.position;
    if (!json_is_object(msg)) {
        diag_error(d, NFV_ESYSTEM, "%s: bad JSON-RPC from peer: a message "
                   "that is not a JSON object", rpc->name);
        json_decref(msg);
        return NULL;
    }
    return msg;
}

/* Answers {"method":"echo"} requests; true if 'msg' was one.  The reply
 * carries the request's params back, [] when it had none. */
static bool
answer_echo(struct jsonrpc *rpc, json_t *msg)
{
    const char *method = json_string_value(json_object_get(msg, "method"));
    json_t *id = json_object_get(msg, "id");
    json_t *params = json_object_get(msg, "params");
    struct diag d;
    json_t *reply;

    if (!method || strcmp(method, "echo") || !id || json_is_null(id)) {
        return false;
    }
    diag_init(&d);
    reply = json_pack("{sosOsn}", "result",
                      params ? json_incref(params) : json_array(), "id", id,
                      "error");
    jsonrpc_send(rpc, reply, &d);
    json_decref(reply);
    diag_destroy(&d);
    return true;
}

static json_t *
recv_raw(struct jsonrpc *rpc, long long deadline, struct diag *d)
{
    for (;;) {
        json_t *msg = take_message(rpc, deadline, d);

        if (!msg || !answer_echo(rpc, msg)) {
            return msg;
        }
        json_decref(msg);
    }
}

json_t *
jsonrpc_recv(struct jsonrpc *rpc, int timeout_ms, struct diag *d)
{
    if (json_array_size(rpc->queue)) {
        json_t *msg = json_incref(json_array_get(rpc->queue, 0));
        json_array_remove(rpc->queue, 0);
        return msg;
    }
    return recv_raw(rpc, now_ms() + timeout_ms, d);
}

/* The reply 'msg' to our call 'method': its result, or NULL with diag. */
static json_t *
reply_result(struct jsonrpc *rpc, const char *method, json_t *msg,
             struct diag *d)
{
    json_t *err = json_object_get(msg, "error");
    json_t *result;

    if (err && !json_is_null(err)) {
        char *text = json_is_string(err)
                     ? xstrdup(json_string_value(err))
                     : json_dumps(err, JSON_COMPACT | JSON_ENCODE_ANY);
        diag_error(d, NFV_ESYSTEM, "%s: %s failed: %s", rpc->name, method,
                   text);
        free(text);
        return NULL;
    }
    result = json_incref(json_object_get(msg, "result"));
    if (!result) {
        diag_error(d, NFV_ESYSTEM, "%s: reply to %s has no result",
                   rpc->name, method);
    }
    return result;
}

json_t *
jsonrpc_call(struct jsonrpc *rpc, const char *method, json_t *params,
             int timeout_ms, struct diag *d)
{
    long long deadline = now_ms() + timeout_ms;
    json_int_t id = rpc->next_id++;
    json_t *req = json_pack("{sssosI}", "method", method, "params", params,
                            "id", id);
    int error = jsonrpc_send(rpc, req, d);

    json_decref(req);
    if (error) {
        return NULL;
    }
    for (;;) {
        json_t *msg = recv_raw(rpc, deadline, d);
        json_t *rid, *result;

        if (!msg) {
            return NULL;
        }
        rid = json_object_get(msg, "id");
        if (!json_is_integer(rid) || json_integer_value(rid) != id
            || json_object_get(msg, "method")) {
            if (json_array_size(rpc->queue) >= JSONRPC_MAX_QUEUED) {
                json_decref(msg);
                diag_error(d, NFV_ESYSTEM, "%s: more than %d messages "
                           "without the reply to %s", rpc->name,
                           JSONRPC_MAX_QUEUED, method);
                return NULL;
            }
            json_array_append_new(rpc->queue, msg);
            continue;
        }
        result = reply_result(rpc, method, msg, d);
        json_decref(msg);
        return result;
    }
}
