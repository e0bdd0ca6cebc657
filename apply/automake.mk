# apply: 'nfvhost apply', a whole plan made real in eight steps, one file
# each, through the parts' public APIs; the runner and the state file.
libnfvhost_a_SOURCES += \
	apply/apply.c apply/apply.h \
	apply/steps.h \
	apply/state.c apply/state.h \
	apply/step-hugepages.c \
	apply/step-kernel.c \
	apply/step-reboot.c \
	apply/step-sriov.c \
	apply/step-ovs.c \
	apply/step-sockets.c \
	apply/step-libvirt.c \
	apply/step-check.c

# Its tests: on a tree and the harness's OVS-DPDK, with libvirt's test
# driver; a failure at each step.
TESTS += tests/apply-run.sh tests/apply-fail.sh tests/apply-replan.sh \
	tests/apply-tuned.sh
EXTRA_DIST += tests/apply-lib.sh tests/apply-run.sh tests/apply-fail.sh \
	tests/apply-replan.sh tests/apply-tuned.sh
