# tests: TAP unit tests (C) and integration tests (shell) of the planner
# and the CLI; each other part lists its own tests in its automake.mk.
EXTRA_DIST += tests/lib.sh tests/unit/tap.h tests/topologies

check_PROGRAMS += tests/unit/test-plan-invariants tests/unit/test-util \
	tests/unit/test-intent-edit tests/unit/test-plan-stable
tests_unit_test_intent_edit_SOURCES = tests/unit/test-intent-edit.c
tests_unit_test_intent_edit_LDADD = $(NFV_LIBS)
tests_unit_test_plan_invariants_SOURCES = tests/unit/test-plan-invariants.c \
	tests/unit/plan-gen.h
tests_unit_test_plan_invariants_LDADD = $(NFV_LIBS)
tests_unit_test_plan_stable_SOURCES = tests/unit/test-plan-stable.c \
	tests/unit/plan-gen.h
tests_unit_test_plan_stable_LDADD = $(NFV_LIBS)
tests_unit_test_util_SOURCES = tests/unit/test-util.c
tests_unit_test_util_LDADD = $(NFV_LIBS)

# The planner's tests; .ci/run also runs them in an ASan/UBSan build
# ('make check-planner' in a tree configured with --enable-sanitizers).
PLANNER_TESTS = \
	tests/unit/test-util \
	tests/unit/test-intent-edit \
	tests/unit/test-plan-invariants \
	tests/unit/test-plan-stable \
	tests/unit/test-plan-file \
	tests/planner-rules.sh \
	tests/planner-replan.sh \
	tests/planner-bad-input.sh \
	tests/planner-golden.sh \
	tests/planner-sysfs.sh \
	tests/planner-hwloc-corpus.sh \
	tests/planner-kernel.sh \
	tests/planner-doc-example.sh \
	tests/cli.sh
TESTS += $(PLANNER_TESTS)
check-planner: all
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(PLANNER_TESTS)'
.PHONY: check-planner

EXTRA_DIST += tests/planner-rules.sh tests/planner-replan.sh
EXTRA_DIST += tests/planner-bad-input.sh tests/bad-input
EXTRA_DIST += tests/planner-golden.sh tests/update-golden.sh tests/golden
EXTRA_DIST += tests/planner-sysfs.sh tests/cli.sh
EXTRA_DIST += tests/planner-hwloc-corpus.sh tests/planner-kernel.sh
EXTRA_DIST += tests/planner-doc-example.sh

# The generated files used for real: ovs-other-config.sh against a private
# ovsdb-server, the GRUB drop-in sourced by a shell.
TESTS += tests/planner-outputs.sh
EXTRA_DIST += tests/planner-outputs.sh

# Benchmarks: 'make bench' (figures in docs/planner.md), not run by check.
noinst_PROGRAMS += tests/perf/bench-plan
tests_perf_bench_plan_SOURCES = tests/perf/bench-plan.c
tests_perf_bench_plan_LDADD = $(NFV_LIBS)
EXTRA_DIST += tests/perf/bench-plan.sh tests/perf/bench-jsonrpc.sh
bench: all tests/perf/bench-plan
	sh $(srcdir)/tests/perf/bench-plan.sh
.PHONY: bench

# The machine picture as SVG: golden files, rendered by rsvg-convert.
TESTS += tests/svg-golden.sh
EXTRA_DIST += tests/svg-golden.sh

# lib/plan-file.h: the typed reader of plan.json.
# (In PLANNER_TESTS above, so .ci/run's ASan build runs it too.)
check_PROGRAMS += tests/unit/test-plan-file
tests_unit_test_plan_file_SOURCES = tests/unit/test-plan-file.c
tests_unit_test_plan_file_LDADD = $(NFV_LIBS)

# lib/vfinfo.h: VF settings over rtnetlink, requests byte for byte.
check_PROGRAMS += tests/unit/test-vfinfo
TESTS += tests/unit/test-vfinfo
tests_unit_test_vfinfo_SOURCES = tests/unit/test-vfinfo.c tests/unit/tap.h
tests_unit_test_vfinfo_LDADD = $(NFV_LIBS)

# plan.json is the contract: every applier follows a hand-edited plan.
TESTS += tests/plan-contract.sh
EXTRA_DIST += tests/plan-contract.sh

# The Debian package (debian/) and the checks on a fresh Debian root, not
# run by 'make check': tests/package.sh (.ci/run runs it after the suite)
# and tests/distro/check-in-chroot.sh SUITE (docs/development.md).
# tests/deps.sh: install-deps.sh and debian/control list the same packages;
# tests/source-rules.sh: <config.h> first in every .c file.
TESTS += tests/deps.sh tests/source-rules.sh
EXTRA_DIST += tests/deps.sh tests/source-rules.sh tests/package.sh tests/distro/chroot.sh \
	tests/distro/check-in-chroot.sh \
	debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format
