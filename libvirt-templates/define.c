/* define.c: virDomainDefineXML (see define.h). */
#include <config.h>

#include "libvirt-templates/define.h"

#include <stdlib.h>

#include "lib/util.h"

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
struct virt_conn {
    virConnectPtr conn;
    char *uri;
};

struct virt_conn *
virt_open(const char *uri, struct diag *d)
{
    struct virt_conn *c;
    virConnectPtr conn;

    libvirt_quiet();
    conn = virConnectOpen(uri);
    if (!conn) {
        diag_error(d, NFV_ESYSTEM, "cannot connect to libvirt at %s: %s",
                   uri ? uri : "its default URI", virGetLastErrorMessage());
        return NULL;
    }
    c = xmalloc(sizeof *c);
    c->conn = conn;
    c->uri = xstrdup(uri ? uri : "libvirt's default URI");
    return c;
}

void
virt_close(struct virt_conn *c)
{
    if (c) {
        virConnectClose(c->conn);
        free(c->uri);
        free(c);
    }
}

int
virt_lookup(struct virt_conn *c, const char *name, char **xml,
            char uuid[VIRT_UUID_LEN], struct diag *d)
{
    virDomainPtr dom = virDomainLookupByName(c->conn, name);
    char *desc;

    *xml = NULL;
    if (!dom) {
        if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN) {
            return VIRT_NOT_FOUND;
        }
        return diag_error(d, NFV_ESYSTEM, "%s: cannot look up domain %s: %s",
                          c->uri, name, virGetLastErrorMessage());
    }
    desc = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    if (!desc || virDomainGetUUIDString(dom, uuid) < 0) {
        free(desc);
        virDomainFree(dom);
        return diag_error(d, NFV_ESYSTEM, "%s: cannot read domain %s: %s",
                          c->uri, name, virGetLastErrorMessage());
    }
    *xml = xstrdup(desc);
    free(desc);
    virDomainFree(dom);
    return 0;
}

int
virt_define(struct virt_conn *c, const char *xml, char uuid[VIRT_UUID_LEN],
            struct diag *d)
{
    virDomainPtr dom = virDomainDefineXML(c->conn, xml);
    int error = 0;

    if (!dom) {
        return diag_error(d, NFV_ESYSTEM, "%s: libvirt refused the domain: "
                          "%s", c->uri, virGetLastErrorMessage());
    }
    if (virDomainGetUUIDString(dom, uuid) < 0) {
        error = diag_error(d, NFV_ESYSTEM, "%s: no UUID for the domain: %s",
                           c->uri, virGetLastErrorMessage());
    }
    virDomainFree(dom);
    return error;
}

#else
struct virt_conn *
virt_open(const char *uri, struct diag *d)
{
    (void) uri;
    diag_error(d, NFV_EINPUT, "libvirt: %s", DEFINE_NO_LIBVIRT);
    return NULL;
}

void
virt_close(struct virt_conn *c)
{
    (void) c;
}

int
virt_lookup(struct virt_conn *c, const char *name, char **xml,
            char uuid[VIRT_UUID_LEN], struct diag *d)
{
    (void) c;
    (void) name;
    (void) uuid;
    *xml = NULL;
    return diag_error(d, NFV_EINPUT, "libvirt: %s", DEFINE_NO_LIBVIRT);
}

int
virt_define(struct virt_conn *c, const char *xml, char uuid[VIRT_UUID_LEN],
            struct diag *d)
{
    (void) c;
    (void) xml;
    (void) uuid;
    return diag_error(d, NFV_EINPUT, "libvirt: %s", DEFINE_NO_LIBVIRT);
}

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
