/// One match of a positional pattern in a document: the positions it covers (inclusive) and how far
/// it is from a tight match (0 for an exact phrase or neighbours).
struct SpanMatch: Equatable {
    var start: Int32
    var end: Int32
    var slop: Int32
}

/// A positional pattern over one field of one segment: iterates candidate documents (those that
/// hold every word the pattern needs) and, on a candidate, lists the pattern's matches.
///
/// Patterns nest: words (``TermSpans``), any of several words (``UnionSpans``, for a prefix),
/// phrases with or without slop (``PhraseSpans``) and NEAR pairs (``NearSpans``).
class Spans: DocIterator {
    final var doc: Int32 = -1
    func advance() throws -> Int32 { fatalError("abstract") }
    func seek(_ target: Int32) throws -> Int32 { fatalError("abstract") }
    var cost: Int { 0 }
    /// The matches in the current document, by start (possibly none: the document was only a candidate).
    func matches(_ out: inout [SpanMatch]) throws { fatalError("abstract") }
}

/// Spans that are single positions (a word, or any of several words).
class PositionSpans: Spans {
    /// The current document's positions, ascending, without duplicates.
    func positions(_ out: inout [UInt32]) throws { fatalError("abstract") }

    override func matches(_ out: inout [SpanMatch]) throws {
        var ps: [UInt32] = []
        try positions(&ps)
        for p in ps { out.append(SpanMatch(start: Int32(p), end: Int32(p), slop: 0)) }
    }
}

final class TermSpans: PositionSpans {
    let cursor: PostingsCursor
    init(_ cursor: PostingsCursor) { self.cursor = cursor }
    override func advance() throws -> Int32 { doc = try cursor.advance(); return doc }
    override func seek(_ target: Int32) throws -> Int32 { doc = try cursor.seek(target); return doc }
    override var cost: Int { cursor.cost }
    override func positions(_ out: inout [UInt32]) throws { try cursor.positions(into: &out) }
}

/// Any of several words at a position (the expansions of a prefix).
final class UnionSpans: PositionSpans {
    let children: [TermSpans]
    private var walk: UnionWalk<TermSpans>

    init(_ children: [TermSpans]) {
        self.children = children
        walk = UnionWalk(children)
    }

    override var cost: Int { walk.cost }

    override func advance() throws -> Int32 {
        doc = try walk.advance(from: doc)
        return doc
    }

    override func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        doc = try walk.seek(target)
        return doc
    }

    override func positions(_ out: inout [UInt32]) throws {
        let before = out.count
        for c in children where c.doc == doc { try c.positions(&out) }
        out[before...].sort()
    }
}

/// Spans whose candidates are the documents all their parts share.
class ConjunctionSpans: Spans {
    private let byCost: [Spans]
    /// When every part is a single word: their postings in the same order, walked directly
    /// (the parts' own `doc` is then not kept up to date: only their positions are read).
    private let cursors: [PostingsCursor]
    /// Two single words (the most common phrase): their postings, the rarer first, held directly.
    private let pair: (lead: PostingsCursor, other: PostingsCursor)?

    init(parts: [Spans]) {
        byCost = parts.sorted { $0.cost < $1.cost }
        var cursors: [PostingsCursor] = []
        for case let t as TermSpans in byCost { cursors.append(t.cursor) }
        self.cursors = cursors.count == byCost.count ? cursors : []
        pair = self.cursors.count == 2 ? (self.cursors[0], self.cursors[1]) : nil
    }

    override var cost: Int { byCost[0].cost }

    override func advance() throws -> Int32 {
        if let (lead, other) = pair {
            doc = try ConjunctionSpans.leapfrogPair(lead, other, from: try lead.advance())
        } else if !cursors.isEmpty {
            doc = try ConjunctionSpans.leapfrogPostings(cursors, from: try cursors[0].advance())
        } else {
            doc = try leapfrog(byCost, from: try byCost[0].advance())
        }
        return doc
    }

