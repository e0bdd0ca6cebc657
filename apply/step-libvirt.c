/* step-libvirt.c: step 7, a libvirt domain for every planned VM, through
 * libvirt-templates/: a VM without a domain gets one built from the
 * template as 'nfvhost vm xml' builds it (with the VM's disk and
 * installer ISO from the plan); a domain apply defined before is tuned as
 * 'nfvhost vm tune' tunes it (only the NFV parts change).  A domain of
 * that name that apply did not define (the state file lists the ones it
 * did, by UUID) is left alone unless --yes.  One libvirt connection
 * serves the whole apply (apply.c closes it), which also keeps the test
 * driver's domains alive for the check step.
 *
 * A plan made with --previous (rule 16) lists its changes: a running
 * guest whose vCPU or emulator pins changed is re-pinned in place first
 * (virt_repin()), and each change that needs a guest restart is said; no
 * guest is restarted. */
#include <config.h>

#include "apply/steps.h"

#include <stdlib.h>
#include <string.h>

#include "libvirt-templates/checks.h"
#include "libvirt-templates/define.h"
#include "libvirt-templates/domain.h"
#include "libvirt-templates/vmspec.h"
#include "lib/plan-file.h"
#include "lib/util.h"

/* The XML the VM should have: 'existing' tuned, or a new domain. */
static int
wanted_xml(const struct plan_file_vm *vm,
           const struct vm_spec *spec, const char *existing, char **xml,
           struct diag *d)
{
    if (existing) {
        return domain_tune(vm->name, existing, spec, xml, d);
    }
    return domain_build(NULL, NULL, vm->disk, vm->cdrom, spec, xml, d);
}

/* Whether libvirt's domain has everything the plan wants of it already
 * (the checks 'vm check' makes): then it is left as it is.  libvirt
 * formats a domain its own way, so the text is not compared. */
static bool
as_planned(const struct plan_file_vm *vm, const struct vm_spec *spec,
           const char *existing)
{
    struct diag scratch;
    bool fits;

    diag_init(&scratch);
    fits = existing && !domain_check_text(existing, vm->name, spec,
                                          &scratch);
    diag_destroy(&scratch);
    return fits;
}

/* Defines (or redefines) 'xml'. */
static int
define(struct apply_ctx *c, const struct plan_file_vm *vm, const char *xml,
       const char *existing, struct diag *d)
{
    char new_uuid[VIRT_UUID_LEN];

    c->changed = true;
    if (c->o->dry_run) {
        fprintf(c->out, "would %s domain %s\n", existing ? "tune" : "define",
                vm->name);
        return 0;
    }
    if (virt_define(c->virt, xml, new_uuid, d)) {
        return d->status;
    }
    apply_state_add_domain(c->state, vm->name, new_uuid);
    fprintf(c->out, "%s domain %s (%s)\n", existing ? "tuned" : "defined",
            vm->name, new_uuid);
    return 0;
}

/* "4,10; emulator 1,7": the plan's pins of 'vm' as virt_repin() reports
 * them. */
static char *
planned_pins(const struct plan_file_vm *vm)
{
    char *emu = cpulist_format(vm->emulatorpin);
    struct sbuf b;

    sbuf_init(&b);
    for (int i = 0; i < vm->vcpus; i++) {
        sbuf_printf(&b, "%s%d", i ? "," : "", vm->vcpupin[i]);
    }
    if (*emu) {
        sbuf_printf(&b, "; emulator %s", emu);
    }
    free(emu);
    return sbuf_steal(&b);
}

