/* xmlsplice.h: change some elements of an XML document and keep every
 * other byte of it as it was.
 *
 * libxml2 parses the text (xsplice_parse() records, for each element, the
 * byte range it came from); the caller reads the tree and asks for edits:
 * replace an element, remove one, or insert a new one before an element or
 * at the end of a parent.  xsplice_apply() then copies the original text
 * with only those ranges changed, the new elements serialized by libxml2
 * and indented like their neighbours.  That is how 'nfvhost vm tune'
 * rewrites the NFV parts of 'virsh dumpxml' output and leaves disks,
 * graphics, UUID and comments byte for byte. */
#ifndef NFV_XMLSPLICE_H
#define NFV_XMLSPLICE_H 1

#include <stddef.h>
#include <libxml/tree.h>

#include "lib/diag.h"

struct xsplice_edit;

struct xsplice {
    char *text;                 /* The original document. */
    size_t len;
    xmlDocPtr doc;              /* Parsed from it; elements know offsets. */
    struct xsplice_edit *edits;
    size_t n_edits, cap_edits;
};

/* Parses 'text' (copied); 'name' names it in errors.  NFV_EINPUT with a
 * "name:line: message" diag on malformed XML. */
int xsplice_parse(struct xsplice *, const char *name, const char *text,
                  size_t len, struct diag *);
void xsplice_destroy(struct xsplice *);

/* Edits.  'node' must be an element of the parsed document; 'new' is a
 * new element tree (any document, or none); it is serialized at once and
 * may be freed after the call. */
void xsplice_replace(struct xsplice *, xmlNodePtr node, xmlNodePtr new);
void xsplice_remove(struct xsplice *, xmlNodePtr node);
void xsplice_insert_before(struct xsplice *, xmlNodePtr sibling,
                           xmlNodePtr new);
void xsplice_append(struct xsplice *, xmlNodePtr parent, xmlNodePtr new);

/* The edited document.  Caller frees. */
char *xsplice_apply(const struct xsplice *);

/* Child elements of 'parent' named 'name', in order. */
xmlNodePtr xml_child(xmlNodePtr parent, const char *name);
xmlNodePtr xml_next(xmlNodePtr node, const char *name);

#endif /* libvirt-templates/xmlsplice.h */
