# e2e-libvirtd.sh: a real libvirtd (qemu:///system) for tests, with its
# virtlogd.  Source it after tests/ovs-harness.sh, then:
#
#   libvirtd_harness_start HUGEDIR LOGDIR
#       Takes /tmp/nfvhost-libvirtd.lock (one such test at a time on a
#       machine: there is one qemu:///system), refuses to run when a
#       libvirtd it did not start answers, then starts virtlogd
#       and libvirtd as root, in the foreground, with Debian's default
#       configuration, and waits until qemu:///system answers.  Logs:
#       LOGDIR/virtlogd.log, LOGDIR/libvirtd.log.  Stopped by
#       libvirtd_harness_stop, which ovs_harness_on_stop runs on exit.
#
#       libvirtd runs in a mount namespace of its own in which HUGEDIR is
#       the only hugetlbfs: libvirt picks the first hugetlbfs of each page
#       size it finds at start-up, and other tests mount and unmount theirs
#       at any time on a shared machine.  It also runs in a network
#       namespace of its own: vhost-user needs only the file system, and
#       whatever libvirt does to networks stays in there.  Its domain and
#       network definitions (/etc/libvirt/qemu) are an empty tmpfs in that
#       namespace: what the test defines vanishes with libvirtd, even when
#       the test is killed before its cleanup, and nothing the machine's
#       own libvirt defined is started or seen.  Where /dev/kvm's group is
#       not kvm, that namespace's /dev/kvm is the same device with group
#       kvm (else libvirt re-probes QEMU at every lookup: see below).
#   libvirtd_harness_domain NAME
#       Registers a domain to destroy and undefine when the harness stops
#       (call it before defining the domain).
#   libvirtd_harness_stop
#       Destroys and undefines the registered domains, then stops exactly
#       the libvirtd and virtlogd it started (TERM, then KILL after 15 s),
#       and releases the lock.
#   lv_virsh ARGS...   virsh -c qemu:///system ARGS
#
# Tunables: LIBVIRTD_LOCK_WAIT (seconds to wait for the lock, default 600).

LIBVIRTD_LOCK=/tmp/nfvhost-libvirtd.lock
LIBVIRTD_URI=qemu:///system
_lv_pids=""
_lv_domains=""
_lv_locked=0

lv_virsh() { virsh -q -c "$LIBVIRTD_URI" "$@"; }

_lv_fail() { echo "# libvirtd harness: $*" >&2; return 1; }

libvirtd_harness_start() { # HUGEDIR LOGDIR
    _lv_hugedir=$1 _lv_logdir=$2
    exec 8>"$LIBVIRTD_LOCK"
    if ! flock -w "${LIBVIRTD_LOCK_WAIT:-600}" 8; then
        _lv_fail "another test holds $LIBVIRTD_LOCK"
        return 1
    fi
    _lv_locked=1
    ovs_harness_on_stop libvirtd_harness_stop
    if [ -S /run/libvirt/libvirt-sock ] && lv_virsh version >/dev/null 2>&1; then
        _lv_fail "a libvirtd this test did not start answers on $LIBVIRTD_URI"
        return 1
    fi
    # Children must not inherit the lock: a libvirtd left behind would
    # hold it.
    virtlogd 8>&- >"$_lv_logdir/virtlogd.log" 2>&1 &
    VIRTLOGD_PID=$!
    _lv_pids="$_lv_pids $VIRTLOGD_PID"
    if ! ovs_wait_for 20 test -S /run/libvirt/virtlogd-sock; then
        _lv_fail "virtlogd did not start; log: $(tail -5 "$_lv_logdir/virtlogd.log")"
        return 1
    fi
    # The list of mounts is read inside the new namespace: one another test
    # mounts meanwhile is in it too.
    # shellcheck disable=SC2016
    unshare --mount --propagation slave --net sh -c '
        awk -v keep="$1" "\$3 == \"hugetlbfs\" && \$2 != keep { print \$2 }" \
            /proc/self/mounts | while read -r m; do umount "$m" || exit 1; done \
            || exit 1
        mount -t tmpfs -o mode=0755 nfvhost-libvirt /etc/libvirt/qemu || exit 1
        # /dev/kvm of a group the QEMU user is not in (this machine: gid
        # 993, mode 0660): libvirt probes QEMU with CAP_DAC_OVERRIDE, so
        # the probe finds KVM, but then checks /dev/kvm as the QEMU user,
        # finds it unusable, calls the probe stale and probes again, about
        # 2 s a time, at every capabilities lookup: minutes per domain
        # start ("KVM was enabled when probing ..., but it is not available
        # now").  Here /dev/kvm is the same device with the group kvm, as
        # udev makes it on a Debian host.
        kvm_gid=$(getent group kvm | cut -d: -f3)
        if [ -c /dev/kvm ] && [ -n "$kvm_gid" ] \
           && [ "$(stat -c %g /dev/kvm)" != "$kvm_gid" ]; then
            mknod -m 0660 "$2/kvm" c "$((0x$(stat -c %t /dev/kvm)))" \
                "$((0x$(stat -c %T /dev/kvm)))" \
                && chgrp kvm "$2/kvm" && mount --bind "$2/kvm" /dev/kvm \
                || exit 1
        fi
        exec libvirtd' sh "$_lv_hugedir" "$_lv_logdir" 8>&- >"$_lv_logdir/libvirtd.log" 2>&1 &
    LIBVIRTD_PID=$!
    _lv_pids="$_lv_pids $LIBVIRTD_PID"
    if ! ovs_wait_for 60 lv_virsh version; then
        _lv_fail "libvirtd did not answer; log: $(tail -5 "$_lv_logdir/libvirtd.log")"
        return 1
    fi
    # A socket left by a virtlogd that was killed satisfies the wait above;
    # ours exits at once when another one runs, long before libvirtd is up.
    if ! kill -0 "$VIRTLOGD_PID" 2>/dev/null; then
        _lv_fail "virtlogd exited; log: $(tail -5 "$_lv_logdir/virtlogd.log")"
        return 1
    fi
}

libvirtd_harness_domain() { _lv_domains="$_lv_domains $1"; }

libvirtd_harness_stop() {
    for _d in $_lv_domains; do
        # QEMU's pid, to stop it by pid should libvirtd be gone.
        _qpid=$(cat "/run/libvirt/qemu/$_d.pid" 2>/dev/null)
        lv_virsh destroy "$_d" >/dev/null 2>&1
        lv_virsh undefine "$_d" >/dev/null 2>&1
        if [ -n "$_qpid" ] && kill -0 "$_qpid" 2>/dev/null; then
            kill -KILL "$_qpid"
        fi
    done
    _lv_domains=""
    # libvirtd first, then its virtlogd.
    for _pid in $(echo $_lv_pids | tr ' ' '\n' | tac); do
        kill -TERM "$_pid" 2>/dev/null
        ovs_wait_for 15 sh -c "! kill -0 $_pid" || kill -KILL "$_pid" 2>/dev/null
        wait "$_pid" 2>/dev/null
    done
    _lv_pids=""
    if [ "$_lv_locked" = 1 ]; then
        exec 8>&-
        _lv_locked=0
    fi
}
