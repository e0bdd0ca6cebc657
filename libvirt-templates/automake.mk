# libvirt-templates: libvirt domain XML from the plan ('nfvhost vm') and the
# OpenStack emitters that 'nfvhost plan' writes to DIR/openstack/.
libnfvhost_a_SOURCES += \
	planner/emit-openstack.c planner/emit-openstack.h

TESTS += \
	tests/openstack-nova.sh \
	tests/openstack-golden.sh
EXTRA_DIST += \
	tests/openstack-nova.sh \
	tests/openstack-golden.sh \
	tests/nova_check.py \
	tests/golden/homelab/openstack/nova.conf \
	tests/golden/homelab/openstack/flavors.sh \
	tests/golden/homelab/openstack/openvswitch_agent.ini \
	tests/golden/homelab/openstack/sriov_agent.ini
