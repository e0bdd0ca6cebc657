#!/bin/sh
# setup-keep.sh: 'nfvhost setup --intent FILE' keeps the keys of FILE that
# it does not ask ([host] kernel, kernel_cmdline; [ovs] bond_mode,
# socket_dir, socket_group; [uplink PCI] mode; [libvirt] virt_type; a VM's
# cpu_policy): each written once, verbatim, so that the intent it writes
# plans as FILE did.  A VM or uplink removed in the wizard takes its kept
# keys with it (and the intent says so); a VM renamed keeps them.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
require "command -v tmux" "tmux"
scratch
. "$top_srcdir/tests/setup-lib.sh"
trap 'tui_stop; rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH"
# The home lab from its topology alone: both X710 ports can be uplinks.
MACHINE="--topology $HOMELAB/topology.xml"

# count FILE SECTION KEY VALUE: how many 'KEY = VALUE' lines [SECTION] of
# the INI FILE has (inih's reading: blanks trimmed, '; ...' after a value
# a comment).
count() {
    python3 - "$@" <<'PY'
import re, sys
path, section, key, value = sys.argv[1:]
here, n = None, 0
for line in open(path):
    line = line.strip()
    if not line or line[0] in ";#":
        continue
    if line.startswith("["):
        here = line[1:line.index("]")].strip()
        continue
    k, v = (s.strip() for s in line.split("=", 1))
    v = re.sub(r"\s;.*", "", v).strip()
    n += (here, k, v) == (section, key, value)
print(n)
PY
}

# repeated FILE: the (section, key) pairs FILE sets more than once, but
# for 'uplink' (repeatable).
repeated() {
    python3 - "$1" <<'PY'
import collections, sys
here, seen = None, collections.Counter()
for line in open(sys.argv[1]):
    line = line.strip()
    if not line or line[0] in ";#":
        continue
    if line.startswith("["):
        here = line[1:line.index("]")].strip()
    elif line.split("=")[0].strip() != "uplink":
        seen[(here, line.split("=")[0].strip())] += 1
print(sorted(k for k, n in seen.items() if n > 1))
PY
}

# same_plan INTENT-A INTENT-B: 'nfvhost plan --json' of both is the same
# JSON, every field compared (plan.json names no file).
same_plan() {
    "$NFVHOST" plan $MACHINE --intent "$1" --json > a.json 2> /dev/null &&
        "$NFVHOST" plan $MACHINE --intent "$2" --json > b.json 2> /dev/null &&
        python3 -c 'import json, sys; sys.exit(json.load(open("a.json")) != json.load(open("b.json")))'
}

# The VMs, then the host's sections; 'gone' is removed in the wizard.
cat > vms.ini <<'EOF'
[vm a]
vcpus = 2
memory = 2G
nics = vhost:100
cpu_policy = shared

[vm b]
vcpus = 2
memory = 2G
nics = vhost:200
cpu_policy = dedicated
EOF
cat > gone.ini <<'EOF'

[vm gone]
vcpus = 2
memory = 1G
nics = vhost:300
cpu_policy = shared
EOF
cat > host.ini <<'EOF'
; A hand-edited intent: every key the wizard does not ask (and a section
; header with blanks, which the intent trims).
[host]
host_memory = 4G
kernel = 6.1
kernel_cmdline = tuned

[ ovs ]
uplink = 0000:03:00.0
uplink = 0000:03:00.1
bond_mode = balance-tcp
socket_dir = /run/nfv-sockets
socket_group = libvirt-qemu   ; the group QEMU runs as here

[uplink 0000:03:00.0]
mode = switchdev

[libvirt]
virt_type = qemu

EOF
cat host.ini vms.ini gone.ini > hand.ini
cat host.ini vms.ini > hand-nogone.ini
: > empty.ini
# SECTION|KEY|VALUE of every key above that the wizard does not ask.
KEPT="host|kernel|6.1
host|kernel_cmdline|tuned
ovs|bond_mode|balance-tcp
ovs|socket_dir|/run/nfv-sockets
ovs|socket_group|libvirt-qemu
uplink 0000:03:00.0|mode|switchdev
libvirt|virt_type|qemu
vm a|cpu_policy|shared
vm b|cpu_policy|dedicated
vm gone|cpu_policy|shared"

