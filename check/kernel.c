/* kernel.c: the kernel layer of 'nfvhost check'.
 *
 * The boot arguments are checked twice: as written (ROOT/proc/cmdline,
 * against the plan's kernel.args) and as the kernel applied them
 * (ROOT/sys/devices/system/cpu/isolated and nohz_full), because the
 * kernel ignores an argument it cannot parse and says so only in dmesg:
 * "isolcpus=2-5,8-1l" boots with nothing isolated.  Then what needs no
 * plan: an IOMMU (vfio-pci needs one), iommu=pt, transparent hugepages,
 * the frequency governor and C-states of the CPUs that poll or run
 * vCPUs, and which of the two ways nfvhost persists the arguments (its
 * GRUB drop-in, tuned's cpu-partitioning) is active and whether they
 * agree. */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "check/context.h"
#include "lib/parse.h"
#include "lib/plan-file.h"
#include "lib/util.h"

/* C-states deeper than this wake too slowly for a vCPU that polls. */
#define CSTATE_MAX_LATENCY_US 10

/* Kernel arguments, as "key=value" or "flag" words. */
struct args {
    char **v;
    size_t n;
};

/* Splits a command line into words, up to "--" (what follows goes to
 * init, not to the kernel). */
static void
args_parse(const char *line, struct args *a)
{
    char *copy = xstrdup(line), *save = NULL;

    a->v = NULL;
    a->n = 0;
    for (char *w = strtok_r(copy, " \t\n\"", &save); w;
         w = strtok_r(NULL, " \t\n\"", &save)) {
        if (!strcmp(w, "--")) {
            break;
        }
        a->v = xrealloc(a->v, (a->n + 1) * sizeof *a->v);
        a->v[a->n++] = xstrdup(w);
    }
    free(copy);
}

static void
args_destroy(struct args *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i]);
    }
    free(a->v);
}

/* The value of the last "key=value" (the one the kernel keeps), or
 * NULL. */
static const char *
args_get(const struct args *a, const char *key)
{
    size_t len = strlen(key);
    const char *v = NULL;

    for (size_t i = 0; i < a->n; i++) {
        if (!strncmp(a->v[i], key, len) && a->v[i][len] == '=') {
            v = a->v[i] + len + 1;
        }
    }
    return v;
}

static bool
args_has(const struct args *a, const char *word)
{
    for (size_t i = 0; i < a->n; i++) {
        if (!strcmp(a->v[i], word)) {
            return true;
        }
    }
    return false;
}

/* isolcpus=[flag,...,]LIST: the flags (managed_irq, domain, nohz) are the
 * words before the list.  Returns false when the list does not parse. */
static bool
split_isolcpus(const char *value, char *flags, size_t size,
               hwloc_bitmap_t cpus)
{
    const char *p = value;

    flags[0] = '\0';
    while (isalpha((unsigned char) *p)) {
        size_t len = strcspn(p, ",");
        size_t have = strlen(flags);
        snprintf(flags + have, size - have, "%s%.*s", have ? "," : "",
                 (int) len, p);
        p += len + (p[len] == ',');
    }
    return cpulist_parse(p, cpus);
}

/* Where the plan's own files are: "DIR/" of DIR/plan.json. */
static const char *
plan_dir(struct check_ctx *ctx)
{
    char *copy = xstrdup(ctx->plan->path);
    const char *dir = check_str(ctx->r, "%s", dirname(copy));

    free(copy);
    return dir;
}

static const char *
boot_fix(struct check_ctx *ctx)
{
    return check_str(ctx->r, "install %s/grub.d/nfvhost.cfg as "
                     "/etc/default/grub.d/nfvhost.cfg (or %s/tuned/ for "
                     "tuned's cpu-partitioning), run update-grub and "
                     "reboot", plan_dir(ctx), plan_dir(ctx));
}

/* A CPU-list argument (nohz_full=, rcu_nocbs=, irqaffinity=) against the
 * plan's; isolcpus= also compares its flags. */
