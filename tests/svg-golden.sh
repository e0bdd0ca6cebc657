#!/bin/sh
# svg-golden.sh: 'nfvhost plan --svg FILE', the machine picture as SVG,
# against tests/golden/svg (regenerate with tests/update-golden.sh and look
# at the rendered PNGs before committing), checked well-formed with
# xmllint and rendered to PNG by librsvg's rsvg-convert.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
cd "$SCRATCH"
G="$top_srcdir/tests/golden/svg"

# NICs of every kind (lib.sh's fake_nic_tree): an SR-IOV PF, a NIC that
# carries a route, and a VF of the first as the uplink.
R="$SCRATCH/root"
fake_nic_tree "$R"
printf '[ovs]\nuplink = 0000:03:02.0\n' > nics.ini

"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" \
    --svg homelab.svg --no-color > summary.txt
tap_is "$?" 0 "home lab: plan --svg exits 0"
grep -qx "Wrote homelab.svg" summary.txt
tap_ok $? "... and says what it wrote"
"$NFVHOST" plan --topology "$TOPO/offline-8c.xml" --svg offline.svg > /dev/null
tap_is "$?" 0 "offline and disallowed PUs: plan --svg exits 0"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --sysfs-root "$R" \
    --intent nics.ini --svg nics.svg > /dev/null 2>&1
tap_is "$?" 0 "NICs from a fake sysfs tree: plan --svg exits 0"

for f in homelab offline nics; do
    diff -u "$G/$f.svg" "$f.svg" > diff.txt
    tap_ok $? "golden $f.svg"
    [ -s diff.txt ] && sed 's/^/# /' diff.txt | head -20
    xmllint --noout "$f.svg" 2> xmllint.txt
    tap_ok $? "$f.svg is well-formed XML"
    rsvg-convert -o "$f.png" "$f.svg" 2> rsvg.txt
    tap_is "$?" 0 "rsvg-convert renders $f.svg"
    # The PNG's own header (IHDR) against the SVG's width and height.
    tap_is "$(python3 -c 'import struct, sys; b = open(sys.argv[1], "rb").read(24); print("png %dx%d" % struct.unpack(">II", b[16:24]) if b[:8] == b"\x89PNG\r\n\x1a\n" else "not a PNG")' "$f.png")" \
        "$(sed -n 's/^<svg [^>]*width="\([0-9]*\)" height="\([0-9]*\)".*/png \1x\2/p' "$f.svg")" \
        "$f.png is a PNG of the picture's size"
done

# What the home-lab picture shows, read back from the SVG.
tap_is "$(grep -c 'class="pu"' homelab.svg)" 12 "home lab: one box per PU (12)"
tap_is "$(sed -n 's/.*class="lbl"[^>]*>\([^<]*\)<.*/\1/p' homelab.svg | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')" \
    "emulator:2 firewall1:2 housekeeping:2 pmd:2 trafgen1:2 vrouter1:2 " \
    "home lab: each PU labelled with its pool or VM"
grep -q '<title>CPU 10: VM vrouter1, vCPU 1</title>' homelab.svg
tap_ok $? "home lab: a VM's PU says which vCPU runs there"
tap_is "$(grep -c 'class="nic uplink"' homelab.svg)" 2 \
    "home lab: the uplink NIC is marked (and the legend shows the mark)"
grep -q '>guest</text>' homelab.svg && grep -q '>2,4-5,8,10-11: vCPUs pinned' homelab.svg
tap_ok $? "home lab: the legend lists each pool with its CPUs"
grep -q '>node 0, L3 #1, vCPUs on 4,10, emulator on 1,7, 3 NIC(s)<' homelab.svg
tap_ok $? "home lab: the legend lists each VM"
tap_is "$(grep -c 'class="pu offline"' offline.svg)" 2 "offline.svg: the offline and the disallowed PU are drawn as such"
grep -q '>carries a route: not for DPDK<' nics.svg && grep -q 'class="nic route"' nics.svg
tap_ok $? "nics.svg: the NIC with a route says it cannot be an uplink"
grep -q '>SR-IOV 2/64 VFs, i40e<' nics.svg && grep -q '>uplink, polled from node 0<' nics.svg
tap_ok $? "nics.svg: the SR-IOV PF with its VF counts, and its VF as the uplink"
cmp -s "$G/homelab.svg" "$top_srcdir/docs/images/homelab-plan.svg"
tap_ok $? "docs/planner.md shows the current home-lab picture (docs/images/homelab-plan.svg)"

# Failures write nothing.  (Missing directories above the file are made:
# tests/cli.sh; a regular file in the way is not.)
: > "$SCRATCH/afile"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --svg "$SCRATCH/afile/x.svg" \
    > /dev/null 2> err.txt
tap_is "$?" 1 "an unwritable --svg path is a system error"
grep -q "^nfvhost: --svg $SCRATCH/afile/x.svg: cannot write: Not a directory$" err.txt
tap_ok $? "... naming the flag and the path"
printf '[vm big]\nvcpus = 64\nmemory = 4G\n' > big.ini
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent big.ini --svg big.svg \
    > /dev/null 2>&1
tap_is "$?" 3 "an infeasible plan exits 3"
test ! -e big.svg
tap_ok $? "... and draws no picture"
tap_done
