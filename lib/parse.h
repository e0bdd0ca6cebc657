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

/* "4G", "512M", "2048" (MiB), "1T": to MiB; false on bad syntax or
 * overflow. */
bool parse_size_mb(const char *, uint64_t *mb);

/* a * b and a + b into '*r'; false (and '*r' untouched) on overflow. */
bool mul_u64(uint64_t a, uint64_t b, uint64_t *r);
bool add_u64(uint64_t a, uint64_t b, uint64_t *r);

#endif /* lib/parse.h */
