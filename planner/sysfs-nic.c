/* sysfs-nic.c: NIC facts from sysfs (see sysfs-nic.h). */
#include "planner/sysfs-nic.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "planner/topology.h"
#include "lib/util.h"

/* Reads the first line of ROOT/DIR/NAME into buf; false if absent. */
static bool
read_line(const char *dir, const char *name, char *buf, size_t size)
{
    char path[PATH_MAX];
    FILE *f;
    bool ok;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    if (!f) {
        return false;
    }
    ok = fgets(buf, size, f) != NULL;
    fclose(f);
    if (ok) {
        buf[strcspn(buf, "\n")] = '\0';
    }
    return ok;
}

static long
read_long(const char *dir, const char *name, long dflt)
{
    char buf[64];
    char *end;
    long v;

    if (!read_line(dir, name, buf, sizeof buf)) {
        return dflt;
    }
    v = strtol(buf, &end, 0);
    return end == buf ? dflt : v;
}

/* The last path component of symlink DIR/NAME, e.g. the driver's name. */
static bool
read_link_base(const char *dir, const char *name, char *buf, size_t size)
{
    char path[PATH_MAX], target[PATH_MAX];
    ssize_t n;
    const char *base;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    n = readlink(path, target, sizeof target - 1);
    if (n < 0) {
        return false;
    }
    target[n] = '\0';
    base = strrchr(target, '/');
    snprintf(buf, size, "%s", base ? base + 1 : target);
    return true;
}

static void
read_ifname(const char *dev, struct nfv_nic *nic)
{
    char path[PATH_MAX];
    struct dirent *de;
    DIR *d;

    snprintf(path, sizeof path, "%s/net", dev);
    d = opendir(path);
    if (!d) {
        return;
    }
    /* The lowest name, so the result does not depend on readdir order. */
    nic->ifname[0] = '\0';
    while ((de = readdir(d))) {
        if (de->d_name[0] != '.'
            && (!nic->ifname[0] || strcmp(de->d_name, nic->ifname) < 0)
            && strlen(de->d_name) < sizeof nic->ifname) {
            snprintf(nic->ifname, sizeof nic->ifname, "%s", de->d_name);
        }
    }
    closedir(d);
    if (nic->ifname[0]) {
        char netdir[PATH_MAX];
        snprintf(netdir, sizeof netdir, "%s/net/%s", dev, nic->ifname);
        nic->carrier = read_long(netdir, "carrier", -1);
    }
}

static struct nfv_nic *
get_nic(struct nfv_topology *t, const char *pci, int *cap)
{
    struct nfv_nic *nic = (struct nfv_nic *) topology_find_nic(t, pci);

    if (nic) {
        return nic;
    }
    if (t->n_nics >= *cap) {
        *cap = *cap * 2 + 8;
        t->nics = xrealloc(t->nics, *cap * sizeof *t->nics);
    }
    nic = &t->nics[t->n_nics++];
    memset(nic, 0, sizeof *nic);
    snprintf(nic->pci, sizeof nic->pci, "%s", pci);
    nic->numa = -1;
    nic->totalvfs = nic->numvfs = -1;
    nic->carrier = -1;
    return nic;
}

static void
load_device(const char *dev, const char *pci, struct nfv_topology *t,
            int *cap)
{
    long class = read_long(dev, "class", -1);
    struct nfv_nic *nic;

    if (class < 0 || ((class >> 16) & 0xff) != 0x02) {
        return;
    }
    nic = get_nic(t, pci, cap);
    nic->numa = read_long(dev, "numa_node", nic->numa);
    nic->vendor = read_long(dev, "vendor", nic->vendor);
    nic->device = read_long(dev, "device", nic->device);
    if (!read_link_base(dev, "driver", nic->driver, sizeof nic->driver)) {
        nic->driver[0] = '\0';
    }
    nic->totalvfs = read_long(dev, "sriov_totalvfs", nic->totalvfs);
    nic->numvfs = read_long(dev, "sriov_numvfs", nic->numvfs);
    nic->is_vf = read_link_base(dev, "physfn", nic->physfn,
                                sizeof nic->physfn);
    read_ifname(dev, nic);
}

/* Does 'ifname' appear as the interface column of a route table line, or
 * carry a global IPv6 address?  Column layouts: /proc/net/route has the
 * name first; ipv6_route and if_inet6 have it last. */
static bool
file_names_iface(const char *path, const char *ifname, bool first_column,
                 bool skip_link_local)
{
    char line[512];
    bool found = false;
    FILE *f = fopen(path, "r");

    if (!f) {
        return false;
    }
    while (!found && fgets(line, sizeof line, f)) {
        char *save = NULL, *tok, *last = NULL, *scope = NULL;
        int col = 0;

        for (tok = strtok_r(line, " \t\n", &save); tok;
             tok = strtok_r(NULL, " \t\n", &save), col++) {
            if (col == 0 && first_column) {
                found = !strcmp(tok, ifname);
                break;
            }
            if (col == 3) {
                scope = tok;
            }
            last = tok;
        }
        if (!first_column && last && !strcmp(last, ifname)) {
            /* if_inet6: scope 20 is link-local, present on every up
             * interface and not a sign that it is in use. */
            found = !(skip_link_local && scope && !strcmp(scope, "20"));
        }
    }
    fclose(f);
    return found;
}

static void
load_routes(const char *root, struct nfv_topology *t)
{
    char route[PATH_MAX], route6[PATH_MAX], addr6[PATH_MAX];

    snprintf(route, sizeof route, "%s/proc/net/route", root);
    snprintf(route6, sizeof route6, "%s/proc/net/ipv6_route", root);
    snprintf(addr6, sizeof addr6, "%s/proc/net/if_inet6", root);
    for (int i = 0; i < t->n_nics; i++) {
        struct nfv_nic *nic = &t->nics[i];
        if (nic->ifname[0]) {
            nic->has_route = (file_names_iface(route, nic->ifname, true, false)
                              || file_names_iface(route6, nic->ifname, false,
                                                  false)
                              || file_names_iface(addr6, nic->ifname, false,
                                                  true));
        }
    }
}

int
sysfs_nic_load(const char *root, struct nfv_topology *t, struct diag *diag)
{
    char path[PATH_MAX];
    struct dirent *de;
    int cap = t->n_nics;
    DIR *d;

    snprintf(path, sizeof path, "%s/sys/bus/pci/devices", root);
    d = opendir(path);
    if (!d) {
        if (errno == ENOENT) {
            return 0;           /* No PCI bus (containers, some VMs). */
        }
        return diag_error(diag, NFV_ESYSTEM, "%s: %s", path, strerror(errno));
    }
    while ((de = readdir(d))) {
        char dev[PATH_MAX];

        if (!pci_address_valid(de->d_name)) {
            continue;
        }
        snprintf(dev, sizeof dev, "%s/%s", path, de->d_name);
        load_device(dev, de->d_name, t, &cap);
    }
    closedir(d);
    load_routes(root, t);
    return 0;
}
