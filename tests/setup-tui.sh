#!/bin/sh
# setup-tui.sh: 'nfvhost setup' on a real 80x24 terminal (tmux): Enter on
# every screen, adding a VM, a plan that does not fit sent back to the
# screen that fixes it, Ctrl-C on every screen, SIGTERM, SIGHUP, the
# terminal going away (the wizard must not outlive it), a resize, the
# picture saved, and an intent edited.  Each asserts what the screen shows and
# what is written.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
require "command -v tmux" "tmux"
scratch
. "$top_srcdir/tests/setup-lib.sh"
trap 'tui_stop; rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH"
ARGS="--topology '$HOMELAB/topology.xml' --output out"

# The plan.json that 'nfvhost plan' makes of the written intent.
replans() {
    "$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$1/intent.ini" \
        --json > replan.json 2> /dev/null && cmp -s replan.json "$1/plan.json"
}

# --- Enter on every screen -------------------------------------------------
tui_start defaults "$ARGS"
wait_for "1/6 Machine"
tap_ok $? "Machine screen comes up"
screen | grep -qF "L3 #0 (16 MiB): [0 6] [1 7] [2 8]" \
    && screen | grep -qF "0000:03:00.1 enp3s0f1   node 0"
tap_ok $? "Machine: L3 domains with their cores and sibling PUs, and the NICs"
boxed
tap_ok $? "Machine: fits 80x24 (every line inside the window)"
keys Enter
wait_for "2/6 Uplink" && screen | grep -qF "[*] 0000:03:00.0 enp3s0f0"
tap_ok $? "Uplink: the first NIC that can be one is marked by default"
boxed
tap_ok $? "Uplink: fits 80x24"
keys Enter
wait_for "3/6 Host" && screen | grep -qF "Housekeeping cores per node 1___"
tap_ok $? "Host: each field shows its default"
screen | grep -qF "OS, IRQs, OVS main, libvirt" && screen | grep -qF "group: spread rx queues by load"
tap_ok $? "Host: ... and its reason"
boxed
tap_ok $? "Host: fits 80x24"
keys Enter
wait_for "4/6 VMs" && screen | grep -qF "(none yet: Add one, or Next for none)"
tap_ok $? "VMs: none by default"
keys Enter
wait_for "5/6 Plan"
screen > plan-screen.txt
grep -qF "L3 #0  [ 0 H  6 H] [ 1 E  7 E] [ 2 G  8 G]" plan-screen.txt \
    && grep -qF "L3 #1  [ 3 P  9 P] [ 4 G 10 G] [ 5 G 11 G]" plan-screen.txt
tap_ok $? "Plan: the picture, every PU with its pool"
grep -qF "pmd          3,9: OVS-DPDK poll threads, 100% busy by design" plan-screen.txt
tap_ok $? "Plan: what each pool is for"
grep -qF "Uplink 0000:03:00.0 (node 0); VFs from 0000:03:00.1" plan-screen.txt
tap_ok $? "Plan: the uplink and the PF for VFs"
TM capture-pane -e -p -t w | grep -q "$(printf '\033')\[97m$(printf '\033')\[41m 3 P"
tap_ok $? "Plan: PMD PUs are white on red"
boxed
tap_ok $? "Plan: fits 80x24"
keys Enter
wait_for "6/6 Review" && screen | grep -qF "out/intent.ini" \
    && screen | grep -qF "changes nothing on this host"
tap_ok $? "Review: every file to be written, and that nothing is applied"
test ! -e out
tap_ok $? "nothing written before the Review screen's Write"
keys Enter
tap_is "$(wait_exit)" 0 "Enter on every screen: exit 0"
screen | grep -qF "out/openstack/sriov_agent.ini"
tap_ok $? "... and the files written are listed"
tap_is "$(cd out && find . -type f | sort | tr '\n' ' ')" \
    "./.nfvhost-output ./grub.d/nfvhost.cfg ./intent.ini ./irqbalance/irqbalance.env ./kernel-cmdline.txt ./openstack/controller.conf ./openstack/flavors.sh ./openstack/nova.conf ./openstack/openvswitch_agent.ini ./openstack/sriov_agent.ini ./ovs-other-config.sh ./plan.json ./tuned/cpu-partitioning-variables.conf " \
    "intent.ini and the plan's files, and the manifest listing them"
