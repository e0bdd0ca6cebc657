/* test-vfinfo.c: unit tests of lib/vfinfo: the RTM_GETLINK and RTM_SETLINK
 * requests byte for byte (as 'ip link set PF vf N spoofchk off trust on'
 * sends them), the reply parser on a message laid out as the kernel's
 * rtnl_fill_vfinfo() lays it out (no VF exists on the test machine), and
 * the acknowledgement parser.  The kernel's own answers for interfaces
 * without VFs are tested by tests/ovs-vf-trust.sh in a namespace. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "lib/vfinfo.h"
#include "tests/unit/tap.h"

static char msg[4096];
static size_t used;

/* Appends an attribute; returns it, so a nest's length can be fixed. */
static struct rtattr *
put(int type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *) (msg + used);

    a->rta_type = type;
    a->rta_len = RTA_LENGTH(len);
    if (data) {
        memcpy(RTA_DATA(a), data, len);
    }
    used += RTA_ALIGN(a->rta_len);
    return a;
}

static void
close_nest(struct rtattr *nest)
{
    nest->rta_len = msg + used - (char *) nest;
}

/* An RTM_NEWLINK with VF 0 (spoof checking on, trust off) and VF 1 (off,
 * on); 'with_list' false leaves out IFLA_VFINFO_LIST. */
static size_t
build(bool with_list)
{
    struct nlmsghdr *h = (struct nlmsghdr *) msg;
    unsigned mtu = 1500;

    memset(msg, 0, sizeof msg);
    used = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    h->nlmsg_type = RTM_NEWLINK;
    put(IFLA_MTU, &mtu, sizeof mtu);
    if (with_list) {
        struct rtattr *list = put(IFLA_VFINFO_LIST | NLA_F_NESTED, NULL, 0);
        for (unsigned vf = 0; vf < 2; vf++) {
            struct rtattr *info = put(IFLA_VF_INFO | NLA_F_NESTED, NULL, 0);
            struct ifla_vf_spoofchk sc = { vf, vf == 0 };
            struct ifla_vf_trust tr = { vf, vf == 1 };
            put(IFLA_VF_SPOOFCHK, &sc, sizeof sc);
            put(IFLA_VF_TRUST, &tr, sizeof tr);
            close_nest(info);
        }
        close_nest(list);
    }
    h->nlmsg_len = used;
    return used;
}

static void
test_parse(void)
{
    struct vf_settings s;
    size_t len = build(true);
    struct nlmsghdr *h = (struct nlmsghdr *) msg;
    struct nlmsgerr *e;

    is_int(vfinfo_parse(msg, len, 1, &s), 0, "VF 1 found in the VF list");
    ok(s.spoofchk == 0 && s.trust == 1, "VF 1: spoof checking off, trust "
       "on (%d, %d)", s.spoofchk, s.trust);
    is_int(vfinfo_parse(msg, len, 0, &s), 0, "VF 0 found");
    ok(s.spoofchk == 1 && s.trust == 0, "VF 0: spoof checking on, trust "
       "off");
    is_int(vfinfo_parse(msg, len, 2, &s), -ENOENT, "VF 2: not in the list");
    is_int(vfinfo_parse(msg, len - 8, 1, &s), -EPROTO,
           "a reply shorter than its header says: refused");
    len = build(false);
    is_int(vfinfo_parse(msg, len, 0, &s), -ENOENT,
           "no IFLA_VFINFO_LIST (not an SR-IOV PF): -ENOENT");
    memset(msg, 0, sizeof msg);
    h->nlmsg_type = NLMSG_ERROR;
    h->nlmsg_len = NLMSG_LENGTH(sizeof *e);
    e = NLMSG_DATA(h);
    e->error = -EPERM;
    is_int(vfinfo_parse(msg, h->nlmsg_len, 0, &s), -EPERM,
           "a netlink error reply: its error");
    is_int(vfinfo_parse_ack(msg, h->nlmsg_len), -EPERM,
           "an error as the answer to a request: its error");
    e->error = 0;
    is_int(vfinfo_parse_ack(msg, h->nlmsg_len), 0,
           "an acknowledgement: 0");
    is_int(vfinfo_parse_ack(msg, NLMSG_HDRLEN + 2), -EPROTO,
           "an acknowledgement cut short: -EPROTO");
    build(true);
    is_int(vfinfo_parse_ack(msg, used), -EPROTO,
           "an RTM_NEWLINK where an acknowledgement was due: -EPROTO");
}

