#!/bin/sh
# make-example.sh: the 1,000-host example fleet of docs/fleet.md, planned.
#     sh examples/fleet/make-example.sh [REPORT.md]
# Makes a fleet directory of 1,000 hosts (symbolic links to the fixture
# topologies, names varied), plans it with compute.ini, groups.ini,
# edge.ini and lab.ini, and copies the fleet's report.md to REPORT.md
# (default: examples/fleet/report.md, and then also into docs/fleet.md,
# between its markers).  tests/fleet-example.sh checks that the committed
# report is what this makes, and that docs/fleet.md shows it.
#   cmp-000..699  compute nodes, every fixture of tests/topologies in turn
#                 (one is too small to plan: fakecpukinds)
#   edge-000..249 the home-lab box (examples/homelab) with its VMs
#   lab-000..049  two small boxes in turn, 2M pages
set -e
src=$(cd "$(dirname "$0")/../.." && pwd)
NFVHOST=${NFVHOST:-$src/nfvhost}
default=$src/examples/fleet/report.md
report=${1:-$default}
case $report in /*) ;; *) report=$PWD/$report ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/examples/fleet" "$work/hosts"
cp "$src"/examples/fleet/*.ini "$work/examples/fleet/"
cd "$work"

hosts() { # hosts PREFIX COUNT TOPOLOGY...
    prefix=$1 count=$2
    shift 2
    i=0
    while [ $i -lt "$count" ]; do
        for t; do
            [ $i -lt "$count" ] || break
            ln -s "$t" "hosts/$(printf '%s-%03d' "$prefix" $i).xml"
            i=$((i + 1))
        done
    done
}
T=$src/tests/topologies
hosts cmp 700 "$T"/*.xml
hosts edge 250 "$src/examples/homelab/topology.xml"
hosts lab 50 "$T/nosmt-2n8c.xml" "$T/amd-2ccd-16c.xml"

# Exit status 3: some host is infeasible, which the report lists.
"$NFVHOST" fleet plan --hosts hosts --intent examples/fleet/compute.ini \
    --groups examples/fleet/groups.ini --output fleet > /dev/null || [ $? -eq 3 ]
cp fleet/report.md "$report"
if [ "$report" = "$default" ]; then
    python3 - "$src/docs/fleet.md" "$report" <<'PY'
import re, sys
doc, report = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
begin, end = "<!-- examples/fleet/report.md -->\n", "<!-- end of examples/fleet/report.md -->"
head, rest = text.split(begin, 1)
tail = rest.split(end, 1)[1]
open(doc, "w").write(head + begin + "\n````markdown\n" + report + "````\n" + end + tail)
PY
fi
