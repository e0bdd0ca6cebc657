/* proto.c: vhost-user message framing and checks (see proto.h). */
#include <config.h>

#include "vhost/proto.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/diag.h"

static const char *const request_names[VU_REQUEST_MAX] = {
    [VU_GET_FEATURES] = "GET_FEATURES",
    [VU_SET_FEATURES] = "SET_FEATURES",
    [VU_SET_OWNER] = "SET_OWNER",
    [VU_RESET_OWNER] = "RESET_OWNER",
    [VU_SET_MEM_TABLE] = "SET_MEM_TABLE",
    [VU_SET_LOG_BASE] = "SET_LOG_BASE",
    [VU_SET_LOG_FD] = "SET_LOG_FD",
    [VU_SET_VRING_NUM] = "SET_VRING_NUM",
    [VU_SET_VRING_ADDR] = "SET_VRING_ADDR",
    [VU_SET_VRING_BASE] = "SET_VRING_BASE",
    [VU_GET_VRING_BASE] = "GET_VRING_BASE",
    [VU_SET_VRING_KICK] = "SET_VRING_KICK",
    [VU_SET_VRING_CALL] = "SET_VRING_CALL",
    [VU_SET_VRING_ERR] = "SET_VRING_ERR",
    [VU_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
    [VU_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
    [VU_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
    [VU_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
    [VU_SET_STATUS] = "SET_STATUS",
    [VU_GET_STATUS] = "GET_STATUS",
};

const char *
vu_request_name(uint32_t request)
{
    static char buf[32];

    if (request < VU_REQUEST_MAX && request_names[request]) {
        return request_names[request];
    }
    snprintf(buf, sizeof buf, "request %u", request);
    return buf;
}

void
vu_msg_init(struct vu_msg *m, uint32_t request, uint32_t size)
{
    memset(m, 0, sizeof *m);
    m->request = request;
    m->flags = VU_VERSION;
    m->size = size;
}

void
vu_close_fds(int *fds, int n)
{
    for (int i = 0; i < n; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
            fds[i] = -1;
        }
    }
}

int
vu_send(int sock, const struct vu_msg *m, const int *fds, int n_fds)
{
    union {
        char buf[CMSG_SPACE(VU_MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } control;
    /* sendmsg() only reads iov_base, which is not const for readv()'s
     * sake: the const is dropped through an integer, as C allows. */
    struct iovec iov = {
        .iov_base = (void *) (uintptr_t) m,
        .iov_len = VU_HDR_SIZE + m->size,
    };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t n;

    if (m->size > VU_MAX_PAYLOAD || n_fds < 0 || n_fds > VU_MAX_FDS) {
        return EINVAL;
    }
    if (n_fds) {
        struct cmsghdr *cmsg;

        memset(&control, 0, sizeof control);
        msg.msg_control = control.buf;
        msg.msg_controllen = CMSG_SPACE(n_fds * sizeof(int));
        cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
        memcpy(CMSG_DATA(cmsg), fds, n_fds * sizeof(int));
    }
    do {
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return errno;
    }
    /* A unix stream socket takes a message this small whole or not at all
     * in practice; a short write means the peer is in trouble. */
    return (size_t) n == iov.iov_len ? 0 : EPIPE;
}

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int
vu_wait_readable(int fd, int timeout_ms, const volatile sig_atomic_t *stop)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    int64_t deadline = now_ms() + timeout_ms;

    for (;;) {
        /* After a signal the wait goes on for what is left of the time,
         * not for the whole of it again. */
        int64_t left = timeout_ms < 0 ? -1 : deadline - now_ms();
        int n;

        if (stop && *stop) {
            return EINTR;
        }
        n = poll(&pfd, 1, left < 0 && timeout_ms >= 0 ? 0 : (int) left);
        if (n > 0) {
            return 0;
        }
        if (n == 0) {
            return ETIMEDOUT;
        }
        if (errno != EINTR) {
            return errno;
        }
    }
}

/* Collects SCM_RIGHTS descriptors from 'msg' into fds[] (closing any
 * beyond room).  Returns false if anything other than descriptors came. */
static bool
take_fds(struct msghdr *msg, int *fds, int *n_fds)
{
    bool good = !(msg->msg_flags & MSG_CTRUNC);

    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
            good = false;
            continue;
        }
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (*n_fds < VU_MAX_FDS) {
                fds[(*n_fds)++] = fd;
            } else {
                close(fd);
                good = false;
            }
        }
    }
    return good;
}

/* Reads exactly 'len' bytes into 'buf', gathering descriptors on the way. */
static int
read_full(int sock, void *buf, size_t len, int *fds, int *n_fds,
          bool *bad_fds, int64_t deadline,
          const volatile sig_atomic_t *stop)
{
    size_t got = 0;

    while (got < len) {
        union {
            char buf[CMSG_SPACE(VU_MAX_FDS * sizeof(int))];
            struct cmsghdr align;
        } control;
        struct iovec iov = { (char *) buf + got, len - got };
        struct msghdr msg = {
            .msg_iov = &iov, .msg_iovlen = 1,
            .msg_control = control.buf, .msg_controllen = sizeof control.buf,
        };
        int64_t left = deadline - now_ms();
        int error = vu_wait_readable(sock, left > 0 ? (int) left : 0, stop);
        ssize_t n;

        if (error) {
            return error;
        }
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return errno;
        }
        if (!take_fds(&msg, fds, n_fds)) {
            *bad_fds = true;
        }
        if (n == 0) {
            return got ? EPROTO : ECONNRESET;
        }
        got += n;
    }
    return 0;
}

