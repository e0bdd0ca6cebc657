/* sysfs.h: reading and writing kernel attribute files (sysfs, procfs), the
 * one place that does it.
 *
 * Reads take the whole (small) file.  A write is one open(2), one write(2)
 * and one close(2), with nothing buffered: the kernel reports a sysfs
 * error (EBUSY from sriov_numvfs, ENODEV from an unbind) as the result of
 * that write, and the caller gets exactly that errno back.  Paths are used
 * as given: callers build them under their root prefix ("" for the live
 * machine, a fake tree in tests); PCI device paths come from lib/pci.h. */
#ifndef NFV_SYSFS_H
#define NFV_SYSFS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The whole file, NUL-terminated (at most 1 MiB).  NULL with errno set
 * on failure.  Caller frees. */
char *sysfs_read_text(const char *path);
/* The first line without its newline into 'buf'; 0 or -errno (-EINVAL
 * when it does not fit). */
int sysfs_read_line(const char *path, char *buf, size_t size);
/* The first line as a number: decimal for _ulong and _long, "0x.." or
 * decimal for _hex... -errno, -EINVAL when it is not one number. */
int sysfs_read_ulong(const char *path, unsigned long *);
int sysfs_read_long(const char *path, long *);
int sysfs_read_hex(const char *path, unsigned long *);
/* The last component of the symlink 'path' (a driver's or a device's
 * name) into 'buf'; 0 or -errno. */
int sysfs_read_link_name(const char *path, char *buf, size_t size);

/* The number after "KEY:" in a meminfo-style file (/proc/meminfo,
 * .../nodeN/meminfo: "Node 0 MemTotal:  32768 kB"); 0 or -errno, -ENOENT
 * when the key is absent, -EINVAL when no number follows it. */
int sysfs_read_meminfo(const char *path, const char *key, uint64_t *);

/* Writes 'value' as one write(2) of strlen(value) bytes; 0 or -errno
 * (-EIO for a short write).  O_TRUNC does nothing to sysfs, but leaves a
 * fake tree's plain file holding exactly what was written. */
int sysfs_write(const char *path, const char *value);
/* "VALUE\n". */
int sysfs_write_ulong(const char *path, unsigned long);

#endif /* lib/sysfs.h */
