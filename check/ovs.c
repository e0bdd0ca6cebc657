/* ovs.c: the ovs layer of 'nfvhost check'.
 *
 * Is OVS-DPDK up (ovsdb-server, ovs-vswitchd, DPDK initialised, netdev
 * bridges only), is its database what the plan makes it (the same
 * difference 'nfvhost ovs apply' would apply, ovs-ext/apply.h), and does
 * the running switch do what the configuration says: PMD threads on the
 * planned CPUs and allowed to run only there, ovs-vswitchd's other
 * threads off the PMD and guest CPUs, every rx queue polled by a PMD of
 * its port's node (and by the planned one), the vhost-user socket
 * directory and sockets, and no other thread pinned onto a PMD's CPU
 * (tripleo-validations' check_other_processes_pmd_usage, by affinity:
 * whether it is busy is the loss layer's question). */
#include <config.h>

#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check/context.h"
#include "check/ovs-conn.h"
#include "check/ovs-want.h"
#include "lib/parse.h"
#include "lib/plan-file.h"
#include "lib/util.h"
#include "ovs-ext/status.h"

/* A thread pinned onto a PMD's CPU that has used this much of a CPU over
 * its life is busy (a DPDK control thread sleeps; a hog does not). */
#define BUSY_LIFE_PCT 5.0

static bool
check_running(struct check_ctx *ctx, struct check_ovs *ovs)
{
    const char *fix = "start Open vSwitch (systemctl start openvswitch-"
                      "switch), or give --db its database socket";

    if (ovs->db_down) {
        check_add(ctx->r, CHECK_FAIL, "ovs.running", NULL,
                  "ovsdb-server and ovs-vswitchd",
                  check_str(ctx->r, "no database socket %s", ovs->db_path),
                  "running", fix);
        return false;
    }
    if (ovs->error) {
        check_add(ctx->r, CHECK_ERROR, "ovs.running", NULL, "ovsdb-server",
                  check_str(ctx->r, "does not answer: %s", ovs->error),
                  "answering", "see ovsdb-server.log");
        return false;
    }
    if (ovs->vswitchd_down) {
        check_add(ctx->r, CHECK_FAIL, "ovs.running", NULL, "ovs-vswitchd",
                  check_str(ctx->r, "no control socket beside %s",
                            ovs->db_path), "running", fix);
        return false;
    }
    check_add(ctx->r, CHECK_PASS, "ovs.running", NULL,
              "ovsdb-server and ovs-vswitchd",
              check_str(ctx->r, "running (pid %d, %s)", ovs->vswitchd_pid,
                        ovs->db), "running", NULL);
    check_add(ctx->r, ovs->dpdk_initialized ? CHECK_PASS : CHECK_FAIL,
              "ovs.dpdk", NULL, "DPDK in ovs-vswitchd (dpdk_initialized)",
              ovs->dpdk_initialized ? "initialised" : "not initialised",
              "initialised",
              "set other_config:dpdk-init=true and read ovs-vswitchd.log "
              "for the EAL's error (hugepages, dpdk-socket-mem, "
              "dpdk-extra)");
    return true;
}

/* Bridges: all netdev, or the PMDs and the kernel datapath both carry
 * traffic (tripleo-validations: "mixed system and netdev datapaths"). */
static void
check_datapath(struct check_ctx *ctx, struct check_ovs *ovs)
{
    const json_t *row;
    struct sbuf system;
    size_t i, n = 0;

    sbuf_init(&system);
    json_array_foreach(json_object_get(ovs->dump, "Bridge"), i, row) {
        json_t *dt = check_ovs_col(row, "datapath_type");
        const char *t = json_string_value(dt);
        if (!t || strcmp(t, "netdev")) {
            sbuf_printf(&system, "%s%s", system.len ? ", " : "",
                        json_string_value(json_object_get(row, "name")));
        }
        json_decref(dt);
        n++;
    }
    check_add(ctx->r, system.len ? CHECK_FAIL : CHECK_PASS, "ovs.datapath",
              NULL, "datapath of every bridge",
              system.len ? check_str(ctx->r, "kernel (system) datapath on %s",
                                     system.s)
              : check_str(ctx->r, "netdev on all %zu", n), "netdev",
              "ovs-vsctl set Bridge NAME datapath_type=netdev: a system "
              "bridge beside netdev ones sends traffic through the kernel, "
              "away from the PMDs");
    sbuf_destroy(&system);
}

