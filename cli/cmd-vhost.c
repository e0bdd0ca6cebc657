/* cmd-vhost.c: 'nfvhost vhost bench|loop|tap', the front of vhost/: it
 * parses the flags into vhost/run.h's options and calls the tool; the
 * defaults, the runs and the reports are vhost/'s. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "lib/diag.h"
#include "lib/parse.h"
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
           "  --cycles            count the TSC cycles of busy bursts: the "
           "cycles per frame\n"
           "                      (as testpmd's --record-core-cycles; "
           "costs a TSC read a poll)\n"
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

/* "2.5M", "500k", "1000", "2kpps" packets per second. */
static bool
parse_rate(const char *s, double *pps)
{
    size_t len = strlen(s);
    double scale = 1;
    char num[64];

    if (len > 3 && !strcmp(s + len - 3, "pps")) {
        len -= 3;
    }
    if (len > 1 && strchr("kKmMgG", s[len - 1])) {
        scale = strchr("kK", s[len - 1]) ? 1e3
                : strchr("mM", s[len - 1]) ? 1e6 : 1e9;
        len--;
    }
    if (len >= sizeof num) {
        return false;
    }
    memcpy(num, s, len);
    num[len] = '\0';
    if (!parse_double(num, 0, 1e12, pps) || !(*pps > 0)) {
        return false;
    }
    *pps *= scale;
    return true;
}

enum {
    /* Every tool's. */
    OPT_SERVER = 256, OPT_CORES, OPT_PLAN, OPT_FORCE, OPT_JSON,
    OPT_CONNECT_TIMEOUT, OPT_RING_SIZE, OPT_RING_LAYOUT, OPT_HUGEPAGES,
    OPT_QUEUES, OPT_DURATION, OPT_HELP,
    /* bench */
    OPT_TX, OPT_RX, OPT_TX_ONLY, OPT_SIZE, OPT_RATE, OPT_SEARCH, OPT_LOSS,
    OPT_PRECISION, OPT_FLOWS, OPT_SLEEP_IDLE,
    /* loop, tap */
    OPT_SOCKET, OPT_TX_FIRST, OPT_BURST, OPT_ZERO_COPY, OPT_COPY, OPT_CYCLES,
    OPT_NETNS, OPT_NAME,
};

#define COMMON_OPTS \
    { "server", false, OPT_SERVER, 0 }, \
    { "cores", true, OPT_CORES, 0 }, \
    { "plan", true, OPT_PLAN, 0 }, \
    { "force", false, OPT_FORCE, 0 }, \
    { "json", false, OPT_JSON, 0 }, \
    { "connect-timeout", true, OPT_CONNECT_TIMEOUT, 0 }, \
    { "ring-size", true, OPT_RING_SIZE, 0 }, \
    { "ring-layout", true, OPT_RING_LAYOUT, 0 }, \
    { "hugepages", true, OPT_HUGEPAGES, 0 }, \
    { "queues", true, OPT_QUEUES, 0 }, \
    { "duration", true, OPT_DURATION, 0 }, \
    { "help", false, OPT_HELP, 'h' }

/* What a parse callback needs: the subcommand's name and its options. */
struct parse_ctx {
    const char *sub;            /* "vhost bench"... */
    struct vhost_tool_opts *c;
    double min_duration;        /* 0 for loop and tap: "until a signal". */
    void *tool;                 /* The tool's own options. */
    int n_paths;                /* loop: --socket given so far. */
    bool zero_copy, copy;       /* loop */
};

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

/* A number option: 0, or 2 after "nfvhost SUB: --FLAG VALUE: expected
 * WHAT". */
static int
opt_double(const struct parse_ctx *p, const char *flag, const char *arg,
           double min, double max, const char *what, double *v)
{
    return parse_double(arg, min, max, v) ? 0
           : cli_usage_error(p->sub, "--%s %s: expected %s", flag, arg,
                             what);
}

static int
opt_int(const struct parse_ctx *p, const char *flag, const char *arg,
        int min, int max, int *v)
{
    char name[32];

    snprintf(name, sizeof name, "--%s", flag);
    return cli_opt_int(p->sub, name, arg, min, max, v) ? 0 : NFV_EINPUT;
}

