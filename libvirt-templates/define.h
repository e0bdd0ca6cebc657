/* define.h: 'nfvhost vm ... --define': hand a domain to libvirt.
 *
 * Uses libvirt's C API (virConnectOpen, virDomainDefineXML), linked at
 * build time: configure --with-libvirt (the default when libvirt-dev is
 * installed) defines HAVE_LIBVIRT.  A build without it still writes and
 * checks XML; --define then fails with DEFINE_NO_LIBVIRT (exit 2). */
#ifndef NFV_DEFINE_H
#define NFV_DEFINE_H 1

#include <stdbool.h>

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

#endif /* libvirt-templates/define.h */
