#ifndef NEWSINDEX_CPREFETCH_SHIM_H
#define NEWSINDEX_CPREFETCH_SHIM_H

// Asks the CPU to bring the cache line at `address` in for writing, without waiting for it and
// without faulting on a bad address. The indexer issues these a few tokens ahead of the hash
// table slots, term states and postings bytes it is about to touch.
static inline void newsindex_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 1, 3);
#else
    (void)address;
#endif
}

#include <stdlib.h>
#if defined(__linux__)
#include <malloc.h>
#endif

// Gives the memory freed inside glibc's heaps back to the system (see FreeMemory.swift);
// elsewhere it does nothing.
static inline void newsindex_give_back_memory(void) {
#if defined(__GLIBC__)
    (void)malloc_trim(0);
#endif
}

#endif
