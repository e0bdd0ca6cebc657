#!/bin/bash
# package.sh: the Debian package, built, checked by lintian, installed into
# a fresh Debian root with apt (so its dependencies resolve), used there,
# and purged without a trace.  TAP.  Not in 'make check': .ci/run runs it
# after the suite, through the same TAP driver, so its results count.
#
# As root, with debhelper, lintian and debootstrap (./install-deps.sh).
# The tracked files of this tree as they are now (committed or not) are
# copied to a scratch directory and built there with
# 'dpkg-buildpackage -us -uc -b' (DEB_BUILD_OPTIONS=nocheck unless
# $NFVHOST_PACKAGE_BUILD_OPTIONS says otherwise: .ci/run has just run
# the suite).  The root is a 'debootstrap --variant=minbase' bookworm with
# man-db and bash-completion (a user's man and TAB), cached as a tarball
# by tests/distro/chroot.sh: the first run makes it (about 3 minutes),
# later runs unpack it.  Recommends are not installed (OVS-DPDK and
# libvirtd are not needed to plan, and would double the time).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/distro/chroot.sh"
SUITE=${NFVHOST_PACKAGE_SUITE:-bookworm}
require '[ "$(id -u)" = 0 ]' "root (a chroot)"
require "command -v dpkg-buildpackage && command -v dh && command -v lintian && command -v debootstrap" \
    "dpkg-buildpackage, debhelper, lintian and debootstrap (./install-deps.sh)"

SCRATCH=$(mktemp -d /var/tmp/nfvhost-package.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
version=$(dpkg-parsechangelog -l "$top_srcdir/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
deb=nfvhost_${version}_$arch.deb
start=$(date +%s)

# Build.
mkdir "$SCRATCH/nfvhost"
git -C "$top_srcdir" ls-files -z | tar -C "$top_srcdir" --null -T - -cf - \
    | tar -C "$SCRATCH/nfvhost" -xf -
(cd "$SCRATCH/nfvhost" \
    && DEB_BUILD_OPTIONS=${NFVHOST_PACKAGE_BUILD_OPTIONS-nocheck} \
       dpkg-buildpackage -us -uc -b) > "$SCRATCH/build.log" 2>&1
status=$?
[ "$status" = 0 ] && [ -f "$SCRATCH/$deb" ]
tap_ok $? "dpkg-buildpackage -us -uc -b builds $deb"
[ "$status" = 0 ] || { tail -n 40 "$SCRATCH/build.log" | sed 's/^/# /'; tap_done; exit; }
tap_diag "built in $(( $(date +%s) - start )) s"

# What it holds.
dpkg-deb -c "$SCRATCH/$deb" | awk '{ print $6 }' | sed 's|^\./|/|' > "$SCRATCH/files"
for f in /usr/bin/nfvhost /usr/share/man/man1/nfvhost.1.gz \
         /usr/share/bash-completion/completions/nfvhost \
         /usr/lib/systemd/system/nfvhost-hugepages@.service \
         /usr/share/doc/nfvhost/examples/homelab/topology.xml \
         /usr/share/doc/nfvhost/examples/homelab/intent.ini \
         /usr/share/doc/nfvhost/examples/fleet/compute.ini \
         /usr/share/doc/nfvhost/copyright /usr/share/nfvhost/base-q35.xml; do
    grep -qx "$f" "$SCRATCH/files"
    tap_ok $? "the package has $f"
done
if [ -d "$top_srcdir/ansible" ]; then
    n_src=$(git -C "$top_srcdir" ls-files ansible | wc -l)
    n_pkg=$(grep -c '^/usr/share/nfvhost/ansible/.*[^/]$' "$SCRATCH/files")
    tap_is "$n_pkg" "$n_src" "the package has the Ansible role under /usr/share/nfvhost/ansible ($n_src files)"
else
    tap_diag "no ansible/ in this tree: no Ansible role to package"
fi
depends=$(dpkg-deb -f "$SCRATCH/$deb" Depends)
tap_diag "Depends: $depends"
for lib in libhwloc libxml2 libjansson libinih libvirt0; do
    case ", $depends" in
    *", $lib"*) tap_ok 0 "Depends (from shlibdeps) has $lib" ;;
    *) tap_ok 1 "Depends (from shlibdeps) has $lib" ;;
    esac
