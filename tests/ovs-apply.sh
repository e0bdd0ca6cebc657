#!/bin/sh
# ovs-apply.sh: 'nfvhost ovs apply' and 'ovs port' against a real
# ovsdb-server (no DPDK needed): every row and column as the database sees
# it, idempotence, difference-only changes, a concurrent writer between
# read and commit, and bad input that leaves the database unchanged.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v ovsdb-server && command -v ovsdb-tool' 'ovsdb-server (openvswitch-switch)'
require 'command -v python3' 'python3'

ovs_harness_start --no-vswitchd || { echo "Bail out! harness"; exit 1; }
SCRATCH=$OVS_RUNDIR/scratch; mkdir "$SCRATCH"
PLAN=$SCRATCH/plan.json
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --output "$SCRATCH/homelab" >/dev/null
# The uplink's stand-in is chosen at plan time: the plan is the contract.
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --output "$SCRATCH/standin0" \
    --uplink-override 0000:03:00.0=net_af_packet0,iface=vx0 >/dev/null
cp "$SCRATCH/standin0/plan.json" "$PLAN"
# This machine has no hugetlbfs group (the plan's ovs.socket_group).  The
# home lab's SR-IOV PF, the X710's second port, is a fake device (its VF
# count is all apply writes there); a later --sysfs-root wins.
SR=$SCRATCH/sr
fake_homelab_vf_pf "$SR"
apply() { "$NFVHOST" ovs apply --db "$OVS_DB" --sock-dir "$SOCKDIR" \
          --qemu-group root --no-wait --sysfs-root "$SR" "$@"; }
dump() { ovsdb-client dump "$OVS_DB"; }
get() { ovs_vsctl get "$@" 2>&1; }
edit_plan() { # edit_plan PYTHON-STATEMENTS (on p, the plan)
    python3 -c "import json,sys; p=json.load(open('$PLAN')); $1; json.dump(p, open('$PLAN','w'), indent=1)"
}
SOCKDIR=$SCRATCH/sock

# --dry-run: the operations, nothing written.
before=$(dump)
out=$(apply --plan "$PLAN" --dry-run); rc=$?
tap_is "$rc" 0 "dry run exits 0"
echo "$out" | grep -q '"op":"insert","table":"Bridge"'
tap_ok $? "dry run prints the Bridge insert"
echo "$out" | grep -q '"op":"wait"'
tap_ok $? "dry run shows the wait guards"
tap_is "$(dump)" "$before" "dry run leaves the database as it was"
tap_ok "$(test ! -e "$SOCKDIR"; echo $?)" "dry run does not create the socket directory"

# Apply: every row and column.
out=$(apply --plan "$PLAN"); rc=$?
tap_is "$rc" 0 "apply exits 0"
echo "$out" | grep -q 'applied 15 change(s) in one transaction (attempt 1)'
tap_ok $? "15 changes in one transaction"
tap_is "$(stat -c '%a %U:%G' "$SOCKDIR")" "770 root:root" "socket directory created root:root (--qemu-group root), mode 0770"
tap_is "$(get Open_vSwitch . other_config:dpdk-init)" '"true"' "dpdk-init"
tap_is "$(get Open_vSwitch . other_config:pmd-cpu-mask)" '"0x208"' "pmd-cpu-mask from the plan"
tap_is "$(get Open_vSwitch . other_config:dpdk-lcore-mask)" '"0x41"' "dpdk-lcore-mask from the plan"
tap_is "$(get Open_vSwitch . other_config:dpdk-socket-mem)" '"2048"' "dpdk-socket-mem"
tap_is "$(get Open_vSwitch . other_config:pmd-rxq-assign)" group "pmd-rxq-assign"
tap_is "$(get Open_vSwitch . other_config:dpdk-extra)" '"--no-pci"' "dpdk-extra: the overridden uplink is no PCI device, so --no-pci"
tap_is "$(get Bridge br-nfv datapath_type)" netdev "bridge br-nfv is netdev"
tap_is "$(ovs_vsctl list-ports br-nfv | tr '\n' ' ')" \
    "dpdk-up0 vhu-firewall1-0 vhu-firewall1-1 vhu-trafgen1-0 vhu-vrouter1-0 vhu-vrouter1-1 " \
    "uplink and one port per vhost NIC (none for the SR-IOV NIC)"
