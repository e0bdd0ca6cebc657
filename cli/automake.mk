# cli: the nfvhost binary, one file per subcommand.
bin_PROGRAMS += nfvhost
nfvhost_SOURCES = \
	cli/main.c cli/commands.h \
	cli/opts.c cli/opts.h \
	cli/cmd-plan.c \
	cli/cmd-setup.c \
	cli/cmd-apply.c
nfvhost_LDADD = $(NFV_LIBS)

# Bash completion: subcommands, verbs, options, file names for --plan,
# --intent, --topology.  tests/completion.sh checks its option lists
# against the option tables of cli/cmd-*.c.
dist_bashcompletion_DATA = cli/bash-completion/nfvhost
TESTS += tests/completion.sh
EXTRA_DIST += tests/completion.sh
