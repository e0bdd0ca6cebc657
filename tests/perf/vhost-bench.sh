#!/bin/sh
# vhost-bench.sh: the four vhost benchmarks of docs/performance.md, side by
# side in one run, against the test harness's OVS-DPDK (one PMD on core 1,
# endpoints on core 0) and dpdk-testpmd.  Needs root and 2M hugepages
# (the harness adds its pages under the shared lock and gives them back).
#
#   sudo make bench-vhost            (or: sh tests/perf/vhost-bench.sh)
#
# Environment: VHOST_BENCH_DURATION (seconds per measurement, default 5),
# VHOST_BENCH_REPEAT (rounds of each comparison, default 3),
# VHOST_BENCH_OUT (directory for the JSON and logs, default
# ./vhost-bench-results).  Prints a Markdown table at the end.
#
# The machine is shared (and a VM: its neighbours are invisible from
# inside), so throughput moves by 2x from one minute to the next.  Each
# comparison therefore alternates the two sides, REPEAT rounds, and
# reports each side's median: both sides see the same weather.
#
# 1. Placement: bench through OVS with the endpoint on its own core (0)
#    and on the PMD's core (1, --force): received Mpps, and the ratio.
# 2. Endpoint efficiency: 'nfvhost vhost loop' versus dpdk-testpmd with
#    two net_virtio_user ports in io forwarding, each ping-ponging frames
#    through OVS (wires vhu2 <-> vhu3, --tx-first): the Mpps OVS receives
#    from the endpoint, same OVS, same cores.
# 3. Generator against DPDK's own back-end: 'vhost bench --tx-only' versus
#    testpmd's net_virtio_user txonly, each into a testpmd net_vhost port in
#    rxonly mode (on core 1, OVS stopped): frames each generator's ring
#    accepted per second (its own count over a timed window).
# 4. The NDR search of 1 on the planned placement: rate, trials, time.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
NFVHOST=${NFVHOST:-$top_builddir/nfvhost}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require '[ "$(id -u)" = 0 ]' 'root'
require "test -x $OVS_VSWITCHD_BIN" 'ovs-vswitchd-dpdk'
require 'command -v dpdk-testpmd' 'dpdk-testpmd'

DUR=${VHOST_BENCH_DURATION:-5}
REPEAT=${VHOST_BENCH_REPEAT:-3}
OUT=${VHOST_BENCH_OUT:-$PWD/vhost-bench-results}
mkdir -p "$OUT"
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[n++] = $1 } END { print v[int(n / 2)] }'; }
best() { tr ' ' '\n' | grep . | sort -g | tail -1; }
log() { echo "vhost-bench: $*" >&2; }

BG=""
ovs_harness_start || { echo "OVS-DPDK did not start" >&2; exit 1; }
ovs_harness_on_stop 'for p in $BG; do kill -INT $p 2>/dev/null; wait $p 2>/dev/null; done'
S=$OVS_SOCKDIR

add_ports() {
    ovs_vsctl --may-exist add-br br0 -- set Bridge br0 datapath_type=netdev
    for i in 0 1 2 3; do
        ovs_vsctl --may-exist add-port br0 vhu$i -- set Interface vhu$i \
            type=dpdkvhostuserclient \
            "options:vhost-server-path=$S/vhu$i.sock" \
            ofport_request=$((i + 1))
    done
    ovs_wait_for 20 ovs-ofctl del-flows br0
    # 1 -> 2 for the generator; 3 <-> 4 for the loops.
    ovs-ofctl add-flow br0 "in_port=1,actions=output:2"
    ovs-ofctl add-flow br0 "in_port=3,actions=output:4"
    ovs-ofctl add-flow br0 "in_port=4,actions=output:3"
}

