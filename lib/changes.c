/* changes.c: an applier's list of changes and its JSON (see changes.h). */
#include <config.h>

#include "lib/changes.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jwrite.h"
#include "lib/util.h"

void
changes_init(struct changes *c)
{
    memset(c, 0, sizeof *c);
}

void
changes_destroy(struct changes *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].what);
        free(c->items[i].before);
        free(c->items[i].after);
    }
    free(c->items);
    memset(c, 0, sizeof *c);
}

void
changes_add(struct changes *c, const char *what, const char *before,
            const char *after)
{
    struct change_item *it;

    c->items = xrealloc(c->items, (c->n + 1) * sizeof *c->items);
    it = &c->items[c->n++];
    it->what = xstrdup(what);
    it->before = before ? xstrdup(before) : NULL;
    it->after = after ? xstrdup(after) : NULL;
}

void
changes_addf(struct changes *c, const char *before, const char *after,
             const char *what_fmt, ...)
{
    va_list args;
    char *what;

    va_start(args, what_fmt);
    what = xvasprintf(what_fmt, args);
    va_end(args);
    changes_add(c, what, before, after);
    free(what);
}

char *
changes_to_json(const struct changes *c, const char *command, bool dry_run)
{
    json_t *items = json_array();
    json_t *root;
    char *text, *out;

    for (size_t i = 0; i < c->n; i++) {
        json_array_append_new(items, json_pack(
            "{s:s, s:o, s:o}", "what", c->items[i].what,
            "before", jwrite_str_or_null(c->items[i].before),
            "after", jwrite_str_or_null(c->items[i].after)));
    }
    root = json_pack("{s:s, s:i, s:s, s:b, s:b, s:o}",
                     "format", "nfvhost-changes", "version", 1,
                     "command", command, "dry_run", dry_run,
                     "changed", c->n > 0, "changes", items);
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text) {
        xalloc_die();
    }
    out = xasprintf("%s\n", text);
    free(text);
    return out;
}
