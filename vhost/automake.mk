# vhost: a vhost-user front-end (the side QEMU plays) and the traffic tools
# built on it: 'nfvhost vhost bench|loop'.
libnfvhost_a_SOURCES += \
	vhost/proto.c vhost/proto.h \
	vhost/mem.c vhost/mem.h \
	vhost/virtq.c vhost/virtq.h \
	vhost/frontend.c vhost/frontend.h
libnfvhost_a_SOURCES += vhost/pkt.c vhost/pkt.h

check_PROGRAMS += tests/unit/test-vhost
TESTS += tests/unit/test-vhost
tests_unit_test_vhost_SOURCES = tests/unit/test-vhost.c \
	tests/unit/vhost-fake.h tests/unit/tap.h
tests_unit_test_vhost_LDADD = $(NFV_LIBS) -lpthread
check_PROGRAMS += tests/unit/test-vhost-loop
TESTS += tests/unit/test-vhost-loop
tests_unit_test_vhost_loop_SOURCES = tests/unit/test-vhost-loop.c \
	tests/unit/vhost-fake.h tests/unit/tap.h
tests_unit_test_vhost_loop_LDADD = $(NFV_LIBS) -lpthread
libnfvhost_a_SOURCES += \
	vhost/bench.c vhost/bench.h \
	vhost/loop.c vhost/loop.h \
	vhost/pin.c vhost/pin.h \
	vhost/report.c vhost/report.h \
	vhost/run.c vhost/run.h
nfvhost_SOURCES += cli/cmd-vhost.c

TESTS += tests/vhost-testpmd.sh
EXTRA_DIST += tests/vhost-testpmd.sh
TESTS += tests/vhost-ovs.sh
EXTRA_DIST += tests/vhost-ovs.sh

# 'make bench-vhost': the five benchmarks of docs/performance.md (root,
# hugepages, OVS-DPDK; about 8 minutes).  Not run by 'make check'.
EXTRA_DIST += tests/perf/vhost-bench.sh
bench-vhost: all
	VHOST_BENCH_OUT=$(abs_top_builddir)/vhost-bench-results \
	NFVHOST=$(abs_top_builddir)/nfvhost top_srcdir=$(abs_top_srcdir) \
	sh $(srcdir)/tests/perf/vhost-bench.sh
.PHONY: bench-vhost
EXTRA_DIST += docs/vhost.md
libnfvhost_a_SOURCES += vhost/tap.c vhost/tap.h
TESTS += tests/vhost-tap.sh
EXTRA_DIST += tests/vhost-tap.sh
EXTRA_DIST += docs/performance.md
EXTRA_DIST += tests/unit/vhost-check.h
