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
#endif
