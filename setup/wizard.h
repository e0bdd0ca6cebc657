/* wizard.h: 'nfvhost setup', the logic both faces share.
 *
 * The wizard edits an intent (planner/intent.h) one answer at a time, on
 * top of this machine's topology, and plans it with the planner itself.
 * Its two faces only ask and show: tui.c (full-screen, newt) and plain.c
 * (line by line, and --answers).  Nothing is written before
 * wizard_write(), which puts DIR/intent.ini and every file of the plan
 * into DIR in one atomic step (lib/output.h): stopping anywhere before it
 * leaves nothing behind.
 *
 * 1. wizard_init(): load the topology and the starting intent (--intent
 *    FILE, or the defaults with a default uplink and SR-IOV PF picked from
 *    the NICs).
 * 2. wizard_get() and wizard_answer() for each question (questions.h);
 *    wizard_add_vm() / wizard_remove_vm() for the VM list.
 * 3. wizard_plan(): plan it.  On failure the message is in w->plan_diag
 *    and w->fix_screen is the screen that can fix it.
 * 4. wizard_write(). */
#ifndef NFV_WIZARD_H
#define NFV_WIZARD_H 1

#include <stdbool.h>

#include "lib/diag.h"
#include "planner/intent.h"
#include "planner/plan.h"
#include "planner/topology.h"
#include "setup/kept.h"
#include "setup/questions.h"

/* The exit status of a wizard stopped before writing (Ctrl-C, quit, end
 * of input): nothing was written.  128 + SIGINT, as a shell reports. */
#define SETUP_STOPPED 130

struct wizard_opts {
    const char *topology;       /* --topology FILE.xml, or NULL: live. */
    const char *sysfs_root;     /* --sysfs-root DIR, or NULL. */
    const char *intent;         /* --intent FILE.ini, or NULL. */
    const char *output;         /* --output DIR. */
};

struct wizard {
    struct wizard_opts opts;
    struct nfv_topology topo;
    struct intent intent;       /* The answers so far. */
    struct kept kept;           /* --intent's keys that are not asked. */
    char *sriov_pf;             /* [setup] sriov_pf: the PF every VM's VFs
                                 * come from; NULL: none. */
    bool openstack;             /* [setup] role = openstack: nova places
                                 * the VMs, none is listed. */
    char *previous;             /* DIR/plan.json when DIR holds one. */
    struct plan_file *previous_plan;    /* It, read back (rule 16: VMs of
                                         * it stay where they are); NULL
                                         * when unreadable. */
    unsigned changes;           /* Answers taken so far, VMs added or
                                 * removed: tells a plan that failed again
                                 * with nothing changed. */

    /* The last wizard_plan(). */
    bool planned;               /* 'plan' holds a plan_build() result. */
    bool plan_ok;               /* ... and it succeeded. */
    struct intent view;         /* What was planned: 'intent', without
                                 * its VMs for role openstack (a shallow
                                 * copy; 'plan' points into it). */
    struct plan plan;
    struct diag plan_diag;      /* Its warnings, or why it failed. */
    enum wizard_screen fix_screen;  /* Where a failed plan is fixed. */
};

int wizard_init(struct wizard *, const struct wizard_opts *, struct diag *);
void wizard_destroy(struct wizard *);

/* A question's current value as the intent file spells it; "" when an
 * optional key is not set.  'vm' is the VM's index for "vm" questions.
 * Caller frees. */
char *wizard_get(const struct wizard *, const struct question *, int vm);
/* Sets a question's value: the intent's own check, then this machine's.
 * An empty answer keeps the value; the question's 'empty' word ("none",
 * "auto") unsets an optional key.  On error (NFV_EINPUT, message in
 * 'diag') nothing changes. */
int wizard_answer(struct wizard *, const struct question *, int vm,
                  const char *value, struct diag *);

bool wizard_is_uplink(const struct wizard *, const char *pci);

/* A new VM with the defaults (2 vCPUs, 2G, one vhost NIC); returns its
 * index.  'name' NULL: the first free "vmN". */
int wizard_add_vm(struct wizard *, const char *name, struct diag *);
/* Removes a VM, and the keys of --intent's [vm NAME] that the wizard
 * kept (the intent it writes says so). */
void wizard_remove_vm(struct wizard *, int vm);
/* Renames a VM, its kept keys with it. */
int wizard_rename_vm(struct wizard *, int vm, const char *name,
                     struct diag *);
/* "vrouter1: 2 vCPUs, 4G, vhost:100, vhost:200, sriov:300, boots from
 * /x.qcow2": one line for a list.  Caller frees. */
char *wizard_vm_line(const struct wizard *, int vm);

/* Plans the answers; returns the planner's status (0, 2, 3). */
int wizard_plan(struct wizard *);
/* The files wizard_write() would write, one per line ("DIR/intent.ini"
 * ...), and whether it replaces an earlier nfvhost output.  Caller
 * frees. */
char *wizard_files_text(const struct wizard *);
/* Writes DIR/intent.ini and the plan's files, all or nothing, with
 * SIGINT, SIGTERM and SIGHUP held until it is done.  Needs a successful
 * wizard_plan(). */
int wizard_write(struct wizard *, struct diag *);

/* What 'nfvhost apply --dry-run' says applying the plan would change on
 * this host (before the plan is written).  Caller frees. */
char *wizard_apply_preview(const struct wizard *);
/* 'nfvhost apply' of DIR/plan.json, after wizard_write(): its status (0,
 * APPLY_EXIT_REBOOT, ...), its report on 'out'. */
int wizard_apply(const struct wizard *, FILE *out, struct diag *);

/* The last plan in DIR ('nfvhost plan --previous', issue 17), or NULL. */
const char *wizard_previous_plan(const struct wizard *);

/* Machine screen (machine.c): the machine without a plan, and every NIC
 * with whether it can be an uplink and why not.  Caller frees. */
char *wizard_machine_text(const struct wizard *);
/* NULL when 'nic' can be an OVS-DPDK uplink, else why not. */
const char *wizard_uplink_refusal(const struct nfv_nic *);
/* "0000:03:00.0 enp3s0f0 node 0 i40e up 10G SR-IOV 2/64": Caller frees. */
char *wizard_nic_line(const struct nfv_nic *);

/* The commented DIR/intent.ini (intent-file.c): the keys the wizard
 * asks, then those of --intent it kept (kept.h).  Caller frees. */
char *wizard_intent_text(const struct wizard *);
/* Whether wizard_intent_text() writes SECTION/KEY from the answers
 * ("vm NAME" for a VM's): the questions' keys, and a VM's sriov_pf. */
bool wizard_intent_writes(const char *section, const char *key);

/* What a VM boots from (disk.c): "qcow2 image, 20 GiB", "block device",
 * "ISO 9660 image": false with 'msg' when the path will not do. */
bool disk_describe(const char *path, bool cdrom, char *msg, size_t size);

#endif /* setup/wizard.h */
