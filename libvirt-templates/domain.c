/* domain.c: the NFV parts of a libvirt domain, from the plan.
 *
 * What each element is for (libvirt's formatdomain documentation):
 *   <memoryBacking>  hugepages of the planned size for guest cell 0, and
 *                    <access mode='shared'/>: OVS maps guest memory for
 *                    vhost-user and cannot without it;
 *   <vcpu>/<cputune> one vcpupin per vCPU as the plan assigns (for
 *                    cpu_policy shared, each to all the shared CPUs),
 *                    emulatorpin to the shared CPUs (or the isolate PU);
 *   <numatune>       guest memory strictly from the VM's node;
 *   <cpu>            host-passthrough (virt_type qemu: the TCG model
 *                    qemu64) with the planned guest topology and one NUMA
 *                    cell with memAccess='shared';
 *   <domain type>    the plan's virt_type, in domains 'vm xml' builds
 *                    ('vm tune' keeps the domain's own, and the checks
 *                    say when it differs);
 *   interfaces       vhostuser in server mode on the socket the OVS port
 *                    (dpdkvhostuserclient) connects to, with 1024-entry
 *                    rings; hostdev VFs with their VLAN.
 * VLANs of vhost-user NICs are not here: the OVS port is an access port
 * with the tag ('nfvhost ovs apply'). */
#include <config.h>

#include "libvirt-templates/domain.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "libvirt-templates/xmlsplice.h"
#include "lib/pci.h"
#include "lib/util.h"

#define RING_SIZE "1024"

/* Where libvirt puts each element when it formats a domain; new elements
 * go before the first existing one that comes later. */
static const char *const domain_order[] = {
    "name", "uuid", "genid", "title", "description", "metadata",
    "maxMemory", "memory", "currentMemory", "blkiotune", "memtune",
    "memoryBacking", "vcpu", "vcpus", "iothreads", "iothreadids",
    "defaultiothread", "cputune", "numatune", "resource", "sysinfo",
    "bootloader", "bootloader_args", "os", "idmap", "features", "cpu",
    "clock", "on_poweroff", "on_reboot", "on_crash", "on_lockfailure", "pm",
    "perf", "devices", "seclabel", "keywrap", "launchSecurity", NULL,
};
static const char *const devices_order[] = {
    "emulator", "disk", "controller", "lease", "filesystem", "interface",
    "smartcard", "serial", "parallel", "console", "channel", "input", "tpm",
    "graphics", "sound", "audio", "video", "hostdev", "redirdev",
    "redirfilter", "hub", "watchdog", "memballoon", "rng", "panic", "shmem",
    "memory", "iommu", "vsock", "crypto", NULL,
};

static int
rank(const char *const *order, const xmlChar *name)
{
    for (int i = 0; order[i]; i++) {
        if (!xmlStrcmp(name, (const xmlChar *) order[i])) {
            return i;
        }
    }
    return 1000;
}

static xmlNodePtr
first_after(xmlNodePtr parent, const char *const *order, const char *name)
{
    int r = rank(order, (const xmlChar *) name);

    for (xmlNodePtr c = xml_child(parent, NULL); c; c = xml_next(c->next,
                                                                   NULL)) {
        if (rank(order, c->name) > r) {
            return c;
        }
    }
    return NULL;
}

static void
insert_ranked(struct xsplice *x, xmlNodePtr parent,
              const char *const *order, xmlNodePtr new)
{
    xmlNodePtr anchor = first_after(parent, order, (const char *) new->name);

    if (anchor) {
        xsplice_insert_before(x, anchor, new);
    } else {
        xsplice_append(x, parent, new);
    }
}

static bool
in_list(const char *const *list, const xmlChar *name)
{
    for (; list && *list; list++) {
        if (!xmlStrcmp(name, (const xmlChar *) *list)) {
            return true;
        }
    }
    return false;
}

/* Copies the children of 'old' that nfvhost does not own (not named in
 * 'owned') to the end of 'new': a <cputune>'s <shares>, a <cpu>'s
 * <feature>s, a <memoryBacking>'s <locked/> are the user's. */
static void
keep_foreign_children(xmlNodePtr old, xmlNodePtr new,
                      const char *const *owned)
{
    for (xmlNodePtr c = xml_child(old, NULL); c; c = xml_next(c->next,
                                                                NULL)) {
        if (!in_list(owned, c->name)) {
            xmlAddChild(new, xmlDocCopyNode(c, new->doc, 1));
        }
    }
}

