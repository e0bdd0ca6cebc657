#!/bin/sh
# deps.sh: install-deps.sh and debian/control's Build-Depends name the same
# packages: BUILD as they are (build-essential is implied), TEST with the
# <!nocheck> profile, and of PACKAGE, debhelper as debhelper-compat (lintian
# and debootstrap check the package; they do not build it).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# A list of install-deps.sh, sorted, one line.
list() {
    sed -n "/^$1=\"/,/^\"/p" "$top_srcdir/install-deps.sh" | sed '1d;$d' \
        | tr ' ' '\n' | grep . | sort | tr '\n' ' '
}
# The Build-Depends of debian/control: NAME or "NAME <!nocheck>" lines.
build_depends() {
    awk '/^Build-Depends:/ { on = 1; next } on && /^ / { print; next } on { exit }' \
        "$top_srcdir/debian/control" | sed 's/^ *//; s/,$//; s/ *([^)]*)//'
}
bd=$(build_depends)
[ -n "$bd" ]
tap_ok $? "debian/control has Build-Depends"
tap_is "$(echo "$bd" | grep -v '<!nocheck>' | grep -v '^debhelper-compat$' | sort | tr '\n' ' ')" \
    "$(list BUILD | sed 's/build-essential //')" \
    "Build-Depends (without a profile) are install-deps.sh's BUILD"
tap_is "$(echo "$bd" | sed -n 's/ <!nocheck>$//p' | sort | tr '\n' ' ')" "$(list TEST)" \
    "Build-Depends <!nocheck> are install-deps.sh's TEST"
echo "$bd" | grep -qx 'debhelper-compat' && case " $(list PACKAGE)" in *" debhelper "*) true ;; *) false ;; esac
tap_ok $? "debhelper-compat in Build-Depends, debhelper in install-deps.sh's PACKAGE"
tap_is "$(echo "$bd" | grep -v '^debhelper-compat$' | sed 's/ <!nocheck>$//' | sort | uniq -d)" "" \
    "no package twice in Build-Depends"
tap_done
