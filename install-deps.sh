#!/bin/sh
# install-deps.sh: install the Debian packages nfvhost needs to build and to
# run its whole test suite (Debian 12 bookworm; Debian 13 trixie too, as
# tests/distro/check-in-chroot.sh shows).  Idempotent: packages already
# present are left alone, and apt-get is not run at all when nothing is
# missing.
#
# These lists are the one list of what the build and the tests use.
# debian/control's Build-Depends mirrors them: BUILD as they are, TEST with
# <!nocheck>; tests/deps.sh checks that the two agree.
set -e

# Building nfvhost (build-essential is implied in Build-Depends).
BUILD="
build-essential autoconf autoconf-archive automake libtool pkg-config
libhwloc-dev libxml2-dev libjansson-dev libinih-dev libvirt-dev libnewt-dev
"

# 'make check', one line per part.  Build-Depends <!nocheck>.
TEST="
python3 iproute2 kmod hwloc-nox libxml2-utils librsvg2-bin systemd
openvswitch-switch-dpdk openvswitch-common dpdk dpdk-dev tcpdump iputils-ping
libvirt-clients libvirt-daemon python3-nova python3-neutron
clang libclang-rt-dev valgrind
time ansible ansible-lint
tmux qemu-utils
qemu-system-x86 libvirt-daemon-system libvirt-daemon-driver-qemu busybox-static
xz-utils
"

# tests/package.sh: the Debian package built (debhelper, in Build-Depends
# as debhelper-compat), checked (lintian) and installed into a fresh root
# (debootstrap).
PACKAGE="
debhelper lintian debootstrap
"

missing=""
for p in $BUILD $TEST $PACKAGE; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends $missing