/* Replaces the first <name> child of 'parent' with 'new' (removing any
 * further ones), or inserts 'new' in libvirt's order.  With 'owned', the
 * old element's other children are kept.  Frees 'new'. */
static void
set_child_keep(struct xsplice *x, xmlNodePtr parent,
               const char *const *order, xmlNodePtr new,
               const char *const *owned)
{
    xmlNodePtr old = xml_child(parent, (const char *) new->name);

    if (old) {
        if (owned) {
            keep_foreign_children(old, new, owned);
        }
        xsplice_replace(x, old, new);
        for (xmlNodePtr o = xml_next(old->next, (const char *) new->name); o;
             o = xml_next(o->next, (const char *) new->name)) {
            xsplice_remove(x, o);
        }
    } else {
        insert_ranked(x, parent, order, new);
    }
    xmlFreeNode(new);
}

static void
set_child(struct xsplice *x, xmlNodePtr parent, const char *const *order,
          xmlNodePtr new)
{
    set_child_keep(x, parent, order, new, NULL);
}

static xmlNodePtr
node(xmlDocPtr doc, const char *name)
{
    return xmlNewDocNode(doc, NULL, (const xmlChar *) name, NULL);
}

static xmlNodePtr
child(xmlNodePtr parent, const char *name)
{
    return xmlAddChild(parent, node(parent->doc, name));
}

