#!/bin/sh
# setup-answers.sh: 'nfvhost setup --answers FILE': every question answered
# from a file (the intent's keys and [setup] sriov_pf, role), then every
# invalid answer, each with its exact message naming the file, line,
# section and key, exit 2 and nothing written.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
require "command -v qemu-img" "qemu-img (qemu-utils)"
scratch
cd "$SCRATCH"
R="$SCRATCH/root"
fake_nic_tree "$R"
# The home lab with NIC facts from sysfs: 03:00.0 an SR-IOV PF, 03:00.1 a
# PF that carries a route, 03:02.0 a VF of 03:00.0.
MACHINE="--topology $HOMELAB/topology.xml --sysfs-root $R"
qemu-img create -q -f qcow2 "$SCRATCH/vm.qcow2" 1G
python3 -c 'import sys; f = open(sys.argv[1], "wb"); f.write(b"\0" * 32769 + b"CD001" + b"\0" * 2042)' "$SCRATCH/inst.iso"

# --- Every question answered ------------------------------------------------
cat > all.ini <<EOF
[setup]
role = homelab
sriov_pf = 0000:03:00.1

[host]
housekeeping_cores_per_numa = 1
host_memory = 6G
hugepage_size = 2M
guest_memory_percent = 50

[ovs]
uplink = 0000:03:02.0
pmd_cores_per_numa = 1
pmd_siblings = idle
mtu = 9000
pmd_rxq_assign = cycles

[emulator]
policy = isolate
shared_cores = 2

[vm edge]
vcpus = 2
memory = 3G
nics = vhost:100, sriov:300
thread_policy = isolate
disk = $SCRATCH/vm.qcow2
cdrom = $SCRATCH/inst.iso
numa = 0
queues = 2
EOF
"$NFVHOST" setup $MACHINE --answers all.ini --output all > out.txt 2> err.txt
tap_is "$?" 0 "every question answered: exit 0"
grep -qx "all/intent.ini" out.txt
tap_ok $? "... and the files listed"
for kv in "host_memory = 6G" "hugepage_size = 2M" "guest_memory_percent = 50" \
          "uplink = 0000:03:02.0" "pmd_siblings = idle" "mtu = 9000" \
          "pmd_rxq_assign = cycles" "policy = isolate" "shared_cores = 2" \
          "vcpus = 2" "memory = 3G" "nics = vhost:100, sriov:300" \
          "thread_policy = isolate" "disk = $SCRATCH/vm.qcow2" \
          "cdrom = $SCRATCH/inst.iso" "numa = 0" "queues = 2" \
          "sriov_pf = 0000:03:00.1"; do
    grep -qxF "$kv" all/intent.ini
    tap_ok $? "intent.ini: $kv"
done
tap_is "$(jget all/plan.json '[d["settings"]["mtu"], d["settings"]["emulator_policy"], d["vms"][0]["queues"], d["vms"][0]["nics"][1]["pf"]]')" \
    "[9000, \"isolate\", 2, \"0000:03:00.1\"]" "plan.json follows the answers"
"$NFVHOST" plan $MACHINE --intent all/intent.ini --json > replan.json 2> /dev/null
cmp -s replan.json all/plan.json
tap_ok $? "intent.ini re-plans to the same plan.json"
# The command intent.ini's own comment gives, run as written: the new
# directory keeps the intent it was planned from.
cp all/intent.ini intent-before.ini
replan_cmd=$(sed -n 's/^;   \(nfvhost plan .*\)$/\1/p' all/intent.ini)
tap_is "$replan_cmd" "nfvhost plan $MACHINE --intent all/intent.ini --previous all/plan.json --output all" \
    "intent.ini's comment: re-plan into the same directory"
eval "\"\$NFVHOST\" ${replan_cmd#nfvhost }" > /dev/null 2> err.txt
tap_is "$?" 0 "... which runs"
cmp -s intent-before.ini all/intent.ini
tap_ok $? "... and keeps all/intent.ini as it was"
grep -qx "intent.ini" all/.nfvhost-output &&
    [ "$(jget all/plan.json '{k: v for k, v in d.items() if k != "changes"}')" = "$(jget replan.json 'd')" ] &&
    [ "$(jget all/plan.json 'd["changes"]')" = "[]" ]
