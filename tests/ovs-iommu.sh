#!/bin/sh
# ovs-iommu.sh: 'ovs apply' refuses to bind an uplink to vfio-pci when its
# IOMMU group holds a device on a driver VFIO does not accept there
# (VFIO hands out whole groups: DPDK could not open the uplink), on a fake
# sysfs tree (this machine has no spare NIC and no VFIO device).  Issue 10,
# section 2, item 11.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v ovsdb-server && command -v ovsdb-tool' 'ovsdb-server (openvswitch-switch)'
require 'command -v python3' 'python3'

ovs_harness_start --no-vswitchd || { echo "Bail out! harness"; exit 1; }
SCRATCH=$OVS_RUNDIR/scratch; mkdir "$SCRATCH"
UP=0000:03:00.0
UP2=0000:03:00.1
for n in 1 2; do
    {
        printf '[ovs]\nuplink = %s\n' "$UP"
        [ "$n" = 2 ] && printf 'uplink = %s\n' "$UP2"
        printf '[vm vm1]\nvcpus = 2\nmemory = 1G\nnics = vhost:100\n'
    } > "$SCRATCH/intent$n.ini"
    "$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
        --intent "$SCRATCH/intent$n.ini" --output "$SCRATCH/plan$n" >/dev/null
done
R=$SCRATCH/root

# The X710's two ports, a PCIe root port above them, and a SATA controller
# (ahci) that a board without ACS may put in the same group.
fake_nic "$R" "$UP" 0 i40e enp3s0f0 1
fake_nic "$R" "$UP2" 0 i40e enp3s0f1 1
for dev in 0000:00:01.1 0000:00:11.0; do
    mkdir -p "$R/sys/bus/pci/devices/$dev"
done
echo 0x060400 > "$R/sys/bus/pci/devices/0000:00:01.1/class"
echo 0x010601 > "$R/sys/bus/pci/devices/0000:00:11.0/class"
mkdir -p "$R/sys/bus/pci/drivers/pcieport" "$R/sys/bus/pci/drivers/ahci" \
    "$R/sys/bus/pci/drivers/vfio-pci" "$R/proc/net"
ln -s ../../../bus/pci/drivers/pcieport "$R/sys/bus/pci/devices/0000:00:01.1/driver"
ln -s ../../../bus/pci/drivers/ahci "$R/sys/bus/pci/devices/0000:00:11.0/driver"
: > "$R/proc/net/route"; : > "$R/proc/net/ipv6_route"; : > "$R/proc/net/if_inet6"
for dev in "$UP" "$UP2"; do
    : > "$R/sys/bus/pci/devices/$dev/driver_override"
done
: > "$R/sys/bus/pci/drivers_probe"; : > "$R/sys/bus/pci/drivers/i40e/unbind"

# group N DEV...: DEV's iommu_group is N, and group N lists exactly DEV...
group() {
    _g=$1; shift
    rm -rf "$R/sys/kernel/iommu_groups/$_g"
    mkdir -p "$R/sys/kernel/iommu_groups/$_g/devices"
    for _d in "$@"; do
        ln -s "../../../../bus/pci/devices/$_d" "$R/sys/kernel/iommu_groups/$_g/devices/$_d"
        ln -sfn "../../../../kernel/iommu_groups/$_g" "$R/sys/bus/pci/devices/$_d/iommu_group"
    done
}
snapshot() { find "$R" -type f | sort | while read -r f; do echo "$f: $(cat "$f")"; done; }
apply() { # apply N ARGS...: the plan with N uplinks
    _n=$1; shift
    "$NFVHOST" ovs apply --db "$OVS_DB" --no-wait --sock-dir "$SCRATCH/sock" \
        --qemu-group root --sysfs-root "$R" \
        --plan "${APPLY_PLAN:-$SCRATCH/plan$_n/plan.json}" "$@"
}

# A group of its own: taken.
group 14 "$UP"
apply 1 --dry-run >"$SCRATCH/out" 2>"$SCRATCH/err"
tap_is "$?" 0 "the uplink alone in its group: taken (dry run)"
grep -q "$UP: would bind i40e -> vfio-pci" "$SCRATCH/out"
tap_ok $? "... it would be bound"

grep -q "IOMMU group" "$SCRATCH/err"
tap_ok $((! $?)) "... no IOMMU warning: the plan did not know the group (-1)"

# The plan saw the uplink in group 15 (uplinks[].iommu_group), the host
# has it in 14: a warning naming both, and still taken, since the members
# of the live group are what VFIO checks.
python3 - "$SCRATCH/plan1/plan.json" 15 "$SCRATCH/seen15.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["uplinks"][0]["iommu_group"] = int(sys.argv[2])
json.dump(p, open(sys.argv[3], "w"))
PY
APPLY_PLAN=$SCRATCH/seen15.json apply 1 --dry-run >"$SCRATCH/out" 2>"$SCRATCH/err"
tap_is "$?" 0 "the plan saw another IOMMU group: not refused"
tap_is "$(grep -i iommu "$SCRATCH/err")" \
    "nfvhost: warning: uplink $UP is in IOMMU group 14, but the plan saw group 15: the card moved to another slot or the firmware groups devices differently (ACS); the live group is checked, but plan again on this host so the plan matches it" \
    "... but warned about, naming both groups"
