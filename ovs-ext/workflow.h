/* workflow.h: the 'nfvhost ovs' commands as a whole, for the CLI to call.
 *
 * Each one checks every precondition first (the plan, the database is
 * reachable, every device exists and is free, the PFs can give their VFs,
 * the socket directory is safe) and only then acts: socket directory,
 * VFs, vfio-pci binding, and last one OVSDB transaction (apply.h).  So a
 * failed check leaves the devices and the database as they were.  What is
 * done, or with dry_run would be, goes to 'out'. */
#ifndef NFV_WORKFLOW_H
#define NFV_WORKFLOW_H 1

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"

struct ovs_opts;
struct plan_file;
struct vhost_nic;

/* 'nfvhost ovs apply --plan'. */
int ovs_workflow_apply(const struct plan_file *, struct ovs_opts *,
                       FILE *out, struct diag *);
/* The parts of ovs_workflow_apply(), one at a time, for the steps of
 * 'nfvhost apply': the SR-IOV VFs and the uplinks' vfio-pci binding (every
 * device checked first); the vhost-user socket directory; the OVSDB
 * transaction (the database checked first). */
int ovs_workflow_devices(const struct plan_file *, struct ovs_opts *,
                         FILE *out, struct diag *);
int ovs_workflow_sock_dir(const struct plan_file *, struct ovs_opts *,
                          FILE *out, struct diag *);
int ovs_workflow_db(const struct plan_file *, struct ovs_opts *, FILE *out,
                    struct diag *);
/* 'nfvhost ovs port add|del VM NIC' ('add' is true for add). */
int ovs_workflow_port(bool add, const struct vhost_nic *, struct ovs_opts *,
                      FILE *out, struct diag *);
/* 'nfvhost ovs release': the plan's vfio-pci uplinks (plan may be NULL)
 * and the 'n' addresses 'pcis', each refused while an OVS interface still
 * uses it. */
int ovs_workflow_release(const struct plan_file *, char *const pcis[], int n,
                         struct ovs_opts *, FILE *out, struct diag *);

#endif /* ovs-ext/workflow.h */
