#!/bin/sh
# check-fake.sh: 'nfvhost check' on fake /sys, /proc and /etc trees
# (--sysfs-root) for the kernel, irq, memory and nic layers.
#
# tests/check/fake-host.py writes a tree that is exactly what the home-lab
# plan says; on it every check PASSes (exit 0).  Then each case breaks one
# thing in a fresh tree and asserts the exact findings that are not PASS
# (level, id, subject and what was found) and the exit status: 4 for a
# FAIL, 0 for WARNs only.  Also: no-plan mode, bad input (exit 2), a check
# that cannot run (exit 1), colours only on a terminal, and the JSON
# document's shape.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/check/lib.sh"
require '[ "$(id -u)" = 0 ]' 'root (the fake hugetlbfs mount is chgrp-ed)'
require 'command -v python3' 'python3'
scratch
FAKE="$top_srcdir/tests/check/fake-host.py"
T=$SCRATCH/root
J=$SCRATCH/c.json
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --output "$SCRATCH/plan" >/dev/null 2>&1
tap_ok $? "home-lab plan"
PLAN=$SCRATCH/plan/plan.json
# The group 'nfvhost hugepages apply' gives hugetlbfs mounts.
GROUP=root
for g in hugetlbfs libvirt-qemu kvm; do
    if getent group "$g" >/dev/null; then GROUP=$g; break; fi
done

fresh() { rm -rf "$T" && python3 "$FAKE" "$PLAN" "$T" --group "$GROUP"; }
put() { mkdir -p "$(dirname "$T/$1")" && printf '%s\n' "$2" > "$T/$1"; }
check() { # check LAYERS [ARGS...]: JSON into $J, exit status in $rc
    _l=$1; shift
    "$NFVHOST" check --plan "$PLAN" --sysfs-root "$T" --only "$_l" --json \
        --db "unix:$SCRATCH/no-ovs/db.sock" "$@" >"$J" 2>"$SCRATCH/err"
    rc=$?
}
notpass() { check_notpass "$J"; }
# expect DESC LAYERS STATUS FINDINGS: a fresh tree was changed; check it
expect() {
    check "$2"
    tap_is "$rc|$(notpass)" "$3|$4" "$1"
}
sub() { sed -i "$2" "$T/$1"; } # sub FILE SED-EXPR

# The tree as planned: every layer PASSes.
fresh
check kernel,irq,memory,nic
tap_is "$rc|$(notpass)" "0|" "a host exactly as planned: only PASS, exit 0"
tap_is "$(jget "$J" 'd["counts"]["PASS"] >= 25 and d["counts"]["FAIL"] == 0')" \
    true "... $(jget "$J" 'd["counts"]["PASS"]') findings"
tap_is "$(jget "$J" 'sorted({f["layer"] for f in d["findings"]})')" \
    '["irq", "kernel", "memory", "nic"]' "... from the four layers asked for"

# kernel
fresh; sub proc/cmdline 's/isolcpus=[^ ]* //'
expect "isolcpus= missing from /proc/cmdline" kernel 4 \
    "FAIL kernel.isolcpus: absent"
fresh; sub proc/cmdline 's/isolcpus=managed_irq,domain,/isolcpus=/'
expect "isolcpus= without its flags" kernel 4 \
    "FAIL kernel.isolcpus: 2-5,8-11"
fresh; put sys/devices/system/cpu/isolated ""
expect "the kernel isolated nothing (a GRUB typo it ignored)" kernel 4 \
    "FAIL kernel.isolcpus-applied: none"
fresh; sub proc/cmdline 's/nohz_full=[^ ]*/nohz_full=2-5/'
expect "nohz_full= not the plan's" kernel 4 "FAIL kernel.nohz_full: 2-5"
fresh; rm "$T/sys/devices/system/cpu/nohz_full"
expect "a kernel without nohz_full support" kernel 4 \
    "FAIL kernel.nohz_full-applied: the file is missing: this kernel cannot do it (CONFIG_NO_HZ_FULL?)"
fresh; sub proc/cmdline 's/rcu_nocbs=[^ ]* //'
expect "rcu_nocbs= missing" kernel 4 "FAIL kernel.rcu_nocbs: absent"
fresh; sub proc/cmdline 's/irqaffinity=0,6/irqaffinity=0-11/'
expect "irqaffinity= on every CPU" kernel 4 "FAIL kernel.irqaffinity: 0-11"
fresh; sub proc/cmdline 's/hugepages=10/hugepages=8/'
expect "hugepages= not the plan's" kernel 4 \
    "FAIL kernel.cmdline (hugepages): hugepages=8"
