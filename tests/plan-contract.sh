#!/bin/sh
# plan-contract.sh: plan.json is the whole contract.  Plan the home lab,
# edit plan.json by hand (the socket directory, a VF ordinal, a MAC, a page
# count), and every applier follows the edited file: 'ovs apply --dry-run'
# (against a real ovsdb-server), 'vm xml' and 'hugepages apply --dry-run'
# (on fake sysfs trees).  Nothing an applier does may come from anywhere
# else.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v ovsdb-server && command -v ovsdb-tool' 'ovsdb-server (openvswitch-switch)'
require 'command -v python3' 'python3'

ovs_harness_start --no-vswitchd || { echo "Bail out! harness"; exit 1; }
SCRATCH=$OVS_RUNDIR/scratch; mkdir "$SCRATCH"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" \
    --output "$SCRATCH/homelab" >/dev/null
PLAN=$SCRATCH/plan.json
python3 - "$SCRATCH/homelab/plan.json" "$PLAN" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["ovs"]["socket_dir"] = "/srv/edited/vhost"
p["ovs"]["socket_group"] = "root"
p["sriov_pfs"][0]["numvfs"] = 4
p["vms"][0]["nics"][2]["vf"] = 3
p["vms"][0]["nics"][0]["mac"] = "52:54:00:aa:bb:cc"
p["vms"][0]["nics"][2]["mac"] = "52:54:00:aa:bb:cd"
p["numa_nodes"][0]["hugepages"]["count"] = 7
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY

# A fake sysfs tree: the X710's two ports bound to i40e, the uplink
# (03:00.0) and the PF whose VFs VMs take (03:00.1), with its VFs.
R=$SCRATCH/root
UP=$R/sys/bus/pci/devices/0000:03:00.0
DEV=$R/sys/bus/pci/devices/0000:03:00.1
mkdir -p "$UP/net/enp3s0f0" "$DEV/net/enp3s0f1" "$R/sys/bus/pci/drivers/i40e" "$R/proc/net"
: > "$R/proc/net/route"; : > "$R/proc/net/ipv6_route"; : > "$R/proc/net/if_inet6"
echo 64 > "$DEV/sriov_totalvfs"; echo 0 > "$DEV/sriov_numvfs"
: > "$UP/driver_override"; : > "$R/sys/bus/pci/drivers_probe"
ln -s ../../../bus/pci/drivers/i40e "$UP/driver"
ln -s ../../../bus/pci/drivers/i40e "$DEV/driver"
for k in 0 1 2 3; do
    ln -s "../0000:03:02.$k" "$DEV/virtfn$k"
done

# ovs apply: the edited socket directory, the PF's edited VF count, the
# edited MAC.
out=$("$NFVHOST" ovs apply --db "$OVS_DB" --sysfs-root "$R" --plan "$PLAN" --dry-run 2>&1)
tap_is "$?" 0 "ovs apply --dry-run of the edited plan exits 0"
echo "$out" | grep -q '"vhost-server-path","/srv/edited/vhost/vhu-vrouter1-0"'
tap_ok $? "ovs apply: the vhost-server-path is in the edited socket directory"
echo "$out" | grep -q "0000:03:00.1: would set sriov_numvfs 0 -> 4"
tap_ok $? "ovs apply: the PF gets the edited VF count"
echo "$out" | grep -q '"attached-mac","52:54:00:aa:bb:cc"'
tap_ok $? "ovs apply: the port's attached-mac is the edited MAC"

# vm xml: the same socket, the edited VF ordinal (virtfn3), the MACs.
"$NFVHOST" vm xml --plan "$PLAN" --vm vrouter1 --sysfs-root "$R" > "$SCRATCH/vr.xml"
tap_is "$?" 0 "vm xml of the edited plan exits 0"
xp() { xmllint --xpath "$2" "$1" 2>/dev/null; }
tap_is "$(xp "$SCRATCH/vr.xml" 'string(//interface[@type="vhostuser"][1]/source/@path)')" \
    /srv/edited/vhost/vhu-vrouter1-0 "vm xml: the socket is in the edited directory"
tap_is "$(xp "$SCRATCH/vr.xml" 'string(//interface[@type="hostdev"]/source/address/@slot)').$(xp "$SCRATCH/vr.xml" 'string(//interface[@type="hostdev"]/source/address/@function)')" \
    "0x02.0x3" "vm xml: the edited VF ordinal 3 is virtfn3, 0000:03:02.3"
tap_is "$(xp "$SCRATCH/vr.xml" 'string(//interface[@type="vhostuser"][1]/mac/@address)') $(xp "$SCRATCH/vr.xml" 'string(//interface[@type="hostdev"]/mac/@address)')" \
    "52:54:00:aa:bb:cc 52:54:00:aa:bb:cd" "vm xml: the edited MACs"

# hugepages apply: the edited count on node 0 (1G pages).
H=$SCRATCH/hp
N=$H/sys/devices/system/node/node0
for z in 2048 1048576; do
    mkdir -p "$H/sys/kernel/mm/hugepages/hugepages-${z}kB" "$N/hugepages/hugepages-${z}kB"
    for a in nr free resv surplus; do
        echo 0 > "$H/sys/kernel/mm/hugepages/hugepages-${z}kB/${a}_hugepages"
    done
    for a in nr free surplus; do
        echo 0 > "$N/hugepages/hugepages-${z}kB/${a}_hugepages"
    done
done
echo "Node 0 MemTotal:  33554432 kB" > "$N/meminfo"
mkdir -p "$H/proc"
printf 'MemTotal: 33554432 kB\nHugepagesize: 2048 kB\n' > "$H/proc/meminfo"
: > "$H/proc/mounts"; echo "BOOT_IMAGE=/vmlinuz" > "$H/proc/cmdline"
out=$("$NFVHOST" hugepages apply --plan "$PLAN" --sysfs-root "$H" --dry-run 2>&1)
tap_is "$?" 0 "hugepages apply --dry-run of the edited plan exits 0"
echo "$out" | grep -q "would write 7 to $N/hugepages/hugepages-1048576kB/nr_hugepages"
tap_ok $? "hugepages apply: the edited page count"

tap_done
