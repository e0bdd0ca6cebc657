/* test-util.c: CPU list and mask formatting, size and number parsing
 * (lib/parse.h), the OVS socket memory formula and the intent defaults. */
#include <config.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "planner/intent.h"
#include "planner/plan.h"
#include "lib/grub.h"
#include "lib/parse.h"
#include "lib/util.h"
#include "tests/unit/tap.h"

static void
test_cpulists(void)
{
    hwloc_bitmap_t set = xbitmap();
    char *s;

    ok(cpulist_parse("0-3,8,10-11", set), "cpulist_parse accepts ranges");
    s = cpulist_format(set);
    is_str(s, "0-3,8,10-11", "cpulist_format round-trips");
    free(s);
    s = cpumask_format(set);
    is_str(s, "0xd0f", "cpumask_format: hex mask OVS reads");
    free(s);
    hwloc_bitmap_zero(set);
    hwloc_bitmap_set(set, 64);
    hwloc_bitmap_set(set, 0);
    s = cpumask_format(set);
    is_str(s, "0x10000000000000001", "mask past 64 CPUs has no separators");
    free(s);
    hwloc_bitmap_zero(set);
    s = cpumask_format(set);
    is_str(s, "0x0", "empty mask");
    free(s);
    s = cpulist_format(set);
    is_str(s, "", "empty list");
    free(s);
    ok(!cpulist_parse("3-1", set), "cpulist_parse rejects a reversed range");
    ok(!cpulist_parse("1,,2", set), "cpulist_parse rejects an empty item");
    ok(!cpulist_parse("a", set), "cpulist_parse rejects letters");
    hwloc_bitmap_free(set);
}

static void
test_sizes(void)
{
    uint64_t mb = 0;

    ok(parse_size_mb("4G", &mb) && mb == 4096, "4G is 4096 MiB");
    ok(parse_size_mb("512M", &mb) && mb == 512, "512M is 512 MiB");
    ok(parse_size_mb("2048", &mb) && mb == 2048, "bare numbers are MiB");
    ok(parse_size_mb("1T", &mb) && mb == 1048576, "1T");
    ok(!parse_size_mb("4X", &mb), "unknown unit rejected");
    ok(!parse_size_mb("-4G", &mb), "negative rejected");
    ok(!parse_size_mb("99999999999999999999G", &mb), "overflow rejected");
    ok(!parse_size_mb("17592186044416T", &mb), "a size whose bytes "
       "overflow 64 bits is rejected");
}

