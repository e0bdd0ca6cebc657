/* pci.c: PCI devices through sysfs (see pci.h). */
#include <config.h>

#include "lib/pci.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/parse.h"
#include "lib/sysfs.h"
#include "lib/util.h"

bool
pci_addr_valid(const char *s)
{
    static const char shape[] = "xxxx:xx:xx.x";

    if (!s || strlen(s) != sizeof shape - 1) {
        return false;
    }
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == 'x' ? !isxdigit((unsigned char) s[i])
                            : s[i] != shape[i]) {
            return false;
        }
    }
    /* The function number is 3 bits. */
    return s[11] >= '0' && s[11] <= '7';
}

/* 'n' hex digits, already checked by pci_addr_valid(). */
static unsigned
hex_field(const char *s, int n)
{
    unsigned v = 0;

    for (int i = 0; i < n; i++) {
        v = v * 16 + (isdigit((unsigned char) s[i]) ? s[i] - '0'
                      : tolower((unsigned char) s[i]) - 'a' + 10);
    }
    return v;
}

bool
pci_addr_split(const char *pci, unsigned *domain, unsigned *bus,
               unsigned *slot, unsigned *function)
{
    if (!pci_addr_valid(pci)) {
        return false;
    }
    *domain = hex_field(pci, 4);
    *bus = hex_field(pci + 5, 2);
    *slot = hex_field(pci + 8, 2);
    *function = pci[11] - '0';
    return true;
}

bool
pci_addr_canon(const char *s, char out[PCI_ADDR_LEN])
{
    if (!pci_addr_valid(s)) {
        return false;
    }
    for (size_t i = 0; i < PCI_ADDR_LEN; i++) {
        out[i] = tolower((unsigned char) s[i]);
    }
    return true;
}

char *
pci_path(const char *root, const char *pci, const char *attr)
{
    if (!pci_addr_valid(pci)) {
        return NULL;
    }
    return xasprintf("%s/sys/bus/pci/devices/%s%s%s", root, pci,
                     attr ? "/" : "", attr ? attr : "");
}

bool
pci_exists(const char *root, const char *pci)
{
    char *path = pci_path(root, pci, NULL);
    bool yes = path && !access(path, F_OK);

    free(path);
    return yes;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The PCI addresses among the names in directory 'path', sorted. */
static int
list_addresses(const char *path, char ***addrs, size_t *n)
{
    DIR *dir = opendir(path);
    struct dirent *de;
    int error = dir ? 0 : -errno;

    *addrs = NULL;
    *n = 0;
    while (dir && (de = readdir(dir))) {
        char canon[PCI_ADDR_LEN];
        if (pci_addr_canon(de->d_name, canon)) {
            *addrs = xrealloc(*addrs, (*n + 1) * sizeof **addrs);
            (*addrs)[(*n)++] = xstrdup(canon);
        }
    }
    if (dir) {
        closedir(dir);
    }
    if (*n) {
        qsort(*addrs, *n, sizeof **addrs, cmp_names);
    }
    return error;
}

int
pci_devices(const char *root, char ***addrs, size_t *n)
{
    char *path = xasprintf("%s/sys/bus/pci/devices", root);
    int error = list_addresses(path, addrs, n);

    free(path);
    return error;
}

/* The last component of the device's symbolic link 'attr' into 'buf':
 * 0 or -errno (-EINVAL for a bad address). */
static int
read_link(const char *root, const char *pci, const char *attr, char *buf,
          size_t size)
{
    char *link = pci_path(root, pci, attr);
    int error;

    if (!link) {
        return -EINVAL;
    }
    error = sysfs_read_link_name(link, buf, size);
    free(link);
    return error;
}

int
pci_driver(const char *root, const char *pci, char *buf, size_t size)
{
    return read_link(root, pci, "driver", buf, size);
}

int
pci_read_long(const char *root, const char *pci, const char *attr, long *v)
{
    char *path = pci_path(root, pci, attr);
    int error;

    if (!path) {
        return -EINVAL;
    }
    error = sysfs_read_long(path, v);
    free(path);
    return error;
}

int
pci_vf_address(const char *root, const char *pf, int index,
               char out[PCI_ADDR_LEN])
{
    char attr[32], name[64];
    int error;

    if (index < 0) {
        return -EINVAL;
    }
    snprintf(attr, sizeof attr, "virtfn%d", index);
    error = read_link(root, pf, attr, name, sizeof name);
    if (error) {
        return error;
    }
    /* A link to something that is not a PCI address is not a VF. */
    return pci_addr_canon(name, out) ? 0 : -EINVAL;
}

/* The kernel numbers virtfn links from 0 without gaps; SR-IOV counts are
 * 16 bits. */
#define PCI_MAX_VFS 65536

int
pci_vf_index(const char *root, const char *vf)
{
    char *link = pci_path(root, vf, "physfn");
    char pf[64], canon[PCI_ADDR_LEN];
    int error;

    if (!link || !pci_addr_canon(vf, canon)) {
        free(link);
        return -1;
    }
    error = sysfs_read_link_name(link, pf, sizeof pf);
    free(link);
    for (int k = 0; !error && k < PCI_MAX_VFS; k++) {
        char addr[PCI_ADDR_LEN];

        if (pci_vf_address(root, pf, k, addr)) {
            break;
        }
        if (!strcmp(addr, canon)) {
            return k;
        }
    }
    return -1;
}


void
pci_netdevs(const char *root, const char *pci, char ***names, size_t *n)
{
    char *path = pci_path(root, pci, "net");
    DIR *dir = path ? opendir(path) : NULL;
    struct dirent *de;

    *names = NULL;
    *n = 0;
    while (dir && (de = readdir(dir))) {
        if (de->d_name[0] != '.') {
            *names = xrealloc(*names, (*n + 1) * sizeof **names);
            (*names)[(*n)++] = xstrdup(de->d_name);
        }
    }
    if (dir) {
        closedir(dir);
    }
    free(path);
    if (*n) {
        qsort(*names, *n, sizeof **names, cmp_names);
    }
}

void
pci_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
}

