/* netdev.c: whether an interface is in use (see netdev.h). */
#include <config.h>

#include "lib/netdev.h"

#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "lib/sysfs.h"
#include "lib/util.h"

enum proc_file { ROUTE, IPV6_ROUTE, IF_INET6 };

/* Whether one line of a procfs table names 'ifname' in a way that counts
 * (see netdev.h).  route has the device first; ipv6_route and if_inet6
 * have it last. */
static bool
line_counts(enum proc_file f, char *line, const char *ifname)
{
    char *tok[16];
    int n = 0;
    char *save = NULL;

    for (char *t = strtok_r(line, " \t\n", &save); t && n < 16;
         t = strtok_r(NULL, " \t\n", &save)) {
        tok[n++] = t;
    }
    if (f == ROUTE) {
        return n > 0 && !strcmp(tok[0], ifname);
    }
    if (n < 6 || strcmp(tok[n - 1], ifname)) {
        return false;
    }
    if (f == IPV6_ROUTE) {
        /* fe80::/10: fe8-feb; ff00::/8: ff. */
        return !(strlen(tok[0]) == 32
                 && (!strncasecmp(tok[0], "ff", 2)
                     || (!strncasecmp(tok[0], "fe", 2)
                         && strchr("89abAB", tok[0][2]))));
    }
    return strcmp(tok[3], "20") != 0;
}

static bool
in_proc_file(const char *root, enum proc_file f, const char *ifname)
{
    static const char *const names[] = { "route", "ipv6_route", "if_inet6" };
    char *path = xasprintf("%s/proc/net/%s", root, names[f]);
    char *text = sysfs_read_text(path);
    char *save = NULL;
    bool found = false;

    free(path);
    for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l && !found;
         l = strtok_r(NULL, "\n", &save)) {
        char *copy = xstrdup(l);
        found = line_counts(f, copy, ifname);
        free(copy);
    }
    free(text);
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

bool
netdev_in_use(const char *root, const char *ifname)
{
    if (!strcmp(ifname, "lo")) {
        return false;
    }
    return (in_proc_file(root, ROUTE, ifname)
            || in_proc_file(root, IPV6_ROUTE, ifname)
            || in_proc_file(root, IF_INET6, ifname)
            || (!*root && has_ipv4_address(ifname)));
}
