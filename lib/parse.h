/* parse.h: numbers from text, checked, in one place.
 *
 * Every parser takes the whole string: no leading space, no sign unless
 * the range allows negatives, nothing after the number.  strtol() and
 * friends are called only here, with errno cleared before and ERANGE
 * checked after, so "99999999999999999999999" is an error rather than
 * ULONG_MAX.  The arithmetic helpers say when a product or sum does not
 * fit instead of wrapping around (page counts times page sizes). */
#ifndef NFV_PARSE_H
#define NFV_PARSE_H 1

#include <stdbool.h>
#include <stdint.h>

/* Decimal within [min, max]. */
bool parse_int(const char *, int min, int max, int *);
bool parse_long(const char *, long min, long max, long *);
/* Decimal with an optional fraction ("2", "0.25"), finite, within
 * [min, max]. */
bool parse_double(const char *, double min, double max, double *);
/* Decimal digits only, at most 'max'. */
bool parse_uint64(const char *, uint64_t max, uint64_t *);
/* Hexadecimal, with or without "0x" (sysfs "vendor", "class"). */
bool parse_hex(const char *, uint64_t max, uint64_t *);
/* Octal file mode such as "0770" or "1770", at most 07777. */
bool parse_mode(const char *, unsigned *);

/* The decimal digits at '*p' (at least one), at most 'max'; on success
 * '*p' moves past them.  For parsers of lists ("0-3,8"). */
bool parse_uint_prefix(const char **p, unsigned long max, unsigned long *);

/* A Linux release, "6.1", "5.15.0-91-generic" or uname -r's
 * "6.1.0-18-amd64": 'major'.'minor' as numbers; after them only
 * [A-Za-z0-9.+_~-].  The version is major * 1000 + minor (5.16 is 5016),
 * so two compare as numbers. */
bool parse_kernel_version(const char *, int *version);
/* The first kernel that takes hugepages per node on its command line,
 * "hugepages=0:4,1:2" (Linux 5.16, commit b5389086ad7b); an older one
 * reads "0:4" as 0 pages. */
#define KERNEL_NODE_HUGEPAGES 5016

/* "4G", "512M", "2048" (MiB), "1T": to MiB; false on bad syntax or
 * overflow. */
bool parse_size_mb(const char *, uint64_t *mb);

/* a * b and a + b into '*r'; false (and '*r' untouched) on overflow. */
bool mul_u64(uint64_t a, uint64_t b, uint64_t *r);
bool add_u64(uint64_t a, uint64_t b, uint64_t *r);

#endif /* lib/parse.h */
