#!/bin/sh
# planner-doc-example.sh: the home-lab example of docs/planner.md ("Example")
# is what the planner prints today.  The page shows the command and its
# whole output; this runs the command as the page shows it, from a
# directory where examples/ is the tree's, and compares every line.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
DOC=$top_srcdir/docs/planner.md

# The block: the line '$ nfvhost plan --topology examples/homelab/...',
# its continuation lines (ending in '\'), then the output up to the fence.
awk '/^\$ nfvhost plan --topology examples\/homelab\// { s = 1 }
     s && /^```/ { exit }
     s { print }' "$DOC" > "$SCRATCH/block"
cmd=$(awk '{ print } !/\\$/ { exit }' "$SCRATCH/block" | sed 's/^\$ //; s/\\$//' | tr -d '\n')
n_cmd=$(awk '{ n++ } !/\\$/ { print n; exit }' "$SCRATCH/block")
tail -n "+$((n_cmd + 1))" "$SCRATCH/block" > "$SCRATCH/doc.out"
tap_ok "$([ -n "$cmd" ] && [ -s "$SCRATCH/doc.out" ]; echo $?)" \
    "docs/planner.md has the home-lab example: $cmd"

cd "$SCRATCH" && ln -s "$top_srcdir/examples" examples
# shellcheck disable=SC2086
set -- $cmd
shift
"$NFVHOST" "$@" > "$SCRATCH/real.out" 2>&1
tap_ok $? "the example's command exits 0"
diff -u "$SCRATCH/doc.out" "$SCRATCH/real.out" > "$SCRATCH/diff"
tap_ok $? "docs/planner.md shows the output the planner prints ($(wc -l < "$SCRATCH/doc.out") lines)"
sed 's/^/#   /' "$SCRATCH/diff"
tap_done
