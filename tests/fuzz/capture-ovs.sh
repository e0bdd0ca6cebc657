#!/bin/sh
# capture-ovs.sh OUTDIR: captures what ovsdb-server and ovs-vswitchd send
# nfvhost, for the seeds of tests/fuzz/corpus/jsonrpc/ and .../ovsdb/.
# Run as root from the top of a built tree:
#   top_srcdir=$PWD NFVHOST=$PWD/nfvhost sh tests/fuzz/capture-ovs.sh /tmp/cap
# It starts the test harness (tests/ovs-harness.sh: its own ovsdb-server
# and ovs-vswitchd-dpdk, --no-pci), puts tests/fuzz/capture-ovsdb.py
# relays in front of the database and the control socket, and runs through
# them: 'ovs apply' of the home-lab plan (stand-in uplink), the same apply
# again (nothing to change), and 'ovs status'.  OUTDIR gets the sessions
# (db-N.server/.client, ctl-N.server/.client) and the corpus inputs made
# from them: jsonrpc-*, ovsdb-* (see tests/fuzz/README).
set -u
OUT=${1:?usage: capture-ovs.sh OUTDIR}
mkdir -p "$OUT"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
ovs_harness_begin
CAP="python3 $top_srcdir/tests/fuzz/capture-ovsdb.py"
UP=nfvcap$$
ip -n "$OVS_NETNS" link add "$UP" type veth peer name "${UP}p"
ip -n "$OVS_NETNS" link set "$UP" up
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --output "$SCRATCH/homelab" \
    --uplink-override "0000:03:00.0=net_af_packet0,iface=$UP" >/dev/null
PLAN=$SCRATCH/homelab/plan.json

$CAP relay --listen "$SCRATCH/db.sock" --connect "$OVS_RUNDIR/db.sock" \
    --out "$OUT/db" &
relay_db=$!
$CAP relay --listen "$SCRATCH/ctl.sock" --connect "$OVS_CTL" \
    --out "$OUT/ctl" &
relay_ctl=$!
ovs_harness_on_stop "kill $relay_db $relay_ctl"
ovs_wait_for 10 test -S "$SCRATCH/db.sock" -a -S "$SCRATCH/ctl.sock"

OVS_DB=unix:$SCRATCH/db.sock
CPUMAP="--cpu-map 3=1,9=1,0=0,6=0"
# Each apply checks the database first on a connection of its own (an
# echo: db-1, db-3), then applies (db-2, db-4).
ovs_nfvhost_apply --plan "$PLAN" $CPUMAP || exit 1         # db-1, db-2
ovs_nfvhost_apply --plan "$PLAN" $CPUMAP || exit 1         # db-3, db-4
"$NFVHOST" ovs status --db "$OVS_DB" --control "$SCRATCH/ctl.sock" \
    --plan "$PLAN" $CPUMAP || exit 1                       # ctl-1, ctl-2, db-5
sleep 1

# jsonrpc: a session as one read, and in 7-byte and 1-byte pieces.
for s in db-1 db-2 db-4 db-5 ctl-1 ctl-2; do
    for c in 0 7 1; do
        { printf "\\$(printf %03o "$c")"; cat "$OUT/$s.server"; } \
            >"$OUT/jsonrpc-$s-chunk$c"
    done
done
# ovsdb: apply's dump, change, monitor; status's appctl texts.
$CAP ovsdb --db "$OUT/db-2" --ctl "$OUT/ctl-1" --ctl "$OUT/ctl-2" \
    --out "$OUT/ovsdb-apply-and-status"
$CAP ovsdb --db "$OUT/db-4" --ctl "$OUT/ctl-1" --ctl "$OUT/ctl-2" \
    --out "$OUT/ovsdb-apply-nothing-to-change"
ls -l "$OUT"
