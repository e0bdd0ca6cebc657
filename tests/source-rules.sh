#!/bin/sh
# source-rules.sh: the rules every C file follows for the build to be what
# configure says: <config.h> is the first include of every .c file (it
# carries AC_USE_SYSTEM_EXTENSIONS' _GNU_SOURCE, which must come before any
# system header), no header includes it, and no Makefile defines
# _GNU_SOURCE by hand.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
cd "$top_srcdir"

# tests/e2e/ holds programs for the test guest, built static by
# tests/e2e/build-guest.sh outside configure: they have no config.h.
c_files=$(find . -name '*.c' ! -path '*/_*' ! -path './nfvhost-[0-9]*' ! -path './tests/e2e/*' | sort)
n=$(echo "$c_files" | grep -c .)
[ "$n" -gt 50 ]
tap_ok $? "found the C files ($n)"
bad=$(for f in $c_files; do
    first=$(grep -m 1 '^#include' "$f")
    [ "$first" = "#include <config.h>" ] || echo "$f: $first"
done)
tap_is "$bad" "" "every .c file includes <config.h> first"
bad=$(find . -name '*.h' ! -path '*/_*' ! -path './nfvhost-[0-9]*' -exec grep -l 'include <config.h>' {} + 2>/dev/null)
tap_is "$bad" "" "no header includes <config.h>"
bad=$(grep -l -e '-D_GNU_SOURCE' Makefile.am */automake.mk */*/automake.mk 2>/dev/null)
tap_is "$bad" "" "no -D_GNU_SOURCE in Makefile.am or an automake.mk"
grep -q '^AC_USE_SYSTEM_EXTENSIONS' configure.ac
tap_ok $? "configure.ac has AC_USE_SYSTEM_EXTENSIONS"
tap_done
