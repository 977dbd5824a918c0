import NewsIndexCore
/// The sorted term dictionary of a segment (.tdi).
///
/// Keys are `FieldNumber:u8` followed by the term's UTF-8 bytes, sorted bytewise, so all terms of a
/// field are contiguous. Terms are front-coded in blocks of 32; a block index of absolute offsets
/// lets a lookup binary-search the blocks by their first key and then decode at most one block.
///
/// ```
/// TermDictionary --> Header, Block^BlockCount, BlockIndex, Trailer, Footer
/// Block      --> FirstEntry, Entry^(TermsInBlock-1)
/// FirstEntry --> KeyLength:VInt, Key:byte^KeyLength, DocFreq:VInt, ExtraFreq:VInt, DocOffset:VInt, PosOffset:VInt
/// Entry      --> PrefixLength:VInt, SuffixLength:VInt, Suffix:byte^SuffixLength,
///                DocFreq:VInt, ExtraFreq:VInt, DocOffsetDelta:VInt, PosOffsetDelta:VInt
/// BlockIndex --> BlockOffset:u64^BlockCount
/// Trailer    --> TermCount:u64, BlockCount:u32, BlockIndexOffset:u64
/// ```
/// `ExtraFreq` is TotalTermFreq − DocFreq; offset deltas are from the previous term of the block.
///
/// With a sink, the blocks go to disk once a few MiB have gathered; memory holds the block index.
struct TermDictionaryWriter {
    private(set) var out = ByteWriter()
    private var blockOffsets: [UInt64] = []
    private var termCount: UInt64 = 0
    private var inBlock = 0
    private var prevKey: [UInt8] = []
    private var prevInfo = TermInfo(docFreq: 0, totalTermFreq: 0, docOffset: 0, posOffset: 0)
    private let sink: FileSink?
    /// Bytes already drained to the sink.
    private var outBase = 0

    init(segmentID: UInt64, sink: FileSink? = nil) {
        self.sink = sink
        FileEnvelope.writeHeader(&out, type: .termDictionary, segmentID: segmentID)
    }

    /// Drains to the sink, when there is one and enough bytes have gathered.
    mutating func spill() throws {
        guard let sink, out.count >= FileSinkLimits.spillBytes else { return }
        outBase += out.count
        try sink.drain(&out)
    }

    /// Writes what is left, the block index, the trailer and the footer to the sink.
    mutating func finish(toSink: Void) throws {
        guard let sink else { preconditionFailure("a term dictionary writer without a sink") }
        writeIndex()
        try sink.drain(&out)
        try sink.finish()
    }

    /// Adds a term; keys must arrive in strictly increasing byte order.
    mutating func add(key: [UInt8], info: TermInfo) {
        key.withUnsafeBufferPointer { add(key: $0, info: info) }
    }

    /// Adds a term; keys must arrive in strictly increasing byte order.
    mutating func add(key: UnsafeBufferPointer<UInt8>, info: TermInfo) {
        precondition(termCount == 0 || prevKey.lexicographicallyPrecedes(key), "terms out of order")
        if inBlock == 0 || inBlock == FormatConstants.termsPerDictionaryBlock {
            blockOffsets.append(UInt64(outBase + out.count))
            inBlock = 0
            out.writeVInt(key.count)
            out.write(bytes: key)
            out.writeVInt(info.docFreq)
            out.writeVInt(info.totalTermFreq - info.docFreq)
            out.writeVInt(info.docOffset)
            out.writeVInt(info.posOffset)
        } else {
            var prefix = 0
            let n = min(prevKey.count, key.count)
            while prefix < n && prevKey[prefix] == key[prefix] { prefix += 1 }
            out.writeVInt(prefix)
            out.writeVInt(key.count - prefix)
            out.write(bytes: UnsafeBufferPointer(rebasing: key[prefix...]))
            out.writeVInt(info.docFreq)
            out.writeVInt(info.totalTermFreq - info.docFreq)
            out.writeVInt(info.docOffset - prevInfo.docOffset)
            out.writeVInt(info.posOffset - prevInfo.posOffset)
        }
        inBlock += 1
        termCount += 1
        prevKey.removeAll(keepingCapacity: true)
        prevKey.append(contentsOf: key)
        prevInfo = info
    }

