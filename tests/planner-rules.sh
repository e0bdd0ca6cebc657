#!/bin/sh
# planner-rules.sh: each planning rule of docs/planner.md, on the fixture
# topologies and the synthetic ones in tests/topologies.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
cd "$SCRATCH"

intent() { # intent NAME: write stdin to NAME.ini
    cat > "$1.ini"
}

# Rule 1: whole cores; pmd_siblings = idle leaves the PMD's sibling idle.
intent idle <<'INI'
[ovs]
pmd_siblings = idle
INI
plan_json idle.json --topology "$HOMELAB/topology.xml" --intent idle.ini
tap_is "$(jget idle.json 'd["pools"]["pmd"]')" "3" "rule 1: PMD keeps one PU of its core"
tap_is "$(jget idle.json 'd["pools"]["idle"]')" "9" "rule 1: its sibling is idle"
tap_is "$(jget idle.json 'd["ovs"]["other_config"]["pmd-cpu-mask"]')" "0x8" "rule 1: idle sibling not in pmd-cpu-mask"
plan_json default.json --topology "$TOPO/24em64t-2n6c2t-pci.xml"
tap_is "$(jget default.json 'd["pools"]["housekeeping"]')" "0-1,12-13" \
    "rules 1-2: housekeeping takes whole cores (siblings +12) with each node's lowest PU"

# Rule 2: housekeeping per node starts at the node's lowest PU; N cores.
intent hk2 <<'INI'
[host]
housekeeping_cores_per_numa = 2
INI
plan_json hk2.json --topology "$TOPO/32em64t-2n8c2t-pci-normalio.xml" --intent hk2.ini
tap_is "$(jget hk2.json 'd["numa_nodes"][1]["pools"]["housekeeping"]')" "8-9,24-25" \
    "rule 2: 2 housekeeping cores on node 1 start at its lowest PU"

# Rule 3: a PMD on the uplink's node and on every node with guests, never
# on housekeeping; a node whose leftover cannot host guests gets none.
intent up1 <<'INI'
[ovs]
uplink = 0000:81:00.0
INI
plan_json up1.json --topology "$TOPO/32em64t-2n8c2t-pci-normalio.xml" --intent up1.ini
tap_is "$(jget up1.json 'd["uplinks"][0]["numa"]')" "1" "rule 3: uplink 81:00.0 is on node 1"
tap_is "$(jget up1.json 'd["numa_nodes"][1]["pools"]["pmd"]')" "9,25" "rule 3: PMD on the uplink's node"
tap_is "$(jget up1.json 'd["numa_nodes"][0]["pools"]["pmd"]')" "2,18" "rule 3: PMD on node 0 too (it has guests)"
intent hk7 <<'INI'
[ovs]
pmd_cores_per_numa = 0:1,1:7
INI
plan_json hk7.json --topology "$TOPO/nosmt-2n8c.xml" --intent hk7.ini
tap_is "$(jget hk7.json '[n["pools"]["pmd"] for n in d["numa_nodes"]]')" '["2", ""]' \
    "rule 3: no PMD on node 1, where 7 PMDs would leave no guest to serve"
tap_is "$(jget hk7.json '[n["pools"]["guest"] for n in d["numa_nodes"]]')" '["3-7", ""]' \
    "rule 3: ... and no guest pool there"
grep -q "left over with no PMD" hk7.json.err
tap_ok $? "rule 3: the leftover core is reported as given to housekeeping"

intent pernode <<'INI'
[ovs]
pmd_cores_per_numa = 0:2,1:1
INI
plan_json pernode.json --topology "$TOPO/32em64t-2n8c2t-pci-normalio.xml" --intent pernode.ini
tap_is "$(jget pernode.json '[n["pools"]["pmd"] for n in d["numa_nodes"]]')" '["2-3,18-19", "9,25"]' \
    "rule 3: per-node PMD counts 0:2,1:1"
intent two <<'INI'
[ovs]
uplink = 0000:02:00.0
uplink = 0000:62:00.0
INI
plan_json two.json --topology "$TOPO/96em64t-4n4d3ca2co-pci.xml" --intent two.ini
tap_is "$(jget two.json '[u["numa"] for u in d["uplinks"]]')" "[0, 2]" \
    "rule 3: uplinks on nodes 0 and 2 of the 4-node fixture"
tap_is "$(jget two.json 'all(n["pools"]["pmd"] != "" for n in d["numa_nodes"])')" "true" \
    "rule 3: a PMD on every node (all have guests)"
plan_json standin.json --topology "$TOPO/96em64t-4n4d3ca2co-pci.xml" --intent two.ini \
    --uplink-override 0000:62:00.0=net_tap0,iface=nfv-tap0
