/* apply.c: per-node pools, all or nothing; mounts; reset (see apply.h). */
#include <config.h>

#include "hugepage-setup/apply.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "hugepage-setup/mount.h"
#include "hugepage-setup/record.h"
#include "hugepage-setup/request.h"
#include "hugepage-setup/sysfs.h"
#include "lib/changes.h"
#include "lib/sysfs.h"
#include "lib/util.h"

#define GIB_KB (1024UL * 1024)

/* One pool apply touches. */
struct change {
    int node;
    unsigned long size_kb;
    unsigned long before;       /* nr_hugepages before apply. */
    unsigned long asked;
    unsigned long got;          /* Read back after the last write. */
    bool written;               /* Needs restoring on failure. */
};

/* One hugetlbfs mount apply wants. */
struct mount_plan {
    char *dir;
    unsigned long size_kb;
    bool exists;                /* Already mounted there: leave it. */
    bool created_dir;           /* Set once mounted. */
    bool mounted;               /* Mounted by this run. */
};

static const char *
size_str(unsigned long size_kb)
{
    static char bufs[4][32];
    static int i;

    i = (i + 1) % 4;
    return hp_short_size(size_kb, bufs[i], sizeof bufs[i]);
}

/* Writes 'value' to the pool and reads back what the kernel made of it. */
static int
write_pool(const char *root, struct change *c, unsigned long value,
           struct diag *diag)
{
    char *path = hp_pool_path(root, c->node, c->size_kb, "nr_hugepages");
    int error = sysfs_write_ulong(path, value);

    if (!error) {
        error = sysfs_read_ulong(path, &c->got);
    }
    if (error) {
        diag_error(diag, NFV_ESYSTEM, "cannot write %lu to %s: %s", value,
                   path, strerror(-error));
    }
    free(path);
    return error ? NFV_ESYSTEM : 0;
}

static size_t
count_short(const struct change *cs, size_t n)
{
    size_t short_ = 0;

    for (size_t i = 0; i < n; i++) {
        short_ += cs[i].got < cs[i].asked;
    }
    return short_;
}

static const struct change *
first_short(const struct change *cs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (cs[i].got < cs[i].asked) {
            return &cs[i];
        }
    }
    return NULL;
}

static int
write_all(const char *root, struct change *cs, size_t n, bool only_short,
          struct diag *diag)
{
    for (size_t i = 0; i < n; i++) {
        struct change *c = &cs[i];

        if (only_short ? c->got >= c->asked : c->asked == c->before) {
            continue;
        }
        c->written = true;
        if (write_pool(root, c, c->asked, diag)) {
            return NFV_ESYSTEM;
        }
    }
    return 0;
}

/* Asks the kernel to defragment memory, so that a retry can find
 * contiguous 2 MiB (or 1 GiB) blocks. */
static void
compact_memory(const char *root, FILE *out)
{
    char *path = xasprintf("%s/proc/sys/vm/compact_memory", root);
    int error = sysfs_write_ulong(path, 1);

    if (error) {
        fprintf(out, "cannot compact memory (%s: %s); retrying anyway\n",
                path, strerror(-error));
    } else {
        fprintf(out, "short allocation: compacted memory, retrying once\n");
    }
    free(path);
}

static void
rollback(const char *root, struct change *cs, size_t n, struct sbuf *report)
{
    for (size_t i = 0; i < n; i++) {
        struct change *c = &cs[i];
        struct change restore = *c;     /* Keeps c->got for advise(). */
        struct diag d;

        if (!c->written) {
            continue;
        }
        diag_init(&d);
        sbuf_printf(report, "  node %d, %s pages: asked %lu, got %lu; ",
                    c->node, size_str(c->size_kb), c->asked, c->got);
        if (write_pool(root, &restore, c->before, &d)
            || restore.got != c->before) {
            sbuf_printf(report, "NOT restored to %lu (%s)\n", c->before,
                        d.status ? d.msg : "the kernel kept more");
        } else {
            sbuf_printf(report, "restored to %lu\n", c->before);
        }
        diag_destroy(&d);
    }
}

