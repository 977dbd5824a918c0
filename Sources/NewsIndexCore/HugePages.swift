#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks the kernel to back large in-memory tables with huge pages.
///
/// The indexer touches its hash table, term states and postings pool at random; with 4 KiB pages
/// nearly every such touch also misses the TLB, which costs most in a virtual machine. Linux backs
/// an anonymous region with 2 MiB pages when it is advised so (`MADV_HUGEPAGE`, needed when
/// transparent huge pages are set to `madvise`). Elsewhere, and for small regions, this does nothing.
package enum HugePages {
    package static let size = 2 << 20

    /// Advises the whole 2 MiB pages inside `count` bytes at `start`; failures are ignored (the
    /// advice only changes speed).
    package static func advise(_ start: UnsafeRawPointer, count: Int) {
        #if os(Linux)
        guard count >= 2 * size else { return }
        let first = (Int(bitPattern: start) + size - 1) & ~(size - 1)
        let end = (Int(bitPattern: start) + count) & ~(size - 1)
        guard end > first, let p = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(p, end - first, MADV_HUGEPAGE)
        #endif
    }
}
