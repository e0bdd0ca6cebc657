#!/bin/sh
# apply-run.sh: 'nfvhost apply' of a whole plan on a tree (hugepages, GRUB
# drop-in, /proc/cmdline, SR-IOV PFs) and the harness's real OVS-DPDK,
# with libvirt's test driver: the dry run changes nothing; the first apply
# stops for the reboot (exit 5) with steps 1-2 done; --resume after the
# "reboot" does steps 3-8 (VFs, one OVSDB transaction, socket directory,
# two domains defined on test:///default, check's findings as the result);
# applying again is a no-op that says so; --resume of a finished apply has
# nothing to do; a domain libvirt has as planned is left alone, one apply
# did not define is refused without --yes.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
. "$top_srcdir/tests/apply-lib.sh"
apply_test_begin
tap_is "$(jget "$PLAN" '[v["name"] for v in d["vms"]]')" '["vrouter1", "firewall1"]' "the plan has two VMs"

# --- Dry run ---------------------------------------------------------------
before_tree=$(tree_sum)
before_db=$(db_dump)
apply --dry-run
tap_is "$?" 0 "dry run: exit 0"
for s in "1/8] hugepages" "2/8] kernel" "3/8] reboot" "4/8] sriov" "5/8] ovs" \
         "6/8] sockets" "7/8] libvirt" "8/8] check"; do
    grep -qF "[$s" "$SCRATCH/out"
    tap_ok $? "dry run shows step $s"
done
grep -qF "would write 6 to ROOT/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages (now 0)" "$SCRATCH/out" \
    && grep -qF "0000:03:00.1: would set sriov_numvfs 0 -> 1" "$SCRATCH/out" \
    && grep -qF "dry run: this transaction (11 changes) was not sent:" "$SCRATCH/out" \
    && grep -qF "would create socket directory SCRATCH/sock (root:root, 0770)" "$SCRATCH/out" \
    && grep -qF "would define domain vrouter1" "$SCRATCH/out"
tap_ok $? "dry run: every change of every step"
grep -qx "Dry run: nothing was changed. A real apply stops at step 3 for a reboot, and goes on with --resume after it." "$SCRATCH/out"
tap_ok $? "dry run: says where a real apply stops"
tap_is "$(tree_sum)" "$before_tree" "dry run: the tree is unchanged"
tap_is "$(db_dump)" "$before_db" "dry run: the database is unchanged"
test ! -e "$STATE" && test ! -e "$SOCK"
tap_ok $? "dry run: no state file, no socket directory"

# --- First apply: stops for the reboot -------------------------------------
apply
tap_is "$?" 5 "first apply: exit 5 (reboot required)"
tap_is "$(nr1g)" 6 "step 1: node 0 has the plan's 6 x 1G pages"
test -L "$R/etc/systemd/system/sysinit.target.wants/dev-hugepages1G.mount"
tap_ok $? "step 1: the boot-time units are there"
tap_is "$(grep GRUB_CMDLINE "$R/etc/default/grub.d/nfvhost.cfg")" \
    "GRUB_CMDLINE_LINUX_DEFAULT=\"\$GRUB_CMDLINE_LINUX_DEFAULT $(jget "$PLAN" '" ".join(d["kernel"]["args"])')\"" \
    "step 2: the GRUB drop-in has the plan's kernel arguments"
grep -qx "    not running update-grub: ROOT is a tree, not this host's /boot" "$SCRATCH/out"
tap_ok $? "step 2: update-grub is not run on a tree"
ISOL=$(jget "$PLAN" '[a for a in d["kernel"]["args"] if a.startswith("isolcpus=")][0][9:]')
grep -q "^    FAIL  kernel \[kernel.isolcpus\] isolcpus= on the kernel command line: found absent, want $ISOL\. " "$SCRATCH/out"
tap_ok $? "step 3: says what the running kernel lacks (check's kernel layer)"
grep -qx "Reboot, then run 'nfvhost apply --plan SCRATCH/setup/plan.json --resume --state SCRATCH/apply.json --sysfs-root ROOT': it checks the kernel again and goes on with step 4." "$SCRATCH/out"
tap_ok $? "step 3: says what to run after the reboot"
tap_is "$(cat "$SCRATCH/err")" "nfvhost: reboot required: 4 of the planned isolation arguments are not on the running kernel's command line" \
    "step 3: the exit message"
