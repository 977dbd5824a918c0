import NewsIndexCore
import NewsIndexAnalysis

/// The check of a segment's terms and postings: .tdi, .doc and .pos, against the norms.
extension SegmentCheck {
    // MARK: .tdi, .doc, .pos

    /// A term whose postings are decoded once the next term's offsets (where its own must end) are known.
    struct PendingTerm {
        var docFreq: Int
        var totalTermFreq: Int
        var docOffset: Int
        var posOffset: Int
        var entryAt: Int
    }

    /// The walk over the term dictionary's entries: the current and previous keys, the term whose
    /// postings wait for the next entry's offsets, and the offsets of the last sound entry.
    struct TermWalk {
        let file: String
        /// The postings files, when both are sound (the postings are decoded only then).
        let doc: MappedFile?
        let pos: MappedFile?
        let docEnd: Int
        let posEnd: Int
        var walk: Bool { doc != nil && pos != nil }
        var key: [UInt8] = []
        var prevKey: [UInt8] = []
        var havePrevKey = false
        var pending: PendingTerm?
        var pendingKey: [UInt8] = []
        var lastDoc = 0, lastPos = 0       // offsets of the last term with sound offsets
        var haveLast = false
        var clean = true                   // no entry was lost to damage
    }

    func checkTerms(_ tdi: MappedFile, _ meter: Meter) throws {
        let bytes = tdi.bytes
        let (trailerReader, trailerAt) = try trailer(of: tdi, size: 20)
        let layout = try TermDictionaryReader.validateTrailer(trailerReader, at: trailerAt)
        let doc = sound.contains(.postings) ? files[.postings] : nil
        let pos = sound.contains(.positions) ? files[.positions] : nil
        var w = TermWalk(file: tdi.path, doc: doc, pos: pos,
                         docEnd: (doc?.bytes.count ?? 0) - FormatConstants.footerSize,
                         posEnd: (pos?.bytes.count ?? 0) - FormatConstants.footerSize)
        if w.walk { startTallies() }
        var c = ByteReader(bytes, file: tdi.path, from: FormatConstants.headerSize, to: layout.indexAt)
        var b = 0
        while b < layout.blockCount {
            let slot = layout.indexAt + 8 * b
            let stated = Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: slot, as: UInt64.self)))
            if stated != c.offset {
                problems.add(tdi.path, slot, "the block index puts block \(b) at offset \(stated), but it begins at \(c.offset)")
            }
            do {
                try checkBlock(layout.termsIn(b), &c, &w, meter)
            } catch let d as Damage {
                // The rest of this block is lost: go on at the next block, where keys are whole again.
                problems.add(d)
                w.clean = false
                finishPending(&w, docLimit: nil, posLimit: nil, meter)
                complete = [Bool](repeating: false, count: IndexedField.allCases.count)
                w.havePrevKey = false
                if b + 1 < layout.blockCount {
                    let next = Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: slot + 8, as: UInt64.self)))
                    guard next > c.offset && next < layout.indexAt else { break }
                    c.offset = next
                }
            }
            b += 1
        }
        finishTerms(&w, sound: w.clean && b == layout.blockCount, c, meter)
        meter.add(bytes.count)
    }

    /// Sizes the per-document tallies of the postings walk.
    func startTallies() {
        lengths = [Int](repeating: 0, count: IndexedField.allCases.count * docCount)
        positionSums = [Int](repeating: 0, count: 2 * docCount)
        idStart = [Int](repeating: -1, count: docCount)
        idLength = [Int](repeating: 0, count: docCount)
        complete = [Bool](repeating: true, count: IndexedField.allCases.count)
    }

    /// Decodes and checks the `n` entries of the block at the cursor.
    func checkBlock(_ n: Int, _ c: inout ByteReader, _ w: inout TermWalk, _ meter: Meter) throws {
        var entryDoc = 0, entryPos = 0   // offsets of the previous entry of the block (deltas are from them)
        for i in 0..<n {
            let entryAt = c.offset
            let e = try TermEntry.read(&c, first: i == 0, key: &w.key, limits: .check)
            if i == 0 {
                entryDoc = e.docOffset
                entryPos = e.posOffset
            } else {
                entryDoc += e.docOffset
                entryPos += e.posOffset
            }
            termCount += 1
            checkEntry(e, at: entryAt, docOffset: entryDoc, posOffset: entryPos, &w, meter)
            w.prevKey.removeAll(keepingCapacity: true)
            w.prevKey.append(contentsOf: w.key)
            w.havePrevKey = true
        }
    }

    /// Checks one entry of the term dictionary against the segment and the entry before it, then
    /// decodes the previous term's postings (whose end this entry's offsets give).
    func checkEntry(_ e: TermEntry, at entryAt: Int, docOffset entryDoc: Int, posOffset entryPos: Int,
                    _ w: inout TermWalk, _ meter: Meter) {
        let file = w.file, key = w.key
        let df = e.docFreq, extra = e.extraFreq
        var ok = true
        let field = key.first.map(Int.init) ?? 0
        func problem(_ message: String) {
            problems.add(file, entryAt, "term \(IndexCheck.describe(key)): " + message)
            ok = false
        }
        if key.isEmpty {
            problems.add(file, entryAt, "a key is empty (every key starts with its field number)")
            ok = false
        } else if IndexedField(rawValue: key[0]) == nil {
            problem("unknown field number \(key[0])")
        }
        if w.havePrevKey && !w.prevKey.lexicographicallyPrecedes(key) {
            problems.add(file, entryAt, "term \(IndexCheck.describe(key)) does not sort after the term before it, \(IndexCheck.describe(w.prevKey))")
        }
        if df == 0 {
            problem("DocFreq is 0")
        } else if df > docCount {
            problem("DocFreq \(df) exceeds the segment's \(docCount) documents")
        }
        if ok && field == Int(IndexedField.id.rawValue) && (df != 1 || extra != 0) {
            problem("an id term must name exactly one document once, but DocFreq is \(df) and TotalTermFreq \(df + extra)")
        }
        if let doc = w.doc, entryDoc < FormatConstants.headerSize || entryDoc >= w.docEnd {
            problem("DocOffset \(entryDoc) lies outside the data of \(doc.path) (\(FormatConstants.headerSize)..<\(w.docEnd))")
        }
        if let pos = w.pos, entryPos < FormatConstants.headerSize || entryPos >= w.posEnd {
            problem("PosOffset \(entryPos) lies outside the data of \(pos.path) (\(FormatConstants.headerSize)..<\(w.posEnd))")
        }
        if ok && w.haveLast && (entryDoc <= w.lastDoc || entryPos <= w.lastPos) {
            problem("its postings offsets (\(entryDoc) in .doc, \(entryPos) in .pos) do not come after the previous term's (\(w.lastDoc), \(w.lastPos))")
        }
        if ok && !w.haveLast && w.clean && (entryDoc != FormatConstants.headerSize || entryPos != FormatConstants.headerSize) {
            problem("the first term's postings begin at \(entryDoc) in .doc and \(entryPos) in .pos, not right after the headers (\(FormatConstants.headerSize))")
        }
        // The previous term's postings must end where this one's begin.
        finishPending(&w, docLimit: ok ? entryDoc : nil, posLimit: ok ? entryPos : nil, meter)
        if ok {
            w.lastDoc = entryDoc
            w.lastPos = entryPos
            w.haveLast = true
            if w.walk {
                w.pending = PendingTerm(docFreq: df, totalTermFreq: df + extra, docOffset: entryDoc, posOffset: entryPos, entryAt: entryAt)
                w.pendingKey.removeAll(keepingCapacity: true)
                w.pendingKey.append(contentsOf: key)
            }
        } else if w.walk {
            markIncomplete(key.first)
        }
    }

    /// Decodes the postings of the term waiting for its end (if any); `docLimit` and `posLimit`
    /// are where they must end (nil when unknown).
    func finishPending(_ w: inout TermWalk, docLimit: Int?, posLimit: Int?, _ meter: Meter) {
        guard let p = w.pending, let doc = w.doc, let pos = w.pos else { return }
        w.pending = nil
        decodePostings(p, key: w.pendingKey, docLimit: docLimit, posLimit: posLimit, doc: doc, pos: pos, tdiPath: w.file)
        meter.add(max(0, (docLimit ?? p.docOffset) - p.docOffset) + max(0, (posLimit ?? p.posOffset) - p.posOffset))
    }

    /// After the last block: the last term's postings, and what lies between the entries and the
    /// block index; or, when entries were lost (`sound` false), the tallies are not trusted.
    func finishTerms(_ w: inout TermWalk, sound: Bool, _ c: ByteReader, _ meter: Meter) {
        guard sound else {
            finishPending(&w, docLimit: nil, posLimit: nil, meter)
            complete = [Bool](repeating: false, count: IndexedField.allCases.count)
            return
        }
        finishPending(&w, docLimit: w.docEnd, posLimit: w.posEnd, meter)
        if !c.isAtEnd {
            problems.add(w.file, c.offset, "\(c.remaining) bytes lie between the last term and the block index")
        }
        if termCount == 0, let doc = w.doc, let pos = w.pos, w.docEnd > FormatConstants.headerSize || w.posEnd > FormatConstants.headerSize {
            problems.add(doc.path, FormatConstants.headerSize, "the segment has no terms, but \(doc.path) or \(pos.path) holds postings")
        }
    }

    func markIncomplete(_ field: UInt8?) {
        if let f = field, Int(f) < complete.count { complete[Int(f)] = false }
        else { complete = [Bool](repeating: false, count: complete.count) }
    }

    /// Decodes one term's postings and positions, checks them, and adds them to the tallies.
    /// `docLimit` and `posLimit` are where the next term's data begins (nil when unknown).
    func decodePostings(_ t: PendingTerm, key: [UInt8], docLimit: Int?, posLimit: Int?,
                                doc: MappedFile, pos: MappedFile, tdiPath: String) {
        let field = Int(key[0])
        let isEntity = field <= 1 && key.count > 1 && key[1] == 0x01
        do {
            try walkPostings(t, field: field, docLimit: docLimit, posLimit: posLimit, doc: doc, pos: pos, tdiPath: tdiPath)
        } catch let d as Damage {
            problems.add(d.file, d.offset, "term \(IndexCheck.describe(key)) (DocFreq \(t.docFreq), term dictionary entry at \(t.entryAt)): " + d.message)
            complete[field] = false
            return
        } catch {
            problems.add(doc.path, t.docOffset, "term \(IndexCheck.describe(key)): " + ProblemList.message(of: error))
            complete[field] = false
            return
        }
        if !isEntity {
            let base = field * docCount
            lengths.withUnsafeMutableBufferPointer { l in
                for (d, f) in zip(termDocs, termFreqs) { l[base + d] += f }
            }
            if field <= 1 {
                positionSums.withUnsafeMutableBufferPointer { ps in
                    for (d, sum) in zip(termDocs, termPositionSums) { ps[base + d] += sum }
                }
            }
            termFreqSums[field] += t.totalTermFreq
        }
        if field == Int(IndexedField.id.rawValue) {
            for d in termDocs {
                if idStart[d] >= 0 {
                    let first = String(decoding: idBytes[idStart[d]..<(idStart[d] + idLength[d])], as: UTF8.self)
                    problems.add(tdiPath, t.entryAt, "document \(d) has a second id term \(IndexCheck.describe(key)) (the first is \(ProblemList.printable(first)))")
                    continue
                }
                idStart[d] = idBytes.count
                idLength[d] = key.count - 1
                idBytes.append(contentsOf: key[1...])
            }
        }
    }

    /// Walks one term's postings and positions, checking every document, frequency, position and
    /// skip entry; the term's documents, frequencies and position sums go to `termDocs` & co.
    func walkPostings(_ t: PendingTerm, field: Int, docLimit: Int?, posLimit: Int?,
                      doc: MappedFile, pos: MappedFile, tdiPath: String) throws {
        let docBytes = doc.bytes
        let fieldNorms = norms(field)
        // Positions are bounded by the field's length only where every position is a counted token:
        // title and body with the news and english analyzers (simple, like the url field, keeps the
        // position of a dropped long token).
        let bounded = field <= 1 && analyzer.map { $0.kind != .simple } == true && fieldNorms != nil
        // The tallies are built in the walk (no exclusivity checks on the hot path) and handed back.
        var w = PostingsWalk(
            d: ByteReader(docBytes, file: doc.path, from: t.docOffset, to: docLimit ?? docBytes.count - FormatConstants.footerSize),
            p: ByteReader(pos.bytes, file: pos.path, from: t.posOffset, to: posLimit ?? pos.bytes.count - FormatConstants.footerSize),
            docCount: docCount, norms: fieldNorms, bounded: bounded, isID: field == Int(IndexedField.id.rawValue),
            scratch: positionScratch, docs: termDocs, freqs: termFreqs, sums: termPositionSums)
        termDocs = []; termFreqs = []; termPositionSums = []
        w.docs.removeAll(keepingCapacity: true)
        w.freqs.removeAll(keepingCapacity: true)
        w.sums.removeAll(keepingCapacity: true)
        defer { termDocs = w.docs; termFreqs = w.freqs; termPositionSums = w.sums }
        let df = t.docFreq
        let bs = FormatConstants.blockSize
        let skipCount = df < bs ? 0 : (df + bs - 1) / bs
        let skipAt = w.d.offset
        try w.d.need(skipCount * SkipEntry.size, "the skip table (\(skipCount) entries)")
        w.d.offset += skipCount * SkipEntry.size
        let blocksStart = w.d.offset, posStart = w.p.offset
        var left = df
        var block = 0
        while left > 0 {
            w.maxFreq = 0
            w.minNorm = 255
            let inBlock = block < df / bs ? try walkPackedBlock(block, &w, docBytes) : try walkTailBlock(left, &w)
            if skipCount > 0 {
                try checkSkipEntry(block, at: skipAt + block * SkipEntry.size, &w, docEnd: w.d.offset - blocksStart,
                                   posEnd: w.p.offset - posStart, docBytes)
            }
            left -= inBlock
            block += 1
        }
        if w.total != t.totalTermFreq {
            throw Damage(file: tdiPath, offset: t.entryAt, message: "TotalTermFreq is \(t.totalTermFreq) in the term dictionary, but the frequencies in the postings add up to \(w.total)")
        }
        if let docLimit, w.d.offset != docLimit {
            throw w.d.damage("the postings end at offset \(w.d.offset), but the next term's begin at \(docLimit): DocFreq disagrees with the postings, or bytes were lost")
        }
        if let posLimit, w.p.offset != posLimit {
            throw w.p.damage("the positions end at offset \(w.p.offset), but the next term's begin at \(posLimit): the frequencies disagree with the positions")
        }
    }

    /// Decodes and checks full block `block` (bit-packed document deltas and frequencies);
    /// returns its number of documents.
    func walkPackedBlock(_ block: Int, _ w: inout PostingsWalk, _ docBytes: UnsafeRawBufferPointer) throws -> Int {
        let bs = FormatConstants.blockSize
        let blockAt = w.d.offset
        try unpack(&w.d, block, "document deltas", into: deltaBuffer, docBytes)
        let freqsAt = w.d.offset
        try unpack(&w.d, block, "frequencies", into: freqBuffer, docBytes)
        for i in 0..<bs {
            let f = Int(freqBuffer[i]) + 1
            guard f <= Int(UInt32.max) else { throw w.d.damage("a frequency overflows 32 bits in block \(block)", at: freqsAt) }
            try w.posting(Int(deltaBuffer[i]), f, at: blockAt)
        }
        return bs
    }

    /// Reads a bit width (at most 32) and unpacks the 128 values of that width after it into
    /// `buffer`; `what` names them in messages.
    func unpack(_ d: inout ByteReader, _ block: Int, _ what: String, into buffer: UnsafeMutablePointer<UInt32>,
                _ docBytes: UnsafeRawBufferPointer) throws {
        let at = d.offset
        let width: Int
        switch PostingsDecoding.packedRun(docBytes, at: at, limit: d.end) {
        case .sound(let w): width = w
        // `need` throws in these two cases, in the words the check's own reads always had.
        case .missingWidth: try d.need(1, "a byte"); return
        case .tooWide(let w): throw d.damage("the bit width of block \(block)'s \(what) is \(w), more than 32", at: at)
        case .short(let w): d.offset += 1; try d.need(16 * w, "packed block \(block)"); return
        }
        d.offset += 1
        // The cursor ends at least a footer (8 bytes) before the file's end, as unpacking needs.
        BitPacking.unpack(docBytes.baseAddress! + d.offset, width: width, into: buffer)
        d.offset += 16 * width
    }

    /// Decodes and checks the VInt-coded tail block of `left` documents; returns `left`.
    func walkTailBlock(_ left: Int, _ w: inout PostingsWalk) throws -> Int {
        for _ in 0..<left {
            let at = w.d.offset
            let (delta, f) = try PostingsDecoding.tailPosting(&w.d, maxDelta: UInt64(docCount))
            try w.posting(Int(delta), Int(f), at: at)
        }
        return left
    }

    /// Compares skip entry `block` (at `e` in .doc) with the block just walked.
    func checkSkipEntry(_ block: Int, at e: Int, _ w: inout PostingsWalk, docEnd: Int, posEnd: Int,
                        _ docBytes: UnsafeRawBufferPointer) throws {
        let s = SkipEntry.read(docBytes, at: e)
        let checks: [(String, Int, Int, Int)] = [
            ("LastDoc", 0, Int(s.lastDoc), w.prev),
            ("DocEnd", 4, Int(s.docEnd), docEnd),
            ("PosEnd", 8, Int(s.posEnd), posEnd),
            ("MaxFreq", 12, Int(s.maxFreq), w.maxFreq),
        ]
        for (name, k, stored, actual) in checks where stored != actual {
            throw Damage(file: w.d.file, offset: e + k, message: "skip entry \(block) says \(name) \(stored), but its block has \(actual)")
        }
        if w.norms != nil && Int(s.minNorm) != w.minNorm {
            throw Damage(file: w.d.file, offset: e + 16, message: "skip entry \(block) says MinNorm \(s.minNorm), but the smallest norm in its block is \(w.minNorm)")
        }
    }

    /// Compares each field's norms and statistics with the word tokens the postings hold, and
    /// checks that every document has its id term.
    func compareNormsWithPostings() {
        guard !lengths.isEmpty, let nrm = files[.norms] else { return }
        for field in IndexedField.allCases {
            let f = Int(field.rawValue)
            guard complete[f], let fn = fieldNorms[f], let bytes = norms(f) else { continue }
            let base = f * docCount
            for d in 0..<docCount {
                let length = lengths[base + d]
                let expected = SmallFloat.intToByte4(length)
                if bytes[d] != expected {
                    problems.add(nrm.path, fn.offset + d, "document \(d)'s norm in field \(field.name) is \(bytes[d]) (a length of \(SmallFloat.byte4ToInt(bytes[d]))), but its terms hold \(length) tokens (norm \(expected))")
                }
            }
            if f <= 1, analyzer.map({ $0.kind != .simple }) == true, let pos = files[.positions] {
                for d in 0..<docCount {
                    let length = lengths[base + d]
                    if positionSums[base + d] != length * (length - 1) / 2 {
                        problems.add(pos.path, nil, "the word positions of document \(d)'s \(field.name) are not 0..<\(length), one per token: they add up to \(positionSums[base + d]), not \(length * (length - 1) / 2)")
                    }
                }
            }
            if fn.sumTotalTermFreq != UInt64(termFreqSums[f]) {
                problems.add(nrm.path, fn.sumAt, "SumTotalTermFreq of field \(field.name) is \(fn.sumTotalTermFreq), but its terms occur \(termFreqSums[f]) times")
            }
        }
        if complete[Int(IndexedField.id.rawValue)], let tdi = files[.termDictionary] {
            for d in 0..<docCount where idStart[d] < 0 {
                problems.add(tdi.path, nil, "document \(d) has no id term")
            }
        }
    }

}