grep -qx "uplink = 0000:03:00.0" out/intent.ini && grep -q "^; Housekeeping cores per node -- " out/intent.ini
tap_ok $? "intent.ini: every answer, commented"
replans out
tap_ok $? "intent.ini re-plans to the same plan.json"
rm -rf out

# --- Adding a VM; a VM that does not fit is sent back to the VMs screen ----
tui_start addvm "$ARGS"
wait_for "1/6 Machine" && keys Enter && wait_for "2/6 Uplink" && keys Enter \
    && wait_for "3/6 Host" && keys Enter && wait_for "4/6 VMs"
keys Tab Tab Enter              # Next -> Back -> Add
wait_for "Queue pairs per vhost NIC"
tap_ok $? "Add opens the VM dialog"
screen | grep -qF "vCPUs                       2___" && screen | grep -qF "Disk image or block device  none"
tap_ok $? "... with the defaults"
# Cancel, Name, vCPUs, Memory, NICs: a name, 16 vCPUs, two VLANs.
keys Tab Tab BSpace BSpace BSpace fw1 Tab BSpace 16 Tab Tab \
    BSpace BSpace BSpace BSpace BSpace "vhost:100,vhost:200" Enter
wait_for "fw1: 16 vCPUs, 2G, vhost:100, vhost:200"
tap_ok $? "the VM is listed"
keys Enter
wait_for "The plan does not fit: back to VMs"
tap_ok $? "16 vCPUs do not fit: the Plan screen says so"
screen | tr -d '\n│ ' | grep -qF "VMfw1(16vCPUs,thread_policyprefer)doesnotfitonNUMAnode0:10vCPU(s)short"
tap_ok $? "... with the planner's message (which VM, by how much)"
keys Enter
wait_for "4/6 VMs"
tap_ok $? "... and goes back to the VMs screen"
keys Tab Tab Tab Enter          # Edit
wait_for "Queue pairs per vhost NIC"
keys Tab Tab Tab BSpace BSpace 4 Enter
wait_for "fw1: 4 vCPUs, 2G, vhost:100, vhost:200"
tap_ok $? "editing the VM: 4 vCPUs"
keys Enter
wait_for "5/6 Plan" && screen | grep -qF " 1  fw1"
tap_ok $? "the plan has the VM, in the legend"
screen | grep -q "\[ *[0-9]* 1 *[0-9]* 1\]"
tap_ok $? "... and in the picture"
keys Tab Tab Tab Enter          # Save picture
wait_for "Save picture (SVG)" && keys Enter
wait_for "Wrote the picture to nfvhost-plan.svg"
tap_ok $? "Save picture writes the SVG"
xmllint --noout nfvhost-plan.svg && grep -q '>fw1</text>' nfvhost-plan.svg
tap_ok $? "... a valid SVG with the VM"
keys Enter
wait_for "6/6 Review" && keys Enter
tap_is "$(wait_exit)" 0 "written: exit 0"
sed -n '/^\[vm fw1\]/,$p' out/intent.ini | grep -qx "vcpus = 4"
tap_ok $? "intent.ini has the VM, with its vCPUs"
grep -qx "nics = vhost:100, vhost:200" out/intent.ini
tap_ok $? "... with its NICs"
replans out
tap_ok $? "... and re-plans to the same plan.json"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent out/intent.ini --svg replan.svg > /dev/null
cmp -s replan.svg nfvhost-plan.svg
tap_ok $? "the saved picture is plan --svg's"

# --- The host side does not fit: back to the Host screen -------------------
tui_start host "--topology '$HOMELAB/topology.xml' --output out"
wait_for "1/6 Machine" && keys Enter && wait_for "2/6 Uplink" && keys Enter
wait_for "3/6 Host"
keys Tab Tab BSpace 6 Enter     # Back -> Housekeeping
wait_for "4/6 VMs" && keys Enter
wait_for "The plan does not fit: back to Host"
tap_ok $? "6 housekeeping cores of 6 do not fit: back to Host"
keys Enter
wait_for "3/6 Host" && screen | grep -qF "Housekeeping cores per node 6___"
tap_ok $? "... the Host screen, with the answer to change"
keys Tab Tab BSpace 2 Enter
wait_for "4/6 VMs" && keys Enter
wait_for "5/6 Plan" && screen | grep -qF "[ 0 H  6 H] [ 1 H  7 H]"
tap_ok $? "2 housekeeping cores fit"
keys Enter && wait_for "6/6 Review" && keys Enter
tap_is "$(wait_exit)" 0 "written: exit 0"
grep -qx "housekeeping_cores_per_numa = 2" out/intent.ini
tap_ok $? "intent.ini has the fixed answer"
rm -rf out

