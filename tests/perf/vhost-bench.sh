#!/bin/sh
# vhost-bench.sh: the vhost benchmarks of docs/performance.md, side by side
# in one run, against the test harness's OVS-DPDK (one PMD on core 1,
# endpoints on core 0) and dpdk-testpmd.  Needs root and 2M hugepages (the
# harness adds its pages under the shared lock and gives them back).
#
#   sudo make bench-vhost            (or: sh tests/perf/vhost-bench.sh)
#
# Environment: VHOST_BENCH_DURATION (seconds per measurement, default 5),
# VHOST_BENCH_REPEAT (rounds of each comparison, default 5),
# VHOST_BENCH_LAYOUT (ring layout of both sides: packed or split, default
# packed), VHOST_BENCH_RATE (offered rate of 3., default 1M),
# VHOST_BENCH_OUT (directory for the JSON and logs, default
# ./vhost-bench-results), VHOST_BENCH_ONLY (a list of the measurements
# to run, default "1 2 3 4 5").  Prints a Markdown table at the end.
#
# Fair comparisons: both sides of a comparison get the same frames in
# flight, burst size, ring size, ring layout and cores; what cannot be the
# same (the features each front-end negotiates, testpmd's main thread) is
# printed next to the result.  The machine is shared (and a VM), so rates
# move by 2x from one minute to the next: each comparison alternates its
# sides round by round and reports each side's median; and 3. measures
# cycles per frame, which does not depend on which side is the bottleneck,
# with the time the endpoint's thread waited for its CPU beside it.
#
# 1. Placement: bench through OVS with the endpoint on its own core (0)
#    and on the PMD's core (1, --force): received Mpps.
# 2. PVP closed loop: 'vhost loop' (zero-copy, and copying) versus
#    dpdk-testpmd io forwarding with two net_virtio_user ports, each
#    ping-ponging the same number of frames through OVS's wires
#    vhu2 <-> vhu3: the Mpps OVS receives from the endpoint.
# 3. Cycles per frame at a fixed offered rate: bench (on the PMD's core,
#    --sleep-idle, well below the PMD's limit) -> vhu0 -> OVS -> vhu2 ->
#    endpoint -> vhu3 -> OVS -> vhu1 -> bench; the endpoint's busy TSC
#    cycles per frame (the loop's own count; testpmd's
#    --record-core-cycles), on core 0.
# 4. Generator against DPDK's own back-end: 'vhost bench --tx-only' versus
#    testpmd's net_virtio_user txonly, each into a testpmd net_vhost port in
#    rxonly mode (on core 1, OVS stopped).
# 5. The NDR search of 1 on the planned placement.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
NFVHOST=${NFVHOST:-$top_builddir/nfvhost}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require '[ "$(id -u)" = 0 ]' 'root'
require "test -x $OVS_VSWITCHD_BIN" 'ovs-vswitchd-dpdk'
require 'command -v dpdk-testpmd' 'dpdk-testpmd'

DUR=${VHOST_BENCH_DURATION:-5}
REPEAT=${VHOST_BENCH_REPEAT:-5}
LAYOUT=${VHOST_BENCH_LAYOUT:-packed}
RATE=${VHOST_BENCH_RATE:-1M}
ONLY=${VHOST_BENCH_ONLY:-1 2 3 4 5}
OUT=${VHOST_BENCH_OUT:-$PWD/vhost-bench-results}
# The settings both sides of every comparison share.
RING=1024                       # ring entries, every port
BURST=32                        # frames per ring operation
INFLIGHT=32                     # frames per port in the closed loop (2.)
PACKED=$([ "$LAYOUT" = packed ] && echo 1 || echo 0)
mkdir -p "$OUT"
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[n++] = $1 } END { print v[int(n / 2)] }'; }
best() { tr ' ' '\n' | grep . | sort -g | tail -1; }
least() { tr ' ' '\n' | grep . | sort -g | head -1; }
log() { echo "vhost-bench: $*" >&2; }
want() { echo " $ONLY " | grep -q " $1 "; }