static int
repin(struct apply_ctx *c, const struct plan_file_vm *vm, struct diag *d)
{
    char *want = planned_pins(vm), *got = NULL;
    const char *how;
    int r;

    if (c->o->dry_run) {
        fprintf(c->out, "would re-pin domain %s in place: vCPUs %s\n",
                vm->name, want);
        c->changed = true;
        free(want);
        return 0;
    }
    r = virt_repin(c->virt, vm->name, vm->vcpupin, vm->vcpus,
                   vm->emulatorpin, &how, &got, d);
    if (r == VIRT_NOT_FOUND || r == VIRT_NOT_RUNNING) {
        fprintf(c->out, "domain %s is not running: its new pins take effect "
                "from its definition\n", vm->name);
        r = 0;
    } else if (!r && strcmp(got, want)) {
        r = diag_error(d, NFV_ESYSTEM, "domain %s: libvirt reports vCPUs "
                       "%s after re-pinning, the plan wants %s", vm->name,
                       got, want);
    } else if (!r) {
        fprintf(c->out, "re-pinned domain %s in place (%s): vCPUs %s\n",
                vm->name, how, got);
        c->changed = true;
    }
    free(got);
    free(want);
    return r;
}

/* Rule 16: what the plan's changes ask of VM 'vm' while it runs. */
static int
apply_changes(struct apply_ctx *c, const struct plan_file_vm *vm,
              struct diag *d)
{
    bool pins = false, restart = false;

    for (size_t i = 0; i < c->plan->n_changes; i++) {
        const struct plan_file_change *ch = &c->plan->changes[i];

        if (!ch->vm || strcmp(ch->vm, vm->name)) {
            continue;
        }
        if (ch->restart) {
            fprintf(c->out, "domain %s: %s%s%s needs a guest restart to take "
                    "effect; nfvhost restarts nothing\n", vm->name,
                    plan_change_kind_name(ch->kind), ch->item ? " " : "",
                    ch->item ? ch->item : "");
            restart = true;
        }
        pins |= (ch->kind == PLAN_CHANGE_VCPUPIN
                 || ch->kind == PLAN_CHANGE_EMULATORPIN);
    }
    return pins && !restart ? repin(c, vm, d) : 0;
}

static int
one_vm(struct apply_ctx *c, const struct plan_file_vm *vm, struct diag *d)
{
    struct vm_host_opts host = { .sysfs_root = c->root };
    char uuid[VIRT_UUID_LEN] = "";
    char *existing = NULL, *xml = NULL;
    struct vm_spec spec;
    int found, error;

    error = vm_spec_load(c->plan, vm->name, &host, &spec, d);
    if (error) {
        return error;
    }
    error = apply_changes(c, vm, d);
    if (error) {
        vm_spec_destroy(&spec);
        return error;
    }
    found = virt_lookup(c->virt, vm->name, &existing, uuid, d);
    if (found > 0) {
        error = found;
    } else if (!found && !c->o->yes
               && !apply_state_owns(c->state, vm->name, uuid)) {
        error = diag_error(d, NFV_EINPUT, "domain %s (%s) exists and "
                           "nfvhost apply did not define it: --yes tunes it "
                           "(only its CPU, memory and NFV interfaces "
                           "change), or rename the VM in the intent",
                           vm->name, uuid);
    } else if (as_planned(vm, &spec, existing)) {
        fprintf(c->out, "domain %s (%s): as planned already\n", vm->name,
                uuid);
        apply_state_add_domain(c->state, vm->name, uuid);
    } else {
        error = (wanted_xml(vm, &spec, existing, &xml, d)
                 || define(c, vm, xml, existing, d));
    }
    free(existing);
    free(xml);
    vm_spec_destroy(&spec);
    return error;
}

int
step_libvirt(struct apply_ctx *c, struct diag *d)
{
    int error = 0;

    if (!c->plan->n_vms) {
        fprintf(c->out, "no VM in the plan: nothing to define\n");
        return 0;
    }
    if (!c->virt && !(c->virt = virt_open(c->o->uri, d))) {
        return d->status;
    }
    for (size_t i = 0; i < c->plan->n_vms && !error; i++) {
        error = one_vm(c, &c->plan->vms[i], d);
    }
    return error;
}

void
undo_libvirt(const struct apply_ctx *c, FILE *out)
{
    for (size_t i = 0; i < c->state->n_domains; i++) {
        fprintf(out, "  virsh%s%s undefine %s\n", c->o->uri ? " -c " : "",
                c->o->uri ? c->o->uri : "", c->state->domains[i].name);
    }
}
