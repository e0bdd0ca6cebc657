#!/bin/sh
# ovs-switchdev.sh: an uplink PF in switchdev mode ([uplink PCI] mode =
# switchdev): the plan lists a representor port per VF a VM takes
# (dpdk-devargs=PF,representor=vfN, the VF's VLAN), and 'ovs apply' keeps
# the PF on its kernel driver, raises its VFs and adds the representors to
# the bridge as access ports.  Issue 10, section 2, item 15.
#
# No switchdev NIC was run here: the PF is a fake sysfs tree and the
# database a private ovsdb-server without ovs-vswitchd (which would have
# to probe a PCI device, which tests never let DPDK do).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v ovsdb-server && command -v ovsdb-tool' 'ovsdb-server (openvswitch-switch)'
require 'command -v python3' 'python3'
require 'command -v virt-xml-validate && command -v virsh' 'virt-xml-validate and virsh (libvirt-clients)'

ovs_harness_start --no-vswitchd || { echo "Bail out! harness"; exit 1; }
SCRATCH=$OVS_RUNDIR/scratch; mkdir "$SCRATCH"
PF=0000:03:00.0
R=$SCRATCH/root
cat > "$SCRATCH/intent.ini" <<EOF
[ovs]
uplink = $PF
[uplink $PF]
mode = switchdev
[vm vnf1]
vcpus = 2
memory = 1G
nics = vhost:100, sriov:200, sriov
sriov_pf = $PF
[vm vnf2]
vcpus = 2
memory = 1G
nics = sriov:300
sriov_pf = $PF
EOF
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$SCRATCH/intent.ini" \
    --output "$SCRATCH/plan" > /dev/null
tap_is "$?" 0 "a switchdev uplink plans"
PLAN=$SCRATCH/plan/plan.json
tap_is "$(jget "$PLAN" '[d["uplinks"][0]["mode"], d["ovs"]["uplink_port"]["interfaces"][0]["bind_vfio"], d["ovs"]["uplink_port"]["interfaces"][0]["dpdk_devargs"]]')" \
    "[\"switchdev\", false, \"$PF\"]" "plan.json: mode switchdev, the PF stays on its kernel driver, OVS takes it by address"
tap_is "$(jget "$PLAN" '[[r["name"], r["dpdk_devargs"], r["vlan"], r["vm"], r["nic"]] for r in d["ovs"]["representors"]]')" \
    "[[\"rep-vnf1-1\", \"$PF,representor=vf0\", 200, \"vnf1\", 1], [\"rep-vnf1-2\", \"$PF,representor=vf1\", null, \"vnf1\", 2], [\"rep-vnf2-0\", \"$PF,representor=vf2\", 300, \"vnf2\", 0]]" \
    "plan.json: one representor per VF a VM takes, with the VF's VLAN"
tap_is "$(jget "$PLAN" 'd["sriov_pfs"]')" "[{\"pci\": \"$PF\", \"numvfs\": 3, \"set_numvfs\": true}]" \
    "plan.json: the PF needs 3 VFs"

# A ConnectX port on mlx5_core whose eswitch is in switchdev mode: the PF's
# uplink representor and the VFs' representors are kernel interfaces.
fake_nic "$R" "$PF" 0 mlx5_core ens1f0np0 1 8 0
mkdir -p "$R/sys/bus/pci/drivers/vfio-pci" "$R/proc/net"
: > "$R/proc/net/route"; : > "$R/proc/net/ipv6_route"; : > "$R/proc/net/if_inet6"
: > "$R/sys/bus/pci/devices/$PF/driver_override"; : > "$R/sys/bus/pci/drivers_probe"
snapshot() { find "$R" -type f | sort | while read -r f; do echo "$f: $(cat "$f")"; done; }
apply() {
    "$NFVHOST" ovs apply --db "$OVS_DB" --no-wait --sock-dir "$SCRATCH/sock" \
        --qemu-group root --sysfs-root "$R" --plan "${APPLY_PLAN:-$PLAN}" "$@"
}

apply --dry-run > "$SCRATCH/out" 2> "$SCRATCH/err"
tap_is "$?" 0 "dry run: exit 0"
grep -q "$PF: would set sriov_numvfs 0 -> 3" "$SCRATCH/out"
tap_ok $? "dry run: would make the 3 VFs"
grep -q "$PF.*vfio-pci" "$SCRATCH/out"
tap_is "$?" 1 "dry run: no vfio-pci binding for the switchdev PF"

apply > "$SCRATCH/out" 2> "$SCRATCH/err"
tap_is "$?" 0 "apply: exit 0"
tap_is "$(cat "$R/sys/bus/pci/devices/$PF/sriov_numvfs")" 3 "sriov_numvfs raised to 3"
tap_is "$(cat "$R/sys/bus/pci/devices/$PF/driver_override" "$R/sys/bus/pci/drivers_probe")" "" \
    "the PF is left on mlx5_core (no driver_override, no probe)"