tap_is "$(jget standin.json '[[u["pci"], u["numa"]] for u in d["uplinks"]]')" \
    '[["0000:02:00.0", 0], ["0000:62:00.0", 2]]' \
    "--uplink-override: the stand-in keeps its planned node"
tap_is "$(jget standin.json '[[i["pci"], i["dpdk_devargs"], i["bind_vfio"]] for i in d["ovs"]["uplink_port"]["interfaces"]]')" \
    '[["0000:02:00.0", "0000:02:00.0", true], ["0000:62:00.0", "net_tap0,iface=nfv-tap0", false]]' \
    "--uplink-override: the stand-in is recorded in the plan, and is not bound to vfio-pci"
tap_is "$(jget standin.json 'd["ovs"]["other_config"]["dpdk-extra"]')" "-a 0000:02:00.0" \
    "--uplink-override: dpdk-extra allowlists only the uplinks still on PCI"
tap_is "$(jget standin.json 'd["pools"]')" "$(jget two.json 'd["pools"]')" \
    "--uplink-override: the pools are those of the real uplinks"
plan_json eight.json --topology "$TOPO/intel-8n.xml"
tap_is "$(jget eight.json 'len([n for n in d["numa_nodes"] if n["pools"]["pmd"]])')" "8" \
    "rule 3: 8-node host: a PMD on each of the 8 nodes"
tap_is "$(jget eight.json 'd["ovs"]["other_config"]["dpdk-socket-mem"]')" "2048,2048,2048,2048,2048,2048,2048,2048" \
    "rule 9: socket memory on each of the 8 nodes"

# Rule 4: emulator-share on node 0 unless guests live only elsewhere;
# isolate takes one extra PU per VM; none warns.
tap_is "$(jget up1.json 'd["pools"]["emulator"]')" "1,17" "rule 4: emulator-share on node 0 by default"
intent emu1 <<'INI'
[vm far]
vcpus = 2
memory = 2G
nics = vhost
numa = 1
INI
plan_json emu1.json --topology "$TOPO/32em64t-2n8c2t-pci-normalio.xml" --intent emu1.ini
tap_is "$(jget emu1.json 'd["numa_nodes"][1]["pools"]["emulator"]')" "9,25" \
    "rule 4: emulator-share follows guests that live only on node 1"
tap_is "$(jget emu1.json 'd["vms"][0]["emulatorpin"]')" "9,25" "rule 4: the VM's emulatorpin is that pool"
intent iso <<'INI'
[emulator]
policy = isolate
[vm a]
vcpus = 2
memory = 2G
nics = vhost
[vm b]
vcpus = 3
memory = 2G
nics = vhost
INI
plan_json iso.json --topology "$HOMELAB/topology.xml" --intent iso.ini
tap_is "$(jget iso.json '[v["emulatorpin"] for v in d["vms"]]')" '["2", "11"]' \
    "rule 4: isolate gives each VM one extra guest PU (a fresh core for a, b's leftover sibling)"
tap_is "$(jget iso.json 'd["pools"]["emulator"]')" "" "rule 4: isolate has no shared pool"
intent none <<'INI'
[emulator]
policy = none
INI
plan_json none.json --topology "$HOMELAB/topology.xml" --intent none.ini
grep -q "emulator threads will float" none.json.err
tap_ok $? "rule 4: policy none warns that emulator threads float over vCPUs"

# Rule 5: the rest is the guest pool.
tap_is "$(jget up1.json 'd["pools"]["guest"]')" "3-7,10-15,19-23,26-31" "rule 5: all remaining cores are guests"

# Rule 6: VM placement.
intent sriov <<'INI'
[ovs]
uplink = 0000:81:00.0
[vm r]
vcpus = 4
memory = 4G
nics = vhost:10, sriov:20
INI
plan_json sriov.json --topology "$TOPO/32em64t-2n8c2t-pci-normalio.xml" --intent sriov.ini
tap_is "$(jget sriov.json 'd["vms"][0]["numa"]')" "1" "rule 6: a VM with SR-IOV NICs sits on its PF's node"
tap_is "$(jget sriov.json 'd["vms"][0]["vcpupin"]')" "[11, 27, 12, 28]" \
    "rule 6: sibling PUs go to consecutive vCPUs"
tap_is "$(jget sriov.json 'd["vms"][0]["topology"]')" '{"sockets": 1, "cores": 2, "threads": 2}' \
    "rule 6: guest topology says threads=2"
tap_is "$(jget sriov.json 'd["vms"][0]["nics"][1]["pf"]')" "0000:81:00.1" \
    "rules 6, 12: the VF comes from the NIC's other port, never the uplink PF 81:00.0"
