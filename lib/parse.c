/* parse.c: checked number parsing (see parse.h). */
#include <config.h>

#include "lib/parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* strto*() skip leading space and take a sign; we want neither. */
static bool
starts_number(const char *s, bool allow_minus)
{
    return s && (isdigit((unsigned char) s[0])
                 || (allow_minus && s[0] == '-'
                     && isdigit((unsigned char) s[1])));
}

bool
parse_long(const char *s, long min, long max, long *v)
{
    char *end;
    long n;

    if (!starts_number(s, min < 0)) {
        return false;
    }
    errno = 0;
    n = strtol(s, &end, 10);
    if (errno || *end || n < min || n > max) {
        return false;
    }
    *v = n;
    return true;
}

bool
parse_int(const char *s, int min, int max, int *v)
{
    long n;

    if (!parse_long(s, min, max, &n)) {
        return false;
    }
    *v = n;
    return true;
}

bool
parse_double(const char *s, double min, double max, double *v)
{
    char *end;
    double n;

    if (!starts_number(s, min < 0)) {
        return false;
    }
    errno = 0;
    n = strtod(s, &end);
    if (errno || *end || !isfinite(n) || n < min || n > max) {
        return false;
    }
    *v = n;
    return true;
}

static bool
parse_unsigned(const char *s, int base, uint64_t max, uint64_t *v)
{
    char *end;
    unsigned long long n;

    errno = 0;
    n = strtoull(s, &end, base);
    if (errno || end == s || *end || n > max) {
        return false;
    }
    *v = n;
    return true;
}

bool
parse_uint64(const char *s, uint64_t max, uint64_t *v)
{
    return starts_number(s, false) && parse_unsigned(s, 10, max, v);
}

bool
parse_hex(const char *s, uint64_t max, uint64_t *v)
{
    if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
    }
    return s && isxdigit((unsigned char) s[0]) && parse_unsigned(s, 16, max,
                                                                v);
}

bool
parse_mode(const char *s, unsigned *mode)
{
    uint64_t v;

    if (!starts_number(s, false) || strspn(s, "01234567") != strlen(s)
        || !parse_unsigned(s, 8, 07777, &v)) {
        return false;
    }
    *mode = v;
    return true;
}

bool
parse_kernel_version(const char *s, int *version)
{
    unsigned long major, minor;
    const char *p = s;

    if (!p || !parse_uint_prefix(&p, 99, &major) || *p++ != '.'
        || !parse_uint_prefix(&p, 999, &minor)) {
        return false;
    }
    for (; *p; p++) {
        if (!isalnum((unsigned char) *p) && !strchr(".+_~-", *p)) {
            return false;
        }
    }
    *version = major * 1000 + minor;
    return true;
}

bool
parse_uint_prefix(const char **p, unsigned long max, unsigned long *v)
{
    char *end;
    unsigned long n;

    if (!isdigit((unsigned char) **p)) {
        return false;
    }
    errno = 0;
    n = strtoul(*p, &end, 10);
    if (errno || n > max) {
        return false;
    }
    *p = end;
    *v = n;
    return true;
}

bool
parse_size_mb(const char *s, uint64_t *mb)
{
    static const struct {
        const char *suffix;
        uint64_t mult;
    } units[] = {
        { "", 1 }, { "M", 1 }, { "MB", 1 }, { "MiB", 1 },
        { "G", 1024 }, { "GB", 1024 }, { "GiB", 1024 },
        { "T", 1024 * 1024 }, { "TB", 1024 * 1024 }, { "TiB", 1024 * 1024 },
    };
    size_t digits = strspn(s, "0123456789");
    char num[32];
    uint64_t v, bytes;

    if (!digits || digits >= sizeof num) {
        return false;
    }
    memcpy(num, s, digits);
    num[digits] = '\0';
    if (!parse_uint64(num, UINT64_MAX, &v)) {
        return false;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (!strcasecmp(s + digits, units[i].suffix)) {
            /* The size in bytes must fit too: callers multiply. */
            return (mul_u64(v, units[i].mult, mb)
                    && mul_u64(*mb, 1024 * 1024, &bytes));
        }
    }
    return false;
}

bool
mul_u64(uint64_t a, uint64_t b, uint64_t *r)
{
    uint64_t p;

    if (__builtin_mul_overflow(a, b, &p)) {
        return false;
    }
    *r = p;
    return true;
}

bool
add_u64(uint64_t a, uint64_t b, uint64_t *r)
{
    uint64_t s;

    if (__builtin_add_overflow(a, b, &s)) {
        return false;
    }
    *r = s;
    return true;
}
