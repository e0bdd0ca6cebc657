#!/bin/sh
# vhost-ovs.sh: the vhost-user front-end against OVS-DPDK (the shared test
# harness: one PMD on core 1, ovs-vswitchd's other threads and our
# endpoints on core 0).  Four dpdkvhostuserclient ports; nfvhost listens
# on their sockets (server mode), OVS connects.  In both ring layouts
# (split, packed): counted frames both ways with no loss at a low rate,
# and a PVP path through 'vhost loop' (zero-copy) with no reordering and
# every frame accounted for hop by hop against OVS's interface counters
# and the loop's, before and after
# ovs-vswitchd is killed and restarted under the running loop.  Then the
# refusal to poll on the PMD's core, and ovs-vswitchd killed and restarted
# in the middle of a bench trial.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v python3' 'python3'
ovs_harness_begin
BG_PIDS=""
ovs_harness_on_stop 'for p in $BG_PIDS; do kill $p 2>/dev/null; wait $p 2>/dev/null; done'

portstat() { # OFPORT rx|tx [pkts|drop]: one of OVS's live counters (a
             # vhost port has counters only while its front-end is connected)
    ovs-ofctl dump-ports br0 "$1" | tr -d ',' | awk -v dir="$2" -v f="${3:-pkts}=" '
        $1 == "port" { $1 = ""; $2 = "" }
        { for (i = 1; i <= NF; i++) if ($i == dir) want = 1; else if (want && index($i, f) == 1) { sub(f, "", $i); print $i; exit } }'
}

ovs_vsctl add-br br0 -- set Bridge br0 datapath_type=netdev
for i in 0 1 2 3; do
    ovs_vsctl add-port br0 vhu$i -- set Interface vhu$i \
        type=dpdkvhostuserclient \
        "options:vhost-server-path=$OVS_SOCKDIR/vhu$i.sock" \
        -- set Interface vhu$i ofport_request=$((i + 1))
done
# 1 <-> 2 and 3 <-> 4: two wires through the switch.
ovs-ofctl del-flows br0
ovs-ofctl add-flow br0 "in_port=1,actions=output:2"
ovs-ofctl add-flow br0 "in_port=2,actions=output:1"
ovs-ofctl add-flow br0 "in_port=3,actions=output:4"
ovs-ofctl add-flow br0 "in_port=4,actions=output:3"
tap_is "$(ovs-ofctl dump-flows br0 | grep -c actions=output)" 4 \
    "bridge br0 with four dpdkvhostuserclient ports and two wires"

# --force: the PMD-core guard looks at every ovs-vswitchd on the machine,
# and other people's tests here may run a PMD on core 0 for a while; this
# test checks the guard on its own harness's PMD (core 1) further down.
BENCH="$NFVHOST vhost bench --server --cores 0 --force --connect-timeout 20 --json"
S=$OVS_SOCKDIR

# A frame that did not come back is one the switch dropped because the
# bench's rx ring had no free buffer (the bench was descheduled longer than
# the ring covers, on a loaded machine): the bench counts those polls
# (rx_ring_dry).  Any other loss is the front-end's and fails.
came_back() { # BENCH.json: every frame sent came back, or the rx ring
              # ran dry; none reordered
    jget "$1" '(d["received"] == d["sent"] or (d["received"] < d["sent"] and d["rx_ring_dry"] > 0)) and d["reordered"] == 0 and d["offered"] == d["sent"] + d["tx_ring_full"]'
}
counts() { # BENCH.json: the counts the checks above look at
    jget "$1" '"%d received of %d sent, %d offered, %d tx ring full, %d rx ring dry, %d reordered" % (d["received"], d["sent"], d["offered"], d["tx_ring_full"], d["rx_ring_dry"], d["reordered"])'
}
for L in split packed; do
    $BENCH --tx "$S/vhu0.sock" --rx "$S/vhu1.sock" --rate 5k --duration 2 \
        --ring-layout "$L" >"$SCRATCH/ab.json" 2>"$SCRATCH/ab.err"
    tap_ok $? "$L: bench vhu0 -> OVS -> vhu1 runs (OVS connected to our sockets)"
    sed 's/^/#   /' "$SCRATCH/ab.err"
    sent=$(jget "$SCRATCH/ab.json" 'd["sent"]')
    tap_ok "$([ "${sent:-0}" -ge 9000 ]; echo $?)" "$L: about 10000 frames sent ($sent)"
    tap_is "$(came_back "$SCRATCH/ab.json")" true \
        "$L: every frame came back in order at 5 kpps, or the rx ring ran dry ($(counts "$SCRATCH/ab.json"))"
    tap_is "$(jget "$SCRATCH/ab.json" 'd["ring_layout"]')" "$L" "$L: on $L rings"
    $BENCH --tx "$S/vhu1.sock" --rx "$S/vhu0.sock" --rate 5k --duration 2 \
        --size 1518 --ring-layout "$L" >"$SCRATCH/ba.json" 2>"$SCRATCH/ba.err"
    tap_ok $? "$L: bench vhu1 -> OVS -> vhu0 with 1518-byte frames runs"
    tap_is "$(jget "$SCRATCH/ba.json" 'd["sent"] > 9000')" true \
        "$L: about 10000 1518-byte frames sent"
    tap_is "$(came_back "$SCRATCH/ba.json")" true \
        "$L: every 1518-byte frame came back, or the rx ring ran dry ($(counts "$SCRATCH/ba.json"))"