tap_is "$(get Interface dpdk-up0 type)" dpdk "uplink type dpdk"
tap_is "$(get Interface dpdk-up0 options:dpdk-devargs)" '"net_af_packet0,iface=vx0"' "uplink devargs: the plan's stand-in"
tap_is "$(get Interface dpdk-up0 options:n_rxq)" '"2"' "uplink n_rxq: the plan's (one per PMD thread)"
tap_is "$(get Interface dpdk-up0 other_config:pmd-rxq-affinity)" '"0:3,1:9"' "uplink rx queues pinned to the plan's PMDs"
tap_is "$(get Interface vhu-vrouter1-0 external_ids:attached-mac)" "\"$(jget "$PLAN" 'd["vms"][0]["nics"][0]["mac"]')\"" "attached-mac: the plan's MAC"
tap_is "$(get Open_vSwitch . other_config:pmd-rxq-isolate)" '"false"' "pmd-rxq-isolate: the plan's"
tap_is "$(get Port dpdk-up0 tag)" '[]' "uplink is a trunk"
tap_is "$(get Port vhu-vrouter1-1 tag)" 200 "vrouter1 NIC 1 on VLAN 200"
tap_is "$(get Port vhu-firewall1-0 tag)" 100 "firewall1 NIC 0 on VLAN 100"
tap_is "$(get Interface vhu-vrouter1-1 type)" dpdkvhostuserclient "vhost-user client mode"
tap_is "$(get Interface vhu-vrouter1-1 options:vhost-server-path)" "\"$SOCKDIR/vhu-vrouter1-1\"" "socket path in the socket directory"
tap_is "$(get Interface vhu-vrouter1-1 other_config:pmd-rxq-affinity)" '"0:9"' "rx queue pinned to the planned PMD 9"
tap_is "$(get Interface vhu-vrouter1-0 other_config:pmd-rxq-affinity)" '"0:3"' "rx queue pinned to the planned PMD 3"
tap_is "$(get Interface vhu-vrouter1-1 mtu_request)" 1500 "mtu_request from the plan"
tap_is "$(get Interface vhu-trafgen1-0 external_ids:vm-name)" trafgen1 "external_ids:vm-name"
tap_is "$(get Port vhu-trafgen1-0 external_ids:nfvhost-managed)" '"true"' "port marked as managed"

# Again: nothing to do, nothing sent.
before=$(dump)
out=$(apply --plan "$PLAN"); rc=$?
tap_is "$rc" 0 "second apply exits 0"
echo "$out" | grep -q '^nothing to change$'
tap_ok $? "second apply: nothing to change"
tap_is "$(dump)" "$before" "second apply: database identical"

# --json: the change report (lib/changes.h) on stdout, progress on stderr.
apply --plan "$PLAN" --json > "$SCRATCH/changes.json" 2> "$SCRATCH/progress"
tap_is "$?" 0 "apply --json exits 0"
tap_is "$(jget "$SCRATCH/changes.json" '[d["format"], d["command"], d["dry_run"], d["changed"], d["changes"]]')" \
    '["nfvhost-changes", "ovs apply", false, false, []]' "apply --json: nothing changed"
grep -q '^nothing to change$' "$SCRATCH/progress"
tap_ok $? "... its progress went to stderr"
ovs_vsctl set Open_vSwitch . other_config:pmd-cpu-mask=0x1 -- set Port vhu-vrouter1-1 tag=201
before=$(dump)
apply --plan "$PLAN" --json --dry-run > "$SCRATCH/changes.json" 2> /dev/null
tap_is "$(jget "$SCRATCH/changes.json" '[d["dry_run"], d["changed"], d["changes"]]')" \
    '[true, true, [{"what": "Open_vSwitch other_config:pmd-cpu-mask", "before": "0x1", "after": "0x208"}, {"what": "Port vhu-vrouter1-1 tag", "before": "201", "after": "200"}]]' \
    "apply --json --dry-run: what it would change, column by column"
