/// ``PrunedTopK``'s loop for an OR of single words, a window of documents at a time.
extension PrunedTopK {
    /// The buffers of ``collectWords``: a window's scores and marks, allocated once per segment.
    private struct WordWindow {
        /// scores[i * width + o]: clause i's score on document start + o (valid where masks[o] has bit i).
        let scores: UnsafeMutablePointer<Float>
        let masks: UnsafeMutablePointer<UInt8>
        /// Bit o of bits: document start + o has a mask (a `summary` bit k: bits[k] is not zero).
        let bits: UnsafeMutablePointer<UInt64>
        /// The scores of the non-essential clauses looked up on the current document.
        let probed: UnsafeMutablePointer<Float>

        init(clauses n: Int, width: Int) {
            scores = .allocate(capacity: n * width)
            masks = .allocate(capacity: width)
            masks.initialize(repeating: 0, count: width)
            bits = .allocate(capacity: width / 64)
            bits.initialize(repeating: 0, count: width / 64)
            probed = .allocate(capacity: n)
        }

        func deallocate() {
            scores.deallocate()
            masks.deallocate()
            bits.deallocate()
            probed.deallocate()
        }
    }

    /// What scoring a single-word clause's posting needs, as plain values.
    private struct WordScoring {
        let cursors: [Unmanaged<PostingsCursor>]
        let weights: [Float]
        let inverses: [UnsafePointer<Float>]
        let norms: [UnsafePointer<UInt8>]

        init(_ clauses: [Clause]) {
            // Borrowed: the caller's clauses keep the cursors alive.
            cursors = clauses.map { Unmanaged.passUnretained($0.cursor!) }
            weights = clauses.map(\.weight)
            inverses = clauses.map(\.normInverse)
            norms = clauses.map { $0.norms.baseAddress!.assumingMemoryBound(to: UInt8.self) }
        }
    }

    /// ``collect`` for an OR of single words (every clause walks postings, no conjunction), a
    /// decoded block at a time: the documents of a window are those of the essential clauses up to
    /// the first end of their current blocks (and at most ``wordsWindow`` on); a window whose
    /// block bounds cannot beat θ is passed over whole; otherwise each essential clause's postings
    /// in it are scored in one tight loop into a per-clause column of a score buffer and marked in
    /// a bitset, and then the marked documents are taken in order: the non-essential clauses are
    /// looked up while the document could still beat θ, and the exact score is summed as in
    /// ``collect``. The same hits and scores as ``collect``; the same count without pruning.
    static func collectWords(_ clauses: [Clause], prefix: UnsafePointer<Float>, order: UnsafePointer<Int>, leafEnds: UnsafePointer<Bool>,
                             base: Int32, deleted: [UInt64],
                             into top: inout TopDocs, prune: Bool) throws -> Int {
        let n = clauses.count
        let noMore = PostingsCursor.noMoreDocs
        // Borrowed: `clauses` keeps the clauses and, through them, the cursors alive.
        let refs = clauses.map(WordClauseRef.init)
        let words = WordScoring(clauses)
        defer { withExtendedLifetime(clauses) {} }
        let window = WordWindow(clauses: n, width: wordsWindow)
        defer { window.deallocate() }
        var scored = 0
        var lastTheta = -Float.infinity
        var p = 0
        var theta = -Float.infinity
        while true {
            theta = prune ? top.threshold ?? -Float.infinity : -Float.infinity
            if theta != lastTheta {
                lastTheta = theta
                p = nonEssential(prefix, n, theta: theta)
            }
            if p == n { break }
            var start = noMore
            var blockEnd = noMore
            for i in p..<n {
                let c = words.cursors[i]._withUnsafeGuaranteedRef { $0.doc }
                if c == noMore { continue }
                start = min(start, c)
                blockEnd = min(blockEnd, words.cursors[i]._withUnsafeGuaranteedRef { $0.lastBufferedDoc })
            }
            if start == noMore { break }
            // Block-max: the window's essential documents lie in the clauses' current blocks.
            if theta > -Float.infinity {
                var bound = prefix[p]
                for i in p..<n where refs[i].doc <= blockEnd {
                    bound += refs[i].blockBound()?.bound ?? clauses[i].bound
                }
                if bound * margin <= theta {
                    for i in p..<n where refs[i].doc <= blockEnd { _ = try refs[i].seek(blockEnd + 1) }
                    continue
                }
            }
            let end = Int(start) + wordsWindow - 1 < Int(blockEnd) ? start + Int32(wordsWindow - 1) : blockEnd
            let summary = try fill(window, words, essential: p..<n, from: start, through: end)
            try takeWindow(window, summary: summary, start: start, refs: refs, essential: p, prefix: prefix, order: order,
                           leafEnds: leafEnds, base: base, deleted: deleted, theta: &theta, into: &top, prune: prune, scored: &scored)
        }
        return scored
    }

