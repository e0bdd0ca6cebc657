/* xmlsplice.c: byte-preserving element edits (see xmlsplice.h).
 *
 * Offsets come from libxml2 itself: the parser's SAX2 start and end
 * callbacks are wrapped, and at each the parser's input position
 * (xmlByteConsumed(), public API) is where the start tag's attributes end
 * and where the end tag ends.  A
 * start tag begins at the last '<' before the former, because '<' cannot
 * occur inside a start tag.  Only UTF-8 input keeps input positions equal
 * to byte offsets, so other encodings are refused. */
#include <config.h>

#include "libvirt-templates/xmlsplice.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>

#include "lib/util.h"

struct xsplice_edit {
    size_t start, end;          /* Replaced range; start == end: insert. */
    char *text;
    size_t seq;                 /* Creation order, for equal positions. */
};

struct range {
    size_t start, end;
};

struct parse_state {
    const char *text;
    size_t len;
    struct range *ranges;
    size_t n, cap;
    bool bad;
    int err_line;               /* First parse error, 0 if none. */
    char err[256];
};

/* libxml2 2.12 passes the structured error callback a const error (and
 * GCC 14 refuses the old signature for the new type). */
#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_arg;
#else
typedef xmlError *xml_error_arg;
#endif

/* Keeps the first error, the one that names the real mistake; libxml2's
 * later ones follow from it. */
static void
on_error(void *ctx, xml_error_arg e)
{
    xmlParserCtxtPtr c = ctx;
    struct parse_state *ps = c->_private;

    if (!ps->err_line && e && e->level >= XML_ERR_ERROR) {
        ps->err_line = e->line ? e->line : 1;
        snprintf(ps->err, sizeof ps->err, "%s", e->message ? e->message
                 : "?");
        ps->err[strcspn(ps->err, "\n")] = '\0';
    }
}

/* The parser's position in the input, in bytes (SIZE_MAX when unknown,
 * which no element range can hold). */
static size_t
input_offset(xmlParserCtxtPtr c)
{
    long pos = xmlByteConsumed(c);

    return pos < 0 ? SIZE_MAX : (size_t) pos;
}

static void
start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
              const xmlChar *uri, int nb_namespaces,
              const xmlChar **namespaces, int nb_attributes,
              int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr c = ctx;
    struct parse_state *ps = c->_private;
    size_t pos = input_offset(c);

    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces,
                          namespaces, nb_attributes, nb_defaulted,
                          attributes);
    if (!c->node || pos > ps->len) {
        ps->bad = true;
        return;
    }
    while (pos > 0 && ps->text[pos - 1] != '<') {
        pos--;
    }
    if (!pos) {
        ps->bad = true;
        return;
    }
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? 2 * ps->cap : 64;
        ps->ranges = xrealloc(ps->ranges, ps->cap * sizeof *ps->ranges);
    }
    ps->ranges[ps->n].start = pos - 1;
    ps->ranges[ps->n].end = 0;
    c->node->_private = (void *) (uintptr_t) ++ps->n;
}

static void
end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
            const xmlChar *uri)
{
    xmlParserCtxtPtr c = ctx;
    struct parse_state *ps = c->_private;
    uintptr_t idx = c->node ? (uintptr_t) c->node->_private : 0;
    size_t pos = input_offset(c);

    if (idx && pos <= ps->len && pos > 0 && ps->text[pos - 1] == '>') {
        ps->ranges[idx - 1].end = pos;
    } else {
        ps->bad = true;
    }
    xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

static struct range
node_range(const xmlNode *node)
{
    static struct range none;
    const struct range *ranges = node->doc ? node->doc->_private : NULL;
    uintptr_t idx = (uintptr_t) node->_private;

    return ranges && idx ? ranges[idx - 1] : none;
}

static void
check_ranges(xmlNodePtr node, bool *ok)
{
    for (; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE) {
            struct range r = node_range(node);
            if (!r.end || r.end <= r.start) {
                *ok = false;
            }
            check_ranges(node->children, ok);
        }
    }
}