    override func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        if let (lead, other) = pair {
            doc = try ConjunctionSpans.leapfrogPair(lead, other, from: try lead.seek(target))
        } else if !cursors.isEmpty {
            doc = try ConjunctionSpans.leapfrogPostings(cursors, from: try cursors[0].seek(target))
        } else {
            doc = try leapfrog(byCost, from: try byCost[0].seek(target))
        }
        return doc
    }

    /// ``leapfrog(_:from:)`` on two postings.
    private static func leapfrogPair(_ lead: PostingsCursor, _ other: PostingsCursor, from start: Int32) throws -> Int32 {
        var candidate = start
        while candidate != PostingsCursor.noMoreDocs {
            let d = other.doc >= candidate ? other.doc : try other.seek(candidate)
            if d == candidate { return candidate }
            candidate = try lead.seek(d)
        }
        return PostingsCursor.noMoreDocs
    }

    /// ``leapfrog(_:from:)`` on postings (no dynamic dispatch).
    private static func leapfrogPostings(_ cursors: [PostingsCursor], from start: Int32) throws -> Int32 {
        var candidate = start
        let n = cursors.count
        outer: while candidate != PostingsCursor.noMoreDocs {
            var i = 1
            while i < n {
                let c = cursors[i]
                let d = c.doc >= candidate ? c.doc : try c.seek(candidate)
                if d > candidate {
                    candidate = try cursors[0].seek(d)
                    continue outer
                }
                i += 1
            }
            return candidate
        }
        return PostingsCursor.noMoreDocs
    }
}

/// Words at given offsets from each other. With `slop` 0 the words must stand exactly at their
/// offsets; with more, Lucene's sloppy phrase rules apply: a match's length is how far the
/// words are from their offsets (swapping two neighbours costs 2) and must be at most `slop`.
final class PhraseSpans: ConjunctionSpans {
    let children: [PositionSpans]
    let offsets: [Int32]
    let slop: Int32
    /// For each word, the index of the first word of the phrase with the same text (itself if none):
    /// repeated words must take different positions.
    private let group: [Int]
    private let hasRepeats: Bool
    private var positions: [[UInt32]]
    private let lowOffset: Int32
    private let highOffset: Int32
    /// Scratch cursors into the position lists, reused for every document.
    private var cursorScratch: [Int]
    /// For an exact phrase of single words: their postings, read without copying positions.
    private let words: [PostingsCursor]
    /// Scratch for the exact path: each word's positions and a read index into them.
    private let wordPositions: UnsafeMutablePointer<UnsafeBufferPointer<UInt32>>
    private let wordIndex: UnsafeMutablePointer<Int>

    init(_ children: [PositionSpans], offsets: [Int], slop: Int, keys: [String]) {
        self.children = children
        self.offsets = offsets.map { Int32($0) }
        self.slop = Int32(slop)
        lowOffset = Int32(offsets.min() ?? 0)
        highOffset = Int32(offsets.max() ?? 0)
        cursorScratch = Array(repeating: 0, count: children.count)
        group = keys.indices.map { i in keys.firstIndex(of: keys[i])! }
        hasRepeats = Set(keys).count < keys.count
        positions = Array(repeating: [], count: children.count)
        var words: [PostingsCursor] = []
        if slop == 0 {
            for case let t as TermSpans in children { words.append(t.cursor) }
            if words.count != children.count { words = [] }
        }
        self.words = words
        wordPositions = .allocate(capacity: children.count)
        wordPositions.initialize(repeating: UnsafeBufferPointer(start: nil, count: 0), count: children.count)
        wordIndex = .allocate(capacity: children.count)
        wordIndex.initialize(repeating: 0, count: children.count)
        super.init(parts: children)
    }

    deinit {
        wordPositions.deallocate()
        wordIndex.deallocate()
    }

    override func matches(_ out: inout [SpanMatch]) throws {
        if !words.isEmpty { return try exactWords(&out) }
        // Work on a local copy of the buffers (moved out and back, not copied): the hot loop then
        // touches no class storage, which spares retain/release and exclusivity checks.
        var lists = positions
        positions = []
        defer { positions = lists }
        for i in children.indices {
            lists[i].removeAll(keepingCapacity: true)
            try children[i].positions(&lists[i])
            if lists[i].isEmpty { return }
        }
        if slop == 0 {
            var idx = cursorScratch
            cursorScratch = []
            PhraseSpans.exact(lists, offsets, lowOffset, highOffset, &idx, &out)
            cursorScratch = idx
        } else {
            positions = lists
            lists = []
            sloppy(&out)
            lists = positions
        }
    }

