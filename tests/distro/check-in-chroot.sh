#!/bin/bash
# check-in-chroot.sh: the README's test command on a fresh Debian, to prove
# that install-deps.sh, the build and 'make check' need nothing else.
#     tests/distro/check-in-chroot.sh [--keep] SUITE     (bookworm, trixie)
# As root.  A minbase root of SUITE (debootstrap, cached: see
# tests/distro/chroot.sh) gets a copy of this tree's tracked files as they
# are now (committed or not) in /root/project, and runs there the second
# command under "## Set up" of README.md (without 'sudo': it runs as root):
#     ./install-deps.sh && ./autogen.sh && ./configure --enable-werror && make -j2 && make check
# The output goes to the terminal and to $NFVHOST_CHROOT_CACHE/check-SUITE.log;
# the root is deleted afterwards unless --keep.  Exit status: the command's.
# Not part of 'make check' (it takes 20-60 minutes; docs/development.md).
set -u
keep=
[ "${1:-}" = --keep ] && { keep=1; shift; }
suite=${1:?usage: check-in-chroot.sh [--keep] SUITE}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/distro/chroot.sh"

[ "$(id -u)" = 0 ] || { echo "check-in-chroot: needs root" >&2; exit 1; }
cmd=$(awk '/^## Set up/ { s = 1 } s && /^    [^ ]/ { if (++k == 2) { sub(/^    /, ""); print; exit } }' "$top/README.md")
[ -n "$cmd" ] || { echo "check-in-chroot: no test command under '## Set up' in README.md" >&2; exit 1; }
cmd=${cmd//sudo /}

base=$(chroot_base "$suite") || exit 1
root=$CHROOT_CACHE/check-$suite
log=$CHROOT_CACHE/check-$suite.log
chroot_unpack "$base" "$root" "$suite" || exit 1
mkdir -p "$root/root/project"
git -C "$top" ls-files -z | tar -C "$top" --null -T - -cf - | tar -C "$root/root/project" -xf -

echo "check-in-chroot: $suite: $cmd" | tee "$log"
start=$(date +%s)
chroot_run "$root" "cd /root/project && $cmd" 2>&1 | tee -a "$log"
status=${PIPESTATUS[0]}
echo "check-in-chroot: $suite: exit $status after $(( $(date +%s) - start )) s (log: $log)" | tee -a "$log"
[ -n "$keep" ] || rm -rf "$root"
exit "$status"
