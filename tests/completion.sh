#!/bin/bash
# completion.sh: the bash completion (cli/bash-completion/nfvhost) against
# the command it completes: its option lists are the option tables of
# cli/cmd-*.c (names, and which take a value), its subcommands and verbs
# are those 'nfvhost --help' and 'nfvhost SUB --help' show, and TAB gives
# what a user expects (verbs, options after skipping option values, *.json
# for --plan, *.ini for --intent, *.xml for --topology).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
scratch
COMPLETION=$top_srcdir/cli/bash-completion/nfvhost
. "$COMPLETION"

# The option tables of one source file, as "TABLE --name[:]" lines:
# cli_opts tables ({ "name", true|false, ... }), the COMMON_OPTS macro and
# getopt_long tables ({ "name", required_argument|no_argument, ... }).
tables() { # tables FILE
    awk '
        /struct (cli_opt|option) [a-z_]*\[\] =/ {
            t = $0; sub(/\[\].*/, "", t); sub(/.* /, "", t) }
        /^#define [A-Z_]*_OPTS/ { t = $2 }
        match($0, /\{ "[a-z0-9-]+", (true|false|required_argument|no_argument),/) {
            s = substr($0, RSTART, RLENGTH)
            split(s, f, "\"")
            v = (s ~ /true|required_argument/) ? ":" : ""
            print t " --" f[2] v
        }' "$1"
}

# The words given, sorted, on one line ("" for none).
set_of() {
    [ $# -eq 0 ] || printf '%s\n' "$@" | sort | tr '\n' ' '
}

# Each table is one list of the completion: options/longopts/COMMON_OPTS of
# cmd-SUB.c are _nfvhost_opts_SUB, VERB_options are _nfvhost_opts_SUB_VERB.
n_tables=0
for src in "$top_srcdir"/cli/cmd-*.c; do
    sub=$(basename "$src" .c)
    sub=${sub#cmd-}
    for table in $(tables "$src" | cut -d' ' -f1 | sort -u); do
        case $table in
        options | longopts | COMMON_OPTS) var=_nfvhost_opts_$sub ;;
        *_options) var=_nfvhost_opts_${sub}_${table%_options} ;;
        *) tap_ok 1 "$src: a table the test does not know: $table"; continue ;;
        esac
        want=$(tables "$src" | awk -v t="$table" '$1 == t { print $2 }' | sort | tr '\n' ' ')
        got=$(set_of ${!var-})
        tap_is "$got" "$want" "$var is cli/cmd-$sub.c's $table"
        n_tables=$((n_tables + 1))
    done
done
[ "$n_tables" -ge 10 ]
tap_ok $? "found the option tables ($n_tables)"

# Subcommands and verbs: the usage lines of --help.
commands=$("$NFVHOST" --help | sed -n 's/^  \([a-z]*\) .*/\1/p' | sort | tr '\n' ' ')
tap_is "$(set_of $_nfvhost_commands)" "$commands" \
    "the subcommands are those of 'nfvhost --help'"
verbs() { # verbs SUB [VERB]: the words after 'nfvhost SUB [VERB]' in usage
    "$NFVHOST" "$1" --help | sed -n "s/^\(Usage:\)\{0,1\} *nfvhost $1 ${2:+$2 }\([a-z|]*\)\( .*\)\{0,1\}$/\2/p" \
        | tr '|' '\n' | grep . | sort -u | tr '\n' ' '
}
for sub in $_nfvhost_commands; do
    var=_nfvhost_verbs_$sub
    tap_is "$(set_of ${!var-})" "$(verbs "$sub")" \
        "the verbs of '$sub' are those of its --help"
done
tap_is "$(set_of $_nfvhost_verbs_ovs_port)" \
    "$(verbs ovs port)" "the verbs of 'ovs port' are those of its --help"

# What TAB gives, in a directory with one file of each kind.
cd "$SCRATCH"
mkdir dir
touch plan.json intent.ini host.xml notes.txt
tab() { # tab WORD...: the completions of the last word
    COMP_WORDS=(nfvhost "$@")
    COMP_CWORD=$#
    COMPREPLY=()
    _nfvhost
    set_of "${COMPREPLY[@]}"
}
tap_is "$(tab '')" "$(set_of $_nfvhost_commands --help --version)" \
    "nfvhost TAB: the subcommands"
tap_is "$(tab pl)" "plan " "nfvhost pl TAB: plan"
tap_is "$(tab plan --to)" "--topology " "plan --to TAB: --topology"
tap_is "$(tab plan --topology '')" "dir host.xml " "--topology TAB: *.xml and directories"
tap_is "$(tab plan --intent '')" "dir intent.ini " "--intent TAB: *.ini and directories"
tap_is "$(tab check --plan '')" "dir plan.json " "--plan TAB: *.json and directories"
tap_is "$(tab plan --output '')" "dir " "plan --output TAB: directories"
tap_is "$(tab vm xml --output '')" "dir host.xml intent.ini notes.txt plan.json " \
    "vm xml --output TAB: any file"
tap_is "$(tab ovs '')" "apply port release status " "ovs TAB: its verbs"
tap_is "$(tab ovs port '')" "add del " "ovs port TAB: add, del"
tap_is "$(tab hugepages apply --plan plan.json --no-)" "--no-compact --no-mount " \
    "an option value is skipped: hugepages apply --plan FILE --no- TAB"
tap_is "$(tab vhost bench --tx-)" "--tx-only " "vhost bench --tx- TAB: its own option"
tap_is "$(tab vhost loop --s)" "--server --socket " "vhost loop --s TAB: its own and the common ones"
tap_is "$(tab vhost tap --s)" "--server --socket " "vhost tap --s TAB"
tap_is "$(tab fleet plan --hosts dir --j)" "--jobs --json " "fleet plan --j TAB"
tap_is "$(tab frob --)" "" "an unknown subcommand: nothing"

# Loaded the way bash-completion loads it, by a new shell.
bash -c ". '$COMPLETION'; complete -p nfvhost" > complete.txt
tap_is "$(cat complete.txt)" "complete -F _nfvhost nfvhost" "complete -p nfvhost"

tap_done
