#!/bin/sh
# update-golden.sh: regenerate tests/golden/homelab from the current build.
# Review the diff before committing: golden files are the contract.
set -e
cd "$(dirname "$0")/.."
G=tests/golden/homelab
rm -rf out/golden-tmp
mkdir -p out
./nfvhost plan --topology examples/homelab/topology.xml \
    --intent examples/homelab/intent.ini --output out/golden-tmp --no-color \
    > out/summary.txt
mkdir -p $G
cp -r out/golden-tmp/. $G/
sed 's|out/golden-tmp|OUT|' out/summary.txt > $G/summary.txt
script -qec "./nfvhost plan --topology examples/homelab/topology.xml --intent examples/homelab/intent.ini" /dev/null | tr -d '\r' > $G/summary-color.txt
rm -rf out/golden-tmp out/summary.txt
echo "updated $G"
