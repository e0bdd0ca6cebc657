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

static int
write_one(const char *tmp, const struct output_file *f, struct diag *diag)
{
    char path[PATH_MAX];
    const char *slash = strchr(f->name, '/');
    int error;

    if (slash) {
        snprintf(path, sizeof path, "%s/%.*s", tmp, (int) (slash - f->name),
                 f->name);
        if (mkdir(path, 0755) && errno != EEXIST) {
            return diag_error(diag, NFV_ESYSTEM, "%s: %s", path,
                              strerror(errno));
        }
    }
    snprintf(path, sizeof path, "%s/%s", tmp, f->name);
    error = write_file_atomic(path, f->text, f->mode);
    if (error) {
        return diag_error(diag, NFV_ESYSTEM, "%s: %s", path,
                          strerror(-error));
    }
    return 0;
}

int
output_write_dir(const char *dir, const char *marker,
                 const struct output_file *files, int n, struct diag *diag)
{
    char *copy = xstrdup(dir);
    char *tmp = xasprintf("%s/.%s.tmp-XXXXXX", dirname(copy),
                          strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir);
    struct stat st;
    bool exists = !lstat(dir, &st);
    int error = 0;

    free(copy);
    if (exists) {
        char *mark = xasprintf("%s/%s", dir, marker);
        bool ours = S_ISDIR(st.st_mode) && !access(mark, F_OK);
        free(mark);
        if (!ours) {
            free(tmp);
            return diag_error(diag, NFV_EINPUT, "--output %s exists and is "
                              "not an nfvhost output directory (no %s in "
                              "it); refusing to replace it", dir, marker);
        }
    }
    if (!mkdtemp(tmp)) {
        error = diag_error(diag, NFV_ESYSTEM, "--output %s: cannot create a "
                           "temporary directory beside it: %s", dir,
                           strerror(errno));
        free(tmp);
        return error;
    }
    chmod(tmp, 0755);
    for (int i = 0; i < n && !error; i++) {
        error = write_one(tmp, &files[i], diag);
    }
    if (!error) {
        /* Swap in one step, so readers see the old or the new directory,
         * never a mix; then the old one (now at tmp) goes. */
        int r = exists ? renameat2(AT_FDCWD, tmp, AT_FDCWD, dir,
                                   RENAME_EXCHANGE)
                       : rename(tmp, dir);
        if (r) {
            error = diag_error(diag, NFV_ESYSTEM, "--output %s: %s", dir,
                               strerror(errno));
        }
    }
    remove_tree(tmp);
    free(tmp);
    return error;
}