int
vu_recv(int sock, struct vu_msg *m, int *fds, int *n_fds,
        int timeout_ms, const volatile sig_atomic_t *stop, struct diag *d)
{
    int64_t deadline = now_ms() + timeout_ms;
    bool bad_fds = false;
    int error;

    *n_fds = 0;
    memset(m, 0, sizeof *m);
    error = read_full(sock, m, VU_HDR_SIZE, fds, n_fds, &bad_fds, deadline,
                      stop);
    if (error) {
        diag_error(d, NFV_ESYSTEM, "%s",
                   error == ECONNRESET ? "back-end closed the connection"
                   : error == ETIMEDOUT ? "back-end did not answer in time"
                   : error == EPROTO ? "back-end sent a truncated header"
                   : error == EINTR ? "interrupted"
                   : strerror(error));
        goto fail;
    }
    if ((m->flags & VU_VERSION_MASK) != VU_VERSION) {
        diag_error(d, NFV_ESYSTEM, "message %s has protocol version %u, "
                   "not 1", vu_request_name(m->request),
                   m->flags & VU_VERSION_MASK);
        goto fail;
    }
    if (m->size > VU_MAX_PAYLOAD) {
        diag_error(d, NFV_ESYSTEM, "message %s claims a %u-byte payload "
                   "(at most %zu)", vu_request_name(m->request), m->size,
                   VU_MAX_PAYLOAD);
        goto fail;
    }
    error = read_full(sock, &m->payload, m->size, fds, n_fds, &bad_fds,
                      deadline, stop);
    if (error) {
        diag_error(d, NFV_ESYSTEM, "message %s: payload cut short (%s)",
                   vu_request_name(m->request),
                   error == ECONNRESET ? "connection closed"
                   : strerror(error));
        goto fail;
    }
    if (bad_fds) {
        diag_error(d, NFV_ESYSTEM, "message %s: bad or too many file "
                   "descriptors", vu_request_name(m->request));
        goto fail;
    }
    return 0;

fail:
    vu_close_fds(fds, *n_fds);
    *n_fds = 0;
    return d->status;
}

int
vu_reply_size(uint32_t request)
{
    switch (request) {
    case VU_GET_FEATURES:
    case VU_GET_PROTOCOL_FEATURES:
    case VU_GET_QUEUE_NUM:
    case VU_GET_STATUS:
        return sizeof(uint64_t);
    case VU_GET_VRING_BASE:
        return sizeof(struct vu_vring_state);
    default:
        return -1;
    }
}

int
vu_reply_check(uint32_t request, const struct vu_msg *reply, int n_fds,
               struct diag *d)
{
    int want = vu_reply_size(request);

    if (want < 0) {
        want = sizeof(uint64_t);        /* REPLY_ACK's status word. */
    }
    if (reply->request != request) {
        /* Two calls: vu_request_name() has one static buffer. */
        char got[32];

        snprintf(got, sizeof got, "%s", vu_request_name(reply->request));
        return diag_error(d, NFV_ESYSTEM, "expected a reply to %s, got %s",
                          vu_request_name(request), got);
    }
    if (!(reply->flags & VU_FLAG_REPLY)) {
        return diag_error(d, NFV_ESYSTEM, "reply to %s lacks the reply "
                          "flag", vu_request_name(request));
    }
    if (reply->size != (uint32_t) want) {
        return diag_error(d, NFV_ESYSTEM, "reply to %s has a %u-byte "
                          "payload, expected %d", vu_request_name(request),
                          reply->size, want);
    }
    if (n_fds) {
        return diag_error(d, NFV_ESYSTEM, "reply to %s carries %d "
                          "unexpected file descriptor(s)",
                          vu_request_name(request), n_fds);
    }
    return 0;
}
