/* The floor under any libxml2-based extractor: how many pages per second libxml2's HTML parser
 * reads when nothing else is done with them. scripts/eval-extraction compiles and runs this to
 * print that floor next to newsindex and trafilatura, both of which parse with libxml2.
 *
 * Usage: html-parse-floor FILE...   (prints "tree SECONDS" and "sax SECONDS" on stdout)
 *   tree: htmlReadMemory builds the document tree and frees it, as newsindex and lxml do;
 *   sax:  the same parse with every SAX callback left out, so no tree is built at all.
 * Both use the options newsindex parses with (recover, no network, no messages). */
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int count = argc - 1;
    char **pages = calloc(count, sizeof(char *));
    long *sizes = calloc(count, sizeof(long));
    for (int i = 0; i < count; i++) {
        FILE *file = fopen(argv[i + 1], "rb");
        if (!file) { fprintf(stderr, "html-parse-floor: cannot open %s\n", argv[i + 1]); return 66; }
        fseek(file, 0, SEEK_END);
        sizes[i] = ftell(file);
        rewind(file);
        pages[i] = malloc(sizes[i] > 0 ? sizes[i] : 1);
        if (fread(pages[i], 1, sizes[i], file) != (size_t)sizes[i]) { fprintf(stderr, "html-parse-floor: cannot read %s\n", argv[i + 1]); return 74; }
        fclose(file);
    }
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;

    double start = now();
    for (int i = 0; i < count; i++) {
        htmlDocPtr doc = htmlReadMemory(pages[i], (int)sizes[i], NULL, NULL, options);
        if (doc) xmlFreeDoc(doc);
    }
    printf("tree %.4f\n", now() - start);

    htmlSAXHandler nothing;
    memset(&nothing, 0, sizeof nothing);
    nothing.initialized = XML_SAX2_MAGIC;
    start = now();
    for (int i = 0; i < count; i++) {
        htmlParserCtxtPtr context = htmlCreateMemoryParserCtxt(pages[i], (int)sizes[i]);
        if (!context) continue;
        htmlSAXHandlerPtr own = context->sax;
        context->sax = &nothing;
        htmlCtxtUseOptions(context, options);
        htmlParseDocument(context);
        context->sax = own;
        htmlFreeParserCtxt(context);
    }
    printf("sax %.4f\n", now() - start);
    return 0;
}
