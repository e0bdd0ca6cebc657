/* facts.c: NIC facts to and from JSON (see facts.h). */
#include <config.h>

#include "fleet/facts.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pci.h"
#include "lib/util.h"
#include "planner/intent.h"
#include "planner/topology.h"

static json_t *
jstr_or_null(const char *s)
{
    return *s ? json_string(s) : json_null();
}

static json_t *
jint_or_null(int v)
{
    return v < 0 ? json_null() : json_integer(v);
}

static json_t *
nic_to_json(const struct nfv_nic *n)
{
    char vendor[8], device[8];

    snprintf(vendor, sizeof vendor, "%04x", n->vendor);
    snprintf(device, sizeof device, "%04x", n->device);
    return json_pack("{s:s, s:o, s:s, s:s, s:o, s:o, s:b, s:o, s:o, s:o, "
                     "s:o, s:o, s:b}",
                     "pci", n->pci,
                     "numa", jint_or_null(n->numa),
                     "vendor", vendor,
                     "device", device,
                     "driver", jstr_or_null(n->driver),
                     "ifname", jstr_or_null(n->ifname),
                     "is_vf", n->is_vf,
                     "physfn", jstr_or_null(n->physfn),
                     "vf_index", jint_or_null(n->is_vf ? n->vf_index : -1),
                     "sriov_totalvfs", jint_or_null(n->totalvfs),
                     "sriov_numvfs", jint_or_null(n->numvfs),
                     "carrier", n->carrier < 0 ? json_null()
                                               : json_boolean(n->carrier),
                     "has_route", n->has_route);
}

static int
cmp_nic(const void *a_, const void *b_)
{
    const struct nfv_nic *a = a_, *b = b_;
    return strcmp(a->pci, b->pci);
}

char *
facts_to_json(const struct nfv_topology *t)
{
    struct nfv_nic *nics = xcalloc(t->n_nics ? t->n_nics : 1, sizeof *nics);
    json_t *arr = json_array();
    json_t *root;
    char *text;

    if (t->n_nics) {
        memcpy(nics, t->nics, t->n_nics * sizeof *nics);
        qsort(nics, t->n_nics, sizeof *nics, cmp_nic);
    }
    for (int i = 0; i < t->n_nics; i++) {
        json_array_append_new(arr, nic_to_json(&nics[i]));
    }
    root = json_pack("{s:s, s:i, s:o, s:o}", "format", FACTS_FORMAT,
                     "version", FACTS_VERSION,
                     "host_group", jstr_or_null(t->host_group), "nics", arr);
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    free(nics);
    if (!text) {
        xalloc_die();
    }
    char *out = xasprintf("%s\n", text);
    free(text);
    return out;
}

/* One fact of a NIC entry: its key, and the problem when it has the wrong
 * type, for "FILE: nics[I].KEY: expected ..." messages. */
struct fact_ctx {
    const char *path;
    size_t index;
    struct diag *diag;
};

static int
bad_fact(const struct fact_ctx *c, const char *key, const char *expected)
{
    return diag_error(c->diag, NFV_EINPUT, "%s: nics[%zu].%s: expected %s",
                      c->path, c->index, key, expected);
}

/* An integer in [0, max] or null (-1). */
static int
get_count(const struct fact_ctx *c, json_t *o, const char *key, int max,
          int *out)
{
    json_t *v = json_object_get(o, key);

    if (!v) {
        return 0;               /* Absent: keep what the XML said. */
    }
    if (json_is_null(v)) {
        *out = -1;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0
        || json_integer_value(v) > max) {
        char what[64];
        snprintf(what, sizeof what, "an integer 0-%d or null", max);
        return bad_fact(c, key, what);
    }
    *out = json_integer_value(v);
    return 0;
}

/* A string that fits in 'size', or null (""). */
static int
get_string(const struct fact_ctx *c, json_t *o, const char *key, char *buf,
           size_t size)
{
    json_t *v = json_object_get(o, key);

    if (!v) {
        return 0;
    }
    if (json_is_null(v)) {
        buf[0] = '\0';
        return 0;
    }
    if (!json_is_string(v) || json_string_length(v) >= size
        || strlen(json_string_value(v)) != json_string_length(v)) {
        char what[64];
        snprintf(what, sizeof what, "a string of at most %zu characters or "
                 "null", size - 1);
        return bad_fact(c, key, what);
    }
    memcpy(buf, json_string_value(v), json_string_length(v) + 1);
    return 0;
}

/* A 4-digit hex PCI ID ("8086"). */
static int
get_pci_id(const struct fact_ctx *c, json_t *o, const char *key,
           unsigned *out)
{
    json_t *v = json_object_get(o, key);
    const char *s;
    char *end;

    if (!v) {
        return 0;
    }
    s = json_string_value(v);
    if (!s || strlen(s) != 4 || (*out = strtoul(s, &end, 16), *end)) {
        return bad_fact(c, key, "4 hex digits, e.g. \"8086\"");
    }
    return 0;
}

static int
get_bool(const struct fact_ctx *c, json_t *o, const char *key, int *out,
         bool nullable)
{
    json_t *v = json_object_get(o, key);

    if (!v) {
        return 0;
    }
    if (nullable && json_is_null(v)) {
        *out = -1;
        return 0;
    }
    if (!json_is_boolean(v)) {
        return bad_fact(c, key, nullable ? "true, false or null"
                                         : "true or false");
    }
    *out = json_is_true(v);
    return 0;
}

