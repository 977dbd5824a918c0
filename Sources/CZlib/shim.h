#ifndef NEWSINDEX_CZLIB_SHIM_H
#define NEWSINDEX_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit/inflateInit are macros in zlib.h, which Swift cannot import.
// These inline wrappers expose them as ordinary functions.
static inline int newsindex_deflateInit(z_streamp strm, int level) {
    return deflateInit(strm, level);
}
static inline int newsindex_inflateInit(z_streamp strm) {
    return inflateInit(strm);
}
// windowBits 15 + 32 reads gzip or zlib headers; 15 + 16 writes gzip (tests, fuzz seeds).
static inline int newsindex_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
static inline int newsindex_deflateInit2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