    private mutating func writeIndex() {
        let indexOffset = UInt64(outBase + out.count)
        for o in blockOffsets { out.write(o) }
        out.write(termCount)
        out.write(UInt32(blockOffsets.count))
        out.write(indexOffset)
    }

    mutating func finish() -> [UInt8] {
        precondition(sink == nil, "a term dictionary writer with a sink ends with finish(toSink:)")
        writeIndex()
        FileEnvelope.writeFooter(&out)
        return out.bytes
    }
}

/// Reads a segment's term dictionary from mapped bytes.
struct TermDictionaryReader {
    private let bytes: UnsafeRawBufferPointer
    private let file: String
    let termCount: Int
    private let blockCount: Int
    private let indexOffset: Int
    /// What the trailer says (``termCount``, ``blockCount`` and ``indexOffset`` are its parts).
    private let layout: Layout
    private let bodyEnd: Int
    private let docFileSize: Int
    private let posFileSize: Int
    /// The first eight bytes of each block's first key, big-endian and zero-padded: the binary
    /// search over blocks compares these and reads the file only on a tie.
    private let firstKeyHeads: [UInt64]

    init(bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docFileSize: Int, posFileSize: Int) throws {
        self = try Damage.surfacing {
            try TermDictionaryReader(reading: bytes, file: file, segmentID: segmentID, docFileSize: docFileSize, posFileSize: posFileSize)
        }
    }

