/* vfinfo.h: an SR-IOV VF's settings on its PF, as 'ip link show PF'
 * prints them ("vf 0 ... spoof checking off, ..., trust on").
 *
 * The kernel keeps them in the PF's driver and shows them only through
 * netlink: an RTM_GETLINK of the PF with IFLA_EXT_MASK = RTEXT_FILTER_VF
 * answers with IFLA_VFINFO_LIST, one IFLA_VF_INFO per VF, each holding
 * IFLA_VF_SPOOFCHK and IFLA_VF_TRUST.  There is no sysfs file for them,
 * so a fake tree cannot hold them. */
#ifndef NFV_CHECK_VFINFO_H
#define NFV_CHECK_VFINFO_H 1

#include <stddef.h>

struct vf_settings {
    int spoofchk;               /* 1 on, 0 off, -1 not reported. */
    int trust;                  /* 1 on, 0 off, -1 not reported. */
};

/* VF 'vf' of interface 'pf' of the running kernel: 0, -ENODEV when there
 * is no such interface, -ENOENT when it reports no such VF, or -errno of
 * the netlink exchange. */
int vfinfo_query(const char *pf, int vf, struct vf_settings *);

/* The same from one RTM_NEWLINK reply of 'len' bytes (tests). */
int vfinfo_parse(const void *msg, size_t len, int vf, struct vf_settings *);

#endif /* check/vfinfo.h */
