/* sriov.c: vfio-pci binding and VF creation through sysfs (see sriov.h). */
#include <config.h>

#include "ovs-ext/sriov.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"

#define VFIO "vfio-pci"

bool
sriov_valid_pci(const char *s)
{
    static const char pattern[] = "xxxx:xx:xx.x";

    if (!s || strlen(s) != sizeof pattern - 1) {
        return false;
    }
    for (size_t i = 0; pattern[i]; i++) {
        if (pattern[i] == 'x' ? !isxdigit((unsigned char) s[i])
                              : s[i] != pattern[i]) {
            return false;
        }
    }
    return true;
}

static char *
dev_path(const char *root, const char *pci, const char *file)
{
    return xasprintf("%s/sys/bus/pci/devices/%s%s%s", root, pci,
                     file ? "/" : "", file ? file : "");
}

/* The basename of DEV/driver, or NULL when unbound.  Caller frees. */
static char *
current_driver(const char *root, const char *pci)
{
    char *link = dev_path(root, pci, "driver");
    char target[PATH_MAX];
    ssize_t n = readlink(link, target, sizeof target - 1);

    free(link);
    if (n <= 0) {
        return NULL;
    }
    target[n] = '\0';
    return xstrdup(basename(target));
}

static int
write_attr(const char *path, const char *value, struct diag *d)
{
    FILE *f = fopen(path, "w");

    if (!f || fputs(value, f) < 0 || fclose(f)) {
        int err = errno;
        if (f) {
            fclose(f);
        }
        return diag_error(d, NFV_ESYSTEM, "cannot write '%s' to %s: %s",
                          value, path, strerror(err));
    }
    return 0;
}

/* True if 'ifname' appears in the routing table file 'path' (the first
 * column of /proc/net/route, the last of /proc/net/ipv6_route) or in
 * /proc/net/if_inet6 (IPv6 addresses). */
static bool
ifname_in_proc(const char *root, const char *file, const char *ifname)
{
    char *path = xasprintf("%s/proc/net/%s", root, file);
    FILE *f = fopen(path, "r");
    char line[512];
    bool found = false;

    free(path);
    while (f && !found && fgets(line, sizeof line, f)) {
        char *save = NULL;
        for (char *tok = strtok_r(line, " \t\n", &save); tok;
             tok = strtok_r(NULL, " \t\n", &save)) {
            found |= !strcmp(tok, ifname) && strcmp(ifname, "lo");
        }
    }
    if (f) {
        fclose(f);
    }
    return found;
}

static bool
has_ipv4_address(const char *ifname)
{
    struct ifaddrs *ifa, *p;
    bool found = false;

    if (getifaddrs(&ifa)) {
        return false;
    }
    for (p = ifa; p; p = p->ifa_next) {
        found |= p->ifa_addr && p->ifa_addr->sa_family == AF_INET
                 && !strcmp(p->ifa_name, ifname);
    }
    freeifaddrs(ifa);
    return found;
}

int
sriov_check_uplink(const char *root, const char *pci, struct diag *d)
{
    char *path, *net;
    DIR *dir;
    struct dirent *de;
    int error = 0;

    if (!sriov_valid_pci(pci)) {
        return diag_error(d, NFV_EINPUT, "uplink '%s' is not a PCI address "
                          "(DDDD:BB:DD.F)", pci);
    }
    path = dev_path(root, pci, NULL);
    if (access(path, F_OK)) {
        error = diag_error(d, NFV_EINPUT, "uplink %s: no such PCI device "
                           "(%s); map it to a stand-in with "
                           "--uplink-override %s=DEVARGS", pci, path, pci);
        free(path);
        return error;
    }
    free(path);
    net = dev_path(root, pci, "net");
    dir = opendir(net);
    while (dir && !error && (de = readdir(dir))) {
        const char *ifn = de->d_name;
        if (ifn[0] == '.') {
            continue;
        }
        if (ifname_in_proc(root, "route", ifn)
            || ifname_in_proc(root, "ipv6_route", ifn)
            || ifname_in_proc(root, "if_inet6", ifn)
            || (!*root && has_ipv4_address(ifn))) {
            error = diag_error(d, NFV_EINPUT, "uplink %s is interface %s, "
                               "which carries a route or an address; "
                               "refusing to take it from the kernel",
                               pci, ifn);
        }
    }
    if (dir) {
        closedir(dir);
    }
    free(net);
    return error;
}

