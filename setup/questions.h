/* questions.h: what the setup wizard asks, one table row per question.
 *
 * Each question is a key of the intent file ([host], [ovs], [emulator] or
 * a VM's [vm NAME]), or one of the wizard's own keys in [setup] (the PF
 * the VMs' VFs come from, who places the VMs).  A row says on which screen
 * it is asked, its label, the one-line reason shown beside it, and the
 * check only this machine can make (the NIC exists and carries no route,
 * the disk exists); the value itself is checked by the intent's own parser
 * (intent_set()), so an answer and an intent file are refused with the
 * same words.  --answers files use the same section and key names.
 *
 * To ask something new: add the key to planner/intent.c, then a row here;
 * both faces (tui.c, plain.c), the answers reader and the intent.ini
 * writer pick it up from the table. */
#ifndef NFV_QUESTIONS_H
#define NFV_QUESTIONS_H 1

#include <stdbool.h>
#include <stddef.h>

struct wizard;

enum wizard_screen {
    SCREEN_MACHINE,
    SCREEN_UPLINK,
    SCREEN_HOST,
    SCREEN_VMS,
    SCREEN_PLAN,
    SCREEN_REVIEW,
    N_SCREENS
};

struct question {
    enum wizard_screen screen;
    const char *section;        /* "host", "ovs", "emulator", "vm" (each
                                 * VM's own section) or "setup". */
    const char *key;
    const char *label;          /* Up to 27 characters. */
    const char *why;            /* Up to 34 characters: the screens put
                                 * label, value and why on one line. */
    const char *empty;          /* What an empty answer means for an
                                 * optional key ("none", "auto"), or NULL:
                                 * Enter keeps the current value. */
    /* The check only this machine can make, or NULL.  Returns false and
     * fills 'msg' when 'value' will not do here. */
    bool (*check)(const struct wizard *, const char *value, char *msg,
                  size_t size);
};

extern const struct question questions[];
extern const size_t n_questions;

const char *screen_name(enum wizard_screen);
/* The row for SECTION/KEY ("vm NAME" finds the "vm" rows), or NULL. */
const struct question *question_find(const char *section, const char *key);

#endif /* setup/questions.h */
