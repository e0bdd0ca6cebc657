/* vfinfo.c: VF settings through rtnetlink (see vfinfo.h). */
#include <config.h>

#include "check/vfinfo.h"

#include <errno.h>
#include <net/if.h>
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

int
vfinfo_parse(const void *msg, size_t len, int vf, struct vf_settings *s)
{
    const struct nlmsghdr *h = msg;
    const struct rtattr *list;
    int alen;

    if (len < NLMSG_LENGTH(sizeof(struct ifinfomsg))
        || h->nlmsg_len > len || h->nlmsg_type != RTM_NEWLINK) {
        return h->nlmsg_type == NLMSG_ERROR && len >= NLMSG_LENGTH(
                   sizeof(struct nlmsgerr))
               ? ((const struct nlmsgerr *) NLMSG_DATA(h))->error
               : -EPROTO;
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
vfinfo_query(const char *pf, int vf, struct vf_settings *s)
{
    struct {
        struct nlmsghdr h;
        struct ifinfomsg i;
        char attrs[RTA_SPACE(sizeof(unsigned))];
    } req;
    struct rtattr *mask = (struct rtattr *) req.attrs;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    unsigned index = if_nametoindex(pf);
    char *buf;
    ssize_t n;
    int fd, error;

    if (!index) {
        return -ENODEV;
    }
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof req.i)
                      + RTA_SPACE(sizeof(unsigned));
    req.h.nlmsg_type = RTM_GETLINK;
    req.h.nlmsg_flags = NLM_F_REQUEST;
    req.h.nlmsg_seq = 1;
    req.i.ifi_family = AF_UNSPEC;
    req.i.ifi_index = index;
    mask->rta_type = IFLA_EXT_MASK;
    mask->rta_len = RTA_LENGTH(sizeof(unsigned));
    *(unsigned *) RTA_DATA(mask) = RTEXT_FILTER_VF;

    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
        return -errno;
    }
    buf = xmalloc(VFINFO_BUF);
    if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *) &kernel,
               sizeof kernel) < 0) {
        error = -errno;
    } else if ((n = recv(fd, buf, VFINFO_BUF, 0)) < 0) {
        error = -errno;
    } else {
        error = vfinfo_parse(buf, n, vf, s);
    }
    free(buf);
    close(fd);
    return error;
}
