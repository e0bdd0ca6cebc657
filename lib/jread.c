/* jread.c: JSON read with a path for every message (see jread.h). */
#include <config.h>

#include "lib/jread.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

void
jread_init(struct jread *r, const char *file, struct diag *diag)
{
    r->file = file;
    r->diag = diag;
    r->path[0] = '\0';
    r->unknown_hint = NULL;
}

/* The first error wins: later ones are usually its consequences. */
int
jread_verror(struct jread *r, const char *key, const char *fmt,
             va_list args)
{
    char msg[512];

    vsnprintf(msg, sizeof msg, fmt, args);
    return diag_error(r->diag, NFV_EINPUT, "%s: %s%s%s: %s", r->file,
                      r->path, *r->path && key && *key ? "." : "",
                      key ? key : "", msg);
}

int
jread_error(struct jread *r, const char *key, const char *fmt, ...)
{
    va_list args;
    int error;

    va_start(args, fmt);
    error = jread_verror(r, key, fmt, args);
    va_end(args);
    return error;
}

/* Reports 'msg' about element 'index' of the array at 'key'. */
int
jread_item_error(struct jread *r, const char *key, size_t index,
                 const char *msg)
{
    size_t len = jread_enter(r, key, 0);
    int error;

    jread_enter(r, NULL, index);
    error = jread_error(r, NULL, "%s", msg);
    jread_leave(r, len);
    return error;
}

/* Descends into obj.key (key) or array[index] (key NULL); returns the old
 * path length for jread_leave(). */
size_t
jread_enter(struct jread *r, const char *key, size_t index)
{
    size_t len = strlen(r->path);

    if (key) {
        snprintf(r->path + len, sizeof r->path - len, "%s%s",
                 len ? "." : "", key);
    } else {
        snprintf(r->path + len, sizeof r->path - len, "[%zu]", index);
    }
    return len;
}

void
jread_leave(struct jread *r, size_t len)
{
    r->path[len] = '\0';
}

/* Refuses keys of 'obj' outside the NULL-terminated 'known'. */
int
jread_keys(struct jread *r, json_t *obj, const char *const known[])
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v) {
        size_t i;
        for (i = 0; known[i] && strcmp(known[i], key); i++) {
            continue;
        }
        if (!known[i]) {
            return jread_error(r, key, "unknown key%s%s%s",
                               r->unknown_hint ? " (" : "",
                               r->unknown_hint ? r->unknown_hint : "",
                               r->unknown_hint ? ")" : "");
        }
    }
    return 0;
}

json_t *
jread_get(struct jread *r, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    if (!v) {
        jread_error(r, key, "missing");
    }
    return v;
}

json_t *
jread_object(struct jread *r, json_t *obj, const char *key)
{
    json_t *v = jread_get(r, obj, key);

    if (v && !json_is_object(v)) {
        jread_error(r, key, "expected an object");
        return NULL;
    }
    return v;
}

json_t *
jread_array(struct jread *r, json_t *obj, const char *key)
{
    json_t *v = jread_get(r, obj, key);

    if (v && !json_is_array(v)) {
        jread_error(r, key, "expected an array");
        return NULL;
    }
    return v;
}

int
jread_i64(struct jread *r, json_t *obj, const char *key, int64_t min,
        int64_t max, int64_t *out)
{
    json_t *v = jread_get(r, obj, key);

    if (!v) {
        return NFV_EINPUT;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min
        || json_integer_value(v) > max) {
        return jread_error(r, key, "expected %" PRId64 "-%" PRId64, min, max);
    }
    *out = json_integer_value(v);
    return 0;
}

int
jread_int(struct jread *r, json_t *obj, const char *key, int min, int max,
        int *out)
{
    int64_t v;
    int error = jread_i64(r, obj, key, min, max, &v);

    if (!error) {
        *out = v;
    }
    return error;
}

/* An integer in [min, max], or null for 'null_value'. */
int
jread_int_or_null(struct jread *r, json_t *obj, const char *key, int min,
                int max, int null_value, int *out)
{
    json_t *v = jread_get(r, obj, key);

    if (v && json_is_null(v)) {
        *out = null_value;
        return 0;
    }
    if (v && !json_is_integer(v)) {
        return jread_error(r, key, "expected %d-%d or null", min, max);
    }
    return jread_int(r, obj, key, min, max, out);
}

int
jread_u64(struct jread *r, json_t *obj, const char *key, uint64_t *out)
{
    int64_t v;
    int error = jread_i64(r, obj, key, 0, INT64_MAX, &v);

    if (!error) {
        *out = v;
    }
    return error;
}

int
jread_bool(struct jread *r, json_t *obj, const char *key, bool *out)
{
    json_t *v = jread_get(r, obj, key);

    if (!v) {
        return NFV_EINPUT;
    }
    if (!json_is_boolean(v)) {
        return jread_error(r, key, "expected true or false");
    }
    *out = json_is_true(v);
    return 0;
}

int
jread_str(struct jread *r, json_t *obj, const char *key, char **out)
{
    json_t *v = jread_get(r, obj, key);

    if (!v) {
        return NFV_EINPUT;
    }
    if (!json_is_string(v)) {
        return jread_error(r, key, "expected a string");
    }
    *out = xstrdup(json_string_value(v));
    return 0;
}

/* A string, or null for NULL. */
int
jread_str_or_null(struct jread *r, json_t *obj, const char *key, char **out)
{
    json_t *v = jread_get(r, obj, key);

    if (v && json_is_null(v)) {
        *out = NULL;
        return 0;
    }
    return jread_str(r, obj, key, out);
}

/* One of the NULL-terminated 'names', as its index. */
int
jread_enum(struct jread *r, json_t *obj, const char *key,
         const char *const names[], int *out)
{
    json_t *v = jread_get(r, obj, key);
    struct sbuf list;
    int error;

    if (!v) {
        return NFV_EINPUT;
    }
    for (int i = 0; names[i]; i++) {
        if (json_is_string(v) && !strcmp(json_string_value(v), names[i])) {
            *out = i;
            return 0;
        }
    }
    sbuf_init(&list);
    for (int i = 0; names[i]; i++) {
        sbuf_printf(&list, "%s%s", i ? (names[i + 1] ? ", " : " or ") : "",
                    names[i]);
    }
    error = jread_error(r, key, "expected %s", list.s);
    sbuf_destroy(&list);
    return error;
}

int
jread_cpus(struct jread *r, json_t *obj, const char *key, hwloc_bitmap_t *out)
{
    json_t *v = jread_get(r, obj, key);

    *out = xbitmap();
    if (!v) {
        return NFV_EINPUT;
    }
    if (!json_is_string(v) || !cpulist_parse(json_string_value(v), *out)) {
        return jread_error(r, key, "expected a CPU list such as \"0-3,8\" "
                           "(\"\" for none)");
    }
    return 0;
}

