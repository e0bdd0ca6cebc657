#!/bin/sh
# apply-replan.sh: the libvirt step of 'nfvhost apply' with a plan made by
# 'nfvhost plan --previous' (rule 16), on libvirt's test driver with the
# previous plan's domains running: a moved VM and a VM whose emulator pool
# grew are re-pinned in place (virDomainPinVcpuFlags, virDomainPinEmulator;
# the pins libvirt reports afterwards are the plan's), the others are left
# as they are, and a change that needs a guest restart is said, not done.
. "${top_srcdir:-.}/tests/lib.sh"
require 'command -v virsh' 'virsh (libvirt-clients)'
scratch
cd "$SCRATCH"

# A host with offline and disallowed PUs: cores 3, 4, 7 have two usable
# PUs, cores 6 and 5 one.  p1 and p2 take cores 3 and 4; r, a VM that needs
# sibling pairs (thread_policy = require), fits only if p1 moves to core 6.
T="$TOPO/offline-8c.xml"
cat > one.ini <<'INI'
[vm p1]
vcpus = 1
memory = 2G
nics = vhost
[vm p2]
vcpus = 1
memory = 2G
nics = vhost
INI
cp one.ini two.ini
printf '[vm r]\nvcpus = 4\nmemory = 2G\nnics = vhost, vhost\nthread_policy = require\n' >> two.ini
"$NFVHOST" plan --topology "$T" --intent one.ini --output one > /dev/null
"$NFVHOST" plan --topology "$T" --intent two.ini --previous one/plan.json --allow-moves \
    --output two > /dev/null
tap_is "$(jget two/plan.json '[c["kind"] + " " + c["vm"] + " " + str(c["before"]) + " " + str(c["after"]) + " " + str(c["restart"]) for c in d["changes"] if c["kind"] in ("vm-moved", "vcpupin")]')" \
    '["vm-moved p1 3 6 False", "vcpupin p1 3 6 False"]' "the plan moves p1 from CPU 3 to 6, live"

# The test driver's node: the previous plan's domains, running.
node() { # node PLAN VM...: node.xml with those domains as 'vm xml' makes them
    _p=$1
    shift
    for _v in "$@"; do
        "$NFVHOST" vm xml --plan "$_p" --vm "$_v" > "$_v.xml" || return 1
    done
    python3 - "$@" > node.xml <<'PY'
import re, sys
print("<node>" + "".join(re.sub(r"<!--.*?-->", "", open(v + ".xml").read(), flags=re.S)
                        for v in sys.argv[1:]) + "</node>")
PY
}
apply() { # apply PLAN [ARGS]
    _p=$1
    shift
    rm -f state.json
    "$NFVHOST" apply --plan "$_p" --only libvirt -c "test://$SCRATCH/node.xml" \
        --state state.json --yes "$@" > out 2> err
}
node one/plan.json p1 p2
tap_ok $? "the previous plan's domains"

apply two/plan.json --dry-run
tap_is "$?" 0 "dry run: exit 0"
grep -qx "    would re-pin domain p1 in place: vCPUs 6; emulator 1,9" out
tap_ok $? "dry run: says it would re-pin p1"

apply two/plan.json
tap_is "$?" 0 "apply: exit 0"
grep -q "^    re-pinned domain p1 in place ([a-z, ]*): vCPUs 6; emulator 1,9$" out
tap_ok $? "p1 re-pinned in place; libvirt then reports vCPU 0 on CPU 6 ($(grep re-pinned out))"
grep -q "re-pinned domain p2" out
tap_ok $((! $?)) "p2, kept, is not re-pinned"
grep -qx "    domain p2 ([0-9a-f-]*): as planned already" out
tap_ok $? "p2 is as planned already"
grep -q "^    defined domain r " out
tap_ok $? "r, the new VM, is defined"

# The emulator-share pool grows by a core: every guest's emulator threads
# move, live; their vCPUs stay.
sed 's/^\[vm p1\]/[emulator]\nshared_cores = 2\n\n[vm p1]/' one.ini > emu.ini
"$NFVHOST" plan --topology "$T" --intent emu.ini --previous one/plan.json --output emu > /dev/null
tap_is "$(jget emu/plan.json '[(c["kind"], c["vm"], c["after"]) for c in d["changes"] if c["vm"]]')" \
    '[["emulatorpin", "p1", "1,6,9"], ["emulatorpin", "p2", "1,6,9"]]' \
    "a second emulator-share core: the plan moves both VMs' emulator pins, nothing else of theirs"
apply emu/plan.json
tap_is "$?|$(grep -c '^    re-pinned domain p[12] in place ([a-z, ]*): vCPUs [34]; emulator 1,6,9$' out)" "0|2" \
    "both re-pinned in place, vCPUs where they were, emulator threads on 1,6,9"

# A grown VM: the change needs a restart; nfvhost says so and restarts
# nothing.
sed '0,/vcpus = 1/s//vcpus = 2/' one.ini > grow.ini
"$NFVHOST" plan --topology "$T" --intent grow.ini --previous one/plan.json --output grow > /dev/null
apply grow/plan.json
tap_is "$?" 0 "apply of a grown VM: exit 0"
grep -qx "    domain p1: vm-changed vcpus 1 -> 2 needs a guest restart to take effect; nfvhost restarts nothing" out
tap_ok $? "the change that needs a restart is said"
grep -q "re-pinned domain p1" out
tap_ok $((! $?)) "... and p1 is not re-pinned live (its vCPU count changes)"
tap_done
