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
#         OVS_NETNS    the network namespace ovs-vswitchd runs in: the
#                      netdev datapath makes tap devices (ovs-netdev, one
#                      per bridge) whose names would clash between
#                      concurrent harnesses and touch the host; put
#                      af_packet/tap stand-in interfaces in here too
#         OVS_DB       unix:$OVS_RUNDIR/db.sock (nfvhost --db, ovs-vsctl --db)
#         OVS_CTL      $OVS_RUNDIR/ovs-vswitchd.ctl (ovs-appctl -t)
#         OVS_SOCKDIR  $OVS_RUNDIR/vhost, mode 0770, for vhost-user sockets
#         OVS_HUGEDIR  the hugetlbfs mount (pass to DPDK as --huge-dir)
#         OVS_DPDK_EXTRA  the dpdk-extra the harness set (keep it when a
#                      test overrides other_config: nfvhost ovs apply
#                      --set "dpdk-extra=$OVS_DPDK_EXTRA")
#   ovs_harness_start_dpdk
#       After ovs_harness_start --no-vswitchd: the rest of it (hugepages,
#       hugetlbfs, namespace, DPDK keys, ovs-vswitchd), for a test that
#       sets the tunables below from something it made first (a plan).
#   ovs_harness_stop
#       Stops exactly the pids it started, unmounts, gives back the
#       hugepages it added, removes the run directory.  Installed as an EXIT
#       trap by ovs_harness_start (it also removes $SCRATCH if set), so it
#       runs when a test fails midway.
#   ovs_harness_on_stop COMMAND
#       Runs COMMAND (a shell string) first when the harness stops: the
#       test's own cleanup (peers it started, namespaces, veths), so one
#       EXIT trap covers everything.
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
# A DPDK peer in place of a VM (dpdk-testpmd, virtio-user front-end in
# server mode, so OVS's dpdkvhostuserclient ports connect to it):
#   ovs_peer_start ID FWD-MODE SOCKET...   one port per socket, in order;
#         --no-pci, --single-file-segments, lcores 0@0,1@0 (main and
#         forwarding thread on core 0, away from the PMD), interactive,
#         commands through a fifo; log $OVS_RUNDIR/peer-ID.log.  Returns
#         once every port is probed (each probe waits for OVS to connect).
#   ovs_peer_cmd ID COMMAND...   sends testpmd commands ("start tx_first")
#   ovs_peer_stat ID PORT FIELD  last "FIELD: N" of PORT's "show port
#         stats" (FIELD: RX-packets, TX-packets, RX-missed ...)
#   ovs_peer_stop ID             quits it (and waits for exactly that pid)
#
# Tunables (environment): OVS_HARNESS_PAGES (2M pages to add, default 640),
# OVS_HARNESS_SOCKET_MEM (MB, default 512), OVS_HARNESS_LCORE_MASK (0x1),
# OVS_HARNESS_PMD_MASK (0x2).  To run OVS-DPDK as a plan says (the e2e
# test, whose 'nfvhost check' compares the daemon with the plan):
#   OVS_HARNESS_DPDK_EXTRA   dpdk-extra instead of "--no-pci --file-prefix
#                            nfvovsPID"; without a --file-prefix, DPDK's
#                            runtime directory (/run/dpdk/rte) is a tmpfs
#                            of ovs-vswitchd's own mount namespace, so no
#                            other DPDK process on the machine shares it
#   OVS_HARNESS_AFFINITY     CPU list ovs-vswitchd starts on (taskset), as
#                            systemd.cpu_affinity= puts a service on the
#                            housekeeping CPUs; DPDK's control threads stay
#                            there, the PMD threads pin themselves
#   OVS_HARNESS_HUGE_GROUP   group of the private hugetlbfs, mounted mode
#                            1770 as 'nfvhost hugepages apply' mounts one
#                            (default root, mode 0755)
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
_ovs_on_stop=""
_ovs_netns=""

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
    OVS_DPDK_EXTRA=${OVS_HARNESS_DPDK_EXTRA:-"--no-pci --file-prefix nfvovs$$"}
    OVS_NETNS=nfvovs$$
    export OVS_RUNDIR OVS_DB OVS_CTL OVS_SOCKDIR OVS_HUGEDIR OVS_DPDK_EXTRA \
           OVS_NETNS
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
    ovs_harness_start_dpdk
}

