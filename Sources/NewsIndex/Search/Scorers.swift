/// Anything that walks matching documents in increasing order: scorers and positional spans.
protocol DocIterator: AnyObject {
    var doc: Int32 { get }
    func advance() throws -> Int32
    func seek(_ target: Int32) throws -> Int32
    var cost: Int { get }
}

/// Moves every iterator in `children` (cheapest first) to the first document `>= start` that all
/// of them share (leapfrog over `seek`); `start` is where `children[0]` stands.
func leapfrog(_ children: [any DocIterator], from start: Int32) throws -> Int32 {
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
struct UnionWalk {
    let children: [any DocIterator]
    private var started = false

    init(_ children: [any DocIterator]) { self.children = children }

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

    /// Moves to the first document `>= target` (staying on `current` when it is there already).
    mutating func seek(_ target: Int32, from current: Int32) throws -> Int32 {
        if current >= target { return current }
        started = true
        for c in children where c.doc < target { _ = try c.seek(target) }
        return minDoc()
    }
}

/// Iterators over the union of their children, walked by a ``UnionWalk`` (the walk is shared; what
/// a document scores or holds is the conformer's).
protocol UnionIterator: DocIterator {
    var doc: Int32 { get set }
    var walk: UnionWalk { get set }
}

extension UnionIterator {
    var cost: Int { walk.cost }

    func advance() throws -> Int32 {
        doc = try walk.advance(from: doc)
        return doc
    }

    func seek(_ target: Int32) throws -> Int32 {
        doc = try walk.seek(target, from: doc)
        return doc
    }
}

/// Document-at-a-time iterators that score.
///
/// Contract (as tantivy's `DocSet`): `doc` is `-1` before the first `advance()`/`seek(_:)` and
/// ``PostingsCursor/noMoreDocs`` after the last match; `seek(target)` moves to the first matching
/// document `>= target` and never moves backwards; `score()` is valid only on a matching document.
/// `cost` estimates the number of matches, used to order conjunctions.
protocol Scorer: DocIterator {
    func score() throws -> Float
    /// How `score()` is made, on the current (matching) document.
    func explain() throws -> Explanation
}

/// One term in one field.
final class TermScorer: Scorer {
    private(set) var doc: Int32 = -1
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

    func explain() throws -> Explanation {
        bm25.explain(freq: Float(cursor.freq), norm: norms[Int(doc)], what: label, freqText: "freq, occurrences of the term in the field")
    }

    func advance() throws -> Int32 { doc = try cursor.advance(); return doc }
    func seek(_ target: Int32) throws -> Int32 { doc = try cursor.seek(target); return doc }
    func score() throws -> Float { bm25.score(freq: Float(cursor.freq), norm: norms[Int(doc)]) }
    var cost: Int { cursor.cost }
}

/// Matches documents any child matches; scores the sum of the matching children's scores.
final class SumScorer: Scorer, UnionIterator {
    var doc: Int32 = -1
    let children: [any Scorer]
    var walk: UnionWalk

    init(_ children: [any Scorer]) {
        self.children = children
        walk = UnionWalk(children)
    }

    func score() throws -> Float {
        var sum: Double = 0
        for c in children where c.doc == doc { sum += Double(try c.score()) }
        return Float(sum)
    }

    func explain() throws -> Explanation {
        let parts = try children.filter { $0.doc == doc }.map { try $0.explain() }
        if parts.count == 1 { return parts[0] }
        return Explanation(value: try score(), text: "sum of:", details: parts)
    }
}

/// Matches documents every child matches (leapfrog over `seek`, cheapest child first);
/// scores the sum of the children's scores.
final class ConjunctionScorer: Scorer {
    private(set) var doc: Int32 = -1
    let children: [any Scorer]
    /// `children` as iterators, made once (converting the array per step would allocate).
    private let iterators: [any DocIterator]

    init(_ children: [any Scorer]) {
        self.children = children.sorted { $0.cost < $1.cost }
        iterators = self.children
    }

    var cost: Int { children.first?.cost ?? 0 }

    func advance() throws -> Int32 {
        doc = try leapfrog(iterators, from: try children[0].advance())
        return doc
    }

    func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        doc = try leapfrog(iterators, from: try children[0].seek(target))
        return doc
    }

    func score() throws -> Float {
        var sum: Double = 0
        for c in children { sum += Double(try c.score()) }
        return Float(sum)
    }

    func explain() throws -> Explanation {
        Explanation(value: try score(), text: "sum of:", details: try children.map { try $0.explain() })
    }
}

/// Matches the documents `required` matches and `excluded` does not; scores as `required`.
final class ReqExclScorer: Scorer {
    private(set) var doc: Int32 = -1
    let required: any Scorer
    let excluded: any Scorer

    init(required: any Scorer, excluded: any Scorer) {
        self.required = required
        self.excluded = excluded
    }

    var cost: Int { required.cost }

    func advance() throws -> Int32 { try skipExcluded(try required.advance()) }

    func seek(_ target: Int32) throws -> Int32 {
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

    func score() throws -> Float { try required.score() }

    func explain() throws -> Explanation {
        let e = try required.explain()
        return Explanation(value: e.value, text: "sum of (no excluded part matches; excluded parts do not score):", details: [e])
    }
}

/// Matches the documents whose publication time lies in `[lower, upper)`; scores 0.
final class DateFilterScorer: Scorer {
    private(set) var doc: Int32 = -1
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

    var cost: Int { segment.docCount }

    func advance() throws -> Int32 {
        if doc == PostingsCursor.noMoreDocs { return doc }
        return try seek(doc + 1)
    }

    func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        var d = Int(target)
        while d < segment.docCount {
            if let t = segment.date(d), t >= lower, t < upper { doc = Int32(d); return doc }
            d += 1
        }
        doc = PostingsCursor.noMoreDocs
        return doc
    }

    func score() throws -> Float { 0 }

    func explain() throws -> Explanation {
        Explanation(value: 0, text: "date:\(label) matches (filters do not score)")
    }
}

/// Matches what `inner` matches; scores 0 (a filter such as `--entity`).
final class FilterScorer: Scorer {
    private(set) var doc: Int32 = -1
    let inner: any Scorer
    init(_ inner: any Scorer) { self.inner = inner }
    var cost: Int { inner.cost }
    func advance() throws -> Int32 { doc = try inner.advance(); return doc }
    func seek(_ target: Int32) throws -> Int32 { doc = try inner.seek(target); return doc }
    func score() throws -> Float { 0 }
    func explain() throws -> Explanation {
        let e = try inner.explain()
        return Explanation(value: 0, text: "filter (matches, does not score): \(e.text)")
    }
}

/// Matches nothing.
final class EmptyScorer: Scorer {
    private(set) var doc: Int32 = -1
    var cost: Int { 0 }
    func advance() throws -> Int32 { doc = PostingsCursor.noMoreDocs; return doc }
    func seek(_ target: Int32) throws -> Int32 { try advance() }
    func score() throws -> Float { 0 }
    func explain() throws -> Explanation { Explanation(value: 0, text: "no match") }
}
