/* print.c: text and JSON reports (see print.h). */
#include <config.h>

#include "check/print.h"

#include <stdlib.h>
#include <string.h>

#include "lib/jwrite.h"
#include "lib/util.h"

/* ANSI SGR colours of the levels: green, yellow, red, magenta. */
static const char *const colors[CHECK_N_LEVELS] = { "32", "33", "31", "35" };

/* The layer of an id: the part before the first dot. */
static char *
layer_of(const char *id)
{
    return xasprintf("%.*s", (int) strcspn(id, "."), id);
}

void
check_print_finding(const struct check_finding *f, bool color, FILE *out)
{
    char *layer = layer_of(f->id);
    const char *level = check_level_name(f->level);

    if (color) {
        fprintf(out, "\033[1;%sm%-5s\033[0m", colors[f->level], level);
    } else {
        fprintf(out, "%-5s", level);
    }
    fprintf(out, " %-6s [%s]%s%s%s %s", layer, f->id,
            f->subject ? " (" : "", f->subject ? f->subject : "",
            f->subject ? ")" : "", f->what);
    if (f->found) {
        fprintf(out, ": found %s", f->found);
    }
    if (f->want) {
        fprintf(out, "%swant %s", f->found ? ", " : ": ", f->want);
    }
    if (f->fix) {
        fprintf(out, ". Fix: %s", f->fix);
    }
    fputc('\n', out);
    free(layer);
}

void
check_print_text(const struct check_report *r, bool color, FILE *out)
{
    for (size_t i = 0; i < r->n; i++) {
        check_print_finding(&r->findings[i], color, out);
    }
    for (size_t i = 0; i < r->n_notes; i++) {
        fprintf(out, "note: %s\n", r->notes[i]);
    }
    fprintf(out, "%zu PASS, %zu WARN, %zu FAIL, %zu ERROR: exit status %d\n",
            check_report_count(r, CHECK_PASS),
            check_report_count(r, CHECK_WARN),
            check_report_count(r, CHECK_FAIL),
            check_report_count(r, CHECK_ERROR), check_report_status(r));
}

json_t *
check_finding_json(const struct check_finding *f)
{
    char *layer = layer_of(f->id);
    json_t *o = json_pack("{sssssssososososo}", "id", f->id, "layer", layer,
                          "level", check_level_name(f->level),
                          "subject", jwrite_str_or_null(f->subject),
                          "check", jwrite_str_or_null(f->what),
                          "found", jwrite_str_or_null(f->found),
                          "want", jwrite_str_or_null(f->want),
                          "fix", jwrite_str_or_null(f->fix));
    free(layer);
    return o;
}

json_t *
check_report_json(const struct check_report *r, const char *plan)
{
    json_t *findings = json_array(), *notes = json_array();
    json_t *counts = json_object();

    for (size_t i = 0; i < r->n; i++) {
        json_array_append_new(findings, check_finding_json(&r->findings[i]));
    }
    for (size_t i = 0; i < r->n_notes; i++) {
        json_array_append_new(notes, json_string(r->notes[i]));
    }
    for (int l = 0; l < CHECK_N_LEVELS; l++) {
        json_object_set_new(counts, check_level_name(l),
                            json_integer(check_report_count(r, l)));
    }
    return json_pack("{sssisosisososo}", "format", "nfvhost-check",
                     "version", CHECK_JSON_VERSION,
                     "plan", jwrite_str_or_null(plan),
                     "status", check_report_status(r), "counts", counts,
                     "findings", findings, "notes", notes);
}

static bool
same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static bool
same_subject(const struct check_finding *a, const struct check_finding *b)
{
    return !strcmp(a->id, b->id) && same_str(a->subject, b->subject);
}

/* The same finding for '--watch': same id, subject and level.  The
 * numbers in the text change every round; printing them each time would
 * not be "only changes". */
static bool
same(const struct check_finding *a, const struct check_finding *b)
{
    return same_subject(a, b) && a->level == b->level;
}

static bool
in(const struct check_report *r, const struct check_finding *f,
   bool (*eq)(const struct check_finding *, const struct check_finding *))
{
    for (size_t i = 0; r && i < r->n; i++) {
        if (eq(&r->findings[i], f)) {
            return true;
        }
    }
    return false;
}

static void
print_line(const struct check_finding *f, bool json, bool color, FILE *out)
{
    if (json) {
        json_t *o = check_finding_json(f);
        char *s = json_dumps(o, JSON_COMPACT);
        fprintf(out, "%s\n", s);
        free(s);
        json_decref(o);
    } else {
        check_print_finding(f, color, out);
    }
}

size_t
check_print_changes(const struct check_report *before,
                    const struct check_report *now, bool json, bool color,
                    FILE *out)
{
    size_t n = 0;

    for (size_t i = 0; i < now->n; i++) {
        if (!in(before, &now->findings[i], same)) {
            print_line(&now->findings[i], json, color, out);
            n++;
        }
    }
    for (size_t i = 0; before && i < before->n; i++) {
        const struct check_finding *f = &before->findings[i];
        if (!in(now, f, same_subject)) {
            struct check_finding gone = {
                .level = CHECK_PASS, .id = f->id, .subject = f->subject,
                .what = f->what, .found = "cleared",
            };
            print_line(&gone, json, color, out);
            n++;
        }
    }
    fflush(out);
    return n;
}
