/* checks.h: what libvirt does not check in an NFV domain and nfvhost must.
 *
 * domain_check() reads a domain (generated, tuned, or the user's own) and
 * reports every problem it finds against the plan's VM, one per line, in
 * one NFV_EINPUT diag:
 *   - vhost-user NICs without shared, hugepage- or memfd-backed guest
 *     memory (the port comes up and passes nothing; libvirt only warns);
 *   - vhost-user sockets not in server mode (OVS's dpdkvhostuserclient
 *     ports are the clients) or not the VM's OVS ports' sockets, and
 *     another number of vhost-user or VF interfaces than planned;
 *   - rx/tx ring sizes that are not powers of two within 256-1024 (only
 *     QEMU refuses them, at start);
 *   - vCPU pins not as planned or outside the guest pool (a cpu_policy
 *     shared VM: each vCPU pinned to all the shared CPUs), emulator pins
 *     outside the shared CPUs (or the isolate PU), the two overlapping,
 *     or either on PMD or housekeeping CPUs (unless the shared CPUs are
 *     housekeeping ones: shared_cores = 0);
 *   - a domain type other than the plan's virt_type;
 *   - memory that the VM's hugepages do not cover, another page size, or
 *     numatune not strict to the VM's node; a memory balloon (one that is
 *     not model='none', or none listed: libvirt then adds one);
 *   - VLAN tags outside 1-4094. */
#ifndef NFV_CHECKS_H
#define NFV_CHECKS_H 1

#include <libxml/tree.h>

#include "libvirt-templates/vmspec.h"
#include "lib/diag.h"

int domain_check(xmlDocPtr, const char *name, const struct vm_spec *,
                 struct diag *);

/* The part of a domain a problem is about. */
enum domain_area {
    DOMAIN_MEMORY,          /* Shared hugepage backing, size, numatune,
                             * the balloon. */
    DOMAIN_INTERFACES,      /* vhost-user sockets and mode, NIC counts,
                             * VLAN tags. */
    DOMAIN_RINGS,           /* rx/tx ring sizes. */
    DOMAIN_VCPUS,           /* <vcpu>, vcpupin and the domain type. */
    DOMAIN_EMULATOR,        /* emulatorpin. */
};
typedef void domain_problem_fn(void *aux, enum domain_area,
                               const char *msg);
/* The same checks, each problem handed to 'fn' on its own (for 'nfvhost
 * check', which reports them one by one); returns how many there were. */
int domain_check_each(xmlDocPtr, const struct vm_spec *,
                      domain_problem_fn *, void *aux);
/* Parses 'text' and checks it. */
int domain_check_text(const char *text, const char *name,
                      const struct vm_spec *, struct diag *);

#endif /* libvirt-templates/checks.h */
