#!/bin/sh
# setup-plain.sh: 'nfvhost setup' line by line (--plain, or no terminal):
# defaults, a VM with a disk and an installer ISO, a bad answer asked
# again, a NIC with a route refused as the uplink, a plan that does not
# fit sent back to its screen, and stopping (end of input, quit) with
# nothing written.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
require "command -v qemu-img" "qemu-img (qemu-utils)"
scratch
cd "$SCRATCH"
TOPO_ARGS="--topology $HOMELAB/topology.xml"

# Answers, one per line, for: uplink, PF, the 10 host questions, role.
enters() { i=0; while [ $i -lt "$1" ]; do echo; i=$((i + 1)); done; }

# --- Enter everywhere -------------------------------------------------------
enters 20 | "$NFVHOST" setup --plain $TOPO_ARGS --output plain > out.txt 2> err.txt
tap_is "$?" 0 "--plain, Enter everywhere: exit 0"
for s in "1/6 Machine" "2/6 Uplink" "3/6 Host" "4/6 VMs" "5/6 Plan" "6/6 Review"; do
    grep -qx "== $s ==" out.txt
    tap_ok $? "screen $s"
done
grep -qx "Uplink NIC(s) -- OVS-DPDK takes it: no route on it \[0000:03:00.0\]: " out.txt
tap_ok $? "each question shows its reason and its default in brackets"
grep -qF "    [ 3 P  9 P] [ 4 G 10 G] [ 5 G 11 G]" out.txt
tap_ok $? "the Plan screen shows the picture"
grep -qx "plain/openstack/nova.conf" out.txt && grep -qx "Wrote:" out.txt
tap_ok $? "the files written are listed"
: > empty.ini
"$NFVHOST" setup $TOPO_ARGS --answers empty.ini --output answers > /dev/null
# (The comments at the top name the output directory.)
same_intent() { [ "$(grep -v '^;' "$1")" = "$(grep -v '^;' "$2")" ]; }
same_intent plain/intent.ini answers/intent.ini && cmp -s plain/plan.json answers/plan.json
tap_ok $? "Enter everywhere writes what an empty --answers file does"
enters 20 | "$NFVHOST" setup $TOPO_ARGS --output piped > piped.txt 2>&1
grep -qx "== 1/6 Machine ==" piped.txt && same_intent plain/intent.ini piped/intent.ini
tap_ok $? "without a terminal, setup asks line by line without --plain"

# --- A VM that boots from a disk, installed from an ISO ---------------------
qemu-img create -q -f qcow2 "$SCRATCH/web.qcow2" 1G
python3 -c 'import sys; f = open(sys.argv[1], "wb"); f.write(b"\0" * 32769 + b"CD001" + b"\0" * 2042)' "$SCRATCH/inst.iso"
{
    enters 13                   # uplink, PF, host, role
    echo "add web"
    echo 4                      # vcpus
    echo 4G                     # memory
    echo "vhost:100, vhost:200" # nics
    echo                        # thread_policy
    echo "$SCRATCH/web.qcow2"   # disk
    echo "$SCRATCH/inst.iso"    # cdrom
    echo                        # numa
    echo                        # queues
    echo done
    echo                        # review: write
} | "$NFVHOST" setup --plain $TOPO_ARGS --output vm > out.txt 2>&1
tap_is "$?" 0 "adding a VM: exit 0"
grep -qF "  web: 4 vCPUs, 4G, vhost:100, vhost:200, disk $SCRATCH/web.qcow2 (qcow2 image, 1 GiB), CD-ROM $SCRATCH/inst.iso (ISO 9660 image, 34 KiB)" out.txt
tap_ok $? "the VM is listed with its disk's and its ISO's formats" || grep 'web:' out.txt | sed 's/^/# /'
sed -n '/^\[vm web\]/,$p' vm/intent.ini > web.ini
grep -qx "vcpus = 4" web.ini && grep -qx "nics = vhost:100, vhost:200" web.ini \
    && grep -qx "disk = $SCRATCH/web.qcow2" web.ini && grep -qx "cdrom = $SCRATCH/inst.iso" web.ini
tap_ok $? "intent.ini has the VM, its disk and its ISO"
tap_is "$(jget vm/plan.json '[v["name"] for v in d["vms"]]')" '["web"]' "plan.json has the VM"

# --- A bad answer is explained and asked again ------------------------------
{ enters 8; echo 99999; echo 9000; enters 20; } \
    | "$NFVHOST" setup --plain $TOPO_ARGS --output mtu > out.txt 2>&1
tap_is "$?" 0 "a bad MTU, then a good one: exit 0"
grep -qx "  bad mtu '99999': expected an integer from 68 to 9702" out.txt
tap_ok $? "the bad answer gets the intent's message"
tap_is "$(grep -c '^MTU -- ' out.txt)" 2 "... and the question again"
grep -qx "mtu = 9000" mtu/intent.ini
tap_ok $? "the second answer is written"

