/* plan-json.c: format-1 plan.json as jansson values (see plan-json.h). */
#include "lib/plan-json.h"

#include <string.h>

#include "lib/util.h"

#define PLAN_JSON_VERSION 1

json_t *
plan_json_load(const char *path, struct diag *diag)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    json_t *format, *version;

    if (!root) {
        if (err.line < 1) {
            diag_error(diag, NFV_EINPUT, "--plan %s: %s", path, err.text);
        } else {
            diag_error(diag, NFV_EINPUT, "--plan %s:%d: %s", path, err.line,
                       err.text);
        }
        return NULL;
    }
    format = json_object_get(root, "format");
    version = json_object_get(root, "version");
    if (!json_is_string(format)
        || strcmp(json_string_value(format), "nfvhost-plan")) {
        diag_error(diag, NFV_EINPUT, "--plan %s: not an nfvhost plan (no "
                   "\"format\": \"nfvhost-plan\"); make one with 'nfvhost "
                   "plan --output DIR'", path);
    } else if (!json_is_integer(version)
               || json_integer_value(version) != PLAN_JSON_VERSION) {
        diag_error(diag, NFV_EINPUT, "--plan %s: plan format version %lld, "
                   "this nfvhost reads version %d; plan again",
                   path, json_is_integer(version)
                   ? (long long) json_integer_value(version) : -1LL,
                   PLAN_JSON_VERSION);
    } else {
        return root;
    }
    json_decref(root);
    return NULL;
}

json_t *
plan_json_vm(json_t *plan, const char *name)
{
    json_t *vm;
    size_t i;

    json_array_foreach(json_object_get(plan, "vms"), i, vm) {
        json_t *n = json_object_get(vm, "name");
        if (json_is_string(n) && !strcmp(json_string_value(n), name)) {
            return vm;
        }
    }
    return NULL;
}

bool
plan_json_cpus(json_t *obj, const char *key, hwloc_bitmap_t set)
{
    json_t *v = json_object_get(obj, key);

    return json_is_string(v) && cpulist_parse(json_string_value(v), set);
}

bool
plan_json_pool(json_t *plan, const char *pool, hwloc_bitmap_t set)
{
    return plan_json_cpus(json_object_get(plan, "pools"), pool, set);
}
