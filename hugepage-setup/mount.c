/* mount.c: hugetlbfs mounts (see mount.h). */
#include <config.h>

#include "hugepage-setup/mount.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hugepage-setup/sysfs.h"
#include "lib/sysfs.h"
#include "lib/util.h"

/* /proc/mounts escapes space, tab, newline and backslash as \ooo. */
static void
unescape_octal(char *s)
{
    char *out = s;

    while (*s) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3'
            && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
            *out++ = (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0');
            s += 4;
        } else {
            *out++ = *s++;
        }
    }
    *out = '\0';
}

static unsigned long
option_pagesize(const char *opts, unsigned long dflt)
{
    char *copy = xstrdup(opts), *save = NULL;
    unsigned long kb = dflt;

    for (char *o = strtok_r(copy, ",", &save); o;
         o = strtok_r(NULL, ",", &save)) {
        if (!strncmp(o, "pagesize=", 9) && !hp_parse_size(o + 9, &kb)) {
            kb = dflt;
        }
    }
    free(copy);
    return kb;
}

static void
add_mount(const char *root, struct hp_mounts *ms, const char *dir,
          unsigned long size_kb)
{
    struct hp_mount *m;
    char *path = xasprintf("%s%s", root, dir);
    struct stat st;

    ms->m = xrealloc(ms->m, (ms->n + 1) * sizeof *ms->m);
    m = &ms->m[ms->n++];
    memset(m, 0, sizeof *m);
    m->dir = xstrdup(dir);
    m->size_kb = size_kb;
    if (!stat(path, &st)) {
        m->stat_ok = true;
        m->uid = st.st_uid;
        m->gid = st.st_gid;
        m->mode = st.st_mode & 07777;
    }
    free(path);
}

void
hp_mounts_load(const char *root, struct hp_mounts *ms)
{
    char *path = xasprintf("%s/proc/mounts", root);
    char *text = sysfs_read_text(path);
    unsigned long dflt = hp_default_size_kb(root);
    char *save = NULL;

    ms->m = NULL;
    ms->n = 0;
    for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        char dev[256], dir[4096], type[64], opts[1024];

        if (sscanf(line, "%255s %4095s %63s %1023s", dev, dir, type, opts)
            == 4 && !strcmp(type, "hugetlbfs")) {
            unescape_octal(dir);
            add_mount(root, ms, dir, option_pagesize(opts, dflt));
        }
    }
    free(text);
    free(path);
}

void
hp_mounts_destroy(struct hp_mounts *ms)
{
    for (size_t i = 0; i < ms->n; i++) {
        free(ms->m[i].dir);
    }
    free(ms->m);
    ms->m = NULL;
    ms->n = 0;
}

const struct hp_mount *
hp_mounts_find_dir(const struct hp_mounts *ms, const char *dir)
{
    /* The last entry wins: a later mount hides an earlier one. */
    for (size_t i = ms->n; i-- > 0;) {
        if (!strcmp(ms->m[i].dir, dir)) {
            return &ms->m[i];
        }
    }
    return NULL;
}

char *
hp_mount_dir(const char *base, unsigned long size_kb)
{
    char sz[32];

    if (size_kb == 2048) {
        return xasprintf("%s/hugepages", base);
    }
    return xasprintf("%s/hugepages%s", base,
                     hp_short_size(size_kb, sz, sizeof sz));
}

bool
hp_mount_mode_ok(mode_t mode)
{
    return (mode & ~(mode_t) S_IXOTH) == HP_MOUNT_MODE;
}

int
hp_group_resolve(const char *name, char **group, gid_t *gid,
                 struct diag *diag)
{
    static const char *candidates[] = { "hugetlbfs", "libvirt-qemu", "kvm" };
    struct group *g;

    if (name) {
        g = getgrnam(name);
        if (!g) {
            return diag_error(diag, NFV_EINPUT, "--group %s: no such group",
                              name);
        }
        *group = xstrdup(g->gr_name);
        *gid = g->gr_gid;
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
        g = getgrnam(candidates[i]);
        if (g) {
            *group = xstrdup(g->gr_name);
            *gid = g->gr_gid;
            return 0;
        }
    }
    diag_warn(diag, "none of the groups hugetlbfs, libvirt-qemu, kvm "
              "exists: hugetlbfs mounts will be root:root mode 1770, which "
              "only root can use; pass --group");
    *group = xstrdup("root");
    *gid = 0;
    return 0;
}

int
hp_mount(const char *dir, unsigned long size_kb, gid_t gid, bool *created,
         struct diag *diag)
{
    char sz[32], *opts;
    struct stat st;

    *created = false;
    if (mkdir(dir, 0755) == 0) {
        *created = true;
    } else if (errno != EEXIST) {
        return diag_error(diag, NFV_ESYSTEM, "cannot create mountpoint %s: "
                          "%s", dir, strerror(errno));
    }
    opts = xasprintf("pagesize=%s,uid=0,gid=%u,mode=%04o",
                     hp_short_size(size_kb, sz, sizeof sz), (unsigned) gid,
                     HP_MOUNT_MODE);
    if (mount("hugetlbfs", dir, "hugetlbfs", MS_NOSUID | MS_NODEV, opts)) {
        int error = errno;
        if (*created) {
            rmdir(dir);
        }
        diag_error(diag, NFV_ESYSTEM, "cannot mount hugetlbfs (%s) on %s: %s",
                   opts, dir, strerror(error));
        free(opts);
        return NFV_ESYSTEM;
    }
    free(opts);
    if (stat(dir, &st) || st.st_uid != 0 || st.st_gid != gid
        || (st.st_mode & 07777) != HP_MOUNT_MODE) {
        hp_umount(dir, *created, diag);
        return diag_error(diag, NFV_ESYSTEM, "hugetlbfs on %s is not root:%u "
                          "mode %04o after mounting it; unmounted it again",
                          dir, (unsigned) gid, HP_MOUNT_MODE);
    }
    return 0;
}

int
hp_umount(const char *dir, bool remove_dir, struct diag *diag)
{
    if (umount2(dir, UMOUNT_NOFOLLOW)) {
        return diag_error(diag, NFV_ESYSTEM, "cannot unmount %s: %s%s", dir,
                          strerror(errno), errno == EBUSY
                          ? " (a process still has files open on it)" : "");
    }
    if (remove_dir && rmdir(dir)) {
        diag_warn(diag, "unmounted %s but cannot remove it: %s", dir,
                  strerror(errno));
    }
    return 0;
}