# --- A bad answer is refused on its screen ---------------------------------
tui_start bad "$ARGS"
wait_for "1/6 Machine" && keys Enter && wait_for "2/6 Uplink" && keys Enter
wait_for "3/6 Host"
keys Tab Tab Tab Tab Tab Tab Tab Tab BSpace BSpace BSpace BSpace 99999 Enter
wait_for "MTU: bad mtu '99999': expected an integer from 68 to 9702"
tap_ok $? "a bad MTU is refused with the intent's message"
keys BSpace BSpace BSpace BSpace BSpace 9000 Enter
wait_for "4/6 VMs"
tap_ok $? "... the MTU field keeps the focus: a new value goes on"
keys C-c
tap_is "$(wait_exit)" 130 "Ctrl-C then: exit 130"

# --- Ctrl-C on every screen leaves nothing ---------------------------------
n=0
for s in Machine Uplink Host VMs Plan Review; do
    n=$((n + 1))
    tui_start "ctrlc$n" "$ARGS"
    i=1
    for t in Machine Uplink Host VMs Plan; do
        [ $i -lt $n ] || break
        wait_for "$i/6 $t" && keys Enter
        i=$((i + 1))
    done
    wait_for "$n/6 $s" && keys C-c
    tap_is "$(wait_exit)" 130 "Ctrl-C on the $s screen: exit 130"
    nothing_left "$SCRATCH/out"
    tap_ok $? "... and nothing written"
done
tui_start sigterm "$ARGS"
wait_for "1/6 Machine" && keys Enter && wait_for "2/6 Uplink"
kill -TERM "$(cat sigterm.pid)"
tap_is "$(wait_exit)" 130 "SIGTERM: exit 130"
screen | grep -qF "setup stopped: nothing written"
tap_ok $? "... the terminal is restored and says so"

# The terminal goes away (its tmux server killed): the wizard ends too,
# whether SIGHUP reaches it or not (started with SIGHUP ignored, as nohup
# starts it, it sees the hangup on the terminal itself: newt alone would
# spin on the end of file for ever).
for how in default ignored; do
    if [ $how = ignored ]; then TUI_PRE='trap "" HUP;'; fi
    tui_start "hangup-$how" "$ARGS"
    TUI_PRE=
    wait_for "1/6 Machine" && keys Enter && wait_for "2/6 Uplink"
    hup_pid=$(cat "hangup-$how.pid")
    TM kill-server
    gone "$hup_pid"
    tap_ok $? "the terminal gone (SIGHUP $how): the wizard exits"
    nothing_left "$SCRATCH/out"
    tap_ok $? "... and nothing written"
done

# Line by line on a terminal (--plain), SIGHUP ignored: the end of input
# ends it.
TUI_PRE='trap "" HUP;'
tui_start hangup-plain "$ARGS --plain"
TUI_PRE=
wait_for "== 2/6 Uplink =="
hup_pid=$(cat hangup-plain.pid)
TM kill-server
gone "$hup_pid"
tap_ok $? "--plain, the terminal gone (SIGHUP ignored): the wizard exits"
nothing_left "$SCRATCH/out"
tap_ok $? "... and nothing written"

# SIGHUP with the terminal still there: stopped as by Ctrl-C, the terminal
# restored.
tui_start sighup "$ARGS"
wait_for "1/6 Machine" && keys Enter && wait_for "2/6 Uplink"
kill -HUP "$(cat sighup.pid)"
tap_is "$(wait_exit)" 130 "SIGHUP: exit 130"
screen | grep -qF "setup stopped: nothing written"
tap_ok $? "... the terminal is restored and says so"
nothing_left "$SCRATCH/out"
tap_ok $? "... and nothing written"

