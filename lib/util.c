/* util.c: small shared helpers (see util.h). */
#include "lib/util.h"

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
    static const char hex[] = "0123456789abcdef";
    int last = hwloc_bitmap_last(set);
    struct sbuf b;

    if (last < 0) {
        return xstrdup("0x0");
    }
    sbuf_init(&b);
    sbuf_puts(&b, "0x");
    for (int nibble = last / 4; nibble >= 0; nibble--) {
        int v = 0;
        for (int bit = 0; bit < 4; bit++) {
            if (hwloc_bitmap_isset(set, nibble * 4 + bit)) {
                v |= 1 << bit;
            }
        }
        sbuf_printf(&b, "%c", hex[v]);
    }
    return sbuf_steal(&b);
}

static bool
parse_uint(const char **p, unsigned long *v)
{
    char *end;

    if (!isdigit((unsigned char) **p)) {
        return false;
    }
    errno = 0;
    *v = strtoul(*p, &end, 10);
    if (errno || *v > 1u << 20) {
        return false;
    }
    *p = end;
    return true;
}

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

        if (!parse_uint(&p, &lo)) {
            return false;
        }
        hi = lo;
        if (*p == '-') {
            p++;
            if (!parse_uint(&p, &hi) || hi < lo) {
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

bool
parse_size_mb(const char *s, uint64_t *mb)
{
    char *end;
    unsigned long long v;
    uint64_t mult;

    if (!isdigit((unsigned char) *s)) {
        return false;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno) {
        return false;
    }
    if (!strcmp(end, "") || !strcasecmp(end, "M") || !strcasecmp(end, "MB")
        || !strcasecmp(end, "MiB")) {
        mult = 1;
    } else if (!strcasecmp(end, "G") || !strcasecmp(end, "GB")
               || !strcasecmp(end, "GiB")) {
        mult = 1024;
    } else if (!strcasecmp(end, "T") || !strcasecmp(end, "TB")
               || !strcasecmp(end, "TiB")) {
        mult = 1024 * 1024;
    } else {
        return false;
    }
    if (v > UINT64_MAX / mult / 1024 / 1024) {
        return false;
    }
    *mb = v * mult;
    return true;
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
