# docs: user documentation and the man page.
dist_man_MANS += docs/nfvhost.1
EXTRA_DIST += docs/setup.md docs/apply.md docs/planner.md docs/plan-format.md docs/images/homelab-plan.svg
