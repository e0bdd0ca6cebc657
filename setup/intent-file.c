/* intent-file.c: DIR/intent.ini as the wizard writes it: every key of the
 * answers, each under a comment that says what it is and why, so the file
 * can be read, edited and re-planned by hand ('nfvhost plan --intent') or
 * in the wizard again ('nfvhost setup --intent'). */
#include <config.h>

#include "setup/wizard.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

static void
put_key(struct sbuf *b, const struct question *q, const char *value)
{
    sbuf_printf(b, "; %s -- %s\n%s = %s\n", q->label, q->why, q->key,
                value);
}

/* The keys of one of [host], [ovs], [emulator], in table order. */
static void
put_section(struct sbuf *b, const struct wizard *w, const char *section)
{
    sbuf_printf(b, "\n[%s]\n", section);
    for (size_t i = 0; i < n_questions; i++) {
        const struct question *q = &questions[i];
        char *value;

        if (strcmp(q->section, section)) {
            continue;
        }
        if (!strcmp(q->key, "uplink")) {
            /* Repeatable: one line per uplink. */
            for (int u = 0; u < w->intent.n_uplinks; u++) {
                put_key(b, q, w->intent.uplinks[u].pci);
            }
            if (!w->intent.n_uplinks) {
                sbuf_puts(b, "; No uplink: OVS only connects the VMs "
                          "(uplink = PCI-ADDRESS, repeatable)\n");
            }
            continue;
        }
        value = wizard_get(w, q, 0);
        put_key(b, q, value);
        free(value);
    }
}

static void
put_vm(struct sbuf *b, const struct wizard *w, int v)
{
    const struct intent_vm *vm = &w->intent.vms[v];

    sbuf_printf(b, "\n[vm %s]\n", vm->name);
    for (size_t i = 0; i < n_questions; i++) {
        const struct question *q = &questions[i];
        char *value;

        if (strcmp(q->section, "vm")) {
            continue;
        }
        value = wizard_get(w, q, v);
        if (*value) {
            put_key(b, q, value);
        }
        free(value);
    }
    if (vm->sriov_pf) {
        sbuf_printf(b, "; PF its VFs come from (the wizard's [setup] "
                    "sriov_pf)\nsriov_pf = %s\n", vm->sriov_pf);
    }
}

/* " --topology FILE --sysfs-root DIR": what planned this intent. */
static void
put_machine_flags(struct sbuf *b, const struct wizard *w)
{
    if (w->opts.topology) {
        sbuf_printf(b, " --topology %s", w->opts.topology);
    }
    if (w->opts.sysfs_root) {
        sbuf_printf(b, " --sysfs-root %s", w->opts.sysfs_root);
    }
}

char *
wizard_intent_text(const struct wizard *w)
{
    static const char *sections[] = { "host", "ovs", "emulator" };
    const char *dir = w->opts.output;
    struct sbuf b;

    sbuf_init(&b);
    sbuf_puts(&b, "; The intent for this host, written by 'nfvhost setup'. "
              "Edit it and plan again:\n;   nfvhost plan");
    put_machine_flags(&b, w);
    sbuf_printf(&b, " --intent %s/intent.ini --previous %s/plan.json "
                "--output %s\n"
                "; or edit it in the wizard:\n;   nfvhost setup", dir, dir, dir);
    put_machine_flags(&b, w);
    sbuf_printf(&b, " --intent %s/intent.ini --output %s\n"
                "; Every key is described in docs/planner.md ('The intent "
                "file').\n", dir, dir);
    for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
        put_section(&b, w, sections[i]);
    }
    if (w->openstack || !w->intent.n_vms) {
        sbuf_puts(&b, "\n; No [vm NAME] section: nova (or you, later) "
                  "places the VMs on the guest pool.\n");
        return sbuf_steal(&b);
    }
    for (int v = 0; v < w->intent.n_vms; v++) {
        put_vm(&b, w, v);
    }
    return sbuf_steal(&b);
}
