#!/bin/sh
# e2e-guests.sh: two real guests, end to end.  A real libvirtd boots two
# small VMs (Debian's cloud kernel, a busybox initramfs: tests/e2e/) under
# TCG with hugepage-backed shared memory; their vhost-user NICs are
# dpdkvhostuserclient ports of the harness's OVS-DPDK, which reaches a host
# in a network namespace through an af_packet uplink on VLANs 100 and 200.
# The guests run their traffic script and report on their serial consoles;
# the test reads those, the host's counters, a capture, OVS's counters and
# /proc, then kills ovs-vswitchd and sees the guests' pings come back.
#
#   VM e2e-a: eth0 VLAN 100 198.18.100.2, eth1 VLAN 200 198.18.200.2
#   VM e2e-b: eth0 VLAN 100 198.18.100.3
#   host (namespace, tests/e2e/vlan-host.py): 198.18.100.1 on VLAN 100,
#        198.18.200.1 on VLAN 200
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
. "$top_srcdir/tests/e2e-libvirtd.sh"
require '[ "$(id -u)" = 0 ]' 'root'
require 'command -v qemu-system-x86_64' 'qemu-system-x86_64 (qemu-system-x86)'
require 'command -v libvirtd && command -v virtlogd' 'libvirtd and virtlogd (libvirt-daemon-system)'
require 'id libvirt-qemu' "the libvirt-qemu user (libvirt-daemon-system)"
require 'command -v virsh && command -v virt-xml-validate' 'virsh (libvirt-clients)'
require 'test -x /bin/busybox && ! ldd /bin/busybox' 'a static /bin/busybox (busybox-static)'
require 'command -v tcpdump' 'tcpdump'
require 'command -v apt-get && command -v dpkg-deb' 'apt-get and dpkg-deb'

T0=$(date +%s)
step() { tap_diag "[$(($(date +%s) - T0)) s] $*"; }
E2E=$top_srcdir/tests/e2e
CACHE=$top_builddir/tests/e2e-cache
BURST=10000
MA0=52:54:00:0e:2a:00 MA1=52:54:00:0e:2a:01 MB0=52:54:00:0e:2b:00

# 1. The guest: kernel and initramfs, cached in the build tree.
guest=$(sh "$E2E/build-guest.sh" "$CACHE" 2>"$CACHE.log") \
    || { echo "Bail out! the guest could not be built:"; sed 's/^/# /' "$CACHE.log"; exit 1; }
step "guest ready: $(cat "$CACHE/kernel/package")"

# 2. OVS-DPDK with room for the guests: its own 512 MB of socket memory
# (256 pages) and 2 x 256 MB of guest memory (256 pages), plus slack.
OVS_HARNESS_PAGES=640
ovs_harness_begin
cp "$(echo "$guest" | sed -n 1p)" "$(echo "$guest" | sed -n 2p)" "$SCRATCH/"
SOCKDIR=$OVS_RUNDIR/vhost-sockets
libvirtd_harness_start "$OVS_HUGEDIR" "$OVS_RUNDIR" \
    || { echo "Bail out! libvirtd did not start"; exit 1; }
step "OVS-DPDK and libvirtd running"

# The host behind the uplink: a veth from ovs-vswitchd's namespace to a
# namespace of its own, where vlan-host.py answers ARP and ping on its
# VLANs and counts UDP, and tcpdump records everything e2e-b sends.
NS=nfve2e$$ UP=nfvu$$ PEER=nfvp$$
ovs_harness_on_stop "ip netns del $NS 2>/dev/null"
ip netns add "$NS"
ip -n "$OVS_NETNS" link add "$UP" type veth peer name "$PEER" netns "$NS"
ip -n "$OVS_NETNS" link set "$UP" up
ip -n "$NS" link set "$PEER" up
ip netns exec "$NS" tcpdump -i "$PEER" -nn -U -w "$SCRATCH/b.pcap" "ether src $MB0" \
    >"$SCRATCH/tcpdump.log" 2>&1 &
TCPDUMP=$!
ip netns exec "$NS" python3 "$E2E/vlan-host.py" "$PEER" "$SCRATCH/host.json" \
    100=198.18.100.1 200=198.18.200.1 &
