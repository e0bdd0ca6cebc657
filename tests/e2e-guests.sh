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
. "$top_srcdir/tests/e2e/lib.sh"
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

# 1. The guest: kernel and initramfs, cached in the build tree.
guest=$(sh "$E2E/build-guest.sh" "$CACHE" 2>"$CACHE.log") \
    || { echo "Bail out! the guest could not be built:"; sed 's/^/# /' "$CACHE.log"; exit 1; }
step "guest ready: $(cat "$CACHE/kernel/package")"

# 2. The harness's database and run directory; OVS-DPDK itself starts
# once the plan says how (3.).
ovs_harness_begin --no-vswitchd
e2e_guest_files "$(echo "$guest" | sed -n 1p)" "$(echo "$guest" | sed -n 2p)"

# 3. Plan this machine: two VMs whose vCPUs float over the housekeeping
# CPU (cpu_policy shared, shared_cores 0: a 2-CPU host has no room for
# more), TCG, 2M pages, and an uplink: the machine's first PCI network
# device (class 02) as the planner sees it, with the af_packet stand-in in its place
# (DPDK never probes it: the plan's dpdk-extra is --no-pci).
PCI=""
for d in /sys/bus/pci/devices/*; do
    case $(cat "$d/class") in 0x02*) PCI=${d##*/}; break ;; esac
done
[ -n "$PCI" ] || { echo "Bail out! no PCI network device to plan as the uplink"; exit 1; }
NS=nfve2e$$ UP=nfvu$$ PEER=nfvp$$
# The plan's socket directory does not exist yet: 'nfvhost apply' makes
# it, root-owned with the planned group and mode (the harness's own,
# root:root, would keep QEMU out).
{
    printf '[host]\nhousekeeping_cores_per_numa = 1\nhost_memory = 1G\n'
    printf 'hugepage_size = 2M\n'
    printf '[ovs]\nuplink = %s\npmd_cores_per_numa = 1\n' "$PCI"
    printf 'socket_dir = %s\nsocket_group = libvirt-qemu\n' "$OVS_RUNDIR/sockets"
    printf '[emulator]\npolicy = share\nshared_cores = 0\n'
    printf '[libvirt]\nvirt_type = qemu\n'
    printf '[vm e2e-a]\nvcpus = 1\nmemory = 256M\nnics = vhost:100, vhost:200\n'
    printf 'cpu_policy = shared\n'
    printf '[vm e2e-b]\nvcpus = 1\nmemory = 256M\nnics = vhost:100\n'
    printf 'cpu_policy = shared\n'
} >"$SCRATCH/intent.ini"
"$NFVHOST" plan --intent "$SCRATCH/intent.ini" --output "$SCRATCH/plan" \
    --uplink-override "$PCI=net_af_packet0,iface=$UP" >"$SCRATCH/plan.txt" 2>&1
tap_ok $? "nfvhost plan: this machine, two cpu_policy shared VMs, virt_type qemu (uplink $PCI stood in for)"
PLAN=$SCRATCH/plan/plan.json
sed 's/^/#   /' "$SCRATCH/plan.txt"
pj() { jget "$PLAN" "$1"; }
oc() { pj "d['ovs']['other_config']['$1']"; }
SHARED=$(pj 'd["shared_cpus"]')
tap_is "$(pj 'd["pools"]["housekeeping"]')" "$SHARED" "the shared CPUs are the housekeeping CPUs ($SHARED)"
tap_is "$(oc dpdk-extra)" "--no-pci" "the plan's dpdk-extra is --no-pci"
MB0=$(pj '[n["mac"] for v in d["vms"] for n in v["nics"] if v["name"] == "e2e-b"][0]')

# OVS-DPDK as the plan says, so that 'nfvhost check' can hold the running
# daemon to the plan: its socket memory, lcore and PMD masks and
# dpdk-extra (no --file-prefix: the harness gives ovs-vswitchd a /run/dpdk
# of its own), the plan's hugepages (plus 64 spare: the pool is the
# machine's), started on the housekeeping CPUs as systemd.cpu_affinity=
# would start it, and a hugetlbfs mounted as 'nfvhost hugepages apply'
# mounts one: mode 1770, the first of the groups it looks for
# (hugepage-setup/mount.c: hugetlbfs, libvirt-qemu, kvm).
pages=$(pj 'sum(n["hugepages"]["count"] for n in d["numa_nodes"])')
OVS_HARNESS_PAGES=$((pages + 64))
OVS_HARNESS_SOCKET_MEM=$(oc dpdk-socket-mem)
OVS_HARNESS_LCORE_MASK=$(oc dpdk-lcore-mask)
OVS_HARNESS_PMD_MASK=$(oc pmd-cpu-mask)
OVS_HARNESS_DPDK_EXTRA=$(oc dpdk-extra)
OVS_HARNESS_AFFINITY=$(pj 'd["pools"]["housekeeping"]')
for g in hugetlbfs libvirt-qemu kvm; do
    getent group "$g" >/dev/null && { OVS_HARNESS_HUGE_GROUP=$g; break; }
