/* vfinfo.c: VF settings through rtnetlink (see vfinfo.h). */
#include <config.h>

#include "lib/vfinfo.h"

#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "lib/util.h"

/* A VF list of many VFs is tens of KiB. */
#define VFINFO_BUF (256 * 1024)

/* A request under construction: a header, an ifinfomsg, attributes. */
struct nlbuf {
    char *buf;
    size_t size;
    size_t used;
    bool overflow;
};

static struct rtattr *
nl_put(struct nlbuf *b, int type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *) (b->buf + b->used);

    if (b->overflow || b->used + RTA_SPACE(len) > b->size) {
        b->overflow = true;
        return NULL;
    }
    memset(a, 0, RTA_SPACE(len));
    a->rta_type = type;
    a->rta_len = RTA_LENGTH(len);
    if (data) {
        memcpy(RTA_DATA(a), data, len);
    }
    b->used += RTA_SPACE(len);
    return a;
}

/* A nest's length covers everything put after it. */
static void
nl_close(struct nlbuf *b, struct rtattr *nest)
{
    if (nest && !b->overflow) {
        nest->rta_len = b->buf + b->used - (char *) nest;
    }
}

static bool
nl_start(struct nlbuf *b, void *buf, size_t size, int type, int flags,
         int ifindex, uint32_t seq)
{
    struct nlmsghdr *h = buf;
    struct ifinfomsg *i;

    b->buf = buf;
    b->size = size;
    b->used = NLMSG_LENGTH(sizeof *i);
    b->overflow = size < b->used;
    if (b->overflow) {
        return false;
    }
    memset(buf, 0, b->used);
    h->nlmsg_type = type;
    h->nlmsg_flags = flags;
    h->nlmsg_seq = seq;
    i = NLMSG_DATA(h);
    i->ifi_family = AF_UNSPEC;
    i->ifi_index = ifindex;
    return true;
}

static size_t
nl_finish(struct nlbuf *b)
{
    if (b->overflow) {
        return 0;
    }
    ((struct nlmsghdr *) b->buf)->nlmsg_len = b->used;
    return b->used;
}

size_t
vfinfo_build_get(void *buf, size_t size, int ifindex, uint32_t seq)
{
    uint32_t mask = RTEXT_FILTER_VF;
    struct nlbuf b;

    if (!nl_start(&b, buf, size, RTM_GETLINK, NLM_F_REQUEST, ifindex, seq)) {
        return 0;
    }
    nl_put(&b, IFLA_EXT_MASK, &mask, sizeof mask);
    return nl_finish(&b);
}

size_t
vfinfo_build_set(void *buf, size_t size, int ifindex, int vf,
                 const struct vf_settings *want, uint32_t seq)
{
    struct rtattr *list, *info;
    struct nlbuf b;

    if (!nl_start(&b, buf, size, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK,
                  ifindex, seq)) {
        return 0;
    }
    list = nl_put(&b, IFLA_VFINFO_LIST | NLA_F_NESTED, NULL, 0);
    info = nl_put(&b, IFLA_VF_INFO | NLA_F_NESTED, NULL, 0);
    if (want->spoofchk >= 0) {
        struct ifla_vf_spoofchk s = { .vf = vf, .setting = want->spoofchk };
        nl_put(&b, IFLA_VF_SPOOFCHK, &s, sizeof s);
    }
    if (want->trust >= 0) {
        struct ifla_vf_trust t = { .vf = vf, .setting = want->trust };
        nl_put(&b, IFLA_VF_TRUST, &t, sizeof t);
    }
    nl_close(&b, info);
    nl_close(&b, list);
    return nl_finish(&b);
}

/* The attribute of type 'type' among the 'len' bytes at 'rta', or
 * NULL. */
static const struct rtattr *
find_attr(const struct rtattr *rta, int len, int type)
{
    for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
        if ((rta->rta_type & NLA_TYPE_MASK) == type) {
            return rta;
        }
    }
    return NULL;
}