    private init(reading bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docFileSize: Int, posFileSize: Int) throws {
        let r = try FileEnvelope.open(bytes, file: file, type: .termDictionary, segmentID: segmentID, verifyChecksum: false)
        self.bytes = bytes
        self.file = file
        self.docFileSize = docFileSize
        self.posFileSize = posFileSize
        bodyEnd = r.end
        let trailerSize = 8 + 4 + 8
        guard r.remaining >= trailerSize else { throw NewsIndexError.corrupt(file, "the trailer is missing") }
        // The same validating pass as `newsindex check`'s (its message, at the trailer's offset).
        let trailerAt = r.end - trailerSize
        layout = try TermDictionaryReader.validateTrailer(ByteReader(bytes, file: file, from: trailerAt, to: r.end), at: trailerAt)
        termCount = layout.termCount
        blockCount = layout.blockCount
        indexOffset = layout.indexAt
        let bc = blockCount
        var heads: [UInt64] = []
        heads.reserveCapacity(bc)
        for b in 0..<bc {
            let o = Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: indexOffset + 8 * b, as: UInt64.self)))
            guard o >= FormatConstants.headerSize, o < indexOffset else {
                throw NewsIndexError.corrupt(file, "block \(b) of the term dictionary points outside the file (offset \(o))")
            }
            var br = ByteReader(bytes, file: file, from: o, to: indexOffset)
            let n = try br.readVInt(max: br.remaining)
            heads.append(TermDictionaryReader.head(try br.readBytes(n)))
        }
        firstKeyHeads = heads
    }

    /// The first eight bytes of `key`, big-endian, zero-padded.
    @inline(__always)
    private static func head(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0
        for k in 0..<min(8, key.count) { h |= UInt64(key[k]) << UInt64(56 - 8 * k) }
        return h
    }

    /// The last block whose first key is `<= key` (block 0 when every first key is larger).
    private func block(for key: UnsafeRawBufferPointer) throws -> Int {
        let h = TermDictionaryReader.head(key)
        var lo = 0, hi = blockCount - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            let m = firstKeyHeads[mid]
            let lessOrEqual = m != h ? m < h : try compareFirstKey(mid, key) <= 0
            if lessOrEqual { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    private func blockOffset(_ b: Int) throws -> Int {
        let o = Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: indexOffset + 8 * b, as: UInt64.self)))
        guard o >= FormatConstants.headerSize, o < indexOffset else {
            throw NewsIndexError.corrupt(file, "block \(b) of the term dictionary points outside the file (offset \(o))")
        }
        return o
    }

    private func termsInBlock(_ b: Int) -> Int { layout.termsIn(b) }

    /// Compares the first key of block `b` with `key`.
    private func compareFirstKey(_ b: Int, _ key: UnsafeRawBufferPointer) throws -> Int {
        var r = ByteReader(bytes, file: file, from: try blockOffset(b), to: indexOffset)
        return try Damage.surfacing {
            let n = try r.readVInt(max: r.remaining)
            return compareBytes(try r.readBytes(n), key)
        }
    }

    /// The metadata of `key`, or nil when the segment does not contain it.
    ///
    /// Finds the block by binary search over the blocks' first keys, then walks the block's
    /// front-coded entries keeping only how many leading bytes the current entry shares with
    /// `key`: an entry whose shared prefix with its predecessor is longer than that match cannot
    /// be `key` (it is still smaller), one whose shared prefix is shorter is already larger, so
    /// no key is ever assembled.
    func lookup(_ key: [UInt8]) throws -> TermInfo? {
        guard blockCount > 0 else { return nil }
        return try key.withUnsafeBytes { target -> TermInfo? in
            let lo = try block(for: target)
            var r = BlockCursor(base: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), at: try blockOffset(lo), end: indexOffset)
            var info = TermInfo(docFreq: 0, totalTermFreq: 0, docOffset: 0, posOffset: 0)
            var matched = 0          // leading bytes the current entry shares with `key`
            var length = 0           // the current entry's length
            for i in 0..<termsInBlock(lo) {
                var candidate = true     // whether this entry can still equal `key`
                var past = false         // whether this entry is already greater than `key`
                if i == 0 {
                    length = r.vint()
                    guard let k = r.bytes(length) else { break }
                    matched = 0
                    while matched < length && matched < target.count && k[matched] == target[matched] { matched += 1 }
                    if matched < length && (matched == target.count || k[matched] > target[matched]) { past = true }
                } else {
                    let prefix = r.vint()
                    let suffix = r.vint()
                    guard prefix <= length, let k = r.bytes(suffix) else { r.bad = true; break }
                    length = prefix + suffix
                    if prefix > matched {
                        candidate = false        // same mismatch as before: still smaller
                    } else if prefix < matched {
                        past = true              // differs from its predecessor where that matched `key`: larger
                    } else {
                        var j = 0
                        while j < suffix && matched < target.count && k[j] == target[matched] { j += 1; matched += 1 }
                        if j < suffix && (matched == target.count || k[j] > target[matched]) { past = true }
                    }
                }
                if past { break }
                // Wrapping sums: a damaged entry may hold integers near 2^63; the match below
                // checks the entry it returns.
                info.docFreq = r.vint()
                info.totalTermFreq = info.docFreq &+ r.vint()
                if i == 0 {
                    info.docOffset = r.vint()
                    info.posOffset = r.vint()
                } else {
                    info.docOffset &+= r.vint()
                    info.posOffset &+= r.vint()
                }
                if r.bad { break }
                if candidate && matched == target.count && length == target.count {
                    guard info.docFreq > 0, info.docFreq <= Int(Int32.max), info.totalTermFreq >= info.docFreq,
                          info.docOffset >= 0, info.docOffset <= docFileSize, info.posOffset >= 0, info.posOffset <= posFileSize else {
                        throw NewsIndexError.corrupt(file, "the entry of a term at offset \(r.at) is inconsistent")
                    }
                    return info
                }
            }
            if r.bad { throw NewsIndexError.corrupt(file, "a term entry at offset \(r.at) runs past its block") }
            return nil
        }
    }

    /// Calls `body` with every (key, info) whose key is `>= start`, in order, until it returns false.
    func scan(from start: [UInt8], _ body: ([UInt8], TermInfo) throws -> Bool) throws {
        try Damage.surfacing { try scanBlocks(from: start, body) }
    }

    private func scanBlocks(from start: [UInt8], _ body: ([UInt8], TermInfo) throws -> Bool) throws {
        guard blockCount > 0 else { return }
        var walk = Walk(self, from: try start.withUnsafeBytes { try block(for: $0) })
        while try walk.step() {
            if walk.key.lexicographicallyPrecedes(start) { continue }
            if try !body(walk.key, walk.info) { return }
        }
    }
}