static void
advise(const struct change *cs, size_t n, struct sbuf *report)
{
    bool big = false, small = false;

    for (size_t i = 0; i < n; i++) {
        if (cs[i].got < cs[i].asked) {
            big |= cs[i].size_kb >= GIB_KB;
            small |= cs[i].size_kb < GIB_KB;
        }
    }
    if (big) {
        sbuf_puts(report, "what to do: 1G pages must be reserved at boot: "
                  "install the GRUB drop-in the planner wrote (grub.d/"
                  "nfvhost.cfg) as /etc/default/grub.d/nfvhost.cfg, or run "
                  "'nfvhost hugepages apply --persist', then update-grub and "
                  "reboot\n");
    }
    if (small) {
        sbuf_puts(report, "what to do: the node's free memory is too little "
                  "or too fragmented: stop what uses it and retry, or reserve "
                  "the pages at boot with the GRUB drop-in the planner wrote "
                  "(grub.d/nfvhost.cfg) or 'apply --persist'\n");
    }
}

static struct change *
make_changes(const struct hp_system *s, const struct hp_requests *rs)
{
    struct change *cs = xcalloc(rs->n ? rs->n : 1, sizeof *cs);

    for (size_t i = 0; i < rs->n; i++) {
        const struct hp_pool *p = hp_system_pool(s, rs->r[i].node,
                                                 rs->r[i].size_kb);
        cs[i] = (struct change) {
            .node = p->node, .size_kb = p->size_kb, .before = p->nr,
            .asked = rs->r[i].count, .got = p->nr,
        };
    }
    return cs;
}

static size_t
plan_mounts(const struct hp_requests *rs, const struct hp_apply_opts *o,
            struct mount_plan **mps)
{
    size_t n = 0;

    *mps = NULL;
    for (size_t i = 0; i < rs->n; i++) {
        bool seen = false;

        for (size_t j = 0; j < n; j++) {
            seen |= (*mps)[j].size_kb == rs->r[i].size_kb;
        }
        if (!seen && rs->r[i].count > 0) {
            *mps = xrealloc(*mps, (n + 1) * sizeof **mps);
            (*mps)[n++] = (struct mount_plan) {
                .dir = hp_mount_dir(o->mount_base, rs->r[i].size_kb),
                .size_kb = rs->r[i].size_kb,
            };
        }
    }
    return n;
}

/* Never mounts twice: a mountpoint that already holds hugetlbfs of the
 * right size is left as it is; one with another size is an error. */
static int
check_mounts(const char *root, struct mount_plan *mps, size_t n, FILE *out,
             struct diag *diag)
{
    struct hp_mounts ms;
    int error = 0;

    hp_mounts_load(root, &ms);
    for (size_t i = 0; i < n && !error; i++) {
        const struct hp_mount *m = hp_mounts_find_dir(&ms, mps[i].dir);

        if (!m) {
            continue;
        }
        if (m->size_kb != mps[i].size_kb) {
            error = diag_error(diag, NFV_ESYSTEM, "%s is already a hugetlbfs "
                               "mount of %s pages, not %s; pass another "
                               "--mount-dir", mps[i].dir,
                               size_str(m->size_kb),
                               size_str(mps[i].size_kb));
            break;
        }
        mps[i].exists = true;
        fprintf(out, "%s: already a hugetlbfs mount of %s pages; "
                "leaving it\n", mps[i].dir, size_str(m->size_kb));
        if (m->stat_ok && (m->uid != 0 || !hp_mount_mode_ok(m->mode))) {
            diag_warn(diag, "%s is owned by uid %u gid %u mode %04o, not "
                      "root mode %04o (or 1771, as libvirtd leaves it); "
                      "nfvhost did not mount it and leaves "
                      "it as it is", mps[i].dir, (unsigned) m->uid,
                      (unsigned) m->gid, (unsigned) m->mode, HP_MOUNT_MODE);
        }
    }
    hp_mounts_destroy(&ms);
    return error;
}

/* For --json (lib/changes.h): a pool from 'before' to 'after' pages. */
static void
note_pool(const struct hp_apply_opts *o, const struct change *c,
          unsigned long after)
{
    char before_s[32], after_s[32];

    if (o->changes) {
        snprintf(before_s, sizeof before_s, "%lu", c->before);
        snprintf(after_s, sizeof after_s, "%lu", after);
        changes_addf(o->changes, before_s, after_s, "node %d, %s pages",
                     c->node, size_str(c->size_kb));
    }
}

static void
note_mount(const struct hp_apply_opts *o, const struct mount_plan *mp)
{
    if (o->changes) {
        char *after = xasprintf("hugetlbfs pagesize=%s, root:%s, mode %04o",
                                size_str(mp->size_kb), o->group,
                                HP_MOUNT_MODE);
        changes_addf(o->changes, "not mounted", after, "%s", mp->dir);
        free(after);
    }
}