/* lib/parse.h: every number is checked the same way. */
static void
test_parse(void)
{
    uint64_t u = 0, r = 0;
    unsigned mode = 0;
    long l = 0;
    int i = 0;

    ok(parse_int("42", 0, 100, &i) && i == 42, "parse_int 42");
    ok(!parse_int("101", 0, 100, &i), "parse_int: above the range");
    ok(!parse_int(" 4", 0, 100, &i), "parse_int: no leading space");
    ok(!parse_int("+4", 0, 100, &i), "parse_int: no plus sign");
    ok(!parse_int("4x", 0, 100, &i), "parse_int: no trailing junk");
    ok(!parse_int("", 0, 100, &i), "parse_int: empty");
    ok(!parse_int("-1", 0, 100, &i), "parse_int: no minus below 0");
    ok(parse_int("-1", -1, 100, &i) && i == -1, "parse_int -1 when allowed");
    ok(!parse_int("99999999999999999999999", 0, 100, &i),
       "parse_int: ERANGE is an error");
    ok(!parse_long("99999999999999999999999", 0, LONG_MAX, &l),
       "parse_long: ERANGE is an error, not LONG_MAX");
    ok(!parse_uint64("99999999999999999999999", UINT64_MAX, &u),
       "parse_uint64: ERANGE is an error, not UINT64_MAX");
    ok(parse_uint64("18446744073709551615", UINT64_MAX, &u)
       && u == UINT64_MAX, "parse_uint64: UINT64_MAX itself");
    ok(!parse_uint64("-1", UINT64_MAX, &u), "parse_uint64: no minus "
       "(strtoull would wrap it)");
    ok(parse_hex("0x8086", 0xffff, &u) && u == 0x8086, "parse_hex 0x8086");
    ok(parse_hex("1572", 0xffff, &u) && u == 0x1572, "parse_hex without 0x");
    ok(!parse_hex("0x", 0xffff, &u), "parse_hex: no digits");
    ok(parse_mode("0770", &mode) && mode == 0770, "parse_mode 0770");
    ok(!parse_mode("0778", &mode), "parse_mode: 8 is not octal");
    ok(!parse_mode("17777", &mode), "parse_mode: above 07777");
    {
        int kv = 0;
        ok(parse_kernel_version("6.1", &kv) && kv == 6001,
           "parse_kernel_version 6.1");
        ok(parse_kernel_version("5.15.0-91-generic", &kv) && kv == 5015,
           "parse_kernel_version 5.15.0-91-generic");
        ok(parse_kernel_version("6.18.44-fc-v657", &kv) && kv == 6018,
           "parse_kernel_version 6.18.44-fc-v657 (uname -r here)");
        ok(!parse_kernel_version("6", &kv), "parse_kernel_version: 6 alone");
        ok(!parse_kernel_version("v6.1", &kv),
           "parse_kernel_version: a leading v");
        ok(!parse_kernel_version("6.1 rc", &kv),
           "parse_kernel_version: a space");
    }
    ok(mul_u64(1u << 31, 1u << 31, &r) && r == 1ULL << 62, "mul_u64 fits");
    ok(!mul_u64(UINT64_MAX / 2, 3, &r), "mul_u64 overflow");
    ok(!add_u64(UINT64_MAX, 1, &r), "add_u64 overflow");
    {
        double dv = 0;

        ok(parse_double("0.25", 0, 10, &dv) && dv == 0.25,
           "parse_double 0.25");
        ok(parse_double("2", 0, 10, &dv) && dv == 2, "parse_double 2");
        ok(!parse_double("11", 0, 10, &dv), "parse_double: above the range");
        ok(!parse_double(" 1", 0, 10, &dv), "parse_double: no leading space");
        ok(!parse_double("1s", 0, 10, &dv), "parse_double: no trailing junk");
        ok(!parse_double("nan", 0, 10, &dv) && !parse_double("inf", 0, 1e9,
                                                             &dv),
           "parse_double: no nan, no inf");
        ok(!parse_double("1e999", 0, 1e308, &dv), "parse_double: ERANGE");
    }
}

static void
test_socket_mem(void)
{
    /* TripleO derive-params values quoted in BRIEF section 3. */
    is_int(ovs_socket_mem_mb(1500), 2048, "socket memory for MTU 1500");
    is_int(ovs_socket_mem_mb(9000), 3072, "socket memory for MTU 9000");
    is_int(ovs_socket_mem_mb(68), 1024, "socket memory for MTU 68");
}

static void
test_defaults(void)
{
    struct intent in;

    intent_default(&in);
    is_int(in.housekeeping_cores_per_numa, 1, "default: 1 housekeeping core");
    is_int(intent_pmd_cores(&in, 5), 1, "default: 1 PMD core per node");
    ok(in.emulator_policy == EMU_SHARE && in.emulator_shared_cores == 1,
       "default: emulator share on 1 core");
    is_int(in.n_vms, 0, "default: no VMs listed");
    intent_destroy(&in);
}

/* Issue 11, defect 2: the one drop-in writer refuses shell, whoever
 * calls it (the plan reader refuses it first). */
static void
test_grub_dropin(void)
{
    char *good[] = { "isolcpus=managed_irq,domain,2-5", "hugepagesz=1G" };
    char *evil[] = { "quiet", "\"; touch /tmp/x; x=\"" };
    char *dollar[] = { "$(reboot)" };
    char *text = grub_dropin("# h\n", good, 2);

    is_str(text, "# h\nGRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_"
           "DEFAULT isolcpus=managed_irq,domain,2-5 hugepagesz=1G\"\n",
           "grub_dropin: the arguments after the old value, in quotes");
    free(text);
    ok(!grub_dropin("", evil, 2), "grub_dropin refuses the audit's "
       "'\"; touch /tmp/x; x=\"'");
    ok(!grub_dropin("", dollar, 1), "grub_dropin refuses $(...)");
}

int
main(void)
{
    test_cpulists();
    test_sizes();
    test_parse();
    test_socket_mem();
    test_defaults();
    test_grub_dropin();
    return done_testing();
}
