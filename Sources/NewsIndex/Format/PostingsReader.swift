import NewsIndexCore
/// Iterates one term's postings in one segment: documents in increasing order, their frequencies,
/// and — on demand — their positions.
///
/// The cursor follows the iterator contract of the search layer: `doc` is `-1` before the first call
/// to ``advance()`` or ``seek(_:)`` and ``PostingsCursor/noMoreDocs`` after the last document;
/// `seek(target)` needs `target > doc` and moves to the first document `>= target`.
/// Blocks are decoded one at a time into two fixed buffers; skip entries let `seek` jump over
/// whole blocks without decoding them; positions are decoded only when asked for.
final class PostingsCursor {
    static let noMoreDocs = Int32.max

    private let file: UnsafeRawBufferPointer
    private let posFile: UnsafeRawBufferPointer
    private let fileName: String
    private let maxDoc: Int
    let info: TermInfo

    private let skipStart: Int       // offset of the skip table in .doc
    private let skipCount: Int
    private let blocksStart: Int     // offset of the first block in .doc
    private let blockCount: Int      // number of blocks (full blocks + tail)

    private let docBuf: UnsafeMutablePointer<UInt32>
    private let freqBuf: UnsafeMutablePointer<UInt32>
    private var bufCount = 0         // documents in the buffers
    private var bufIndex = 0         // current document's index in the buffers
    private var block = -1           // current block number
    private var blockPosStart = 0    // offset in .pos of the current block's positions
    private var pendingFreqs = -1    // offset in .doc of the current block's packed frequencies not yet unpacked, or -1

    private var posCursor = 0        // offset in .pos of the positions of buffer document `posDoc`
    private var posDoc = 0
    private var lastPosStart = 0     // where the positions last returned by positions(into:) began
    private var posBuf: UnsafeMutablePointer<UInt32>?  // the positions last decoded (allocated when first asked for)
    private var posCapacity = 0

    /// The current document, `-1` before the start, ``noMoreDocs`` after the end.
    private(set) var doc: Int32 = -1

    init(info: TermInfo, doc file: UnsafeRawBufferPointer, pos posFile: UnsafeRawBufferPointer,
         fileName: String, maxDoc: Int) throws {
        self.info = info
        self.file = file
        self.posFile = posFile
        self.fileName = fileName
        self.maxDoc = maxDoc
        let bs = FormatConstants.blockSize
        let df = info.docFreq
        skipCount = df < bs ? 0 : (df + bs - 1) / bs
        blockCount = (df + bs - 1) / bs
        skipStart = info.docOffset
        blocksStart = skipStart + skipCount * SkipEntry.size
        let limit = file.count - FormatConstants.footerSize
        guard df > 0, info.docOffset >= FormatConstants.headerSize, blocksStart <= limit,
              info.posOffset >= FormatConstants.headerSize, info.posOffset <= posFile.count - FormatConstants.footerSize else {
            throw NewsIndexError.corrupt(fileName, "a term's postings offset \(info.docOffset) lies outside the file")
        }
        // One allocation for both buffers (a query opens a cursor per word, field and segment).
        docBuf = .allocate(capacity: 2 * bs)
        freqBuf = docBuf + bs
        posBuf = nil
    }

    deinit {
        docBuf.deallocate()
        posBuf?.deallocate()
    }

    /// Number of documents of the term.
    var cost: Int { info.docFreq }

    /// Skip data of the block holding the current document: its largest frequency, smallest norm
    /// and last document (nil without skip data, or before the first document).
    var currentBlockBound: (maxFreq: UInt32, minNorm: UInt8, lastDoc: Int32)? {
        block >= 0 ? blockBound(block) : nil
    }

    /// The number of the block holding the current document (-1 before the first document).
    var blockNumber: Int { block }

    /// Number of blocks with skip data (0 for a term in fewer than a block's documents).
    var skipBlockCount: Int { skipCount }

    /// The largest frequency and smallest norm over all blocks (nil without skip data).
    func termBound() -> (maxFreq: UInt32, minNorm: UInt8)? {
        guard skipCount > 0 else { return nil }
        var f: UInt32 = 0, n: UInt8 = 255
        for b in 0..<skipCount {
            let e = skipEntry(b)
            f = max(f, e.maxFreq)
            n = min(n, e.minNorm)
        }
        return (f, n)
    }

