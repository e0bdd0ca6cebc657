/* define.h: 'nfvhost vm ... --define': hand a domain to libvirt.
 *
 * Uses libvirt's C API (virConnectOpen, virDomainDefineXML), linked at
 * build time: configure --with-libvirt (the default when libvirt-dev is
 * installed) defines HAVE_LIBVIRT.  A build without it still writes and
 * checks XML; --define then fails with DEFINE_NO_LIBVIRT (exit 2). */
#ifndef NFV_DEFINE_H
#define NFV_DEFINE_H 1

#include <stdbool.h>
#include <hwloc.h>

#include "lib/diag.h"

/* The message of every libvirt feature in a build without libvirt. */
#define DEFINE_NO_LIBVIRT "this nfvhost was built without libvirt " \
    "(configure --with-libvirt, with libvirt-dev installed)"

/* Whether this build can talk to libvirt at all. */
bool domain_define_available(void);

/* Stops libvirt from printing its errors to stderr itself: nfvhost
 * reports them with the flag and URI.  No-op without libvirt. */
void libvirt_quiet(void);

/* Defines 'xml' on 'uri' (NULL: libvirt's default).  On success prints
 * nothing and returns 0; NFV_ESYSTEM with libvirt's message otherwise,
 * NFV_EINPUT in a build without libvirt. */
int domain_define(const char *uri, const char *xml, struct diag *);

/* One connection for several calls ('nfvhost apply' looks each planned
 * domain up, then defines or redefines it).  It also keeps libvirt's test
 * driver (test:///default) state alive while it is open: that state lives
 * only as long as some connection to it. */
struct virt_conn;
#define VIRT_UUID_LEN 37        /* VIR_UUID_STRING_BUFLEN */
#define VIRT_NOT_FOUND (-1)

/* NULL with diag set (NFV_ESYSTEM; NFV_EINPUT without libvirt). */
struct virt_conn *virt_open(const char *uri, struct diag *);
void virt_close(struct virt_conn *);
/* Domain 'name': 0 with its XML (caller frees) and UUID, VIRT_NOT_FOUND,
 * or NFV_ESYSTEM. */
int virt_lookup(struct virt_conn *, const char *name, char **xml,
                char uuid[VIRT_UUID_LEN], struct diag *);
/* Defines (or redefines) 'xml'; 0 with the domain's UUID. */
int virt_define(struct virt_conn *, const char *xml,
                char uuid[VIRT_UUID_LEN], struct diag *);

/* Re-pins running domain 'name' in place (a plan's "changes", rule 16):
 * vCPU i to PU vcpupin[i] (virDomainPinVcpuFlags) and its emulator
 * threads to 'emulatorpin' (virDomainPinEmulator; NULL or empty: left
 * alone), with VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, so the
 * running guest and its next start agree.  A driver that refuses the two
 * together (libvirt's test driver) gets them one at a time, and one that
 * takes neither flag (the test driver's vCPU pinning) the current state
 * only; *how says which ("live and config", "live, then config",
 * "current").  *pins is what libvirt reports afterwards
 * (virDomainGetVcpuPinInfo, virDomainGetEmulatorPinInfo), "4,10;
 * emulator 1,7", for the caller to compare.  Returns 0, VIRT_NOT_FOUND,
 * VIRT_NOT_RUNNING, or NFV_ESYSTEM with libvirt's message. */
#define VIRT_NOT_RUNNING (-2)
int virt_repin(struct virt_conn *, const char *name, const int *vcpupin,
               int n_vcpus, hwloc_const_bitmap_t emulatorpin,
               const char **how, char **pins, struct diag *);

#endif /* libvirt-templates/define.h */
