/* test-hugepages.c: unit tests of hugepage-setup's pure parts: page sizes,
 * systemd mount unit names, /proc/mounts parsing, plan.json requests and
 * their checks against a small fake sysfs tree. */
#include <config.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hugepage-setup/mount.h"
#include "hugepage-setup/persist.h"
#include "hugepage-setup/request.h"
#include "hugepage-setup/sysfs.h"
#include "lib/plan-file.h"
#include "lib/util.h"
#include "tests/unit/tap.h"

static char root[] = "/tmp/nfvhost-hp-unit.XXXXXX";

static void
put(const char *rel, const char *text)
{
    char *path = xasprintf("%s/%s", root, rel);
    char *cmd = xasprintf("mkdir -p \"$(dirname '%s')\"", path);

    if (system(cmd) || write_file_atomic(path, text, 0644)) {
        perror(path);
        exit(1);
    }
    free(cmd);
    free(path);
}

static void
test_sizes(void)
{
    unsigned long kb = 0;
    char buf[32];

    ok(hp_parse_size("2M", &kb) && kb == 2048, "2M is 2048 kB");
    ok(hp_parse_size("1G", &kb) && kb == 1048576, "1G is 1048576 kB");
    ok(hp_parse_size("2048kB", &kb) && kb == 2048, "2048kB");
    ok(hp_parse_size("64k", &kb) && kb == 64, "64k");
    ok(!hp_parse_size("2X", &kb), "2X is refused");
    ok(!hp_parse_size("0M", &kb), "0M is refused");
    ok(!hp_parse_size("-2M", &kb), "-2M is refused");
    is_str(hp_short_size(2048, buf, sizeof buf), "2M", "short 2048 kB");
    is_str(hp_short_size(1048576, buf, sizeof buf), "1G", "short 1 GiB");
    is_str(hp_short_size(64, buf, sizeof buf), "64K", "short 64 kB");
}

