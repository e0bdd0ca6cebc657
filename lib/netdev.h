/* netdev.h: is a kernel network interface in use?  The one rule, used by
 * the planner (a warning) and by 'ovs apply' (a refusal, as
 * dpdk-devbind.py refuses to take an interface that routes).
 *
 * An interface is in use when, under ROOT ("" for the live machine):
 *   - it is the device of an IPv4 route (ROOT/proc/net/route), or
 *   - of an IPv6 route whose destination is outside fe80::/10 and
 *     ff00::/8 (ROOT/proc/net/ipv6_route), or
 *   - it holds an IPv6 address whose scope is not link-local
 *     (ROOT/proc/net/if_inet6, scope 0x20), or
 *   - on the live machine, it holds an IPv4 address (getifaddrs(): procfs
 *     shows IPv4 addresses only through their routes).
 * Link-local IPv6 addresses, and the fe80::/64 and multicast routes that
 * go with them, are made by the kernel on every interface that is up:
 * they say nothing about whether anything depends on it.  "lo" is never
 * in use in this sense. */
#ifndef NFV_NETDEV_H
#define NFV_NETDEV_H 1

#include <stdbool.h>

bool netdev_in_use(const char *root, const char *ifname);

#endif /* lib/netdev.h */