tap_is "$(dump)" "$before" "... and the database is as it was"
apply --plan "$PLAN" --json > "$SCRATCH/changes.json" 2> /dev/null
tap_is "$(jget "$SCRATCH/changes.json" '[d["dry_run"], [c["what"] for c in d["changes"]]]')" \
    '[false, ["Open_vSwitch other_config:pmd-cpu-mask", "Port vhu-vrouter1-1 tag"]]' \
    "apply --json: what it changed"
apply --plan "$PLAN" --json > "$SCRATCH/changes.json" 2> /dev/null
tap_is "$(jget "$SCRATCH/changes.json" 'd["changed"]')" false "... and then nothing more"

# A changed plan: only the difference.
edit_plan "p['vms'][1]['nics'][0]['vlan']=300; p['vms'].pop(2); p['ovs']['other_config']['pmd-rxq-assign']='cycles'"
out=$(apply --plan "$PLAN"); rc=$?
tap_is "$rc" 0 "apply of a changed plan exits 0"
tap_is "$(echo "$out" | grep -c '^  [-+~]')" 3 "three differences reported"
echo "$out" | grep -q '~ Port vhu-firewall1-0 tag: 100 -> 300'
tap_ok $? "VLAN change reported"
echo "$out" | grep -q -- '- Port vhu-trafgen1-0'
tap_ok $? "removed VM's port reported"
echo "$out" | grep -q 'applied 3 change(s)'
tap_ok $? "3 changing operations: other_config, port tag, port off the bridge"
tap_is "$(get Port vhu-firewall1-0 tag)" 300 "new VLAN in the database"
tap_is "$(get Port vhu-trafgen1-0 tag)" 'ovs-vsctl: no row "vhu-trafgen1-0" in table Port' "removed port is gone (and garbage-collected)"
tap_is "$(get Open_vSwitch . other_config:pmd-rxq-assign)" cycles "pmd-rxq-assign changed"

# A concurrent writer between our read and our commit: a second client
# (tests/ovsdb-race-proxy.py, between nfvhost and ovsdb-server) holds our
# commit back and writes first.
edit_plan "p['vms'][1]['nics'][0]['vlan']=301"
python3 "$top_srcdir/tests/ovsdb-race-proxy.py" "$SCRATCH/race.sock" "$OVS_RUNDIR/db.sock" \
    "ovs-vsctl --db=$OVS_DB --no-wait set Open_vSwitch . other_config:foo=bar -- set Port vhu-firewall1-0 tag=999" &
race_pid=$!
ovs_harness_on_stop "kill $race_pid"
ovs_wait_for 10 test -S "$SCRATCH/race.sock"
out=$(apply --plan "$PLAN" --db "unix:$SCRATCH/race.sock"); rc=$?
kill "$race_pid"; wait "$race_pid" 2>/dev/null
tap_is "$rc" 0 "apply with a concurrent writer exits 0"
echo "$out" | grep -q 'reading it again (attempt 1 failed)'
tap_ok $? "the wait guard failed the first attempt"
echo "$out" | grep -q 'applied 1 change(s) in one transaction (attempt 2)'
tap_ok $? "the retry committed"
echo "$out" | grep -q '~ Port vhu-firewall1-0 tag: 999 -> 301'
tap_ok $? "the retry saw the other writer's value"
tap_is "$(get Open_vSwitch . other_config:foo)" bar "the other writer's key survived"
tap_is "$(get Port vhu-firewall1-0 tag)" 301 "the plan's VLAN won"
# Issue 11, defect 15: the installed binary runs no shell for a test.
edit_plan "p['vms'][1]['nics'][0]['vlan']=302"
NFVHOST_TEST_PRE_COMMIT="touch $SCRATCH/hooked" apply --plan "$PLAN" >/dev/null
tap_ok "$(test ! -e "$SCRATCH/hooked"; echo $?)" "defect 15: NFVHOST_TEST_PRE_COMMIT runs nothing"
tap_ok "$(nm -D "$NFVHOST" | grep -q -w -E 'system|popen'; test $? = 1; echo $?)" \
    "defect 15: nfvhost links neither system() nor popen()"