/* Whether 'text' is UTF-8 by its first bytes: not UTF-16 or UTF-32 (a
 * byte-order mark, or NUL bytes around the first '<'). */
static bool
utf8_start(const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *) text;

    return !(len >= 2 && ((u[0] == 0xfe && u[1] == 0xff)
                          || (u[0] == 0xff && u[1] == 0xfe)))
           && !memchr(text, '\0', len < 4 ? len : 4);
}

int
xsplice_parse(struct xsplice *x, const char *name, const char *text,
              size_t len, struct diag *d)
{
    struct parse_state ps = { .text = text, .len = len };
    xmlParserCtxtPtr c;

    memset(x, 0, sizeof *x);
    if (!utf8_start(text, len)) {
        return diag_error(d, NFV_EINPUT, "%s: not UTF-8 (only UTF-8 XML is "
                          "supported)", name);
    }
    c = xmlNewParserCtxt();
    if (!c) {
        xalloc_die();
    }
    c->sax->startElementNs = start_element;
    c->sax->endElementNs = end_element;
    c->sax->serror = on_error;
    c->_private = &ps;
    /* No encoding forced: libxml2 2.9 then puts a UTF-8 decoder in front,
     * and its xmlByteConsumed() goes wrong past the first buffer. */
    x->doc = xmlCtxtReadMemory(c, text, len, name, NULL,
                               XML_PARSE_NONET | XML_PARSE_NOERROR
                               | XML_PARSE_NOWARNING);
    if (!x->doc || !c->wellFormed) {
        diag_error(d, NFV_EINPUT, "%s:%d: not well-formed XML: %s", name,
                   ps.err_line, ps.err_line ? ps.err : "?");
        xmlFreeParserCtxt(c);
        xmlFreeDoc(x->doc);
        x->doc = NULL;
        free(ps.ranges);
        return NFV_EINPUT;
    }
    xmlFreeParserCtxt(c);
    x->doc->_private = ps.ranges;
    if (x->doc->encoding
        && xmlStrcasecmp(x->doc->encoding, BAD_CAST "UTF-8")) {
        return diag_error(d, NFV_EINPUT, "%s: encoding %s (only UTF-8 XML "
                          "is supported)", name, (const char *) x->doc->encoding);
    }
    bool ok = !ps.bad;
    check_ranges(x->doc->children, &ok);
    if (!ok) {
        return diag_error(d, NFV_EINPUT, "%s: cannot map elements to their "
                          "bytes (only UTF-8 XML without entities is "
                          "supported)", name);
    }
    x->text = xmalloc(len + 1);
    memcpy(x->text, text, len);
    x->text[len] = '\0';
    x->len = len;
    return 0;
}

void
xsplice_destroy(struct xsplice *x)
{
    for (size_t i = 0; i < x->n_edits; i++) {
        free(x->edits[i].text);
    }
    free(x->edits);
    if (x->doc) {
        free(x->doc->_private);
        x->doc->_private = NULL;
        xmlFreeDoc(x->doc);
    }
    free(x->text);
    memset(x, 0, sizeof *x);
}

xmlNodePtr
xml_next(xmlNodePtr node, const char *name)
{
    for (; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE
            && (!name || !xmlStrcmp(node->name, (const xmlChar *) name))) {
            return node;
        }
    }
    return NULL;
}

xmlNodePtr
xml_child(xmlNodePtr parent, const char *name)
{
    return parent ? xml_next(parent->children, name) : NULL;
}

/* Start of the line of 'pos', if only blanks precede 'pos' on it. */
static bool
alone_before(const struct xsplice *x, size_t pos, size_t *line_start)
{
    size_t p = pos;

    while (p > 0 && (x->text[p - 1] == ' ' || x->text[p - 1] == '\t')) {
        p--;
    }
    *line_start = p;
    return p == 0 || x->text[p - 1] == '\n';
}

