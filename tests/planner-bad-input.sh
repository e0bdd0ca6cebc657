#!/bin/sh
# planner-bad-input.sh: a corpus of bad intents, topologies and flags.  Each
# case asserts the exact message, the exit status (2 bad input, 3
# infeasible) and that no output directory was left behind.
# Intent cases: tests/bad-input/NAME.ini with "NAME|STATUS|MESSAGE" lines
# in tests/bad-input/expected.txt (run from a scratch directory, so the
# messages name the file relatively).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
cp "$top_srcdir"/tests/bad-input/*.ini "$SCRATCH"
cd "$SCRATCH"

n_cases=0
check() { # check NAME WANT-STATUS WANT-MESSAGE ARGS...
    name=$1 want_status=$2 want_msg=$3
    shift 3
    rm -rf out
    "$NFVHOST" plan "$@" --output out > stdout 2> stderr
    status=$?
    tap_is "$status" "$want_status" "$name: exit status $want_status"
    tap_is "$(tail -n 1 stderr)" "$want_msg" "$name: message"
    [ ! -e out ] && ! ls -a | grep -q '^\.out\.tmp'
    tap_ok $? "$name: no output directory left"
    n_cases=$((n_cases + 1))
}

while IFS='|' read -r name status msg; do
    check "$name" "$status" "$msg" --topology "$HOMELAB/topology.xml" \
        --intent "$name.ini"
done < "$top_srcdir/tests/bad-input/expected.txt"

# Topologies and flags.
check missing-topology 2 "nfvhost: --topology nope.xml: No such file or directory" \
    --topology nope.xml
echo "not xml at all" > junk.xml
check junk-topology 2 "nfvhost: --topology junk.xml: hwloc cannot load the topology: Invalid argument" \
    --topology junk.xml
printf '<?xml version="1.0"?>\n<domain><name>x</name></domain>\n' > other.xml
check foreign-xml 2 "nfvhost: --topology other.xml: hwloc cannot load the topology: Invalid argument" \
    --topology other.xml
check missing-intent 2 "nfvhost: none.ini: cannot open intent file: No such file or directory" \
    --topology "$HOMELAB/topology.xml" --intent none.ini
check unknown-option 2 "Try 'nfvhost plan --help'." --frobnicate
check missing-value 2 "Try 'nfvhost plan --help'." --topology
check stray-argument 2 "Try 'nfvhost plan --help'." extra
check sysfs-root 2 "Try 'nfvhost plan --help'." --sysfs-root /nonexistent
grep -q "unknown option '--frobnicate'" stderr || true
"$NFVHOST" plan --frobnicate 2>&1 | grep -q "nfvhost plan: unknown option '--frobnicate'"
tap_ok $? "unknown-option: the message names the option"
check override-syntax 2 "nfvhost: --uplink-override 0000:03:00.0: expected PCI=DEVARGS, e.g. 0000:03:00.0=net_af_packet0,iface=veth0 (no spaces or quotes)" \
    --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" --uplink-override 0000:03:00.0
check override-not-uplink 2 "nfvhost: --uplink-override 0000:03:00.1=net_tap0: 0000:03:00.1 is not an [ovs] uplink of the intent" \
    --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" --uplink-override 0000:03:00.1=net_tap0
check no-cores-for-guests 3 "nfvhost: infeasible plan: no core is left for guests: NUMA node 0, the largest, has 2 usable core(s), and a node needs 4 = 1 housekeeping + 1 emulator-share + 1 PMD + 1 guest: short by 2. Plan a bigger host (--topology FILE.xml), or use fewer housekeeping, emulator-share or PMD cores in the intent" \
    --topology "$TOPO/fakecpukinds.xml"
printf '[vm a]\nvcpus = 2\nmemory = 2G\nnics = vhost\nthread_policy = require\n' > req.ini
check require-no-smt 3 "nfvhost: infeasible plan: VM a has thread_policy = require, but this host has no SMT (one PU per core): use prefer or isolate" \
    --topology "$TOPO/nosmt-2n8c.xml" --intent req.ini

# An existing directory that is not an earlier nfvhost output is refused
# and left exactly as it was.
mkdir precious
echo keep > precious/file
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --output precious > /dev/null 2> stderr
tap_is "$?" 2 "existing non-nfvhost --output: exit 2"
tap_is "$(cat stderr)" "nfvhost: --output precious exists and is not an nfvhost output directory (no .nfvhost-output listing plan.json in it); refusing to replace it" \
    "existing non-nfvhost --output: message"
tap_is "$(ls precious)" "file" "existing non-nfvhost --output: left untouched"

# Issue 11, defect 4: a plan.json is no licence to delete the rest.  The
# audit's repro: a directory with a plan.json in it and other files.
mkdir home
cp "$HOMELAB/intent.ini" home/intent.ini
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --output tmp-plan > /dev/null
cp tmp-plan/plan.json home/plan.json
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --output home > /dev/null 2> stderr
tap_is "$? $(cat stderr)" "2 nfvhost: --output home exists and is not an nfvhost output directory (no .nfvhost-output listing plan.json in it); refusing to replace it" \
    "defect 4: a directory with a plan.json nfvhost did not put there: exit 2"
tap_is "$(ls home | tr '\n' ' ')" "intent.ini plan.json " "... and nothing in it is deleted"
# A file added to nfvhost's own output directory makes it foreign too.
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --output mine > /dev/null
echo "my notes" > mine/notes.txt
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --output mine > /dev/null 2> stderr
tap_is "$? $(cat stderr)" "2 nfvhost: --output mine holds mine/notes.txt, which nfvhost did not write; refusing to replace the directory (move it away, or choose another --output)" \
    "defect 4: an output directory with a file added: exit 2, naming it"
tap_is "$(cat mine/notes.txt)" "my notes" "... and the file is kept"
rm mine/notes.txt
mkdir mine/openstack/mine
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --output mine > /dev/null 2> stderr
tap_is "$? $(cat stderr)" "2 nfvhost: --output mine holds mine/openstack/mine, which nfvhost did not write; refusing to replace the directory (move it away, or choose another --output)" \
    "... a directory added, even empty"
rmdir mine/openstack/mine
ln -s /etc/passwd mine/link
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --output mine > /dev/null 2> stderr
tap_is "$? $(cat stderr)" "2 nfvhost: --output mine holds mine/link, which nfvhost did not write; refusing to replace the directory (move it away, or choose another --output)" \
    "... a symbolic link added"
rm mine/link
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --output mine > /dev/null 2> stderr
tap_is "$? $(cat stderr)" "0 " "with only nfvhost's files in it, the directory is replaced"
tap_is "$(grep -v '^#' mine/.nfvhost-output | tr '\n' ' ')" "$(cd mine && find . -type f ! -name .nfvhost-output | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ')" \
    "its manifest (.nfvhost-output) lists every file written"

# A failed plan keeps an earlier good output directory as it was.
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --output good > /dev/null
cp good/plan.json before.json
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent hk-too-many.ini --output good > /dev/null 2>&1
tap_is "$?" 3 "infeasible re-plan into an existing output: exit 3"
cmp -s good/plan.json before.json
tap_ok $? "infeasible re-plan: the earlier plan.json is untouched"

tap_ok $([ "$n_cases" -ge 25 ] && echo 0 || echo 1) "the corpus has at least 25 cases ($n_cases)"
tap_done