done

# PVP: bench on vhu0/vhu1 is the traffic generator, 'vhost loop' on
# vhu2/vhu3 the VM; the wires become vhu0 -> vhu2 -> loop -> vhu3 -> vhu1.
# The loop runs on across an ovs-vswitchd restart.  At 1 kpps: the bench,
# the loop and ovs-vswitchd's own threads share core 0, other people's
# PMDs may share core 1.  A thread descheduled for longer than the rings
# cover (a loaded machine) makes the next hop drop, as it would with a
# real guest: that is scheduling, not the front-end.  So every hop is
# checked by its counts: each frame the bench offered either came back,
# in order, or is counted where it was dropped (the bench's full tx ring,
# OVS's tx drops towards the loop, the loop's own drops).  A frame the
# front-end loses without counting it fails the test.
pvp_wires() {
    ovs_wait_for 20 ovs-ofctl del-flows br0 \
        && ovs-ofctl add-flow br0 "in_port=1,actions=output:3" \
        && ovs-ofctl add-flow br0 "in_port=4,actions=output:2"
}
pvp_wires
for L in split packed; do
    $NFVHOST vhost loop --server --socket "$S/vhu2.sock" \
        --socket "$S/vhu3.sock" --ring-layout "$L" --cores 0 --force \
        --connect-timeout 20 --json >"$SCRATCH/loop.json" \
        2>"$SCRATCH/loop.err" &
    LOOP_PID=$!
    BG_PIDS="$BG_PIDS $LOOP_PID"
    to_loop=0 from_loop=0
    for run in 1 2; do
        R=$SCRATCH/pvp$run.json
        $BENCH --tx "$S/vhu0.sock" --rx "$S/vhu1.sock" --rate 1k \
            --duration 3 --ring-layout "$L" >"$R" 2>"$SCRATCH/pvp$run.err"
        tap_ok $? "$L: bench through OVS -> vhost loop -> OVS runs ($run)"
        tap_is "$(jget "$R" 'd["offered"] == d["sent"] + d["tx_ring_full"] and d["received"] > 0 and d["reordered"] == 0')" \
            true "$L: frames came back in order; every frame offered was sent or counted as a full ring ($(counts "$R"))"
        # The warm-up's frames (8 every 100 ms until one comes back) may
        # meet a port that is not up yet and vanish uncounted: they are
        # what the warm-up is for, so they are a margin, not a count.
        sent=$(jget "$R" 'd["sent"]') warm=$(jget "$R" 'd["warmup_frames"]')
        got=$(jget "$R" 'd["received"]') dry=$(jget "$R" 'd["rx_ring_dry"]')
        tx3=$(portstat 3 tx) drop3=$(portstat 3 tx drop) rx4=$(portstat 4 rx)
        tap_ok "$([ "$sent" -le "$((tx3 + drop3))" ] && [ "$((tx3 + drop3))" -le "$((sent + warm))" ]; echo $?)" \
            "$L: OVS sent the loop every frame the bench sent, or counted it dropped (vhu2 tx $tx3 + dropped $drop3; bench sent $sent + warm-up $warm)"
        tap_ok "$([ "$got" -le "$rx4" ] && { [ "$got" -ge "$((rx4 - warm))" ] || [ "$dry" -gt 0 ]; }; echo $?)" \
            "$L: the bench received every frame the loop sent, or its rx ring ran dry (received $got + warm-up $warm, vhu3 rx $rx4, rx ring dry $dry)"
        if [ "$(jget "$R" 'd["received"] == d["offered"]')" != true ]; then
            tap_diag "$L run $run: frames dropped on the way: bench's full tx ring $(jget "$R" 'd["tx_ring_full"]'), OVS towards the loop $drop3, OVS towards the bench $((rx4 - got)) (at most, with the warm-up's); bench descheduled $(jget "$R" '"%d times, %.1f ms" % (d["generator_stalls"], d["generator_stall_ms"])'); load $(cut -d' ' -f1-3 /proc/loadavg)"
        fi
        to_loop=$((to_loop + tx3)) from_loop=$((from_loop + rx4))
        if [ "$run" = 1 ]; then
            ovs_harness_kill_vswitchd KILL
            ovs_harness_start_vswitchd
            tap_ok $? "$L: ovs-vswitchd restarted under the loop"
            pvp_wires
        fi
    done
    kill -INT "$LOOP_PID"
    wait "$LOOP_PID"
    tap_ok $? "$L: vhost loop ends cleanly on SIGINT"
    tap_is "$(jget "$SCRATCH/loop.json" '[d["zero_copy"], d["ring_layout"]["a"], d["ring_layout"]["b"], d["reconnects"]]')" \
        "[true, \"$L\", \"$L\", 2]" "$L: zero-copy on $L rings, both ports reconnected to the new ovs-vswitchd"
    tap_is "$(jget "$SCRATCH/loop.json" '[d["forwarded"]["a_to_b"] + d["dropped"]["a_to_b"], d["forwarded"]["a_to_b"]]')" \
        "[$to_loop, $from_loop]" \
        "$L: the loop forwarded every frame OVS gave it (vhu2 tx) to OVS (vhu3 rx), or counted it dropped ($(jget "$SCRATCH/loop.json" 'd["dropped"]["a_to_b"]'))"