extension TermDictionaryReader {
    /// Every term of a dictionary in key order, one at a time: a merge walks the dictionaries of
    /// its sources side by side. Damage throws, naming the file; keys that do not increase too.
    struct Walk {
        private let reader: TermDictionaryReader
        private var block = -1
        private var inBlock = 0
        private var r: ByteReader?
        /// The current term's key (its field number, then its bytes).
        private(set) var key: [UInt8] = []
        /// The current term's entry.
        private(set) var info = TermInfo(docFreq: 0, totalTermFreq: 0, docOffset: 0, posOffset: 0)
        private var previous: [UInt8] = []
        private var started = false

        /// A walk from the first term of block `first` on.
        init(_ reader: TermDictionaryReader, from first: Int = 0) {
            self.reader = reader
            block = first - 1
        }

        /// Moves to the next term; false after the last.
        mutating func next() throws -> Bool {
            try Damage.surfacing { try step() }
        }

        /// ``next()`` without turning damage into the search's error (the caller does).
        fileprivate mutating func step() throws -> Bool {
            let d = reader
            if r == nil || inBlock == d.termsInBlock(block) {
                block += 1
                guard block < d.blockCount else { return false }
                r = ByteReader(d.bytes, file: d.file, from: try d.blockOffset(block), to: d.indexOffset)
                inBlock = 0
            }
            let limits = TermEntry.Limits(docOffset: d.docFileSize, posOffset: d.posFileSize, extraFreq: Int(Int64.max / 2))
            let e = try TermEntry.read(&r!, first: inBlock == 0, key: &key, limits: limits)
            info.docFreq = e.docFreq
            info.totalTermFreq = e.docFreq + e.extraFreq
            if inBlock == 0 {
                info.docOffset = e.docOffset
                info.posOffset = e.posOffset
            } else {
                info.docOffset += e.docOffset
                info.posOffset += e.posOffset
                guard info.docOffset <= d.docFileSize, info.posOffset <= d.posFileSize else {
                    throw NewsIndexError.corrupt(d.file, "a term's postings offset lies outside the postings file")
                }
            }
            guard info.docFreq > 0 else { throw NewsIndexError.corrupt(d.file, "a term with no documents at offset \(r!.offset)") }
            if started, !previous.lexicographicallyPrecedes(key) {
                throw NewsIndexError.corrupt(d.file, "the terms are out of order at offset \(r!.offset)")
            }
            started = true
            previous.removeAll(keepingCapacity: true)
            previous.append(contentsOf: key)
            inBlock += 1
            return true
        }
    }

    /// Where the parts of a term dictionary lie, as its trailer says.
    struct Layout {
        let termCount: Int
        let blockCount: Int
        /// The offset of the block index (where the blocks end).
        let indexAt: Int

        /// The number of terms in block `b`: a full block, or what is left for the last one.
        func termsIn(_ b: Int) -> Int {
            let per = FormatConstants.termsPerDictionaryBlock
            return b == blockCount - 1 ? termCount - per * b : per
        }
    }

