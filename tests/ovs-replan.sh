#!/bin/sh
# ovs-replan.sh: 'nfvhost ovs apply' of a plan made with --previous (rule
# 16) against a real ovsdb-server: one transaction adds and deletes only
# the ports of the VMs that were added or removed, moves only the rx queue
# affinities that changed, and leaves every other port alone (other VMs',
# and one added by hand).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v ovsdb-server && command -v ovsdb-tool' 'ovsdb-server (openvswitch-switch)'
require 'command -v python3' 'python3'

ovs_harness_start --no-vswitchd || { echo "Bail out! harness"; exit 1; }
SCRATCH=$OVS_RUNDIR/scratch; mkdir "$SCRATCH"
cd "$SCRATCH" || exit 1
SOCKDIR=$SCRATCH/sock
# The home lab's SR-IOV PF, the X710's second port, is a fake device (its
# VF count is all apply writes there).
SR=$SCRATCH/sr
fake_homelab_vf_pf "$SR"
apply() { "$NFVHOST" ovs apply --db "$OVS_DB" --sock-dir "$SOCKDIR" \
          --qemu-group root --no-wait --sysfs-root "$SR" "$@"; }
get() { ovs_vsctl get "$@" 2>&1; }
ports() { ovs_vsctl list-ports br-nfv | tr '\n' ' '; }
# Every Interface row but the ones named, as sorted CSV: what must not
# change.
others() {
    ovsdb-client -f csv dump "$OVS_DB" Interface name other_config external_ids options type \
        | grep -v "$1" | sort
}
T="$HOMELAB/topology.xml"
STANDIN="--uplink-override 0000:03:00.0=net_af_packet0,iface=vx0"

# The home lab, then web1 in front of vrouter1 instead of trafgen1.
"$NFVHOST" plan --topology "$T" --intent "$HOMELAB/intent.ini" $STANDIN --output base > /dev/null
apply --plan base/plan.json > /dev/null
tap_is "$?|$(ports)" "0|dpdk-up0 vhu-firewall1-0 vhu-firewall1-1 vhu-trafgen1-0 vhu-vrouter1-0 vhu-vrouter1-1 " \
    "the home lab applied"
"$NFVHOST" ovs port add --db "$OVS_DB" --sock-dir "$SOCKDIR" --qemu-group root --no-wait \
    extra 0 > /dev/null
tap_is "$?" 0 "a port added by hand (ovs port add)"
python3 - "$HOMELAB/intent.ini" <<'PY' > front.ini
import sys
s = open(sys.argv[1]).read()
s = s.replace("[vm vrouter1]", "[vm web1]\nvcpus = 2\nmemory = 2G\nnics = vhost:100\n\n[vm vrouter1]")
print(s[:s.index("[vm trafgen1]")], end="")
PY
"$NFVHOST" plan --topology "$T" --intent front.ini $STANDIN --previous base/plan.json \
    --output front > /dev/null
before=$(others 'vhu-trafgen1-0\|vhu-web1-0')
apply --plan front/plan.json --json > front.json 2> front.err
tap_is "$?" 0 "apply of the re-plan exits 0"
grep -q 'in one transaction (attempt 1)$' front.err
tap_ok $? "... in one transaction"
tap_is "$(jget front.json '[c["what"] for c in d["changes"]]')" '["Interface vhu-web1-0", "Port vhu-web1-0", "Port vhu-trafgen1-0"]' \
    "... which adds web1's port and deletes trafgen1's, nothing else"
tap_is "$(ports)" "dpdk-up0 vhu-extra-0 vhu-firewall1-0 vhu-firewall1-1 vhu-vrouter1-0 vhu-vrouter1-1 vhu-web1-0 " \
    "the port added by hand stays (only the changes' ports go)"
tap_is "$(others 'vhu-trafgen1-0\|vhu-web1-0')" "$before" "every other interface is as it was"
tap_is "$(get Interface vhu-web1-0 other_config:pmd-rxq-affinity)" '"0:3"' "web1's rx queue on its planned PMD"
apply --plan front/plan.json > again.out 2>&1
tap_is "$?|$(grep -c '^nothing to change$' again.out)" "0|1" "a second apply: nothing to change (the deleted port is not missed)"

# A move: rx queue affinity moves with the port changes, in one
# transaction.
T2="$TOPO/32em64t-2n8c2t-pci-normalio.xml"
printf '[vm a]\nvcpus = 2\nmemory = 2G\nnics = vhost\n[vm b]\nvcpus = 2\nmemory = 2G\nnics = vhost\n' > two.ini
cp two.ini big.ini
printf '[vm big]\nvcpus = 12\nmemory = 2G\nnics = vhost\nnuma = 1\n' >> big.ini
"$NFVHOST" plan --topology "$T2" --intent two.ini --output two > /dev/null 2>&1
"$NFVHOST" plan --topology "$T2" --intent big.ini --previous two/plan.json --allow-moves \
    --output big > /dev/null 2>&1
ovs_vsctl del-br br-nfv
apply --plan two/plan.json > /dev/null 2>&1
tap_is "$(get Interface vhu-a-0 other_config:pmd-rxq-affinity)" '"0:9"' "two nodes: a's rx queue on PMD 9 (node 1)"
tap_is "$(jget big/plan.json '[c["item"] + " " + c["before"] + " -> " + c["after"] for c in d["changes"] if c["kind"] == "rxq"]')" \
    '["vhu-a-0 9 -> 18"]' "the plan moves a's rx queue with a"
before=$(others 'vhu-a-0\|vhu-big-0\|^Open')
apply --plan big/plan.json --json > big.json 2> big.err
tap_is "$?" 0 "apply of the plan with a move exits 0"
grep -q 'in one transaction (attempt 1)$' big.err
tap_ok $? "... in one transaction"
tap_is "$(jget big.json '[c["what"] for c in d["changes"]]')" \
    '["Interface vhu-a-0 other_config:pmd-rxq-affinity", "Interface vhu-big-0", "Port vhu-big-0"]' \
    "... which moves a's rx queue and adds big's port, nothing else (the PMD pool stays)"
tap_is "$(get Interface vhu-a-0 other_config:pmd-rxq-affinity)" '"0:18"' "a's rx queue now on PMD 18"
tap_is "$(others 'vhu-a-0\|vhu-big-0\|^Open')" "$before" "every other interface is as it was"
tap_done