/* One IFLA_VF_INFO: its VF number and settings. */
static int
parse_vf(const struct rtattr *info, struct vf_settings *s)
{
    int len = RTA_PAYLOAD(info), vf = -1;

    s->spoofchk = s->trust = -1;
    for (const struct rtattr *a = RTA_DATA(info); RTA_OK(a, len);
         a = RTA_NEXT(a, len)) {
        int type = a->rta_type & NLA_TYPE_MASK;
        if (type == IFLA_VF_SPOOFCHK
            && RTA_PAYLOAD(a) >= sizeof(struct ifla_vf_spoofchk)) {
            const struct ifla_vf_spoofchk *c = RTA_DATA(a);
            vf = c->vf;
            s->spoofchk = c->setting != 0;
        } else if (type == IFLA_VF_TRUST
                   && RTA_PAYLOAD(a) >= sizeof(struct ifla_vf_trust)) {
            const struct ifla_vf_trust *t = RTA_DATA(a);
            vf = t->vf;
            s->trust = t->setting != 0;
        }
    }
    return vf;
}

/* A reply that is an NLMSG_ERROR: its error (0 for an acknowledgement);
 * 1 when it is not one; -EPROTO when it is cut short. */
static int
error_reply(const void *msg, size_t len)
{
    const struct nlmsghdr *h = msg;

    if (len < NLMSG_HDRLEN || h->nlmsg_type != NLMSG_ERROR) {
        return 1;
    }
    if (len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
        return -EPROTO;
    }
    return ((const struct nlmsgerr *) NLMSG_DATA(h))->error;
}

int
vfinfo_parse(const void *msg, size_t len, int vf, struct vf_settings *s)
{
    const struct nlmsghdr *h = msg;
    const struct rtattr *list;
    int alen, error = error_reply(msg, len);

    if (error <= 0) {
        return error ? error : -EPROTO;
    }
    if (len < NLMSG_LENGTH(sizeof(struct ifinfomsg))
        || h->nlmsg_len > len || h->nlmsg_type != RTM_NEWLINK) {
        return -EPROTO;
    }
    alen = h->nlmsg_len - NLMSG_LENGTH(sizeof(struct ifinfomsg));
    list = find_attr(IFLA_RTA(NLMSG_DATA(h)), alen, IFLA_VFINFO_LIST);
    if (!list) {
        return -ENOENT;
    }
    alen = RTA_PAYLOAD(list);
    for (const struct rtattr *info = RTA_DATA(list); RTA_OK(info, alen);
         info = RTA_NEXT(info, alen)) {
        if ((info->rta_type & NLA_TYPE_MASK) == IFLA_VF_INFO
            && parse_vf(info, s) == vf) {
            return 0;
        }
    }
    return -ENOENT;
}

int
vfinfo_parse_ack(const void *msg, size_t len)
{
    int error = error_reply(msg, len);

    return error > 0 ? -EPROTO : error;
}

/* Sends 'len' bytes of 'req' to the kernel and reads one reply into 'buf'
 * ('*n' bytes): 0 or -errno. */
static int
exchange(const void *req, size_t len, char *buf, size_t size, ssize_t *n)
{
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    int error = 0;

    if (fd < 0) {
        return -errno;
    }
    if (sendto(fd, req, len, 0, (struct sockaddr *) &kernel,
               sizeof kernel) < 0
        || (*n = recv(fd, buf, size, 0)) < 0) {
        error = -errno;
    }
    close(fd);
    return error;
}

int
vfinfo_query(const char *pf, int vf, struct vf_settings *s)
{
    unsigned index = if_nametoindex(pf);
    char req[64], *buf;
    size_t len;
    ssize_t n;
    int error;

    if (!index) {
        return -ENODEV;
    }
    len = vfinfo_build_get(req, sizeof req, index, 1);
    buf = xmalloc(VFINFO_BUF);
    error = exchange(req, len, buf, VFINFO_BUF, &n);
    if (!error) {
        error = vfinfo_parse(buf, n, vf, s);
    }
    free(buf);
    return error;
}

int
vfinfo_set(const char *pf, int vf, const struct vf_settings *want)
{
    unsigned index = if_nametoindex(pf);
    char req[128], reply[1024];
    size_t len;
    ssize_t n;
    int error;

    if (!index) {
        return -ENODEV;
    }
    len = vfinfo_build_set(req, sizeof req, index, vf, want, 1);
    error = exchange(req, len, reply, sizeof reply, &n);
    return error ? error : vfinfo_parse_ack(reply, n);
}
