/* util.c: small shared helpers (see util.h). */
#include <config.h>

#include "lib/util.h"

#include "lib/parse.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
xalloc_die(void)
{
    fputs("nfvhost: out of memory\n", stderr);
    exit(1);
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        xalloc_die();
    }
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        xalloc_die();
    }
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        xalloc_die();
    }
    return p;
}

char *
xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) {
        xalloc_die();
    }
    return p;
}

void *
xmemdup(const void *p, size_t n)
{
    return memcpy(xmalloc(n), p, n);
}

char *
xvasprintf(const char *fmt, va_list args)
{
    char *s;

    if (vasprintf(&s, fmt, args) < 0) {
        xalloc_die();
    }
    return s;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list args;
    char *s;

    va_start(args, fmt);
    s = xvasprintf(fmt, args);
    va_end(args);
    return s;
}

hwloc_bitmap_t
xbitmap(void)
{
    hwloc_bitmap_t b = hwloc_bitmap_alloc();
    if (!b) {
        xalloc_die();
    }
    return b;
}

hwloc_bitmap_t
xbitmap_dup(hwloc_const_bitmap_t src)
{
    hwloc_bitmap_t b = hwloc_bitmap_dup(src);
    if (!b) {
        xalloc_die();
    }
    return b;
}

void
sbuf_init(struct sbuf *b)
{
    b->cap = 256;
    b->len = 0;
    b->s = xmalloc(b->cap);
    b->s[0] = '\0';
}

static void
sbuf_vprintf(struct sbuf *b, const char *fmt, va_list args)
{
    va_list copy;
    int n;

    va_copy(copy, args);
    n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, copy);
    va_end(copy);
    if (n < 0) {
        xalloc_die();
    }
    if ((size_t) n >= b->cap - b->len) {
        while ((size_t) n >= b->cap - b->len) {
            b->cap *= 2;
        }
        b->s = xrealloc(b->s, b->cap);
        vsnprintf(b->s + b->len, b->cap - b->len, fmt, args);
    }
    b->len += n;
}

void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    sbuf_vprintf(b, fmt, args);
    va_end(args);
}

void
sbuf_puts(struct sbuf *b, const char *s)
{
    sbuf_printf(b, "%s", s);
}

char *
sbuf_steal(struct sbuf *b)
{
    char *s = b->s;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void
sbuf_destroy(struct sbuf *b)
{
    free(b->s);
    b->s = NULL;
}

char *
cpulist_format(hwloc_const_bitmap_t set)
{
    char *s = NULL;

    if (hwloc_bitmap_iszero(set)) {
        return xstrdup("");
    }
    if (hwloc_bitmap_list_asprintf(&s, set) < 0) {
        xalloc_die();
    }
    return s;
}

char *
cpumask_format(hwloc_const_bitmap_t set)
{
    char *s = NULL;

    /* hwloc's taskset form is what OVS and DPDK parse: "0x" and hex
     * digits without separators, "0x0" for an empty set. */
    if (hwloc_bitmap_taskset_asprintf(&s, set) < 0) {
        xalloc_die();
    }
    return s;
}

/* Our own list parser: hwloc_bitmap_list_sscanf() accepts "0-3x" and
 * "3-1", which are typos in a plan or on a command line. */
bool
cpulist_parse(const char *s, hwloc_bitmap_t set)
{
    const char *p = s;

    hwloc_bitmap_zero(set);
    while (isspace((unsigned char) *p)) {
        p++;
    }
    if (!*p) {
        return true;
    }
    for (;;) {
        unsigned long lo, hi;

        if (!parse_uint_prefix(&p, CPULIST_MAX, &lo)) {
            return false;
        }
        hi = lo;
        if (*p == '-') {
            p++;
            if (!parse_uint_prefix(&p, CPULIST_MAX, &hi) || hi < lo) {
                return false;
            }
        }
        hwloc_bitmap_set_range(set, lo, hi);
        if (*p == '\0') {
            return true;
        }
        if (*p++ != ',') {
            return false;
        }
    }
}

const char *
format_bytes(uint64_t bytes, char *buf, size_t size)
{
    static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double v = bytes;
    size_t u = 0;

    while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
        v /= 1024;
        u++;
    }
    if (u == 0 || v == (uint64_t) v) {
        snprintf(buf, size, "%" PRIu64 " %s", (uint64_t) v, units[u]);
    } else {
        snprintf(buf, size, "%.1f %s", v, units[u]);
    }
    return buf;
}

