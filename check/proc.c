/* proc.c: task snapshots from ROOT/proc (see proc.h). */
#include <config.h>

#include "check/proc.h"

#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/parse.h"
#include "lib/sysfs.h"
#include "lib/util.h"

/* include/linux/sched.h: the task is a kernel thread. */
#define PF_KTHREAD 0x00200000UL

/* /proc/PID/task/TID/stat: "TID (COMM) STATE ..." where COMM may hold
 * spaces and parentheses, so the fields are counted from the last ')'.
 * After it come field 3 (state) onwards: flags is 9, utime 14, stime 15,
 * processor 39 (proc(5)). */
static bool
parse_stat(const char *text, struct proc_task *t)
{
    const char *p = strrchr(text, ')');
    uint64_t flags = 0, utime = 0, stime = 0, start = 0;
    bool ok = true;
    int field = 2;
    char *copy, *save = NULL;

    if (!p) {
        return false;
    }
    copy = xstrdup(p + 1);
    t->processor = -1;
    for (char *tok = strtok_r(copy, " \n", &save); tok && ok;
         tok = strtok_r(NULL, " \n", &save)) {
        field++;
        if (field == 3) {
            t->state = tok[0];
        } else if (field == 9) {
            ok = parse_uint64(tok, UINT64_MAX, &flags);
        } else if (field == 14) {
            ok = parse_uint64(tok, UINT64_MAX / 2, &utime);
        } else if (field == 15) {
            ok = parse_uint64(tok, UINT64_MAX / 2, &stime);
        } else if (field == 22) {
            ok = parse_uint64(tok, UINT64_MAX, &start);
        } else if (field == 39) {
            ok = parse_int(tok, -1, INT_MAX, &t->processor);
            break;
        }
    }
    free(copy);
    t->kthread = flags & PF_KTHREAD;
    t->ticks = utime + stime;
    t->start = start;
    return ok && field >= 15;
}

static void
parse_status(const char *text, struct proc_task *t)
{
    const char *p = strstr(text, "\nCpus_allowed_list:");

    if (p) {
        char list[4096];
        if (sscanf(p + 19, " %4095s", list) == 1
            && !cpulist_parse(list, t->allowed)) {
            hwloc_bitmap_zero(t->allowed);
        }
    }
}

/* ROOT/proc/PID/task/TID/NAME, or NULL. */
static char *
read_task_file(const char *base, const char *name)
{
    char *path = xasprintf("%s/%s", base, name);
    char *text = sysfs_read_text(path);

    free(path);
    return text;
}

static bool
load_task(const char *root, int pid, int tid, struct proc_task *t)
{
    char *base = xasprintf("%s/proc/%d/task/%d", root, pid, tid);
    char *stat = read_task_file(base, "stat");
    char *status, *sched, *comm;

    memset(t, 0, sizeof *t);
    t->pid = pid;
    t->tid = tid;
    if (!stat || !parse_stat(stat, t)) {
        free(stat);
        free(base);
        return false;           /* It exited meanwhile. */
    }
    t->allowed = xbitmap();
    status = read_task_file(base, "status");
    if (status) {
        parse_status(status, t);
    }
    sched = read_task_file(base, "schedstat");
    if (!sched || sscanf(sched, "%llu %llu", &t->run_ns, &t->wait_ns) != 2) {
        t->run_ns = t->wait_ns = 0;
    }
    comm = read_task_file(base, "comm");
    if (comm) {
        snprintf(t->comm, sizeof t->comm, "%.*s",
                 (int) strcspn(comm, "\n"), comm);
    }
    free(stat);
    free(status);
    free(sched);
    free(comm);
    free(base);
    return true;
}

static void
load_tasks(const char *root, int pid, struct proc_table *pt, size_t *cap)
{
    char *dir = xasprintf("%s/proc/%d/task", root, pid);
    DIR *d = opendir(dir);
    struct dirent *e;

    free(dir);
    if (!d) {
        return;                 /* It exited meanwhile. */
    }
    while ((e = readdir(d))) {
        int tid;

        if (!parse_int(e->d_name, 1, INT_MAX, &tid)) {
            continue;
        }
        if (pt->n == *cap) {
            *cap = *cap ? 2 * *cap : 256;
            pt->tasks = xrealloc(pt->tasks, *cap * sizeof *pt->tasks);
        }
        if (load_task(root, pid, tid, &pt->tasks[pt->n])) {
            pt->n++;
        }
    }
    closedir(d);
}

