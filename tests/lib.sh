# lib.sh: TAP helpers for shell integration tests.  Source it, call the
# checks, end with tap_done.  Needs $NFVHOST, $top_srcdir and $top_builddir
# (set by 'make check'; tests/run-one.sh sets them by hand).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${NFVHOST:=$top_builddir/nfvhost}"
TOPO="$top_srcdir/tests/topologies"
HOMELAB="$top_srcdir/examples/homelab"
tap_n=0
tap_failed=0

tap_ok() { # tap_ok STATUS DESCRIPTION: STATUS 0 passes
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}

tap_is() { # tap_is GOT EXPECTED DESCRIPTION
    if [ "$1" = "$2" ]; then
        tap_ok 0 "$3"
    else
        tap_ok 1 "$3"
        printf '#   got:      %s\n#   expected: %s\n' "$1" "$2" | sed 's/^/# /'
    fi
}

tap_diag() { printf '# %s\n' "$@"; }

tap_done() {
    echo "1..$tap_n"
    [ "$tap_failed" -eq 0 ]
}

# Tests that need root, hugepages or OVS call this first.  They may skip
# only when NFVHOST_ALLOW_SKIP=1 says so; otherwise a missing requirement
# is a failure (CI never sets it).
require() { # require CONDITION-COMMAND WHAT
    if ! eval "$1" >/dev/null 2>&1; then
        if [ "${NFVHOST_ALLOW_SKIP:-0}" = 1 ]; then
            echo "1..0 # SKIP needs $2"
            exit 0
        fi
        echo "Bail out! needs $2 (set NFVHOST_ALLOW_SKIP=1 to skip)"
        exit 1
    fi
}

# A scratch directory removed on exit.
scratch() {
    SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nfvhost-test.XXXXXX")
    trap 'rm -rf "$SCRATCH"' EXIT
}

# jget FILE EXPR: evaluate a Python expression over the JSON document 'd'.
jget() {
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); v = eval(sys.argv[2]); print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1" "$2"
}

# plan_json OUT.json ARGS...: run 'nfvhost plan --json ARGS', keep stdout.
plan_json() {
    _out=$1
    shift
    "$NFVHOST" plan --json "$@" > "$_out" 2> "$_out.err"
}

# fake_nic ROOT ADDR NUMA DRIVER IFNAME CARRIER [TOTALVFS NUMVFS]: a PCI
# network device in the fake sysfs tree ROOT (for --sysfs-root); a link
# that is up runs at 10000 Mb/s.
fake_nic() {
    _d="$1/sys/bus/pci/devices/$2"
    mkdir -p "$_d/net/$5" "$1/sys/bus/pci/drivers/$4"
    echo 0x020000 > "$_d/class"
    echo 0x8086 > "$_d/vendor"
    echo 0x1572 > "$_d/device"
    echo "$3" > "$_d/numa_node"
    ln -s "../../../bus/pci/drivers/$4" "$_d/driver"
    echo "$6" > "$_d/net/$5/carrier"
    if [ "$6" = 1 ]; then
        echo 10000 > "$_d/net/$5/speed"
    else
        echo -1 > "$_d/net/$5/speed"
    fi
    if [ -n "$7" ]; then
        echo "$7" > "$_d/sriov_totalvfs"
        echo "$8" > "$_d/sriov_numvfs"
    fi
}

# fake_route ROOT IFNAME: IFNAME carries an IPv4 route (198.18.0.0/24) in
# the fake tree ROOT's /proc/net/route.
fake_route() {
    mkdir -p "$1/proc/net"
    [ -f "$1/proc/net/route" ] || printf 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' > "$1/proc/net/route"
    printf '%s\t0012C6C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n' "$2" >> "$1/proc/net/route"
}

# fake_homelab_vf_pf ROOT: the home lab's SR-IOV PF, the X710's second
# port 0000:03:00.1 (planner rule 12: the first is the uplink), alone in a
# fake tree, for 'ovs apply --sysfs-root' of the home-lab plan on a
# machine without it (its VF count is all apply writes there).
fake_homelab_vf_pf() {
    fake_nic "$1" 0000:03:00.1 0 i40e enp3s0f1 1 64 0
}

# fake_nic_tree ROOT: the home lab's X710 in a fake tree: 0000:03:00.0, an
# SR-IOV PF with 2 of 64 VFs made; 0000:03:00.1, a PF that carries a route;
# 0000:03:02.0, a VF of the first.
fake_nic_tree() {
    fake_nic "$1" 0000:03:00.0 0 i40e enp3s0f0 1 64 2
    fake_nic "$1" 0000:03:00.1 0 i40e enp3s0f1 1 64 0
    fake_route "$1" enp3s0f1
    fake_nic "$1" 0000:03:02.0 0 iavf enp3s0f0v0 1
    ln -s ../0000:03:00.0 "$1/sys/bus/pci/devices/0000:03:02.0/physfn"
}

# make_plan OUT.json SIZE_KB NODE:COUNT... [-- KERNEL-ARG...]: a minimal
# valid plan.json (format 2, docs/plan-format.md) with those hugepage
# counts per NUMA node (of 64 GiB each), no CPUs, VMs or uplinks; for the
# parts that only read the plan's memory or kernel sections.
make_plan() {
    python3 - "$@" <<'PY'
import json, sys
out, size = sys.argv[1], int(sys.argv[2])
rest = sys.argv[3:]
args = rest[rest.index("--") + 1:] if "--" in rest else []
nodes = rest[:rest.index("--")] if "--" in rest else rest
pools = {k: "" for k in ("housekeeping", "pmd", "emulator", "guest", "idle")}
plan = {
    "format": 2, "generator": "tests/lib.sh make_plan",
    "host": {"cpu_vendor": "", "smt": 1, "hybrid": False,
             "usable_cpus": "", "unusable_cpus": ""},
    "settings": {"housekeeping_cores_per_numa": 1, "host_memory_mb": 4096,
                 "hugepage_size_kb": size, "pmd_cores_per_numa": 1,
                 "pmd_siblings": "use", "mtu": 1500,
                 "pmd_rxq_assign": "group", "emulator_policy": "share",
                 "emulator_shared_cores": 1, "virt_type": "kvm"},
    "pools": pools,
    "shared_cpus": "",
    "numa_nodes": [],
    "uplinks": [], "sriov_pfs": [], "vms": [],
    "ovs": {"bridge": "br-nfv", "socket_dir": "/var/lib/vhost_sockets",
            "socket_group": "hugetlbfs", "socket_mode": "0770",
            "other_config": {}, "uplink_port": None},
    "kernel": {"args": args, "isolated_cpus": "", "housekeeping_cpus": ""},
    "warnings": [],
}
for n in nodes:
    node, count = map(int, n.split(":"))
    plan["numa_nodes"].append({
        "id": node, "has_cpus": False, "memory_mb": 65536, "cpus": "",
        "l3_domains": [], "pools": pools, "ovs_socket_mem_mb": 0,
        "host_memory_mb": 0,
        "hugepages": {"size_kb": size, "count": count, "ovs": 0,
                      "guests": count}})
json.dump(plan, open(out, "w"), indent=1)
PY
}

# nothing_left DIR: neither the output directory DIR nor a temporary one
# beside it (lib/output.c's .DIR.tmp-XXXXXX) exists.
nothing_left() {
    [ ! -e "$1" ] && ! ls -a "$(dirname "$1")" | grep -q "^\.$(basename "$1")\.tmp"
}
