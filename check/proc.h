/* proc.h: processes and their threads as ROOT/proc shows them.
 *
 * proc_table_load() takes one snapshot of every task (thread) of every
 * process: its name, state, whether it is a kernel thread, the CPU time
 * it has used, the CPU it last ran on and the CPUs it may run on
 * (Cpus_allowed_list, the affinity sched_setaffinity() and libvirt's
 * pinning set).  Two snapshots a window apart say which threads were busy
 * on which CPU.  ROOT is "" for the live machine or a fake tree with
 * proc/PID/task/TID/{stat,status,comm} and proc/PID/cmdline. */
#ifndef NFV_CHECK_PROC_H
#define NFV_CHECK_PROC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <hwloc.h>

struct proc_task {
    int pid, tid;
    char comm[64];              /* The thread's name (task/TID/comm). */
    char state;                 /* 'R', 'S', 'T' (stopped)... */
    bool kthread;               /* A kernel thread (PF_KTHREAD). */
    unsigned long long ticks;   /* utime + stime, in clock ticks. */
    unsigned long long start;   /* starttime: clock ticks after boot. */
    unsigned long long run_ns;  /* schedstat: time on a CPU, and time */
    unsigned long long wait_ns; /* runnable but waiting for one; both 0
                                 * when the kernel has no schedstat. */
    int processor;              /* CPU it last ran on; -1 unknown. */
    hwloc_bitmap_t allowed;     /* Cpus_allowed_list; empty if unknown. */
};

struct proc_table {
    struct proc_task *tasks;    /* By tid (unique across processes). */
    size_t n;
    double taken;               /* CLOCK_MONOTONIC seconds of the read. */
    double uptime;              /* ROOT/proc/uptime at the read; 0 if
                                 * unknown. */
};

/* Every task of every process (only 'pid's tasks when pid > 0).  A
 * process that exits meanwhile is left out.  False when ROOT/proc cannot
 * be listed. */
bool proc_table_load(const char *root, int pid, struct proc_table *);
void proc_table_destroy(struct proc_table *);

const struct proc_task *proc_table_find(const struct proc_table *, int tid);
/* The process's name: the comm of its main thread (tid == pid), or "?". */
const char *proc_table_comm(const struct proc_table *, int pid);

/* The process's command line with NULs as spaces; NULL if unreadable.
 * Caller frees. */
char *proc_cmdline(const char *root, int pid);

/* Share of one CPU that task 'now' used since 'before' (same tid), in
 * percent of the time between the two tables. */
double proc_task_busy_pct(const struct proc_table *before,
                          const struct proc_table *now,
                          const struct proc_task *);
/* How much of one CPU the task has wanted over its whole life, in
 * percent: time running plus time runnable but waiting (schedstat), over
 * the time since it started, so a spinning thread counts as busy however
 * many others share its CPU; CPU time alone without schedstat; 0 when
 * the table has no uptime. */
double proc_task_life_pct(const struct proc_table *,
                          const struct proc_task *);

#endif /* check/proc.h */
