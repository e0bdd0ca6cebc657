# hugepage-setup: per-NUMA hugepages from the plan, read back, mounted,
# persisted ('nfvhost hugepages').
libnfvhost_a_SOURCES += \
	hugepage-setup/sysfs.c hugepage-setup/sysfs.h \
	hugepage-setup/request.c hugepage-setup/request.h \
	hugepage-setup/mount.c hugepage-setup/mount.h \
	hugepage-setup/record.c hugepage-setup/record.h \
	hugepage-setup/apply.c hugepage-setup/apply.h \
	hugepage-setup/status.c hugepage-setup/status.h \
	hugepage-setup/persist.c hugepage-setup/persist.h \
	hugepage-setup/workflow.c hugepage-setup/workflow.h
nfvhost_SOURCES += cli/cmd-hugepages.c

# Tests.  The shim is a shared object preloaded into nfvhost by
# tests/hugepages-fake.sh to give the fake tree's nr_hugepages the kernel's
# behaviour (see the file's header).  Not a program nor an installed
# library, so no automake primary fits: an explicit rule compiles it with
# the flags of every other object ($(COMPILE): config.h, warnings and,
# with --enable-sanitizers, the sanitizers), -fPIC, and links it -shared;
# 'make check' builds it first (check_DATA).
check_PROGRAMS += tests/unit/test-hugepages
tests_unit_test_hugepages_SOURCES = tests/unit/test-hugepages.c
tests_unit_test_hugepages_LDADD = $(NFV_LIBS)
check_DATA = tests/unit/test-hugepages-kernel-shim.so
tests/unit/test-hugepages-kernel-shim.so: tests/unit/test-hugepages-kernel-shim.c config.h
	@$(MKDIR_P) tests/unit
	$(AM_V_CC)$(COMPILE) -fPIC -shared $(AM_LDFLAGS) $(LDFLAGS) -o $@ \
	    $(srcdir)/tests/unit/test-hugepages-kernel-shim.c -ldl
CLEANFILES += tests/unit/test-hugepages-kernel-shim.so
EXTRA_DIST += tests/unit/test-hugepages-kernel-shim.c
TESTS += \
	tests/unit/test-hugepages \
	tests/hugepages-fake.sh \
	tests/hugepages-real.sh
EXTRA_DIST += \
	tests/hugepages-fake.sh \
	tests/hugepages-real.sh \
	tests/golden/hugepages \
	docs/hugepages.md

# The systemd template unit: a plan's hugepages at every boot
# ('nfvhost hugepages apply --plan %f'); tests/hugepages-unit.sh checks it.
systemdsystemunit_DATA = hugepage-setup/nfvhost-hugepages@.service
hugepage-setup/nfvhost-hugepages@.service: hugepage-setup/nfvhost-hugepages@.service.in Makefile
	@$(MKDIR_P) hugepage-setup
	$(AM_V_GEN)sed -e 's|@''bindir@|$(bindir)|g' \
	    $(srcdir)/hugepage-setup/nfvhost-hugepages@.service.in > $@.tmp && mv $@.tmp $@
CLEANFILES += hugepage-setup/nfvhost-hugepages@.service
EXTRA_DIST += hugepage-setup/nfvhost-hugepages@.service.in
TESTS += tests/hugepages-unit.sh
EXTRA_DIST += tests/hugepages-unit.sh
