// libFuzzer's driver entry point (compiler-rt), for a fuzz target that keeps its own main.
// Only used when newsindex-fuzz is built with -sanitize=fuzzer -DNEWSINDEX_LIBFUZZER
// (scripts/fuzz); there is no library to link otherwise.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
