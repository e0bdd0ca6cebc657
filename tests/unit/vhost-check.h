/* vhost-check.h: invariants of the front-end's queues and buffer pools,
 * checked from outside by the unit tests and the fuzz targets alike:
 *   - every descriptor id of a queue is free or in flight, once;
 *   - every own buffer of a queue is free or in flight, once;
 *   - every buffer of a zero-copy pool is free or in flight in exactly
 *     one of the queues it travels through (never in two rings).
 * Each returns true, or false with the reason in 'why'. */
#ifndef NFV_VHOST_CHECK_H
#define NFV_VHOST_CHECK_H 1

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "vhost/mem.h"
#include "vhost/virtq.h"

/* Open descriptors of this process. */
static inline int
count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    while (d && readdir(d)) {
        n++;
    }
    if (d) {
        closedir(d);
    }
    return n;
}

static inline bool
check_ids(const struct virtq *q, char *why, size_t size)
{
    uint8_t *seen = calloc(q->num, 1);
    uint16_t in_flight = 0;
    bool good = true;

    for (int i = 0; i < q->num; i++) {
        in_flight += q->id_buf[i] != NULL;
    }
    for (int i = 0; good && i < q->n_free_ids; i++) {
        uint16_t id = q->free_ids[i];

        if (id >= q->num || seen[id] || q->id_buf[id]) {
            snprintf(why, size, "ring %u: free id %u out of range, listed "
                     "twice or in flight", q->index, id);
            good = false;
        } else {
            seen[id] = 1;
        }
    }
    if (good && (in_flight != q->n_dev
                 || in_flight + q->n_free_ids != q->num)) {
        snprintf(why, size, "ring %u: %u ids in flight, %u counted, %u "
                 "free of %u", q->index, in_flight, q->n_dev, q->n_free_ids,
                 q->num);
        good = false;
    }
    free(seen);
    return good;
}

/* A queue with buffers of its own (the copying tools). */
static inline bool
check_own(const struct virtq *q, char *why, size_t size)
{
    uint8_t *seen = calloc(q->num, 1);
    bool good = true;
    int count = 0;

    for (int k = 0; good && k < 2; k++) {
        int n = k ? q->num : q->n_pool;

        for (int i = 0; good && i < n; i++) {
            uint8_t *buf = k ? q->id_buf[i] : q->pool[i];
            size_t idx;

            if (!buf) {
                continue;
            }
            idx = (size_t) (buf - q->bufs) / q->buf_size;
            if (buf < q->bufs || idx >= q->num || seen[idx]
                || (size_t) (buf - q->bufs) % q->buf_size) {
                snprintf(why, size, "ring %u: own buffer %zu not its own or "
                         "in two places", q->index, idx);
                good = false;
            } else {
                seen[idx] = 1;
                count++;
            }
        }
    }
    if (good && count != q->num) {
        snprintf(why, size, "ring %u: %d of %u own buffers accounted for",
                 q->index, count, q->num);
        good = false;
    }
    free(seen);
    return good;
}

/* A zero-copy pool and the 'n' queues its buffers travel through. */
static inline bool
check_pool(const struct vpool *p, const struct virtq *const *queues, int n,
           char *why, size_t size)
{
    uint8_t *seen = calloc(p->n, 1);
    bool good = true;
    uint32_t count = 0;

    for (int k = -1; good && k < n; k++) {
        uint32_t m = k < 0 ? p->n_free : queues[k]->num;

        for (uint32_t i = 0; good && i < m; i++) {
            uint8_t *buf = k < 0 ? p->free[i] : queues[k]->id_buf[i];
            size_t idx;

            if (!buf) {
                continue;
            }
            idx = (size_t) (buf - p->base) / p->buf_size;
            if (!vpool_owns(p, buf) || seen[idx]) {
                snprintf(why, size, "buffer %zu %s", idx,
                         vpool_owns(p, buf) ? "in two places"
                                            : "not of this pool");
                good = false;
            } else {
                seen[idx] = 1;
                count++;
            }
        }
    }
    if (good && count != p->n) {
        snprintf(why, size, "%u of %u pool buffers accounted for", count,
                 p->n);
        good = false;
    }
    free(seen);
    return good;
}

#endif /* tests/unit/vhost-check.h */
