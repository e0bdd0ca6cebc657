#!/bin/sh
# fleet-nova.sh: a fleet's flavors.sh and aggregates.sh run against a
# stand-in cloud (tests/fake_openstack.py: bookkeeping of flavors and
# aggregates only), and what they made checked by nova's own code
# (tests/fleet_nova_check.py): nova-api's schemas and extra-spec
# validators, AggregateInstanceExtraSpecsFilter for every host and flavor,
# and nova's NUMA fitting against fleet.json's counts.  Four roles: some
# fixtures with the defaults (1G pages), home-lab boxes with their VMs, a
# 2M-page group with isolated emulator threads, so that flavors of the
# same size differ in page size and get told apart, and a box with an
# unpinned (cpu_policy = shared) VM, whose flavor fits every host with a
# cpu_shared_set and 1G pages.  Then the scripts run
# again (nothing changes), and once more after the fleet changed (the
# aggregate of a shape that is gone is emptied and deleted).
. "$top_srcdir/tests/lib.sh"
scratch
cd "$SCRATCH"
PY=/usr/bin/python3
require "$PY -c 'import nova.api.validation.extra_specs.validators'" "python3-nova"

mkdir hosts bin
# Fixtures that differ in SMT, offline CPUs, node numbering and memory, and
# one that is infeasible (every nova call costs time: not all of them).
for t in amd-2ccd-16c nosmt-2n8c offline-8c gaps-2n cxl-3n hybrid-12c fakecpukinds; do
    ln -s "$TOPO/$t.xml" "hosts/$t.xml"
done
ln -s "$HOMELAB/topology.xml" hosts/edge-01.xml
ln -s "$HOMELAB/topology.xml" hosts/edge-02.xml
ln -s "$TOPO/intel-8n.xml" hosts/small-01.xml
ln -s "$TOPO/nosmt-2n8c.xml" hosts/small-02.xml
ln -s "$TOPO/amd-2ccd-16c.xml" hosts/shared-01.xml
cp "$HOMELAB/intent.ini" edge.ini
cat > small.ini <<'INI'
[host]
hugepage_size = 2M
[emulator]
policy = isolate
INI
cat > shared.ini <<'INI'
[vm web]
vcpus = 2
memory = 1G
cpu_policy = shared
INI
cat > groups.ini <<'INI'
[group edge-*]
intent = edge.ini
[group small-*]
intent = small.ini
[group shared-*]
intent = shared.ini
INI
"$NFVHOST" fleet plan --hosts hosts --groups groups.ini --output out > /dev/null 2>&1
tap_is "$?" 3 "fleet planned (one fixture is infeasible)"
tap_is "$(jget out/fleet.json 'sorted(f["name"] for f in d["flavors"] if f["name"].startswith("nfv.2c2g.mq"))')" \
    '["nfv.2c2g.mq.1g.emu-share", "nfv.2c2g.mq.2m.emu-isolate"]' \
    "flavors that differ only in page size and emulator policy get told apart"
tap_is "$(jget out/fleet.json 'len({f["name"] for f in d["flavors"]}) == len(d["flavors"])')" "true" \
    "flavor names are unique cloud-wide"
# The shared flavor, by hand.  amd-2ccd-16c (defaults): cpu_shared_set is
# the emulator-share core, CPUs 1 and 17 on node 0; nova.conf's
# cpu_allocation_ratio 4.0 gives 2 x 4 = 8 VCPU, 8 / 2 vCPUs = 4
# instances; its 19 GiB of guest 1G pages would hold 19 (the pinned pool,
# 26 CPUs, would have held 13: what the fleet said before it counted
# shared flavors apart).  nosmt-2n8c: one shared CPU, fewer than the
# flavor's 2 vCPUs, and nova lets no instance overcommit against itself:
# none.  shared-01 (same box, only the shared VM's 1 GiB of pages): 1.
tap_is "$(jget out/fleet.json '[[h["flavors"].get("nfv.2c1g.shared", 0) for h in d["hosts"] if h["name"] == n][0] for n in ("amd-2ccd-16c", "nosmt-2n8c", "shared-01")]')" \
    "[4, 0, 1]" "a shared flavor counts against cpu_shared_set x cpu_allocation_ratio, not the pinned pool"

