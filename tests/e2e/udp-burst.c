/* udp-burst: the e2e guest's traffic generator.  Sends COUNT UDP datagrams
 * of a fixed size to DST-IP:PORT, paced at most PPS per second, and prints
 * how many the kernel took.  Built static at test time by
 * tests/e2e/build-guest.sh and put into the guest's initramfs (busybox has
 * no sender that makes exactly one frame per datagram).
 *
 * Usage: udp-burst DST-IP PORT COUNT PPS
 * Prints "sent N enobufs M" and exits 0 when N == COUNT.
 *
 * A datagram the qdisc refuses (ENOBUFS: the virtio ring and the device
 * queue are full) was not sent, so it is sent again after a short pause
 * and counted in "enobufs": the point is exactly COUNT frames on the wire,
 * each counted by the guest, by OVS and by the host at the far end. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD 64

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleeps until datagram 'i' is due at 'pps' per second from 't0'. */
static void
pace(double t0, unsigned long i, unsigned long pps)
{
    double due = t0 + (double) i / pps;
    double wait = due - now();

    if (wait > 0) {
        struct timespec ts = { (time_t) wait,
                               (long) ((wait - (time_t) wait) * 1e9) };
        nanosleep(&ts, NULL);
    }
}

static int
send_one(int fd, const struct sockaddr_in *dst, unsigned long seq,
         unsigned long *enobufs)
{
    unsigned char buf[PAYLOAD];
    uint32_t s = htonl((uint32_t) seq);

    memset(buf, 'n', sizeof buf);
    memcpy(buf, &s, sizeof s);
    for (;;) {
        if (sendto(fd, buf, sizeof buf, 0, (const struct sockaddr *) dst,
                   sizeof *dst) == (ssize_t) sizeof buf) {
            return 0;
        }
        if (errno != ENOBUFS) {
            perror("udp-burst: sendto");
            return -1;
        }
        (*enobufs)++;
        usleep(1000);
    }
}

int
main(int argc, char **argv)
{
    struct sockaddr_in dst = { .sin_family = AF_INET };
    unsigned long count, pps, sent = 0, enobufs = 0;
    double t0, t;
    int fd;

    if (argc != 5 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
        fprintf(stderr, "usage: udp-burst DST-IP PORT COUNT PPS\n");
        return 2;
    }
    dst.sin_port = htons((uint16_t) strtoul(argv[2], NULL, 10));
    count = strtoul(argv[3], NULL, 10);
    pps = strtoul(argv[4], NULL, 10);
    if (!count || !pps) {
        fprintf(stderr, "udp-burst: COUNT and PPS must be positive\n");
        return 2;
    }
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("udp-burst: socket");
        return 1;
    }
    t0 = now();
    for (; sent < count; sent++) {
        pace(t0, sent, pps);
        if (send_one(fd, &dst, sent, &enobufs)) {
            break;
        }
    }
    t = now() - t0;
    printf("sent %lu enobufs %lu seconds %.2f\n", sent, enobufs, t);
    return sent == count ? 0 : 1;
}
