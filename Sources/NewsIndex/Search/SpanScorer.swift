/// Scores a positional pattern in one field: BM25 with the pattern's frequency in the document,
/// the sum over its matches of `1 / (1 + slop)` (each exact match counts 1), as Lucene does.
/// A scorer a pruning collector (``PrunedTopK``) tells the score to beat, so that it can pass
/// over candidates without reading their positions.
protocol PrunableScorer: AnyObject {
    /// The score the k-th best hit already has (-∞ while there are fewer than k).
    var threshold: Float { get set }
    /// The bounds of the rest of the query.
    var otherBounds: Float { get set }
}

final class SpanScorer: Scorer, PrunableScorer {
    private(set) var doc: Int32 = -1
    let spans: any Spans
    let norms: UnsafeRawBufferPointer
    let bm25: BM25
    let label: String
    private var freq: Float = 0
    private var buffer: [SpanMatch] = []
    /// The words' postings of an exact phrase (empty for other patterns): the phrase occurs in a
    /// document at most as often as each of them, which bounds its score there before positions are read.
    private let phraseWords: [PostingsCursor]
    /// An exact phrase of two single words, each with its own postings (the most common phrase), walked here
    /// directly: see ``WordPair``.
    private let pair: WordPair?
    /// The phrase `pair` walks, whose `doc` is kept in step with it.
    private let pairPhrase: PhraseSpans?

    /// Set by a pruning collector (``PrunedTopK``): a candidate document is passed over, without
    /// reading its positions, when its score bound here plus `otherBounds` (the bounds of the rest
    /// of the query) cannot beat `threshold`, the score the k-th best hit already has. Documents
    /// passed over this way are not competitive; the exhaustive default never passes one over.
    var threshold: Float = -.infinity
    var otherBounds: Float = 0

    init(_ spans: any Spans, norms: UnsafeRawBufferPointer, bm25: BM25, label: String) {
        self.spans = spans
        self.norms = norms
        self.bm25 = bm25
        self.label = label
        var words: [PostingsCursor] = []
        if let phrase = spans as? PhraseSpans, phrase.slop == 0 {
            for case let t as TermSpans in phrase.children { words.append(t.cursor) }
        }
        phraseWords = words
        if words.count == 2, words[0] !== words[1], let phrase = spans as? PhraseSpans {
            pair = WordPair(words[0], words[1], firstOffset: Int(phrase.offsets[0]), shift: Int(phrase.offsets[1] - phrase.offsets[0]))
            pairPhrase = phrase
        } else {
            pair = nil
            pairPhrase = nil
        }
    }

    /// Whether the candidate `d` cannot beat ``threshold`` (for an exact phrase, from its words'
    /// frequencies and the field's length, without reading positions).
    @inline(__always)
    private func cannotCompete(_ d: Int32) -> Bool {
        guard threshold > -.infinity, !phraseWords.isEmpty else { return false }
        var f = UInt32.max
        for c in phraseWords { f = min(f, c.freq) }
        let bound = bm25.score(freq: Float(f), norm: norms[Int(d)])
        return (bound + otherBounds) * PrunedTopK.margin <= threshold
    }

    var cost: Int { spans.cost }

    func advance() throws -> Int32 {
        if let pair { return try confirmPair(pair, try pair.advance()) }
        return try confirm(try spans.advance())
    }

    func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        if let pair { return try confirmPair(pair, try pair.seek(target)) }
        return try confirm(try spans.seek(target))
    }

    /// ``confirm(_:)`` for a pair of words: the same candidates passed over, the same frequency,
    /// with no match list, no dynamic dispatch and no reference counting per candidate.
    private func confirmPair(_ pair: WordPair, _ start: Int32) throws -> Int32 {
        let d = try pair.confirm(from: start, bm25: bm25, norms: norms, threshold: threshold, otherBounds: otherBounds, freq: &freq)
        pairPhrase.unsafelyUnwrapped.doc = d
        doc = d
        return d
    }

    /// From candidate `start` on, finds the first document where the pattern really matches.
    private func confirm(_ start: Int32) throws -> Int32 {
        var d = start
        var local = buffer
        buffer = []
        defer { buffer = local }
        while d != PostingsCursor.noMoreDocs {
            if cannotCompete(d) {
                d = try spans.advance()
                continue
            }
            local.removeAll(keepingCapacity: true)
            try spans.matches(&local)
            if !local.isEmpty {
                var f: Float = 0
                for m in local { f += 1 / Float(1 + m.slop) }
                freq = f
                break
            }
            d = try spans.advance()
        }
        doc = d
        return d
    }

    func score() throws -> Float { bm25.score(freq: freq, norm: norms[Int(doc)]) }

    /// An upper bound on ``score()`` over every document. An exact phrase occurs in a document at
    /// most as often as each of its words, in a field at least as long as each word's shortest
    /// field: BM25 of the smallest largest frequency and the longest shortest field among its
    /// words with skip data. Other patterns: the weight, which no score reaches.
    func upperBound() -> Float {
        guard let phrase = spans as? PhraseSpans, phrase.slop == 0 else { return bm25.weight }
        return SpanScorer.exactPhraseBound(phrase.children.compactMap { ($0 as? TermSpans)?.cursor }, bm25: bm25)
    }

    /// BM25 of the smallest largest frequency at the longest shortest field among the words'
    /// postings that have skip data (the weight, which no score reaches, when none has).
    static func exactPhraseBound(_ words: [PostingsCursor], bm25: BM25) -> Float {
        var freq = UInt32.max
        var norm: UInt8 = 0
        for c in words {
            guard let b = c.termBound() else { continue }
            freq = min(freq, b.maxFreq)
            norm = max(norm, b.minNorm)
        }
        return freq == UInt32.max ? bm25.weight : bm25.score(freq: Float(freq), norm: norm)
    }

    func explain() throws -> Explanation {
        bm25.explain(freq: freq, norm: norms[Int(doc)], what: label,
                     freqText: "freq, matches in the field (each counts 1 / (1 + slop))")
    }
}
