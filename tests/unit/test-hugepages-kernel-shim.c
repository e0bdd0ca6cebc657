/* test-hugepages-kernel-shim.c: an LD_PRELOAD library for the hugepage
 * tests that gives the plain files of a fake sysfs tree the kernel's
 * nr_hugepages behaviour.  Nothing in nfvhost knows about it.
 *
 * A real nr_hugepages is not a file: writing N makes the kernel allocate
 * or free pages, and reading it back tells how many it really has, which
 * may be fewer than asked; free_hugepages moves with it, and pages in use
 * are never freed.  A plain file in a fake tree just holds what was
 * written.  This shim, preloaded into nfvhost, intercepts open(2), write(2)
 * and close(2) on files named nr_hugepages below $FAKE_KERNEL_ROOT/sys and
 * makes a write behave like the kernel's:
 *
 *   in_use = old nr_hugepages - free_hugepages   (mapped pages stay)
 *   nr     = max(in_use, min(asked, LIMIT))
 *   free_hugepages = nr - in_use
 *
 * where LIMIT is how many pages that pool can have at most, set per pool
 * in $FAKE_KERNEL_LIMITS as "node2/hugepages-2048kB=3,node5/...=0"
 * (unlimited when not listed).  That is how a test makes "a node that
 * hands back fewer pages than asked".
 *
 * With $FAKE_KERNEL_SLOW_MS, each such write takes that long after the
 * pool has changed, as a large 1G allocation does, and creates
 * $FAKE_KERNEL_ROOT/writing first: a test waits for that file to
 * interrupt an apply in the middle of its writes. */
#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FDS 1024

struct pool_fd {
    bool active;
    unsigned long old;
    char path[PATH_MAX];
};

static struct pool_fd fds[MAX_FDS];

/* Exported for LD_PRELOAD; declared here to satisfy
 * -Wmissing-prototypes. */
int open(const char *, int, ...);
int open64(const char *, int, ...);
ssize_t write(int, const void *, size_t);
int close(int);

static unsigned long
read_value(const char *path)
{
    FILE *f = fopen(path, "r");
    unsigned long v = 0;

    if (f) {
        if (fscanf(f, "%lu", &v) != 1) {
            v = 0;
        }
        fclose(f);
    }
    return v;
}

/* Writes through the real write(2), bypassing this shim. */
static void
put_value(const char *path, unsigned long v)
{
    static int (*real_open)(const char *, int, ...);
    static ssize_t (*real_write)(int, const void *, size_t);
    char buf[32];
    int fd, n;

    if (!real_open) {
        real_open = dlsym(RTLD_NEXT, "open");
        real_write = dlsym(RTLD_NEXT, "write");
    }
    n = snprintf(buf, sizeof buf, "%lu\n", v);
    fd = real_open(path, O_WRONLY | O_TRUNC | O_CREAT, 0644);
    if (fd >= 0) {
        if (real_write(fd, buf, n) != n) {
            perror(path);
        }
        close(fd);
    }
}

/* ".../nodeN/hugepages/hugepages-SkB/nr_hugepages" under the fake root. */
static bool
is_pool_file(const char *path)
{
    const char *root = getenv("FAKE_KERNEL_ROOT");
    size_t len = strlen(path), n = strlen("/nr_hugepages");

    return root && *root && !strncmp(path, root, strlen(root))
           && strstr(path, "/sys/devices/system/node/node")
           && len > n && !strcmp(path + len - n, "/nr_hugepages");
}

/* The LIMIT of $FAKE_KERNEL_LIMITS for this pool, ULONG_MAX if none. */
static unsigned long
pool_limit(const char *path)
{
    const char *limits = getenv("FAKE_KERNEL_LIMITS");
    const char *node = strstr(path, "/sys/devices/system/node/");
    char key[256], *copy, *save = NULL;
    unsigned long limit = ULONG_MAX;
    int node_id;
    char size[64];

    if (!limits || !node
        || sscanf(node, "/sys/devices/system/node/node%d/hugepages/%63[^/]",
                  &node_id, size) != 2) {
        return limit;
    }
    snprintf(key, sizeof key, "node%d/%s=", node_id, size);
    copy = strdup(limits);
    for (char *t = strtok_r(copy, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        if (!strncmp(t, key, strlen(key))) {
            limit = strtoul(t + strlen(key), NULL, 10);
        }
    }
    free(copy);
    return limit;
}

static char *
sibling(const char *path, const char *name)
{
    static char buf[PATH_MAX];
    const char *slash = strrchr(path, '/');

    snprintf(buf, sizeof buf, "%.*s/%s", (int) (slash - path), path, name);
    return buf;
}

static void
slow_down(void)
{
    const char *ms = getenv("FAKE_KERNEL_SLOW_MS");
    char path[PATH_MAX];

    if (ms && *ms) {
        snprintf(path, sizeof path, "%s/writing", getenv("FAKE_KERNEL_ROOT"));
        put_value(path, 1);
        usleep(strtoul(ms, NULL, 10) * 1000);
    }
}

static int
open_common(const char *sym, const char *path, int flags, mode_t mode)
{
    int (*real)(const char *, int, ...) = dlsym(RTLD_NEXT, sym);
    bool pool = (flags & O_ACCMODE) != O_RDONLY && is_pool_file(path);
    unsigned long old = pool ? read_value(path) : 0;
    int fd = real(path, flags, mode);

    if (pool && fd >= 0 && fd < MAX_FDS) {
        fds[fd].active = true;
        fds[fd].old = old;
        snprintf(fds[fd].path, sizeof fds[fd].path, "%s", path);
    }
    return fd;
}

/* open() and open64() are the same call under two names. */
#define OPEN_WRAPPER(NAME)                                  \
    int                                                     \
    NAME(const char *path, int flags, ...)                  \
    {                                                       \
        va_list args;                                       \
        mode_t mode;                                        \
                                                            \
        va_start(args, flags);                              \
        mode = va_arg(args, int);                           \
        va_end(args);                                       \
        return open_common(#NAME, path, flags, mode);       \
    }
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)

ssize_t
write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real_write)(int, const void *, size_t);
    struct pool_fd *p = fd >= 0 && fd < MAX_FDS ? &fds[fd] : NULL;
    char text[64];
    unsigned long asked, free_, in_use, nr, limit;

    if (!real_write) {
        real_write = dlsym(RTLD_NEXT, "write");
    }
    if (!p || !p->active) {
        return real_write(fd, buf, n);
    }
    snprintf(text, sizeof text, "%.*s", (int) (n < 63 ? n : 63),
             (const char *) buf);
    if (sscanf(text, "%lu", &asked) != 1) {
        errno = EINVAL;
        return -1;
    }
    free_ = read_value(sibling(p->path, "free_hugepages"));
    in_use = p->old > free_ ? p->old - free_ : 0;
    limit = pool_limit(p->path);
    nr = asked < limit ? asked : limit;
    nr = nr > in_use ? nr : in_use;
    put_value(p->path, nr);
    put_value(sibling(p->path, "free_hugepages"), nr - in_use);
    p->old = nr;
    slow_down();
    return n;
}

int
close(int fd)
{
    static int (*real_close)(int);

    if (!real_close) {
        real_close = dlsym(RTLD_NEXT, "close");
    }
    if (fd >= 0 && fd < MAX_FDS) {
        fds[fd].active = false;
    }
    return real_close(fd);
}
