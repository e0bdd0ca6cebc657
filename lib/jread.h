/* jread.h: reading a JSON document (jansson) field by field, with the path
 * of the current value kept for messages.
 *
 * Every getter checks the type and range of one key of an object and, when
 * it is wrong, reports once through the diag, with exit status 2, as
 *     FILE: PATH.KEY: WHAT WAS EXPECTED
 * e.g. "plan.json: vms[1].nics[0].vlan: expected 1-4094", and returns
 * NFV_EINPUT (0 on success).  jread_enter()/jread_leave() descend into an
 * object key or an array index.  The first error wins, so a reader can
 * chain getters with || and stop at the first one that fails.
 * lib/plan-file.c is built on it. */
#ifndef NFV_JREAD_H
#define NFV_JREAD_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hwloc.h>
#include <jansson.h>

#include "lib/diag.h"

struct jread {
    const char *file;           /* Names the document in messages. */
    struct diag *diag;
    char path[256];             /* JSON path of the current object. */
    const char *unknown_hint;   /* Said after "unknown key", or NULL. */
};

void jread_init(struct jread *, const char *file, struct diag *);

/* "FILE: PATH.KEY: MSG" ('key' NULL: the current path itself); returns
 * NFV_EINPUT. */
int jread_error(struct jread *, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int jread_verror(struct jread *, const char *key, const char *fmt, va_list)
    __attribute__((format(printf, 3, 0)));
/* The same about element 'index' of the array at 'key'. */
int jread_item_error(struct jread *, const char *key, size_t index,
                     const char *msg);

/* Into obj.KEY ('key' not NULL) or [INDEX]; returns what jread_leave()
 * takes to come back. */
size_t jread_enter(struct jread *, const char *key, size_t index);
void jread_leave(struct jread *, size_t len);

/* Refuses a key of 'obj' not in the NULL-terminated 'known'. */
int jread_keys(struct jread *, json_t *obj, const char *const known[]);

/* obj[key], or NULL after "missing"; of a type, or NULL after the error. */
json_t *jread_get(struct jread *, json_t *obj, const char *key);
json_t *jread_object(struct jread *, json_t *obj, const char *key);
json_t *jread_array(struct jread *, json_t *obj, const char *key);

/* Integers within [min, max]; the _or_null form takes null as
 * 'null_value'. */
int jread_i64(struct jread *, json_t *obj, const char *key, int64_t min,
              int64_t max, int64_t *);
int jread_int(struct jread *, json_t *obj, const char *key, int min,
              int max, int *);
int jread_int_or_null(struct jread *, json_t *obj, const char *key, int min,
                      int max, int null_value, int *);
int jread_u64(struct jread *, json_t *obj, const char *key, uint64_t *);
int jread_bool(struct jread *, json_t *obj, const char *key, bool *);
/* A copy of the string (null gives NULL for _or_null).  Caller frees. */
int jread_str(struct jread *, json_t *obj, const char *key, char **);
int jread_str_or_null(struct jread *, json_t *obj, const char *key,
                      char **);
/* One of the NULL-terminated 'names', as its index. */
int jread_enum(struct jread *, json_t *obj, const char *key,
               const char *const names[], int *);
/* A Linux CPU list ("0-3,8", "" for none) into a new bitmap, allocated
 * even on error (the caller frees it). */
int jread_cpus(struct jread *, json_t *obj, const char *key,
               hwloc_bitmap_t *);

#endif /* lib/jread.h */
