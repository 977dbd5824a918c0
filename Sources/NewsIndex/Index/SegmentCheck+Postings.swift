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

    func checkTerms(_ tdi: MappedFile, _ meter: Meter) throws {
        let file = tdi.path, bytes = tdi.bytes
        let (cursor, trailerAt) = try trailer(of: tdi, size: 20)
        var t = cursor
        let tc = try t.u64()
        let bc = Int(try t.u32())
        let io = try t.u64()
        guard io >= UInt64(FormatConstants.headerSize), io <= UInt64(trailerAt), UInt64(trailerAt) - io == UInt64(bc) * 8 else {
            throw Damage(file: file, offset: trailerAt, message: "the trailer is inconsistent: a block index at offset \(io) with \(bc) blocks does not end where the trailer begins (\(trailerAt))")
        }
        let per = FormatConstants.termsPerDictionaryBlock
        guard tc <= UInt64(bc) * UInt64(per), tc + UInt64(per) > UInt64(bc) * UInt64(per) else {
            throw Damage(file: file, offset: trailerAt, message: "the trailer says \(tc) terms in \(bc) blocks, but blocks hold \(per) terms each (only the last fewer)")
        }
        let indexAt = Int(io)
        let termTotal = Int(tc)

        // The postings are decoded only when both files are sound.
        let doc = sound.contains(.postings) ? files[.postings] : nil
        let pos = sound.contains(.positions) ? files[.positions] : nil
        let walk = doc != nil && pos != nil
        let docEnd = (doc?.bytes.count ?? 0) - FormatConstants.footerSize
        let posEnd = (pos?.bytes.count ?? 0) - FormatConstants.footerSize
        if walk {
            lengths = [Int](repeating: 0, count: IndexedField.allCases.count * docCount)
            positionSums = [Int](repeating: 0, count: 2 * docCount)
            idStart = [Int](repeating: -1, count: docCount)
            idLength = [Int](repeating: 0, count: docCount)
            complete = [Bool](repeating: true, count: IndexedField.allCases.count)
        }

        var c = Cursor(bytes, file: file, from: FormatConstants.headerSize, to: indexAt)
        var key: [UInt8] = []
        var prevKey: [UInt8] = []
        var havePrevKey = false
        var pending: PendingTerm?
        var pendingKey: [UInt8] = []
        var lastDoc = 0, lastPos = 0       // offsets of the last term with sound offsets
        var haveLast = false
        var clean = true                   // no entry was lost to damage

        func finishPending(docLimit: Int?, posLimit: Int?) {
            guard let p = pending, let doc, let pos else { return }
            pending = nil
            decodePostings(p, key: pendingKey, docLimit: docLimit, posLimit: posLimit, doc: doc, pos: pos, tdiPath: file)
            meter.add(max(0, (docLimit ?? p.docOffset) - p.docOffset) + max(0, (posLimit ?? p.posOffset) - p.posOffset))
        }

        var b = 0
        while b < bc {
            let slot = indexAt + 8 * b
            let stated = Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: slot, as: UInt64.self)))
            if stated != c.at {
                problems.add(file, slot, "the block index puts block \(b) at offset \(stated), but it begins at \(c.at)")
            }
            let n = b == bc - 1 ? termTotal - per * b : per
            var entryDoc = 0, entryPos = 0   // offsets of the previous entry of the block (deltas are from them)
            do {
                for i in 0..<n {
                    let entryAt = c.at
                    if i == 0 {
                        let length = try c.vint(max: c.remaining, "the key length")
                        key.removeAll(keepingCapacity: true)
                        key.append(contentsOf: try c.bytes(length))
                    } else {
                        let prefix = try c.vint(max: key.count, "the length of the prefix shared with the previous key")
                        let suffix = try c.vint(max: c.remaining, "the suffix length")
                        key.removeSubrange(prefix...)
                        key.append(contentsOf: try c.bytes(suffix))
                    }
                    let df = try c.vint(max: Int(Int32.max), "DocFreq")
                    let extra = try c.vint(max: 1 << 48, "ExtraFreq")
                    if i == 0 {
                        entryDoc = try c.vint(max: 1 << 48, "DocOffset")
                        entryPos = try c.vint(max: 1 << 48, "PosOffset")
                    } else {
                        entryDoc += try c.vint(max: 1 << 48, "DocOffsetDelta")
                        entryPos += try c.vint(max: 1 << 48, "PosOffsetDelta")
                    }
                    termCount += 1

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
                    if havePrevKey && !prevKey.lexicographicallyPrecedes(key) {
                        problems.add(file, entryAt, "term \(IndexCheck.describe(key)) does not sort after the term before it, \(IndexCheck.describe(prevKey))")
                    }
                    if df == 0 {
                        problem("DocFreq is 0")
                    } else if df > docCount {
                        problem("DocFreq \(df) exceeds the segment's \(docCount) documents")
                    }
                    if ok && field == Int(IndexedField.id.rawValue) && (df != 1 || extra != 0) {
                        problem("an id term must name exactly one document once, but DocFreq is \(df) and TotalTermFreq \(df + extra)")
                    }
                    if let doc, entryDoc < FormatConstants.headerSize || entryDoc >= docEnd {
                        problem("DocOffset \(entryDoc) lies outside the data of \(doc.path) (\(FormatConstants.headerSize)..<\(docEnd))")
                    }
                    if let pos, entryPos < FormatConstants.headerSize || entryPos >= posEnd {
                        problem("PosOffset \(entryPos) lies outside the data of \(pos.path) (\(FormatConstants.headerSize)..<\(posEnd))")
                    }
                    if ok && haveLast && (entryDoc <= lastDoc || entryPos <= lastPos) {
                        problem("its postings offsets (\(entryDoc) in .doc, \(entryPos) in .pos) do not come after the previous term's (\(lastDoc), \(lastPos))")
                    }
                    if ok && !haveLast && clean && (entryDoc != FormatConstants.headerSize || entryPos != FormatConstants.headerSize) {
                        problem("the first term's postings begin at \(entryDoc) in .doc and \(entryPos) in .pos, not right after the headers (\(FormatConstants.headerSize))")
                    }
                    // The previous term's postings must end where this one's begin.
                    finishPending(docLimit: ok ? entryDoc : nil, posLimit: ok ? entryPos : nil)
                    if ok {
                        lastDoc = entryDoc
                        lastPos = entryPos
                        haveLast = true
                        if walk {
                            pending = PendingTerm(docFreq: df, totalTermFreq: df + extra, docOffset: entryDoc, posOffset: entryPos, entryAt: entryAt)
                            pendingKey.removeAll(keepingCapacity: true)
                            pendingKey.append(contentsOf: key)
                        }
                    } else if walk {
                        markIncomplete(key.first)
                    }
                    prevKey.removeAll(keepingCapacity: true)
                    prevKey.append(contentsOf: key)
                    havePrevKey = true
                }
            } catch let d as Damage {
                // The rest of this block is lost: go on at the next block, where keys are whole again.
                problems.add(d)
                clean = false
                finishPending(docLimit: nil, posLimit: nil)
                complete = [Bool](repeating: false, count: IndexedField.allCases.count)
                havePrevKey = false
                if b + 1 < bc {
                    let next = Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: slot + 8, as: UInt64.self)))
                    guard next > c.at && next < indexAt else { break }
                    c.at = next
                }
            }
            b += 1
        }
        if clean && b == bc {
            finishPending(docLimit: docEnd, posLimit: posEnd)
            if !c.isAtEnd {
                problems.add(file, c.at, "\(c.remaining) bytes lie between the last term and the block index")
            }
            if termCount == 0, let doc, let pos, docEnd > FormatConstants.headerSize || posEnd > FormatConstants.headerSize {
                problems.add(doc.path, FormatConstants.headerSize, "the segment has no terms, but \(doc.path) or \(pos.path) holds postings")
            }
        } else {
            finishPending(docLimit: nil, posLimit: nil)
            complete = [Bool](repeating: false, count: IndexedField.allCases.count)
        }
        meter.add(bytes.count)
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
            problems.add(doc.path, t.docOffset, "term \(IndexCheck.describe(key)): " + IndexCheck.message(of: error))
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
                    problems.add(tdiPath, t.entryAt, "document \(d) has a second id term \(IndexCheck.describe(key)) (the first is \(IndexCheck.printable(first)))")
                    continue
                }
                idStart[d] = idBytes.count
                idLength[d] = key.count - 1
                idBytes.append(contentsOf: key[1...])
            }
        }
    }

    func walkPostings(_ t: PendingTerm, field: Int, docLimit: Int?, posLimit: Int?,
                              doc: MappedFile, pos: MappedFile, tdiPath: String) throws {
        let docBytes = doc.bytes, posBytes = pos.bytes
        var d = Cursor(docBytes, file: doc.path, from: t.docOffset, to: docLimit ?? docBytes.count - FormatConstants.footerSize)
        var p = Cursor(posBytes, file: pos.path, from: t.posOffset, to: posLimit ?? posBytes.count - FormatConstants.footerSize)
        let df = t.docFreq
        let bs = FormatConstants.blockSize
        let fullBlocks = df / bs
        let skipCount = df < bs ? 0 : (df + bs - 1) / bs
        let skipAt = d.at
        try d.need(skipCount * SkipEntry.size, "the skip table (\(skipCount) entries)")
        d.at += skipCount * SkipEntry.size
        let blocksStart = d.at, posStart = p.at
        let fieldNorms = norms(field)
        // Positions are bounded by the field's length only where every position is a counted token:
        // title and body with the news and english analyzers (simple, like the url field, keeps the
        // position of a dropped long token).
        let bounded = field <= 1 && analyzer.map { $0.kind != .simple } == true && fieldNorms != nil
        let isID = field == Int(IndexedField.id.rawValue)
        // The tallies are built in locals (no exclusivity checks on the hot path) and handed back.
        var docs = termDocs, freqs = termFreqs, sums = termPositionSums
        termDocs = []; termFreqs = []; termPositionSums = []
        docs.removeAll(keepingCapacity: true)
        freqs.removeAll(keepingCapacity: true)
        sums.removeAll(keepingCapacity: true)
        defer { termDocs = docs; termFreqs = freqs; termPositionSums = sums }
        let limits = SegmentCheck.positionLimit
        let docCount = self.docCount
        let deltaBuffer = self.deltaBuffer, freqBuffer = self.freqBuffer
        var prev = -1
        var total = 0
        var maxFreq = 0
        var minNorm = 255

        func posting(_ delta: Int, _ freq: Int, at: Int) throws {
            let docNo = prev < 0 ? delta : prev + delta
            if prev >= 0 && delta == 0 {
                throw Damage(file: doc.path, offset: at, message: "document \(docNo) follows itself (document numbers must strictly increase)")
            }
            if docNo >= docCount {
                throw Damage(file: doc.path, offset: at, message: "document \(docNo) is beyond the segment's \(docCount) documents")
            }
            prev = docNo
            // Every position takes at least one byte.
            if freq > p.remaining {
                throw p.damage("the \(freq) positions of document \(docNo) run past the term's positions (\(p.remaining) bytes left)")
            }
            let norm = fieldNorms.map { Int($0[docNo]) } ?? 0
            let limit = bounded ? limits[norm] : Int.max
            var position = 0
            var sum = 0
            for k in 0..<freq {
                let at = p.at
                let v = try p.vint()
                guard v <= UInt64(Int32.max) else { throw p.damage("a position delta of \(v) in document \(docNo) is too large", at: at) }
                if k == 0 {
                    position = Int(v)
                } else {
                    guard v > 0 else { throw p.damage("position \(position) of document \(docNo) repeats (positions must strictly increase)", at: at) }
                    position += Int(v)
                }
                if position >= limit {
                    throw p.damage("position \(position) in document \(docNo) lies beyond the field's length (its norm byte \(norm) allows positions below \(limit))", at: at)
                }
                if isID && position != 0 {
                    throw p.damage("the id term sits at position \(position) of document \(docNo), not at 0", at: at)
                }
                sum += position
            }
            total += freq
            maxFreq = max(maxFreq, freq)
            if let fieldNorms { minNorm = min(minNorm, Int(fieldNorms[docNo])) }
            docs.append(docNo)
            freqs.append(freq)
            sums.append(sum)
        }

        var left = df
        var block = 0
        while left > 0 {
            maxFreq = 0
            minNorm = 255
            let blockAt = d.at
            let inBlock: Int
            if block < fullBlocks {
                inBlock = bs
                let w1 = Int(try d.u8())
                guard w1 <= 32 else { throw d.damage("the bit width of block \(block)'s document deltas is \(w1), more than 32", at: blockAt) }
                try d.need(16 * w1, "packed block \(block)")
                // The cursor ends at least a footer (8 bytes) before the file's end, as unpacking needs.
                BitPacking.unpack(docBytes.baseAddress! + d.at, width: w1, into: deltaBuffer)
                d.at += 16 * w1
                let freqsAt = d.at
                let w2 = Int(try d.u8())
                guard w2 <= 32 else { throw d.damage("the bit width of block \(block)'s frequencies is \(w2), more than 32", at: freqsAt) }
                try d.need(16 * w2, "packed block \(block)")
                BitPacking.unpack(docBytes.baseAddress! + d.at, width: w2, into: freqBuffer)
                d.at += 16 * w2
                for i in 0..<bs {
                    let f = Int(freqBuffer[i]) + 1
                    guard f <= Int(UInt32.max) else { throw d.damage("a frequency overflows 32 bits in block \(block)", at: freqsAt) }
                    try posting(Int(deltaBuffer[i]), f, at: blockAt)
                }
            } else {
                inBlock = left
                for _ in 0..<inBlock {
                    let at = d.at
                    let code = try d.vint()
                    guard code >> 1 <= UInt64(docCount) else {
                        throw d.damage("a document delta of \(code >> 1) is larger than the segment (\(docCount) documents)", at: at)
                    }
                    var f = 1
                    if code & 1 == 0 {
                        f = try d.vint(max: Int(UInt32.max), "a frequency")
                        guard f > 1 else { throw d.damage("a frequency of \(f) is written out (1 is flagged in the document code, 0 is impossible)", at: at) }
                    }
                    try posting(Int(code >> 1), f, at: at)
                }
            }
            if skipCount > 0 {
                let e = skipAt + block * SkipEntry.size
                func u32(_ k: Int) -> Int { Int(UInt32(littleEndian: docBytes.loadUnaligned(fromByteOffset: e + k, as: UInt32.self))) }
                let checks: [(String, Int, Int, Int)] = [
                    ("LastDoc", 0, u32(0), prev),
                    ("DocEnd", 4, u32(4), d.at - blocksStart),
                    ("PosEnd", 8, u32(8), p.at - posStart),
                    ("MaxFreq", 12, u32(12), maxFreq),
                ]
                for (name, k, stored, actual) in checks where stored != actual {
                    throw Damage(file: doc.path, offset: e + k, message: "skip entry \(block) says \(name) \(stored), but its block has \(actual)")
                }
                if fieldNorms != nil && Int(docBytes[e + 16]) != minNorm {
                    throw Damage(file: doc.path, offset: e + 16, message: "skip entry \(block) says MinNorm \(docBytes[e + 16]), but the smallest norm in its block is \(minNorm)")
                }
            }
            left -= inBlock
            block += 1
        }
        if total != t.totalTermFreq {
            throw Damage(file: tdiPath, offset: t.entryAt, message: "TotalTermFreq is \(t.totalTermFreq) in the term dictionary, but the frequencies in the postings add up to \(total)")
        }
        if let docLimit, d.at != docLimit {
            throw d.damage("the postings end at offset \(d.at), but the next term's begin at \(docLimit): DocFreq disagrees with the postings, or bytes were lost")
        }
        if let posLimit, p.at != posLimit {
            throw p.damage("the positions end at offset \(p.at), but the next term's begin at \(posLimit): the frequencies disagree with the positions")
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
