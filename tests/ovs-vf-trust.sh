#!/bin/sh
# ovs-vf-trust.sh: a VF used as the OVS uplink gets spoof checking off and
# trust on from its PF, through rtnetlink (lib/vfinfo.h), and 'ovs
# release' gives it the kernel's defaults back.  Issue 10, section 2,
# item 10.
#
# This machine has no SR-IOV NIC, so the VF and its PF are a fake sysfs
# tree, and the PF's interface is a veth that this test makes in a
# network namespace of its own: nfvhost runs inside it (ip netns exec), so
# its netlink requests reach the veth and nothing of the machine's own.
# A veth has no VF settings: the kernel answers "Operation not
# supported", which is what apply must report.  The request itself is
# checked byte for byte by tests/unit/test-vfinfo.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v ovsdb-server && command -v ovsdb-tool' 'ovsdb-server (openvswitch-switch)'
require 'command -v python3' 'python3'
require '[ "$(id -u)" = 0 ] && command -v ip' 'root and iproute2 (network namespaces)'

ovs_harness_start --no-vswitchd || { echo "Bail out! harness"; exit 1; }
SCRATCH=$OVS_RUNDIR/scratch; mkdir "$SCRATCH"
NS=nfvhost-vft-$$
ovs_harness_on_stop "ip netns del $NS 2>/dev/null"
ip netns add "$NS" || { echo "Bail out! netns"; exit 1; }
ip -n "$NS" link add enp3s0f0 type veth peer name peer0 || { echo "Bail out! veth"; exit 1; }

PF=0000:03:00.0
VF=0000:03:02.1
R=$SCRATCH/root
fake_nic "$R" "$PF" 0 i40e enp3s0f0 1 64 2
fake_nic "$R" 0000:03:02.0 0 iavf enp3s0f0v0 1
fake_nic "$R" "$VF" 0 iavf enp3s0f0v1 1
for i in 0 1; do
    ln -s "../0000:03:02.$i" "$R/sys/bus/pci/devices/$PF/virtfn$i"
    ln -s "../$PF" "$R/sys/bus/pci/devices/0000:03:02.$i/physfn"
done
mkdir -p "$R/sys/bus/pci/drivers/vfio-pci" "$R/proc/net" "$R/sys/kernel/iommu_groups/40/devices"
ln -s "../../../../bus/pci/devices/$VF" "$R/sys/kernel/iommu_groups/40/devices/$VF"
ln -s ../../../../kernel/iommu_groups/40 "$R/sys/bus/pci/devices/$VF/iommu_group"
: > "$R/proc/net/route"; : > "$R/proc/net/ipv6_route"; : > "$R/proc/net/if_inet6"
: > "$R/sys/bus/pci/devices/$VF/driver_override"; : > "$R/sys/bus/pci/drivers_probe"
: > "$R/sys/bus/pci/drivers/iavf/unbind"; : > "$R/sys/bus/pci/drivers/vfio-pci/unbind"

# The planner reads which PF and which VF the uplink is from the tree.
printf '[ovs]\nuplink = %s\n[vm vm1]\nvcpus = 2\nmemory = 1G\nnics = vhost:100\n' "$VF" > "$SCRATCH/vf.ini"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --sysfs-root "$R" \
    --intent "$SCRATCH/vf.ini" --output "$SCRATCH/plan" >/dev/null
PLAN=$SCRATCH/plan/plan.json
tap_is "$(jget "$PLAN" '[[u["is_vf"], u["physfn"], u["vf_index"]] for u in d["uplinks"]]')" \
    "[[true, \"$PF\", 1]]" "plan.json: the uplink is VF 1 of $PF"

snapshot() { find "$R" -type f | sort | while read -r f; do echo "$f: $(cat "$f")"; done; }
apply() { # in the test's namespace: netlink reaches its veth only
    ip netns exec "$NS" "$NFVHOST" ovs apply --db "$OVS_DB" --no-wait \
        --sock-dir "$SCRATCH/sock" --qemu-group root --sysfs-root "$R" \
        --plan "${APPLY_PLAN:-$PLAN}" "$@"
}

