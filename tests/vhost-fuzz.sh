#!/bin/sh
# vhost-fuzz.sh: builds tests/fuzz/fuzz-vhost.c with clang's libFuzzer
# (plus ASan and UBSan) and runs it briefly: what a vhost-user back-end
# can send the front-end, on the socket and in the used rings.  For a
# longer run: VHOST_FUZZ_RUNS=0 VHOST_FUZZ_TIME=600 sh tests/vhost-fuzz.sh
# (0 runs = unlimited); VHOST_FUZZ_KEEP=1 also leaves the binary in
# tests/fuzz/fuzz-vhost, to run by hand with a corpus directory.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

require 'command -v clang' 'clang (libFuzzer)'
require 'pkg-config --exists hwloc' 'hwloc development files'
scratch

BIN=$SCRATCH/fuzz-vhost
clang -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined \
    -I"$top_srcdir" -I"$top_builddir" \
    "$top_srcdir/tests/fuzz/fuzz-vhost.c" \
    "$top_srcdir/vhost/proto.c" "$top_srcdir/vhost/virtq.c" \
    "$top_srcdir/vhost/mem.c" "$top_srcdir/lib/util.c" "$top_srcdir/lib/parse.c" \
    "$top_srcdir/lib/diag.c" \
    $(pkg-config --cflags --libs hwloc) -o "$BIN" 2>"$SCRATCH/cc.err"
rc=$?
sed 's/^/#   /' "$SCRATCH/cc.err"
tap_ok $rc "fuzz target builds with -fsanitize=fuzzer,address,undefined"
[ $rc -eq 0 ] || { tap_done; exit 1; }
if [ -n "${VHOST_FUZZ_KEEP:-}" ]; then
    mkdir -p "$top_builddir/tests/fuzz"
    cp "$BIN" "$top_builddir/tests/fuzz/fuzz-vhost"
fi

mkdir "$SCRATCH/corpus"
"$BIN" "$SCRATCH/corpus" -runs="${VHOST_FUZZ_RUNS:-100000}" \
    -max_total_time="${VHOST_FUZZ_TIME:-60}" -max_len=4096 -seed=1 \
    -artifact_prefix="$SCRATCH/" >"$SCRATCH/fuzz.log" 2>&1
rc=$?
tail -3 "$SCRATCH/fuzz.log" | sed 's/^/#   /'
if [ $rc -ne 0 ]; then
    grep -A20 -E 'ERROR|SUMMARY|deadly' "$SCRATCH/fuzz.log" | head -40 | sed 's/^/#   /'
    mkdir -p "$top_builddir/tests/fuzz"
    for a in "$SCRATCH"/crash-* "$SCRATCH"/leak-* "$SCRATCH"/timeout-*; do
        [ -f "$a" ] && cp "$a" "$top_builddir/tests/fuzz/" \
            && tap_diag "kept $(basename "$a") in tests/fuzz/"
    done
fi
tap_ok $rc "no crash, leak, sanitizer report or broken invariant"
grep -q "^Done [0-9]* runs" "$SCRATCH/fuzz.log"
tap_ok $? "libFuzzer finished its runs: $(grep -o '^Done [0-9]* runs in [0-9]* second(s)' "$SCRATCH/fuzz.log")"
tap_done
