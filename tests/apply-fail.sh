#!/bin/sh
# apply-fail.sh: 'nfvhost apply' with a failure injected at each step: the
# step that failed and why, what was done before it (and kept in the
# state), how to undo it, and the runtime changes of the failed step
# rolled back (hugepage pools; the OVS database untouched).  Step 3's stop
# for a reboot and step 8's failed checks are in apply-run.sh.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
. "$top_srcdir/tests/apply-lib.sh"
apply_test_begin

# fresh [rebooted]: a new tree and no state; 'rebooted' when the kernel
# runs with the plan's arguments already (to reach the steps after 3).
fresh() {
    make_root
    rm -f "$STATE"
    rm -rf "$SOCK"
    [ "${1:-}" = rebooted ] && reboot_into_plan
    return 0
}

failed_line() { grep '^Step [0-9]/8 (' "$SCRATCH/out"; }
done_line() { grep '^Done before it:' "$SCRATCH/out"; }

# --- 1 hugepages: the kernel hands back 2 of 6 pages -----------------------
fresh
FAKE_KERNEL_LIMITS="node0/hugepages-1048576kB=2" apply
tap_is "$?" 1 "hugepages short: exit 1"
tap_is "$(failed_line)" \
    "Step 1/8 (hugepages) failed: NUMA node 0 gave 2 of 6 1G pages; every pool is back to its previous size" \
    "hugepages short: which step, and why"
tap_is "$(nr1g)" 0 "hugepages short: the pool is back to 0 (rolled back by the step)"
grep -qx "Nothing was done that needs undoing." "$SCRATCH/out"
tap_ok $? "hugepages short: nothing to undo"
tap_is "$(step_done)" "[]" "hugepages short: no step done in the state"

# --- 2 kernel: /etc/default/grub.d is a file --------------------------------
fresh
mkdir -p "$R/etc/default"
echo "not a directory" > "$R/etc/default/grub.d"
apply
tap_is "$?" 2 "1G plan, GRUB drop-in in the way: exit 2"
tap_is "$(failed_line)" \
    "Step 1/8 (hugepages) failed: --persist: ROOT/etc/default/grub.d/nfvhost.cfg exists and was not written by nfvhost; not overwriting it (move it away, or merge by hand)" \
    "a 1G plan's boot reservation is the hugepages step's: it fails there, before any pool"
tap_is "$(nr1g)" 0 "... no pool changed"
# A 2M plan reserves nothing at boot: the drop-in is the kernel step's own.
python3 -c "import json,sys; p=json.load(open(sys.argv[1])); p['settings']['hugepage_size_kb']=2048
for n in p['numa_nodes']: n['hugepages']['size_kb']=2048; n['hugepages']['count']*=512; n['hugepages']['ovs']*=512; n['hugepages']['guests']*=512
for v in p['vms']: v['hugepages']['size_kb']=2048; v['hugepages']['count']*=512
p['kernel']['args']=[a for a in p['kernel']['args'] if not a.startswith(('default_hugepagesz','hugepagesz','hugepages='))]
json.dump(p, open(sys.argv[2],'w'), indent=1)" "$PLAN" "$SCRATCH/plan2m.json"
cp "$PLAN" "$SCRATCH/plan1g.json"
cp "$SCRATCH/plan2m.json" "$PLAN"
fresh
mkdir -p "$R/etc/default"
echo "not a directory" > "$R/etc/default/grub.d"
apply
tap_is "$?" 1 "2M plan, GRUB drop-in unwritable: exit 1"
tap_is "$(failed_line)" \
    "Step 2/8 (kernel) failed: cannot write ROOT/etc/default/grub.d/nfvhost.cfg: Not a directory" \
    "kernel: which step, and why"
tap_is "$(done_line)" "Done before it: hugepages (their reports are in SCRATCH/apply.json)" \
    "kernel: what was done before it"
grep -qx "  nfvhost hugepages reset --persist --sysfs-root ROOT --root ROOT" "$SCRATCH/out"
tap_ok $? "kernel: how to undo the hugepages"
tap_is "$(cat "$R/$N/node0/hugepages/hugepages-2048kB/nr_hugepages")" 3072 \
    "kernel: the hugepages step's pools stay (it finished)"
