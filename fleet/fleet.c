/* fleet.c: 'nfvhost fleet plan' from input to output (see fleet.h). */
#include <config.h>

#include "fleet/fleet.h"

#include <stdlib.h>
#include <string.h>

#include "fleet/groups.h"
#include "fleet/hosts.h"
#include "fleet/run.h"
#include "fleet/shapes.h"
#include "fleet/summary.h"
#include "fleet/write.h"
#include "lib/output.h"

const char *
fleet_status_name(int status)
{
    return (status == NFV_OK ? "planned"
            : status == NFV_EINFEASIBLE ? "infeasible"
            : status == NFV_EINPUT ? "bad-input" : "error");
}

const char *
fleet_host_group(const struct fleet *f, const struct fleet_host *h)
{
    return f->groups[h->group].pattern;
}

const char *
fleet_host_intent(const struct fleet *f, const struct fleet_host *h)
{
    return f->groups[h->group].intent.file;
}

void
fleet_count(const struct fleet *f, struct fleet_counts *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < f->n_hosts; i++) {
        switch (f->hosts[i].status) {
        case NFV_OK: c->planned++; break;
        case NFV_EINFEASIBLE: c->infeasible++; break;
        case NFV_EINPUT: c->bad_input++; break;
        default: c->failed++; break;
        }
    }
}

/* The fleet's exit status: the worst of its hosts', system errors first,
 * then bad input, then infeasible. */
static int
fleet_status(const struct fleet *f)
{
    struct fleet_counts c;

    fleet_count(f, &c);
    return (c.failed ? NFV_ESYSTEM : c.bad_input ? NFV_EINPUT
            : c.infeasible ? NFV_EINFEASIBLE : NFV_OK);
}

static int
write_fleet_json(const struct fleet *f, const struct output_dir *out,
                 struct diag *diag)
{
    FILE *fp = output_dir_fopen(out, FLEET_OUTPUT_MARKER, 0644, diag);

    if (!fp) {
        return diag->status;
    }
    fleet_json_write(f, fp);
    if (ferror(fp) | fclose(fp)) {
        return diag_error(diag, NFV_ESYSTEM, "%s/%s: write error",
                          out->dir, FLEET_OUTPUT_MARKER);
    }
    return 0;
}

static int
write_fleet_files(const struct fleet *f, const struct output_dir *out,
                  struct diag *diag)
{
    struct output_file files[] = {
        { "flavors.sh", fleet_flavors_sh(f), 0755 },
        { "aggregates.sh", fleet_aggregates_sh(f), 0755 },
        { "report.md", fleet_report_md(f), 0644 },
    };
    int error = (write_fleet_json(f, out, diag)
                 || output_dir_write(out, NULL, files, ARRAY_SIZE(files),
                                     diag)) ? diag->status : 0;

    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        free(files[i].text);
    }
    return error;
}

int
fleet_plan(const struct fleet_opts *o, struct fleet *f, struct diag *diag)
{
    struct output_dir out;
    int error;

    memset(f, 0, sizeof *f);
    if ((error = fleet_groups_load(o->intent, o->groups, f, diag))
        || (error = fleet_hosts_scan(o->hosts_dir, f, diag))) {
        return error;
    }
    fleet_groups_assign(f, diag);
    if ((error = output_dir_begin(&out, o->output, FLEET_OUTPUT_MARKER,
                                  diag))) {
        return error;
    }
    if ((error = fleet_run(f, &out, o->jobs, diag))) {
        output_dir_abort(&out);
        return error;
    }
    fleet_shapes(f);
    if ((error = write_fleet_files(f, &out, diag))) {
        output_dir_abort(&out);
        return error;
    }
    if ((error = output_dir_commit(&out, diag))) {
        return error;
    }
    return fleet_status(f);
}

void
fleet_destroy(struct fleet *f)
{
    for (size_t i = 0; i < f->n_hosts; i++) {
        fleet_summary_destroy(&f->hosts[i]);
    }
    free(f->hosts);
    fleet_shapes_destroy(f);
    fleet_groups_destroy(f);
    free(f->hosts_dir);
    memset(f, 0, sizeof *f);
}
