#!/bin/sh
# cli.sh: the nfvhost front: --help, --version, per-command help, unknown
# commands, and 'nfvhost plan' on the live machine, whatever it is.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
cd "$SCRATCH"

"$NFVHOST" --help > help.txt
tap_is "$?" 0 "--help exits 0"
grep -q "^  plan " help.txt
tap_ok $? "--help lists the plan command"
tap_is "$("$NFVHOST" --version)" "nfvhost $(sed -n 's/^AC_INIT(\[nfvhost\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")" \
    "--version prints the package version"
for cmd in $(sed -n 's/^  \([a-z]*\) .*/\1/p' help.txt); do
    "$NFVHOST" "$cmd" --help > cmd-help.txt
    tap_is "$?" 0 "nfvhost $cmd --help exits 0"
    grep -q "^Usage: nfvhost $cmd" cmd-help.txt
    tap_ok $? "nfvhost $cmd --help prints its usage"
done
"$NFVHOST" frob 2> err.txt
tap_is "$?" 2 "unknown command: exit 2"
tap_is "$(head -n 1 err.txt)" "nfvhost: unknown command 'frob'" "unknown command: message"
"$NFVHOST" 2> /dev/null
tap_is "$?" 2 "no command: exit 2"

# The live machine: a plan (exit 0) or a clear infeasibility (exit 3) that
# says by how much; never a crash or another status.
"$NFVHOST" plan --no-color --output live > live.txt 2> live.err
status=$?
tap_diag "live machine: $(nproc) CPUs, plan exit $status"
case $status in
0)
    tap_ok 0 "live plan succeeds"
    tap_is "$(jget live/plan.json 'd["host"]["usable_cpus"] != ""')" "true" "live plan covers this machine's CPUs"
    grep -q "^NUMA node" live.txt
    tap_ok $? "live plan prints the picture"
    ;;
3)
    grep -q "^nfvhost: infeasible plan: .*short by [0-9]" live.err
    tap_ok $? "live plan: infeasible, with the shortfall ($(cat live.err))"
    [ ! -e live ]
    tap_ok $? "live plan: no output written"
    # The same machine with a lighter intent must plan when it has 3 cores,
    # and say why not otherwise.
    printf '[emulator]\npolicy = none\n' > light.ini
    "$NFVHOST" plan --no-color --intent light.ini > light.txt 2> light.err
    s=$?
    cores=$(lscpu -p=CORE | grep -v '^#' | sort -u | wc -l)
    if [ "$cores" -ge 3 ]; then
        tap_is "$s" 0 "live plan with emulator policy none fits $cores cores"
    else
        tap_is "$s" 3 "live plan with emulator policy none: still too small for $cores cores"
    fi
    ;;
*)
    tap_ok 1 "live plan exits 0 or 3, not $status ($(cat live.err))"
    ;;
esac
"$NFVHOST" plan --json > live.json 2> /dev/null
s=$?
tap_ok $([ $s -eq 0 ] || [ $s -eq 3 ] && echo 0 || echo 1) "live --json exits 0 or 3 ($s)"

# One option parser (cli/opts.h) for every subcommand: an option without
# its value says so, whatever the subcommand.
missing() { # missing SUB FLAG ARGS...
    sub=$1 flag=$2; shift 2
    "$NFVHOST" "$@" > /dev/null 2> missing.err
    tap_is "$? $(head -1 missing.err)" "2 nfvhost $sub: option '$flag' needs a value" \
        "nfvhost $*: names the option that needs a value"
}
missing plan --intent plan --intent
missing plan --output plan --json --output
missing ovs --plan ovs apply --plan
missing vm --plan vm xml --vm x --plan
missing vm -c vm xml -c
missing hugepages --plan hugepages status --plan
missing check --plan check --plan
missing apply --plan apply --plan
missing setup --intent setup --intent
missing "fleet plan" --intent fleet plan --intent
missing "fleet plan" -j fleet plan -j
missing facts --sysfs-root facts --sysfs-root
missing "vhost bench" --plan vhost bench --plan
"$NFVHOST" plan --json=yes > /dev/null 2> missing.err
tap_is "$? $(head -1 missing.err)" "2 nfvhost plan: option '--json' takes no value" \
    "a flag given a value says so"