fresh; rm -r "$T/sys/class/iommu/ivhd0"
expect "no IOMMU" kernel 4 "FAIL kernel.iommu: none"
fresh; sub proc/cmdline 's/ iommu=pt//'
expect "iommu=pt missing" kernel 4 "FAIL kernel.iommu-pt: absent"
fresh; put sys/kernel/mm/transparent_hugepage/enabled "[always] madvise never"
expect "THP always: a WARN, exit 0" kernel 0 "WARN kernel.thp: always"
fresh; put sys/devices/system/cpu/cpu3/cpufreq/scaling_governor powersave
expect "powersave on a PMD CPU: a WARN" kernel 0 \
    "WARN kernel.governor: powersave on 3"
fresh; put sys/devices/system/cpu/cpu9/cpuidle/state2/disable 0
expect "C6 left enabled on a PMD CPU: a WARN" kernel 0 \
    "WARN kernel.cstates: C6 (133 us) enabled on 9"
fresh; sub etc/tuned/cpu-partitioning-variables.conf 's/^isolated_cores=.*/isolated_cores=2-5/'
expect "tuned and the GRUB drop-in disagree" kernel 4 \
    "FAIL kernel.boot-config: GRUB drop-in isolcpus 2-5,8-11; tuned cpu-partitioning isolated_cores 2-5"
fresh; rm -r "$T/etc"
expect "neither GRUB drop-in nor tuned persists the arguments: a WARN" kernel 0 \
    "WARN kernel.boot-config: neither /etc/default/grub.d/nfvhost.cfg nor tuned's cpu-partitioning profile"

# irq
fresh; put proc/irq/25/effective_affinity_list 3
expect "IRQ 25 delivered to PMD CPU 3" irq 4 \
    "FAIL irq.affinity (irq 25): on 3, may move to 0,6"
fresh; put proc/irq/26/smp_affinity_list 0-11
expect "IRQ 26 allowed on every CPU, delivered on 0: a WARN" irq 0 \
    "WARN irq.affinity (irq 26): on 0, may move to 0-11"
fresh; put proc/irq/41/effective_affinity_list 1
expect "an uplink IRQ on an emulator CPU, off its node's housekeeping ones" irq 0 \
    "WARN irq.nic-node (0000:03:00.0): IRQ 41 on 1"
fresh; put proc/700/task/700/comm irqbalance
put proc/700/task/700/stat "700 (irqbalance) S 1 0 0 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 100"
put etc/default/irqbalance 'IRQBALANCE_BANNED_CPULIST="0,2-5,8-11"'
expect "irqbalance bans a housekeeping CPU" irq 4 \
    "FAIL irq.irqbalance: 0,2-5,8-11"
put etc/default/irqbalance '#IRQBALANCE_BANNED_CPULIST='
check irq
tap_is "$rc|$(notpass)" "0|" "irqbalance with no ban: the kernel's isolated CPUs are banned anyway"
put sys/devices/system/cpu/isolated ""
put sys/devices/system/cpu/nohz_full "(null)"
expect "irqbalance free to use the PMD and guest CPUs" irq 4 \
    "FAIL irq.irqbalance: none"

# memory
fresh; sub sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages 's/.*/4/'
expect "4 of the 10 planned 1G pages on node 0" memory 4 \
    "FAIL memory.hugepages (node 0): 4 (10 free)"
fresh; chmod 0777 "$T/dev/hugepages1G"
expect "the hugetlbfs mount world-writable" memory 4 \
    "FAIL memory.hugetlbfs (/dev/hugepages1G): gid $(getent group "$GROUP" | cut -d: -f3), mode 0777"
# libvirtd adds others' execute bit to every hugetlbfs mount it uses
# (qemuHugepageMakeBasedir): a running libvirt host has mode 1771.
fresh; chmod 1771 "$T/dev/hugepages1G"
check memory
tap_is "$rc|$(notpass)" "0|" "the hugetlbfs mount as libvirtd leaves it (mode 1771): PASS"
fresh; chmod 1773 "$T/dev/hugepages1G"
expect "the hugetlbfs mount writable by others but sticky (1773)" memory 4 \
    "FAIL memory.hugetlbfs (/dev/hugepages1G): gid $(getent group "$GROUP" | cut -d: -f3), mode 1773"
fresh; put proc/mounts "sysfs /sys sysfs rw 0 0"
expect "no hugetlbfs mounted" memory 4 "FAIL memory.hugetlbfs: none"
fresh; put sys/devices/system/node/node0/hugepages/hugepages-1048576kB/free_hugepages 1
expect "1 free page for OVS's 2048 MB" memory 4 \
    "FAIL memory.socket-mem: node 0: 1024 MB free for 2048"