tap_is "$(step_done)" '["hugepages"]' "kernel: the state has step 1 done"
echo "# Not nfvhost's" > "$SCRATCH/foreign.cfg"
fresh
mkdir -p "$R/etc/default/grub.d"
cp "$SCRATCH/foreign.cfg" "$R/etc/default/grub.d/nfvhost.cfg"
apply
tap_is "$(failed_line)" \
    "Step 2/8 (kernel) failed: ROOT/etc/default/grub.d/nfvhost.cfg exists and nfvhost did not write it; move it away (or merge it by hand) and apply again" \
    "kernel: a drop-in nfvhost did not write is refused"
cmp -s "$SCRATCH/foreign.cfg" "$R/etc/default/grub.d/nfvhost.cfg"
tap_ok $? "... and left as it was"
cp "$SCRATCH/plan1g.json" "$PLAN"

# --- 3 reboot: no /proc/cmdline to read -------------------------------------
fresh
rm "$R/proc/cmdline"
apply
tap_is "$?:$(failed_line)" "1:Step 3/8 (reboot) failed: ROOT/proc/cmdline cannot be read" \
    "reboot: the running kernel cannot be checked"

# --- 4 sriov: the PF cannot make VFs ----------------------------------------
fresh rebooted
echo 0 > "$R/sys/bus/pci/devices/0000:03:00.1/sriov_totalvfs"
apply
tap_is "$?" 3 "sriov: a PF that cannot give the VFs is infeasible: exit 3"
tap_is "$(failed_line)" \
    "Step 4/8 (sriov) failed: 0000:03:00.1: 1 VFs wanted, the PF has at most 0" \
    "sriov: which step, and why"
tap_is "$(done_line)" "Done before it: hugepages, kernel, reboot (their reports are in SCRATCH/apply.json)" \
    "sriov: what was done before it"
tap_is "$(cat "$R/sys/bus/pci/devices/0000:03:00.1/sriov_numvfs")" 0 "sriov: no VF made"

# --- 5 ovs: the database is not there ---------------------------------------
fresh rebooted
before_db=$(db_dump)
apply --db "unix:$SCRATCH/no-such.sock"
tap_is "$?" 1 "ovs unreachable: exit 1"
tap_is "$(failed_line)" \
    "Step 5/8 (ovs) failed: SCRATCH/no-such.sock: cannot connect: No such file or directory (is the daemon running?)" \
    "ovs: which step, and why"
grep -qx "  nfvhost ovs release --plan SCRATCH/setup/plan.json --sysfs-root ROOT   (VF counts are left as they are)" "$SCRATCH/out" \
    && grep -qx "  nfvhost hugepages reset --persist --sysfs-root ROOT --root ROOT" "$SCRATCH/out"
tap_ok $? "ovs: how to undo steps 4 and 1, last first"
tap_is "$(db_dump)" "$before_db" "ovs: the database is unchanged"
tap_is "$(step_done)" '["hugepages", "kernel", "reboot", "sriov"]' "ovs: the state has steps 1-4 done"
apply --resume
tap_is "$?" 4 "--resume after fixing the cause goes on from step 5 (and ends at check)"
grep -qx "\[4/8\] sriov: done before (SCRATCH/apply.json)" "$SCRATCH/out" \
    && grep -q "^    applied .* change(s) in one transaction\|^    nothing to change" "$SCRATCH/out"
tap_ok $? "... step 4 not again, step 5 applied"

# --- 6 sockets: the socket directory's path is a file ------------------------
fresh rebooted
echo "a file" > "$SOCK"
apply
tap_is "$?:$(failed_line)" \
    "2:Step 6/8 (sockets) failed: socket directory SCRATCH/sock: SCRATCH/sock is not a directory" \
    "sockets: which step, and why"
grep -qx "  ovs-vsctl --db=$OVS_DB --if-exists del-br br-nfv   (and the other_config keys the plan set)" "$SCRATCH/out"
tap_ok $? "sockets: how to undo the OVS step"
rm -f "$SOCK"

# --- 7 libvirt: libvirt is not there -----------------------------------------
fresh rebooted
apply -c "test://$SCRATCH/no-such-node.xml"
tap_is "$?" 1 "libvirt unreachable: exit 1"
grep -q "^Step 7/8 (libvirt) failed: cannot connect to libvirt at test://SCRATCH/no-such-node.xml: " "$SCRATCH/out"
tap_ok $? "libvirt: which step, and why"
tap_is "$(done_line)" "Done before it: hugepages, kernel, reboot, sriov, ovs, sockets (their reports are in SCRATCH/apply.json)" \
    "libvirt: what was done before it"
grep -qx "  rmdir SCRATCH/sock" "$SCRATCH/out"
tap_ok $? "libvirt: how to undo the socket directory"
tap_done
