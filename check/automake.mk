# check: 'nfvhost check', the live host against the plan, layer by layer,
# and where packets are lost.  See docs/check.md.
libnfvhost_a_SOURCES += \
	check/check.c check/check.h \
	check/finding.c check/finding.h \
	check/print.c check/print.h \
	check/context.c check/context.h \
	check/proc.c check/proc.h \
	check/ovs-conn.c check/ovs-conn.h \
	check/kernel.c \
	check/irq.c \
	check/memory.c \
	check/nic.c \
	check/ovs.c \
	check/ovs-want.c check/ovs-want.h \
	check/vm.c \
	check/loss.c check/loss.h
nfvhost_SOURCES += cli/cmd-check.c

TESTS += tests/check-fake.sh tests/check-vm.sh tests/check-ovs.sh
EXTRA_DIST += tests/check-fake.sh tests/check-vm.sh tests/check-ovs.sh \
	tests/check/fake-host.py tests/check/lib.sh docs/check.md

# 'make bench-check': how long a whole check takes (figure in
# docs/check.md; root, hugepages, OVS-DPDK).  Not run by 'make check'.
EXTRA_DIST += tests/perf/check-bench.sh
bench-check: all
	NFVHOST=$(abs_top_builddir)/nfvhost top_srcdir=$(abs_top_srcdir) \
	top_builddir=$(abs_top_builddir) sh $(srcdir)/tests/perf/check-bench.sh
.PHONY: bench-check

check_PROGRAMS += tests/unit/test-check
TESTS += tests/unit/test-check
tests_unit_test_check_SOURCES = tests/unit/test-check.c tests/unit/tap.h
tests_unit_test_check_LDADD = $(NFV_LIBS)
