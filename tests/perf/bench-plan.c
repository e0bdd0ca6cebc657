/* bench-plan.c: time 'topology XML -> plan -> plan.json' in process.
 *
 * Usage: bench-plan [-n ITERATIONS] FILE.xml [INTENT.ini]
 * Prints wall time per plan (min, median, max over the iterations) and the
 * peak resident memory of the process.  Used by tests/perf/bench-plan.sh;
 * a benchmark, not a test: it asserts nothing. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "planner/emit.h"
#include "planner/intent.h"
#include "planner/plan.h"
#include "planner/topology.h"

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a_, const void *b_)
{
    double a = *(const double *) a_, b = *(const double *) b_;
    return (a > b) - (a < b);
}

static int
plan_once(const char *xml, const char *intent_file)
{
    struct topology_source src = { .xml_file = xml };
    struct nfv_topology topo;
    struct intent intent;
    struct plan plan;
    struct diag diag;
    int error;

    diag_init(&diag);
    intent_default(&intent);
    memset(&plan, 0, sizeof plan);
    memset(&topo, 0, sizeof topo);
    error = ((intent_file && intent_parse_file(intent_file, &intent, &diag))
             || topology_load(&src, &topo, &diag)
             || plan_build(&topo, &intent, &plan, &diag));
    if (!error) {
        free(emit_plan_json(&plan));
        free(emit_summary(&plan, false));
    } else {
        fprintf(stderr, "bench-plan: %s\n", diag.msg);
    }
    plan_destroy(&plan);
    topology_destroy(&topo);
    intent_destroy(&intent);
    diag_destroy(&diag);
    return error;
}

int
main(int argc, char *argv[])
{
    int n = 100, opt;
    double *t;
    struct rusage ru;

    while ((opt = getopt(argc, argv, "n:")) != -1) {
        if (opt == 'n') {
            n = atoi(optarg);
        } else {
            return 2;
        }
    }
    if (optind >= argc || n < 1) {
        fprintf(stderr, "usage: bench-plan [-n N] FILE.xml [INTENT.ini]\n");
        return 2;
    }
    t = calloc(n, sizeof *t);
    for (int i = 0; i < n; i++) {
        double start = now_ms();
        if (plan_once(argv[optind], argv[optind + 1])) {
            return 1;
        }
        t[i] = now_ms() - start;
    }
    qsort(t, n, sizeof *t, cmp_double);
    getrusage(RUSAGE_SELF, &ru);
    printf("%s: %d plans, wall per plan min %.2f ms, median %.2f ms, "
           "max %.2f ms; peak RSS %.1f MiB\n", argv[optind], n, t[0],
           t[n / 2], t[n - 1], ru.ru_maxrss / 1024.0);
    free(t);
    return 0;
}