intent most <<'INI'
[vm big]
vcpus = 8
memory = 4G
nics = vhost
[vm next]
vcpus = 4
memory = 4G
nics = vhost
INI
plan_json most.json --topology "$TOPO/32em64t-2n8c2t-pci-normalio.xml" --intent most.ini
tap_is "$(jget most.json '[v["numa"] for v in d["vms"]]')" "[1, 0]" \
    "rule 6: each VM goes to the node with the most free guest cores (node 0 also holds the emulator pool)"
intent l3 <<'INI'
[vm a]
vcpus = 6
memory = 2G
nics = vhost
[vm b]
vcpus = 4
memory = 2G
nics = vhost
INI
plan_json l3.json --topology "$TOPO/amd-2ccd-16c.xml" --intent l3.ini
a_l3=$(jget l3.json 'd["vms"][0]["l3"]')
tap_is "$(jget l3.json '[set(int(c) for c in v["vcpupin"]) <= set(__import__("itertools").chain.from_iterable(range(int(r.split("-")[0]), int(r.split("-")[-1]) + 1) for r in d["numa_nodes"][0]["l3_domains"][v["l3"]]["cpus"].split(","))) for v in d["vms"]]')" \
    "[true, true]" "rule 6: each VM's vCPUs lie within one L3 domain"
intent isolate <<'INI'
[vm q]
vcpus = 3
memory = 2G
nics = vhost
thread_policy = isolate
INI
plan_json isolate.json --topology "$HOMELAB/topology.xml" --intent isolate.ini
tap_is "$(jget isolate.json 'd["vms"][0]["vcpupin"]')" "[4, 5, 2]" \
    "rule 6: thread_policy isolate uses one PU per core"
tap_is "$(jget isolate.json 'd["vms"][0]["topology"]["threads"]')" "1" "rule 6: isolate means threads=1"
intent req <<'INI'
[vm r]
vcpus = 4
memory = 2G
nics = vhost
thread_policy = require
INI
plan_json req.json --topology "$TOPO/24em64t-2n6c2t-pci.xml" --intent req.ini
tap_is "$(jget req.json 'd["vms"][0]["vcpupin"]')" "[7, 19, 9, 21]" \
    "rule 6: thread_policy require pins sibling pairs (node 1 = odd PUs, siblings +12)"
intent vf <<'INI'
[vm v]
vcpus = 2
memory = 2G
nics = sriov:42
sriov_pf = 0000:88:00.0
INI
plan_json vf.json --topology "$TOPO/16intel64-manyVFs.xml" --intent vf.ini
tap_is "$(jget vf.json '[d["vms"][0]["numa"], d["vms"][0]["nics"][0]["pf"]]')" '[1, "0000:88:00.0"]' \
    "rule 6: sriov_pf 88:00.0 puts the VM on the PF's node 1 (no SMT host)"
intent numa3 <<'INI'
[vm n]
vcpus = 2
memory = 2G
nics = vhost
numa = 3
INI
plan_json numa3.json --topology "$TOPO/gaps-2n.xml" --intent numa3.ini
tap_is "$(jget numa3.json 'd["vms"][0]["numa"]')" "3" "rule 6: numa = 3 honoured on a host with node ids 0 and 3"
intent toobig <<'INI'
[vm huge]
vcpus = 10
memory = 2G
nics = vhost
INI
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent toobig.ini > /dev/null 2> toobig.err
tap_is "$?" "3" "rule 6: a VM that does not fit is infeasible (exit 3)"
tap_is "$(cat toobig.err)" "nfvhost: infeasible plan: VM huge (10 vCPUs, thread_policy prefer) does not fit on NUMA node 0: 4 vCPU(s) short after housekeeping, 1 PMD core(s), the emulator pool and the VMs placed before it; give it fewer vcpus, move it with numa = N or lower pmd_cores_per_numa" \
    "rule 6: the message says which VM, where and by how much"

# Rule 7: the PMD sits in the L3 domain with most of the vhost queues it
# polls, and VMs with more vhost NICs are placed next to it first.
plan_json homelab.json --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini"
tap_is "$(jget homelab.json 'd["pools"]["pmd"]')" "3,9" "rule 7: home-lab PMD in L3 #1 with two of the three VMs"
tap_is "$(jget homelab.json '[v["l3"] for v in d["vms"]]')" "[1, 1, 0]" \
    "rule 7: the two VMs with two vhost NICs each share the PMD's L3 domain, the one with one does not"
