# fleet: plan many hosts in one pass ('nfvhost fleet plan'), and the NIC
# facts of one node ('nfvhost facts').  docs/fleet.md.
libnfvhost_a_SOURCES += \
	fleet/fleet.c fleet/fleet.h \
	fleet/facts.c fleet/facts.h \
	fleet/hosts.c fleet/hosts.h \
	fleet/groups.c fleet/groups.h \
	fleet/run.c fleet/run.h \
	fleet/summary.c fleet/summary.h \
	fleet/shapes.c fleet/shapes.h \
	fleet/write.h fleet/write-json.c fleet/write-scripts.c \
	fleet/write-report.c
nfvhost_SOURCES += cli/cmd-fleet.c cli/cmd-facts.c
# Threads of 'fleet plan -j N'.
nfvhost_LDADD += -lpthread

FLEET_TESTS = \
	tests/fleet-plan.sh \
	tests/fleet-nova.sh \
	tests/fleet-example.sh \
	tests/fleet-ansible-lint.sh \
	tests/fleet-ansible.sh
TESTS += $(FLEET_TESTS)
EXTRA_DIST += $(FLEET_TESTS) tests/helgrind.supp tests/fleet_nova_check.py \
	tests/fake_openstack.py

# ansible/ (the role and site.yml) goes into the tarball and to
# PKGDATADIR/ansible by Makefile.am's dist-hook and install-data-local.

# The 1,000-host example fleet (its report is shown in docs/fleet.md).
EXTRA_DIST += docs/fleet.md examples/fleet/make-example.sh \
	examples/fleet/report.md examples/fleet/compute.ini \
	examples/fleet/edge.ini examples/fleet/lab.ini examples/fleet/groups.ini

# Benchmark: figures in docs/fleet.md, not run by check.
EXTRA_DIST += tests/perf/bench-fleet.sh
