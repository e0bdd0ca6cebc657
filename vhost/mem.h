/* mem.h: the front-end's memory, shared with the vhost-user back-end.
 *
 * One region from memfd_create(), backed by 2M hugepages (MFD_HUGETLB) when
 * the kernel has free ones and by ordinary 4K pages otherwise, mapped
 * MAP_SHARED so the back-end can map the same pages from the descriptor
 * sent with SET_MEM_TABLE.  The front-end puts its own virtual addresses
 * in descriptors (guest physical address = user address = the mapping),
 * so no translation is ever needed on this side.  Rings and packet
 * buffers are carved from the region with a bump allocator; the region
 * lives as long as the device, across reconnects.  The memfd is sealed
 * (no shrinking, growing or further seals) before it is shared, so a
 * back-end cannot truncate it under us. */
#ifndef NFV_VHOST_MEM_H
#define NFV_VHOST_MEM_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diag;

struct vmem {
    int fd;
    uint8_t *base;
    size_t size;
    size_t used;
    size_t page_size;           /* 2M for hugetlb, else 4K. */
    bool hugetlb;
};

enum vmem_pages {
    VMEM_PAGES_AUTO,            /* Hugepages if the kernel has them. */
    VMEM_PAGES_HUGE,            /* Hugepages or fail. */
    VMEM_PAGES_4K,
};

/* Creates a region of at least 'size' bytes.  Returns 0, or a diag status
 * (NFV_ESYSTEM) with the message in 'd'. */
int vmem_create(struct vmem *, size_t size, enum vmem_pages, struct diag *d);
void vmem_destroy(struct vmem *);

/* 'size' bytes aligned to 'align' (a power of two), zeroed; NULL when
 * the region is full. */
void *vmem_alloc(struct vmem *, size_t size, size_t align);

/* True if [p, p + len) lies inside the region. */
bool vmem_contains(const struct vmem *, const void *p, size_t len);

/* A pool of equal buffers carved from a region, for queues that pass
 * buffers between them instead of copying (zero-copy forwarding): a stack
 * of free buffers, and per buffer whether it is out.  Handing out a buffer
 * that is out, or taking back one that is not, is a bug of ours (the
 * queues check what the back-ends return before it gets here): it aborts
 * rather than let one buffer sit in two rings. */
struct vpool {
    uint8_t *base;
    uint32_t n;                 /* Buffers. */
    uint32_t buf_size;
    unsigned int buf_shift;     /* log2(buf_size): no division per frame. */
    uint8_t **free;
    uint32_t n_free;
    uint8_t *out;               /* Per buffer: 1 while handed out. */
};

/* Carves 'n' buffers of 'buf_size' bytes (a power of two, at least 64)
 * from 'mem'.  Returns 0 or a diag status. */
int vpool_init(struct vpool *, struct vmem *, uint32_t n, uint32_t buf_size,
               struct diag *);
void vpool_destroy(struct vpool *);
/* A free buffer, or NULL. */
uint8_t *vpool_get(struct vpool *);
/* Takes 'buf' back. */
void vpool_put(struct vpool *, uint8_t *buf);
/* True if 'buf' is one of this pool's buffers. */
bool vpool_owns(const struct vpool *, const uint8_t *buf);

#endif /* vhost/mem.h */
