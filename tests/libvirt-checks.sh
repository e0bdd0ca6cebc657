#!/bin/sh
# libvirt-checks.sh: what libvirt lets through and nfvhost must not.  A
# good domain passes 'nfvhost vm check'; each mutation of it (a wrong pin,
# no shared memory, a bad ring size, a VLAN over 4094...) is refused with
# exit 2 and a message that says what and why.  Also the CLI's own input
# errors.
. "$top_srcdir/tests/lib.sh"
scratch

"$NFVHOST" plan --topology "$HOMELAB/topology.xml" \
    --intent "$HOMELAB/intent.ini" --output "$SCRATCH/hl" >/dev/null
PLAN="$SCRATCH/hl/plan.json"
V="--plan $PLAN --vm vrouter1 --vf 2=0000:03:02.0"
"$NFVHOST" vm xml $V --output "$SCRATCH/good.xml"
tap_ok $? "vm xml vrouter1"
out=$("$NFVHOST" vm check $V "$SCRATCH/good.xml")
tap_ok $? "the generated domain passes vm check"
tap_is "$out" "$SCRATCH/good.xml: fits VM vrouter1 of $PLAN" "vm check says so"

mutant() { # mutant NAME SED-SCRIPT EXPECTED-MESSAGE
    sed "$2" "$SCRATCH/good.xml" > "$SCRATCH/$1.xml"
    if cmp -s "$SCRATCH/good.xml" "$SCRATCH/$1.xml"; then
        tap_ok 1 "$1: the mutation changed nothing"
        return
    fi
    # libvirt itself takes it (that is the point) ...
    virsh -q -c test:///default define "$SCRATCH/$1.xml" >/dev/null 2>&1
    libvirt=$?
    err=$("$NFVHOST" vm check $V "$SCRATCH/$1.xml" 2>&1)
    rc=$?
    tap_is "$rc" 2 "$1: vm check exits 2"
    echo "$err" | grep -qF -- "$3"
    rc=$?
    tap_ok $rc "$1: '$3'"
    [ $rc = 0 ] || echo "$err" | sed 's/^/#   /'
    tap_diag "$1: libvirt's test driver $( [ $libvirt = 0 ] && echo accepts || echo refuses) it"
}

mutant wrong-pin 's/vcpupin vcpu="0" cpuset="4"/vcpupin vcpu="0" cpuset="3"/' \
    "vCPU 0 is pinned to 3, a PMD CPU; the plan pins it to 4"
mutant unpinned '/vcpupin vcpu="1"/d' "vCPU 1 is not pinned"
mutant emulator-on-vcpu 's/emulatorpin cpuset="1,7"/emulatorpin cpuset="4"/' \
    "emulatorpin 4 overlaps the vCPU pins"
mutant emulator-on-housekeeping 's/emulatorpin cpuset="1,7"/emulatorpin cpuset="0"/' \
    "emulatorpin 0 includes PMD or housekeeping CPUs"
mutant no-emulatorpin '/emulatorpin/d' "no <emulatorpin>"
mutant no-shared-memory '/<access mode="shared"\/>/d; s/ memAccess="shared"//' \
    "guest memory is not shared"
mutant private-cell 's/memAccess="shared"/memAccess="private"/' \
    "guest memory is not shared"
mutant no-hugepages '/<hugepages>/,/<\/hugepages>/d' \
    "<memoryBacking><hugepages/> (or <source type='memfd'/>) is missing"
mutant ring-not-power 's/rx_queue_size="1024"/rx_queue_size="1000"/' \
    "rx_queue_size='1000' is not a power of two within 256-1024"
mutant ring-too-big 's/tx_queue_size="1024"/tx_queue_size="2048"/' \
    "tx_queue_size='2048' is not a power of two within 256-1024"
mutant ring-too-small 's/rx_queue_size="1024"/rx_queue_size="128"/' \
    "rx_queue_size='128'"
mutant vlan-over-4095 's/tag id="300"/tag id="5000"/' \
    "VLAN tag id='5000' is not 1-4094"
mutant vhost-client 's/mode="server"/mode="client"/' \
    "OVS dpdkvhostuserclient ports need QEMU as the server"
