/* persist.h: the files that make the hugepages survive a reboot.
 *
 * Under a root prefix (--root, default "/"):
 *   etc/systemd/system/nfvhost-hugepages.service  sets the pools per node
 *       early at boot, before ovs-vswitchd and libvirtd: the run-time
 *       (2 MiB) ones, and the 1 GiB ones the command line reserved, moved
 *       to their nodes (a kernel before 5.16 cannot place them per node);
 *       it fails when the kernel gives fewer pages;
 *   etc/systemd/system/<escaped mountpoint>.mount  one hugetlbfs per page
 *       size in use, root:GROUP mode 1770;
 *   etc/default/grub.d/nfvhost.cfg  for 1 GiB pages, which must be
 *       reserved at boot: the plan's kernel arguments (or, without a
 *       plan, the hugepage arguments alone), through lib/grub.h;
 *   etc/systemd/system/sysinit.target.wants/<unit>  the enablement links
 *       'systemctl enable' would make.
 * Each file starts with a marker line; a file without it was not written
 * by nfvhost and is never overwritten (checked for all files before any is
 * written).  Files are written with temp file + rename, and only when
 * they differ: a second apply writes nothing. */
#ifndef NFV_HP_PERSIST_H
#define NFV_HP_PERSIST_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/diag.h"

struct hp_requests;

struct hp_persist_file {
    char *path;                 /* With the root prefix. */
    char *text;                 /* File contents, or NULL for a link. */
    char *link;                 /* Symlink target, or NULL. */
};

struct hp_persist {
    struct hp_persist_file *files;
    size_t n;
};

struct hp_persist_opts {
    const char *root;           /* Prefix for the files ("" = /). */
    const char *mount_base;     /* As in hp_apply_opts. */
    const char *group;
    char *const *kernel_args;   /* kernel.args of the plan, or NULL. */
    size_t n_kernel_args;
    const char *kernel_release; /* Without a plan: the kernel that boots
                                 * (uname -r); "hugepages=0:N,1:M" only
                                 * on 5.16 and later, else the total. */
};

/* Builds the files and checks that none would overwrite a foreign file
 * (NFV_EINPUT naming it). */
int hp_persist_prepare(const struct hp_requests *,
                       const struct hp_persist_opts *, struct hp_persist *,
                       struct diag *);
/* Writes the files that differ from what is there (a file already as it
 * should be is left alone), noting each in 'changes' (may be NULL). */
struct changes;
int hp_persist_write(const struct hp_persist *, FILE *out, struct changes *,
                     struct diag *);
/* reset --persist: removes the units, links and GRUB drop-in that
 * 'apply --persist' wrote (those starting with its header line). */
int hp_persist_remove(const char *root, bool dry_run, FILE *out,
                      struct diag *);
/* For --dry-run: what hp_persist_write() would write. */
void hp_persist_print(const struct hp_persist *, FILE *out,
                      struct changes *);
void hp_persist_destroy(struct hp_persist *);

/* systemd's unit name for a mount point ("/dev/hugepages1G" ->
 * "dev-hugepages1G.mount"), as systemd-escape --path --suffix=mount.
 * Caller frees. */
char *hp_mount_unit_name(const char *path);

#endif /* hugepage-setup/persist.h */
