/* groups.c: the groups file and each host's intent (see groups.h). */
#include <config.h>

#include "fleet/groups.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>

#include "fleet/fleet.h"

struct groups_ctx {
    const char *path;
    FILE *file;
    struct fleet *fleet;
    struct diag *diag;
    int line;                   /* Lines read so far. */
    char **intents;             /* Per group: its intent file as written. */
    int *intent_lines;
};

static int
bad(struct groups_ctx *ctx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(struct groups_ctx *ctx, int line, const char *fmt, ...)
{
    char msg[768];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    return diag_error(ctx->diag, NFV_EINPUT, "%s:%d: %s", ctx->path, line,
                      msg);
}

static struct fleet_group *
find_group(struct fleet *f, const char *pattern)
{
    for (int i = 1; i < f->n_groups; i++) {
        if (!strcmp(f->groups[i].pattern, pattern)) {
            return &f->groups[i];
        }
    }
    return NULL;
}

/* "[group PATTERN]": a new group, in file order.  inih never hands empty
 * sections to the key handler, so headers are caught here. */
static void
section_header(struct groups_ctx *ctx, const char *name)
{
    struct fleet *f = ctx->fleet;
    const char *pattern = name + strlen("group ");
    struct fleet_group *g;

    if (strncmp(name, "group ", strlen("group "))) {
        bad(ctx, ctx->line, "unknown section [%s]: expected [group PATTERN]",
            name);
        return;
    }
    while (isspace((unsigned char) *pattern)) {
        pattern++;
    }
    if (!*pattern || strpbrk(pattern, " \t")) {
        bad(ctx, ctx->line, "[%s]: expected one host-name pattern, e.g. "
            "[group edge-*]", name);
        return;
    }
    if ((g = find_group(f, pattern))) {
        bad(ctx, ctx->line, "duplicate [group %s] (first on line %d)",
            pattern, g->line);
        return;
    }
    f->groups = xrealloc(f->groups, (f->n_groups + 1) * sizeof *f->groups);
    ctx->intents = xrealloc(ctx->intents,
                            (f->n_groups + 1) * sizeof *ctx->intents);
    ctx->intent_lines = xrealloc(ctx->intent_lines, (f->n_groups + 1)
                                 * sizeof *ctx->intent_lines);
    g = &f->groups[f->n_groups];
    memset(g, 0, sizeof *g);
    g->pattern = xstrdup(pattern);
    g->line = ctx->line;
    ctx->intents[f->n_groups] = NULL;
    ctx->intent_lines[f->n_groups] = 0;
    f->n_groups++;
}

/* Reads one line for inih, counting lines and spotting section headers. */
static char *
line_reader(char *str, int num, void *ctx_)
{
    struct groups_ctx *ctx = ctx_;
    char *p, *end;

    if (ctx->diag->status || !fgets(str, num, ctx->file)) {
        return NULL;
    }
    ctx->line++;
    if (!strchr(str, '\n') && !feof(ctx->file)) {
        bad(ctx, ctx->line, "line longer than %d characters", num - 2);
        return NULL;
    }
    for (p = str; isspace((unsigned char) *p); p++) {
        continue;
    }
    if (*p == '[' && (end = strchr(p, ']'))) {
        char *name = xasprintf("%.*s", (int) (end - p - 1), p + 1);
        section_header(ctx, name);
        free(name);
    }
    return str;
}

static int
handler(void *ctx_, const char *section, const char *key, const char *value)
{
    struct groups_ctx *ctx = ctx_;
    int g = ctx->fleet->n_groups - 1;

    if (ctx->diag->status) {
        return 0;
    }
    if (!*section || g < 1) {
        bad(ctx, ctx->line, "key '%s' outside any [group PATTERN]", key);
    } else if (strcmp(key, "intent")) {
        bad(ctx, ctx->line, "unknown key '%s' in [%s]: a group has only "
            "'intent = FILE.ini'", key, section);
    } else if (ctx->intents[g]) {
        bad(ctx, ctx->line, "duplicate key 'intent' in [%s] (first set on "
            "line %d)", section, ctx->intent_lines[g]);
    } else if (!*value) {
        bad(ctx, ctx->line, "empty value for 'intent' in [%s]", section);
    } else {
        ctx->intents[g] = xstrdup(value);
        ctx->intent_lines[g] = ctx->line;
    }
    return !ctx->diag->status;
}

/* 'file' as written in the groups file: relative to that file's
 * directory. */
static char *
resolve(const char *groups_file, const char *file)
{
    char *copy, *path;

    if (file[0] == '/') {
        return xstrdup(file);
    }
    copy = xstrdup(groups_file);
    path = xasprintf("%s/%s", dirname(copy), file);
    free(copy);
    return path;
}

static int
load_intents(struct groups_ctx *ctx)
{
    struct fleet *f = ctx->fleet;

    for (int g = 1; g < f->n_groups; g++) {
        struct fleet_group *grp = &f->groups[g];
        char *path;
        int error;

        if (!ctx->intents[g]) {
            return bad(ctx, grp->line, "[group %s] has no 'intent = "
                       "FILE.ini'", grp->pattern);
        }
        path = resolve(ctx->path, ctx->intents[g]);
        intent_default(&grp->intent);
        error = intent_parse_file(path, &grp->intent, ctx->diag);
        free(path);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
parse_groups(struct groups_ctx *ctx)
{
    int error_line, error;

    ctx->file = fopen(ctx->path, "r");
    if (!ctx->file) {
        return diag_error(ctx->diag, errno == ENOENT ? NFV_EINPUT
                          : NFV_ESYSTEM, "--groups %s: %s", ctx->path,
                          strerror(errno));
    }
    error_line = ini_parse_stream(line_reader, ctx, handler, ctx);
    fclose(ctx->file);
    if (error_line > 0 && !ctx->diag->status) {
        bad(ctx, error_line, "expected 'key = value', '[group PATTERN]' or "
            "a comment");
    }
    error = ctx->diag->status;
    if (!error) {
        error = load_intents(ctx);
    }
    return error;
}

int
fleet_groups_load(const char *intent_file, const char *groups_file,
                  struct fleet *f, struct diag *diag)
{
    struct groups_ctx ctx = {
        .path = groups_file, .fleet = f, .diag = diag,
        /* Parallel to fleet->groups; [0] (--intent) is not the file's. */
        .intents = xcalloc(1, sizeof *ctx.intents),
        .intent_lines = xcalloc(1, sizeof *ctx.intent_lines),
    };
    int error;

    f->groups = xcalloc(1, sizeof *f->groups);
    f->n_groups = 1;
    intent_default(&f->groups[0].intent);
    error = intent_file ? intent_parse_file(intent_file, &f->groups[0].intent,
                                            diag) : 0;
    if (!error && groups_file) {
        error = parse_groups(&ctx);
    }
    for (int g = 0; g < f->n_groups; g++) {
        free(ctx.intents[g]);
    }
    free(ctx.intents);
    free(ctx.intent_lines);
    return error;
}

void
fleet_groups_assign(struct fleet *f, struct diag *diag)
{
    for (size_t i = 0; i < f->n_hosts; i++) {
        struct fleet_host *h = &f->hosts[i];

        h->group = 0;
        for (int g = 1; g < f->n_groups; g++) {
            if (!fnmatch(f->groups[g].pattern, h->name, 0)) {
                h->group = g;
                break;
            }
        }
        f->groups[h->group].n_hosts++;
    }
    for (int g = 1; g < f->n_groups; g++) {
        if (!f->groups[g].n_hosts) {
            diag_warn(diag, "[group %s] matches no host", f->groups[g].pattern);
        }
    }
}

void
fleet_groups_destroy(struct fleet *f)
{
    for (int g = 0; g < f->n_groups; g++) {
        free(f->groups[g].pattern);
        intent_destroy(&f->groups[g].intent);
    }
    free(f->groups);
    f->groups = NULL;
    f->n_groups = 0;
}
