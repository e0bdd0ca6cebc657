#!/bin/sh
# fleet-plan.sh: 'nfvhost fleet plan' and 'nfvhost facts'.  A fleet made of
# the fixture topologies (one of them infeasible), home-lab hosts in a
# group of their own with NIC facts from a fake sysfs tree:
#   - each host's directory is what 'nfvhost plan --output' writes for it
#     (with --sysfs-root where the host has facts);
#   - the output is the same, byte for byte, with -j 1 and -j 2, also on a
#     fleet of 300 hosts;
#   - an infeasible host is listed with the planner's reason (fleet.json,
#     report.md, stdout), exit status 3, the others planned;
#   - a host with a bad XML or bad facts is listed, exit status 2, the rest
#     written; bad fleet input (flags, groups, intents) is refused with a
#     message naming file:line or the flag, and nothing is written.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
cd "$SCRATCH"

# The home-lab box's X710 in a fake sysfs tree (tests/lib.sh): PF 03:00.0
# with 2 of 64 VFs (one VF present), PF 03:00.1 with a route.
R="$SCRATCH/root"
fake_nic_tree "$R"

# --- help -------------------------------------------------------------------
"$NFVHOST" --help | grep -q "^  fleet " && "$NFVHOST" --help | grep -q "^  facts "
tap_ok $? "nfvhost --help lists fleet and facts"
"$NFVHOST" fleet plan --help | grep -q "^Usage: nfvhost fleet plan --hosts DIR"
tap_ok $? "fleet plan --help prints its usage"
"$NFVHOST" facts --help | grep -q "^Usage: nfvhost facts \[--sysfs-root DIR\]"
tap_ok $? "facts --help prints its usage"

# --- nfvhost facts ---------------------------------------------------------
"$NFVHOST" facts --sysfs-root "$R" > facts.json
tap_is "$?" 0 "facts: prints the fake tree's NIC facts"
tap_is "$(jget facts.json '[d["format"], d["version"]]')" '["nfvhost-nic-facts", 1]' "facts: format and version"
group=$(jget facts.json 'd["host_group"]')
for g in hugetlbfs libvirt-qemu qemu kvm none; do
    getent group $g > /dev/null && break
done
[ $g = none ] && g=null
tap_is "$group" "$g" "facts: the vhost-user socket group this machine has"
tap_is "$(jget facts.json '[(n["pci"], n["driver"], n["ifname"], n["sriov_totalvfs"], n["sriov_numvfs"], n["is_vf"], n["physfn"], n["vf_index"], n["carrier"], n["has_route"]) for n in d["nics"]]')" \
    '[["0000:03:00.0", "i40e", "enp3s0f0", 64, 2, false, null, null, true, false], ["0000:03:00.1", "i40e", "enp3s0f1", 64, 0, false, null, null, true, true], ["0000:03:02.0", "iavf", "enp3s0f0v0", 0, null, true, "0000:03:00.0", null, true, false]]' \
    "facts: driver, interface, SR-IOV counts, VF link, carrier, route, sorted by address"
"$NFVHOST" facts --sysfs-root "$SCRATCH/nowhere" > /dev/null 2> err
tap_is "$?" 2 "facts: a missing --sysfs-root is bad input"
mkdir empty-root
"$NFVHOST" facts --sysfs-root empty-root > empty.json
tap_is "$(jget empty.json 'd["nics"]')" "[]" "facts: no PCI bus, no NICs"

