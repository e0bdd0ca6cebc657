/* domain.h: libvirt domain XML from a plan's VM.
 *
 * domain_tune() rewrites the NFV parts of a domain (memory, memoryBacking,
 * vcpu, cputune, numatune, cpu, and the vhost-user and SR-IOV interfaces)
 * and leaves every other byte alone; domain_build() is a template, a name,
 * a disk, then domain_tune().  Both return the new text; domain_check()
 * (checks.h) proves it.  docs/libvirt.md shows the result. */
#ifndef NFV_DOMAIN_H
#define NFV_DOMAIN_H 1

#include "libvirt-templates/vmspec.h"
#include "lib/diag.h"

/* libvirt-templates/base-q35.xml, built in. */
extern const char domain_builtin_template[];

/* 'text' is the existing domain ('name' names it in messages).  On
 * success *out is the tuned domain (caller frees). */
int domain_tune(const char *name, const char *text, const struct vm_spec *,
                char **out, struct diag *);

/* 'template_text' NULL: the built-in template.  'disk' NULL: keep the
 * template's disk source.  'cdrom' (or NULL): an installer ISO, attached
 * as a CD-ROM and booted first. */
int domain_build(const char *template_name, const char *template_text,
                 const char *disk, const char *cdrom, const struct vm_spec *,
                 char **out, struct diag *);

#endif /* libvirt-templates/domain.h */
