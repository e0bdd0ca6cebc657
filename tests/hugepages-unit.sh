#!/bin/sh
# hugepages-unit.sh: the systemd template unit nfvhost-hugepages@.service
# (hugepage-setup/): systemd-analyze accepts an instance of it, and the
# command it runs at boot is 'nfvhost hugepages apply --plan' of the plan
# the instance names, which works: run here against a fake sysfs tree.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
UNIT=$top_builddir/hugepage-setup/nfvhost-hugepages@.service
require "command -v systemd-analyze && command -v systemd-escape" "systemd-analyze, systemd-escape (package systemd)"

tap_ok "$([ -s "$UNIT" ]; echo $?)" "the unit is built"
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
case $exec_start in
/*/nfvhost\ hugepages\ apply\ --plan\ %f) tap_ok 0 "ExecStart runs 'BINDIR/nfvhost hugepages apply --plan %f'" ;;
*) tap_ok 1 "ExecStart runs 'BINDIR/nfvhost hugepages apply --plan %f' (it is '$exec_start')" ;;
esac

# An instance for a plan in the scratch directory, with ExecStart pointing
# at the nfvhost just built, verified as systemd would load it.
plan=$SCRATCH/etc/nfvhost/plan.json
mkdir -p "$SCRATCH/etc/nfvhost" "$SCRATCH/units"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" \
    --output "$SCRATCH/out" > /dev/null
cp "$SCRATCH/out/plan.json" "$plan"
instance=$(systemd-escape --path "$plan")
tap_is "$(systemd-escape --unescape --path "$instance")" "$plan" "the instance name is the plan's path, escaped"
sed "s|^ExecStart=[^ ]*/nfvhost|ExecStart=$NFVHOST|" "$UNIT" \
    > "$SCRATCH/units/nfvhost-hugepages@.service"
ln -s nfvhost-hugepages@.service "$SCRATCH/units/nfvhost-hugepages@$instance.service"
(cd "$SCRATCH/units" && systemd-analyze verify --man=no \
    "./nfvhost-hugepages@$instance.service") > "$SCRATCH/verify" 2>&1
tap_ok $? "systemd-analyze verify accepts nfvhost-hugepages@$instance.service"
sed 's/^/# /' "$SCRATCH/verify"

# What the instance runs, %f being the plan, against a fake tree (--dry-run
# and --sysfs-root are the test's: the unit changes the real machine).
T=$SCRATCH/fake
put() { mkdir -p "$(dirname "$T/$1")" && printf '%s\n' "$2" > "$T/$1"; }
for kb in 2048 1048576; do
    for a in nr free; do
        put "sys/devices/system/node/node0/hugepages/hugepages-${kb}kB/${a}_hugepages" 0
        put "sys/kernel/mm/hugepages/hugepages-${kb}kB/${a}_hugepages" 0
    done
done
put sys/devices/system/node/node0/meminfo "Node 0 MemTotal:       33554432 kB"
put proc/meminfo "MemTotal:       33554432 kB"
put proc/cmdline "BOOT_IMAGE=/vmlinuz root=/dev/sda1"
put proc/mounts "sysfs /sys sysfs rw 0 0"
cmd=$(echo "$exec_start" | sed "s|^[^ ]*/nfvhost|$NFVHOST|; s|%f|$plan|")
$cmd --sysfs-root "$T" --dry-run > "$SCRATCH/apply.out" 2>&1
status=$?
sed 's/^/# /' "$SCRATCH/apply.out"
tap_is "$status" 0 "the unit's command applies the plan (fake tree, --dry-run)"
tap_done
