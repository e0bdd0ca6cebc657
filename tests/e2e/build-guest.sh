#!/bin/sh
# build-guest.sh: the e2e test guest, built at test time and cached.
#
#   sh tests/e2e/build-guest.sh CACHE-DIR
#
# Writes CACHE-DIR/kernel/vmlinuz (Debian's cloud kernel, linux-image-cloud-amd64)
# and CACHE-DIR/initrd.img (busybox-static, the kernel's virtio NIC modules
# with their dependencies, tests/e2e/udp-burst built static, and
# tests/e2e/init as /init), and prints both paths.
#
# The kernel is fetched with 'apt-get download' and unpacked with 'dpkg-deb
# -x': it is never installed as this machine's kernel.  It is kept in
# CACHE-DIR/kernel/ and fetched again only when the cache is empty; the
# initramfs is rebuilt when init, udp-burst.c or this script change.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
SRC=$top_srcdir/tests/e2e
CACHE=$1
BUSYBOX=${BUSYBOX:-/bin/busybox}
CC=${CC:-cc}
# The NIC drivers the guest needs; their dependencies (virtio_pci's
# virtio_pci_modern_dev, virtio_net's net_failover) come from modules.dep.
MODULES="virtio_pci virtio_net"

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

# The kernel: the package linux-image-cloud-amd64 depends on, unpacked.
fetch_kernel() {
    [ -f "$CACHE/kernel/vmlinuz" ] && return 0
    pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null \
          | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
    if [ -z "$pkg" ]; then
        # A machine whose package lists were never fetched (or cleaned).
        apt-get update -q >&2
        pkg=$(apt-cache depends linux-image-cloud-amd64 \
              | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
    fi
    [ -n "$pkg" ] || { echo "build-guest: no linux-image-cloud-amd64 in apt" >&2; return 1; }
    tmp=$(mktemp -d "$CACHE/kernel.XXXXXX")
    (cd "$tmp" && apt-get download -q "$pkg" >&2 2>&1) || { rm -rf "$tmp"; return 1; }
    dpkg-deb -x "$tmp"/*.deb "$tmp/root"
    # Debian 12's kernel packages put the modules in /lib/modules, Debian
    # 13's (merged /usr) in /usr/lib/modules.
    mods=$tmp/root/lib/modules
    [ -d "$mods" ] || mods=$tmp/root/usr/lib/modules
    kver=$(ls "$mods")
    mkdir -p "$tmp/k/lib/modules"
    cp "$tmp/root/boot/vmlinuz-$kver" "$tmp/k/vmlinuz"
    mv "$mods/$kver" "$tmp/k/lib/modules/"
    depmod -b "$tmp/k" "$kver"
    echo "$kver" > "$tmp/k/version"
    echo "$pkg" > "$tmp/k/package"
    rm -rf "$CACHE/kernel"
    mv "$tmp/k" "$CACHE/kernel"
    rm -rf "$tmp"
    echo "build-guest: kernel $kver from $pkg" >&2
}

# load_order: the .ko files of $MODULES and their dependencies, in load
# order (kmod's own resolution over the unpacked tree's modules.dep).
load_order() {
    # shellcheck disable=SC2086
    modprobe -d "$CACHE/kernel" -S "$(cat "$CACHE/kernel/version")" \
        --show-depends -a $MODULES | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

build_initramfs() {
    root=$(mktemp -d "$CACHE/root.XXXXXX")
    ORDER=$root/etc/nfv-modules
    mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" \
             "$root/tmp" "$root/lib/modules"
    load_order > "$root/ko"
    [ -s "$root/ko" ] || { echo "build-guest: modules not found" >&2; return 1; }
    # Debian 13's kernel ships its modules xz-compressed (NAME.ko.xz);
    # busybox's insmod takes plain ones.
    while read -r ko; do
        case $ko in
            *.ko.xz) name=$(basename "$ko" .ko.xz)
                     xz -dc "$ko" > "$root/lib/modules/$name.ko" || return 1 ;;
            *)       name=$(basename "$ko" .ko)
                     cp "$ko" "$root/lib/modules/" ;;
        esac
        echo "$name" >> "$ORDER"
    done < "$root/ko"
    rm "$root/ko"
    cp "$BUSYBOX" "$root/bin/busybox"
    for a in $("$BUSYBOX" --list); do
        [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
    done
    $CC -static -O2 -Wall -o "$root/bin/udp-burst" "$SRC/udp-burst.c"
    cp "$SRC/init" "$root/init"
    chmod 755 "$root/init"
    (cd "$root" && find . | sort | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) \
        | gzip -9 > "$CACHE/initrd.img.tmp"
    mv "$CACHE/initrd.img.tmp" "$CACHE/initrd.img"
    echo "build-guest: initramfs with $(tr '\n' ' ' < "$ORDER")" >&2
    rm -rf "$root"
}

fetch_kernel
stamp=$(cat "$SRC/init" "$SRC/udp-burst.c" "$0" "$CACHE/kernel/version" | md5sum)
if [ ! -f "$CACHE/initrd.img" ] || [ "$(cat "$CACHE/initrd.stamp" 2>/dev/null)" != "$stamp" ]; then
    build_initramfs
    echo "$stamp" > "$CACHE/initrd.stamp"
fi
echo "$CACHE/kernel/vmlinuz"
echo "$CACHE/initrd.img"