VLANHOST=$!
ovs_harness_on_stop "kill $VLANHOST $TCPDUMP 2>/dev/null; wait $VLANHOST $TCPDUMP 2>/dev/null"
ovs_wait_for 10 test -s "$SCRATCH/host.json" && ovs_wait_for 10 grep -q listening "$SCRATCH/tcpdump.log"
tap_ok $? "namespace host and capture running"

# 3. OVS: an access port per guest NIC, the uplink a trunk.
mkdir -m 0770 "$SOCKDIR" && chgrp libvirt-qemu "$SOCKDIR"
ovs_vsctl add-br br-e2e -- set Bridge br-e2e datapath_type=netdev \
    -- add-port br-e2e up0 -- set Port up0 trunks=100,200 \
    -- set Interface up0 type=dpdk "options:dpdk-devargs=net_af_packet0,iface=$UP"
for p in vhu-e2e-a-0:100 vhu-e2e-a-1:200 vhu-e2e-b-0:100; do
    ovs_vsctl add-port br-e2e "${p%:*}" "tag=${p#*:}" -- set Interface "${p%:*}" \
        type=dpdkvhostuserclient "options:vhost-server-path=$SOCKDIR/${p%:*}"
done

# 4. The domains.  The kernel and initramfs are the template's, the traffic
# script is on the kernel command line.  QEMU 7.2 dereferences a KVM-only
# irqfd table when a vhost-user NIC's MSI-X vector is unmasked under TCG
# (virtio_pci_vector_unmask -> kvm_virtio_pci_irqfd_use, a segfault as the
# guest's virtio_net starts the device), so the guests' virtio-net devices
# get no MSI-X vectors and use INTx.
domain() { # NAME NFVNET NFVRUN MAC=PORT...
    _name=$1 _net=$2 _run=$3
    shift 3
    cat <<EOF
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$_name</name>
  <memory unit='KiB'>262144</memory>
  <memoryBacking>
    <hugepages><page size='2048' unit='KiB'/></hugepages>
    <access mode='shared'/>
  </memoryBacking>
  <vcpu placement='static'>1</vcpu>
  <cputune>
    <vcpupin vcpu='0' cpuset='0'/>
    <emulatorpin cpuset='0'/>
  </cputune>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$SCRATCH/vmlinuz</kernel>
    <initrd>$SCRATCH/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet ipv6.disable=1 panic=-1 nfvnet=$_net nfvrun="$_run"</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <cpu mode='custom' match='exact' check='none'>
    <model fallback='forbid'>qemu64</model>
    <numa><cell id='0' cpus='0' memory='262144' unit='KiB' memAccess='shared'/></numa>
  </cpu>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
EOF
    for _n in "$@"; do
        cat <<EOF
    <interface type='vhostuser'>
      <mac address='${_n%%=*}'/>
      <source type='unix' path='$SOCKDIR/${_n#*=}' mode='server'/>
      <model type='virtio'/>
      <driver queues='1' rx_queue_size='1024' tx_queue_size='1024'/>
      <rom enabled='no'/>
    </interface>
EOF
    done
    cat <<EOF
    <controller type='usb' model='none'/>
    <serial type='file'>
      <source path='$SCRATCH/$_name.console'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-global'/>
    <qemu:arg value='virtio-net-pci.vectors=0'/>
  </qemu:commandline>
</domain>
EOF
}
RUN_A="ping_ok a-b 198.18.100.3 3; ping_ok a-host100 198.18.100.1 3; ping_ok a-host200 198.18.200.1 3; burst a-burst 198.18.200.1 9000 $BURST 5000; faultwatch a-fault 198.18.100.3 240; linger 5"
RUN_B="ping_ok b-a 198.18.100.2 3; no_reply b-host200 $MB0 198.18.200.1 3; faultwatch b-fault 198.18.100.2 240; linger 5"
domain e2e-a "$MA0=198.18.100.2/24,$MA1=198.18.200.2/24" "$RUN_A" \
    "$MA0=vhu-e2e-a-0" "$MA1=vhu-e2e-a-1" >"$SCRATCH/e2e-a.xml"
domain e2e-b "$MB0=198.18.100.3/24" "$RUN_B" "$MB0=vhu-e2e-b-0" >"$SCRATCH/e2e-b.xml"
for d in e2e-a e2e-b; do
    out=$(virt-xml-validate "$SCRATCH/$d.xml" domain 2>&1)
    tap_ok $? "$d: the domain validates against libvirt's schema"
    libvirtd_harness_domain "$d"
    lv_virsh define "$SCRATCH/$d.xml" >/dev/null
    tap_ok $? "$d: defined on $LIBVIRTD_URI"
