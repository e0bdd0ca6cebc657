#!/bin/sh
# hugepages-fake.sh: 'nfvhost hugepages' against a fake sysfs tree.
#
# The tree has NUMA nodes 0, 2 and 5 (gaps in the ids), 2M and 1G pages,
# node 5 without 1G pages, 8 pages in use on node 5, a boot reservation on
# the kernel command line and an existing hugetlbfs mount.  nfvhost runs
# with tests/unit/test-hugepages-kernel-shim.so preloaded: it gives the
# tree's nr_hugepages files the kernel's behaviour (free_hugepages moves
# with nr_hugepages, pages in use stay, and a pool listed in
# FAKE_KERNEL_LIMITS hands back fewer pages than asked).  Golden files
# are in tests/golden/hugepages/; paths print as FAKE/ and ROOT/.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
GOLDEN="$top_srcdir/tests/golden/hugepages"
SHIM="$top_builddir/tests/unit/test-hugepages-kernel-shim.so"
T="$SCRATCH/fake"
R="$SCRATCH/root"
mkdir -p "$R"
N=sys/devices/system/node

put() { mkdir -p "$(dirname "${T:?}/$1")" && printf '%s\n' "$2" > "${T:?}/$1"; }

pool() { # pool NODE SIZE_KB NR FREE
    d="$N/node$1/hugepages/hugepages-$2kB"
    put "$d/nr_hugepages" "$3"
    put "$d/free_hugepages" "$4"
    put "$d/surplus_hugepages" 0
}

make_tree() {
    rm -rf "$T"
    for z in 2048 1048576; do
        for a in nr free resv surplus; do
            put "sys/kernel/mm/hugepages/hugepages-${z}kB/${a}_hugepages" 0
        done
    done
    put "sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages" 2
    put "sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages" 2
    pool 0 2048 0 0
    pool 0 1048576 2 2
    pool 2 2048 4 4
    pool 2 1048576 0 0
    pool 5 2048 10 2
    put "$N/node0/meminfo" "Node 0 MemTotal:        8388608 kB"
    put "$N/node2/meminfo" "Node 2 MemTotal:        8388608 kB"
    put "$N/node5/meminfo" "Node 5 MemTotal:        1048576 kB"
    put proc/meminfo "MemTotal:       17825792 kB
Hugepagesize:       2048 kB"
    put proc/cmdline "BOOT_IMAGE=/vmlinuz root=/dev/sda1 hugepagesz=1G hugepages=0:2 quiet -- hugepages=99"
    put proc/mounts "sysfs /sys sysfs rw 0 0
hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0"
    put proc/sys/vm/compact_memory 0
    mkdir -p "${T:?}/dev/hugepages"
    chmod 0755 "$T/dev/hugepages"
}

# nfvhost with the fake kernel; output with the scratch paths replaced.
nfv() {
    env LD_PRELOAD="$SHIM" FAKE_KERNEL_ROOT="$T" \
        ASAN_OPTIONS=verify_asan_link_order=0 "$NFVHOST" hugepages "$@" \
        >"$SCRATCH/out" 2>"$SCRATCH/err"
    rc=$?
    sed -i -e "s|$T|FAKE|g" -e "s|$R|ROOT|g" "$SCRATCH/out" "$SCRATCH/err"
    return $rc
}

nr() { cat "$T/$N/node$1/hugepages/hugepages-$2kB/nr_hugepages"; }
free_() { cat "$T/$N/node$1/hugepages/hugepages-$2kB/free_hugepages"; }
pools() { echo "$(nr 0 2048) $(nr 0 1048576) $(nr 2 2048) $(nr 2 1048576) $(nr 5 2048)"; }
INITIAL="0 2 4 0 10"
tree_sum() { (cd "$T" && find . -type f | sort | xargs cat | md5sum); }

golden() { # golden FILE NAME DESC (NFVHOST_REGEN_GOLDEN=1 rewrites NAME)
    if [ "${NFVHOST_REGEN_GOLDEN:-0}" = 1 ]; then
        mkdir -p "$(dirname "$GOLDEN/$2")" && cp "$1" "$GOLDEN/$2"
    fi
    if diff -u "$GOLDEN/$2" "$1" >"$SCRATCH/diff"; then
        tap_ok 0 "$3"
    else
        tap_ok 1 "$3"
        sed 's/^/# /' "$SCRATCH/diff"
    fi
}