tap_ok $? "... listed in the manifest, beside the same plan.json (no changes from the previous one)"
"$NFVHOST" plan $MACHINE --intent all/intent.ini --output all > /dev/null 2>&1
tap_ok $? "... and again"
# An intent kept where a file of the plan goes cannot be kept.
cp intent-before.ini all/grub.d/nfvhost.cfg
"$NFVHOST" plan $MACHINE --intent all/grub.d/nfvhost.cfg --output all > /dev/null 2> err.txt
tap_is "$?" 2 "an --intent that is one of the plan's files: exit 2"
tap_is "$(cat err.txt)" "nfvhost: --intent all/grub.d/nfvhost.cfg is all/grub.d/nfvhost.cfg, a file of the plan that --output replaces" \
    "... naming the flag and the file"
cmp -s intent-before.ini all/grub.d/nfvhost.cfg && cmp -s intent-before.ini all/intent.ini
tap_ok $? "... and nothing replaced"
printf '[setup]\nrole = openstack\n' > os.ini
"$NFVHOST" setup $MACHINE --intent all/intent.ini --answers os.ini --output os > /dev/null 2>&1
tap_is "$?" 0 "--intent with --answers: role = openstack"
tap_is "$(jget os/plan.json 'len(d["vms"])')" 0 "... plans no VM (nova places them)"
grep -q '^\[vm ' os/intent.ini
tap_ok $((! $?)) "... and writes none"
printf '[vm edge]\nmemory = 4G\n' > more.ini
"$NFVHOST" setup $MACHINE --intent all/intent.ini --answers more.ini --output more > /dev/null 2>&1
tap_is "$(jget more/plan.json '[d["vms"][0]["memory_mb"], d["vms"][0]["queues"]]')" "[4096, 2]" \
    "--intent with --answers: a VM's answer changes that key only"
"$NFVHOST" setup $MACHINE --intent all/intent.ini --answers more.ini --output more > out.txt 2>&1
grep -qx "They replace the earlier plan in more/ at once." out.txt
tap_ok $? "writing over an earlier output says it replaces it"

# --- The last plan is the previous one: running VMs stay ----------------------
printf '[setup]\nrole = homelab\n[vm a]\nvcpus = 2\nmemory = 2G\n[vm b]\nvcpus = 2\nmemory = 2G\n' > keep1.ini
"$NFVHOST" setup $MACHINE --answers keep1.ini --output keep > /dev/null 2>&1
cp keep/plan.json keep-first.json
printf '[vm c]\nvcpus = 2\nmemory = 2G\n' > keep2.ini
"$NFVHOST" setup $MACHINE --intent keep/intent.ini --answers keep2.ini --output keep > keep.out 2>&1
tap_is "$?" 0 "setup over its own earlier output, a VM added: exit 0"
tap_is "$(jget keep/plan.json '[v["cpus"] for v in d["vms"][:2]]')" "$(jget keep-first.json '[v["cpus"] for v in d["vms"]]')" \
    "... the earlier plan is the previous plan: a and b keep their CPUs"
tap_is "$(jget keep/plan.json '[(c["kind"], c["vm"]) for c in d["changes"]]')" '[["vm-added", "c"], ["port-added", "c"]]' \
    "... and plan.json lists the change"
grep -q "^  a: .*\[kept\]$" keep.out
tap_ok $? "... which the plan summary marks"
grep -qxF ";   nfvhost plan $MACHINE --intent keep/intent.ini --previous keep/plan.json --output keep" keep/intent.ini
tap_ok $? "intent.ini says to plan again with --previous"

# --- Every invalid answer ---------------------------------------------------
# bad NAME 'SECTION' 'LINES' STATUS MESSAGE: the answers file holds
# [SECTION] and LINES; the message names its line.
n=0
bad() {
    n=$((n + 1))
    printf '[%s]\n%s\n' "$2" "$3" > "$1.ini"
    rm -rf out
    "$NFVHOST" setup $MACHINE --answers "$1.ini" --output out > /dev/null 2> err.txt
    tap_is "$?" "$4" "$1: exit $4"
    tap_is "$(tail -1 err.txt)" "$5" "$1: message"
    nothing_left "$SCRATCH/out"
    tap_ok $? "$1: nothing written"
}
VM='vcpus = 2
memory = 2G'
bad uplink-syntax ovs "uplink = 03:00.0" 2 \
    "nfvhost: uplink-syntax.ini:2: [ovs] uplink: bad uplink '03:00.0': expected a PCI address such as 0000:03:00.0"