ovs_harness_start_dpdk() {
    OVS_DPDK_EXTRA=${OVS_HARNESS_DPDK_EXTRA:-$OVS_DPDK_EXTRA}
    _ovs_pages_added=$(_ovs_hugepages_add "${OVS_HARNESS_PAGES:-640}") \
        || return 1
    if [ "$_ovs_pages_added" -lt "${OVS_HARNESS_PAGES:-640}" ]; then
        echo "# only $_ovs_pages_added 2M hugepages could be added" >&2
        return 1
    fi
    ip netns add "$OVS_NETNS" || return 1
    _ovs_netns="$OVS_NETNS"
    ip -n "$OVS_NETNS" link set lo up
    mkdir "$OVS_HUGEDIR"
    _huge_opts=pagesize=2M
    if [ -n "${OVS_HARNESS_HUGE_GROUP:-}" ]; then
        _gid=$(getent group "$OVS_HARNESS_HUGE_GROUP" | cut -d: -f3)
        [ -n "$_gid" ] || { echo "# no group $OVS_HARNESS_HUGE_GROUP" >&2; return 1; }
        _huge_opts="$_huge_opts,gid=$_gid,mode=1770"
    fi
    mount -t hugetlbfs -o "$_huge_opts" nodev "$OVS_HUGEDIR" || return 1
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
    # 'ip netns exec' gives the daemon a mount namespace of its own; the
    # shell in it execs the daemon, so $! is its pid.
    # shellcheck disable=SC2016
    ip netns exec "$OVS_NETNS" sh -c '
        case " $1 " in
            *" --file-prefix"*) ;;
            *) mount -t tmpfs -o mode=0755 nfvhost-dpdk /run/dpdk 2>/dev/null \
                   || { mkdir -p /run/dpdk && mount -t tmpfs -o mode=0755 nfvhost-dpdk /run/dpdk; } \
                   || exit 1 ;;
        esac
        shift
        if [ -n "$1" ]; then
            aff=$1; shift
            exec taskset -c "$aff" "$@"
        fi
        shift
        exec "$@"' sh "$OVS_DPDK_EXTRA" "${OVS_HARNESS_AFFINITY:-}" \
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

ovs_peer_start() { # ID FWD-MODE SOCKET...
    _id=$1 _fwd=$2; shift 2
    _vdevs="" _i=0
    for _s in "$@"; do
        _vdevs="$_vdevs --vdev net_virtio_user$_i,path=$_s,server=1,queues=1"
        _i=$((_i + 1))
    done
    rm -f "$OVS_RUNDIR/peer-$_id.in"
    mkfifo "$OVS_RUNDIR/peer-$_id.in"
    # shellcheck disable=SC2086
    stdbuf -o0 dpdk-testpmd --no-pci --single-file-segments --file-prefix "nfvpeer$$$_id" \
        --lcores 0@0,1@0 --huge-dir "$OVS_HUGEDIR" -m 64 $_vdevs -- -i \
        --total-num-mbufs=8192 --forward-mode="$_fwd" \
        <"$OVS_RUNDIR/peer-$_id.in" >"$OVS_RUNDIR/peer-$_id.log" 2>&1 &
    eval "_ovs_peer_pid_$_id=$!"
    _ovs_pids="$_ovs_pids $!"
    # A writer that holds the fifo open, so testpmd never sees EOF.
    sleep 100000 >"$OVS_RUNDIR/peer-$_id.in" &
    eval "_ovs_peer_holder_$_id=$!"
    _ovs_pids="$_ovs_pids $!"
    ovs_peer_cmd "$_id" "show port summary all"
    _ovs_wait_for 30 grep -q "^Number of available ports: $#" \
        "$OVS_RUNDIR/peer-$_id.log"
}

