/* test-check.c: unit tests of check/: the exit status of a report,
 * --only's parser, and --watch's "only what changed".  (The netlink
 * reply parser of VF settings check reads is lib/vfinfo's, tested in
 * test-vfinfo.c.) */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/print.h"
#include "tests/unit/tap.h"

static void
test_status(void)
{
    struct check_report r;

    check_report_init(&r);
    is_int(check_report_status(&r), 0, "an empty report: exit 0");
    check_add(&r, CHECK_WARN, "kernel.thp", NULL, "THP", "always", NULL,
              "fix");
    is_int(check_report_status(&r), 0, "a WARN: exit 0");
    check_add(&r, CHECK_ERROR, "vm.libvirt", "x", "libvirt", "down", NULL,
              "fix");
    is_int(check_report_status(&r), 1, "an ERROR: exit 1");
    check_add(&r, CHECK_FAIL, "irq.affinity", "irq 3", "IRQ 3", "on 3",
              "0", "fix");
    is_int(check_report_status(&r), 4, "a FAIL wins over an ERROR: exit 4");
    ok(r.findings[0].fix && !strcmp(r.findings[0].id, "kernel.thp"),
       "findings keep their id and fix");
    check_add(&r, CHECK_PASS, "kernel.thp", NULL, "THP", "madvise", NULL,
              "fix");
    ok(!r.findings[3].fix, "a PASS has no fix");
    check_report_destroy(&r);
}

static void
test_layers(void)
{
    struct diag d;
    unsigned layers;

    diag_init(&d);
    is_int(check_parse_layers("kernel,loss", &layers, &d), 0,
           "--only kernel,loss");
    is_int(layers, (1u << CHECK_KERNEL) | (1u << CHECK_LOSS),
           "... the two layers");
    is_int(check_parse_layers("kernel,dpdk", &layers, &d), NFV_EINPUT,
           "--only kernel,dpdk: bad input");
    ok(strstr(d.msg, "unknown layer 'dpdk'") != NULL, "... naming it: %s",
       d.msg);
    diag_destroy(&d);
}

/* --watch prints a finding once, then again only when its level
 * changes, and says when it cleared. */
static void
test_changes(void)
{
    struct check_report a, b;
    char *text = NULL;
    size_t size = 0, n;
    FILE *f = open_memstream(&text, &size);

    check_report_init(&a);
    check_report_init(&b);
    check_add(&a, CHECK_FAIL, "loss.guest-not-draining", "vhu0", "ring",
              "10 in 1.0 s", "0", "fix");
    check_add(&b, CHECK_FAIL, "loss.guest-not-draining", "vhu0", "ring",
              "12 in 1.0 s", "0", "fix");
    n = check_print_changes(&a, &b, false, false, f);
    is_int(n, 0, "the same finding with other counts: nothing printed");
    check_report_destroy(&a);
    check_report_init(&a);
    check_add(&a, CHECK_PASS, "loss.drops", NULL, "drops", "none", "none",
              NULL);
    n = check_print_changes(&b, &a, true, false, f);
    fclose(f);
    is_int(n, 2, "drops gone: the new PASS and the cleared FAIL");
    ok(strstr(text, "\"id\": \"loss.drops\"") || strstr(text,
                                                        "\"id\":\"loss"
                                                        ".drops\""),
       "--json: one object per line");
    ok(strstr(text, "\"found\":\"cleared\"") != NULL, "... 'cleared'");
    free(text);
    check_report_destroy(&a);
    check_report_destroy(&b);
}

int
main(void)
{
    test_status();
    test_layers();
    test_changes();
    return done_testing();
}
