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
protocol Spans: DocIterator {
    /// The matches in the current document, by start (possibly none: the document was only a candidate).
    func matches(_ out: inout [SpanMatch]) throws
}

/// Spans that are single positions (a word, or any of several words).
protocol PositionSpans: Spans {
    /// The current document's positions, ascending, without duplicates.
    func positions(_ out: inout [UInt32]) throws
}

extension PositionSpans {
    func matches(_ out: inout [SpanMatch]) throws {
        var ps: [UInt32] = []
        try positions(&ps)
        for p in ps { out.append(SpanMatch(start: Int32(p), end: Int32(p), slop: 0)) }
    }
}

final class TermSpans: PositionSpans {
    private(set) var doc: Int32 = -1
    let cursor: PostingsCursor
    init(_ cursor: PostingsCursor) { self.cursor = cursor }
    func advance() throws -> Int32 { doc = try cursor.advance(); return doc }
    func seek(_ target: Int32) throws -> Int32 { doc = try cursor.seek(target); return doc }
    var cost: Int { cursor.cost }
    func positions(_ out: inout [UInt32]) throws { try cursor.positions(into: &out) }
}

/// Any of several words at a position (the expansions of a prefix).
final class UnionSpans: PositionSpans, UnionIterator {
    var doc: Int32 = -1
    let children: [TermSpans]
    var walk: UnionWalk

    init(_ children: [TermSpans]) {
        self.children = children
        walk = UnionWalk(children)
    }

    func positions(_ out: inout [UInt32]) throws {
        let before = out.count
        for c in children where c.doc == doc { try c.positions(&out) }
        out[before...].sort()
    }
}

/// The candidates of spans made of parts (phrases, NEAR): the documents all their parts share.
struct SpanConjunction {
    private let byCost: [any DocIterator]
    /// When every part is a single word: their postings in the same order, walked directly
    /// (the parts' own `doc` is then not kept up to date: only their positions are read).
    private let cursors: [PostingsCursor]
    /// Two single words (the most common phrase): their postings, the rarer first, held directly.
    private let pair: (lead: PostingsCursor, other: PostingsCursor)?

    init(parts: [any Spans]) {
        let sorted = parts.sorted { $0.cost < $1.cost }
        byCost = sorted
        var cursors: [PostingsCursor] = []
        for case let t as TermSpans in sorted { cursors.append(t.cursor) }
        self.cursors = cursors.count == sorted.count ? cursors : []
        pair = self.cursors.count == 2 ? (self.cursors[0], self.cursors[1]) : nil
    }

    var cost: Int { byCost[0].cost }

    /// The next shared document.
    func advance() throws -> Int32 {
        if let (lead, other) = pair { return try SpanConjunction.leapfrogPair(lead, other, from: try lead.advance()) }
        if !cursors.isEmpty { return try SpanConjunction.leapfrogPostings(cursors, from: try cursors[0].advance()) }
        return try leapfrog(byCost, from: try byCost[0].advance())
    }

    /// The first shared document `>= target` (`current` when it is there already).
    func seek(_ target: Int32, from current: Int32) throws -> Int32 {
        if current >= target { return current }
        if let (lead, other) = pair { return try SpanConjunction.leapfrogPair(lead, other, from: try lead.seek(target)) }
        if !cursors.isEmpty { return try SpanConjunction.leapfrogPostings(cursors, from: try cursors[0].seek(target)) }
        return try leapfrog(byCost, from: try byCost[0].seek(target))
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

/// Two patterns at most `distance` positions apart, in either order, not overlapping.
/// A match covers both; its slop is the gap beyond neighbouring (plus the parts' own slop).
final class NearSpans: Spans {
    private(set) var doc: Int32 = -1
    let left: any Spans
    let right: any Spans
    private let conjunction: SpanConjunction
    let distance: Int32
    private var a: [SpanMatch] = []
    private var b: [SpanMatch] = []
    /// Bound on the matches counted per document, against quadratic blow-up on very long texts.
    static let maxMatches = 10_000

    init(_ left: any Spans, _ right: any Spans, distance: Int) {
        self.left = left
        self.right = right
        self.distance = Int32(distance)
        conjunction = SpanConjunction(parts: [left, right])
    }

    var cost: Int { conjunction.cost }
    func advance() throws -> Int32 { doc = try conjunction.advance(); return doc }
    func seek(_ target: Int32) throws -> Int32 { doc = try conjunction.seek(target, from: doc); return doc }

    func matches(_ out: inout [SpanMatch]) throws {
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