# port add / del.
out=$("$NFVHOST" ovs port add vmx 0 --vlan 42 --pmd 1 --queues 2 \
      --port-id 3f2a9c1e-7b4d-4e2a-9f10-aa --mac 52:54:00:00:00:01 \
      --vm-uuid 11111111-2222 --db "$OVS_DB" --sock-dir "$SOCKDIR" --no-wait); rc=$?
tap_is "$rc" 0 "port add exits 0"
tap_is "$(get Port vhu3f2a9c1e-7b tag)" 42 "os-vif name vhu<port-id[0:11]> with its VLAN"
tap_is "$(get Interface vhu3f2a9c1e-7b other_config:pmd-rxq-affinity)" '"0:1,1:1"' "both queues pinned to the PMD"
tap_is "$(get Interface vhu3f2a9c1e-7b external_ids:iface-id)" '"3f2a9c1e-7b4d-4e2a-9f10-aa"' "iface-id"
tap_is "$(get Interface vhu3f2a9c1e-7b external_ids:attached-mac)" '"52:54:00:00:00:01"' "attached-mac"
tap_is "$(get Interface vhu3f2a9c1e-7b external_ids:vm-uuid)" '"11111111-2222"' "vm-uuid"
out=$(apply --plan "$PLAN"); rc=$?
tap_is "$(get Port vhu3f2a9c1e-7b tag)" 'ovs-vsctl: no row "vhu3f2a9c1e-7b" in table Port' "an exclusive apply also removes managed ports not in the plan..."
echo "$out" | grep -q -- '- Port vhu3f2a9c1e-7b'
tap_ok $? "... and says so"
"$NFVHOST" ovs port add vmx 0 --vlan 42 --db "$OVS_DB" --sock-dir "$SOCKDIR" --no-wait >/dev/null
"$NFVHOST" ovs port del vmx 0 --db "$OVS_DB" --sock-dir "$SOCKDIR" --no-wait >/dev/null
tap_is "$?" 0 "port del exits 0"
tap_is "$(get Port vhu-vmx-0 tag)" 'ovs-vsctl: no row "vhu-vmx-0" in table Port' "port del removed it"
"$NFVHOST" ovs port del vmx 0 --db "$OVS_DB" --no-wait 2>"$SCRATCH/err" >/dev/null
tap_is "$?" 2 "deleting a missing port: exit 2"
grep -q 'no port vhu-vmx-0 on bridge br-nfv' "$SCRATCH/err"
tap_ok $? "... naming the port"
"$NFVHOST" ovs port add 'vm;rm -rf /' 0 --db "$OVS_DB" --sock-dir "$SOCKDIR" --no-wait 2>"$SCRATCH/err" >/dev/null
tap_is "$?" 2 "a VM name with shell characters: exit 2"
"$NFVHOST" ovs port add vm1 ../x --db "$OVS_DB" --sock-dir "$SOCKDIR" --no-wait 2>"$SCRATCH/err" >/dev/null
tap_is "$?" 2 "a NIC id with path characters: exit 2"