done
for d in e2e-a e2e-b; do
    lv_virsh start "$d" >/dev/null
    tap_ok $? "$d: started"
done
step "domains started"

console() { tr -d '\r' <"$SCRATCH/$1.console" 2>/dev/null; }
# seen DOMAIN PATTERN: the guest printed a line matching PATTERN.
seen() { console "$1" | grep -q "$2"; }
# result DOMAIN NAME: the guest's result line for step NAME, or nothing.
result() { console "$1" | sed -n "s/^nfv-result: $2 //p"; }
assert_result() { # DOMAIN NAME DESCRIPTION
    _r=$(result "$1" "$2")
    case $_r in
        pass*) tap_ok 0 "$3: ${_r#pass }" ;;
        *) tap_ok 1 "$3: ${_r:-no result line}" ;;
    esac
}

# wait_guests SECONDS PATTERN WHAT: each guest prints PATTERN in time.
wait_guests() {
    for _d in e2e-a e2e-b; do
        ovs_wait_for "$1" seen "$_d" "$2"
        tap_ok $? "$_d: $3"
    done
    step "guests: $3"
}

# 5. Traffic.  Both guests end their scripts watching a ping until
# ovs-vswitchd goes away (step 7), so everything before that is done once
# both say "watching".
wait_guests 180 "^nfv-fault: .* watching" "ran the traffic script up to the fault watch"
assert_result e2e-a a-b "e2e-a pings e2e-b over VLAN 100 (vhost to vhost through the PMD)"
assert_result e2e-b b-a "e2e-b pings e2e-a over VLAN 100"
assert_result e2e-a a-host100 "e2e-a pings the namespace host over VLAN 100 (vhost to the uplink)"
assert_result e2e-a a-host200 "e2e-a pings the namespace host over VLAN 200"
assert_result e2e-b b-host200 "e2e-b gets no answer from the host's VLAN 200 address"
assert_result e2e-a a-burst "e2e-a sent $BURST UDP frames, its NIC counted exactly that many"

kill -USR1 "$VLANHOST"
ovs_wait_for 5 sh -c "grep -q '\"200 198.18.200.2 9000\": $BURST' '$SCRATCH/host.json'"
tap_ok $? "the namespace host received all $BURST datagrams on VLAN 200"
tap_diag "host: $(cat "$SCRATCH/host.json")"
# OVS's own counter of what it took from e2e-a's VLAN 200 port, against
# the guest's tx_packets for that NIC (nothing else leaves that NIC after
# the burst).
guest_tx=$(result e2e-a a-burst | sed -n 's/.* total \([0-9]*\).*/\1/p')
ovs_rx=$(ovs-ofctl dump-ports br-e2e vhu-e2e-a-1 | sed -n 's/.*rx pkts=\([0-9]*\).*/\1/p')
tap_is "$ovs_rx" "$guest_tx" "OVS's rx counter of vhu-e2e-a-1 equals the guest's tx_packets of eth1"