# vhost NICs whose PMD is in the L3 domain of their VM's vCPUs.
NEAR='sum(1 for v in d["vms"] for n in v["nics"] if n["type"] == "vhost" and str(n["pmd_cpu"]) in [c for l in d["numa_nodes"][v["numa"]]["l3_domains"] if l["index"] == v["l3"] for c in __import__("re").split("[,-]", l["cpus"])])'
tap_is "$(jget homelab.json "$NEAR")" "4" "rule 7: 4 of the home lab's 5 vhost NICs are polled from their VM's L3 domain"
intent l3q <<'INI'
[vm big]
vcpus = 4
memory = 2G
[vm small]
vcpus = 2
memory = 2G
nics = vhost, vhost
INI
plan_json l3q.json --topology "$HOMELAB/topology.xml" --intent l3q.ini
tap_is "$(jget l3q.json 'd["pools"]["pmd"] + " " + str(d["vms"][1]["l3"])')" "3,9 1" \
    "rule 7: vhost queues, not vCPUs, decide: the small VM with two vhost NICs gets the PMD's domain"
tap_is "$(jget l3q.json "$NEAR")" "2" "rule 7: both its vhost NICs are polled from its L3 domain"
plan_json amd.json --topology "$TOPO/amd-2ccd-16c.xml"
tap_is "$(jget amd.json 'd["pools"]["pmd"]')" "8,24" \
    "rule 7: with no VM listed the PMD goes to the L3 domain with most guest cores"

# Rule 8: hybrid CPUs.
intent hy <<'INI'
[vm v]
vcpus = 4
memory = 2G
nics = vhost
INI
plan_json hy.json --topology "$TOPO/hybrid-12c.xml" --intent hy.ini
tap_is "$(jget hy.json 'd["pools"]["housekeeping"]')" "16-17,20-23" \
    "rule 8: housekeeping takes the efficient cores first, and keeps the unused ones"
tap_is "$(jget hy.json 'd["pools"]["emulator"]')" "18-19" "rule 8: emulator-share on an efficient core"
tap_is "$(jget hy.json 'd["pools"]["pmd"] + " " + d["vms"][0]["cpus"]')" "0-1 2-5" \
    "rule 8: PMD and vCPUs on the performance cores"

# Rule 9: memory.
tap_is "$(jget homelab.json 'd["numa_nodes"][0]["hugepages"]')" \
    '{"size_kb": 1048576, "count": 10, "ovs": 2, "guests": 8}' \
    "rule 9: OVS 2 x 1G (MTU 1500) + guests 4+2+2 x 1G"
intent jumbo <<'INI'
[ovs]
mtu = 9000
[host]
hugepage_size = 2M
INI
plan_json jumbo.json --topology "$TOPO/32em64t-2n8c2t-pci-normalio.xml" --intent jumbo.ini
tap_is "$(jget jumbo.json 'd["ovs"]["other_config"]["dpdk-socket-mem"]')" "3072,3072" "rule 9: MTU 9000 -> 3072 MiB per node with a PMD"
tap_is "$(jget jumbo.json 'd["numa_nodes"][0]["hugepages"]["ovs"]')" "1536" "rule 9: as 2M pages"
tap_is "$(jget default.json 'd["numa_nodes"][0]["hugepages"]["guests"]')" \
    "$(jget default.json 'int((d["numa_nodes"][0]["memory_mb"] - 2048 - 2048) * 75 / 100 / 1024)')" \
    "rule 9: with no VM, 75% of what is left after host and OVS"
plan_json gaps.json --topology "$TOPO/gaps-2n.xml"
tap_is "$(jget gaps.json 'd["ovs"]["other_config"]["dpdk-socket-mem"]')" "2048,0,0,2048" \
    "rule 9: dpdk-socket-mem is positional by node id, gaps filled with 0"
plan_json cxl.json --topology "$TOPO/cxl-3n.xml"
tap_is "$(jget cxl.json '[[n["id"], n["has_cpus"], n["hugepages"]["count"], n["pools"]["guest"]] for n in d["numa_nodes"]][2]')" \
    '[2, false, 0, ""]'  "rule 9: the memory-only node holds no pools and no hugepages"
intent fat <<'INI'
[vm fat]
vcpus = 2
memory = 30G
nics = vhost
INI
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent fat.ini > /dev/null 2> fat.err
tap_is "$?" "3" "rule 9: a node that cannot hold the memory is infeasible"
tap_is "$(cat fat.err)" "nfvhost: infeasible plan: NUMA node 0 cannot hold its memory plan: OVS 2048 MiB + guests 30720 MiB + host 4096 MiB = 36864 MiB, but the node has 32768 MiB: short by 4096 MiB; give VMs on it less memory, move one with numa = N, or lower host_memory" \
    "rule 9: the message gives the sum and the shortfall"

