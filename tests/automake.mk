# tests: TAP unit tests (C) and integration tests (shell) of the planner
# and the CLI; each other part lists its own tests in its automake.mk.
EXTRA_DIST += tests/lib.sh tests/unit/tap.h tests/topologies

check_PROGRAMS += tests/unit/test-plan-invariants tests/unit/test-util
tests_unit_test_plan_invariants_SOURCES = tests/unit/test-plan-invariants.c
tests_unit_test_plan_invariants_LDADD = $(NFV_LIBS)
tests_unit_test_util_SOURCES = tests/unit/test-util.c
tests_unit_test_util_LDADD = $(NFV_LIBS)

TESTS += \
	tests/unit/test-util \
	tests/unit/test-plan-invariants

TESTS += tests/planner-rules.sh
EXTRA_DIST += tests/planner-rules.sh
TESTS += tests/planner-bad-input.sh
EXTRA_DIST += tests/planner-bad-input.sh tests/bad-input
TESTS += tests/planner-golden.sh
EXTRA_DIST += tests/planner-golden.sh tests/update-golden.sh tests/golden
TESTS += tests/planner-sysfs.sh tests/cli.sh
EXTRA_DIST += tests/planner-sysfs.sh tests/cli.sh

# Benchmarks: 'make bench' (figures in docs/planner.md), not run by check.
noinst_PROGRAMS += tests/perf/bench-plan
tests_perf_bench_plan_SOURCES = tests/perf/bench-plan.c
tests_perf_bench_plan_LDADD = $(NFV_LIBS)
EXTRA_DIST += tests/perf/bench-plan.sh
bench: all tests/perf/bench-plan
	sh $(srcdir)/tests/perf/bench-plan.sh
.PHONY: bench
