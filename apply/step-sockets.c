/* step-sockets.c: step 6, the vhost-user socket directory the plan names
 * (ovs.socket_dir), root:ovs.socket_group with ovs.socket_mode, where
 * QEMU puts the sockets OVS's ports connect to (ovs-ext/workflow.h).  One
 * that exists is left as it is, unless it is not a directory or others
 * can write to it. */
#include <config.h>

#include "apply/steps.h"

#include "lib/plan-file.h"
#include "ovs-ext/workflow.h"

int
step_sockets(struct apply_ctx *c, struct diag *d)
{
    return apply_ovs_part(c, ovs_workflow_sock_dir, d);
}

void
undo_sockets(const struct apply_ctx *c, FILE *out)
{
    fprintf(out, "  rmdir %s\n", c->plan->ovs.socket_dir);
}
