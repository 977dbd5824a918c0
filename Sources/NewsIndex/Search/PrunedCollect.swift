/// ``PrunedTopK``'s loop over any clauses (words, phrases, patterns; OR or AND), a document at a time.
extension PrunedTopK {
    /// The small per-segment tables of ``collect(_:base:deleted:into:prune:)``, in one allocation:
    /// clause indices in summing order and leaf ranks (Int), bound prefixes and part scores
    /// (Float), leaf ends and part flags (Bool).
    struct Tables {
        /// Clause indices grouped by leaf in the order the exhaustive scorers add leaves up,
        /// fields within a leaf in field order.
        let order: UnsafeMutablePointer<Int>
        private let rank: UnsafeMutablePointer<Int>
        /// prefix[i] = sum of the bounds of clauses 0..<i.
        let prefix: UnsafeMutablePointer<Float>
        let partScores: UnsafeMutablePointer<Float>
        /// leafEnds[k]: order[k] is the last clause of its leaf in `order`.
        let leafEnds: UnsafeMutablePointer<Bool>
        let hasPart: UnsafeMutablePointer<Bool>
        private let scratch: UnsafeMutableRawPointer

        /// The tables of `clauses` (sorted by bound) of `shape`.
        init(_ clauses: [Clause], _ shape: Clauses) {
            let n = clauses.count
            let ints = n + shape.leafCount, floats = 2 * n + 1
            scratch = UnsafeMutableRawPointer.allocate(byteCount: 8 * ints + 4 * floats + 2 * n, alignment: 8)
            let order = scratch.bindMemory(to: Int.self, capacity: ints)
            let rank = order + n
            self.order = order
            self.rank = rank
            prefix = (scratch + 8 * ints).bindMemory(to: Float.self, capacity: floats)
            partScores = prefix + (n + 1)
            leafEnds = (scratch + 8 * ints + 4 * floats).bindMemory(to: Bool.self, capacity: 2 * n)
            hasPart = leafEnds + n
            prefix[0] = 0
            for i in 0..<n { prefix[i + 1] = prefix[i] + clauses[i].bound }
            // Each clause is one leaf and field: no ties.
            for (r, leaf) in shape.leafOrder.enumerated() { rank[leaf] = r }
            for k in 0..<n { order[k] = k }
            var orderBuffer = UnsafeMutableBufferPointer(start: order, count: n)
            orderBuffer.sort { a, b in
                let ca = clauses[a], cb = clauses[b]
                return (rank[ca.leaf], ca.field) < (rank[cb.leaf], cb.field)
            }
            // For a conjunction, the leaves in `order` are cheapest first.
            for k in 0..<n { leafEnds[k] = k == n - 1 || clauses[order[k]].leaf != clauses[order[k + 1]].leaf }
        }

        func deallocate() { scratch.deallocate() }
    }

    /// Collects one segment's best documents into `top`; returns how many documents it scored.
    /// Without `prune`, every match is scored and counted (θ stays −∞).
    /// `deleted` holds the segment's deleted documents as bits (empty when there are none).
    static func collect(_ shape: Clauses, base: Int32, deleted: [UInt64] = [], into top: inout TopDocs, prune: Bool = true) throws -> Int {
        let clauses = shape.clauses.sorted { $0.bound < $1.bound }
        guard !clauses.isEmpty else { return 0 }
        let tables = Tables(clauses, shape)
        defer { tables.deallocate() }
        for c in clauses { _ = try c.advance() }
        // Words with few documents in all stay in the loop below (the window buffers would cost more).
        if !shape.conjunctive && clauses.count <= wordsMaxClauses && clauses.allSatisfy({ $0.cursor != nil })
            && clauses.reduce(0, { $0 + $1.cursor!.cost }) >= wordsMinPostings {
            return try collectWords(clauses, prefix: tables.prefix, order: tables.order, leafEnds: tables.leafEnds,
                                    base: base, deleted: deleted, into: &top, prune: prune)
        }
        if clauses.allSatisfy({ $0.cursor != nil }) {
            return try collectClauses(clauses, clauses.map(WordClauseRef.init), shape, tables, base: base, deleted: deleted,
                                      into: &top, prune: prune)
        }
        return try collectClauses(clauses, clauses.map { ClauseRef(Unmanaged.passUnretained($0)) }, shape, tables, base: base,
                                  deleted: deleted, into: &top, prune: prune)
    }

