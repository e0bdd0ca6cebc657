# setup-lib.sh: drive 'nfvhost setup' in a real terminal: a private tmux
# server (its own socket, no user config) runs the wizard in an 80x24
# window; tests type with send-keys and read the screen with capture-pane.
# Source it after tests/lib.sh and scratch.
SOCK="nfvhost-setup-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }


# tui_start NAME ARGS...: runs 'nfvhost setup ARGS' in $SCRATCH in a new
# 80x24 window, on a tmux server of its own (one that is still exiting
# refuses new sessions); its pid lands in $SCRATCH/NAME.pid (a shell that writes
# its own pid, then execs nfvhost in the foreground) and its exit status
# in $SCRATCH/NAME.exit.  $TUI_PRE, when set, is run by that shell first
# (e.g. 'trap "" HUP;': the wizard starts with SIGHUP ignored, as nohup
# would start it).
tui_start() {
    _name=$1
    shift
    rm -f "$SCRATCH/$_name.exit" "$SCRATCH/$_name.pid"
    tui_stop
    SOCK="nfvhost-setup-$$-$_name"
    TM new-session -d -s w -x 80 -y 24 \
        "cd '$SCRATCH' && sh -c '${TUI_PRE:-} echo \$\$ > $_name.pid; exec \"\$0\" setup \"\$@\"' '$NFVHOST' $*; echo \$? > '$SCRATCH/$_name.exit'; sleep 600"
    TM set-option -g window-size manual 2> /dev/null
    TUI_NAME=$_name
}

# running PID: PID is a process that has not exited (a zombie has: it
# waits for a parent that may be gone, to be reaped by init in its time).
running() {
    [ -r "/proc/$1/stat" ] || return 1
    _st=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2> /dev/null)
    [ -n "$_st" ] && [ "$_st" != Z ]
}

# gone PID: true once PID has exited (5 s at most).
gone() {
    _i=0
    while running "$1" && [ $_i -lt 50 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
    ! running "$1"
}

# left_running: the pids of this test's wizards and tmux panes still
# running (an nfvhost or a pane's sleep whose working directory is
# $SCRATCH, where tui_start and the plain runs start them), one a line.
# Every test ends by checking that it is empty: each stops what it started.
left_running() {
    _here=$(cd "$SCRATCH" && pwd -P)
    for _d in /proc/[0-9]*; do
        _p=${_d#/proc/}
        [ "$_p" != $$ ] || continue
        case "$(cat "$_d/comm" 2> /dev/null)" in
        nfvhost|sleep) ;;
        *) continue ;;
        esac
        [ "$(readlink "$_d/cwd" 2> /dev/null)" = "$_here" ] || continue
        running "$_p" && echo "$_p"
    done
}

# tui_stop: ends what tui_start started, by pid: the wizard (if still
# running), then the tmux server.
tui_stop() {
    if [ -n "${TUI_NAME:-}" ] && [ -s "$SCRATCH/$TUI_NAME.pid" ]; then
        _p=$(cat "$SCRATCH/$TUI_NAME.pid")
        kill -TERM "$_p" 2> /dev/null
        gone "$_p" || kill -KILL "$_p" 2> /dev/null
    fi
    _srv=$(TM display-message -p '#{pid}' 2> /dev/null)
    TM kill-server 2> /dev/null
    if [ -n "$_srv" ]; then
        gone "$_srv" || kill -KILL "$_srv" 2> /dev/null
    fi
}

screen() { TM capture-pane -p -t w; }

# wait_for TEXT: until the screen shows TEXT (10 s); fails with the screen
# as TAP comments otherwise.
wait_for() {
    _i=0
    while [ $_i -lt 100 ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    tap_diag "screen never showed: $1"
    screen | sed 's/^/#   /'
    return 1
}

# keys KEY...: types, as tmux send-keys names them (Enter, Tab, C-c, "text").
keys() { TM send-keys -t w "$@"; }

# wait_exit: the wizard's exit status, once it has exited (10 s).
wait_exit() {
    _i=0
    while [ $_i -lt 100 ] && [ ! -s "$SCRATCH/$TUI_NAME.exit" ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
    cat "$SCRATCH/$TUI_NAME.exit" 2> /dev/null || echo "still running"
}

# boxed: every line of the screen's window box ends with its right border,
# so nothing ran past it (newt loses the border when a line does).
boxed() {
    screen | sed -n '3,21p' | grep -v '│ *$' | grep -q . && return 1
    return 0
}
