#!/bin/sh
# check-vm.sh: the vm layer of 'nfvhost check' through libvirt's test
# driver, with the QEMU processes on a fake /proc/PID/task tree.
#
# The home lab's three VMs, as 'nfvhost vm xml' writes them, are the
# domains of a test-driver node file (test:///PATH: libvirt's test driver
# with its own config instead of test:///default's), all running; the
# fake tree (tests/check/fake-host.py) has a QEMU process per VM, its
# "CPU N/KVM" threads pinned as planned.  Everything PASSes; then each case
# changes one thing and asserts the exact findings that are not PASS and
# the exit status.  test:///default itself has none of the plan's VMs.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/check/lib.sh"
require 'command -v python3' 'python3'
scratch
J=$SCRATCH/c.json
T=$SCRATCH/root
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --output "$SCRATCH/plan" >/dev/null 2>&1
tap_ok $? "home-lab plan"
PLAN=$SCRATCH/plan/plan.json

if [ "${NFVHOST_LIBVIRT:-yes}" != yes ]; then
    "$NFVHOST" check --plan "$PLAN" --only vm >/dev/null 2>"$SCRATCH/err"
    tap_is "$?" 2 "a build without libvirt: --only vm exits 2"
    grep -q 'built without libvirt' "$SCRATCH/err"
    tap_ok $? "... saying it was built without libvirt"
    tap_done
    exit
fi

python3 "$top_srcdir/tests/check/fake-host.py" "$PLAN" "$T"
for vm in vrouter1 firewall1 trafgen1; do
    "$NFVHOST" vm xml --plan "$PLAN" --vm $vm --sysfs-root "$T" \
        > "$SCRATCH/$vm.xml" || echo "Bail out! vm xml $vm"
done
# node VM-EDIT...: the test driver's node file from the three domains,
# after running each 'VM SED-EXPR' on that VM's XML.
node() {
    N=$SCRATCH/node.xml
    {
        echo "<node><cpu><mhz>3600</mhz><model>Ryzen</model><active>12</active>"
        echo "<max>12</max><nodes>1</nodes><sockets>1</sockets><cores>6</cores>"
        echo "<threads>2</threads></cpu><memory>33554432</memory>"
        for vm in vrouter1 firewall1 trafgen1; do
            cp "$SCRATCH/$vm.xml" "$SCRATCH/edit.xml"
            for e in "$@"; do
                case $e in "$vm "*) sed -i "${e#* }" "$SCRATCH/edit.xml";; esac
            done
            sed '1{/^<?xml/d}' "$SCRATCH/edit.xml"
        done
        echo "</node>"
    } > "$N"
}
check() { # check URI: JSON into $J, exit status in $rc
    "$NFVHOST" check --plan "$PLAN" --sysfs-root "$T" --only vm -c "$1" \
        --json >"$J" 2>"$SCRATCH/err"
    rc=$?
}
notpass() { check_notpass "$J"; }
expect() { # expect DESC STATUS FINDINGS VM-EDIT...
    _d=$1 _s=$2 _f=$3; shift 3
    node "$@"
    check "test://$N"
    tap_is "$rc|$(notpass)" "$_s|$_f" "$_d"
}

expect "three VMs as planned, running, threads pinned: only PASS" 0 ""
tap_is "$(jget "$J" '" ".join(sorted({f["id"] for f in d["findings"]}))')" \
    "vm.defined vm.emulatorpin vm.interfaces vm.libvirt vm.memory vm.ring-size vm.running vm.thread-affinity vm.vcpupin" \
    "... every vm check ran"
tap_is "$(jget "$J" 'len([f for f in d["findings"] if f["id"] == "vm.vcpupin"])')" 3 \
    "... once per VM"

expect "a vCPU pinned to the wrong CPU" 4 \
    "FAIL vm.vcpupin (vrouter1): vCPU 1 on 9 (planned 10)" \
    'vrouter1 s/<vcpupin vcpu="1" cpuset="10"/<vcpupin vcpu="1" cpuset="9"/'
expect "emulator threads on a guest CPU" 4 \
    "FAIL vm.emulatorpin (firewall1): 1,10" \
    'firewall1 s/<emulatorpin cpuset="1,7"/<emulatorpin cpuset="1,10"/'