/* An option every tool takes: 0, or 2 after a usage error; 1 if 'id' is
 * not one of them. */
static int
common_opt(struct parse_ctx *p, int id, const char *arg)
{
    static const char *const pages[] = { "auto", "yes", "no", NULL };
    static const char *const layouts[] = { "auto", "split", "packed", NULL };
    struct vhost_tool_opts *c = p->c;
    int n, r;

    switch (id) {
    case OPT_SERVER: c->server = true; return 0;
    case OPT_CORES: c->cores = arg; return 0;
    case OPT_PLAN: c->plan = arg; return 0;
    case OPT_FORCE: c->force = true; return 0;
    case OPT_JSON: c->json = true; return 0;
    case OPT_CONNECT_TIMEOUT:
        return opt_double(p, "connect-timeout", arg, 0, 3600,
                          "seconds, 0-3600", &c->connect_timeout);
    case OPT_DURATION:
        return opt_double(p, "duration", arg, p->min_duration, 86400,
                          p->min_duration ? "seconds, 0.01-86400"
                                          : "seconds, 0-86400",
                          &c->duration);
    case OPT_RING_SIZE:
        if (!parse_int(arg, 1, 32768, &n) || (n & (n - 1))) {
            return cli_usage_error(p->sub, "--ring-size %s: expected a "
                                   "power of two up to 32768", arg);
        }
        c->ring_size = n;
        return 0;
    case OPT_QUEUES:
        if ((r = opt_int(p, "queues", arg, 1, 64, &n))) {
            return r;
        }
        c->queues = n;
        return 0;
    case OPT_HUGEPAGES:
        /* In enum vmem_pages order: auto, huge, 4K. */
        if ((n = keyword(arg, pages)) < 0) {
            return cli_usage_error(p->sub, "--hugepages %s: expected yes, "
                                   "no or auto", arg);
        }
        c->pages = n == 0 ? VMEM_PAGES_AUTO : n == 1 ? VMEM_PAGES_HUGE
                                                     : VMEM_PAGES_4K;
        return 0;
    case OPT_RING_LAYOUT:
        if ((n = keyword(arg, layouts)) < 0) {
            return cli_usage_error(p->sub, "--ring-layout %s: expected auto, "
                                   "split or packed", arg);
        }
        c->layout = n == 0 ? VHOST_RING_AUTO : n == 1 ? VHOST_RING_SPLIT
                                                      : VHOST_RING_PACKED;
        return 0;
    default:
        return 1;
    }
}

/* The operands left after the options: none is wanted. */
static int
no_operands(const char *sub, int error, char **operands, int n)
{
    if (error) {
        return error;
    }
    return n ? cli_usage_error(sub, "unexpected argument '%s'", operands[0])
             : 0;
}

static const struct cli_opt bench_options[] = {
    { "tx", true, OPT_TX, 0 },
    { "rx", true, OPT_RX, 0 },
    { "tx-only", false, OPT_TX_ONLY, 0 },
    { "size", true, OPT_SIZE, 0 },
    { "rate", true, OPT_RATE, 0 },
    { "search", true, OPT_SEARCH, 0 },
    { "loss", true, OPT_LOSS, 0 },
    { "precision", true, OPT_PRECISION, 0 },
    { "flows", true, OPT_FLOWS, 0 },
    { "sleep-idle", false, OPT_SLEEP_IDLE, 0 },
    COMMON_OPTS,
    { NULL, false, 0, 0 },
};

