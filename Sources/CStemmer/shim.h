// Snowball's C stemmer library (Debian: libstemmer-dev), used by the `english` analyzer.
#include <libstemmer.h>
