/* tap.c: a vhost-user port bridged to a TAP device (see tap.h). */
#include <config.h>

#include "vhost/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/diag.h"
#include "vhost/frontend.h"

static int
enter_netns(const char *netns, struct diag *d)
{
    char path[256];
    int fd;

    if (strchr(netns, '/')) {
        snprintf(path, sizeof path, "%s", netns);
    } else {
        snprintf(path, sizeof path, "/var/run/netns/%s", netns);
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return diag_error(d, errno == ENOENT ? NFV_EINPUT : NFV_ESYSTEM,
                          "--netns %s: %s (create it with 'ip netns add')",
                          netns, strerror(errno));
    }
    if (setns(fd, CLONE_NEWNET)) {
        int error = errno;

        close(fd);
        return diag_error(d, NFV_ESYSTEM, "cannot enter network namespace "
                          "%s: %s", netns, strerror(error));
    }
    close(fd);
    return 0;
}

static int
set_up(const char *ifname, struct diag *d)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int status = 0;

    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0
        || (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) < 0)) {
        status = diag_error(d, NFV_ESYSTEM, "cannot set %s up: %s", ifname,
                            strerror(errno));
    }
    if (s >= 0) {
        close(s);
    }
    return status;
}

int
tap_open(const char *netns, const char *name, char *ifname,
         size_t ifname_size, struct diag *d)
{
    struct ifreq ifr;
    int fd;

    if (name && strlen(name) >= IFNAMSIZ) {
        diag_error(d, NFV_EINPUT, "--name %s: at most %d characters", name,
                   IFNAMSIZ - 1);
        return -1;
    }
    if (netns && enter_netns(netns, d)) {
        return -1;
    }
    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        diag_error(d, NFV_ESYSTEM, "/dev/net/tun: %s", strerror(errno));
        return -1;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (name) {
        snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    }
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        diag_error(d, errno == EBUSY ? NFV_EINPUT : NFV_ESYSTEM,
                   "cannot create TAP device %s: %s", name ? name : "",
                   strerror(errno));
        close(fd);
        return -1;
    }
    snprintf(ifname, ifname_size, "%s", ifr.ifr_name);
    if (set_up(ifr.ifr_name, d)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Port -> TAP.  Returns frames moved. */
static int
to_tap(struct vhost_dev *dev, int fd, struct tap_stats *s)
{
    struct virtq *q = &dev->rxq[0];
    struct virtq_pkt pkts[32];
    int n = virtq_rx_poll(q, pkts, 32);

    if (n < 0) {
        vhost_dev_lost(dev, q->why.msg);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (write(fd, pkts[i].data, pkts[i].len) == (ssize_t) pkts[i].len) {
            s->to_tap++;
        } else {
            s->dropped++;
        }
    }
    virtq_rx_refill(q);
    return n;
}

/* TAP -> port.  Returns frames moved. */
static int
from_tap(struct vhost_dev *dev, int fd, struct tap_stats *s)
{
    struct virtq *q = &dev->txq[0];
    int moved = 0;

    if (virtq_tx_reclaim(q) < 0) {
        vhost_dev_lost(dev, q->why.msg);
        return 0;
    }
    for (int i = 0; i < 32; i++) {
        uint8_t *slot = virtq_tx_slot(q);
        ssize_t n;

        if (!slot) {
            /* Leave the frame in the TAP's queue for the next round. */
            break;
        }
        n = read(fd, slot, virtq_tx_room(q));
        if (n <= 0) {
            virtq_tx_unget(q, slot);
            break;
        }
        virtq_tx_put(q, slot, n);
        s->from_tap++;
        moved++;
    }
    virtq_flush(q);
    return moved;
}

void
tap_run(struct vhost_dev *dev, int fd, double duration,
        const volatile sig_atomic_t *stop, struct tap_stats *s)
{
    uint64_t start = vhost_now_ns(), now = start;
    uint64_t end = start + (uint64_t) (duration * 1e9);
    unsigned int connects = dev->connects;

    memset(s, 0, sizeof *s);
    while ((!duration || now < end) && !(stop && *stop)) {
        int moved = 0;

        if (!vhost_dev_tend(dev, now)) {
            /* No back-end: frames for the TAP pile up in its queue, so
             * waiting on it would spin.  Sleep until the next retry. */
            poll(NULL, 0, 10);
        } else if (!(moved = to_tap(dev, fd, s) + from_tap(dev, fd, s))) {
            struct pollfd pfd = { .fd = fd, .events = POLLIN };

            poll(&pfd, 1, 1);
        }
        now = vhost_now_ns();
    }
    s->elapsed = (now - start) / 1e9;
    s->reconnects = dev->connects - connects;
}
