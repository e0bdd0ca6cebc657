/* write-json.c: fleet.json (see write.h; format in docs/fleet.md). */
#include <config.h>

#include "fleet/write.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"
#include "lib/jwrite.h"

static json_t *
jpools(const struct fleet_host *h)
{
    json_t *o = json_object();

    for (int i = POOL_HOUSEKEEPING; i < N_POOLS; i++) {
        json_object_set_new(o, pool_name(i), json_string(h->pools[i]));
    }
    json_object_set_new(o, "unusable", json_string(h->pools[POOL_NONE]));
    return o;
}

static json_t *
jnodes(const struct fleet_host *h)
{
    json_t *a = json_array();

    for (int i = 0; i < h->n_nodes; i++) {
        const struct fleet_node *n = &h->nodes[i];
        json_array_append_new(a, json_pack(
            "{s:i, s:i, s:i, s:i, s:i, s:I, s:{s:I, s:I, s:I}}",
            "id", n->os_index,
            "guest_cpus", n->guest_pus,
            "guest_cores", n->guest_cores,
            "guest_full_cores", n->guest_full_cores,
            "shared_cpus", n->shared_pus,
            "guest_memory_mb", (json_int_t) n->guest_mb,
            "hugepages",
            "count", (json_int_t) n->hugepages,
            "ovs", (json_int_t) n->hugepages_ovs,
            "guests", (json_int_t) n->hugepages_guests));
    }
    return a;
}

static json_t *
jfits(const struct fleet *f, const struct fleet_host *h)
{
    json_t *o = json_object();

    for (int k = 0; k < f->n_flavors; k++) {
        if (h->fits[k]) {
            json_object_set_new(o, f->flavors[k].f.name,
                                json_integer(h->fits[k]));
        }
    }
    return o;
}

static json_t *
jhost(const struct fleet *f, const struct fleet_host *h)
{
    json_t *warnings = json_array();
    json_t *o;

    for (size_t i = 0; i < h->n_warnings; i++) {
        json_array_append_new(warnings, json_string(h->warnings[i]));
    }
    o = json_pack("{s:s, s:o, s:o, s:s, s:i, s:o, s:o}",
                  "name", h->name,
                  "group", jwrite_str_or_null(fleet_host_group(f, h)),
                  "intent", jwrite_str_or_null(fleet_host_intent(f, h)),
                  "status", fleet_status_name(h->status),
                  "exit_status", h->status,
                  "reason", jwrite_str_or_null(h->reason),
                  "warnings", warnings);
    if (h->status) {
        return o;
    }
    json_object_set_new(o, "shape", json_string(f->shapes[h->shape].name));
    json_object_set_new(o, "pools", jpools(h));
    json_object_set_new(o, "hugepage_size_kb", json_integer(h->page_kb));
    json_object_set_new(o, "numa_nodes", jnodes(h));
    json_object_set_new(o, "flavors", jfits(f, h));
    json_object_set_new(o, "wasted_cores", json_pack(
        "{s:i, s:i}", "unplanned", h->unplanned_cores,
        "stranded", h->stranded_cores));
    return o;
}

static json_t *
jflavors(const struct fleet *f)
{
    json_t *a = json_array();

    for (int k = 0; k < f->n_flavors; k++) {
        const struct fleet_flavor *ff = &f->flavors[k];
        json_array_append_new(a, json_pack(
            "{s:s, s:i, s:I, s:s, s:s, s:b, s:I, s:s, s:I, s:I}",
            "name", ff->f.name,
            "vcpus", ff->f.vcpus,
            "memory_mb", (json_int_t) ff->f.memory_mb,
            "cpu_policy", cpu_policy_name(ff->f.cpu_policy),
            "thread_policy", thread_policy_name(ff->f.thread_policy),
            "multiqueue", ff->f.multiqueue,
            "hugepage_size_kb", (json_int_t) ff->f.page_kb,
            "emulator_threads_policy",
            emulator_policy_name(ff->f.emulator_policy),
            "hosts", (json_int_t) ff->n_hosts,
            "instances", (json_int_t) ff->instances));
    }
    return a;
}

static json_t *
jshapes(const struct fleet *f)
{
    json_t *a = json_array();

    for (int s = 0; s < f->n_shapes; s++) {
        const struct fleet_shape *sh = &f->shapes[s];
        json_array_append_new(a, json_pack(
            "{s:s, s:I, s:o}", "aggregate", sh->name,
            "hosts", (json_int_t) sh->n_hosts,
            "flavors", jfits(f, &f->hosts[sh->first_host])));
    }
    return a;
}

static json_t *
jtotals(const struct fleet *f)
{
    struct fleet_counts c;

    fleet_count(f, &c);
    return json_pack("{s:I, s:I, s:I, s:I, s:I}",
                     "hosts", (json_int_t) f->n_hosts,
                     "planned", (json_int_t) c.planned,
                     "infeasible", (json_int_t) c.infeasible,
                     "bad_input", (json_int_t) c.bad_input,
                     "error", (json_int_t) c.failed);
}

/* Appends 'v' (stolen) as jansson dumps it with a 2-space indent, each
 * line after the first moved right by 'indent' spaces, so that pieces
 * dumped one by one read as one document. */
static void
append_json(struct sbuf *b, json_t *v, int indent)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER
                               | JSON_ENCODE_ANY);

    if (!text) {
        xalloc_die();
    }
    /* JSON strings escape newlines, so every '\n' is between tokens. */
    for (char *p = text, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (!nl) {
            sbuf_puts(b, p);
            break;
        }
        sbuf_printf(b, "%.*s\n%*s", (int) (nl - p), p, indent, "");
    }
    free(text);
    json_decref(v);
}

static void
put(struct sbuf *b, FILE *out)
{
    fputs(b->s, out);
    b->len = 0;
    b->s[0] = '\0';
}

void
fleet_json_write(const struct fleet *f, FILE *out)
{
    struct sbuf b;

    sbuf_init(&b);
    sbuf_printf(&b, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n"
                "  \"generator\": \"nfvhost %s\",\n  \"hosts\": [\n",
                FLEET_FORMAT, FLEET_FORMAT_VERSION, PACKAGE_VERSION);
    for (size_t i = 0; i < f->n_hosts; i++) {
        sbuf_puts(&b, "    ");
        append_json(&b, jhost(f, &f->hosts[i]), 4);
        sbuf_puts(&b, i + 1 < f->n_hosts ? ",\n" : "\n");
        put(&b, out);
    }
    sbuf_puts(&b, "  ],\n  \"flavors\": ");
    append_json(&b, jflavors(f), 2);
    sbuf_puts(&b, ",\n  \"shapes\": ");
    append_json(&b, jshapes(f), 2);
    sbuf_puts(&b, ",\n  \"totals\": ");
    append_json(&b, jtotals(f), 2);
    sbuf_puts(&b, "\n}\n");
    put(&b, out);
    sbuf_destroy(&b);
}
