/* state.c: the apply state file (see state.h), read and written with
 * jansson. */
#include <config.h>

#include "apply/state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>

#include "lib/util.h"

static void
set_str(char **field, const char *value)
{
    free(*field);
    *field = value ? xstrdup(value) : NULL;
}

static const char *
str_or_null(const json_t *o, const char *key, bool *ok)
{
    const json_t *v = json_object_get(o, key);

    if (v && !json_is_string(v) && !json_is_null(v)) {
        *ok = false;
    }
    return json_string_value(v);
}

static bool
load_steps(struct apply_state *s, json_t *steps)
{
    const char *name;
    json_t *v;

    if (!json_is_object(steps)) {
        return false;
    }
    json_object_foreach(steps, name, v) {
        int i;
        for (i = 0; i < N_APPLY_STEPS; i++) {
            if (!strcmp(name, apply_step_name(i))) {
                break;
            }
        }
        if (i == N_APPLY_STEPS || !json_is_string(v)) {
            return false;
        }
        s->done[i] = true;
        set_str(&s->did[i], json_string_value(v));
    }
    return true;
}

static bool
load_domains(struct apply_state *s, json_t *domains)
{
    json_t *d;
    size_t i;

    if (!json_is_array(domains)) {
        return false;
    }
    json_array_foreach(domains, i, d) {
        const char *name = json_string_value(json_object_get(d, "name"));
        const char *uuid = json_string_value(json_object_get(d, "uuid"));
        if (!name || !uuid) {
            return false;
        }
        apply_state_add_domain(s, name, uuid);
    }
    return true;
}

static bool
load_json(struct apply_state *s, const json_t *j)
{
    bool ok = true;

    if (!json_is_object(j)
        || json_integer_value(json_object_get(j, "format"))
           != APPLY_STATE_FORMAT) {
        return false;
    }
    set_str(&s->plan, str_or_null(j, "plan", &ok));
    set_str(&s->plan_hash, str_or_null(j, "plan_hash", &ok));
    set_str(&s->grub_line, str_or_null(j, "grub_line", &ok));
    set_str(&s->tuned_profile, str_or_null(j, "tuned_profile", &ok));
    return (ok && s->plan && s->plan_hash
            && load_steps(s, json_object_get(j, "steps"))
            && load_domains(s, json_object_get(j, "domains")));
}

int
apply_state_load(const char *path, struct apply_state *s, struct diag *d)
{
    json_error_t err;
    json_t *j;

    struct stat st;

    memset(s, 0, sizeof *s);
    s->path = xstrdup(path);
    if (stat(path, &st) && errno == ENOENT) {
        return 0;
    }
    j = json_load_file(path, 0, &err);
    if (!j) {
        return diag_error(d, err.line > 0 ? NFV_EINPUT : NFV_ESYSTEM,
                          "--state %s: %s", path, err.text);
    }
    if (!load_json(s, j)) {
        json_decref(j);
        return diag_error(d, NFV_EINPUT, "--state %s: not an nfvhost apply "
                          "state file (format %d); move it away", path,
                          APPLY_STATE_FORMAT);
    }
    json_decref(j);
    return 0;
}

static json_t *
to_json(const struct apply_state *s)
{
    json_t *steps = json_object(), *domains = json_array();

    for (int i = 0; i < N_APPLY_STEPS; i++) {
        if (s->done[i]) {
            json_object_set_new(steps, apply_step_name(i),
                                json_string(s->did[i] ? s->did[i] : ""));
        }
    }
    for (size_t i = 0; i < s->n_domains; i++) {
        json_array_append_new(domains, json_pack("{s:s, s:s}", "name",
                                                 s->domains[i].name, "uuid",
                                                 s->domains[i].uuid));
    }
    return json_pack("{s:i, s:s?, s:s?, s:o, s:s?, s:s?, s:o}",
                     "format", APPLY_STATE_FORMAT, "plan", s->plan,
                     "plan_hash", s->plan_hash, "steps", steps,
                     "grub_line", s->grub_line,
                     "tuned_profile", s->tuned_profile, "domains", domains);
}

int
apply_state_save(const struct apply_state *s, struct diag *d)
{
    json_t *j = to_json(s);
    char *text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    char *with_nl = xasprintf("%s\n", text);
    int error = mkdir_parents(s->path);

    if (!error) {
        error = write_file_atomic(s->path, with_nl, 0644);
    }
    free(with_nl);
    free(text);
    json_decref(j);
    if (error) {
        return diag_error(d, NFV_ESYSTEM, "--state %s: cannot write: %s",
                          s->path, strerror(-error));
    }
    return 0;
}

void
apply_state_destroy(struct apply_state *s)
{
    free(s->path);
    free(s->plan);
    free(s->plan_hash);
    free(s->grub_line);
    free(s->tuned_profile);
    for (int i = 0; i < N_APPLY_STEPS; i++) {
        free(s->did[i]);
    }
    for (size_t i = 0; i < s->n_domains; i++) {
        free(s->domains[i].name);
        free(s->domains[i].uuid);
    }
    free(s->domains);
    memset(s, 0, sizeof *s);
}

char *
apply_state_hash(const char *bytes, size_t len)
{
    uint64_t h = UINT64_C(14695981039346656037);

    for (size_t i = 0; i < len; i++) {
        h = (h ^ (unsigned char) bytes[i]) * UINT64_C(1099511628211);
    }
    return xasprintf("fnv1a64:%016" PRIx64, h);
}

void
apply_state_begin(struct apply_state *s, const char *plan, const char *hash)
{
    set_str(&s->plan, plan);
    set_str(&s->plan_hash, hash);
    for (int i = 0; i < N_APPLY_STEPS; i++) {
        s->done[i] = false;
        set_str(&s->did[i], NULL);
    }
}

void
apply_state_done(struct apply_state *s, enum apply_step step,
                 const char *did)
{
    s->done[step] = true;
    set_str(&s->did[step], did);
}

bool
apply_state_owns(const struct apply_state *s, const char *name,
                 const char *uuid)
{
    for (size_t i = 0; i < s->n_domains; i++) {
        if (!strcmp(s->domains[i].name, name)
            && !strcmp(s->domains[i].uuid, uuid)) {
            return true;
        }
    }
    return false;
}

void
apply_state_add_domain(struct apply_state *s, const char *name,
                       const char *uuid)
{
    if (apply_state_owns(s, name, uuid)) {
        return;
    }
    s->domains = xrealloc(s->domains,
                          (s->n_domains + 1) * sizeof *s->domains);
    s->domains[s->n_domains].name = xstrdup(name);
    s->domains[s->n_domains].uuid = xstrdup(uuid);
    s->n_domains++;
}