tap_is "$(ovs_vsctl get Interface dpdk-up0 type options:dpdk-devargs)" "dpdk
\"$PF\"" "the PF is the uplink by its address"
for r in rep-vnf1-1:vf0:200 rep-vnf1-2:vf1:'[]' rep-vnf2-0:vf2:300; do
    name=${r%%:*}; rest=${r#*:}; vf=${rest%%:*}; tag=${rest#*:}
    tap_is "$(ovs_vsctl get Interface "$name" type options:dpdk-devargs mtu_request)" "dpdk
\"$PF,representor=$vf\"
1500" "$name: a dpdk interface on $PF's representor of $vf"
    tap_is "$(ovs_vsctl get Port "$name" tag)" "$tag" "$name: the VF's VLAN as its tag ($tag)"
done
tap_is "$(ovs_vsctl get Interface rep-vnf2-0 external_ids:vm-name external_ids:attached-mac)" \
    "vnf2
\"$(jget "$PLAN" 'd["vms"][1]["nics"][0]["mac"]')\"" "representor's external_ids: its VM and the VF's MAC"
tap_is "$(ovs_vsctl --columns=name find Port external_ids:nfvhost-managed=true | grep -c rep-)" 3 \
    "representors are managed ports"

apply > "$SCRATCH/out" 2>&1
grep -q "nothing to change" "$SCRATCH/out"
tap_ok $? "a second apply has nothing to change"

# A plan without vnf2: its representor leaves the bridge.
python3 - "$PLAN" "$SCRATCH/less.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["vms"] = p["vms"][:1]
p["ovs"]["representors"] = [r for r in p["ovs"]["representors"] if r["vm"] != "vnf2"]
json.dump(p, open(sys.argv[2], "w"), indent=2)
PY
APPLY_PLAN=$SCRATCH/less.json apply > "$SCRATCH/out" 2>&1
grep -q "^  - Port rep-vnf2-0" "$SCRATCH/out"
tap_ok $? "a representor the plan dropped is removed"
apply > /dev/null 2>&1

# The same re-planned with --previous (planner rule 16): the representor
# is one of the ports the plan's changes remove, the only one apply takes
# off the bridge.
sed '/^\[vm vnf2\]/,$d' "$SCRATCH/intent.ini" > "$SCRATCH/less.ini"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$SCRATCH/less.ini" \
    --previous "$PLAN" --output "$SCRATCH/replan" > /dev/null
tap_is "$(jget "$SCRATCH/replan/plan.json" '[c["item"] for c in d["changes"] if c["kind"] == "port-removed"]')" \
    '["rep-vnf2-0"]' "re-planned without vnf2: its representor is a port the changes remove"
APPLY_PLAN=$SCRATCH/replan/plan.json apply > "$SCRATCH/out" 2>&1
tap_is "$?|$(grep -c '^  - Port' "$SCRATCH/out")|$(grep -c '^  - Port rep-vnf2-0$' "$SCRATCH/out")" "0|1|1" \
    "... and apply takes that port only off the bridge"
apply > /dev/null 2>&1

# A representor that does not match its VM's NIC is refused by the reader.
python3 - "$PLAN" "$SCRATCH/bad.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["ovs"]["representors"][0]["vlan"] = 999
json.dump(p, open(sys.argv[2], "w"), indent=2)
PY
APPLY_PLAN=$SCRATCH/bad.json apply > /dev/null 2> "$SCRATCH/err"
tap_is "$?" 2 "a representor whose VLAN is not its NIC's: exit 2"
tap_is "$(cat "$SCRATCH/err")" "nfvhost: $SCRATCH/bad.json: ovs.representors[0]: not that NIC's PF, VF and VLAN" \
    "... naming the JSON path"

# The PF on vfio-pci cannot be in switchdev mode (the eswitch is the
# kernel driver's): refused before anything is touched.
rm "$R/sys/bus/pci/devices/$PF/driver"
ln -s ../../../bus/pci/drivers/vfio-pci "$R/sys/bus/pci/devices/$PF/driver"
echo 0 > "$R/sys/bus/pci/devices/$PF/sriov_numvfs"
before=$(snapshot; ovsdb-client dump "$OVS_DB")
apply > /dev/null 2> "$SCRATCH/err"
tap_is "$?" 2 "the switchdev PF on vfio-pci: exit 2"
tap_is "$(cat "$SCRATCH/err")" "nfvhost: switchdev uplink $PF is on vfio-pci: its eswitch and VF representors belong to its kernel driver; give it back ('nfvhost ovs release $PF') and set 'devlink dev eswitch set pci/$PF mode switchdev'" \
    "... saying what to do"
tap_is "$(snapshot; ovsdb-client dump "$OVS_DB")" "$before" "... sysfs and database unchanged"

# The VM's side: a VF of a switchdev uplink gets no <vlan> in the domain
# (its VLAN is the representor port's tag; mlx5 refuses a VF VLAN in
# switchdev mode), and the domain is still one libvirt takes.
"$NFVHOST" vm xml --plan "$PLAN" --vm vnf1 --vf 1=0000:03:02.0 --vf 2=0000:03:02.1 \
    > "$SCRATCH/vnf1.xml" 2> "$SCRATCH/err"
tap_is "$?" 0 "vm xml for a VM on switchdev VFs"
tap_is "$(grep -c '<interface type="hostdev"' "$SCRATCH/vnf1.xml"):$(grep -c '<vlan' "$SCRATCH/vnf1.xml")" "2:0" \
    "... two VFs, no VF VLAN (the representor carries 200)"
virt-xml-validate "$SCRATCH/vnf1.xml" domain > "$SCRATCH/err" 2>&1
tap_ok $? "... virt-xml-validate takes it"
virsh -q -c test:///default define "$SCRATCH/vnf1.xml" > "$SCRATCH/err" 2>&1
tap_ok $? "... and virsh -c test:///default define"

tap_done