static void
print_dry_run(const char *root, const struct change *cs, size_t n,
              const struct mount_plan *mps, size_t n_mps,
              const struct hp_apply_opts *o, FILE *out)
{
    for (size_t i = 0; i < n; i++) {
        const struct change *c = &cs[i];
        char *path = hp_pool_path(root, c->node, c->size_kb,
                                  "nr_hugepages");

        if (c->asked == c->before) {
            fprintf(out, "node %d, %s pages: already %lu, nothing to "
                    "write\n", c->node, size_str(c->size_kb), c->before);
        } else {
            fprintf(out, "would write %lu to %s (now %lu)\n", c->asked, path,
                    c->before);
            note_pool(o, c, c->asked);
        }
        free(path);
    }
    for (size_t i = 0; i < n_mps && o->mount; i++) {
        if (!mps[i].exists) {
            fprintf(out, "would mount hugetlbfs on %s: pagesize=%s, "
                    "root:%s, mode %04o\n", mps[i].dir,
                    size_str(mps[i].size_kb), o->group, HP_MOUNT_MODE);
            note_mount(o, &mps[i]);
        }
    }
}

static int
do_mounts(struct mount_plan *mps, size_t n, const struct hp_apply_opts *o,
          FILE *out, struct diag *diag)
{
    for (size_t i = 0; i < n; i++) {
        struct mount_plan *mp = &mps[i];

        if (mp->exists) {
            continue;
        }
        if (hp_mount(mp->dir, mp->size_kb, o->gid, &mp->created_dir, diag)) {
            return NFV_ESYSTEM;
        }
        mp->mounted = true;
        fprintf(out, "mounted hugetlbfs on %s: pagesize=%s, root:%s, mode "
                "%04o\n", mp->dir, size_str(mp->size_kb), o->group,
                HP_MOUNT_MODE);
        note_mount(o, mp);
    }
    return 0;
}

static void
undo_mounts(struct mount_plan *mps, size_t n, struct sbuf *report)
{
    for (size_t i = 0; i < n; i++) {
        struct diag d;

        if (!mps[i].mounted) {
            continue;
        }
        diag_init(&d);
        if (hp_umount(mps[i].dir, mps[i].created_dir, &d)) {
            sbuf_printf(report, "  %s\n", d.msg);
        } else {
            sbuf_printf(report, "  unmounted %s again\n", mps[i].dir);
        }
        diag_destroy(&d);
    }
}

static void
print_result(const struct change *cs, size_t n,
             const struct hp_apply_opts *o, FILE *out)
{
    for (size_t i = 0; i < n; i++) {
        if (cs[i].written) {
            fprintf(out, "node %d, %s pages: %lu -> %lu\n", cs[i].node,
                    size_str(cs[i].size_kb), cs[i].before, cs[i].got);
            note_pool(o, &cs[i], cs[i].got);
        } else {
            fprintf(out, "node %d, %s pages: already %lu\n", cs[i].node,
                    size_str(cs[i].size_kb), cs[i].got);
        }
    }
}

/* Records, before the first write, the size every pool to be written has
 * now, so that an apply stopped anywhere after this point (even by
 * SIGKILL) can be reset.  The pools it adds are those from 'n_before' on. */
static int
record_before(struct hp_record *rec, const struct change *cs, size_t n,
              struct diag *diag)
{
    for (size_t i = 0; i < n; i++) {
        if (cs[i].asked != cs[i].before) {
            hp_record_pool(rec, cs[i].node, cs[i].size_kb, cs[i].before);
        }
    }
    return hp_record_save(rec, diag);
}

/* After a rollback, the record forgets the pools this apply added, unless
 * one could not be restored: reset may still put that one back. */
static void
record_rollback(struct hp_record *rec, size_t n_before, const char *root)
{
    struct diag d;

    for (size_t i = rec->n_pools; i-- > n_before;) {
        const struct hp_record_pool *rp = &rec->pools[i];
        char *path = hp_pool_path(root, rp->node, rp->size_kb,
                                  "nr_hugepages");
        unsigned long now;

        if (!sysfs_read_ulong(path, &now) && now == rp->before) {
            hp_record_drop_pool(rec, i);
        }
        free(path);
    }
    diag_init(&d);
    hp_record_save(rec, &d);
    diag_destroy(&d);
}

/* Pools (all or nothing), then mounts, then the record with the mounts;
 * a failure at any step undoes the earlier ones. */
