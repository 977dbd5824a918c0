/// Top-k with dynamic pruning for sums of query parts, when an exact count of all matches is not
/// needed (``SearchOptions/countAllMatches`` off): one part (a word or a phrase), parts joined by
/// OR (`a OR b`, a prefix), or parts joined by AND without exclusions (`a AND "b c"`).
///
/// MaxScore with block-max skipping: every (part, field) clause has an upper bound on its score,
/// from the largest frequency and the shortest field in its postings (stored per block of 128
/// documents in the skip data; for an exact phrase, from the rarest of its words; for a word in
/// fewer than 128 documents, which has no skip data, its BM25 weight, which no score reaches, so
/// that its postings are not read twice). Clauses are
/// ordered by bound; once the k-th best score θ is known, the clauses whose bounds together cannot
/// reach θ become *non-essential*: candidates come only from the essential ones, and a
/// non-essential clause is looked up only while the candidate could still beat θ. With one
/// essential single-word clause, whole blocks whose bound (plus the non-essential bounds) cannot
/// beat θ are skipped without decoding. In a conjunction a candidate must also match every part.
/// Scores are computed exactly as the exhaustive scorers do (same grouping and order of float
/// sums), so the hits are identical.
struct PrunedTopK {
    /// One part in one field (a class: the hot loop then borrows clauses instead of copying them).
    final class Clause {
        /// The exhaustive scorer of this part in this field (nil when `cursor` is set).
        let scorer: Scorer?
        /// The postings when the clause is a single word (walked and scored directly), else nil.
        let cursor: PostingsCursor?
        let norms: UnsafeRawBufferPointer
        let bm25: BM25
        /// The query part (leaf) this clause belongs to, and its position among the leaf's fields.
        let leaf: Int
        let field: Int
        let bound: Float

        /// `cursor` (kept alive by it), to move it without reference counting in the hot loop.
        private let cursorRef: Unmanaged<PostingsCursor>?
        /// `bm25`'s weight and length factors, copied so that scoring a document touches no
        /// array (and no reference count): the same float operations as ``BM25/score(freq:norm:)``.
        let weight: Float
        let normInverse: UnsafePointer<Float>
        /// Keeps the storage `normInverse` points into alive.
        private let normTable: [Float]
        /// The block whose bound and last document `cachedBound` and `cachedLast` hold (-1: none).
        private var cachedBlock = -1
        private var cachedBound: Float = 0
        private var cachedLast: Int32 = 0

        init(scorer: Scorer?, cursor: PostingsCursor?, norms: UnsafeRawBufferPointer, bm25: BM25, leaf: Int, field: Int, bound: Float) {
            self.scorer = scorer
            self.cursor = cursor
            self.norms = norms
            self.bm25 = bm25
            self.leaf = leaf
            self.field = field
            self.bound = bound
            cursorRef = cursor.map { Unmanaged.passUnretained($0) }
            weight = bm25.weight
            // The table's storage, shared (never changed, kept alive by `normTable`): no copy per clause.
            normTable = bm25.normInverse
            normInverse = normTable.withUnsafeBufferPointer { $0.baseAddress! }
        }

        @inline(__always) var doc: Int32 {
            if let c = cursorRef { return c._withUnsafeGuaranteedRef { $0.doc } }
            return scorer.unsafelyUnwrapped.doc
        }

        @inline(__always) func advance() throws -> Int32 {
            if let c = cursorRef { return try c._withUnsafeGuaranteedRef { try $0.advance() } }
            return try scorer.unsafelyUnwrapped.advance()
        }

        @inline(__always) func seek(_ target: Int32) throws -> Int32 {
            if let c = cursorRef { return try c._withUnsafeGuaranteedRef { try $0.seek(target) } }
            return try scorer.unsafelyUnwrapped.seek(target)
        }

        /// The score on the current document, as the exhaustive scorer computes it.
        @inline(__always) func score() throws -> Float {
            if let c = cursorRef {
                return c._withUnsafeGuaranteedRef { termScore(freq: Float($0.freq), norm: norms[Int($0.doc)]) }
            }
            return try scorer.unsafelyUnwrapped.score()
        }

        /// ``BM25/score(freq:norm:)`` in the same float operations.
        @inline(__always) private func termScore(freq: Float, norm: UInt8) -> Float {
            let ni = normInverse[Int(norm)]
            return weight - weight / (1 + freq * ni)
        }