static void
check_errors(struct check_ctx *ctx, struct check_ovs *ovs)
{
    const json_t *row;
    size_t i, n_bad = 0;

    json_array_foreach(json_object_get(ovs->dump, "Interface"), i, row) {
        json_t *err = check_ovs_col(row, "error");
        const char *name = json_string_value(json_object_get(row, "name"));
        if (json_is_string(err)) {
            check_add(ctx->r, CHECK_FAIL, "ovs.port-error", name,
                      check_str(ctx->r, "interface %s", name),
                      json_string_value(err), "no error",
                      "see ovs-vswitchd.log; 'nfvhost ovs status' explains "
                      "the common ones");
            n_bad++;
        }
        json_decref(err);
    }
    if (!n_bad) {
        check_add(ctx->r, CHECK_PASS, "ovs.port-error", NULL,
                  "interface errors (Interface error column)",
                  check_str(ctx->r, "none on %zu interfaces",
                            json_array_size(json_object_get(ovs->dump,
                                                            "Interface"))),
                  "none", NULL);
    }
}

/* The PMD CPUs that should exist: the plan's pool, or without a plan
 * pmd-cpu-mask's online CPUs. */
static bool
wanted_pmds(struct check_ctx *ctx, struct check_ovs *ovs,
            hwloc_bitmap_t set)
{
    const char *mask;

    if (ctx->plan) {
        hwloc_bitmap_copy(set, ctx->plan->pools.pmd);
        return true;
    }
    mask = json_string_value(json_object_get(ovs->other_config,
                                             "pmd-cpu-mask"));
    if (!mask || hwloc_bitmap_sscanf(set, mask) < 0) {
        return false;
    }
    if (!hwloc_bitmap_iszero(ctx->online)) {
        hwloc_bitmap_and(set, set, ctx->online);
    }
    return true;
}

static void
check_pmd_cpus(struct check_ctx *ctx, struct check_ovs *ovs,
               const json_t *pmds, hwloc_const_bitmap_t live)
{
    hwloc_bitmap_t want = xbitmap();

    if (wanted_pmds(ctx, ovs, want)) {
        check_add(ctx->r, hwloc_bitmap_isequal(want, live) ? CHECK_PASS
                  : CHECK_FAIL, "ovs.pmd-cpus", NULL,
                  "CPUs of the PMD threads (dpif-netdev/pmd-rxq-show)",
                  ctx_cpus(ctx, live),
                  check_str(ctx->r, "%s (%s)", ctx_cpus(ctx, want),
                            ctx->plan ? "the plan's PMD pool"
                            : "pmd-cpu-mask"),
                  "pmd-cpu-mask must name exactly these online CPUs "
                  "('nfvhost ovs apply --plan'); a CPU missing from the "
                  "PMDs is offline or outside ovs-vswitchd's affinity");
    } else if (!json_array_size(pmds)) {
        check_add(ctx->r, CHECK_FAIL, "ovs.pmd-cpus", NULL,
                  "PMD threads", "none, and no pmd-cpu-mask", "PMDs",
                  "set other_config:pmd-cpu-mask (the plan's ovs."
                  "other_config)");
    }
    hwloc_bitmap_free(want);
}

/* ovs-vswitchd's threads: each PMD allowed only on its own CPU; the
 * others (main, handlers, revalidators) off the PMD and guest CPUs. */
