/* loss.c: where packets are lost, from two readings of OVS's counters.
 *
 * A snapshot holds, from ovs-vswitchd's control socket,
 *   - dpctl/show -s: each datapath port's packets, drops and errors, read
 *     live from the device (vhost tx drops, NIC rx drops);
 *   - dpif-netdev/pmd-stats-show: each PMD's idle and processing cycles,
 *     upcalls and failed (lost) upcalls;
 *   - coverage/show: datapath_drop_* and drop_action_* events;
 * from ovsdb-server the Interface table (link state, the vhost status,
 * and the statistics column with OVS's own drop counters: ovs_tx_failure_
 * drops, ovs_tx_mtu_exceeded_drops, ovs_tx_qos_drops, ovs_rx_qos_drops,
 * and the NIC's rx_missed_errors (imissed) and rx_mbuf_allocation_errors
 * (rx_nombuf)); and every task's CPU time (proc.h).
 *
 * The differences between two snapshots name each drop:
 *   - tx drops on a vhost-user port that has a front-end and are not MTU
 *     or QoS drops are ring-full drops (netdev_dpdk_vhost_send() counts
 *     exactly these three in tx_dropped): the guest is not draining its
 *     ring.  The front-end is found (the plan's VM, or the process that
 *     serves the socket) and what keeps it from running is named: it is
 *     stopped, or another busy thread shares its CPU;
 *   - rx drops on a NIC are imissed (the NIC's ring overflowed: too few
 *     rx queues or a busy PMD), rx_nombuf (no mbufs) or QoS;
 *   - a PMD whose processing cycles exceed STATUS_BUSY_PCT of its cycles
 *     has no headroom;
 *   - another thread that used a PMD's CPU took time from the PMD;
 *   - failed upcalls and datapath drop events are named with their
 *     meaning.
 * OVS writes Interface.statistics only every 5 s, while dpctl reads the
 * devices live: when a window saw drops but no new statistics, the
 * second reading of the database waits for the next update (at most
 * LOSS_STATS_WAIT_S), so the breakdown covers the drops. */
#include <config.h>

#include "check/loss.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check/context.h"
#include "check/ovs-conn.h"
#include "check/proc.h"
#include "lib/parse.h"
#include "lib/plan-file.h"
#include "lib/sysfs.h"
#include "lib/util.h"
#include "ovs-ext/jsonrpc.h"
#include "ovs-ext/ovsdb.h"
#include "ovs-ext/status.h"
#include "ovs-ext/unixctl.h"

/* OVS refreshes Interface.statistics every 5 s (stats-update-interval). */
#define LOSS_STATS_WAIT_S 5.5
/* A thread that used this much of a PMD's CPU in the window is named. */
#define LOSS_PREEMPT_PCT 2.0

struct loss_snap {
    double t;
    bool ok;                    /* Counters read. */
    char *why;                  /* Why not, when !ok. */
    json_t *ports;              /* {name: {rx_packets, rx_dropped, ...}} */
    json_int_t dp_lost;         /* dpctl "lookups: ... lost:". */
    json_t *pmds;               /* pmd-stats-show, as ovs-ext parses it. */
    json_t *rxqs;               /* pmd-rxq-show, the same way. */
    json_t *coverage;           /* {event: total}. */
    json_t *ifaces;             /* {name: Interface row, plain columns}. */
    struct proc_table procs;
};

struct loss_state {
    struct loss_snap a;
    bool wait_stats;
};

static void
snap_destroy(struct loss_snap *s)
{
    free(s->why);
    json_decref(s->ports);
    json_decref(s->pmds);
    json_decref(s->rxqs);
    json_decref(s->coverage);
    json_decref(s->ifaces);
    proc_table_destroy(&s->procs);
    memset(s, 0, sizeof *s);
}

/* "RX packets:1 errors:0 dropped:0 overruns:0 frame:0": each "key:N" as
 * "rx_key" (or "tx_key"); "?" (not available) is left out. */
static void
parse_counters(const char *line, const char *dir, json_t *port)
{
    char *copy = xstrdup(line), *save = NULL;

    for (char *w = strtok_r(copy, " ", &save); w;
         w = strtok_r(NULL, " ", &save)) {
        char *colon = strchr(w, ':');
        uint64_t v;
        if (colon && parse_uint64(colon + 1, INT64_MAX, &v)) {
            char *key;
            *colon = '\0';
            key = xasprintf("%s_%s", dir, w);
            json_object_set_new(port, key, json_integer(v));
            free(key);
        }
    }
    free(copy);
}