        /// The bound of the current block of a single-word clause and its last document (nil
        /// without skip data, or before the first document); read once per block.
        @inline(__always) func blockBound() -> (bound: Float, lastDoc: Int32)? {
            guard let c = cursorRef else { return nil }
            let block = c._withUnsafeGuaranteedRef { $0.blockNumber }
            if block != cachedBlock {
                guard let b = c._withUnsafeGuaranteedRef({ $0.currentBlockBound }) else { return nil }
                cachedBlock = block
                cachedBound = termScore(freq: Float(b.maxFreq), norm: b.minNorm)
                cachedLast = b.lastDoc
            }
            return (cachedBound, cachedLast)
        }
    }

    /// A clause borrowed without reference counting (the caller keeps it alive).
    struct ClauseRef {
        let clause: Unmanaged<Clause>
        init(_ clause: Unmanaged<Clause>) { self.clause = clause }
        @inline(__always) var doc: Int32 { clause._withUnsafeGuaranteedRef { $0.doc } }
        @inline(__always) func advance() throws -> Int32 { try clause._withUnsafeGuaranteedRef { try $0.advance() } }
        @inline(__always) func seek(_ target: Int32) throws -> Int32 { try clause._withUnsafeGuaranteedRef { try $0.seek(target) } }
        @inline(__always) func score() throws -> Float { try clause._withUnsafeGuaranteedRef { try $0.score() } }
        @inline(__always) func blockBound() -> (bound: Float, lastDoc: Int32)? { clause._withUnsafeGuaranteedRef { $0.blockBound() } }
    }

    /// The clauses of one segment and how their parts combine.
    struct Clauses {
        var clauses: [Clause] = []
        var leafCount = 0
        /// True when every part must match (AND), false when any may (OR).
        var conjunctive = false
        /// The order in which the exhaustive scorer adds up the parts' scores.
        var leafOrder: [Int] = []
    }

    /// The clauses of a plan of the supported shapes in one segment, or nil when the plan has
    /// another shape. A conjunction with a part missing from the segment has no clauses.
    static func clauses(_ plan: Plan, in seg: SegmentReader, index: IndexReader, cache: QueryTerms? = nil) throws -> Clauses? {
        var leaves: [PlanLeaf] = []
        var out = Clauses()
        switch plan {
        case .leaf(let l): leaves = [l]
        case .or(let parts):
            for p in parts {
                guard case .leaf(let l) = p else { return nil }
                leaves.append(l)
            }
        case .and(let must, let not):
            guard not.isEmpty, must.count > 1 else { return nil }
            for p in must {
                guard case .leaf(let l) = p else { return nil }
                leaves.append(l)
            }
            out.conjunctive = true
        default: return nil
        }
        var leafCosts: [Int] = []
        for leaf in leaves {
            let i = out.leafCount
            var cost = 0
            var present = false
            for (f, (field, bm25)) in leaf.fields.enumerated() {
                guard let norms = seg.norms(field) else { continue }
                func lookup(_ t: String) throws -> TermInfo? {
                    try cache.map { try $0.info(field, t, in: seg) } ?? seg.termInfo(field, t)
                }
                // No label: these scorers never explain.
                let clause: Clause
                if case .term(let t) = leaf.span {
                    // A single word walks its postings directly (no spans or scorer around them).
                    guard let info = try lookup(t) else { continue }
                    let cursor = try seg.postings(info)
                    // Without skip data (fewer than 128 documents), BM25's limit as the frequency
                    // grows (a score never reaches its weight) instead of a pass over the postings.
                    let bound = try cursor.skipBlockCount == 0 ? bm25.weight : cursor.scoreBound(blockScore: { bm25.score(freq: Float($0), norm: $1) },
                                                      score: { bm25.score(freq: Float($1), norm: norms[Int($0)]) })
                    clause = Clause(scorer: nil, cursor: cursor, norms: norms, bm25: bm25, leaf: i, field: f, bound: bound)
                    cost += cursor.cost
                } else if case .phrase(let parts, let offsets, 0) = leaf.span, parts.count == 2,
                          case .term(let a) = parts[0], case .term(let b) = parts[1] {
                    // An exact phrase of two words: straight from the two postings.
                    guard let ia = try lookup(a), let ib = try lookup(b) else { continue }
                    let scorer = PairScorer(try seg.postings(ia), try seg.postings(ib), firstOffset: offsets[0],
                                            shift: offsets[1] - offsets[0], norms: norms, bm25: bm25)
                    clause = Clause(scorer: scorer, cursor: nil, norms: norms, bm25: bm25, leaf: i, field: f, bound: scorer.upperBound())
                    cost += scorer.cost
                } else {
                    guard let spans = try index.spans(leaf.span, field: field, in: seg, cache: cache) else { continue }
                    let scorer = SpanScorer(spans, norms: norms, bm25: bm25, label: "")
                    clause = Clause(scorer: scorer, cursor: nil, norms: norms, bm25: bm25, leaf: i, field: f, bound: scorer.upperBound())
                    cost += scorer.cost
                }
                present = true
                out.clauses.append(clause)
            }
            if !present {
                // A part that cannot match here: a conjunction has no match in this segment.
                if out.conjunctive { return Clauses() }
                continue
            }
            leafCosts.append(cost)
            out.leafCount += 1
        }
        // The exhaustive scorers add up OR parts in query order and AND parts cheapest first
        // (the same sort on the same costs gives the same order).
        out.leafOrder = out.conjunctive ? Array(0..<out.leafCount).sorted { leafCosts[$0] < leafCosts[$1] } : Array(0..<out.leafCount)
        return out
    }

