#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NewsIndexCore

/// Many growing byte streams in one array: the in-memory postings of a segment being built.
///
/// Each stream is a chain of slices of growing size (8, 16, 32, … 1024 bytes); the last four bytes
/// of a slice hold its level while it is being filled and the offset of the next slice once it is
/// full. A term seen once costs one 8-byte slice, a frequent term's stream grows by doubling, and
/// no stream is ever copied (the idea of Lucene's ByteBlockPool). A stream's write state is eight
/// bytes, so the per-term array stays small and cache-friendly.
struct SlicePool {
    /// The pool's memory: `count` bytes in use of `capacity`. It is a plain allocation, grown with
    /// `realloc` (which remaps large blocks instead of copying them), so the hot path writes bytes
    /// without an array's uniqueness and bounds checks. The pool is never copied: its one owner
    /// calls ``deallocate()``.
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    static let sizes = [8, 16, 32, 64, 128, 256, 512, 1024]

    /// Where a stream's next byte goes and where its current slice's data ends.
    struct Stream {
        var cursor: UInt32
        var end: UInt32
    }

    init() {
        capacity = 1 << 20
        guard let memory = malloc(capacity) else { fatalError("out of memory for the in-memory postings") }
        base = memory.assumingMemoryBound(to: UInt8.self)
    }

    /// Releases the memory; the pool is not used afterwards.
    func deallocate() { free(base) }

    /// The bytes in use, valid until the next write.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    private mutating func allocate(level: Int) -> UInt32 {
        let at = count
        let size = 8 << level
        // IndexWriter keeps a segment's text far below what would make 4 GiB of postings.
        precondition(at + size <= Int(UInt32.max), "a segment's in-memory postings outgrew 4 GiB")
        if at + size > capacity { grow(to: at + size) }
        // The data bytes need no clearing: readers stop at a stream's cursor.
        (base + at + size - 4).initialize(repeating: 0, count: 4)
        base[at + size - 4] = UInt8(level)
        count = at + size
        return UInt32(at)
    }

    private mutating func grow(to needed: Int) {
        let bigger = max(needed, capacity * 2)
        guard let memory = realloc(base, bigger) else { fatalError("out of memory for the in-memory postings") }
        base = memory.assumingMemoryBound(to: UInt8.self)
        capacity = bigger
        HugePages.advise(memory, count: bigger)
    }

    /// A new, empty stream; `start` is where a ``Reader`` begins.
    mutating func newStream() -> (start: UInt32, stream: Stream) {
        let at = allocate(level: 0)
        return (at, Stream(cursor: at, end: at + 4))
    }

    /// Where the next write to `s` goes: the hot path can check it into the cache early.
    @inline(__always)
    func address(_ s: Stream) -> UnsafeRawPointer { UnsafeRawPointer(base + Int(s.cursor)) }

    @inline(__always)
    mutating func write(_ b: UInt8, to s: inout Stream) {
        if s.cursor == s.end { nextSlice(&s) }
        base[Int(s.cursor)] = b
        s.cursor += 1
    }

    private mutating func nextSlice(_ s: inout Stream) {
        let end = Int(s.end)
        let level = min(Int(base[end]) + 1, SlicePool.sizes.count - 1)
        let next = allocate(level: level)
        for k in 0..<4 { base[end + k] = UInt8(truncatingIfNeeded: next >> (8 * UInt32(k))) }
        s.cursor = next
        s.end = next + UInt32((8 << level) - 4)
    }

    @inline(__always)
    mutating func writeVInt(_ v: UInt32, to s: inout Stream) {
        var v = v
        while v >= 0x80 {
            write(UInt8(truncatingIfNeeded: v) | 0x80, to: &s)
            v >>= 7
        }
        write(UInt8(v), to: &s)
    }

    /// Reads one stream from `start` up to its write cursor.
    struct Reader {
        private let bytes: UnsafeBufferPointer<UInt8>
        private let stop: Int
        private var at: Int
        private var end: Int
        private var level = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>, start: UInt32, _ s: Stream) {
            self.bytes = bytes
            stop = Int(s.cursor)
            at = Int(start)
            end = Int(start) + SlicePool.sizes[0] - 4
        }

        var isAtEnd: Bool { at == stop }

        @inline(__always)
        mutating func readByte() -> UInt8 {
            if at == end { nextSlice() }
            let b = bytes[at]
            at += 1
            return b
        }

        /// Moves to the next slice of the stream (the current one is read to its end).
        private mutating func nextSlice() {
            var next = 0
            for k in 0..<4 { next |= Int(bytes[end + k]) << (8 * k) }
            level = min(level + 1, SlicePool.sizes.count - 1)
            at = next
            end = next + SlicePool.sizes[level] - 4
        }

        /// Copies the next `n` VInts into `out` as they are, a slice's bytes at a time.
        mutating func copyVInts(_ n: Int, into out: inout ByteWriter) {
            var left = n
            while left > 0 {
                if at == end { nextSlice() }
                var j = at
                while j < end && left > 0 {
                    if bytes[j] < 0x80 { left -= 1 }
                    j += 1
                }
                out.write(bytes: UnsafeBufferPointer(rebasing: bytes[at..<j]))
                at = j
            }
        }

        @inline(__always)
        mutating func readVInt() -> UInt32 {
            var v: UInt32 = 0
            var shift: UInt32 = 0
            while true {
                let b = readByte()
                v |= UInt32(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
            }
        }
    }
}