# A second uplink: the two become a bond; the first interface moves into it.
cp "$PLAN" "$SCRATCH/plan1.json"
two_uplinks() { # two_uplinks BOND-MODE OUT
    # Both X710 ports for OVS: none is left to give vrouter1 its VF.
    sed -e "s/^uplink = 0000:03:00.0$/uplink = 0000:03:00.0\nuplink = 0000:03:00.1\nbond_mode = $1/" \
        -e "s/, sriov:300@0000:03:00.1$//" "$HOMELAB/intent.ini" > "$SCRATCH/two.ini"
    "$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$SCRATCH/two.ini" \
        --uplink-override 0000:03:00.0=net_af_packet0,iface=vx0 \
        --uplink-override 0000:03:00.1=net_af_packet1,iface=vx1 --output "$2" >/dev/null
    # The VMs as in the first plan, less the VF (the bond is what changes).
    python3 -c "import json,sys; p=json.load(open(sys.argv[1])); q=json.load(open(sys.argv[2])); p['vms']=q['vms']; [v.update(nics=[n for n in v['nics'] if n['type'] != 'sriov']) for v in p['vms']]; json.dump(p, open(sys.argv[1],'w'))" \
        "$2/plan.json" "$PLAN"
}
two_uplinks active-backup "$SCRATCH/two-ab"
out=$(apply --plan "$SCRATCH/two-ab/plan.json"); rc=$?
tap_is "$rc" 0 "two uplinks: apply exits 0"
echo "$out" | grep -q 'Interface dpdk-up0 moves to port bond-up'
tap_ok $? "the single uplink's interface moves into the bond"
tap_is "$(ovs_vsctl list-ifaces br-nfv | grep dpdk-up | tr '\n' ' ')" "dpdk-up0 dpdk-up1 " "both uplink interfaces on the bridge"
tap_is "$(ovs_vsctl --columns=name find Port name=dpdk-up0)" "" "the old uplink port is gone"
tap_is "$(get Port bond-up bond_mode)" active-backup "bond-up in active-backup by default"
tap_is "$(get Port bond-up lacp)" '[]' "no LACP for active-backup"
two_uplinks balance-tcp "$SCRATCH/two-tcp"
out=$(apply --plan "$SCRATCH/two-tcp/plan.json"); rc=$?
tap_is "$(get Port bond-up bond_mode)" balance-tcp "[ovs] bond_mode = balance-tcp"
tap_is "$(get Port bond-up lacp)" active "... with LACP active"
out=$(apply --plan "$SCRATCH/plan1.json"); rc=$?
tap_is "$rc" 0 "back to one uplink: apply exits 0"
tap_is "$(ovs_vsctl list-ifaces br-nfv | grep dpdk-up | tr '\n' ' ')" "dpdk-up0 " "one uplink interface again"
tap_is "$(get Port dpdk-up0 bond_mode)" '[]' "a plain port, no bond"
cp "$SCRATCH/plan1.json" "$PLAN"

# Bad input: clear message, exit 2, database unchanged.
bad() { # bad DESCRIPTION EXPECTED-STATUS MESSAGE-REGEX COMMAND...
    _desc=$1 _want=$2 _re=$3; shift 3
    _before=$(dump)
    "$@" >"$SCRATCH/out" 2>"$SCRATCH/err"
    tap_is "$?" "$_want" "$_desc: exit $_want"
    grep -q -- "$_re" "$SCRATCH/err" || { cat "$SCRATCH/err" | sed 's/^/# /'; false; }
    tap_ok $? "$_desc: message says '$_re'"
    tap_is "$(dump)" "$_before" "$_desc: database unchanged"
}
ovs_vsctl add-br br-sys -- set Bridge br-sys datapath_type=system
bad "a bridge with another datapath type" 2 "bridge br-sys exists with datapath_type 'system'" \
    apply --plan "$PLAN" --bridge br-sys
mkdir -m 0777 "$SCRATCH/ww"; chmod 0777 "$SCRATCH/ww"
bad "a world-writable socket directory" 2 "is world-writable" \
    apply --plan "$PLAN" --sock-dir "$SCRATCH/ww"