static char *
dump(xmlNodePtr node, size_t indent)
{
    xmlBufferPtr buf = xmlBufferCreate();
    char *s;

    xmlNodeDump(buf, node->doc, node, (int) (indent / 2), 1);
    s = xstrdup((const char *) xmlBufferContent(buf));
    xmlBufferFree(buf);
    return s;
}

static void
add_edit(struct xsplice *x, size_t start, size_t end, char *text)
{
    if (x->n_edits == x->cap_edits) {
        x->cap_edits = x->cap_edits ? 2 * x->cap_edits : 16;
        x->edits = xrealloc(x->edits, x->cap_edits * sizeof *x->edits);
    }
    x->edits[x->n_edits] = (struct xsplice_edit) { start, end, text,
                                                   x->n_edits };
    x->n_edits++;
}

void
xsplice_replace(struct xsplice *x, xmlNodePtr node, xmlNodePtr new)
{
    struct range r = node_range(node);
    size_t ls;

    alone_before(x, r.start, &ls);
    add_edit(x, r.start, r.end, dump(new, r.start - ls));
}

void
xsplice_remove(struct xsplice *x, xmlNodePtr node)
{
    struct range r = node_range(node);
    size_t ls, end = r.end;

    while (end < x->len && (x->text[end] == ' ' || x->text[end] == '\t')) {
        end++;
    }
    if (alone_before(x, r.start, &ls) && end < x->len
        && x->text[end] == '\n') {
        add_edit(x, ls, end + 1, xstrdup(""));
    } else {
        add_edit(x, r.start, r.end, xstrdup(""));
    }
}

static void
insert_at_line(struct xsplice *x, size_t pos, size_t indent, xmlNodePtr new)
{
    char *body = dump(new, indent);

    add_edit(x, pos, pos, xasprintf("%*s%s\n", (int) indent, "", body));
    free(body);
}

void
xsplice_insert_before(struct xsplice *x, xmlNodePtr sibling, xmlNodePtr new)
{
    struct range r = node_range(sibling);
    size_t ls;

    if (alone_before(x, r.start, &ls)) {
        insert_at_line(x, ls, r.start - ls, new);
    } else {
        add_edit(x, r.start, r.start, dump(new, 0));
    }
}

void
xsplice_append(struct xsplice *x, xmlNodePtr parent, xmlNodePtr new)
{
    struct range r = node_range(parent);
    size_t close = r.end, ls, pls;
    xmlNodePtr last = NULL;

    while (close > r.start && x->text[close - 1] != '<') {
        close--;
    }
    close--;
    for (xmlNodePtr c = xml_child(parent, NULL); c; c = xml_next(c->next,
                                                                   NULL)) {
        last = c;
    }
    alone_before(x, r.start, &pls);
    size_t indent = r.start - pls + 2;
    if (last) {
        struct range lr = node_range(last);
        size_t lls;
        if (alone_before(x, lr.start, &lls)) {
            indent = lr.start - lls;
        }
    }
    if (alone_before(x, close, &ls)) {
        insert_at_line(x, ls, indent, new);
    } else {
        add_edit(x, close, close, dump(new, indent));
    }
}

static int
edit_cmp(const void *a_, const void *b_)
{
    const struct xsplice_edit *a = a_, *b = b_;

    if (a->start != b->start) {
        return a->start < b->start ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

char *
xsplice_apply(const struct xsplice *x)
{
    struct xsplice_edit *e = xmalloc((x->n_edits + 1) * sizeof *e);
    struct sbuf b;
    size_t pos = 0;

    memcpy(e, x->edits, x->n_edits * sizeof *e);
    qsort(e, x->n_edits, sizeof *e, edit_cmp);
    sbuf_init(&b);
    for (size_t i = 0; i < x->n_edits; i++) {
        if (e[i].start < pos) {
            continue;           /* Inside a range already replaced. */
        }
        sbuf_printf(&b, "%.*s", (int) (e[i].start - pos), x->text + pos);
        sbuf_puts(&b, e[i].text);
        pos = e[i].end;
    }
    sbuf_printf(&b, "%.*s", (int) (x->len - pos), x->text + pos);
    free(e);
    return sbuf_steal(&b);
}
