/* opts.c: option parsing for every subcommand (see opts.h). */
#include <config.h>

#include "cli/opts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "lib/parse.h"
#include "lib/util.h"

void
cli_opts_init(struct cli_opts *o, const char *sub, int argc, char *argv[],
              int first, const struct cli_opt *table)
{
    size_t n = 0, s = 0;

    memset(o, 0, sizeof *o);
    o->sub = sub;
    o->argc = argc;
    o->argv = argv;
    o->table = table;
    while (table[n].name) {
        n++;
    }
    o->longopts = xcalloc(n + 1, sizeof *o->longopts);
    /* ':' first: a missing value is reported as such, not as unknown. */
    o->shortopts[s++] = ':';
    for (size_t i = 0; i < n; i++) {
        o->longopts[i] = (struct option) {
            table[i].name, table[i].has_arg ? required_argument : no_argument,
            NULL, table[i].id,
        };
        if (table[i].short_name && s + 3 < sizeof o->shortopts) {
            o->shortopts[s++] = table[i].short_name;
            if (table[i].has_arg) {
                o->shortopts[s++] = ':';
            }
        }
    }
    opterr = 0;
    optind = first;
}

/* The option 'id' as the user typed it ("--intent" or "-c"). */
static const char *
spelling(const struct cli_opts *o, int id, char *buf, size_t size)
{
    const char *typed = o->argv[optind - 1];

    for (size_t i = 0; o->table[i].name; i++) {
        if (o->table[i].id == id || o->table[i].short_name == id) {
            bool is_short = typed[0] == '-' && typed[1] != '-';
            if (is_short && o->table[i].short_name) {
                snprintf(buf, size, "-%c", o->table[i].short_name);
            } else {
                snprintf(buf, size, "--%s", o->table[i].name);
            }
            return buf;
        }
    }
    return typed;
}

static int
short_id(const struct cli_opts *o, int c)
{
    for (size_t i = 0; o->table[i].name; i++) {
        if (o->table[i].short_name && o->table[i].short_name == c) {
            return o->table[i].id;
        }
    }
    return c;
}

int
cli_opts_next(struct cli_opts *o, const char **arg)
{
    char buf[128];
    int c = getopt_long(o->argc, o->argv, o->shortopts, o->longopts, NULL);

    *arg = optarg;
    if (c == -1) {
        return CLI_OPTS_END;
    }
    if (c == ':') {
        cli_usage_error(o->sub, "option '%s' needs a value",
                        spelling(o, optopt, buf, sizeof buf));
        return CLI_OPTS_BAD;
    }
    if (c == '?') {
        const char *typed = o->argv[optind - 1];
        if (optopt && !strncmp(typed, "--", 2) && strchr(typed, '=')) {
            cli_usage_error(o->sub, "option '%s' takes no value",
                            spelling(o, optopt, buf, sizeof buf));
        } else if (optopt && strncmp(typed, "--", 2)) {
            cli_usage_error(o->sub, "unknown option '-%c'", optopt);
        } else {
            cli_usage_error(o->sub, "unknown option '%s'", typed);
        }
        return CLI_OPTS_BAD;
    }
    return short_id(o, c);
}

char **
cli_opts_operands(const struct cli_opts *o, int *n)
{
    *n = o->argc - optind;
    return o->argv + optind;
}

void
cli_opts_destroy(struct cli_opts *o)
{
    free(o->longopts);
    o->longopts = NULL;
}

int
cli_opts_parse(const char *sub, int argc, char *argv[], int first,
               const struct cli_opt *table,
               int (*fn)(int id, const char *arg, void *ctx), void *ctx,
               char ***operands, int *n)
{
    struct cli_opts p;
    const char *arg;
    int id, error = 0;

    cli_opts_init(&p, sub, argc, argv, first, table);
    while (!error && (id = cli_opts_next(&p, &arg)) != CLI_OPTS_END) {
        error = id == CLI_OPTS_BAD ? 2 : fn(id, arg, ctx);
    }
    *operands = cli_opts_operands(&p, n);
    cli_opts_destroy(&p);
    return error;
}

bool
cli_opt_int(const char *sub, const char *flag, const char *value, int min,
            int max, int *v)
{
    if (!parse_int(value, min, max, v)) {
        cli_usage_error(sub, "%s %s: expected %d-%d", flag, value, min, max);
        return false;
    }
    return true;
}

bool
cli_opt_dir(const char *sub, const char *flag, const char *value)
{
    struct stat st;

    if (value && (stat(value, &st) || !S_ISDIR(st.st_mode))) {
        cli_usage_error(sub, "%s %s: not a directory", flag, value);
        return false;
    }
    return true;
}

bool
cli_opt_uint64(const char *sub, const char *flag, const char *value,
               uint64_t max, uint64_t *v)
{
    if (!parse_uint64(value, max, v)) {
        cli_usage_error(sub, "%s %s: expected a number from 0 to %" PRIu64,
                        flag, value, max);
        return false;
    }
    return true;
}