# --- Resizing redraws, and keeps what was typed ----------------------------
tui_start resize "$ARGS"
wait_for "1/6 Machine" && keys Enter && wait_for "2/6 Uplink" && keys Enter
wait_for "3/6 Host"
# The resize comes once the 2 shows: newt notices a resize only while it
# waits for a key, so keys still in flight would race it.
keys Tab Tab BSpace 2
wait_for "Housekeeping cores per node 2___"
TM resize-window -t w -x 100 -y 30
sleep 0.5
wait_for "Housekeeping cores per node 2___" \
    && screen | sed -n 2p | grep -q "^ ┌─*┤ 3/6 Host ├─*┐$" \
    && [ "$(screen | sed -n 2p | wc -m)" -gt 90 ]
tap_ok $? "resized to 100x30: redrawn as wide, the typed 2 kept"
keys BSpace 3
wait_for "Housekeeping cores per node 3___"
tap_ok $? "... and the field keeps the focus: the next keys go on into it"
TM resize-window -t w -x 80 -y 24
sleep 0.5
wait_for "3/6 Host" && boxed
tap_ok $? "back to 80x24: redrawn and boxed"
keys Enter && wait_for "4/6 VMs" && keys Enter && wait_for "5/6 Plan" \
    && keys Enter && wait_for "6/6 Review" && keys Enter
tap_is "$(wait_exit)" 0 "written after the resizes"
grep -qx "housekeeping_cores_per_numa = 3" out/intent.ini
tap_ok $? "... with the answer typed before them"
rm -rf out

# --- --intent: edit an existing intent -------------------------------------
tui_start edit "$ARGS --intent '$HOMELAB/intent.ini'"
wait_for "1/6 Machine" && keys Enter && wait_for "2/6 Uplink"
screen | grep -qF "[*] 0000:03:00.0"
tap_ok $? "--intent: its uplink is marked"
keys Enter && wait_for "3/6 Host" && keys Enter && wait_for "4/6 VMs"
screen | grep -qF "vrouter1: 2 vCPUs, 4G, vhost:100, vhost:200, sriov:300" \
    && screen | grep -qF "trafgen1: 2 vCPUs, 2G, vhost:200"
tap_ok $? "--intent: its VMs are listed"
keys Enter && wait_for "5/6 Plan" && keys Enter && wait_for "6/6 Review" && keys Enter
tap_is "$(wait_exit)" 0 "--intent, Enter everywhere: exit 0"
tap_is "$(grep -c '^\[vm ' out/intent.ini)" 3 "... the three VMs written back"
grep -A20 '^\[vm vrouter1\]' out/intent.ini | grep -qx "sriov_pf = 0000:03:00.1"
tap_ok $? "... vrouter1's VFs from the PF that is not the uplink"
replans out
tap_ok $? "... and it re-plans to the same plan.json"
# --- Review: apply's dry run, and Write and apply (on a tree) ---------------
# The host is a tree (apply-lib.sh's: hugepage pools, /proc/cmdline, the
# X710's PFs): apply changes only the tree, and keeps its state there.
R="$SCRATCH/root"
. "$top_srcdir/tests/apply-lib.sh"
make_root
tui_start wapply "$ARGS --sysfs-root '$R'"
for t in Machine Uplink Host VMs Plan; do
    wait_for "/6 $t" && keys Enter
done
wait_for "6/6 Review"
screen | grep -qF "[1/8] hugepages" && screen | grep -qF "Write and apply then applies"
tap_ok $? "Review: what applying would change (apply's dry run)"
screen | grep -qF "<Write only>   <Write and apply>   <Back>"
tap_ok $? "Review: Write only, Write and apply, Back"
keys Tab Enter
if [ "$(id -u)" = 0 ]; then
    tap_is "$(wait_exit)" 5 "Write and apply: written, then applied up to the reboot (exit 5)"
    screen | tr -d '\n' | grep -qF "Reboot, then run 'nfvhost apply --plan out/plan.json --resume --sysfs-root $R'"
    tap_ok $? "... which says what to run after it"
    test -s "$R/var/lib/nfvhost/apply.json" && test -s out/plan.json \
        && [ "$(cat "$R/$N/node0/hugepages/hugepages-1048576kB/nr_hugepages")" -gt 0 ]
    tap_ok $? "... the plan written, its pools and state in the tree"
else
    wait_for "Write and apply changes this host: it needs root."
    tap_ok $? "Write and apply needs root"
    keys C-c
    wait_exit > /dev/null
fi

# Every wizard and pane this test started is stopped (by pid, tui_stop).
tui_stop
tap_is "$(left_running)" "" "no wizard or pane of this test left running"
tap_done