/* dpctl/show -s (lib/dpctl.c show_dpif()). */
static void
parse_dpctl(const char *text, struct loss_snap *s)
{
    char *copy = xstrdup(text), *save = NULL;
    json_t *port = NULL;

    s->ports = json_object();
    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char name[256];
        long long hit, missed, lost;
        int no;

        if (sscanf(line, " lookups: hit:%lld missed:%lld lost:%lld", &hit,
                   &missed, &lost) == 3) {
            s->dp_lost += lost;
        } else if (strstr(line, "port ")
                   && sscanf(strstr(line, "port "), "port %d: %255[^ (]",
                             &no, name) == 2) {
            /* A port whose stats cannot be read has its error at the
             * start of the next port's line. */
            port = json_object();
            json_object_set_new(s->ports, name, port);
        } else if (port && strstr(line, "RX packets:")) {
            parse_counters(strstr(line, "packets:"), "rx", port);
        } else if (port && strstr(line, "TX packets:")) {
            parse_counters(strstr(line, "packets:"), "tx", port);
        }
    }
    free(copy);
}

/* coverage/show: "name   0.0/sec  0.000/sec  0.0000/sec   total: 42". */
static json_t *
parse_coverage(const char *text)
{
    char *copy = xstrdup(text), *save = NULL;
    json_t *c = json_object();

    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        const char *total = strstr(line, "total: ");
        char name[128];
        uint64_t v;
        if (total && sscanf(line, "%127s", name) == 1
            && parse_uint64(total + strlen("total: "), INT64_MAX, &v)) {
            json_object_set_new(c, name, json_integer(v));
        }
    }
    free(copy);
    return c;
}

/* The Interface table, by name, with the columns plain. */
static json_t *
read_ifaces(const char *db, char **why)
{
    static const char *const tables[] = { "Interface", NULL };
    static const char *const cols[] = {
        "type", "status", "statistics", "link_state", "options", "error",
        "ofport",
    };
    struct diag d;
    struct jsonrpc *rpc;
    json_t *dump, *out = NULL;
    const json_t *row;
    size_t i;

    diag_init(&d);
    rpc = jsonrpc_open(db, &d);
    dump = rpc ? ovsdb_dump(rpc, tables, &d) : NULL;
    jsonrpc_close(rpc);
    if (!dump) {
        *why = xstrdup(d.msg);
    } else {
        out = json_object();
        json_array_foreach(json_object_get(dump, "Interface"), i, row) {
            json_t *o = json_object();
            for (size_t k = 0; k < ARRAY_SIZE(cols); k++) {
                json_object_set_new(o, cols[k],
                                    check_ovs_col(row, cols[k]));
            }
            json_object_set(out, json_string_value(json_object_get(
                                row, "name")), o);
            json_decref(o);
        }
    }
    json_decref(dump);
    diag_destroy(&d);
    return out;
}

static bool
take(struct check_ctx *ctx, struct loss_snap *s)
{
    struct check_ovs *ovs = ctx_ovs(ctx);
    static const char *const cmds[] = {
        "dpctl/show -s", "dpif-netdev/pmd-stats-show",
        "dpif-netdev/pmd-rxq-show", "coverage/show",
    };
    char *text[ARRAY_SIZE(cmds)] = { NULL };

    memset(s, 0, sizeof *s);
    s->t = ctx_now();
    proc_table_load(ctx->root, 0, &s->procs);
    if (ovs->db_down || ovs->vswitchd_down) {
        s->why = xstrdup(ovs->db_down ? "ovsdb-server is not running"
                         : "ovs-vswitchd is not running");
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
        /* dpctl/show takes its flag as an argument. */
        if (i == 0) {
            struct diag d;
            const char *arg = "-s";
            diag_init(&d);
            text[i] = unixctl_command(ovs->ctl, "dpctl/show", 1, &arg, &d);
            if (!text[i]) {
                s->why = xasprintf("ovs-appctl dpctl/show -s: %s", d.msg);
            }
            diag_destroy(&d);
        } else {
            text[i] = check_ovs_appctl(ovs, cmds[i], &s->why);
        }
        if (!text[i]) {
            goto out;
        }
    }
    if (!(s->ifaces = read_ifaces(ovs->db, &s->why))) {
        goto out;
    }
    parse_dpctl(text[0], s);
    s->pmds = json_array();
    status_parse_stats_show(text[1], s->pmds);
    s->rxqs = json_array();
    status_parse_rxq_show(text[2], s->rxqs);
    s->coverage = parse_coverage(text[3]);
    s->ok = true;
out:
    for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
        free(text[i]);
    }
    return s->ok;
}

struct loss_state *
loss_begin(struct check_ctx *ctx, bool wait_stats)
{
    struct loss_state *st = xcalloc(1, sizeof *st);

    st->wait_stats = wait_stats;
    take(ctx, &st->a);
    return st;
}

void
loss_end(struct loss_state *st)
{
    if (st) {
        snap_destroy(&st->a);
        free(st);
    }
}

/* B's counter minus A's; 0 when either is missing or it went back (the
 * device was re-created). */
static json_int_t
delta(const json_t *a, const json_t *b, const char *key)
{
    const json_t *x = json_object_get(a, key), *y = json_object_get(b, key);

    if (!json_is_integer(x) || !json_is_integer(y)
        || json_integer_value(y) < json_integer_value(x)) {
        return 0;
    }
    return json_integer_value(y) - json_integer_value(x);
}

