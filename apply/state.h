/* state.h: what 'nfvhost apply' has done, kept in a JSON file (by default
 * /var/lib/nfvhost/apply.json) between runs and across a reboot.
 *
 * It names the plan it is about (its path and a hash of its bytes), which
 * steps finished and what each did, the kernel arguments update-grub last
 * ran for, and the libvirt domains apply defined (so a later run tunes
 * them, and leaves any other domain of the same name alone without
 * --yes).  It is written after every step, through a temporary file and a
 * rename, so it is always one whole state. */
#ifndef NFV_APPLY_STATE_H
#define NFV_APPLY_STATE_H 1

#include <stdbool.h>
#include <stddef.h>

#include "apply/apply.h"
#include "lib/diag.h"

#define APPLY_STATE_FORMAT 1

struct apply_domain {
    char *name;
    char *uuid;
};

struct apply_state {
    char *path;
    char *plan;                 /* The plan's path, as given. */
    char *plan_hash;            /* FNV-1a 64 of its bytes, hex. */
    bool done[N_APPLY_STEPS];
    char *did[N_APPLY_STEPS];   /* Each finished step's report. */
    char *grub_line;            /* The drop-in line update-grub ran for. */
    char *tuned_profile;        /* Hash of the tuned.conf tuned-adm last
                                 * activated. */
    struct apply_domain *domains;
    size_t n_domains;
};

/* Loads 'path'; a missing file is an empty state.  NFV_EINPUT for a file
 * that is not a state file, NFV_ESYSTEM when it cannot be read. */
int apply_state_load(const char *path, struct apply_state *, struct diag *);
/* Writes it atomically, creating its directory. */
int apply_state_save(const struct apply_state *, struct diag *);
void apply_state_destroy(struct apply_state *);

/* "fnv1a64:..." of 'len' bytes: tells whether the plan changed. */
char *apply_state_hash(const char *bytes, size_t len);
/* A new plan (or the same one edited): every step is to be done again;
 * the domains apply defined stay its own. */
void apply_state_begin(struct apply_state *, const char *plan,
                       const char *hash);
void apply_state_done(struct apply_state *, enum apply_step,
                      const char *did);
bool apply_state_owns(const struct apply_state *, const char *name,
                      const char *uuid);
void apply_state_add_domain(struct apply_state *, const char *name,
                            const char *uuid);

#endif /* apply/state.h */