# The plan's pools: 2M pages on nodes 0, 2 and 5 (a plan has one page
# size); a 1G plan for two of the nodes shows the GRUB drop-in below.
make_plan "$SCRATCH/plan.json" 2048 0:512 2:256 5:10 -- \
    isolcpus=managed_irq,domain,2-5 default_hugepagesz=2M
make_plan "$SCRATCH/plan1g.json" 1048576 0:2 2:1 -- \
    isolcpus=managed_irq,domain,2-5 default_hugepagesz=1G hugepagesz=1G hugepages=0:2,2:1
PLAN="$SCRATCH/plan.json"

# --- status ---------------------------------------------------------------
make_tree
nfv status --sysfs-root "$T" --plan "$PLAN"
tap_is "$?" 0 "status exits 0"
sed -i "s|  /dev/hugepages  pagesize 2M, $(id -un):$(id -gn), mode 0755|  /dev/hugepages  pagesize 2M, USER:GROUP, mode 0755|" "$SCRATCH/out"
golden "$SCRATCH/out" status.txt "status table: pools per node with the plan, mounts, boot reservation"
nfv status --sysfs-root "$T" --plan "$PLAN" --json
tap_is "$?" 0 "status --json exits 0"
python3 - "$SCRATCH/out" >"$SCRATCH/json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
for n in j["nodes"]:
    for p in n["pools"]:
        print(n["id"], p["size_kb"], p["total"], p["free"], p["in_use"], p["plan"])
print(j["cmdline"])
print([(m["dir"], m["size_kb"], m["mode"]) for m in j["mounts"]])
EOF
golden "$SCRATCH/json" status-json.txt "status --json carries the same facts"

# A plan made for another host: status says which of its pools this one lacks.
make_plan "$SCRATCH/other-plan.json" 2048 0:512 2:256 5:10 7:64
nfv status --sysfs-root "$T" --plan "$SCRATCH/other-plan.json"
tap_is "$(grep '^plan wants' "$SCRATCH/out")" "plan wants 64 x 2M on NUMA node 7, which this host does not offer" \
    "status names the plan's pools this host lacks"

# --- dry run ---------------------------------------------------------------
before=$(tree_sum)
nfv apply --sysfs-root "$T" --plan "$PLAN" --dry-run --persist --root "$R" --group root
tap_is "$?" 0 "apply --dry-run exits 0"
golden "$SCRATCH/out" dry-run.txt "dry run prints every write, mount and file"
tap_is "$(tree_sum)" "$before" "dry run changes nothing in the tree"
tap_is "$(ls -A "$R" 2>/dev/null)" "" "dry run writes no persist file"

# --- apply, persist ----------------------------------------------------------
nfv apply --sysfs-root "$T" --plan "$PLAN" --persist --root "$R" --group root
tap_is "$?" 0 "apply --plan exits 0"
golden "$SCRATCH/out" apply.txt "apply reports every pool and file"
tap_is "$(pools)" "512 2 256 0 10" "every pool holds what the plan wants"
tap_is "$(free_ 2 2048)" 256 "free pages grew with the pool"
(cd "$R" && find . -type l -printf '%p -> %l\n' | sort) >"$SCRATCH/links"
golden "$SCRATCH/links" root-links.txt "units enabled in sysinit.target.wants"
for f in etc/systemd/system/nfvhost-hugepages.service \
         etc/systemd/system/dev-hugepages.mount; do
    golden "$R/$f" "root/$f" "persist: $f"
done
tap_is "$(find "$R" -name '*.tmp*' | wc -l)" 0 "no temporary files left"
if command -v systemd-analyze >/dev/null 2>&1; then
    (cd "$R/etc/systemd/system" && systemd-analyze verify --man=no \
        ./nfvhost-hugepages.service ./dev-hugepages.mount) \
        >"$SCRATCH/verify" 2>&1
    tap_ok $? "systemd-analyze verify accepts the units"
    sed 's/^/# /' "$SCRATCH/verify"
