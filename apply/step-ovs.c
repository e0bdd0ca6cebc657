/* step-ovs.c: step 5, other_config, the bridge and its ports in one OVSDB
 * transaction (ovs-ext/workflow.h; the database is unchanged when it
 * fails), and apply_ovs_part(), which steps 4 and 6 use too. */
#include <config.h>

#include "apply/steps.h"

#include "lib/changes.h"
#include "lib/plan-file.h"
#include "ovs-ext/ovsdb.h"
#include "ovs-ext/want.h"
#include "ovs-ext/workflow.h"

int
apply_ovs_part(struct apply_ctx *c, apply_ovs_fn *part, struct diag *d)
{
    struct ovs_opts o;
    struct changes changes;
    int error;

    ovs_opts_init(&o);
    o.db = c->o->db ? c->o->db : OVSDB_DEFAULT;
    o.sysfs_root = c->root;
    o.dry_run = c->o->dry_run;
    changes_init(&changes);
    o.changes = &changes;
    error = part(c->plan, &o, c->out, d);
    c->changed = changes.n > 0;
    changes_destroy(&changes);
    ovs_opts_destroy(&o);
    return error;
}

int
step_ovs(struct apply_ctx *c, struct diag *d)
{
    return apply_ovs_part(c, ovs_workflow_db, d);
}

void
undo_ovs(const struct apply_ctx *c, FILE *out)
{
    fprintf(out, "  ovs-vsctl --db=%s --if-exists del-br %s   (and the "
            "other_config keys the plan set)\n",
            c->o->db ? c->o->db : OVSDB_DEFAULT, c->plan->ovs.bridge);
}

