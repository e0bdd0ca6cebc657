/* step-sriov.c: step 4, the PFs' VFs and the uplinks' vfio-pci binding
 * (ovs-ext/workflow.h): every device is checked (it exists, no interface
 * of it carries a route or address, a PF can give its VFs) before any is
 * touched; a VF count is never lowered. */
#include <config.h>

#include "apply/steps.h"

#include "lib/plan-file.h"
#include "ovs-ext/workflow.h"

int
step_sriov(struct apply_ctx *c, struct diag *d)
{
    if (!c->plan->n_sriov_pfs && !c->plan->ovs.uplink_port) {
        fprintf(c->out, "no SR-IOV PF and no uplink in the plan: nothing "
                "to do\n");
        return 0;
    }
    return apply_ovs_part(c, ovs_workflow_devices, d);
}

void
undo_sriov(const struct apply_ctx *c, FILE *out)
{
    fprintf(out, "  nfvhost ovs release --plan %s%s   (VF counts are "
            "left as they are)\n", c->plan->path, apply_root_flag(c));
}
