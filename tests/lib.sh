# lib.sh: TAP helpers for shell integration tests.  Source it, call the
# checks, end with tap_done.  Needs $NFVHOST, $top_srcdir and $top_builddir
# (set by 'make check'; tests/run-one.sh sets them by hand).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${NFVHOST:=$top_builddir/nfvhost}"
TOPO="$top_srcdir/tests/topologies"
HOMELAB="$top_srcdir/examples/homelab"
tap_n=0
tap_failed=0

tap_ok() { # tap_ok STATUS DESCRIPTION: STATUS 0 passes
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}

tap_is() { # tap_is GOT EXPECTED DESCRIPTION
    if [ "$1" = "$2" ]; then
        tap_ok 0 "$3"
    else
        tap_ok 1 "$3"
        printf '#   got:      %s\n#   expected: %s\n' "$1" "$2" | sed 's/^/# /'
    fi
}

tap_diag() { printf '# %s\n' "$@"; }

tap_done() {
    echo "1..$tap_n"
    [ "$tap_failed" -eq 0 ]
}

# Tests that need root, hugepages or OVS call this first.  They may skip
# only when NFVHOST_ALLOW_SKIP=1 says so; otherwise a missing requirement
# is a failure (CI never sets it).
require() { # require CONDITION-COMMAND WHAT
    if ! eval "$1" >/dev/null 2>&1; then
        if [ "${NFVHOST_ALLOW_SKIP:-0}" = 1 ]; then
            echo "1..0 # SKIP needs $2"
            exit 0
        fi
        echo "Bail out! needs $2 (set NFVHOST_ALLOW_SKIP=1 to skip)"
        exit 1
    fi
}

# A scratch directory removed on exit.
scratch() {
    SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nfvhost-test.XXXXXX")
    trap 'rm -rf "$SCRATCH"' EXIT
}

# jget FILE EXPR: evaluate a Python expression over the JSON document 'd'.
jget() {
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); v = eval(sys.argv[2]); print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1" "$2"
}

# plan_json OUT.json ARGS...: run 'nfvhost plan --json ARGS', keep stdout.
plan_json() {
    _out=$1
    shift
    "$NFVHOST" plan --json "$@" > "$_out" 2> "$_out.err"
}