/* driver_override := 'override', unbind from 'unbind_from' (if any), and
 * drivers_probe: the kernel then binds the driver the override names, or
 * with an empty override the device's own driver. */
static int
rebind(const char *root, const char *pci, const char *override,
       const char *unbind_from, struct diag *d)
{
    char *ovr = dev_path(root, pci, "driver_override");
    char *unbind = unbind_from ? xasprintf("%s/sys/bus/pci/drivers/%s/unbind",
                                           root, unbind_from) : NULL;
    char *probe = xasprintf("%s/sys/bus/pci/drivers_probe", root);
    int error = write_attr(ovr, override, d);

    if (!error && unbind) {
        error = write_attr(unbind, pci, d);
    }
    if (!error) {
        error = write_attr(probe, pci, d);
    }
    free(ovr);
    free(unbind);
    free(probe);
    return error;
}

int
sriov_bind_vfio(const char *root, const char *pci, bool dry_run, FILE *out,
                struct diag *d)
{
    char *drv = current_driver(root, pci);
    int error = 0;

    if (drv && !strcmp(drv, VFIO)) {
        fprintf(out, "  %s: already bound to %s\n", pci, VFIO);
    } else {
        fprintf(out, "  %s: %s %s -> %s (driver_override + drivers_probe)\n",
                pci, dry_run ? "would bind" : "binding",
                drv ? drv : "(no driver)", VFIO);
        error = dry_run ? 0 : rebind(root, pci, VFIO, drv, d);
        if (!dry_run && !error) {
            char *now = current_driver(root, pci);
            if (!now || strcmp(now, VFIO)) {
                diag_warn(d, "%s is not bound to %s after drivers_probe (is "
                          "the vfio-pci module loaded?)", pci, VFIO);
            }
            free(now);
        }
    }
    free(drv);
    return error;
}

int
sriov_release(const char *root, const char *pci, bool dry_run, FILE *out,
              struct diag *d)
{
    char *drv;
    int error = 0;

    if (!sriov_valid_pci(pci)) {
        return diag_error(d, NFV_EINPUT, "'%s' is not a PCI address", pci);
    }
    drv = current_driver(root, pci);
    fprintf(out, "  %s: %s %s, clearing driver_override, probing the "
            "kernel driver\n", pci, dry_run ? "would release" : "releasing",
            drv ? drv : "(no driver)");
    if (!dry_run) {
        /* An empty line clears driver_override (the kernel's convention). */
        error = rebind(root, pci, "\n",
                       drv && !strcmp(drv, VFIO) ? VFIO : NULL, d);
    }
    free(drv);
    return error;
}

static int
read_int_attr(const char *root, const char *pci, const char *attr)
{
    char *path = dev_path(root, pci, attr);
    FILE *f = fopen(path, "r");
    int v = -1;

    free(path);
    if (f) {
        if (fscanf(f, "%d", &v) != 1) {
            v = -1;
        }
        fclose(f);
    }
    return v;
}

int
sriov_set_numvfs(const char *root, const char *pf, int n, bool dry_run,
                 FILE *out, struct diag *d)
{
    int total = read_int_attr(root, pf, "sriov_totalvfs");
    int cur = read_int_attr(root, pf, "sriov_numvfs");
    char *path, val[16];
    int error;

    if (total < 0) {
        return diag_error(d, NFV_EINPUT, "%s: not an SR-IOV PF (no "
                          "sriov_totalvfs)", pf);
    }
    if (n > total) {
        return diag_error(d, NFV_EINFEASIBLE, "%s: %d VFs wanted, the PF "
                          "has at most %d", pf, n, total);
    }
    if (cur >= n) {
        fprintf(out, "  %s: %d VFs present, %d needed\n", pf, cur, n);
        return 0;
    }
    fprintf(out, "  %s: %s sriov_numvfs %d -> %d\n", pf,
            dry_run ? "would set" : "setting", cur, n);
    if (dry_run) {
        return 0;
    }
    path = dev_path(root, pf, "sriov_numvfs");
    snprintf(val, sizeof val, "%d", n);
    error = cur > 0 ? write_attr(path, "0", d) : 0;
    if (!error) {
        error = write_attr(path, val, d);
    }
    free(path);
    return error;
}