# --- a fleet ---------------------------------------------------------------
mkdir hosts
for t in "$TOPO"/*.xml; do
    ln -s "$t" "hosts/$(basename "$t")"
done
for i in 1 2 3; do
    ln -s "$HOMELAB/topology.xml" "hosts/edge-0$i.xml"
done
# edge-01: the tree's NIC facts; 'plan --topology X --sysfs-root R' looks
# for no group on this machine (X is another host), so neither do these.
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["host_group"] = None; print(json.dumps(d))' \
    facts.json > hosts/edge-01.nics.json
# edge-03: only its socket group.
echo '{"format": "nfvhost-nic-facts", "version": 1, "host_group": "qemu", "nics": []}' > hosts/edge-03.nics.json
cat > intent.ini <<'INI'
[host]
hugepage_size = 1G
INI
mkdir groups
cp "$HOMELAB/intent.ini" groups/edge.ini
cat > groups/groups.ini <<'INI'
; home-lab boxes at the edge
[group edge-*]
intent = edge.ini

[group no-such-host-*]
intent = edge.ini
INI

"$NFVHOST" fleet plan --hosts hosts --intent intent.ini --groups groups/groups.ini \
    --output out1 -j 1 > stdout1 2> stderr1
tap_is "$?" 3 "fleet: some host infeasible: exit status 3"
"$NFVHOST" fleet plan --hosts hosts --intent intent.ini --groups groups/groups.ini \
    --output out2 -j 2 > stdout2 2> stderr2
tap_is "$?" 3 "fleet -j 2: exit status 3 too"
diff -r out1 out2 > diff.txt
tap_ok $? "the output is the same, byte for byte, with -j 1 and -j 2"
sed 's/out2/out1/' stdout2 | cmp -s stdout1 - && cmp -s stderr1 stderr2
tap_ok $? "... and so is what it prints"
grep -q "warning: \[group no-such-host-\*\] matches no host" stderr1
tap_ok $? "a group that matches no host is a warning"

J=out1/fleet.json
n_hosts=$(ls hosts/*.xml | wc -l)
tap_is "$(jget $J '[d["format"], d["version"], len(d["hosts"])]')" "[\"nfvhost-fleet\", 1, $n_hosts]" \
    "fleet.json: every host, in one document"
tap_is "$(jget $J '[h["name"] for h in d["hosts"]] == sorted(h["name"] for h in d["hosts"])')" "true" \
    "fleet.json: hosts sorted by name"
tap_is "$(jget $J '[(h["name"], h["status"], h["exit_status"]) for h in d["hosts"] if h["status"] != "planned"]')" \
    '[["fakecpukinds", "infeasible", 3]]' "fleet.json: the one infeasible host"
reason=$("$NFVHOST" plan --topology "$TOPO/fakecpukinds.xml" --intent intent.ini 2>&1 >/dev/null |
        tail -n 1 | sed 's/^nfvhost: infeasible plan: //')
tap_is "$(jget $J '[h["reason"] for h in d["hosts"] if h["name"] == "fakecpukinds"][0]')" "$reason" \
    "fleet.json: with the planner's own reason"
grep -qF "| fakecpukinds | (the rest) | infeasible | $reason |" out1/report.md
tap_ok $? "report.md lists it with its reason"
grep -qF "  fakecpukinds: infeasible: $reason" stdout1
tap_ok $? "and so does the summary on stdout"
[ ! -e out1/fakecpukinds ]
tap_ok $? "an infeasible host has no directory"
tap_is "$(jget $J 'd["totals"]')" "{\"hosts\": $n_hosts, \"planned\": $((n_hosts - 1)), \"infeasible\": 1, \"bad_input\": 0, \"error\": 0}" \
    "fleet.json: totals"
tap_is "$(jget $J '[(h["name"], h["group"], h["intent"]) for h in d["hosts"] if h["name"].startswith("edge")]')" \
    '[["edge-01", "edge-*", "groups/edge.ini"], ["edge-02", "edge-*", "groups/edge.ini"], ["edge-03", "edge-*", "groups/edge.ini"]]' \
    "groups: edge hosts get the group's intent, relative to the groups file"
tap_is "$(jget $J 'sorted({h["intent"] for h in d["hosts"] if not h["name"].startswith("edge")})')" '["intent.ini"]' \
    "groups: the rest get --intent"

# Each host's directory is 'nfvhost plan --output' for that host (but for
# the list of files a plan's own output directory carries: the fleet's
# one list, at its top, covers every host).
same=0
for t in "$TOPO"/*.xml; do
    h=$(basename "$t" .xml)
    [ "$h" = fakecpukinds ] && continue
    "$NFVHOST" plan --topology "$t" --intent intent.ini --output "single-$h" > /dev/null 2>&1
    diff -r -x .nfvhost-output "single-$h" "out1/$h" > /dev/null || { same=1; tap_diag "differs: $h"; }
done
tap_ok $same "every planned fixture host: its directory equals 'nfvhost plan --output'"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --sysfs-root "$R" --intent groups/edge.ini \
    --output single-edge-01 > /dev/null 2>&1
diff -r -x .nfvhost-output single-edge-01 out1/edge-01
tap_ok $? "a host with NIC facts: equals 'nfvhost plan --sysfs-root' on the tree 'nfvhost facts' read"
tap_is "$(jget out1/edge-01/plan.json '[(u["driver"], u["sriov_totalvfs"], u["carrier"]) for u in d["uplinks"]]')" \
    '[["i40e", 64, true]]' "... the facts reached its plan"
tap_is "$(jget out1/edge-02/plan.json '[(u["driver"], u["sriov_totalvfs"], u["carrier"]) for u in d["uplinks"]]')" \
    '[[null, -1, null]]' "... and only its plan"
tap_is "$(jget out1/edge-03/plan.json 'd["ovs"]["socket_group"]') $(jget out1/edge-02/plan.json 'd["ovs"]["socket_group"]')" \
    "qemu hugetlbfs" "a host's socket group from its facts; without facts, the planner's default"

tap_is "$(jget $J '[s["hosts"] for s in d["shapes"]] and sum(s["hosts"] for s in d["shapes"])')" "$((n_hosts - 1))" \
    "shapes: every planned host in exactly one"
tap_is "$(jget $J 'len({h["shape"] for h in d["hosts"] if h["name"].startswith("edge")})')" 1 \
    "shapes: the edge hosts share one"
grep -c "^members nfvhost" out1/aggregates.sh > count
tap_is "$(cat count)" "$(jget $J 'len(d["shapes"])')" "aggregates.sh: one aggregate per shape"
sh -n out1/flavors.sh && sh -n out1/aggregates.sh
tap_ok $? "flavors.sh and aggregates.sh are valid shell"
tap_is "$(jget $J 'sorted(f["name"] for f in d["flavors"])')" \
    '["nfv.2c2g", "nfv.2c2g.mq", "nfv.2c4g", "nfv.4c4g.mq", "nfv.8c8g.mq"]' \
    "flavors: the edge VMs' sizes and the default set, once each cloud-wide"

"$NFVHOST" fleet plan --hosts hosts --intent intent.ini --groups groups/groups.ini \
    --output out1 -j 2 --json > fleet-stdout.json 2> /dev/null
tap_is "$?" 3 "--json: same exit status"
cmp -s fleet-stdout.json out1/fleet.json
tap_ok $? "--json prints fleet.json; a second run replaces the directory"

# --- a larger fleet: 300 hosts, names varied, -j 1 against -j 2 ------------
mkdir big
i=0
while [ $i -lt 300 ]; do
    for t in "$TOPO"/*.xml "$HOMELAB/topology.xml"; do
        [ $i -lt 300 ] || break
        ln -s "$t" "big/$(printf 'node%03d' $i)-$(basename "$t")"
        i=$((i + 1))
    done
done
"$NFVHOST" fleet plan --hosts big --output big1 -j 1 > /dev/null 2>&1
s1=$?
"$NFVHOST" fleet plan --hosts big --output big2 -j 2 > /dev/null 2>&1
s2=$?
tap_is "$s1 $s2" "3 3" "300 hosts: exit status 3 with -j 1 and -j 2"
diff -r big1 big2 > /dev/null
tap_ok $? "300 hosts: the same output with -j 1 and -j 2"
tap_is "$(ls -d big1/node* | wc -l)" "$(jget big1/fleet.json 'd["totals"]["planned"]')" \
    "300 hosts: one directory per planned host"

# --- under valgrind: memory, and races between the planning threads -------
require 'command -v valgrind' 'valgrind'
valgrind -q --error-exitcode=9 --leak-check=full "$NFVHOST" fleet plan --hosts hosts \
    --intent intent.ini --groups groups/groups.ini --output outv -j 2 > /dev/null 2> vg.log
tap_is "$?" 3 "fleet plan -j 2 is clean under valgrind memcheck (no leak, no bad read)"
# helgrind sees hwloc's lazy process-wide set-up race when every host is
# planned in a thread; run.c plans the first one before the threads start.
valgrind -q --tool=helgrind --suppressions="$top_srcdir/tests/helgrind.supp" \
    --error-exitcode=9 "$NFVHOST" fleet plan --hosts hosts \
    --intent intent.ini --groups groups/groups.ini --output outv -j 2 > /dev/null 2> hg.log
tap_is "$?" 3 "fleet plan -j 2: helgrind finds no data race"
diff -r out1 outv > /dev/null
tap_ok $? "... and the output is the same"

# --- bad input of one host: listed, the others planned ----------------------
cp -r hosts badhosts
echo "not xml" > badhosts/junk.xml
echo '{"format": "nfvhost-nic-facts", "version": 1, "nics": [{"pci": "0000:03:00.0", "sriov_numvfs": "two"}]}' \
    > badhosts/edge-02.nics.json
echo '{}' > badhosts/orphan.nics.json
echo 'hello' > badhosts/README
"$NFVHOST" fleet plan --hosts badhosts --intent intent.ini --groups groups/groups.ini \
    --output outbad > stdout 2> stderr
tap_is "$?" 2 "a host with bad input: exit status 2"
tap_is "$(jget outbad/fleet.json '[(h["name"], h["status"], h["reason"]) for h in d["hosts"] if h["status"] == "bad-input"]')" \
    '[["edge-02", "bad-input", "badhosts/edge-02.nics.json: nics[0].sriov_numvfs: expected an integer 0-65535 or null"], ["junk", "bad-input", "--topology badhosts/junk.xml: hwloc cannot load the topology: Invalid argument"]]' \
    "... each listed with a message naming its file"
tap_is "$(jget outbad/fleet.json 'd["totals"]["planned"]')" "$((n_hosts - 2))" "... and the others planned"
grep -q "warning: badhosts/orphan.nics.json: no orphan.xml beside it; ignored" stderr &&
    grep -q "warning: badhosts/README: neither HOST.xml nor HOST.nics.json; ignored" stderr
tap_ok $? "stray files are warnings"

# --- bad fleet input: nothing written ---------------------------------------
check() { # check NAME WANT-MESSAGE ARGS...
    name=$1 want=$2
    shift 2
    rm -rf outx
    "$NFVHOST" fleet "$@" > /dev/null 2> stderr
    status=$?
    tap_is "$status" 2 "$name: exit status 2"
    tap_is "$(grep -v "^Try" stderr | tail -n 1)" "$want" "$name: message"
    [ ! -e outx ] && ! ls -a | grep -q '^\.outx\.tmp'
    tap_ok $? "$name: nothing written"
}
printf '[group a*]\nintent = edge.ini\ncolour = blue\n' > groups/g1.ini
check groups-unknown-key "nfvhost: groups/g1.ini:3: unknown key 'colour' in [group a*]: a group has only 'intent = FILE.ini'" \
    plan --hosts hosts --groups groups/g1.ini --output outx
printf '[group a*]\nintent = edge.ini\n[group a*]\nintent = edge.ini\n' > groups/g2.ini
check groups-duplicate "nfvhost: groups/g2.ini:3: duplicate [group a*] (first on line 1)" \
    plan --hosts hosts --groups groups/g2.ini --output outx
printf '[edge]\nintent = edge.ini\n' > groups/g3.ini
check groups-section "nfvhost: groups/g3.ini:1: unknown section [edge]: expected [group PATTERN]" \
    plan --hosts hosts --groups groups/g3.ini --output outx
printf '[group a*]\n; nothing\n' > groups/g4.ini
check groups-no-intent "nfvhost: groups/g4.ini:1: [group a*] has no 'intent = FILE.ini'" \
    plan --hosts hosts --groups groups/g4.ini --output outx
printf '[group a*]\nintent = nope.ini\n' > groups/g5.ini
check groups-missing-intent "nfvhost: groups/nope.ini: cannot open intent file: No such file or directory" \
    plan --hosts hosts --groups groups/g5.ini --output outx
printf '[group a*]\nintent edge.ini\n' > groups/g6.ini
check groups-syntax "nfvhost: groups/g6.ini:2: expected 'key = value', '[group PATTERN]' or a comment" \
    plan --hosts hosts --groups groups/g6.ini --output outx
printf '[host]\nhugepage_size = 3M\n' > bad-intent.ini
check bad-intent "nfvhost: bad-intent.ini:2: bad hugepage_size '3M': expected 2M or 1G" \
    plan --hosts hosts --intent bad-intent.ini --output outx
check no-hosts-dir "nfvhost: --hosts nowhere: No such file or directory" \
    plan --hosts nowhere --output outx
check empty-hosts "nfvhost: --hosts empty-root: no HOST.xml in it (export each host with 'lstopo --of xml')" \
    plan --hosts empty-root --output outx
mkdir badname
ln -s "$HOMELAB/topology.xml" "badname/-x.xml"
check bad-host-name "nfvhost: --hosts badname/-x.xml: host name must be 1-255 letters, digits, '.', '-' or '_', starting with a letter or digit, and none of the fleet's own file names" \
    plan --hosts badname --output outx
check jobs "nfvhost fleet plan: -j 0: expected 1-1024" \
    plan --hosts hosts --output outx -j 0
check missing-output "nfvhost fleet plan: --hosts DIR and --output DIR are required" \
    plan --hosts hosts
check subcommand "nfvhost fleet: unknown subcommand 'apply': expected 'plan'" apply
mkdir outx
touch outx/precious
"$NFVHOST" fleet plan --hosts hosts --output outx > /dev/null 2> stderr
tap_is "$?" 2 "an --output directory that is not a fleet's is refused"
[ -e outx/precious ]
tap_ok $? "... and left alone"
# Issue 11, defect 4: a fleet's own output with a file added is foreign too.
echo "my notes" > out1/edge-02/notes.txt
"$NFVHOST" fleet plan --hosts hosts --intent intent.ini --groups groups/groups.ini \
    --output out1 > /dev/null 2> stderr
tap_is "$? $(grep -v warning stderr)" "2 nfvhost: --output out1 holds out1/edge-02/notes.txt, which nfvhost did not write; refusing to replace the directory (move it away, or choose another --output)" \
    "a file added to a fleet's output: exit 2, naming it"
tap_is "$(cat out1/edge-02/notes.txt)" "my notes" "... and it is kept"
rm out1/edge-02/notes.txt
"$NFVHOST" fleet plan --hosts hosts --intent intent.ini --groups groups/groups.ini \
    --output out1 > /dev/null 2>&1
tap_is "$?" 3 "without it, the fleet's output is replaced (exit 3: some host infeasible)"
tap_done
