/// Document-at-a-time iterators that score.
///
/// Contract (as tantivy's `DocSet`): `doc` is `-1` before the first `advance()`/`seek(_:)` and
/// ``PostingsCursor/noMoreDocs`` after the last match; `seek(target)` moves to the first matching
/// document `>= target` and never moves backwards; `score()` is valid only on a matching document.
class Scorer {
    var doc: Int32 = -1
    func advance() throws -> Int32 { fatalError("abstract") }
    func seek(_ target: Int32) throws -> Int32 {
        while doc < target { _ = try advance() }
        return doc
    }
    func score() throws -> Float { fatalError("abstract") }
    /// Estimated number of matches, used to order conjunctions.
    var cost: Int { 0 }
}

/// One term in one field.
final class TermScorer: Scorer {
    let cursor: PostingsCursor
    let norms: UnsafeRawBufferPointer
    let bm25: BM25

    init(cursor: PostingsCursor, norms: UnsafeRawBufferPointer, bm25: BM25) {
        self.cursor = cursor
        self.norms = norms
        self.bm25 = bm25
    }

    override func advance() throws -> Int32 { doc = try cursor.advance(); return doc }
    override func seek(_ target: Int32) throws -> Int32 { doc = try cursor.seek(target); return doc }
    override func score() throws -> Float { bm25.score(freq: Float(cursor.freq), norm: norms[Int(doc)]) }
    override var cost: Int { cursor.cost }
}

/// An exact phrase in one field: all terms present, at consecutive positions (relative offsets).
/// Positions are decoded only for documents that contain every term.
final class PhraseScorer: Scorer {
    let cursors: [PostingsCursor]
    let offsets: [Int]
    let norms: UnsafeRawBufferPointer
    let bm25: BM25
    private var freq = 0
    private var positions: [[UInt32]]
    private let lead: Int   // the rarest term drives the iteration

    init(cursors: [PostingsCursor], offsets: [Int], norms: UnsafeRawBufferPointer, bm25: BM25) {
        self.cursors = cursors
        self.offsets = offsets
        self.norms = norms
        self.bm25 = bm25
        positions = Array(repeating: [], count: cursors.count)
        lead = cursors.indices.min { cursors[$0].cost < cursors[$1].cost }!
    }

    override var cost: Int { cursors[lead].cost }

    override func advance() throws -> Int32 {
        try next(from: try cursors[lead].advance())
    }

    override func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        return try next(from: try cursors[lead].seek(target))
    }

    /// Finds the first document >= candidate where every term occurs and the phrase matches.
    private func next(from start: Int32) throws -> Int32 {
        var candidate = start
        outer: while candidate != PostingsCursor.noMoreDocs {
            for (i, c) in cursors.enumerated() where i != lead {
                let d = try c.seek(candidate)
                if d > candidate {
                    candidate = try cursors[lead].seek(d)
                    continue outer
                }
            }
            freq = try phraseFreq()
            if freq > 0 { doc = candidate; return doc }
            candidate = try cursors[lead].advance()
        }
        doc = PostingsCursor.noMoreDocs
        return doc
    }

    /// Number of start positions where every term sits at its offset.
    private func phraseFreq() throws -> Int {
        for i in cursors.indices {
            positions[i].removeAll(keepingCapacity: true)
            try cursors[i].positions(into: &positions[i])
        }
        var count = 0
        var idx = Array(repeating: 0, count: cursors.count)
        outer: for p0 in positions[0] {
            let start = Int(p0) - offsets[0]
            if start < 0 { continue }
            for i in 1..<cursors.count {
                let want = UInt32(start + offsets[i])
                let ps = positions[i]
                while idx[i] < ps.count && ps[idx[i]] < want { idx[i] += 1 }
                if idx[i] == ps.count { break outer }
                if ps[idx[i]] != want { continue outer }
            }
            count += 1
        }
        return count
    }

    override func score() throws -> Float {
        bm25.score(freq: Float(freq), norm: norms[Int(doc)])
    }
}

/// Matches documents any child matches; scores the sum of the matching children's scores.
final class SumScorer: Scorer {
    let children: [Scorer]
    private var started = false

    init(_ children: [Scorer]) { self.children = children }

    override var cost: Int { children.reduce(0) { $0 + $1.cost } }

    private func minDoc() -> Int32 { children.reduce(PostingsCursor.noMoreDocs) { min($0, $1.doc) } }

    override func advance() throws -> Int32 {
        if !started {
            started = true
            for c in children { _ = try c.advance() }
        } else {
            for c in children where c.doc == doc { _ = try c.advance() }
        }
        doc = minDoc()
        return doc
    }

    override func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        started = true
        for c in children where c.doc < target { _ = try c.seek(target) }
        doc = minDoc()
        return doc
    }

    override func score() throws -> Float {
        var sum: Double = 0
        for c in children where c.doc == doc { sum += Double(try c.score()) }
        return Float(sum)
    }
}

/// Matches documents every child matches (leapfrog over `seek`, cheapest child first);
/// scores the sum of the children's scores.
final class ConjunctionScorer: Scorer {
    let children: [Scorer]

    init(_ children: [Scorer]) { self.children = children.sorted { $0.cost < $1.cost } }

    override var cost: Int { children.first?.cost ?? 0 }

    override func advance() throws -> Int32 { try align(try children[0].advance()) }

    override func seek(_ target: Int32) throws -> Int32 {
        if doc >= target { return doc }
        return try align(try children[0].seek(target))
    }

    private func align(_ start: Int32) throws -> Int32 {
        var candidate = start
        outer: while candidate != PostingsCursor.noMoreDocs {
            for c in children.dropFirst() {
                let d = try c.seek(candidate)
                if d > candidate {
                    candidate = try children[0].seek(d)
                    continue outer
                }
            }
            doc = candidate
            return doc
        }
        doc = PostingsCursor.noMoreDocs
        return doc
    }

    override func score() throws -> Float {
        var sum: Double = 0
        for c in children { sum += Double(try c.score()) }
        return Float(sum)
    }
}

/// Matches nothing.
final class EmptyScorer: Scorer {
    override func advance() throws -> Int32 { doc = PostingsCursor.noMoreDocs; return doc }
    override func score() throws -> Float { 0 }
}
