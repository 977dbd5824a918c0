import NewsIndexCore

/// One term's walk over its postings and positions for ``SegmentCheck/walkPostings``: the two
/// cursors, the checks of each posting and its positions, and the term's tallies.
struct PostingsWalk {
    var d: ByteReader
    var p: ByteReader
    let docCount: Int
    /// The field's norm bytes, when the .nrm file was sound.
    let norms: UnsafeRawBufferPointer?
    /// Whether positions must lie below the length the norm byte gives.
    let bounded: Bool
    let isID: Bool
    /// Where the positions of a document are decoded.
    let scratch: PositionScratch
    var docs: [Int]
    var freqs: [Int]
    var sums: [Int]
    var prev = -1
    var total = 0
    var maxFreq = 0
    var minNorm = 255

    /// Checks one posting (a document delta and frequency, the posting at `at` in .doc) and its positions.
    @inline(__always)
    mutating func posting(_ delta: Int, _ freq: Int, at: Int) throws {
        let docNo = prev < 0 ? delta : prev + delta
        if prev >= 0 && delta == 0 {
            throw Damage(file: d.file, offset: at, message: "document \(docNo) follows itself (document numbers must strictly increase)")
        }
        if docNo >= docCount {
            throw Damage(file: d.file, offset: at, message: "document \(docNo) is beyond the segment's \(docCount) documents")
        }
        prev = docNo
        // Every position takes at least one byte.
        if freq > p.remaining {
            throw p.damage("the \(freq) positions of document \(docNo) run past the term's positions (\(p.remaining) bytes left)")
        }
        let sum = try positions(freq, of: docNo)
        total += freq
        maxFreq = max(maxFreq, freq)
        if let norms { minNorm = min(minNorm, Int(norms[docNo])) }
        docs.append(docNo)
        freqs.append(freq)
        sums.append(sum)
    }

    /// Decodes the `freq` positions of document `docNo` with the cursor's decoder
    /// (``PostingsDecoding/positions(_:_:at:end:roomy:base:into:)``) and checks them; returns their
    /// sum. A delta that decoder refuses is read again by the check's own rule (any VInt of at most
    /// 10 bytes, a value of at most 31 bits), which words the failure or takes the delta.
    mutating func positions(_ freq: Int, of docNo: Int) throws -> Int {
        let out = scratch.reserve(freq)
        let bytes = p.base.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var v = PositionValues(from: p.offset, docNo: docNo, norms: norms, bounded: bounded, isID: isID)
        var at = p.offset
        var done = 0                 // positions decoded
        var last: UInt64 = 0         // the last of them
        while true {
            let failure: PostingsDecoding.PositionsFailure
            do {
                last = try PostingsDecoding.positions(bytes, freq - done, at: &at, end: p.end, roomy: p.end - at >= 5 * (freq - done),
                                                      base: last, into: out + done)
                try v.check(out, done..<freq, p)
                break
            } catch let f as PostingsDecoding.PositionsFailure {
                failure = f
            }
            let bad = done + failure.k
            try v.check(out, done..<bad, p)
            var r = p
            r.offset = failure.start
            let delta = try r.readVInt()
            guard delta <= UInt64(Int32.max) else {
                throw p.damage("a position delta of \(delta) in document \(docNo) is too large", at: failure.start)
            }
            // An overlong VInt of a small delta: the check takes it.
            last &+= delta
            out[bad] = UInt32(truncatingIfNeeded: last)
            done = bad + 1
            at = r.offset
            try v.check(out, bad..<done, p)
        }
        p.offset = at
        return v.sum
    }
}

/// The checks of one document's decoded positions, in order: strictly increasing, below the
/// field's length (where bounded), the id term at 0; and their sum.
struct PositionValues {
    /// Where the document's positions begin in .pos (for the offsets of failures).
    let from: Int
    /// The document, for messages.
    let docNo: Int
    /// The document's norm byte in the field (0 without norms).
    let norm: Int
    /// Positions must lie below it (`Int.max` where the field is not bounded).
    let limit: Int
    /// Whether the term is an id term (its one position must be 0).
    let isID: Bool
    /// The last position checked.
    var position = 0
    /// The sum of the positions checked.
    var sum = 0

    /// The checks of document `docNo`'s positions, starting at `from` in .pos.
    init(from: Int, docNo: Int, norms: UnsafeRawBufferPointer?, bounded: Bool, isID: Bool) {
        self.from = from
        self.docNo = docNo
        norm = norms.map { Int($0[docNo]) } ?? 0
        limit = bounded ? SegmentCheck.positionLimit[norm] : Int.max
        self.isID = isID
    }

    /// Checks positions `out[range]` (every delta fits 31 bits, so two neighbours' difference in
    /// 32 bits is the delta); `p` reads the positions, for the offset of a failure.
    @inline(__always)
    mutating func check(_ out: UnsafeMutablePointer<UInt32>, _ range: Range<Int>, _ p: ByteReader) throws {
        for k in range {
            let delta = Int(k == 0 ? out[0] : out[k] &- out[k - 1])
            if k == 0 {
                position = delta
            } else {
                guard delta > 0 else { throw damage(p, k, "position \(position) of document \(docNo) repeats (positions must strictly increase)") }
                position += delta
            }
            if position >= limit {
                throw damage(p, k, "position \(position) in document \(docNo) lies beyond the field's length (its norm byte \(norm) allows positions below \(limit))")
            }
            if isID && position != 0 {
                throw damage(p, k, "the id term sits at position \(position) of document \(docNo), not at 0")
            }
            sum += position
        }
    }

    /// A ``Damage`` at the start of the document's `k`-th position VInt (found again only now).
    func damage(_ p: ByteReader, _ k: Int, _ message: String) -> Damage {
        p.damage(message, at: PostingsDecoding.skipVInts(p.base, k, from: from, end: p.end).at)
    }
}

/// A growable buffer of decoded positions, reused by the check from document to document.
final class PositionScratch {
    private var buffer: UnsafeMutablePointer<UInt32>
    private var capacity: Int

    init() {
        capacity = 64
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Room for at least `n` positions (what it held before is not kept).
    @inline(__always)
    func reserve(_ n: Int) -> UnsafeMutablePointer<UInt32> {
        if n > capacity {
            buffer.deallocate()
            capacity = max(n, 2 * capacity)
            buffer = .allocate(capacity: capacity)
        }
        return buffer
    }
}
