/* util.h: small helpers shared by every part: checked allocation, string
 * building, CPU-set formatting (lists and hex masks) and atomic file
 * output.  Numbers are parsed in parse.h. */
#ifndef NFV_UTIL_H
#define NFV_UTIL_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hwloc.h>

#define ARRAY_SIZE(a) (sizeof (a) / sizeof (a)[0])

void xalloc_die(void) __attribute__((noreturn));
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
void *xmemdup(const void *, size_t);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list)
    __attribute__((format(printf, 1, 0)));
hwloc_bitmap_t xbitmap(void);
hwloc_bitmap_t xbitmap_dup(hwloc_const_bitmap_t);

/* A growing string. */
struct sbuf {
    char *s;
    size_t len, cap;
};
void sbuf_init(struct sbuf *);
void sbuf_printf(struct sbuf *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sbuf_puts(struct sbuf *, const char *);
char *sbuf_steal(struct sbuf *);
void sbuf_destroy(struct sbuf *);

/* "0-3,8,10-11"; "" for an empty set. Caller frees. */
char *cpulist_format(hwloc_const_bitmap_t);
/* "0x..." hex mask without separators (the form OVS and DPDK parse);
 * "0x0" for an empty set. Caller frees. */
char *cpumask_format(hwloc_const_bitmap_t);
/* Parses "0-3,8" (PUs up to CPULIST_MAX); returns false on bad syntax. */
#define CPULIST_MAX (1u << 20)
bool cpulist_parse(const char *, hwloc_bitmap_t);

/* "1.5 GiB" style, into buf. */
const char *format_bytes(uint64_t bytes, char *buf, size_t size);

/* Creates the missing directories above 'path' (not 'path' itself), mode
 * 0755; 0 or -errno. */
int mkdir_parents(const char *path);

/* Opens the directory 'path' (absolute) one component at a time, each
 * with O_NOFOLLOW, so that no symbolic link is followed anywhere on the
 * way and the directory opened is the one that was checked.  Every
 * directory above the last must be one that only root (or this user) can
 * change: owned by root or by us, and writable by no one else unless
 * sticky (as /tmp); otherwise another user could swap what lies below.
 * With 'create', a missing component is made, mode 0755, or 'mode' for
 * the last one (then '*created' is set).  Returns an O_RDONLY |
 * O_DIRECTORY descriptor, or -errno: -ELOOP for a symbolic link, -ENOTDIR,
 * -EPERM for an unsafe directory above, -ENOENT (without 'create'); then
 * '*where' (caller frees) is the path up to the component at fault. */
int dir_open_nofollow(const char *path, bool create, unsigned mode,
                      bool *created, char **where);

/* Writes 'text' to 'path' through a temporary file and rename(). */
int write_file_atomic(const char *path, const char *text, int mode);

#endif /* lib/util.h */
