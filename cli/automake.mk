# cli: the nfvhost binary, one file per subcommand.
bin_PROGRAMS += nfvhost
nfvhost_SOURCES = \
	cli/main.c cli/commands.h \
	cli/opts.c cli/opts.h \
	cli/cmd-plan.c \
	cli/cmd-setup.c \
	cli/cmd-apply.c
nfvhost_LDADD = $(NFV_LIBS)