bad uplink-missing ovs "uplink = 0000:09:00.0" 2 \
    "nfvhost: uplink-missing.ini:2: [ovs] uplink: 0000:09:00.0 is not a NIC of this machine"
bad uplink-route ovs "uplink = 0000:03:00.1" 2 \
    "nfvhost: uplink-route.ini:2: [ovs] uplink: 0000:03:00.1 (enp3s0f1) carries a route or address: DPDK would cut it off"
bad uplink-twice ovs "uplink = 0000:03:00.0
uplink = 0000:03:00.0" 2 \
    "nfvhost: uplink-twice.ini:3: [ovs] uplink: duplicate uplink 0000:03:00.0"
bad pf-syntax setup "sriov_pf = 3:0.1" 2 \
    "nfvhost: pf-syntax.ini:2: [setup] sriov_pf: '3:0.1' is not a PCI address such as 0000:03:00.1 (or none)"
bad pf-missing setup "sriov_pf = 0000:09:00.0" 2 \
    "nfvhost: pf-missing.ini:2: [setup] sriov_pf: 0000:09:00.0 is not a NIC of this machine"
bad pf-vf setup "sriov_pf = 0000:03:02.0" 2 \
    "nfvhost: pf-vf.ini:2: [setup] sriov_pf: 0000:03:02.0 is a VF (of 0000:03:00.0): VFs come from a PF"
bad pf-uplink setup "sriov_pf = 0000:03:00.0" 2 \
    "nfvhost: pf-uplink.ini:2: [setup] sriov_pf: 0000:03:00.0 is an uplink: a PF that OVS-DPDK takes over loses its VFs, so choose another PF"
bad role setup "role = cloud" 2 \
    "nfvhost: role.ini:2: [setup] role: bad role 'cloud': expected homelab (you list the VMs) or openstack (nova places them)"
bad housekeeping host "housekeeping_cores_per_numa = 0" 2 \
    "nfvhost: housekeeping.ini:2: [host] housekeeping_cores_per_numa: bad housekeeping_cores_per_numa '0': expected an integer from 1 to 64"
bad host-memory host "host_memory = lots" 2 \
    "nfvhost: host-memory.ini:2: [host] host_memory: bad host_memory 'lots': expected a size such as 4G or 512M"
bad hugepage-size host "hugepage_size = 4K" 2 \
    "nfvhost: hugepage-size.ini:2: [host] hugepage_size: bad hugepage_size '4K': expected 2M or 1G"
bad guest-percent host "guest_memory_percent = 100" 2 \
    "nfvhost: guest-percent.ini:2: [host] guest_memory_percent: bad guest_memory_percent '100': expected an integer from 0 to 95"
bad pmd-cores ovs "pmd_cores_per_numa = many" 2 \
    "nfvhost: pmd-cores.ini:2: [ovs] pmd_cores_per_numa: bad pmd_cores_per_numa 'many': expected a count (0-64) or per-node counts such as 0:2,1:1"
bad pmd-siblings ovs "pmd_siblings = share" 2 \
    "nfvhost: pmd-siblings.ini:2: [ovs] pmd_siblings: bad pmd_siblings 'share': expected use or idle"
bad mtu ovs "mtu = 99999" 2 \
    "nfvhost: mtu.ini:2: [ovs] mtu: bad mtu '99999': expected an integer from 68 to 9702"
bad rxq-assign ovs "pmd_rxq_assign = random" 2 \
    "nfvhost: rxq-assign.ini:2: [ovs] pmd_rxq_assign: bad pmd_rxq_assign 'random': expected cycles, roundrobin or group"
bad emulator-policy emulator "policy = pin" 2 \
    "nfvhost: emulator-policy.ini:2: [emulator] policy: bad policy 'pin': expected share, isolate or none"
bad shared-cores emulator "shared_cores = 65" 2 \
    "nfvhost: shared-cores.ini:2: [emulator] shared_cores: bad shared_cores '65': expected an integer from 0 (share the housekeeping cores) to 64"
