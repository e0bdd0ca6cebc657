#!/bin/sh
# ovs-dpdk.sh: the home-lab plan applied to a real OVS-DPDK (the harness's
# ovs-vswitchd-dpdk, --no-pci), with the planned uplink replaced by a veth
# into a network namespace (net_af_packet vdev) and VMs replaced by
# dpdk-testpmd virtio-user peers: traffic between two VM ports counted on
# both sides, a namespace host reaching a VM port through its VLAN (and not
# through another tag), status, and ovs-vswitchd killed and restarted.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require '[ "$(id -u)" = 0 ]' 'root'
require "test -x $OVS_VSWITCHD_BIN" 'ovs-vswitchd-dpdk (openvswitch-switch-dpdk)'
require 'command -v dpdk-testpmd' 'dpdk-testpmd (dpdk)'
require 'test -w /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages' '2M hugepages'
require 'command -v python3' 'python3'

ovs_harness_start || { echo "Bail out! OVS-DPDK did not start"; exit 1; }
SCRATCH=$OVS_RUNDIR/scratch; mkdir "$SCRATCH"
# The home lab's PUs on this 2-core machine: PMDs 3,9 -> 1, housekeeping
# 0,6 -> 0 (the harness keeps peers on core 0).
CPUMAP="--cpu-map 3=1,9=1,0=0,6=0"
# The PF vrouter1's VF comes from (the X710's second port) is a fake
# device: this machine has none, and DPDK never sees it (only its VF
# count is written there).
SR=$OVS_RUNDIR/sr
fake_homelab_vf_pf "$SR"

NS=nfvns$$ UP=nfvu$$ PEER=nfvp$$
# The uplink's stand-in is chosen at plan time: the plan is the contract.
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --output "$SCRATCH/homelab" \
    --uplink-override "0000:03:00.0=net_af_packet0,iface=$UP" >/dev/null
PLAN=$SCRATCH/homelab/plan.json
ovs_harness_on_stop "ip netns del $NS 2>/dev/null"

# The uplink stand-in: a veth from ovs-vswitchd's namespace to a host in
# a namespace of its own.  The host speaks 802.1Q from user space
# (tests/ovs-vlan-ping.py): test kernels may lack the 8021q module.
ip netns add "$NS"
ip -n "$OVS_NETNS" link add "$UP" type veth peer name "$PEER" netns "$NS"
ip -n "$OVS_NETNS" link set "$UP" up
ip -n "$NS" link set "$PEER" up
vping() { # VLAN SRC DST
    ip netns exec "$NS" python3 "$top_srcdir/tests/ovs-vlan-ping.py" "$PEER" "$@"
}

