/// Top-k for disjunctions of single terms (one word, `a OR b`, a prefix) with dynamic pruning,
/// when an exact count of all matches is not needed (``SearchOptions/countAllMatches`` off).
///
/// MaxScore with block-max skipping: every (term, field) clause has an upper bound on its score,
/// from the largest frequency and the shortest field in its postings (stored per block of 128
/// documents in the skip data). Clauses are ordered by bound; once the k-th best score θ is
/// known, the clauses whose bounds together cannot reach θ become *non-essential*: candidates come
/// only from the essential ones, and a non-essential clause is looked up only while the candidate
/// could still beat θ. With one essential clause, whole blocks whose bound (plus the
/// non-essential bounds) cannot beat θ are skipped without decoding. Scores are computed exactly as
/// the exhaustive scorers do (same grouping and order of float sums), so the hits are identical.
struct PrunedTopK {
    struct Clause {
        let cursor: PostingsCursor
        let norms: UnsafeRawBufferPointer
        let bm25: BM25
        /// The query part (leaf) this clause belongs to, and its position among the leaf's fields.
        let leaf: Int
        let field: Int
        let bound: Float

        func score() -> Float { bm25.score(freq: Float(cursor.freq), norm: norms[Int(cursor.doc)]) }

        func blockBound() -> Float? {
            guard let b = cursor.currentBlockBound else { return nil }
            return bm25.score(freq: Float(b.maxFreq), norm: b.minNorm)
        }
    }

    /// The clauses of a plan that is a disjunction of single-term leaves in one segment, or nil
    /// when the plan has another shape.
    static func clauses(_ plan: Plan, in seg: SegmentReader) throws -> [Clause]? {
        var leaves: [PlanLeaf] = []
        switch plan {
        case .leaf(let l): leaves = [l]
        case .or(let parts):
            for p in parts {
                guard case .leaf(let l) = p else { return nil }
                leaves.append(l)
            }
        default: return nil
        }
        var out: [Clause] = []
        for (i, leaf) in leaves.enumerated() {
            guard case .term(let t) = leaf.span else { return nil }
            for (f, (field, bm25)) in leaf.fields.enumerated() {
                guard let norms = seg.norms(field), let info = try seg.termInfo(field, t) else { continue }
                let cursor = try seg.postings(info)
                let bound = cursor.termBound().map { bm25.score(freq: Float($0.maxFreq), norm: $0.minNorm) } ?? bm25.weight
                out.append(Clause(cursor: cursor, norms: norms, bm25: bm25, leaf: i, field: f, bound: bound))
            }
        }
        return out
    }

    /// Safety margin on bounds against float rounding: bounds are compared scaled up by this.
    static let margin: Float = 1.0001

    /// Collects one segment's best documents into `top`; returns how many documents it scored.
    static func collect(_ all: [Clause], base: Int32, into top: inout TopDocs) throws -> Int {
        let clauses = all.sorted { $0.bound < $1.bound }
        let n = clauses.count
        guard n > 0 else { return 0 }
        // prefix[i] = sum of the bounds of clauses 0..<i.
        var prefix = [Float](repeating: 0, count: n + 1)
        for i in 0..<n { prefix[i + 1] = prefix[i] + clauses[i].bound }
        for c in clauses { _ = try c.cursor.advance() }
        var scored = 0
        var partScores = [Float?](repeating: nil, count: n)
        // Clause indices in (leaf, field) order, the order the exhaustive scorers add them up.
        let order = (0..<n).sorted { (clauses[$0].leaf, clauses[$0].field) < (clauses[$1].leaf, clauses[$1].field) }
        while true {
            let theta = top.threshold ?? -Float.infinity
            // Non-essential: the longest prefix of clauses whose bounds together cannot beat θ.
            var p = 0
            while p < n && prefix[p + 1] * margin <= theta { p += 1 }
            if p == n { break }
            // Block-max: a single essential clause skips blocks that cannot beat θ.
            if p == n - 1, let bb = clauses[p].blockBound(), (bb + prefix[p]) * margin <= theta,
               let last = clauses[p].cursor.currentBlockBound?.lastDoc {
                if try clauses[p].cursor.seek(last + 1) == PostingsCursor.noMoreDocs { break }
                continue
            }
            var d = PostingsCursor.noMoreDocs
            for i in p..<n { d = min(d, clauses[i].cursor.doc) }
            if d == PostingsCursor.noMoreDocs { break }
            // Essential clauses on d, then non-essential ones while d can still beat θ.
            var estimate: Float = 0
            for i in 0..<n { partScores[i] = nil }
            for i in p..<n where clauses[i].cursor.doc == d {
                let s = clauses[i].score()
                partScores[i] = s
                estimate += s
            }
            var i = p - 1
            while i >= 0 {
                if (estimate + prefix[i + 1]) * margin <= theta { break }
                let c = clauses[i]
                if c.cursor.doc < d { _ = try c.cursor.seek(d) }
                if c.cursor.doc == d {
                    let s = c.score()
                    partScores[i] = s
                    estimate += s
                }
                i -= 1
            }
            if i < 0 {
                // Every clause was looked at: the exact score, summed as the exhaustive scorers do
                // (fields within a leaf in field order, then leaves in query order).
                scored += 1
                var sum: Double = 0
                var present = 0
                var only: Float = 0
                var k = 0
                while k < n {
                    let leaf = clauses[order[k]].leaf
                    var leafSum: Double = 0
                    var hits = 0
                    while k < n && clauses[order[k]].leaf == leaf {
                        if let s = partScores[order[k]] { leafSum += Double(s); hits += 1 }
                        k += 1
                    }
                    if hits > 0 {
                        let v = Float(leafSum)
                        sum += Double(v)
                        present += 1
                        only = v
                    }
                }
                top.insert(score: present == 1 ? only : Float(sum), doc: base + d)
            }
            for k in p..<n where clauses[k].cursor.doc == d { _ = try clauses[k].cursor.advance() }
        }
        return scored
    }
}