static void
check_thread_affinity(struct check_ctx *ctx, struct check_ovs *ovs,
                      hwloc_const_bitmap_t pmd_cpus)
{
    struct proc_table pt;
    hwloc_bitmap_t keep_off = xbitmap();
    struct sbuf bad_pmd, bad_other;

    if (!ovs->vswitchd_pid
        || !proc_table_load(ctx->root, ovs->vswitchd_pid, &pt) || !pt.n) {
        check_add(ctx->r, CHECK_ERROR, "ovs.pmd-affinity", NULL,
                  "affinity of ovs-vswitchd's threads",
                  check_str(ctx->r, "its threads cannot be read (pid %d)",
                            ovs->vswitchd_pid), NULL,
                  "run as root; the pidfile ovs-vswitchd.pid must be beside "
                  "the database socket");
        hwloc_bitmap_free(keep_off);
        return;
    }
    sbuf_init(&bad_pmd);
    sbuf_init(&bad_other);
    hwloc_bitmap_copy(keep_off, pmd_cpus);
    if (ctx->plan) {
        hwloc_bitmap_or(keep_off, keep_off, ctx->plan->pools.guest);
    }
    for (size_t i = 0; i < pt.n; i++) {
        const struct proc_task *t = &pt.tasks[i];
        int core;
        if (sscanf(t->comm, "pmd-c%d/", &core) == 1) {
            if (hwloc_bitmap_weight(t->allowed) != 1
                || hwloc_bitmap_first(t->allowed) != core) {
                char *a = cpulist_format(t->allowed);
                sbuf_printf(&bad_pmd, "%s%s (tid %d) allowed on %s",
                            bad_pmd.len ? ", " : "", t->comm, t->tid, a);
                free(a);
            }
        } else if (ctx_pinned_onto(ctx, t, keep_off)) {
            char *a = cpulist_format(t->allowed);
            sbuf_printf(&bad_other, "%s%s (tid %d) allowed on %s",
                        bad_other.len ? ", " : "", t->comm, t->tid, a);
            free(a);
        }
    }
    check_add(ctx->r, bad_pmd.len ? CHECK_FAIL : CHECK_PASS,
              "ovs.pmd-affinity", NULL,
              "each PMD thread allowed only on its own CPU "
              "(/proc/PID/task/*/status)",
              bad_pmd.len ? bad_pmd.s : "yes", "yes",
              "something changed the PMD threads' affinity (taskset, a "
              "cgroup cpuset): restart ovs-vswitchd, and remove the cpuset "
              "limit that excludes the PMD CPUs");
    /* A WARN: these threads mostly sleep (DPDK puts its control threads
     * on the CPUs of ovs-vswitchd's affinity outside dpdk-lcore-mask);
     * when one does steal a PMD's time, the loss layer names it. */
    check_add(ctx->r, bad_other.len ? CHECK_WARN : CHECK_PASS,
              "ovs.thread-affinity", NULL,
              check_str(ctx->r, "ovs-vswitchd's other threads off the %s "
                        "CPUs %s", ctx->plan ? "PMD and guest" : "PMD",
                        ctx_cpus(ctx, keep_off)),
              bad_other.len ? bad_other.s : "yes", "yes",
              "start ovs-vswitchd with its affinity on the housekeeping CPUs "
              "(systemd.cpu_affinity=, or CPUAffinity= of its service): "
              "DPDK's control threads take the CPUs of that affinity that "
              "dpdk-lcore-mask leaves");
    sbuf_destroy(&bad_pmd);
    sbuf_destroy(&bad_other);
    hwloc_bitmap_free(keep_off);
    proc_table_destroy(&pt);
}

static int
port_numa(const struct check_ovs *ovs, const char *port)
{
    const json_t *row = check_ovs_iface(ovs, port);
    json_t *st = check_ovs_col(row, "status");
    const char *n = json_string_value(json_object_get(st, "numa_id"));
    int numa;

    if (!n || !parse_int(n, 0, INT_MAX, &numa)) {
        numa = -1;
    }

    json_decref(st);
    return numa;
}

/* The PMD core the plan gives queue 'q' of port 'port', or -1. */
static int
planned_pmd(const struct plan_file *p, const char *port, int q)
{
    const struct plan_file_ovs_uplink_port *u = p->ovs.uplink_port;

    for (size_t v = 0; v < p->n_vms; v++) {
        for (size_t k = 0; k < p->vms[v].n_nics; k++) {
            const struct plan_file_nic *n = &p->vms[v].nics[k];
            if (n->port && !strcmp(n->port, port)) {
                return (n->rxq_pmds && q < p->vms[v].queues ? n->rxq_pmds[q]
                        : n->pmd_cpu);
            }
        }
    }
    for (size_t i = 0; u && i < u->n_interfaces; i++) {
        const struct plan_file_ovs_iface *f = &u->interfaces[i];
        if (!strcmp(f->name, port) && f->rxq_pmds && q < f->n_rxq) {
            return f->rxq_pmds[q];
        }
    }
    return -1;
}

/* Every rx queue: polled by a PMD of its port's node, and by the planned
 * PMD. */
