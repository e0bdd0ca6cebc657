# ovs-harness.sh: a private OVS-DPDK for tests.  Source it, then:
#
#   ovs_harness_start [--no-vswitchd]
#       Creates a run directory, a database (ovsdb-tool create from the
#       installed vswitch.ovsschema), starts ovsdb-server and, unless
#       --no-vswitchd, reserves 2M hugepages, mounts a private hugetlbfs
#       and starts ovs-vswitchd-dpdk with dpdk-init=true,
#       dpdk-extra="--no-pci --file-prefix ...", a small dpdk-socket-mem,
#       dpdk-lcore-mask=0x1 and pmd-cpu-mask=0x2 (2-core test machines:
#       the PMD gets core 1, peers run on core 0).  Exports:
#         OVS_RUNDIR   the run directory (logs: $OVS_RUNDIR/*.log)
#         OVS_DB       unix:$OVS_RUNDIR/db.sock (nfvhost --db, ovs-vsctl --db)
#         OVS_CTL      $OVS_RUNDIR/ovs-vswitchd.ctl (ovs-appctl -t)
#         OVS_SOCKDIR  $OVS_RUNDIR/vhost, mode 0770, for vhost-user sockets
#         OVS_HUGEDIR  the hugetlbfs mount (pass to DPDK as --huge-dir)
#         OVS_DPDK_EXTRA  the dpdk-extra the harness set (keep it when a
#                      test overrides other_config: nfvhost ovs apply
#                      --set "dpdk-extra=$OVS_DPDK_EXTRA")
#   ovs_harness_stop
#       Stops exactly the pids it started, unmounts, gives back the
#       hugepages it added, removes the run directory.  Installed as an EXIT
#       trap by ovs_harness_start (it also removes $SCRATCH if set), so it
#       runs when a test fails midway.
#   ovs_harness_start_vswitchd / ovs_harness_kill_vswitchd [SIGNAL]
#       (Re)start or kill only ovs-vswitchd (restart-survival tests).
#   ovs_vsctl ARGS...     ovs-vsctl --db=$OVS_DB --no-wait ARGS (reads, and
#                         test-side changes; nfvhost itself never uses it)
#   ovs_appctl ARGS...    ovs-appctl -t $OVS_CTL ARGS
#   ovs_harness_wait_port NAME [TIMEOUT]  until Interface NAME is set up
#   ovs_nfvhost_apply ARGS...  $NFVHOST ovs apply --db $OVS_DB --sock-dir
#                         $OVS_SOCKDIR, keeping the harness's DPDK start-up
#                         keys (dpdk-extra, hugepage dir, socket mem, lcore)
#                         whatever the plan says, so the daemon stays safe
#
# Tunables (environment): OVS_HARNESS_PAGES (2M pages to add, default 640),
# OVS_HARNESS_SOCKET_MEM (MB, default 512), OVS_HARNESS_LCORE_MASK (0x1),
# OVS_HARNESS_PMD_MASK (0x2).
#
# Hugepages: nr_hugepages is one number for the whole machine and other
# tests change it at the same time, so the harness adds its pages to the
# current value and later subtracts them (never restores an absolute
# value), each time under 'flock /tmp/nfvhost-hugepages.lock'.

OVS_VSWITCHD_BIN=${OVS_VSWITCHD_BIN:-/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk}
OVS_SCHEMA=${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}
OVS_HUGEPAGES_LOCK=/tmp/nfvhost-hugepages.lock
OVS_NR_HUGEPAGES=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
_ovs_pids=""
_ovs_pages_added=0
_ovs_mounted=""

ovs_vsctl() { ovs-vsctl --db="$OVS_DB" --no-wait --timeout=10 "$@"; }
ovs_appctl() { ovs-appctl -t "$OVS_CTL" --timeout=10 "$@"; }

_ovs_wait_for() { # _ovs_wait_for TIMEOUT-SECONDS COMMAND...
    _t=$(( $1 * 10 )); shift
    while [ "$_t" -gt 0 ]; do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1; _t=$((_t - 1))
    done
    return 1
}

