/// Anything that walks matching documents in increasing order: scorers and positional spans.
protocol DocIterator: AnyObject {
    var doc: Int32 { get }
    func advance() throws -> Int32
    func seek(_ target: Int32) throws -> Int32
    var cost: Int { get }
}

/// Moves every iterator in `children` (cheapest first) to the first document `>= start` that all
/// of them share (leapfrog over `seek`); `start` is where `children[0]` stands.
func leapfrog<T: DocIterator>(_ children: [T], from start: Int32) throws -> Int32 {
    var candidate = start
    outer: while candidate != PostingsCursor.noMoreDocs {
        for c in children.dropFirst() {
            let d = c.doc >= candidate ? c.doc : try c.seek(candidate)
            if d > candidate {
                candidate = try children[0].seek(d)
                continue outer
            }
        }
        return candidate
    }
    return PostingsCursor.noMoreDocs
}

/// The iteration of a union: the smallest document any child stands on.
struct UnionWalk<T: DocIterator> {
    let children: [T]
    private var started = false

    init(_ children: [T]) { self.children = children }

    var cost: Int { children.reduce(0) { $0 + $1.cost } }

    private func minDoc() -> Int32 { children.reduce(PostingsCursor.noMoreDocs) { min($0, $1.doc) } }

    /// Advances the children standing on `current` and returns the new smallest document.
    mutating func advance(from current: Int32) throws -> Int32 {
        if !started {
            started = true
            for c in children { _ = try c.advance() }
        } else {
            for c in children where c.doc == current { _ = try c.advance() }
        }
        return minDoc()
    }

    mutating func seek(_ target: Int32) throws -> Int32 {
        started = true
        for c in children where c.doc < target { _ = try c.seek(target) }
        return minDoc()
    }
}

/// Document-at-a-time iterators that score.
///
/// Contract (as tantivy's `DocSet`): `doc` is `-1` before the first `advance()`/`seek(_:)` and
/// ``PostingsCursor/noMoreDocs`` after the last match; `seek(target)` moves to the first matching
/// document `>= target` and never moves backwards; `score()` is valid only on a matching document.
class Scorer: DocIterator {
    final var doc: Int32 = -1
    func advance() throws -> Int32 { fatalError("abstract") }
    func seek(_ target: Int32) throws -> Int32 {
        while doc < target { _ = try advance() }
        return doc
    }
    func score() throws -> Float { fatalError("abstract") }
    /// How `score()` is made, on the current (matching) document.
    func explain() throws -> Explanation { fatalError("abstract") }
    /// Estimated number of matches, used to order conjunctions.
    var cost: Int { 0 }
}

/// One term in one field.
final class TermScorer: Scorer {
    let cursor: PostingsCursor
    let norms: UnsafeRawBufferPointer
    let bm25: BM25
    /// `field:term`, for explanations.
    let label: String

    init(cursor: PostingsCursor, norms: UnsafeRawBufferPointer, bm25: BM25, label: String) {
        self.cursor = cursor
        self.norms = norms
        self.bm25 = bm25
        self.label = label
    }

    override func explain() throws -> Explanation {
        bm25.explain(freq: Float(cursor.freq), norm: norms[Int(doc)], what: label, freqText: "freq, occurrences of the term in the field")
    }

    override func advance() throws -> Int32 { doc = try cursor.advance(); return doc }
    override func seek(_ target: Int32) throws -> Int32 { doc = try cursor.seek(target); return doc }
    override func score() throws -> Float { bm25.score(freq: Float(cursor.freq), norm: norms[Int(doc)]) }
    override var cost: Int { cursor.cost }
}

/// Matches documents any child matches; scores the sum of the matching children's scores.
final class SumScorer: Scorer {
    let children: [Scorer]
    private var walk: UnionWalk<Scorer>

