#!/bin/sh
# planner-hwloc-corpus.sh: plan every topology of hwloc's own test corpus
# (tests/topologies/hwloc-corpus/, see PROVENANCE.md there) with the
# default intent and with a two-VM intent.  Whatever the machine, a run
# ends in exit 0 (planned), 2 (bad input) or 3 (infeasible) with a message:
# never a signal or a sanitizer abort, and never an output directory left
# behind when it fails.  A plan that is made must load through the typed
# reader (vm xml of the two-VM plans).  .ci/run runs this under ASan and
# UBSan too (PLANNER_TESTS).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
cd "$SCRATCH"

cat > two-vms.ini <<'INI'
[vm a]
vcpus = 2
memory = 1G
nics = vhost:100, vhost:200

[vm b]
vcpus = 2
memory = 1G
nics = vhost:100
INI

# run_one FILE NAME [INTENT]: one plan, checked as the header says.
run_one() {
    _f=$1 _name=$2 _intent=$3
    _out=$SCRATCH/out-$_name
    "$NFVHOST" plan --topology "$_f" ${_intent:+--intent "$_intent"} \
        --output "$_out" > "$_name.out" 2> "$_name.err"
    _rc=$?
    case $_rc in
    0)
        [ -f "$_out/plan.json" ]
        tap_ok $? "$_name: planned, plan.json written"
        if [ -n "$_intent" ]; then
            "$NFVHOST" vm xml --plan "$_out/plan.json" --vm a > "$_name.xml" 2>&1
            tap_ok $? "$_name: the plan loads through the typed reader (vm xml)"
        fi
        ;;
    2|3)
        _msg=$(grep -v '^nfvhost: warning:' "$_name.err" | grep '^nfvhost: ')
        [ -n "$_msg" ]
        tap_ok $? "$_name: exit $_rc with a message: $(echo "$_msg" | head -c 160)"
        set -- "$SCRATCH/.out-$_name".tmp-*
        [ ! -e "$_out" ] && [ ! -e "$1" ]
        tap_ok $? "$_name: nothing left behind"
        ;;
    *)
        tap_ok 1 "$_name: exit $_rc (a signal or a sanitizer report)"
        sed 's/^/# /' "$_name.err" | head -20
        ;;
    esac
    rm -rf "$_out"
}

n=0
for f in "$TOPO"/hwloc-corpus/*.xml; do
    b=$(basename "$f" .xml)
    run_one "$f" "$b"
    run_one "$f" "$b-2vm" two-vms.ini
    n=$((n + 1))
done
tap_is "$n" 36 "all 36 files of hwloc 2.9.3's tests/hwloc/xml were planned"

# The crash this test was written for: CPUs whose NUMA node is not in the
# topology (16amd64-8n2c-cpusets: node 0 disallowed) are left out, with a
# warning, instead of a NULL node.
grep -q "CPUs 0-1,12-15 belong to no NUMA node of the topology" 16amd64-8n2c-cpusets.err
tap_ok $? "16amd64-8n2c-cpusets: CPUs without a NUMA node are named and not planned"
tap_done
