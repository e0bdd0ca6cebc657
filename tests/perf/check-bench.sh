#!/bin/sh
# check-bench.sh: how long a whole 'nfvhost check' takes (issue 12: under
# 1 s of wall time plus the loss window), with every layer on a plan of 3
# VMs and OVS with 10 ports.
#
#   sudo make bench-check            (or: sh tests/perf/check-bench.sh)
#
# The switch is the test harness's OVS-DPDK with the plan applied by
# 'nfvhost ovs apply' (10 dpdkvhostuserclient ports, one PMD); the kernel,
# irq, memory and nic layers read this machine's own /sys and /proc; the
# vm layer asks libvirt's test driver about the 3 VMs (a node file of
# their 'nfvhost vm xml' domains; no QEMU process, so the thread check
# looks through every process of the machine and finds none).
# Environment: CHECK_BENCH_ROUNDS (default 10).  Each round runs the
# check twice, with --window 0.05 (the time of the checks themselves: the
# window runs alongside the other layers) and with the default --window 2,
# alternating.  Prints a Markdown table of the median and worst wall
# times.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
NFVHOST=${NFVHOST:-$top_builddir/nfvhost}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
. "$top_srcdir/tests/check/lib.sh"
require 'command -v lstopo-no-graphics' 'hwloc'
ROUNDS=${CHECK_BENCH_ROUNDS:-10}
ovs_harness_begin
P=$SCRATCH/plan/plan.json

check_harness_plan "$SCRATCH/plan" \
    "vhost:100, vhost:100, vhost:200, vhost:200" \
    "vhost:100, vhost:200, vhost:300" "vhost:100, vhost:200, vhost:300" \
    || exit 1
"$NFVHOST" ovs apply --plan "$P" --db "$OVS_DB" >/dev/null || exit 1
N=$SCRATCH/node.xml
{
    echo "<node>"
    for vm in vm1 vm2 vm3; do
        "$NFVHOST" vm xml --plan "$P" --vm $vm | sed '1{/^<?xml/d}'
    done
    echo "</node>"
} > "$N"
ports=$(ovs_vsctl list-ports br-nfv | wc -l)

now() { date +%s.%N; }
run() { # run WINDOW: wall seconds of one whole check
    _t0=$(now)
    "$NFVHOST" check --plan "$P" --db "$OVS_DB" -c "test://$N" \
        --window "$1" --json >"$SCRATCH/out.json" 2>&1
    _t1=$(now)
    awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.3f\n", b - a }'
}
: > "$SCRATCH/short"; : > "$SCRATCH/long"
i=0
while [ $i -lt "$ROUNDS" ]; do
    run 0.05 >> "$SCRATCH/short"
    run 2 >> "$SCRATCH/long"
    i=$((i + 1))
done
n=$(jget "$SCRATCH/out.json" 'len(d["findings"])')
layers=$(jget "$SCRATCH/out.json" '",".join(sorted({f["layer"] for f in d["findings"]}))')
stats() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%.3f | %.3f", v[int((NR + 1) / 2)], v[NR] }'; }
echo
echo "3 VMs, $ports OVS ports, layers $layers, $n findings, $ROUNDS rounds, $(nproc) CPUs"
echo
echo "| run | median wall (s) | worst wall (s) |"
echo "|---|---|---|"
echo "| --window 0.05 (the checks alone) | $(stats "$SCRATCH/short") |"
echo "| --window 2 (the default) | $(stats "$SCRATCH/long") |"