else
    tap_ok 0 "# SKIP systemd-analyze not installed"
fi

nfv status --sysfs-root "$T" --plan "$PLAN"
tap_is "$(grep -c differs "$SCRATCH/out")" 0 "status: plan and reality agree"

# Again: idempotent, and --persist leaves its own files as they are.
nfv apply --sysfs-root "$T" --plan "$PLAN" --persist --root "$R" --group root
tap_is "$?" 0 "second apply exits 0 (files are nfvhost's own)"
tap_is "$(grep -c 'pages: already' "$SCRATCH/out")" 3 "second apply changes no pool"
tap_is "$(grep -c 'already up to date' "$SCRATCH/out")" 4 "... and writes no file"

# --json: the change report (lib/changes.h) on stdout, progress on stderr.
nfv apply --sysfs-root "$T" --plan "$PLAN" --persist --root "$R" --group root --json
tap_is "$?" 0 "apply --json exits 0"
tap_is "$(jget "$SCRATCH/out" '[d["format"], d["command"], d["dry_run"], d["changed"], d["changes"]]')" \
    '["nfvhost-changes", "hugepages apply", false, false, []]' "apply --json: nothing changed"
grep -q "pages: already" "$SCRATCH/err"
tap_ok $? "... its progress went to stderr"
echo 0 > "$T/sys/devices/system/node/node2/hugepages/hugepages-2048kB/nr_hugepages"
rm "$R/etc/systemd/system/dev-hugepages.mount"
nfv apply --sysfs-root "$T" --plan "$PLAN" --persist --root "$R" --group root --json --dry-run
tap_is "$(jget "$SCRATCH/out" '[d["dry_run"], d["changed"], d["changes"]]')" \
    '[true, true, [{"what": "node 2, 2M pages", "before": "0", "after": "256"}, {"what": "ROOT/etc/systemd/system/dev-hugepages.mount", "before": "absent", "after": "written by nfvhost"}]]' \
    "apply --json --dry-run: the pool and the file it would change"
tap_is "$(cat "$T/sys/devices/system/node/node2/hugepages/hugepages-2048kB/nr_hugepages")" 0 "... and changed nothing"
nfv apply --sysfs-root "$T" --plan "$PLAN" --persist --root "$R" --group root --json
tap_is "$(jget "$SCRATCH/out" '[d["dry_run"], d["changed"], [c["what"] for c in d["changes"]]]')" \
    '[false, true, ["node 2, 2M pages", "ROOT/etc/systemd/system/dev-hugepages.mount"]]' \
    "apply --json: the pool and the file it changed"
nfv apply --sysfs-root "$T" --plan "$PLAN" --persist --root "$R" --group root --json
tap_is "$(jget "$SCRATCH/out" 'd["changed"]')" "false" "... and then nothing more"

# A 1G plan: the boot-time pages come from the GRUB drop-in, which carries
# the plan's own kernel arguments (lib/grub.h), not a second set.
R1G="$SCRATCH/1g-root"
mkdir -p "$R1G"
nfv apply --sysfs-root "$T" --plan "$SCRATCH/plan1g.json" --persist --root "$R1G" --group root
tap_is "$?" 0 "apply a 1G plan with --persist"
tap_is "$(pools)" "512 2 256 1 10" "1G: node 0 keeps its 2, node 2 gets 1"
for f in etc/systemd/system/dev-hugepages1G.mount etc/default/grub.d/nfvhost.cfg; do
    golden "$R1G/$f" "root/$f" "persist: $f"
done
tap_is "$(tail -1 "$R1G/etc/default/grub.d/nfvhost.cfg")" \
    'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT isolcpus=managed_irq,domain,2-5 default_hugepagesz=1G hugepagesz=1G hugepages=0:2,2:1"' \
    "the GRUB drop-in is the plan's kernel.args"
