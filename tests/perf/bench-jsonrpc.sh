#!/bin/sh
# bench-jsonrpc.sh: how long 'nfvhost ovs apply --dry-run' takes to read a
# 16 MiB OVSDB dump (issue 11, defect 11; figures in docs/security.md).
#
#   [BENCH_ROWS=9000] [BENCH_ROUNDS=5] sh tests/perf/bench-jsonrpc.sh [NFVHOST...]
#
# (default binary: ./nfvhost).
# tests/fake-ovsdb.py stands in for ovsdb-server and answers the dump with
# an Interface table of BENCH_ROWS rows shaped like OVS 3.1's (options,
# statistics, status and external_ids maps; 9,000 rows make 16 MB).  Each binary given
# plans the home lab with its own 'nfvhost plan' (so plan formats match),
# then the binaries run in alternating rounds against the same server; the
# median wall time of BENCH_ROUNDS (default 5) rounds is printed per
# binary.  What differs between binaries is only their code.
set -e
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- ./nfvhost
rounds=${BENCH_ROUNDS:-5}
T=$(mktemp -d)
trap 'kill $fake 2>/dev/null; rm -rf "$T"' EXIT

python3 - "$T/dump.json" "${BENCH_ROWS:-9000}" <<'PY'
import json, sys
stats = {k: 123456789 for k in (
    "rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_dropped",
    "tx_dropped", "rx_errors", "tx_errors", "ovs_tx_failure_drops",
    "ovs_tx_retries", "ovs_rx_qos_drops", "ovs_tx_mtu_exceeded_drops",
    "ovs_tx_qos_drops", "rx_1_to_64_packets", "rx_65_to_127_packets",
    "rx_128_to_255_packets", "rx_256_to_511_packets",
    "rx_512_to_1023_packets", "rx_1024_to_1522_packets",
    "tx_1_to_64_packets", "tx_65_to_127_packets", "tx_128_to_255_packets",
    "tx_multicast_packets", "rx_multicast_packets", "rx_q0_good_packets",
    "tx_q0_good_packets", "rx_q0_good_bytes", "tx_q0_good_bytes")}
def wmap(d):
    return ["map", [[k, v] for k, v in sorted(d.items())]]
rows = []
for i in range(int(sys.argv[2])):
    name = "vhu%011d" % i
    rows.append({
        "_uuid": ["uuid", "%08x-0000-4000-8000-%012x" % (i, i)],
        "name": name, "type": "dpdkvhostuserclient",
        "options": wmap({"vhost-server-path": "/var/lib/vhost_sockets/" + name}),
        "statistics": wmap(stats),
        "status": wmap({"features": "0x000000017060a782", "mode": "client",
                        "num_of_vrings": "2", "numa": "0",
                        "socket": "/var/lib/vhost_sockets/" + name,
                        "status": "connected", "vring_0_size": "1024",
                        "vring_1_size": "1024"}),
        "external_ids": wmap({"attached-mac": "52:54:00:00:00:01",
                              "iface-id": "3f2a9c1e-7b4d-4e2a-9f10-%012d" % i,
                              "iface-status": "active", "vm-uuid": "x" * 36}),
        "other_config": wmap({"pmd-rxq-affinity": "0:3"}),
        "mtu_request": 1500, "link_state": "up", "error": ["set", []],
        "admin_state": "up", "ofport": i + 1, "mtu": 1500})
dump = {"Open_vSwitch": [{"_uuid": ["uuid", "00000000-0000-4000-8000-000000000000"],
                          "other_config": wmap({}), "next_cfg": 1, "cur_cfg": 1,
                          "bridges": ["set", []], "dpdk_initialized": False}],
        "Bridge": [], "Port": [], "Interface": rows}
json.dump(dump, open(sys.argv[1], "w"))
PY
python3 tests/fake-ovsdb.py "$T/db.sock" "$T/dump.json" &
fake=$!
while [ ! -S "$T/db.sock" ]; do sleep 0.1; done
mkdir -m 0750 "$T/sock"
echo "dump reply: $(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(json.dumps(list(d.values()))))" "$T/dump.json") bytes"

i=0
for bin in "$@"; do
    i=$((i + 1))
    "$bin" plan --topology examples/homelab/topology.xml \
        --intent examples/homelab/intent.ini --output "$T/plan$i" \
        --uplink-override 0000:03:00.0=net_tap0 >/dev/null
    : >"$T/times$i"
done
for r in $(seq "$rounds"); do
    i=0
    for bin in "$@"; do
        i=$((i + 1))
        s=$(date +%s.%N)
        "$bin" ovs apply --plan "$T/plan$i/plan.json" --dry-run \
            --db "unix:$T/db.sock" --sock-dir "$T/sock" --qemu-group root \
            >"$T/out$i" 2>&1 || fail=" (failed: $(grep '^nfvhost:' "$T/out$i"))"
        e=$(date +%s.%N)
        echo "$s $e" | awk -v f="${fail:-}" '{print $2 - $1 f}' >>"$T/times$i"
        fail=
    done
done
i=0
for bin in "$@"; do
    i=$((i + 1))
    echo "$bin: median $(sort -n "$T/times$i" | awk '{t[NR]=$1} END {printf "%.2f", t[int((NR+1)/2)]}') s over $rounds rounds:"
    sed 's/^/    /' "$T/times$i"
done