static void
check_rxqs(struct check_ctx *ctx, struct check_ovs *ovs, const json_t *pmds)
{
    const json_t *pmd, *q;
    size_t i, j, n = 0, cross = 0, moved = 0;

    json_array_foreach(pmds, i, pmd) {
        int core = json_integer_value(json_object_get(pmd, "core"));
        int numa = json_integer_value(json_object_get(pmd, "numa"));
        json_array_foreach(json_object_get(pmd, "rxqs"), j, q) {
            const char *port = json_string_value(json_object_get(q, "port"));
            int qid = json_integer_value(json_object_get(q, "queue"));
            int pn = port_numa(ovs, port);
            int want = ctx->plan ? planned_pmd(ctx->plan, port, qid) : -1;
            const char *subject = check_str(ctx->r, "%s queue %d", port,
                                            qid);
            n++;
            if (pn >= 0 && pn != numa) {
                check_add(ctx->r, CHECK_FAIL, "ovs.rxq-numa", subject,
                          check_str(ctx->r, "node of the PMD polling rx "
                                    "queue %d of %s", qid, port),
                          check_str(ctx->r, "core %d on node %d", core,
                                    numa),
                          check_str(ctx->r, "a PMD on node %d, the port's",
                                    pn),
                          "every packet crosses the interconnect: add a PMD "
                          "on the port's node (pmd-cpu-mask) and pin the "
                          "queue there (pmd-rxq-affinity)");
                cross++;
            }
            if (want >= 0 && want != core) {
                check_add(ctx->r, CHECK_FAIL, "ovs.rxq-pmd", subject,
                          check_str(ctx->r, "PMD polling rx queue %d of %s",
                                    qid, port),
                          check_str(ctx->r, "core %d", core),
                          check_str(ctx->r, "core %d (the plan)", want),
                          "'nfvhost ovs apply --plan' sets "
                          "other_config:pmd-rxq-affinity; OVS moves a "
                          "pinned queue only when its PMD does not exist");
                moved++;
            }
        }
    }
    if (!cross) {
        check_add(ctx->r, CHECK_PASS, "ovs.rxq-numa", NULL,
                  "rx queues polled on their port's node",
                  check_str(ctx->r, "all %zu", n), "all", NULL);
    }
    if (ctx->plan && !moved) {
        check_add(ctx->r, CHECK_PASS, "ovs.rxq-pmd", NULL,
                  "rx queues on the planned PMDs",
                  check_str(ctx->r, "all %zu", n), "all", NULL);
    }
}

/* Threads of other processes pinned onto a PMD's CPU (tripleo-validations'
 * check_other_processes_pmd_usage): when they run, the PMD does not.  A
 * busy one (over its life, BUSY_LIFE_PCT of a CPU or more) FAILs;
 * one that has mostly slept is a WARN.  Kernel threads are left out: the
 * per-CPU ones (ksoftirqd/N, ...) are bound to every CPU by design. */
static void
check_pmd_shared(struct check_ctx *ctx, struct check_ovs *ovs,
                 hwloc_const_bitmap_t pmd_cpus)
{
    const struct proc_table *pt = ctx_procs(ctx);
    size_t n_bad = 0;

    for (size_t i = 0; i < pt->n; i++) {
        const struct proc_task *t = &pt->tasks[i];
        int core;
        double life;
        if (t->kthread || (t->pid == ovs->vswitchd_pid
                           && sscanf(t->comm, "pmd-c%d/", &core) == 1)
            || !ctx_pinned_onto(ctx, t, pmd_cpus)) {
            continue;
        }
        life = proc_task_life_pct(pt, t);
        check_add(ctx->r, life >= BUSY_LIFE_PCT ? CHECK_FAIL : CHECK_WARN,
                  "ovs.pmd-cpu-shared",
                  check_str(ctx->r, "pid %d, thread %d", t->pid, t->tid),
                  check_str(ctx->r, "threads pinned onto the PMD CPUs %s",
                            ctx_cpus(ctx, pmd_cpus)),
                  check_str(ctx->r, "pid %d (%s), thread %d (%s), allowed "
                            "on %s, wanted %.0f %% of a CPU over its life",
                            t->pid,
                            proc_table_comm(pt, t->pid), t->tid, t->comm,
                            ctx_cpus(ctx, t->allowed),
                            life < 100 ? life : 100),
                  "only the PMD threads",
                  check_str(ctx->r, "taskset -a -pc <housekeeping CPUs> %d "
                            "(or its service's CPUAffinity=): when it runs, "
                            "the PMD stops polling", t->pid));
        n_bad++;
    }
    if (!n_bad) {
        check_add(ctx->r, CHECK_PASS, "ovs.pmd-cpu-shared", NULL,
                  check_str(ctx->r, "threads pinned onto the PMD CPUs %s",
                            ctx_cpus(ctx, pmd_cpus)),
                  "only the PMD threads", "only the PMD threads", NULL);
    }
}