/* 'n' bytes as hex, for a failing comparison's diagnostic. */
static void
dump(const char *what, const unsigned char *b, size_t n)
{
    printf("# %s:", what);
    for (size_t i = 0; i < n; i++) {
        printf(" %02x", b[i]);
    }
    printf("\n");
}

static void
is_bytes(const void *got, size_t got_len, const unsigned char *want,
         size_t want_len, const char *what)
{
    bool same = got_len == want_len && !memcmp(got, want, want_len);

    ok(same, "%s", what);
    if (!same) {
        dump("got ", got, got_len);
        dump("want", want, want_len);
    }
}

/* The requests as the kernel's headers define them (little-endian, as on
 * every machine this runs on), written out field by field. */
static void
test_build(void)
{
    static const unsigned char set_both[] = {
        /* nlmsghdr: len 64, RTM_SETLINK (19), REQUEST|ACK, seq 7, pid 0 */
        64, 0, 0, 0, 19, 0, 0x05, 0, 7, 0, 0, 0, 0, 0, 0, 0,
        /* ifinfomsg: AF_UNSPEC, pad, type 0, index 42, flags 0, change 0 */
        0, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        /* IFLA_VFINFO_LIST (22) | NLA_F_NESTED, length 32 (its header
         * and what it holds) */
        32, 0, 22, 0x80,
        /* IFLA_VF_INFO (1) | NLA_F_NESTED, length 28 */
        28, 0, 1, 0x80,
        /* IFLA_VF_SPOOFCHK (4): vf 3, setting 0 (off) */
        12, 0, 4, 0, 3, 0, 0, 0, 0, 0, 0, 0,
        /* IFLA_VF_TRUST (9): vf 3, setting 1 (on) */
        12, 0, 9, 0, 3, 0, 0, 0, 1, 0, 0, 0,
    };
    static const unsigned char set_trust[] = {
        52, 0, 0, 0, 19, 0, 0x05, 0, 7, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        20, 0, 22, 0x80,
        16, 0, 1, 0x80,
        /* IFLA_VF_TRUST (9): vf 0x102, setting 0 (off) */
        12, 0, 9, 0, 2, 1, 0, 0, 0, 0, 0, 0,
    };
    static const unsigned char get[] = {
        /* nlmsghdr: len 40, RTM_GETLINK (18), REQUEST, seq 1 */
        40, 0, 0, 0, 18, 0, 0x01, 0, 1, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        /* IFLA_EXT_MASK (29): RTEXT_FILTER_VF (1) */
        8, 0, 29, 0, 1, 0, 0, 0,
    };
    struct vf_settings both = { .spoofchk = 0, .trust = 1 };
    struct vf_settings trust_off = { .spoofchk = -1, .trust = 0 };
    char buf[256];
    size_t len;

    len = vfinfo_build_set(buf, sizeof buf, 42, 3, &both, 7);
    is_bytes(buf, len, set_both, sizeof set_both,
             "RTM_SETLINK: VF 3 spoof checking off, trust on");
    len = vfinfo_build_set(buf, sizeof buf, 42, 258, &trust_off, 7);
    is_bytes(buf, len, set_trust, sizeof set_trust,
             "RTM_SETLINK: only trust (off), VF 258");
    len = vfinfo_build_get(buf, sizeof buf, 5, 1);
    is_bytes(buf, len, get, sizeof get,
             "RTM_GETLINK with RTEXT_FILTER_VF");
    is_int(vfinfo_build_set(buf, 63, 42, 3, &both, 7), 0,
           "a buffer one byte short: nothing built");
    is_int(vfinfo_build_get(buf, 16, 5, 1), 0,
           "a buffer shorter than the headers: nothing built");
}

/* What the kernel of this namespace says without any VF: no such
 * interface, and the loopback (no VF list, no VF settings). */
static void
test_kernel(void)
{
    struct vf_settings s, want = { .spoofchk = 0, .trust = 1 };

    is_int(vfinfo_query("lo", 0, &s), -ENOENT,
           "the kernel's loopback has no VF list");
    is_int(vfinfo_query("nfv-no-such0", 0, &s), -ENODEV,
           "no such interface: -ENODEV");
    is_int(vfinfo_set("nfv-no-such0", 0, &want), -ENODEV,
           "setting on no such interface: -ENODEV");
}

int
main(void)
{
    test_build();
    test_parse();
    test_kernel();
    return done_testing();
}
