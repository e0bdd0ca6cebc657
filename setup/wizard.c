/* wizard.c: the setup wizard's state, answers, plan and output (see
 * wizard.h). */
#include <config.h>

#include "setup/wizard.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply/apply.h"
#include "lib/output.h"
#include "lib/plan-file.h"
#include "lib/util.h"
#include "planner/emit.h"
#include "planner/emit-openstack.h"
#include "planner/outputs.h"

/* The first NIC that can be an uplink, a PF before a VF. */
static const struct nfv_nic *
default_uplink(const struct wizard *w)
{
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < w->topo.n_nics; i++) {
            const struct nfv_nic *n = &w->topo.nics[i];
            if (n->is_vf == (pass == 1) && !wizard_uplink_refusal(n)) {
                return n;
            }
        }
    }
    return NULL;
}

/* The first PF that can give VFs and is not an uplink: one that says it
 * has VFs to give before one that does not say. */
static const struct nfv_nic *
default_sriov_pf(const struct wizard *w)
{
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < w->topo.n_nics; i++) {
            const struct nfv_nic *n = &w->topo.nics[i];
            const struct question *q = question_find("setup", "sriov_pf");
            char msg[256];

            if ((pass == 0 ? n->totalvfs > 0 : n->totalvfs < 0)
                && q->check(w, n->pci, msg, sizeof msg)) {
                return n;
            }
        }
    }
    return NULL;
}

bool
wizard_is_uplink(const struct wizard *w, const char *pci)
{
    for (int i = 0; i < w->intent.n_uplinks; i++) {
        if (!strcasecmp(w->intent.uplinks[i].pci, pci)) {
            return true;
        }
    }
    return false;
}

static void
set_sriov_pf(struct wizard *w, const char *pci)
{
    free(w->sriov_pf);
    w->sriov_pf = pci ? xstrdup(pci) : NULL;
}

static bool
has_sriov_nic(const struct intent_vm *vm)
{
    for (int n = 0; n < vm->n_nics; n++) {
        if (vm->nics[n].type == NIC_SRIOV) {
            return true;
        }
    }
    return false;
}

static void
vm_section(const struct wizard *w, int vm, char *buf, size_t size)
{
    snprintf(buf, size, "vm %s", w->intent.vms[vm].name);
}

/* The [setup] sriov_pf answer is the PF of every VM that takes VFs and
 * names no other: VMs that named 'old' (or none) follow it. */
static void
follow_sriov_pf(struct wizard *w, const char *old)
{
    for (int v = 0; v < w->intent.n_vms; v++) {
        struct intent_vm *vm = &w->intent.vms[v];
        char section[64];
        struct diag d;

        if (vm->sriov_pf && (!old || strcasecmp(vm->sriov_pf, old))) {
            continue;
        }
        diag_init(&d);
        vm_section(w, v, section, sizeof section);
        if (w->sriov_pf && has_sriov_nic(vm)) {
            intent_set(&w->intent, section, "sriov_pf", w->sriov_pf, &d);
        } else {
            intent_unset(&w->intent, section, "sriov_pf", &d);
        }
        diag_destroy(&d);
    }
}

/* Every change of the answers goes through here. */
static void
forget_plan(struct wizard *w)
{
    w->changes++;
    if (w->planned) {
        plan_destroy(&w->plan);
        w->planned = false;
    }
    w->plan_ok = false;
    diag_destroy(&w->plan_diag);
    diag_init(&w->plan_diag);
}

/* DIR/plan.json, when DIR is an earlier nfvhost output. */
static char *
find_previous(const char *dir)
{
    char *path = xasprintf("%s/%s", dir, PLAN_OUTPUT_MARKER);
    struct stat st;

    if (!stat(path, &st)) {
        return path;
    }
    free(path);
    return NULL;
}

