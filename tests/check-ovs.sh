#!/bin/sh
# check-ovs.sh: 'nfvhost check' against a real OVS-DPDK (the test
# harness: one PMD on CPU 1, the rest on CPU 0).
#
# A plan for a 3-core machine whose PMD is CPU 1 and housekeeping CPU 0
# (a synthetic hwloc topology), so its masks are the harness's; the
# harness's own DPDK start-up keys (dpdk-extra with --no-pci, socket
# memory, socket directory) are written into the plan, then 'nfvhost ovs
# apply --plan' applies it and check finds every ovs finding PASS.  Then:
#   - one setting broken by hand (pmd-cpu-mask, a port's VLAN) is named;
#   - 'vhost bench' sends into a port whose front-end, a 'vhost loop', is
#     stopped with SIGSTOP: the loss layer names the port and "guest not
#     draining", and says the front-end is stopped;
#   - a CPU hog pinned to the PMD's CPU: the ovs layer names its pid as
#     pinned there, the loss layer as taking the PMD's CPU;
#   - --watch prints the drops when they start and says when they clear.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
. "$top_srcdir/tests/check/lib.sh"
require 'command -v python3' 'python3'
require 'command -v lstopo-no-graphics' 'hwloc (lstopo-no-graphics)'
require '[ "$(nproc)" -ge 2 ]' 'two CPUs'
ovs_harness_begin
BG=""
ovs_harness_on_stop 'for p in $BG; do kill -CONT $p 2>/dev/null; kill $p 2>/dev/null; wait $p 2>/dev/null; done'
S=$OVS_SOCKDIR
P=$SCRATCH/plan/plan.json

# The plan: housekeeping CPU 0, PMD CPU 1, guest CPU 2 (not on this host;
# the vm layer is not run here), one VM with four vhost NICs.
check_harness_plan "$SCRATCH/plan" "vhost:100, vhost:100, vhost:100, vhost:100"
tap_ok $? "plan of a 3-core host with its PMD on CPU 1"
tap_is "$(jget "$P" 'd["ovs"]["other_config"]["pmd-cpu-mask"] + " " + d["ovs"]["other_config"]["dpdk-lcore-mask"]')" \
    "0x2 0x1" "the plan's masks are the harness's"

"$NFVHOST" ovs apply --plan "$P" --db "$OVS_DB" >"$SCRATCH/apply.out" 2>&1
tap_ok $? "nfvhost ovs apply --plan"
sed 's/^/#   /' "$SCRATCH/apply.out"
for i in 0 1 2 3; do ovs_harness_wait_port vhu-vm1-$i; done

check() { # check ARGS...: nfvhost check --json into $SCRATCH/c.json
    "$NFVHOST" check --plan "$P" --db "$OVS_DB" --json "$@" \
        >"$SCRATCH/c.json" 2>"$SCRATCH/c.err"
}
# level ID [SUBJECT]: the levels of the findings with that id (and
# subject), space-separated
level() {
    jget "$SCRATCH/c.json" "' '.join(f['level'] for f in d['findings'] if f['id'] == '$1' and ('$2' == '' or f['subject'] == '$2'))"
}
found() { # found ID [SUBJECT]: their "found" texts
    jget "$SCRATCH/c.json" "' | '.join(f['found'] or '' for f in d['findings'] if f['id'] == '$1' and ('$2' == '' or f['subject'] == '$2'))"
}

# fails: the FAILs, except threads of other tests' switches and peers
# pinned onto CPU 1 (make check -j2 runs OVS tests side by side, and their
# PMDs share this CPU too: check rightly names them, as ovs.pmd-cpu-shared)
fails() {
    jget "$SCRATCH/c.json" "' '.join(f['id'] for f in d['findings'] if f['level'] == 'FAIL' and f['id'] != 'ovs.pmd-cpu-shared')"
}
check --only ovs
tap_is "$(fails)" "" "check --only ovs after apply: nothing FAILs"
jget "$SCRATCH/c.json" "[f['found'] for f in d['findings'] if f['level'] == 'FAIL']" | sed 's/^/# other FAILs: /' 
for id in ovs.running ovs.dpdk ovs.datapath ovs.dpdk-init ovs.dpdk-lcore-mask \
          ovs.pmd-cpu-mask ovs.dpdk-socket-mem ovs.dpdk-socket-limit \
          ovs.dpdk-extra ovs.pmd-rxq-assign ovs.bridge ovs.pmd-cpus \
          ovs.pmd-affinity ovs.rxq-numa ovs.rxq-pmd \
          ovs.socket-dir ovs.port-error; do
    tap_is "$(level $id)" PASS "after apply: $id PASS"
