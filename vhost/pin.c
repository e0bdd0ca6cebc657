/* pin.c: choosing and applying the polling threads' cores (see pin.h). */
#include <config.h>

#include "vhost/pin.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/parse.h"
#include "lib/plan-file.h"
#include "lib/util.h"

static bool
read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    bool good = f && fgets(buf, size, f);

    if (f) {
        fclose(f);
    }
    if (good) {
        buf[strcspn(buf, "\n")] = '\0';
    }
    return good;
}

/* The Cpus_allowed_list of /proc/PID/task/TID/status into 'cpus'. */
static void
task_cpus(const char *dir, hwloc_bitmap_t cpus)
{
    char *path = xasprintf("%s/status", dir);
    FILE *f = fopen(path, "r");
    char line[4096];

    hwloc_bitmap_zero(cpus);
    while (f && fgets(line, sizeof line, f)) {
        if (!strncmp(line, "Cpus_allowed_list:", 18)) {
            char *p = line + 18;

            p += strspn(p, " \t");
            p[strcspn(p, "\n")] = '\0';
            if (!cpulist_parse(p, cpus)) {
                hwloc_bitmap_zero(cpus);
            }
        }
    }
    if (f) {
        fclose(f);
    }
    free(path);
}

/* The CPU a PMD thread polls: OVS names it "pmd-cNN/id:M" after the core
 * it pins it to.  The name, when it parses, is what counts: a thread just
 * created still has the whole process's affinity until OVS pins it, and
 * would look as if it polled every CPU. */
static void
pmd_thread_cpus(const char *comm, const char *dir, hwloc_bitmap_t cpus)
{
    const char *p = comm + 5;          /* After "pmd-c". */
    unsigned long core;

    if (parse_uint_prefix(&p, 4095, &core) && *p == '/') {
        hwloc_bitmap_only(cpus, core);
    } else {
        task_cpus(dir, cpus);
    }
}

void
pin_pmd_cpus(const char *proc, hwloc_const_bitmap_t want,
             hwloc_bitmap_t cpus, char *who, size_t who_size)
{
    hwloc_bitmap_t one = xbitmap();
    DIR *d = opendir(proc);
    struct dirent *de;

    hwloc_bitmap_zero(cpus);
    if (who_size) {
        who[0] = '\0';
    }
    while (d && (de = readdir(d))) {
        char comm[64], *path;
        DIR *td;
        struct dirent *te;

        if (de->d_name[0] < '0' || de->d_name[0] > '9') {
            continue;
        }
        path = xasprintf("%s/%s/comm", proc, de->d_name);
        /* "ovs-vswitchd", or "ovs-vswitchd-dp" (ovs-vswitchd-dpdk cut to
         * the kernel's 15 characters). */
        if (!read_line(path, comm, sizeof comm)
            || strncmp(comm, "ovs-vswitchd", 12)) {
            free(path);
            continue;
        }
        free(path);
        path = xasprintf("%s/%s/task", proc, de->d_name);
        td = opendir(path);
        while (td && (te = readdir(td))) {
            char *tdir = xasprintf("%s/%s", path, te->d_name);
            char *cpath = xasprintf("%s/comm", tdir);

            if (te->d_name[0] != '.' && read_line(cpath, comm, sizeof comm)
                && !strncmp(comm, "pmd-c", 5)) {
                pmd_thread_cpus(comm, tdir, one);
                hwloc_bitmap_or(cpus, cpus, one);
                /* Name a thread that is in the way, if one is. */
                if (who_size && !who[0]
                    && (!want || hwloc_bitmap_intersects(one, want))) {
                    snprintf(who, who_size, "%s (ovs-vswitchd pid %s)",
                             comm, de->d_name);
                }
            }
            free(cpath);
            free(tdir);
        }
        if (td) {
            closedir(td);
        }
        free(path);
    }
    if (d) {
        closedir(d);
    }
    hwloc_bitmap_free(one);
}

int
pin_choose(const char *cores, const char *plan, bool force,
           hwloc_bitmap_t cpus, struct diag *d)
{
    hwloc_bitmap_t pmd = xbitmap(), running = xbitmap();
    char who[128], *list;
    int status = 0;

    hwloc_bitmap_zero(cpus);
    if (plan) {
        struct plan_file *p = plan_file_load(plan, d);

        if (!p) {
            status = d->status;
            goto out;
        }
        hwloc_bitmap_copy(pmd, p->pools.pmd);
        hwloc_bitmap_copy(cpus, p->pools.guest);
        if (!cores && hwloc_bitmap_iszero(cpus)) {
            status = diag_error(d, NFV_EINPUT, "%s: the plan has no guest "
                                "pool to run the endpoint on; give --cores",
                                plan);
        }
        plan_file_destroy(p);
        if (status) {
            goto out;
        }
    }
    if (cores && (!cpulist_parse(cores, cpus) || hwloc_bitmap_iszero(cpus))) {
        status = diag_error(d, NFV_EINPUT, "--cores '%s': not a CPU list "
                            "like 2 or 2-3,6", cores);
        goto out;
    }
    pin_pmd_cpus("/proc", cpus, running, who, sizeof who);
    if (!force && hwloc_bitmap_intersects(cpus, running)) {
        hwloc_bitmap_and(running, running, cpus);
        list = cpulist_format(running);
        status = diag_error(d, NFV_EINPUT, "CPU %s is polled by OVS PMD "
                            "thread %s: a polling endpoint there starves "
                            "both (tens to thousands of times slower); pick "
                            "other --cores, or --force to measure exactly that",
                            list, who);
        free(list);
        goto out;
    }
    if (!force && hwloc_bitmap_intersects(cpus, pmd)) {
        hwloc_bitmap_and(pmd, pmd, cpus);
        list = cpulist_format(pmd);
        status = diag_error(d, NFV_EINPUT, "CPU %s is in the plan's PMD "
                            "pool (%s): a polling endpoint there starves "
                            "the PMD; pick other --cores, or --force", list,
                            plan);
        free(list);
    }
out:
    hwloc_bitmap_free(pmd);
    hwloc_bitmap_free(running);
    return status;
}

int
pin_self(hwloc_const_bitmap_t cpus, int index, struct diag *d)
{
    int n = hwloc_bitmap_weight(cpus), cpu;
    cpu_set_t set;

    if (n <= 0) {
        return 0;
    }
    cpu = hwloc_bitmap_first(cpus);
    for (int i = 0; i < index % n; i++) {
        cpu = hwloc_bitmap_next(cpus, cpu);
    }
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set)) {
        return diag_error(d, NFV_ESYSTEM, "cannot pin to CPU %d: %s", cpu,
                          strerror(errno));
    }
    return 0;
}
