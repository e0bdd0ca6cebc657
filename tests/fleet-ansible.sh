#!/bin/sh
# fleet-ansible.sh: a real run of ansible/site.yml against three "nodes" on
# this machine (ansible_connection=local), each with its own fake sysfs
# tree (--sysfs-root), its own hwloc XML and its own private OVSDB:
#   n1  a 3-core synthetic host whose planner puts housekeeping on CPU 0
#       and the PMD on CPU 1, as the test harness's ovs-vswitchd-dpdk runs
#       them; its OVSDB is the harness's, with that ovs-vswitchd;
#   n2  the 16-core AMD fixture, with an ovsdb-server alone (--no-wait);
#       its running kernel lacks the planned isolcpus=, so a reboot is
#       requested (nfvhost_reboot is false: skipped) and 'nfvhost check'
#       FAILs its kernel layer, which fails n2 with the findings;
#   n3  the 2-core fixture the planner cannot fit: it fails with the
#       planner's reason, the others go on.
# Each tree is what tests/check/fake-host.py makes of the node's plan (the
# host as planned), less what the role is to do: hugepage pools at 0, no
# GRUB drop-in.  What would touch this machine is redirected by the
# inventory into the node's scratch directory: update-grub and the service
# restarts only leave a record there, /etc is the node's tree, and no node
# reboots (nfvhost_reboot: false; Ansible's reboot refuses a local
# connection anyway).  The cloud step runs flavors.sh and aggregates.sh
# against tests/fake_openstack.py.  Asserted: check mode changes nothing
# and says what it would change; the first run applies every step; the
# second run changes nothing.  4.5 minutes on a 2-core machine at a load
# of 17 (docs/fleet.md, Tests).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v ansible-playbook' 'ansible (Debian package)'
require 'command -v lstopo-no-graphics' 'hwloc'
require '/usr/bin/python3 -c "import ansible"' "python3's ansible"
ovs_harness_begin
PY=/usr/bin/python3
GROUP=root
for g in hugetlbfs libvirt-qemu kvm; do
    if getent group "$g" >/dev/null; then GROUP=$g; break; fi
done

# n2's database: an ovsdb-server of our own, no ovs-vswitchd.
DB2=$SCRATCH/n2-db
mkdir "$DB2"
ovsdb-tool create "$DB2/conf.db" "$OVS_SCHEMA"
ovsdb-server "$DB2/conf.db" --remote="punix:$DB2/db.sock" \
    --pidfile="$DB2/pid" --unixctl="$DB2/ctl" --log-file="$DB2/log" \
    -vconsole:off </dev/null >/dev/null 2>&1 &
DB2_PID=$!
ovs_harness_on_stop "kill $DB2_PID 2>/dev/null; wait $DB2_PID 2>/dev/null"
_ovs_wait_for 10 test -S "$DB2/db.sock" || { echo "Bail out! n2's ovsdb-server"; exit 1; }
ovs-vsctl --db="unix:$DB2/db.sock" --no-wait init

# The nodes' topologies and the fleet's intent: one 1-vCPU VM with a
# vhost-user NIC, no uplink (no PCI device, so DPDK probes none).
lstopo-no-graphics --no-io --of xml -i "numa:1(memory=16GB) core:3 pu:1" \
    "$SCRATCH/n1.xml"
cp "$TOPO/amd-2ccd-16c.xml" "$SCRATCH/n2.xml"
cp "$TOPO/fakecpukinds.xml" "$SCRATCH/n3.xml"
cat > "$SCRATCH/intent.ini" <<'INI'
[host]
housekeeping_cores_per_numa = 1
host_memory = 1G
hugepage_size = 1G
[ovs]
pmd_cores_per_numa = 1
[emulator]
policy = none
[vm vm1]
vcpus = 1
memory = 1G
nics = vhost:100
INI

# Each node's tree as planned, from the plan the role will make (the same
# inputs: its XML and the facts of an empty tree), less the role's work.
mkdir "$SCRATCH/pre" "$SCRATCH/empty"
for n in n1 n2 n3; do
    cp "$SCRATCH/$n.xml" "$SCRATCH/pre/$n.xml"
    "$NFVHOST" facts --sysfs-root "$SCRATCH/empty" > "$SCRATCH/pre/$n.nics.json"
done
"$NFVHOST" fleet plan --hosts "$SCRATCH/pre" --intent "$SCRATCH/intent.ini" \
    --output "$SCRATCH/pre-out" > /dev/null 2>&1
tap_is "$?" 3 "the fleet plans, n3 infeasible"
for n in n1 n2; do
    R=$SCRATCH/$n/root
    $PY "$top_srcdir/tests/check/fake-host.py" "$SCRATCH/pre-out/$n/plan.json" "$R" --group "$GROUP"
    find "$R/sys" -name nr_hugepages -o -name free_hugepages | while read -r f; do
        echo 0 > "$f"
    done
    rm "$R/etc/default/grub.d/nfvhost.cfg"