# --- A NIC that carries a route cannot be the uplink ------------------------
R="$SCRATCH/root"
fake_nic_tree "$R"
{ echo 0000:03:00.1; echo 0000:03:00.0; enters 20; } \
    | "$NFVHOST" setup --plain $TOPO_ARGS --sysfs-root "$R" --output route > out.txt 2>&1
tap_is "$?" 0 "route: exit 0 after a second answer"
grep -qF "  0000:03:00.1 enp3s0f1   node 0 i40e up 10G SR-IOV 0/64" out.txt \
    && grep -qF "    not an uplink: carries a route or address: DPDK would cut it off" out.txt
tap_ok $? "Machine: each NIC with driver, node, link, speed, SR-IOV, and why it cannot be an uplink"
grep -qx "  0000:03:00.1 (enp3s0f1) carries a route or address: DPDK would cut it off" out.txt
tap_ok $? "the NIC with a route is refused as the uplink"
grep -qx "uplink = 0000:03:00.0" route/intent.ini
tap_ok $? "... and the other one taken"

# --- A VM that does not fit: back to the VMs screen -------------------------
{
    enters 13; echo "add big"; echo 16; enters 7; echo done
    echo; echo "edit big"; echo 2; enters 7; echo done; echo
} | "$NFVHOST" setup --plain $TOPO_ARGS --output big > out.txt 2>&1
tap_is "$?" 0 "infeasible, then fixed: exit 0"
grep -qF "  VM big (16 vCPUs, thread_policy prefer) does not fit on NUMA node 0: 10 vCPU(s) short" out.txt
tap_ok $? "the planner's message: which VM, by how much"
grep -qx "Back to the VMs screen to change it." out.txt
tap_ok $? "... and back to the VMs screen"
tap_is "$(grep -c '^== 4/6 VMs ==$' out.txt)" 2 "the VMs screen is asked again"
sed -n '/^\[vm big\]/,$p' big/intent.ini | grep -qx "vcpus = 2"
tap_ok $? "the fixed VM is written"
{ enters 13; echo "add big"; echo 16; yes ''; } 2> /dev/null | head -200 \
    | "$NFVHOST" setup --plain $TOPO_ARGS --output loop > out.txt 2> err.txt
tap_is "$?" 3 "only Enter after a plan that does not fit: stops with exit 3"
grep -q "(again, with no answer changed: stopping; nothing written)$" err.txt
tap_ok $? "... saying why"
nothing_left loop
tap_ok $? "... and writes nothing"

# --- Stopping leaves nothing ------------------------------------------------
enters 5 | "$NFVHOST" setup --plain $TOPO_ARGS --output eof > out.txt 2> err.txt
tap_is "$?" 130 "end of input: exit 130"
tap_is "$(cat err.txt)" "nfvhost: setup stopped: nothing written" "... saying nothing was written"
nothing_left eof
tap_ok $? "... and nothing is"
{ enters 14; echo quit; } | "$NFVHOST" setup --plain $TOPO_ARGS --output quit > out.txt 2>&1
tap_is "$?" 130 "quit on the Review screen: exit 130"
nothing_left quit
tap_ok $? "... nothing written"

# --- Review: apply's dry run, and 'apply' (on a tree) ------------------------
R2="$SCRATCH/root2"
(R="$R2"; SCRATCH="$SCRATCH"; . "$top_srcdir/tests/apply-lib.sh"; make_root)
{ enters 14; echo apply; } \
    | "$NFVHOST" setup --plain $TOPO_ARGS --sysfs-root "$R2" --output applied > out.txt 2>&1
rc=$?
grep -qx "nfvhost apply --dry-run: applied/plan.json (state $R2/var/lib/nfvhost/apply.json, not written)" out.txt
tap_ok $? "Review: apply's dry run of the plan, before anything is written"
if [ "$(id -u)" = 0 ]; then
    tap_is "$rc" 5 "'apply' as root: written, then applied up to the reboot (exit 5)"
    grep -qx "nfvhost apply: applied/plan.json (state $R2/var/lib/nfvhost/apply.json)" out.txt \
        && test -s "$R2/var/lib/nfvhost/apply.json"
    tap_ok $? "... the apply ran on the tree, its state there"
else
    grep -q "^  'apply' changes this host: it needs root" out.txt
    tap_ok $? "'apply' needs root"
fi

# --- Flags -------------------------------------------------------------------
"$NFVHOST" setup --bogus > /dev/null 2> err.txt
tap_is "$?" 2 "an unknown flag: exit 2"
tap_is "$(head -1 err.txt)" "nfvhost setup: unknown option '--bogus'" "... naming it"
"$NFVHOST" setup --sysfs-root "$SCRATCH/none" > /dev/null 2> err.txt
tap_is "$(head -1 err.txt)" "nfvhost setup: --sysfs-root $SCRATCH/none: not a directory" \
    "--sysfs-root must be a directory"
"$NFVHOST" setup --help | grep -q "^Usage: nfvhost setup \[--topology FILE.xml\]"
tap_ok $? "--help"
tap_done