int
wizard_init(struct wizard *w, const struct wizard_opts *o, struct diag *d)
{
    struct topology_source src = { o->topology, o->sysfs_root };
    const struct nfv_nic *nic;
    int error;

    memset(w, 0, sizeof *w);
    w->opts = *o;
    diag_init(&w->plan_diag);
    intent_default(&w->intent);
    w->previous = find_previous(o->output);
    if (w->previous) {
        /* An older or damaged plan is no reason to stop: the wizard plans
         * from scratch then, and the Review says so (wizard_plan()). */
        struct diag scratch;
        diag_init(&scratch);
        w->previous_plan = plan_file_load(w->previous, &scratch);
        diag_destroy(&scratch);
    }
    error = topology_load(&src, &w->topo, d);
    if (error || (o->intent
                  && (error = kept_parse_intent(&w->kept, o->intent,
                                                &w->intent, d)))) {
        return error;
    }
    if (o->intent) {
        /* Edit it as it is; the first PF a VM names is the wizard's, or
         * a PF that is not an uplink (the planner would take VFs from the
         * first uplink, which OVS-DPDK then holds). */
        for (int v = 0; v < w->intent.n_vms && !w->sriov_pf; v++) {
            if (w->intent.vms[v].sriov_pf) {
                set_sriov_pf(w, w->intent.vms[v].sriov_pf);
            }
        }
        if (!w->sriov_pf) {
            nic = default_sriov_pf(w);
            set_sriov_pf(w, nic ? nic->pci : NULL);
        }
        w->openstack = !w->intent.n_vms;
        return 0;
    }
    nic = default_uplink(w);
    if (nic) {
        intent_set(&w->intent, "ovs", "uplink", nic->pci, d);
    }
    nic = default_sriov_pf(w);
    set_sriov_pf(w, nic ? nic->pci : NULL);
    return 0;
}

void
wizard_destroy(struct wizard *w)
{
    forget_plan(w);
    diag_destroy(&w->plan_diag);
    intent_destroy(&w->intent);
    kept_destroy(&w->kept);
    topology_destroy(&w->topo);
    free(w->sriov_pf);
    free(w->previous);
    if (w->previous_plan) {
        plan_file_destroy(w->previous_plan);
    }
}

static char *
nonnull(char *s)
{
    return s ? s : xstrdup("");
}

char *
wizard_get(const struct wizard *w, const struct question *q, int vm)
{
    char section[64];

    if (!strcmp(q->section, "setup")) {
        return xstrdup(!strcmp(q->key, "role")
                       ? (w->openstack ? "openstack" : "homelab")
                       : w->sriov_pf ? w->sriov_pf : "");
    }
    if (!strcmp(q->section, "vm")) {
        vm_section(w, vm, section, sizeof section);
        return nonnull(intent_get(&w->intent, section, q->key));
    }
    return nonnull(intent_get(&w->intent, q->section, q->key));
}

static int
machine_check(const struct wizard *w, const struct question *q,
              const char *value, struct diag *d)
{
    char msg[512];

    if (q->check && !q->check(w, value, msg, sizeof msg)) {
        return diag_error(d, NFV_EINPUT, "%s", msg);
    }
    return 0;
}

static int
answer_setup(struct wizard *w, const struct question *q, const char *value,
             struct diag *d)
{
    int error = *value ? machine_check(w, q, value, d) : 0;

    if (error) {
        return error;
    }
    if (!strcmp(q->key, "role")) {
        w->openstack = !strcmp(value, "openstack");
    } else {
        char *old = w->sriov_pf ? xstrdup(w->sriov_pf) : NULL;
        set_sriov_pf(w, *value ? value : NULL);
        follow_sriov_pf(w, old);
        free(old);
    }
    return 0;
}

/* Each uplink of the answer 'next' gets the [uplink PCI] mode of --intent
 * (which the wizard does not ask), legacy when it gave none.  From the
 * kept keys, not from the current intent: an uplink may be missing from
 * that one for a while (repeated 'uplink' answers come one at a time, a
 * NIC may be toggled off and on) and must come back with its mode. */
static void
carry_uplink_modes(const struct wizard *w, struct intent *next)
{
    for (int i = 0; i < next->n_uplinks; i++) {
        char *section = xasprintf("uplink %s", next->uplinks[i].pci);
        const char *mode = kept_get(&w->kept, section, "mode");

        /* kept_parse_intent() took 'mode' only from a valid intent. */
        next->uplinks[i].switchdev = mode && !strcmp(mode, "switchdev");
        free(section);
    }
}

/* "a, b" or "" (none): each checked by the intent and on this machine,
 * then the list replaced at once. */
static int
answer_uplinks(struct wizard *w, const struct question *q, const char *value,
               struct diag *d)
{
    struct intent scratch;
    char *copy = xstrdup(value), *save = NULL;
    int error = 0;