done
sed -i 's/ isolcpus=[^ ]*//' "$SCRATCH/n2/root/proc/cmdline"
mkdir -p "$SCRATCH/n3/root"

# The stand-in cloud.
mkdir "$SCRATCH/bin"
printf '#!/bin/sh\nexec %s %s "$@"\n' "$PY" "$top_srcdir/tests/fake_openstack.py" \
    > "$SCRATCH/bin/openstack"
chmod +x "$SCRATCH/bin/openstack"

cp -r "$top_srcdir/ansible" "$SCRATCH/ansible"
node_vars() { # node_vars NAME OVS-ARGS-YAML CHECK-ARGS-YAML
    cat <<EOF
        $1:
          nfvhost_topology_file: $SCRATCH/$1.xml
          nfvhost_sysfs_root: $SCRATCH/$1/root
          nfvhost_plan_dir: $SCRATCH/$1/etc/nfvhost/plan
          nfvhost_grub_dropin: $SCRATCH/$1/root/etc/default/grub.d/nfvhost.cfg
          nfvhost_update_grub: [touch, $SCRATCH/$1/update-grub-ran]
          nfvhost_nova_conf: $SCRATCH/$1/root/etc/nova/nova.conf.d/nfvhost.conf
          nfvhost_neutron_ovs_agent_conf: $SCRATCH/$1/root/etc/neutron/neutron-openvswitch-agent.conf.d/nfvhost.conf
          nfvhost_neutron_sriov_agent_conf: $SCRATCH/$1/root/etc/neutron/neutron-sriov-nic-agent.conf.d/nfvhost.conf
          nfvhost_service_command: [sh, -c, 'echo "\$0" >> $SCRATCH/$1/restarted']
          nfvhost_hugepages_args: [--root, $SCRATCH/$1/root, --no-mount, --group, $GROUP]
          nfvhost_ovs_args: $2
          nfvhost_check_args: $3
EOF
}
{
    cat <<EOF
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: $PY
    nfvhost_command: $NFVHOST
    nfvhost_controller_dir: $SCRATCH/controller
    nfvhost_intent: $SCRATCH/intent.ini
    nfvhost_jobs: 2
    nfvhost_reboot: false
    nfvhost_cloud_environment:
      PATH: "$SCRATCH/bin:/usr/bin:/bin"
      NFVHOST_FAKE_CLOUD: $SCRATCH/cloud.json
  children:
    nfvhost_nodes:
      hosts:
EOF
    node_vars n1 "[--db, \"$OVS_DB\", --sock-dir, $OVS_SOCKDIR, --qemu-group, root,
                        --set, \"dpdk-extra=$OVS_DPDK_EXTRA\", --set, \"dpdk-hugepage-dir=$OVS_HUGEDIR\",
                        --set, dpdk-socket-mem=${OVS_HARNESS_SOCKET_MEM:-512},
                        --set, dpdk-socket-limit=${OVS_HARNESS_SOCKET_MEM:-512}]" \
        "[--only, \"kernel,memory\", --db, \"$OVS_DB\"]"
    # n2's check: the kernel layer alone (its memory layer would also FAIL,
    # on the fake tree's free 1G pages, which no kernel moves from 0).
    node_vars n2 "[--db, \"unix:$DB2/db.sock\", --sock-dir, $SCRATCH/n2/sock, --qemu-group, root, --no-wait]" \
        "[--only, kernel]"
    node_vars n3 "[]" "[]"
} > "$SCRATCH/inventory.yml"

