#!/bin/sh
# ovs-sriov.sh: the sysfs side of taking an SR-IOV uplink, on a fake tree
# (this machine has no SR-IOV NIC): VF creation through sriov_numvfs, the
# vfio-pci binding through driver_override + unbind + drivers_probe, the
# dry run that writes nothing, release, and a VF count the PF cannot give.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v ovsdb-server && command -v ovsdb-tool' 'ovsdb-server (openvswitch-switch)'
require 'command -v python3' 'python3'

ovs_harness_start --no-vswitchd || { echo "Bail out! harness"; exit 1; }
SCRATCH=$OVS_RUNDIR/scratch; mkdir "$SCRATCH"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --output "$SCRATCH/homelab" >/dev/null
PLAN=$SCRATCH/homelab/plan.json
# The X710: the uplink PF (port 0), bound to vfio-pci for OVS, and the PF
# whose VFs VMs take (port 1, planner rule 12), which stays on i40e.
PF=0000:03:00.0
VFPF=0000:03:00.1
R=$SCRATCH/root
DEV=$R/sys/bus/pci/devices/$PF
VFDEV=$R/sys/bus/pci/devices/$VFPF

# Both ports bound to i40e, links enp3s0f0/1 without routes or addresses.
mkdir -p "$DEV/net/enp3s0f0" "$VFDEV/net/enp3s0f1" "$R/sys/bus/pci/drivers/i40e" \
    "$R/sys/bus/pci/drivers/vfio-pci" "$R/proc/net"
: > "$R/proc/net/route"; : > "$R/proc/net/ipv6_route"; : > "$R/proc/net/if_inet6"
echo 64 > "$DEV/sriov_totalvfs"; echo 0 > "$DEV/sriov_numvfs"
echo 64 > "$VFDEV/sriov_totalvfs"; echo 0 > "$VFDEV/sriov_numvfs"
: > "$DEV/driver_override"; : > "$R/sys/bus/pci/drivers_probe"
: > "$R/sys/bus/pci/drivers/i40e/unbind"; : > "$R/sys/bus/pci/drivers/vfio-pci/unbind"
ln -s ../../../bus/pci/drivers/i40e "$DEV/driver"
ln -s ../../../bus/pci/drivers/i40e "$VFDEV/driver"
snapshot() { find "$R" -type f | sort | while read -r f; do echo "$f: $(cat "$f")"; done; }
# This machine has no hugetlbfs group (the plan's ovs.socket_group).
apply() { "$NFVHOST" ovs apply --db "$OVS_DB" --no-wait --sock-dir "$SCRATCH/sock" \
          --qemu-group root --sysfs-root "$R" --plan "$PLAN" "$@"; }

before=$(snapshot)
out=$(apply --dry-run); rc=$?
tap_is "$rc" 0 "dry run on the fake tree exits 0"
echo "$out" | grep -q "$VFPF: would set sriov_numvfs 0 -> 1"
tap_ok $? "dry run: one VF of the second port for vrouter1's SR-IOV NIC"
echo "$out" | grep -q "$PF: would set sriov_numvfs"
tap_ok $((! $?)) "dry run: no VFs on the uplink PF"
echo "$out" | grep -q "$PF: would bind i40e -> vfio-pci"
tap_ok $? "dry run: would bind the PF to vfio-pci"
tap_is "$(snapshot)" "$before" "dry run writes nothing under sysfs"
apply --dry-run --json > "$SCRATCH/changes.json" 2> /dev/null
tap_is "$(jget "$SCRATCH/changes.json" '[c for c in d["changes"] if c["what"].startswith(("'"$PF"'", "'"$VFPF"'"))]')" \
    "[{\"what\": \"$VFPF sriov_numvfs\", \"before\": \"0\", \"after\": \"1\"}, {\"what\": \"$PF driver\", \"before\": \"i40e\", \"after\": \"vfio-pci\"}]" \
    "dry run --json: the VF count (second port) and the driver (uplink PF) it would change"

out=$(apply 2>"$SCRATCH/err"); rc=$?
tap_is "$rc" 0 "apply on the fake tree exits 0"
tap_is "$(cat "$VFDEV/sriov_numvfs") $(cat "$DEV/sriov_numvfs")" "1 0" \
    "sriov_numvfs written on the second port, not on the uplink PF"
