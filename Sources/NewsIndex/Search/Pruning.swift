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
    /// One part in one field, or a word of the news ranking in the title and body together (a
    /// class: the hot loop then borrows clauses instead of copying them).
    final class Clause {
        /// The exhaustive scorer of this part in this field (nil when `cursor` is set).
        let scorer: (any Scorer)?
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
        /// `scorer` when it is a two-word phrase (the common one): reached without dynamic dispatch.
        private let pairRef: Unmanaged<PairScorer>?
        /// `scorer` when it is a word of the news ranking (which has block bounds): reached
        /// without dynamic dispatch too.
        private let newsRef: Unmanaged<NewsWordScorer>?
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

        init(scorer: (any Scorer)?, cursor: PostingsCursor?, norms: UnsafeRawBufferPointer, bm25: BM25, leaf: Int, field: Int, bound: Float) {
            self.scorer = scorer
            self.cursor = cursor
            self.norms = norms
            self.bm25 = bm25
            self.leaf = leaf
            self.field = field
            self.bound = bound
            cursorRef = cursor.map { Unmanaged.passUnretained($0) }
            pairRef = (scorer as? PairScorer).map { Unmanaged.passUnretained($0) }
            newsRef = (scorer as? NewsWordScorer).map { Unmanaged.passUnretained($0) }
            weight = bm25.weight
            // The table's storage, shared (never changed, kept alive by `normTable`): no copy per clause.
            normTable = bm25.normInverse
            normInverse = normTable.withUnsafeBufferPointer { $0.baseAddress! }
        }

        @inline(__always) var doc: Int32 {
            if let c = cursorRef { return c._withUnsafeGuaranteedRef { $0.doc } }
            if let p = pairRef { return p._withUnsafeGuaranteedRef { $0.doc } }
            if let w = newsRef { return w._withUnsafeGuaranteedRef { $0.doc } }
            return scorer.unsafelyUnwrapped.doc
        }

        @inline(__always) func advance() throws -> Int32 {
            if let c = cursorRef { return try c._withUnsafeGuaranteedRef { try $0.advance() } }
            if let p = pairRef { return try p._withUnsafeGuaranteedRef { try $0.advance() } }
            if let w = newsRef { return try w._withUnsafeGuaranteedRef { try $0.advance() } }
            return try scorer.unsafelyUnwrapped.advance()
        }

        @inline(__always) func seek(_ target: Int32) throws -> Int32 {
            if let c = cursorRef { return try c._withUnsafeGuaranteedRef { try $0.seek(target) } }
            if let p = pairRef { return try p._withUnsafeGuaranteedRef { try $0.seek(target) } }
            if let w = newsRef { return try w._withUnsafeGuaranteedRef { try $0.seek(target) } }
            return try scorer.unsafelyUnwrapped.seek(target)
        }

        /// The score on the current document, as the exhaustive scorer computes it.
        @inline(__always) func score() throws -> Float {
            if let c = cursorRef { return c._withUnsafeGuaranteedRef { wordScore($0) } }
            if let p = pairRef { return try p._withUnsafeGuaranteedRef { try $0.score() } }
            if let w = newsRef { return try w._withUnsafeGuaranteedRef { try $0.score() } }
            return try scorer.unsafelyUnwrapped.score()
        }

        /// The score of a single-word clause on `cursor`'s document (`cursor` is ``cursor``).
        @inline(__always) func wordScore(_ cursor: PostingsCursor) -> Float {
            termScore(freq: Float(cursor.freq), norm: norms[Int(cursor.doc)])
        }

        /// ``BM25/score(freq:norm:)`` in the same float operations.
        @inline(__always) private func termScore(freq: Float, norm: UInt8) -> Float {
            let ni = normInverse[Int(norm)]
            return weight - weight / (1 + freq * ni)
        }

        /// A bound on the score of the current document that reads no positions: a news word's
        /// from its frequencies and lengths there, any other clause's ``bound``.
        @inline(__always) func documentBound() -> Float {
            newsRef?._withUnsafeGuaranteedRef { $0.currentBound() } ?? bound
        }

        /// The bound of the current block of a single-word clause (or of a news word's
        /// ``NewsWordScorer/blockBound()``) and its last document (nil
        /// without skip data, or before the first document); read once per block.
        @inline(__always) func blockBound() -> (bound: Float, lastDoc: Int32)? {
            guard let c = cursorRef else { return newsRef?._withUnsafeGuaranteedRef { $0.blockBound() } }
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

    /// What the document-at-a-time loops need of a clause: its document, moves and score.
    /// Two kinds, so that the loops are compiled twice: one for any clauses, and one for
    /// single words only, whose calls go straight to the postings cursor.
    protocol ClauseAccess {
        /// The clause's current document.
        var doc: Int32 { get }
        /// Moves to the next document.
        func advance() throws -> Int32
        /// Moves to the first document at or after `target`.
        func seek(_ target: Int32) throws -> Int32
        /// The score on the current document.
        func score() throws -> Float
        /// The bound of the current block and its last document (see ``Clause/blockBound()``).
        func blockBound() -> (bound: Float, lastDoc: Int32)?
        /// Whether ``documentBound()`` can be below the clause's score bound (news words).
        static var hasDocumentBounds: Bool { get }
        /// A bound on the score of the current document, cheaper than the score (see ``Clause/documentBound()``).
        func documentBound() -> Float
    }

    /// A clause borrowed without reference counting (the caller keeps it alive).
    struct ClauseRef: ClauseAccess {
        let clause: Unmanaged<Clause>
        init(_ clause: Unmanaged<Clause>) { self.clause = clause }
        @inline(__always) var doc: Int32 { clause._withUnsafeGuaranteedRef { $0.doc } }
        @inline(__always) func advance() throws -> Int32 { try clause._withUnsafeGuaranteedRef { try $0.advance() } }
        @inline(__always) func seek(_ target: Int32) throws -> Int32 { try clause._withUnsafeGuaranteedRef { try $0.seek(target) } }
        @inline(__always) func score() throws -> Float { try clause._withUnsafeGuaranteedRef { try $0.score() } }
        @inline(__always) func blockBound() -> (bound: Float, lastDoc: Int32)? { clause._withUnsafeGuaranteedRef { $0.blockBound() } }
        static var hasDocumentBounds: Bool { true }
        @inline(__always) func documentBound() -> Float { clause._withUnsafeGuaranteedRef { $0.documentBound() } }
    }

    /// A single-word clause borrowed without reference counting: its cursor is reached without
    /// asking which kind of clause it is.
    struct WordClauseRef: ClauseAccess {
        let clause: Unmanaged<Clause>
        let cursor: Unmanaged<PostingsCursor>
        /// `clause`, which must have a cursor.
        init(_ clause: Clause) {
            self.clause = Unmanaged.passUnretained(clause)
            cursor = Unmanaged.passUnretained(clause.cursor.unsafelyUnwrapped)
        }
        @inline(__always) var doc: Int32 { cursor._withUnsafeGuaranteedRef { $0.doc } }
        @inline(__always) func advance() throws -> Int32 { try cursor._withUnsafeGuaranteedRef { try $0.advance() } }
        @inline(__always) func seek(_ target: Int32) throws -> Int32 { try cursor._withUnsafeGuaranteedRef { try $0.seek(target) } }
        @inline(__always) func score() throws -> Float {
            clause._withUnsafeGuaranteedRef { c in cursor._withUnsafeGuaranteedRef { c.wordScore($0) } }
        }
        @inline(__always) func blockBound() -> (bound: Float, lastDoc: Int32)? { clause._withUnsafeGuaranteedRef { $0.blockBound() } }
        static var hasDocumentBounds: Bool { false }
        @inline(__always) func documentBound() -> Float { clause._withUnsafeGuaranteedRef { $0.bound } }
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
        guard let (leaves, conjunctive) = sumOfLeaves(plan) else { return nil }
        var out = Clauses()
        out.conjunctive = conjunctive
        var leafCosts: [Int] = []
        for leaf in leaves {
            let (clauses, cost) = try leafClauses(leaf, number: out.leafCount, in: seg, index: index, cache: cache)
            if clauses.isEmpty {
                // A part that cannot match here: a conjunction has no match in this segment.
                if out.conjunctive { return Clauses() }
                continue
            }
            out.clauses += clauses
            leafCosts.append(cost)
            out.leafCount += 1
        }
        // The exhaustive scorers add up OR parts in query order and AND parts cheapest first
        // (the same sort on the same costs gives the same order).
        out.leafOrder = out.conjunctive ? Array(0..<out.leafCount).sorted { leafCosts[$0] < leafCosts[$1] } : Array(0..<out.leafCount)
        return out
    }

    /// The parts of a plan that is one leaf, an OR of leaves or an AND of leaves without
    /// exclusions, and whether they are joined by AND; nil for other shapes.
    private static func sumOfLeaves(_ plan: Plan) -> (leaves: [PlanLeaf], conjunctive: Bool)? {
        func leaves(_ parts: [Plan]) -> [PlanLeaf]? {
            var out: [PlanLeaf] = []
            for p in parts {
                guard case .leaf(let l) = p else { return nil }
                out.append(l)
            }
            return out
        }
        switch plan {
        case .leaf(let l): return ([l], false)
        case .or(let parts): return leaves(parts).map { ($0, false) }
        case .and(let must, let not):
            guard not.isEmpty, must.count > 1 else { return nil }
            return leaves(must).map { ($0, true) }
        default: return nil
        }
    }

    /// The clauses of one part (leaf number `number`), one per field it can match in here, and
    /// their total cost.
    private static func leafClauses(_ leaf: PlanLeaf, number i: Int, in seg: SegmentReader, index: IndexReader,
                                    cache: QueryTerms?) throws -> (clauses: [Clause], cost: Int) {
        if let news = leaf.news {
            // A word of the news ranking: one clause for the title and the body together.
            guard let scorer = try NewsWordScorer(news, in: seg, cache: cache), let norms = seg.norms(.body) ?? seg.norms(.title) else {
                return ([], 0)
            }
            return ([Clause(scorer: scorer, cursor: nil, norms: norms, bm25: leaf.fields[1].bm25, leaf: i, field: 0,
                            bound: scorer.upperBound())], scorer.cost)
        }
        var out: [Clause] = []
        var cost = 0
        for (f, (field, bm25)) in leaf.fields.enumerated() {
            guard let norms = seg.norms(field) else { continue }
            func lookup(_ t: String) throws -> TermInfo? {
                try cache.map { try $0.info(field, t, in: seg) } ?? seg.termInfo(field, t)
            }
            // No label: these scorers never explain.
            if case .term(let t) = leaf.span {
                // A single word walks its postings directly (no spans or scorer around them).
                guard let info = try lookup(t) else { continue }
                let cursor = try seg.postings(info)
                // Without skip data (fewer than 128 documents), BM25's limit as the frequency
                // grows (a score never reaches its weight) instead of a pass over the postings.
                let bound = try cursor.skipBlockCount == 0 ? bm25.weight : cursor.scoreBound(blockScore: { bm25.score(freq: Float($0), norm: $1) },
                                                  score: { bm25.score(freq: Float($1), norm: norms[Int($0)]) })
                out.append(Clause(scorer: nil, cursor: cursor, norms: norms, bm25: bm25, leaf: i, field: f, bound: bound))
                cost += cursor.cost
            } else if case .phrase(let parts, let offsets, 0) = leaf.span, parts.count == 2,
                      case .term(let a) = parts[0], case .term(let b) = parts[1] {
                // An exact phrase of two words: straight from the two postings.
                guard let ia = try lookup(a), let ib = try lookup(b) else { continue }
                let scorer = PairScorer(try seg.postings(ia), try seg.postings(ib), firstOffset: offsets[0],
                                        shift: offsets[1] - offsets[0], norms: norms, bm25: bm25)
                out.append(Clause(scorer: scorer, cursor: nil, norms: norms, bm25: bm25, leaf: i, field: f, bound: scorer.upperBound()))
                cost += scorer.cost
            } else {
                guard let spans = try index.spans(leaf.span, field: field, in: seg, cache: cache) else { continue }
                let scorer = SpanScorer(spans, norms: norms, bm25: bm25, label: "")
                out.append(Clause(scorer: scorer, cursor: nil, norms: norms, bm25: bm25, leaf: i, field: f, bound: scorer.upperBound()))
                cost += scorer.cost
            }
        }
        return (out, cost)
    }

    /// Safety margin on bounds against float rounding: bounds are compared scaled up by this.
    static let margin: Float = 1.0001

    /// The most clauses ``collectWords`` takes (one bit each in a document's mask; its score
    /// buffer holds a window's scores for each clause).
    static let wordsMaxClauses = 8
    /// The fewest postings (over all clauses) for which ``collect`` uses ``collectWords``.
    static let wordsMinPostings = 64
    /// The width of ``collectWords``'s windows, in document numbers (a multiple of 64, at most 4096).
    static let wordsWindow = 4096
}