# What else runs on this machine (other people's tests share it):
# processes above 10 % of a CPU (ps: over their lifetime) that are not
# this script's.
foreign() {
    ps -eo pid,ppid,pcpu,comm --no-headers | awk -v me=$$ '
        { pid[NR] = $1; ppid[$1] = $2; cpu[$1] = $3; comm[$1] = $4 }
        END {
            for (i = 1; i <= NR; i++) {
                p = pid[i]; mine = 0
                for (q = p; q > 1 && !mine; q = ppid[q]) mine = (q == me)
                if (!mine && cpu[p] > 10) printf "%s(%s, %s%%) ", comm[p], p, cpu[p]
            }
        }'
}
START=$(date -u +%Y-%m-%dT%H:%MZ)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
OTHERS0=$(foreign)
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
}

# wires FLOW...: replaces the bridge's flows.
wires() {
    ovs_wait_for 20 ovs-ofctl del-flows br0
    for f in "$@"; do
        ovs-ofctl add-flow br0 "$f"
    done
}

pkts() { # OFPORT: OVS's rx packet counter
    ovs-ofctl dump-ports br0 "$1" | tr -d ',' \
        | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^pkts=/) { sub(/pkts=/, "", $i); print $i; exit }}'
}

# rx_rate OFPORT...: Mpps OVS receives on the ports, summed, over DUR s.
rx_rate() {
    c1=0 c2=0
    for p in "$@"; do c1=$((c1 + $(pkts "$p"))); done
    sleep "$DUR"
    for p in "$@"; do c2=$((c2 + $(pkts "$p"))); done
    python3 -c "print(($c2 - $c1) / $DUR / 1e6)"
}

# features PORT: the Virtio features OVS's vhost library logged as
# negotiated on PORT's socket most recently.
features() {
    grep "$S/$1.sock" "$OVS_RUNDIR/ovs-vswitchd.log" \
        | grep -o 'negotiated Virtio features: 0x[0-9a-f]*' | tail -1 \
        | awk '{ print $NF }'
}

# sched PID [THREAD-NAME]: "run_ns wait_ns" of the thread (the process's
# main thread, or its thread named THREAD-NAME) from schedstat: the time
# it ran, and the time it was runnable but waiting for its CPU.
sched() {
    tid=$1
    if [ -n "${2:-}" ]; then
        for t in /proc/"$1"/task/*; do
            [ "$(cat "$t/comm" 2>/dev/null)" = "$2" ] && tid=${t##*/}
        done
    fi
    awk '{ print $1, $2 }' "/proc/$1/task/$tid/schedstat" 2>/dev/null \
        || echo "0 0"
}

mkfifo "$OUT/stdin.fifo" 2>/dev/null
exec 3<>"$OUT/stdin.fifo"

# The testpmd peer of 2. and 3.: two net_virtio_user ports in server mode
# on vhu2/vhu3 (OVS connects), main and forwarding threads on core 0, the
# same ring size, burst and layout as the loop.  Not interactive: its
# prompt would share the forwarding core.  start_testpmd LOG EXTRA...
start_testpmd() {
    log_file=$1
    shift
    rm -f "$S/vhu2.sock" "$S/vhu3.sock"
    dpdk-testpmd --no-pci --single-file-segments --huge-dir "$OVS_HUGEDIR" \
        -m 64 --file-prefix "nfvpvp$$" --lcores 0@0,1@0 \
        --vdev "net_virtio_user0,path=$S/vhu2.sock,server=1,queues=1,queue_size=$RING,packed_vq=$PACKED" \
        --vdev "net_virtio_user1,path=$S/vhu3.sock,server=1,queues=1,queue_size=$RING,packed_vq=$PACKED" -- \
        --forward-mode=io --burst=$BURST --rxd=$RING --txd=$RING \
        --total-num-mbufs=8192 "$@" <"$OUT/stdin.fifo" >"$log_file" 2>&1 &
    TESTPMD=$!
    BG="$BG $TESTPMD"
}

stop_testpmd() {
    kill -INT "$TESTPMD"
    wait "$TESTPMD"
}

LOOP_ARGS="--server --socket $S/vhu2.sock --socket $S/vhu3.sock --cores 0 --ring-size $RING --burst $BURST --ring-layout $LAYOUT --connect-timeout 30 --json"
BENCH="$NFVHOST vhost bench --server --connect-timeout 30 --json --ring-size $RING --ring-layout $LAYOUT"
add_ports
ROWS=""
NOTES=""

# 1. Placement.
if want 1; then
    wires "in_port=1,actions=output:2"
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
    ROWS="$ROWS
| 1 | placement: Mpps through OVS, bench on its own core vs on the PMD's core | $(printf %.3f "$own") | $(printf %.4f "$shared") | $(python3 -c "print('%.0fx' % ($own / $shared))") | rounds: own [$own_l ], PMD's [$shared_l ] |"
fi

