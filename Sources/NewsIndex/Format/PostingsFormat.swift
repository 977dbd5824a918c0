/// Metadata of one term as stored in the term dictionary.
struct TermInfo: Equatable {
    var docFreq: Int
    var totalTermFreq: Int
    /// Offset of the term's postings in the segment's .doc file.
    var docOffset: Int
    /// Offset of the term's positions in the segment's .pos file.
    var posOffset: Int
}

/// One skip entry: describes a full block of 128 documents (or the tail that follows the last full block).
///
/// ```
/// SkipEntry --> LastDoc:u32, DocEnd:u32, PosEnd:u32, MaxFreq:u32, MinNorm:u8     (17 bytes)
/// ```
/// `DocEnd` and `PosEnd` are the offsets just past the block, relative to the start of the
/// term's blocks and of the term's positions. `MaxFreq`/`MinNorm` bound the best score any document
/// of the block can have (BM25 grows with tf and falls with length).
struct SkipEntry {
    static let size = 17
    var lastDoc: UInt32
    var docEnd: UInt32
    var posEnd: UInt32
    var maxFreq: UInt32
    var minNorm: UInt8
}

/// How much a writer with a ``FileSink`` gathers in memory before it writes to disk.
enum FileSinkLimits {
    static let spillBytes = 4 << 20
}

/// Writes the postings (.doc) and positions (.pos) of one term at a time.
///
/// ```
/// TermPostings --> [SkipEntry^SkipCount]  PackedBlock^FullBlocks  TailDoc^TailCount
///   SkipCount  = 0 when DocFreq < 128, else ceil(DocFreq / 128)
///   FullBlocks = floor(DocFreq / 128);  TailCount = DocFreq mod 128
/// PackedBlock --> DocBits:u8, PackedDocDeltas(DocBits), FreqBits:u8, PackedFreqsMinusOne(FreqBits)
/// TailDoc     --> VInt(DocDelta << 1 | (Freq == 1)), [VInt(Freq) when Freq > 1]
/// TermPositions --> (VInt(PositionDelta)^Freq)^DocFreq
/// ```
/// Doc deltas are taken from the previous document of the term (the first from 0); position deltas
/// restart at 0 for each document.
///
/// With sinks, the bytes go to disk between terms, once a few MiB have gathered, so that memory
/// holds one term's postings at most beyond that.
struct PostingsWriter {
    var doc = ByteWriter()
    var pos = ByteWriter()
    private let sinks: (doc: FileSink, pos: FileSink)?
    /// Bytes already drained to the sinks.
    private var docBase = 0, posBase = 0

    init(segmentID: UInt64, sinks: (doc: FileSink, pos: FileSink)? = nil) {
        self.sinks = sinks
        FileEnvelope.writeHeader(&doc, type: .postings, segmentID: segmentID)
        FileEnvelope.writeHeader(&pos, type: .positions, segmentID: segmentID)
    }

    /// Drains to the sinks, when there are sinks and enough bytes have gathered.
    private mutating func spill() throws {
        guard let sinks, doc.count + pos.count >= FileSinkLimits.spillBytes else { return }
        docBase += doc.count
        posBase += pos.count
        try sinks.doc.drain(&doc)
        try sinks.pos.drain(&pos)
    }

    /// Writes what is left and the footers to the sinks (a writer made with sinks ends here).
    mutating func finish(toSinks: Void) throws {
        guard let sinks else { preconditionFailure("a postings writer without sinks") }
        try sinks.doc.drain(&doc)
        try sinks.pos.drain(&pos)
        try sinks.doc.finish()
        try sinks.pos.finish()
    }

    /// Appends one term. `positions` holds each document's positions back to back (`freqs[i]` of them for doc `i`).
    /// `norms` are the encoded lengths of the field, indexed by document.
    mutating func addTerm(docs: [UInt32], freqs: [UInt32], positions: [UInt32], norms: [UInt8]) throws -> TermInfo {
        var p = 0   // index into positions
        return try addTerm(docs: docs, freqs: freqs, totalTermFreq: positions.count, norms: norms) { run, out in
            for i in run {
                var prev: UInt32 = 0
                for _ in 0..<Int(freqs[i]) {
                    let v = positions[p]
                    out.writeVInt(UInt64(v - prev))
                    prev = v
                    p += 1
                }
            }
        }
    }

    /// Appends one term whose positions `writePositions(run, &out)` writes for the documents of
    /// `run` (called for consecutive runs, in order, a block's documents or the tail's at a time):
    /// `freqs[i]` VInts of position deltas for each document `i`, from 0 in each document.
    mutating func addTerm(docs: [UInt32], freqs: [UInt32], totalTermFreq: Int, norms: [UInt8],
                          writePositions body: (Range<Int>, inout ByteWriter) throws -> Void) throws -> TermInfo {
        let df = docs.count
        precondition(df > 0 && freqs.count == df)
        let info = TermInfo(docFreq: df, totalTermFreq: totalTermFreq, docOffset: docBase + doc.count, posOffset: posBase + pos.count)
        let bs = FormatConstants.blockSize
        let fullBlocks = df / bs
        let skipCount = df < bs ? 0 : (df + bs - 1) / bs
        let skipStart = doc.count
        if skipCount > 0 {
            doc.bytes.append(contentsOf: repeatElement(0, count: skipCount * SkipEntry.size))
        }
        var block = BlockState(blocksStart: doc.count, posStart: pos.count)
        var scratch = [UInt32](repeating: 0, count: fullBlocks > 0 ? bs : 0)   // most terms need none
        var skips: [SkipEntry] = []
        skips.reserveCapacity(skipCount)
        for b in 0..<fullBlocks {
            skips.append(try writeFullBlock(from: b * bs, docs: docs, freqs: freqs, norms: norms,
                                        scratch: &scratch, state: &block, writePositions: body))
        }
        if fullBlocks * bs < df {
            let skip = try writeTail(from: fullBlocks * bs, docs: docs, freqs: freqs, norms: norms, state: &block, writePositions: body)
            if skipCount > 0 { skips.append(skip) }
        }
        fillSkipTable(skips, at: skipStart)
        try spill()
        return info
    }

