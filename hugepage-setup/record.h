/* record.h: what 'apply' changed, so that 'reset' can undo exactly that.
 *
 * The record lives in ROOT/run/nfvhost/hugepages.json (ROOT as in
 * sysfs.h): /run is cleared at boot, as are the run-time pools it
 * describes.  For every pool apply wrote it keeps the count the pool had
 * before nfvhost first touched it, and every hugetlbfs mount nfvhost made
 * (and whether it created the mountpoint).  Mounts not in the record are
 * never unmounted. */
#ifndef NFV_HP_RECORD_H
#define NFV_HP_RECORD_H 1

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

struct hp_record_pool {
    int node;
    unsigned long size_kb;
    unsigned long before;
};

struct hp_record_mount {
    char *dir;
    unsigned long size_kb;
    bool created_dir;
};

struct hp_record {
    char *path;
    struct hp_record_pool *pools;
    size_t n_pools;
    struct hp_record_mount *mounts;
    size_t n_mounts;
};

/* A missing file is an empty record; a damaged one is NFV_ESYSTEM. */
int hp_record_load(const char *root, struct hp_record *, struct diag *);
/* Writes the record atomically, or removes the file when it is empty. */
int hp_record_save(const struct hp_record *, struct diag *);
void hp_record_destroy(struct hp_record *);

/* Remembers 'before' unless the pool is already recorded (the first
 * value is the one reset goes back to). */
void hp_record_pool(struct hp_record *, int node, unsigned long size_kb,
                    unsigned long before);
void hp_record_mount(struct hp_record *, const char *dir,
                     unsigned long size_kb, bool created_dir);
void hp_record_drop_pool(struct hp_record *, size_t i);
void hp_record_drop_mount(struct hp_record *, size_t i);

#endif /* hugepage-setup/record.h */