    /// Safety margin on bounds against float rounding: bounds are compared scaled up by this.
    static let margin: Float = 1.0001

    /// Collects one segment's best documents into `top`; returns how many documents it scored.
    /// Without `prune`, every match is scored and counted (θ stays −∞).
    /// `deleted` holds the segment's deleted documents as bits (empty when there are none).
    static func collect(_ shape: Clauses, base: Int32, deleted: [UInt64] = [], into top: inout TopDocs, prune: Bool = true) throws -> Int {
        let clauses = shape.clauses.sorted { $0.bound < $1.bound }
        let n = clauses.count
        guard n > 0 else { return 0 }
        let conjunctive = shape.conjunctive
        // The loop's small tables share one allocation: order and rank (Int), prefix and the
        // part scores (Float), leafEnds and the part flags (Bool).
        let leafCount = shape.leafCount
        let ints = n + leafCount, floats = 2 * n + 1
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: 8 * ints + 4 * floats + 2 * n, alignment: 8)
        defer { scratch.deallocate() }
        let order = scratch.bindMemory(to: Int.self, capacity: ints)
        let rank = order + n
        // prefix[i] = sum of the bounds of clauses 0..<i.
        let prefix = (scratch + 8 * ints).bindMemory(to: Float.self, capacity: floats)
        let partScores = prefix + (n + 1)
        let leafEnds = (scratch + 8 * ints + 4 * floats).bindMemory(to: Bool.self, capacity: 2 * n)
        let hasPart = leafEnds + n
        prefix[0] = 0
        for i in 0..<n { prefix[i + 1] = prefix[i] + clauses[i].bound }
        for c in clauses { _ = try c.advance() }
        // The hot loop reaches the clauses without reference counting; `clauses` keeps them alive.
        let refs = clauses.map { ClauseRef(Unmanaged.passUnretained($0)) }
        defer { withExtendedLifetime(clauses) {} }
        var scored = 0
        // Clause indices grouped by leaf in the order the exhaustive scorers add leaves up,
        // fields within a leaf in field order (each clause is one leaf and field: no ties).
        for (r, leaf) in shape.leafOrder.enumerated() { rank[leaf] = r }
        for k in 0..<n { order[k] = k }
        var orderBuffer = UnsafeMutableBufferPointer(start: order, count: n)
        orderBuffer.sort { a, b in
            let ca = clauses[a], cb = clauses[b]
            return (rank[ca.leaf], ca.field) < (rank[cb.leaf], cb.field)
        }
        // leafEnds[k]: order[k] is the last clause of its leaf in `order` (for a conjunction, the
        // leaves in `order` are cheapest first).
        for k in 0..<n { leafEnds[k] = k == n - 1 || clauses[order[k]].leaf != clauses[order[k + 1]].leaf }
        // Words with few documents in all stay in the loop below (the window buffers would cost more).
        if !conjunctive && n <= wordsMaxClauses && clauses.allSatisfy({ $0.cursor != nil })
            && clauses.reduce(0, { $0 + $1.cursor!.cost }) >= wordsMinPostings {
            return try collectWords(clauses, prefix: prefix, order: order, leafEnds: leafEnds, base: base, deleted: deleted, into: &top, prune: prune)
        }
        // Phrase clauses pass over candidates that cannot beat θ before reading positions.
        let phraseClauses: [(PrunableScorer, Float)] = clauses.compactMap { c in
            guard c.cursor == nil, let s = c.scorer as? PrunableScorer else { return nil }
            return (s, prefix[n] - c.bound)
        }
        var lastTheta = -Float.infinity
        // The number of non-essential clauses (for the current θ).
        var p = 0
        while true {
            let theta = prune ? top.threshold ?? -Float.infinity : -Float.infinity
            if theta != lastTheta {
                lastTheta = theta
                // Non-essential: the longest prefix of clauses whose bounds together cannot beat θ.
                p = 0
                while p < n && prefix[p + 1] * margin <= theta { p += 1 }
                for (s, others) in phraseClauses {
                    s.threshold = theta
                    s.otherBounds = others
                }
            }
            if p == n { break }
            // Block-max: a single essential clause skips blocks that cannot beat θ.
            if p == n - 1, let (bb, last) = refs[p].blockBound(), (bb + prefix[p]) * margin <= theta {
                if try refs[p].seek(last + 1) == PostingsCursor.noMoreDocs { break }
                continue
            }
            var d = PostingsCursor.noMoreDocs
            for i in p..<n { d = min(d, refs[i].doc) }
            if d == PostingsCursor.noMoreDocs { break }
            if conjunctive {
                // Before making sure every part matches d (seeking the non-essential clauses),
                // check that d could beat θ at all.
                if theta > -Float.infinity {
                    var essential: Float = 0
                    for i in p..<n where refs[i].doc == d { essential += try refs[i].score() }
                    if (essential + prefix[p]) * margin <= theta {
                        for k in p..<n where refs[k].doc == d { _ = try refs[k].advance() }
                        continue
                    }
                }
                d = try nextShared(from: d, refs, essential: p, order: order, leafEnds: leafEnds)
                if d == PostingsCursor.noMoreDocs { break }
            }
            if !deleted.isEmpty && deleted[Int(d) >> 6] & (1 << UInt64(d & 63)) != 0 {
                for k in p..<n where refs[k].doc == d { _ = try refs[k].advance() }
                continue
            }
            // Essential clauses on d, then non-essential ones while d can still beat θ.
            var estimate: Float = 0
            for i in 0..<n { hasPart[i] = false }
            for i in p..<n where refs[i].doc == d {
                let s = try refs[i].score()
                partScores[i] = s
                hasPart[i] = true
                estimate += s
            }
            var i = p - 1
            while i >= 0 {
                if (estimate + prefix[i + 1]) * margin <= theta { break }
                if refs[i].doc < d { _ = try refs[i].seek(d) }
                if refs[i].doc == d {
                    let s = try refs[i].score()
                    partScores[i] = s
                    hasPart[i] = true
                    estimate += s
                }
                i -= 1
            }
            if i < 0 {
                // Every clause was looked at: the exact score, summed as the exhaustive scorers do
                // (fields within a leaf in field order, then leaves in their order).
                var sum: Double = 0
                var present = 0
                var only: Float = 0
                var leafSum: Double = 0
                var hits = 0
                for k in 0..<n {
                    let c = order[k]
                    if hasPart[c] { leafSum += Double(partScores[c]); hits += 1 }
                    if leafEnds[k] {
                        if hits > 0 {
                            let v = Float(leafSum)
                            sum += Double(v)
                            present += 1
                            only = v
                        }
                        leafSum = 0
                        hits = 0
                    }
                }
                if !conjunctive || present == shape.leafCount {
                    scored += 1
                    // Only a score of at least θ can enter (ties go to the lower document).
                    let s = present == 1 ? only : Float(sum)
                    if s >= theta { top.insert(score: s, doc: base + d) }
                }
            }
            for k in p..<n where refs[k].doc == d { _ = try refs[k].advance() }
        }
        return scored
    }

    /// The most clauses ``collectWords`` takes (one bit each in a document's mask; its score
    /// buffer holds a window's scores for each clause).
    static let wordsMaxClauses = 8
    /// The fewest postings (over all clauses) for which ``collect`` uses ``collectWords``.
    static let wordsMinPostings = 64
    /// The width of ``collectWords``'s windows, in document numbers (a multiple of 64, at most 4096).
    static let wordsWindow = 4096

    /// ``collect`` for an OR of single words (every clause walks postings, no conjunction), a
    /// decoded block at a time: the documents of a window are those of the essential clauses up to
    /// the first end of their current blocks (and at most ``wordsWindow`` on); a window whose
    /// block bounds cannot beat θ is passed over whole; otherwise each essential clause's postings
    /// in it are scored in one tight loop into a per-clause column of a score buffer and marked in
    /// a bitset, and then the marked documents are taken in order: the non-essential clauses are
    /// looked up while the document could still beat θ, and the exact score is summed as in
    /// ``collect``. The same hits and scores as ``collect``; the same count without pruning.
    private static func collectWords(_ clauses: [Clause], prefix: UnsafePointer<Float>, order: UnsafePointer<Int>, leafEnds: UnsafePointer<Bool>,
                                     base: Int32, deleted: [UInt64],
                                     into top: inout TopDocs, prune: Bool) throws -> Int {
        let n = clauses.count
        let width = wordsWindow
        let noMore = PostingsCursor.noMoreDocs
        // Borrowed: `clauses` keeps the clauses and, through them, the cursors alive.
        let refs = clauses.map { ClauseRef(Unmanaged.passUnretained($0)) }
        let cursors = clauses.map { Unmanaged.passUnretained($0.cursor!) }
        defer { withExtendedLifetime(clauses) {} }
        // Per clause, what scoring a posting needs, as plain values.
        let weights = clauses.map(\.weight)
        let inverses = clauses.map(\.normInverse)
        let norms = clauses.map { $0.norms.baseAddress!.assumingMemoryBound(to: UInt8.self) }
        // scores[i * width + o]: clause i's score on document start + o (valid where masks[o] has bit i).
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: n * width)
        let masks = UnsafeMutablePointer<UInt8>.allocate(capacity: width)
        masks.initialize(repeating: 0, count: width)
        // Bit o of bits: document start + o has a mask; bit k of summary: bits[k] is not zero.
        let bits = UnsafeMutablePointer<UInt64>.allocate(capacity: width / 64)
        bits.initialize(repeating: 0, count: width / 64)
        var summary: UInt64 = 0
        let probed = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer {
            scores.deallocate()
            masks.deallocate()
            bits.deallocate()
            probed.deallocate()
        }
        var scored = 0
        var lastTheta = -Float.infinity
        var p = 0
        var theta = -Float.infinity
        while true {
            theta = prune ? top.threshold ?? -Float.infinity : -Float.infinity
            if theta != lastTheta {
                lastTheta = theta
                p = 0
                while p < n && prefix[p + 1] * margin <= theta { p += 1 }
            }
            if p == n { break }
            var start = noMore
            var blockEnd = noMore
            for i in p..<n {
                let c = cursors[i]._withUnsafeGuaranteedRef { $0.doc }
                if c == noMore { continue }
                start = min(start, c)
                blockEnd = min(blockEnd, cursors[i]._withUnsafeGuaranteedRef { $0.lastBufferedDoc })
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
            let end = Int(start) + width - 1 < Int(blockEnd) ? start + Int32(width - 1) : blockEnd
            // Score the essential clauses' postings in the window.
            for i in p..<n {
                let cursor = cursors[i]
                let bit = UInt8(1) << UInt8(i)
                let w = weights[i], inverse = inverses[i], norm = norms[i]
                let column = scores + i * width
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
            // The window's documents in order.
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
                    if !deleted.isEmpty && deleted[Int(d) >> 6] & (1 << UInt64(d & 63)) != 0 { continue }
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
                        if refs[i].doc < d { _ = try refs[i].seek(d) }
                        if refs[i].doc == d {
                            let s = try refs[i].score()
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
        return scored
    }

    /// For a conjunction: from `start` (the first document of the essential clauses `essential...`)
    /// on, the first document of an essential clause that every leaf matches (leapfrog: a leaf
    /// without a clause there moves the essential clauses on to the leaf's next document).
    /// Clauses are left on their first document at or after the result.
    /// The leaves are runs of `order` (a leaf's last clause has `leafEnds` set), cheapest first.
    private static func nextShared(from start: Int32, _ refs: [ClauseRef], essential p: Int, order: UnsafePointer<Int>,
                                   leafEnds: UnsafePointer<Bool>) throws -> Int32 {
        let n = refs.count
        var d = start
        outer: while d != PostingsCursor.noMoreDocs {
            var a = 0
            while a < n {
                var b = a
                while !leafEnds[b] { b += 1 }
                // This leaf is order[a...b].
                var matched = false
                for k in a...b where refs[order[k]].doc == d {
                    matched = true
                    break
                }
                if !matched {
                    var next = PostingsCursor.noMoreDocs
                    for k in a...b {
                        let r = refs[order[k]]
                        let c = r.doc
                        next = min(next, c < d ? try r.seek(d) : c)
                    }
                    if next > d {
                        var lead = PostingsCursor.noMoreDocs
                        for k in p..<n {
                            let c = refs[k].doc
                            lead = min(lead, c < next ? try refs[k].seek(next) : c)
                        }
                        d = lead
                        continue outer
                    }
                }
                a = b + 1
            }
            return d
        }
        return d
    }
}