ovs_peer_cmd() { # ID COMMAND
    _id=$1; shift
    echo "$*" >>"$OVS_RUNDIR/peer-$_id.in"
}

ovs_peer_stat() { # ID PORT FIELD
    : >"$OVS_RUNDIR/peer-$1.mark"
    _n=$(grep -c 'NIC statistics for port' "$OVS_RUNDIR/peer-$1.log")
    ovs_peer_cmd "$1" "show port stats $2"
    _ovs_wait_for 10 _ovs_log_grew "$1" "$_n"
    sleep 0.2
    awk -v f="$3:" -v p="port $2 " '
        /NIC statistics for port/ { inp = index($0, p) > 0 }
        inp { for (i = 1; i < NF; i++) if ($i == f) v = $(i + 1) }
        END { print v }' "$OVS_RUNDIR/peer-$1.log"
}

_ovs_log_grew() {
    [ "$(grep -c 'NIC statistics for port' "$OVS_RUNDIR/peer-$1.log")" -gt "$2" ]
}

ovs_peer_stop() { # ID
    eval "_pid=\$_ovs_peer_pid_$1 _holder=\$_ovs_peer_holder_$1"
    ovs_peer_cmd "$1" "quit"
    _ovs_wait_for 15 sh -c "! kill -0 $_pid" || kill -KILL "$_pid"
    kill "$_holder" 2>/dev/null
    wait "$_pid" "$_holder" 2>/dev/null
    _ovs_pids=$(echo "$_ovs_pids" | tr ' ' '\n' | grep -vx -e "$_pid" -e "$_holder" \
                | tr '\n' ' ')
}

ovs_nfvhost_apply() {
    "$NFVHOST" ovs apply --db "$OVS_DB" --sock-dir "$OVS_SOCKDIR" \
        --set "dpdk-extra=$OVS_DPDK_EXTRA" \
        --set "dpdk-hugepage-dir=$OVS_HUGEDIR" \
        --set "dpdk-socket-mem=${OVS_HARNESS_SOCKET_MEM:-512}" \
        --set "dpdk-socket-limit=${OVS_HARNESS_SOCKET_MEM:-512}" \
        --set "dpdk-lcore-mask=${OVS_HARNESS_LCORE_MASK:-0x1}" "$@"
}

ovs_harness_on_stop() { _ovs_on_stop="$1; $_ovs_on_stop"; }

ovs_harness_stop() {
    if [ -n "$_ovs_on_stop" ]; then
        eval "$_ovs_on_stop"
        _ovs_on_stop=""
    fi
    for _pid in $_ovs_pids; do
        kill -TERM "$_pid" 2>/dev/null
    done
    for _pid in $_ovs_pids; do
        _ovs_wait_for 10 sh -c "! kill -0 $_pid" || kill -KILL "$_pid" 2>/dev/null
        wait "$_pid" 2>/dev/null
    done
    _ovs_pids=""
    if [ -n "$_ovs_netns" ]; then
        ip netns del "$_ovs_netns" && _ovs_netns=""
    fi
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

# Public helpers for tests (the functions above that start with '_' are
# the harness's own).
# ovs_wait_for TIMEOUT-SECONDS COMMAND...: until COMMAND succeeds.
ovs_wait_for() { _ovs_wait_for "$@"; }

# ovs_harness_begin [--no-vswitchd]: the usual prelude of a test on OVS-DPDK: require
# root, ovs-vswitchd-dpdk and 2M hugepages, start the harness (bail out if
# it does not start) and make $SCRATCH inside its run directory.
ovs_harness_begin() {
    require '[ "$(id -u)" = 0 ]' 'root'
    require "test -x $OVS_VSWITCHD_BIN" 'ovs-vswitchd-dpdk (openvswitch-switch-dpdk)'
    require "test -w $OVS_NR_HUGEPAGES" '2M hugepages'
    ovs_harness_start "$@" || { echo "Bail out! OVS-DPDK did not start"; exit 1; }
    SCRATCH=$OVS_RUNDIR/scratch
    mkdir "$SCRATCH"
}
