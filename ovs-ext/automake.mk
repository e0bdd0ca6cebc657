# ovs-ext: the plan applied to a running OVS-DPDK (OVSDB client, unixctl,
# sysfs for SR-IOV uplinks, live status).  See docs/ovs-ext.md.
libnfvhost_a_SOURCES += \
	ovs-ext/jsonrpc.c ovs-ext/jsonrpc.h \
	ovs-ext/ovsdb.c ovs-ext/ovsdb.h \
	ovs-ext/unixctl.c ovs-ext/unixctl.h \
	ovs-ext/want.c ovs-ext/want.h \
	ovs-ext/apply.c ovs-ext/apply.h \
	ovs-ext/sriov.c ovs-ext/sriov.h \
	ovs-ext/status.c ovs-ext/status.h \
	ovs-ext/workflow.c ovs-ext/workflow.h
nfvhost_SOURCES += cli/cmd-ovs.c

TESTS += tests/ovs-apply.sh tests/ovs-dpdk.sh tests/ovs-hostile.sh \
	tests/ovs-replan.sh
EXTRA_DIST += tests/ovs-harness.sh tests/ovs-apply.sh tests/ovs-dpdk.sh \
	tests/ovs-replan.sh \
	tests/ovs-hostile.sh tests/fake-ovsdb.py tests/ovsdb-race-proxy.py \
	tests/ovs-vlan-ping.py
TESTS += tests/ovs-sriov.sh tests/ovs-iommu.sh tests/ovs-vf-trust.sh \
	tests/ovs-switchdev.sh
EXTRA_DIST += tests/ovs-sriov.sh tests/ovs-iommu.sh tests/ovs-vf-trust.sh \
	tests/ovs-switchdev.sh \
	docs/ovs-ext.md
check_PROGRAMS += tests/unit/test-ovs
TESTS += tests/unit/test-ovs
tests_unit_test_ovs_SOURCES = tests/unit/test-ovs.c tests/unit/tap.h
tests_unit_test_ovs_LDADD = $(NFV_LIBS)
check_PROGRAMS += tests/unit/test-jsonrpc
TESTS += tests/unit/test-jsonrpc
tests_unit_test_jsonrpc_SOURCES = tests/unit/test-jsonrpc.c tests/unit/tap.h
tests_unit_test_jsonrpc_LDADD = $(NFV_LIBS)
# It counts the bytes the client hands to jansson (issue 11, defect 11).
tests_unit_test_jsonrpc_LDFLAGS = $(AM_LDFLAGS) \
	-Wl,--wrap=json_loadb,--wrap=json_load_callback