done
tap_is "$(oc dpdk-socket-limit)" "$OVS_HARNESS_SOCKET_MEM" "the plan's dpdk-socket-limit is its dpdk-socket-mem ($OVS_HARNESS_SOCKET_MEM)"
ovs_harness_start_dpdk || { echo "Bail out! OVS-DPDK did not start as planned"; exit 1; }
step "OVS-DPDK running with the plan's DPDK keys ($pages pages planned)"

# The host behind the uplink: a veth from ovs-vswitchd's namespace to a
# namespace of its own, where vlan-host.py answers ARP and ping on its
# VLANs and counts UDP, and tcpdump records everything e2e-b sends.
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

# 4. Apply it: 'nfvhost apply' steps ovs (the bridge, the uplink stand-in,
# the vhost-user ports on their VLANs, the rest of other_config) and
# sockets (the socket directory).  Its hugepages step is the harness's
# (the machine's pool is shared with the other tests: the harness adds to
# it and gives back what it added), the kernel and reboot steps cannot be
# taken on a test machine, and the libvirt step would build the domains
# from the plan's disk, which these guests do not boot from (5.).
"$NFVHOST" apply --plan "$PLAN" --db "$OVS_DB" --state "$SCRATCH/apply.json" \
    --only ovs,sockets >"$SCRATCH/apply.txt" 2>&1
tap_ok $? "nfvhost apply --only ovs,sockets"
sed 's/^/#   /' "$SCRATCH/apply.txt"
libvirtd_harness_start "$OVS_HUGEDIR" "$OVS_RUNDIR" \
    || { echo "Bail out! libvirtd did not start"; exit 1; }
step "plan applied, OVS-DPDK and libvirtd running"

# 5. The domains: 'nfvhost vm xml' from the plan and a template that says
# only how the test guest boots.
RUN_A="ping_ok a-b 198.18.100.3 3; ping_ok a-host100 198.18.100.1 3; ping_ok a-host200 198.18.200.1 3; burst a-burst 198.18.200.1 9000 $BURST 5000; faultwatch a-fault 198.18.100.3 240; linger 5"
RUN_B="ping_ok b-a 198.18.100.2 3; no_reply b-host200 $MB0 198.18.200.1 3; faultwatch b-fault 198.18.100.2 240; linger 5"
e2e_start_guest "$PLAN" e2e-a "198.18.100.2/24 198.18.200.2/24" "$RUN_A" \
    && e2e_start_guest "$PLAN" e2e-b "198.18.100.3/24" "$RUN_B" \
    || { echo "Bail out! a guest did not start; libvirtd: $(tail -3 "$OVS_RUNDIR/libvirtd.log")"; exit 1; }
step "domains started"
tap_is "$(xmllint --xpath 'string(/domain/@type)' "$SCRATCH/e2e-a.xml") $(xmllint --xpath 'string(/domain/cpu/model)' "$SCRATCH/e2e-a.xml")" \
    "qemu qemu64" "virt_type qemu: <domain type='qemu'> and the TCG CPU model qemu64"

console() { e2e_console "$1"; }
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

# 6. Traffic.  Both guests end their scripts watching a ping until
# ovs-vswitchd goes away (step 9), so everything before that is done once
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
BR=$(pj 'd["ovs"]["bridge"]')
PA1=$(pj '[v["nics"][1]["port"] for v in d["vms"] if v["name"] == "e2e-a"][0]')
guest_tx=$(result e2e-a a-burst | sed -n 's/.* total \([0-9]*\).*/\1/p')
ovs_rx=$(ovs-ofctl dump-ports "$BR" "$PA1" | sed -n 's/.*rx pkts=\([0-9]*\).*/\1/p')
tap_is "$ovs_rx" "$guest_tx" "OVS's rx counter of $PA1 equals the guest's tx_packets of its NIC"

