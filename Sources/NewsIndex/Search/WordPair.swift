/// An exact phrase of two single words with postings of their own, for ``SpanScorer`` and
/// ``PairScorer``: the words' postings held without reference counting in the hot loop,
/// leapfrogged as ``SpanConjunction`` does, and the matches in a document counted by one
/// branch-free merge of the two position lists (the count ``PhraseSpans/matches(_:)`` would list).
final class WordPair {
    /// The last document ``confirm(from:bm25:norms:threshold:otherBounds:freq:)`` stopped on.
    private(set) var doc: Int32 = -1
    /// The two words' postings (kept alive here; the hot loop reaches them through the unmanaged
    /// references).
    let cursors: (PostingsCursor, PostingsCursor)
    private let first: Unmanaged<PostingsCursor>
    private let second: Unmanaged<PostingsCursor>
    /// The rarer word first, as ``SpanConjunction`` orders them.
    private let lead: Unmanaged<PostingsCursor>
    private let other: Unmanaged<PostingsCursor>
    /// The first word's offset in the phrase (its positions below it start no match), and how
    /// far the second word stands after the first.
    private let firstOffset: Int
    private let shift: Int

    init(_ first: PostingsCursor, _ second: PostingsCursor, firstOffset: Int, shift: Int) {
        cursors = (first, second)
        self.first = .passUnretained(first)
        self.second = .passUnretained(second)
        let leadFirst = first.cost <= second.cost
        lead = .passUnretained(leadFirst ? first : second)
        other = .passUnretained(leadFirst ? second : first)
        self.firstOffset = firstOffset
        self.shift = shift
    }

    /// Documents holding both words, at most.
    var cost: Int { min(cursors.0.cost, cursors.1.cost) }

    /// From candidate `start` on (a document holding both words), the first where the phrase
    /// occurs, setting `freq` to its number of matches there. With a `threshold` above -∞, a
    /// candidate whose bound (BM25 of the smaller of the two words' frequencies) plus
    /// `otherBounds` cannot beat it is passed over without reading positions.
    @inline(__always)
    func confirm(from start: Int32, bm25: BM25, norms: UnsafeRawBufferPointer, threshold: Float, otherBounds: Float,
                 freq: inout Float) throws -> Int32 {
        var d = start
        let pruning = threshold > -.infinity
        while d != PostingsCursor.noMoreDocs {
            if pruning {
                let bound = bm25.score(freq: Float(minFreq), norm: norms[Int(d)])
                if (bound + otherBounds) * PrunedTopK.margin <= threshold {
                    d = try advance()
                    continue
                }
            }
            let count = try matchCount()
            if count > 0 {
                // As SpanScorer's confirm sums 1 / (1 + 0) per match (exact below 2^24 matches).
                freq = Float(count)
                break
            }
            d = try advance()
        }
        doc = d
        return d
    }

    /// The next document holding both words (or ``PostingsCursor/noMoreDocs``).
    @inline(__always) func advance() throws -> Int32 {
        try leapfrog(try lead._withUnsafeGuaranteedRef { try $0.advance() })
    }

    /// The first document at or after `target` holding both words.
    @inline(__always) func seek(_ target: Int32) throws -> Int32 {
        let d = doc
        if d >= target { return d }
        return try leapfrog(try lead._withUnsafeGuaranteedRef { try $0.seek(target) })
    }

    private func leapfrog(_ start: Int32) throws -> Int32 {
        var candidate = start
        while candidate != PostingsCursor.noMoreDocs {
            let d = try other._withUnsafeGuaranteedRef { o in o.doc >= candidate ? o.doc : try o.seek(candidate) }
            if d == candidate { return candidate }
            candidate = try lead._withUnsafeGuaranteedRef { try $0.seek(d) }
        }
        return PostingsCursor.noMoreDocs
    }

    /// The smaller of the two words' frequencies in the current document.
    @inline(__always) var minFreq: UInt32 {
        min(first._withUnsafeGuaranteedRef { $0.freq }, second._withUnsafeGuaranteedRef { $0.freq })
    }

    /// How many times the phrase occurs in the current document (positions are read here).
    func matchCount() throws -> Int {
        let a = try first._withUnsafeGuaranteedRef { try $0.currentPositions() }
        let b = try second._withUnsafeGuaranteedRef { try $0.currentPositions() }
        return WordPair.countShifted(a, b, from: firstOffset, shift: shift)
    }

    /// The number of positions `p >= from` of `a` with `p + shift` in `b` (both ascending,
    /// without duplicates): a merge whose steps take no branch on the data.
    static func countShifted(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, from: Int, shift: Int) -> Int {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        let na = a.count, nb = b.count
        var i = 0, j = 0, count = 0
        while i < na && Int(pa[i]) < from { i += 1 }
        while i < na && j < nb {
            // d <= 0: a's position is not past b's (a moves on); d >= 0: b's is not past a's.
            // Sign bits instead of comparisons, so the compiler emits no branch.
            let d = Int(pa[i]) &+ shift &- Int(pb[j])
            let aMoves = (d &- 1) >> 63        // -1 when d <= 0, else 0
            let bMoves = (0 &- d &- 1) >> 63   // -1 when d >= 0, else 0
            count &-= aMoves & bMoves
            i &-= aMoves
            j &-= bMoves
        }
        return count
    }
}

/// A pruning collector's scorer (``PrunedTopK``) of an exact phrase of two single words in one
/// field, built straight from the words' postings: the same documents, frequencies and passing
/// over as ``SpanScorer`` on the phrase, without the phrase's spans objects (a query's setup and
/// teardown are much of a rare phrase's time).
final class PairScorer: Scorer, PrunableScorer {
    private(set) var doc: Int32 = -1
    private let pair: WordPair
    let norms: UnsafeRawBufferPointer
    let bm25: BM25
    private var freq: Float = 0
    /// As ``SpanScorer/threshold`` and ``SpanScorer/otherBounds``.
    var threshold: Float = -.infinity
    var otherBounds: Float = 0

    init(_ first: PostingsCursor, _ second: PostingsCursor, firstOffset: Int, shift: Int,
         norms: UnsafeRawBufferPointer, bm25: BM25) {
        pair = WordPair(first, second, firstOffset: firstOffset, shift: shift)
        self.norms = norms
        self.bm25 = bm25
    }

    var cost: Int { pair.cost }

    func advance() throws -> Int32 {
        doc = try pair.confirm(from: try pair.advance(), bm25: bm25, norms: norms, threshold: threshold,
                               otherBounds: otherBounds, freq: &freq)
        return doc
    }

    func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        doc = try pair.confirm(from: try pair.seek(target), bm25: bm25, norms: norms, threshold: threshold,
                               otherBounds: otherBounds, freq: &freq)
        return doc
    }

    func score() throws -> Float { bm25.score(freq: freq, norm: norms[Int(doc)]) }

    func explain() throws -> Explanation {
        bm25.explain(freq: freq, norm: norms[Int(doc)], what: "phrase",
                     freqText: "freq, matches in the field")
    }

    /// As ``SpanScorer/upperBound()`` for an exact phrase: BM25 of the smaller largest frequency
    /// at the longer shortest field of the two words (the weight when neither has skip data).
    func upperBound() -> Float {
        SpanScorer.exactPhraseBound([pair.cursors.0, pair.cursors.1], bm25: bm25)
    }
}