# Rule 10: same input, byte-identical output.
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" --output run1 > sum1.txt
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" --output run2 > sum2.txt
diff -r run1 run2 > /dev/null && diff sum1.txt sum2.txt | grep -v 'Wrote' | grep -q '^[<>]' && false || diff -r run1 run2 >/dev/null
tap_ok $? "rule 10: two runs give byte-identical files"

# Rule 11: the uplink gets one rx queue per PMD thread of its node, each
# pinned to one of them.
tap_is "$(jget homelab.json '[[i["n_rxq"], i["rxq_pmds"]] for i in d["ovs"]["uplink_port"]["interfaces"]]')" \
    "[[2, [3, 9]]]" "rule 11: home lab: 2 PMD threads, 2 rx queues on them"
tap_is "$(jget two.json 'all(i["n_rxq"] == len(i["rxq_pmds"]) and ",".join(map(str, i["rxq_pmds"])) == [n for n in d["numa_nodes"] if n["id"] == u["numa"]][0]["pools"]["pmd"] for i, u in zip(d["ovs"]["uplink_port"]["interfaces"], d["uplinks"]))')" \
    "true" "rule 11: each uplink's queues are exactly the PMD PUs of its node"
tap_is "$(jget homelab.json 'd["ovs"]["other_config"]["pmd-rxq-isolate"]')" "false" \
    "rule 11: pmd-rxq-isolate is false, so a port added later is polled too"

# Rule 12: the PF of each SR-IOV NIC is never one OVS-DPDK takes; VF
# ordinals per PF in plan order, and the PF's VF count.
tap_is "$(jget homelab.json '[d["sriov_pfs"], d["vms"][0]["nics"][2]["vf"]]')" \
    '[[{"pci": "0000:03:00.1", "numvfs": 1, "set_numvfs": true}], 0]' \
    "rule 12: vrouter1's sriov:300@0000:03:00.1 takes virtfn0 of the X710's second port, which needs 1 VF"
intent pfs <<'INI'
[ovs]
uplink = 0000:03:00.0
[vm a]
vcpus = 2
memory = 1G
nics = sriov:10, sriov:20@0000:03:00.1
[vm b]
vcpus = 2
memory = 1G
nics = sriov
sriov_pf = 0000:03:00.1
INI
plan_json pfs.json --topology "$HOMELAB/topology.xml" --intent pfs.ini
tap_is "$(jget pfs.json '[[n["pf"], n["vf"]] for v in d["vms"] for n in v["nics"]]')" \
    '[["0000:03:00.1", 0], ["0000:03:00.1", 1], ["0000:03:00.1", 2]]' \
    "rule 12: no PF named: the port that is not the uplink; @PF and sriov_pf name it; VFs 0, 1, 2"
# A switchdev uplink (rule 15) stays on its kernel driver with its VFs:
# its VFs are what VMs take (the default PF, and naming it is fine).
intent swdev <<'INI'
[ovs]
uplink = 0000:03:00.0
[uplink 0000:03:00.0]
mode = switchdev
[vm a]
vcpus = 2
memory = 1G
nics = sriov:10, sriov:20@0000:03:00.0
INI
plan_json swdev.json --topology "$HOMELAB/topology.xml" --intent swdev.ini
tap_is "$?:$(jget swdev.json '[n["pf"] for v in d["vms"] for n in v["nics"]]')" \
    '0:["0000:03:00.0", "0000:03:00.0"]' \
    "rule 12: a switchdev uplink PF gives VMs its VFs (default and named)"
R=$SCRATCH/pfroot
fake_nic_tree "$R"
fake_nic "$R" 0000:04:00.0 0 igb eno1 1 0 0
intent vfup <<'INI'
[ovs]
uplink = 0000:03:02.0
[vm a]
vcpus = 2
memory = 1G
nics = sriov:10
INI
plan_json vfup.json --topology "$HOMELAB/topology.xml" --sysfs-root "$R" --intent vfup.ini
tap_is "$(jget vfup.json 'd["vms"][0]["nics"][0]["pf"]')" "0000:03:00.0" \
    "rule 12: a VF uplink leaves its PF with the kernel: the PF still gives VFs"
# A VF uplink of the second port: VMs default to its PF (the uplink's own
# card and network), and never get the uplink's VF (virtfn0 there).
R2=$SCRATCH/pfroot2
fake_nic_tree "$R2"
fake_nic "$R2" 0000:03:0a.0 0 iavf enp3s0f1v0 1
ln -s ../0000:03:00.1 "$R2/sys/bus/pci/devices/0000:03:0a.0/physfn"
ln -s ../0000:03:0a.0 "$R2/sys/bus/pci/devices/0000:03:00.1/virtfn0"
printf '[ovs]\nuplink = 0000:03:0a.0\n[vm a]\nvcpus = 2\nmemory = 1G\nnics = sriov:10\n' > vfup2.ini
plan_json vfup2.json --topology "$HOMELAB/topology.xml" --sysfs-root "$R2" --intent vfup2.ini
tap_is "$(jget vfup2.json '[d["vms"][0]["nics"][0]["pf"], d["vms"][0]["nics"][0]["vf"]]')" \
    '["0000:03:00.1", 1]' \
    "rule 12: a VF uplink's PF is the default PF (not the other port), and its VF 0 is skipped"
