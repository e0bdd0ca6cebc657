/* tap.h: 'nfvhost vhost tap': a vhost-user port bridged to a Linux TAP
 * device, optionally created inside a network namespace, so that ping,
 * iperf3 or tcpdump in that namespace act as the guest behind the port.
 * One thread moves frames both ways; when nothing moved it waits up to a
 * millisecond on the TAP device instead of spinning, since a kernel-stack
 * "guest" needs latency, not a core. */
#ifndef NFV_VHOST_TAP_H
#define NFV_VHOST_TAP_H 1

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct vhost_dev;
struct diag;

/* Enters network namespace 'netns' (a name under /var/run/netns, or a
 * path), then creates TAP device 'name' (or a kernel-chosen tapN when
 * NULL) and sets it up.  Returns the fd, or -1 with 'd' set.  The chosen
 * name goes to 'ifname'. */
int tap_open(const char *netns, const char *name, char *ifname,
             size_t ifname_size, struct diag *d);

struct tap_stats {
    uint64_t to_tap, from_tap;  /* Frames moved. */
    uint64_t dropped;           /* No tx room, or the TAP refused. */
    unsigned int reconnects;
    double elapsed;
};

/* Bridges 'dev' and 'tap_fd' until 'duration' seconds (0: forever) or
 * *stop. */
void tap_run(struct vhost_dev *dev, int tap_fd, double duration,
             const volatile sig_atomic_t *stop, struct tap_stats *);

#endif /* vhost/tap.h */