static void
check_cpu_arg(struct check_ctx *ctx, const struct args *now,
              const char *planned)
{
    const char *eq = strchr(planned, '=');
    char *key = xasprintf("%.*s", (int) (eq - planned), planned);
    const char *id = check_str(ctx->r, "kernel.%s", key);
    const char *have = args_get(now, key);
    hwloc_bitmap_t want = xbitmap(), got = xbitmap();
    char wflags[64], gflags[64];
    bool same;

    split_isolcpus(eq + 1, wflags, sizeof wflags, want);
    same = have && split_isolcpus(have, gflags, sizeof gflags, got)
           && hwloc_bitmap_isequal(want, got) && !strcmp(wflags, gflags);
    check_add(ctx->r, same ? CHECK_PASS : CHECK_FAIL, id, NULL,
              check_str(ctx->r, "%s= on the kernel command line", key),
              have ? have : "absent", eq + 1, boot_fix(ctx));
    hwloc_bitmap_free(want);
    hwloc_bitmap_free(got);
    free(key);
}

static bool
is_cpu_arg(const char *arg)
{
    static const char *const keys[] = {
        "isolcpus=", "nohz_full=", "rcu_nocbs=", "irqaffinity=",
    };
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (!strncmp(arg, keys[i], strlen(keys[i]))) {
            return true;
        }
    }
    return false;
}

/* Every planned argument: the CPU lists by value, iommu=pt by its own
 * check, the rest word for word. */
static void
check_planned_args(struct check_ctx *ctx, const struct args *now)
{
    const struct plan_file_kernel *k = &ctx->plan->kernel;

    for (size_t i = 0; i < k->n_args; i++) {
        const char *arg = k->args[i];
        if (is_cpu_arg(arg)) {
            check_cpu_arg(ctx, now, arg);
        } else if (strcmp(arg, "iommu=pt")) {
            size_t klen = strcspn(arg, "=");
            char *key = xasprintf("%.*s", (int) klen, arg);
            const char *have = arg[klen] ? args_get(now, key) : NULL;
            bool ok = args_has(now, arg);
            check_add(ctx->r, ok ? CHECK_PASS : CHECK_FAIL, "kernel.cmdline",
                      key, check_str(ctx->r, "%s on the kernel command line",
                                     arg[klen] ? key : arg),
                      ok ? arg : have ? check_str(ctx->r, "%s=%s", key, have)
                      : "absent", arg, boot_fix(ctx));
            free(key);
        }
    }
}

/* The value of the plan's "key=value" argument, or NULL. */
static const char *
plan_arg(const struct plan_file *p, const char *key)
{
    size_t len = strlen(key);

    for (size_t i = 0; i < p->kernel.n_args; i++) {
        if (!strncmp(p->kernel.args[i], key, len)
            && p->kernel.args[i][len] == '=') {
            return p->kernel.args[i] + len + 1;
        }
    }
    return NULL;
}

/* ROOT/sys/devices/system/cpu/FILE: "(null)" or "" for none. */
static bool
read_applied(struct check_ctx *ctx, const char *file, hwloc_bitmap_t set)
{
    char *text = ctx_read(ctx, "/sys/devices/system/cpu/%s", file);
    bool ok = text != NULL;

    hwloc_bitmap_zero(set);
    if (text) {
        text[strcspn(text, "\n")] = '\0';
        ok = !strcmp(text, "(null)") || cpulist_parse(text, set);
        free(text);
    }
    return ok;
}

/* What the kernel applied: ROOT/sys/devices/system/cpu/{isolated,
 * nohz_full} against the plan, or against the command line without
 * one. */
