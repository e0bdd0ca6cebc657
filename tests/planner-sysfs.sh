#!/bin/sh
# planner-sysfs.sh: NIC facts from a fake sysfs tree (--sysfs-root): NUMA
# node (-1 -> node 0 with a warning), driver, SR-IOV counts, physfn links,
# carrier, and interfaces that carry a route or a global address.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
cd "$SCRATCH"
R="$SCRATCH/root"
fake_nic "$R" 0000:03:00.0 -1 i40e enp3s0f0 1 64 2
fake_nic "$R" 0000:03:00.1 0 i40e enp3s0f1 0 64 0
fake_nic "$R" 0000:03:02.0 0 iavf enp3s0f0v0 1
ln -s ../0000:03:00.0 "$R/sys/bus/pci/devices/0000:03:02.0/physfn"
# A GPU: not a network controller, must be ignored.
mkdir -p "$R/sys/bus/pci/devices/0000:04:00.0"
echo 0x030000 > "$R/sys/bus/pci/devices/0000:04:00.0/class"
fake_route "$R" enp3s0f1
printf 'fe800000000000000000000000000001 03 40 20 80 enp3s0f0\n' > "$R/proc/net/if_inet6"

# nfvhost drives one uplink or a bond of two: the PF 03:00.0 and 03:00.1.
cat > "$SCRATCH/intent.ini" <<'INI'
[ovs]
uplink = 0000:03:00.0
uplink = 0000:03:00.1
INI
plan_json "$SCRATCH/p.json" --topology "$HOMELAB/topology.xml" --sysfs-root "$R" \
    --intent "$SCRATCH/intent.ini"
tap_is "$?" 0 "plans with a fake sysfs tree"
J="$SCRATCH/p.json"
tap_is "$(jget "$J" '[(u["pci"], u["numa_reported"], u["numa"]) for u in d["uplinks"]]')" \
    '[["0000:03:00.0", -1, 0], ["0000:03:00.1", 0, 0]]' \
    "NUMA node -1 is planned as node 0"
grep -q "uplink 0000:03:00.0: NUMA node unknown (-1); treating it as node 0" "$J.err"
tap_ok $? "... with a warning"
tap_is "$(jget "$J" '[u["driver"] for u in d["uplinks"]]')" '["i40e", "i40e"]' "drivers from the driver links"
tap_is "$(jget "$J" '[[u["sriov_totalvfs"], u["sriov_numvfs"]] for u in d["uplinks"]]')" \
    "[[64, 2], [64, 0]]" "SR-IOV VF counts"
tap_is "$(jget "$J" '[u["carrier"] for u in d["uplinks"]]')" "[true, false]" "carrier from net/IFNAME/carrier"
tap_is "$(jget "$J" '[u["has_route"] for u in d["uplinks"]]')" "[false, true]" \
    "the routed interface is flagged; a link-local address alone is not (lib/netdev.h)"
grep -q "uplink 0000:03:00.1 (enp3s0f1) carries a route or address" "$J.err"
tap_ok $? "... with a warning"
tap_is "$(jget "$J" 'd["ovs"]["other_config"]["dpdk-extra"]')" "-a 0000:03:00.0 -a 0000:03:00.1" \
    "dpdk-extra allowlists exactly the planned uplinks"
tap_is "$(jget "$J" '[d["ovs"]["uplink_port"]["name"], d["ovs"]["uplink_port"]["bond_mode"]]')" \
    '["bond-up", "active-backup"]' "two uplinks: one bond, active-backup by default"

# A VF as the uplink: its PF and its virtfn index come from sysfs, and the
# VMs' VFs of the same PF skip it (rule 12).
# The kernel numbers virtfnN from 0 without gaps.
ln -s ../0000:03:0a.0 "$R/sys/bus/pci/devices/0000:03:00.0/virtfn0"
ln -s ../0000:03:02.0 "$R/sys/bus/pci/devices/0000:03:00.0/virtfn1"
cat > "$SCRATCH/vf.ini" <<'INI'
[ovs]
uplink = 0000:03:02.0
[vm a]
vcpus = 2
memory = 2G
nics = sriov:10, sriov:11
sriov_pf = 0000:03:00.0
INI
plan_json "$SCRATCH/vf.json" --topology "$HOMELAB/topology.xml" --sysfs-root "$R" \
    --intent "$SCRATCH/vf.ini"
tap_is "$?" 0 "plans a VF uplink"
tap_is "$(jget "$SCRATCH/vf.json" '[[u["is_vf"], u["physfn"], u["vf_index"]] for u in d["uplinks"]]')" \
    '[[true, "0000:03:00.0", 1]]' "a VF, its PF from the physfn link and its index from the PF's virtfn1"
tap_is "$(jget "$SCRATCH/vf.json" '[n["vf"] for n in d["vms"][0]["nics"]]')" "[0, 2]" \
    "rule 12: the VM's VFs skip virtfn1, the uplink"