tap_is "$(step_done)" '["hugepages", "kernel"]' "the state has steps 1 and 2 done"
grep -q '^\[4/8\]' "$SCRATCH/out"
tap_ok $((! $?)) "nothing after step 3 ran"
test ! -e "$SOCK" && ! ovs_vsctl br-exists br-nfv
tap_ok $? "... no socket directory, no bridge"

apply --resume
tap_is "$?" 5 "--resume before the reboot: exit 5 again"
grep -qx "\[1/8\] hugepages: done before (SCRATCH/apply.json)" "$SCRATCH/out" \
    && grep -qx "\[2/8\] kernel: done before (SCRATCH/apply.json)" "$SCRATCH/out"
tap_ok $? "... steps 1 and 2 are not done again"

# --- The reboot, then --resume ---------------------------------------------
reboot_into_plan
apply --resume
rc=$?
tap_is "$rc" 4 "--resume after the reboot: exit 4 (this tree and machine fail some checks)"
grep -qx "    PASS  kernel \[kernel.isolcpus\] isolcpus= on the kernel command line: found $ISOL, want $ISOL" "$SCRATCH/out"
tap_ok $? "step 3: the kernel has the isolation now"
tap_is "$(cat "$R/sys/bus/pci/devices/0000:03:00.1/sriov_numvfs")" 1 "step 4: the PF 0000:03:00.1 has its VF"
tap_is "$(ovs_vsctl list-ports br-nfv | tr '\n' ' ')" \
    "dpdk-up0 vhu-firewall1-0 vhu-firewall1-1 vhu-vrouter1-0 " "step 5: the bridge and the plan's ports"
grep -qx "    applied 11 change(s) in one transaction (attempt 1)" "$SCRATCH/out"
tap_ok $? "step 5: one transaction"
tap_is "$(ovs_vsctl get Interface vhu-vrouter1-0 options:vhost-server-path)" "\"$SOCK/vhu-vrouter1-0\"" \
    "step 5: the ports' sockets are in the plan's socket directory"
tap_is "$(stat -c '%a %U %G' "$SOCK")" "770 root root" "step 6: the socket directory, as planned"
grep -q "^    defined domain vrouter1 ([0-9a-f-]*)$" "$SCRATCH/out" \
    && grep -q "^    defined domain firewall1 ([0-9a-f-]*)$" "$SCRATCH/out"
tap_ok $? "step 7: both domains defined on test:///default"
grep -q "^    WARN  vm     \[vm.running\] (vrouter1) VM vrouter1: found defined, not running" "$SCRATCH/out"
tap_ok $? "step 8: check sees the domains step 7 defined (one connection for the whole apply)"
grep -q "^    FAIL  ovs    \[ovs.pmd-cpus\]" "$SCRATCH/out" && grep -q "PASS, .* FAIL, .*: exit status 4$" "$SCRATCH/out"
tap_ok $? "step 8: check's findings are printed, the FAILs of this machine among them"
tap_is "$(cat "$SCRATCH/err")" "nfvhost: the applied host fails $(grep -c '^    FAIL' "$SCRATCH/out") check(s): see the FAIL lines above" \
    "the apply's result is check's"
tap_is "$(step_done)" '["check", "hugepages", "kernel", "libvirt", "ovs", "reboot", "sockets", "sriov"]' \
    "the state has every step done"
tap_is "$(jget "$STATE" '[x["name"] for x in d["domains"]]')" '["vrouter1", "firewall1"]' \
    "the state lists the domains apply defined"

apply --resume
tap_is "$?:$(tail -1 "$SCRATCH/out")" "0:Nothing to do: every step is done (SCRATCH/apply.json)." \
    "--resume of a finished apply: nothing to do, exit 0"