# 5. NDR on the planned placement (the endpoint off the PMD's core).
if want 5; then
    wires "in_port=1,actions=output:2"
    log "5. NDR search, endpoint on its own core"
    $BENCH --tx "$S/vhu0.sock" --rx "$S/vhu1.sock" --search ndr \
        --duration 1 --cores 0 >"$OUT/5-ndr.json" 2>"$OUT/5-ndr.err"
    cat "$OUT/5-ndr.err" >&2
    ROWS="$ROWS
| 5 | NDR (0.001 %), bench on its own core | $(jget "$OUT/5-ndr.json" '"%.3f Mpps" % (d["result"]["tx_mpps"] if d["result"] else 0)') | | | $(jget "$OUT/5-ndr.json" '"%d trials, %.1f s" % (d["trials_run"], d["total_s"])') |"
fi

# 2. PVP closed loop: each endpoint injects INFLIGHT frames on each port
# and forwards whatever comes back; the rate OVS receives from it.
pvp_loop() { # ROUND EXTRA-LOOP-ARGS...: prints the rate
    round=$1
    shift
    $NFVHOST vhost loop $LOOP_ARGS --tx-first $INFLIGHT \
        --duration $((DUR + 6)) "$@" >"$OUT/2-loop$*-$round.json" \
        2>"$OUT/2-loop$*-$round.err" &
    LOOP=$!
    BG="$BG $LOOP"
    sleep 4
    rate=$(rx_rate 3 4)
    f="$(features vhu2)"
    wait "$LOOP"
    echo "$rate $f"
}
if want 2; then
    wires "in_port=3,actions=output:4" "in_port=4,actions=output:3"
    zc_l="" copy_l="" tp_l=""
    for r in $(seq "$REPEAT"); do
        # Alternate the order too: zero-copy, testpmd, copy; then back.
        if [ $((r % 2)) = 1 ]; then order="zc tp copy"; else order="copy tp zc"; fi
        for who in $order; do
            log "2. PVP closed loop, round $r: $who"
            case $who in
            zc) set -- $(pvp_loop "$r"); zc_l="$zc_l $1"; zc_feat=$2 ;;
            copy) set -- $(pvp_loop "$r" --copy); copy_l="$copy_l $1"; copy_feat=$2 ;;
            tp)
                start_testpmd "$OUT/2-testpmd-$r.log" --tx-first
                sleep 4
                tp_l="$tp_l $(rx_rate 3 4)"
                tp_feat=$(features vhu2)
                stop_testpmd
                ;;
            esac
        done
    done
    zc=$(echo "$zc_l" | median)
    copy=$(echo "$copy_l" | median)
    tp=$(echo "$tp_l" | median)
    ROWS="$ROWS