printf '[vm a]\nvcpus = 2\nmemory = 1G\nnics = sriov@0000:04:00.0\n' > novf.ini
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --sysfs-root "$R" --intent novf.ini \
    > /dev/null 2> novf.err
tap_is "$? $(cat novf.err)" \
    "3 nfvhost: infeasible plan: VM a nic 0: PF 0000:04:00.0 cannot make VFs (sriov_totalvfs is 0)" \
    "rule 12: a PF that cannot make VFs is infeasible"
printf '[vm a]\nvcpus = 2\nmemory = 1G\nnics = sriov\n' > dflt.ini
plan_json dflt.json --topology "$HOMELAB/topology.xml" --sysfs-root "$R" --intent dflt.ini
tap_is "$(jget dflt.json 'd["vms"][0]["nics"][0]["pf"]')" "0000:03:00.0" \
    "rule 12: no uplink, no PF named: the lowest PF sysfs says can make VFs (not 04:00.0, which cannot)"

# Rule 13: stable MACs, 52:54:00 and FNV-1a of VM/INDEX, unique.
tap_is "$(jget homelab.json 'len(set(n["mac"] for v in d["vms"] for n in v["nics"])) == sum(len(v["nics"]) for v in d["vms"]) and all(n["mac"].startswith("52:54:00:") for v in d["vms"] for n in v["nics"])')" \
    "true" "rule 13: every NIC has a unique 52:54:00 MAC"
tap_is "$(jget homelab.json 'd["vms"][0]["nics"][0]["mac"]')" "$(python3 -c '
h = 2166136261
for c in b"vrouter1/0":
    h = ((h ^ c) * 16777619) & 0xffffffff
print("52:54:00:%02x:%02x:%02x" % (h >> 24, (h >> 16) & 255, (h >> 8) & 255))')" \
    "rule 13: the MAC is the high 24 bits of FNV-1a of vrouter1/0"
intent alone <<'INI'
[vm vrouter1]
vcpus = 2
memory = 4G
nics = vhost:100, vhost:200, sriov:300
[ovs]
uplink = 0000:03:00.0
INI
plan_json alone.json --topology "$HOMELAB/topology.xml" --intent alone.ini
tap_is "$(jget alone.json '[n["mac"] for n in d["vms"][0]["nics"]]')" \
    "$(jget homelab.json '[n["mac"] for n in d["vms"][0]["nics"]]')" \
    "rule 13: a NIC keeps its MAC when other VMs come and go"
# vm766/0 and vm5522/0 hash to the same 24 bits: the later one rehashes.
intent clash <<'INI'
[vm vm766]
vcpus = 1
memory = 1G
nics = vhost
[vm vm5522]
vcpus = 1
memory = 1G
nics = vhost
INI
plan_json clash.json --topology "$TOPO/96em64t-4n4d3ca2co-pci.xml" --intent clash.ini
tap_is "$(jget clash.json '[v["nics"][0]["mac"] for v in d["vms"]]')" \
    '["52:54:00:46:dc:9c", "'"$(python3 -c '
h = 2166136261
for c in b"vm5522/0/1":
    h = ((h ^ c) * 16777619) & 0xffffffff
print("52:54:00:%02x:%02x:%02x" % (h >> 24, (h >> 16) & 255, (h >> 8) & 255))')"'"]' \
    "rule 13: a clash is resolved by hashing VM/INDEX/1 for the later NIC"

# Rule 14: names and the socket directory.
tap_is "$(jget homelab.json '[n.get("port") for n in d["vms"][0]["nics"]]')" \
    '["vhu-vrouter1-0", "vhu-vrouter1-1", null]' "rule 14: vhost ports are vhu-VM-INDEX"
tap_is "$(jget homelab.json '[d["ovs"][k] for k in ("bridge", "socket_dir", "socket_group", "socket_mode")]')" \
    '["br-nfv", "/var/lib/vhost_sockets", "hugetlbfs", "0770"]' \
    "rule 14: bridge and socket directory defaults (a topology file: no group detected)"