/* 0, -1 after --help, or 2 after a usage error. */
static int
bench_one(int id, const char *arg, void *p_)
{
    static const char *const kinds[] = { "ndr", "pdr", NULL };
    struct parse_ctx *p = p_;
    struct vhost_bench_opts *o = p->tool;
    int n, r;

    switch (id) {
    case OPT_TX: o->tx = arg; return 0;
    case OPT_RX: o->rx = arg; return 0;
    case OPT_TX_ONLY: o->tx_only = true; return 0;
    case OPT_SLEEP_IDLE: o->sleep_idle = true; return 0;
    case OPT_SIZE:
        if ((r = opt_int(p, "size", arg, PKT_MIN_SIZE, PKT_MAX_SIZE, &n))) {
            return r;
        }
        o->frame_size = n;
        return 0;
    case OPT_RATE:
        return parse_rate(arg, &o->rate) ? 0
               : cli_usage_error(p->sub, "--rate %s: expected packets per "
                                 "second like 500k or 2.5M", arg);
    case OPT_SEARCH:
        /* In enum bench_search_kind order. */
        if ((n = keyword(arg, kinds)) < 0) {
            return cli_usage_error(p->sub, "--search %s: expected ndr or "
                                   "pdr", arg);
        }
        o->search = true;
        o->kind = n == 0 ? BENCH_NDR : BENCH_PDR;
        return 0;
    case OPT_LOSS:
        return opt_double(p, "loss", arg, 0, 100, "a percentage, 0-100",
                          &o->loss_pct);
    case OPT_PRECISION:
        return opt_double(p, "precision", arg, 0.01, 50,
                          "a percentage, 0.01-50", &o->precision_pct);
    case OPT_FLOWS:
        if ((r = opt_int(p, "flows", arg, 1, 65535, &n))) {
            return r;
        }
        o->flows = n;
        return 0;
    case OPT_HELP: bench_usage(); return -1;
    default:
        return common_opt(p, id, arg);
    }
}

/* Parses 'vhost bench' flags into 'o'.  Returns 0, -1 after --help, or a
 * usage error's status. */
static int
bench_parse(int argc, char *argv[], struct vhost_bench_opts *o)
{
    struct parse_ctx p = { .sub = "vhost bench", .c = &o->c, .tool = o,
                           .min_duration = 0.01 };
    char **operands;
    int n, r = cli_opts_parse(p.sub, argc, argv, 1, bench_options,
                              bench_one, &p, &operands, &n);

    if ((r = no_operands(p.sub, r, operands, n))) {
        return r;
    }
    if (o->tx_only && o->rx) {
        return cli_usage_error(p.sub, "--tx-only takes no --rx");
    }
    if (o->tx_only && o->search) {
        return cli_usage_error(p.sub, "--search needs frames back: not "
                               "with --tx-only");
    }
    if (o->tx_only) {
        o->rx = o->tx;
    }
    if (!o->tx || !o->rx) {
        return cli_usage_error(p.sub, "--tx and --rx are required");
    }
    if (o->search && o->rate > 0) {
        return cli_usage_error(p.sub, "--rate and --search exclude each "
                               "other");
    }
    if (o->sleep_idle && !(o->rate > 0)) {
        return cli_usage_error(p.sub, "--sleep-idle needs --rate (it sleeps "
                               "until the next burst is due)");
    }
    return 0;
}

static const struct cli_opt loop_options[] = {
    { "socket", true, OPT_SOCKET, 0 },
    { "tx-first", true, OPT_TX_FIRST, 0 },
    { "burst", true, OPT_BURST, 0 },
    { "zero-copy", false, OPT_ZERO_COPY, 0 },
    { "copy", false, OPT_COPY, 0 },
    { "cycles", false, OPT_CYCLES, 0 },
    COMMON_OPTS,
    { NULL, false, 0, 0 },
};

static int
loop_one(int id, const char *arg, void *p_)
{
    struct parse_ctx *p = p_;
    struct vhost_loop_opts *o = p->tool;
    int n, r;

    switch (id) {
    case OPT_SOCKET:
        if (p->n_paths == 2) {
            return cli_usage_error(p->sub, "--socket given more than twice");
        }
        o->paths[p->n_paths++] = arg;
        return 0;
    case OPT_TX_FIRST:
        if ((r = opt_int(p, "tx-first", arg, 0, 32768, &n))) {
            return r;
        }
        o->tx_first = n;
        return 0;
    case OPT_BURST:
        if ((r = opt_int(p, "burst", arg, 1, 64, &n))) {
            return r;
        }
        o->burst = n;
        return 0;
    case OPT_ZERO_COPY: p->zero_copy = true; return 0;
    case OPT_COPY: p->copy = true; return 0;
    case OPT_CYCLES: o->cycles = true; return 0;
    case OPT_HELP: loop_usage(); return -1;
    default:
        return common_opt(p, id, arg);
    }
}

