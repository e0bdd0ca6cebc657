/* hosts.c: the hosts of a fleet directory (see hosts.h). */
#include <config.h>

#include "fleet/hosts.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"

#define XML_SUFFIX ".xml"
#define NICS_SUFFIX ".nics.json"
#define MAX_NAME 255

/* Names a host may not have: the fleet's own files sit beside the host
 * directories. */
static const char *const reserved[] = {
    FLEET_OUTPUT_MARKER, "flavors.sh", "aggregates.sh", "report.md",
};

static bool
has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && !strcmp(s + n - m, suffix);
}

static bool
name_valid(const char *name)
{
    if (!*name || strlen(name) > MAX_NAME || !isalnum((unsigned char) *name)) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char) *p) && !strchr(".-_", *p)) {
            return false;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
        if (!strcmp(name, reserved[i])) {
            return false;
        }
    }
    return true;
}

static int
cmp_host(const void *a_, const void *b_)
{
    const struct fleet_host *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

/* bsearch's comparison: the key is a name, the element a host. */
static int
cmp_name_host(const void *name, const void *host_)
{
    const struct fleet_host *host = host_;
    return strcmp(name, host->name);
}

static struct fleet_host *
find_host(struct fleet *f, const char *name)
{
    return bsearch(name, f->hosts, f->n_hosts, sizeof *f->hosts,
                   cmp_name_host);
}

static int
add_host(struct fleet *f, const char *dir, const char *file, size_t *cap,
         struct diag *diag)
{
    char *name = xstrdup(file);
    struct fleet_host *h;

    name[strlen(name) - strlen(XML_SUFFIX)] = '\0';
    if (!name_valid(name)) {
        free(name);
        return diag_error(diag, NFV_EINPUT, "--hosts %s/%s: host name must "
                          "be 1-%d letters, digits, '.', '-' or '_', "
                          "starting with a letter or digit, and none of "
                          "the fleet's own file names", dir, file, MAX_NAME);
    }
    if (f->n_hosts == *cap) {
        *cap = *cap * 2 + 64;
        f->hosts = xrealloc(f->hosts, *cap * sizeof *f->hosts);
    }
    h = &f->hosts[f->n_hosts++];
    memset(h, 0, sizeof *h);
    h->name = name;
    h->xml = xasprintf("%s/%s", dir, file);
    h->shape = -1;
    return 0;
}

/* The NAME.nics.json files, once the hosts are sorted. */
static void
attach_facts(struct fleet *f, const char *dir, char **facts, size_t n,
             struct diag *diag)
{
    for (size_t i = 0; i < n; i++) {
        struct fleet_host *h;

        facts[i][strlen(facts[i]) - strlen(NICS_SUFFIX)] = '\0';
        h = find_host(f, facts[i]);
        if (h) {
            h->nics = xasprintf("%s/%s%s", dir, facts[i], NICS_SUFFIX);
        } else {
            diag_warn(diag, "%s/%s%s: no %s%s beside it; ignored", dir,
                      facts[i], NICS_SUFFIX, facts[i], XML_SUFFIX);
        }
    }
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The directory's entries, sorted, so that warnings come in one order
 * whatever readdir(3)'s. */
static char **
list_dir(DIR *d, size_t *n)
{
    struct dirent *de;
    char **names = NULL;

    *n = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] != '.') {
            names = xrealloc(names, (*n + 1) * sizeof *names);
            names[(*n)++] = xstrdup(de->d_name);
        }
    }
    if (*n) {
        qsort(names, *n, sizeof *names, cmp_str);
    }
    return names;
}

int
fleet_hosts_scan(const char *dir, struct fleet *f, struct diag *diag)
{
    DIR *d = opendir(dir);
    char **names, **facts = NULL;
    size_t n, n_facts = 0, cap = 0;
    int error = 0;

    if (!d) {
        return diag_error(diag, errno == ENOENT || errno == ENOTDIR
                          ? NFV_EINPUT : NFV_ESYSTEM, "--hosts %s: %s", dir,
                          strerror(errno));
    }
    names = list_dir(d, &n);
    closedir(d);
    f->hosts_dir = xstrdup(dir);
    for (size_t i = 0; i < n && !error; i++) {
        if (has_suffix(names[i], NICS_SUFFIX)) {
            facts = xrealloc(facts, (n_facts + 1) * sizeof *facts);
            facts[n_facts++] = names[i];
        } else if (has_suffix(names[i], XML_SUFFIX)) {
            error = add_host(f, dir, names[i], &cap, diag);
        } else {
            diag_warn(diag, "%s/%s: neither HOST.xml nor HOST.nics.json; "
                      "ignored", dir, names[i]);
        }
    }
    if (!error && !f->n_hosts) {
        error = diag_error(diag, NFV_EINPUT, "--hosts %s: no HOST.xml in it "
                           "(export each host with 'lstopo --of xml')", dir);
    }
    if (!error) {
        qsort(f->hosts, f->n_hosts, sizeof *f->hosts, cmp_host);
        attach_facts(f, dir, facts, n_facts, diag);
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    free(facts);
    return error;
}
