/// Many growing byte streams in one array: the in-memory postings of a segment being built.
///
/// Each stream is a chain of slices of growing size (8, 16, 32, … 1024 bytes); the last four bytes
/// of a full slice hold the offset of the next one. A term seen once costs one 8-byte slice, a
/// frequent term's stream grows by doubling, and no stream is ever copied (the idea of Lucene's
/// ByteBlockPool).
struct SlicePool {
    private(set) var bytes: [UInt8] = []

    static let sizes = [8, 16, 32, 64, 128, 256, 512, 1024]

    /// Where a stream starts and where its next byte goes.
    struct Stream {
        var start = -1
        var cursor = 0
        /// End of the current slice's data (its next-slice pointer follows).
        var end = 0
        var level = 0
    }

    init() {
        bytes.reserveCapacity(1 << 20)
    }

    /// Bytes in use.
    var count: Int { bytes.count }

    private mutating func allocate(_ size: Int) -> Int {
        let at = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: size))
        return at
    }

    /// A new, empty stream.
    mutating func newStream() -> Stream {
        let at = allocate(SlicePool.sizes[0])
        return Stream(start: at, cursor: at, end: at + SlicePool.sizes[0] - 4, level: 0)
    }

    @inline(__always)
    mutating func write(_ b: UInt8, to s: inout Stream) {
        if s.cursor == s.end { nextSlice(&s) }
        bytes[s.cursor] = b
        s.cursor += 1
    }

    private mutating func nextSlice(_ s: inout Stream) {
        let level = min(s.level + 1, SlicePool.sizes.count - 1)
        let size = SlicePool.sizes[level]
        let at = allocate(size)
        // IndexWriter keeps a batch far below 4 GiB of postings.
        precondition(at <= Int(UInt32.max), "a segment's in-memory postings outgrew 4 GiB")
        let next = UInt32(at)
        for k in 0..<4 { bytes[s.end + k] = UInt8(truncatingIfNeeded: next >> (8 * UInt32(k))) }
        s.cursor = at
        s.end = at + size - 4
        s.level = level
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

    /// Reads one stream from its start.
    struct Reader {
        private let bytes: UnsafeBufferPointer<UInt8>
        private let stop: Int
        private var at: Int
        private var end: Int
        private var level = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>, _ s: Stream) {
            self.bytes = bytes
            stop = s.cursor
            at = s.start
            end = s.start + SlicePool.sizes[0] - 4
        }

        var isAtEnd: Bool { at == stop }

        @inline(__always)
        mutating func readByte() -> UInt8 {
            if at == end {
                var next = 0
                for k in 0..<4 { next |= Int(bytes[end + k]) << (8 * k) }
                level = min(level + 1, SlicePool.sizes.count - 1)
                at = next
                end = next + SlicePool.sizes[level] - 4
            }
            let b = bytes[at]
            at += 1
            return b
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