static void
check_applied(struct check_ctx *ctx, const struct args *now,
              const char *key, const char *file, const char *id)
{
    hwloc_bitmap_t want = xbitmap(), got = xbitmap();
    const char *arg = args_get(now, key);
    char flags[64] = "";
    const char *source;

    if (ctx->plan) {
        const char *planned = plan_arg(ctx->plan, key);
        if (!planned || !split_isolcpus(planned, flags, sizeof flags, want)) {
            goto out;           /* Not planned: nothing to compare. */
        }
        source = "the plan";
    } else if (arg && split_isolcpus(arg, flags, sizeof flags, want)) {
        source = check_str(ctx->r, "%s=%s", key, arg);
    } else {
        /* No plan and no argument: nothing was asked. */
        goto out;
    }
    /* isolcpus=managed_irq alone does not isolate domains, and only
     * domain isolation shows in 'isolated'. */
    if (!strcmp(key, "isolcpus") && flags[0]
        && !strstr(flags, "domain")) {
        goto out;
    }
    if (!read_applied(ctx, file, got)) {
        check_add(ctx->r, CHECK_FAIL, id, NULL,
                  check_str(ctx->r, "CPUs the kernel applied %s= to "
                            "(/sys/devices/system/cpu/%s)", key, file),
                  "the file is missing: this kernel cannot do it "
                  "(CONFIG_NO_HZ_FULL?)", ctx_cpus(ctx, want),
                  "boot a kernel built with it (Debian's is)");
    } else {
        bool same = hwloc_bitmap_isequal(want, got);
        check_add(ctx->r, same ? CHECK_PASS : CHECK_FAIL, id, NULL,
                  check_str(ctx->r, "CPUs the kernel applied %s= to "
                            "(/sys/devices/system/cpu/%s)", key, file),
                  ctx_cpus(ctx, got),
                  check_str(ctx->r, "%s (%s)", ctx_cpus(ctx, want), source),
                  arg ? check_str(ctx->r, "the kernel did not take %s=%s "
                                  "as written: look for it in 'dmesg | grep "
                                  "-i %s', correct the GRUB line, reboot",
                                  key, arg, key)
                  : ctx->plan ? boot_fix(ctx) : NULL);
    }
out:
    hwloc_bitmap_free(want);
    hwloc_bitmap_free(got);
}

static bool
plan_needs_vfio(const struct plan_file *p)
{
    const struct plan_file_ovs_uplink_port *u = p->ovs.uplink_port;

    for (size_t i = 0; u && i < u->n_interfaces; i++) {
        if (u->interfaces[i].bind_vfio) {
            return true;
        }
    }
    return p->n_sriov_pfs > 0;
}

/* Entries of directory ROOT/PATH, comma-separated ("" if none). */
static char *
dir_entries(struct check_ctx *ctx, const char *path)
{
    char *dir = ctx_path(ctx, "%s", path);
    DIR *d = opendir(dir);
    struct sbuf b;
    struct dirent *e;

    sbuf_init(&b);
    while (d && (e = readdir(d))) {
        if (e->d_name[0] != '.') {
            sbuf_printf(&b, "%s%s", b.len ? "," : "", e->d_name);
        }
    }
    if (d) {
        closedir(d);
    }
    free(dir);
    return sbuf_steal(&b);
}

static void
check_iommu(struct check_ctx *ctx, const struct args *now)
{
    char *units = dir_entries(ctx, "/sys/class/iommu");
    bool needed = !ctx->plan || plan_needs_vfio(ctx->plan);
    const char *pt = args_get(now, "iommu");

    check_add(ctx->r, units[0] ? CHECK_PASS : needed ? CHECK_FAIL
              : CHECK_WARN, "kernel.iommu", NULL,
              "an IOMMU for vfio-pci (/sys/class/iommu)",
              units[0] ? units : "none",
              needed ? "one (vfio-pci binds uplinks and VFs through it)"
              : "one (this plan binds no device to vfio-pci)",
              "enable VT-d / AMD-Vi in the firmware; intel_iommu=on on "
              "Intel (AMD enables it by default)");
    check_add(ctx->r, pt && !strcmp(pt, "pt") ? CHECK_PASS
              : ctx->plan ? CHECK_FAIL : CHECK_WARN, "kernel.iommu-pt",
              NULL, "iommu=pt on the kernel command line (host DMA "
              "without translation)", pt ? check_str(ctx->r, "iommu=%s", pt)
              : "absent", "iommu=pt",
              ctx->plan ? boot_fix(ctx)
              : "add iommu=pt to GRUB_CMDLINE_LINUX, update-grub, reboot");
    free(units);
}