# The planner's own drop-in (grub.d/nfvhost.cfg: another header above the
# same line), installed by hand or by the Ansible role, is up to date.
{ echo "# Generated by nfvhost.  Install as /etc/default/grub.d/nfvhost.cfg,"
  grep -v '^#' "$R1G/etc/default/grub.d/nfvhost.cfg"; } > "$SCRATCH/planner-dropin"
cp "$SCRATCH/planner-dropin" "$R1G/etc/default/grub.d/nfvhost.cfg"
nfv apply --sysfs-root "$T" --plan "$SCRATCH/plan1g.json" --persist --root "$R1G" --group root --json
tap_is "$(jget "$SCRATCH/out" 'd["changes"]')" "[]" \
    "--persist: a drop-in with the same GRUB line under another comment is up to date"
cmp -s "$SCRATCH/planner-dropin" "$R1G/etc/default/grub.d/nfvhost.cfg"
tap_ok $? "... and left as it was"
nfv reset --sysfs-root "$T" --node 2 --size 1G
tap_is "$(pools)" "512 2 256 0 10" "reset --node 2 --size 1G: only that pool went back"
# Issue 11, defect 2: a cmdline with shell in it never reaches the drop-in.
# The drop-ins are sourced as grub-mkconfig sources them (/etc/default/grub,
# then every /etc/default/grub.d/*.cfg, as root): nothing may run.
grub_mkconfig_env() { # grub_mkconfig_env ROOT: the cmdline update-grub would use
    (GRUB_CMDLINE_LINUX_DEFAULT="quiet"
     for x in "$1"/etc/default/grub.d/*.cfg; do
         if [ -e "$x" ]; then . "$x"; fi
     done
     echo "$GRUB_CMDLINE_LINUX_DEFAULT")
}
tap_is "$(grub_mkconfig_env "$R1G")" \
    "quiet isolcpus=managed_irq,domain,2-5 default_hugepagesz=1G hugepagesz=1G hugepages=0:2,2:1" \
    "the 1G plan's drop-in, sourced as grub-mkconfig does, adds the plan's arguments"
PWNED="$SCRATCH/pwned"
python3 - "$SCRATCH/plan1g.json" "$SCRATCH/evil.json" "$PWNED" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["kernel"]["args"].append('"; touch %s; x="' % sys.argv[3])
json.dump(p, open(sys.argv[2], "w"))
PY
R4="$SCRATCH/evil-root"
mkdir -p "$R4"
nfv apply --sysfs-root "$T" --plan "$SCRATCH/evil.json" --persist --root "$R4" --group root
tap_is "$? $(cat "$SCRATCH/err")" "2 nfvhost: $SCRATCH/evil.json: kernel.args[4]: expected a kernel argument of [A-Za-z0-9_.,:=/+-] only" \
    "a kernel argument with shell in it: exit 2, naming it"
tap_is "$(find "$R4" -type f | wc -l)" 0 "... and no file written"
grub_mkconfig_env "$R4" >/dev/null
tap_ok "$(test ! -e "$PWNED"; echo $?)" "defect 2: sourcing the drop-ins as grub-mkconfig does runs nothing"

# Without a plan, 1G pages persist as the hugepage arguments alone: per
# node on the running kernel when it is 5.16 or later (an older one reads
# "0:2" as 0 pages: then the total; tests/unit/test-hugepages covers both).
R3="$SCRATCH/flags-root"
mkdir -p "$R3"
make_tree
nfv apply --sysfs-root "$T" --node 0 --size 1G --count 2 --node 2 --count 1 \
    --persist --root "$R3" --group root
tap_is "$?" 0 "apply 1G pages from flags with --persist"
kv=$(uname -r | sed 's/^\([0-9]*\)\.\([0-9]*\).*/\1 \2/')
if [ "${kv% *}" -gt 5 ] || { [ "${kv% *}" -eq 5 ] && [ "${kv#* }" -ge 16 ]; }; then
    want="hugepages=0:2,2:1"
else
    want="hugepages=3"
fi
tap_is "$(tail -1 "$R3/etc/default/grub.d/nfvhost.cfg")" \
    "GRUB_CMDLINE_LINUX_DEFAULT=\"\$GRUB_CMDLINE_LINUX_DEFAULT hugepagesz=1G $want\"" \
    "GRUB drop-in carries hugepagesz=1G $want (running kernel $(uname -r))"
tap_is "$(grep -c '^ExecStart=.*hugepages-1048576kB/nr_hugepages; echo' "$R3/etc/systemd/system/nfvhost-hugepages.service")" 2 \
    "the boot unit sets both 1G pools (placing them when the command line could not)"
nfv reset --sysfs-root "$T"
make_tree
nfv apply --sysfs-root "$T" --plan "$PLAN"
tap_is "$?" 0 "apply --plan again, for reset"

# --- reset -------------------------------------------------------------------
nfv reset --sysfs-root "$T" --node 2 --size 2M
tap_is "$?" 0 "reset --node 2 --size 2M exits 0"
tap_is "$(pools)" "512 2 4 0 10" "only that pool went back"
nfv reset --sysfs-root "$T"
tap_is "$?" 0 "reset exits 0"
golden "$SCRATCH/out" reset.txt "reset reports what it undid"
tap_is "$(pools)" "$INITIAL" "reset restores every pool apply changed"
tap_is "$(free_ 2 2048)" 4 "free pages went back too"
tap_ok "$(test ! -e "$T/run/nfvhost/hugepages.json"; echo $?)" "the record is gone"
nfv reset --sysfs-root "$T"
tap_is "$(cat "$SCRATCH/out")" "nothing to reset: nfvhost has not changed the hugepages (no FAKE/run/nfvhost/hugepages.json)" "a second reset has nothing to do"

# Reset never takes pages in use either: node 2 grows 4 -> 8, then 6 of
# its pages get mapped (free_hugepages 2), so going back to 4 is refused.
nfv apply --sysfs-root "$T" --node 2 --size 2M --count 8
tap_is "$?" 0 "apply node 2 to 8 pages"
put "$N/node2/hugepages/hugepages-2048kB/free_hugepages" 2
nfv reset --sysfs-root "$T"
tap_is "$? $(cat "$SCRATCH/err")" "2 nfvhost: NUMA node 2, 2M pages: 6 are in use (mapped by OVS or a VM); refusing to lower the pool from 8 to 4; stop what maps them first" \
    "reset refuses to lower below the pages in use"
tap_is "$(nr 2 2048)" 8 "the pool is unchanged"
put "$N/node2/hugepages/hugepages-2048kB/free_hugepages" 8
nfv reset --sysfs-root "$T"
tap_is "$? $(nr 2 2048)" "0 4" "once unmapped, reset goes back to 4"

# A mountpoint that holds hugetlbfs of another page size is an error.
printf 'none /mnt/hugepages hugetlbfs rw,pagesize=1G 0 0\n' >>"$T/proc/mounts"
nfv apply --sysfs-root "$T" --node 0 --size 2M --count 2 --mount-dir /mnt --dry-run
tap_is "$? $(cat "$SCRATCH/err")" "1 nfvhost: /mnt/hugepages is already a hugetlbfs mount of 1G pages, not 2M; pass another --mount-dir" \
    "never mounts over a hugetlbfs of another size"

# reset --persist removes what apply --persist wrote, and nothing else.
printf '[Mount]\nWhere=/srv/hp\n' >"$R/etc/systemd/system/srv-hp.mount"
nfv reset --sysfs-root "$T" --persist --root "$R" --dry-run
tap_is "$?" 0 "reset --persist --dry-run exits 0"
golden "$SCRATCH/out" reset-persist-dry-run.txt "reset --persist --dry-run lists the files"
tap_is "$(find "$R" -type f -o -type l | wc -l)" 5 "and removes none"
nfv reset --sysfs-root "$T" --persist --root "$R"
tap_is "$?" 0 "reset --persist exits 0"
tap_is "$(cd "$R" && find . -type f -o -type l)" "./etc/systemd/system/srv-hp.mount" \
    "only the file nfvhost did not write is left"
# The planner's drop-in (other kernel arguments too) is not reset's.
mkdir -p "$R/etc/default/grub.d"
printf '# Generated by nfvhost 0.1.0.\nGRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT isolcpus=2-5"\n' \
    >"$R/etc/default/grub.d/nfvhost.cfg"
nfv reset --sysfs-root "$T" --persist --root "$R"
tap_ok "$(test -f "$R/etc/default/grub.d/nfvhost.cfg"; echo $?)" "the planner's GRUB drop-in stays"

# --- a node that hands back fewer pages than asked ---------------------------
make_tree
export FAKE_KERNEL_LIMITS="node2/hugepages-2048kB=100"
nfv apply --sysfs-root "$T" --plan "$PLAN"
tap_is "$?" 1 "short allocation exits 1"
cat "$SCRATCH/out" "$SCRATCH/err" >"$SCRATCH/both"
golden "$SCRATCH/both" short.txt "short allocation: compaction, retry, per-pool asked/got, restore, advice"
tap_is "$(pools)" "$INITIAL" "rollback restores every pool"
tap_is "$(cat "$T/proc/sys/vm/compact_memory")" 1 "memory was compacted before the retry"
tap_ok "$(test ! -e "$T/run/nfvhost/hugepages.json"; echo $?)" "nothing recorded"
make_tree
nfv apply --sysfs-root "$T" --plan "$PLAN" --no-compact
tap_is "$?" 1 "short allocation with --no-compact exits 1"
tap_is "$(cat "$T/proc/sys/vm/compact_memory")" 0 "--no-compact does not compact"
tap_is "$(grep -c compact "$SCRATCH/out")" 0 "--no-compact does not retry"
tap_is "$(pools)" "$INITIAL" "rollback restores every pool"
export FAKE_KERNEL_LIMITS="node0/hugepages-2048kB=0"
nfv apply --sysfs-root "$T" --node 0 --size 2M --count 8 --node 2 --count 6
tap_is "$?" 1 "no page at all exits 1"
tap_is "$(sed -n 2p "$SCRATCH/err")" "  node 0, 2M pages: asked 8, got 0; restored to 0" "message: asked 8, got 0"
tap_is "$(pools)" "$INITIAL" "node 2 went back although it got its pages"
unset FAKE_KERNEL_LIMITS

# --- an apply interrupted while it writes (issue 11, defect 12) ----------------
# Each pool write takes a second (FAKE_KERNEL_SLOW_MS, as a large 1G
# allocation does) and the shim creates FAKE/writing when the first one
# has changed its pool: the signal lands there.
interrupt() { # interrupt SIGNAL: the plan applied, signalled mid-write
    make_tree
    # A background job starts with SIGINT ignored; give it back its default.
    env --default-signal=INT LD_PRELOAD="$SHIM" FAKE_KERNEL_ROOT="$T" FAKE_KERNEL_SLOW_MS=1000 \
        ASAN_OPTIONS=verify_asan_link_order=0 "$NFVHOST" hugepages apply \
        --sysfs-root "$T" --plan "$PLAN" >"$SCRATCH/out" 2>"$SCRATCH/err" &
    pid=$!
    i=0
    while [ ! -e "$T/writing" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -"$1" "$pid"
    wait "$pid"
}
interrupt INT
tap_is "$?" 130 "SIGINT during the first pool's write: nfvhost ends by it"
tap_is "$(pools)" "512 2 256 0 10" "... once every pool was written (SIGINT was held while committing)"
nfv reset --sysfs-root "$T"
tap_is "$? $(pools)" "0 $INITIAL" "... and reset puts every pool back"
interrupt KILL
tap_is "$(pools)" "512 2 4 0 10" "SIGKILL during the first pool's write: it is changed, the next is not"
tap_is "$(python3 -c "import json,sys; print(sorted((p['node'], p['before']) for p in json.load(open(sys.argv[1]))['pools']))" "$T/run/nfvhost/hugepages.json")" \
    "[(0, 0), (2, 4)]" "... but the record already holds both pools' sizes before"
nfv reset --sysfs-root "$T"
tap_is "$? $(pools)" "0 $INITIAL" "... so reset puts every pool back"
rm -f "$T/writing"

# --- a read-only nr_hugepages ------------------------------------------------
make_tree
ro="$T/$N/node2/hugepages/hugepages-2048kB/nr_hugepages"
chmod 0444 "$ro"
if [ "$(id -u)" = 0 ]; then
    # Root writes through 0444; a read-only bind mount in a private mount
    # namespace stops it, and vanishes with the namespace.
    nfv_ro() {
        env LD_PRELOAD="$SHIM" FAKE_KERNEL_ROOT="$T" \
            ASAN_OPTIONS=verify_asan_link_order=0 unshare -m sh -c \
            'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"' \
            "$ro" "$NFVHOST" hugepages "$@" >"$SCRATCH/out" 2>"$SCRATCH/err"
    }
else
    nfv_ro() {
        env LD_PRELOAD="$SHIM" FAKE_KERNEL_ROOT="$T" \
            ASAN_OPTIONS=verify_asan_link_order=0 "$NFVHOST" hugepages \
            "$@" >"$SCRATCH/out" 2>"$SCRATCH/err"
    }
fi
nfv_ro apply --sysfs-root "$T" --node 0 --size 2M --count 8 --node 2 --count 6
tap_is "$?" 1 "read-only nr_hugepages exits 1"
sed -i "s|$T|FAKE|g" "$SCRATCH/err"
err=$(head -1 "$SCRATCH/err")
case $err in
"nfvhost: cannot write 6 to FAKE/$N/node2/hugepages/hugepages-2048kB/nr_hugepages: "*) tap_ok 0 "message names the file: $err" ;;
*) tap_ok 1 "message names the file: $err" ;;
esac
tap_is "$(sed -n 2p "$SCRATCH/err")" "  node 0, 2M pages: asked 8, got 8; restored to 0" "node 0 is restored"
tap_is "$(pools)" "$INITIAL" "every pool is as before"

# --- input errors: exit 2, a message naming the value, nothing written -------
make_tree
before=$(tree_sum)
check_input() { # check_input MESSAGE ARGS...
    want=$1; shift
    nfv "$@"
    rc=$?
    tap_is "$rc $(cat "$SCRATCH/err")" "2 $want" "refused: $*"
}
check_input "nfvhost: NUMA node 3 does not exist on this host (nodes: 0,2,5)" \
    apply --sysfs-root "$T" --node 0 --size 2M --count 4 --node 3 --count 4
check_input "nfvhost: NUMA node 5 does not offer 1G pages (no FAKE/$N/node5/hugepages/hugepages-1048576kB/)" \
    apply --sysfs-root "$T" --node 5 --size 1G --count 1
check_input "nfvhost: page size 16G (16777216 kB) is not offered by this kernel (sizes: 2M, 1G)" \
    apply --sysfs-root "$T" --node 0 --size 16G --count 1
check_input "nfvhost: NUMA node 5: 1024 x 2M asked = 2048 MiB of hugepages do not fit its 1024 MiB of memory; lower the count" \
    apply --sysfs-root "$T" --node 5 --size 2M --count 1024
check_input "nfvhost: NUMA node 5, 2M pages: 8 are in use (mapped by OVS or a VM); refusing to lower the pool from 10 to 2; stop what maps them first" \
    apply --sysfs-root "$T" --node 5 --size 2M --count 2
check_input "nfvhost hugepages: --size 3Q: expected a page size such as 2M or 1G
Try 'nfvhost hugepages --help'." \
    apply --sysfs-root "$T" --node 0 --size 3Q --count 1
check_input "nfvhost hugepages: apply needs --plan FILE or --node N --size S --count K, not neither
Try 'nfvhost hugepages --help'." \
    apply --sysfs-root "$T"
check_input "nfvhost hugepages: --count 4: give --node and --size before it
Try 'nfvhost hugepages --help'." \
    apply --sysfs-root "$T" --size 2M --count 4
echo '{"numa_nodes": []}' >"$SCRATCH/bad.json"
check_input "nfvhost: $SCRATCH/bad.json: not an nfvhost plan (no integer \"format\"); make one with 'nfvhost plan --output DIR'" \
    apply --sysfs-root "$T" --plan "$SCRATCH/bad.json"
# Issue 11, defect 5: a count that overflows is an error, not ULONG_MAX.
check_input "nfvhost hugepages: --count 99999999999999999999999: expected a number of pages (0 to 18446744073709551615)
Try 'nfvhost hugepages --help'." \
    apply --sysfs-root "$T" --node 0 --size 2M --count 99999999999999999999999
check_input "nfvhost: NUMA node 0: 9007199254740992 x 2M asked: the size of these pages overflows 64 bits; lower the count" \
    apply --sysfs-root "$T" --node 0 --size 2M --count 9007199254740992
# ... and counts read from a plan take the same checks as the flags': the
# plan's reader bounds them by the plan's node (64 GiB here), apply by
# this host's (8 GiB).
make_plan "$SCRATCH/huge.json" 2048 0:5000
check_input "nfvhost: NUMA node 0: 5000 x 2M asked + 2 x 1G there = 12048 MiB of hugepages do not fit its 8192 MiB of memory; lower the count" \
    apply --sysfs-root "$T" --plan "$SCRATCH/huge.json"
make_plan "$SCRATCH/huge.json" 2048 0:1099511627776
nfv apply --sysfs-root "$T" --plan "$SCRATCH/huge.json"
tap_is "$? $(cat "$SCRATCH/err")" "2 nfvhost: $SCRATCH/huge.json: numa_nodes[0].hugepages: 1099511627776 pages of 2048 kB do not fit the node's 65536 MiB (or the size is not settings.hugepage_size_kb)" \
    "a plan asking for more than its own node's memory: exit 2"
make_plan "$SCRATCH/wrap.json" 2048 0:9007199254740992
nfv apply --sysfs-root "$T" --plan "$SCRATCH/wrap.json"
tap_is "$?" 2 "a plan whose count times the page size overflows: exit 2"
grep -q "numa_nodes\[0\].hugepages" "$SCRATCH/err"
tap_ok $? "... naming the plan's field ($(cat "$SCRATCH/err"))"
# A node whose memory size cannot be read is bounded by the machine's.
mv "$T/$N/node0/meminfo" "$SCRATCH/node0-meminfo"
check_input "nfvhost: NUMA node 0: 9000 x 2M asked + 2 x 1G there = 20048 MiB of hugepages do not fit the machine's 17408 MiB of memory (no FAKE/$N/node0/meminfo); lower the count" \
    apply --sysfs-root "$T" --node 0 --size 2M --count 9000
mv "$T/proc/meminfo" "$SCRATCH/meminfo"
nfv apply --sysfs-root "$T" --node 0 --size 2M --count 4
tap_is "$? $(cat "$SCRATCH/err")" "1 nfvhost: NUMA node 0: cannot read its memory size (FAKE/$N/node0/meminfo) nor the machine's (FAKE/proc/meminfo): refusing to ask for hugepages without a bound" \
    "no memory size at all: nothing is asked (exit 1)"
mv "$SCRATCH/meminfo" "$T/proc/meminfo"
mv "$SCRATCH/node0-meminfo" "$T/$N/node0/meminfo"
check_input "nfvhost: --group no-such-group-xyz: no such group" \
    apply --sysfs-root "$T" --plan "$PLAN" --persist --root "$R" --group no-such-group-xyz
# A file nfvhost did not write is never overwritten, and nothing happens.
R2="$SCRATCH/other-root"
mkdir -p "$R2/etc/systemd/system"
echo "[Mount]" >"$R2/etc/systemd/system/dev-hugepages.mount"
check_input "nfvhost: --persist: $R2/etc/systemd/system/dev-hugepages.mount exists and was not written by nfvhost; not overwriting it (move it away, or merge by hand)" \
    apply --sysfs-root "$T" --plan "$PLAN" --persist --root "$R2" --group root
tap_is "$(cat "$R2/etc/systemd/system/dev-hugepages.mount")" "[Mount]" "the foreign file is untouched"
tap_is "$(find "$R2" -type f -o -type l | wc -l)" 1 "no other persist file was written"
tap_is "$(tree_sum)" "$before" "no input error wrote anything to the tree"

tap_done
