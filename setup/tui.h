/* tui.h: the setup wizard's full-screen face, on newt (the library behind
 * whiptail and Debian's installer): six screens, Machine, Uplink, Host,
 * VMs, Plan, Review; Enter takes the defaults everywhere; Ctrl-C leaves
 * without writing anything; a resized terminal is redrawn.  80x24 is
 * enough. */
#ifndef NFV_TUI_H
#define NFV_TUI_H 1

#include "lib/diag.h"
#include "setup/wizard.h"

/* Runs the screens on the terminal.  Status 0 written (the files are then
 * listed on stdout), SETUP_STOPPED on Ctrl-C, or wizard_write()'s. */
int tui_run(struct wizard *, struct diag *);

#endif /* setup/tui.h */
