#!/bin/sh
# planner-kernel.sh: the kernel command line, the tuned variables and the
# irqbalance ban the planner writes, each checked against what the kernel
# and the tools really accept (docs/planner.md, "Kernel arguments, and
# why").
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
cd "$SCRATCH"

# vendor_topology NAME VENDOR: the home lab with another CPU vendor.
vendor_topology() {
    sed "s/AuthenticAMD/$2/" "$HOMELAB/topology.xml" > "$1.xml"
}
# args FILE.json: the kernel arguments, one per line.
args() {
    jget "$1" '"\n".join(d["kernel"]["args"])'
}

# IOMMU: one decision by vendor.  amd_iommu= has no "on" (the AMD IOMMU,
# which Hygon's CPUs use too, is on by default): only iommu=pt there.
for v in AuthenticAMD HygonGenuine GenuineIntel Unknown; do
    vendor_topology "$v" "$v"
    plan_json "$v.json" --topology "$v.xml"
done
tap_is "$(args AuthenticAMD.json | grep iommu | paste -sd' ')" "iommu=pt" \
    "AMD: iommu=pt only, no amd_iommu=on"
tap_is "$(args HygonGenuine.json | grep iommu | paste -sd' ')" "iommu=pt" \
    "Hygon: iommu=pt only, as AMD"
grep -q "iommu" HygonGenuine.json.err
tap_ok $((! $?)) "Hygon: no warning about the IOMMU (a known vendor)"
tap_is "$(args GenuineIntel.json | grep iommu | paste -sd' ')" "intel_iommu=on iommu=pt" \
    "Intel: intel_iommu=on iommu=pt"
tap_is "$(args Unknown.json | grep iommu | paste -sd' ')" "iommu=pt" \
    "unknown vendor: iommu=pt"