done

# The PMD polls core 1: refuse to poll there too, unless forced.
"$NFVHOST" vhost bench --server --tx "$S/vhu0.sock" --rx "$S/vhu1.sock" \
    --cores 1 2>"$SCRATCH/pmd.err"
tap_is $? 2 "--cores 1 (the PMD's core) refused"
grep -q "CPU 1 is polled by OVS PMD thread pmd-c01" "$SCRATCH/pmd.err"
tap_ok $? "saying which PMD thread: $(cat "$SCRATCH/pmd.err")"

# ovs-vswitchd killed and restarted in the middle of traffic.
ovs-ofctl del-flows br0
ovs-ofctl add-flow br0 "in_port=1,actions=output:2"
$BENCH --tx "$S/vhu0.sock" --rx "$S/vhu1.sock" --rate 10k --duration 25 \
    >"$SCRATCH/re.json" 2>"$SCRATCH/re.err" &
BENCH_PID=$!
BG_PIDS="$BG_PIDS $BENCH_PID"
sleep 4
ovs_harness_kill_vswitchd KILL
sleep 1
ovs_harness_start_vswitchd
tap_ok $? "ovs-vswitchd restarted"
# OpenFlow rules live in ovs-vswitchd, not in the database: set them again
# as soon as the bridge is back.
ovs_wait_for 20 ovs-ofctl add-flow br0 "in_port=1,actions=output:2"
tap_ok $? "wire set again on the new ovs-vswitchd"
wait "$BENCH_PID"
tap_ok $? "bench rode out the restart"
sed 's/^/#   /' "$SCRATCH/re.err"
tap_is "$(jget "$SCRATCH/re.json" 'd["reconnects"]')" 2 \
    "both devices reconnected to the new ovs-vswitchd"
tap_is "$(jget "$SCRATCH/re.json" 'd["received"] > 50000')" true \
    "frames flowed through the new ovs-vswitchd"

tap_done