tap_is "$(cat "$DEV/driver_override")" vfio-pci "driver_override = vfio-pci"
tap_is "$(cat "$R/sys/bus/pci/drivers/i40e/unbind")" "$PF" "unbound from i40e"
tap_is "$(cat "$R/sys/bus/pci/drivers_probe")" "$PF" "drivers_probe asked to bind it"
grep -q "not bound to vfio-pci after drivers_probe" "$SCRATCH/err"
tap_ok $? "warns when the device did not end up on vfio-pci (a fake tree never does)"
tap_is "$(ovs_vsctl get Interface dpdk-up0 options:dpdk-devargs)" "\"$PF\"" "uplink by PCI address"
tap_is "$(ovs_vsctl get Open_vSwitch . other_config:dpdk-extra)" '"-a 0000:03:00.0"' "dpdk-extra allowlists exactly the uplink"

# What the kernel would have done; then a second apply changes nothing.
rm "$DEV/driver"; ln -s ../../../bus/pci/drivers/vfio-pci "$DEV/driver"
out=$(apply); rc=$?
echo "$out" | grep -q "$PF: already bound to vfio-pci"
tap_ok $? "second apply: already bound"
echo "$out" | grep -q "$VFPF: 1 VFs present, 1 needed"
tap_ok $? "second apply: VFs already there"
apply --json > "$SCRATCH/changes.json" 2> /dev/null
tap_is "$(jget "$SCRATCH/changes.json" 'd["changed"]')" false "second apply --json: nothing changed"

"$NFVHOST" ovs release --plan "$PLAN" --sysfs-root "$R" --db "$OVS_DB" >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 2 "release while OVS still uses the device: exit 2"
grep -q "$PF is still OVS interface dpdk-up0" "$SCRATCH/err"
tap_ok $? "... naming the interface"
tap_is "$(cat "$DEV/driver_override")" vfio-pci "... and nothing released"
ovs_vsctl del-port br-nfv dpdk-up0
out=$("$NFVHOST" ovs release --plan "$PLAN" --sysfs-root "$R" --db "$OVS_DB" --dry-run); rc=$?
tap_is "$rc" 0 "release --dry-run exits 0"
tap_is "$(cat "$DEV/driver_override")" vfio-pci "release --dry-run writes nothing"
"$NFVHOST" ovs release --plan "$PLAN" --sysfs-root "$R" --db "$OVS_DB" >/dev/null; rc=$?
tap_is "$rc" 0 "release exits 0"
tap_is "$(cat "$DEV/driver_override")" "" "driver_override cleared"
tap_is "$(cat "$R/sys/bus/pci/drivers/vfio-pci/unbind")" "$PF" "unbound from vfio-pci"
tap_is "$(cat "$R/sys/bus/pci/drivers_probe")" "$PF" "drivers_probe gives it back to the kernel driver"
"$NFVHOST" ovs release 0000:03:00.x --sysfs-root "$R" 2>"$SCRATCH/err" >/dev/null
tap_is "$?" 2 "release of a malformed PCI address: exit 2"

# More VFs than the PF has: infeasible, nothing written, database as it was.
echo 0 > "$VFDEV/sriov_numvfs"; echo 0 > "$VFDEV/sriov_totalvfs"
before=$(ovsdb-client dump "$OVS_DB")
apply >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 3 "more VFs than sriov_totalvfs: exit 3"
grep -q "$VFPF: 1 VFs wanted, the PF has at most 0" "$SCRATCH/err"
tap_ok $? "... saying how many"
tap_is "$(cat "$VFDEV/sriov_numvfs")" 0 "... sriov_numvfs untouched"
tap_is "$(ovsdb-client dump "$OVS_DB")" "$before" "... database unchanged"

# A NIC the kernel still routes through, or that has an IPv6 address, is
# not taken from the kernel: exit 2 naming it, sysfs and database as they
# were.
echo 64 > "$VFDEV/sriov_totalvfs"
printf 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\nenp3s0f0\t000012C6\t00000000\t0001\t0\t0\t0\t0000FEFF\t0\t0\t0\n' \
    > "$SCRATCH/route"
