/* define.h: 'nfvhost vm ... --define': hand a domain to libvirt.
 *
 * Uses libvirt's C API (virConnectOpen, virDomainDefineXML).  The library
 * is optional: nfvhost is built against <libvirt/libvirt.h> when it is
 * there and loads libvirt.so.0 only when --define is asked for, so hosts
 * that only generate XML need no libvirt at all. */
#ifndef NFV_DEFINE_H
#define NFV_DEFINE_H 1

#include <stdbool.h>

#include "lib/diag.h"

/* Whether this build can define domains at all. */
bool domain_define_available(void);

/* Defines 'xml' on 'uri' (NULL: libvirt's default).  On success prints
 * nothing and returns 0; NFV_ESYSTEM with libvirt's message otherwise. */
int domain_define(const char *uri, const char *xml, struct diag *);

#endif /* libvirt-templates/define.h */