static int
cmp_task(const void *a_, const void *b_)
{
    const struct proc_task *a = a_, *b = b_;

    return (a->tid > b->tid) - (a->tid < b->tid);
}

static long
clock_hz(void)
{
    static long hz;

    if (!hz) {
        hz = sysconf(_SC_CLK_TCK);
        if (hz <= 0) {
            hz = 100;
        }
    }
    return hz;
}

/* Seconds since boot, from ROOT/proc/uptime; 0 if unknown. */
static double
read_uptime(const char *root)
{
    char *path = xasprintf("%s/proc/uptime", root);
    char *text = sysfs_read_text(path);
    double up = 0;

    if (!text || sscanf(text, "%lf", &up) != 1) {
        up = 0;
    }
    free(text);
    free(path);
    return up;
}

bool
proc_table_load(const char *root, int pid, struct proc_table *pt)
{
    struct timespec ts;
    size_t cap = 0;

    memset(pt, 0, sizeof *pt);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    pt->taken = ts.tv_sec + ts.tv_nsec / 1e9;
    pt->uptime = read_uptime(root);
    if (pid > 0) {
        load_tasks(root, pid, pt, &cap);
    } else {
        char *dir = xasprintf("%s/proc", root);
        DIR *d = opendir(dir);
        struct dirent *e;

        free(dir);
        if (!d) {
            return false;
        }
        while ((e = readdir(d))) {
            int p;
            if (parse_int(e->d_name, 1, INT_MAX, &p)) {
                load_tasks(root, p, pt, &cap);
            }
        }
        closedir(d);
    }
    if (pt->n) {
        qsort(pt->tasks, pt->n, sizeof *pt->tasks, cmp_task);
    }
    return true;
}

void
proc_table_destroy(struct proc_table *pt)
{
    for (size_t i = 0; i < pt->n; i++) {
        hwloc_bitmap_free(pt->tasks[i].allowed);
    }
    free(pt->tasks);
    memset(pt, 0, sizeof *pt);
}

const struct proc_task *
proc_table_find(const struct proc_table *pt, int tid)
{
    struct proc_task key = { .tid = tid };

    return pt->n ? bsearch(&key, pt->tasks, pt->n, sizeof key, cmp_task)
                 : NULL;
}

const char *
proc_table_comm(const struct proc_table *pt, int pid)
{
    const struct proc_task *t = proc_table_find(pt, pid);

    return t && t->pid == pid ? t->comm : "?";
}

char *
proc_cmdline(const char *root, int pid)
{
    char *path = xasprintf("%s/proc/%d/cmdline", root, pid);
    FILE *f = fopen(path, "r");
    struct sbuf b;
    int c;

    free(path);
    if (!f) {
        return NULL;
    }
    sbuf_init(&b);
    while ((c = getc(f)) != EOF) {
        char ch[2] = { c ? (char) c : ' ', '\0' };
        sbuf_puts(&b, ch);
    }
    fclose(f);
    return sbuf_steal(&b);
}

double
proc_task_busy_pct(const struct proc_table *before,
                   const struct proc_table *now, const struct proc_task *t)
{
    const struct proc_task *b = proc_table_find(before, t->tid);
    double secs = now->taken - before->taken;

    if (!b || b->pid != t->pid || secs <= 0 || t->ticks < b->ticks) {
        return 0.0;
    }
    return 100.0 * (t->ticks - b->ticks) / clock_hz() / secs;
}

double
proc_task_life_pct(const struct proc_table *pt, const struct proc_task *t)
{
    double age = pt->uptime - (double) t->start / clock_hz();

    if (pt->uptime <= 0 || age <= 0) {
        return 0.0;
    }
    if (t->run_ns || t->wait_ns) {
        return 100.0 * (t->run_ns + t->wait_ns) / 1e9 / age;
    }
    return 100.0 * t->ticks / clock_hz() / age;
}
