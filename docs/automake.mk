# docs: user documentation and the man page.
dist_man_MANS += docs/nfvhost.1
EXTRA_DIST += docs/setup.md docs/apply.md docs/planner.md docs/plan-format.md docs/images/homelab-plan.svg
# Installed under DOCDIR beside the examples.
dist_doc_DATA += README.md docs/setup.md docs/apply.md docs/planner.md \
	docs/plan-format.md docs/hugepages.md docs/ovs-ext.md docs/libvirt.md \
	docs/openstack.md docs/vhost.md docs/performance.md docs/check.md \
	docs/fleet.md docs/security.md
