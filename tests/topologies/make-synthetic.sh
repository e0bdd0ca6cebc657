#!/bin/sh
# make-synthetic.sh: regenerate the synthetic topologies of tests/topologies
# and examples/homelab/topology.xml with hwloc's own synthetic backend
# (lstopo-no-graphics -i "..."), adding the bits the synthetic syntax cannot
# express (PCI NICs, CPU vendor, CPU kinds, offline CPUs) as XML edits.
# Run from the source tree: sh tests/topologies/make-synthetic.sh
set -e
cd "$(dirname "$0")"
LSTOPO="lstopo-no-graphics --no-io --of xml"
G=34359738368           # 32 GiB
gen() { # gen FILE "SYNTHETIC"
    $LSTOPO -i "$2" "$1.tmp"
    # Synthetic exports name the generating process and version; drop them
    # so the files do not change with the hwloc that made them.
    grep -v -e 'name="ProcessName"' -e 'name="hwlocVersion"' "$1.tmp" > "$1"
    rm -f "$1.tmp"
}
# pci NIC block for a Package: pci_nic BUSID VENDOR:DEVICE IFNAME
nic_xml() {
    printf '      <object type="PCIDev" gp_index="%s" pci_busid="%s" pci_type="0200 [%s] [8086:0000] 02" pci_link_speed="7.876923">\n        <object type="OSDev" gp_index="%s" name="%s" osdev_type="2"/>\n      </object>\n' "$4" "$1" "$2" "$5" "$3"
}
# add_io FILE PACKAGE-INDEX XML: append I/O objects as children of the
# N-th Package (0-based) right before its closing tag.
add_io() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys
path, pkg, blob = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path).read().split('\n')
# find the Package objects and their closing lines by indentation
starts = [i for i, l in enumerate(lines) if '<object type="Package"' in l]
start = starts[pkg]
indent = lines[start][:len(lines[start]) - len(lines[start].lstrip())]
end = next(i for i in range(start + 1, len(lines))
           if lines[i] == indent + '</object>')
lines[end:end] = [l for l in blob.rstrip('\n').split('\n')]
open(path, 'w').write('\n'.join(lines))
PY
}
vendor() { # vendor FILE NAME
    sed -i "0,/<object type=\"Package\"[^>]*>/s//&\n      <info name=\"CPUVendor\" value=\"$2\"\/>/" "$1"
}

# The home-lab reference box: Ryzen 5 3600, 6 cores / 12 threads, siblings
# N and N+6, two CCX (L3 domains) of 3 cores, 32 GiB, Intel X710 (8086:1572)
# with two ports at 03:00.0 and 03:00.1.
H=../../examples/homelab/topology.xml
gen $H "pack:1 [numa(memory=$G)] l3:2(size=16777216) l2:3(size=524288) core:1 pu:2(indexes=0,6,1,7,2,8,3,9,4,10,5,11)"
vendor $H AuthenticAMD
add_io $H 0 "$(nic_xml 0000:03:00.0 8086:1572 enp3s0f0 900 901; nic_xml 0000:03:00.1 8086:1572 enp3s0f1 902 903)"

# AMD-style numbering, 2 L3 domains, 16 cores, SMT siblings N and N+16.
gen amd-2ccd-16c.xml "pack:1 [numa(memory=$G)] l3:2(size=33554432) core:8 pu:2(indexes=$(python3 -c 'print(",".join(f"{c},{c+16}" for c in range(16)))'))"
vendor amd-2ccd-16c.xml AuthenticAMD

# No SMT, 2 NUMA nodes, 8 cores each, one NIC per node.
gen nosmt-2n8c.xml "pack:2 [numa(memory=$G)] l3:1(size=33554432) core:8 pu:1"
vendor nosmt-2n8c.xml GenuineIntel
add_io nosmt-2n8c.xml 0 "$(nic_xml 0000:18:00.0 8086:1572 ens1f0 900 901)"
add_io nosmt-2n8c.xml 1 "$(nic_xml 0000:af:00.0 8086:1572 ens2f0 902 903)"