| 2 | PVP closed loop, Mpps OVS receives: \`vhost loop\` zero-copy vs testpmd io | $(printf %.3f "$zc") | $(printf %.3f "$tp") | **$(python3 -c "print('%.2f' % ($zc / $tp))")** | rounds: zero-copy [$zc_l ], testpmd [$tp_l ] |
| 2b | the same, \`vhost loop --copy\` vs testpmd io | $(printf %.3f "$copy") | $(printf %.3f "$tp") | $(python3 -c "print('%.2f' % ($copy / $tp))") | rounds: copy [$copy_l ] |"
    NOTES="$NOTES
2. Equal: $INFLIGHT frames injected per port (\`--tx-first $INFLIGHT\`; testpmd \`--tx-first\` with \`--burst=$BURST\`), burst $BURST, $RING-entry $LAYOUT rings (\`queue_size=$RING,packed_vq=$PACKED\`, \`--rxd/--txd=$RING\`), the forwarding thread on core 0 (testpmd \`--lcores 0@0,1@0\`: its main thread waits on core 0 too), one queue pair. Differs: the Virtio features each front-end negotiated with OVS (vhu2): zero-copy loop $zc_feat, copying loop $copy_feat, testpmd $tp_feat (testpmd's virtio-user also takes IN_ORDER and MRG_RXBUF; the zero-copy loop neither)."
fi

# 3. Cycles per frame at RATE: the bench generates on the PMD's core,
# sleeping between bursts, so that the endpoint has core 0 to itself.
cycles_run() { # WHO ROUND: prints "cycles/frame wait_ms bound loss_pct"
    who=$1 round=$2
    if [ "$1" = tp ]; then
        start_testpmd "$OUT/3-testpmd-$2.log" --record-core-cycles
        pid=$TESTPMD thread=rte-worker-1
    else
        $NFVHOST vhost loop $LOOP_ARGS --cycles \
            $([ "$1" = copy ] && echo --copy) \
            >"$OUT/3-loop-$1-$2.json" 2>"$OUT/3-loop-$1-$2.err" &
        pid=$! thread=""
        BG="$BG $pid"
    fi
    sleep 3
    s1=$(sched "$pid" "$thread")
    $BENCH --tx "$S/vhu0.sock" --rx "$S/vhu1.sock" --rate "$RATE" \
        --sleep-idle --duration "$DUR" --cores 1 --force \
        >"$OUT/3-bench-$1-$2.json" 2>"$OUT/3-bench-$1-$2.err"
    s2=$(sched "$pid" "$thread")
    kill -INT "$pid"
    wait "$pid"
    if [ "$who" = tp ]; then
        set -- $(sed -n 's/.*CPU cycles\/packet=\([0-9.]*\) (total cycles=[0-9]* \/ total io packets=\([0-9]*\)) at \([0-9]*\) MHz.*/\1 \2 \3/p' \
                 "$OUT/3-testpmd-$round.log" | tail -1)
    else
        set -- $(jget "$OUT/3-loop-$who-$round.json" '"%f %d %f" % (d["cycles_per_frame"], d["forwarded"]["a_to_b"] + d["forwarded"]["b_to_a"] + d["dropped"]["a_to_b"] + d["dropped"]["b_to_a"], d["tsc_mhz"])')
    fi
    # $1 cycles/frame, $2 frames, $3 TSC MHz.  The thread's wait for its
    # CPU, counted into busy bursts it interrupted, can have added at most
    # wait x TSC rate / frames cycles to each frame.
    echo "$s1 $s2 ${1:-0} ${2:-0} ${3:-0} $(jget "$OUT/3-bench-$who-$round.json" 'd["loss_pct"]')" \
        | awk '{ w = ($4 - $2) / 1e6; b = $6 ? w * 1e3 * $7 / $6 : 0;
                 printf "%.1f %.1f %.1f %s\n", $5, w, b, $8 }'
}
if want 3; then
    wires "in_port=1,actions=output:3" "in_port=4,actions=output:2"
    c_zc="" c_copy="" c_tp="" w_zc="" w_copy="" w_tp="" l_all=""
    for r in $(seq "$REPEAT"); do
        if [ $((r % 2)) = 1 ]; then order="zc tp copy"; else order="copy tp zc"; fi
        for who in $order; do
            log "3. cycles per frame at $RATE pps, round $r: $who"
            set -- $(cycles_run "$who" "$r")
            eval "c_$who=\"\$c_$who $1\"; w_$who=\"\$w_$who $2/$3\""
            l_all="$l_all $4"
        done
    done
    czc=$(echo "$c_zc" | median)
    ccopy=$(echo "$c_copy" | median)
    ctp=$(echo "$c_tp" | median)
    ROWS="$ROWS
| 3 | endpoint's TSC cycles per frame at $RATE pps offered: \`vhost loop\` zero-copy vs testpmd io | $(printf %.0f "$czc") | $(printf %.0f "$ctp") | **$(python3 -c "print('%.2f' % ($czc / $ctp))")** | rounds: zero-copy [$c_zc ], testpmd [$c_tp ] |
| 3b | the same, \`vhost loop --copy\` vs testpmd io | $(printf %.0f "$ccopy") | $(printf %.0f "$ctp") | $(python3 -c "print('%.2f' % ($ccopy / $ctp))") | rounds: copy [$c_copy ] |"
    NOTES="$NOTES
3. Equal: the same offered load ($RATE pps of 64-byte frames from \`vhost bench --sleep-idle\` on core 1, beside the PMD), burst $BURST, $RING-entry $LAYOUT rings, the forwarding thread on core 0. Busy cycles: the TSC cycles of the bursts that moved frames, divided by the frames received (testpmd: its \`--record-core-cycles\` busy cycles over RX packets). Per round, the time the forwarding thread waited for its CPU during the bench (ms, from schedstat) / the most that waiting can have added to each frame (cycles: a preempted busy burst counts its wait, on both sides): zero-copy [$w_zc ], copying [$w_copy ], testpmd [$w_tp ]. Loss of the bench per round (%): [$l_all ]."
fi

# 4. Generators into testpmd's net_vhost rxonly (OVS stopped: core 1 is
# the back-end's).  Each generator's own count of the frames its ring
# accepted in a DUR-second window.
if want 4; then
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
        # is still being touched): give both generators a settled one.
        sleep 2
    }
    gen_n_l="" gen_t_l=""
    for r in $(seq "$REPEAT"); do
        log "4. generator, round $r: nfvhost vhost bench --tx-only"
        backend "$OUT/4-backend-nfvhost-$r.log"
        $NFVHOST vhost bench --tx "$OVS_RUNDIR/nv.sock" --tx-only \
            --ring-size $RING --ring-layout "$LAYOUT" --duration "$DUR" \
            --cores 0 --json >"$OUT/4-nfvhost-$r.json" \
            2>"$OUT/4-nfvhost-$r.err"
        kill -INT "$BACKEND"; wait "$BACKEND"
        gen_n_l="$gen_n_l $(jget "$OUT/4-nfvhost-$r.json" 'd["tx_mpps"]')"

        log "4. generator, round $r: dpdk-testpmd net_virtio_user txonly"
        backend "$OUT/4-backend-testpmd-$r.log"
        rm -f "$OUT/gen.in"
        mkfifo "$OUT/gen.in"
        exec 4<>"$OUT/gen.in"
        dpdk-testpmd --no-pci --single-file-segments --huge-dir "$OVS_HUGEDIR" \
            -m 64 --file-prefix "nfvgen$$" --lcores 0@0,1@0 \
            --vdev "net_virtio_user0,path=$OVS_RUNDIR/nv.sock,queues=1,queue_size=$RING,packed_vq=$PACKED" -- -i \
            --forward-mode=txonly --txpkts=60 --burst=$BURST --txd=$RING \
            --rxd=$RING --total-num-mbufs=8192 \
            <"$OUT/gen.in" >"$OUT/4-testpmd-$r.log" 2>&1 &
        GEN=$!
        BG="$BG $GEN"
        ovs_wait_for 20 grep -q "Port 0: " "$OUT/4-testpmd-$r.log"
        sleep 1
        echo "start" >&4
        sleep "$DUR"
        echo "stop" >&4
        ovs_wait_for 10 grep -q "Accumulated forward statistics" \
            "$OUT/4-testpmd-$r.log"
        echo "quit" >&4
        wait "$GEN"
        exec 4>&-
        kill -INT "$BACKEND"; wait "$BACKEND"
        tx=$(awk '/Forward statistics for port 0/ { f = 1 }
                  f && $1 == "TX-packets:" { print $2; exit }' \
                  "$OUT/4-testpmd-$r.log")
        gen_t_l="$gen_t_l $(python3 -c "print(${tx:-0} / $DUR / 1e6)")"
    done
    gen_n=$(echo "$gen_n_l" | median)
    gen_t=$(echo "$gen_t_l" | median)
    ROWS="$ROWS
| 4 | generator into net_vhost rxonly, Mpps per core: bench --tx-only vs testpmd txonly | $(printf %.3f "$gen_n") | $(printf %.3f "$gen_t") | $(python3 -c "print('%.2f' % ($gen_n / $gen_t))") | rounds: bench [$gen_n_l ], testpmd [$gen_t_l ] |"
    NOTES="$NOTES
4. Equal: $RING-entry $LAYOUT rings, burst $BURST, the generator on core 0 and the sink (testpmd net_vhost rxonly) on core 1. Differs: the bench stamps a sequence number and a timestamp into every frame; testpmd's txonly sends prebuilt mbufs; testpmd's main thread waits on core 0 (interactive prompt, between 'start' and 'stop')."
fi

others=$(foreign)
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "| # | measurement (median of $REPEAT alternated rounds of $DUR s) | nfvhost | reference | ratio | per round |"
    echo "|---|---|---|---|---|---|"
    echo "$ROWS" | grep .
    echo
    echo "$NOTES" | grep . | sed 's/^/- /'
    echo
    echo "Run: $START to $(date -u +%H:%MZ), $LAYOUT rings; load average $LOAD0 at the start, $load at the end; busy processes not this script's: at the start ${OTHERS0:-none}; at the end ${others:-none}."
} | tee "$OUT/results.md"
