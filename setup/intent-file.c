/* intent-file.c: DIR/intent.ini as the wizard writes it: every key of the
 * answers, each under a comment that says what it is and why, so the file
 * can be read, edited and re-planned by hand ('nfvhost plan --intent') or
 * in the wizard again ('nfvhost setup --intent').  The keys of --intent
 * that the wizard does not ask (kept.h) follow its own in each section,
 * verbatim; sections it never writes ([libvirt], [uplink PCI]) come
 * last, whole. */
#include <config.h>

#include "setup/wizard.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

bool
wizard_intent_writes(const char *section, const char *key)
{
    const struct question *q = question_find(section, key);

    if (!strncmp(section, "vm ", 3) && !strcmp(key, "sriov_pf")) {
        return true;            /* From [setup] sriov_pf: put_vm(). */
    }
    return q && strcmp(q->section, "setup");
}

/* Why a kept key is not written, or NULL when it is (to free): a VM the
 * wizard removed (kept_drop()), an uplink that the answers no longer
 * list, or role openstack, which writes no VM. */
static char *
kept_gone_why(const struct wizard *w, const struct kept_key *k)
{
    if (k->dropped) {
        return xstrdup(k->dropped);
    }
    if (!strncmp(k->section, "uplink ", 7)
        && !wizard_is_uplink(w, k->section + 7)) {
        return xasprintf("%s is no longer an uplink", k->section + 7);
    }
    if (!strncmp(k->section, "vm ", 3) && w->openstack) {
        return xstrdup("role = openstack writes no [vm NAME] section");
    }
    return NULL;
}

static bool
kept_gone(const struct wizard *w, const struct kept_key *k)
{
    char *why = kept_gone_why(w, k);
    bool gone = why != NULL;

    free(why);
    return gone;
}

/* The kept keys of 'section', under one comment. */
static void
put_kept(struct sbuf *b, const struct wizard *w, const char *section)
{
    bool first = true;

    for (size_t i = 0; i < w->kept.n; i++) {
        const struct kept_key *k = &w->kept.keys[i];

        if (kept_gone(w, k) || !kept_same_section(k->section, section)) {
            continue;
        }
        if (first) {
            sbuf_printf(b, "; Kept from %s: not asked by the wizard\n",
                        w->kept.file);
            first = false;
        }
        sbuf_printf(b, "%s = %s\n", k->key, k->value);
    }
}

static bool
written_section(const char *section)
{
    return (!strcmp(section, "host") || !strcmp(section, "ovs")
            || !strcmp(section, "emulator") || !strncmp(section, "vm ", 3));
}

/* Kept sections the wizard never writes ([libvirt], [uplink PCI]), whole,
 * each once, in file order. */
static void
put_kept_sections(struct sbuf *b, const struct wizard *w)
{
    for (size_t i = 0; i < w->kept.n; i++) {
        const struct kept_key *k = &w->kept.keys[i];
        bool done = false;

        for (size_t j = 0; j < i && !done; j++) {
            done = kept_same_section(w->kept.keys[j].section, k->section)
                   && !kept_gone(w, &w->kept.keys[j]);
        }
        if (!done && !kept_gone(w, k) && !written_section(k->section)) {
            sbuf_printf(b, "\n[%s]\n", k->section);
            put_kept(b, w, k->section);
        }
    }
}

/* The kept keys that are not written, and why. */
static void
put_dropped(struct sbuf *b, const struct wizard *w)
{
    bool first = true;

    for (size_t i = 0; i < w->kept.n; i++) {
        const struct kept_key *k = &w->kept.keys[i];
        char *why = kept_gone_why(w, k);

        if (!why) {
            continue;
        }
        if (first) {
            sbuf_printf(b, "\n; Dropped from %s:\n", w->kept.file);
            first = false;
        }
        sbuf_printf(b, ";   [%s] %s = %s: %s\n", k->section, k->key,
                    k->value, why);
        free(why);
    }
}

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
    put_kept(b, w, section);
}

static void
put_vm(struct sbuf *b, const struct wizard *w, int v)
{
    const struct intent_vm *vm = &w->intent.vms[v];
    char *section = xasprintf("vm %s", vm->name);

    sbuf_printf(b, "\n[%s]\n", section);
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
    put_kept(b, w, section);
    free(section);
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
    } else {
        for (int v = 0; v < w->intent.n_vms; v++) {
            put_vm(&b, w, v);
        }
    }
    put_kept_sections(&b, w);
    put_dropped(&b, w);
    return sbuf_steal(&b);
}