echo '20010db8000000000000000000000001 02 40 00 80 enp3s0f0' > "$SCRATCH/if_inet6"
for f in route if_inet6; do
    cp "$SCRATCH/$f" "$R/proc/net/$f"
    before=$(snapshot; ovsdb-client dump "$OVS_DB")
    apply >/dev/null 2>"$SCRATCH/err"
    tap_is "$?" 2 "a NIC in /proc/net/$f is refused: exit 2"
    grep -q "uplink $PF is interface enp3s0f0, which carries a route or an address" "$SCRATCH/err"
    tap_ok $? "... naming the PCI device and the interface"
    tap_is "$(snapshot; ovsdb-client dump "$OVS_DB")" "$before" "... sysfs and database unchanged"
    : > "$R/proc/net/$f"
done
# The kernel gives every interface that is up a link-local address (and a
# fe80::/64 route): neither says the NIC is in use (lib/netdev.h).
echo 'fe800000000000000000000000000001 02 40 20 80 enp3s0f0' > "$R/proc/net/if_inet6"
echo 'fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 enp3s0f0' > "$R/proc/net/ipv6_route"
apply --dry-run >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 0 "a link-local address and its route alone: the NIC is taken"
: > "$R/proc/net/if_inet6"; : > "$R/proc/net/ipv6_route"

# Issue 11, defect 1: a sysfs write that fails comes back with its own
# errno, once ("No space left on device" from /dev/full), not a double
# fclose; nothing else is written after it.
ovs_vsctl --if-exists del-port br-nfv dpdk-up0
rm "$DEV/driver"; ln -s ../../../bus/pci/drivers/vfio-pci "$DEV/driver"
: > "$R/sys/bus/pci/drivers/vfio-pci/unbind"; : > "$R/sys/bus/pci/drivers_probe"
mv "$DEV/driver_override" "$SCRATCH/driver_override.saved"
ln -s /dev/full "$DEV/driver_override"
"$NFVHOST" ovs release --plan "$PLAN" --sysfs-root "$R" --db "$OVS_DB" >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 1 "a sysfs write that fails: exit 1"
tap_is "$(cat "$SCRATCH/err")" "nfvhost: PCI $PF: driver_override: cannot write '\\n' to $DEV/driver_override: No space left on device" \
    "... with the write's own errno, naming the device and the attribute"
tap_is "$(cat "$R/sys/bus/pci/drivers/vfio-pci/unbind")" "" "... and nothing after it was written"
rm "$DEV/driver_override"; mv "$SCRATCH/driver_override.saved" "$DEV/driver_override"

# Issue 11, defect 6: a PF that is a path in a hand-edited plan is refused
# before anything is written, and nothing outside the device tree is.
# $R/sys/bus/pci/devices/../../../../victim is $R/victim.
mkdir -p "$R/victim"; echo 0 > "$R/victim/sriov_numvfs"; echo 64 > "$R/victim/sriov_totalvfs"
python3 - "$PLAN" "$SCRATCH/evil.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["sriov_pfs"][0]["pci"] = "../../../../victim"
p["vms"][0]["nics"][2]["pf"] = "../../../../victim"
json.dump(p, open(sys.argv[2], "w"))
PY
before=$(snapshot)
"$NFVHOST" ovs apply --db "$OVS_DB" --no-wait --sock-dir "$SCRATCH/sock" --qemu-group root \
    --sysfs-root "$R" --plan "$SCRATCH/evil.json" >/dev/null 2>"$SCRATCH/err"
tap_is "$?" 2 "a plan whose PF is a path: exit 2"
tap_is "$(cat "$SCRATCH/err")" "nfvhost: $SCRATCH/evil.json: sriov_pfs[0].pci: '../../../../victim' is not a PCI address (DDDD:BB:DD.F, function 0-7)" \
    "... naming the JSON path"
tap_is "$(cat "$R/victim/sriov_numvfs")" 0 "... the file the path points at is untouched"
tap_is "$(snapshot)" "$before" "... and so is the device tree"

tap_done