static void
test_unit_names(void)
{
    static const char *cases[][2] = {
        { "/dev/hugepages", "dev-hugepages.mount" },
        { "/dev/hugepages1G", "dev-hugepages1G.mount" },
        { "/mnt/huge-pages/", "mnt-huge\\x2dpages.mount" },
        { "//srv//.hp", "srv-.hp.mount" },
        { "/.hp/a.b", "\\x2ehp-a.b.mount" },
        { "/", "-.mount" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *name = hp_mount_unit_name(cases[i][0]);
        is_str(name, cases[i][1], "unit name of %s", cases[i][0]);
        free(name);
    }
}

static void
test_mounts(void)
{
    struct hp_mounts ms;
    char *dir;

    put("proc/meminfo", "MemTotal: 100 kB\nHugepagesize:       2048 kB\n");
    put("proc/mounts",
        "sysfs /sys sysfs rw 0 0\n"
        "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n"
        "none /mnt/huge\\040pages hugetlbfs rw,pagesize=1024M 0 0\n"
        "none /old hugetlbfs rw 0 0\n");
    hp_mounts_load(root, &ms);
    is_int(ms.n, 3, "three hugetlbfs mounts");
    is_str(ms.m[0].dir, "/dev/hugepages", "first mountpoint");
    is_int(ms.m[0].size_kb, 2048, "pagesize=2M");
    is_str(ms.m[1].dir, "/mnt/huge pages", "\\040 unescaped");
    is_int(ms.m[1].size_kb, 1048576, "pagesize=1024M");
    is_int(ms.m[2].size_kb, 2048, "no pagesize: the default size");
    ok(hp_mounts_find_dir(&ms, "/old") == &ms.m[2], "find by dir");
    ok(!hp_mounts_find_dir(&ms, "/dev"), "a prefix is no match");
    hp_mounts_destroy(&ms);

    dir = hp_mount_dir("/dev", 2048);
    is_str(dir, "/dev/hugepages", "2M mountpoint");
    free(dir);
    dir = hp_mount_dir("/x", 1048576);
    is_str(dir, "/x/hugepages1G", "1G mountpoint");
    free(dir);
}

static void
make_tree(void)
{
#define POOL "sys/devices/system/node/node%d/hugepages/hugepages-%dkB/%s"
    int nodes[] = { 0, 3 };

    put("sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "0\n");
    put("sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "0\n");
    for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
        char *p = xasprintf(POOL, nodes[i], 2048, "nr_hugepages");
        char *f = xasprintf(POOL, nodes[i], 2048, "free_hugepages");
        char *m = xasprintf("sys/devices/system/node/node%d/meminfo",
                            nodes[i]);

        put(p, nodes[i] ? "10\n" : "0\n");
        put(f, nodes[i] ? "4\n" : "0\n");
        put(m, "Node 0 MemTotal:  1048576 kB\n");
        free(p);
        free(f);
        free(m);
    }
    put("sys/devices/system/node/node0/hugepages/hugepages-1048576kB/"
        "nr_hugepages", "0\n");
}

static int
check(struct hp_system *s, int node, const char *size, unsigned long count,
      struct diag *d)
{
    struct hp_requests rs;
    unsigned long kb;
    int error;

    hp_parse_size(size, &kb);
    hp_requests_init(&rs);
    hp_requests_set(&rs, node, kb, count);
    diag_destroy(d);
    diag_init(d);
    error = hp_requests_check(&rs, s, d);
    hp_requests_destroy(&rs);
    return error;
}

static void
test_requests(void)
{
    struct hp_system s;
    struct hp_requests rs;
    struct diag d;
    struct plan_file_numa nodes[2] = {
        { .id = 0, .hugepages = { .size_kb = 2048, .count = 7 } },
        { .id = 3, .hugepages = { .size_kb = 2048, .count = 8 } },
    };
    struct plan_file plan = { .path = NULL };

    make_tree();
    diag_init(&d);
    is_int(hp_system_load(root, &s, &d), 0, "fake tree loads");
    is_int(s.n_nodes, 2, "two nodes");
    is_int(s.nodes[1].id, 3, "node ids keep their gap");
    is_int(s.n_pools, 3, "three pools (node 3 has no 1G)");
    is_int(hp_pool_in_use(hp_system_pool(&s, 3, 2048)), 6, "6 in use");

    is_int(check(&s, 0, "2M", 100, &d), 0, "node 0, 100 x 2M is fine");
    is_int(check(&s, 1, "2M", 1, &d), NFV_EINPUT, "node 1 is refused");
    is_str(d.msg, "NUMA node 1 does not exist on this host (nodes: 0,3)",
           "message names the node");
    is_int(check(&s, 3, "1G", 1, &d), NFV_EINPUT, "node 3 has no 1G");
    ok(strstr(d.msg, "NUMA node 3 does not offer 1G pages") != NULL,
       "message names node and size: %s", d.msg);
    is_int(check(&s, 0, "16G", 1, &d), NFV_EINPUT, "16G is not offered");
    is_str(d.msg, "page size 16G (16777216 kB) is not offered by this "
           "kernel (sizes: 2M, 1G)", "message lists the sizes");
    is_int(check(&s, 3, "2M", 5, &d), NFV_EINPUT, "in-use pages stay");
    ok(strstr(d.msg, "6 are in use") != NULL, "message: %s", d.msg);
    is_int(check(&s, 3, "2M", 6, &d), 0, "lowering to the in-use count is "
           "fine");
    is_int(check(&s, 0, "2M", 513, &d), NFV_EINPUT, "513 x 2M do not fit "
           "1 GiB");
    is_str(d.msg, "NUMA node 0: 513 x 2M asked = 1026 MiB of hugepages do "
           "not fit its 1024 MiB of memory; lower the count", "fit message");

    /* Defect: count * size wrapped around and "fitted". */
    is_int(check(&s, 0, "2M", ULONG_MAX / 1024 + 1, &d), NFV_EINPUT,
           "a count whose size overflows 64 bits is refused");
    ok(strstr(d.msg, "overflows 64 bits") != NULL, "message: %s", d.msg);

    plan.numa_nodes = nodes;
    plan.n_numa_nodes = 2;
    hp_requests_init(&rs);
    hp_requests_from_plan(&plan, &rs);
    is_int(rs.n, 2, "a plan's two nodes give two requests");
    is_int(hp_requests_find(&rs, 3, 2048)->count, 8, "node 3 wants 8");
    hp_requests_destroy(&rs);
    hp_system_destroy(&s);
    diag_destroy(&d);
}

/* The GRUB drop-in's text for 1G pages on nodes 0 and 2 (no plan) when
 * 'release' boots, and the boot unit's. */
static char *
persist_text(const char *release, const char *which)
{
    struct hp_persist_opts o = {
        .root = root, .mount_base = "/dev/hugepages", .group = "kvm",
        .kernel_release = release,
    };
    struct hp_persist ps = { NULL, 0 };
    struct hp_requests rs;
    char *text = NULL;
    struct diag d;

    diag_init(&d);
    hp_requests_init(&rs);
    hp_requests_set(&rs, 0, 1048576, 3);
    hp_requests_set(&rs, 2, 1048576, 1);
    hp_requests_set(&rs, 0, 2048, 16);
    ok(!hp_persist_prepare(&rs, &o, &ps, &d), "persist with kernel %s",
       release);
    for (size_t i = 0; i < ps.n; i++) {
        if (ps.files[i].text && strstr(ps.files[i].path, which)) {
            text = xstrdup(ps.files[i].text);
        }
    }
    hp_persist_destroy(&ps);
    hp_requests_destroy(&rs);
    diag_destroy(&d);
    return text ? text : xstrdup("");
}

/* "hugepages=0:3,2:1" needs Linux 5.16; before, the total, and the boot
 * unit moves the 1G pages to their nodes (every node gives back its
 * surplus first, then each is set and read back). */
static void
test_boot_form(void)
{
    char *grub = persist_text("6.1.0-18-amd64", "grub.d");
    char *old = persist_text("5.10.0-28-amd64", "grub.d");
    char *unit = persist_text("5.10.0-28-amd64", "nfvhost-hugepages");
    const char *shrink0, *set0, *set2;

    ok(strstr(grub, "hugepagesz=1G hugepages=0:3,2:1\"") != NULL,
       "kernel 6.1: hugepages=0:3,2:1, per node");
    ok(strstr(old, "hugepagesz=1G hugepages=4\"") != NULL,
       "kernel 5.10: hugepages=4, the total");
    ok(!strstr(old, ":3"), "kernel 5.10: no node form anywhere");
    shrink0 = strstr(unit, "node0/hugepages/hugepages-1048576kB/"
                     "nr_hugepages; [ -e $$f ] || exit 0; "
                     "[ $$(cat $$f) -le 3 ] || echo 3 >$$f'");
    set0 = strstr(unit, "node0/hugepages/hugepages-1048576kB/"
                  "nr_hugepages; echo 3 >$$f;");
    set2 = strstr(unit, "node2/hugepages/hugepages-1048576kB/"
                  "nr_hugepages; echo 1 >$$f;");
    ok(shrink0 && set0 && set2, "the boot unit sets the 1G pools of nodes "
       "0 and 2");
    ok(strstr(unit, "node2/hugepages/hugepages-1048576kB/nr_hugepages; "
              "[ -e $$f ] || exit 0; [ $$(cat $$f) -le 1 ]") != NULL
       && shrink0 && set0 && shrink0 < set0 && set0 < set2,
       "... after every node gave back its surplus");
    ok(strstr(unit, "node0/hugepages/hugepages-2048kB/nr_hugepages; "
              "echo 16 >$$f;") != NULL, "... and the 2M pool of node 0");
    free(grub);
    free(old);
    free(unit);
}

int
main(void)
{
    char *cmd;

    if (!mkdtemp(root)) {
        perror(root);
        return 1;
    }
    test_sizes();
    test_unit_names();
    test_mounts();
    test_requests();
    test_boot_form();
    cmd = xasprintf("rm -rf '%s'", root);
    if (system(cmd)) {
        perror(cmd);
    }
    free(cmd);
    return done_testing();
}
