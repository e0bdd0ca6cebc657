#!/bin/sh
# openstack-nova.sh: the OpenStack files 'nfvhost plan' writes, loaded and
# checked by nova's and neutron's own code (tests/nova_check.py), for the
# home-lab example and every fixture topology; and nova's code catching
# what a broken file would do to nova-compute (overlap, bad specs).
. "$top_srcdir/tests/lib.sh"
scratch
PY=/usr/bin/python3
CHECK="$top_srcdir/tests/nova_check.py"
require "$PY -c 'import nova.conf, neutron'" "python3-nova and python3-neutron"

# An intent that exercises every part of the files on a fixture: the first
# Ethernet NIC (and, on hosts with many, one more) as uplinks, a VM with a
# vhost-user NIC and a VF, and a VM with isolated threads.
fixture_intent() { # fixture_intent TOPOLOGY.xml NICS
    nics=$(xmllint --xpath '//object[@type="PCIDev"][starts-with(@pci_type,"0200")]/@pci_busid' "$1" 2>/dev/null |
           sed 's/ *pci_busid="\([^"]*\)"/\1\n/g' | sed '/^$/d')
    first=$(echo "$nics" | head -n 1)
    n=$(echo "$nics" | sed '/^$/d' | wc -l)
    echo "[host]"
    echo "hugepage_size = 2M"
    if [ -n "$first" ]; then
        echo "[ovs]"
        echo "uplink = $first"
        if [ "$n" -ge 4 ]; then
            echo "uplink = $(echo "$nics" | tail -n 1)"
        fi
        echo "[vm vnf1]"
        echo "vcpus = 2"
        echo "memory = 2G"
        echo "nics = vhost:100, sriov:200"
    else
        echo "[vm vnf1]"
        echo "vcpus = 2"
        echo "memory = 2G"
        echo "nics = vhost:100, vhost:200"
    fi
    echo "[vm vnf2]"
    echo "vcpus = 3"
    echo "memory = 1G"
    echo "nics = vhost"
    echo "thread_policy = isolate"
}

dirs=""
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --output "$SCRATCH/homelab" >/dev/null
tap_ok $? "home-lab: plan writes openstack/"
dirs="$SCRATCH/homelab"