done
tap_is "$(dpkg-deb -f "$SCRATCH/$deb" Recommends)" \
    "openvswitch-switch-dpdk, libvirt-daemon-system, hwloc" "Recommends"

# lintian: no error, no warning.
(cd "$SCRATCH" && lintian --display-info --fail-on error,warning ./*.changes) > "$SCRATCH/lintian" 2>&1
status=$?
sed 's/^/# lintian: /' "$SCRATCH/lintian"
tap_is "$status $(grep -c '^[EW]:' "$SCRATCH/lintian")" "0 0" "lintian: no errors, no warnings"

# A fresh root: install with apt, use, purge.
base=$(chroot_base "$SUITE" man-db,bash-completion)
tap_ok $? "a minbase $SUITE root with man-db and bash-completion ($base)"
R=$SCRATCH/root
chroot_unpack "$base" "$R" "$SUITE"
# Everything on the root's file system but apt's and dpkg's own records
# and logs, to compare before and after.
snapshot() {
    chroot_run "$R" "find / -xdev \\( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \\
        -o -path /var/lib/apt -o -path /var/cache -o -path /var/log -o -path /var/lib/dpkg \\
        \\) -prune -o -print | sort" > "$1"
}
snapshot "$SCRATCH/before"
cp "$SCRATCH/$deb" "$R/root/"
in_root() { chroot_run "$R" "$1" > "$SCRATCH/out" 2>&1; }

start=$(date +%s)
in_root "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /root/$deb"
status=$?
tap_is "$status" 0 "apt-get install ./$deb resolves its dependencies and installs"
[ "$status" = 0 ] || tail -n 30 "$SCRATCH/out" | sed 's/^/# /'
tap_diag "apt-get update + install: $(( $(date +%s) - start )) s"

in_root "nfvhost --version"
tap_is "$(cat "$SCRATCH/out")" "nfvhost $version" "nfvhost --version"
in_root "man -w nfvhost && MANWIDTH=80 man -P cat nfvhost | grep -c 'nfvhost plan'"
tap_is "$(head -n 1 "$SCRATCH/out")" "/usr/share/man/man1/nfvhost.1.gz" "man -w nfvhost: the installed page"
[ "$(sed -n 2p "$SCRATCH/out")" -gt 0 ] 2>/dev/null
tap_ok $? "man nfvhost shows the page"
# The way an interactive shell gets it: bash-completion loads
# completions/nfvhost when nfvhost is first completed.
in_root ". /usr/share/bash-completion/bash_completion; __load_completion nfvhost; complete -p nfvhost"
tap_is "$(cat "$SCRATCH/out")" "complete -F _nfvhost nfvhost" "complete -p nfvhost (loaded by bash-completion)"
in_root ". /usr/share/bash-completion/bash_completion; __load_completion nfvhost
    COMP_WORDS=(nfvhost plan --topology /usr/share/doc/nfvhost/examples/homelab/t); COMP_CWORD=3
    _nfvhost; echo \"\${COMPREPLY[@]}\""
tap_is "$(cat "$SCRATCH/out")" "/usr/share/doc/nfvhost/examples/homelab/topology.xml" \
    "TAB after --topology completes the example's topology.xml"
ex=/usr/share/doc/nfvhost/examples/homelab
in_root "nfvhost plan --no-color --topology $ex/topology.xml --intent $ex/intent.ini --output /root/homelab && ls /root/homelab"
status=$?
tap_ok $status "nfvhost plan of the installed example"
grep -qx plan.json "$SCRATCH/out"
tap_ok $? "... writes plan.json"
[ "$status" = 0 ] || sed 's/^/# /' "$SCRATCH/out"
in_root "ls /usr/lib/systemd/system/nfvhost-hugepages@.service"
tap_ok $? "the unit template is installed"

in_root "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q --autoremove nfvhost && rm -rf /root/homelab /root/$deb"
tap_ok $? "apt-get purge --autoremove nfvhost"
in_root "dpkg-query -W -f='\${Status}' nfvhost 2>/dev/null; true"
tap_is "$(cat "$SCRATCH/out")" "" "dpkg knows nfvhost no more"
snapshot "$SCRATCH/after"
diff "$SCRATCH/before" "$SCRATCH/after" > "$SCRATCH/left"
tap_ok $? "nothing is left: the root's files are those before the install"
sed 's/^/# /' "$SCRATCH/left" | head -n 30
tap_done
