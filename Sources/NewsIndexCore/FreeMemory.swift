import CPrefetch

/// Gives the memory freed inside the allocator's heaps back to the system.
///
/// glibc keeps freed memory in the heap of the thread that allocated it and returns only the top
/// of each heap by itself. After a segment's builder (hundreds of MB freed on its thread while the
/// next segment allocates on another), that memory would stay in the process's resident set, and
/// the writer's peak would no longer mean what `--memory` says. Elsewhere this does nothing.
package enum FreeMemory {
    package static func giveBack() {
        newsindex_give_back_memory()
    }
}
