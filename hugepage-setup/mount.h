/* mount.h: hugetlbfs mounts: what is mounted, which group owns them, and
 * mounting/unmounting one per page size.
 *
 * Mounts are found in ROOT/proc/mounts (ROOT as in sysfs.h); their owner
 * and mode come from stat(ROOT + mountpoint).  A mount nfvhost makes is
 * owned by root and the group QEMU and OVS run as, mode 1770: those
 * processes can create their backing files, nobody else can, and the
 * sticky bit keeps one from deleting another's files. */
#ifndef NFV_HP_MOUNT_H
#define NFV_HP_MOUNT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/diag.h"

#define HP_MOUNT_MODE 01770

/* Whether MODE (permission bits incl. sticky) is a mount as nfvhost makes
 * it: HP_MOUNT_MODE, or that with others' execute bit, which libvirtd's
 * QEMU driver adds (S_IXGRP | S_IXOTH) to every hugetlbfs mount it finds
 * when it starts, so that QEMU can reach its directory below it.  Others
 * may then traverse the mount but not list it or create files in it. */
bool hp_mount_mode_ok(mode_t mode);

struct hp_mount {
    char *dir;
    unsigned long size_kb;      /* Its pagesize= (or the default size). */
    bool stat_ok;               /* false: the mountpoint could not be
                                 * stat'ed; the next three are unknown. */
    uid_t uid;
    gid_t gid;
    mode_t mode;                /* Permission bits incl. sticky. */
};

struct hp_mounts {
    struct hp_mount *m;
    size_t n;
};

/* Reads ROOT/proc/mounts (and ROOT/proc/meminfo for the default page
 * size).  A missing file gives an empty list. */
void hp_mounts_load(const char *root, struct hp_mounts *);
void hp_mounts_destroy(struct hp_mounts *);
const struct hp_mount *hp_mounts_find_dir(const struct hp_mounts *,
                                          const char *dir);

/* The default mountpoint for a page size under 'base' (default "/dev"):
 * BASE/hugepages for the kernel's default 2 MiB size, BASE/hugepages1G
 * etc. for the others.  Caller frees. */
char *hp_mount_dir(const char *base, unsigned long size_kb);

/* The group: 'name' when given (NFV_EINPUT if it does not exist), else the
 * first of hugetlbfs, libvirt-qemu, kvm that exists, else root with a
 * warning.  '*group' is set to a string owned by the caller. */
int hp_group_resolve(const char *name, char **group, gid_t *,
                     struct diag *);

/* Mounts hugetlbfs with 'size_kb' pages on 'dir' (created if missing:
 * '*created' says so), root:gid, mode 1770.  Checks the result with
 * stat(). */
int hp_mount(const char *dir, unsigned long size_kb, gid_t, bool *created,
             struct diag *);
/* Unmounts 'dir' and, when 'remove_dir', removes the directory. */
int hp_umount(const char *dir, bool remove_dir, struct diag *);

#endif /* hugepage-setup/mount.h */
