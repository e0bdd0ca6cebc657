#!/bin/sh
# ovs-hostile.sh: 'nfvhost ovs' against a misbehaving database (issue 11,
# defects 7 and 8).  A real ovsdb-server holds the applied home-lab plan;
# its dump, read with ovsdb-client, is then served by tests/fake-ovsdb.py
# as it is and with one thing changed at a time, the way no real
# ovsdb-server would send it.  Each must end in exit 1 and a message
# "ovsdb-server sent an unexpected ...", never a crash.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v ovsdb-server && command -v ovsdb-client' 'ovsdb-server (openvswitch-switch)'
require 'command -v python3' 'python3'

ovs_harness_start --no-vswitchd || { echo "Bail out! harness"; exit 1; }
SCRATCH=$OVS_RUNDIR/scratch; mkdir "$SCRATCH"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" \
    --uplink-override 0000:03:00.0=net_af_packet0,iface=vx0 --output "$SCRATCH/p" >/dev/null
PLAN=$SCRATCH/p/plan.json
SOCKDIR=$SCRATCH/sock
SR=$SCRATCH/sr
fake_homelab_vf_pf "$SR"
"$NFVHOST" ovs apply --plan "$PLAN" --db "$OVS_DB" --sock-dir "$SOCKDIR" \
    --qemu-group root --no-wait --sysfs-root "$SR" >/dev/null
tap_is "$?" 0 "the plan applied to the real ovsdb-server"

# The real database's four tables, as nfvhost's dump reads them.
ovsdb-client transact "$OVS_DB" '["Open_vSwitch",
  {"op":"select","table":"Open_vSwitch","where":[]},
  {"op":"select","table":"Bridge","where":[]},
  {"op":"select","table":"Port","where":[]},
  {"op":"select","table":"Interface","where":[]}]' >"$SCRATCH/reply.json"
python3 - "$SCRATCH/reply.json" "$SCRATCH/dump.json" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))
tables = ["Open_vSwitch", "Bridge", "Port", "Interface"]
json.dump({t: r["rows"] for t, r in zip(tables, res)}, open(sys.argv[2], "w"))
PY

n=0
fake_pid=""
serve() { # serve DUMP [fake-ovsdb.py options]: FAKE is its socket
    [ -n "$fake_pid" ] && kill "$fake_pid" && wait "$fake_pid" 2>/dev/null
    n=$((n + 1))
    FAKE=$SCRATCH/fake$n.sock
    python3 "$top_srcdir/tests/fake-ovsdb.py" "$FAKE" "$@" &
    fake_pid=$!
    ovs_wait_for 10 test -S "$FAKE"
}
ovs_harness_on_stop '[ -n "$fake_pid" ] && kill $fake_pid'
apply() { "$NFVHOST" ovs apply --plan "$PLAN" --db "unix:$FAKE" \
          --sock-dir "$SOCKDIR" --qemu-group root --dry-run --sysfs-root "$SR" \
          >"$SCRATCH/out" 2>"$SCRATCH/err"; }
edit() { # edit PYTHON (on d, the dump) OUT
    python3 -c "import json,sys; d=json.load(open('$SCRATCH/dump.json')); $1; json.dump(d, open('$2','w'))"
}
row() { # python expression: the row of table $1 named $2
    echo "[r for r in d['$1'] if r.get('name') == '$2'][0]"
}

serve "$SCRATCH/dump.json"
apply
tap_is "$? $(grep -c '^nothing to change$' "$SCRATCH/out")" "0 1" \
    "the real dump served by the fake: nothing to change (the fake is faithful)"

# Defect 7: an echo request without params, before the reply.
serve "$SCRATCH/dump.json" --first-message '{"method":"echo","id":1}'
apply
tap_is "$? $(grep -c '^nothing to change$' "$SCRATCH/out")" "0 1" \
    "defect 7: {\"method\":\"echo\",\"id\":1} answered, apply goes on"

unexpected() { # unexpected DESC PYTHON MESSAGE [COMMAND]
    edit "$2" "$SCRATCH/bad$n.json"
    serve "$SCRATCH/bad$n.json"
    ${4:-apply}
    rc=$?
    tap_is "$rc $(cat "$SCRATCH/err")" "1 nfvhost: $3" "$1: exit 1, saying what"
}
unexpected "defect 8: Bridge ports [\"set\",[1,2]]" \
    "$(row Bridge br-nfv)['ports'] = ['set', [1, 2]]" \
    'ovsdb-server sent an unexpected Bridge.ports (table Bridge, row 0, br-nfv): ["set",[1,2]]; expected a set of uuids'
unexpected "a Port named null" \
    "d['Port'][0]['name'] = None" \
    "ovsdb-server sent an unexpected Port.name (table Port, row 0): null; expected a string"
unexpected "an Interface options map with a number" \
    "$(row Interface dpdk-up0)['options'] = ['map', [['n_rxq', 2]]]" \
    "ovsdb-server sent an unexpected Interface.options (table Interface, row $(python3 -c "import json; d=json.load(open('$SCRATCH/dump.json')); print([r['name'] for r in d['Interface']].index('dpdk-up0'))"), dpdk-up0): [\"map\",[[\"n_rxq\",2]]]; expected a map of strings"
unexpected "an Open_vSwitch row without _uuid" \
    "del d['Open_vSwitch'][0]['_uuid']" \
    "ovsdb-server sent an unexpected Open_vSwitch._uuid (table Open_vSwitch, row 0): nothing; expected [\"uuid\", STRING]"

# The same check guards 'ovs status' (the fake is its control socket too).
status() { "$NFVHOST" ovs status --db "unix:$FAKE" --control "$FAKE" \
           >"$SCRATCH/out" 2>"$SCRATCH/err"; }
unexpected "status: an Interface error that is a number" \
    "d['Interface'][0]['error'] = 5" \
    "ovsdb-server sent an unexpected Interface.error (table Interface, row 0, $(python3 -c "import json; d=json.load(open('$SCRATCH/dump.json')); print(d['Interface'][0]['name'])")): 5; expected a string or an empty set" \
    status
serve "$SCRATCH/dump.json"
status
tap_is "$?" 0 "status over the faithful fake exits 0"

tap_done