# 7. Placement, against plan.json: the QEMU threads, memory and sockets.
for d in e2e-a e2e-b; do
    pid=$(e2e_qemu_pid "$d")
    want=$(e2e_plan_vcpu_cpus "$PLAN" "$d" 0)
    emu=$(pj "[v['emulatorpin'] for v in d['vms'] if v['name'] == '$d'][0]")
    tap_is "$(lv_virsh vcpupin "$d" | awk 'NF { print $1 " " $2 }')" "0 $want" \
        "$d: virsh vcpupin: vCPU 0 on the shared CPUs $want"
    tap_is "$(lv_virsh emulatorpin "$d" | awk 'NF { print $1 }')" "$emu" \
        "$d: virsh emulatorpin: the plan's emulatorpin $emu"
    tap_is "$(e2e_vcpu_affinity "$d")" "0 $want" "$d: the vCPU thread may run on $want only (/proc)"
    tap_is "$(e2e_emulator_affinity "$d")" "$emu" "$d: every emulator thread may run on $emu only (/proc)"
    kb=$(($(pj "[v['hugepages']['count'] * v['hugepages']['size_kb'] for v in d['vms'] if v['name'] == '$d'][0]")))
    huge=$(awk '/^[0-9a-f]+-[0-9a-f]+ /{ m = ($6 ~ /qemu_back_mem/) }
                m && /^KernelPageSize:/ { ps = $2 }
                m && /_Hugetlb:/ { kb += $2 }
                END { print ps " " kb }' "/proc/$pid/smaps")
    tap_is "$huge" "2048 $kb" "$d: guest memory is the plan's $kb kB of 2M hugepages in QEMU's memory map"
    tr '\0' '\n' <"/proc/$pid/cmdline" | grep -q '"qom-type":"memory-backend-file".*"share":true'
    tap_ok $? "$d: QEMU's memory-backend-file has share=on"
    tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qF "\"mem-path\":\"$OVS_HUGEDIR/libvirt/qemu/"
    tap_ok $? "$d: ... in the hugetlbfs the test gave libvirtd ($OVS_HUGEDIR)"
done
SOCKDIR=$(pj 'd["ovs"]["socket_dir"]')
mode=$(pj '"%s %s" % (d["ovs"]["socket_mode"].lstrip("0"), d["ovs"]["socket_group"])')
tap_is "$(stat -c '%a %G' "$SOCKDIR")" "$mode" "socket directory $SOCKDIR: the plan's mode and group ($mode)"
socks=$(find "$SOCKDIR" -type s -printf '%f\n' | sort | tr '\n' ' ')
tap_is "$socks" "$(pj '" ".join(sorted(n["port"] for v in d["vms"] for n in v["nics"])) + " "')" \
    "QEMU made the plan's three vhost-user sockets there"

# 8. nfvhost check against the running host: the vm, ovs and memory
# layers pass; the kernel layer fails, as this kernel was not booted with
# the plan's command line.  One kind of finding is left out of the
# verdict: ovs.pmd-cpu-shared about a process this test did not start.
# 'make check' runs one test at a time, so there are none; run in
# parallel (make -j), another test's OVS PMD or testpmd peer may be on
# the plan's PMD CPU, and check rightly says so.
"$NFVHOST" check --plan "$PLAN" --db "$OVS_DB" -c "$LIBVIRTD_URI" --only vm,ovs,memory,kernel \
    --json >"$SCRATCH/check.json" 2>"$SCRATCH/check.err"
tap_is "$?" 4 "nfvhost check --plan exits 4 (something fails)"
ours="$OVS_VSWITCHD_PID $(e2e_qemu_pid e2e-a) $(e2e_qemu_pid e2e-b)"
foreign='(f["id"] == "ovs.pmd-cpu-shared" and (f["subject"] or "pid -").split(",")[0].split()[-1] not in "- '"$ours"'".split())'
layers=$(jget "$SCRATCH/check.json" '" ".join("%s:%s" % (l, max((f["level"] for f in d["findings"] if f["id"].split(".")[0] == l and not '"$foreign"'), key=["PASS", "WARN", "FAIL", "ERROR"].index, default="none")) for l in ["vm", "ovs", "memory", "kernel"])')
tap_is "$layers" "vm:PASS ovs:PASS memory:PASS kernel:FAIL" \
    "check: the vm, ovs and memory layers PASS, the kernel layer FAILs (this kernel was not booted with the plan)"
for l in vm ovs memory; do
    tap_diag "check: $l: $(jget "$SCRATCH/check.json" '" ".join(sorted(set(f["id"] for f in d["findings"] if f["id"].startswith("'$l'."))))')"
done
jget "$SCRATCH/check.json" '"\n".join("%s %s (%s): %s%s" % (f["level"], f["id"], f["subject"], f["found"], " [another test'"'"'s process]" if '"$foreign"' else "") for f in d["findings"] if f["level"] != "PASS")' \
    | sed 's/^/#   /'

# 9. Fault: ovs-vswitchd killed and restarted on the same database; the
# guests' pings come back without restarting the VMs.
pa=$(e2e_qemu_pid e2e-a) pb=$(e2e_qemu_pid e2e-b)
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
