#!/bin/sh
# update-golden.sh: regenerate tests/golden/homelab from the current build.
# Review the diff before committing: golden files are the contract.
set -e
cd "$(dirname "$0")/.."
G=tests/golden/homelab
# The uplink is a vdev stand-in, as the tests run the home lab on this
# machine: the golden files never allowlist a PCI address (DPDK must not
# probe the test machine's own devices).  The PCI allowlist itself is
# covered by tests/planner-sysfs.sh and tests/planner-rules.sh.
STANDIN="--uplink-override 0000:03:00.0=net_af_packet0,iface=nfv-up0"
rm -rf out/golden-tmp
mkdir -p out
./nfvhost plan --topology examples/homelab/topology.xml \
    --intent examples/homelab/intent.ini $STANDIN --output out/golden-tmp --no-color \
    > out/summary.txt
mkdir -p $G
cp -r out/golden-tmp/. $G/
sed 's|out/golden-tmp|OUT|' out/summary.txt > $G/summary.txt
script -qec "./nfvhost plan --topology examples/homelab/topology.xml --intent examples/homelab/intent.ini $STANDIN" /dev/null | tr -d '\r' > $G/summary-color.txt
rm -rf out/golden-tmp out/summary.txt
echo "updated $G"

# The SVG pictures (tests/svg-golden.sh); look at them rendered
# (rsvg-convert FILE.svg -o FILE.png) before committing.
S=tests/golden/svg
top_srcdir=$(pwd)
. tests/lib.sh
rm -rf out/svg-root
fake_nic_tree out/svg-root
printf '[ovs]\nuplink = 0000:03:02.0\n' > out/svg-nics.ini
mkdir -p $S
./nfvhost plan --topology examples/homelab/topology.xml \
    --intent examples/homelab/intent.ini --svg $S/homelab.svg > /dev/null
./nfvhost plan --topology tests/topologies/offline-8c.xml --svg $S/offline.svg > /dev/null
./nfvhost plan --topology examples/homelab/topology.xml --sysfs-root out/svg-root \
    --intent out/svg-nics.ini --svg $S/nics.svg > /dev/null 2>&1
rm -rf out/svg-root out/svg-nics.ini
cp $S/homelab.svg docs/images/homelab-plan.svg
echo "updated $S"