static void
check_thp(struct check_ctx *ctx)
{
    char *text = ctx_read(ctx, "/sys/kernel/mm/transparent_hugepage/"
                          "enabled");
    const char *open = text ? strchr(text, '[') : NULL;
    char mode[16] = "";

    if (open) {
        sscanf(open + 1, "%15[a-z]", mode);
    }
    check_add(ctx->r, strcmp(mode, "always") ? CHECK_PASS : CHECK_WARN,
              "kernel.thp", NULL, "transparent hugepages",
              mode[0] ? mode : "not built in", "madvise or never",
              "khugepaged compacts memory behind the guests' backs and can "
              "stall isolated CPUs: echo madvise > /sys/kernel/mm/"
              "transparent_hugepage/enabled, and transparent_hugepage="
              "madvise on the kernel command line");
    free(text);
}

/* The CPUs whose power management matters: those that poll or run
 * vCPUs (every online CPU without a plan). */
static void
busy_cpus(struct check_ctx *ctx, hwloc_bitmap_t set)
{
    if (ctx->plan) {
        ctx_isolated(ctx, set);
        hwloc_bitmap_andnot(set, set, ctx->plan->pools.idle);
    } else {
        hwloc_bitmap_copy(set, ctx->online);
    }
}

static void
check_governor(struct check_ctx *ctx)
{
    hwloc_bitmap_t cpus = xbitmap(), slow = xbitmap();
    struct sbuf govs;
    unsigned cpu;
    int n_freq = 0;

    sbuf_init(&govs);
    busy_cpus(ctx, cpus);
    hwloc_bitmap_foreach_begin(cpu, cpus) {
        char *g = ctx_read(ctx, "/sys/devices/system/cpu/cpu%u/cpufreq/"
                           "scaling_governor", cpu);
        if (g) {
            g[strcspn(g, "\n")] = '\0';
            n_freq++;
            if (strcmp(g, "performance")) {
                if (!strstr(govs.s ? govs.s : "", g)) {
                    sbuf_printf(&govs, "%s%s", govs.len ? "," : "", g);
                }
                hwloc_bitmap_set(slow, cpu);
            }
            free(g);
        }
    } hwloc_bitmap_foreach_end();
    check_add(ctx->r, hwloc_bitmap_iszero(slow) ? CHECK_PASS : CHECK_WARN,
              "kernel.governor", NULL,
              check_str(ctx->r, "frequency governor of CPUs %s",
                        ctx_cpus(ctx, cpus)),
              !n_freq ? "no cpufreq: the kernel does not scale them"
              : hwloc_bitmap_iszero(slow) ? "performance"
              : check_str(ctx->r, "%s on %s", govs.s, ctx_cpus(ctx, slow)),
              "performance",
              check_str(ctx->r, "a governor that lowers the clock of a "
                        "lightly loaded vCPU adds latency to its first "
                        "packets: cpupower -c %s frequency-set -g "
                        "performance (tuned's cpu-partitioning does it)",
                        ctx_cpus(ctx, slow)));
    sbuf_destroy(&govs);
    hwloc_bitmap_free(cpus);
    hwloc_bitmap_free(slow);
}

/* Whether 'cpu' has idle states deeper than CSTATE_MAX_LATENCY_US left
 * enabled; their "C6 (133 us)" words go to 'b' (once each), and '*n'
 * counts the states seen. */
