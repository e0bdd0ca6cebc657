/* output.c: all-or-nothing output directories (see output.h). */
#include <config.h>

#include "lib/output.h"

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
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
    (void) st;
    (void) flag;
    (void) ftw;
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

/* The regular files under 'dir' (relative paths, sorted), or -errno. */
static int
list_files(const char *dir, char ***names, size_t *n)
{
    /* fts_open() only reads the paths; its type is not const-correct. */
    char *const roots[] = { (char *) (uintptr_t) dir, NULL };
    FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
    size_t skip = strlen(dir) + 1;
    FTSENT *e;
    int error = 0;

    *names = NULL;
    *n = 0;
    if (!fts) {
        return -errno;
    }
    while ((e = fts_read(fts))) {
        if (e->fts_info == FTS_ERR || e->fts_info == FTS_DNR) {
            error = -e->fts_errno;
            break;
        }
        if (e->fts_info == FTS_F) {
            *names = xrealloc(*names, (*n + 1) * sizeof **names);
            (*names)[(*n)++] = xstrdup(e->fts_path + skip);
        }
    }
    fts_close(fts);
    return error;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static void
free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
}

/* The manifest: every file of the staging directory, sorted. */
static int
output_dir_seal(const char *tmp, struct diag *diag)
{
    char *path = xasprintf("%s/%s", tmp, OUTPUT_MANIFEST);
    struct sbuf text;
    char **names;
    size_t n;
    int error = list_files(tmp, &names, &n);
    FILE *f;

    if (error) {
        free(path);
        return diag_error(diag, NFV_ESYSTEM, "%s: %s", tmp,
                          strerror(-error));
    }
    qsort(names, n, sizeof *names, cmp_names);
    sbuf_init(&text);
    sbuf_puts(&text, "# The files nfvhost wrote in this directory.  It "
              "replaces the directory\n# as a whole, and only while it "
              "holds no file but these.\n");
    for (size_t i = 0; i < n; i++) {
        sbuf_printf(&text, "%s\n", names[i]);
    }
    /* A plain write: the commit flushes the file system once. */
    f = fopen(path, "wx");
    if (!f || fputs(text.s, f) == EOF || fclose(f)) {
        diag_error(diag, NFV_ESYSTEM, "%s: %s", path, strerror(errno));
    }
    sbuf_destroy(&text);
    free_names(names, n);
    free(path);
    return diag->status;
}

/* The names listed in the manifest of 'dir' (sorted), or -errno. */
static int
read_manifest(const char *dir, char ***names, size_t *n)
{
    char *path = xasprintf("%s/%s", dir, OUTPUT_MANIFEST);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    free(path);
    *names = NULL;
    *n = 0;
    if (!f) {
        int error = -errno;
        if (fd >= 0) {
            close(fd);
        }
        return error;
    }
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n') {
            line[--len] = '\0';
        }
        if (len && line[0] != '#') {
            *names = xrealloc(*names, (*n + 1) * sizeof **names);
            (*names)[(*n)++] = xstrdup(line);
        }
    }
    free(line);
    fclose(f);
    qsort(*names, *n, sizeof **names, cmp_names);
    return 0;
}

static bool
listed(char **names, size_t n, const char *name)
{
    return bsearch(&name, names, n, sizeof *names, cmp_names) != NULL;
}