    /// The exact phrase of single words on the cursors' own position buffers (no copies); the
    /// same matches as ``exact(_:_:_:_:_:_:)``.
    private func exactWords(_ out: inout [SpanMatch]) throws {
        let n = words.count
        for i in 0..<n {
            let ps = try words[i].currentPositions()
            if ps.isEmpty { return }
            wordPositions[i] = ps
            wordIndex[i] = 0
        }
        let lo = lowOffset, hi = highOffset
        let off0 = Int64(offsets[0])
        let first = wordPositions[0]
        outer: for p0 in first {
            let start = Int64(p0) - off0
            if start < 0 { continue }
            for i in 1..<n {
                let want = start + Int64(offsets[i])
                let ps = wordPositions[i]
                var k = wordIndex[i]
                while k < ps.count && Int64(ps[k]) < want { k += 1 }
                wordIndex[i] = k
                if k == ps.count { break outer }
                if Int64(ps[k]) != want { continue outer }
            }
            out.append(SpanMatch(start: Int32(start) + lo, end: Int32(start) + hi, slop: 0))
        }
    }

    private static func exact(_ lists: [[UInt32]], _ offsets: [Int32], _ lo: Int32, _ hi: Int32,
                              _ idx: inout [Int], _ out: inout [SpanMatch]) {
        for i in idx.indices { idx[i] = 0 }
        let n = lists.count
        let first = lists[0]
        let off0 = Int64(offsets[0])
        outer: for p0 in first {
            let start = Int64(p0) - off0
            if start < 0 { continue }
            for i in 1..<n {
                let want = start + Int64(offsets[i])
                lists[i].withUnsafeBufferPointer { ps in
                    var k = idx[i]
                    while k < ps.count && Int64(ps[k]) < want { k += 1 }
                    idx[i] = k
                }
                let ps = lists[i]
                if idx[i] == ps.count { break outer }
                if Int64(ps[idx[i]]) != want { continue outer }
            }
            out.append(SpanMatch(start: Int32(start) + lo, end: Int32(start) + hi, slop: 0))
        }
    }

    /// Lucene's SloppyPhraseMatcher for phrases without repeated words: walk the words' positions
    /// minus their offsets, always advancing the smallest, and count a match whenever the spread
    /// (largest − smallest) has been made as small as it gets and is within the slop.
    private func sloppy(_ out: inout [SpanMatch]) {
        let n = children.count
        var idx = Array(repeating: 0, count: n)
        if hasRepeats {
            // Repeated words start on successive positions of their shared list (in offset order).
            for i in 0..<n where group[i] != i {
                let taken = (0..<n).filter { $0 != i && group[$0] == group[i] && ($0 < i) }.count
                idx[i] = taken
                if idx[i] >= positions[i].count { return }
            }
        }
        var pp = (0..<n).map { Int64(positions[$0][idx[$0]]) - Int64(offsets[$0]) }
        var end = pp.max()!
        func smallest(excluding ex: Int) -> Int {
            var best = -1
            for i in 0..<n where i != ex {
                if best < 0 || pp[i] < pp[best] || (pp[i] == pp[best] && offsets[i] < offsets[best]) { best = i }
            }
            return best
        }
        func record(_ length: Int64) {
            // The span covers the actual positions of the words taking part.
            var lo = Int64.max, hi = Int64.min
            for i in 0..<n {
                let p = Int64(positions[i][min(idx[i], positions[i].count - 1)])
                lo = min(lo, p)
                hi = max(hi, p)
            }
            out.append(SpanMatch(start: Int32(clamping: lo), end: Int32(clamping: hi), slop: Int32(clamping: length)))
        }
        var cur = smallest(excluding: -1)
        var next = n > 1 ? pp[smallest(excluding: cur)] : Int64.max
        var matchLength = end - pp[cur]
        outer: while true {
            idx[cur] += 1
            if idx[cur] >= positions[cur].count { break }
            pp[cur] = Int64(positions[cur][idx[cur]]) - Int64(offsets[cur])
            if pp[cur] > end { end = pp[cur] }
            if hasRepeats {
                // As Lucene: when two copies of a word land on one position, the copy later in
                // the phrase moves on.
                var moved = cur
                while let j = (0..<n).first(where: { $0 != moved && group[$0] == group[moved] && idx[$0] == idx[moved] }) {
                    let lagger = offsets[j] > offsets[moved] ? j : moved
                    idx[lagger] += 1
                    if idx[lagger] >= positions[lagger].count { break outer }
                    pp[lagger] = Int64(positions[lagger][idx[lagger]]) - Int64(offsets[lagger])
                    if pp[lagger] > end { end = pp[lagger] }
                    moved = lagger
                }
            }
            if pp[cur] > next {
                if matchLength <= Int64(slop) { record(matchLength) }
                cur = smallest(excluding: -1)
                next = pp[smallest(excluding: cur)]
                matchLength = end - pp[cur]
            } else {
                matchLength = min(matchLength, end - pp[cur])
            }
        }
        if matchLength <= Int64(slop) { record(matchLength) }
    }
}