intent sockdir <<'INI'
[ovs]
socket_dir = /run/vhu
socket_group = libvirt-qemu
INI
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent sockdir.ini --output sockdir > /dev/null
tap_is "$(jget sockdir/plan.json '[d["ovs"]["socket_dir"], d["ovs"]["socket_group"]]')" \
    '["/run/vhu", "libvirt-qemu"]' "rule 14: [ovs] socket_dir and socket_group"
grep -qx 'vhostuser_socket_dir = /run/vhu' sockdir/openstack/openvswitch_agent.ini
tap_ok $? "rule 14: neutron's vhostuser_socket_dir is the plan's"
printf '[ovs]\nsocket_dir = /run/../etc\n' > baddir.ini
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent baddir.ini > /dev/null 2> baddir.err
tap_is "$?" 2 "rule 14: a socket_dir with '..' is refused"

# Rule 17: cpu_policy shared, shared_cores = 0: a 2-CPU host plans as one
# housekeeping+shared CPU and one PMD CPU; [libvirt] virt_type.
lstopo-no-graphics --no-io --of xml -i "numa:1(memory=16GB) core:2 pu:1" small.xml
intent small <<'INI'
[host]
host_memory = 1G
hugepage_size = 2M
[emulator]
shared_cores = 0
[libvirt]
virt_type = qemu
[vm a]
vcpus = 2
memory = 256M
nics = vhost:100
cpu_policy = shared
[vm b]
vcpus = 1
memory = 256M
cpu_policy = shared
INI
"$NFVHOST" plan --topology small.xml --intent small.ini --output small > small.txt 2> small.err
tap_is "$?" 0 "rule 17: a 2-CPU host with only cpu_policy shared VMs can be planned"
tap_is "$(jget small/plan.json '[d["pools"][k] for k in ("housekeeping", "pmd", "emulator", "guest")] + [d["shared_cpus"]]')" \
    '["0", "1", "", "", "0"]' "rule 17: housekeeping+shared CPU 0, PMD CPU 1, no emulator or guest pool"
tap_is "$(jget small/plan.json '[(v["cpu_policy"], v["cpus"], v["vcpupin"], v["emulatorpin"], v["numa"], v["topology"]["threads"]) for v in d["vms"]]')" \
    '[["shared", "0", [], "0", 0, 1], ["shared", "0", [], "0", 0, 1]]' \
    "rule 17: shared VMs float over the shared CPUs, with no vcpupin"
tap_is "$(jget small/plan.json 'd["vms"][0]["nics"][0]["pmd_cpu"]')" 1 "rule 17: a shared VM's vhost NIC is polled by the PMD"
tap_is "$(grep -c 'cpu_policy shared: its vCPUs float over CPUs 0' small/plan.json) $(grep -c 'shared_cores = 0: QEMU' small/plan.json)" \
    "2 1" "rule 17: warnings say what isolation is lost"
tap_is "$(jget small/plan.json 'd["settings"]["virt_type"]')" qemu "[libvirt] virt_type is in the plan"
grep -q '^cpu_dedicated_set' small/openstack/nova.conf
tap_is "$?" 1 "rule 17: nova.conf has no (empty) cpu_dedicated_set"
tap_is "$(sed -n 's/^\(cpu_shared_set\|virt_type\|cpu_mode\|cpu_models\) = //p' small/openstack/nova.conf | paste -sd' ')" \
    "0 qemu custom qemu64" "nova.conf: cpu_shared_set 0; virt_type qemu with the TCG model"
tap_is "$(grep -o 'hw:[a-z_]*=[a-z0-9A-Z]*' small/openstack/flavors.sh | sort -u | paste -sd' ')" \
    "hw:cpu_policy=shared hw:mem_page_size=2MB hw:numa_nodes=1 hw:vif_multiqueue_enabled=false" \
    "rule 17: shared flavors: hw:cpu_policy=shared, no thread or emulator policy"
printf '[emulator]\nshared_cores = 0\n[vm a]\nvcpus = 1\nmemory = 256M\ncpu_policy = shared\nnuma = 1\n' > farnode.ini
"$NFVHOST" plan --topology "$TOPO/96em64t-4n4d3ca2co-pci.xml" --intent farnode.ini > /dev/null 2> farnode.err
tap_is "$?$(tail -1 farnode.err)" "3nfvhost: infeasible plan: VM a has cpu_policy = shared and numa = 1, but the shared CPUs are on NUMA node 0: drop its numa or set it to 0" \
    "rule 17: a shared VM's numa must be the shared CPUs' node"
