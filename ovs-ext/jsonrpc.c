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

struct jsonrpc {
    int fd;
    char *name;
    char *buf;                  /* Received, not yet decoded bytes. */
    size_t len, cap;
    json_t *queue;              /* Notifications received during a call. */
    json_int_t next_id;
};

struct jsonrpc *
jsonrpc_open(const char *target, struct diag *d)
{
    const char *path = !strncmp(target, "unix:", 5) ? target + 5 : target;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct jsonrpc *rpc;
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
    rpc = xcalloc(1, sizeof *rpc);
    rpc->fd = fd;
    rpc->name = xstrdup(path);
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
    char *s = json_dumps(msg, JSON_COMPACT);
    size_t len = strlen(s), off = 0;

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

/* Decodes the first complete value in the buffer, if there is one. */
static json_t *
take_message(struct jsonrpc *rpc, struct diag *d, bool *bad)
{
    json_error_t err;
    json_t *msg;
    size_t skip = 0;

    *bad = false;
    while (skip < rpc->len && strchr(" \t\r\n", rpc->buf[skip])) {
        skip++;
    }
    if (skip == rpc->len) {
        rpc->len = 0;
        return NULL;
    }
    msg = json_loadb(rpc->buf + skip, rpc->len - skip,
                     JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &err);
    if (!msg) {
        if (json_error_code(&err) != json_error_premature_end_of_input) {
            diag_error(d, NFV_ESYSTEM, "%s: bad JSON from peer: %s",
                       rpc->name, err.text);
            *bad = true;
        }
        return NULL;
    }
    skip += err.position;
    memmove(rpc->buf, rpc->buf + skip, rpc->len - skip);
    rpc->len -= skip;
    return msg;
}

/* Answers {"method":"echo"} requests; true if 'msg' was one. */
static bool
answer_echo(struct jsonrpc *rpc, json_t *msg)
{
    const char *method = json_string_value(json_object_get(msg, "method"));
    json_t *id = json_object_get(msg, "id");
    struct diag d;
    json_t *reply;

    if (!method || strcmp(method, "echo") || !id || json_is_null(id)) {
        return false;
    }
    diag_init(&d);
    reply = json_pack("{sOsOsn}", "result", json_object_get(msg, "params"),
                      "id", id, "error");
    jsonrpc_send(rpc, reply, &d);
    json_decref(reply);
    diag_destroy(&d);
    return true;
}

static json_t *
recv_raw(struct jsonrpc *rpc, long long deadline, struct diag *d)
{
    for (;;) {
        struct pollfd pfd = { .fd = rpc->fd, .events = POLLIN };
        bool bad;
        json_t *msg = take_message(rpc, d, &bad);
        long long left;
        ssize_t n;

        if (msg) {
            if (answer_echo(rpc, msg)) {
                json_decref(msg);
                continue;
            }
            return msg;
        }
        if (bad) {
            return NULL;
        }
        left = deadline - now_ms();
        if (left <= 0) {
            diag_error(d, NFV_ESYSTEM, "%s: no reply within the timeout",
                       rpc->name);
            return NULL;
        }
        if (poll(&pfd, 1, left > 1000000 ? 1000000 : (int) left) < 0
            && errno != EINTR) {
            diag_error(d, NFV_ESYSTEM, "%s: poll: %s", rpc->name,
                       strerror(errno));
            return NULL;
        }
        if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR))) {
            continue;
        }
        if (rpc->cap - rpc->len < 65536) {
            rpc->cap = rpc->cap * 2 + 65536;
            rpc->buf = xrealloc(rpc->buf, rpc->cap);
        }
        n = recv(rpc->fd, rpc->buf + rpc->len, rpc->cap - rpc->len, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            diag_error(d, NFV_ESYSTEM, "%s: connection closed by peer%s%s",
                       rpc->name, n < 0 ? ": " : "",
                       n < 0 ? strerror(errno) : "");
            return NULL;
        }
        rpc->len += n;
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
        json_t *rid, *err, *result;

        if (!msg) {
            return NULL;
        }
        rid = json_object_get(msg, "id");
        if (!json_is_integer(rid) || json_integer_value(rid) != id
            || json_object_get(msg, "method")) {
            json_array_append_new(rpc->queue, msg);
            continue;
        }
        err = json_object_get(msg, "error");
        if (err && !json_is_null(err)) {
            char *text = json_is_string(err)
                         ? xstrdup(json_string_value(err))
                         : json_dumps(err, JSON_COMPACT);
            diag_error(d, NFV_ESYSTEM, "%s: %s failed: %s", rpc->name,
                       method, text);
            free(text);
            json_decref(msg);
            return NULL;
        }
        result = json_incref(json_object_get(msg, "result"));
        json_decref(msg);
        if (!result) {
            diag_error(d, NFV_ESYSTEM, "%s: reply to %s has no result",
                       rpc->name, method);
        }
        return result;
    }
}