status_json() { "$NFVHOST" ovs status --db "$OVS_DB" --plan "$PLAN" $CPUMAP --json; }
jq_() { python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"; }
port_field() { # NAME FIELD < status json
    jq_ "[p.get('$2') for p in s['ports'] if p['name']=='$1'][0]"
}

out=$(ovs_nfvhost_apply --plan "$PLAN" $CPUMAP --sysfs-root "$SR"); rc=$?
tap_is "$rc" 0 "apply of the home-lab plan to OVS-DPDK exits 0"
echo "$out" | grep -q 'ovs-vswitchd applied it'
tap_ok $? "waited for ovs-vswitchd to apply it (cur_cfg)"
echo "$out" | grep -q '^  ! '
tap_ok $((! $?)) "no interface errors from ovs-vswitchd"
tap_is "$(ovs_vsctl get Open_vSwitch . other_config:pmd-cpu-mask)" '"0x2"' "pmd-cpu-mask through --cpu-map"
tap_is "$(ovs_vsctl get Interface dpdk-up0 error)" '[]' "af_packet stand-in uplink is up"
rxq=$(ovs_appctl dpif-netdev/pmd-rxq-show)
echo "$rxq" | grep -q 'port: vhu-vrouter1-1 *queue-id: *0'
tap_ok $? "vhost rx queue polled by the PMD"
echo "$rxq" | grep -q 'port: dpdk-up0 *queue-id: *0'
tap_ok $? "the uplink's rx queue is polled too (pinned, and pmd-rxq-isolate=false)"

# Two VM ports on VLAN 200, one testpmd peer looping between them.
ovs_peer_start a io "$OVS_SOCKDIR/vhu-vrouter1-1" "$OVS_SOCKDIR/vhu-firewall1-1"
tap_ok $? "testpmd peer connected to vhu-vrouter1-1 and vhu-firewall1-1"
st=$(status_json)
tap_is "$(echo "$st" | port_field vhu-vrouter1-1 connected)" True "status: vhu-vrouter1-1 front-end connected"
tap_is "$(echo "$st" | port_field vhu-trafgen1-0 connected)" False "status: vhu-trafgen1-0 front-end not connected"
echo "$st" | jq_ "'\n'.join(s['findings'])" | grep >/dev/null 'vhu-trafgen1-0: the VM side (front-end) is not connected'
tap_ok $? "status finding: an unconnected vhost port"
ovs_peer_cmd a "start tx_first"
sleep 3
ovs_peer_cmd a "stop"
sleep 6    # Interface statistics refresh every 5 s.
tx0=$(ovs_peer_stat a 0 TX-packets); rx1=$(ovs_peer_stat a 1 RX-packets)
tx1=$(ovs_peer_stat a 1 TX-packets); rx0=$(ovs_peer_stat a 0 RX-packets)
tap_diag "peer: port0 tx $tx0 rx $rx0, port1 tx $tx1 rx $rx1 in 3 s ($(( (rx0 + rx1) / 3000 )) Kpps)"
tap_ok "$([ "${rx0:-0}" -gt 1000 ] && [ "${rx1:-0}" -gt 1000 ]; echo $?)" "packets passed both ways between two VM ports"
st=$(status_json)
tap_is "$(echo "$st" | port_field vhu-vrouter1-1 rx_packets)" "$tx0" "OVS received exactly what the peer sent on vhu-vrouter1-1"
tap_is "$(echo "$st" | port_field vhu-firewall1-1 rx_packets)" "$tx1" "OVS received exactly what the peer sent on vhu-firewall1-1"
# The peer stops polling mid-stream: at most one ring (256) is left in
# flight between OVS's count and the peer's.
otx=$(echo "$st" | port_field vhu-firewall1-1 tx_packets)
tap_ok "$([ $((otx - rx1)) -ge 0 ] && [ $((otx - rx1)) -le 256 ]; echo $?)" \
    "the peer received what OVS sent on vhu-firewall1-1 (OVS $otx, peer $rx1)"
pmd=$(echo "$st" | jq_ "[(p['core'], p['numa'], p['packets'] > 0, sorted(q['port'] for q in p['rxqs'])) for p in s['pmds']]")
tap_is "$pmd" "[(1, 0, True, ['dpdk-up0', 'vhu-firewall1-0', 'vhu-firewall1-1', 'vhu-trafgen1-0', 'vhu-vrouter1-0', 'vhu-vrouter1-1'])]" \
    "status: one PMD, core 1, NUMA 0, counted packets, polls the uplink and the five vhost queues"
cpp=$(echo "$st" | jq_ "int(s['pmds'][0]['cycles_per_packet'])")
tap_diag "PMD cycles per packet: $cpp"
echo "$st" | jq_ "'\n'.join(s['findings'])" >"$SCRATCH/findings"
grep -q 'mask' "$SCRATCH/findings"
tap_ok $((! $?)) "status: masks match the plan (through --cpu-map)"
"$NFVHOST" ovs status --db "$OVS_DB" --plan "$PLAN" $CPUMAP >"$SCRATCH/status.txt"
tap_is "$?" 0 "status (text) exits 0"
grep -q '^  core 1 (NUMA 0): .* % busy' "$SCRATCH/status.txt"
tap_ok $? "status text: the PMD line"
"$NFVHOST" ovs status --db "$OVS_DB" --rebalance >"$SCRATCH/status.txt"
tap_is "$?" 0 "status --rebalance exits 0"
grep -q '^rebalance: ' "$SCRATCH/status.txt"
tap_ok $? "status --rebalance asked OVS to reassign rx queues: $(head -1 "$SCRATCH/status.txt")"
ovs_peer_stop a

# The namespace host and a VM port through VLAN 200; VLAN 100 does not
# reach it.  testpmd's icmpecho answers ARP and ping for any address.
ovs_peer_start b icmpecho "$OVS_SOCKDIR/vhu-trafgen1-0"
tap_ok $? "icmpecho peer connected to vhu-trafgen1-0"
ovs_peer_cmd b "start"
vping 200 198.18.0.2 198.18.0.1 3 >"$SCRATCH/ping" 2>&1
tap_ok $? "namespace host 198.18.0.2 pings the VM port through VLAN 200 on the uplink"
tap_diag "$(sed 's/^/# /' "$SCRATCH/ping")"
before=$(ovs_peer_stat b 0 RX-packets)
vping 100 198.18.1.2 198.18.1.1 2 >/dev/null 2>&1
tap_is "$?" 1 "no answer through VLAN 100"
tap_is "$(ovs_peer_stat b 0 RX-packets)" "$before" "VLAN 100 frames never reach the VLAN 200 VM port"

# ovs-vswitchd killed: everything comes back from the database.
ovs_harness_kill_vswitchd KILL
ovs_harness_start_vswitchd
tap_is "$?" 0 "ovs-vswitchd restarted after SIGKILL"
ovs_harness_wait_port vhu-trafgen1-0
# OVS's own Interface.status may stay "disconnected" after a restart
# (a known OVS refresh gap); status looks at the live vrings too.
connected() { [ "$(status_json | port_field "$1" connected)" = True ]; }
_ovs_wait_for 20 connected vhu-trafgen1-0
tap_ok $? "the front-end reconnected (status says so)"
tap_diag "OVS database: $(ovs_vsctl get Interface vhu-trafgen1-0 status link_state | tr "\n" " ")"
vping 200 198.18.0.2 198.18.0.1 3 >/dev/null 2>&1
tap_ok $? "the namespace host reaches the VM port again"
st=$(status_json)
tap_is "$(echo "$st" | port_field vhu-trafgen1-0 connected)" True "status says the front-end is connected"
tap_is "$(echo "$st" | jq_ "[p['core'] for p in s['pmds']]")" "[1]" "status: the PMD is back on core 1"
out=$(ovs_nfvhost_apply --plan "$PLAN" $CPUMAP --sysfs-root "$SR")
echo "$out" | grep -q '^nothing to change$'
tap_ok $? "apply after the restart: nothing to change"
ovs_peer_stop b

st=$(status_json)
echo "$st" | jq_ "'\n'.join(s['findings'])" | grep >/dev/null 'vhu-trafgen1-0: the VM side (front-end) is not connected'
tap_ok $? "status notices the peer went away"

tap_done