static void
check_pmds(struct check_ctx *ctx, struct check_ovs *ovs)
{
    char *why = NULL;
    char *text = check_ovs_appctl(ovs, "dpif-netdev/pmd-rxq-show", &why);
    json_t *pmds = json_array(), *pmd;
    hwloc_bitmap_t live = xbitmap();
    size_t i;

    if (!text) {
        check_add(ctx->r, CHECK_ERROR, "ovs.pmd-cpus", NULL, "PMD threads",
                  why, NULL, "see ovs-vswitchd.log");
        free(why);
        goto out;
    }
    status_parse_rxq_show(text, pmds);
    json_array_foreach(pmds, i, pmd) {
        hwloc_bitmap_set(live, json_integer_value(json_object_get(pmd,
                                                                  "core")));
    }
    check_pmd_cpus(ctx, ovs, pmds, live);
    check_thread_affinity(ctx, ovs, live);
    check_rxqs(ctx, ovs, pmds);
    check_pmd_shared(ctx, ovs, live);
out:
    free(text);
    json_decref(pmds);
    hwloc_bitmap_free(live);
}

/* The socket directory QEMU, libvirt and OVS share, and each planned
 * vhost-user socket in it. */
static void
check_sockets(struct check_ctx *ctx, struct check_ovs *ovs)
{
    const struct plan_file_ovs *o = &ctx->plan->ovs;
    char *dir = ctx_path(ctx, "%s", o->socket_dir);
    struct group *g = getgrnam(o->socket_group);
    struct stat st;

    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
        check_add(ctx->r, CHECK_FAIL, "ovs.socket-dir", o->socket_dir,
                  "the vhost-user socket directory", "missing",
                  check_str(ctx->r, "%s, group %s, mode %04o",
                            o->socket_dir, o->socket_group, o->socket_mode),
                  "'nfvhost ovs apply --plan' creates it");
    } else {
        struct group *have = getgrgid(st.st_gid);
        bool ok = (st.st_mode & 07777) == o->socket_mode && g
                  && g->gr_gid == st.st_gid;
        check_add(ctx->r, ok ? CHECK_PASS : CHECK_FAIL, "ovs.socket-dir",
                  o->socket_dir, "the vhost-user socket directory",
                  check_str(ctx->r, "group %s, mode %04o",
                            have ? have->gr_name : "?", st.st_mode & 07777),
                  check_str(ctx->r, "group %s, mode %04o", o->socket_group,
                            o->socket_mode),
                  check_str(ctx->r, "chgrp %s %s; chmod %04o %s (QEMU "
                            "creates the sockets there as the group)",
                            o->socket_group, o->socket_dir, o->socket_mode,
                            o->socket_dir));
    }
    free(dir);
    for (size_t v = 0; v < ctx->plan->n_vms; v++) {
        for (size_t k = 0; k < ctx->plan->vms[v].n_nics; k++) {
            const struct plan_file_nic *n = &ctx->plan->vms[v].nics[k];
            char *path, *real;
            json_t *status;
            bool connected;
            if (n->type != NIC_VHOST) {
                continue;
            }
            path = plan_file_socket_path(ctx->plan, n);
            real = ctx_path(ctx, "%s", path);
            status = check_ovs_col(check_ovs_iface(ovs, n->port), "status");
            connected = !strcmp(json_string_value(json_object_get(
                                    status, "status")) ?: "", "connected");
            check_add(ctx->r, connected ? CHECK_PASS : CHECK_WARN,
                      "ovs.vhost-socket", n->port,
                      check_str(ctx->r, "VM %s NIC %d's socket %s",
                                ctx->plan->vms[v].name, n->index, path),
                      connected ? "connected"
                      : !stat(real, &st) && S_ISSOCK(st.st_mode)
                      ? "present, OVS not connected"
                      : "absent: the VM is not running (QEMU creates it)",
                      "connected",
                      "start the VM; its interface's source path must be "
                      "this socket, mode='server'");
            json_decref(status);
            free(real);
            free(path);
        }
    }
}

void
check_ovs(struct check_ctx *ctx)
{
    struct check_ovs *ovs = ctx_ovs(ctx);

    if (!check_running(ctx, ovs)) {
        return;
    }
    check_datapath(ctx, ovs);
    if (ctx->plan) {
        check_ovs_config(ctx, ovs);
        check_sockets(ctx, ovs);
    }
    check_errors(ctx, ovs);
    check_pmds(ctx, ovs);
}
