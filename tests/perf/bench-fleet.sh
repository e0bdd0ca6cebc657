#!/bin/sh
# bench-fleet.sh: 'nfvhost fleet plan' speed and memory (docs/fleet.md,
# "Speed").  Run from a built tree:
#     sh tests/perf/bench-fleet.sh [HOSTS...]      (default: 100 1000 10000)
# For each size it makes a fleet directory of that many hosts, named
# nodeNNNNN-TOPOLOGY, cycling over every topology of tests/topologies and
# the home-lab box (symbolic links: the same XML read again under another
# name), with the home-lab hosts in a group of their own (the home-lab
# intent, which names their X710 uplink; every other host gets the
# defaults).  It then plans the fleet with -j 1 and -j 2, alternating,
# ROUNDS times each (default 3), and prints per run the wall time, hosts
# per second, CPU time (user + system) and peak resident memory (GNU
# time's %M), and the medians.  The load average is printed before each
# size: other work on the machine shows in the wall times.
# A benchmark, not a test: it asserts nothing.
set -e
cd "$(dirname "$0")/../.."
make -s nfvhost
ROUNDS=${ROUNDS:-3}
SIZES=${*:-100 1000 10000}
TIME=/usr/bin/time
[ -x $TIME ] || { echo "bench-fleet: needs GNU time ($TIME)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
topos=$(ls "$PWD"/tests/topologies/*.xml "$PWD"/examples/homelab/topology.xml)
cat > "$work/groups.ini" <<EOT
[group *-homelab]
intent = $PWD/examples/homelab/intent.ini
EOT

make_fleet() { # make_fleet N DIR
    mkdir -p "$2"
    i=0
    while [ $i -lt "$1" ]; do
        for t in $topos; do
            [ $i -lt "$1" ] || break
            name=$(basename "$t" .xml)
            [ "$name" = topology ] && name=homelab
            ln -s "$t" "$2/$(printf 'node%05d' $i)-$name.xml"
            i=$((i + 1))
        done
    done
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "nfvhost fleet plan: $(nproc) CPU(s), $(uname -r), rounds: $ROUNDS"
for n in $SIZES; do
    make_fleet "$n" "$work/hosts-$n"
    echo "load average before $n hosts: $(cut -d' ' -f1-3 /proc/loadavg)"
    for r in $(seq "$ROUNDS"); do
        for j in 1 2; do
            # A new output directory each run: deleting the previous
            # one is slow here (ext4 mounted with 'discard') and is not
            # what is measured.  Exit status 3 (some hosts infeasible) is
            # part of the fleet.
            $TIME -f "%e %M %U %S" -o "$work/time" ./nfvhost fleet plan \
                --hosts "$work/hosts-$n" --groups "$work/groups.ini" \
                --output "$work/out-$n-$j-$r" -j $j > /dev/null 2>&1 || [ $? -eq 3 ]
            read -r wall rss user sys <<EOT
$(tail -n 1 "$work/time")
EOT
            cpu=$(echo "$user $sys" | awk '{ printf "%.2f", $1 + $2 }')
            echo "$wall $rss $cpu" >> "$work/runs-$n-$j"
            echo "  $n hosts, -j $j, round $r: $wall s wall, $cpu s CPU, $(echo "$n $wall" | awk '{ printf "%.0f", $1 / $2 }') hosts/s, $((rss / 1024)) MiB peak RSS"
        done
    done
    for j in 1 2; do
        wall=$(cut -d' ' -f1 "$work/runs-$n-$j" | median)
        rss=$(cut -d' ' -f2 "$work/runs-$n-$j" | median)
        cpu=$(cut -d' ' -f3 "$work/runs-$n-$j" | median)
        echo "$n hosts, -j $j: median $wall s wall, $cpu s CPU, $(echo "$n $wall" | awk '{ printf "%.0f", $1 / $2 }') hosts/s, $((rss / 1024)) MiB peak RSS"
    done
    if [ "$n" = "$(echo $SIZES | tr ' ' '\n' | tail -n 1)" ]; then
        # Planning again into the last output: the old directory is
        # swapped out and deleted by nfvhost, and that is measured.
        $TIME -f "%e %M %U %S" -o "$work/time" ./nfvhost fleet plan \
            --hosts "$work/hosts-$n" --groups "$work/groups.ini" \
            --output "$work/out-$n-2-$ROUNDS" -j 2 > /dev/null 2>&1 || [ $? -eq 3 ]
        read -r wall rss user sys <<EOT
$(tail -n 1 "$work/time")
EOT
        echo "$n hosts, -j 2, replacing an earlier output directory: $wall s wall, $(echo "$user $sys" | awk '{ printf "%.2f", $1 + $2 }') s CPU, $((rss / 1024)) MiB peak RSS"
    fi
    rm -rf "$work/hosts-$n" "$work"/out-*
done