for topo in "$TOPO"/*.xml; do
    name=$(basename "$topo" .xml)
    fixture_intent "$topo" > "$SCRATCH/$name.ini"
    "$NFVHOST" plan --topology "$topo" --intent "$SCRATCH/$name.ini" \
        --output "$SCRATCH/$name" >/dev/null 2>"$SCRATCH/$name.err"
    rc=$?
    if [ $rc = 3 ]; then
        # Too small for those VMs: plan it with the defaults instead.
        "$NFVHOST" plan --topology "$topo" --output "$SCRATCH/$name" \
            >/dev/null 2>"$SCRATCH/$name.err"
        rc=$?
    fi
    if [ $rc = 3 ]; then
        # Infeasible by design: nothing may be written.
        test ! -e "$SCRATCH/$name"
        tap_ok $? "$name: infeasible (exit 3), no openstack/ written"
        continue
    fi
    tap_is "$rc" 0 "$name: plan writes openstack/"
    for f in nova.conf flavors.sh openvswitch_agent.ini sriov_agent.ini controller.conf; do
        test -s "$SCRATCH/$name/openstack/$f" || tap_ok 1 "$name: $f"
    done
    dirs="$dirs $SCRATCH/$name"
done

# SR-IOV with VFs the host already has (a fake sysfs tree): the PF
# 0000:0b:00.0 (ens11f0) of the many-VFs fixture with VFs 0b:00.1-3, OVS
# taking VF 0b:00.1 as its uplink and a VM taking a VF of the same PF.
fake_vfs() { # fake_vfs ROOT
    d="$1/sys/bus/pci/devices"
    mkdir -p "$d/0000:0b:00.0/net/ens11f0" "$1/proc/net"
    : > "$1/proc/net/route"
    for f in 0 1 2 3; do
        v="$d/0000:0b:00.$f"
        mkdir -p "$v"
        echo 0x020000 > "$v/class"
        echo 0x8086 > "$v/vendor"
        echo 0 > "$v/numa_node"
        if [ $f = 0 ]; then
            echo 0x1572 > "$v/device"
            echo 8 > "$v/sriov_totalvfs"
            echo 3 > "$v/sriov_numvfs"
        else
            echo 0x154c > "$v/device"
            ln -s ../0000:0b:00.0 "$v/physfn"
            ln -s "../0000:0b:00.$f" "$d/0000:0b:00.0/virtfn$((f - 1))"
        fi
    done
}
fake_vfs "$SCRATCH/vfs"
printf '[host]\nhugepage_size = 2M\n[ovs]\nuplink = 0000:0b:00.1\n[vm vnf1]\nvcpus = 2\nmemory = 2G\nnics = vhost:100, sriov:200\nsriov_pf = 0000:0b:00.0\n' \
    > "$SCRATCH/vf.ini"
"$NFVHOST" plan --topology "$TOPO/16intel64-manyVFs.xml" \
    --sysfs-root "$SCRATCH/vfs" --intent "$SCRATCH/vf.ini" \
    --output "$SCRATCH/vf-uplink" >/dev/null
tap_ok $? "VF uplink: plan"
tap_is "$(grep '^device_spec' "$SCRATCH/vf-uplink/openstack/nova.conf" | tr '\n' ' ')" \
    'device_spec = {"address": "0000:0b:00.2", "vendor_id": "8086", "product_id": "154c", "physical_network": "physnet0"} device_spec = {"address": "0000:0b:00.3", "vendor_id": "8086", "product_id": "154c", "physical_network": "physnet0"} ' \
    "VF uplink: device_spec lists the PF's other VFs, not OVS's"
tap_is "$(grep '^exclude_devices' "$SCRATCH/vf-uplink/openstack/sriov_agent.ini")" \
    "exclude_devices = ens11f0:0000:0b:00.1" \
    "VF uplink: the SR-IOV agent excludes OVS's VF"
tap_is "$(grep '^physical_device_mappings' "$SCRATCH/vf-uplink/openstack/sriov_agent.ini")" \
    "physical_device_mappings = physnet0:ens11f0" \
    "VF uplink: the PF's interface on the uplinks' physnet"
dirs="$dirs $SCRATCH/vf-uplink"

# The VFs' product id when the host has no VFs yet: the PF's
# sriov_vf_device in sysfs (Linux 4.15+; nova reads the same file), over
# the table of known PFs; with neither, the spec says it also matches the
# PF, and so does a warning.
pf_only() { # pf_only ROOT DEVICE [VF_DEVICE]
    p="$1/sys/bus/pci/devices/0000:0b:00.0"
    mkdir -p "$p/net/ens11f0" "$1/proc/net"
    : > "$1/proc/net/route"
    echo 0x020000 > "$p/class"
    echo 0x8086 > "$p/vendor"
    echo "$2" > "$p/device"
    echo 0 > "$p/numa_node"
    echo 8 > "$p/sriov_totalvfs"
    echo 0 > "$p/sriov_numvfs"
    [ -z "$3" ] || echo "$3" > "$p/sriov_vf_device"
}
printf '[host]\nhugepage_size = 2M\n[vm vnf1]\nvcpus = 2\nmemory = 2G\nnics = sriov:200@0000:0b:00.0\n' \
    > "$SCRATCH/pf.ini"
pf_only "$SCRATCH/pf-sysfs" 0x1572 4321
"$NFVHOST" plan --topology "$TOPO/16intel64-manyVFs.xml" --sysfs-root "$SCRATCH/pf-sysfs" \
    --intent "$SCRATCH/pf.ini" --output "$SCRATCH/pf-sysfs-out" >/dev/null 2>&1
tap_is "$(grep '^device_spec' "$SCRATCH/pf-sysfs-out/openstack/nova.conf")" \
    'device_spec = {"address": "0000:0b:00.0", "vendor_id": "8086", "product_id": "4321", "physical_network": "physnet1"}' \
    "no VFs yet: the PF's address and sysfs's sriov_vf_device (over the table's 154c)"
pf_only "$SCRATCH/pf-table" 0x1572
"$NFVHOST" plan --topology "$TOPO/16intel64-manyVFs.xml" --sysfs-root "$SCRATCH/pf-table" \
    --intent "$SCRATCH/pf.ini" --output "$SCRATCH/pf-table-out" >/dev/null 2>&1
tap_is "$(grep '^device_spec' "$SCRATCH/pf-table-out/openstack/nova.conf")" \
    'device_spec = {"address": "0000:0b:00.0", "vendor_id": "8086", "product_id": "154c", "physical_network": "physnet1"}' \
    "no sriov_vf_device: an X710 (8086:1572) has VFs 8086:154c (the table)"
pf_only "$SCRATCH/pf-unknown" 0x1234
"$NFVHOST" plan --topology "$TOPO/16intel64-manyVFs.xml" --sysfs-root "$SCRATCH/pf-unknown" \
    --intent "$SCRATCH/pf.ini" --output "$SCRATCH/pf-unknown-out" >"$SCRATCH/pf-unknown.err" 2>&1
tap_is "$(grep '^device_spec' "$SCRATCH/pf-unknown-out/openstack/nova.conf")" \
    'device_spec = {"address": "0000:0b:00.0", "physical_network": "physnet1"}' \
    "an unknown PF without sriov_vf_device: the address alone"
grep -q "matches the PF as well as its VFs" "$SCRATCH/pf-unknown-out/openstack/nova.conf" &&
    grep -q "SR-IOV PF 0000:0b:00.0: its VFs' product id is unknown" "$SCRATCH/pf-unknown.err"
tap_ok $? "... and nova.conf and a warning say that it matches the PF too"
dirs="$dirs $SCRATCH/pf-sysfs-out $SCRATCH/pf-table-out"

# No uplink and no VM VF (the home lab with the defaults): the agents'
# mapping keys stay out, since an empty value installed as a conf.d
# fragment would override the operator's own mappings.
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --output "$SCRATCH/bare" >/dev/null
tap_ok $? "no uplink, no SR-IOV: plan"
tap_is "$(grep -h '^[a-z_]* =' "$SCRATCH/bare/openstack/openvswitch_agent.ini" "$SCRATCH/bare/openstack/sriov_agent.ini" | cut -d' ' -f1 | tr '\n' ' ')" \
    "datapath_type vhostuser_socket_dir firewall_driver " \
    "no uplink, no SR-IOV: no empty bridge_mappings, physical_device_mappings or exclude_devices"
dirs="$dirs $SCRATCH/bare"

# The other emulator policies: 'none' on the home lab (no cpu_shared_set,
# no hw:emulator_threads_policy), 'isolate' on a two-node host (one extra
# dedicated pCPU per VM).
sed 's/^policy = share/policy = none/' "$HOMELAB/intent.ini" > "$SCRATCH/none.ini"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$SCRATCH/none.ini" \
    --output "$SCRATCH/emulator-none" >/dev/null
tap_ok $? "emulator policy none: plan"
! grep -q '^cpu_shared_set' "$SCRATCH/emulator-none/openstack/nova.conf" &&
    ! grep -q 'emulator_threads_policy' "$SCRATCH/emulator-none/openstack/flavors.sh"
tap_ok $? "emulator policy none: no cpu_shared_set, no emulator threads policy"
printf '[host]\nhugepage_size = 2M\n[ovs]\nuplink = 0000:04:00.0\n[emulator]\npolicy = isolate\n[vm a]\nvcpus = 4\nmemory = 2G\nnics = vhost:10, sriov:20\n[vm b]\nvcpus = 2\nmemory = 1G\nnics = vhost\nthread_policy = isolate\n' \
    > "$SCRATCH/isolate.ini"
"$NFVHOST" plan --topology "$TOPO/24em64t-2n6c2t-pci.xml" \
    --intent "$SCRATCH/isolate.ini" --output "$SCRATCH/emulator-isolate" >/dev/null
tap_ok $? "emulator policy isolate: plan"
tap_is "$(grep -c 'hw:emulator_threads_policy=isolate' "$SCRATCH/emulator-isolate/openstack/flavors.sh")" \
    2 "emulator policy isolate: both flavors ask for it"
dirs="$dirs $SCRATCH/emulator-none $SCRATCH/emulator-isolate"

# One nova process for all of them: importing nova takes seconds.
$PY "$CHECK" $dirs > "$SCRATCH/check.out" 2>"$SCRATCH/check.err"
rc=$?
sed "s|$SCRATCH/||" "$SCRATCH/check.out" | while read -r res what; do
    echo "$res $what"
done > "$SCRATCH/check.txt"
while read -r res what; do
    [ "$res" = PASS ]
    tap_ok $? "nova: $what"
done < "$SCRATCH/check.txt"
tap_is "$rc" 0 "nova_check.py exit status"
[ -s "$SCRATCH/check.txt" ] || { tap_ok 1 "nova_check.py said nothing"; cat "$SCRATCH/check.err" | sed 's/^/# /'; }

# Negative cases: nova's code must catch what would break nova-compute.
# Each is a copy of a good output with one file broken; one nova process
# checks them all, then each must have failed the way it should.
negs=""
neg() { # neg NAME SED-SCRIPT FILE EXPECTED-FAILING-CHECK [FROM]
    rm -rf "$SCRATCH/neg-$1"
    cp -r "$SCRATCH/${5:-homelab}" "$SCRATCH/neg-$1"
    sed -i "$2" "$SCRATCH/neg-$1/openstack/$3"
    if cmp -s "$SCRATCH/${5:-homelab}/openstack/$3" \
        "$SCRATCH/neg-$1/openstack/$3"; then
        tap_ok 1 "neg $1: the sed script changed nothing"
    fi
    echo "$1	$4" >> "$SCRATCH/negs.txt"
    negs="$negs $SCRATCH/neg-$1"
}
neg overlap 's/^cpu_shared_set = .*/cpu_shared_set = 1,2,7/' nova.conf \
    'must be disjoint'
