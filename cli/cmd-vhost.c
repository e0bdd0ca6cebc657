/* cmd-vhost.c: 'nfvhost vhost bench|loop', the front of vhost/. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "lib/diag.h"
#include "lib/util.h"
#include "vhost/bench.h"
#include "vhost/frontend.h"
#include "vhost/loop.h"
#include "vhost/pin.h"
#include "vhost/pkt.h"
#include "vhost/tap.h"

/* Options both tools share. */
struct common_opts {
    bool server;
    const char *cores;
    const char *plan;
    bool force;
    bool json;
    double connect_timeout;
    double duration;
    uint16_t ring_size;
    uint16_t queues;
    enum vmem_pages pages;
};

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
    (void) sig;
    stop_requested = 1;
}

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
           "  --connect-timeout S wait this long for the back-end "
           "(default 10)\n"
           "  --json              print the result as JSON\n\n"
           "Exit status: 0 done, 1 system error (back-end not reachable or "
           "lost), 2 bad input.\n");
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
           "  --cores LIST, --plan FILE, --force, --ring-size N, "
           "--hugepages, --connect-timeout S,\n"
           "  --json              as for 'nfvhost vhost bench'\n");
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
           "--hugepages,\n"
           "  --connect-timeout S, --json   as for 'nfvhost vhost bench'\n");
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
    OPT_QUEUES,
};

