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
tap_done