done
# DPDK gives its control threads the CPUs of ovs-vswitchd's affinity that
# dpdk-lcore-mask leaves: here CPU 1, the PMD's (the harness does not
# narrow ovs-vswitchd's affinity as systemd.cpu_affinity would).
tap_is "$(level ovs.thread-affinity)" WARN "after apply: ovs.thread-affinity WARNs: $(found ovs.thread-affinity)"
tap_is "$(level ovs.vhost-port)" "PASS PASS PASS PASS" "after apply: the four vhost ports PASS"
tap_is "$(level ovs.vhost-socket)" "WARN WARN WARN WARN" \
    "no front-end yet: each vhost socket a WARN, not a FAIL"

# One setting broken by hand.
# 0x6: CPU 2 does not exist here, so OVS keeps its one PMD on CPU 1 (a
# mask with CPU 0 would put a PMD where every other test's peers run).
ovs_vsctl set Open_vSwitch . other_config:pmd-cpu-mask=0x6
check --only ovs
tap_is "$?" 4 "pmd-cpu-mask changed by hand: exit 4"
tap_is "$(level ovs.pmd-cpu-mask)" FAIL "ovs.pmd-cpu-mask FAILs"
found ovs.pmd-cpu-mask | grep -q 'other_config:pmd-cpu-mask: 0x6 -> 0x2'
tap_ok $? "... saying found 0x6, planned 0x2: $(found ovs.pmd-cpu-mask)"
tap_is "$(jget "$SCRATCH/c.json" '[f["id"] for f in d["findings"] if f["level"] == "FAIL" and f["id"] != "ovs.pmd-cpu-shared"]')" \
    '["ovs.pmd-cpu-mask"]' "... and nothing else in the configuration"
ovs_vsctl set Open_vSwitch . other_config:pmd-cpu-mask=0x2
ovs_vsctl set Port vhu-vm1-1 tag=300
check --only ovs
tap_is "$(level ovs.vhost-port vhu-vm1-1)" FAIL "a port's VLAN changed by hand: ovs.vhost-port FAILs for it"
found ovs.vhost-port vhu-vm1-1 | grep -q 'Port vhu-vm1-1 tag: 300 -> 100'
tap_ok $? "... saying 300, planned 100"
"$NFVHOST" ovs apply --plan "$P" --db "$OVS_DB" >/dev/null 2>&1
check --only ovs
tap_is "$(fails)" "" "apply again: nothing FAILs again"

# Loss: bench -> vhu-vm1-0 -> OVS -> vhu-vm1-2 -> a stopped 'vhost loop'.
ovs-ofctl del-flows br-nfv
ovs-ofctl add-flow br-nfv "in_port=vhu-vm1-0,actions=output:vhu-vm1-2"
ovs-ofctl add-flow br-nfv "in_port=vhu-vm1-3,actions=output:vhu-vm1-1"
"$NFVHOST" vhost loop --server --socket "$S/vhu-vm1-2" --socket "$S/vhu-vm1-3" \
    --cores 0 --connect-timeout 20 >"$SCRATCH/loop.out" 2>&1 &
LOOP=$!
BG="$BG $LOOP"
"$NFVHOST" vhost bench --server --tx "$S/vhu-vm1-0" --tx-only --rate 2k \
    --duration 300 --cores 0 --connect-timeout 20 >"$SCRATCH/bench.out" 2>&1 &