# play [ARGS...]: site.yml with the JSON callback into $SCRATCH/run.json;
# n1 and n2 in one batch (Ansible stops the whole playbook when every node
# of a batch fails, and n2 fails its check).
play() {
    _t0=$(date +%s)
    (cd "$SCRATCH/ansible" &&
        ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_LOCAL_TEMP="$SCRATCH/atmp" ANSIBLE_REMOTE_TEMP="$SCRATCH/artmp" \
        ANSIBLE_HOME="$SCRATCH/ahome" ANSIBLE_RETRY_FILES_ENABLED=false \
        ansible-playbook -i "$SCRATCH/inventory.yml" -e nfvhost_serial=2 site.yml "$@") \
        > "$SCRATCH/run.json" 2> "$SCRATCH/run.err"
    _rc=$?
    echo "# ansible-playbook site.yml $*: exit $_rc, $(($(date +%s) - _t0)) s"
    return $_rc
}
# stats: "host ok changed failures" per host, sorted.
stats() {
    jget "$SCRATCH/run.json" '" ".join("%s:%d/%d" % (h, s["changed"], s["failures"]) for h, s in sorted(d["stats"].items()))'
}
# result HOST TASK-NAME EXPR: EXPR over the result r of that task on HOST.
result() {
    $PY - "$SCRATCH/run.json" "$1" "$2" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
host, task, expr = sys.argv[2:]
for play in d["plays"]:
    for t in play["tasks"]:
        if t["task"]["name"] in (task, "nfvhost : " + task) and host in t["hosts"]:
            r = t["hosts"][host]
            v = eval(expr)
            print(json.dumps(v) if not isinstance(v, str) else v)
            sys.exit(0)
print("(no such task)")
PY
}
# changed HOST: the tasks that changed HOST, in order, one a line.
changed() {
    jget "$SCRATCH/run.json" '"\n".join(t["task"]["name"].replace("nfvhost : ", "") for p in d["plays"] for t in p["tasks"] if t["hosts"].get("'"$1"'", {}).get("changed"))'
}
snapshot() { # what the nodes are: trees, databases, the stand-in cloud
    for n in n1 n2 n3; do
        find "$SCRATCH/$n" -type f | sort | xargs md5sum
    done
    ovsdb-client dump "$OVS_DB" | grep -v -e _uuid -e next_cfg -e cur_cfg
    ovsdb-client dump "unix:$DB2/db.sock" | grep -v _uuid
    cat "$SCRATCH/cloud.json" 2>/dev/null
}

# --- check mode on untouched nodes: predicts, changes nothing -------------
before=$(snapshot)
play --check --diff
tap_is "$?" 2 "check mode: the play fails (n3 cannot be planned)"
tap_is "$(snapshot)" "$before" "check mode changes nothing on the nodes, their databases or the cloud"
tap_is "$(result n1 'Set the hugepages of the plan, and at boot' 'r["changed"]')" true \
    "check mode: the hugepages step would change n1"
tap_is "$(result n1 'Show what the hugepages step changes' 'r["msg"][0]["what"]')" \
    "node 0, 1G pages" "... and --diff shows what (hugepages apply --dry-run --json)"
tap_is "$(result n2 'Make OVS-DPDK match the plan' 'sorted(c["what"] for c in json.loads(r["stdout"])["changes"] if c["what"].startswith(("Bridge", "Port")) or c["what"].endswith("pmd-cpu-mask"))')" \
    '["Bridge br-nfv", "Open_vSwitch other_config:pmd-cpu-mask", "Port vhu-vm1-0"]' \
    "... and the OVS step would make n2's bridge, port and PMD mask (ovs apply --dry-run --json)"

# --- the first run --------------------------------------------------------
play
tap_is "$?" 2 "first run: the play reports failed nodes (n2's check, n3's plan)"
tap_is "$(jget "$SCRATCH/run.json" 'sorted((h, s["failures"] > 0) for h, s in d["stats"].items())')" \
    '[["localhost", false], ["n1", false], ["n2", true], ["n3", true]]' \
    "first run: n1 and the cloud step succeed, n2 and n3 fail"
steps="Make the directories the plan's files go to|Copy the node's plan|Install the GRUB drop-in|Update GRUB|Set the hugepages of the plan, and at boot|Make OVS-DPDK match the plan|Install the nova.conf fragment|Install the neutron Open vSwitch agent fragment|Install the neutron SR-IOV agent fragment|Restart nova-compute|Restart the neutron agents"
for n in n1 n2; do
    tap_is "$(changed $n | tr '\n' '|')" "$steps|" "$n: the first run applies every step (each reports changed)"
done
reason=$("$NFVHOST" plan --topology "$SCRATCH/n3.xml" --intent "$SCRATCH/intent.ini" 2>&1 >/dev/null |
         tail -n 1 | sed 's/^nfvhost: infeasible plan: //')
tap_is "$(result n3 "Fail a node the planner could not plan, with the planner's reason" 'r["msg"]')" \
    "nfvhost could not plan n3: $reason" "n3 fails with the planner's reason"
tap_is "$(result n3 'Copy the node'"'"'s plan' 'r.get("changed")')" "(no such task)" \
    "... and is applied nothing"