static const char *const known_keys[] = {
    "pci", "numa", "vendor", "device", "driver", "ifname", "is_vf", "physfn",
    "vf_index", "sriov_totalvfs", "sriov_numvfs", "carrier", "has_route",
};

static int
check_keys(const struct fact_ctx *c, json_t *o)
{
    const char *key;
    json_t *v;

    json_object_foreach(o, key, v) {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(known_keys); i++) {
            if (!strcmp(key, known_keys[i])) {
                break;
            }
        }
        if (i == ARRAY_SIZE(known_keys)) {
            return diag_error(c->diag, NFV_EINPUT, "%s: nics[%zu]: unknown "
                              "key '%s'", c->path, c->index, key);
        }
    }
    return 0;
}

static int
apply_nic(const struct fact_ctx *c, json_t *o, struct nfv_topology *t)
{
    const char *pci;
    struct nfv_nic *nic;
    int is_vf, has_route, error;

    if (!json_is_object(o)) {
        return diag_error(c->diag, NFV_EINPUT, "%s: nics[%zu]: expected an "
                          "object", c->path, c->index);
    }
    pci = json_string_value(json_object_get(o, "pci"));
    if (!pci || !pci_addr_valid(pci)) {
        return bad_fact(c, "pci", "a PCI address like \"0000:03:00.0\"");
    }
    if ((error = check_keys(c, o))) {
        return error;
    }
    nic = topology_add_nic(t, pci);
    is_vf = nic->is_vf;
    has_route = nic->has_route;
    if ((error = get_count(c, o, "numa", INTENT_MAX_NODES - 1, &nic->numa))
        || (error = get_pci_id(c, o, "vendor", &nic->vendor))
        || (error = get_pci_id(c, o, "device", &nic->device))
        || (error = get_string(c, o, "driver", nic->driver,
                               sizeof nic->driver))
        || (error = get_string(c, o, "ifname", nic->ifname,
                               sizeof nic->ifname))
        || (error = get_bool(c, o, "is_vf", &is_vf, false))
        || (error = get_string(c, o, "physfn", nic->physfn,
                               sizeof nic->physfn))
        || (error = get_count(c, o, "vf_index", 65535, &nic->vf_index))
        || (error = get_count(c, o, "sriov_totalvfs", 65535, &nic->totalvfs))
        || (error = get_count(c, o, "sriov_numvfs", 65535, &nic->numvfs))
        || (error = get_bool(c, o, "carrier", &nic->carrier, true))
        || (error = get_bool(c, o, "has_route", &has_route, false))) {
        return error;
    }
    nic->is_vf = is_vf;
    nic->has_route = has_route;
    if (nic->physfn[0] && !pci_addr_valid(nic->physfn)) {
        return bad_fact(c, "physfn", "a PCI address or null");
    }
    return 0;
}

/* "host_group": the group the node's vhost-user sockets are shared
 * through (planner/topology.h), or null. */
static int
apply_host_group(const char *path, json_t *root, struct nfv_topology *t,
                 struct diag *diag)
{
    json_t *v = json_object_get(root, "host_group");

    if (!v || json_is_null(v)) {
        return 0;
    }
    if (!json_is_string(v) || !json_string_length(v)
        || json_string_length(v) >= sizeof t->host_group
        || strpbrk(json_string_value(v), " \t\n:")) {
        return diag_error(diag, NFV_EINPUT, "%s: host_group: expected a group "
                          "name of at most %zu characters or null", path,
                          sizeof t->host_group - 1);
    }
    snprintf(t->host_group, sizeof t->host_group, "%s",
             json_string_value(v));
    return 0;
}

int
facts_apply_file(const char *path, struct nfv_topology *t, struct diag *diag)
{
    json_error_t err;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    json_t *format, *version, *nics, *o;
    struct fact_ctx c = { .path = path, .diag = diag };
    int error = 0;

    if (!root) {
        return diag_error(diag, NFV_EINPUT, "%s:%d: %s", path, err.line,
                          err.text);
    }
    format = json_object_get(root, "format");
    version = json_object_get(root, "version");
    nics = json_object_get(root, "nics");
    if (!json_is_string(format)
        || strcmp(json_string_value(format), FACTS_FORMAT)) {
        error = diag_error(diag, NFV_EINPUT, "%s: not nfvhost NIC facts (no "
                           "\"format\": \"%s\"); make them with 'nfvhost "
                           "facts' on the host", path, FACTS_FORMAT);
    } else if (!json_is_integer(version)
               || json_integer_value(version) != FACTS_VERSION) {
        error = diag_error(diag, NFV_EINPUT, "%s: NIC facts version %lld, "
                           "this nfvhost reads version %d", path,
                           json_is_integer(version)
                           ? (long long) json_integer_value(version) : -1LL,
                           FACTS_VERSION);
    } else if (!json_is_array(nics)) {
        error = diag_error(diag, NFV_EINPUT, "%s: \"nics\" is not an array",
                           path);
    } else {
        error = apply_host_group(path, root, t, diag);
    }
    json_array_foreach(nics, c.index, o) {
        if (error || (error = apply_nic(&c, o, t))) {
            break;
        }
    }
    json_decref(root);
    if (t->n_nics) {
        /* The topology keeps its NICs sorted by address. */
        qsort(t->nics, t->n_nics, sizeof *t->nics, cmp_nic);
    }
    return error;
}