"$NFVHOST" ovs status --bogus > /dev/null 2> missing.err
tap_is "$? $(head -1 missing.err)" "2 nfvhost ovs: unknown option '--bogus'" \
    "an unknown option is named"
# Every --output creates the directories above it (mode 0755), as the
# README's first command needs in a fresh clone ("--output out/homelab").
umask 022
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --intent "$HOMELAB/intent.ini" \
    --output fresh/out/homelab --svg pics/a/homelab.svg > /dev/null 2> fresh.err
tap_is "$? $(cat fresh.err)" "0 " "plan --output fresh/out/homelab --svg pics/a/homelab.svg: exit 0"
[ -f fresh/out/homelab/plan.json ] && [ -f pics/a/homelab.svg ]
tap_ok $? "... plan.json and the SVG written"
tap_is "$(stat -c %a fresh fresh/out pics pics/a)" "$(printf '755\n755\n755\n755')" \
    "... the missing directories above them made with mode 0755"
"$NFVHOST" vm xml --plan fresh/out/homelab/plan.json --vm firewall1 \
    --output domains/firewall1.xml 2> vm.err
tap_is "$?" 0 "vm xml --output domains/firewall1.xml: exit 0"
grep -q "<name>firewall1</name>" domains/firewall1.xml
tap_ok $? "... the domain written into the new directory"
: > afile
"$NFVHOST" plan --topology "$HOMELAB/topology.xml" --output afile/out > /dev/null 2> file.err
tap_is "$? $(cat file.err)" "1 nfvhost: --output afile/out: Not a directory" \
    "a parent that is a file: exit 1, the path and the reason"
"$NFVHOST" plan --topology "$TOPO/fakecpukinds.xml" --output gone/a/plan > /dev/null 2>&1
tap_is "$?:$(ls -d gone 2>/dev/null)" "3:" \
    "an infeasible plan with --output gone/a/plan: exit 3, and not even the parents made"
# A new user's first run on a fresh Debian 12 root (issue 10, section 1):
# the README says sudo may be missing, before its first sudo command ...
first_sudo=$(grep -n 'sudo \./install-deps.sh' "$top_srcdir/README.md" | head -1 | cut -d: -f1)
note=$(grep -n '`sudo` may not be installed' "$top_srcdir/README.md" | head -1 | cut -d: -f1)
[ -n "$note" ] && [ -n "$first_sudo" ] && [ "$note" -lt "$first_sudo" ]
tap_ok $? "README: 'sudo may not be installed' (line $note) before the first sudo command (line $first_sudo)"
# ... and install-deps.sh installs what links the fuzz targets and the ASan
# build: the package that holds clang's ASan runtime, or one that depends
# on it (libclang-rt-dev on Debian 12 pulls libclang-rt-14-dev).
asan=$(dpkg -S 'libclang_rt.asan-x86_64.a' 2>/dev/null | sed -n 's/^\([^:]*\):.*\.a$/\1/p' | head -1)
deps=$(sed -n '/^TEST="/,/^"/p' "$top_srcdir/install-deps.sh" | sed '1d;$d' | tr ' ' '\n' | grep .)
found=no
for d in $deps; do
    if [ "$d" = "$asan" ] || apt-cache depends "$d" 2>/dev/null | grep -q "Depends: $asan\$"; then
        found=$d
    fi
done
tap_ok $([ -n "$asan" ] && [ "$found" != no ] && echo 0 || echo 1) \
    "install-deps.sh installs clang's ASan runtime (${asan:-not installed here}, through $found)"
tap_done