# --- Every default taken (--answers with no answer) --------------------------
"$NFVHOST" setup $MACHINE --intent hand.ini --answers empty.ini --output out > /dev/null 2> err.txt
tap_is "$?" 0 "setup --intent over a hand-edited intent, every default: exit 0"
while IFS='|' read -r section key value; do
    tap_is "$(count out/intent.ini "$section" "$key" "$value")" 1 \
        "[$section] $key = $value: kept, once"
done <<EOF
$KEPT
EOF
tap_is "$(repeated out/intent.ini)" "[]" "no key written twice (the asked ones included)"
tap_is "$(grep -c '^; Kept from hand.ini: not asked by the wizard$' out/intent.ini)" 7 \
    "each section's kept keys under one comment ([host] [ovs] 3 VMs [uplink] [libvirt])"
tap_is "$(grep -c '^uplink = ' out/intent.ini)" 2 "both uplink lines (a repeated key)"
same_plan hand.ini out/intent.ini
tap_ok $? "the written intent plans to the same plan.json as hand.ini"
cmp -s a.json out/plan.json
tap_ok $? "... which is the plan.json the wizard wrote"
tap_is "$(jget out/plan.json '[d["uplinks"][0]["mode"], d["ovs"]["uplink_port"]["bond_mode"], d["ovs"]["socket_group"], d["ovs"]["socket_dir"], d["settings"]["virt_type"], "tuned" in d["kernel"]]')" \
    '["switchdev", "balance-tcp", "libvirt-qemu", "/run/nfv-sockets", "qemu", true]' \
    "... with the kept keys in it"
"$NFVHOST" setup $MACHINE --intent out/intent.ini --answers empty.ini --output again > /dev/null 2>&1
tap_is "$(grep -v '^;' again/intent.ini)" "$(grep -v '^;' out/intent.ini)" \
    "the wizard over its own intent writes the same keys again"

# --- A VM removed in the wizard takes its kept keys with it (--plain) ------
enters() { i=0; while [ $i -lt "$1" ]; do echo; i=$((i + 1)); done; }
{ enters 13; echo "remove gone"; echo done; echo; } \
    | "$NFVHOST" setup --plain $MACHINE --intent hand.ini --output rm > /dev/null 2>&1
tap_is "$?" 0 "--plain, VM gone removed: exit 0"
tap_is "$(grep -c '^\[vm gone\]' rm/intent.ini):$(count rm/intent.ini "vm gone" cpu_policy shared)" "0:0" \
    "... its section and its kept cpu_policy are gone"
grep -qxF ";   [vm gone] cpu_policy = shared: VM gone was removed in the wizard" rm/intent.ini
tap_ok $? "... and the intent says what was dropped with it"
tap_is "$(count rm/intent.ini "vm a" cpu_policy shared)$(count rm/intent.ini host kernel 6.1)" "11" \
    "... the other kept keys stay"
same_plan hand-nogone.ini rm/intent.ini
tap_ok $? "... and it plans as hand.ini without VM gone"
{ enters 13; echo "remove gone"; echo "add gone"; enters 8; echo done; echo; } \
    | "$NFVHOST" setup --plain $MACHINE --intent hand.ini --output readd > /dev/null 2>&1
tap_is "$?:$(sed -n '/^\[vm gone\]/,/^\[/p' readd/intent.ini | grep -c '^cpu_policy')" "0:0" \
    "a VM removed, then added again under its name: a new VM, without the old one's kept keys"
"$NFVHOST" plan $MACHINE --intent readd/intent.ini --json > b.json 2> /dev/null
cmp -s b.json readd/plan.json
tap_ok $? "... and the intent plans to the plan.json written"

# --- Uplinks answered: a kept uplink keeps its mode, a dropped one its keys --
printf '[ovs]\nuplink = 0000:03:00.0\nuplink = 0000:03:00.1\n' > same-uplinks.ini
"$NFVHOST" setup $MACHINE --intent hand.ini --answers same-uplinks.ini --output same > /dev/null 2>&1
tap_is "$?:$(jget same/plan.json 'd["uplinks"][0]["mode"]'):$(count same/intent.ini "uplink 0000:03:00.0" mode switchdev)" \
    "0:switchdev:1" "the same uplinks answered: 03:00.0 stays in switchdev mode, in plan.json and the intent"
same_plan hand.ini same/intent.ini
tap_ok $? "... which plans as hand.ini"
printf '[ovs]\nuplink = 0000:03:00.1\n' > other-uplink.ini
"$NFVHOST" setup $MACHINE --intent hand.ini --answers other-uplink.ini --output other > /dev/null 2>&1
tap_is "$?:$(grep -c '^\[uplink ' other/intent.ini)" "0:0" \
    "uplink 03:00.0 answered away: exit 0, its [uplink] section dropped"