neg pmd-in-dedicated 's/^cpu_dedicated_set = .*/cpu_dedicated_set = 2-5,8-11/' \
    nova.conf 'pmd pool overlaps'
# (nova 26 says the CPUs are "not online", nova 31 "not available".)
neg offline-cpu 's/^cpu_dedicated_set = .*/cpu_dedicated_set = 2,4-5,8,10-11,40/' \
    nova.conf 'not online\|not available'
neg bad-cpu-spec 's/^cpu_dedicated_set = .*/cpu_dedicated_set = 5-2/' \
    nova.conf 'Invalid range'
neg empty-shared 's/^cpu_shared_set = .*//' nova.conf 'empty cpu_shared_set'
neg hugepages-short 's/count:2$/count:1/' nova.conf 'do not cover OVS'
neg bad-hugepages 's/^reserved_huge_pages = .*/reserved_huge_pages = node:0,size:1G/' \
    nova.conf 'InvalidReservedMemoryPagesOption'
neg unknown-option 's/^cpu_mode = .*/cpu_mod = host-passthrough/' nova.conf \
    'cpu_mod is not an option'
neg bad-pci 's/"physical_network"/"physical_netwrk"/' nova.conf 'device_spec'
neg pci-matches-pf 's/"vendor_id": "8086", "product_id": "154c", //' nova.conf \
    'device_spec matches the PF 0000:03:00.1 itself'
