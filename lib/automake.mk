# lib: what every part uses (diagnostics, checked allocation and strings,
# atomic output, the typed plan.json reader).  lib/ includes nothing
# outside itself (git grep -n '#include "' -- lib).
libnfvhost_a_SOURCES += \
	lib/diag.c lib/diag.h \
	lib/util.c lib/util.h \
	lib/output.c lib/output.h \
	lib/plan-file.c lib/plan-file.h \
	lib/plan-file-read.c lib/plan-file-check.c lib/plan-file-schema.h \
	lib/jread.c lib/jread.h \
	lib/jwrite.c lib/jwrite.h \
	lib/parse.c lib/parse.h \
	lib/sysfs.c lib/sysfs.h \
	lib/pci.c lib/pci.h \
	lib/vfinfo.c lib/vfinfo.h \
	lib/netdev.c lib/netdev.h \
	lib/grub.c lib/grub.h \
	lib/changes.c lib/changes.h \
	lib/exec.c lib/exec.h