printf '[vm a]\nvcpus = 2\nmemory = 1G\ncpu_policy = shared\n[vm b]\nvcpus = 2\nmemory = 1G\n' > mixed.ini
plan_json mixed.json --topology "$HOMELAB/topology.xml" --intent mixed.ini
tap_is "$(jget mixed.json '[d["shared_cpus"], d["pools"]["emulator"], d["vms"][0]["cpus"], d["vms"][1]["cpus"]]')" \
    '["1,7", "1,7", "1,7", "3,9"]' "rule 17: with an emulator pool, shared vCPUs float over it; dedicated ones stay pinned (rule 7: next to the PMD)"
# nova's VCPU inventory is cpu_shared_set times the allocation ratio, whose
# default differs by nova release: nova.conf writes the initial one
# whenever there is a cpu_shared_set ('nfvhost fleet plan' counts shared
# flavors with it), never cpu_allocation_ratio, which would override a
# ratio the operator set through placement.
tap_is "$(grep -c '^initial_cpu_allocation_ratio = 4.0$' small/openstack/nova.conf)$(grep -c '^cpu_allocation_ratio' small/openstack/nova.conf)" 10 \
    "rule 17: nova.conf sets initial_cpu_allocation_ratio, not cpu_allocation_ratio (cpu_shared_set is the housekeeping CPU)"
printf '[emulator]\npolicy = isolate\n' > noshare.ini
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent noshare.ini --output noshare > /dev/null 2>&1
tap_is "$?$(grep -c 'cpu_shared_set\|cpu_allocation_ratio' noshare/openstack/nova.conf)" "00" \
    "... and neither without a cpu_shared_set"
# A shared flavor has no thread policy, so two shared VMs of one size are
# one flavor whatever their thread_policy says.
printf '[vm a]\nvcpus = 2\nmemory = 1G\ncpu_policy = shared\n[vm b]\nvcpus = 2\nmemory = 1G\ncpu_policy = shared\nthread_policy = isolate\n' > twoshared.ini
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent twoshared.ini --output twoshared > /dev/null 2>&1
tap_is "$?$(grep '^flavor ' twoshared/openstack/flavors.sh)" "0flavor nfv.2c1g.shared 2 1024" \
    "rule 17: two shared VMs of one size, thread policies apart, are one flavor"

# Offline and disallowed CPUs are never planned.
plan_json off.json --topology "$TOPO/offline-8c.xml"
tap_is "$(jget off.json 'd["host"]["unusable_cpus"]')" "5,14" "offline PU 5 and disallowed PU 14 are unusable"
tap_is "$(jget off.json '",".join(v for v in d["pools"].values() if v)')" \
    "$(jget off.json '",".join(v for v in d["pools"].values() if v)' | tr ',' '\n' | grep -vx -e 5 -e 14 | paste -sd, -)" \
    "... and appear in no pool"

# vhost multiqueue (review 6): each rx queue gets its own PMD, spread
# over the node's PMDs least loaded first, and ovs apply pins each queue
# to its own (tests/unit/test-ovs.c).
cat > mq.ini <<'INI'
[ovs]
uplink = 0000:03:00.0
pmd_cores_per_numa = 2
[vm a]
vcpus = 2
memory = 2G
queues = 4
nics = vhost:10
[vm b]
vcpus = 2
memory = 2G
queues = 2
nics = vhost:20, vhost:30
INI
plan_json mq.json --topology "$HOMELAB/topology.xml" --intent mq.ini
tap_is "$?" 0 "multiqueue: plans"
tap_is "$(jget mq.json '[[n["pmd_cpu"], n["rxq_pmds"]] for v in d["vms"] for n in v["nics"]]')" \
    "[[3, [3, 4, 9, 10]], [3, [3, 4]], [9, [9, 10]]]" \
    "multiqueue: every rx queue its own PMD, least loaded first; pmd_cpu is queue 0's"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent mq.ini --no-color 2>&1 \
    | grep -q "nic 0: vhost vlan 10, rx queues polled by PMDs on CPUs 3,4,9,10 (queue 0 first)"
tap_ok $? "multiqueue: the summary lists each queue's PMD"
# Review 10: a VM spread over two L3 domains is labelled with both.
printf '[ovs]\nuplink = 0000:03:00.0\n[vm s]\nvcpus = 2\nmemory = 2G\nnics = vhost:10\n[vm a]\nvcpus = 4\nmemory = 2G\n' > spread.ini
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent spread.ini --no-color > spread.out 2>&1
tap_is "$(grep '^  a:' spread.out | cut -d';' -f1)" "  a: node 0, L3 #0+#1, 4 vCPUs -> 2,8,5,11" \
    "a VM over two L3 domains: the summary names both"
tap_is "$(grep '^  s:' spread.out | cut -d';' -f1)" "  s: node 0, L3 #1, 2 vCPUs -> 4,10" \
    "... a VM in one, that one"
tap_done