/* Parses 'vhost loop' flags into 'o'.  Returns 0, -1 after --help, or a
 * usage error's status. */
static int
loop_parse(int argc, char *argv[], struct vhost_loop_opts *o)
{
    struct parse_ctx p = { .sub = "vhost loop", .c = &o->c, .tool = o };
    char **operands;
    int n, r = cli_opts_parse(p.sub, argc, argv, 1, loop_options, loop_one,
                              &p, &operands, &n);

    if ((r = no_operands(p.sub, r, operands, n))) {
        return r;
    }
    if (p.n_paths != 2 || !strcmp(o->paths[0], o->paths[1])) {
        return cli_usage_error(p.sub, "give two different --socket paths");
    }
    if (p.zero_copy && p.copy) {
        return cli_usage_error(p.sub, "--zero-copy and --copy exclude each "
                               "other");
    }
    o->copy = p.zero_copy ? LOOP_ZERO_COPY : p.copy ? LOOP_COPY
                                                    : LOOP_ZERO_COPY_AUTO;
    return 0;
}

static const struct cli_opt tap_options[] = {
    { "socket", true, OPT_SOCKET, 0 },
    { "netns", true, OPT_NETNS, 0 },
    { "name", true, OPT_NAME, 0 },
    COMMON_OPTS,
    { NULL, false, 0, 0 },
};

static int
tap_one(int id, const char *arg, void *p_)
{
    struct parse_ctx *p = p_;
    struct vhost_tap_opts *o = p->tool;

    switch (id) {
    case OPT_SOCKET: o->path = arg; return 0;
    case OPT_NETNS: o->netns = arg; return 0;
    case OPT_NAME: o->name = arg; return 0;
    case OPT_HELP: tap_usage(); return -1;
    default:
        return common_opt(p, id, arg);
    }
}

/* Parses 'vhost tap' flags into 'o'.  Returns 0, -1 after --help, or a
 * usage error's status. */
static int
tap_parse(int argc, char *argv[], struct vhost_tap_opts *o)
{
    struct parse_ctx p = { .sub = "vhost tap", .c = &o->c, .tool = o };
    char **operands;
    int n, r = cli_opts_parse(p.sub, argc, argv, 1, tap_options, tap_one,
                              &p, &operands, &n);

    if ((r = no_operands(p.sub, r, operands, n))) {
        return r;
    }
    if (!o->path) {
        return cli_usage_error(p.sub, "--socket is required");
    }
    if (o->c.queues > 1) {
        return cli_usage_error(p.sub, "--queues: the TAP bridge serves one "
                               "queue pair");
    }
    return 0;
}

/* Runs one tool: parse, run, report; the exit status. */
static int
run_tool(int status, int (*run)(const void *, struct diag *),
         const void *opts)
{
    struct diag d;

    if (status) {
        return status < 0 ? 0 : status;
    }
    diag_init(&d);
    run(opts, &d);
    status = cli_report(&d);
    diag_destroy(&d);
    return status;
}

static int
run_bench(const void *o, struct diag *d)
{
    return vhost_bench_run(o, d);
}

static int
run_loop(const void *o, struct diag *d)
{
    return vhost_loop_run(o, d);
}

static int
run_tap(const void *o, struct diag *d)
{
    return vhost_tap_run(o, d);
}

static int
cmd_vhost_bench(int argc, char *argv[])
{
    struct vhost_bench_opts o;

    vhost_bench_opts_init(&o);
    return run_tool(bench_parse(argc, argv, &o), run_bench, &o);
}

static int
cmd_vhost_loop(int argc, char *argv[])
{
    struct vhost_loop_opts o;

    vhost_loop_opts_init(&o);
    return run_tool(loop_parse(argc, argv, &o), run_loop, &o);
}

static int
cmd_vhost_tap(int argc, char *argv[])
{
    struct vhost_tap_opts o;

    vhost_tap_opts_init(&o);
    return run_tool(tap_parse(argc, argv, &o), run_tap, &o);
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