grep -qxF ";   [uplink 0000:03:00.0] mode = switchdev: 0000:03:00.0 is no longer an uplink" other/intent.ini
tap_ok $? "... and the intent says so"
"$NFVHOST" plan $MACHINE --intent other/intent.ini --json > b.json 2> /dev/null
cmp -s b.json other/plan.json
tap_ok $? "... and plans to the plan.json written"

# The switchdev uplink the second one listed, and the answers repeating
# both uplink lines (in order, then reversed): repeated lines are answered
# one at a time, so after the first one 03:00.1 is briefly no uplink; its
# kept mode must survive that, as it survives a NIC toggled off and on.
sed 's/^\[uplink 0000:03:00.0\]$/[uplink 0000:03:00.1]/' host.ini > host2.ini
cat host2.ini vms.ini > second.ini
tap_is "$(count second.ini "uplink 0000:03:00.1" mode switchdev)" 1 \
    "second.ini: [uplink 0000:03:00.1] mode = switchdev (the second uplink)"
for order in in-order reversed; do
    if [ $order = in-order ]; then
        printf '[ovs]\nuplink = 0000:03:00.0\nuplink = 0000:03:00.1\n' > $order.ini
    else
        printf '[ovs]\nuplink = 0000:03:00.1\nuplink = 0000:03:00.0\n' > $order.ini
    fi
    "$NFVHOST" setup $MACHINE --intent second.ini --answers $order.ini --output $order > /dev/null 2>&1
    tap_is "$?:$(jget $order/plan.json 'sorted(u["pci"] + " " + u["mode"] for u in d["uplinks"])')" \
        '0:["0000:03:00.0 legacy", "0000:03:00.1 switchdev"]' \
        "both uplinks answered ($order), the second one's switchdev mode is in plan.json"
    tap_is "$(count $order/intent.ini "uplink 0000:03:00.1" mode switchdev):$(grep -c 'no longer an uplink' $order/intent.ini)" \
        "1:0" "... and in the intent, not said dropped"
    "$NFVHOST" plan $MACHINE --intent $order/intent.ini --json > b.json 2> /dev/null
    cmp -s b.json $order/plan.json
    tap_ok $? "... and the intent plans to the plan.json written"
done
same_plan second.ini in-order/intent.ini
tap_ok $? "... in order, it plans as second.ini"

# --- role = openstack writes no VM: their kept keys are dropped, said so ---
printf '[setup]\nrole = openstack\n' > os.ini
"$NFVHOST" setup $MACHINE --intent hand.ini --answers os.ini --output os > /dev/null 2>&1
tap_is "$?:$(grep -c '^cpu_policy' os/intent.ini):$(count os/intent.ini libvirt virt_type qemu)" "0:0:1" \
    "role = openstack: no VM's cpu_policy written, [libvirt] kept"
grep -qxF ";   [vm a] cpu_policy = shared: role = openstack writes no [vm NAME] section" os/intent.ini
tap_ok $? "... and the intent says why the VMs' keys are not"

# --- A VM renamed (the full-screen VM dialog) keeps its kept keys -----------
tui_start rename "--topology '$HOMELAB/topology.xml' --intent hand.ini --output ren"
wait_for "1/6 Machine" && keys Enter && wait_for "2/6 Uplink" && keys Enter \
    && wait_for "3/6 Host" && keys Enter && wait_for "4/6 VMs"
keys Tab Tab Tab Enter          # Edit (the first VM, a)
wait_for "Queue pairs per vhost NIC" && keys Tab Tab 2 Enter   # Name: a2
wait_for "a2: 2 vCPUs"
tap_ok $? "VM a renamed a2 in the VM dialog"
keys Enter && wait_for "5/6 Plan" && keys Enter && wait_for "6/6 Review" && keys Enter
tap_is "$(wait_exit)" 0 "... written: exit 0"
tap_is "$(count ren/intent.ini "vm a2" cpu_policy shared):$(grep -c '^\[vm a\]' ren/intent.ini)" "1:0" \
    "... [vm a2] keeps a's cpu_policy = shared"
"$NFVHOST" plan $MACHINE --intent ren/intent.ini --json > b.json 2> /dev/null
cmp -s b.json ren/plan.json
tap_ok $? "... and the intent plans to the plan.json written"
tui_stop
tap_is "$(left_running)" "" "no wizard or pane of this test left running"
tap_done
