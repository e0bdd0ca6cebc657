/* vfinfo.h: an SR-IOV VF's settings on its PF, read and set through
 * rtnetlink, as 'ip link show PF' prints them ("vf 0 ... spoof checking
 * off, ..., trust on") and 'ip link set PF vf N spoofchk off trust on'
 * sets them.
 *
 * The kernel keeps them in the PF's driver and shows them only through
 * netlink, so a fake sysfs tree cannot hold them:
 *   - reading: an RTM_GETLINK of the PF with IFLA_EXT_MASK =
 *     RTEXT_FILTER_VF answers with IFLA_VFINFO_LIST, one IFLA_VF_INFO per
 *     VF, each holding IFLA_VF_SPOOFCHK and IFLA_VF_TRUST;
 *   - setting: an RTM_SETLINK of the PF with the same nesting, holding
 *     only what is to change, acknowledged (NLM_F_ACK) with the driver's
 *     own error: -EOPNOTSUPP from a PF whose driver has no VF settings
 *     (veth, a PF in switchdev mode for some drivers), -EINVAL for a VF
 *     it does not have.
 * Both talk to the kernel of the network namespace the caller runs in.
 * The message builder and the reply parser are separate from the socket
 * work, so tests can check them byte for byte. */
#ifndef NFV_VFINFO_H
#define NFV_VFINFO_H 1

#include <stddef.h>
#include <stdint.h>

struct vf_settings {
    int spoofchk;               /* 1 on, 0 off, -1 not reported / leave. */
    int trust;                  /* 1 on, 0 off, -1 not reported / leave. */
};

/* VF 'vf' of interface 'pf': 0, -ENODEV when there is no such interface,
 * -ENOENT when it reports no such VF, or -errno of the netlink
 * exchange. */
int vfinfo_query(const char *pf, int vf, struct vf_settings *);
/* Sets the settings of 'want' that are not -1 on VF 'vf' of interface
 * 'pf': 0, -ENODEV when there is no such interface, or the kernel's
 * -errno. */
int vfinfo_set(const char *pf, int vf, const struct vf_settings *want);

/* The same pieces for tests: the RTM_GETLINK and RTM_SETLINK requests for
 * interface index 'ifindex' into 'buf' (returns their length, 0 when
 * 'size' is too small), and the parsers of one reply of 'len' bytes: an
 * RTM_NEWLINK (VF 'vf' from its list) and an acknowledgement (0 or its
 * -errno; -EPROTO for anything else). */
size_t vfinfo_build_get(void *buf, size_t size, int ifindex, uint32_t seq);
size_t vfinfo_build_set(void *buf, size_t size, int ifindex, int vf,
                        const struct vf_settings *want, uint32_t seq);
int vfinfo_parse(const void *msg, size_t len, int vf, struct vf_settings *);
int vfinfo_parse_ack(const void *msg, size_t len);

#endif /* lib/vfinfo.h */