# 6. Placement: the QEMU threads and memory, and the sockets.
qpid() { cat "/run/libvirt/qemu/$1.pid"; }
for d in e2e-a e2e-b; do
    pid=$(qpid "$d")
    tap_is "$(lv_virsh vcpupin "$d" | awk 'NF { print $1 ":" $2 }')" "0:0" "$d: virsh vcpupin: vCPU 0 on CPU 0"
    tap_is "$(lv_virsh emulatorpin "$d" | awk 'NF { print $1 }')" "0" "$d: virsh emulatorpin: CPU 0"
    vcpus="" others=""
    for t in /proc/"$pid"/task/*; do
        c=$(sed -n 's/^Cpus_allowed_list:\t//p' "$t/status")
        case $(cat "$t/comm") in
            "CPU "*/TCG) vcpus="$vcpus $c" ;;
            *) others="$others $c" ;;
        esac
    done
    tap_is "$vcpus" " 0" "$d: the vCPU thread may run on CPU 0 only (/proc)"
    tap_is "$(echo $others | tr ' ' '\n' | sort -u | tr '\n' ' ')" "0 " \
        "$d: every emulator thread may run on CPU 0 only (/proc)"
    huge=$(awk '/^[0-9a-f]+-[0-9a-f]+ /{ m = ($6 ~ /qemu_back_mem/) }
                m && /^KernelPageSize:/ { ps = $2 }
                m && /_Hugetlb:/ { kb += $2 }
                END { print ps " " kb }' "/proc/$pid/smaps")
    tap_is "$huge" "2048 262144" "$d: guest memory is 256 MB of 2M hugepages in QEMU's memory map"
    tr '\0' '\n' <"/proc/$pid/cmdline" | grep -q '"qom-type":"memory-backend-file".*"share":true'
    tap_ok $? "$d: QEMU's memory-backend-file has share=on"
    tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qF "\"mem-path\":\"$OVS_HUGEDIR/libvirt/qemu/"
    tap_ok $? "$d: ... in the hugetlbfs the test gave libvirtd ($OVS_HUGEDIR)"
done
tap_is "$(stat -c '%a %G' "$SOCKDIR")" "770 libvirt-qemu" "socket directory: mode 0770, group libvirt-qemu"
socks=$(find "$SOCKDIR" -type s -printf '%f\n' | sort | tr '\n' ' ')
tap_is "$socks" "vhu-e2e-a-0 vhu-e2e-a-1 vhu-e2e-b-0 " "QEMU made the three vhost-user sockets there"

# 7. Fault: ovs-vswitchd killed and restarted on the same database; the
# guests' pings come back without restarting the VMs.
pa=$(qpid e2e-a) pb=$(qpid e2e-b)
# The guests' watch ends on their NIC's link going down and up: nothing
# but the kill below may do that.
tap_is "$({ console e2e-a; console e2e-b; } | grep -c '^nfv-fault: .* went down')" 0 \
    "no guest's link went down before ovs-vswitchd was killed"
ovs_harness_kill_vswitchd KILL
step "ovs-vswitchd killed"
ovs_harness_start_vswitchd
tap_ok $? "ovs-vswitchd restarted on the same database"
step "ovs-vswitchd restarted"
kill -0 "$pa" && kill -0 "$pb"
tap_ok $? "the same QEMU processes ($pa, $pb) still run the guests"
wait_guests 120 "^nfv-done:" "finished the script"
assert_result e2e-a a-fault "e2e-a: its link went down with ovs-vswitchd, came back, and e2e-b answers again"
assert_result e2e-b b-fault "e2e-b: its link went down with ovs-vswitchd, came back, and e2e-a answers again"
tap_is "$(console e2e-a | grep -c '^nfv: up at') $(console e2e-b | grep -c '^nfv: up at')" "1 1" \
    "each guest booted once: one console, one boot, traffic before and after the fault"
console e2e-a | grep -q '^nfv-done: PASS' && console e2e-b | grep -q '^nfv-done: PASS'
tap_ok $? "both guests report PASS on their consoles"
shutoff() { [ "$(lv_virsh domstate "$1")" = "shut off" ]; }
ovs_wait_for 30 shutoff e2e-a && ovs_wait_for 30 shutoff e2e-b
tap_ok $? "both guests powered off at the end of their scripts"

# The capture: nothing e2e-b sent was tagged 200 at the host, while its
# ARP requests for the VLAN 200 address went out tagged 100.
kill "$TCPDUMP"; wait "$TCPDUMP"
grep -q '^0 packets dropped by kernel' "$SCRATCH/tcpdump.log"
tap_ok $? "the capture lost nothing ($(grep 'dropped by kernel' "$SCRATCH/tcpdump.log"))"
n100=$(tcpdump -r "$SCRATCH/b.pcap" -nn 'vlan 100 and arp' 2>/dev/null | grep -c 'who-has 198.18.200.1')
n200=$(tcpdump -r "$SCRATCH/b.pcap" -nn 'vlan 200' 2>/dev/null | wc -l)
tap_ok "$([ "$n100" -ge 3 ]; echo $?)" "e2e-b's ARP requests for 198.18.200.1 reached the host tagged 100 ($n100)"
tap_is "$n200" 0 "nothing e2e-b sent reached the host tagged 200"

for d in e2e-a e2e-b; do
    tap_diag "console of $d:"
    console "$d" | sed 's/^/#   /'
done
step "done"
tap_done
