/* mem.c: memfd-backed shared memory for the front-end (see mem.h). */
#include <config.h>

#include "vhost/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/util.h"

#define SIZE_2M (2u << 20)
#define SIZE_4K 4096u

static size_t
round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}

/* Tries one page size; returns 0 or an errno, leaving 'm' untouched on
 * failure. */
static int
try_create(struct vmem *m, size_t size, bool huge)
{
    unsigned int flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
    size_t page = huge ? SIZE_2M : SIZE_4K;
    void *base;
    int fd, error;

    if (huge) {
        flags |= MFD_HUGETLB | MFD_HUGE_2MB;
    }
    fd = memfd_create("nfvhost-vhost", flags);
    if (fd < 0) {
        return errno;
    }
    size = round_up(size, page);
    /* Sealed at its final size before anyone else sees it, as QEMU does:
     * a back-end that could shrink the file would turn every later access
     * of ours to the region into a SIGBUS. */
    if (ftruncate(fd, size) < 0
        || fcntl(fd, F_ADD_SEALS,
                 F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
        error = errno;
        close(fd);
        return error;
    }
    /* MAP_POPULATE makes a short hugepage pool fail here, at setup, and
     * not with SIGBUS in the middle of a run. */
    base = mmap(NULL, size, PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_POPULATE, fd, 0);
    if (base == MAP_FAILED) {
        error = errno;
        close(fd);
        return error;
    }
    /* Locked, so that reclaim (or a DAMON pageout scheme) never makes the
     * polling thread or the back-end fault in the middle of a run.  Only
     * hugetlb must succeed: it proves the pool backed every page. */
    if (mlock(base, size) < 0 && huge) {
        error = errno;
        munmap(base, size);
        close(fd);
        return error;
    }
    m->fd = fd;
    m->base = base;
    m->size = size;
    m->used = 0;
    m->page_size = page;
    m->hugetlb = huge;
    return 0;
}

int
vmem_create(struct vmem *m, size_t size, enum vmem_pages pages,
            struct diag *d)
{
    int error = 0;

    memset(m, 0, sizeof *m);
    m->fd = -1;
    if (pages != VMEM_PAGES_4K) {
        error = try_create(m, size, true);
        if (!error) {
            return 0;
        }
        if (pages == VMEM_PAGES_HUGE) {
            return diag_error(d, NFV_ESYSTEM, "cannot back %zu bytes with "
                              "2M hugepages (%s); reserve some in /sys/"
                              "kernel/mm/hugepages/hugepages-2048kB/"
                              "nr_hugepages", size, strerror(error));
        }
    }
    error = try_create(m, size, false);
    if (error) {
        return diag_error(d, NFV_ESYSTEM, "cannot create a %zu-byte shared "
                          "memory region: %s", size, strerror(error));
    }
    return 0;
}

void
vmem_destroy(struct vmem *m)
{
    if (m->base) {
        munmap(m->base, m->size);
    }
    if (m->fd >= 0) {
        close(m->fd);
    }
    memset(m, 0, sizeof *m);
    m->fd = -1;
}

void *
vmem_alloc(struct vmem *m, size_t size, size_t align)
{
    size_t start = round_up(m->used, align);
    void *p;

    if (start > m->size || size > m->size - start) {
        return NULL;
    }
    p = m->base + start;
    m->used = start + size;
    memset(p, 0, size);
    return p;
}

bool
vmem_contains(const struct vmem *m, const void *p, size_t len)
{
    const uint8_t *q = p;

    return q >= m->base && len <= m->size
           && (size_t) (q - m->base) <= m->size - len;
}

int
vpool_init(struct vpool *p, struct vmem *mem, uint32_t n, uint32_t buf_size,
           struct diag *d)
{
    memset(p, 0, sizeof *p);
    if (buf_size < 64 || buf_size & (buf_size - 1)) {
        return diag_error(d, NFV_EINPUT, "buffer size %u is not a power of "
                          "two of at least 64", buf_size);
    }
    p->base = vmem_alloc(mem, (size_t) n * buf_size, 64);
    if (!p->base) {
        return diag_error(d, NFV_ESYSTEM, "shared region too small for %u "
                          "buffers", n);
    }
    p->n = n;
    p->buf_size = buf_size;
    p->buf_shift = __builtin_ctz(buf_size);
    p->free = xmalloc(n * sizeof *p->free);
    p->out = xcalloc(n, 1);
    for (uint32_t i = 0; i < n; i++) {
        p->free[i] = p->base + (size_t) (n - 1 - i) * buf_size;
    }
    p->n_free = n;
    return 0;
}

void
vpool_destroy(struct vpool *p)
{
    free(p->free);
    free(p->out);
    memset(p, 0, sizeof *p);
}

static uint32_t
buf_index(const struct vpool *p, const uint8_t *buf)
{
    return (uint32_t) ((size_t) (buf - p->base) >> p->buf_shift);
}

static void __attribute__((noreturn))
pool_bug(const char *what, const uint8_t *buf)
{
    fprintf(stderr, "nfvhost: internal error: buffer %p %s\n",
            (const void *) buf, what);
    abort();
}

uint8_t *
vpool_get(struct vpool *p)
{
    uint8_t *buf;
    uint32_t i;

    if (!p->n_free) {
        return NULL;
    }
    buf = p->free[--p->n_free];
    i = buf_index(p, buf);
    if (p->out[i]) {
        pool_bug("handed out twice", buf);
    }
    p->out[i] = 1;
    return buf;
}

void
vpool_put(struct vpool *p, uint8_t *buf)
{
    uint32_t i = buf_index(p, buf);

    if (!vpool_owns(p, buf) || !p->out[i]) {
        pool_bug("returned but not handed out", buf);
    }
    p->out[i] = 0;
    p->free[p->n_free++] = buf;
}

bool
vpool_owns(const struct vpool *p, const uint8_t *buf)
{
    return buf >= p->base && buf < p->base + (size_t) p->n * p->buf_size
           && !((size_t) (buf - p->base) & (p->buf_size - 1));
}
