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
