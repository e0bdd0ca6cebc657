#!/bin/sh
# run.sh NAME.fuzz: runs the libFuzzer target tests/fuzz/fuzz-NAME as a TAP
# test ('make check'), or for a while ('make fuzz', FUZZ_MODE=long).
#
# NAME.fuzz holds the target's options as shell assignments: RUNS (inputs
# 'make check' tries after the corpus; default 10000), MAX_LEN (bytes,
# default 4096), TIMEOUT (seconds per input, default 10), MAX_TIME (cap on
# the 'make check' run in seconds, default 120).
#
# make check:
#   1. every file in tests/fuzz/corpus/NAME/ once: the regression corpus
#      (real messages captured from the test harness, and every input
#      that ever crashed a target);
#   2. RUNS inputs mutated from it, seed 1, so that the run is the same
#      every time; its new inputs go to a scratch directory (the source
#      tree is never written).
# make fuzz: FUZZ_SECONDS (default 60) with a random seed; new inputs are
#   kept in $top_builddir/tests/fuzz/work/NAME for the next run.
# A crash, leak, timeout or sanitizer report fails the test.  The input
# is kept in $top_builddir/tests/fuzz/artifacts/NAME/, and the log says
# how to reproduce it and turn it into a regression test.
. "${top_srcdir:?}/tests/lib.sh"

spec=$1
name=$(basename "$spec" .fuzz)
RUNS=10000
MAX_LEN=4096
TIMEOUT=10
MAX_TIME=120
# shellcheck disable=SC1090
. "$spec"
bin=$top_builddir/tests/fuzz/fuzz-$name
corpus=$top_srcdir/tests/fuzz/corpus/$name
artifacts=$top_builddir/tests/fuzz/artifacts/$name

require "test -x $bin" "tests/fuzz/fuzz-$name (./configure --enable-fuzzing)"
scratch
mkdir -p "$artifacts"

# report STATUS LOG WHAT: one test point, with the evidence on failure.
report() {
    tap_ok "$1" "$3"
    tail -3 "$2" | sed 's/^/#   /'
    if [ "$1" -ne 0 ]; then
        grep -A25 -E '==ERROR|SUMMARY|deadly|Test unit written' "$2" \
            | head -60 | sed 's/^/#   /'
        for a in "$artifacts"/*; do
            [ -f "$a" ] || continue
            tap_diag "reproduce: tests/fuzz/fuzz-$name $a" \
                "then fix it, copy the input into tests/fuzz/corpus/$name/" \
                "(crash-DESCRIPTION) and say in tests/fuzz/README what it was"
        done
    fi
}

common="-max_len=$MAX_LEN -timeout=$TIMEOUT -rss_limit_mb=2048"
common="$common -artifact_prefix=$artifacts/ -print_final_stats=0"

if [ "${FUZZ_MODE:-check}" = long ]; then
    work=$top_builddir/tests/fuzz/work/$name
    mkdir -p "$work"
    # shellcheck disable=SC2086
    "$bin" "$work" "$corpus" $common -max_total_time="${FUZZ_SECONDS:-60}" \
        >"$SCRATCH/fuzz.log" 2>&1
    report $? "$SCRATCH/fuzz.log" \
        "$name: fuzzed for ${FUZZ_SECONDS:-60} s from $(ls "$corpus" | wc -l) corpus inputs (new inputs in $work)"
    tap_done
    exit
fi

n=$(ls "$corpus" 2>/dev/null | wc -l)
# shellcheck disable=SC2086
"$bin" -runs=0 $common "$corpus" >"$SCRATCH/replay.log" 2>&1
report $? "$SCRATCH/replay.log" "$name: the $n corpus inputs run clean"

mkdir "$SCRATCH/corpus"
cp "$corpus"/* "$SCRATCH/corpus/" 2>/dev/null
# shellcheck disable=SC2086
"$bin" "$SCRATCH/corpus" -runs="$RUNS" -seed=1 -max_total_time="$MAX_TIME" \
    $common >"$SCRATCH/fuzz.log" 2>&1
report $? "$SCRATCH/fuzz.log" \
    "$name: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$SCRATCH/fuzz.log" || echo 'no run completed'), no crash, leak or sanitizer report"
tap_done