    /// An upper bound on the term's score over all its documents: the largest of
    /// `blockScore(maxFreq, minNorm)` over its blocks (each block's own largest frequency and
    /// shortest field, tighter than combining them across blocks), or, for a term without skip
    /// data (fewer than 128 documents), the exact largest `score(doc, freq)`, read from the
    /// postings without moving the cursor.
    func scoreBound(blockScore: (UInt32, UInt8) -> Float, score: (Int32, UInt32) -> Float) throws -> Float {
        if skipCount > 0 {
            var best = -Float.infinity
            for b in 0..<skipCount {
                let e = skipEntry(b)
                best = max(best, blockScore(e.maxFreq, e.minNorm))
            }
            return best
        }
        return try Damage.surfacing { try tailScoreBound(score: score) }
    }

    /// ``scoreBound(blockScore:score:)`` of a term without skip data: one VInt-coded tail block.
    private func tailScoreBound(score: (Int32, UInt32) -> Float) throws -> Float {
        var r = ByteReader(file, file: fileName, from: blocksStart, to: file.count - FormatConstants.footerSize)
        var doc: UInt64 = 0
        var best = -Float.infinity
        for _ in 0..<info.docFreq {
            let (delta, f) = try PostingsDecoding.tailPosting(&r, maxDelta: .max)
            doc &+= delta
            guard doc < UInt64(maxDoc) else {
                throw corrupt("a posting names document \(doc), beyond the segment's \(maxDoc) documents")
            }
            best = max(best, score(Int32(doc), f))
        }
        return best
    }

    /// Term frequency in the current document.
    @inline(__always) var freq: UInt32 {
        if pendingFreqs >= 0 { unpackFreqs() }
        return freqBuf[bufIndex]
    }

    /// Unpacks the current full block's frequencies (their width was checked when it was loaded).
    private func unpackFreqs() {
        let at = pendingFreqs
        pendingFreqs = -1
        BitPacking.unpack(file.baseAddress! + at + 1, width: Int(file[at]), into: freqBuf)
        for i in 0..<FormatConstants.blockSize { freqBuf[i] &+= 1 }
    }

    private func corrupt(_ what: String) -> NewsIndexError {
        NewsIndexError.corrupt(fileName, what)
    }

    private func skipEntry(_ b: Int) -> SkipEntry {
        SkipEntry.read(file, at: skipStart + b * SkipEntry.size)
    }

    /// Largest frequency and smallest norm in block `b`, for score upper bounds (nil without skip data).
    func blockBound(_ b: Int) -> (maxFreq: UInt32, minNorm: UInt8, lastDoc: Int32)? {
        guard b < skipCount else { return nil }
        let s = skipEntry(b)
        return (s.maxFreq, s.minNorm, Int32(truncatingIfNeeded: s.lastDoc))
    }

    /// Decodes block `b` into the buffers; the previous document (last of block b-1) is `base`.
    private func loadBlock(_ b: Int) throws {
        let bs = FormatConstants.blockSize
        let start = blocksStart + (b == 0 ? 0 : Int(skipEntry(b - 1).docEnd))
        let limit = file.count - FormatConstants.footerSize
        blockPosStart = info.posOffset + (b == 0 ? 0 : Int(skipEntry(b - 1).posEnd))
        var base: UInt64 = b == 0 ? 0 : UInt64(skipEntry(b - 1).lastDoc)
        let fullBlocks = info.docFreq / bs
        guard start < limit, blockPosStart <= posFile.count - FormatConstants.footerSize else {
            throw corrupt("a postings block at offset \(start) lies outside the file")
        }
        if b < fullBlocks {
            // The deltas' run leaves room for the frequencies' width byte before the limit.
            guard case .sound(let w1) = PostingsDecoding.packedRun(file, at: start, limit: limit - 1) else {
                throw corrupt("bad packed block at offset \(start)")
            }
            base = BitPacking.unpackDeltas(file.baseAddress! + start + 1, width: w1, base: base, into: docBuf)
            let at2 = start + 1 + 16 * w1
            guard case .sound = PostingsDecoding.packedRun(file, at: at2, limit: limit) else {
                throw corrupt("bad packed block at offset \(at2)")
            }
            // Frequencies are unpacked when first asked for: seeks often pass over blocks
            // (or land in them only to leave) without needing them.
            pendingFreqs = at2
            bufCount = bs
        } else {
            pendingFreqs = -1
            let n = info.docFreq - fullBlocks * bs
            base = try Damage.surfacing { try loadTail(n, from: start, to: limit, base: base) }
            bufCount = n
        }
        guard base < UInt64(maxDoc) else {
            throw corrupt("a posting names document \(base), beyond the segment's \(maxDoc) documents")
        }
        block = b
        bufIndex = 0
        posCursor = blockPosStart
        posDoc = 0
    }

