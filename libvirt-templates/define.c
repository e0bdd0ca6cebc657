/* define.c: virDomainDefineXML through a libvirt loaded at run time. */
#include <config.h>

#include "libvirt-templates/define.h"

#if defined(__has_include) && __has_include(<libvirt/libvirt.h>)
#define HAVE_LIBVIRT_API 1
#include <dlfcn.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#endif

#ifdef HAVE_LIBVIRT_API
/* The few entry points used, with the header's own prototypes. */
struct libvirt_api {
    __typeof__(virConnectOpen) *connect_open;
    __typeof__(virConnectClose) *connect_close;
    __typeof__(virDomainDefineXML) *define_xml;
    __typeof__(virDomainGetName) *get_name;
    __typeof__(virDomainFree) *domain_free;
    __typeof__(virGetLastErrorMessage) *last_error;
    __typeof__(virSetErrorFunc) *set_error_func;
};

/* libvirt prints every error to stderr by default; nfvhost reports the
 * one that matters itself, with the flag and URI, so once is enough. */
static void
ignore_error(void *data, virErrorPtr error)
{
    (void) data;
    (void) error;
}

static void *
load(struct libvirt_api *api, struct diag *d)
{
    void *h = dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL);

    if (!h) {
        diag_error(d, NFV_ESYSTEM, "--define: cannot load libvirt: %s "
                   "(install libvirt0)", dlerror());
        return NULL;
    }
    *(void **) &api->connect_open = dlsym(h, "virConnectOpen");
    *(void **) &api->connect_close = dlsym(h, "virConnectClose");
    *(void **) &api->define_xml = dlsym(h, "virDomainDefineXML");
    *(void **) &api->get_name = dlsym(h, "virDomainGetName");
    *(void **) &api->domain_free = dlsym(h, "virDomainFree");
    *(void **) &api->last_error = dlsym(h, "virGetLastErrorMessage");
    *(void **) &api->set_error_func = dlsym(h, "virSetErrorFunc");
    if (!api->connect_open || !api->connect_close || !api->define_xml
        || !api->get_name || !api->domain_free || !api->last_error
        || !api->set_error_func) {
        diag_error(d, NFV_ESYSTEM, "--define: libvirt.so.0 lacks "
                   "virDomainDefineXML and friends");
        dlclose(h);
        return NULL;
    }
    return h;
}

bool
domain_define_available(void)
{
    return true;
}

int
domain_define(const char *uri, const char *xml, struct diag *d)
{
    struct libvirt_api api;
    void *h = load(&api, d);
    virConnectPtr conn;
    virDomainPtr dom;
    int error = 0;

    if (!h) {
        return d->status;
    }
    api.set_error_func(NULL, ignore_error);
    conn = api.connect_open(uri);
    if (!conn) {
        error = diag_error(d, NFV_ESYSTEM, "--define: cannot connect to %s: "
                           "%s", uri ? uri : "libvirt's default URI",
                           api.last_error());
    } else {
        dom = api.define_xml(conn, xml);
        if (!dom) {
            error = diag_error(d, NFV_ESYSTEM, "--define: libvirt refused "
                               "the domain: %s", api.last_error());
        } else {
            api.domain_free(dom);
        }
        api.connect_close(conn);
    }
    dlclose(h);
    return error;
}
#else
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
    return diag_error(d, NFV_ESYSTEM, "--define: this nfvhost was built "
                      "without libvirt's headers (libvirt-dev); write the "
                      "XML and run 'virsh define' instead");
}
#endif
