/* cmd-vhost.c: 'nfvhost vhost bench|loop|tap', the front of vhost/: it
 * parses the flags into vhost/run.h's options and calls the tool; the
 * defaults, the runs and the reports are vhost/'s. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "lib/diag.h"
#include "vhost/pkt.h"
#include "vhost/run.h"

static void
bench_usage(void)
{
    printf("Usage: nfvhost vhost bench --tx SOCKET --rx SOCKET [--size BYTES] "
           "[--rate PPS | --search ndr|pdr]\n"
           "                           [--duration S] [--cores LIST | "
           "--plan plan.json] [--json] ...\n"
           "Send stamped UDP frames into one vhost-user port and receive "
           "them from another\n(through the switch), as a VM would, without "
           "a VM: loss, reordering, Mpps,\nGbit/s and latency, or the "
           "zero-loss rate by RFC 2544 binary search.\n\n"
           "  --tx SOCKET         vhost-user socket to send on\n"
           "  --rx SOCKET         socket to receive on (may equal --tx)\n"
           "  --tx-only           only generate (no --rx): for back-ends "
           "that count and drop,\n"
           "                      like testpmd rxonly; reports the rate "
           "the back-end took\n"
           "  --server            listen on the sockets (for OVS "
           "dpdkvhostuserclient ports);\n"
           "                      default: connect to them (dpdk-testpmd "
           "net_vhost, dpdkvhostuser)\n"
           "  --size BYTES        frame size with FCS, 64..1518 (default "
           "64)\n"
           "  --rate PPS          offered rate, e.g. 500k, 2.5M (default: "
           "as fast as it goes)\n"
           "  --search ndr|pdr    binary search for the highest rate with "
           "loss <= 0.001 %% (ndr)\n"
           "                      or <= 0.1 %% (pdr); stops when the "
           "interval is under 0.5 %% of max\n"
           "  --loss PCT          override the search's loss threshold\n"
           "  --precision PCT     override the 0.5 %% stop interval\n"
           "  --duration S        seconds per trial (default 10; 2 with "
           "--search)\n"
           "  --flows N           cycle N UDP source ports (default 1)\n"
           "  --sleep-idle        with --rate: sleep until the next burst "
           "is due instead of\n"
           "                      polling, to share a core (latency then "
           "includes the sleeps)\n"
           "  --cores LIST        CPU for the polling thread (first of the "
           "list)\n"
           "  --plan FILE         take the CPU from plan.json's guest pool\n"
           "  --force             allow a CPU an OVS PMD thread polls\n"
           "  --ring-size N       ring entries, power of two (default "
           "1024)\n"
           "  --queues N          queue pairs, 1..64 (default 1): frames "
           "go round robin over\n"
           "                      the tx queues, every rx queue is "
           "polled\n"
           "  --hugepages yes|no|auto  back the shared memory with 2M "
           "hugepages (default auto)\n"
           "  --ring-layout auto|split|packed  virtqueue layout (default "
           "auto: packed when\n"
           "                      the back-end offers it)\n"
           "  --connect-timeout S wait this long for the back-end "
           "(default 10)\n"
           "  --json              print the result as JSON\n\n"
           "Exit status: 0 done, 1 system error (back-end not reachable or "
           "lost, or\ninterrupted: what was measured is still printed), 2 "
           "bad input.\n");
}

static void
loop_usage(void)
{
    printf("Usage: nfvhost vhost loop --socket A --socket B [--duration S] "
           "[--cores LIST | --plan FILE]\n"
           "Forward every frame received on one vhost-user port to the "
           "other and back, as a\nguest running testpmd io forwarding "
           "does (PVP), without a VM.\n\n"
           "  --socket PATH       a vhost-user socket; give it twice\n"
           "  --server            listen on the sockets (OVS "
           "dpdkvhostuserclient ports)\n"
           "  --duration S        stop after S seconds (default: until "
           "SIGINT/SIGTERM)\n"
           "  --tx-first N        first send N frames on each port (as "
           "testpmd --tx-first),\n"
           "                      for a closed loop through a switch "
           "that wires the ports\n"
           "                      back to each other\n"
           "  --queues N          queue pairs; queue i of A goes to queue i "
           "of B\n"
           "  --burst N           frames per ring operation, 1..64 (default "
           "32)\n"
           "  --zero-copy         forward by descriptor through one memory "
           "region both\n"
           "                      back-ends share, or fail (default: so "
           "when both accept it,\n"
           "                      else copy, with a warning)\n"
           "  --copy              copy every frame (each port has its own "
           "memory)\n"
           "  --cores LIST, --plan FILE, --force, --ring-size N, "
           "--ring-layout, --hugepages,\n"
           "  --connect-timeout S, --json   as for 'nfvhost vhost bench'\n");
}

static void
tap_usage(void)
{
    printf("Usage: nfvhost vhost tap --socket PATH [--netns NS] [--name IF] "
           "[--server] [--duration S]\n"
           "Bridge a vhost-user port to a TAP device, created inside "
           "network namespace NS\nwhen given, so that ping, iperf3 and "
           "tcpdump there act as the guest behind\nthe port.  The TAP "
           "device is set up; give it addresses with 'ip -n NS addr'.\n\n"
           "  --socket PATH       the vhost-user socket\n"
           "  --netns NS          a name under /var/run/netns, or a path\n"
           "  --name IF           the TAP device's name (default: tapN)\n"
           "  --duration S        stop after S seconds (default: until "
           "SIGINT/SIGTERM)\n"
           "  --server, --cores LIST, --plan FILE, --force, --ring-size N, "
           "--ring-layout,\n"
           "  --hugepages, --connect-timeout S, --json   as for 'nfvhost "
           "vhost bench'\n");
}

static void
vhost_usage(void)
{
    printf("Usage: nfvhost vhost bench|loop|tap [OPTIONS]\n"
           "A vhost-user front-end (the side QEMU plays) as a VM-less "
           "traffic endpoint.\n\n"
           "  bench   generate, receive, measure; RFC 2544 NDR/PDR search\n"
           "  loop    forward between two ports (a PVP guest)\n"
           "  tap     bridge a port to a TAP device (a kernel-stack guest)"
           "\n\n"
           "Run 'nfvhost vhost COMMAND --help' for options.\n");
}

/* "2.5M", "500k", "1000" packets per second. */
static bool
parse_rate(const char *s, double *pps)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || !(v > 0) || !isfinite(v)) {
        return false;
    }
    switch (*end) {
    case 'k': case 'K': v *= 1e3; end++; break;
    case 'm': case 'M': v *= 1e6; end++; break;
    case 'g': case 'G': v *= 1e9; end++; break;
    default: break;
    }
    if (!strcmp(end, "pps")) {
        end += 3;
    }
    *pps = v;
    return *end == '\0';
}