tap_is "$(jget "$SCRATCH/vf.json" 'd["sriov_pfs"]')" \
    '[{"pci": "0000:03:00.0", "numvfs": 3, "set_numvfs": true}]' \
    "rule 12: the PF needs 3 VFs"

# A third uplink is an intent error, at plan time.
printf '[ovs]\nuplink = 0000:03:00.0\nuplink = 0000:03:00.1\nuplink = 0000:03:02.0\n' > three.ini
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --sysfs-root "$R" --intent three.ini > /dev/null 2> three.err
tap_is "$?" 2 "a third uplink: exit 2 at plan time"
tap_is "$(cat three.err)" "nfvhost: three.ini:4: a third uplink 0000:03:02.0: nfvhost drives one uplink or a bond of two (lines 2 and 3)" \
    "... naming the line"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --sysfs-root "$R" --no-color > sum.txt 2>&1
tap_is "$?" 0 "plans without uplinks too"
grep -q -- "dpdk-extra=--no-pci" sum.txt
tap_ok $? "no uplink: DPDK gets --no-pci"

# Review 7: the planner checks a PF's VFs against what the card makes
# (sriov_totalvfs).  03:00.1 makes one VF here; a VM asks it for two.
R2="$SCRATCH/root2"
fake_nic "$R2" 0000:03:00.0 0 i40e enp3s0f0 1 64 0
fake_nic "$R2" 0000:03:00.1 0 i40e enp3s0f1 1 1 0
fake_nic "$R2" 0000:03:00.2 0 e1000e enp3s0f2 1
cat > vfs.ini <<'INI'
[ovs]
uplink = 0000:03:00.0
[vm a]
vcpus = 2
memory = 2G
nics = sriov:10, sriov:11
sriov_pf = 0000:03:00.1
INI
cp vfs.ini home.ini     # as written, for the topology-file case below
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --sysfs-root "$R2" --intent vfs.ini > /dev/null 2> vfs.err
tap_is "$?" 3 "more VFs than the card makes: exit 3"
tap_is "$(cat vfs.err)" "nfvhost: infeasible plan: PF 0000:03:00.1 makes 1 VF (sriov_totalvfs) but the plan needs 2 (VM a)" \
    "... naming the PF and the counts"
sed -i 's/^nics = .*/nics = sriov:10/' vfs.ini
plan_json one.json --topology "$HOMELAB/topology.xml" --sysfs-root "$R2" --intent vfs.ini
tap_is "$?" 0 "as many VFs as the card makes: planned"
tap_is "$(jget one.json 'd["sriov_pfs"]')" \
    '[{"pci": "0000:03:00.1", "numvfs": 1, "set_numvfs": true}]' "... with numvfs 1"
# A port without sriov_totalvfs in sysfs has no SR-IOV capability: it
# counts as making 0 VFs, and rule 12 refuses it as a PF.
sed -i 's/^sriov_pf = .*/sriov_pf = 0000:03:00.2/' vfs.ini
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --sysfs-root "$R2" --intent vfs.ini > /dev/null 2> novf.err
tap_is "$?" 3 "a PF without SR-IOV (no sriov_totalvfs file): refused"
tap_is "$(cat novf.err)" "nfvhost: infeasible plan: VM a nic 0: PF 0000:03:00.2 cannot make VFs (sriov_totalvfs is 0)" \
    "... naming it"
# Without sysfs facts (a topology file alone) the count is unknown: planned
# as before, with a warning.
plan_json home.json --topology "$HOMELAB/topology.xml" --intent home.ini
tap_is "$?" 0 "VF count unknown (no sysfs facts): planned"
grep -q "PF 0000:03:00.1: how many VFs it can make is unknown (no sysfs facts); the plan asks for 2" home.json.err
tap_ok $? "... with a warning"
# Review 10: a VM on another node than its VF's PF is planned (numa = N
# wins, rule 6) with a warning.
R3="$SCRATCH/root3"
fake_nic "$R3" 0000:81:00.0 1 i40e enp129s0f0 1 64 0
cat > far.ini <<'INI'
[vm a]
vcpus = 2
memory = 2G
numa = 0
nics = sriov:10
sriov_pf = 0000:81:00.0
INI
plan_json far.json --topology "$TOPO/32em64t-2n8c2t-pci-normalio.xml" --sysfs-root "$R3" --intent far.ini
tap_is "$?" 0 "VM on node 0, its PF on node 1: planned (numa = 0)"
grep -q "VM a is on NUMA node 0 but its nic 0 is a VF of 0000:81:00.0 on node 1: its DMA crosses nodes (rule 6), and nova's \[neutron_physnet_\*\] numa_nodes would refuse it" far.json.err
tap_ok $? "... with a warning naming the VM, the PF and both nodes"
sed -i '/^numa = 0$/d' far.ini
plan_json near.json --topology "$TOPO/32em64t-2n8c2t-pci-normalio.xml" --sysfs-root "$R3" --intent far.ini
tap_is "$(jget near.json '[d["vms"][0]["numa"], [w for w in d["warnings"] if "VF of" in w]]')" "[1, []]" \
    "without numa = the VM goes to its PF's node: no warning"
tap_done
