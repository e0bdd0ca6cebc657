#!/bin/sh
# planner-replan.sh: rule 16, 'nfvhost plan --previous PLAN.json' and
# --allow-moves on the home lab and a two-node fixture: VMs whose intent
# did not change keep their node, vCPU and emulator pins, their NICs'
# PMDs, MACs, VFs and ports; plan.json lists the changes; an edit that
# does not fit without moving a VM exits 3 and names it.  The same checks
# over hundreds of random edits are tests/unit/test-plan-stable.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
cd "$SCRATCH"

T="$HOMELAB/topology.xml"
"$NFVHOST" plan --topology "$T" --intent "$HOMELAB/intent.ini" --output base > /dev/null
tap_ok $? "the home lab plans"

# edit NAME PYTHON: NAME.ini is the home-lab intent edited by PYTHON, which
# changes 'vms' (a list of [name, body] in order).
edit() {
    python3 - "$HOMELAB/intent.ini" "$1.ini" "$2" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
head, rest = text.split("[vm ", 1)
vms = [["[vm " + b.split("]", 1)[0], "]" + b.split("]", 1)[1]] for b in ("[vm " + rest).split("[vm ")[1:]]
vms = [[n[4:], b] for n, b in vms]
web = ["web1", "]\nvcpus = 2\nmemory = 2G\nnics = vhost:100\n\n"]
exec(sys.argv[3])
open(sys.argv[2], "w").write(head + "".join("[vm " + n + b for n, b in vms))
PY
}

# keeps OLD.json NEW.json VM...: prints what VM lost, or nothing.
keeps() {
    python3 - "$@" <<'PY'
import json, sys
old, new = (json.load(open(f)) for f in sys.argv[1:3])
vm = lambda d, n: next(v for v in d["vms"] if v["name"] == n)
for name in sys.argv[3:]:
    a, b = vm(old, name), vm(new, name)
    for key in ("numa", "vcpupin", "emulatorpin"):
        if a[key] != b[key]:
            print(name, key, a[key], "->", b[key])
    for m, n in zip(a["nics"], b["nics"]):
        for key in ("pmd_cpu", "rxq_pmds", "mac", "vf", "port", "pf"):
            if m.get(key) != n.get(key):
                print(name, "nic", m["index"], key, m.get(key), "->", n.get(key))
if old["ovs"]["socket_dir"] != new["ovs"]["socket_dir"]:
    print("socket_dir")
PY
}

changes() { # changes FILE: "kind vm item" per change, one line
    jget "$1" '"; ".join(" ".join(str(c[k]) for k in ("kind", "vm", "item")) for c in d["changes"])'
}

replan() { # replan NAME [ARGS]: plan NAME.ini against base into NAME/
    _n=$1
    shift
    "$NFVHOST" plan --topology "$T" --intent "$_n.ini" --previous base/plan.json \
        --output "$_n" "$@" > "$_n.out" 2> "$_n.err"
}

# Adding a VM in front of vrouter1 (and dropping trafgen1 to make room),
# the issue's example: from scratch it reshuffles the PMDs of vrouter1.
edit front 'vms = [web] + vms[:2]'
replan front
tap_ok $? "add at the start: plans against the previous plan"
tap_is "$(keeps base/plan.json front/plan.json vrouter1 firewall1)" "" \
    "add at the start: vrouter1 and firewall1 keep node, pins, PMDs, MACs, VFs, ports"
tap_is "$(jget front/plan.json '[v["cpus"] for v in d["vms"]]')" '["2,8", "4,10", "5,11"]' \
    "add at the start: web1 takes what trafgen1 left"
tap_is "$(changes front/plan.json)" \
    "vm-removed trafgen1 None; port-removed trafgen1 vhu-trafgen1-0; vm-added web1 None; port-added web1 vhu-web1-0" \
    "add at the start: changes list the removed and the added VM and their ports, no pool"