# nic
U=sys/bus/pci/devices/0000:03:00.0
fresh; put $U/numa_node 1
expect "the uplink on node 1" nic 4 "FAIL nic.numa (0000:03:00.0): 1"
fresh; mkdir -p "$T/sys/bus/pci/drivers/i40e"; ln -sfn ../../../bus/pci/drivers/i40e "$T/$U/driver"
expect "the uplink on its kernel driver" nic 4 "FAIL nic.driver (0000:03:00.0): i40e"
fresh; G=$(readlink "$T/$U/iommu_group"); G=${G##*/}
fake_nic "$T" 0000:03:00.1 0 i40e enp3s0f1 1
ln -s ../../../../bus/pci/devices/0000:03:00.1 "$T/sys/kernel/iommu_groups/$G/devices/0000:03:00.1"
expect "its IOMMU group shared with a NIC on i40e" nic 4 \
    "FAIL nic.iommu-group (0000:03:00.0): shared with devices of other drivers: 0000:03:00.1 (i40e)"
# The same rule as 'nfvhost ovs apply' (lib/pci.h): members on pci-stub,
# pcieport or a vfio-pci variant may share the group; a bridge on another
# driver (shpchp) may not, whatever its class (Linux >= 5.19).
fresh; G=$(readlink "$T/$U/iommu_group"); G=${G##*/}
fake_nic "$T" 0000:03:00.1 0 pci-stub stub0 0
fake_nic "$T" 0000:03:00.2 0 mlx5_vfio_pci v2 0
for d in 0000:03:00.1 0000:03:00.2; do
    ln -s ../../../../bus/pci/devices/$d "$T/sys/kernel/iommu_groups/$G/devices/$d"
done
mkdir -p "$T/sys/bus/pci/devices/0000:00:01.0" "$T/sys/bus/pci/drivers/pcieport"
echo 0x060400 > "$T/sys/bus/pci/devices/0000:00:01.0/class"
ln -s ../../../bus/pci/drivers/pcieport "$T/sys/bus/pci/devices/0000:00:01.0/driver"
ln -s ../../../../bus/pci/devices/0000:00:01.0 "$T/sys/kernel/iommu_groups/$G/devices/0000:00:01.0"
check nic
tap_is "$(jget "$J" '[f["level"] for f in d["findings"] if f["id"] == "nic.iommu-group"]')" '["PASS"]' \
    "its IOMMU group shared with devices on pci-stub, mlx5_vfio_pci and pcieport: PASS"
mkdir -p "$T/sys/bus/pci/drivers/shpchp"
ln -sfn ../../../bus/pci/drivers/shpchp "$T/sys/bus/pci/devices/0000:00:01.0/driver"
expect "... and with a bridge on shpchp" nic 4 \
    "FAIL nic.iommu-group (0000:03:00.0): shared with devices of other drivers: 0000:00:01.0 (shpchp)"
# The planner records the group it saw (a plan made on the host itself).
plan_json "$SCRATCH/seen.json" --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --sysfs-root "$T"
tap_is "$(jget "$SCRATCH/seen.json" 'd["uplinks"][0]["iommu_group"]')" "$G" \
    "the planner records the uplink's IOMMU group ($G) in plan.json"
python3 -c "import json, sys; p = json.load(open(sys.argv[1])); p['uplinks'][0]['iommu_group'] = $G + 1; json.dump(p, open(sys.argv[2], 'w'))" \
    "$PLAN" "$SCRATCH/plan/moved.json"
fresh
"$NFVHOST" check --plan "$SCRATCH/plan/moved.json" --sysfs-root "$T" --only nic \
    --json >"$J" 2>"$SCRATCH/err"
tap_is "$?|$(notpass)" "4|FAIL nic.iommu-group (0000:03:00.0): group $G" \
    "another IOMMU group than planned (the card moved, or ACS)"
fresh; mkdir -p "$T/$U/net/enp3s0f0"; fake_route "$T" enp3s0f0
expect "its interface carries a route" nic 4 \
    "FAIL nic.route (0000:03:00.0): enp3s0f0 carries a route or an address"
# The SR-IOV PF is the X710's second port (planner rule 12), not the uplink.
fresh; put sys/bus/pci/devices/0000:03:00.1/sriov_numvfs 0
expect "no VFs on the SR-IOV PF" nic 4 "FAIL nic.sriov-numvfs (0000:03:00.1): 0"
fresh; rm -r "$T/$U"
expect "the uplink missing" nic 4 \
    "FAIL nic.present (0000:03:00.0): no such PCI device"

# Several layers at once: the exit status is 4 if anything FAILs.
fresh; put proc/irq/25/effective_affinity_list 3
put sys/kernel/mm/transparent_hugepage/enabled "[always] madvise never"
check kernel,irq
tap_is "$rc $(jget "$J" 'd["status"]') $(jget "$J" '[d["counts"][k] for k in ("WARN", "FAIL")]')" \
    "4 4 [1, 1]" "a WARN and a FAIL: exit 4, and the JSON says so"

# A check that cannot run: exit 1 when nothing FAILs.
fresh; rm "$T/proc/cmdline"
check kernel
tap_is "$rc|$(notpass)" "1|ERROR kernel.cmdline: $T/proc/cmdline cannot be read" \
    "/proc/cmdline unreadable: an ERROR, exit 1"

# No plan: what needs none, and a note.
fresh
"$NFVHOST" check --sysfs-root "$T" --db "unix:$SCRATCH/no-ovs/db.sock" \
    --window 0.2 --json >"$J" 2>"$SCRATCH/err"
rc=$?
tap_is "$rc|$(notpass)" "4|FAIL ovs.running: no database socket $SCRATCH/no-ovs/db.sock" \
    "no plan, no OVS: the kernel and memory checks PASS, OVS not running FAILs"
tap_is "$(jget "$J" 'sorted({f["layer"] for f in d["findings"]})')" \
    '["kernel", "memory", "ovs"]' "... the irq, nic and vm layers need a plan (loss: no OVS to read)"
"$NFVHOST" check --sysfs-root "$T" --db "unix:$SCRATCH/no-ovs/db.sock" \
    --window 0.2 --only loss --json >"$J" 2>"$SCRATCH/err"
tap_is "$?|$(notpass)" "4|FAIL loss.counters: cannot be read: ovsdb-server is not running" \
    "--only loss without OVS: the loss layer FAILs itself"
jget "$J" 'd["notes"][0]' | grep -q 'no plan: only what needs none was checked'
tap_ok $? "... and a note says a plan would check more"
tap_is "$(jget "$J" 'd["plan"]')" null "... \"plan\": null"

# Bad input: exit 2, a message naming the flag or file.
bad() { # bad DESC GREP ARGS...
    _d=$1 _g=$2; shift 2
    "$NFVHOST" check "$@" >/dev/null 2>"$SCRATCH/err"
    _rc=$?
    tap_is "$_rc $(grep -c -- "$_g" "$SCRATCH/err")" "2 1" "$_d: exit 2, '$_g'"
}
bad "--only an unknown layer" "unknown layer 'dpdk'" --only kernel,dpdk
bad "--window 0" "--window 0: want seconds" --window 0
bad "--watch -1" "--watch -1: want seconds" --watch -1
bad "--sysfs-root not a directory" "--sysfs-root $SCRATCH/none: not a directory" \
    --sysfs-root "$SCRATCH/none"
echo '{"format": 1}' > "$SCRATCH/old.json"
bad "--plan of another format" "$SCRATCH/old.json" --plan "$SCRATCH/old.json"
bad "an unknown option" "unknown option '--colour'" --colour

# Colours only on a terminal.
fresh; put sys/kernel/mm/transparent_hugepage/enabled "[always] madvise never"
"$NFVHOST" check --plan "$PLAN" --sysfs-root "$T" --only kernel >"$SCRATCH/pipe.txt"
tap_is "$(grep -c "$(printf '\033')" "$SCRATCH/pipe.txt")" 0 "piped: no colour"
script -qec "$NFVHOST check --plan $PLAN --sysfs-root $T --only kernel" /dev/null \
    >"$SCRATCH/tty.txt" 2>&1
grep -q "$(printf '\033\\[1;33mWARN')" "$SCRATCH/tty.txt"
tap_ok $? "on a terminal: WARN in yellow"
script -qec "$NFVHOST check --plan $PLAN --sysfs-root $T --only kernel --no-color" \
    /dev/null >"$SCRATCH/tty2.txt" 2>&1
tap_is "$(grep -c "$(printf '\033')" "$SCRATCH/tty2.txt")" 0 "--no-color on a terminal: none"
grep -q '^WARN  kernel \[kernel.thp\] transparent hugepages: found always, want madvise or never. Fix: ' \
    "$SCRATCH/pipe.txt"
tap_ok $? "a text line: level, layer, id, what, found, want, fix"
tail -1 "$SCRATCH/pipe.txt" | grep -q '^[0-9]* PASS, 1 WARN, 0 FAIL, 0 ERROR: exit status 0$'
tap_ok $? "... and a count at the end"

# Every id check can report is in docs/check.md, with its meaning.
"$NFVHOST" check --list | awk '{print $1}' > "$SCRATCH/ids"
grep -o '^| `[a-z_]*\.[a-z_-]*`' "$top_srcdir/docs/check.md" | tr -d '|` ' \
    > "$SCRATCH/doc-ids"
tap_is "$(diff "$SCRATCH/ids" "$SCRATCH/doc-ids" | grep '^[<>]' | tr '\n' ' ')" "" \
    "docs/check.md lists every id of 'check --list', in the same order ($(wc -l < "$SCRATCH/ids") ids)"

tap_done
