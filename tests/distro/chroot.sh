# tests/distro/chroot.sh: a fresh Debian root to run commands in, for
# tests/distro/check-in-chroot.sh (the README's test command on a new
# machine) and tests/package.sh (the .deb installed on one).  Sourced.
#
#   chroot_base SUITE [PACKAGES]   the cached base root's tarball (its path on
#                                  stdout), made once by
#                                  'debootstrap --variant=minbase' with
#                                  PACKAGES (comma-separated) included
#   chroot_unpack TARBALL DIR      a new root from it
#   chroot_run DIR COMMAND         COMMAND (bash -c) as root inside DIR;
#                                  its exit status
#
# The .debs apt downloads inside are kept in $CHROOT_CACHE/apt-SUITE
# (bound onto the root's /var/cache/apt/archives when chroot_unpack's
# third argument names the suite), so a second run downloads nothing new.
#
# The tarballs live in $NFVHOST_CHROOT_CACHE (default /var/cache/nfvhost),
# one per suite and package list; delete one to start over.  Runs happen in
# a private mount namespace: DIR is bound onto itself (so that 'unshare'
# and 'ip netns' work inside), with /proc, the host's /sys and /dev, and
# tmpfs on /run and /tmp; nothing is left mounted when the command ends.
# /tmp/nfvhost-hugepages.lock is the host's own file, so that tests inside
# and outside take turns at the machine's hugepages (tests/ovs-harness.sh).
# Needs root and debootstrap; the mirror is $NFVHOST_DEBIAN_MIRROR
# (default http://deb.debian.org/debian).

CHROOT_CACHE=${NFVHOST_CHROOT_CACHE:-/var/cache/nfvhost}
CHROOT_MIRROR=${NFVHOST_DEBIAN_MIRROR:-http://deb.debian.org/debian}

chroot_base()
{
    local suite=$1 include=${2:-} name tar tmp
    name=$suite-minbase${include:+-$(printf %s "$include" | tr , -)}
    tar=$CHROOT_CACHE/$name.tar
    if [ ! -s "$tar" ]; then
        mkdir -p "$CHROOT_CACHE" || return 1
        tmp=$CHROOT_CACHE/$name.boot
        rm -rf "$tmp"
        echo "chroot: debootstrap $suite${include:+ with $include} into $tar" >&2
        if ! debootstrap --variant=minbase ${include:+--include="$include"} \
                "$suite" "$tmp" "$CHROOT_MIRROR" >"$CHROOT_CACHE/$name.log" 2>&1; then
            echo "chroot: debootstrap failed; see $CHROOT_CACHE/$name.log" >&2
            rm -rf "$tmp"
            return 1
        fi
        tar -C "$tmp" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar" && rm -rf "$tmp" \
            || return 1
    fi
    echo "$tar"
}

chroot_unpack() # chroot_unpack TARBALL DIR [SUITE]
{
    rm -rf "$2" && mkdir -p "$2" && tar -C "$2" -xf "$1" || return 1
    if [ -n "${3:-}" ]; then
        mkdir -p "$CHROOT_CACHE/apt-$3/partial"
        echo "$CHROOT_CACHE/apt-$3" > "$2/.nfvhost-apt-cache"
    fi
}

chroot_run()
{
    touch /tmp/nfvhost-hugepages.lock
    unshare -m --propagation private bash -c '
        set -e
        R=$1 cmd=$2
        mount --bind "$R" "$R"
        mount --make-private "$R"
        mount -t proc proc "$R/proc"
        mount --rbind /sys "$R/sys"
        mount --rbind /dev "$R/dev"
        mount -t tmpfs tmpfs "$R/run"
        mount -t tmpfs tmpfs "$R/tmp"
        touch "$R/tmp/nfvhost-hugepages.lock"
        mount --bind /tmp/nfvhost-hugepages.lock "$R/tmp/nfvhost-hugepages.lock"
        cp /etc/resolv.conf "$R/etc/resolv.conf"
        if [ -f "$R/.nfvhost-apt-cache" ]; then
            mount --bind "$(cat "$R/.nfvhost-apt-cache")" "$R/var/cache/apt/archives"
        fi
        set +e
        chroot "$R" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            bash -c "$cmd"' _ "$1" "$2"
}
