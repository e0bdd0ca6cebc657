/* fuzz.h: what the libFuzzer targets share: the entry point, a cursor that
 * takes numbers from the input (zeros once it runs out, so that every input
 * is a valid script), and a check that aborts, which libFuzzer reports as a
 * crash with the input that caused it. */
#ifndef NFV_FUZZ_H
#define NFV_FUZZ_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_in {
    const uint8_t *p;
    size_t n;
};

static inline bool
fuzz_more(const struct fuzz_in *in)
{
    return in->n > 0;
}

static inline uint64_t
fuzz_uint(struct fuzz_in *in, size_t bytes)
{
    uint64_t v = 0;

    for (size_t i = 0; i < bytes && in->n; i++, in->p++, in->n--) {
        v |= (uint64_t) *in->p << (8 * i);
    }
    return v;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in) { return fuzz_uint(in, 1); }
static inline uint16_t fuzz_u16(struct fuzz_in *in) { return fuzz_uint(in, 2); }
static inline uint32_t fuzz_u32(struct fuzz_in *in) { return fuzz_uint(in, 4); }

/* Up to 'len' bytes of the input, in place; '*got' says how many. */
static inline const uint8_t *
fuzz_bytes(struct fuzz_in *in, size_t len, size_t *got)
{
    const uint8_t *p = in->p;

    *got = len < in->n ? len : in->n;
    in->p += *got;
    in->n -= *got;
    return p;
}

/* 'rel', a file of the source tree ($top_srcdir, which 'make check' and
 * 'make fuzz' export, else the tree the target was built from), for the
 * targets that take a real plan or topology as their fixed half.  Caller
 * frees. */
static inline char *
fuzz_source_file(const char *rel)
{
    const char *top = getenv("top_srcdir");
    size_t len;
    char *path;

    if (!top || !*top) {
        top = FUZZ_TOP_SRCDIR;
    }
    len = strlen(top) + strlen(rel) + 2;
    path = malloc(len);
    snprintf(path, len, "%s/%s", top, rel);
    return path;
}

/* An invariant of ours is broken: say which, then crash for libFuzzer. */
#define fuzz_check(cond, ...) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "fuzz check failed: %s: ", #cond); \
            fprintf(stderr, __VA_ARGS__); \
            fprintf(stderr, "\n"); \
            abort(); \
        } \
    } while (0)

#endif /* tests/fuzz/fuzz.h */