/* A directory is nfvhost's when a listed file lies below it. */
static bool
listed_dir(char **names, size_t n, const char *dir)
{
    size_t len = strlen(dir), lo = 0, hi = n;

    while (lo < hi) {           /* The first name >= "dir/". */
        size_t mid = (lo + hi) / 2;
        int c = strncmp(names[mid], dir, len);
        if (c < 0 || (!c && names[mid][len] < '/')) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < n && !strncmp(names[lo], dir, len) && names[lo][len] == '/';
}

/* The first entry under 'dir' that its manifest does not list (relative,
 * caller frees), NULL when there is none; -errno in '*error'. */
static char *
first_foreign(const char *dir, char **names, size_t n, int *error)
{
    /* fts_open() only reads the paths; its type is not const-correct. */
    char *const roots[] = { (char *) (uintptr_t) dir, NULL };
    FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
    size_t skip = strlen(dir) + 1;
    char *foreign = NULL;
    FTSENT *e;

    *error = fts ? 0 : -errno;
    while (fts && !foreign && !*error && (e = fts_read(fts))) {
        const char *rel = e->fts_path + skip;

        switch (e->fts_info) {
        case FTS_D:
            if (e->fts_level > 0 && !listed_dir(names, n, rel)) {
                foreign = xstrdup(rel);
            }
            break;
        case FTS_DP:
            break;
        case FTS_F:
            if (strcmp(rel, OUTPUT_MANIFEST) && !listed(names, n, rel)) {
                foreign = xstrdup(rel);
            }
            break;
        case FTS_ERR:
        case FTS_DNR:
        case FTS_NS:
            *error = -e->fts_errno;
            break;
        default:                /* Links, sockets, devices... */
            foreign = xstrdup(rel);
            break;
        }
    }
    if (fts) {
        fts_close(fts);
    }
    return foreign;
}

int
output_dir_check(const char *dir, const char *marker, struct diag *diag)
{
    struct stat st;
    char **names;
    char *foreign;
    size_t n;
    int error;

    if (lstat(dir, &st)) {
        return errno == ENOENT ? 0
               : diag_error(diag, NFV_ESYSTEM, "--output %s: %s", dir,
                            strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        return diag_error(diag, NFV_EINPUT, "--output %s exists and is not "
                          "a directory; refusing to replace it", dir);
    }
    error = read_manifest(dir, &names, &n);
    if (error || !listed(names, n, marker)) {
        free_names(names, n);
        return diag_error(diag, NFV_EINPUT, "--output %s exists and is not "
                          "an nfvhost output directory (no %s listing %s in "
                          "it); refusing to replace it", dir, OUTPUT_MANIFEST,
                          marker);
    }
    foreign = first_foreign(dir, names, n, &error);
    free_names(names, n);
    if (error) {
        return diag_error(diag, NFV_ESYSTEM, "--output %s: %s", dir,
                          strerror(-error));
    }
    if (foreign) {
        diag_error(diag, NFV_EINPUT, "--output %s holds %s/%s, which nfvhost "
                   "did not write; refusing to replace the directory (move "
                   "it away, or choose another --output)", dir, dir,
                   foreign);
        free(foreign);
    }
    return diag->status;
}

/* After the swap the old directory is at 'old'; it goes unless a foreign
 * file appeared in it meanwhile. */
static bool
old_is_ours(const char *old, const char *dir, const char *marker,
            struct diag *diag)
{
    struct diag d;
    bool ours;

    diag_init(&d);
    ours = !output_dir_check(old, marker, &d);
    if (!ours) {
        diag_warn(diag, "%s; so the directory --output %s replaced is kept "
                  "as %s", d.msg, dir, old);
    }
    diag_destroy(&d);
    return ours;
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
    int error;

    memset(out, 0, sizeof *out);
    out->tmp = xasprintf("%s/.%s.tmp-XXXXXX", dirname(copy),
                         strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir);
    free(copy);
    out->exists = !lstat(dir, &st);
    if (output_dir_check(dir, marker, diag)) {
        free(out->tmp);
        out->tmp = NULL;
        return diag->status;
    }
    error = mkdir_parents(dir);
    if (error) {
        free(out->tmp);
        out->tmp = NULL;
        return diag_error(diag, NFV_ESYSTEM, "--output %s: cannot create "
                          "the directories above it: %s", dir,
                          strerror(-error));
    }
    if (!mkdtemp(out->tmp)) {
        error = diag_error(diag, NFV_ESYSTEM, "--output %s: cannot "
                           "create a temporary directory beside it: %s",
                           dir, strerror(errno));
        free(out->tmp);
        out->tmp = NULL;
        return error;
    }
    chmod(out->tmp, 0755);
    out->dir = xstrdup(dir);
    out->marker = xstrdup(marker);
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
    int error = output_dir_seal(out->tmp, diag);
    int fd = error ? -1 : open(out->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    /* Everything on disk before the new directory becomes visible. */
    if (!error && (fd < 0 || syncfs(fd))) {
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
        } else if (out->exists
                   && !old_is_ours(out->tmp, out->dir, out->marker, diag)) {
            free(out->tmp);
            out->tmp = NULL;        /* Kept, not removed. */
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
    free(out->marker);
    memset(out, 0, sizeof *out);
}

/* The contents of 'path', or NULL with errno set. */
static char *
read_text(const char *path, struct stat *st)
{
    FILE *f = fopen(path, "re");
    struct sbuf b;
    char buf[4096];
    size_t n;

    if (!f || fstat(fileno(f), st)) {
        int error = errno;
        if (f) {
            fclose(f);
        }
        errno = error;
        return NULL;
    }
    sbuf_init(&b);
    while ((n = fread(buf, 1, sizeof buf - 1, f)) > 0) {
        buf[n] = '\0';
        sbuf_puts(&b, buf);
    }
    if (ferror(f)) {
        fclose(f);
        sbuf_destroy(&b);
        errno = EIO;
        return NULL;
    }
    fclose(f);
    return sbuf_steal(&b);
}

int
output_keep_file(const char *dir, const char *path, char **name,
                 char **text, int *mode, struct diag *diag)
{
    char *real_dir = realpath(dir, NULL);
    char *real_path = real_dir ? realpath(path, NULL) : NULL;
    size_t len = real_dir ? strlen(real_dir) : 0;
    struct stat st;

    *name = *text = NULL;
    *mode = 0;
    /* A directory that does not exist yet holds nothing to keep. */
    if (!real_path || strncmp(real_path, real_dir, len)
        || real_path[len] != '/') {
        goto out;
    }
    if (!strcmp(real_path + len + 1, OUTPUT_MANIFEST)) {
        diag_error(diag, NFV_EINPUT, "%s is the manifest of --output %s, "
                   "not a file to keep", path, dir);
        goto out;
    }
    *text = read_text(real_path, &st);
    if (!*text) {
        diag_error(diag, NFV_ESYSTEM, "%s: %s", path, strerror(errno));
        goto out;
    }
    *name = xstrdup(real_path + len + 1);
    *mode = st.st_mode & 07777;
out:
    free(real_dir);
    free(real_path);
    return diag->status;
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

int
output_write_file(const char *flag, const char *path, const char *text,
                  int mode, struct diag *diag)
{
    int error = mkdir_parents(path);

    if (error) {
        return diag_error(diag, NFV_ESYSTEM, "%s %s: cannot create the "
                          "directories above it: %s", flag, path,
                          strerror(-error));
    }
    error = write_file_atomic(path, text, mode);
    if (error) {
        return diag_error(diag, NFV_ESYSTEM, "%s %s: cannot write: %s", flag,
                          path, strerror(-error));
    }
    return 0;
}
