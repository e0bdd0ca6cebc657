#!/bin/sh
# install-deps.sh: install the Debian 12 packages nfvhost needs to build
# and to run its whole test suite.  Idempotent: packages already present
# are left alone, and apt-get is not run at all when nothing is missing.
set -e

# One line per part; keep each part's packages on its own line.
PACKAGES="
build-essential autoconf automake libtool pkg-config python3 iproute2 kmod
libhwloc-dev hwloc-nox libxml2-dev libxml2-utils libjansson-dev libinih-dev librsvg2-bin
systemd util-linux
openvswitch-switch-dpdk openvswitch-common dpdk dpdk-dev tcpdump iputils-ping
libvirt-clients libvirt-daemon libvirt-dev python3-nova python3-neutron
clang libclang-rt-14-dev valgrind
time
libnewt-dev tmux qemu-utils
"

missing=""
for p in $PACKAGES; do
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