static bool
deep_states(struct check_ctx *ctx, unsigned cpu, struct sbuf *b, int *n)
{
    bool deep = false;

    for (int s = 0; s < 16; s++) {
        char *lat = ctx_read(ctx, "/sys/devices/system/cpu/cpu%u/cpuidle/"
                             "state%d/latency", cpu, s);
        char *dis, *name;
        long us;

        if (!lat) {
            break;
        }
        (*n)++;
        lat[strcspn(lat, "\n")] = '\0';
        dis = ctx_read(ctx, "/sys/devices/system/cpu/cpu%u/cpuidle/state%d/"
                       "disable", cpu, s);
        name = ctx_read(ctx, "/sys/devices/system/cpu/cpu%u/cpuidle/state%d/"
                        "name", cpu, s);
        if (parse_long(lat, 0, 1L << 30, &us) && us > CSTATE_MAX_LATENCY_US
            && !(dis && dis[0] == '1')) {
            char *word = xasprintf("%.*s (%ld us)", name ? (int) strcspn(
                                       name, "\n") : 1, name ? name : "?",
                                   us);
            if (!strstr(b->s ? b->s : "", word)) {
                sbuf_printf(b, "%s%s", b->len ? ", " : "", word);
            }
            free(word);
            deep = true;
        }
        free(lat);
        free(dis);
        free(name);
    }
    return deep;
}

static void
check_cstates(struct check_ctx *ctx)
{
    hwloc_bitmap_t cpus = xbitmap(), deep = xbitmap();
    struct sbuf states;
    unsigned cpu;
    int n = 0;

    sbuf_init(&states);
    busy_cpus(ctx, cpus);
    hwloc_bitmap_foreach_begin(cpu, cpus) {
        if (deep_states(ctx, cpu, &states, &n)) {
            hwloc_bitmap_set(deep, cpu);
        }
    } hwloc_bitmap_foreach_end();
    check_add(ctx->r, states.len ? CHECK_WARN : CHECK_PASS,
              "kernel.cstates", NULL,
              check_str(ctx->r, "idle states deeper than %d us on CPUs %s",
                        CSTATE_MAX_LATENCY_US, ctx_cpus(ctx, cpus)),
              !n ? "no cpuidle states" : states.len
              ? check_str(ctx->r, "%s enabled on %s", states.s,
                          ctx_cpus(ctx, deep)) : "none enabled",
              "none enabled",
              "a vCPU that idles into a deep C-state wakes too late for "
              "the next burst: tuned's cpu-partitioning (force_latency), "
              "or processor.max_cstate=1 intel_idle.max_cstate=1, or echo 1 "
              "> /sys/devices/system/cpu/cpuN/cpuidle/stateK/disable");
    sbuf_destroy(&states);
    hwloc_bitmap_free(cpus);
    hwloc_bitmap_free(deep);
}

/* The isolated CPUs the GRUB drop-in (true) asks for; 'active' false
 * when there is none. */
static bool
grub_isolated(struct check_ctx *ctx, hwloc_bitmap_t set, bool *active)
{
    char *text = ctx_read(ctx, "/etc/default/grub.d/nfvhost.cfg");
    const char *line = text ? strstr(text, "GRUB_CMDLINE_LINUX") : NULL;
    struct args a;
    const char *iso;
    char flags[64];
    bool ok;

    *active = line != NULL;
    if (!line) {
        free(text);
        return false;
    }
    args_parse(strchr(line, '=') ? strchr(line, '=') + 1 : "", &a);
    iso = args_get(&a, "isolcpus");
    ok = iso && split_isolcpus(iso, flags, sizeof flags, set);
    args_destroy(&a);
    free(text);
    return ok;
}