neg bad-thread-policy 's/hw:cpu_thread_policy=prefer/hw:cpu_thread_policy=sometimes/' \
    flavors.sh 'ValidationError'
neg bad-page-size 's/hw:mem_page_size=1GB/hw:mem_page_size=3KB/' flavors.sh \
    'flavor'
neg too-big 's/^flavor nfv.2c4g 2 4096/flavor nfv.2c4g 2 40960/' flavors.sh \
    'does not fit'
neg vms-do-not-fit-together 's/^flavor nfv.2c2g 2 2048/flavor nfv.2c2g 2 3072/' \
    flavors.sh 'VM trafgen1 (nfv.2c2g) does not fit beside the VMs before it'
neg unknown-spec 's/hw:numa_nodes=1/hw:numa_nodez=1/' flavors.sh \
    'not appear to be a valid'
neg bad-datapath 's/^datapath_type = .*/datapath_type = system/' \
    openvswitch_agent.ini 'datapath_type'
neg uplink-vf-assignable 's/0000:0b:00.2/0000:0b:00.1/' nova.conf \
    'uplink VF 0000:0b:00.1 is assignable' vf-uplink
neg uplink-vf-not-excluded 's/^exclude_devices = .*/exclude_devices =/' \
    sriov_agent.ini 'uplink VF 0000:0b:00.1 is not excluded' vf-uplink
neg bad-mapping 's/^physical_device_mappings = .*/physical_device_mappings = enp3s0f0/' \
    sriov_agent.ini 'sriov_agent.ini'
neg controller-no-numa-filter 's/,NUMATopologyFilter//' controller.conf \
    'enabled_filters lacks NUMATopologyFilter'
neg controller-no-sriov-driver 's/,sriovnicswitch//' controller.conf \
    'mechanism_drivers'
neg controller-vlan-outside 's/^#network_vlan_ranges = .*/#network_vlan_ranges = physnet0:100:101/' \
    controller.conf 'is in no network_vlan_ranges'
neg controller-uncommented 's/^#\[ml2\]/[ml2]/' controller.conf \
    'not commented out'

$PY "$CHECK" $negs 2>/dev/null | grep "^FAIL" > "$SCRATCH/neg.out"
while IFS='	' read -r name want; do
    out=$(grep "^FAIL $SCRATCH/neg-$name " "$SCRATCH/neg.out")
    echo "$out" | grep -q -- "$want"
    tap_ok $? "nova catches $name"
    [ -n "$out" ] && echo "$out" | sed "s|$SCRATCH/||; s/^/#   /"
done < "$SCRATCH/negs.txt"

tap_done