    /// The number of non-essential clauses for θ: the longest prefix of clauses (by bound) whose
    /// bounds together cannot beat it.
    @inline(__always)
    static func nonEssential(_ prefix: UnsafePointer<Float>, _ n: Int, theta: Float) -> Int {
        var p = 0
        while p < n && prefix[p + 1] * margin <= theta { p += 1 }
        return p
    }

    /// A non-essential clause looked up on `d`: its score there, or nil when it does not match `d`.
    @inline(__always)
    static func probe<R: ClauseAccess>(_ r: R, _ d: Int32) throws -> Float? {
        if r.doc < d { _ = try r.seek(d) }
        return r.doc == d ? try r.score() : nil
    }

    /// Whether the deleted bits hold `d`.
    @inline(__always)
    static func isDeleted(_ d: Int32, _ deleted: [UInt64]) -> Bool {
        !deleted.isEmpty && deleted[Int(d) >> 6] & (1 << UInt64(d & 63)) != 0
    }

    /// The loop of ``collect(_:base:deleted:into:prune:)`` once its tables are made.
    private static func collectClauses<R: ClauseAccess>(_ clauses: [Clause], _ refs: [R], _ shape: Clauses, _ tables: Tables,
                                                        base: Int32, deleted: [UInt64], into top: inout TopDocs,
                                                        prune: Bool) throws -> Int {
        let n = clauses.count
        let conjunctive = shape.conjunctive
        let prefix = tables.prefix, order = tables.order, leafEnds = tables.leafEnds
        // The hot loop reaches the clauses through `refs`, without reference counting; `clauses` keeps them alive.
        defer { withExtendedLifetime(clauses) {} }
        var scored = 0
        // Phrase clauses pass over candidates that cannot beat θ before reading positions.
        let phraseClauses: [(PrunableScorer, Float)] = clauses.compactMap { c in
            guard c.cursor == nil, let s = c.scorer as? PrunableScorer else { return nil }
            return (s, prefix[n] - c.bound)
        }
        let partScores = tables.partScores, hasPart = tables.hasPart
        // Only news words have bounds per document cheaper than their scores.
        let documentBounds = R.hasDocumentBounds && clauses.contains { $0.scorer is NewsWordScorer }
        var lastTheta = -Float.infinity
        // The number of non-essential clauses (for the current θ).
        var p = 0
        while true {
            let theta = prune ? top.threshold ?? -Float.infinity : -Float.infinity
            if theta != lastTheta {
                lastTheta = theta
                p = nonEssential(prefix, n, theta: theta)
                for (s, others) in phraseClauses { s.threshold = theta; s.otherBounds = others }
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
            // News words: a bound from frequencies and lengths passes over d before any positions are read.
            if documentBounds && theta > -Float.infinity {
                var bound = prefix[p]
                for i in p..<n where refs[i].doc == d { bound += refs[i].documentBound() }
                if bound * margin <= theta {
                    for k in p..<n where refs[k].doc == d { _ = try refs[k].advance() }
                    continue
                }
            }
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
            if isDeleted(d, deleted) {
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
                if let s = try probe(refs[i], d) { partScores[i] = s; hasPart[i] = true; estimate += s }
                i -= 1
            }
            if i < 0, let s = exactScore(tables, n, leafCount: conjunctive ? shape.leafCount : 0) {
                scored += 1
                // Only a score of at least θ can enter (ties go to the lower document).
                if s >= theta { top.insert(score: s, doc: base + d) }
            }
            for k in p..<n where refs[k].doc == d { _ = try refs[k].advance() }
        }
        return scored
    }

    /// The exact score once every clause was looked at, summed as the exhaustive scorers do
    /// (fields within a leaf in field order, then leaves in their order); nil when fewer than
    /// `leafCount` leaves match (a conjunction's; 0 for an OR).
    @inline(__always)
    private static func exactScore(_ tables: Tables, _ n: Int, leafCount: Int) -> Float? {
        let order = tables.order, leafEnds = tables.leafEnds, hasPart = tables.hasPart, partScores = tables.partScores
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
        if present < leafCount { return nil }
        return present == 1 ? only : Float(sum)
    }

    /// For a conjunction: from `start` (the first document of the essential clauses `essential...`)
    /// on, the first document of an essential clause that every leaf matches (leapfrog: a leaf
    /// without a clause there moves the essential clauses on to the leaf's next document).
    /// Clauses are left on their first document at or after the result.
    /// The leaves are runs of `order` (a leaf's last clause has `leafEnds` set), cheapest first.
    private static func nextShared<R: ClauseAccess>(from start: Int32, _ refs: [R], essential p: Int, order: UnsafePointer<Int>,
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
