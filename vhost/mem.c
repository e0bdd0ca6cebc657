/* mem.c: memfd-backed shared memory for the front-end (see mem.h). */
#include "vhost/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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
            char *err, size_t err_size)
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
            snprintf(err, err_size, "cannot back %zu bytes with 2M "
                     "hugepages (%s); reserve some in /sys/kernel/mm/"
                     "hugepages/hugepages-2048kB/nr_hugepages", size,
                     strerror(error));
            return error;
        }
    }
    error = try_create(m, size, false);
    if (error) {
        snprintf(err, err_size, "cannot create a %zu-byte shared memory "
                 "region: %s", size, strerror(error));
    }
    return error;
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