static int
write_and_mount(const struct hp_system *s, struct change *cs, size_t n,
                struct mount_plan *mps, size_t n_mps,
                const struct hp_apply_opts *o, struct hp_record *rec,
                FILE *out, struct diag *diag)
{
    int error = write_all(s->root, cs, n, false, diag);
    size_t short_ = error ? 0 : count_short(cs, n);

    if (short_ && o->compact) {
        compact_memory(s->root, out);
        error = write_all(s->root, cs, n, true, diag);
        short_ = error ? 0 : count_short(cs, n);
    }
    if (short_) {
        const struct change *c = first_short(cs, n);
        return diag_error(diag, NFV_ESYSTEM, "NUMA node %d gave %lu of %lu "
                          "%s pages%s; every pool is back to its previous "
                          "size", c->node, c->got, c->asked,
                          size_str(c->size_kb),
                          short_ > 1 ? " (and more pools fell short)" : "");
    }
    if (!error && o->mount) {
        error = do_mounts(mps, n_mps, o, out, diag);
    }
    if (!error) {
        for (size_t i = 0; i < n_mps; i++) {
            if (mps[i].mounted) {
                hp_record_mount(rec, mps[i].dir, mps[i].size_kb,
                                mps[i].created_dir);
            }
        }
        error = hp_record_save(rec, diag);
    }
    return error;
}

/* The "before" record first, then the writes with SIGINT, SIGTERM and
 * SIGHUP blocked: a Ctrl-C during a slow 1G allocation takes effect once
 * the pools, the mounts and the record agree again (all applied, or all
 * rolled back), never in between. */
static int
commit(const struct hp_system *s, struct change *cs, size_t n,
       struct mount_plan *mps, size_t n_mps, const struct hp_apply_opts *o,
       struct hp_record *rec, FILE *out, struct sbuf *report,
       struct diag *diag)
{
    size_t n_before = rec->n_pools;
    sigset_t stop, old;
    int error;

    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop, &old);
    error = record_before(rec, cs, n, diag);
    if (error) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return error;
    }
    error = write_and_mount(s, cs, n, mps, n_mps, o, rec, out, diag);
    if (error) {
        undo_mounts(mps, n_mps, report);
        rollback(s->root, cs, n, report);
        record_rollback(rec, n_before, s->root);
        advise(cs, n, report);
    } else {
        print_result(cs, n, o, out);
    }
    fflush(out);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return error;
}

int
hp_apply(const struct hp_system *s, const struct hp_requests *rs,
         const struct hp_apply_opts *o, FILE *out, struct sbuf *report,
         struct diag *diag)
{
    struct mount_plan *mps;
    struct hp_record rec;
    struct change *cs;
    size_t n_mps;
    int error = hp_requests_check(rs, s, diag);

    if (error) {
        return error;
    }
    n_mps = plan_mounts(rs, o, &mps);
    cs = make_changes(s, rs);
    error = o->mount ? check_mounts(s->root, mps, n_mps, out, diag) : 0;
    if (!error) {
        error = hp_record_load(s->root, &rec, diag);
    }
    if (!error) {
        if (o->dry_run) {
            print_dry_run(s->root, cs, rs->n, mps, n_mps, o, out);
            fprintf(out, "would record the previous sizes in %s (for "
                    "reset)\n", rec.path);
        } else {
            error = commit(s, cs, rs->n, mps, n_mps, o, &rec, out, report,
                           diag);
        }
        hp_record_destroy(&rec);
    }
    for (size_t i = 0; i < n_mps; i++) {
        free(mps[i].dir);
    }
    free(mps);
    free(cs);
    return error;
}

static bool
selected(int node, unsigned long size_kb, int want_node,
         unsigned long want_size)
{
    return (want_node < 0 || node == want_node)
           && (!want_size || size_kb == want_size);
}

/* Reset refuses, like apply, to take pages someone has mapped. */
static int
check_reset(const struct hp_system *s, const struct hp_record *rec,
            int node, unsigned long size_kb, struct diag *diag)
{
    for (size_t i = 0; i < rec->n_pools; i++) {
        const struct hp_record_pool *rp = &rec->pools[i];
        const struct hp_pool *p;

        if (!selected(rp->node, rp->size_kb, node, size_kb)) {
            continue;
        }
        p = hp_system_pool(s, rp->node, rp->size_kb);
        if (!p) {
            return diag_error(diag, NFV_ESYSTEM, "%s names node %d, %s "
                              "pages, which this kernel no longer has",
                              rec->path, rp->node, size_str(rp->size_kb));
        }
        if (rp->before < hp_pool_in_use(p)) {
            return diag_error(diag, NFV_EINPUT, "NUMA node %d, %s pages: "
                              "%lu are in use (mapped by OVS or a VM); "
                              "refusing to lower the pool from %lu to %lu; "
                              "stop what maps them first", rp->node,
                              size_str(rp->size_kb), hp_pool_in_use(p),
                              p->nr, rp->before);
        }
    }
    return 0;
}