static bool
tuned_isolated(struct check_ctx *ctx, hwloc_bitmap_t set, bool *active)
{
    char *profile = ctx_read(ctx, "/etc/tuned/active_profile");
    char *vars = NULL;
    const char *line;
    bool ok = false;

    *active = profile && strstr(profile, "cpu-partitioning");
    if (*active) {
        vars = ctx_read(ctx, "/etc/tuned/cpu-partitioning-variables.conf");
        line = vars ? strstr(vars, "isolated_cores=") : NULL;
        if (line) {
            const char *v0 = line + strlen("isolated_cores=");
            char *v = xasprintf("%.*s", (int) strcspn(v0, "\n"), v0);
            ok = cpulist_parse(v, set);
            free(v);
        }
    }
    free(profile);
    free(vars);
    return ok;
}

static void
check_boot_config(struct check_ctx *ctx)
{
    hwloc_bitmap_t grub = xbitmap(), tuned = xbitmap(), want = xbitmap();
    bool g_on, t_on;
    bool g_ok = grub_isolated(ctx, grub, &g_on);
    bool t_ok = tuned_isolated(ctx, tuned, &t_on);
    const char *found = check_str(
        ctx->r, "%s%s%s",
        g_on ? check_str(ctx->r, "GRUB drop-in isolcpus %s",
                         g_ok ? ctx_cpus(ctx, grub) : "unreadable") : "",
        g_on && t_on ? "; " : "",
        t_on ? check_str(ctx->r, "tuned cpu-partitioning isolated_cores "
                         "%s", t_ok ? ctx_cpus(ctx, tuned) : "unreadable")
        : "");
    enum check_level level = CHECK_PASS;
    const char *fix = NULL;

    if (ctx->plan) {
        hwloc_bitmap_copy(want, ctx->plan->kernel.isolated_cpus);
    }
    if (!g_on && !t_on) {
        found = "neither /etc/default/grub.d/nfvhost.cfg nor tuned's "
                "cpu-partitioning profile";
        level = ctx->plan ? CHECK_WARN : CHECK_PASS;
        fix = ctx->plan ? boot_fix(ctx) : NULL;
    } else if ((g_on && !g_ok) || (t_on && !t_ok)) {
        level = CHECK_FAIL;
        fix = "the isolated CPU list does not parse: correct it";
    } else if (g_on && t_on && !hwloc_bitmap_isequal(grub, tuned)) {
        level = CHECK_FAIL;
        fix = "they disagree and whichever rewrites the kernel command line "
              "last wins: keep one (the plan writes both the same)";
    } else if (ctx->plan && !hwloc_bitmap_isequal(g_on ? grub : tuned,
                                                  want)) {
        level = CHECK_FAIL;
        fix = boot_fix(ctx);
    }
    check_add(ctx->r, level, "kernel.boot-config", NULL,
              "what persists the kernel arguments across reboots", found,
              ctx->plan ? check_str(ctx->r, "isolated CPUs %s, as planned",
                                    ctx_cpus(ctx, want))
              : "GRUB drop-in and tuned agreeing, where both are active",
              fix);
    hwloc_bitmap_free(grub);
    hwloc_bitmap_free(tuned);
    hwloc_bitmap_free(want);
}

void
check_kernel(struct check_ctx *ctx)
{
    char *line = ctx_read(ctx, "/proc/cmdline");
    struct args now;

    if (!line) {
        check_add(ctx->r, CHECK_ERROR, "kernel.cmdline", NULL,
                  "the kernel command line",
                  check_str(ctx->r, "%s/proc/cmdline cannot be read",
                            ctx->root), NULL, "run as root on the host");
        return;
    }
    args_parse(line, &now);
    free(line);
    if (ctx->plan) {
        check_planned_args(ctx, &now);
    }
    check_applied(ctx, &now, "isolcpus", "isolated",
                  "kernel.isolcpus-applied");
    check_applied(ctx, &now, "nohz_full", "nohz_full",
                  "kernel.nohz_full-applied");
    check_iommu(ctx, &now);
    check_thp(ctx);
    check_governor(ctx);
    check_cstates(ctx);
    check_boot_config(ctx);
    args_destroy(&now);
}
