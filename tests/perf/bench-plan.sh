#!/bin/sh
# bench-plan.sh: the planner's speed and memory figures (docs/planner.md,
# "Speed").  Run from a built tree: sh tests/perf/bench-plan.sh
#  1. in process: the 96-PU fixture and the 448-PU, 16-node synthetic host,
#     wall time per plan and peak RSS (tests/perf/bench-plan);
#  2. one process per plan, as an operator's loop over many hosts' XML
#     files would run it: plans per minute over every topology in
#     tests/topologies, each written to its own output directory.
set -e
cd "$(dirname "$0")/../.."
make -s tests/perf/bench-plan nfvhost
T=tests/topologies
./tests/perf/bench-plan -n 200 $T/96em64t-4n4d3ca2co-pci.xml
./tests/perf/bench-plan -n 200 $T/bench-8s-448.xml
./tests/perf/bench-plan -n 200 examples/homelab/topology.xml examples/homelab/intent.ini
/usr/bin/time -f "nfvhost plan 448-PU host, one process: %e s wall, %M KiB peak RSS" \
    ./nfvhost plan --topology $T/bench-8s-448.xml --output out/bench-448 > /dev/null
rm -rf out/bench-448

out=$(mktemp -d)
files=$(ls $T/*.xml examples/homelab/topology.xml)
rounds=20
start=$(date +%s.%N)
plans=0
for r in $(seq $rounds); do
    for f in $files; do
        # Infeasible hosts (exit 3) count: the planner answered.
        ./nfvhost plan --topology "$f" --output "$out/$(basename "$f" .xml)" > /dev/null 2>&1 || true
        plans=$((plans + 1))
    done
done
end=$(date +%s.%N)
rm -rf "$out"
echo "$plans plans of $(echo $files | wc -w) hosts, one process each: $(echo "$plans $start $end" | awk '{printf "%.0f plans/minute (%.2f ms each)", $1 * 60 / ($3 - $2), ($3 - $2) * 1000 / $1}')"
