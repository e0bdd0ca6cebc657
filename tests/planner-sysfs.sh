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

cat > "$SCRATCH/intent.ini" <<'INI'
[ovs]
uplink = 0000:03:00.0
uplink = 0000:03:00.1
uplink = 0000:03:02.0
INI
plan_json "$SCRATCH/p.json" --topology "$HOMELAB/topology.xml" --sysfs-root "$R" \
    --intent "$SCRATCH/intent.ini"
tap_is "$?" 0 "plans with a fake sysfs tree"
J="$SCRATCH/p.json"
tap_is "$(jget "$J" '[(u["pci"], u["numa_reported"], u["numa"]) for u in d["uplinks"]]')" \
    '[["0000:03:00.0", -1, 0], ["0000:03:00.1", 0, 0], ["0000:03:02.0", 0, 0]]' \
    "NUMA node -1 is planned as node 0"
grep -q "uplink 0000:03:00.0: NUMA node unknown (-1); treating it as node 0" "$J.err"
tap_ok $? "... with a warning"
tap_is "$(jget "$J" '[u["driver"] for u in d["uplinks"]]')" '["i40e", "i40e", "iavf"]' "drivers from the driver links"
tap_is "$(jget "$J" '[[u["sriov_totalvfs"], u["sriov_numvfs"]] for u in d["uplinks"]]')" \
    "[[64, 2], [64, 0], [-1, -1]]" "SR-IOV VF counts"
tap_is "$(jget "$J" '[[u["is_vf"], u["physfn"]] for u in d["uplinks"]]')" \
    '[[false, null], [false, null], [true, "0000:03:00.0"]]' "a VF and its PF from the physfn link"
tap_is "$(jget "$J" '[u["carrier"] for u in d["uplinks"]]')" "[true, false, true]" "carrier from net/IFNAME/carrier"
tap_is "$(jget "$J" '[u["has_route"] for u in d["uplinks"]]')" "[false, true, false]" \
    "the routed interface is flagged; a link-local address alone is not"
grep -q "uplink 0000:03:00.1 (enp3s0f1) carries a route or address" "$J.err"
tap_ok $? "... with a warning"
tap_is "$(jget "$J" 'd["ovs"]["dpdk-extra"]')" "-a 0000:03:00.0 -a 0000:03:00.1 -a 0000:03:02.0" \
    "dpdk-extra allowlists exactly the planned uplinks"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --sysfs-root "$R" --no-color > sum.txt 2>&1
tap_is "$?" 0 "plans without uplinks too"
grep -q -- "dpdk-extra=--no-pci" sum.txt
tap_ok $? "no uplink: DPDK gets --no-pci"
tap_done