# --- Again: a no-op that says so -------------------------------------------
before_tree=$(tree_sum)
before_db=$(db_dump)
apply --only hugepages,kernel,reboot,sriov,ovs,sockets
tap_is "$?" 0 "applied again (test:///default forgets its domains between processes: steps 1-6): exit 0"
tap_is "$(tail -1 "$SCRATCH/out")" "Nothing changed: the host already matched the plan." "... and says nothing changed"
grep -qx "    node 0, 1G pages: already 6" "$SCRATCH/out" \
    && grep -qx "    ROOT/etc/default/grub.d/nfvhost.cfg: already up to date" "$SCRATCH/out" \
    && grep -qx "      0000:03:00.1: 1 VFs present, 1 needed" "$SCRATCH/out" \
    && grep -qx "    nothing to change" "$SCRATCH/out" \
    && grep -qx "    socket directory SCRATCH/sock: there already" "$SCRATCH/out"
tap_ok $? "... each step says why"
tap_is "$(tree_sum)" "$before_tree" "... the tree is as it was"
tap_is "$(db_dump)" "$before_db" "... the database is as it was"

# --- libvirt: a domain as planned is left alone; a foreign one needs --yes --
# A test driver that starts with firewall1 as 'vm xml' builds it (what
# apply defines), its UUID in the state as one apply defined.
UUID=11111111-2222-3333-4444-555555555555
node_with_firewall1() { # UUID
    "$NFVHOST" vm xml --plan "$PLAN" --vm firewall1 > "$SCRATCH/fw.xml"
    python3 - "$SCRATCH/fw.xml" "$1" > "$SCRATCH/node.xml" <<'EOF'
import re, sys
s = re.sub(r'<!--.*?-->', '', open(sys.argv[1]).read(), flags=re.S)
s = s.replace('<name>firewall1</name>',
              '<name>firewall1</name><uuid>%s</uuid>' % sys.argv[2])
print('<node>' + s + '</node>')
EOF
}
node_with_firewall1 "$UUID"
python3 -c "import json,sys; s=json.load(open(sys.argv[1])); s['domains']=[{'name':'firewall1','uuid':sys.argv[2]}]; json.dump(s, open(sys.argv[1],'w'))" "$STATE" "$UUID"
apply --only libvirt -c "test://$SCRATCH/node.xml"
tap_is "$?" 0 "libvirt step on a driver that has firewall1 already: exit 0"
grep -qx "    domain firewall1 ($UUID): as planned already" "$SCRATCH/out"
tap_ok $? "... firewall1 is as planned: not redefined"
grep -q "^    defined domain vrouter1 " "$SCRATCH/out"
tap_ok $? "... vrouter1 is defined"
node_with_firewall1 99999999-2222-3333-4444-555555555555
apply --only libvirt -c "test://$SCRATCH/node.xml"
tap_is "$?" 2 "a domain of a planned VM's name that apply did not define: exit 2"
tap_is "$(tail -1 "$SCRATCH/err")" \
    "nfvhost: domain firewall1 (99999999-2222-3333-4444-555555555555) exists and nfvhost apply did not define it: --yes tunes it (only its CPU, memory and NFV interfaces change), or rename the VM in the intent" \
    "... saying why and what to do"
grep -qx "  virsh -c test://SCRATCH/node.xml undefine vrouter1" "$SCRATCH/out"
tap_ok $? "... and how to undo what was done"
apply --only libvirt -c "test://$SCRATCH/node.xml" --yes
tap_is "$?" 0 "--yes: exit 0"
grep -qx "    domain firewall1 (99999999-2222-3333-4444-555555555555): as planned already" "$SCRATCH/out"
tap_ok $? "... the domain fits the plan already, so it is only adopted"
sed -i 's|<vcpupin vcpu="0" cpuset="[0-9]*"/>|<vcpupin vcpu="0" cpuset="0"/>|' "$SCRATCH/node.xml"
python3 -c "import json,sys; s=json.load(open(sys.argv[1])); s['domains']=[]; json.dump(s, open(sys.argv[1],'w'))" "$STATE"
apply --only libvirt -c "test://$SCRATCH/node.xml" --yes
grep -qx "    tuned domain firewall1 (99999999-2222-3333-4444-555555555555)" "$SCRATCH/out"
tap_ok $? "--yes, a domain pinned elsewhere: tuned"
tap_done
