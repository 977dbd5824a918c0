import NewsIndexCore
/// The decoders of the pieces of the .doc and .pos layouts, shared by ``PostingsCursor`` (search)
/// and `newsindex check` (``SegmentCheck/walkPostings``): each piece is decoded in one place, and
/// each caller words a failure in its own terms where the two always have.
enum PostingsDecoding {
    /// The outcome of ``packedRun(_:at:limit:)``: the width of a sound packed run, or why not.
    enum PackedRun {
        /// A width of at most 32 whose `16 * width` bytes lie before the limit.
        case sound(width: Int)
        /// No width byte before the limit.
        case missingWidth
        /// A width above 32.
        case tooWide(Int)
        /// A width whose `16 * width` bytes run past the limit.
        case short(width: Int)
    }

    /// The packed run at `at` of a .doc file: a width byte of at most 32, then `16 * width` bytes
    /// of bit-packed values (128 of `width` bits), all before `limit`.
    @inline(__always)
    static func packedRun(_ file: UnsafeRawBufferPointer, at: Int, limit: Int) -> PackedRun {
        guard at < limit else { return .missingWidth }
        let width = Int(file[at])
        guard width <= 32 else { return .tooWide(width) }
        guard 16 * width <= limit - at - 1 else { return .short(width: width) }
        return .sound(width: width)
    }

    /// Decodes one posting of a VInt-coded tail block at `r`: `Code = delta << 1 | (freq == 1)`,
    /// then the frequency as a VInt when it is not 1 (more than 1, at most `UInt32.max`). A delta
    /// above `maxDelta` is refused too (the check's bound; the cursor passes `UInt64.max`).
    /// Throws ``Damage`` in the check's words, with the search-time wording as its search detail.
    @_transparent
    static func tailPosting(_ r: inout ByteReader, maxDelta: UInt64) throws -> (delta: UInt64, freq: UInt32) {
        let at = r.offset
        let code = try r.readVInt()
        guard code >> 1 <= maxDelta else { throw tailFailure(r, at: at, delta: code >> 1, maxDelta: maxDelta) }
        if code & 1 == 1 { return (code >> 1, 1) }
        let freqAt = r.offset
        let f = try r.readVInt()
        guard f > 1, f <= UInt64(UInt32.max) else { throw tailFailure(r, at: f > 1 ? freqAt : at, freq: f) }
        return (code >> 1, UInt32(f))
    }

    /// The failure of a tail posting whose delta exceeds `maxDelta` (the posting at `at`), out of line.
    @inline(never)
    static func tailFailure(_ r: ByteReader, at: Int, delta: UInt64, maxDelta: UInt64) -> Damage {
        r.damage("a document delta of \(delta) is larger than the segment (\(maxDelta) documents)", at: at,
                 search: "a document delta of \(delta) is larger than the segment")
    }

    /// The failure of a tail posting's written-out frequency `f` (0, 1 or past 32 bits; at `at`,
    /// the posting's start or, past 32 bits, the frequency's), out of line.
    @inline(never)
    static func tailFailure(_ r: ByteReader, at: Int, freq f: UInt64) -> Damage {
        if f > 1 {
            return r.damage("a frequency is \(f), more than its limit \(UInt32.max)", at: at, search: "bad term frequency \(f)")
        }
        return r.damage("a frequency of \(f) is written out (1 is flagged in the document code, 0 is impossible)", at: at,
                        search: "bad term frequency \(f)")
    }

    /// Where ``positions(_:_:at:end:roomy:base:into:)`` stopped: at VInt `k` (counted from the
    /// first asked for), which starts at `start`; decoding stopped at `at`. A VInt of five or
    /// more bytes (`at - start >= 5`) overflows 31 bits; a shorter one is truncated by the end.
    struct PositionsFailure: Error {
        /// The VInt's number, from the first asked for.
        let k: Int
        /// The offset of its first byte.
        let start: Int
        /// Where decoding stopped.
        let at: Int
        /// Whether the VInt overflows 31 bits (rather than running into the end).
        var overflows: Bool { at - start >= 5 }
    }

    /// Decodes `f` position deltas from `at` in a .pos file, adding them up from `base` into
    /// `out[0..<f]` (truncated to 32 bits); returns the last position in 64 bits. A one-byte delta
    /// (the common case) takes a single branch; longer ones go through
    /// ``VInt/decode(_:at:end:maxBytes:)``. `roomy` says that `5 * f` bytes remain before `end`,
    /// so no position needs a bound check. A delta fits 31 bits (positions are Int32 in the span
    /// code): at most 5 bytes, the fifth at most 0x07.
    @inline(__always)
    static func positions(_ bytes: UnsafePointer<UInt8>, _ f: Int, at: inout Int, end: Int, roomy: Bool,
                          base: UInt64 = 0, into out: UnsafeMutablePointer<UInt32>) throws(PositionsFailure) -> UInt64 {
        var p = base
        for k in 0..<f {
            if !roomy && at >= end { throw PositionsFailure(k: k, start: at, at: at) }
            let b0 = bytes[at]
            if b0 < 0x80 {
                at += 1
                p &+= UInt64(b0)
            } else {
                let start = at
                guard let v = VInt.decode(bytes, at: &at, end: roomy ? Int.max : end, maxBytes: 5), v <= UInt64(Int32.max) else {
                    throw PositionsFailure(k: k, start: start, at: at)
                }
                p &+= v
            }
            out[k] = UInt32(truncatingIfNeeded: p)
        }
        return p
    }

    /// The offset after `count` VInts from `offset` (counting the bytes that end a VInt, high bit
    /// clear, eight bytes at a time), and how many of them `end` left unread (0 when all were).
    static func skipVInts(_ bytes: UnsafeRawBufferPointer, _ count: Int, from offset: Int, end: Int) -> (at: Int, left: Int) {
        var need = count
        var at = offset
        while need > 0 && end - at >= 8 {
            let w = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            let ends = (~w & 0x8080_8080_8080_8080).nonzeroBitCount
            if ends >= need { break }
            need -= ends
            at += 8
        }
        while need > 0 {
            guard at < end else { return (at, need) }
            if bytes[at] < 0x80 { need -= 1 }
            at += 1
        }
        return (at, 0)
    }
}
