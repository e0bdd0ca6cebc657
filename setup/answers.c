/* answers.c: 'nfvhost setup --answers FILE': every question answered from
 * an INI file with the intent's sections and keys ([host], [ovs],
 * [emulator], [vm NAME]) and the wizard's own [setup] keys.  A key that
 * is absent keeps its default (or the --intent value); a [vm NAME] that
 * the intent lacks is added with the defaults, then its keys applied.
 * Each line goes through wizard_answer(), so an answer is refused with the
 * words the screens use, prefixed with "FILE:LINE: [SECTION] KEY: ". */
#include <config.h>

#include "setup/answers.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>

#include "lib/util.h"

struct answers_ctx {
    struct wizard *w;
    const char *path;
    FILE *file;
    int line;
    struct diag *diag;
    struct sbuf seen;           /* "\n[section] key\n" of every answer. */
    bool uplinks_answered;
};

static int
fail(struct answers_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct answers_ctx *ctx, const char *fmt, ...)
{
    char msg[900];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    if (!ctx->diag->status) {
        diag_error(ctx->diag, NFV_EINPUT, "%s:%d: %s", ctx->path, ctx->line,
                   msg);
    }
    return 0;
}

static int
find_vm(const struct wizard *w, const char *name)
{
    for (int v = 0; v < w->intent.n_vms; v++) {
        if (!strcmp(w->intent.vms[v].name, name)) {
            return v;
        }
    }
    return -1;
}

/* "[vm NAME]" adds the VM unless the intent has it already. */
static void
section_header(struct answers_ctx *ctx, const char *name)
{
    struct diag d;

    if (strncmp(name, "vm ", 3) || find_vm(ctx->w, name + 3) >= 0) {
        return;
    }
    diag_init(&d);
    if (wizard_add_vm(ctx->w, name + 3, &d) < 0) {
        fail(ctx, "[%s]: %s", name, d.msg);
    }
    diag_destroy(&d);
}

/* Counts lines for messages, and spots "[...]" headers, which inih never
 * hands to the key handler. */
static char *
line_reader(char *str, int num, void *ctx_)
{
    struct answers_ctx *ctx = ctx_;
    char *p, *end;

    if (ctx->diag->status || !fgets(str, num, ctx->file)) {
        return NULL;
    }
    ctx->line++;
    for (p = str; isspace((unsigned char) *p); p++) {
        continue;
    }
    end = strchr(p, ']');
    if (*p == '[' && end && end - p < 128) {
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int) (end - p - 1), p + 1);
        section_header(ctx, name);
    }
    return str;
}

static bool
seen_before(struct answers_ctx *ctx, const char *section, const char *key)
{
    char *entry = xasprintf("\n[%s] %s\n", section, key);
    bool seen = ctx->seen.s && strstr(ctx->seen.s, entry);

    if (!seen) {
        sbuf_puts(&ctx->seen, entry + (ctx->seen.len ? 1 : 0));
    }
    free(entry);
    return seen;
}

/* Repeated uplink lines add up; the first one replaces the default. */
static char *
uplink_value(struct answers_ctx *ctx, const struct question *q,
             const char *value)
{
    char *now = wizard_get(ctx->w, q, 0);
    char *v = (ctx->uplinks_answered && *now
               ? xasprintf("%s, %s", now, value) : xstrdup(value));

    ctx->uplinks_answered = true;
    free(now);
    return v;
}

static int
handler(void *ctx_, const char *section, const char *key, const char *value)
{
    struct answers_ctx *ctx = ctx_;
    const struct question *q = question_find(section, key);
    bool vm = !strncmp(section, "vm ", 3);
    int index = vm ? find_vm(ctx->w, section + 3) : 0;
    struct diag d;
    char *v;

    if (ctx->diag->status) {
        return 0;
    }
    if (!q) {
        return fail(ctx, "[%s] %s: not a question of nfvhost setup (the "
                    "keys are those of the intent file, docs/planner.md, "
                    "and [setup] sriov_pf, role)", section, key);
    }
    if (vm && index < 0) {
        return 0;       /* Its header was refused. */
    }
    if (strcmp(key, "uplink") && seen_before(ctx, section, key)) {
        return fail(ctx, "[%s] %s: answered twice", section, key);
    }
    v = !strcmp(key, "uplink") ? uplink_value(ctx, q, value) : xstrdup(value);
    diag_init(&d);
    if (wizard_answer(ctx->w, q, index, v, &d)) {
        fail(ctx, "[%s] %s: %s", section, key, d.msg);
    }
    diag_destroy(&d);
    free(v);
    return 1;
}

int
answers_read(struct wizard *w, const char *path, struct diag *diag)
{
    struct answers_ctx ctx = { .w = w, .path = path, .diag = diag };
    int error_line;

    ctx.file = fopen(path, "r");
    if (!ctx.file) {
        return diag_error(diag, errno == ENOENT ? NFV_EINPUT : NFV_ESYSTEM,
                          "--answers %s: %s", path, strerror(errno));
    }
    sbuf_init(&ctx.seen);
    error_line = ini_parse_stream(line_reader, &ctx, handler, &ctx);
    fclose(ctx.file);
    sbuf_destroy(&ctx.seen);
    if (error_line > 0 && !diag->status) {
        ctx.line = error_line;
        fail(&ctx, "expected 'key = value', '[section]' or a comment");
    }
    return diag->status;
}