mutant wrong-socket 's#vhu-vrouter1-1#vhu-firewall1-1#' \
    "vhost-user socket '/var/lib/vhost_sockets/vhu-firewall1-1' is not one of the VM's OVS ports"
mutant missing-nic '/<interface type="hostdev"/,/<\/interface>/d' \
    "0 interface(s) of type 'hostdev'; the plan gives the VM 1"
mutant too-much-memory 's#<memory unit="KiB">4194304#<memory unit="KiB">8388608#' \
    "memory 8388608 KiB is more than the VM's planned hugepages: 4 x 1048576 KiB on node 0"
mutant memory-in-gib 's#<memory unit="KiB">4194304#<memory unit="GiB">5#' \
    "memory 5242880 KiB is more than"
mutant page-size 's/page size="1048576"/page size="2048"/' \
    "hugepage size 2048 KiB is not the plan's 1048576 KiB"
mutant numatune 's/memory mode="strict" nodeset="0"/memory mode="preferred" nodeset="0"/' \
    "numatune memory is mode='preferred'"
mutant vcpu-count 's#<vcpu placement="static">2#<vcpu placement="static">3#' \
    "<vcpu> is '3', the plan gives the VM 2"
# A balloon cannot return hugepage-backed memory; libvirt adds a virtio one
# when the domain lists none.
mutant balloon-virtio 's#<memballoon model="none"/>#<memballoon model="virtio"/>#' \
    "<memballoon model='virtio'>: use model='none'"
mutant balloon-missing '/<memballoon/d' \
    "no <memballoon>: libvirt adds a virtio balloon; add <memballoon model='none'/>"
tap_is "$(xmllint --xpath 'string(//devices/memballoon/@model)' "$SCRATCH/good.xml")" none \
    "vm xml writes <memballoon model='none'/>"
"$NFVHOST" vm tune $V "$SCRATCH/balloon-missing.xml" > "$SCRATCH/balloon-tuned.xml"
tap_is "$?:$(xmllint --xpath 'count(//devices/memballoon)' "$SCRATCH/balloon-tuned.xml"):$(xmllint --xpath 'string(//devices/memballoon/@model)' "$SCRATCH/balloon-tuned.xml")" \
    "0:1:none" "vm tune adds <memballoon model='none'/> to a domain without one"
"$NFVHOST" vm tune $V "$SCRATCH/balloon-virtio.xml" > "$SCRATCH/balloon-tuned2.xml"
tap_is "$?:$(xmllint --xpath 'count(//devices/memballoon)' "$SCRATCH/balloon-tuned2.xml"):$(xmllint --xpath 'string(//devices/memballoon/@model)' "$SCRATCH/balloon-tuned2.xml")" \
    "0:1:none" "vm tune turns a virtio balloon into model='none'"

# The other emulator policies: 'isolate' pins to the VM's own extra PU,
# 'none' writes no emulatorpin; both pass, and 'isolate' refuses the
# emulator-share pool's CPUs.
printf '[host]\nhugepage_size = 2M\n[emulator]\npolicy = isolate\n[vm a]\nvcpus = 4\nmemory = 2G\nnics = vhost:10\n' \
    > "$SCRATCH/isolate.ini"
"$NFVHOST" plan --topology "$TOPO/24em64t-2n6c2t-pci.xml" \
    --intent "$SCRATCH/isolate.ini" --output "$SCRATCH/iso" >/dev/null
"$NFVHOST" vm xml --plan "$SCRATCH/iso/plan.json" --vm a > "$SCRATCH/iso.xml"
tap_ok $? "emulator policy isolate: vm xml passes its checks"
pin=$(xmllint --xpath 'string(//emulatorpin/@cpuset)' "$SCRATCH/iso.xml")
tap_is "$pin" "$(jget "$SCRATCH/iso/plan.json" 'd["vms"][0]["emulatorpin"]')" \
    "emulator policy isolate: emulatorpin = the VM's planned PU"
sed "s/emulatorpin cpuset=\"$pin\"/emulatorpin cpuset=\"0\"/" "$SCRATCH/iso.xml" \
    > "$SCRATCH/iso-bad.xml"