"$NFVHOST" plan --topology "$T" --intent front.ini --output scratch-front > /dev/null
tap_ok "$( [ -n "$(keeps base/plan.json scratch-front/plan.json vrouter1 firewall1)" ]; echo $?)" \
    "... (without --previous the same edit moves vrouter1's PMDs, so the check above can fail)"
grep -q '^  vrouter1: .*\[kept\]$' front.out && grep -q '^  web1: .*\[new\]$' front.out \
    && grep -q '^Changes since the previous plan:$' front.out \
    && grep -q '^  trafgen1: removed (was on 2,8)$' front.out
tap_ok $? "add at the start: the summary marks kept and new VMs and lists the changes"

edit front2 'vms = [web] + vms[:2]'
replan front2
diff -r front front2 > /dev/null
tap_ok $? "the same previous plan and intent give byte-identical files"

edit middle 'vms = vms[:1] + [web] + vms[1:2]'
replan middle
tap_is "$?|$(keeps base/plan.json middle/plan.json vrouter1 firewall1)" "0|" "add in the middle: the others keep everything"
edit last 'vms = vms[:2] + [web]'
replan last
tap_is "$?|$(keeps base/plan.json last/plan.json vrouter1 firewall1)" "0|" "add at the end: the others keep everything"

edit remove 'del vms[1]'
replan remove
tap_is "$?|$(keeps base/plan.json remove/plan.json vrouter1 trafgen1)" "0|" "remove firewall1: the others keep everything"
tap_is "$(changes remove/plan.json)" \
    "vm-removed firewall1 None; port-removed firewall1 vhu-firewall1-0; port-removed firewall1 vhu-firewall1-1" \
    "remove: its ports are listed for ovs apply to delete"

edit reorder 'vms.reverse()'
replan reorder
tap_is "$?|$(keeps base/plan.json reorder/plan.json vrouter1 firewall1 trafgen1)" "0|" \
    "reorder: every VM keeps everything"
tap_is "$(jget reorder/plan.json 'd["changes"]')|$(grep -A1 '^Changes since' reorder.out | tail -1)" "[]|  none" \
    "reorder: nothing changed, and the summary says so"

edit grow 'vms = vms[:2]; vms[1][1] = vms[1][1].replace("vcpus = 2", "vcpus = 4")'
replan grow
tap_is "$?|$(keeps base/plan.json grow/plan.json vrouter1)" "0|" "grow firewall1 to 4 vCPUs: vrouter1 keeps everything"
tap_is "$(jget grow/plan.json '[c for c in d["changes"] if c["kind"] == "vm-changed"]')" \
    '[{"kind": "vm-changed", "vm": "firewall1", "item": "vcpus 2 -> 4", "before": null, "after": null, "restart": true}]' \
    "grow: the VM is re-placed, listed as changed, and must restart"
tap_is "$(jget grow/plan.json '[n["mac"] for n in d["vms"][1]["nics"]]')" \
    "$(jget base/plan.json '[n["mac"] for n in d["vms"][1]["nics"]]')" "grow: its NICs keep their MACs"

# A plan with changes is a previous plan too.
"$NFVHOST" plan --topology "$T" --intent front.ini --previous front/plan.json > again.out
tap_is "$?|$(grep -A1 '^Changes since' again.out | tail -1)" "0|  none" \
    "a plan made with --previous reads back as the next one's previous plan"

# Infeasible without moves: b and a on two nodes, then 'big' needs all of
# node 1, where a is.
T2="$TOPO/32em64t-2n8c2t-pci-normalio.xml"
cat > two.ini <<'INI'
[vm a]
vcpus = 2
memory = 2G
nics = vhost
[vm b]
vcpus = 2
memory = 2G
nics = vhost
INI
"$NFVHOST" plan --topology "$T2" --intent two.ini --output two > /dev/null 2>&1
cp two.ini big.ini
printf '[vm big]\nvcpus = 12\nmemory = 2G\nnics = vhost\nnuma = 1\n' >> big.ini
tap_is "$(jget two/plan.json '[v["numa"] for v in d["vms"]]')" "[1, 0]" "two nodes: a on node 1, b on node 0"
"$NFVHOST" plan --topology "$T2" --intent big.ini --previous two/plan.json > big.out 2> big.err
tap_is "$?" 3 "a VM that fits only if another moves: exit 3 without --allow-moves"
grep -q 'infeasible plan: keeping the VMs of the previous plan where they are: VM big (12 vCPUs, thread_policy prefer) does not fit on NUMA node 1: .*; moving a (CPUs 10,26) would make room: re-run with --allow-moves$' big.err
tap_ok $? "... and the message says which VM it would have to move and why"
[ ! -s big.out ]
tap_ok $? "... and prints no plan"
"$NFVHOST" plan --topology "$T2" --intent big.ini --previous two/plan.json --allow-moves \
    --output moved > moved.out 2> moved.err
