/* fuzz-xmlsplice.c: libFuzzer target for the libvirt XML rewriting of
 * libvirt-templates/ (xmlsplice.c under domain.c): 'nfvhost vm tune' takes
 * a domain as 'virsh dumpxml' gives it, 'vm xml --template' a user's
 * template, and both rewrite the NFV parts of it in place with libxml2
 * and xsplice_apply().
 *
 * Input: the XML text.  It is tuned for the home lab's VM vrouter1 (two
 * vhost-user NICs and an SR-IOV one, its VF given as 'vm --vf' would), and
 * used as a template for the same VM with a disk and an installer ISO.  Checked: each is refused as input
 * (status 2, a message) or gives a domain that libxml2 parses again, that
 * nfvhost's own checks of it (checks.c) pass or refuse as input, and that
 * a second tune changes only in white space.  Seeds: 'virsh -c test:///default dumpxml' of
 * the test driver's domain, the golden dumpxml and generated domains of
 * tests/golden/libvirt/, libvirt-templates/base-q35.xml. */
#include <config.h>

#include <stdlib.h>

#include "lib/diag.h"
#include "lib/plan-file.h"
#include "libvirt-templates/checks.h"
#include "libvirt-templates/domain.h"
#include "libvirt-templates/vmspec.h"
#include "tests/fuzz/fuzz.h"

#define VM "vrouter1"

static struct vm_spec spec;
static bool loaded;

static void
init(void)
{
    char *path = fuzz_source_file("tests/golden/homelab/plan.json");
    struct vm_host_opts host = { .sysfs_root = "/nonexistent" };
    struct plan_file *plan;
    struct diag d;

    diag_init(&d);
    plan = plan_file_load(path, &d);
    fuzz_check(plan, "%s: %s", path, d.msg);
    for (size_t i = 0; i < plan->n_vms; i++) {
        const struct plan_file_vm *vm = &plan->vms[i];
        for (size_t j = 0; strcmp(vm->name, VM) ? 0 : j < vm->n_nics; j++) {
            char arg[64];
            if (vm->nics[j].type == NIC_SRIOV) {
                snprintf(arg, sizeof arg, "%zu=0000:03:02.%zu", j, j % 8);
                fuzz_check(!vm_host_opts_add_vf(&host, arg, &d), "%s",
                           d.msg);
            }
        }
    }
    fuzz_check(!vm_spec_load(plan, VM, &host, &spec, &d), "%s", d.msg);
    plan_file_destroy(plan);
    diag_destroy(&d);
    free(path);
    loaded = true;
}

/* 'a' and 'b' are the same but for white space: what a second tune may
 * change where the first found odd indentation (" 0<memoryBacking>"
 * around an element it replaced, say: it indents like the neighbours). */
static bool
same_but_blanks(const char *a, const char *b)
{
    for (;;) {
        a += strspn(a, " \t\r\n");
        b += strspn(b, " \t\r\n");
        if (*a != *b) {
            return false;
        }
        if (!*a) {
            return true;
        }
        a++;
        b++;
    }
}

/* 'xml' (from 'what') is a domain nfvhost would hand on: nfvhost's checks
 * of it (which 'vm tune' and 'vm xml' run on their result before writing
 * it) pass, or refuse it as input: an interface of the user's that tune
 * does not manage may carry a bad VLAN, say.  A second tune keeps it as
 * it is (but for white space). */
static void
check_result(const char *what, const char *xml)
{
    char *again = NULL;
    struct diag d;

    diag_init(&d);
    if (domain_check_text(xml, VM, &spec, &d)) {
        fuzz_check(d.status == NFV_EINPUT && d.msg[0], "%s: the check of "
                   "its result ended with status %d", what, d.status);
    }
    diag_destroy(&d);
    diag_init(&d);
    fuzz_check(!domain_tune(VM, xml, &spec, &again, &d),
               "%s gave a domain a second tune refuses: %s", what, d.msg);
    fuzz_check(same_but_blanks(again, xml), "%s: a second tune changed the "
               "domain", what);
    free(again);
    diag_destroy(&d);
}

static void
check_refusal(const char *what, const struct diag *d)
{
    fuzz_check(d->status == NFV_EINPUT && d->msg[0], "%s refused with "
               "status %d: %s", what, d->status, d->msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), *out = NULL;
    struct diag d;

    if (!loaded) {
        init();
    }
    memcpy(text, data, size);
    text[size] = '\0';

    diag_init(&d);
    if (domain_tune(VM, text, &spec, &out, &d)) {
        check_refusal("tune", &d);
    } else {
        check_result("tune", out);
    }
    free(out);
    out = NULL;
    diag_destroy(&d);

    diag_init(&d);
    if (domain_build("template.xml", text, "/var/lib/libvirt/images/x.qcow2",
                     "/var/lib/libvirt/images/installer.iso", &spec, &out,
                     &d)) {
        check_refusal("xml --template", &d);
    } else {
        check_result("xml --template", out);
    }
    free(out);
    diag_destroy(&d);
    free(text);
    return 0;
}
