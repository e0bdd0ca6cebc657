/* sysfs.c: the kernel's hugepage pools as files (see sysfs.h). */
#include <config.h>

#include "hugepage-setup/sysfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/parse.h"
#include "lib/sysfs.h"
#include "lib/util.h"

#define NODE_DIR "/sys/devices/system/node"
#define MM_DIR "/sys/kernel/mm/hugepages"

char *
hp_pool_path(const char *root, int node, unsigned long size_kb,
             const char *attr)
{
    return xasprintf("%s" NODE_DIR "/node%d/hugepages/hugepages-%lukB/%s",
                     root, node, size_kb, attr);
}

/* NAME is PREFIX, a decimal number, SUFFIX. */
static bool
parse_prefixed_int(const char *name, const char *prefix, const char *suffix,
                   unsigned long *value)
{
    size_t plen = strlen(prefix), slen = strlen(suffix);
    size_t len = strlen(name);
    char *digits;
    uint64_t v;
    bool ok;

    if (len <= plen + slen || strncmp(name, prefix, plen)
        || strcmp(name + len - slen, suffix)) {
        return false;
    }
    digits = xasprintf("%.*s", (int) (len - plen - slen), name + plen);
    ok = parse_uint64(digits, ULONG_MAX, &v);
    free(digits);
    *value = v;
    return ok;
}

static int
cmp_ulong(const void *a_, const void *b_)
{
    const unsigned long *a = a_, *b = b_;
    return *a < *b ? -1 : *a > *b;
}

/* The numbers N of the entries PREFIX<N>SUFFIX of 'dir', ascending. */
static int
list_numbered(const char *dir, const char *prefix, const char *suffix,
              unsigned long **values, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    *values = NULL;
    *n = 0;
    if (!d) {
        return -errno;
    }
    while ((de = readdir(d))) {
        unsigned long v;
        if (parse_prefixed_int(de->d_name, prefix, suffix, &v)) {
            *values = xrealloc(*values, (*n + 1) * sizeof **values);
            (*values)[(*n)++] = v;
        }
    }
    closedir(d);
    qsort(*values, *n, sizeof **values, cmp_ulong);
    return 0;
}

unsigned long
hp_default_size_kb(const char *root)
{
    char *path = xasprintf("%s/proc/meminfo", root);
    uint64_t kb;

    if (sysfs_read_meminfo(path, "Hugepagesize", &kb) || !kb
        || kb > ULONG_MAX) {
        kb = 2048;
    }
    free(path);
    return kb;
}

static uint64_t
node_mem_kb(const char *root, int node)
{
    char *path = xasprintf("%s" NODE_DIR "/node%d/meminfo", root, node);
    uint64_t kb;

    if (sysfs_read_meminfo(path, "MemTotal", &kb)) {
        kb = 0;
    }
    free(path);
    return kb;
}

static int
load_sizes(struct hp_system *s, struct diag *diag)
{
    char *dir = xasprintf("%s" MM_DIR, s->root);
    unsigned long *kbs;
    size_t n;
    int error = list_numbered(dir, "hugepages-", "kB", &kbs, &n);

    if (error) {
        diag_error(diag, NFV_ESYSTEM, "%s: %s: this kernel offers no "
                   "hugepages (CONFIG_HUGETLBFS)", dir, strerror(-error));
        free(dir);
        return NFV_ESYSTEM;
    }
    s->sizes = xcalloc(n ? n : 1, sizeof *s->sizes);
    s->n_sizes = n;
    for (size_t i = 0; i < n; i++) {
        struct hp_size *z = &s->sizes[i];
        static const char *attrs[] = { "nr_hugepages", "free_hugepages",
                                       "resv_hugepages",
                                       "surplus_hugepages" };
        unsigned long *vals[] = { &z->nr, &z->free, &z->resv, &z->surplus };

        z->size_kb = kbs[i];
        for (size_t a = 0; a < ARRAY_SIZE(attrs); a++) {
            char *path = xasprintf("%s/hugepages-%lukB/%s", dir, kbs[i],
                                   attrs[a]);
            /* Missing counters read as 0: a fake tree may omit them. */
            if (sysfs_read_ulong(path, vals[a])) {
                *vals[a] = 0;
            }
            free(path);
        }
    }
    free(kbs);
    free(dir);
    return 0;
}

static int
load_pool(struct hp_system *s, int node, unsigned long size_kb,
          struct diag *diag)
{
    struct hp_pool p = { .node = node, .size_kb = size_kb };
    char *path = hp_pool_path(s->root, node, size_kb, "nr_hugepages");
    int error = sysfs_read_ulong(path, &p.nr);

    if (error == -ENOENT) {
        free(path);
        return 0;               /* The node does not offer this size. */
    }
    if (error) {
        diag_error(diag, NFV_ESYSTEM, "cannot read %s: %s", path,
                   strerror(-error));
        free(path);
        return NFV_ESYSTEM;
    }
    free(path);

    path = hp_pool_path(s->root, node, size_kb, "free_hugepages");
    if (sysfs_read_ulong(path, &p.free)) {
        p.free = p.nr;
    }
    free(path);
    path = hp_pool_path(s->root, node, size_kb, "surplus_hugepages");
    if (sysfs_read_ulong(path, &p.surplus)) {
        p.surplus = 0;
    }
    free(path);