# Issue 11, defect 14: an existing socket directory is root's, writable by
# no group but the socket group's, reached through no symbolic link.
mkdir -m 0750 "$SCRATCH/theirs"; chown 1234 "$SCRATCH/theirs"
bad "a socket directory owned by uid 1234" 2 "socket directory $SCRATCH/theirs is owned by uid 1234, not root" \
    apply --plan "$PLAN" --sock-dir "$SCRATCH/theirs"
mkdir -m 0770 "$SCRATCH/gw"; chgrp daemon "$SCRATCH/gw"; chmod 0770 "$SCRATCH/gw"
bad "a socket directory writable by a foreign group" 2 "socket directory $SCRATCH/gw is writable by group daemon, not the socket group root" \
    apply --plan "$PLAN" --sock-dir "$SCRATCH/gw"
bad "... also for ovs port, which has no socket group" 2 "writable by group daemon and no socket group is given: if that group is QEMU's, give it as --qemu-group" \
    "$NFVHOST" ovs port add vmx 1 --db "$OVS_DB" --sock-dir "$SCRATCH/gw" --no-wait
tap_is "$("$NFVHOST" ovs port add vmx 1 --db "$OVS_DB" --sock-dir "$SCRATCH/gw" \
          --qemu-group daemon --no-wait >/dev/null 2>&1; echo $?)" 0 \
    "a directory writable by the socket group itself is fine"
"$NFVHOST" ovs port del vmx 1 --db "$OVS_DB" --no-wait >/dev/null
ln -s "$SOCKDIR" "$SCRATCH/link"
bad "a socket directory that is a symbolic link" 2 "socket directory $SCRATCH/link: $SCRATCH/link is a symbolic link; nfvhost follows none there" \
    apply --plan "$PLAN" --sock-dir "$SCRATCH/link"
mkdir "$SCRATCH/real"; ln -s "$SCRATCH/real" "$SCRATCH/plink"
bad "a symbolic link above the socket directory" 2 "socket directory $SCRATCH/plink/sock: $SCRATCH/plink is a symbolic link" \
    apply --plan "$PLAN" --sock-dir "$SCRATCH/plink/sock"
tap_ok "$(test ! -e "$SCRATCH/real/sock"; echo $?)" "... and nothing was made through it"
mkdir -m 0777 "$SCRATCH/open"; chmod 0777 "$SCRATCH/open"
bad "a directory above it that anyone can write" 2 "socket directory $SCRATCH/open/sock: $SCRATCH/open, above it, can be changed by a user other than root" \
    apply --plan "$PLAN" --sock-dir "$SCRATCH/open/sock"
# The planned PCI uplink (no stand-in) on a fake tree.
PCIPLAN=$SCRATCH/homelab/plan.json
FAKE=$SCRATCH/fake; mkdir -p "$FAKE/sys/bus/pci/devices" "$FAKE/proc/net"
fake_homelab_vf_pf "$FAKE"
bad "a plan naming a missing device" 2 "uplink 0000:03:00.0: no such PCI device" \
    apply --plan "$PCIPLAN" --sysfs-root "$FAKE"
mkdir -p "$FAKE/sys/bus/pci/devices/0000:03:00.0/net/enp3s0f0"
printf 'Iface\tDestination\tGateway\nenp3s0f0\t00000000\t0102A8C0\n' > "$FAKE/proc/net/route"
bad "a device whose interface carries a route" 2 "interface enp3s0f0, which carries a route or an address" \
    apply --plan "$PCIPLAN" --sysfs-root "$FAKE"
: > "$FAKE/proc/net/route"
echo "20010db8000000000000000000000001 02 40 00 80 enp3s0f0" > "$FAKE/proc/net/if_inet6"
bad "a device with a global IPv6 address" 2 "carries a route or an address" \
    apply --plan "$PCIPLAN" --sysfs-root "$FAKE"
