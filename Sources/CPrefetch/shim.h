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

#endif
