/* kept.h: the keys of 'nfvhost setup --intent FILE' that the wizard does
 * not ask, kept as FILE spells them for the intent.ini it writes.
 *
 * The wizard asks the keys of its question table (questions.h); an intent
 * file may hold more ([host] kernel, [ovs] socket_group, [uplink PCI]
 * mode, [libvirt] virt_type, a VM's cpu_policy...).  The wizard's intent
 * holds their values and plans with them, but its writer (intent-file.c)
 * writes the table's keys only: without this list, re-running the wizard
 * over a hand-edited intent dropped those keys, and the written intent
 * planned to something else.  The list is what the intent's own parse of
 * FILE took (intent_parse_file_keys()), minus the keys the writer writes,
 * each line once, in file order (so a repeated key keeps every line).
 *
 * A VM that the wizard removes takes its kept keys with it (kept_drop(),
 * with the reason the written intent gives); a renamed VM keeps them
 * (kept_rename()).  An uplink's are written only if it is an uplink of
 * the final answers (intent-file.c decides when it writes): answers pass
 * through lists without it (repeated 'uplink' lines are answered one at
 * a time, a NIC is toggled off and on), and its keys must survive that. */
#ifndef NFV_KEPT_H
#define NFV_KEPT_H 1

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "planner/intent.h"

struct kept_key {
    char *section;              /* "host", "vm NAME", "uplink PCI"... */
    char *key;
    char *value;                /* Verbatim, as inih hands it. */
    char *dropped;              /* Why it is no longer kept, or NULL. */
};

struct kept {
    char *file;                 /* FILE, as --intent names it; NULL: none. */
    struct kept_key *keys;
    size_t n;
};

/* Parses the intent 'path' into 'in' (intent_parse_file()) and keeps in
 * 'k' its keys that wizard_intent_writes() refuses. */
int kept_parse_intent(struct kept *k, const char *path, struct intent *in,
                      struct diag *);
void kept_destroy(struct kept *);

/* [SECTION] as the intent names it: "vm NAME" exactly, "uplink PCI" in
 * any case (as the intent compares PCI addresses). */
bool kept_same_section(const char *a, const char *b);
/* The value of the last kept (not dropped) 'key' of 'section', or NULL. */
const char *kept_get(const struct kept *, const char *section,
                     const char *key);
/* Every kept key of 'section' is dropped, for 'why'. */
void kept_drop(struct kept *, const char *section, const char *why);
/* The kept keys of [from] now belong to [to]. */
void kept_rename(struct kept *, const char *from, const char *to);

#endif /* setup/kept.h */