    /// Decodes the `n` VInt-coded postings of the tail block at `start` into the buffers; returns
    /// the last document.
    @inline(__always)
    private func loadTail(_ n: Int, from start: Int, to limit: Int, base: UInt64) throws -> UInt64 {
        var base = base
        var r = ByteReader(file, file: fileName, from: start, to: limit)
        for i in 0..<n {
            let (delta, f) = try PostingsDecoding.tailPosting(&r, maxDelta: .max)
            base &+= delta
            docBuf[i] = UInt32(truncatingIfNeeded: base)
            freqBuf[i] = f
        }
        return base
    }

    /// Moves to the next document and returns it (or ``noMoreDocs``).
    @discardableResult
    func advance() throws -> Int32 {
        if doc == PostingsCursor.noMoreDocs { return doc }
        if block >= 0 && bufIndex + 1 < bufCount {
            bufIndex += 1
        } else if block + 1 < blockCount {
            try loadBlock(block + 1)
        } else {
            doc = PostingsCursor.noMoreDocs
            return doc
        }
        doc = Int32(truncatingIfNeeded: docBuf[bufIndex])
        return doc
    }

    /// Moves to the first document `>= target` and returns it (or ``noMoreDocs``).
    ///
    /// Skip entries pass over whole blocks below the target without decoding them; within the
    /// block that holds the target, the decoded documents are scanned directly (no per-document
    /// ``advance()``).
    @discardableResult
    func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        if block < 0 || Int32(truncatingIfNeeded: docBuf[bufCount - 1]) < target {
            // The target lies beyond the current block: the first block whose last document
            // reaches it (without skip data there is only one block).
            var b = block + 1
            while b < skipCount && Int32(truncatingIfNeeded: skipEntry(b).lastDoc) < target { b += 1 }
            if b >= blockCount {
                doc = PostingsCursor.noMoreDocs
                return doc
            }
            try loadBlock(b)
        }
        var i = bufIndex
        let n = bufCount
        while i < n && Int32(truncatingIfNeeded: docBuf[i]) < target { i += 1 }
        if i == n {
            // Only without skip data: the single block ends below the target.
            bufIndex = n - 1
            doc = PostingsCursor.noMoreDocs
            return doc
        }
        bufIndex = i
        doc = Int32(truncatingIfNeeded: docBuf[i])
        return doc
    }

    /// The decoded block from the current document on, for callers that walk a block themselves
    /// (``PrunedTopK``): its documents and frequencies (unpacked here if they were not yet), and the
    /// current document's index in them; the block's documents are `docs[from..<count]`. Valid
    /// until the cursor moves. Only on a document (not before the first nor after the last).
    @inline(__always) func currentBlock() -> (docs: UnsafePointer<UInt32>, freqs: UnsafePointer<UInt32>, from: Int, count: Int) {
        if pendingFreqs >= 0 { unpackFreqs() }
        return (UnsafePointer(docBuf), UnsafePointer(freqBuf), bufIndex, bufCount)
    }

    /// The last document of the decoded block (only on a document): every document of the term
    /// from the current one up to it is in ``currentBlock()``.
    @inline(__always) var lastBufferedDoc: Int32 {
        Int32(truncatingIfNeeded: docBuf[bufCount - 1])
    }

    /// Moves to index `i` of the decoded block (`i` at or after the current index, at most the
    /// block's count; the count moves on to the next block's first document) and returns the
    /// document there (or ``noMoreDocs``).
    @inline(__always) func moveInBlock(to i: Int) throws -> Int32 {
        if i < bufCount {
            bufIndex = i
            doc = Int32(truncatingIfNeeded: docBuf[i])
            return doc
        }
        bufIndex = bufCount - 1
        return try advance()
    }

    /// Appends the current document's positions (ascending) to `out`.
    func positions(into out: inout [UInt32]) throws {
        out.append(contentsOf: try currentPositions())
    }

    /// Where the current document's positions start in .pos: past those of the earlier documents
    /// of the block that were never read.
    private func positionsStart(end: Int) throws -> Int {
        guard posDoc < bufIndex else { return posCursor }
        var skip = 0
        for k in posDoc..<bufIndex { skip += Int(freqBuf[k]) }
        let (after, left) = PostingsDecoding.skipVInts(posFile, skip, from: posCursor, end: end)
        guard left == 0 else { throw corrupt("truncated positions at offset \(after)") }
        posDoc = bufIndex
        return after
    }

    /// The current document's positions as stored (VInt deltas from 0), for a merge to copy; to
    /// be asked for once per document at most, and not mixed with ``currentPositions()``.
    func currentPositionBytes() throws -> UnsafeRawBufferPointer {
        if pendingFreqs >= 0 { unpackFreqs() }
        let end = posFile.count - FormatConstants.footerSize
        let at = try positionsStart(end: end)
        let (after, left) = PostingsDecoding.skipVInts(posFile, Int(freqBuf[bufIndex]), from: at, end: end)
        guard left == 0 else { throw corrupt("truncated positions at offset \(after)") }
        posCursor = after
        posDoc = bufIndex + 1
        return UnsafeRawBufferPointer(rebasing: posFile[at..<after])
    }

    /// The current document's positions (ascending), in a buffer the cursor owns: valid until
    /// the cursor moves or is asked for positions again.
    func currentPositions() throws -> UnsafeBufferPointer<UInt32> {
        if posDoc == bufIndex + 1 {
            // Asked again for the same document: read it again from where it started.
            posCursor = lastPosStart
            posDoc = bufIndex
        }
        if pendingFreqs >= 0 { unpackFreqs() }
        let end = posFile.count - FormatConstants.footerSize
        var at = try positionsStart(end: end)
        lastPosStart = at
        let f = Int(freqBuf[bufIndex])
        // Every position takes at least one byte.
        guard f <= end - at else { throw corrupt("truncated positions at offset \(at)") }
        if posBuf == nil || f > posCapacity {
            posBuf?.deallocate()
            posCapacity = max(f, 2 * posCapacity, 64)
            posBuf = .allocate(capacity: posCapacity)
        }
        let posBuf = posBuf.unsafelyUnwrapped
        // With room for f VInts of the longest legal length (5 bytes), no position needs a bound
        // check: that case is decoded inline, the other (near the end of the file) out of line.
        let p = end - at >= 5 * f ? try decodePositions(f, at: &at, end: end, roomy: true)
                                  : try decodePositionsNearEnd(f, at: &at, end: end)
        // Deltas of 31 bits cannot wrap 64; the last (largest) position must fit an Int32.
        guard p <= UInt64(Int32.max) else { throw corrupt("a position lies past 2^31 before offset \(at)") }
        posCursor = at
        posDoc = bufIndex + 1
        return UnsafeBufferPointer(start: posBuf, count: f)
    }

    /// Decodes `f` positions from `at` into the positions buffer
    /// (``PostingsDecoding/positions(_:_:at:end:roomy:base:into:)``); returns the last position.
    @inline(__always)
    private func decodePositions(_ f: Int, at: inout Int, end: Int, roomy: Bool) throws -> UInt64 {
        let bytes = posFile.baseAddress!.assumingMemoryBound(to: UInt8.self)
        do {
            return try PostingsDecoding.positions(bytes, f, at: &at, end: end, roomy: roomy, into: posBuf.unsafelyUnwrapped)
        } catch {
            throw positionsError(error)
        }
    }

    /// The search-time error of positions that did not decode, out of line.
    @inline(never)
    private func positionsError(_ failure: PostingsDecoding.PositionsFailure) -> NewsIndexError {
        if failure.overflows { return corrupt("a position overflows 31 bits at offset \(failure.start + 4)") }
        return corrupt("truncated positions at offset \(failure.at)")
    }

    /// ``decodePositions(_:at:end:roomy:)`` with a bound check per position, out of line.
    @inline(never)
    private func decodePositionsNearEnd(_ f: Int, at: inout Int, end: Int) throws -> UInt64 {
        try decodePositions(f, at: &at, end: end, roomy: false)
    }
}

extension SkipEntry {
    /// The skip entry at `at` of a .doc file (the caller has checked that it lies in the file).
    @inline(__always)
    static func read(_ file: UnsafeRawBufferPointer, at: Int) -> SkipEntry {
        SkipEntry(
            lastDoc: UInt32(littleEndian: file.loadUnaligned(fromByteOffset: at, as: UInt32.self)),
            docEnd: UInt32(littleEndian: file.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self)),
            posEnd: UInt32(littleEndian: file.loadUnaligned(fromByteOffset: at + 8, as: UInt32.self)),
            maxFreq: UInt32(littleEndian: file.loadUnaligned(fromByteOffset: at + 12, as: UInt32.self)),
            minNorm: file[at + 16])
    }
}
