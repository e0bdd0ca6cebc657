#!/bin/sh
# planner-outputs.sh: the files 'nfvhost plan --output' writes, used the
# way a user uses them: ovs-other-config.sh run against a real ovsdb-server
# (its ovs-vsctl finds the private database through OVS_RUNDIR; no
# ovs-vswitchd, so no DPDK runs, and the plan's dpdk-extra is --no-pci
# anyway: the uplink is a stand-in), and the GRUB drop-in sourced by a
# shell the way grub-mkconfig sources /etc/default/grub.d/*.cfg.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/ovs-harness.sh"
require 'command -v ovsdb-server && command -v ovs-vsctl' 'ovsdb-server and ovs-vsctl (openvswitch-switch)'

ovs_harness_start --no-vswitchd || { echo "Bail out! harness"; exit 1; }
SCRATCH=$OVS_RUNDIR/scratch
mkdir "$SCRATCH"
OUT=$SCRATCH/homelab
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" \
    --uplink-override 0000:03:00.0=net_af_packet0,iface=nfv-up0 --output "$OUT" > /dev/null
tap_is "$?" 0 "home lab planned"

OVS_RUNDIR=$OVS_RUNDIR sh "$OUT/ovs-other-config.sh"
tap_is "$?" 0 "ovs-other-config.sh runs against a real ovsdb-server"
for key in dpdk-init dpdk-lcore-mask pmd-cpu-mask dpdk-socket-mem \
        dpdk-socket-limit dpdk-extra pmd-rxq-assign pmd-rxq-isolate; do
    got=$(ovs-vsctl --db="$OVS_DB" get Open_vSwitch . "other_config:$key" | tr -d '"')
    tap_is "$got" "$(jget "$OUT/plan.json" "d['ovs']['other_config']['$key']")" \
        "other_config:$key in the database equals the plan's"
done

got=$(GRUB_CMDLINE_LINUX_DEFAULT="quiet"; . "$OUT/grub.d/nfvhost.cfg"; echo "$GRUB_CMDLINE_LINUX_DEFAULT")
tap_is "$got" "quiet $(cat "$OUT/kernel-cmdline.txt")" \
    "the GRUB drop-in appends the plan's kernel arguments to what is there"
# Memcheck catches what ASan cannot: reads of uninitialised memory (this
# file is not in the ASan pass, so the binary is a plain one).
require 'command -v valgrind' 'valgrind'
valgrind -q --error-exitcode=9 --leak-check=full "$NFVHOST" plan \
    --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" \
    --uplink-override 0000:03:00.0=net_af_packet0,iface=nfv-up0 \
    --output "$SCRATCH/vg" > /dev/null 2> "$SCRATCH/vg.err"
tap_is "$?" 0 "nfvhost plan --output is clean under valgrind memcheck"
[ -s "$SCRATCH/vg.err" ] && sed 's/^/# /' "$SCRATCH/vg.err" | head -20
tap_done
