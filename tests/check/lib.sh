# tests/check/lib.sh: what the check tests and the check benchmark share.
# Source it after tests/lib.sh (and tests/ovs-harness.sh for the plan).

# check_notpass JSON: the findings of a 'check --json' document that are
# not PASS, one per line: "LEVEL ID (SUBJECT): FOUND".
check_notpass() {
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]:
    if f["level"] != "PASS":
        s = " (%s)" % f["subject"] if f["subject"] else ""
        print("%s %s%s: %s" % (f["level"], f["id"], s, f["found"]))
PY
}

# check_harness_plan DIR NICS...: 'nfvhost plan --output DIR' for a
# synthetic host (hwloc's synthetic topology, one core per VM plus two)
# whose planner puts housekeeping on CPU 0 and the PMD on CPU 1, the test
# harness's dpdk-lcore-mask and pmd-cpu-mask; one 1-vCPU VM vmN per
# argument, with those NICs ("vhost:100, vhost:200").  Then the harness's
# own DPDK start-up keys (dpdk-extra with --no-pci, socket memory) and
# socket directory are written into DIR/plan.json, so that 'nfvhost ovs
# apply --plan' keeps the daemon safe and check compares with what runs.
check_harness_plan() {
    _dir=$1; shift
    lstopo-no-graphics --no-io --of xml \
        -i "numa:1(memory=16GB) core:$(($# + 2)) pu:1" "$_dir.topo.xml" \
        || return 1
    {
        printf '[host]\nhousekeeping_cores_per_numa = 1\nhost_memory = 1G\n'
        printf 'hugepage_size = 2M\n[ovs]\npmd_cores_per_numa = 1\n'
        printf '[emulator]\npolicy = none\n'
        _i=1
        for _nics in "$@"; do
            printf '[vm vm%d]\nvcpus = 1\nmemory = 256M\nnics = %s\n' \
                "$_i" "$_nics"
            _i=$((_i + 1))
        done
    } > "$_dir.intent.ini"
    "$NFVHOST" plan --topology "$_dir.topo.xml" --intent "$_dir.intent.ini" \
        --output "$_dir" >/dev/null 2>&1 || return 1
    python3 - "$_dir/plan.json" "$OVS_SOCKDIR" "$OVS_DPDK_EXTRA" \
        "${OVS_HARNESS_SOCKET_MEM:-512}" <<'PY'
import json, sys
path, sockdir, extra, mem = sys.argv[1:]
p = json.load(open(path))
oc = p["ovs"]["other_config"]
oc["dpdk-extra"] = extra
oc["dpdk-socket-mem"] = oc["dpdk-socket-limit"] = mem
p["ovs"]["socket_dir"] = sockdir
p["ovs"]["socket_group"] = "root"
json.dump(p, open(path, "w"), indent=2)
PY
}