static bool
size_still_recorded(const struct hp_record *rec, unsigned long size_kb)
{
    for (size_t i = 0; i < rec->n_pools; i++) {
        if (rec->pools[i].size_kb == size_kb) {
            return true;
        }
    }
    return false;
}

static int
reset_pools(const struct hp_system *s, struct hp_record *rec, int node,
            unsigned long size_kb, bool dry_run, FILE *out,
            struct diag *diag)
{
    for (size_t i = 0; i < rec->n_pools;) {
        struct hp_record_pool *rp = &rec->pools[i];
        const struct hp_pool *p;
        struct change c;

        if (!selected(rp->node, rp->size_kb, node, size_kb)) {
            i++;
            continue;
        }
        p = hp_system_pool(s, rp->node, rp->size_kb);   /* checked */
        c = (struct change) { rp->node, rp->size_kb, p->nr, rp->before,
                              p->nr, true };
        if (dry_run) {
            char *path = hp_pool_path(s->root, c.node, c.size_kb,
                                      "nr_hugepages");
            fprintf(out, "would write %lu to %s (now %lu)\n", c.asked, path,
                    c.before);
            free(path);
            i++;
            continue;
        }
        if (write_pool(s->root, &c, c.asked, diag)) {
            return NFV_ESYSTEM;
        }
        if (c.got != c.asked) {
            return diag_error(diag, NFV_ESYSTEM, "node %d, %s pages: wrote "
                              "%lu, the kernel kept %lu", c.node,
                              size_str(c.size_kb), c.asked, c.got);
        }
        fprintf(out, "node %d, %s pages: %lu -> %lu\n", c.node,
                size_str(c.size_kb), c.before, c.got);
        hp_record_drop_pool(rec, i);
    }
    return 0;
}

/* Unmounts what apply mounted for sizes no longer recorded; before the
 * pools shrink, a busy mount stops the reset early. */
static int
reset_mounts(struct hp_record *rec, const struct hp_record *after, bool dry_run,
             FILE *out, struct diag *diag)
{
    for (size_t i = 0; i < rec->n_mounts;) {
        struct hp_record_mount *m = &rec->mounts[i];

        if (size_still_recorded(after, m->size_kb)) {
            i++;
        } else if (dry_run) {
            fprintf(out, "would unmount %s\n", m->dir);
            i++;
        } else if (hp_umount(m->dir, m->created_dir, diag)) {
            return NFV_ESYSTEM;
        } else {
            fprintf(out, "unmounted %s\n", m->dir);
            hp_record_drop_mount(rec, i);
        }
    }
    return 0;
}

int
hp_reset(const struct hp_system *s, int node, unsigned long size_kb,
         bool dry_run, FILE *out, struct diag *diag)
{
    struct hp_record rec, after;
    int error = hp_record_load(s->root, &rec, diag);

    if (error) {
        return error;
    }
    if (!rec.n_pools && !rec.n_mounts) {
        fprintf(out, "nothing to reset: nfvhost has not changed the "
                "hugepages (no %s)\n", rec.path);
        hp_record_destroy(&rec);
        return 0;
    }
    error = check_reset(s, &rec, node, size_kb, diag);
    if (!error) {
        /* What the record will hold once the selected pools are reset. */
        memset(&after, 0, sizeof after);
        for (size_t i = 0; i < rec.n_pools; i++) {
            if (!selected(rec.pools[i].node, rec.pools[i].size_kb, node,
                          size_kb)) {
                hp_record_pool(&after, rec.pools[i].node,
                               rec.pools[i].size_kb, rec.pools[i].before);
            }
        }
        error = reset_mounts(&rec, &after, dry_run, out, diag);
        hp_record_destroy(&after);
    }
    if (!error) {
        error = reset_pools(s, &rec, node, size_kb, dry_run, out, diag);
    }
    if (!dry_run) {
        /* Saved even after a failure: what was undone stays undone. */
        struct diag d;
        diag_init(&d);
        if (hp_record_save(&rec, error ? &d : diag) && !error) {
            error = diag->status;
        }
        diag_destroy(&d);
    }
    hp_record_destroy(&rec);
    return error;
}