before=$(snapshot; ovsdb-client dump "$OVS_DB")
apply --dry-run > "$SCRATCH/out" 2> "$SCRATCH/err"
tap_is "$?" 0 "dry run: exit 0"
grep -q "^  $VF: VF 1 of enp3s0f0 ($PF): would set spoof checking off, trust on (netlink; the PF reports no settings for it now)$" "$SCRATCH/out"
tap_ok $? "dry run: says it would set spoof checking off and trust on through the PF's interface"
apply --dry-run --json > "$SCRATCH/changes.json" 2> /dev/null
tap_is "$(jget "$SCRATCH/changes.json" '[c for c in d["changes"] if c["what"].startswith("'"$VF"'")]')" \
    "[{\"what\": \"$VF spoofchk\", \"before\": \"unknown\", \"after\": \"off\"}, {\"what\": \"$VF trust\", \"before\": \"unknown\", \"after\": \"on\"}, {\"what\": \"$VF driver\", \"before\": \"iavf\", \"after\": \"vfio-pci\"}]" \
    "dry run --json: spoofchk and trust reported, before the driver"
tap_is "$(snapshot; ovsdb-client dump "$OVS_DB")" "$before" "dry run: sysfs and database unchanged"

# The kernel's answer for a PF without VF settings comes back as is; the
# VF is not given to vfio-pci without them, and the database is untouched.
apply > "$SCRATCH/out" 2> "$SCRATCH/err"
tap_is "$?" 1 "the kernel refuses (veth: no VF settings): exit 1"
tap_is "$(cat "$SCRATCH/err")" \
    "nfvhost: uplink $VF: cannot set spoof checking off and trust on on VF 1 of enp3s0f0 (PF $PF) through netlink: Operation not supported (the PF's driver has no such VF settings)" \
    "... with the kernel's error, the PF, its interface and the VF"
grep -q "^  $VF: VF 1 of enp3s0f0 ($PF): setting spoof checking off, trust on" "$SCRATCH/out"
tap_ok $? "... after saying what it was setting"
tap_is "$(snapshot; ovsdb-client dump "$OVS_DB")" "$before" "... the VF not bound, the database unchanged"

# release (after the VF was on vfio-pci): the kernel's defaults again.
rm "$R/sys/bus/pci/devices/$VF/driver"
ln -s ../../../bus/pci/drivers/vfio-pci "$R/sys/bus/pci/devices/$VF/driver"
ip netns exec "$NS" "$NFVHOST" ovs release --plan "$PLAN" --sysfs-root "$R" \
    --db "$OVS_DB" --dry-run > "$SCRATCH/out" 2>&1
tap_is "$?" 0 "release --dry-run: exit 0"
grep -q "^  $VF: VF 1 of enp3s0f0 ($PF): would set spoof checking on, trust off" "$SCRATCH/out"
tap_ok $? "release --dry-run: would give the VF spoof checking and no trust back"
ip netns exec "$NS" "$NFVHOST" ovs release --plan "$PLAN" --sysfs-root "$R" \
    --db "$OVS_DB" > "$SCRATCH/out" 2> "$SCRATCH/err"
tap_is "$?" 1 "release: the kernel refuses on the veth: exit 1"
tap_is "$(cat "$R/sys/bus/pci/devices/$VF/driver_override")" "" "... after the VF went back to its driver"
grep -q "cannot set spoof checking on and trust off on VF 1 of enp3s0f0" "$SCRATCH/err"
tap_ok $? "... and the error says what it was setting"

# A PF without a kernel interface (bound elsewhere) cannot set them:
# refused before anything is done.
rm "$R/sys/bus/pci/devices/$VF/driver"
ln -s ../../../bus/pci/drivers/iavf "$R/sys/bus/pci/devices/$VF/driver"
: > "$R/sys/bus/pci/devices/$VF/driver_override"; : > "$R/sys/bus/pci/drivers_probe"
mv "$R/sys/bus/pci/devices/$PF/net" "$SCRATCH/pf-net"
before=$(snapshot; ovsdb-client dump "$OVS_DB")
apply > /dev/null 2> "$SCRATCH/err"
tap_is "$?" 2 "the PF has no kernel interface: exit 2"
grep -q "uplink $VF is VF 1 of PF $PF, which has no kernel interface" "$SCRATCH/err"
tap_ok $? "... saying why it matters"
tap_is "$(snapshot; ovsdb-client dump "$OVS_DB")" "$before" "... nothing touched"
mv "$SCRATCH/pf-net" "$R/sys/bus/pci/devices/$PF/net"

# A plan that does not know which VF it is (hand-edited, or planned from
# another host's topology) is refused.
python3 - "$PLAN" "$SCRATCH/novf.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["uplinks"][0]["vf_index"] = -1
json.dump(p, open(sys.argv[2], "w"), indent=2)
PY
APPLY_PLAN=$SCRATCH/novf.json apply > /dev/null 2> "$SCRATCH/err"
tap_is "$?" 2 "a VF uplink of unknown index: exit 2"
grep -q "uplink $VF is a VF, but the plan does not say of which PF and which VF" "$SCRATCH/err"
tap_ok $? "... naming the plan fields"

tap_done