int
pci_iommu_group(const char *root, const char *pci)
{
    char name[32];
    long group;
    int error = read_link(root, pci, "iommu_group", name, sizeof name);

    if (error) {
        return error;
    }
    return parse_long(name, 0, INT_MAX, &group) ? (int) group : -EINVAL;
}

int
pci_iommu_group_devices(const char *root, int group, char ***addrs,
                        size_t *n)
{
    char *path = xasprintf("%s/sys/kernel/iommu_groups/%d/devices", root,
                           group);
    int error = list_addresses(path, addrs, n);

    free(path);
    return error;
}

bool
pci_is_bridge(const char *root, const char *pci)
{
    unsigned long class;
    char *path = pci_path(root, pci, "class");
    bool yes = path && !sysfs_read_hex(path, &class)
               && (class >> 16) == 0x06;

    free(path);
    return yes;
}

bool
pci_vfio_group_driver_ok(const char *driver)
{
    static const char variant[] = "_vfio_pci";
    size_t n = strlen(driver), nv = sizeof variant - 1;

    return (!driver[0] || !strcmp(driver, "vfio-pci")
            || !strcmp(driver, "pci-stub") || !strcmp(driver, "pcieport")
            || (n > nv && !strcmp(driver + n - nv, variant)));
}

static int
write_attr(const char *pci, const char *path, const char *value,
           const char *what, struct diag *d)
{
    int error = sysfs_write(path, value);

    if (error) {
        return diag_error(d, NFV_ESYSTEM, "PCI %s: %s: cannot write '%s' "
                          "to %s: %s", pci, what, value[0] == '\n' ? "\\n"
                          : value, path, strerror(-error));
    }
    return 0;
}

int
pci_bind(const char *root, const char *pci, const char *driver,
         struct diag *d)
{
    char current[256];
    char *ovr = pci_path(root, pci, "driver_override");
    char *probe, *unbind = NULL;
    int error;

    if (!ovr) {
        return diag_error(d, NFV_EINPUT, "'%s' is not a PCI address "
                          "(DDDD:BB:DD.F, function 0-7)", pci);
    }
    probe = xasprintf("%s/sys/bus/pci/drivers_probe", root);
    if (!pci_driver(root, pci, current, sizeof current)) {
        unbind = xasprintf("%s/sys/bus/pci/drivers/%s/unbind", root,
                           current);
    }
    /* An empty line clears driver_override (the kernel's convention). */
    error = write_attr(pci, ovr, driver ? driver : "\n", "driver_override",
                       d);
    if (!error && unbind) {
        error = write_attr(pci, unbind, pci, "unbind", d);
    }
    if (!error) {
        error = write_attr(pci, probe, pci, "drivers_probe", d);
    }
    free(ovr);
    free(unbind);
    free(probe);
    return error;
}

int
pci_set_numvfs(const char *root, const char *pf, int n, struct diag *d)
{
    char *path = pci_path(root, pf, "sriov_numvfs");
    char val[16];
    long cur = 0;
    int error = 0;

    if (!path) {
        return diag_error(d, NFV_EINPUT, "'%s' is not a PCI address "
                          "(DDDD:BB:DD.F, function 0-7)", pf);
    }
    snprintf(val, sizeof val, "%d", n);
    if (!sysfs_read_long(path, &cur) && cur > 0 && cur != n) {
        error = write_attr(pf, path, "0", "sriov_numvfs", d);
    }
    if (!error) {
        error = write_attr(pf, path, val, "sriov_numvfs", d);
    }
    free(path);
    return error;
}
