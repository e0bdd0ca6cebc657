/* test-check.c: unit tests of check/: the netlink reply parser of VF
 * settings (no VF exists on the test machine, so the message is built
 * here as the kernel's rtnl_fill_vfinfo() lays it out), the exit status
 * of a report, --only's parser, and --watch's "only what changed". */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "check/check.h"
#include "check/print.h"
#include "check/vfinfo.h"
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
test_vfinfo(void)
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
    is_int(vfinfo_query("lo", 0, &s), -ENOENT,
           "the kernel's loopback has no VF list");
    is_int(vfinfo_query("nfv-no-such0", 0, &s), -ENODEV,
           "no such interface: -ENODEV");
}

static void
test_status(void)
{
    struct check_report r;

    check_report_init(&r);
    is_int(check_report_status(&r), 0, "an empty report: exit 0");
    check_add(&r, CHECK_WARN, "kernel.thp", NULL, "THP", "always", NULL,
              "fix");
    is_int(check_report_status(&r), 0, "a WARN: exit 0");
    check_add(&r, CHECK_ERROR, "vm.libvirt", "x", "libvirt", "down", NULL,
              "fix");
    is_int(check_report_status(&r), 1, "an ERROR: exit 1");
    check_add(&r, CHECK_FAIL, "irq.affinity", "irq 3", "IRQ 3", "on 3",
              "0", "fix");
    is_int(check_report_status(&r), 4, "a FAIL wins over an ERROR: exit 4");
    ok(r.findings[0].fix && !strcmp(r.findings[0].id, "kernel.thp"),
       "findings keep their id and fix");
    check_add(&r, CHECK_PASS, "kernel.thp", NULL, "THP", "madvise", NULL,
              "fix");
    ok(!r.findings[3].fix, "a PASS has no fix");
    check_report_destroy(&r);
}

static void
test_layers(void)
{
    struct diag d;
    unsigned layers;

    diag_init(&d);
    is_int(check_parse_layers("kernel,loss", &layers, &d), 0,
           "--only kernel,loss");
    is_int(layers, (1u << CHECK_KERNEL) | (1u << CHECK_LOSS),
           "... the two layers");
    is_int(check_parse_layers("kernel,dpdk", &layers, &d), NFV_EINPUT,
           "--only kernel,dpdk: bad input");
    ok(strstr(d.msg, "unknown layer 'dpdk'") != NULL, "... naming it: %s",
       d.msg);
    diag_destroy(&d);
}

/* --watch prints a finding once, then again only when its level
 * changes, and says when it cleared. */
static void
test_changes(void)
{
    struct check_report a, b;
    char *text = NULL;
    size_t size = 0, n;
    FILE *f = open_memstream(&text, &size);

    check_report_init(&a);
    check_report_init(&b);
    check_add(&a, CHECK_FAIL, "loss.guest-not-draining", "vhu0", "ring",
              "10 in 1.0 s", "0", "fix");
    check_add(&b, CHECK_FAIL, "loss.guest-not-draining", "vhu0", "ring",
              "12 in 1.0 s", "0", "fix");
    n = check_print_changes(&a, &b, false, false, f);
    is_int(n, 0, "the same finding with other counts: nothing printed");
    check_report_destroy(&a);
    check_report_init(&a);
    check_add(&a, CHECK_PASS, "loss.drops", NULL, "drops", "none", "none",
              NULL);
    n = check_print_changes(&b, &a, true, false, f);
    fclose(f);
    is_int(n, 2, "drops gone: the new PASS and the cleared FAIL");
    ok(strstr(text, "\"id\": \"loss.drops\"") || strstr(text,
                                                        "\"id\":\"loss"
                                                        ".drops\""),
       "--json: one object per line");
    ok(strstr(text, "\"found\":\"cleared\"") != NULL, "... 'cleared'");
    free(text);
    check_report_destroy(&a);
    check_report_destroy(&b);
}

int
main(void)
{
    test_vfinfo();
    test_status();
    test_layers();
    test_changes();
    return done_testing();
}