_ovs_hugepages_add() { # _ovs_hugepages_add DELTA (negative gives back)
    (
        flock -w 60 9 || exit 1
        cur=$(cat "$OVS_NR_HUGEPAGES")
        want=$((cur + $1))
        [ "$want" -lt 0 ] && want=0
        echo "$want" > "$OVS_NR_HUGEPAGES"
        got=$(cat "$OVS_NR_HUGEPAGES")
        echo $((got - cur))
    ) 9>"$OVS_HUGEPAGES_LOCK"
}

ovs_harness_start() {
    _no_vswitchd=0
    [ "${1:-}" = --no-vswitchd ] && _no_vswitchd=1
    OVS_RUNDIR=$(mktemp -d /tmp/nfvhost-ovs.XXXXXX)
    chmod 755 "$OVS_RUNDIR"
    OVS_DB="unix:$OVS_RUNDIR/db.sock"
    OVS_CTL="$OVS_RUNDIR/ovs-vswitchd.ctl"
    OVS_SOCKDIR="$OVS_RUNDIR/vhost"
    OVS_HUGEDIR="$OVS_RUNDIR/huge"
    OVS_DPDK_EXTRA="--no-pci --file-prefix nfvovs$$"
    export OVS_RUNDIR OVS_DB OVS_CTL OVS_SOCKDIR OVS_HUGEDIR OVS_DPDK_EXTRA
    # Every OVS tool looks here instead of /var/run/openvswitch.
    export OVS_RUNDIR OVS_LOGDIR="$OVS_RUNDIR" OVS_DBDIR="$OVS_RUNDIR" \
           OVS_SYSCONFDIR="$OVS_RUNDIR" OVS_PKGDATADIR=/usr/share/openvswitch
    trap 'ovs_harness_stop' EXIT
    trap 'exit 130' INT TERM
    mkdir -m 0770 "$OVS_SOCKDIR"
    ovsdb-tool create "$OVS_RUNDIR/conf.db" "$OVS_SCHEMA" || return 1
    ovsdb-server "$OVS_RUNDIR/conf.db" \
        --remote="punix:$OVS_RUNDIR/db.sock" \
        --pidfile="$OVS_RUNDIR/ovsdb-server.pid" \
        --unixctl="$OVS_RUNDIR/ovsdb-server.ctl" \
        --log-file="$OVS_RUNDIR/ovsdb-server.log" -vconsole:off \
        </dev/null >/dev/null 2>&1 &
    _ovs_pids="$_ovs_pids $!"
    OVSDB_PID=$!
    _ovs_wait_for 10 test -S "$OVS_RUNDIR/db.sock" || {
        echo "# ovsdb-server did not start" >&2; return 1; }
    ovs_vsctl init || return 1
    [ "$_no_vswitchd" = 1 ] && return 0

    _ovs_pages_added=$(_ovs_hugepages_add "${OVS_HARNESS_PAGES:-640}") \
        || return 1
    if [ "$_ovs_pages_added" -lt "${OVS_HARNESS_PAGES:-640}" ]; then
        echo "# only $_ovs_pages_added 2M hugepages could be added" >&2
        return 1
    fi
    mkdir "$OVS_HUGEDIR"
    mount -t hugetlbfs -o pagesize=2M nodev "$OVS_HUGEDIR" || return 1
    _ovs_mounted="$OVS_HUGEDIR"
    ovs_vsctl set Open_vSwitch . \
        other_config:dpdk-init=true \
        "other_config:dpdk-extra=$OVS_DPDK_EXTRA" \
        other_config:dpdk-hugepage-dir="$OVS_HUGEDIR" \
        other_config:dpdk-socket-mem="${OVS_HARNESS_SOCKET_MEM:-512}" \
        other_config:dpdk-socket-limit="${OVS_HARNESS_SOCKET_MEM:-512}" \
        other_config:dpdk-lcore-mask="${OVS_HARNESS_LCORE_MASK:-0x1}" \
        other_config:pmd-cpu-mask="${OVS_HARNESS_PMD_MASK:-0x2}" \
        || return 1
    ovs_harness_start_vswitchd
}