    /// Appends a term of fewer than a block's documents from bytes made elsewhere (a merge's
    /// sources, renumbered): `tail` holds its TailDoc entries, `positions` its TermPositions.
    mutating func addTail(docFreq: Int, totalTermFreq: Int, tail: ByteWriter, positions: [UnsafeRawBufferPointer]) throws -> TermInfo {
        precondition(docFreq > 0 && docFreq < FormatConstants.blockSize)
        let info = TermInfo(docFreq: docFreq, totalTermFreq: totalTermFreq, docOffset: docBase + doc.count, posOffset: posBase + pos.count)
        doc.write(bytes: tail.bytes)
        for p in positions { pos.write(bytes: p) }
        try spill()
        return info
    }

    /// Where the term's blocks and positions began, and the last document written.
    private struct BlockState {
        let blocksStart: Int
        let posStart: Int
        var prevDoc: UInt32 = 0
    }

    /// Writes the packed block of the `blockSize` documents from `lo` and their positions; returns its skip entry.
    private mutating func writeFullBlock(from lo: Int, docs: [UInt32], freqs: [UInt32], norms: [UInt8],
                                         scratch: inout [UInt32], state: inout BlockState,
                                         writePositions body: (Range<Int>, inout ByteWriter) throws -> Void) throws -> SkipEntry {
        let bs = FormatConstants.blockSize
        var maxFreq: UInt32 = 0
        var minNorm: UInt8 = 255
        for i in 0..<bs {
            scratch[i] = docs[lo + i] - state.prevDoc
            state.prevDoc = docs[lo + i]
            maxFreq = max(maxFreq, freqs[lo + i])
            minNorm = min(minNorm, norms[Int(docs[lo + i])])
        }
        pack(scratch)
        for i in 0..<bs { scratch[i] = freqs[lo + i] - 1 }
        pack(scratch)
        try body(lo..<(lo + bs), &pos)
        return skipEntry(state, maxFreq: maxFreq, minNorm: minNorm)
    }

    /// Writes the documents from `tailStart` to the end as VInts, with their positions; returns the tail's skip entry.
    private mutating func writeTail(from tailStart: Int, docs: [UInt32], freqs: [UInt32], norms: [UInt8],
                                    state: inout BlockState, writePositions body: (Range<Int>, inout ByteWriter) throws -> Void) throws -> SkipEntry {
        var maxFreq: UInt32 = 0
        var minNorm: UInt8 = 255
        for i in tailStart..<docs.count {
            let delta = UInt64(docs[i] - state.prevDoc)
            state.prevDoc = docs[i]
            let f = freqs[i]
            if f == 1 {
                doc.writeVInt(delta << 1 | 1)
            } else {
                doc.writeVInt(delta << 1)
                doc.writeVInt(UInt64(f))
            }
            maxFreq = max(maxFreq, f)
            minNorm = min(minNorm, norms[Int(docs[i])])
        }
        try body(tailStart..<docs.count, &pos)
        return skipEntry(state, maxFreq: maxFreq, minNorm: minNorm)
    }

    /// One block's values as a bit width byte and the packed values.
    private mutating func pack(_ values: [UInt32]) {
        values.withUnsafeBufferPointer { s in
            let w = BitPacking.bitWidth(s)
            doc.write(UInt8(w))
            BitPacking.pack(s, width: w, into: &doc)
        }
    }

    /// The skip entry of the block just written.
    private func skipEntry(_ state: BlockState, maxFreq: UInt32, minNorm: UInt8) -> SkipEntry {
        SkipEntry(lastDoc: state.prevDoc, docEnd: UInt32(doc.count - state.blocksStart),
                  posEnd: UInt32(pos.count - state.posStart), maxFreq: maxFreq, minNorm: minNorm)
    }

    /// Writes the skip entries into the table reserved at `start`.
    private mutating func fillSkipTable(_ skips: [SkipEntry], at start: Int) {
        var at = start
        for s in skips {
            doc.bytes.withUnsafeMutableBytes { raw in
                raw.storeBytes(of: s.lastDoc.littleEndian, toByteOffset: at, as: UInt32.self)
                raw.storeBytes(of: s.docEnd.littleEndian, toByteOffset: at + 4, as: UInt32.self)
                raw.storeBytes(of: s.posEnd.littleEndian, toByteOffset: at + 8, as: UInt32.self)
                raw.storeBytes(of: s.maxFreq.littleEndian, toByteOffset: at + 12, as: UInt32.self)
                raw[at + 16] = s.minNorm
            }
            at += SkipEntry.size
        }
    }

    mutating func finish() -> (doc: [UInt8], pos: [UInt8]) {
        FileEnvelope.writeFooter(&doc)
        FileEnvelope.writeFooter(&pos)
        return (doc.bytes, pos.bytes)
    }
}