echo "fe800000000000000000000000000001 02 40 20 80 enp3s0f0" > "$FAKE/proc/net/if_inet6"
apply --plan "$PCIPLAN" --sysfs-root "$FAKE" >/dev/null 2>"$SCRATCH/err"
! grep -q "carries a route or an address" "$SCRATCH/err"
tap_ok $? "a link-local IPv6 address alone does not make a NIC in use (lib/netdev.h)"
edit_plan "p['vms'][0]['name']='bad/name'"
bad "a VM name with a slash" 2 "vms\[0\].name: 'bad/name' is not" apply --plan "$PLAN"
echo '{"format": "nfvhost-plan", ' > "$SCRATCH/broken.json"
bad "a truncated plan" 2 "broken.json" apply --plan "$SCRATCH/broken.json"
bad "apply-time --uplink-override: the plan carries the stand-in" 2 "unknown option '--uplink-override'" \
    apply --plan "$PCIPLAN" --uplink-override 0000:03:00.0=net_tap0
bad "a malformed --cpu-map" 2 "cpu-map" apply --plan "$PCIPLAN" --cpu-map 3:1
bad "a missing value" 2 "option '--plan' needs a value" apply --plan


# A stand-in chosen at plan time ('nfvhost plan --uplink-override') needs
# no flag at apply time: the plan's uplink devargs and its --no-pci.
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" \
    --uplink-override 0000:03:00.0=net_af_packet0,iface=vx9 --output "$SCRATCH/standin" >/dev/null
out=$(apply --plan "$SCRATCH/standin/plan.json" --dry-run); rc=$?
tap_is "$rc" 0 "plan-time stand-in: dry run exits 0"
echo "$out" | grep -q 'net_af_packet0,iface=vx9'
tap_ok $? "plan-time stand-in: the uplink's dpdk-devargs come from the plan"
echo "$out" | grep -q '0000:03:00.0"\]\]' && echo "$out" | grep -q 'dpdk-extra","-a'
tap_ok $((! $?)) "plan-time stand-in: no PCI allowlist, nothing to bind"

# The plan's dpdk-extra is what the planner decided (here with an EAL
# option added by hand): ovs apply takes it as it is.
python3 -c "import json,sys; p=json.load(open(sys.argv[1])); p['ovs']['other_config']['dpdk-extra'] += ' --log-level=lib.eal:info'; json.dump(p, open(sys.argv[2],'w'))" \
    "$SCRATCH/standin/plan.json" "$SCRATCH/extra.json"
out=$(apply --plan "$SCRATCH/extra.json" --dry-run)
echo "$out" | grep -q 'dpdk-extra","--no-pci --log-level=lib.eal:info"'
tap_ok $? "the plan's own dpdk-extra is applied as it is"

# Issue 11, defect 6: the database is checked before any device: with it
# out of reach, a PCI plan on a fake tree writes nothing there.
FAKE2=$SCRATCH/fake2
mkdir -p "$FAKE2/sys/bus/pci/devices/0000:03:00.0" "$FAKE2/sys/bus/pci/drivers/i40e" "$FAKE2/proc/net"
echo 8 > "$FAKE2/sys/bus/pci/devices/0000:03:00.0/sriov_totalvfs"
echo 0 > "$FAKE2/sys/bus/pci/devices/0000:03:00.0/sriov_numvfs"
: > "$FAKE2/sys/bus/pci/devices/0000:03:00.0/driver_override"
: > "$FAKE2/sys/bus/pci/drivers_probe"
snap() { find "$FAKE2" -type f | sort | while read -r f; do echo "$f: $(cat "$f")"; done; }
before=$(snap)
"$NFVHOST" ovs apply --db "unix:$SCRATCH/no-such-db.sock" --sock-dir "$SCRATCH/sock2" \
    --qemu-group root --plan "$PCIPLAN" --sysfs-root "$FAKE2" >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 1 "an unreachable database: exit 1"
tap_is "$(snap)" "$before" "... and no device was touched (no VFs, no binding)"
tap_ok "$(test ! -e "$SCRATCH/sock2"; echo $?)" "... nor the socket directory made"

tap_done
