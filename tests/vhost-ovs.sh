#!/bin/sh
# vhost-ovs.sh: the vhost-user front-end against OVS-DPDK (the shared test
# harness: one PMD on core 1, ovs-vswitchd's other threads and our
# endpoints on core 0).  Four dpdkvhostuserclient ports; nfvhost listens
# on their sockets (server mode), OVS connects.  In both ring layouts
# (split, packed): counted frames both ways with no loss at a low rate,
# and a PVP path through 'vhost loop' (zero-copy) with no loss and no
# reordering, checked against OVS's interface counters, before and after
# ovs-vswitchd is killed and restarted under the running loop.  Then the
# refusal to poll on the PMD's core, and ovs-vswitchd killed and restarted
# in the middle of a bench trial.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v python3' 'python3'
ovs_harness_begin
BG_PIDS=""
ovs_harness_on_stop 'for p in $BG_PIDS; do kill $p 2>/dev/null; wait $p 2>/dev/null; done'

portstat() { # OFPORT rx|tx: OVS's live packet counter (a vhost port
             # has counters only while its front-end is connected)
    ovs-ofctl dump-ports br0 "$1" | tr -d ',' | awk -v dir="$2" '
        $1 == "port" { $1 = ""; $2 = "" }
        { for (i = 1; i <= NF; i++) if ($i == dir) want = 1; else if (want && $i ~ /^pkts=/) { sub(/^pkts=/, "", $i); print $i; exit } }'
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

for L in split packed; do
    $BENCH --tx "$S/vhu0.sock" --rx "$S/vhu1.sock" --rate 5k --duration 2 \
        --ring-layout "$L" >"$SCRATCH/ab.json" 2>"$SCRATCH/ab.err"
    tap_ok $? "$L: bench vhu0 -> OVS -> vhu1 runs (OVS connected to our sockets)"
    sed 's/^/#   /' "$SCRATCH/ab.err"
    sent=$(jget "$SCRATCH/ab.json" 'd["sent"]')
    tap_ok "$([ "${sent:-0}" -ge 9000 ]; echo $?)" "$L: about 10000 frames sent ($sent)"
    tap_is "$(jget "$SCRATCH/ab.json" 'd["received"]')" "$sent" "$L: every frame came back"
    tap_is "$(jget "$SCRATCH/ab.json" 'd["loss_pct"] == 0 and d["reordered"] == 0 and d["ring_layout"]')" \
        "$L" "$L: no loss, no reordering at 5 kpps, on $L rings"

    $BENCH --tx "$S/vhu1.sock" --rx "$S/vhu0.sock" --rate 5k --duration 2 \
        --size 1518 --ring-layout "$L" >"$SCRATCH/ba.json" 2>"$SCRATCH/ba.err"
    tap_ok $? "$L: bench vhu1 -> OVS -> vhu0 with 1518-byte frames runs"
    tap_is "$(jget "$SCRATCH/ba.json" 'd["received"] == d["sent"] > 9000')" true \
        "$L: every 1518-byte frame came back"
done

# PVP: bench on vhu0/vhu1 is the traffic generator, 'vhost loop' on
# vhu2/vhu3 the VM; the wires become vhu0 -> vhu2 -> loop -> vhu3 -> vhu1.
# The loop runs on across an ovs-vswitchd restart.  At 1 kpps: the bench,
# the loop and ovs-vswitchd's own threads share core 0, other people's
# PMDs may share core 1, and a thread descheduled for longer than the
# rings cover loses frames that say nothing about the front-end.
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
    for run in 1 2; do
        $BENCH --tx "$S/vhu0.sock" --rx "$S/vhu1.sock" --rate 1k \
            --duration 3 --ring-layout "$L" >"$SCRATCH/pvp$run.json" \
            2>"$SCRATCH/pvp$run.err"
        tap_ok $? "$L: bench through OVS -> vhost loop -> OVS runs ($run)"
        all=$(jget "$SCRATCH/pvp$run.json" 'd["received"] == d["sent"] > 2700 and d["reordered"] == 0 and d["loss_pct"] == 0')
        tap_is "$all" true "$L: every frame came back through the loop, in order ($(jget "$SCRATCH/pvp$run.json" '"%d of %d offered, %d sent, %d reordered" % (d["received"], d["offered"], d["sent"], d["reordered"])'))"
        if [ "$all" != true ]; then
            # Where they went: OVS's own counters of the bench's ports,
            # and how often the bench itself was descheduled.
            tap_diag "vhu1: $(ovs_vsctl get Interface vhu1 statistics)" \
                "vhu0: $(ovs_vsctl get Interface vhu0 statistics)" \
                "bench: $(jget "$SCRATCH/pvp$run.json" '"stalls %d (%.1f ms), ring full %d" % (d["generator_stalls"], d["generator_stall_ms"], d["tx_ring_full"])'); load $(cut -d' ' -f1-3 /proc/loadavg)"
        fi
        pvp=$(jget "$SCRATCH/pvp$run.json" 'd["sent"] + d["warmup_frames"]')
        tap_is "$(portstat 3 tx) $(portstat 4 rx)" "$pvp $pvp" \
            "$L: OVS sent the loop exactly the bench's frames (vhu2 tx) and got them all back (vhu3 rx)"
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
    tap_is "$(jget "$SCRATCH/loop.json" 'd["forwarded"]["a_to_b"] >= '"$(jget "$SCRATCH/pvp1.json" 'd["sent"]') + $(jget "$SCRATCH/pvp2.json" 'd["sent"]')"' and d["dropped"]["a_to_b"] == 0')" \
        true "$L: the loop forwarded every frame of both runs, dropped none"
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