    /// Scores the essential clauses' postings in the window `start...end` into the window's
    /// columns and marks; returns the window's summary bits (bit k: `bits[k]` is not zero).
    @inline(__always)
    private static func fill(_ window: WordWindow, _ words: WordScoring, essential: Range<Int>,
                             from start: Int32, through end: Int32) throws -> UInt64 {
        let width = wordsWindow
        let masks = window.masks, bits = window.bits
        var summary: UInt64 = 0
        for i in essential {
            let cursor = words.cursors[i]
            let bit = UInt8(1) << UInt8(i)
            let w = words.weights[i], inverse = words.inverses[i], norm = words.norms[i]
            let column = window.scores + i * width
            try cursor._withUnsafeGuaranteedRef { c in
                guard c.doc <= end else { return }
                let (docs, freqs, from, count) = c.currentBlock()
                var j = from
                while j < count {
                    let d = Int32(truncatingIfNeeded: docs[j])
                    if d > end { break }
                    let o = Int(d &- start)
                    let x = inverse[Int(norm[Int(d)])]
                    column[o] = w - w / (1 + Float(freqs[j]) * x)
                    masks[o] |= bit
                    bits[o >> 6] |= 1 << UInt64(o & 63)
                    summary |= 1 << UInt64(o >> 6)
                    j += 1
                }
                _ = try c.moveInBlock(to: j)
            }
        }
        return summary
    }

    /// Takes the window's marked documents in order: the non-essential clauses are looked up
    /// while the document could still beat θ, and the exact score is summed as ``collect`` sums it.
    @inline(__always)
    private static func takeWindow(_ window: WordWindow, summary: UInt64, start: Int32, refs: [WordClauseRef], essential p: Int,
                                   prefix: UnsafePointer<Float>, order: UnsafePointer<Int>, leafEnds: UnsafePointer<Bool>,
                                   base: Int32, deleted: [UInt64], theta: inout Float,
                                   into top: inout TopDocs, prune: Bool, scored: inout Int) throws {
        let n = refs.count
        let width = wordsWindow
        let scores = window.scores, masks = window.masks, bits = window.bits, probed = window.probed
        var summary = summary
        while summary != 0 {
            let k = summary.trailingZeroBitCount
            summary &= summary &- 1
            var word = bits[k]
            bits[k] = 0
            while word != 0 {
                let o = k << 6 | word.trailingZeroBitCount
                word &= word &- 1
                let m = masks[o]
                masks[o] = 0
                let d = start + Int32(o)
                if isDeleted(d, deleted) { continue }
                // Essential clauses in clause order, as collect adds them up.
                var estimate: Float = 0
                var rest = m
                while rest != 0 {
                    let i = rest.trailingZeroBitCount
                    rest &= rest &- 1
                    estimate += scores[i * width + o]
                }
                // θ may have risen since the window began.
                if (estimate + prefix[p]) * margin <= theta { continue }
                var have = UInt32(m)
                var i = p - 1
                while i >= 0 {
                    if (estimate + prefix[i + 1]) * margin <= theta { break }
                    if let s = try probe(refs[i], d) {
                        probed[i] = s
                        have |= 1 << UInt32(i)
                        estimate += s
                    }
                    i -= 1
                }
                if i >= 0 { continue }
                // The exact score, summed as collect sums it (a leaf without a match adds 0).
                var sum: Double = 0
                var leafSum: Double = 0
                for k in 0..<n {
                    let c = order[k]
                    if have & (1 << UInt32(c)) != 0 { leafSum += Double(c >= p ? scores[c * width + o] : probed[c]) }
                    if leafEnds[k] {
                        sum += Double(Float(leafSum))
                        leafSum = 0
                    }
                }
                scored += 1
                let s = Float(sum)
                if s >= theta {
                    top.insert(score: s, doc: base + d)
                    if prune { theta = top.threshold ?? -Float.infinity }
                }
            }
        }
    }
}
