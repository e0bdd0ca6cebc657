/* define.c: virDomainDefineXML (see define.h). */
#include <config.h>

#include "libvirt-templates/define.h"

#include <stdlib.h>
#include <string.h>

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

/* A cpumap of 'maplen' bytes (VIR_CPU_MAPLEN) holding 'set'. */
static unsigned char *
cpumap_of(hwloc_const_bitmap_t set, int maplen)
{
    unsigned char *map = xcalloc(maplen, 1);
    int cpu;

    hwloc_bitmap_foreach_begin(cpu, set) {
        if (cpu < maplen * 8) {
            VIR_USE_CPU(map, cpu);
        }
    } hwloc_bitmap_foreach_end();
    return map;
}

/* One pinning call with the flags the driver takes (see define.h). */
typedef int pin_fn(virDomainPtr, int vcpu, unsigned char *map, int maplen,
                   unsigned int flags);

static int
pin_vcpu(virDomainPtr dom, int vcpu, unsigned char *map, int maplen,
         unsigned int flags)
{
    return virDomainPinVcpuFlags(dom, vcpu, map, maplen, flags);
}

static int
pin_emulator(virDomainPtr dom, int vcpu, unsigned char *map, int maplen,
             unsigned int flags)
{
    (void) vcpu;
    return virDomainPinEmulator(dom, map, maplen, flags);
}

static int
pin_with_fallback(virDomainPtr dom, pin_fn *fn, int vcpu,
                  unsigned char *map, int maplen, const char **how)
{
    const unsigned int live = VIR_DOMAIN_AFFECT_LIVE;
    const unsigned int config = VIR_DOMAIN_AFFECT_CONFIG;

    if (!fn(dom, vcpu, map, maplen, live | config)) {
        *how = "live and config";
        return 0;
    }
    if (virGetLastErrorCode() != VIR_ERR_INVALID_ARG) {
        return -1;
    }
    if (!fn(dom, vcpu, map, maplen, live)) {
        *how = "live, then config";
        return fn(dom, vcpu, map, maplen, config);
    }
    if (virGetLastErrorCode() != VIR_ERR_INVALID_ARG) {
        return -1;
    }
    *how = "current";
    return fn(dom, vcpu, map, maplen, VIR_DOMAIN_AFFECT_CURRENT);
}

/* "4,10; emulator 1,7" from libvirt's live pinning of 'dom'. */
static char *
read_pins(virDomainPtr dom, int n_vcpus, int maplen)
{
    unsigned char *maps = xcalloc(n_vcpus, maplen);
    hwloc_bitmap_t set = xbitmap();
    struct sbuf b;
    int n = virDomainGetVcpuPinInfo(dom, n_vcpus, maps, maplen,
                                    VIR_DOMAIN_AFFECT_LIVE);

    sbuf_init(&b);
    for (int v = 0; v < n; v++) {
        char *list;
        hwloc_bitmap_zero(set);
        for (int cpu = 0; cpu < maplen * 8; cpu++) {
            if (VIR_CPU_USABLE(maps, maplen, v, cpu)) {
                hwloc_bitmap_set(set, cpu);
            }
        }
        list = cpulist_format(set);
        sbuf_printf(&b, "%s%s", v ? "," : "", list);
        free(list);
    }
    hwloc_bitmap_zero(set);
    memset(maps, 0, maplen);
    if (virDomainGetEmulatorPinInfo(dom, maps, maplen,
                                    VIR_DOMAIN_AFFECT_LIVE) >= 0) {
        char *list;
        for (int cpu = 0; cpu < maplen * 8; cpu++) {
            if (VIR_CPU_USED(maps, cpu)) {
                hwloc_bitmap_set(set, cpu);
            }
        }
        list = cpulist_format(set);
        sbuf_printf(&b, "; emulator %s", list);
        free(list);
    }
    hwloc_bitmap_free(set);
    free(maps);
    return sbuf_steal(&b);
}

int
virt_repin(struct virt_conn *c, const char *name, const int *vcpupin,
           int n_vcpus, hwloc_const_bitmap_t emulatorpin, const char **how,
           char **pins, struct diag *d)
{
    virDomainPtr dom = virDomainLookupByName(c->conn, name);
    hwloc_bitmap_t one = xbitmap();
    int max = emulatorpin ? hwloc_bitmap_last(emulatorpin) : -1;
    int maplen, error = 0;

    *how = "";
    *pins = NULL;
    if (!dom) {
        hwloc_bitmap_free(one);
        if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN) {
            return VIRT_NOT_FOUND;
        }
        return diag_error(d, NFV_ESYSTEM, "%s: cannot look up domain %s: %s",
                          c->uri, name, virGetLastErrorMessage());
    }
    if (virDomainIsActive(dom) != 1) {
        hwloc_bitmap_free(one);
        virDomainFree(dom);
        return VIRT_NOT_RUNNING;
    }
    for (int v = 0; v < n_vcpus; v++) {
        max = vcpupin[v] > max ? vcpupin[v] : max;
    }
    maplen = VIR_CPU_MAPLEN(max + 1);
    for (int v = 0; v < n_vcpus && !error; v++) {
        unsigned char *map;
        hwloc_bitmap_only(one, vcpupin[v]);
        map = cpumap_of(one, maplen);
        if (pin_with_fallback(dom, pin_vcpu, v, map, maplen, how)) {
            error = diag_error(d, NFV_ESYSTEM, "%s: domain %s: cannot pin "
                               "vCPU %d to CPU %d: %s", c->uri, name, v,
                               vcpupin[v], virGetLastErrorMessage());
        }
        free(map);
    }
    if (!error && emulatorpin && !hwloc_bitmap_iszero(emulatorpin)) {
        unsigned char *map = cpumap_of(emulatorpin, maplen);
        const char *emu_how;
        if (pin_with_fallback(dom, pin_emulator, 0, map, maplen, &emu_how)) {
            char *list = cpulist_format(emulatorpin);
            error = diag_error(d, NFV_ESYSTEM, "%s: domain %s: cannot pin "
                               "its emulator threads to %s: %s", c->uri,
                               name, list, virGetLastErrorMessage());
            free(list);
        }
        free(map);
    }
    if (!error) {
        *pins = read_pins(dom, n_vcpus, maplen);
    }
    hwloc_bitmap_free(one);
    virDomainFree(dom);
    return error;
}

#else
int
virt_repin(struct virt_conn *c, const char *name, const int *vcpupin,
           int n_vcpus, hwloc_const_bitmap_t emulatorpin, const char **how,
           char **pins, struct diag *d)
{
    (void) c;
    (void) name;
    (void) vcpupin;
    (void) n_vcpus;
    (void) emulatorpin;
    *how = "";
    *pins = NULL;
    return diag_error(d, NFV_EINPUT, "libvirt: %s", DEFINE_NO_LIBVIRT);
}

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
