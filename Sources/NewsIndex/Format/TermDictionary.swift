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
struct TermDictionaryWriter {
    private(set) var out = ByteWriter()
    private var blockOffsets: [UInt64] = []
    private var termCount: UInt64 = 0
    private var inBlock = 0
    private var prevKey: [UInt8] = []
    private var prevInfo = TermInfo(docFreq: 0, totalTermFreq: 0, docOffset: 0, posOffset: 0)

    init(segmentID: UInt64) {
        FileEnvelope.writeHeader(&out, type: .termDictionary, segmentID: segmentID)
    }

    /// Adds a term; keys must arrive in strictly increasing byte order.
    mutating func add(key: [UInt8], info: TermInfo) {
        key.withUnsafeBufferPointer { add(key: $0, info: info) }
    }

    /// Adds a term; keys must arrive in strictly increasing byte order.
    mutating func add(key: UnsafeBufferPointer<UInt8>, info: TermInfo) {
        precondition(termCount == 0 || prevKey.lexicographicallyPrecedes(key), "terms out of order")
        if inBlock == 0 || inBlock == FormatConstants.termsPerDictionaryBlock {
            blockOffsets.append(UInt64(out.count))
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

    mutating func finish() -> [UInt8] {
        let indexOffset = UInt64(out.count)
        for o in blockOffsets { out.write(o) }
        out.write(termCount)
        out.write(UInt32(blockOffsets.count))
        out.write(indexOffset)
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
    private let bodyEnd: Int
    private let docFileSize: Int
    private let posFileSize: Int
    /// The first eight bytes of each block's first key, big-endian and zero-padded: the binary
    /// search over blocks compares these and reads the file only on a tie.
    private let firstKeyHeads: [UInt64]

    init(bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docFileSize: Int, posFileSize: Int) throws {
        var r = try FileEnvelope.open(bytes, file: file, type: .termDictionary, segmentID: segmentID)
        self.bytes = bytes
        self.file = file
        self.docFileSize = docFileSize
        self.posFileSize = posFileSize
        bodyEnd = r.end
        let trailerSize = 8 + 4 + 8
        guard r.remaining >= trailerSize else { throw NewsIndexError.corrupt(file, "the trailer is missing") }
        r.offset = r.end - trailerSize
        let tc = try r.readU64()
        let bc = Int(try r.readU32())
        let io = try r.readU64()
        let per = UInt64(FormatConstants.termsPerDictionaryBlock)
        guard io >= UInt64(FormatConstants.headerSize), io <= UInt64(bodyEnd - trailerSize),
              UInt64(bc) * 8 == UInt64(bodyEnd - trailerSize) - io,
              tc <= UInt64(bc) * per, tc + per > UInt64(bc) * per || (tc == 0 && bc == 0) else {
            throw NewsIndexError.corrupt(file, "the trailer is inconsistent (\(tc) terms in \(bc) blocks, index at \(io))")
        }
        termCount = Int(tc)
        blockCount = bc
        indexOffset = Int(io)
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

    private func termsInBlock(_ b: Int) -> Int {
        b == blockCount - 1 ? termCount - b * FormatConstants.termsPerDictionaryBlock : FormatConstants.termsPerDictionaryBlock
    }

    /// Compares the first key of block `b` with `key`.
    private func compareFirstKey(_ b: Int, _ key: UnsafeRawBufferPointer) throws -> Int {
        var r = ByteReader(bytes, file: file, from: try blockOffset(b), to: indexOffset)
        let n = try r.readVInt(max: r.remaining)
        let k = try r.readBytes(n)
        return compareBytes(k, key)
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
        guard blockCount > 0 else { return }
        var b = try start.withUnsafeBytes { try block(for: $0) }
        while b < blockCount {
            var r = ByteReader(bytes, file: file, from: try blockOffset(b), to: indexOffset)
            var key: [UInt8] = []
            var info = TermInfo(docFreq: 0, totalTermFreq: 0, docOffset: 0, posOffset: 0)
            for i in 0..<termsInBlock(b) {
                if i == 0 {
                    let n = try r.readVInt(max: r.remaining)
                    key = Array(try r.readBytes(n))
                    info.docFreq = try r.readVInt(max: Int(Int32.max))
                    info.totalTermFreq = info.docFreq + (try r.readVInt(max: Int(Int64.max / 2)))
                    info.docOffset = try r.readVInt(max: docFileSize)
                    info.posOffset = try r.readVInt(max: posFileSize)
                } else {
                    let prefix = try r.readVInt(max: key.count)
                    let suffix = try r.readVInt(max: r.remaining)
                    key.removeSubrange(prefix...)
                    key.append(contentsOf: try r.readBytes(suffix))
                    info.docFreq = try r.readVInt(max: Int(Int32.max))
                    info.totalTermFreq = info.docFreq + (try r.readVInt(max: Int(Int64.max / 2)))
                    info.docOffset += try r.readVInt(max: docFileSize)
                    info.posOffset += try r.readVInt(max: posFileSize)
                    guard info.docOffset <= docFileSize, info.posOffset <= posFileSize else {
                        throw NewsIndexError.corrupt(file, "a term's postings offset lies outside the postings file")
                    }
                }
                guard info.docFreq > 0 else { throw NewsIndexError.corrupt(file, "a term with no documents at offset \(r.offset)") }
                if key.lexicographicallyPrecedes(start) { continue }
                if try !body(key, info) { return }
            }
            b += 1
        }
    }
}

/// A bounds-checked cursor over one block of the term dictionary for ``TermDictionaryReader/lookup(_:)``:
/// nothing throws in the walk; `bad` records an overrun or an overlong integer, reported once.
private struct BlockCursor {
    let base: UnsafePointer<UInt8>
    var at: Int
    let end: Int
    var bad = false

    @inline(__always)
    mutating func vint() -> Int {
        var v = 0
        var shift = 0
        while at < end {
            let b = base[at]
            at += 1
            v |= Int(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
            if shift > 56 { break }
        }
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