# rx_rate OFPORT...: packets per second OVS receives on the ports, summed,
# over DUR seconds.
rx_rate() {
    c1=0 c2=0
    for p in "$@"; do
        c1=$((c1 + $(ovs-ofctl dump-ports br0 "$p" | tr -d ',' \
                     | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^pkts=/) { sub(/pkts=/, "", $i); print $i; exit }}')))
    done
    sleep "$DUR"
    for p in "$@"; do
        c2=$((c2 + $(ovs-ofctl dump-ports br0 "$p" | tr -d ',' \
                     | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^pkts=/) { sub(/pkts=/, "", $i); print $i; exit }}')))
    done
    python3 -c "print(($c2 - $c1) / $DUR / 1e6)"
}

add_ports
BENCH="$NFVHOST vhost bench --server --connect-timeout 30 --json"
mkfifo "$OUT/stdin.fifo" 2>/dev/null
exec 3<>"$OUT/stdin.fifo"

# 1. Placement.
own_l="" shared_l=""
for r in $(seq "$REPEAT"); do
    log "1. placement, round $r: endpoint on its own core, then on the PMD's"
    $BENCH --tx "$S/vhu0.sock" --rx "$S/vhu1.sock" --duration "$DUR" \
        --cores 0 >"$OUT/1-own-core-$r.json" 2>"$OUT/1-own-core-$r.err"
    own_l="$own_l $(jget "$OUT/1-own-core-$r.json" 'd["rx_mpps"]')"
    $BENCH --tx "$S/vhu0.sock" --rx "$S/vhu1.sock" --duration "$DUR" \
        --cores 1 --force >"$OUT/1-pmd-core-$r.json" \
        2>"$OUT/1-pmd-core-$r.err"
    shared_l="$shared_l $(jget "$OUT/1-pmd-core-$r.json" 'd["rx_mpps"]')"
done
own=$(echo "$own_l" | median)
shared=$(echo "$shared_l" | median)

# 4. NDR on the planned placement (the endpoint off the PMD's core).
log "4. NDR search, endpoint on its own core"
$BENCH --tx "$S/vhu0.sock" --rx "$S/vhu1.sock" --search ndr --duration 1 \
    --cores 0 >"$OUT/4-ndr.json" 2>"$OUT/4-ndr.err"
cat "$OUT/4-ndr.err" >&2

# 2. Endpoint efficiency: the loop versus testpmd io forwarding, each
# ping-ponging frames through OVS's wires vhu2 <-> vhu3.
loop_l="" testpmd_l=""
for r in $(seq "$REPEAT"); do
    log "2. endpoint efficiency, round $r: nfvhost vhost loop"
    $NFVHOST vhost loop --server --socket "$S/vhu2.sock" \
        --socket "$S/vhu3.sock" --tx-first 256 --cores 0 \
        --duration $((DUR + 6)) --connect-timeout 30 --json \
        >"$OUT/2-loop-$r.json" 2>"$OUT/2-loop-$r.err" &
    LOOP=$!
    BG="$BG $LOOP"
    sleep 4
    loop_l="$loop_l $(rx_rate 3 4)"
    wait "$LOOP"
    log "2. endpoint efficiency, round $r: dpdk-testpmd net_virtio_user io"
    # Not interactive (its command line would poll on the forwarding
    # core); virtio-user in server mode, as the harness's peers.
    rm -f "$S/vhu2.sock" "$S/vhu3.sock"
    dpdk-testpmd --no-pci --single-file-segments --huge-dir "$OVS_HUGEDIR" \
        -m 64 --file-prefix "nfvpvp$$" --lcores 0@0,1@0 \
        --vdev "net_virtio_user0,path=$S/vhu2.sock,server=1,queues=1" \
        --vdev "net_virtio_user1,path=$S/vhu3.sock,server=1,queues=1" -- \
        --forward-mode=io --tx-first --total-num-mbufs=8192 \
        <"$OUT/stdin.fifo" >"$OUT/2-testpmd-$r.log" 2>&1 &
    PVP=$!
    BG="$BG $PVP"
    sleep 6
    testpmd_l="$testpmd_l $(rx_rate 3 4)"
    kill -INT "$PVP"; wait "$PVP"
done
loop_mpps=$(echo "$loop_l" | median)
testpmd_mpps=$(echo "$testpmd_l" | median)

# 3. Generators into testpmd's net_vhost rxonly (OVS stopped: core 1 is
# the back-end's).  Each generator's own count of the frames its ring
# accepted in a DUR-second window.
ovs_harness_kill_vswitchd TERM
backend() { # LOG: net_vhost rxonly on core 1
    rm -f "$OVS_RUNDIR/nv.sock"
    dpdk-testpmd --no-pci --no-huge -m 256 --file-prefix "nfvbench$$" \
        --lcores 0@1,1@1 --vdev "net_vhost0,iface=$OVS_RUNDIR/nv.sock" -- \
        --forward-mode=rxonly --total-num-mbufs=16384 --mlockall \
        <"$OUT/stdin.fifo" >"$1" 2>&1 &
    BACKEND=$!
    BG="$BG $BACKEND"
    ovs_wait_for 20 test -S "$OVS_RUNDIR/nv.sock"
    # A fresh back-end is slower for its first second or so (its memory
    # is still being touched); testpmd's generator needs that long to
    # start anyway, so give both generators a settled back-end.
    sleep 2
}
gen_nfvhost_l="" gen_testpmd_l=""
for r in $(seq "$REPEAT"); do
    log "3. generator, round $r: nfvhost vhost bench --tx-only"
    backend "$OUT/3-backend-nfvhost-$r.log"
    $NFVHOST vhost bench --tx "$OVS_RUNDIR/nv.sock" --tx-only \
        --duration "$DUR" --cores 0 --json >"$OUT/3-nfvhost-$r.json" \
        2>"$OUT/3-nfvhost-$r.err"
    kill -INT "$BACKEND"; wait "$BACKEND"
    gen_nfvhost_l="$gen_nfvhost_l $(jget "$OUT/3-nfvhost-$r.json" 'd["tx_mpps"]')"

    log "3. generator, round $r: dpdk-testpmd net_virtio_user txonly"
    backend "$OUT/3-backend-testpmd-$r.log"
    rm -f "$OUT/gen.in"
    mkfifo "$OUT/gen.in"
    exec 4<>"$OUT/gen.in"
    dpdk-testpmd --no-pci --single-file-segments --huge-dir "$OVS_HUGEDIR" \
        -m 64 --file-prefix "nfvgen$$" --lcores 0@0,1@0 \
        --vdev "net_virtio_user0,path=$OVS_RUNDIR/nv.sock,queues=1" -- -i \
        --forward-mode=txonly --txpkts=60 --total-num-mbufs=8192 \
        <"$OUT/gen.in" >"$OUT/3-testpmd-$r.log" 2>&1 &
    GEN=$!
    BG="$BG $GEN"
    ovs_wait_for 20 grep -q "Port 0: " "$OUT/3-testpmd-$r.log"
    sleep 1
    echo "start" >&4
    sleep "$DUR"
    echo "stop" >&4
    ovs_wait_for 10 grep -q "Accumulated forward statistics" \
        "$OUT/3-testpmd-$r.log"
    echo "quit" >&4
    wait "$GEN"
    exec 4>&-
    kill -INT "$BACKEND"; wait "$BACKEND"
    tx=$(awk '/Forward statistics for port 0/ { f = 1 }
              f && $1 == "TX-packets:" { print $2; exit }' \
              "$OUT/3-testpmd-$r.log")
    gen_testpmd_l="$gen_testpmd_l $(python3 -c "print(${tx:-0} / $DUR / 1e6)")"
done
gen_nfvhost=$(echo "$gen_nfvhost_l" | median)
gen_testpmd=$(echo "$gen_testpmd_l" | median)

# What else polled this machine's cores during the run (other people's
# tests share it): the figures are only as clean as this.
others=$(ps -eLo pcpu,comm --no-headers | awk '$1 > 20 && $2 !~ /nfvhost/ { printf "%s(%s%%) ", $2, $1 }')
load=$(cut -d' ' -f1-3 /proc/loadavg)

ratio() { python3 -c "print('%.2f' % ($1 / $2) if $2 > 0 else 'inf')"; }
cat <<EOF | tee "$OUT/results.md"
| # | measurement (median of $REPEAT alternating rounds of $DUR s) | nfvhost | reference | ratio (best round vs best round) |
|---|---|---|---|---|
| 1 | placement: Mpps through OVS, endpoint on own core vs on the PMD's core | $(printf %.3f "$own") | $(printf %.4f "$shared") | $(ratio "$own" "$shared") (best $(ratio "$(echo "$own_l" | best)" "$(echo "$shared_l" | best)")) |
| 2 | PVP loop: Mpps OVS receives, vhost loop vs testpmd io (net_virtio_user) | $(printf %.3f "$loop_mpps") | $(printf %.3f "$testpmd_mpps") | $(ratio "$loop_mpps" "$testpmd_mpps") (best $(ratio "$(echo "$loop_l" | best)" "$(echo "$testpmd_l" | best)")) |
| 3 | generator into net_vhost rxonly: Mpps per core, bench --tx-only vs testpmd txonly | $(printf %.3f "$gen_nfvhost") | $(printf %.3f "$gen_testpmd") | $(ratio "$gen_nfvhost" "$gen_testpmd") (best $(ratio "$(echo "$gen_nfvhost_l" | best)" "$(echo "$gen_testpmd_l" | best)")) |
| 4 | NDR (0.001 %), endpoint on own core | $(jget "$OUT/4-ndr.json" '"%.3f Mpps, %d trials, %.1f s" % (d["result"]["tx_mpps"] if d["result"] else 0, d["trials_run"], d["total_s"])') | | |

Rounds: 1 own [$own_l ] PMD's [$shared_l ]; 2 loop [$loop_l ] testpmd [$testpmd_l ];
3 bench [$gen_nfvhost_l ] testpmd [$gen_testpmd_l ].
Run: $(date -u +%Y-%m-%dT%H:%MZ), load average $load; other busy threads at the end: ${others:-none}.
EOF
