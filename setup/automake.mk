# setup: 'nfvhost setup', the home-lab wizard.  Its logic (questions,
# answers, planning, the intent it writes) is separate from its two faces:
# tui.c (full screen, newt) and plain.c (line by line, --answers).
libnfvhost_a_SOURCES += \
	setup/questions.c setup/questions.h \
	setup/wizard.c setup/wizard.h \
	setup/machine.c \
	setup/intent-file.c \
	setup/kept.c setup/kept.h \
	setup/disk.c \
	setup/answers.c setup/answers.h \
	setup/plain.c setup/plain.h \
	setup/tui.c setup/tui.h

# Its tests: in a real terminal (tmux), line by line, and with every
# answer from a file; the --intent keys it does not ask, kept.
TESTS += tests/setup-tui.sh tests/setup-plain.sh tests/setup-answers.sh \
	tests/setup-keep.sh
EXTRA_DIST += tests/setup-lib.sh tests/setup-tui.sh tests/setup-plain.sh \
	tests/setup-answers.sh tests/setup-keep.sh
