/* sysfs.c: kernel attribute files (see sysfs.h). */
#include <config.h>

#include "lib/sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/parse.h"
#include "lib/util.h"

#define SYSFS_MAX_TEXT (1024 * 1024)

char *
sysfs_read_text(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t len = 0, cap = 4096;
    char *buf;

    if (fd < 0) {
        return NULL;
    }
    buf = xmalloc(cap);
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len - 1);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 || (n > 0 && len + n >= SYSFS_MAX_TEXT)) {
            int error = n < 0 ? errno : EFBIG;
            close(fd);
            free(buf);
            errno = error;
            return NULL;
        }
        if (n == 0) {
            break;
        }
        len += n;
        if (len + 1 == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    close(fd);
    buf[len] = '\0';
    return buf;
}

int
sysfs_read_line(const char *path, char *buf, size_t size)
{
    char *text = sysfs_read_text(path);
    size_t n;

    if (!text) {
        return -errno;
    }
    n = strcspn(text, "\n");
    if (n >= size) {
        free(text);
        return -EINVAL;
    }
    memcpy(buf, text, n);
    buf[n] = '\0';
    free(text);
    return 0;
}

int
sysfs_read_ulong(const char *path, unsigned long *v)
{
    char buf[64];
    uint64_t n;
    int error = sysfs_read_line(path, buf, sizeof buf);

    if (error) {
        return error;
    }
    if (!parse_uint64(buf, ULONG_MAX, &n)) {
        return -EINVAL;
    }
    *v = n;
    return 0;
}

int
sysfs_read_long(const char *path, long *v)
{
    char buf[64];
    int error = sysfs_read_line(path, buf, sizeof buf);

    if (error) {
        return error;
    }
    return parse_long(buf, LONG_MIN, LONG_MAX, v) ? 0 : -EINVAL;
}

int
sysfs_read_hex(const char *path, unsigned long *v)
{
    char buf[64];
    uint64_t n;
    int error = sysfs_read_line(path, buf, sizeof buf);

    if (error) {
        return error;
    }
    if (!parse_hex(buf, ULONG_MAX, &n)) {
        return -EINVAL;
    }
    *v = n;
    return 0;
}

int
sysfs_read_link_name(const char *path, char *buf, size_t size)
{
    char target[PATH_MAX];
    ssize_t n = readlink(path, target, sizeof target - 1);
    const char *base;

    if (n < 0) {
        return -errno;
    }
    target[n] = '\0';
    base = strrchr(target, '/');
    base = base ? base + 1 : target;
    if (strlen(base) >= size) {
        return -ENAMETOOLONG;
    }
    strcpy(buf, base);
    return 0;
}

int
sysfs_read_meminfo(const char *path, const char *key, uint64_t *v)
{
    char *text = sysfs_read_text(path);
    char *label = xasprintf("%s:", key);
    const char *p = text ? strstr(text, label) : NULL;
    unsigned long n;
    int error = 0;

    if (!text) {
        error = -errno;
    } else if (!p) {
        error = -ENOENT;
    } else {
        for (p += strlen(label); *p == ' ' || *p == '\t'; p++) {
            continue;
        }
        if (parse_uint_prefix(&p, ULONG_MAX, &n)) {
            *v = n;
        } else {
            error = -EINVAL;
        }
    }
    free(label);
    free(text);
    return error;
}

int
sysfs_write(const char *path, const char *value)
{
    size_t len = strlen(value);
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        return -errno;
    }
    do {
        n = write(fd, value, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0 || (size_t) n != len) {
        int error = n < 0 ? errno : EIO;
        close(fd);
        return -error;
    }
    return close(fd) ? -errno : 0;
}

int
sysfs_write_ulong(const char *path, unsigned long v)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%lu\n", v);
    return sysfs_write(path, buf);
}