static bool
parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= min && v <= max)) {
        return false;
    }
    *out = v;
    return true;
}

static bool
parse_uint(const char *s, unsigned long min, unsigned long max,
           unsigned long *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

/* opt_double() and opt_uint() parse the value of option --FLAG (optarg)
 * into [min, max]; a bad value is a usage error "--FLAG 'VALUE': WHAT".
 * They return 0 or the usage error's status. */
static int
opt_double(const char *sub, const char *flag, const char *what,
           double min, double max, double *out)
{
    return (parse_double(optarg, min, max, out) ? 0
            : cli_usage_error(sub, "--%s '%s': %s", flag, optarg, what));
}

static int
opt_uint(const char *sub, const char *flag, const char *what,
         unsigned long min, unsigned long max, unsigned long *out)
{
    return (parse_uint(optarg, min, max, out) ? 0
            : cli_usage_error(sub, "--%s '%s': %s", flag, optarg, what));
}

enum {
    OPT_SERVER = 1000, OPT_CORES, OPT_PLAN, OPT_FORCE, OPT_JSON,
    OPT_CONNECT_TIMEOUT, OPT_RING_SIZE, OPT_HUGEPAGES, OPT_DURATION,
    OPT_QUEUES, OPT_RING_LAYOUT,
};

#define COMMON_LONGOPTS \
    { "server", no_argument, NULL, OPT_SERVER }, \
    { "cores", required_argument, NULL, OPT_CORES }, \
    { "plan", required_argument, NULL, OPT_PLAN }, \
    { "force", no_argument, NULL, OPT_FORCE }, \
    { "json", no_argument, NULL, OPT_JSON }, \
    { "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT }, \
    { "ring-size", required_argument, NULL, OPT_RING_SIZE }, \
    { "ring-layout", required_argument, NULL, OPT_RING_LAYOUT }, \
    { "hugepages", required_argument, NULL, OPT_HUGEPAGES }, \
    { "queues", required_argument, NULL, OPT_QUEUES }, \
    { "help", no_argument, NULL, 'h' }

/* For loop and tap, where 0 means "until a signal". */
#define DURATION_LONGOPT { "duration", required_argument, NULL, OPT_DURATION }

/* Picks 'arg' out of the NULL-terminated 'names'; its index, or -1. */
static int
keyword(const char *arg, const char *const names[])
{
    for (int i = 0; names[i]; i++) {
        if (!strcmp(arg, names[i])) {
            return i;
        }
    }
    return -1;
}

/* Handles an option every tool takes, or reports an unknown one or a
 * missing value.  Returns 0 if handled, else the usage error's status. */
static int
common_opt(const char *sub, int c, struct vhost_tool_opts *o, char *argv[])
{
    static const char *const pages[] = { "auto", "yes", "no", NULL };
    static const char *const layouts[] = { "auto", "split", "packed", NULL };
    unsigned long n;
    int r, k;

    switch (c) {
    case OPT_SERVER: o->server = true; return 0;
    case OPT_CORES: o->cores = optarg; return 0;
    case OPT_PLAN: o->plan = optarg; return 0;
    case OPT_FORCE: o->force = true; return 0;
    case OPT_JSON: o->json = true; return 0;
    case OPT_CONNECT_TIMEOUT:
        return opt_double(sub, "connect-timeout", "seconds, 0..3600", 0, 3600,
                          &o->connect_timeout);
    case OPT_DURATION:
        return opt_double(sub, "duration", "seconds, 0..86400", 0, 86400,
                          &o->duration);
    case OPT_RING_SIZE:
        if (!parse_uint(optarg, 1, 32768, &n) || (n & (n - 1))) {
            return cli_usage_error(sub, "--ring-size '%s': a power of two "
                                   "up to 32768", optarg);
        }
        o->ring_size = n;
        return 0;
    case OPT_QUEUES:
        if ((r = opt_uint(sub, "queues", "queue pairs, 1..64", 1, 64, &n))) {
            return r;
        }
        o->queues = n;
        return 0;
    case OPT_HUGEPAGES:
        /* In enum vmem_pages order. */
        if ((k = keyword(optarg, pages)) < 0) {
            return cli_usage_error(sub, "--hugepages '%s': yes, no or "
                                   "auto", optarg);
        }
        o->pages = k == 0 ? VMEM_PAGES_AUTO : k == 1 ? VMEM_PAGES_HUGE
                                                     : VMEM_PAGES_4K;
        return 0;
    case OPT_RING_LAYOUT:
        if ((k = keyword(optarg, layouts)) < 0) {
            return cli_usage_error(sub, "--ring-layout '%s': auto, split or "
                                   "packed", optarg);
        }
        o->layout = k == 0 ? VHOST_RING_AUTO : k == 1 ? VHOST_RING_SPLIT
                                                      : VHOST_RING_PACKED;
        return 0;
    case ':':
        return cli_usage_error(sub, "option '%s' needs a value",
                               argv[optind - 1]);
    default:
        return cli_usage_error(sub, "unknown option '%s'", argv[optind - 1]);
    }
}

/* The status of a usage error for arguments left after the options. */
static int
extra_args(const char *sub, int argc, char *argv[])
{
    return optind < argc ? cli_usage_error(sub, "unexpected argument '%s'",
                                           argv[optind])
                         : 0;
}

/* Parses 'vhost bench' flags into 'o'.  Returns 0, -1 after --help, or a
 * usage error's status. */
static int
bench_parse(int argc, char *argv[], struct vhost_bench_opts *o)
{
    static const struct option longopts[] = {
        { "tx", required_argument, NULL, 't' },
        { "rx", required_argument, NULL, 'r' },
        { "size", required_argument, NULL, 's' },
        { "rate", required_argument, NULL, 'R' },
        { "search", required_argument, NULL, 'S' },
        { "loss", required_argument, NULL, 'l' },
        { "precision", required_argument, NULL, 'p' },
        { "duration", required_argument, NULL, 'd' },
        { "flows", required_argument, NULL, 'f' },
        { "tx-only", no_argument, NULL, 'T' },
        { "sleep-idle", no_argument, NULL, 'I' },
        COMMON_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    static const char *const kinds[] = { "ndr", "pdr", NULL };
    const char *sub = "vhost bench";
    unsigned long n;
    int c, r, k;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
        r = 0;
        switch (c) {
        case 't': o->tx = optarg; break;
        case 'r': o->rx = optarg; break;
        case 'T': o->tx_only = true; break;
        case 'I': o->sleep_idle = true; break;
        case 's':
            r = opt_uint(sub, "size", "frame bytes with FCS, 64..1518",
                         PKT_MIN_SIZE, PKT_MAX_SIZE, &n);
            o->frame_size = n;
            break;
        case 'R':
            if (!parse_rate(optarg, &o->rate)) {
                return cli_usage_error(sub, "--rate '%s': packets per "
                                       "second like 500k or 2.5M", optarg);
            }
            break;
        case 'S':
            /* In enum bench_search_kind order. */
            if ((k = keyword(optarg, kinds)) < 0) {
                return cli_usage_error(sub, "--search '%s': ndr or pdr",
                                       optarg);
            }
            o->search = true;
            o->kind = k == 0 ? BENCH_NDR : BENCH_PDR;
            break;
        case 'l':
            r = opt_double(sub, "loss", "a percentage 0..100", 0, 100,
                           &o->loss_pct);
            break;
        case 'p':
            r = opt_double(sub, "precision", "a percentage 0.01..50", 0.01,
                           50, &o->precision_pct);
            break;
        case 'd':
            r = opt_double(sub, "duration", "seconds, 0.01..86400", 0.01,
                           86400, &o->c.duration);
            break;
        case 'f':
            r = opt_uint(sub, "flows", "1..65535", 1, 65535, &n);
            o->flows = n;
            break;
        case 'h': bench_usage(); return -1;
        default:
            r = common_opt(sub, c, &o->c, argv);
        }
        if (r) {
            return r;
        }
    }
    if ((r = extra_args(sub, argc, argv))) {
        return r;
    }
    if (o->tx_only && o->rx) {
        return cli_usage_error(sub, "--tx-only takes no --rx");
    }
    if (o->tx_only && o->search) {
        return cli_usage_error(sub, "--search needs frames back: not "
                               "with --tx-only");
    }
    if (o->tx_only) {
        o->rx = o->tx;
    }
    if (!o->tx || !o->rx) {
        return cli_usage_error(sub, "--tx and --rx are required");
    }
    if (o->search && o->rate > 0) {
        return cli_usage_error(sub, "--rate and --search exclude each "
                               "other");
    }
    if (o->sleep_idle && !(o->rate > 0)) {
        return cli_usage_error(sub, "--sleep-idle needs --rate (it sleeps "
                               "until the next burst is due)");
    }
    return 0;
}

static int
cmd_vhost_bench(int argc, char *argv[])
{
    struct vhost_bench_opts o;
    struct diag d;
    int status;

    vhost_bench_opts_init(&o);
    status = bench_parse(argc, argv, &o);
    if (status) {
        return status < 0 ? 0 : status;
    }
    diag_init(&d);
    vhost_bench_run(&o, &d);
    status = cli_report(&d);
    diag_destroy(&d);
    return status;
}

/* Parses 'vhost loop' flags into 'o'.  Returns 0, -1 after --help, or a
 * usage error's status. */
static int
loop_parse(int argc, char *argv[], struct vhost_loop_opts *o)
{
    static const struct option longopts[] = {
        { "socket", required_argument, NULL, 's' },
        DURATION_LONGOPT,
        { "tx-first", required_argument, NULL, 'F' },
        { "burst", required_argument, NULL, 'b' },
        { "zero-copy", no_argument, NULL, 'z' },
        { "copy", no_argument, NULL, 'C' },
        COMMON_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    const char *sub = "vhost loop";
    bool zero_copy = false, copy = false;
    int n_paths = 0, c, r;
    unsigned long n;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
        r = 0;
        switch (c) {
        case 's':
            if (n_paths == 2) {
                return cli_usage_error(sub, "--socket given more than "
                                       "twice");
            }
            o->paths[n_paths++] = optarg;
            break;
        case 'F':
            r = opt_uint(sub, "tx-first", "frames, 0..32768", 0, 32768, &n);
            o->tx_first = n;
            break;
        case 'b':
            r = opt_uint(sub, "burst", "frames, 1..64", 1, 64, &n);
            o->burst = n;
            break;
        case 'z': zero_copy = true; break;
        case 'C': copy = true; break;
        case 'h': loop_usage(); return -1;
        default:
            r = common_opt(sub, c, &o->c, argv);
        }
        if (r) {
            return r;
        }
    }
    if ((r = extra_args(sub, argc, argv))) {
        return r;
    }
    if (n_paths != 2 || !strcmp(o->paths[0], o->paths[1])) {
        return cli_usage_error(sub, "give two different --socket paths");
    }
    if (zero_copy && copy) {
        return cli_usage_error(sub, "--zero-copy and --copy exclude each "
                               "other");
    }
    o->copy = zero_copy ? LOOP_ZERO_COPY : copy ? LOOP_COPY
                                                : LOOP_ZERO_COPY_AUTO;
    return 0;
}

static int
cmd_vhost_loop(int argc, char *argv[])
{
    struct vhost_loop_opts o;
    struct diag d;
    int status;

    vhost_loop_opts_init(&o);
    status = loop_parse(argc, argv, &o);
    if (status) {
        return status < 0 ? 0 : status;
    }
    diag_init(&d);
    vhost_loop_run(&o, &d);
    status = cli_report(&d);
    diag_destroy(&d);
    return status;
}

/* Parses 'vhost tap' flags into 'o'.  Returns 0, -1 after --help, or a
 * usage error's status. */
static int
tap_parse(int argc, char *argv[], struct vhost_tap_opts *o)
{
    static const struct option longopts[] = {
        { "socket", required_argument, NULL, 's' },
        { "netns", required_argument, NULL, 'n' },
        { "name", required_argument, NULL, 'N' },
        DURATION_LONGOPT,
        COMMON_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    const char *sub = "vhost tap";
    int c, r;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
        switch (c) {
        case 's': o->path = optarg; break;
        case 'n': o->netns = optarg; break;
        case 'N': o->name = optarg; break;
        case 'h': tap_usage(); return -1;
        default:
            if ((r = common_opt(sub, c, &o->c, argv))) {
                return r;
            }
        }
    }
    if ((r = extra_args(sub, argc, argv))) {
        return r;
    }
    if (!o->path) {
        return cli_usage_error(sub, "--socket is required");
    }
    if (o->c.queues > 1) {
        return cli_usage_error(sub, "--queues: the TAP bridge serves one "
                               "queue pair");
    }
    return 0;
}

static int
cmd_vhost_tap(int argc, char *argv[])
{
    struct vhost_tap_opts o;
    struct diag d;
    int status;

    vhost_tap_opts_init(&o);
    status = tap_parse(argc, argv, &o);
    if (status) {
        return status < 0 ? 0 : status;
    }
    diag_init(&d);
    vhost_tap_run(&o, &d);
    status = cli_report(&d);
    diag_destroy(&d);
    return status;
}

int
cmd_vhost(int argc, char *argv[])
{
    if (argc < 2) {
        vhost_usage();
        return NFV_EINPUT;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        vhost_usage();
        return 0;
    }
    if (!strcmp(argv[1], "bench")) {
        return cmd_vhost_bench(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "loop")) {
        return cmd_vhost_loop(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "tap")) {
        return cmd_vhost_tap(argc - 1, argv + 1);
    }
    fprintf(stderr, "nfvhost vhost: unknown command '%s'\n", argv[1]);
    vhost_usage();
    return NFV_EINPUT;
}