    init(_ children: [Scorer]) {
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

    override func score() throws -> Float {
        var sum: Double = 0
        for c in children where c.doc == doc { sum += Double(try c.score()) }
        return Float(sum)
    }

    override func explain() throws -> Explanation {
        let parts = try children.filter { $0.doc == doc }.map { try $0.explain() }
        if parts.count == 1 { return parts[0] }
        return Explanation(value: try score(), text: "sum of:", details: parts)
    }
}

/// Matches documents every child matches (leapfrog over `seek`, cheapest child first);
/// scores the sum of the children's scores.
final class ConjunctionScorer: Scorer {
    let children: [Scorer]

    init(_ children: [Scorer]) { self.children = children.sorted { $0.cost < $1.cost } }

    override var cost: Int { children.first?.cost ?? 0 }

    override func advance() throws -> Int32 {
        doc = try leapfrog(children, from: try children[0].advance())
        return doc
    }

    override func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        doc = try leapfrog(children, from: try children[0].seek(target))
        return doc
    }

    override func score() throws -> Float {
        var sum: Double = 0
        for c in children { sum += Double(try c.score()) }
        return Float(sum)
    }

    override func explain() throws -> Explanation {
        Explanation(value: try score(), text: "sum of:", details: try children.map { try $0.explain() })
    }
}

/// Matches the documents `required` matches and `excluded` does not; scores as `required`.
final class ReqExclScorer: Scorer {
    let required: Scorer
    let excluded: Scorer

    init(required: Scorer, excluded: Scorer) {
        self.required = required
        self.excluded = excluded
    }

    override var cost: Int { required.cost }

    override func advance() throws -> Int32 { try skipExcluded(try required.advance()) }

    override func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        return try skipExcluded(try required.seek(target))
    }

    private func skipExcluded(_ start: Int32) throws -> Int32 {
        var d = start
        while d != PostingsCursor.noMoreDocs {
            if excluded.doc < d { _ = try excluded.seek(d) }
            if excluded.doc != d { break }
            d = try required.advance()
        }
        doc = d
        return d
    }

    override func score() throws -> Float { try required.score() }

    override func explain() throws -> Explanation {
        let e = try required.explain()
        return Explanation(value: e.value, text: "sum of (no excluded part matches; excluded parts do not score):", details: [e])
    }
}

/// Matches the documents whose publication time lies in `[lower, upper)`; scores 0.
final class DateFilterScorer: Scorer {
    let segment: SegmentReader
    let lower: Int64
    let upper: Int64
    let label: String

    init(segment: SegmentReader, lower: Int64, upper: Int64, label: String) {
        self.segment = segment
        self.lower = lower
        self.upper = upper
        self.label = label
    }

    override var cost: Int { segment.docCount }

    override func advance() throws -> Int32 {
        if doc == PostingsCursor.noMoreDocs { return doc }
        return try seek(doc + 1)
    }

    override func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        var d = Int(target)
        while d < segment.docCount {
            if let t = segment.date(d), t >= lower, t < upper { doc = Int32(d); return doc }
            d += 1
        }
        doc = PostingsCursor.noMoreDocs
        return doc
    }

    override func score() throws -> Float { 0 }

    override func explain() throws -> Explanation {
        Explanation(value: 0, text: "date:\(label) matches (filters do not score)")
    }
}

/// Matches what `inner` matches; scores 0 (a filter such as `--entity`).
final class FilterScorer: Scorer {
    let inner: Scorer
    init(_ inner: Scorer) { self.inner = inner }
    override var cost: Int { inner.cost }
    override func advance() throws -> Int32 { doc = try inner.advance(); return doc }
    override func seek(_ target: Int32) throws -> Int32 { doc = try inner.seek(target); return doc }
    override func score() throws -> Float { 0 }
    override func explain() throws -> Explanation {
        let e = try inner.explain()
        return Explanation(value: 0, text: "filter (matches, does not score): \(e.text)")
    }
}

/// Matches nothing.
final class EmptyScorer: Scorer {
    override func advance() throws -> Int32 { doc = PostingsCursor.noMoreDocs; return doc }
    override func score() throws -> Float { 0 }
    override func explain() throws -> Explanation { Explanation(value: 0, text: "no match") }
}