python3 - "$SCRATCH/plan1/plan.json" 14 "$SCRATCH/seen14.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["uplinks"][0]["iommu_group"] = int(sys.argv[2])
json.dump(p, open(sys.argv[3], "w"))
PY
APPLY_PLAN=$SCRATCH/seen14.json apply 1 --dry-run >"$SCRATCH/out" 2>"$SCRATCH/err"
tap_is "$?:$(grep -ci iommu "$SCRATCH/err")" "0:0" "the group the plan saw: taken, no warning"

# With its root port (a bridge) and a device of no driver: still taken.
mkdir -p "$R/sys/bus/pci/devices/0000:03:00.2"
group 14 "$UP" 0000:00:01.1 0000:03:00.2
apply 1 --dry-run >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 0 "a bridge (pcieport) and a driverless device in the group: taken"
rm -rf "$R/sys/bus/pci/devices/0000:03:00.2"

# The second port, still on i40e and not an uplink: refused, the group
# listed, sysfs and database unchanged.
group 14 "$UP" "$UP2" 0000:00:01.1
before=$(snapshot; ovsdb-client dump "$OVS_DB")
apply 1 >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 2 "another port of the card on i40e in the group: exit 2"
tap_is "$(cat "$SCRATCH/err")" \
    "nfvhost: uplink $UP: its IOMMU group 14 also holds $UP2 (i40e), which is not unbound, nor bound to vfio-pci, pci-stub or pcieport; VFIO takes whole groups, so DPDK could not open the uplink. Group 14: 0000:00:01.1 (pcieport, bridge), $UP (i40e, bound by this apply), $UP2 (i40e). Give the other devices to vfio-pci too (make them uplinks, or unbind them), or move the NIC to a slot with its own group (ACS)" \
    "... the message names the device and lists the group with each driver"
tap_is "$(snapshot; ovsdb-client dump "$OVS_DB")" "$before" "... sysfs and database unchanged"
apply 1 --dry-run >/dev/null 2>&1
tap_is "$?" 2 "... refused by the dry run too"

# A PCI bridge on shpchp (not pcieport): since Linux 5.19 VFIO accepts a
# bound group member only on a driver that manages DMA itself
# (driver_managed_dma: vfio-pci and its variants, pci-stub, pcieport), so
# a bridge's class alone does not make the group usable.
mkdir -p "$R/sys/bus/pci/devices/0000:00:1e.0" "$R/sys/bus/pci/drivers/shpchp"
echo 0x060400 > "$R/sys/bus/pci/devices/0000:00:1e.0/class"
ln -sfn ../../../bus/pci/drivers/shpchp "$R/sys/bus/pci/devices/0000:00:1e.0/driver"
group 14 "$UP" 0000:00:1e.0
apply 1 --dry-run >/dev/null 2>"$SCRATCH/err"
tap_is "$?:$(grep -c '0000:00:1e.0 (shpchp)' "$SCRATCH/err")" "2:1" \
    "a bridge on shpchp in the group: refused, named"
# A member on pci-stub, or on a vendor variant of vfio-pci: taken.
fake_nic "$R" 0000:03:00.3 0 pci-stub stub3 0
fake_nic "$R" 0000:03:00.4 0 mlx5_vfio_pci v4 0
group 14 "$UP" 0000:03:00.3 0000:03:00.4
apply 1 --dry-run >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 0 "members on pci-stub and mlx5_vfio_pci: taken"
rm -rf "$R/sys/bus/pci/devices/0000:00:1e.0" "$R/sys/bus/pci/devices/0000:03:00.3" \
    "$R/sys/bus/pci/devices/0000:03:00.4"

# A SATA controller in the group: refused the same way.
group 14 "$UP" 0000:00:11.0
apply 1 --dry-run >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 2 "a SATA controller (ahci) in the group: exit 2"
grep -q "also holds 0000:00:11.0 (ahci)" "$SCRATCH/err"
tap_ok $? "... naming it"

# Both ports as the plan's uplinks (a bond): both are bound, so the group
# is VFIO's as a whole.
group 14 "$UP" "$UP2" 0000:00:01.1
apply 2 --dry-run >"$SCRATCH/out" 2>"$SCRATCH/err"
tap_is "$?" 0 "both ports of the group are uplinks (bond): taken"
grep -q "$UP2: would bind i40e -> vfio-pci" "$SCRATCH/out"
tap_ok $? "... both would be bound"

# The second port already on vfio-pci (given to a VM, or by hand): taken.
rm "$R/sys/bus/pci/devices/$UP2/driver"
ln -s ../../../bus/pci/drivers/vfio-pci "$R/sys/bus/pci/devices/$UP2/driver"
apply 1 --dry-run >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 0 "the other port already on vfio-pci: taken"

# No IOMMU group at all (IOMMU off): a warning, not a refusal; the plan's
# kernel arguments turn the IOMMU on.
rm -rf "$R/sys/kernel/iommu_groups"
rm "$R/sys/bus/pci/devices/$UP/iommu_group" "$R/sys/bus/pci/devices/$UP2/iommu_group"
apply 1 --dry-run >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 0 "no IOMMU group: not refused"
grep -q "uplink $UP has no IOMMU group (No such file or directory): vfio-pci can bind it, but DPDK cannot use it until the IOMMU is on" "$SCRATCH/err"
tap_ok $? "... but warned about"

tap_done