bad vm-name "vm bad.name" "$VM" 2 \
    "nfvhost: vm-name.ini:1: [vm bad.name]: bad VM name 'bad.name': expected 1-32 letters, digits, '-' or '_', starting with a letter or digit"
bad vcpus "vm a" "vcpus = 0" 2 \
    "nfvhost: vcpus.ini:2: [vm a] vcpus: bad vcpus '0' for VM a: expected an integer from 1 to 1024"
bad memory "vm a" "memory = 0" 2 \
    "nfvhost: memory.ini:2: [vm a] memory: bad memory '0' for VM a: expected a size such as 4G or 512M"
bad nics "vm a" "nics = vhost:5000" 2 \
    "nfvhost: nics.ini:2: [vm a] nics: bad nics 'vhost:5000' for VM a: bad VLAN '5000' (1-4094); expected a list of TYPE[:VLAN] with TYPE vhost or sriov and VLAN 1-4094, an sriov NIC optionally with @PF, e.g. vhost:100, sriov:300@0000:03:00.1"
bad thread-policy "vm a" "thread_policy = spread" 2 \
    "nfvhost: thread-policy.ini:2: [vm a] thread_policy: bad thread_policy 'spread' for VM a: expected prefer, isolate or require"
bad disk "vm a" "disk = $SCRATCH/none.qcow2" 2 \
    "nfvhost: disk.ini:2: [vm a] disk: $SCRATCH/none.qcow2: No such file or directory"
bad disk-relative "vm a" "disk = vm.qcow2" 2 \
    "nfvhost: disk-relative.ini:2: [vm a] disk: bad disk 'vm.qcow2' for VM a: expected an absolute path without quotes or backslashes"
bad cdrom "vm a" "cdrom = $SCRATCH/vm.qcow2" 2 \
    "nfvhost: cdrom.ini:2: [vm a] cdrom: $SCRATCH/vm.qcow2: not an ISO 9660 image (no CD001 signature)"
bad numa "vm a" "numa = 3" 2 \
    "nfvhost: numa.ini:2: [vm a] numa: this machine has no NUMA node 3 with CPUs"
bad queues "vm a" "queues = 17" 2 \
    "nfvhost: queues.ini:2: [vm a] queues: bad queues '17' for VM a: expected an integer from 1 to 16"
bad require-odd "vm a" "vcpus = 3
thread_policy = require" 2 \
    "nfvhost: [vm a] has thread_policy = require and an odd number of vcpus (3): require pins vCPUs to sibling pairs, so use an even count or thread_policy = prefer"
bad no-pf "vm a" "nics = sriov:300
[setup]
sriov_pf = none" 2 \
    "nfvhost: [setup] sriov_pf: VM a has an SR-IOV NIC, and no PF is chosen for the VMs' VFs"
bad unknown-key host "colour = blue" 2 \
    "nfvhost: unknown-key.ini:2: [host] colour: not a question of nfvhost setup (the keys are those of the intent file, docs/planner.md, and [setup] sriov_pf, role)"
bad unknown-section gpu "count = 1" 2 \
    "nfvhost: unknown-section.ini:2: [gpu] count: not a question of nfvhost setup (the keys are those of the intent file, docs/planner.md, and [setup] sriov_pf, role)"
bad twice ovs "mtu = 1500
mtu = 9000" 2 \
    "nfvhost: twice.ini:3: [ovs] mtu: answered twice"
bad syntax host "housekeeping_cores_per_numa" 2 \
    "nfvhost: syntax.ini:2: expected 'key = value', '[section]' or a comment"
bad infeasible "vm a" "vcpus = 16
memory = 2G" 3 \
    "nfvhost: infeasible plan: VM a (16 vCPUs, thread_policy prefer) does not fit on NUMA node 0: 10 vCPU(s) short after housekeeping, 1 PMD core(s), the emulator pool and the VMs placed before it; give it fewer vcpus, move it with numa = N or lower pmd_cores_per_numa"
tap_diag "$n invalid answers"
"$NFVHOST" setup $MACHINE --answers nope.ini --output out > /dev/null 2> err.txt
tap_is "$?" 2 "a missing answers file: exit 2"
tap_is "$(cat err.txt)" "nfvhost: --answers nope.ini: No such file or directory" "... naming it"
tap_done
