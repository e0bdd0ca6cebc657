/* questions.c: the setup wizard's question table (see questions.h) and the
 * checks only this machine can make. */
#include <config.h>

#include "setup/questions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pci.h"
#include "lib/util.h"
#include "setup/wizard.h"

/* Each of a comma-separated list of uplinks is a NIC of this machine that
 * can be taken over (the intent already checked the PCI syntax). */
static bool
check_uplinks(const struct wizard *w, const char *value, char *msg,
              size_t size)
{
    char *copy = xstrdup(value), *save = NULL;
    bool ok = true;

    for (char *tok = strtok_r(copy, ", ", &save); tok && ok;
         tok = strtok_r(NULL, ", ", &save)) {
        const struct nfv_nic *nic = topology_find_nic(&w->topo, tok);
        const char *refusal = nic ? wizard_uplink_refusal(nic) : NULL;

        if (!nic) {
            snprintf(msg, size, "%s is not a NIC of this machine", tok);
            ok = false;
        } else if (refusal) {
            snprintf(msg, size, "%s (%s) %s", tok, nic->ifname, refusal);
            ok = false;
        }
    }
    free(copy);
    return ok;
}

/* A PF of this machine that is not an uplink: a PF bound to vfio-pci for
 * OVS-DPDK loses its netdev and its VFs. */
static bool
check_sriov_pf(const struct wizard *w, const char *value, char *msg,
               size_t size)
{
    const struct nfv_nic *nic = topology_find_nic(&w->topo, value);

    if (!pci_addr_valid(value)) {
        snprintf(msg, size, "'%s' is not a PCI address such as "
                 "0000:03:00.1 (or none)", value);
    } else if (!nic) {
        snprintf(msg, size, "%s is not a NIC of this machine", value);
    } else if (nic->is_vf) {
        snprintf(msg, size, "%s is a VF (of %s): VFs come from a PF", value,
                 nic->physfn);
    } else if (wizard_is_uplink(w, value)) {
        snprintf(msg, size, "%s is an uplink: a PF that OVS-DPDK takes over "
                 "loses its VFs, so choose another PF", value);
    } else if (nic->totalvfs == 0) {
        snprintf(msg, size, "%s (%s) cannot make VFs (sriov_totalvfs is 0)",
                 value, nic->ifname);
    } else {
        return true;
    }
    return false;
}

static bool
check_role(const struct wizard *w, const char *value, char *msg, size_t size)
{
    (void) w;
    if (strcmp(value, "homelab") && strcmp(value, "openstack")) {
        snprintf(msg, size, "bad role '%s': expected homelab (you list the "
                 "VMs) or openstack (nova places them)", value);
        return false;
    }
    return true;
}

static bool
check_numa(const struct wizard *w, const char *value, char *msg, size_t size)
{
    const struct nfv_numa *n = topology_find_numa(&w->topo, atoi(value));

    if (!n || !n->n_cores) {
        snprintf(msg, size, "this machine has no NUMA node %s with CPUs",
                 value);
        return false;
    }
    return true;
}

static bool
check_disk(const struct wizard *w, const char *value, char *msg, size_t size)
{
    (void) w;
    return disk_describe(value, false, msg, size);
}

static bool
check_cdrom(const struct wizard *w, const char *value, char *msg,
            size_t size)
{
    (void) w;
    return disk_describe(value, true, msg, size);
}

const struct question questions[] = {
    { SCREEN_UPLINK, "ovs", "uplink", "Uplink NIC(s)",
      "OVS-DPDK takes it: no route on it", "none", check_uplinks },
    { SCREEN_UPLINK, "setup", "sriov_pf", "PF for the VMs' SR-IOV VFs",
      "not an uplink: that loses its VFs", "none", check_sriov_pf },

    { SCREEN_HOST, "host", "housekeeping_cores_per_numa",
      "Housekeeping cores per node", "OS, IRQs, OVS main, libvirt", NULL,
      NULL },
    { SCREEN_HOST, "ovs", "pmd_cores_per_numa", "PMD cores per node",
      "100% busy; ~2.75 Mpps per PMD", NULL, NULL },
    { SCREEN_HOST, "ovs", "pmd_siblings", "PMD sibling threads",
      "use: more PMDs; idle: unshared", NULL, NULL },
    { SCREEN_HOST, "emulator", "policy", "Emulator threads",
      "share: one pool for all QEMUs", NULL, NULL },
    { SCREEN_HOST, "emulator", "shared_cores", "Emulator-share cores",
      "cores of that pool (share)", NULL, NULL },
    { SCREEN_HOST, "host", "hugepage_size", "Hugepage size",
      "1G: fewest TLB misses; at boot", NULL, NULL },
    { SCREEN_HOST, "ovs", "mtu", "MTU", "every OVS port; 9000: +1G/node",
      NULL, NULL },
    { SCREEN_HOST, "host", "host_memory", "Host memory",
      "ordinary memory for the OS", NULL, NULL },
    { SCREEN_HOST, "host", "guest_memory_percent", "Guest hugepages % (no VMs)",
      "of free memory, if nova places", NULL, NULL },
    { SCREEN_HOST, "ovs", "pmd_rxq_assign", "Rx queue assignment",
      "group: spread rx queues by load", NULL, NULL },

    { SCREEN_VMS, "setup", "role", "Who places the VMs",
      "homelab: you; openstack: nova", NULL, check_role },
    { SCREEN_VMS, "vm", "vcpus", "vCPUs", "each pinned to a host CPU", NULL,
      NULL },
    { SCREEN_VMS, "vm", "memory", "Memory", "hugepages on the VM's node",
      NULL, NULL },
    { SCREEN_VMS, "vm", "nics", "NICs (TYPE[:VLAN], ...)",
      "vhost: via OVS; sriov: a VF", NULL, NULL },
    { SCREEN_VMS, "vm", "thread_policy", "Thread policy",
      "prefer, isolate or require", NULL, NULL },
    { SCREEN_VMS, "vm", "disk", "Disk image or block device",
      "what it boots from", "none", check_disk },
    { SCREEN_VMS, "vm", "cdrom", "Installer ISO (CD-ROM)",
      "to install the disk from", "none", check_cdrom },
    { SCREEN_VMS, "vm", "numa", "NUMA node", "auto: the planner chooses",
      "auto", check_numa },
    { SCREEN_VMS, "vm", "queues", "Queue pairs per vhost NIC",
      "auto: 1; more: multi-queue", "auto", NULL },
};

const size_t n_questions = ARRAY_SIZE(questions);

const char *
screen_name(enum wizard_screen s)
{
    static const char *names[N_SCREENS] = {
        [SCREEN_MACHINE] = "Machine",
        [SCREEN_UPLINK] = "Uplink",
        [SCREEN_HOST] = "Host",
        [SCREEN_VMS] = "VMs",
        [SCREEN_PLAN] = "Plan",
        [SCREEN_REVIEW] = "Review",
    };
    return names[s];
}

const struct question *
question_find(const char *section, const char *key)
{
    bool vm = !strncmp(section, "vm ", 3);

    for (size_t i = 0; i < n_questions; i++) {
        const struct question *q = &questions[i];
        if (!strcmp(q->key, key)
            && (vm ? !strcmp(q->section, "vm") : !strcmp(q->section, section))) {
            return q;
        }
    }
    return NULL;
}