# 8 NUMA nodes (2 per package), SMT 2, Intel numbering (siblings +64).
gen intel-8n.xml "pack:4 group:2 [numa(memory=17179869184)] l3:1(size=25165824) core:4 pu:2(indexes=$(python3 -c 'print(",".join(f"{c},{c+32}" for c in range(32)))'))"
vendor intel-8n.xml GenuineIntel
add_io intel-8n.xml 2 "$(nic_xml 0000:5e:00.0 8086:1592 ens5f0 900 901)"

# The benchmark host: 8 sockets, 448 PUs, 16 NUMA nodes (SNC2), 28 cores
# per socket, SMT 2.
gen bench-8s-448.xml "pack:8 group:2 [numa(memory=68719476736)] l3:1(size=41943040) core:14 pu:2(indexes=$(python3 -c 'print(",".join(f"{c},{c+224}" for c in range(224)))'))"
vendor bench-8s-448.xml GenuineIntel
add_io bench-8s-448.xml 0 "$(nic_xml 0000:18:00.0 8086:1592 ens1f0 9000 9001)"
add_io bench-8s-448.xml 5 "$(nic_xml 0000:d8:00.0 8086:1592 ens9f0 9002 9003)"
# NUMA ids with a gap (0 and 3), NIC on node 3, 2 x 6 cores, SMT 2.
gen gaps-2n.xml "pack:2 [numa(memory=$G indexes=0,3)] l3:1(size=33554432) core:6 pu:2"
vendor gaps-2n.xml GenuineIntel
add_io gaps-2n.xml 1 "$(nic_xml 0000:86:00.0 8086:1572 ens3f0 900 901)"

# A memory-only node (CXL-style, attached to the machine, P#2) beside two
# ordinary nodes with 4 cores each.
gen cxl-3n.xml "[numa(memory=$G)] pack:2 [numa(memory=$G)] l3:1(size=33554432) core:4 pu:2"
vendor cxl-3n.xml GenuineIntel

# Hybrid CPU kinds: 12 cores x 2 PUs; cores 0-7 (PUs 0-7,24-31... by
# logical order PU 2k and 2k+1) are the performance kind, cores 8-11 the
# efficient kind (hwloc lists kinds by increasing efficiency value).
gen hybrid-12c.xml "pack:1 [numa(memory=$G)] l3:1(size=33554432) core:12 pu:2"
vendor hybrid-12c.xml GenuineIntel
sed -i 's|</topology>|  <cpukind cpuset="0x0000ffff" forced_efficiency="1">\n    <info name="CoreType" value="IntelCore"/>\n  </cpukind>\n  <cpukind cpuset="0x00ff0000" forced_efficiency="0">\n    <info name="CoreType" value="IntelAtom"/>\n  </cpukind>\n</topology>|' hybrid-12c.xml

# Offline and disallowed CPUs: 8 cores x 2 PUs (siblings N, N+8); PU 5 is
# offline (in complete_cpuset only) and PU 14 is not allowed (cgroup).
gen offline-8c.xml "pack:1 [numa(memory=$G)] l3:1(size=33554432) core:8 pu:2(indexes=$(python3 -c 'print(",".join(f"{c},{c+8}" for c in range(8)))'))"
vendor offline-8c.xml AuthenticAMD
python3 - offline-8c.xml <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
def clear(attr, bit):
    def fix(m):
        v = int(m.group(2).replace(',0x', ''), 16) & ~(1 << bit)
        return '%s="0x%08x"' % (m.group(1), v)
    return fix
# PU 5 offline: drop its object and its bit from every cpuset (not from
# complete_cpuset); PU 14 disallowed: drop its bit from allowed_cpuset.
text = re.sub(r'\s*<object type="PU" os_index="5"[^>]*/>', '', text)
text = re.sub(r'( cpuset)="(0x[0-9a-f,x]+)"', clear('cpuset', 5), text)
text = re.sub(r'(allowed_cpuset)="(0x[0-9a-f,x]+)"', clear('allowed', 14), text)
open(path, 'w').write(text)
PY
echo "regenerated"