    intent_default(&scratch);
    for (char *tok = strtok_r(copy, ", ", &save); tok && !error;
         tok = strtok_r(NULL, ", ", &save)) {
        error = intent_set(&scratch, "ovs", "uplink", tok, d);
    }
    error = error ? error : machine_check(w, q, value, d);
    if (!error) {
        carry_uplink_modes(w, &scratch);
        intent_clear_uplinks(&w->intent);
        w->intent.uplinks = scratch.uplinks;
        w->intent.n_uplinks = scratch.n_uplinks;
        scratch.uplinks = NULL;
        scratch.n_uplinks = 0;
        if (w->sriov_pf && wizard_is_uplink(w, w->sriov_pf)) {
            /* A PF that is now an uplink gives no VFs: pick another. */
            const struct nfv_nic *pf = default_sriov_pf(w);
            char *old = xstrdup(w->sriov_pf);
            set_sriov_pf(w, pf ? pf->pci : NULL);
            follow_sriov_pf(w, old);
            free(old);
        }
    }
    intent_destroy(&scratch);
    free(copy);
    return error;
}

/* One intent key: the intent's check, then this machine's; the old value
 * comes back when the second fails. */
static int
answer_key(struct wizard *w, const struct question *q, const char *section,
           const char *value, struct diag *d)
{
    char *old = intent_get(&w->intent, section, q->key);
    struct diag undo;
    int error;

    if (!*value) {
        error = intent_unset(&w->intent, section, q->key, d);
    } else {
        error = intent_set(&w->intent, section, q->key, value, d);
        error = error ? error : machine_check(w, q, value, d);
        if (error) {
            diag_init(&undo);
            if (old) {
                intent_set(&w->intent, section, q->key, old, &undo);
            } else {
                intent_unset(&w->intent, section, q->key, &undo);
            }
            diag_destroy(&undo);
        }
    }
    if (!error && !strcmp(q->key, "nics")) {
        follow_sriov_pf(w, w->sriov_pf);
    }
    free(old);
    return error;
}

int
wizard_answer(struct wizard *w, const struct question *q, int vm,
              const char *value, struct diag *d)
{
    char *v = xstrdup(value), *start = v, *end;
    char section[64];
    int error = 0;

    while (isspace((unsigned char) *start)) {
        start++;
    }
    end = start + strlen(start);
    while (end > start && isspace((unsigned char) end[-1])) {
        *--end = '\0';
    }
    if (*start) {
        if (q->empty && !strcmp(start, q->empty)) {
            *start = '\0';     /* "none", "auto": unset it. */
        }
        forget_plan(w);
        if (!strcmp(q->section, "setup")) {
            error = answer_setup(w, q, start, d);
        } else if (!strcmp(q->key, "uplink")) {
            error = answer_uplinks(w, q, start, d);
        } else {
            if (!strcmp(q->section, "vm")) {
                vm_section(w, vm, section, sizeof section);
            } else {
                snprintf(section, sizeof section, "%s", q->section);
            }
            error = answer_key(w, q, section, start, d);
        }
    }
    free(v);
    return error;
}

static bool
vm_name_taken(const struct wizard *w, const char *name)
{
    for (int v = 0; v < w->intent.n_vms; v++) {
        if (!strcmp(w->intent.vms[v].name, name)) {
            return true;
        }
    }
    return false;
}

int
wizard_add_vm(struct wizard *w, const char *name, struct diag *d)
{
    static const struct { const char *key, *value; } defaults[] = {
        { "vcpus", "2" }, { "memory", "2G" }, { "nics", "vhost" },
    };
    char section[64], fresh[16];
    int error;

    if (!name) {
        for (int i = 1; ; i++) {
            snprintf(fresh, sizeof fresh, "vm%d", i);
            if (!vm_name_taken(w, fresh)) {
                break;
            }
        }
        name = fresh;
    }
    error = intent_add_vm(&w->intent, name, d);
    if (error) {
        return -error;
    }
    forget_plan(w);
    vm_section(w, w->intent.n_vms - 1, section, sizeof section);
    for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
        intent_set(&w->intent, section, defaults[i].key, defaults[i].value, d);
    }
    return w->intent.n_vms - 1;
}