    s->pools = xrealloc(s->pools, (s->n_pools + 1) * sizeof *s->pools);
    s->pools[s->n_pools++] = p;
    return 0;
}

static int
load_nodes(struct hp_system *s, struct diag *diag)
{
    char *dir = xasprintf("%s" NODE_DIR, s->root);
    unsigned long *ids;
    size_t n;
    int error = list_numbered(dir, "node", "", &ids, &n);

    if (error || !n) {
        diag_error(diag, NFV_ESYSTEM, "%s: %s", dir,
                   error ? strerror(-error) : "no NUMA node directories");
        free(ids);
        free(dir);
        return NFV_ESYSTEM;
    }
    free(dir);
    s->nodes = xcalloc(n, sizeof *s->nodes);
    s->n_nodes = n;
    for (size_t i = 0; i < n && !error; i++) {
        s->nodes[i].id = ids[i];
        s->nodes[i].mem_kb = node_mem_kb(s->root, ids[i]);
        for (size_t z = 0; z < s->n_sizes && !error; z++) {
            error = load_pool(s, ids[i], s->sizes[z].size_kb, diag);
        }
    }
    free(ids);
    return error;
}

int
hp_system_load(const char *root, struct hp_system *s, struct diag *diag)
{
    char *path;
    int error;

    memset(s, 0, sizeof *s);
    s->root = xstrdup(root ? root : "");
    path = xasprintf("%s/proc/meminfo", s->root);
    if (sysfs_read_meminfo(path, "MemTotal", &s->mem_total_kb)) {
        s->mem_total_kb = 0;
    }
    free(path);
    error = load_sizes(s, diag);
    if (!error) {
        error = load_nodes(s, diag);
    }
    if (error) {
        hp_system_destroy(s);
    }
    return error;
}

void
hp_system_destroy(struct hp_system *s)
{
    free(s->root);
    free(s->nodes);
    free(s->sizes);
    free(s->pools);
    memset(s, 0, sizeof *s);
}

const struct hp_node *
hp_system_node(const struct hp_system *s, int id)
{
    for (size_t i = 0; i < s->n_nodes; i++) {
        if (s->nodes[i].id == id) {
            return &s->nodes[i];
        }
    }
    return NULL;
}

const struct hp_size *
hp_system_size(const struct hp_system *s, unsigned long size_kb)
{
    for (size_t i = 0; i < s->n_sizes; i++) {
        if (s->sizes[i].size_kb == size_kb) {
            return &s->sizes[i];
        }
    }
    return NULL;
}

struct hp_pool *
hp_system_pool(const struct hp_system *s, int node, unsigned long size_kb)
{
    for (size_t i = 0; i < s->n_pools; i++) {
        if (s->pools[i].node == node && s->pools[i].size_kb == size_kb) {
            return &s->pools[i];
        }
    }
    return NULL;
}

char *
hp_system_node_list(const struct hp_system *s)
{
    struct sbuf b;

    sbuf_init(&b);
    for (size_t i = 0; i < s->n_nodes; i++) {
        sbuf_printf(&b, "%s%d", i ? "," : "", s->nodes[i].id);
    }
    return sbuf_steal(&b);
}

char *
hp_system_size_list(const struct hp_system *s)
{
    struct sbuf b;

    sbuf_init(&b);
    for (size_t i = 0; i < s->n_sizes; i++) {
        char buf[32];
        sbuf_printf(&b, "%s%s", i ? ", " : "",
                    hp_short_size(s->sizes[i].size_kb, buf, sizeof buf));
    }
    return sbuf_steal(&b);
}

unsigned long
hp_pool_in_use(const struct hp_pool *p)
{
    return p->nr > p->free ? p->nr - p->free : 0;
}

bool
hp_parse_size(const char *s, unsigned long *size_kb)
{
    static const struct {
        const char *suffix;
        uint64_t kb;
    } units[] = {
        { "", 1 }, { "k", 1 }, { "kB", 1 }, { "M", 1024 }, { "MB", 1024 },
        { "G", 1024 * 1024 }, { "GB", 1024 * 1024 },
    };
    unsigned long v;
    uint64_t kb;

    if (!parse_uint_prefix(&s, ULONG_MAX, &v) || !v) {
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
        if (!strcasecmp(s, units[i].suffix)) {
            if (!mul_u64(v, units[i].kb, &kb) || kb > ULONG_MAX) {
                return false;
            }
            *size_kb = kb;
            return true;
        }
    }
    return false;
}

const char *
hp_format_size(unsigned long size_kb, char *buf, size_t size)
{
    snprintf(buf, size, "%lu kB", size_kb);
    return buf;
}

const char *
hp_short_size(unsigned long size_kb, char *buf, size_t size)
{
    if (size_kb % (1024 * 1024) == 0) {
        snprintf(buf, size, "%luG", size_kb / (1024 * 1024));
    } else if (size_kb % 1024 == 0) {
        snprintf(buf, size, "%luM", size_kb / 1024);
    } else {
        snprintf(buf, size, "%luK", size_kb);
    }
    return buf;
}