int
mkdir_parents(const char *path)
{
    char *dir = xstrdup(path);
    int error = 0;

    for (char *p = strchr(dir + 1, '/'); p && !error; p = strchr(p + 1, '/')) {
        *p = '\0';
        if (mkdir(dir, 0755) && errno != EEXIST) {
            error = -errno;
        }
        *p = '/';
    }
    free(dir);
    return error;
}

/* Only root or we can change what is below 'fd'. */
static bool
dir_is_safe(int fd)
{
    struct stat st;

    return !fstat(fd, &st)
           && (st.st_uid == 0 || st.st_uid == geteuid())
           && (!(st.st_mode & (S_IWGRP | S_IWOTH)) || st.st_mode & S_ISVTX);
}

/* Opens 'name' below 'parent' as a directory, not following a link. */
static int
open_child(int parent, const char *name, bool create, unsigned mode,
           bool *created)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
                                  | O_CLOEXEC);
    struct stat st;

    if (fd < 0 && errno == ENOENT && create) {
        if (!mkdirat(parent, name, mode)) {
            *created = true;
        } else if (errno != EEXIST) {
            return -errno;
        }
        fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
                                  | O_CLOEXEC);
    }
    if (fd < 0 && errno == ENOTDIR
        && !fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW)
        && S_ISLNK(st.st_mode)) {
        errno = ELOOP;          /* O_DIRECTORY says ENOTDIR for a link. */
    }
    return fd < 0 ? -errno : fd;
}

int
dir_open_nofollow(const char *path, bool create, unsigned mode,
                  bool *created, char **where)
{
    char *copy = xstrdup(path), *p = copy;
    int fd;

    *created = false;
    *where = NULL;
    if (path[0] != '/') {
        free(copy);
        return -EINVAL;
    }
    fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        fd = -errno;
    }
    while (fd >= 0) {
        char *name, *end;
        int child;
        bool last;

        p += strspn(p, "/");
        if (!*p) {
            break;
        }
        name = p;
        end = name + strcspn(name, "/");
        p = *end ? end + 1 : end;
        *end = '\0';
        last = !p[strspn(p, "/")];
        if (!dir_is_safe(fd)) {
            *where = xasprintf("%.*s", (int) (name - copy > 1
                                              ? name - copy - 1 : 1), path);
            child = -EPERM;
        } else {
            child = open_child(fd, name, create, last ? mode : 0755,
                               created);
            if (child < 0) {
                *where = xasprintf("%.*s", (int) (end - copy), path);
            }
            *created &= last;
        }
        close(fd);
        fd = child;
    }
    free(copy);
    return fd;
}

int
write_file_atomic(const char *path, const char *text, int mode)
{
    char *tmp = xasprintf("%s.tmp.XXXXXX", path);
    size_t len = strlen(text);
    int fd = mkstemp(tmp);

    if (fd < 0) {
        free(tmp);
        return -errno;
    }
    if (write(fd, text, len) != (ssize_t) len || fchmod(fd, mode)
        || fsync(fd) || close(fd)) {
        int error = errno ? errno : EIO;
        close(fd);
        unlink(tmp);
        free(tmp);
        return -error;
    }
    if (rename(tmp, path)) {
        int error = errno;
        unlink(tmp);
        free(tmp);
        return -error;
    }
    free(tmp);
    return 0;
}