void
wizard_remove_vm(struct wizard *w, int vm)
{
    const char *name = w->intent.vms[vm].name;
    char section[64];
    char *why = xasprintf("VM %s was removed in the wizard", name);

    /* Now, not when writing: a VM added later under the same name is a
     * new one, without them. */
    vm_section(w, vm, section, sizeof section);
    kept_drop(&w->kept, section, why);
    free(why);
    forget_plan(w);
    intent_remove_vm(&w->intent, vm);
}

int
wizard_rename_vm(struct wizard *w, int vm, const char *name, struct diag *d)
{
    char from[64], to[64];
    int error;

    vm_section(w, vm, from, sizeof from);
    if (!strcmp(w->intent.vms[vm].name, name)) {
        return 0;
    }
    error = intent_rename_vm(&w->intent, vm, name, d);
    if (!error) {
        vm_section(w, vm, to, sizeof to);
        kept_rename(&w->kept, from, to);
        forget_plan(w);
    }
    return error;
}

/* ", disk PATH (qcow2 image, 20 GiB)": what disk_describe() says. */
static void
put_boot(struct sbuf *b, const char *what, const char *path, bool cdrom)
{
    char desc[512];

    if (path) {
        disk_describe(path, cdrom, desc, sizeof desc);
        sbuf_printf(b, ", %s %s (%s)", what, path, desc);
    }
}

char *
wizard_vm_line(const struct wizard *w, int v)
{
    const struct intent_vm *vm = &w->intent.vms[v];
    char section[64], *nics, *mem;
    struct sbuf b;

    vm_section(w, v, section, sizeof section);
    nics = intent_get(&w->intent, section, "nics");
    mem = intent_get(&w->intent, section, "memory");
    sbuf_init(&b);
    sbuf_printf(&b, "%s: %d vCPU%s, %s, %s", vm->name, vm->vcpus,
                vm->vcpus == 1 ? "" : "s", mem ? mem : "?",
                nics ? nics : "no NICs");
    if (vm->thread_policy != THREAD_PREFER) {
        sbuf_printf(&b, ", %s", thread_policy_name(vm->thread_policy));
    }
    put_boot(&b, "disk", vm->disk, false);
    put_boot(&b, "CD-ROM", vm->cdrom, true);
    free(nics);
    free(mem);
    return sbuf_steal(&b);
}

/* What the answers from --intent (or an answers file) still owe this
 * machine: every key's machine check, in table order, naming the key. */
static int
check_machine(struct wizard *w, struct diag *d)
{
    for (size_t i = 0; i < n_questions; i++) {
        const struct question *q = &questions[i];
        int n = !strcmp(q->section, "vm") ? w->view.n_vms : 1;

        for (int v = 0; v < n && q->check; v++) {
            char *value = wizard_get(w, q, v);
            char msg[512];
            bool fine = !*value || q->check(w, value, msg, sizeof msg);

            free(value);
            if (!fine) {
                w->fix_screen = q->screen;
                if (!strcmp(q->section, "vm")) {
                    return diag_error(d, NFV_EINPUT, "[vm %s] %s: %s",
                                      w->view.vms[v].name, q->key, msg);
                }
                return diag_error(d, NFV_EINPUT, "[%s] %s: %s", q->section,
                                  q->key, msg);
            }
        }
    }
    for (int v = 0; v < w->view.n_vms; v++) {
        const struct intent_vm *vm = &w->view.vms[v];
        if (has_sriov_nic(vm) && !vm->sriov_pf) {
            w->fix_screen = SCREEN_UPLINK;
            return diag_error(d, NFV_EINPUT, "[setup] sriov_pf: VM %s has "
                              "an SR-IOV NIC, and no PF is chosen for the "
                              "VMs' VFs", vm->name);
        }
    }
    return 0;
}

/* Could the host side alone be planned?  Then the VMs are what does not
 * fit, and their screen is where to fix it. */
static bool
fits_without_vms(struct wizard *w)
{
    struct intent bare = w->intent;
    struct plan p;
    struct diag d;
    int error;

    bare.n_vms = 0;
    diag_init(&d);
    memset(&p, 0, sizeof p);
    error = plan_build(&w->topo, &bare, &p, &d);
    plan_destroy(&p);
    diag_destroy(&d);
    return !error;
}

