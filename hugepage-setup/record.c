/* record.c: what 'apply' changed, for 'reset' (see record.h). */
#include <config.h>

#include "hugepage-setup/record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "lib/util.h"

#define RECORD_DIR "/run/nfvhost"
#define RECORD_FILE RECORD_DIR "/hugepages.json"

static int
load_pools(struct hp_record *r, json_t *pools)
{
    json_t *p;
    size_t i;

    json_array_foreach(pools, i, p) {
        json_t *node = json_object_get(p, "node");
        json_t *size = json_object_get(p, "size_kb");
        json_t *before = json_object_get(p, "before");

        if (!json_is_integer(node) || !json_is_integer(size)
            || !json_is_integer(before)) {
            return -1;
        }
        hp_record_pool(r, json_integer_value(node), json_integer_value(size),
                       json_integer_value(before));
    }
    return 0;
}

static int
load_mounts(struct hp_record *r, json_t *mounts)
{
    json_t *m;
    size_t i;

    json_array_foreach(mounts, i, m) {
        json_t *dir = json_object_get(m, "dir");
        json_t *size = json_object_get(m, "size_kb");
        json_t *created = json_object_get(m, "created_dir");

        if (!json_is_string(dir) || !json_is_integer(size)
            || !json_is_boolean(created)) {
            return -1;
        }
        hp_record_mount(r, json_string_value(dir), json_integer_value(size),
                        json_is_true(created));
    }
    return 0;
}

int
hp_record_load(const char *root, struct hp_record *r, struct diag *diag)
{
    json_error_t err;
    json_t *j;

    memset(r, 0, sizeof *r);
    r->path = xasprintf("%s" RECORD_FILE, root);
    if (access(r->path, F_OK) && errno == ENOENT) {
        return 0;
    }
    j = json_load_file(r->path, 0, &err);
    if (!j || load_pools(r, json_object_get(j, "pools"))
        || load_mounts(r, json_object_get(j, "mounts"))) {
        json_decref(j);
        return diag_error(diag, NFV_ESYSTEM, "%s: damaged record of what "
                          "nfvhost changed (%s); check the pools by hand "
                          "and remove the file", r->path,
                          j ? "bad entry" : err.text);
    }
    json_decref(j);
    return 0;
}

static json_t *
record_json(const struct hp_record *r)
{
    json_t *pools = json_array(), *mounts = json_array();

    for (size_t i = 0; i < r->n_pools; i++) {
        json_array_append_new(pools, json_pack(
            "{s:i, s:I, s:I}", "node", r->pools[i].node,
            "size_kb", (json_int_t) r->pools[i].size_kb,
            "before", (json_int_t) r->pools[i].before));
    }
    for (size_t i = 0; i < r->n_mounts; i++) {
        json_array_append_new(mounts, json_pack(
            "{s:s, s:I, s:b}", "dir", r->mounts[i].dir,
            "size_kb", (json_int_t) r->mounts[i].size_kb,
            "created_dir", r->mounts[i].created_dir));
    }
    return json_pack("{s:o, s:o}", "pools", pools, "mounts", mounts);
}

int
hp_record_save(const struct hp_record *r, struct diag *diag)
{
    char *dir, *text;
    json_t *j;
    int error;

    if (!r->n_pools && !r->n_mounts) {
        if (unlink(r->path) && errno != ENOENT) {
            return diag_error(diag, NFV_ESYSTEM, "cannot remove %s: %s",
                              r->path, strerror(errno));
        }
        return 0;
    }
    dir = xstrdup(r->path);
    *strrchr(dir, '/') = '\0';
    *strrchr(dir, '/') = '\0';
    mkdir(dir, 0755);           /* ROOT/run; a fake tree may lack it. */
    strcat(dir, "/nfvhost");
    if (mkdir(dir, 0755) && errno != EEXIST) {
        diag_error(diag, NFV_ESYSTEM, "cannot create %s: %s", dir,
                   strerror(errno));
        free(dir);
        return NFV_ESYSTEM;
    }
    free(dir);
    j = record_json(r);
    text = json_dumps(j, JSON_INDENT(2));
    json_decref(j);
    error = write_file_atomic(r->path, text, 0644);
    free(text);
    if (error) {
        return diag_error(diag, NFV_ESYSTEM, "cannot write %s: %s", r->path,
                          strerror(-error));
    }
    return 0;
}

void
hp_record_destroy(struct hp_record *r)
{
    for (size_t i = 0; i < r->n_mounts; i++) {
        free(r->mounts[i].dir);
    }
    free(r->mounts);
    free(r->pools);
    free(r->path);
    memset(r, 0, sizeof *r);
}

void
hp_record_pool(struct hp_record *r, int node, unsigned long size_kb,
               unsigned long before)
{
    for (size_t i = 0; i < r->n_pools; i++) {
        if (r->pools[i].node == node && r->pools[i].size_kb == size_kb) {
            return;
        }
    }
    r->pools = xrealloc(r->pools, (r->n_pools + 1) * sizeof *r->pools);
    r->pools[r->n_pools++] = (struct hp_record_pool) { node, size_kb,
                                                       before };
}

void
hp_record_mount(struct hp_record *r, const char *dir, unsigned long size_kb,
                bool created_dir)
{
    r->mounts = xrealloc(r->mounts, (r->n_mounts + 1) * sizeof *r->mounts);
    r->mounts[r->n_mounts++] = (struct hp_record_mount) {
        xstrdup(dir), size_kb, created_dir };
}

void
hp_record_drop_pool(struct hp_record *r, size_t i)
{
    memmove(&r->pools[i], &r->pools[i + 1],
            (r->n_pools - i - 1) * sizeof *r->pools);
    r->n_pools--;
}

void
hp_record_drop_mount(struct hp_record *r, size_t i)
{
    free(r->mounts[i].dir);
    memmove(&r->mounts[i], &r->mounts[i + 1],
            (r->n_mounts - i - 1) * sizeof *r->mounts);
    r->n_mounts--;
}
