/* define.c: virDomainDefineXML (see define.h). */
#include <config.h>

#include "libvirt-templates/define.h"

#ifdef HAVE_LIBVIRT
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* libvirt prints every error to stderr by default; nfvhost reports the
 * one that matters itself, with the flag and URI, so once is enough. */
static void
ignore_error(void *data, virErrorPtr error)
{
    (void) data;
    (void) error;
}

void
libvirt_quiet(void)
{
    virSetErrorFunc(NULL, ignore_error);
}

bool
domain_define_available(void)
{
    return true;
}

int
domain_define(const char *uri, const char *xml, struct diag *d)
{
    virConnectPtr conn;
    virDomainPtr dom;
    int error = 0;

    libvirt_quiet();
    conn = virConnectOpen(uri);
    if (!conn) {
        return diag_error(d, NFV_ESYSTEM, "--define: cannot connect to %s: "
                          "%s", uri ? uri : "libvirt's default URI",
                          virGetLastErrorMessage());
    }
    dom = virDomainDefineXML(conn, xml);
    if (!dom) {
        error = diag_error(d, NFV_ESYSTEM, "--define: libvirt refused the "
                           "domain: %s", virGetLastErrorMessage());
    } else {
        virDomainFree(dom);
    }
    virConnectClose(conn);
    return error;
}
#else
void
libvirt_quiet(void)
{
}

bool
domain_define_available(void)
{
    return false;
}

int
domain_define(const char *uri, const char *xml, struct diag *d)
{
    (void) uri;
    (void) xml;
    return diag_error(d, NFV_EINPUT, "--define: %s; write the XML and run "
                      "'virsh define' instead", DEFINE_NO_LIBVIRT);
}
#endif
