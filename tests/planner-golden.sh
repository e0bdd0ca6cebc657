#!/bin/sh
# planner-golden.sh: every output format of 'nfvhost plan' on the home-lab
# example against tests/golden/homelab (regenerate with
# tests/update-golden.sh and review the diff).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
G="$top_srcdir/tests/golden/homelab"
# The uplink as a vdev stand-in: see tests/update-golden.sh.
STANDIN="--uplink-override 0000:03:00.0=net_af_packet0,iface=nfv-up0"
cd "$SCRATCH"

"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" \
    $STANDIN --output OUT --no-color > summary.txt
tap_is "$?" 0 "home-lab plans"
for f in $(cd "$G" && find . -type f ! -name 'summary*.txt' | sort); do
    diff -u "$G/$f" "OUT/$f" > diff.txt
    tap_ok $? "golden ${f#./}"
    [ -s diff.txt ] && sed 's/^/# /' diff.txt | head -20
done
tap_is "$(cd OUT && find . -type f | sort)" \
    "$(cd "$G" && find . -type f ! -name 'summary*.txt' | sort)" \
    "the output directory holds exactly the golden files"
diff -u "$G/summary.txt" summary.txt > diff.txt
tap_ok $? "golden summary and picture (plain)"
NO_COLOR=1 script -qec "\"$NFVHOST\" plan --topology \"$HOMELAB/topology.xml\" --intent \"$HOMELAB/intent.ini\" $STANDIN" /dev/null | tr -d '\r' > nocolor.txt
grep -q "$(printf '\033')" nocolor.txt
tap_ok $((! $?)) "NO_COLOR on a terminal: no escape sequences"
script -qec "\"$NFVHOST\" plan --topology \"$HOMELAB/topology.xml\" --intent \"$HOMELAB/intent.ini\" $STANDIN" /dev/null | tr -d '\r' > color.txt
diff -u "$G/summary-color.txt" color.txt > diff.txt
tap_ok $? "golden coloured picture on a terminal"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" $STANDIN --json > stdout.json
cmp -s stdout.json "$G/plan.json"
tap_ok $? "--json prints plan.json"
sh -n OUT/ovs-other-config.sh
tap_ok $? "ovs-other-config.sh is valid shell"
tap_is "$(stat -c %a OUT/ovs-other-config.sh)" 755 "ovs-other-config.sh is executable"
grep -q 'dpdk-extra="--no-pci"' OUT/ovs-other-config.sh
tap_ok $? "the stand-in uplink needs no PCI: dpdk-extra=--no-pci"
tap_done