static json_int_t
stat_delta(const struct loss_snap *a, const struct loss_snap *b,
           const char *iface, const char *key)
{
    return delta(json_object_get(json_object_get(a->ifaces, iface),
                                 "statistics"),
                 json_object_get(json_object_get(b->ifaces, iface),
                                 "statistics"), key);
}

static const char *
iface_str(const struct loss_snap *s, const char *iface, const char *col,
          const char *key)
{
    const json_t *v = json_object_get(json_object_get(s->ifaces, iface),
                                      col);
    return json_string_value(key ? json_object_get(v, key) : v);
}

static bool
is_vhost(const struct loss_snap *s, const char *iface)
{
    const char *t = iface_str(s, iface, "type", NULL);

    return t && !strncmp(t, "dpdkvhostuser", 13);
}

static bool
is_dpdk_phy(const struct loss_snap *s, const char *iface)
{
    const char *t = iface_str(s, iface, "type", NULL);

    return t && !strcmp(t, "dpdk");
}

/* The statistics of every interface with drops in the window, read again
 * until OVS has written them since snapshot 'a' (or the wait ends), so
 * the database's breakdown covers the drops dpctl counted. */
static void
refresh_stats(struct check_ctx *ctx, const struct loss_snap *a,
              struct loss_snap *b, const char *const *names, size_t n)
{
    double until = ctx_now() + LOSS_STATS_WAIT_S;