/// Two patterns at most `distance` positions apart, in either order, not overlapping.
/// A match covers both; its slop is the gap beyond neighbouring (plus the parts' own slop).
final class NearSpans: ConjunctionSpans {
    let left: Spans
    let right: Spans
    let distance: Int32
    private var a: [SpanMatch] = []
    private var b: [SpanMatch] = []
    /// Bound on the matches counted per document, against quadratic blow-up on very long texts.
    static let maxMatches = 10_000

    init(_ left: Spans, _ right: Spans, distance: Int) {
        self.left = left
        self.right = right
        self.distance = Int32(distance)
        super.init(parts: [left, right])
    }

    override func matches(_ out: inout [SpanMatch]) throws {
        a.removeAll(keepingCapacity: true)
        b.removeAll(keepingCapacity: true)
        try left.matches(&a)
        if a.isEmpty { return }
        try right.matches(&b)
        var found: [SpanMatch] = []
        for x in a {
            for y in b {
                let gap: Int32
                if x.end < y.start { gap = y.start - x.end } else if y.end < x.start { gap = x.start - y.end } else { continue }
                if gap <= distance {
                    found.append(SpanMatch(start: min(x.start, y.start), end: max(x.end, y.end), slop: gap - 1 + x.slop + y.slop))
                    if found.count >= NearSpans.maxMatches { break }
                }
            }
            if found.count >= NearSpans.maxMatches { break }
        }
        found.sort { ($0.start, $0.end, $0.slop) < ($1.start, $1.end, $1.slop) }
        // One match per span: `a NEAR b` with a = b would otherwise count each pair twice.
        var last: SpanMatch? = nil
        for m in found where last.map({ $0.start != m.start || $0.end != m.end }) ?? true {
            out.append(m)
            last = m
        }
    }
}

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
    let spans: Spans
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

    init(_ spans: Spans, norms: UnsafeRawBufferPointer, bm25: BM25, label: String) {
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

    override var cost: Int { spans.cost }

    override func advance() throws -> Int32 {
        if let pair { return try confirmPair(pair, try pair.advance()) }
        return try confirm(try spans.advance())
    }

    override func seek(_ target: Int32) throws -> Int32 {
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

    override func score() throws -> Float { bm25.score(freq: freq, norm: norms[Int(doc)]) }

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

    override func explain() throws -> Explanation {
        bm25.explain(freq: freq, norm: norms[Int(doc)], what: label,
                     freqText: "freq, matches in the field (each counts 1 / (1 + slop))")
    }
}

/// An exact phrase of two single words with postings of their own, for ``SpanScorer`` and
/// ``PairScorer``: the words' postings held without reference counting in the hot loop,
/// leapfrogged as ``ConjunctionSpans`` does, and the matches in a document counted by one
/// branch-free merge of the two position lists (the count ``PhraseSpans/matches(_:)`` would list).
final class WordPair {
    /// The last document ``confirm(from:bm25:norms:threshold:otherBounds:freq:)`` stopped on.
    private(set) var doc: Int32 = -1
    /// The two words' postings (kept alive here; the hot loop reaches them through the unmanaged
    /// references).
    let cursors: (PostingsCursor, PostingsCursor)
    private let first: Unmanaged<PostingsCursor>
    private let second: Unmanaged<PostingsCursor>
    /// The rarer word first, as ``ConjunctionSpans`` orders them.
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

    override var cost: Int { pair.cost }

    override func advance() throws -> Int32 {
        doc = try pair.confirm(from: try pair.advance(), bm25: bm25, norms: norms, threshold: threshold,
                               otherBounds: otherBounds, freq: &freq)
        return doc
    }

    override func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        doc = try pair.confirm(from: try pair.seek(target), bm25: bm25, norms: norms, threshold: threshold,
                               otherBounds: otherBounds, freq: &freq)
        return doc
    }

    override func score() throws -> Float { bm25.score(freq: freq, norm: norms[Int(doc)]) }

    override func explain() throws -> Explanation {
        bm25.explain(freq: freq, norm: norms[Int(doc)], what: "phrase",
                     freqText: "freq, matches in the field")
    }

    /// As ``SpanScorer/upperBound()`` for an exact phrase: BM25 of the smaller largest frequency
    /// at the longer shortest field of the two words (the weight when neither has skip data).
    func upperBound() -> Float {
        SpanScorer.exactPhraseBound([pair.cursors.0, pair.cursors.1], bm25: bm25)
    }
}
