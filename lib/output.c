/* output.c: all-or-nothing output directories (see output.h). */
#include "lib/output.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

static int
remove_entry(const char *path, const struct stat *st, int flag,
             struct FTW *ftw)
{
    return remove(path);
}

static void
remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes every directory of 'path' below 'top' (the staging directory). */
static int
make_parents(const char *top, char *path, struct diag *diag)
{
    for (char *p = path + strlen(top) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        int r = mkdir(path, 0755);
        int error = errno;
        *p = '/';
        if (r && error != EEXIST) {
            return diag_error(diag, NFV_ESYSTEM, "%.*s: %s",
                              (int) (p - path), path, strerror(error));
        }
    }
    return 0;
}

/* Opens 'name' (under 'subdir') in the staging directory, making its
 * parent directories; -1 with the error in 'diag'. */
static int
open_staged(const struct output_dir *out, const char *subdir,
            const char *name, int mode, struct diag *diag)
{
    char path[PATH_MAX];
    int fd;

    snprintf(path, sizeof path, "%s/%s%s%s", out->tmp, subdir ? subdir : "",
             subdir ? "/" : "", name);
    if (make_parents(out->tmp, path, diag)) {
        return -1;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0 || fchmod(fd, mode)) {
        diag_error(diag, NFV_ESYSTEM, "%s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

/* A plain write: the staging directory is private until the commit, which
 * flushes the whole file system once (an fsync per file costs about 3 ms
 * here, and a fleet writes tens of thousands of files). */
static int
write_one(const struct output_dir *out, const char *subdir,
          const struct output_file *f, struct diag *diag)
{
    size_t len = strlen(f->text);
    int fd = open_staged(out, subdir, f->name, f->mode, diag);

    if (fd < 0) {
        return diag->status;
    }
    errno = 0;              /* A short write sets none. */
    int error = write(fd, f->text, len) == (ssize_t) len ? 0
                : errno ? errno : EIO;
    if (close(fd) && !error) {
        error = errno;
    }
    if (error) {
        return diag_error(diag, NFV_ESYSTEM, "%s/%s%s%s: %s", out->dir,
                          subdir ? subdir : "", subdir ? "/" : "", f->name,
                          strerror(error));
    }
    return 0;
}

FILE *
output_dir_fopen(const struct output_dir *out, const char *name, int mode,
                 struct diag *diag)
{
    int fd = open_staged(out, NULL, name, mode, diag);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

    if (fd >= 0 && !f) {
        diag_error(diag, NFV_ESYSTEM, "%s/%s: %s", out->dir, name,
                   strerror(errno));
        close(fd);
    }
    return f;
}

int
output_dir_begin(struct output_dir *out, const char *dir, const char *marker,
                 struct diag *diag)
{
    char *copy = xstrdup(dir);
    struct stat st;

    memset(out, 0, sizeof *out);
    out->tmp = xasprintf("%s/.%s.tmp-XXXXXX", dirname(copy),
                         strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir);
    free(copy);
    out->exists = !lstat(dir, &st);
    if (out->exists) {
        char *mark = xasprintf("%s/%s", dir, marker);
        bool ours = S_ISDIR(st.st_mode) && !access(mark, F_OK);
        free(mark);
        if (!ours) {
            free(out->tmp);
            out->tmp = NULL;
            return diag_error(diag, NFV_EINPUT, "--output %s exists and is "
                              "not an nfvhost output directory (no %s in "
                              "it); refusing to replace it", dir, marker);
        }
    }
    if (!mkdtemp(out->tmp)) {
        int error = diag_error(diag, NFV_ESYSTEM, "--output %s: cannot "
                               "create a temporary directory beside it: %s",
                               dir, strerror(errno));
        free(out->tmp);
        out->tmp = NULL;
        return error;
    }
    chmod(out->tmp, 0755);
    out->dir = xstrdup(dir);
    return 0;
}

int
output_dir_write(const struct output_dir *out, const char *subdir,
                 const struct output_file *files, int n, struct diag *diag)
{
    for (int i = 0; i < n; i++) {
        int error = write_one(out, subdir, &files[i], diag);
        if (error) {
            return error;
        }
    }
    return 0;
}

int
output_dir_commit(struct output_dir *out, struct diag *diag)
{
    int error = 0;
    int fd = open(out->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    /* Everything on disk before the new directory becomes visible. */
    if (fd < 0 || syncfs(fd)) {
        error = diag_error(diag, NFV_ESYSTEM, "--output %s: %s", out->dir,
                           strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    if (!error) {
        /* Swap in one step, so readers see the old or the new directory,
         * never a mix; then the old one (now at tmp) goes. */
        int r = out->exists ? renameat2(AT_FDCWD, out->tmp, AT_FDCWD,
                                        out->dir, RENAME_EXCHANGE)
                            : rename(out->tmp, out->dir);
        if (r) {
            error = diag_error(diag, NFV_ESYSTEM, "--output %s: %s",
                               out->dir, strerror(errno));
        }
    }
    output_dir_abort(out);
    return error;
}

void
output_dir_abort(struct output_dir *out)
{
    if (out->tmp) {
        remove_tree(out->tmp);
    }
    free(out->tmp);
    free(out->dir);
    memset(out, 0, sizeof *out);
}

int
output_write_dir(const char *dir, const char *marker,
                 const struct output_file *files, int n, struct diag *diag)
{
    struct output_dir out;
    int error = output_dir_begin(&out, dir, marker, diag);

    if (error) {
        return error;
    }
    error = output_dir_write(&out, NULL, files, n, diag);
    if (error) {
        output_dir_abort(&out);
        return error;
    }
    return output_dir_commit(&out, diag);
}