grep -q "CPU vendor Unknown: the kernel command line gets only iommu=pt; on an Intel IOMMU add intel_iommu=on yourself" Unknown.json.err
tap_ok $? "unknown vendor: a warning says what to add"
grep -rq "amd_iommu" ./*.json
tap_ok $((! $?)) "no plan says amd_iommu"

# kthread_cpus= is not a mainline parameter: never written.
grep -q "kthread_cpus" AuthenticAMD.json GenuineIntel.json
tap_ok $((! $?)) "no kthread_cpus= on the command line"
tap_is "$(args AuthenticAMD.json | grep -c -e '^irqaffinity=0,6$' -e '^systemd.cpu_affinity=0,6$')" 2 \
    "irqaffinity and systemd.cpu_affinity keep the housekeeping pool"

# tuned: its cpu-partitioning profile (2.20, Debian 12) puts nohz_full=
# and rcu_nocbs= of isolated_cores and isolcpus= of no_balance_cores on
# the command line; the kernel ignores a housekeeping mask that differs
# from the first, so each must be the drop-in's isolated set.
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" \
    --output out > /dev/null
tvar() { sed -n "s/^$1=//p" out/tuned/cpu-partitioning-variables.conf; }
karg() { tr ' ' '\n' < out/kernel-cmdline.txt | sed -n "s/^$1=//p"; }
iso=$(jget out/plan.json 'd["kernel"]["isolated_cpus"]')
tap_is "$(tvar isolated_cores)" "$iso" "tuned isolated_cores is the isolated set ($iso)"
tap_is "$(tvar no_balance_cores)" "$iso" \
    "tuned no_balance_cores equals it (tuned's man page; tuned adds isolcpus= of it)"
tap_is "$(karg nohz_full) $(karg rcu_nocbs) $(karg isolcpus)" \
    "$iso $iso managed_irq,domain,$iso" \
    "the drop-in's nohz_full, rcu_nocbs and isolcpus lists are the same set"

# irqbalance: every planned CPU but housekeeping is banned, the
# emulator-share pool included (irqbalance's own default bans only the
# isolated and nohz_full CPUs).
ban=$(sed -n 's/^IRQBALANCE_BANNED_CPULIST=//p' out/irqbalance/irqbalance.env)
tap_is "$ban" "1-5,7-11" "irqbalance bans 1-5,7-11: all but housekeeping 0,6"
tap_is "$(jget out/plan.json 'd["pools"]["emulator"]')" "1,7" \
    "... which includes the emulator-share pool 1,7"
grep -q '^IRQBALANCE_BANNED_CPUS=' out/irqbalance/irqbalance.env
tap_ok $((! $?)) "only the _CPULIST form (irqbalance 1.9 discards IRQBALANCE_BANNED_CPUS)"
# Hugepages at boot: "hugepages=N:C" needs Linux 5.16 (older kernels read
# "0:10" as 0 pages and say nothing).  One node: the total, whatever the
# kernel.  Several: per node only when the target kernel ([host] kernel,
# else hwloc's OSRelease) is 5.16 or later and the node ids have no gaps.
hp() { args "$1" | grep '^hugepages='; }
kernel_intent() { printf '[host]\nkernel = %s\n' "$2" > "$1"; }
kernel_intent k61.ini 6.1
kernel_intent k515.ini 5.15.0-91-generic
plan_json one.json --topology "$HOMELAB/topology.xml"
tap_is "$(hp one.json)" "hugepages=21" \
    "one node: hugepages=21, the total (no node form for any kernel)"
plan_json one-k61.json --topology "$HOMELAB/topology.xml" --intent k61.ini
tap_is "$(hp one-k61.json)" "hugepages=21" "one node, kernel 6.1: still the total"
N2="$TOPO/nosmt-2n8c.xml"
plan_json two-k61.json --topology "$N2" --intent k61.ini
tap_is "$(hp two-k61.json)" "hugepages=0:23,1:23" "two nodes, kernel 6.1: per node"
tap_is "$(cat two-k61.json.err)" "" "... and no warning"
plan_json two-k515.json --topology "$N2" --intent k515.ini
tap_is "$(hp two-k515.json)" "hugepages=46" "two nodes, kernel 5.15: the total"
grep -q "hugepages at boot: kernel 5.15.0-91-generic is older than 5.16, which the per-node form needs, so the kernel command line reserves the total, hugepages=46, which the kernel spreads evenly over the 2 NUMA nodes (the plan puts them on 2); 'nfvhost hugepages apply --persist' writes a boot unit that moves them to their nodes" two-k515.json.err
tap_ok $? "... with a warning that says why and what places them"
plan_json two-none.json --topology "$N2"
tap_is "$(hp two-none.json)" "hugepages=46" \
    "two nodes, no kernel known (no OSRelease, no [host] kernel): the total"
grep -q "the target kernel is unknown" two-none.json.err
tap_ok $? "... with a warning"
# The default is the kernel the topology was taken on: hwloc records uname
# -r as OSRelease (lstopo --of xml keeps it).
sed 's|<info name="Backend" value="Synthetic"/>|<info name="OSName" value="Linux"/><info name="OSRelease" value="6.1.0-18-amd64"/>|' "$N2" > two-61.xml
sed 's|<info name="Backend" value="Synthetic"/>|<info name="OSName" value="Linux"/><info name="OSRelease" value="5.10.0-28-amd64"/>|' "$N2" > two-510.xml
plan_json two-os61.json --topology two-61.xml
tap_is "$(hp two-os61.json)" "hugepages=0:23,1:23" \
    "two nodes, OSRelease 6.1.0-18-amd64: per node"
plan_json two-os510.json --topology two-510.xml
tap_is "$(hp two-os510.json)" "hugepages=46" "two nodes, OSRelease 5.10.0-28-amd64: the total"
plan_json two-os510-k61.json --topology two-510.xml --intent k61.ini
tap_is "$(hp two-os510-k61.json)" "hugepages=0:23,1:23" \
    "[host] kernel = 6.1 overrides OSRelease 5.10 (the host will boot 6.1)"
plan_json gaps-k61.json --topology "$TOPO/gaps-2n.xml" --intent k61.ini
tap_is "$(hp gaps-k61.json | sed 's/=[0-9]*$/=TOTAL/')" "hugepages=TOTAL" \
    "node ids 0 and 3, kernel 6.1: the total (5.16 takes ids below the node count)"
# Planning this machine: hwloc puts its uname -r in OSRelease, so the
# default target is the running kernel.
lstopo --of xml 2>/dev/null | grep -q "<info name=\"OSRelease\" value=\"$(uname -r)\"/>"
tap_ok $? "hwloc records the running kernel ($(uname -r)) as OSRelease"
kernel_intent bad.ini linux-6
"$NFVHOST" plan --topology "$N2" --intent bad.ini > /dev/null 2> bad.err
tap_is "$?:$(cat bad.err)" "2:nfvhost: bad.ini:2: bad kernel 'linux-6': expected a Linux release such as 6.1 or 5.15.0-91-generic" \
    "[host] kernel = linux-6: exit 2, file and line"
tap_done
