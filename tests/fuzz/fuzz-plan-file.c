/* fuzz-plan-file.c: libFuzzer target for the plan-file reader
 * (lib/plan-file.h: plan_file_parse(), every check of format 2) and what
 * the appliers build from a plan it accepts.  plan.json is the whole
 * contract: a plan may come from another machine or be edited by hand,
 * and whatever the reader lets through, every part takes as valid.
 *
 * Input: the text of a plan.json.  Checked: the reader refuses (status 2,
 * the message naming the file) or accepts; for an accepted plan, the
 * GRUB drop-in of its kernel arguments can be written (no argument the
 * shell would run: issue 11, defect 2), the switch's desired state is
 * built (ovs-ext/want.c) or refused as input, and every VM's libvirt
 * domain (libvirt-templates/, on an empty sysfs tree: an SR-IOV NIC's VF
 * is not there) is built and passes nfvhost's own domain checks.
 * Seeds: the plans 'nfvhost plan' writes for the examples (home lab and
 * the fleet's intents on the home-lab topology) and the golden home-lab
 * plan of tests/golden/. */
#include <config.h>

#include <stdlib.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/grub.h"
#include "lib/plan-file.h"
#include "libvirt-templates/checks.h"
#include "libvirt-templates/domain.h"
#include "libvirt-templates/vmspec.h"
#include "ovs-ext/want.h"
#include "tests/fuzz/fuzz.h"

static char sysfs_root[] = "/tmp/nfvhost-fuzz-plan-XXXXXX";

static void
cleanup(void)
{
    rmdir(sysfs_root);
}

static void
check_want(const struct plan_file *plan)
{
    struct ovs_opts o;
    struct diag d;
    json_t *want;

    diag_init(&d);
    ovs_opts_init(&o);
    ovs_opts_from_plan(&o, plan);
    want = want_from_plan(plan, &o, &d);
    fuzz_check(want ? !d.status : d.status == NFV_EINPUT && d.msg[0],
               "want_from_plan: status %d: %s", d.status, d.msg);
    json_decref(want);
    ovs_opts_destroy(&o);
    diag_destroy(&d);
}

static void
check_domain(const struct plan_file *plan, const char *vm)
{
    struct vm_host_opts host = { .sysfs_root = sysfs_root };
    struct vm_spec spec;
    char *xml = NULL;
    struct diag d;

    diag_init(&d);
    if (vm_spec_load(plan, vm, &host, &spec, &d)) {
        /* A VF the empty tree lacks: the only fact not in the plan. */
        fuzz_check(d.status == NFV_ESYSTEM || d.status == NFV_EINPUT,
                   "vm_spec_load %s: status %d: %s", vm, d.status, d.msg);
        vm_spec_destroy(&spec);     /* As its callers do, on error too. */
        diag_destroy(&d);
        return;
    }
    fuzz_check(!domain_build(NULL, NULL, NULL, NULL, &spec, &xml, &d),
               "domain_build %s: %s", vm, d.msg);
    fuzz_check(!domain_check_text(xml, vm, &spec, &d),
               "the domain built for %s fails nfvhost's checks: %s", vm,
               d.msg);
    free(xml);
    vm_spec_destroy(&spec);
    diag_destroy(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct plan_file *plan;
    struct diag d;
    char *dropin;

    if (sysfs_root[sizeof sysfs_root - 2] == 'X') {
        fuzz_check(mkdtemp(sysfs_root), "mkdtemp");
        atexit(cleanup);
    }
    diag_init(&d);
    plan = plan_file_parse((const char *) data, size, "plan.json", &d);
    if (!plan) {
        fuzz_check(d.status == NFV_EINPUT && !strncmp(d.msg, "plan.json", 9),
                   "refused with status %d: %s", d.status, d.msg);
        diag_destroy(&d);
        return 0;
    }
    dropin = grub_dropin("# fuzz\n", plan->kernel.args, plan->kernel.n_args);
    fuzz_check(dropin, "the reader let through a kernel argument "
               "grub_dropin() refuses");
    free(dropin);
    check_want(plan);
    for (size_t i = 0; i < plan->n_vms; i++) {
        check_domain(plan, plan->vms[i].name);
    }
    plan_file_destroy(plan);
    diag_destroy(&d);
    return 0;
}
