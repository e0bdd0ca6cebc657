#!/bin/sh
# fleet-ansible-lint.sh: the Ansible role and playbook of ansible/ pass
# 'ansible-playbook --syntax-check' and Debian's ansible-lint with no
# violation of its default rules.  Run on a copy of ansible/ (ansible-lint
# may write caches beside what it reads).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
require 'command -v ansible-playbook && command -v ansible-lint' 'ansible and ansible-lint (Debian packages)'
scratch
cp -r "$top_srcdir/ansible" "$SCRATCH/ansible"
cd "$SCRATCH/ansible"
export ANSIBLE_LOCAL_TEMP="$SCRATCH/tmp" ANSIBLE_HOME="$SCRATCH/home" HOME="$SCRATCH"

printf '[nfvhost_nodes]\nnode1 ansible_connection=local\n' > inventory.ini
ansible-playbook --syntax-check -i inventory.ini site.yml > syntax.log 2>&1
tap_is "$?" 0 "ansible-playbook --syntax-check site.yml"
sed 's/^/# /' syntax.log | grep -v '^# *$'

ansible-lint --nocolor --offline site.yml roles/nfvhost > lint.log 2>&1
tap_is "$?" 0 "ansible-lint: no violation"
sed 's/^/# /' lint.log
grep -q "^Passed" lint.log
tap_ok $? "ansible-lint says Passed"
tap_done
