# tests/e2e: real guests under a real libvirtd, end to end (docs/e2e.md).
# The guest (Debian's cloud kernel and a busybox initramfs) is built at test
# time by build-guest.sh and cached in tests/e2e-cache/ of the build tree.
TESTS += tests/e2e-guests.sh
EXTRA_DIST += tests/e2e-guests.sh tests/e2e-libvirtd.sh \
	tests/e2e/build-guest.sh tests/e2e/init tests/e2e/udp-burst.c \
	tests/e2e/vlan-host.py tests/e2e/lib.sh docs/e2e.md

# The cached kernel survives 'make clean' (it is a download); distclean
# removes it.
distclean-local: e2e-distclean-local
e2e-distclean-local:
	rm -rf tests/e2e-cache tests/e2e-cache.log
.PHONY: e2e-distclean-local