expect "guest memory not shared" 4 \
    "FAIL vm.memory (trafgen1): 1 vhost-user interface(s) but guest memory is not shared: add <access mode='shared'/> to <memoryBacking> (or memAccess='shared' to every NUMA <cell>); without it the port comes up and passes no traffic" \
    'trafgen1 /<access mode="shared"\/>/d' 'trafgen1 s/ memAccess="shared"//'
expect "rings of 256" 4 \
    "FAIL vm.ring-size (firewall1): interface 0 rx_queue_size 256" \
    'firewall1 0,/rx_queue_size="1024"/s//rx_queue_size="256"/'
expect "a vhost-user socket that is not the OVS port's" 4 \
    "FAIL vm.interfaces (vrouter1): interface 0: vhost-user socket '/tmp/elsewhere' is not one of the VM's OVS ports (vhu-vrouter1-N in the socket directory; see --sock-dir)" \
    'vrouter1 0,/path="[^"]*vhu-vrouter1-0"/s//path="\/tmp\/elsewhere"/'
expect "a VM the libvirt does not have" 4 \
    "FAIL vm.defined (trafgen1): not defined" \
    'trafgen1 s/<name>trafgen1</<name>other</'
# The test driver's own namespace: <test:runstate>5</test:runstate> is
# VIR_DOMAIN_SHUTOFF.
STOPPED='firewall1 s|<domain type="kvm">|<domain type="kvm" xmlns:test="http://libvirt.org/schemas/domain/test/1.0"><test:runstate>5</test:runstate>|'
expect "a VM defined but shut off: reported, not failed" 0 \
    "WARN vm.running (firewall1): defined, not running (its live pinning is not checked, its configuration is)" \
    "$STOPPED"
expect "... and its wrong emulatorpin a WARN too" 0 \
    "WARN vm.running (firewall1): defined, not running (its live pinning is not checked, its configuration is)
WARN vm.emulatorpin (firewall1): 1,10" \
    "$STOPPED" \
    'firewall1 s/<emulatorpin cpuset="1,7"/<emulatorpin cpuset="1,10"/'

# The QEMU threads' real affinity (fake /proc/PID/task: vrouter1 is
# pid 1000, its vCPU threads 1002 and 1003).
node
S=$T/proc/1000/task/1003/status
cp "$S" "$SCRATCH/status"
sed -i 's/^Cpus_allowed_list:.*/Cpus_allowed_list:\t4,10/' "$S"
check "test://$N"
tap_is "$rc|$(notpass)" "4|FAIL vm.thread-affinity (vrouter1): thread 1003 (CPU 1/KVM) allowed on 4,10, want 10" \
    "a vCPU thread allowed on both vCPUs' CPUs (libvirt still says it is pinned)"
cp "$SCRATCH/status" "$S"
sed -i 's/^Cpus_allowed_list:.*/Cpus_allowed_list:\t0-11/' "$T/proc/1010/task/1011/status"
check "test://$N"
tap_is "$rc|$(notpass)" "4|FAIL vm.thread-affinity (firewall1): thread 1011 (IO mon_iothread) allowed on 0-11, want 1,7" \
    "an emulator thread allowed everywhere"
rm -r "$T/proc/1020"
check "test://$N"
tap_is "$rc" 4 "... (the firewall still FAILs)"
notpass | grep -qx "WARN vm.thread-affinity (trafgen1): no QEMU process with '-name guest=trafgen1' under $T/proc"
tap_ok $? "a running VM whose QEMU process is not in /proc: a WARN"

# test:///default: libvirt's own test domain, none of the plan's.
check test:///default
tap_is "$rc|$(notpass)" "4|FAIL vm.defined (vrouter1): not defined
FAIL vm.defined (firewall1): not defined
FAIL vm.defined (trafgen1): not defined" \
    "test:///default: the three VMs are not defined"
tap_is "$(jget "$J" '[f["level"] for f in d["findings"] if f["id"] == "vm.libvirt"]')" \
    '["PASS"]' "... libvirt itself answered"

# A libvirt that cannot be reached: the layer could not run.
check nosuchdriver:///x
tap_is "$rc $(jget "$J" '[f["level"] + " " + f["id"] for f in d["findings"]]')" \
    '1 ["ERROR vm.libvirt"]' "an unreachable libvirt: ERROR vm.libvirt, exit 1"
! grep -q '^libvirt:' "$SCRATCH/err"
tap_ok $? "... and libvirt's own copy of the error is not printed"

tap_done