    /// The validating pass over the trailer (`r` reads it, at `trailerAt`): the block index must
    /// end where the trailer begins, and the term count must fill the blocks.
    static func validateTrailer(_ r: ByteReader, at trailerAt: Int) throws -> Layout {
        var t = r
        let tc = try t.readU64()
        let bc = Int(try t.readU32())
        let io = try t.readU64()
        // A search reports either failure in the words it always has.
        let searchText = "the trailer is inconsistent (\(tc) terms in \(bc) blocks, index at \(io))"
        guard io >= UInt64(FormatConstants.headerSize), io <= UInt64(trailerAt), UInt64(trailerAt) - io == UInt64(bc) * 8 else {
            throw Damage(file: r.file, offset: trailerAt, message: "the trailer is inconsistent: a block index at offset \(io) with \(bc) blocks does not end where the trailer begins (\(trailerAt))",
                         searchDetail: searchText)
        }
        let per = FormatConstants.termsPerDictionaryBlock
        guard tc <= UInt64(bc) * UInt64(per), tc + UInt64(per) > UInt64(bc) * UInt64(per) else {
            throw Damage(file: r.file, offset: trailerAt, message: "the trailer says \(tc) terms in \(bc) blocks, but blocks hold \(per) terms each (only the last fewer)",
                         searchDetail: searchText)
        }
        return Layout(termCount: Int(tc), blockCount: bc, indexAt: Int(io))
    }
}

/// One front-coded entry of the term dictionary as stored, decoded by ``read(_:first:key:limits:)``
/// for both ``TermDictionaryReader/scan(from:_:)`` and `newsindex check`.
struct TermEntry {
    var docFreq: Int
    /// TotalTermFreq − DocFreq.
    var extraFreq: Int
    /// The absolute offset in a block's first entry, the delta from the previous entry's otherwise.
    var docOffset: Int
    /// The absolute offset in a block's first entry, the delta from the previous entry's otherwise.
    var posOffset: Int

    /// The largest values an entry may hold.
    struct Limits {
        var docOffset: Int
        var posOffset: Int
        var extraFreq: Int
        /// The check's limits: 2^48 (no file holds that many bytes or tokens).
        static let check = Limits(docOffset: 1 << 48, posOffset: 1 << 48, extraFreq: 1 << 48)
    }

    /// Decodes the entry at `r`, updating `key` (the previous entry's key, in a block's later
    /// entries) in place; throws ``Damage`` naming the field that does not decode.
    @inline(__always)
    static func read(_ r: inout ByteReader, first: Bool, key: inout [UInt8], limits: Limits) throws -> TermEntry {
        if first {
            let length = try r.readVInt(max: r.remaining, "the key length")
            key.removeAll(keepingCapacity: true)
            key.append(contentsOf: try r.readBytes(length))
        } else {
            let prefix = try r.readVInt(max: key.count, "the length of the prefix shared with the previous key")
            let suffix = try r.readVInt(max: r.remaining, "the suffix length")
            key.removeSubrange(prefix...)
            key.append(contentsOf: try r.readBytes(suffix))
        }
        let df = try r.readVInt(max: Int(Int32.max), "DocFreq")
        let extra = try r.readVInt(max: limits.extraFreq, "ExtraFreq")
        let doc = try r.readVInt(max: limits.docOffset, first ? "DocOffset" : "DocOffsetDelta")
        let pos = try r.readVInt(max: limits.posOffset, first ? "PosOffset" : "PosOffsetDelta")
        return TermEntry(docFreq: df, extraFreq: extra, docOffset: doc, posOffset: pos)
    }
}

/// A bounds-checked cursor over one block of the term dictionary for ``TermDictionaryReader/lookup(_:)``:
/// nothing throws in the walk; `bad` records an overrun or an overlong integer, reported once.
private struct BlockCursor {
    let base: UnsafePointer<UInt8>
    var at: Int
    let end: Int
    var bad = false

    /// The next VInt (at most 9 bytes), or 0 with `bad` set.
    @inline(__always)
    mutating func vint() -> Int {
        if let v = VInt.decode(base, at: &at, end: end, maxBytes: 9) { return Int(truncatingIfNeeded: v) }
        bad = true
        return 0
    }

    @inline(__always)
    mutating func bytes(_ n: Int) -> UnsafePointer<UInt8>? {
        guard n <= end - at else { bad = true; return nil }
        defer { at += n }
        return base + at
    }
}

/// Bytewise comparison: negative, zero or positive.
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = min(a.count, b.count)
    for i in 0..<n where a[i] != b[i] {
        return a[i] < b[i] ? -1 : 1
    }
    return a.count - b.count
}
