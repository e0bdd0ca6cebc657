/* kept.c: the --intent keys the wizard does not ask (see kept.h). */
#include <config.h>

#include "setup/kept.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"
#include "setup/wizard.h"

static void
keep_key(void *k_, const char *section, const char *key, const char *value)
{
    struct kept *k = k_;

    if (wizard_intent_writes(section, key)) {
        return;
    }
    k->keys = xrealloc(k->keys, (k->n + 1) * sizeof *k->keys);
    k->keys[k->n++] = (struct kept_key) {
        .section = xstrdup(section),
        .key = xstrdup(key),
        .value = xstrdup(value),
    };
}

int
kept_parse_intent(struct kept *k, const char *path, struct intent *in,
                  struct diag *d)
{
    k->file = xstrdup(path);
    return intent_parse_file_keys(path, in, keep_key, k, d);
}

void
kept_destroy(struct kept *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->keys[i].section);
        free(k->keys[i].key);
        free(k->keys[i].value);
        free(k->keys[i].dropped);
    }
    free(k->keys);
    free(k->file);
    memset(k, 0, sizeof *k);
}

bool
kept_same_section(const char *a, const char *b)
{
    return (!strncmp(a, "uplink ", 7) && !strncmp(b, "uplink ", 7)
            ? !strcasecmp(a, b) : !strcmp(a, b));
}

const char *
kept_get(const struct kept *k, const char *section, const char *key)
{
    const char *value = NULL;

    for (size_t i = 0; i < k->n; i++) {
        const struct kept_key *kk = &k->keys[i];

        if (!kk->dropped && kept_same_section(kk->section, section)
            && !strcmp(kk->key, key)) {
            value = kk->value;
        }
    }
    return value;
}

void
kept_drop(struct kept *k, const char *section, const char *why)
{
    for (size_t i = 0; i < k->n; i++) {
        struct kept_key *kk = &k->keys[i];

        if (!kk->dropped && kept_same_section(kk->section, section)) {
            kk->dropped = xstrdup(why);
        }
    }
}

void
kept_rename(struct kept *k, const char *from, const char *to)
{
    for (size_t i = 0; i < k->n; i++) {
        struct kept_key *kk = &k->keys[i];

        if (!kk->dropped && kept_same_section(kk->section, from)) {
            free(kk->section);
            kk->section = xstrdup(to);
        }
    }
}