ovs_harness_start_vswitchd() {
    rm -f "$OVS_CTL"
    "$OVS_VSWITCHD_BIN" "$OVS_DB" \
        --pidfile="$OVS_RUNDIR/ovs-vswitchd.pid" \
        --unixctl="$OVS_CTL" \
        --log-file="$OVS_RUNDIR/ovs-vswitchd.log" -vconsole:off \
        </dev/null >/dev/null 2>&1 &
    OVS_VSWITCHD_PID=$!
    _ovs_pids="$_ovs_pids $OVS_VSWITCHD_PID"
    if ! _ovs_wait_for 60 ovs_appctl version; then
        echo "# ovs-vswitchd did not start; log:" >&2
        tail -20 "$OVS_RUNDIR/ovs-vswitchd.log" | sed 's/^/# /' >&2
        return 1
    fi
    # DPDK is up once the database says so.
    _ovs_wait_for 60 _ovs_dpdk_up
}

_ovs_dpdk_up() {
    [ "$(ovs_vsctl get Open_vSwitch . dpdk_initialized)" = true ]
}

ovs_harness_kill_vswitchd() { # [SIGNAL], default KILL
    kill -"${1:-KILL}" "$OVS_VSWITCHD_PID" 2>/dev/null
    wait "$OVS_VSWITCHD_PID" 2>/dev/null
    _ovs_pids=$(echo "$_ovs_pids" | tr ' ' '\n' | grep -vx "$OVS_VSWITCHD_PID" \
                | tr '\n' ' ')
}

ovs_harness_wait_port() { # NAME [TIMEOUT]: until ofport is assigned
    _ovs_wait_for "${2:-20}" _ovs_port_up "$1"
}

_ovs_port_up() {
    _p=$(ovs_vsctl get Interface "$1" ofport 2>/dev/null)
    [ -n "$_p" ] && [ "$_p" != "[]" ] && [ "$_p" != -1 ]
}

ovs_nfvhost_apply() {
    "$NFVHOST" ovs apply --db "$OVS_DB" --sock-dir "$OVS_SOCKDIR" \
        --set "dpdk-extra=$OVS_DPDK_EXTRA" \
        --set "dpdk-hugepage-dir=$OVS_HUGEDIR" \
        --set "dpdk-socket-mem=${OVS_HARNESS_SOCKET_MEM:-512}" \
        --set "dpdk-socket-limit=${OVS_HARNESS_SOCKET_MEM:-512}" \
        --set "dpdk-lcore-mask=${OVS_HARNESS_LCORE_MASK:-0x1}" "$@"
}

ovs_harness_stop() {
    for _pid in $_ovs_pids; do
        kill -TERM "$_pid" 2>/dev/null
    done
    for _pid in $_ovs_pids; do
        _ovs_wait_for 10 sh -c "! kill -0 $_pid" || kill -KILL "$_pid" 2>/dev/null
        wait "$_pid" 2>/dev/null
    done
    _ovs_pids=""
    if [ -n "$_ovs_mounted" ]; then
        umount "$_ovs_mounted" && _ovs_mounted=""
    fi
    if [ "$_ovs_pages_added" -gt 0 ]; then
        _ovs_hugepages_add "-$_ovs_pages_added" >/dev/null
        _ovs_pages_added=0
    fi
    if [ -n "${OVS_RUNDIR:-}" ] && [ -z "$_ovs_mounted" ]; then
        if [ -n "${OVS_HARNESS_KEEP:-}" ]; then
            echo "# kept $OVS_RUNDIR" >&2
        else
            rm -rf "$OVS_RUNDIR"
        fi
    fi
    [ -n "${SCRATCH:-}" ] && rm -rf "$SCRATCH"
    OVS_RUNDIR=""
}