static void
prop(xmlNodePtr n, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
prop(xmlNodePtr n, const char *name, const char *fmt, ...)
{
    va_list args;
    char *value;

    va_start(args, fmt);
    value = xvasprintf(fmt, args);
    va_end(args);
    xmlNewProp(n, (const xmlChar *) name, (const xmlChar *) value);
    free(value);
}

static xmlNodePtr
text_node(xmlDocPtr doc, const char *name, const char *text)
{
    xmlNodePtr n = node(doc, name);
    xmlNodeAddContent(n, (const xmlChar *) text);
    return n;
}

static uint64_t
memory_kib(const struct vm_spec *s)
{
    return s->memory_mb * 1024;
}

static xmlNodePtr
memory_node(xmlDocPtr doc, const struct vm_spec *s, const char *name)
{
    char kib[32];

    snprintf(kib, sizeof kib, "%" PRIu64, memory_kib(s));
    xmlNodePtr n = text_node(doc, name, kib);
    prop(n, "unit", "KiB");
    return n;
}

static xmlNodePtr
memory_backing(xmlDocPtr doc, const struct vm_spec *s)
{
    xmlNodePtr mb = node(doc, "memoryBacking");
    xmlNodePtr page = child(child(mb, "hugepages"), "page");

    prop(page, "size", "%" PRIu64, s->hugepage_kb);
    prop(page, "unit", "KiB");
    prop(page, "nodeset", "0");         /* Guest cell 0. */
    prop(child(mb, "access"), "mode", "shared");
    return mb;
}

static xmlNodePtr
vcpu_node(xmlDocPtr doc, const struct vm_spec *s)
{
    char n[16];

    snprintf(n, sizeof n, "%d", s->vcpus);
    xmlNodePtr v = text_node(doc, "vcpu", n);
    prop(v, "placement", "static");
    return v;
}

static xmlNodePtr
cputune(xmlDocPtr doc, const struct vm_spec *s)
{
    xmlNodePtr ct = node(doc, "cputune");

    char *shared = cpulist_format(s->cpus);

    for (int i = 0; i < s->vcpus; i++) {
        xmlNodePtr pin = child(ct, "vcpupin");
        prop(pin, "vcpu", "%d", i);
        if (s->vcpupin) {
            prop(pin, "cpuset", "%d", s->vcpupin[i]);
        } else {
            prop(pin, "cpuset", "%s", shared);
        }
    }
    free(shared);
    if (!hwloc_bitmap_iszero(s->emulatorpin)) {
        char *list = cpulist_format(s->emulatorpin);
        prop(child(ct, "emulatorpin"), "cpuset", "%s", list);
        free(list);
    }
    return ct;
}

static xmlNodePtr
numatune(xmlDocPtr doc, const struct vm_spec *s)
{
    xmlNodePtr nt = node(doc, "numatune");
    xmlNodePtr mem = child(nt, "memory");
    xmlNodePtr cell = child(nt, "memnode");

    prop(mem, "mode", "strict");
    prop(mem, "nodeset", "%d", s->numa);
    prop(cell, "cellid", "0");
    prop(cell, "mode", "strict");
    prop(cell, "nodeset", "%d", s->numa);
    return nt;
}

static xmlNodePtr
cpu_node(xmlDocPtr doc, const struct vm_spec *s)
{
    xmlNodePtr cpu = node(doc, "cpu");
    xmlNodePtr topo = child(cpu, "topology");
    xmlNodePtr cell = child(child(cpu, "numa"), "cell");

    if (s->virt_type == VIRT_QEMU) {
        xmlNodePtr model = text_node(doc, "model", VIRT_QEMU_CPU_MODEL);
        prop(cpu, "mode", "custom");
        prop(cpu, "match", "exact");
        prop(cpu, "check", "none");
        prop(model, "fallback", "forbid");
        xmlAddPrevSibling(topo, model);
    } else {
        prop(cpu, "mode", "host-passthrough");
        prop(cpu, "check", "none");
        prop(cpu, "migratable", "off");
    }
    prop(topo, "sockets", "%d", s->sockets);
    prop(topo, "dies", "1");
    prop(topo, "cores", "%d", s->cores);
    prop(topo, "threads", "%d", s->threads);
    prop(cell, "id", "0");
    prop(cell, "cpus", s->vcpus > 1 ? "0-%d" : "0", s->vcpus - 1);
    prop(cell, "memory", "%" PRIu64, memory_kib(s));
    prop(cell, "unit", "KiB");
    prop(cell, "memAccess", "shared");
    return cpu;
}

static xmlNodePtr
vhost_interface(xmlDocPtr doc, const struct vm_spec *s,
                const struct vm_nic *nic, const xmlChar *mac)
{
    xmlNodePtr i = node(doc, "interface");
    xmlNodePtr src, drv;

    prop(i, "type", "vhostuser");
    if (mac) {
        prop(child(i, "mac"), "address", "%s", (const char *) mac);
    }
    src = child(i, "source");
    prop(src, "type", "unix");
    prop(src, "path", "%s", nic->socket);
    prop(src, "mode", "server");
    prop(child(i, "model"), "type", "virtio");
    drv = child(i, "driver");
    prop(drv, "queues", "%d", s->queues > 0 ? s->queues : 1);
    prop(drv, "rx_queue_size", RING_SIZE);
    prop(drv, "tx_queue_size", RING_SIZE);
    /* Only a non-default MTU: libvirt 9 sets <mtu> with an ioctl on a
     * kernel netdev named after the vhost-user port, which an OVS-DPDK
     * port is not, and refuses to start the domain (the e2e test,
     * docs/e2e.md); the guest's virtio-net uses 1500 without it. */
    if (s->mtu != 1500) {
        prop(child(i, "mtu"), "size", "%d", s->mtu);
    }
    return i;
}

static xmlNodePtr
sriov_interface(xmlDocPtr doc, const struct vm_nic *nic, const xmlChar *mac)
{
    xmlNodePtr i = node(doc, "interface");
    xmlNodePtr addr;
    unsigned dom, bus, slot, fn;

    prop(i, "type", "hostdev");
    prop(i, "managed", "yes");
    if (mac) {
        prop(child(i, "mac"), "address", "%s", (const char *) mac);
    }
    addr = child(child(i, "source"), "address");
    pci_addr_split(nic->vf, &dom, &bus, &slot, &fn);
    prop(addr, "type", "pci");
    prop(addr, "domain", "0x%04x", dom);
    prop(addr, "bus", "0x%02x", bus);
    prop(addr, "slot", "0x%02x", slot);
    prop(addr, "function", "0x%x", fn);
    if (nic->vlan >= 0) {
        prop(child(child(i, "vlan"), "tag"), "id", "%d", nic->vlan);
    }
    return i;
}

static bool
is_planned_interface(xmlNodePtr n, const char *type)
{
    xmlChar *t = xmlGetProp(n, BAD_CAST "type");
    bool match = t && !xmlStrcmp(t, (const xmlChar *) type);

    xmlFree(t);
    return match;
}

static xmlChar *
interface_mac(xmlNodePtr iface)
{
    return xmlGetProp(xml_child(iface, "mac"), BAD_CAST "address");
}

/* The k-th existing interface of 'type' (for its MAC), or NULL. */
static xmlNodePtr
nth_interface(xmlNodePtr devices, const char *type, int k)
{
    for (xmlNodePtr i = xml_child(devices, "interface"); i;
         i = xml_next(i->next, "interface")) {
        if (is_planned_interface(i, type) && !k--) {
            return i;
        }
    }
    return NULL;
}

/* Planned interfaces replace the vhostuser and hostdev ones already there
 * (with the plan's MAC if it has one, otherwise keeping theirs in order, so
 * guests keep their NIC names); other
 * interfaces (a management NIC) stay.  Insertions are recorded before the
 * removals: at one position, xsplice applies them in that order. */
static void
tune_interfaces(struct xsplice *x, xmlNodePtr devices,
                const struct vm_spec *s)
{
    xmlNodePtr anchor = NULL;
    int k_vhost = 0, k_sriov = 0;

    for (xmlNodePtr i = xml_child(devices, "interface"); i && !anchor;
         i = xml_next(i->next, "interface")) {
        if (is_planned_interface(i, "vhostuser")
            || is_planned_interface(i, "hostdev")) {
            anchor = i;
        }
    }
    for (int k = 0; k < s->n_nics; k++) {
        const struct vm_nic *nic = &s->nics[k];
        bool vhost = nic->type == NIC_VHOST;
        xmlNodePtr old = nth_interface(devices, vhost ? "vhostuser"
                                       : "hostdev",
                                       vhost ? k_vhost++ : k_sriov++);
        xmlChar *mac = (nic->mac ? xmlStrdup(BAD_CAST nic->mac)
                        : old ? interface_mac(old) : NULL);
        xmlNodePtr new = vhost ? vhost_interface(x->doc, s, nic, mac)
                         : sriov_interface(x->doc, nic, mac);
        if (anchor) {
            xsplice_insert_before(x, anchor, new);
        } else {
            insert_ranked(x, devices, devices_order, new);
        }
        xmlFreeNode(new);
        xmlFree(mac);
    }
    for (xmlNodePtr i = xml_child(devices, "interface"); i;
         i = xml_next(i->next, "interface")) {
        if (is_planned_interface(i, "vhostuser")
            || is_planned_interface(i, "hostdev")) {
            xsplice_remove(x, i);
        }
    }
}

/* <memballoon model='none'/>, replacing any balloon: the guest's memory
 * is hugepages reserved for it, which a balloon cannot give back to the
 * host, and libvirt adds a virtio balloon unless told 'none'
 * (checks.c). */
static xmlNodePtr
balloon_none(xmlDocPtr doc)
{
    xmlNodePtr n = node(doc, "memballoon");

    prop(n, "model", "none");
    return n;
}

/* The children of the NFV elements that nfvhost writes; any others of an
 * existing domain stay.  <cpu>'s model and vendor go: host-passthrough
 * has none. */
static const char *const backing_owned[] = { "hugepages", "access", NULL };
static const char *const cputune_owned[] = { "vcpupin", "emulatorpin", NULL };
static const char *const numatune_owned[] = { "memory", "memnode", NULL };
static const char *const cpu_owned[] = { "topology", "numa", "model",
                                         "vendor", NULL };

static int
tune(struct xsplice *x, const char *name, const struct vm_spec *s,
     struct diag *d)
{
    xmlNodePtr root = xmlDocGetRootElement(x->doc);
    xmlNodePtr devices = xml_child(root, "devices");

    if (!root || xmlStrcmp(root->name, BAD_CAST "domain")) {
        return diag_error(d, NFV_EINPUT, "%s: the root element is not "
                          "<domain>", name);
    }
    if (!devices) {
        return diag_error(d, NFV_EINPUT, "%s: the domain has no <devices>",
                          name);
    }
    set_child(x, root, domain_order, memory_node(x->doc, s, "memory"));
    set_child(x, root, domain_order, memory_node(x->doc, s,
                                                 "currentMemory"));
    set_child_keep(x, root, domain_order, memory_backing(x->doc, s),
                   backing_owned);
    set_child(x, root, domain_order, vcpu_node(x->doc, s));
    set_child_keep(x, root, domain_order, cputune(x->doc, s), cputune_owned);
    set_child_keep(x, root, domain_order, numatune(x->doc, s),
                   numatune_owned);
    set_child_keep(x, root, domain_order, cpu_node(x->doc, s), cpu_owned);
    tune_interfaces(x, devices, s);
    set_child(x, devices, devices_order, balloon_none(x->doc));
    return 0;
}

int
domain_tune(const char *name, const char *text, const struct vm_spec *s,
            char **out, struct diag *d)
{
    struct xsplice x;
    int error = xsplice_parse(&x, name, text, strlen(text), d);

    if (!error) {
        error = tune(&x, name, s, d);
    }
    *out = error ? NULL : xsplice_apply(&x);
    xsplice_destroy(&x);
    return error;
}

/* The first disk's <source>: file= or dev= by the disk's type. */
static int
set_disk(struct xsplice *x, const char *name, const char *disk,
         struct diag *d)
{
    xmlNodePtr devices = xml_child(xmlDocGetRootElement(x->doc), "devices");
    xmlNodePtr dsk;

    for (dsk = xml_child(devices, "disk"); dsk;
         dsk = xml_next(dsk->next, "disk")) {
        xmlChar *dev = xmlGetProp(dsk, BAD_CAST "device");
        bool is_disk = !dev || !xmlStrcmp(dev, BAD_CAST "disk");
        xmlFree(dev);
        if (is_disk) {
            break;
        }
    }
    xmlChar *type = dsk ? xmlGetProp(dsk, BAD_CAST "type") : NULL;
    const char *attr = !type ? NULL
                       : !xmlStrcmp(type, BAD_CAST "file") ? "file"
                       : !xmlStrcmp(type, BAD_CAST "block") ? "dev" : NULL;
    xmlFree(type);
    if (!attr) {
        return diag_error(d, NFV_EINPUT, "%s: --disk needs a <disk "
                          "type='file'> or type='block' device='disk' in "
                          "the template", name);
    }
    xmlNodePtr src = node(x->doc, "source");
    prop(src, attr, "%s", disk);
    set_child(x, dsk, devices_order, src);
    return 0;
}

/* An installer ISO as a read-only SATA CD-ROM after the disks, booted
 * before the disk: <boot dev='cdrom'/> ahead of the template's first
 * <boot>.  Once installed, 'virsh change-media DOMAIN sda --eject'. */
static void
add_cdrom(struct xsplice *x, const char *iso)
{
    xmlNodePtr root = xmlDocGetRootElement(x->doc);
    xmlNodePtr devices = xml_child(root, "devices");
    xmlNodePtr os = xml_child(root, "os");
    xmlNodePtr boot = os ? xml_child(os, "boot") : NULL;
    xmlNodePtr cd = node(x->doc, "disk"), b;

    prop(cd, "type", "file");
    prop(cd, "device", "cdrom");
    prop(child(cd, "driver"), "name", "qemu");
    prop(xml_child(cd, "driver"), "type", "raw");
    prop(child(cd, "source"), "file", "%s", iso);
    b = child(cd, "target");
    prop(b, "dev", "sda");
    prop(b, "bus", "sata");
    child(cd, "readonly");
    insert_ranked(x, devices, devices_order, cd);
    xmlFreeNode(cd);
    b = node(x->doc, "boot");
    prop(b, "dev", "cdrom");
    if (boot) {
        xsplice_insert_before(x, boot, b);
    } else if (os) {
        xsplice_append(x, os, b);
    }
    xmlFreeNode(b);
}

/* One consistent layout for a new domain: the template's bytes need not
 * survive, and libxml2's serializer indents what was spliced in and what
 * was there alike.  The domain type is the plan's virt_type. */
static char *
reformat(char *text, const struct vm_spec *s)
{
    xmlDocPtr doc = xmlReadMemory(text, strlen(text), NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    xmlBufferPtr buf = xmlBufferCreate();
    xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT
                                          | XML_SAVE_NO_DECL);

    if (!doc || !save) {
        xalloc_die();
    }
    xmlSetProp(xmlDocGetRootElement(doc), BAD_CAST "type",
               (const xmlChar *) virt_type_name(s->virt_type));
    if (xmlSaveDoc(save, doc) < 0) {
        xalloc_die();
    }
    xmlSaveClose(save);
    free(text);
    text = xstrdup((const char *) xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return text;
}

int
domain_build(const char *template_name, const char *template_text,
             const char *disk, const char *cdrom, const struct vm_spec *s,
             char **out, struct diag *d)
{
    const char *name = template_name ? template_name : "built-in template";
    const char *text = template_text ? template_text
                       : domain_builtin_template;
    struct xsplice x;
    int error = xsplice_parse(&x, name, text, strlen(text), d);

    if (!error) {
        xmlNodePtr root = xmlDocGetRootElement(x.doc);
        error = tune(&x, name, s, d);
        if (!error) {
            set_child(&x, root, domain_order, text_node(x.doc, "name",
                                                        s->name));
        }
        if (!error && disk) {
            error = set_disk(&x, name, disk, d);
        }
        if (!error && cdrom) {
            add_cdrom(&x, cdrom);
        }
    }
    *out = error ? NULL : reformat(xsplice_apply(&x), s);
    xsplice_destroy(&x);
    return error;
}
