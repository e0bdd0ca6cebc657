# tests/fuzz: libFuzzer targets, built with ./configure --enable-fuzzing
# (clang); tests/fuzz/README says how they run and how to add one.
#
# Each target links tests/fuzz/libnfvhost-fuzz.a, which is built from
# $(libnfvhost_a_SOURCES), the very list the product's libnfvhost.a is
# built from, compiled again with the fuzzer's coverage and ASan/UBSan:
# a new source file of the product is in the fuzzed library too, and the
# product itself is not instrumented.  'make check' runs every target for
# its fixed number of runs (TESTS: tests/fuzz/NAME.fuzz, the target's
# options); 'make fuzz' runs them for FUZZ_SECONDS each (default 60).
EXTRA_DIST += tests/fuzz/README tests/fuzz/run.sh tests/fuzz/capture-vhost.py \
	tests/fuzz/capture-ovs.sh tests/fuzz/capture-ovsdb.py
EXTRA_DIST += $(FUZZ_TESTS) tests/fuzz/corpus
EXTRA_DIST += $(FUZZ_TARGETS:=.c) tests/fuzz/fuzz.h

# The targets, by name: tests/fuzz/fuzz-NAME.c, tests/fuzz/NAME.fuzz and
# tests/fuzz/corpus/NAME/.
# (Listed in full: automake must see each program.)
FUZZ_NAMES = vhost-recv vhost-ring vhost-negotiate vhost-loop vhost-pkt \
	jsonrpc ovsdb intent plan-file xmlsplice
FUZZ_TARGETS = \
	tests/fuzz/fuzz-vhost-recv \
	tests/fuzz/fuzz-vhost-ring \
	tests/fuzz/fuzz-vhost-negotiate \
	tests/fuzz/fuzz-vhost-loop \
	tests/fuzz/fuzz-vhost-pkt \
	tests/fuzz/fuzz-jsonrpc \
	tests/fuzz/fuzz-ovsdb \
	tests/fuzz/fuzz-intent \
	tests/fuzz/fuzz-plan-file \
	tests/fuzz/fuzz-xmlsplice
FUZZ_TESTS = \
	tests/fuzz/vhost-recv.fuzz \
	tests/fuzz/vhost-ring.fuzz \
	tests/fuzz/vhost-negotiate.fuzz \
	tests/fuzz/vhost-loop.fuzz \
	tests/fuzz/vhost-pkt.fuzz \
	tests/fuzz/jsonrpc.fuzz \
	tests/fuzz/ovsdb.fuzz \
	tests/fuzz/intent.fuzz \
	tests/fuzz/plan-file.fuzz \
	tests/fuzz/xmlsplice.fuzz

if FUZZING
noinst_LIBRARIES += tests/fuzz/libnfvhost-fuzz.a
tests_fuzz_libnfvhost_fuzz_a_SOURCES = $(libnfvhost_a_SOURCES)
nodist_tests_fuzz_libnfvhost_fuzz_a_SOURCES = $(nodist_libnfvhost_a_SOURCES)
tests_fuzz_libnfvhost_fuzz_a_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
# The libraries the product links ($(NFV_LIBS) less libnfvhost.a).
FUZZ_LIBS = tests/fuzz/libnfvhost-fuzz.a $(HWLOC_LIBS) $(XML_LIBS) \
	$(JANSSON_LIBS) $(INIH_LIBS) $(LIBVIRT_LIBS) -lm -lpthread
# Targets that take a real plan or topology find the source tree here
# when $top_srcdir is not set (fuzz.h: fuzz_source_file()).
FUZZ_TARGET_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS) \
	-DFUZZ_TOP_SRCDIR='"$(abs_top_srcdir)"'
check_PROGRAMS += \
	tests/fuzz/fuzz-vhost-recv \
	tests/fuzz/fuzz-vhost-ring \
	tests/fuzz/fuzz-vhost-negotiate \
	tests/fuzz/fuzz-vhost-loop \
	tests/fuzz/fuzz-vhost-pkt \
	tests/fuzz/fuzz-jsonrpc \
	tests/fuzz/fuzz-ovsdb \
	tests/fuzz/fuzz-intent \
	tests/fuzz/fuzz-plan-file \
	tests/fuzz/fuzz-xmlsplice
TESTS += $(FUZZ_TESTS)

tests_fuzz_fuzz_vhost_recv_SOURCES = tests/fuzz/fuzz-vhost-recv.c
tests_fuzz_fuzz_vhost_recv_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_vhost_recv_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_vhost_recv_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_vhost_ring_SOURCES = tests/fuzz/fuzz-vhost-ring.c
tests_fuzz_fuzz_vhost_ring_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_vhost_ring_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_vhost_ring_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_vhost_negotiate_SOURCES = tests/fuzz/fuzz-vhost-negotiate.c
tests_fuzz_fuzz_vhost_negotiate_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_vhost_negotiate_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_vhost_negotiate_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_vhost_loop_SOURCES = tests/fuzz/fuzz-vhost-loop.c
tests_fuzz_fuzz_vhost_loop_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_vhost_loop_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_vhost_loop_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_vhost_pkt_SOURCES = tests/fuzz/fuzz-vhost-pkt.c
tests_fuzz_fuzz_vhost_pkt_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_vhost_pkt_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_vhost_pkt_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_jsonrpc_SOURCES = tests/fuzz/fuzz-jsonrpc.c
tests_fuzz_fuzz_jsonrpc_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_jsonrpc_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_jsonrpc_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_ovsdb_SOURCES = tests/fuzz/fuzz-ovsdb.c
tests_fuzz_fuzz_ovsdb_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_ovsdb_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_ovsdb_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_intent_SOURCES = tests/fuzz/fuzz-intent.c
tests_fuzz_fuzz_intent_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_intent_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_intent_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_plan_file_SOURCES = tests/fuzz/fuzz-plan-file.c
tests_fuzz_fuzz_plan_file_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_plan_file_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_plan_file_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_xmlsplice_SOURCES = tests/fuzz/fuzz-xmlsplice.c
tests_fuzz_fuzz_xmlsplice_CFLAGS = $(FUZZ_TARGET_CFLAGS)
tests_fuzz_fuzz_xmlsplice_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_xmlsplice_LDADD = $(FUZZ_LIBS)

# 'make check-fuzz': only the fuzz targets ('.ci/run' runs it in a tree of
# its own, configured with --enable-fuzzing).
check-fuzz:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(FUZZ_TESTS)'

# 'make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS_RUN="vhost-loop ..."]': each
# target for N seconds from its corpus, with a random seed; new inputs go
# to tests/fuzz/work/NAME, crashes to tests/fuzz/artifacts/NAME.
fuzz: $(FUZZ_TARGETS)
	@status=0; \
	for name in $${FUZZ_TARGETS_RUN:-$(FUZZ_NAMES)}; do \
	    FUZZ_MODE=long FUZZ_SECONDS=$${FUZZ_SECONDS:-60} \
	    top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    $(SHELL) $(top_srcdir)/tests/fuzz/run.sh \
	        $(top_srcdir)/tests/fuzz/$$name.fuzz || status=1; \
	done; \
	exit $$status
else
check-fuzz fuzz:
	@echo "configure with --enable-fuzzing (clang) to build the fuzz targets" >&2; \
	exit 1
endif
.PHONY: check-fuzz fuzz
CLEANFILES += $(FUZZ_TARGETS)
clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz/work tests/fuzz/artifacts
.PHONY: clean-fuzz