for n in n1 n2; do
    R=$SCRATCH/$n/root
    for f in plan.json grub.d/nfvhost.cfg tuned/cpu-partitioning-variables.conf; do
        cmp "$SCRATCH/controller/out/$n/$f" "$SCRATCH/$n/etc/nfvhost/plan/$f" || break
    done
    tap_ok $? "$n: its plan is copied (plan.json, the drop-in and tuned file check names)"
    tap_is "$(find "$R/sys/devices/system/node" -name nr_hugepages -path '*1048576kB*' -exec cat {} + | tr '\n' ' ')" \
        "$(jget "$SCRATCH/controller/out/$n/plan.json" '" ".join(str(x["hugepages"]["count"]) for x in d["numa_nodes"])') " \
        "$n: the planned 1G pools are set"
    cmp -s "$R/etc/default/grub.d/nfvhost.cfg" "$SCRATCH/controller/out/$n/grub.d/nfvhost.cfg"
    tap_ok $? "$n: the planner's GRUB drop-in is installed"
    test -e "$SCRATCH/$n/update-grub-ran"
    tap_ok $? "$n: update-grub ran (the drop-in changed)"
    test -e "$R/etc/systemd/system/dev-hugepages1G.mount"
    tap_ok $? "$n: hugepages apply --persist wrote its units"
    cmp -s "$R/etc/nova/nova.conf.d/nfvhost.conf" "$SCRATCH/controller/out/$n/openstack/nova.conf" &&
        cmp -s "$R/etc/neutron/neutron-openvswitch-agent.conf.d/nfvhost.conf" "$SCRATCH/controller/out/$n/openstack/openvswitch_agent.ini" &&
        cmp -s "$R/etc/neutron/neutron-sriov-nic-agent.conf.d/nfvhost.conf" "$SCRATCH/controller/out/$n/openstack/sriov_agent.ini"
    tap_ok $? "$n: the nova.conf fragment and the neutron agent files are installed"
    tap_is "$(tr '\n' ' ' < "$SCRATCH/$n/restarted")" "nova-compute neutron-openvswitch-agent neutron-sriov-agent " \
        "$n: the handlers restarted nova-compute and the neutron agents, once each"
done
tap_is "$(ovs_vsctl list-ports br-nfv | tr '\n' ' ')" "vhu-vm1-0 " "n1: OVS has the plan's bridge and vhost-user port"
tap_is "$(ovs_vsctl get Open_vSwitch . other_config:pmd-cpu-mask)" '"0x2"' "n1: and the plan's PMD mask"
tap_is "$(ovs-vsctl --db="unix:$DB2/db.sock" --no-wait list-ports br-nfv | tr '\n' ' ')" "vhu-vm1-0 " \
    "n2: its own database has them too"
tap_is "$(result n1 'Fail the node on what the check found wrong' 'r.get("skipped")')" true \
    "n1: nfvhost check finds nothing wrong (kernel, memory)"
msg=$(result n2 'Fail the node on what the check found wrong' 'r["msg"]')
want=$(tr ' ' '\n' < "$SCRATCH/controller/out/n2/kernel-cmdline.txt" | sed -n 's/^isolcpus=//p')
echo "$msg" | grep -q "^nfvhost check FAILs on n2: \[kernel.isolcpus\] isolcpus= on the kernel command line: found absent, want $want\. Fix: [^|]*\$"
tap_ok $? "n2: nfvhost check FAILs, and the node fails with the finding (isolcpus=, and nothing else)"
tap_is "$(result n2 'Say that the node needs a reboot for its kernel line' 'r["msg"].split(":")[0]')" \
    "reboot requested" "n2: a reboot is requested for the kernel line"
result n2 'Say that the node needs a reboot for its kernel line' 'r["msg"]' | grep -q "isolcpus=.*(nfvhost_reboot is false: not rebooting)"
tap_ok $? "... naming what is missing, and saying nfvhost_reboot is false"
tap_is "$(result n2 'Reboot into the planned kernel line' 'r.get("skipped")')" true "... so the reboot is skipped"
tap_is "$(result n1 'Say that the node needs a reboot for its kernel line' 'r.get("skipped")')" true \
    "n1: its kernel line is the planned one: no reboot requested"
tap_is "$(jget "$SCRATCH/cloud.json" 'sorted(d["flavors"])')" \
    "$(jget "$SCRATCH/controller/out/fleet.json" 'sorted(f["name"] for f in d["flavors"])')" \
    "the cloud step made the fleet's flavors"
tap_is "$(jget "$SCRATCH/cloud.json" 'sorted(h for a in d["aggregates"].values() for h in a["hosts"])')" \
    '["n1", "n2"]' "... and put the planned nodes in aggregates"

# --- the second run: nothing changes ---------------------------------------
rm "$SCRATCH"/n1/update-grub-ran "$SCRATCH"/n2/update-grub-ran
before=$(snapshot)
play
tap_is "$(stats)" "localhost:0/0 n1:0/0 n2:0/1 n3:0/1" \
    "second run: 0 changed on every host (n2 and n3 fail as before)"
tap_is "$(snapshot)" "$before" "... and nothing on the nodes or in the cloud changed"
test ! -e "$SCRATCH/n1/update-grub-ran" && test ! -e "$SCRATCH/n2/update-grub-ran"
tap_ok $? "... update-grub did not run, and no service was restarted (the records above are unchanged)"

tap_done