printf '#!/bin/sh\nexec %s %s "$@"\n' "$PY" "$top_srcdir/tests/fake_openstack.py" > bin/openstack
chmod +x bin/openstack
export NFVHOST_FAKE_CLOUD="$SCRATCH/cloud.json"
run_scripts() { # run_scripts OUT: flavors.sh then aggregates.sh
    PATH="$SCRATCH/bin:$PATH" sh "$1/flavors.sh" > scripts.log 2>&1 &&
        PATH="$SCRATCH/bin:$PATH" sh "$1/aggregates.sh" >> scripts.log 2>&1
}
run_scripts out
tap_ok $? "flavors.sh and aggregates.sh run"
tap_is "$(jget cloud.json 'sorted(d["flavors"])')" "$(jget out/fleet.json 'sorted(f["name"] for f in d["flavors"])')" \
    "the cloud has the fleet's flavors"
tap_is "$(jget cloud.json 'sorted((a, sorted(x["hosts"])) for a, x in d["aggregates"].items())')" \
    "$(jget out/fleet.json 'sorted((s["aggregate"], sorted(h["name"] for h in d["hosts"] if h.get("shape") == s["aggregate"])) for s in d["shapes"])')" \
    "the cloud has one aggregate per shape, with its hosts"

$PY "$top_srcdir/tests/fleet_nova_check.py" out cloud.json > check.log 2>&1
tap_ok $? "nova's code accepts the flavors and aggregates, and agrees with fleet.json"
grep -v '^PASS' check.log | sed 's/^/# /'
tap_is "$(grep -c '^PASS' check.log)" "$((3 + $(jget out/fleet.json 'd["totals"]["planned"]')))" \
    "... every check ran"

cp cloud.json.log before.log
run_scripts out
tap_ok $? "the scripts run again"
cmp -s before.log cloud.json.log
tap_ok $? "... and change nothing: they converge"

# The checker can fail: a flavor's key missing from its aggregates, and a
# count nova does not agree with.
$PY - cloud.json broken.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for a in c["aggregates"].values():
    a["metadata"].pop("nfv.4c4g.mq.1g.emu-share", None)
json.dump(c, open(sys.argv[2], "w"))
PY
cp cloud.json.requests broken.json.requests
$PY "$top_srcdir/tests/fleet_nova_check.py" out broken.json > broken.log 2>&1
tap_is "$? $(grep -c '^FAIL' broken.log)" "1 2" \
    "a flavor key missing from the aggregates fails the key and filter checks"
cp -r out miscount
$PY - miscount/fleet.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h = [h for h in d["hosts"] if h["name"] == "amd-2ccd-16c"][0]
h["flavors"]["nfv.2c2g.mq.1g.emu-share"] += 1
json.dump(d, open(sys.argv[1], "w"))
PY
$PY "$top_srcdir/tests/fleet_nova_check.py" miscount cloud.json > miscount.log 2>&1
grep -q "^FAIL amd-2ccd-16c: .*nfv.2c2g.mq.1g.emu-share: nova fits" miscount.log
tap_ok $? "a count nova does not agree with fails"
cp -r out miscount-shared
$PY - miscount-shared/fleet.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h = [h for h in d["hosts"] if h["name"] == "amd-2ccd-16c"][0]
h["flavors"]["nfv.2c1g.shared"] = 13    # the pinned pool's count
json.dump(d, open(sys.argv[1], "w"))
PY
$PY "$top_srcdir/tests/fleet_nova_check.py" miscount-shared cloud.json > miscount-shared.log 2>&1
grep -q "^FAIL amd-2ccd-16c: .*nfv.2c1g.shared: nova fits 4, fleet.json says 13" miscount-shared.log
tap_ok $? "... and so does a shared flavor counted on the pinned pool"

# The fleet changes: the two edge boxes go, one fixture joins the 2M group.
rm hosts/edge-0*.xml
ln -s "$TOPO/gaps-2n.xml" hosts/small-03.xml
rm hosts/gaps-2n.xml
"$NFVHOST" fleet plan --hosts hosts --groups groups.ini --output out > /dev/null 2> err
tap_is "$?" 3 "the changed fleet planned"
grep -q "warning: \[group edge-\*\] matches no host" err
tap_ok $? "... the empty group is a warning"
run_scripts out
tap_ok $? "the scripts run on the changed fleet"
tap_is "$(jget cloud.json 'sorted(d["aggregates"])')" "$(jget out/fleet.json 'sorted(s["aggregate"] for s in d["shapes"])')" \
    "the aggregate of the edge shape is gone"
tap_is "$(jget cloud.json 'sorted(h for a in d["aggregates"].values() for h in a["hosts"])')" \
    "$(jget out/fleet.json 'sorted(h["name"] for h in d["hosts"] if h["status"] == "planned")')" \
    "every planned host is in exactly one aggregate (gaps-2n moved)"
$PY "$top_srcdir/tests/fleet_nova_check.py" out cloud.json > check2.log 2>&1
tap_ok $? "nova's code agrees with the changed fleet"
grep -v '^PASS' check2.log | sed 's/^/# /'
tap_done