int
wizard_plan(struct wizard *w)
{
    struct diag *d = &w->plan_diag;
    int error;

    forget_plan(w);
    follow_sriov_pf(w, w->sriov_pf);
    w->view = w->intent;
    if (w->openstack) {
        w->view.n_vms = 0;
    }
    w->fix_screen = SCREEN_VMS;
    error = intent_check(&w->view, d);
    error = error ? error : check_machine(w, d);
    if (error) {
        return error;
    }
    memset(&w->plan, 0, sizeof w->plan);
    w->planned = true;
    /* 'nfvhost plan --previous DIR/plan.json --allow-moves' (rule 16):
     * the VMs of the last plan keep their CPUs, PMDs, MACs and VFs; a move
     * it cannot avoid is listed in the plan's changes, which the Review
     * screen shows before anything is written. */
    struct plan_options po = { w->previous_plan, true };
    error = plan_build_with(&w->topo, &w->view, &po, &w->plan, d);
    error = error ? error : openstack_check(&w->plan, d);
    if (error == NFV_EINFEASIBLE) {
        w->fix_screen = (w->view.n_vms && fits_without_vms(w)) ? SCREEN_VMS
                                                               : SCREEN_HOST;
    } else if (error) {
        w->fix_screen = SCREEN_HOST;
    }
    w->plan_ok = !error;
    return error;
}

const char *
wizard_previous_plan(const struct wizard *w)
{
    return w->previous;
}

char *
wizard_files_text(const struct wizard *w)
{
    struct sbuf b;

    sbuf_init(&b);
    sbuf_printf(&b, "%s/intent.ini\n", w->opts.output);
    for (size_t i = 0; i < plan_outputs_count(); i++) {
        sbuf_printf(&b, "%s/%s\n", w->opts.output, plan_output_name(i));
    }
    if (w->previous) {
        sbuf_printf(&b, "They replace the earlier plan in %s/ at once.\n",
                    w->opts.output);
    }
    return sbuf_steal(&b);
}

int
wizard_write(struct wizard *w, struct diag *d)
{
    size_t n = plan_outputs_count();
    struct output_file *plan_files = plan_outputs(&w->plan);
    struct output_file *files = xcalloc(n + 1, sizeof *files);
    sigset_t block, old;
    int error;

    files[0].name = "intent.ini";
    files[0].text = wizard_intent_text(w);
    files[0].mode = 0644;
    memcpy(files + 1, plan_files, n * sizeof *files);
    /* Ctrl-C in the middle would leave a temporary directory behind. */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    error = output_write_dir(w->opts.output, PLAN_OUTPUT_MARKER, files, n + 1,
                             d);
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(files[0].text);
    free(files);
    plan_outputs_free(plan_files);
    return error;
}

/* The options of 'nfvhost apply' on the host the wizard set up. */
static void
apply_opts_for(const struct wizard *w, struct apply_opts *o, bool dry_run)
{
    memset(o, 0, sizeof *o);
    o->root = w->opts.sysfs_root;
    o->dry_run = dry_run;
}

char *
wizard_apply_preview(const struct wizard *w)
{
    char *json = emit_plan_json(&w->plan);
    char *name = xasprintf("%s/%s", w->opts.output, PLAN_OUTPUT_MARKER);
    struct plan_file *pf;
    struct apply_opts o;
    struct diag d;
    char *text = NULL;
    size_t len = 0;
    FILE *out;

    diag_init(&d);
    pf = plan_file_parse(json, strlen(json), name, &d);
    out = open_memstream(&text, &len);
    if (!out) {
        xalloc_die();
    }
    if (pf) {
        apply_opts_for(w, &o, true);
        apply_run(&o, pf, out, &d);
    } else {
        fprintf(out, "the plan does not read back: %s\n", d.msg);
    }
    fclose(out);
    plan_file_destroy(pf);
    diag_destroy(&d);
    free(name);
    free(json);
    return text;
}

int
wizard_apply(const struct wizard *w, FILE *out, struct diag *d)
{
    char *path = xasprintf("%s/%s", w->opts.output, PLAN_OUTPUT_MARKER);
    struct plan_file *pf = plan_file_load(path, d);
    struct apply_opts o;
    int error = d->status;

    if (pf) {
        apply_opts_for(w, &o, false);
        error = apply_run(&o, pf, out, d);
    }
    plan_file_destroy(pf);
    free(path);
    return error;
}