tap_is "$?" 0 "--allow-moves: it plans"
grep -q '^  a: 10,26 -> 4,20 (moved; restart the guest: its node or CPU topology changed)$' moved.out
tap_ok $? "--allow-moves: the move is listed (a: 10,26 -> 4,20)"
tap_is "$(keeps two/plan.json moved/plan.json b)" "" "--allow-moves: the VM it did not need to move keeps everything"
tap_is "$(jget moved/plan.json '[c["kind"] + " " + c["vm"] for c in d["changes"] if c["kind"].startswith("vm-")]')" \
    '["vm-moved a", "vm-added big"]' "--allow-moves: it moves only a, the fewest"

# Bad input.
"$NFVHOST" plan --topology "$T" --allow-moves > /dev/null 2> am.err
tap_is "$?|$(head -1 am.err)" "2|nfvhost plan: --allow-moves needs --previous PLAN.json" \
    "--allow-moves without --previous is a usage error"
"$NFVHOST" plan --topology "$T" --previous nosuch.json > /dev/null 2> ns.err
tap_is "$?|$(cat ns.err)" "2|nfvhost: nosuch.json: No such file or directory" "--previous of a missing file: exit 2"
echo '{}' > notaplan.json
"$NFVHOST" plan --topology "$T" --previous notaplan.json > /dev/null 2> nap.err
tap_is "$?" 2 "--previous of a file that is not a plan: exit 2 ($(cat nap.err))"
tap_is "$(jget base/plan.json '"changes" in d')" "false" "without --previous plan.json has no changes (as before)"
# Multiqueue (review 6): a kept VM keeps the PMD of every rx queue.  From
# scratch, w1 in front takes PMD 3 and a's four queues shift to 4,9,10,3.
cat > mq.ini <<'INI'
[ovs]
uplink = 0000:03:00.0
pmd_cores_per_numa = 2
[vm a]
vcpus = 2
memory = 2G
queues = 4
nics = vhost:10
INI
"$NFVHOST" plan --topology "$T" --intent mq.ini --output mq > /dev/null
tap_is "$(jget mq/plan.json 'd["vms"][0]["nics"][0]["rxq_pmds"]')" "[3, 4, 9, 10]" \
    "multiqueue: one PMD per rx queue"
sed 's/^\[vm a\]/[vm w1]\nvcpus = 2\nmemory = 2G\nnics = vhost:20\n\n[vm a]/' mq.ini > mq2.ini
"$NFVHOST" plan --topology "$T" --intent mq2.ini --output mq-scratch > /dev/null
tap_is "$(jget mq-scratch/plan.json '[n["rxq_pmds"] for v in d["vms"] for n in v["nics"]]')" \
    "[[3], [4, 9, 10, 3]]" "multiqueue, from scratch: a's queues move"
"$NFVHOST" plan --topology "$T" --intent mq2.ini --previous mq/plan.json --output mq2 > mq2.out 2>&1
tap_ok $? "multiqueue: plans against the previous plan"
tap_is "$(keeps mq/plan.json mq2/plan.json a)" "" "multiqueue: a keeps every queue's PMD"
tap_is "$(jget mq2/plan.json 'd["vms"][0]["nics"][0]["rxq_pmds"]')" "[3]" \
    "... and w1 the least loaded PMD (all equal: the first)"
tap_done
