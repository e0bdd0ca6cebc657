#!/bin/sh
# vhost-testpmd.sh: the vhost-user front-end against DPDK's own back-end,
# dpdk-testpmd with two net_vhost ports (--no-pci, --no-huge: it needs no
# hugepages, since net_vhost copies out of our memory).  Counted frames
# both ways with no loss at a low rate, checked against testpmd's own
# counters; 1518-byte frames; a clean disconnect; a back-end restart in
# the middle of traffic; 'vhost loop' ping-ponging with testpmd; input
# and connection errors.  Rates are low and runs short: the machine has
# two cores and other tests run beside this one.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

require 'command -v dpdk-testpmd' 'dpdk-testpmd (package dpdk)'
require '[ "$(id -u)" = 0 ]' 'root (testpmd locks its memory)'
require 'command -v python3' 'python3 (reads the JSON results)'
require 'command -v valgrind' 'valgrind'
scratch

TP_PID=
TP_VDEV=""
cleanup() {
    if [ -n "$TP_PID" ]; then
        kill -INT "$TP_PID" 2>/dev/null
        sleep 1
        kill -KILL "$TP_PID" 2>/dev/null
    fi
    exec 3>&- 2>/dev/null
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

S0=$SCRATCH/s0
S1=$SCRATCH/s1
mkfifo "$SCRATCH/stdin"
# Held open so testpmd's "Press enter to exit" blocks until we stop it.
exec 3<>"$SCRATCH/stdin"

# start_testpmd LOG [testpmd application options]
start_testpmd() {
    log=$1
    shift
    rm -f "$S0" "$S1"
    dpdk-testpmd --no-pci --no-huge -m 256 --file-prefix "nfvhost-vt$$" \
        -l 0,1 --vdev "net_vhost0,iface=$S0$TP_VDEV" \
        --vdev "net_vhost1,iface=$S1$TP_VDEV" \
        -- --total-num-mbufs=16384 --mlockall "$@" \
        <"$SCRATCH/stdin" >"$log" 2>&1 &
    TP_PID=$!
    for _ in $(seq 100); do
        [ -S "$S0" ] && [ -S "$S1" ] && return 0
        sleep 0.1
    done
    tap_diag "testpmd did not create its sockets:"
    sed 's/^/#   /' "$log"
    return 1
}

stop_testpmd() {
    kill -INT "$TP_PID" 2>/dev/null
    wait "$TP_PID" 2>/dev/null
    TP_PID=
}

# port_stat LOG PORT RX|TX: testpmd's forward statistics for PORT.
port_stat() {
    awk -v port="$2" -v dir="$3-packets:" '
        /Forward statistics for port/ { cur = $(NF - 1) }
        cur == port && $1 == dir { print $2; exit }' "$1"
}

BENCH="$NFVHOST vhost bench --cores 0 --connect-timeout 10 --json"

start_testpmd "$SCRATCH/tp1.log" --forward-mode=io
tap_ok $? "testpmd with two net_vhost ports is up"

$BENCH --tx "$S0" --rx "$S1" --rate 5k --duration 2 >"$SCRATCH/ab.json" \
    2>"$SCRATCH/ab.err"
tap_ok $? "bench s0 -> testpmd -> s1 runs"
sent_ab=$(jget "$SCRATCH/ab.json" 'd["sent"]')
warm_ab=$(jget "$SCRATCH/ab.json" 'd["warmup_frames"]')
tap_ok "$([ "${sent_ab:-0}" -ge 9000 ]; echo $?)" \
    "about 10000 frames sent ($sent_ab)"
tap_is "$(jget "$SCRATCH/ab.json" 'd["received"]')" "$sent_ab" \
    "every frame came back"
tap_is "$(jget "$SCRATCH/ab.json" 'd["loss_pct"] == 0 and d["reordered"] == 0 and d["tx_ring_full"] == 0')" \
    true "no loss, no reordering, no ring overflow at 5 kpps"
tap_is "$(jget "$SCRATCH/ab.json" 'd["latency_us"]["samples"] == d["received"] and d["latency_us"]["min"] <= d["latency_us"]["p50"] <= d["latency_us"]["p99"] <= d["latency_us"]["max"]')" \
    true "latency sampled for every frame, percentiles ordered"

$BENCH --tx "$S1" --rx "$S0" --rate 5k --duration 2 --size 1518 \
    >"$SCRATCH/ba.json" 2>"$SCRATCH/ba.err"
tap_ok $? "bench s1 -> testpmd -> s0 with 1518-byte frames runs"
sent_ba=$(jget "$SCRATCH/ba.json" 'd["sent"]')
warm_ba=$(jget "$SCRATCH/ba.json" 'd["warmup_frames"]')
tap_is "$(jget "$SCRATCH/ba.json" 'd["received"]')" "$sent_ba" \
    "every 1518-byte frame came back"

sleep 0.5
kill -0 "$TP_PID" 2>/dev/null
tap_ok $? "testpmd survived both connections and disconnections"
stop_testpmd
tap_is "$(port_stat "$SCRATCH/tp1.log" 0 RX)" "$((sent_ab + warm_ab))" \
    "testpmd port 0 received exactly what bench sent on s0"
tap_is "$(port_stat "$SCRATCH/tp1.log" 1 RX)" "$((sent_ba + warm_ba))" \
    "testpmd port 1 received exactly what bench sent on s1"
# (The first warm-up frames may meet port 1 before its link is up.)
tx1=$(port_stat "$SCRATCH/tp1.log" 1 TX)
tap_ok "$([ "${tx1:-0}" -ge "$sent_ab" ] && [ "$tx1" -le "$((sent_ab + warm_ab))" ]; echo $?)" \
    "testpmd forwarded all measured frames (port 1 tx $tx1)"
n_closed=$(grep -c "vhost peer closed" "$SCRATCH/tp1.log")
tap_is "$n_closed" 4 "both runs closed both sockets cleanly (4 x 'vhost peer closed')"
if grep -qi "error" "$SCRATCH/tp1.log"; then
    grep -i error "$SCRATCH/tp1.log" | sed 's/^/#   /'
    tap_ok 1 "testpmd logged no error"
else
    tap_ok 0 "testpmd logged no error"
fi

# Back-end restart in the middle of traffic: the bench must notice,
# reconnect both devices and carry on.
start_testpmd "$SCRATCH/tp2.log" --forward-mode=io
$BENCH --tx "$S0" --rx "$S1" --rate 20k --duration 7 >"$SCRATCH/re.json" \
    2>"$SCRATCH/re.err" &
BENCH_PID=$!
sleep 2
stop_testpmd
start_testpmd "$SCRATCH/tp3.log" --forward-mode=io
wait "$BENCH_PID"
tap_ok $? "bench rode out a testpmd restart"
tap_is "$(jget "$SCRATCH/re.json" 'd["reconnects"]')" 2 \
    "both devices reconnected"
tap_is "$(jget "$SCRATCH/re.json" '0 < d["received"] < d["offered"]')" true \
    "frames flowed, some were lost while testpmd was away"
sleep 0.5
stop_testpmd
tap_ok "$([ "$(port_stat "$SCRATCH/tp3.log" 0 RX)" -gt 1000 ]; echo $?)" \
    "the new testpmd got traffic after the reconnect"

# The same cycle under valgrind: connect, traffic, back-end restart,
# reconnect, close; no memory errors and no leaks.
start_testpmd "$SCRATCH/tp5.log" --forward-mode=io
valgrind --leak-check=full --error-exitcode=9 \
    --errors-for-leak-kinds=definite,indirect \
    $BENCH --tx "$S0" --rx "$S1" --rate 2k --duration 14 \
    >"$SCRATCH/vg.json" 2>"$SCRATCH/vg.err" &
VG_PID=$!
sleep 6
stop_testpmd
start_testpmd "$SCRATCH/tp6.log" --forward-mode=io
wait "$VG_PID"
rc=$?
grep -E "ERROR SUMMARY|in use at exit|nfvhost" "$SCRATCH/vg.err" | sed 's/^/#   /'
tap_is $rc 0 "valgrind: no memory errors, no leaks over connect/traffic/reconnect/close"
tap_is "$(jget "$SCRATCH/vg.json" 'd["reconnects"]')" 2 "and the reconnects happened"
stop_testpmd

# vhost loop as the guest of a PVP: testpmd sends a first burst on both
# ports and forwards whatever comes back; the loop sends it back.
start_testpmd "$SCRATCH/tp4.log" --forward-mode=io --tx-first
$NFVHOST vhost loop --socket "$S0" --socket "$S1" --duration 2 --cores 0 \
    --json >"$SCRATCH/loop.json" 2>"$SCRATCH/loop.err"
tap_ok $? "vhost loop runs against testpmd"
fwd_ab=$(jget "$SCRATCH/loop.json" 'd["forwarded"]["a_to_b"]')
fwd_ba=$(jget "$SCRATCH/loop.json" 'd["forwarded"]["b_to_a"]')
tap_ok "$([ "${fwd_ab:-0}" -gt 10000 ] && [ "${fwd_ba:-0}" -gt 10000 ]; echo $?)" \
    "frames ping-pong both ways ($fwd_ab, $fwd_ba)"
sleep 0.5
stop_testpmd
rx1=$(port_stat "$SCRATCH/tp4.log" 1 RX)
tap_ok "$(python3 -c "import sys; sys.exit(not abs($rx1 - $fwd_ab) <= 1024)"; echo $?)" \
    "testpmd port 1 received what the loop forwarded ($rx1 vs $fwd_ab)"

# Two queue pairs: testpmd forwards queue i of port 0 to queue i of port 1.
TP_VDEV=",queues=2"
start_testpmd "$SCRATCH/tp7.log" --forward-mode=io --rxq=2 --txq=2
$BENCH --tx "$S0" --rx "$S1" --rate 5k --duration 2 --queues 2 \
    >"$SCRATCH/mq.json" 2>"$SCRATCH/mq.err"
tap_ok $? "bench with two queue pairs runs"
tap_is "$(jget "$SCRATCH/mq.json" 'd["received"] == d["sent"] > 9000 and d["reordered"] == 0')" \
    true "every frame came back over two queue pairs, none reordered"
sleep 0.5
stop_testpmd
TP_VDEV=""
q1=$(awk '/Forward Stats for RX Port= 0\/Queue= 1/ { f = 1; next }
          f && $1 == "RX-packets:" { print $2; exit }' "$SCRATCH/tp7.log")
tap_ok "$([ "${q1:-0}" -ge 4000 ]; echo $?)" \
    "testpmd saw half of them on queue 1 ($q1)"

# Errors: input (exit 2) and a missing back-end (exit 1).
$NFVHOST vhost bench --tx "$S0" --rx "$S1" --rate fast 2>"$SCRATCH/e1"
tap_is $? 2 "--rate fast is an input error"
grep -q "rate 'fast'" "$SCRATCH/e1"
tap_ok $? "and says which flag"
$NFVHOST vhost bench --tx "$S0" 2>/dev/null
tap_is $? 2 "--rx missing is an input error"
$NFVHOST vhost bench --tx "$S0" --rx "$S1" --size 63 2>/dev/null
tap_is $? 2 "a 63-byte frame is refused"
$NFVHOST vhost loop --socket "$S0" --socket "$S0" 2>/dev/null
tap_is $? 2 "loop needs two different sockets"
$NFVHOST vhost bench --tx "$S0" --rx "$S1" --cores 0-x 2>"$SCRATCH/e3"
tap_is $? 2 "--cores 0-x is an input error"
# The plan's PMD pool is refused too (the home lab plans PMDs on 3 and 9).
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --output "$SCRATCH/homelab" >/dev/null
$NFVHOST vhost bench --tx "$S0" --rx "$S1" --plan "$SCRATCH/homelab/plan.json" \
    --cores 3 2>"$SCRATCH/e4"
tap_is $? 2 "a core of the plan's PMD pool is refused"
grep -q "CPU 3 is in the plan's PMD pool" "$SCRATCH/e4"
tap_ok $? "saying so: $(cat "$SCRATCH/e4")"
# --plan pins to the first CPU of the plan's guest pool.  The planner
# always gives a node's lowest cores to housekeeping and PMDs, so no plan
# has this 2-CPU machine's CPUs 0-1 in its guest pool; the home lab's
# starts at CPU 2, which the kernel refuses here: that shows the pool was
# chosen and the pinning really asked for.
$NFVHOST vhost bench --tx "$SCRATCH/none" --rx "$SCRATCH/none" \
    --plan "$SCRATCH/homelab/plan.json" --connect-timeout 0.2 2>"$SCRATCH/e5"
tap_is $? 1 "--plan: pinning to a CPU this machine lacks is a system error"
grep -q "cannot pin to CPU 2:" "$SCRATCH/e5"
tap_ok $? "the first CPU of the plan's guest pool (2,4-5,...): $(cat "$SCRATCH/e5")"
# --cores pins before connecting: the kernel's view while it waits.
$NFVHOST vhost bench --tx "$SCRATCH/none" --rx "$SCRATCH/none" --cores 0 \
    --connect-timeout 3 2>/dev/null &
PIN_PID=$!
pinned=
for _ in $(seq 20); do
    sleep 0.1
    pinned=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' \
        "/proc/$PIN_PID/status" 2>/dev/null)
    [ "$pinned" = 0 ] && break
done
wait "$PIN_PID"
tap_is "$pinned" 0 "--cores 0: the kernel runs the bench on CPU 0 only"
$NFVHOST vhost bench --tx "$SCRATCH/none" --rx "$SCRATCH/none" \
    --connect-timeout 0.2 2>"$SCRATCH/e2"
tap_is $? 1 "no back-end: system error"
grep -q "$SCRATCH/none: cannot connect" "$SCRATCH/e2"
tap_ok $? "naming the socket"

tap_done
