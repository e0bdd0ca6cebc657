#!/bin/sh
# apply-tuned.sh: [host] kernel_cmdline = tuned.  The planner records the
# choice in plan.json (kernel.tuned: the profile's name and
# no_balance_cpus), and apply's kernel step installs
# /etc/tuned/PROFILE/tuned.conf (cpu-partitioning with the plan's cores
# and the plan's kernel arguments) instead of the GRUB drop-in, then runs
# 'tuned-adm profile PROFILE'.  tuned is not installed here (its daemon
# would retune this shared machine): on a tree apply stops at the command
# line it would run, and on the live host a dry run reports tuned-adm
# missing as an error.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
P=$SCRATCH/plan
R=$SCRATCH/root
mkdir -p "$R/etc"
sed 's/^\[host\]$/[host]\nkernel_cmdline = tuned/' "$HOMELAB/intent.ini" > "$SCRATCH/tuned.ini"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$SCRATCH/tuned.ini" \
    --output "$P" > /dev/null 2> "$SCRATCH/err"
tap_is "$?" 0 "kernel_cmdline = tuned plans"
tap_is "$(jget "$P/plan.json" 'd["kernel"]["tuned"]')" \
    "{\"profile\": \"nfvhost\", \"no_balance_cpus\": \"$(jget "$P/plan.json" 'd["kernel"]["isolated_cpus"]')\"}" \
    "plan.json: kernel.tuned, no_balance_cpus = isolated_cpus (design brief: tuned's no_balance_cores should equal isolated_cores)"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" --json > "$SCRATCH/grub.json"
tap_is "$(jget "$SCRATCH/grub.json" '"tuned" in d["kernel"]')" "false" "the default (grub): no kernel.tuned"
printf '[host]\nkernel_cmdline = systemd-boot\n' > "$SCRATCH/bad.ini"
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$SCRATCH/bad.ini" > /dev/null 2> "$SCRATCH/err"
tap_is "$?" 2 "kernel_cmdline = systemd-boot: exit 2"
tap_is "$(cat "$SCRATCH/err")" "nfvhost: $SCRATCH/bad.ini:2: bad kernel_cmdline 'systemd-boot': expected grub or tuned" \
    "... naming the file, line and value"

apply() { # the step's report lines, without their indent
    "$NFVHOST" apply --plan "$P/plan.json" --state "$SCRATCH/state.json" \
        --only kernel "$@" > "$SCRATCH/raw"
    _rc=$?
    sed 's/^    //' "$SCRATCH/raw"
    return $_rc
}
CONF=$R/etc/tuned/nfvhost/tuned.conf
apply --sysfs-root "$R" --dry-run > "$SCRATCH/out" 2> "$SCRATCH/err"
tap_is "$?" 0 "apply --only kernel --dry-run on a tree"
grep -qxF "would write $CONF:" "$SCRATCH/out" &&
    grep -qxF "not running tuned-adm profile nfvhost: $R is a tree, not this host" "$SCRATCH/out"
tap_ok $? "... would write the profile; the command it would run named"
tap_is "$(find "$R" -type f | wc -l)" 0 "... and writes nothing"

apply --sysfs-root "$R" > "$SCRATCH/out" 2> "$SCRATCH/err"
tap_is "$?" 0 "apply --only kernel on a tree"
tap_is "$(grep -v '^#' "$CONF")" "[main]
summary=nfvhost's plan: cpu-partitioning with its cores and kernel arguments
include=cpu-partitioning

[variables]
isolated_cores=$(jget "$P/plan.json" 'd["kernel"]["isolated_cpus"]')
no_balance_cores=$(jget "$P/plan.json" 'd["kernel"]["tuned"]["no_balance_cpus"]')

[bootloader]
cmdline_cpu_part=
cmdline_nfvhost=$(cat "$P/kernel-cmdline.txt")" \
    "the profile: cpu-partitioning, the plan's cores, its arguments in place of cpu-partitioning's"
test ! -e "$R/etc/default/grub.d/nfvhost.cfg"
tap_ok $? "... and no GRUB drop-in"
grep -qxF "not running tuned-adm profile nfvhost: $R is a tree, not this host" "$SCRATCH/out"
tap_ok $? "... tuned-adm not run on a tree"
apply --sysfs-root "$R" > "$SCRATCH/out" 2> "$SCRATCH/err"
grep -qxF "$CONF: has the plan's profile already" "$SCRATCH/out"
tap_ok $? "a second apply leaves the profile alone"

echo "[main]" > "$CONF"
apply --sysfs-root "$R" > /dev/null 2> "$SCRATCH/err"
tap_is "$?" 2 "a tuned.conf nfvhost did not write: exit 2"
grep -qF "$CONF exists and nfvhost did not write it" "$SCRATCH/err" && test "$(cat "$CONF")" = "[main]"
tap_ok $? "... named, and left as it was"

# The reader checks the choice like any other part of the contract.
python3 - "$P/plan.json" "$SCRATCH/bad.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["kernel"]["tuned"]["no_balance_cpus"] = "0"
json.dump(p, open(sys.argv[2], "w"))
PY
"$NFVHOST" apply --plan "$SCRATCH/bad.json" --state "$SCRATCH/state.json" --only kernel \
    --sysfs-root "$R" --dry-run > /dev/null 2> "$SCRATCH/err"
tap_is "$?" 2 "kernel.tuned.no_balance_cpus outside isolated_cpus: exit 2"
tap_is "$(cat "$SCRATCH/err")" "nfvhost: $SCRATCH/bad.json: kernel.tuned.no_balance_cpus: expected CPUs of kernel.isolated_cpus" \
    "... naming the key"

# The live host, dry run only, with a PATH that has no tuned-adm (tuned is
# not installed here anyway): a clear error, not silence.
mkdir "$SCRATCH/nobin"
env PATH="$SCRATCH/nobin" "$NFVHOST" apply --plan "$P/plan.json" \
    --state "$SCRATCH/state.json" --only kernel --dry-run > "$SCRATCH/out" 2> "$SCRATCH/err"
tap_is "$?" 1 "live dry run without tuned-adm: exit 1"
tap_is "$(cat "$SCRATCH/err")" "nfvhost: dry run: a real apply would stop at step kernel: tuned-adm is not installed, and the plan puts the kernel arguments in tuned profile nfvhost ([host] kernel_cmdline = tuned): install tuned and apply again, or plan with kernel_cmdline = grub" \
    "... saying what to do"
tap_done