#define COMMON_LONGOPTS \
    { "server", no_argument, NULL, OPT_SERVER }, \
    { "cores", required_argument, NULL, OPT_CORES }, \
    { "plan", required_argument, NULL, OPT_PLAN }, \
    { "force", no_argument, NULL, OPT_FORCE }, \
    { "json", no_argument, NULL, OPT_JSON }, \
    { "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT }, \
    { "ring-size", required_argument, NULL, OPT_RING_SIZE }, \
    { "hugepages", required_argument, NULL, OPT_HUGEPAGES }, \
    { "queues", required_argument, NULL, OPT_QUEUES }, \
    { "help", no_argument, NULL, 'h' }

/* For loop and tap, where 0 means "until a signal". */
#define DURATION_LONGOPT { "duration", required_argument, NULL, OPT_DURATION }

/* Handles an option every tool takes, or reports an unknown one or a
 * missing value.  Returns 0 if handled, else the usage error's status. */
static int
common_opt(const char *sub, int c, struct common_opts *o, char *argv[])
{
    unsigned long n;
    int r;

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
        if (!strcmp(optarg, "yes")) {
            o->pages = VMEM_PAGES_HUGE;
        } else if (!strcmp(optarg, "no")) {
            o->pages = VMEM_PAGES_4K;
        } else if (!strcmp(optarg, "auto")) {
            o->pages = VMEM_PAGES_AUTO;
        } else {
            return cli_usage_error(sub, "--hugepages '%s': yes, no or "
                                   "auto", optarg);
        }
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

/* Creates and connects a device for 'path'. */
static struct vhost_dev *
open_dev(const char *path, const struct common_opts *o, struct diag *d)
{
    struct vhost_opts vo = {
        .path = path, .server = o->server, .ring_size = o->ring_size,
        .pages = o->pages, .queue_pairs = o->queues,
    };
    char err[256];
    struct vhost_dev *dev = vhost_dev_create(&vo, err, sizeof err);

    if (!dev) {
        diag_error(d, NFV_ESYSTEM, "%s: %s", path, err);
        return NULL;
    }
    if (vhost_dev_connect(dev, (int) (o->connect_timeout * 1000))) {
        diag_error(d, NFV_ESYSTEM, "%s: %s", path, dev->err);
        vhost_dev_destroy(dev);
        return NULL;
    }
    return dev;
}

static int
prepare(const struct common_opts *o, struct diag *d)
{
    hwloc_bitmap_t cpus = xbitmap();
    int status = pin_choose(o->cores, o->plan, o->force, cpus, d);

    if (!status) {
        status = pin_self(cpus, 0, d);
    }
    hwloc_bitmap_free(cpus);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    return status;
}

struct bench_opts {
    struct common_opts c;
    const char *tx, *rx;
    unsigned long size, flows;
    double rate, duration, loss, precision;
    const char *search;
    bool tx_only;
};

static int
bench_parse(int argc, char *argv[], struct bench_opts *o)
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
        COMMON_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    const char *sub = "vhost bench";
    int c, r;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
        r = 0;
        switch (c) {
        case 't': o->tx = optarg; break;
        case 'r': o->rx = optarg; break;
        case 'T': o->tx_only = true; break;
        case 's':
            r = opt_uint(sub, "size", "frame bytes with FCS, 64..1518",
                         PKT_MIN_SIZE, PKT_MAX_SIZE, &o->size);
            break;
        case 'R':
            if (!parse_rate(optarg, &o->rate)) {
                return cli_usage_error(sub, "--rate '%s': packets per "
                                       "second like 500k or 2.5M", optarg);
            }
            break;
        case 'S':
            if (strcmp(optarg, "ndr") && strcmp(optarg, "pdr")) {
                return cli_usage_error(sub, "--search '%s': ndr or pdr",
                                       optarg);
            }
            o->search = optarg;
            break;
        case 'l':
            r = opt_double(sub, "loss", "a percentage 0..100", 0, 100,
                           &o->loss);
            break;
        case 'p':
            r = opt_double(sub, "precision", "a percentage 0.01..50", 0.01,
                           50, &o->precision);
            break;
        case 'd':
            r = opt_double(sub, "duration", "seconds, 0.01..86400", 0.01,
                           86400, &o->duration);
            break;
        case 'f':
            r = opt_uint(sub, "flows", "1..65535", 1, 65535, &o->flows);
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
    return 0;
}

static json_t *
search_json(const struct bench_cfg *cfg, const struct bench_opts *o,
            const struct bench_search *s)
{
    json_t *trials = json_array();
    json_t *root;

    for (int i = 0; i < s->n_trials; i++) {
        json_array_append_new(trials, bench_trial_json(cfg, &s->trials[i]));
    }
    root = json_pack("{s:s, s:i, s:f, s:f, s:f, s:i, s:f, s:o}",
                     "search", o->search, "frame_size", (int) o->size,
                     "trial_duration_s", o->duration,
                     "loss_threshold_pct", s->loss_pct,
                     "precision_pct", s->precision_pct,
                     "trials_run", s->n_trials, "total_s", s->total_s,
                     "trials", trials);
    json_object_set_new(root, "result", s->best < 0 ? json_null()
                        : bench_trial_json(cfg, &s->trials[s->best]));
    return root;
}

static int
bench_report(const struct bench_cfg *cfg, const struct bench_opts *o,
             const struct bench_trial *t, const struct bench_search *s,
             uint64_t warmup)
{
    if (o->c.json) {
        json_t *j = s ? search_json(cfg, o, s) : bench_trial_json(cfg, t);

        if (!s) {
            json_object_set_new(j, "frame_size", json_integer(o->size));
        }
        json_object_set_new(j, "warmup_frames", json_integer(warmup));
        json_object_set_new(j, "tx_only", json_boolean(o->tx_only));
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        printf("\n");
        json_decref(j);
        return 0;
    }
    if (s) {
        if (s->best < 0) {
            printf("%s: no rate passed (loss <= %g %%) in %d trials, "
                   "%.1f s\n", o->search, s->loss_pct, s->n_trials,
                   s->total_s);
            return 0;
        }
        t = &s->trials[s->best];
        printf("%s (loss <= %g %%): %.3f Mpps, %.3f Gbit/s (L1 %.3f) at "
               "%lu-byte frames; %d trials in %.1f s\n",
               !strcmp(o->search, "ndr") ? "NDR" : "PDR", s->loss_pct,
               t->tx_pps / 1e6, t->gbps_l2, t->gbps_l1, o->size,
               s->n_trials, s->total_s);
    }
    bench_print_summary(stdout, cfg, t);
    return 0;
}

static int
cmd_vhost_bench(int argc, char *argv[])
{
    struct bench_opts o = {
        .c = { .connect_timeout = 10, .ring_size = 1024 },
        .size = 64, .flows = 1,
    };
    struct vhost_dev *tx = NULL, *rx = NULL;
    struct bench_search *s = NULL;
    struct bench_trial t;
    uint64_t warmup = 0;
    struct diag d;
    char err[256];
    int status = bench_parse(argc, argv, &o);

    if (status) {
        return status < 0 ? 0 : status;
    }
    if (!o.duration) {
        o.duration = o.search ? 2 : 10;
    }
    diag_init(&d);
    if (prepare(&o.c, &d)
        || !(tx = open_dev(o.tx, &o.c, &d))
        || (strcmp(o.tx, o.rx) ? !(rx = open_dev(o.rx, &o.c, &d))
                               : !(rx = tx))) {
        goto out;
    }
    {
        struct bench_cfg cfg = {
            .tx = tx, .rx = rx, .frame_size = o.size, .flows = o.flows,
            .duration = o.duration, .drain = 0.2, .burst = 32,
            .progress = stderr, .tx_only = o.tx_only,
        };

        if (bench_warmup(&cfg, o.c.connect_timeout, &warmup, err,
                         sizeof err)) {
            diag_error(&d, NFV_ESYSTEM, "%s", err);
            goto out;
        }
        if (o.search) {
            s = xcalloc(1, sizeof *s);
            s->loss_pct = o.loss ? o.loss
                          : !strcmp(o.search, "ndr") ? 0.001 : 0.1;
            s->precision_pct = o.precision ? o.precision : 0.5;
            if (bench_search(&cfg, s, err, sizeof err)) {
                diag_error(&d, NFV_ESYSTEM, "%s", err);
                goto out;
            }
        } else if (bench_trial(&cfg, o.rate, &t, err, sizeof err)) {
            diag_error(&d, NFV_ESYSTEM, "%s", err);
            goto out;
        }
        bench_report(&cfg, &o, &t, s, warmup);
        vhost_dev_stop(tx);
        if (rx != tx) {
            vhost_dev_stop(rx);
        }
    }
out:
    free(s);
    if (rx != tx) {
        vhost_dev_destroy(rx);
    }
    vhost_dev_destroy(tx);
    status = cli_report(&d);
    diag_destroy(&d);
    return status;
}

static int
cmd_vhost_loop(int argc, char *argv[])
{
    static const struct option longopts[] = {
        { "socket", required_argument, NULL, 's' },
        DURATION_LONGOPT,
        { "tx-first", required_argument, NULL, 'F' },
        COMMON_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    unsigned long tx_first = 0;
    struct common_opts co = { .connect_timeout = 10, .ring_size = 1024 };
    const char *paths[2] = { NULL, NULL };
    struct vhost_dev *a = NULL, *b = NULL;
    struct loop_stats st;
    int n_paths = 0, c, r;
    struct diag d;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (n_paths == 2) {
                return cli_usage_error("vhost loop", "--socket given more "
                                       "than twice");
            }
            paths[n_paths++] = optarg;
            break;
        case 'F':
            if ((r = opt_uint("vhost loop", "tx-first", "frames, 0..32768", 0,
                              32768, &tx_first))) {
                return r;
            }
            break;
        case 'h': loop_usage(); return 0;
        default:
            if ((r = common_opt("vhost loop", c, &co, argv))) {
                return r;
            }
        }
    }
    if ((r = extra_args("vhost loop", argc, argv))) {
        return r;
    }
    if (n_paths != 2 || !strcmp(paths[0], paths[1])) {
        return cli_usage_error("vhost loop", "give two different --socket "
                               "paths");
    }
    diag_init(&d);
    if (!prepare(&co, &d) && (a = open_dev(paths[0], &co, &d))
        && (b = open_dev(paths[1], &co, &d))) {
        struct loop_cfg cfg = { .a = a, .b = b, .duration = co.duration,
                                .burst = 32, .stop = &stop_requested,
                                .tx_first = tx_first };
        double mpps;

        if (!co.json) {
            fprintf(stderr, "nfvhost vhost loop: forwarding between %s and "
                    "%s\n", paths[0], paths[1]);
        }
        loop_run(&cfg, &st);
        vhost_dev_stop(a);
        vhost_dev_stop(b);
        mpps = (st.elapsed > 0
                ? (st.fwd[0] + st.fwd[1]) / st.elapsed / 1e6 : 0.0);
        if (co.json) {
            json_t *j = json_pack(
                "{s:f, s:{s:I, s:I}, s:{s:I, s:I}, s:i, s:f}",
                "duration_s", st.elapsed,
                "forwarded", "a_to_b", (json_int_t) st.fwd[0],
                "b_to_a", (json_int_t) st.fwd[1],
                "dropped", "a_to_b", (json_int_t) st.dropped[0],
                "b_to_a", (json_int_t) st.dropped[1],
                "reconnects", (int) st.reconnects,
                "mpps", mpps);
            json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
            printf("\n");
            json_decref(j);
        } else {
            printf("forwarded %llu a->b, %llu b->a (%.3f Mpps) in %.1f s; "
                   "dropped %llu, %llu; reconnects %u\n",
                   (unsigned long long) st.fwd[0],
                   (unsigned long long) st.fwd[1], mpps, st.elapsed,
                   (unsigned long long) st.dropped[0],
                   (unsigned long long) st.dropped[1], st.reconnects);
        }
    }
    vhost_dev_destroy(a);
    vhost_dev_destroy(b);
    r = cli_report(&d);
    diag_destroy(&d);
    return r;
}

static int
cmd_vhost_tap(int argc, char *argv[])
{
    static const struct option longopts[] = {
        { "socket", required_argument, NULL, 's' },
        { "netns", required_argument, NULL, 'n' },
        { "name", required_argument, NULL, 'N' },
        DURATION_LONGOPT,
        COMMON_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    struct common_opts co = { .connect_timeout = 10, .ring_size = 256 };
    const char *path = NULL, *netns = NULL, *name = NULL;
    struct vhost_dev *dev = NULL;
    struct tap_stats st;
    char ifname[32];
    struct diag d;
    int c, r, fd = -1;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
        switch (c) {
        case 's': path = optarg; break;
        case 'n': netns = optarg; break;
        case 'N': name = optarg; break;
        case 'h': tap_usage(); return 0;
        default:
            if ((r = common_opt("vhost tap", c, &co, argv))) {
                return r;
            }
        }
    }
    if ((r = extra_args("vhost tap", argc, argv))) {
        return r;
    }
    if (!path) {
        return cli_usage_error("vhost tap", "--socket is required");
    }
    if (co.queues > 1) {
        return cli_usage_error("vhost tap", "--queues: the TAP bridge "
                               "serves one queue pair");
    }
    diag_init(&d);
    if (!prepare(&co, &d)
        && (fd = tap_open(netns, name, ifname, sizeof ifname, &d)) >= 0
        && (dev = open_dev(path, &co, &d))) {
        fprintf(stderr, "nfvhost vhost tap: %s <-> %s%s%s\n", path, ifname,
                netns ? " in " : "", netns ? netns : "");
        tap_run(dev, fd, co.duration, &stop_requested, &st);
        vhost_dev_stop(dev);
        if (co.json) {
            json_t *j = json_pack("{s:s, s:f, s:I, s:I, s:I, s:i}",
                                  "tap", ifname, "duration_s", st.elapsed,
                                  "to_tap", (json_int_t) st.to_tap,
                                  "from_tap", (json_int_t) st.from_tap,
                                  "dropped", (json_int_t) st.dropped,
                                  "reconnects", (int) st.reconnects);
            json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
            printf("\n");
            json_decref(j);
        } else {
            printf("%s: %llu frames to the TAP, %llu from it, %llu dropped, "
                   "%u reconnects in %.1f s\n", ifname,
                   (unsigned long long) st.to_tap,
                   (unsigned long long) st.from_tap,
                   (unsigned long long) st.dropped, st.reconnects,
                   st.elapsed);
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    vhost_dev_destroy(dev);
    r = cli_report(&d);
    diag_destroy(&d);
    return r;
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
