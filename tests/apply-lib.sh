# apply-lib.sh: what the 'nfvhost apply' tests share.  Source it after
# tests/lib.sh and tests/ovs-harness.sh, then apply_test_begin (or, for a
# tree alone, set SCRATCH or R and call make_root).
#
# The host is a tree (--sysfs-root $R): the home lab's node 0 with 2M and
# 1G hugepage pools (the hugepages tests' kernel shim gives its
# nr_hugepages files the kernel's behaviour), a kernel command line, the
# X710's PFs (0000:03:00.1 gives the VMs' VFs, its virtfn links made) and
# /etc.  The plan is the home lab's with two VMs, its uplink a veth stand-in
# in ovs-vswitchd's namespace, and its OVS start-up keys, PMD mask and
# socket group those of the harness and this machine: a plan edited by
# hand is still the contract (docs/plan-format.md).
SHIM="$top_builddir/tests/unit/test-hugepages-kernel-shim.so"
N=sys/devices/system/node
UP=nfvau$$
# A test that has its $SCRATCH already (the setup tests) gets the tree
# there; apply_test_begin sets these once the harness made $SCRATCH.
if [ -n "${SCRATCH:-}" ]; then
    : "${R:=$SCRATCH/root}"
fi

# apply_test_begin: the prelude of a test of apply on the harness: root,
# OVS-DPDK and virsh required, the harness started ($SCRATCH in its run
# directory), the tree, the uplink's stand-in and the plan made.
apply_test_begin() {
    require 'command -v virsh' 'virsh (libvirt-clients)'
    ovs_harness_begin
    R="$SCRATCH/root" PLAN="$SCRATCH/setup/plan.json"
    STATE="$SCRATCH/apply.json" SOCK="$SCRATCH/sock"
    ovs_harness_on_stop "ip -n $OVS_NETNS link del $UP 2>/dev/null"
    make_root
    make_uplink
    make_plan_for_harness
}

put() { mkdir -p "$(dirname "$R/$1")" && printf '%s\n' "$2" > "$R/$1"; }

# make_root: the tree, as a host before any apply ($R, under $SCRATCH).
make_root() {
    case "$R" in
        "$SCRATCH"/?*) ;;
        *) echo "Bail out! make_root: R='$R' is not under SCRATCH"; exit 1 ;;
    esac
    rm -rf "$R"
    for z in 2048 1048576; do
        for a in nr free resv surplus; do
            put "sys/kernel/mm/hugepages/hugepages-${z}kB/${a}_hugepages" 0
        done
        for a in nr free surplus; do
            put "$N/node0/hugepages/hugepages-${z}kB/${a}_hugepages" 0
        done
    done
    put "$N/node0/meminfo" "Node 0 MemTotal:       33554432 kB"
    put proc/meminfo "MemTotal:       33554432 kB
Hugepagesize:       2048 kB"
    put proc/cmdline "BOOT_IMAGE=/vmlinuz root=/dev/sda1 quiet"
    put proc/mounts "sysfs /sys sysfs rw 0 0"
    put proc/sys/vm/compact_memory 0
    mkdir -p "$R/etc"
    fake_nic "$R" 0000:03:00.0 0 i40e enp3s0f0 1 64 0
    fake_nic "$R" 0000:03:00.1 0 i40e enp3s0f1 1 64 0
    for k in 0 1 2 3; do
        mkdir -p "$R/sys/bus/pci/devices/0000:03:02.$k"
        ln -s "../0000:03:02.$k" "$R/sys/bus/pci/devices/0000:03:00.1/virtfn$k"
    done
}

# make_plan_for_harness: plans the test intent and edits the plan for the
# harness's OVS-DPDK.
make_plan_for_harness() {
    cat > "$SCRATCH/intent.ini" <<'EOF'
[ovs]
uplink = 0000:03:00.0

[vm vrouter1]
vcpus = 2
memory = 2G
nics = vhost:100, sriov:300
sriov_pf = 0000:03:00.1

[vm firewall1]
vcpus = 2
memory = 2G
nics = vhost:100, vhost:200
EOF
    "$NFVHOST" plan --topology "$HOMELAB/topology.xml" --sysfs-root "$R" \
        --intent "$SCRATCH/intent.ini" --output "$SCRATCH/setup" \
        --uplink-override "0000:03:00.0=net_af_packet0,iface=$UP" > /dev/null 2>&1
    python3 - "$PLAN" "$SOCK" "$OVS_DPDK_EXTRA" "$OVS_HUGEDIR" \
        "${OVS_HARNESS_SOCKET_MEM:-512}" "${OVS_HARNESS_LCORE_MASK:-0x1}" \
        "${OVS_HARNESS_PMD_MASK:-0x2}" <<'EOF'
import json, sys
path, sock, extra, hugedir, mem, lcore, pmd = sys.argv[1:]
p = json.load(open(path))
p["ovs"]["socket_dir"] = sock
p["ovs"]["socket_group"] = "root"
oc = p["ovs"]["other_config"]
oc.update({"dpdk-extra": extra, "dpdk-hugepage-dir": hugedir,
           "dpdk-socket-mem": mem, "dpdk-socket-limit": mem,
           "dpdk-lcore-mask": lcore, "pmd-cpu-mask": pmd})
json.dump(p, open(path, "w"), indent=1)
EOF
}

# The uplink's stand-in: a veth end in ovs-vswitchd's namespace.
make_uplink() {
    ip -n "$OVS_NETNS" link add "$UP" type veth peer name "${UP}p"
    ip -n "$OVS_NETNS" link set "$UP" up
    ip -n "$OVS_NETNS" link set "${UP}p" up
}

# apply ARGS...: 'nfvhost apply' on the tree and the harness, with the
# kernel shim; output in $SCRATCH/out and err, paths as ROOT/ and PLAN/.
apply() {
    env LD_PRELOAD="$SHIM" FAKE_KERNEL_ROOT="$R" \
        ASAN_OPTIONS=verify_asan_link_order=0 \
        "$NFVHOST" apply --plan "$PLAN" --state "$STATE" --sysfs-root "$R" \
        --db "$OVS_DB" -c test:///default "$@" \
        > "$SCRATCH/out" 2> "$SCRATCH/err"
    _rc=$?
    sed -i -e "s|$R|ROOT|g" -e "s|$SCRATCH|SCRATCH|g" "$SCRATCH/out" "$SCRATCH/err"
    return $_rc
}

# reboot_into_plan: what a reboot does to the tree: the kernel now runs
# with the planned arguments.
reboot_into_plan() {
    put proc/cmdline "BOOT_IMAGE=/vmlinuz root=/dev/sda1 $(jget "$PLAN" '" ".join(d["kernel"]["args"])') quiet"
}

nr1g() { cat "$R/$N/node0/hugepages/hugepages-1048576kB/nr_hugepages"; }
tree_sum() { (cd "$R" && find . -type f | sort | xargs cat | md5sum); }
# What nfvhost writes to the database (not the counters OVS updates).
db_dump() {
    ovsdb-client dump "$OVS_DB" Open_vSwitch Open_vSwitch bridges other_config
    ovsdb-client dump "$OVS_DB" Open_vSwitch Bridge name datapath_type ports external_ids
    ovsdb-client dump "$OVS_DB" Open_vSwitch Port name interfaces tag external_ids
    ovsdb-client dump "$OVS_DB" Open_vSwitch Interface name type options other_config \
        external_ids mtu_request
}
step_done() { jget "$STATE" "sorted(d['steps'])"; }
