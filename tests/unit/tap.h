/* tap.h: a minimal TAP producer for C unit tests.
 *
 * ok(cond, fmt, ...) prints one test point; is_int()/is_str() also print
 * what was expected on failure; done_testing() prints the plan and returns
 * the exit status (automake's tap-driver.sh reads both). */
#ifndef NFV_TAP_H
#define NFV_TAP_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline bool __attribute__((format(printf, 2, 3)))
ok(bool cond, const char *fmt, ...)
{
    va_list args;

    printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
    tap_failed += !cond;
    return cond;
}

#define is_int(got, want, ...) \
    (ok((got) == (want), __VA_ARGS__) \
     || (printf("#   got %lld, expected %lld\n", (long long) (got), \
                (long long) (want)), false))

#define is_str(got, want, ...) \
    (ok((got) && !strcmp((got), (want)), __VA_ARGS__) \
     || (printf("#   got '%s'\n#   expected '%s'\n", (got) ? (got) : "(null)", \
                (want)), false))

static inline int
done_testing(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif /* tests/unit/tap.h */
