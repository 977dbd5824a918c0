#ifndef NEWSINDEX_CLIBXML2_SHIM_H
#define NEWSINDEX_CLIBXML2_SHIM_H
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

// xmlFree is a global function pointer in libxml2, which Swift imports awkwardly.
static inline void newsindex_xmlFree(void *p) { xmlFree(p); }

// Drops libxml2's messages (the parser is run with its error options off; this catches the rest).
static void newsindex_xml_silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void newsindex_xml_quiet(void) {
    xmlSetGenericErrorFunc(NULL, newsindex_xml_silent);
}
#endif
