#!/bin/sh
# vhost-tap.sh: two kernel-stack "guests" without VMs: 'nfvhost vhost tap'
# bridges two OVS-DPDK dpdkvhostuserclient ports to TAP devices inside two
# network namespaces this test creates (198.18.0.0/24), and ping crosses
# the switch between them (OVS's NORMAL action: MAC learning).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'test -c /dev/net/tun' '/dev/net/tun'
require 'command -v ping' 'ping (iputils-ping)'
ovs_harness_begin
NS1=nfvtap1-$$ NS2=nfvtap2-$$
TAPS=""
ovs_harness_on_stop 'for p in $TAPS; do kill -TERM $p 2>/dev/null; wait $p 2>/dev/null; done; ip netns del $NS1 2>/dev/null; ip netns del $NS2 2>/dev/null'
ip netns add "$NS1"
ip netns add "$NS2"

ovs_vsctl add-br br0 -- set Bridge br0 datapath_type=netdev
for i in 1 2; do
    ovs_vsctl add-port br0 vhu$i -- set Interface vhu$i \
        type=dpdkvhostuserclient \
        "options:vhost-server-path=$OVS_SOCKDIR/vhu$i.sock"
done

for i in 1 2; do
    eval ns=\$NS$i
    "$NFVHOST" vhost tap --server --socket "$OVS_SOCKDIR/vhu$i.sock" \
        --netns "$ns" --name vtap$i --cores 0 --force --connect-timeout 30 --json \
        >"$SCRATCH/tap$i.json" 2>"$SCRATCH/tap$i.err" &
    TAPS="$TAPS $!"
done
for i in 1 2; do
    eval ns=\$NS$i
    ovs_wait_for 30 ip -n "$ns" link show vtap$i
    tap_ok $? "TAP vtap$i exists in namespace $i"
    ip -n "$ns" addr add 198.18.0.$i/24 dev vtap$i
done
tap_is "$(ip -n "$NS1" -o link show vtap1 | grep -c 'state UNKNOWN\|,UP')" 1 \
    "vtap1 is up"
ovs_wait_for 30 grep -q "vhu2.sock <-> vtap2" "$SCRATCH/tap2.err"
tap_ok $? "both ports connected"

ip netns exec "$NS1" ping -c 5 -i 0.2 -W 2 198.18.0.2 >"$SCRATCH/ping" 2>&1
rc=$?
tail -2 "$SCRATCH/ping" | sed 's/^/#   /'
tap_ok $rc "ping from namespace 1 to namespace 2 across OVS-DPDK"
grep -q " 0% packet loss" "$SCRATCH/ping"
tap_ok $? "no ping lost"
ip netns exec "$NS2" ping -c 2 -i 0.2 -W 2 198.18.0.1 >/dev/null 2>&1
tap_ok $? "and back"

for p in $TAPS; do
    kill -TERM "$p"
    wait "$p"
    tap_is $? 0 "vhost tap stops cleanly on SIGTERM"
done
TAPS=""
tap_is "$(jget "$SCRATCH/tap1.json" 'd["from_tap"] >= 7 and d["to_tap"] >= 7')" \
    true "tap 1 moved the pings both ways"

"$NFVHOST" vhost tap --socket "$OVS_SOCKDIR/x.sock" --netns nfv-no-such-ns \
    2>"$SCRATCH/e1"
tap_is $? 2 "a missing namespace is an input error"
grep -q "netns nfv-no-such-ns" "$SCRATCH/e1"
tap_ok $? "naming it"
tap_done