"$NFVHOST" vm check --plan "$SCRATCH/iso/plan.json" --vm a "$SCRATCH/iso-bad.xml" \
    2>&1 | grep -q "emulatorpin 0 is outside the VM's planned emulator CPUs"
tap_ok $? "emulator policy isolate: another emulatorpin is refused"
sed 's/^policy = share/policy = none/' "$HOMELAB/intent.ini" > "$SCRATCH/none.ini"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$SCRATCH/none.ini" \
    --output "$SCRATCH/none" >/dev/null
"$NFVHOST" vm xml --plan "$SCRATCH/none/plan.json" --vm firewall1 \
    > "$SCRATCH/none.xml"
tap_ok $? "emulator policy none: vm xml passes its checks"
! grep -q emulatorpin "$SCRATCH/none.xml"
tap_ok $? "emulator policy none: no emulatorpin"

# Several problems at once: all of them, one per line.
sed 's/tag id="300"/tag id="4095"/; s/rx_queue_size="1024"/rx_queue_size="300"/' \
    "$SCRATCH/good.xml" > "$SCRATCH/two.xml"
err=$("$NFVHOST" vm check $V "$SCRATCH/two.xml" 2>&1)
echo "$err" | grep -q "3 problem(s) for VM vrouter1"
tap_ok $? "three problems (a ring on each vhost NIC, a VLAN), all reported"

# vm tune and vm xml refuse to write what fails the checks.
"$NFVHOST" vm tune $V "$SCRATCH/no-shared-memory.xml" > "$SCRATCH/fixed.xml"
tap_ok $? "vm tune repairs a domain without shared memory"
"$NFVHOST" vm check $V "$SCRATCH/fixed.xml" >/dev/null
tap_ok $? "... and the result passes vm check"

# Input errors: exit 2, the file, flag or value named, nothing written.
err() { # err EXPECTED-MESSAGE ARGS...
    want=$1; shift
    msg=$("$NFVHOST" vm "$@" 2>&1 >/dev/null)
    rc=$?
    tap_is "$rc" 2 "vm $*: exit 2"
    echo "$msg" | grep -qF -- "$want"
    rc=$?
    tap_ok $rc "vm $*: says '$want'"
    [ $rc = 0 ] || echo "$msg" | sed 's/^/#   /'
}
err "no VM named 'nosuch' (the plan has: vrouter1, firewall1, trafgen1)" \
    xml --plan "$PLAN" --vm nosuch
err "$SCRATCH/none.json" xml --plan "$SCRATCH/none.json" --vm vrouter1
err "xml needs --plan and --vm" xml --plan "$PLAN"
err "VM vrouter1 NIC 2: no VF #0 of PF 0000:03:00.1" \
    xml --plan "$PLAN" --vm vrouter1 --sysfs-root "$SCRATCH"
err "--vf 2=03:02.0: '03:02.0' is not a PCI address" \
    xml --plan "$PLAN" --vm vrouter1 --vf 2=03:02.0
err "--vf 1=0000:03:02.0: VM firewall1 has no SR-IOV NIC 1" \
    xml --plan "$PLAN" --vm firewall1 --vf 1=0000:03:02.0
err "--sock-dir run/x: not an absolute path" \
    xml --plan "$PLAN" --vm firewall1 --sock-dir run/x
err "tune needs a DOMAIN.xml" tune --plan "$PLAN" --vm firewall1
err "unknown subcommand 'start'" start
printf '<domain>\n  <name>x</name>\n  <devices>\n</domain>\n' > "$SCRATCH/bad.xml"
err "$SCRATCH/bad.xml:4: not well-formed XML" tune --plan "$PLAN" \
    --vm firewall1 "$SCRATCH/bad.xml"
printf '<network><name>x</name></network>\n' > "$SCRATCH/net.xml"
err "the root element is not <domain>" tune --plan "$PLAN" --vm firewall1 \
    "$SCRATCH/net.xml"
"$NFVHOST" vm xml --plan "$PLAN" --vm nosuch --output "$SCRATCH/out.xml" \
    2>/dev/null
test ! -e "$SCRATCH/out.xml"
tap_ok $? "nothing written on error"

tap_done
