# libvirt-templates: libvirt domain XML from the plan ('nfvhost vm') and the
# OpenStack emitters that 'nfvhost plan' writes to DIR/openstack/.
libnfvhost_a_SOURCES += \
	planner/emit-openstack.c planner/emit-openstack.h \
	libvirt-templates/vmspec.c libvirt-templates/vmspec.h \
	libvirt-templates/xmlsplice.c libvirt-templates/xmlsplice.h \
	libvirt-templates/domain.c libvirt-templates/domain.h \
	libvirt-templates/checks.c libvirt-templates/checks.h \
	libvirt-templates/define.c libvirt-templates/define.h
nodist_libnfvhost_a_SOURCES = libvirt-templates/template-data.c
nfvhost_SOURCES += cli/cmd-vm.c

# The base template, built into the binary so 'nfvhost vm xml' needs no
# installed data; the .xml stays the file users copy and change.
# (Also remade when this recipe changes.)
libvirt-templates/template-data.c: libvirt-templates/base-q35.xml $(srcdir)/libvirt-templates/automake.mk
	@$(MKDIR_P) libvirt-templates
	$(AM_V_GEN)(echo '/* Generated from base-q35.xml: do not edit. */'; \
	  echo '#include <config.h>'; \
	  echo '#include "libvirt-templates/domain.h"'; \
	  echo 'const char domain_builtin_template[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' \
	      $(srcdir)/libvirt-templates/base-q35.xml; \
	  echo ';') > $@.tmp && mv $@.tmp $@
CLEANFILES += libvirt-templates/template-data.c
dist_pkgdata_DATA = libvirt-templates/base-q35.xml

TESTS += \
	tests/openstack-nova.sh \
	tests/openstack-golden.sh \
	tests/libvirt-domain.sh \
	tests/libvirt-checks.sh \
	tests/unit/test-openstack-check
check_PROGRAMS += tests/unit/test-openstack-check
tests_unit_test_openstack_check_SOURCES = tests/unit/test-openstack-check.c
tests_unit_test_openstack_check_LDADD = $(NFV_LIBS)
EXTRA_DIST += \
	tests/openstack-nova.sh \
	tests/openstack-golden.sh \
	tests/nova_check.py \
	tests/golden/homelab/openstack/nova.conf \
	tests/golden/homelab/openstack/flavors.sh \
	tests/golden/homelab/openstack/openvswitch_agent.ini \
	tests/golden/homelab/openstack/sriov_agent.ini \
	tests/libvirt-domain.sh \
	tests/libvirt-checks.sh \
	tests/golden/libvirt/dumpxml-vrouter1.xml \
	tests/golden/libvirt/dumpxml-vrouter1.tuned.xml \
	tests/golden/libvirt/homelab-vrouter1.xml \
	tests/golden/libvirt/homelab-firewall1.xml \
	tests/golden/libvirt/homelab-trafgen1.xml
EXTRA_DIST += docs/libvirt.md docs/openstack.md