    for (;;) {
        bool fresh = true;
        for (size_t i = 0; i < n; i++) {
            const json_t *sa = json_object_get(json_object_get(
                                                   a->ifaces, names[i]),
                                               "statistics");
            const json_t *sb = json_object_get(json_object_get(
                                                   b->ifaces, names[i]),
                                               "statistics");
            if (json_equal(sa, sb)) {
                fresh = false;
            }
        }
        if (fresh || ctx_now() > until) {
            return;
        }
        struct timespec ts = { 0, 250 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        char *why = NULL;
        json_t *again = read_ifaces(ctx_ovs(ctx)->db, &why);
        free(why);
        if (again) {
            json_decref(b->ifaces);
            b->ifaces = again;
        }
    }
}

/* The process with a unix socket bound to 'path' open: the front-end
 * serving a vhost-user socket (QEMU, or 'nfvhost vhost loop').  0 if
 * none is found. */
static int
socket_owner(struct check_ctx *ctx, const char *path)
{
    char *table = ctx_read(ctx, "/proc/net/unix");
    char *save = NULL;
    unsigned long inodes[64];
    size_t n = 0;
    int owner = 0;

    for (char *line = table ? strtok_r(table, "\n", &save) : NULL;
         line && n < ARRAY_SIZE(inodes); line = strtok_r(NULL, "\n", &save)) {
        char p[512];
        unsigned long inode;
        if (sscanf(line, "%*s %*s %*s %*s %*s %*s %lu %511s", &inode, p) == 2
            && !strcmp(p, path)) {
            inodes[n++] = inode;
        }
    }
    free(table);
    if (!n) {
        return 0;
    }
    char *procdir = ctx_path(ctx, "/proc");
    DIR *d = opendir(procdir);
    struct dirent *e;

    while (d && !owner && (e = readdir(d))) {
        if (!isdigit((unsigned char) e->d_name[0])) {
            continue;
        }
        char *fddir = xasprintf("%s/%s/fd", procdir, e->d_name);
        DIR *fds = opendir(fddir);
        struct dirent *f;
        while (fds && !owner && (f = readdir(fds))) {
            char *link = xasprintf("%s/%s", fddir, f->d_name);
            char target[64];
            ssize_t len = readlink(link, target, sizeof target - 1);
            unsigned long inode;
            if (len > 0) {
                target[len] = '\0';
                if (sscanf(target, "socket:[%lu]", &inode) == 1) {
                    for (size_t i = 0; i < n; i++) {
                        if (inodes[i] == inode
                            && !parse_int(e->d_name, 1, INT_MAX, &owner)) {
                            owner = 0;
                        }
                    }
                }
            }
            free(link);
        }
        if (fds) {
            closedir(fds);
        }
        free(fddir);
    }
    if (d) {
        closedir(d);
    }
    free(procdir);
    return owner;
}

/* Busy threads of other processes on the CPUs of 'cpus': "pid 812
 * (stress) at 97 % of CPU 2" words, or NULL when there are none. */
static const char *
cpu_rivals(struct check_ctx *ctx, const struct loss_snap *a,
           const struct loss_snap *b, hwloc_const_bitmap_t cpus,
           int self_pid)
{
    struct sbuf w;
    const char *out = NULL;

    sbuf_init(&w);
    for (size_t i = 0; i < b->procs.n; i++) {
        const struct proc_task *t = &b->procs.tasks[i];
        double pct;
        if (t->pid == self_pid || t->processor < 0
            || !hwloc_bitmap_isset(cpus, t->processor)) {
            continue;
        }
        pct = proc_task_busy_pct(&a->procs, &b->procs, t);
        if (pct >= LOSS_PREEMPT_PCT) {
            sbuf_printf(&w, "%spid %d (%s) at %.0f %% of CPU %d",
                        w.len ? ", " : "", t->pid,
                        proc_table_comm(&b->procs, t->pid), pct,
                        t->processor);
        }
    }
    if (w.len) {
        out = check_str(ctx->r, "%s", w.s);
    }
    sbuf_destroy(&w);
    return out;
}

/* The plan's VM and NIC whose OVS port is 'port'. */
static const struct plan_file_vm *
vm_of_port(const struct plan_file *p, const char *port, int *nic)
{
    for (size_t v = 0; p && v < p->n_vms; v++) {
        for (size_t k = 0; k < p->vms[v].n_nics; k++) {
            const char *name = p->vms[v].nics[k].port;
            if (name && !strcmp(name, port)) {
                *nic = k;
                return &p->vms[v];
            }
        }
    }
    return NULL;
}

/* Why the front-end of vhost port 'port' does not drain: what is known
 * about the process behind it. */
static const char *
why_not_draining(struct check_ctx *ctx, const struct loss_snap *a,
                 const struct loss_snap *b, const char *port)
{
    const char *path = iface_str(b, port, "options", "vhost-server-path");
    int nic;
    const struct plan_file_vm *vm = vm_of_port(ctx->plan, port, &nic);
    int pid = path ? socket_owner(ctx, path) : 0;
    const struct proc_task *main_task = pid ? proc_table_find(&b->procs, pid)
                                            : NULL;
    hwloc_bitmap_t cpus = xbitmap();
    const char *who, *rivals = NULL, *why;

    who = pid ? check_str(ctx->r, "its front-end (%spid %d, %s)",
                          vm ? check_str(ctx->r, "VM %s in the plan, ",
                                         vm->name) : "",
                          pid, proc_table_comm(&b->procs, pid))
              : vm ? check_str(ctx->r, "its front-end (VM %s in the plan)",
                               vm->name)
              : "no process serving its socket was found";
    if (main_task && main_task->state == 'T') {
        why = check_str(ctx->r, "%s, is stopped (SIGSTOP or a debugger): "
                        "nothing takes packets off the ring", who);
        goto out;
    }
    if (vm) {
        hwloc_bitmap_copy(cpus, vm->cpus);
    } else {
        for (size_t i = 0; i < b->procs.n; i++) {
            const struct proc_task *t = &b->procs.tasks[i];
            if (t->pid == pid && t->processor >= 0) {
                hwloc_bitmap_set(cpus, t->processor);
            }
        }
    }
    rivals = cpu_rivals(ctx, a, b, cpus, pid);
    if (rivals) {
        why = check_str(ctx->r, "%s; its CPUs (%s) are shared with %s",
                        who, ctx_cpus(ctx, cpus), rivals);
    } else {
        why = check_str(ctx->r, "%s; it is not keeping up with the rate "
                        "(too few vCPUs or queues for it, or the guest "
                        "application is slow)", who);
    }
out:
    hwloc_bitmap_free(cpus);
    return why;
}

static const char *
in_window(struct check_ctx *ctx, json_int_t n, double secs)
{
    return check_str(ctx->r, "%lld in %.1f s", (long long) n, secs);
}

static json_int_t
at_most(json_int_t a, json_int_t b)
{
    return a < b ? a : b;
}

/* Drops of one vhost-user port.  dpctl counts the window's drops live;
 * the database's counters, written every 5 s, span a longer time and only
 * say which kind they are.  OVS counts in a vhost port's tx_dropped the
 * packets sent while no front-end is attached, those over the MTU, those
 * its QoS drops and those the ring had no room for (tx failure); in
 * rx_dropped only the QoS ones. */
static void
vhost_drops(struct check_ctx *ctx, const struct loss_snap *a,
            const struct loss_snap *b, const char *port, double secs,
            json_int_t tx_drop, json_int_t rx_drop, int *n_found)
{
    const char *status = iface_str(b, port, "status", "status");
    json_int_t mtu = at_most(stat_delta(a, b, port,
                                        "ovs_tx_mtu_exceeded_drops"),
                             tx_drop);
    json_int_t qos = at_most(stat_delta(a, b, port, "ovs_tx_qos_drops"),
                             tx_drop - mtu);
    json_int_t full = tx_drop - mtu - qos;

    if (tx_drop && status && strcmp(status, "connected")) {
        check_add(ctx->r, CHECK_FAIL, "loss.vhost-down", port,
                  check_str(ctx->r, "packets OVS sends to %s", port),
                  check_str(ctx->r, "%s dropped: no front-end is connected "
                            "to its socket", in_window(ctx, tx_drop, secs)),
                  "a running VM on the socket",
                  "start the VM (QEMU is the socket's server), or check "
                  "that its vhost-user source path is the port's "
                  "options:vhost-server-path");
        (*n_found)++;
        return;
    }
    if (mtu) {
        check_add(ctx->r, CHECK_FAIL, "loss.mtu", port,
                  check_str(ctx->r, "packets too big for %s", port),
                  in_window(ctx, mtu, secs), "0",
                  "give every port on the path the same MTU (the plan's "
                  "settings.mtu): mtu_request on the OVS interfaces, the "
                  "guest's interface MTU");
        (*n_found)++;
    }
    if (qos || rx_drop) {
        check_add(ctx->r, CHECK_FAIL, "loss.qos", port,
                  check_str(ctx->r, "QoS policer drops on %s", port),
                  check_str(ctx->r, "tx %lld, rx %lld in %.1f s",
                            (long long) qos, (long long) rx_drop, secs),
                  "0", "the port's QoS (qos, ingress_policing_rate) is "
                  "below the traffic: raise or remove it");
        (*n_found)++;
    }
    if (full) {
        json_int_t sent = delta(json_object_get(a->ports, port),
                                json_object_get(b->ports, port),
                                "tx_packets");
        check_add(ctx->r, CHECK_FAIL, "loss.guest-not-draining", port,
                  check_str(ctx->r, "guest not draining its ring (vhost tx "
                            "full on %s)", port),
                  check_str(ctx->r, "%s dropped, %lld delivered; %s",
                            in_window(ctx, full, secs), (long long) sent,
                            why_not_draining(ctx, a, b, port)),
                  "0 ring-full drops (ovs_tx_failure_drops)",
                  "let the guest run: its vCPUs pinned alone on guest CPUs "
                  "(the plan's vcpupin), emulator threads off them, rx "
                  "rings of 1024 (rx_queue_size), enough queues; a stopped "
                  "front-end must be continued (kill -CONT) or restarted");
        (*n_found)++;
    }
}

/* The PMDs that poll 'port' and how many rx queues it has. */
static void
port_pmds(const struct loss_snap *b, const char *port, hwloc_bitmap_t pmds,
          int *n_rxq)
{
    const json_t *pmd, *q;
    size_t i, j;

    *n_rxq = 0;
    json_array_foreach(b->rxqs, i, pmd) {
        json_array_foreach(json_object_get(pmd, "rxqs"), j, q) {
            if (!strcmp(json_string_value(json_object_get(q, "port")),
                        port)) {
                (*n_rxq)++;
                hwloc_bitmap_set(pmds, json_integer_value(
                                     json_object_get(pmd, "core")));
            }
        }
    }
}

/* The PMD of 'core' in snapshot 's', or NULL. */
static const json_t *
pmd_of(const struct loss_snap *s, int core)
{
    const json_t *p;
    size_t i;

    json_array_foreach(s->pmds, i, p) {
        if (json_integer_value(json_object_get(p, "core")) == core) {
            return p;
        }
    }
    return NULL;
}

static double
pmd_busy(const struct loss_snap *a, const struct loss_snap *b, int core)
{
    const json_t *pa = pmd_of(a, core), *pb = pmd_of(b, core);
    json_int_t busy = delta(pa, pb, "processing_cycles");
    json_int_t idle = delta(pa, pb, "idle_cycles");

    return busy + idle ? 100.0 * busy / (busy + idle) : 0.0;
}

/* Drops of one NIC (a dpdk interface). */
static void
nic_drops(struct check_ctx *ctx, const struct loss_snap *a,
          const struct loss_snap *b, const char *port, double secs,
          json_int_t rx_drop, json_int_t tx_drop, int *n_found)
{
    json_int_t missed = stat_delta(a, b, port, "rx_missed_errors");
    json_int_t nombuf = stat_delta(a, b, port, "rx_mbuf_allocation_errors");
    json_int_t qos = stat_delta(a, b, port, "ovs_rx_qos_drops");

    if (missed || (rx_drop && !nombuf && !qos)) {
        hwloc_bitmap_t pmds = xbitmap();
        int n_rxq, n_pmd;
        unsigned core;
        const char *cause = NULL;

        port_pmds(b, port, pmds, &n_rxq);
        n_pmd = json_array_size(b->pmds);
        hwloc_bitmap_foreach_begin(core, pmds) {
            double busy = pmd_busy(a, b, core);
            if (!cause && busy > STATUS_BUSY_PCT) {
                cause = check_str(ctx->r, "the PMD on core %u polling it is "
                                  "%.0f %% busy", core, busy);
            }
        } hwloc_bitmap_foreach_end();
        if (!cause && n_rxq < n_pmd) {
            cause = check_str(ctx->r, "the uplink has %d rx queue(s) for %d "
                              "PMDs: options:n_rxq=%d spreads it", n_rxq,
                              n_pmd, n_pmd);
        }
        check_add(ctx->r, CHECK_FAIL, "loss.nic-imissed", port,
                  check_str(ctx->r, "NIC imissed on %s (its rx ring "
                            "overflowed before a PMD polled it)", port),
                  check_str(ctx->r, "%s%s%s", in_window(ctx, missed
                                                        ? missed : rx_drop,
                                                        secs),
                            cause ? "; " : "", cause ? cause : ""),
                  "0", "more rx queues (options:n_rxq) spread over the "
                  "node's PMDs, a larger ring (options:n_rxq_desc=4096), "
                  "or another PMD core");
        hwloc_bitmap_free(pmds);
        (*n_found)++;
    }
    if (nombuf) {
        check_add(ctx->r, CHECK_FAIL, "loss.nic-nombuf", port,
                  check_str(ctx->r, "rx_nombuf on %s (no free mbuf for a "
                            "received packet)", port),
                  in_window(ctx, nombuf, secs), "0",
                  "the mempool is exhausted: raise dpdk-socket-mem on the "
                  "NIC's node, or fewer/shorter rx and tx rings");
        (*n_found)++;
    }
    if (qos) {
        check_add(ctx->r, CHECK_FAIL, "loss.qos", port,
                  check_str(ctx->r, "QoS policer drops on %s", port),
                  in_window(ctx, qos, secs), "0",
                  "raise or remove the port's ingress_policing_rate");
        (*n_found)++;
    }
    if (tx_drop) {
        check_add(ctx->r, CHECK_FAIL, "loss.nic-tx", port,
                  check_str(ctx->r, "tx drops on %s", port),
                  in_window(ctx, tx_drop, secs), "0",
                  "the NIC's tx ring is full: the link is slower than the "
                  "traffic or down (link_state), or its tx ring is small "
                  "(options:n_txq_desc)");
        (*n_found)++;
    }
}

/* Errors on any port (malformed frames, device errors). */
static void
port_errors(struct check_ctx *ctx, const char *port, double secs,
            json_int_t rx_err, json_int_t tx_err, int *n_found)
{
    if (rx_err || tx_err) {
        check_add(ctx->r, CHECK_FAIL, "loss.port-errors", port,
                  check_str(ctx->r, "errors on %s", port),
                  check_str(ctx->r, "rx %lld, tx %lld in %.1f s",
                            (long long) rx_err, (long long) tx_err, secs),
                  "0", "see the port's error column and ovs-vswitchd.log; "
                  "on a NIC, check cabling and the peer's MTU");
        (*n_found)++;
    }
}

static void
port_findings(struct check_ctx *ctx, const struct loss_snap *a,
              struct loss_snap *b, double secs, bool wait_stats,
              int *n_found)
{
    const char *name;
    json_t *port;
    const char **dropping = NULL;
    size_t n_dropping = 0;

    json_object_foreach(b->ports, name, port) {
        const json_t *pa = json_object_get(a->ports, name);
        if (delta(pa, port, "rx_dropped") || delta(pa, port, "tx_dropped")) {
            dropping = xrealloc(dropping, (n_dropping + 1)
                                * sizeof *dropping);
            dropping[n_dropping++] = name;
        }
    }
    if (n_dropping && wait_stats) {
        refresh_stats(ctx, a, b, dropping, n_dropping);
    }
    free(dropping);
    json_object_foreach(b->ports, name, port) {
        const json_t *pa = json_object_get(a->ports, name);
        json_int_t rxd = delta(pa, port, "rx_dropped");
        json_int_t txd = delta(pa, port, "tx_dropped");

        if (is_vhost(b, name)) {
            vhost_drops(ctx, a, b, name, secs, txd, rxd, n_found);
        } else if (is_dpdk_phy(b, name)) {
            nic_drops(ctx, a, b, name, secs, rxd, txd, n_found);
        }
        port_errors(ctx, name, secs, delta(pa, port, "rx_errors"),
                    delta(pa, port, "tx_errors"), n_found);
    }
}

/* The PMD thread of 'core' of the ovs-vswitchd checked ('pid', 0 if
 * unknown): OVS names it "pmd-cNN/id:M".  Another ovs-vswitchd's PMD on
 * the same CPU is a rival like any other thread. */
static bool
is_pmd_thread(const struct proc_task *t, int core, int pid)
{
    int c;

    return ((!pid || t->pid == pid)
            && sscanf(t->comm, "pmd-c%d/", &c) == 1 && c == core);
}

/* Threads other than the PMD that ran on the PMD's CPU 'core' in the
 * window.  One pinned there (ctx_pinned_onto()) is named, a FAIL: someone
 * put it on the PMD's CPU.  Threads the scheduler merely let run there
 * are counted together in one WARN: isolcpus (kernel.isolcpus) is what
 * keeps them off. */
static void
preempted(struct check_ctx *ctx, const struct loss_snap *a,
          const struct loss_snap *b, int core, double secs)
{
    hwloc_bitmap_t cpu = xbitmap();
    struct sbuf others;
    double others_pct = 0;
    int n_others = 0;

    hwloc_bitmap_set(cpu, core);
    sbuf_init(&others);
    for (size_t k = 0; k < b->procs.n; k++) {
        const struct proc_task *t = &b->procs.tasks[k];
        double pct;
        if (t->processor != core
            || is_pmd_thread(t, core, ctx_ovs(ctx)->vswitchd_pid)) {
            continue;
        }
        pct = proc_task_busy_pct(&a->procs, &b->procs, t);
        if (pct < LOSS_PREEMPT_PCT) {
            continue;
        }
        if (!ctx_pinned_onto(ctx, t, cpu)) {
            if (n_others++ < 3) {
                sbuf_printf(&others, "%spid %d (%s) %.0f %%",
                            others.len ? ", " : "", t->pid,
                            proc_table_comm(&b->procs, t->pid), pct);
            }
            others_pct += pct;
            continue;
        }
        check_add(ctx->r, CHECK_FAIL, "loss.pmd-preempted",
                  check_str(ctx->r, "core %d, pid %d", core, t->pid),
                  check_str(ctx->r, "threads pinned onto CPU %d, the PMD's",
                            core),
                  check_str(ctx->r, "pid %d (%s), thread %d (%s), allowed "
                            "on %s, used %.0f %% of CPU %d in %.1f s: the "
                            "PMD stops polling whenever it runs", t->pid,
                            proc_table_comm(&b->procs, t->pid), t->tid,
                            t->comm, ctx_cpus(ctx, t->allowed), pct, core,
                            secs),
                  "only the PMD thread",
                  check_str(ctx->r, "move it off the PMD's CPU: taskset -a "
                            "-pc <housekeeping CPUs> %d", t->pid));
    }
    if (n_others) {
        check_add(ctx->r, CHECK_WARN, "loss.pmd-preempted",
                  check_str(ctx->r, "core %d", core),
                  check_str(ctx->r, "unpinned threads on CPU %d, the PMD's",
                            core),
                  check_str(ctx->r, "%d used %.0f %% of it in %.1f s (%s%s)",
                            n_others, others_pct, secs, others.s,
                            n_others > 3 ? ", ..." : ""),
                  "none",
                  "the scheduler runs other work on the PMD's CPU: isolcpus= "
                  "(kernel.isolcpus) keeps it off");
    }
    sbuf_destroy(&others);
    hwloc_bitmap_free(cpu);
}

static void
upcall_findings(struct check_ctx *ctx, const struct loss_snap *a,
                const struct loss_snap *b, double secs, int *n_found)
{
    const json_t *pmd;
    size_t i;

    json_array_foreach(b->pmds, i, pmd) {
        int core = json_integer_value(json_object_get(pmd, "core"));
        json_int_t lost = delta(pmd_of(a, core), pmd, "lost_upcalls");
        if (lost) {
            check_add(ctx->r, CHECK_FAIL, "loss.upcall-lost",
                      check_str(ctx->r, "core %d", core),
                      check_str(ctx->r, "failed upcalls on PMD %d (packets "
                                "that missed every flow cache and could "
                                "not be handed to ofproto)", core),
                      in_window(ctx, lost, secs), "0",
                      "flow set-up cannot keep up: fewer flow-table misses "
                      "(fewer distinct flows, or higher other_config:"
                      "max-idle), and ovs-vswitchd's handler threads need "
                      "CPU time on the housekeeping cores");
            (*n_found)++;
        }
    }
}

/* Each PMD's load in the window, and who else ran on its CPU; a busy PMD
 * FAILs when there were drops, else it is a WARN (no headroom yet). */
static void
pmd_findings(struct check_ctx *ctx, const struct loss_snap *a,
             const struct loss_snap *b, double secs, bool drops)
{
    const json_t *pmd;
    size_t i;

    json_array_foreach(b->pmds, i, pmd) {
        int core = json_integer_value(json_object_get(pmd, "core"));
        double busy = pmd_busy(a, b, core);

        if (busy > STATUS_BUSY_PCT) {
            check_add(ctx->r, drops ? CHECK_FAIL : CHECK_WARN,
                      "loss.pmd-busy", check_str(ctx->r, "core %d", core),
                      check_str(ctx->r, "PMD %d processing cycles", core),
                      check_str(ctx->r, "%.0f %% busy over %.1f s", busy,
                                secs),
                      check_str(ctx->r, "at most %.0f %%", STATUS_BUSY_PCT),
                      "it has no headroom: add a PMD core (pmd-cpu-mask, the "
                      "plan's pmd_cores_per_numa) or move rx queues to a "
                      "less busy PMD (other_config:pmd-rxq-affinity)");
        }
        preempted(ctx, a, b, core, secs);
    }
}

/* Plain meanings of OVS's drop coverage counters (lib/dpif-netdev.c,
 * lib/odp-execute.c). */
static const struct {
    const char *event;
    const char *meaning;
} drop_events[] = {
    { "drop_action_of_pipeline", "the OpenFlow tables drop them (no "
      "matching flow, or an explicit drop action)" },
    { "datapath_drop_meter", "a meter drops them (rate limit)" },
    { "datapath_drop_upcall_error", "upcalls failed (handler threads "
      "overloaded or the flow limit reached)" },
    { "datapath_drop_lock_error", "lock contention in the datapath" },
    { "datapath_drop_userspace_action_error", "a userspace action failed" },
    { "datapath_drop_tunnel_push_error", "tunnel encapsulation failed "
      "(no route or ARP for the remote endpoint)" },
    { "datapath_drop_tunnel_pop_error", "tunnel decapsulation failed" },
    { "datapath_drop_recirc_error", "recirculation failed" },
    { "datapath_drop_invalid_port", "output to a port that does not exist" },
    { "datapath_drop_invalid_bond", "output to a bond with no usable member" },
    { "datapath_drop_invalid_tnl_port", "output to an invalid tunnel port" },
    { "datapath_drop_rx_invalid_packet", "malformed packets received" },
    { "drop_action_congestion", "tx congestion (the output port's queue is "
      "full)" },
    { "drop_action_forwarding_disabled", "forwarding is disabled on the "
      "port (STP/RSTP)" },
    { "drop_action_bridge_not_found", "the bridge was not found" },
    { "drop_action_recursion_too_deep", "too many resubmits/recursion" },
    { "drop_action_too_many_resubmit", "too many resubmits" },
    { "drop_action_stack_too_deep", "the OpenFlow stack overflowed" },
    { "drop_action_no_recirculation_context", "no recirculation context" },
    { "drop_action_recirculation_conflict", "a recirculation conflict" },
    { "drop_action_too_many_mpls_labels", "too many MPLS labels" },
    { "drop_action_invalid_tunnel_metadata", "invalid tunnel metadata" },
    { "drop_action_unsupported_packet_type", "an unsupported packet type" },
};

static void
coverage_findings(struct check_ctx *ctx, const struct loss_snap *a,
                  const struct loss_snap *b, double secs, int *n_found)
{
    const char *name;
    json_t *v;

    json_object_foreach(b->coverage, name, v) {
        json_int_t n = delta(a->coverage, b->coverage, name);
        const char *meaning = NULL;

        if (!n || (strncmp(name, "datapath_drop_", 14)
                   && strncmp(name, "drop_action_", 12))) {
            continue;
        }
        for (size_t i = 0; i < ARRAY_SIZE(drop_events); i++) {
            if (!strcmp(drop_events[i].event, name)) {
                meaning = drop_events[i].meaning;
            }
        }
        check_add(ctx->r, strcmp(name, "drop_action_of_pipeline")
                  ? CHECK_FAIL : CHECK_WARN, "loss.datapath-drop", name,
                  check_str(ctx->r, "datapath drops %s: %s", name,
                            meaning ? meaning : "see ovs-vswitchd's "
                            "coverage/show"),
                  in_window(ctx, n, secs), "0",
                  !strcmp(name, "drop_action_of_pipeline")
                  ? "by design when a flow says drop; otherwise add the "
                    "missing flow (ovs-ofctl dump-flows, ofproto/trace)"
                  : "ovs-appctl coverage/show and ovs-vswitchd.log say "
                    "more");
        (*n_found)++;
    }
    json_int_t lost = b->dp_lost - a->dp_lost;
    if (lost > 0) {
        check_add(ctx->r, CHECK_FAIL, "loss.upcall-lost", "datapath",
                  "upcalls the datapath lost (dpctl lookups lost)",
                  in_window(ctx, lost, secs), "0",
                  "flow set-up cannot keep up: ovs-vswitchd's handler "
                  "threads need CPU time on the housekeeping cores");
        (*n_found)++;
    }
}

void
loss_next(struct loss_state *st, struct check_ctx *ctx)
{
    struct loss_snap b;
    double secs;
    int n_found = 0;

    take(ctx, &b);
    if (!st->a.ok || !b.ok) {
        struct check_ovs *ovs = ctx_ovs(ctx);
        bool down = ovs->db_down || ovs->vswitchd_down;

        /* OVS not running is the ovs layer's FAIL when it runs too; alone,
         * the loss layer says so itself.  Running but unreadable: the
         * check could not run. */
        if (!down || !(ctx->o->layers & (1u << CHECK_OVS))) {
            check_add(ctx->r, down ? CHECK_FAIL : CHECK_ERROR,
                      "loss.counters", NULL, "OVS's drop counters",
                      check_str(ctx->r, "cannot be read: %s",
                                st->a.why ? st->a.why : b.why),
                      "readable",
                      "start OVS-DPDK, or give --db its database socket");
        }
        snap_destroy(&st->a);
        st->a = b;
        return;
    }
    secs = b.t - st->a.t;
    port_findings(ctx, &st->a, &b, secs, st->wait_stats, &n_found);
    coverage_findings(ctx, &st->a, &b, secs, &n_found);
    upcall_findings(ctx, &st->a, &b, secs, &n_found);
    pmd_findings(ctx, &st->a, &b, secs, n_found > 0);
    if (!n_found) {
        check_add(ctx->r, CHECK_PASS, "loss.drops", NULL,
                  check_str(ctx->r, "drops on %zu ports and %zu PMDs",
                            json_object_size(b.ports),
                            json_array_size(b.pmds)),
                  check_str(ctx->r, "none in %.1f s", secs), "none", NULL);
    }
    snap_destroy(&st->a);
    st->a = b;
}