BENCH=$!
BG="$BG $BENCH"
connected() { [ "$(ovs_vsctl get Interface "$1" status:status | tr -d '"')" = connected ]; }
ovs_wait_for 20 connected vhu-vm1-0
tap_ok $? "the bench is connected to vhu-vm1-0"
ovs_wait_for 20 connected vhu-vm1-2
tap_ok $? "the loop is connected to vhu-vm1-2"
sleep 2
check --only loss --window 2
tap_is "$(level loss.drops)" PASS "traffic through a draining loop: loss.drops PASS: $(found loss.drops)"
tap_is "$(level loss.guest-not-draining)" "" "... and no port is named"
kill -STOP "$LOOP"
sleep 1
check --only loss --window 2
tap_is "$?" 4 "front-end stopped (SIGSTOP): exit 4"
tap_is "$(level loss.guest-not-draining vhu-vm1-2)" FAIL \
    "loss.guest-not-draining names port vhu-vm1-2"
jget "$SCRATCH/c.json" '[f["check"] for f in d["findings"] if f["id"] == "loss.guest-not-draining"][0]' \
    | grep -q 'guest not draining its ring (vhost tx full on vhu-vm1-2)'
tap_ok $? "... in those words"
found loss.guest-not-draining vhu-vm1-2 | grep -q "pid $LOOP, nfvhost).* is stopped"
tap_ok $? "... and the front-end, pid $LOOP, is stopped: $(found loss.guest-not-draining vhu-vm1-2)"
"$NFVHOST" check --plan "$P" --db "$OVS_DB" --only loss --window 1 \
    >"$SCRATCH/text.out"
grep -q '^FAIL  loss   \[loss.guest-not-draining\] (vhu-vm1-2) guest not draining' "$SCRATCH/text.out"
tap_ok $? "text: one FAIL line naming the port"

# --watch: drops while stopped, then cleared after SIGCONT.
"$NFVHOST" check --plan "$P" --db "$OVS_DB" --watch 1 --no-color \
    >"$SCRATCH/watch.out" 2>&1 &
WATCH=$!
BG="$BG $WATCH"
sleep 2.5
kill -CONT "$LOOP"
sleep 3
kill -INT "$WATCH"
wait "$WATCH"
sed 's/^/#   /' "$SCRATCH/watch.out"
grep -q '^FAIL  loss   \[loss.guest-not-draining\] (vhu-vm1-2)' "$SCRATCH/watch.out"
tap_ok $? "--watch prints the drops while the loop is stopped"
grep -q '^PASS  loss   \[loss.guest-not-draining\] (vhu-vm1-2) .*found cleared' "$SCRATCH/watch.out"
tap_ok $? "--watch says they cleared after SIGCONT"
tap_is "$(grep -c '^FAIL .*guest-not-draining.*(vhu-vm1-2)' "$SCRATCH/watch.out")" 1 \
    "--watch prints the drop line once, not every round (only changes)"

# A CPU hog pinned to the PMD's CPU, for as short as check needs (every
# harness of the tests running beside this one polls on that CPU too).
taskset -c 1 sh -c 'while :; do :; done' &
HOG=$!
BG="$BG $HOG"
sleep 0.2
check --only ovs,loss --window 1
rc=$?
kill "$HOG"
tap_is "$rc" 4 "a hog on the PMD's CPU: exit 4"
found ovs.pmd-cpu-shared "pid $HOG, thread $HOG" | grep -q "pid $HOG (sh).*allowed on 1"
tap_ok $? "ovs.pmd-cpu-shared names the hog's pid $HOG as pinned onto the PMD's CPU: $(found ovs.pmd-cpu-shared "pid $HOG, thread $HOG")"
tap_is "$(level ovs.pmd-cpu-shared "pid $HOG, thread $HOG")" FAIL "... a FAIL: it is busy"
found loss.pmd-preempted "core 1, pid $HOG" | grep -q "pid $HOG (sh)"
tap_ok $? "loss.pmd-preempted names the hog's pid: $(found loss.pmd-preempted "core 1, pid $HOG")"

tap_done
