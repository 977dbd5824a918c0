/// An article of a copy group, as ``IndexReader/copies(ofID:)`` and ``SearchHit/copies`` list it.
public struct ArticleCopy: Sendable, Equatable {
    /// The article's id.
    public var id: String
    /// Its headline.
    public var title: String
    /// Its publication date, when known.
    public var date: ArticleDate?
    /// Its site or outlet, when known.
    public var source: String?
    /// Its URL, when known.
    public var url: String?
    /// Its internal document number (for one commit).
    public var documentNumber: Int
}

/// The copy groups of one open index with more than one live member, derived once per reader:
/// which documents are in such a group (a bit per document), and each group's members.
final class StoryTable: Sendable {
    /// Per segment: a bit per document in a group of two or more live documents.
    let shared: [[UInt64]]
    /// Members (global document numbers, ascending) of each group of two or more.
    let members: [UInt64: [Int32]]
    /// Per segment: its documents that have copies, ascending.
    let withCopies: [[Int32]]

    init(_ segments: [SegmentReader]) {
        var pairs: [(group: UInt64, doc: Int32)] = []
        for seg in segments where seg.hasCopies {
            for d in 0..<seg.docCount where !seg.isDeleted(Int32(d)) {
                pairs.append((seg.groupID(d), Int32(seg.docBase + d)))
            }
        }
        pairs.sort { $0.group != $1.group ? $0.group < $1.group : $0.doc < $1.doc }
        var members: [UInt64: [Int32]] = [:]
        var bits = segments.map { [UInt64](repeating: 0, count: ($0.docCount + 63) / 64) }
        var i = 0
        while i < pairs.count {
            var j = i + 1
            while j < pairs.count && pairs[j].group == pairs[i].group { j += 1 }
            if j - i > 1 {
                members[pairs[i].group] = pairs[i..<j].map(\.doc)
                for p in pairs[i..<j] {
                    let seg = StoryTable.segment(of: Int(p.doc), segments)
                    let local = Int(p.doc) - segments[seg].docBase
                    bits[seg][local >> 6] |= 1 << UInt64(local & 63)
                }
            }
            i = j
        }
        self.shared = bits
        self.members = members
        withCopies = bits.map { words in
            var docs: [Int32] = []
            for (w, word) in words.enumerated() where word != 0 {
                var b = word
                while b != 0 {
                    docs.append(Int32(w << 6 | b.trailingZeroBitCount))
                    b &= b - 1
                }
            }
            return docs
        }
    }

    private static func segment(of doc: Int, _ segments: [SegmentReader]) -> Int {
        var lo = 0, hi = segments.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if segments[mid].docBase <= doc { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Whether local document `doc` of the segment at `ordinal` has live copies.
    @inline(__always)
    func hasCopies(segment ordinal: Int, _ doc: Int32) -> Bool {
        let w = shared[ordinal]
        return !w.isEmpty && w[Int(doc) >> 6] & (1 << UInt64(doc & 63)) != 0
    }
}

/// Collects the best hit of each copy group (``SearchOptions/collapse``): a document with no
/// copies goes straight into the top k; a group of several keeps its best member (by score), or
/// its earliest (by date), and enters the top k at the end. Counts the stories matched.
struct CollapseCollector: TopCollector {
    /// Matches a collapsed search by score collects whole, beyond the hits it shows, when the
    /// document frequencies of its words say it can have no more.
    static let wholeUpTo = 16_384
    private var top: TopDocs
    private let byDate: Bool
    private var table: StoryTable?
    private var segment: SegmentReader?
    private var bits: [UInt64] = []
    private var base: Int32 = 0
    /// The representative so far of each group of several that matched.
    private(set) var groups: [UInt64: TopDocs.Entry] = [:]
    /// Matches that have no copies (each is a story).
    private(set) var singles = 0

    init(capacity: Int) { self.init(capacity: capacity, byDate: false, table: nil) }

    init(capacity: Int, byDate: Bool, table: StoryTable?) {
        top = TopDocs(capacity: capacity, byDate: byDate)
        self.byDate = byDate
        self.table = table
    }

    /// Only hits that rank below this one are kept (``SearchOptions/after``).
    var after: TopDocs.Entry? {
        get { top.after }
        set { top.after = newValue }
    }
    var needsScores: Bool { true }
    /// The stories that matched.
    var stories: Int { singles + groups.count }

    mutating func begin(_ seg: SegmentReader) throws {
        segment = seg
        base = Int32(seg.docBase)
        bits = table?.shared[seg.ordinal] ?? []
    }

    @inline(__always) mutating func collect(doc: Int32, score: Float) {
        let seg = segment.unsafelyUnwrapped
        let date = byDate ? seg.date(Int(doc)) ?? Int64.min : 0
        guard !bits.isEmpty, bits[Int(doc) >> 6] & (1 << UInt64(doc & 63)) != 0 else {
            singles += 1
            top.insert(score: score, date: date, doc: base + doc)
            return
        }
        let e = TopDocs.Entry(score: score, date: date, doc: base + doc)
        let g = seg.groupID(Int(doc))
        if let old = groups[g] {
            // By date the earliest member stands for the story (undated ones only when none is dated).
            let better = byDate
                ? (old.date == Int64.min || (e.date != Int64.min && e.date < old.date))
                : (e.score > old.score)
            if better { groups[g] = e }
        } else {
            groups[g] = e
        }
    }

    mutating func end(_ seg: SegmentReader) throws {
        segment = nil
        bits = []
    }
    func collectFlat(_ clauses: PrunedTopK.Clauses, in seg: SegmentReader, prune: Bool) throws -> Int? { nil }

    func sorted() -> [TopDocs.Entry] {
        var all = top
        for e in groups.values { all.insert(score: e.score, date: e.date, doc: e.doc) }
        return all.sorted()
    }
}

extension IndexReader {
    /// A collapsed search by score without a cursor or facets: the best entries of the plain
    /// search (which may take the flat loop and prune), first member of each group kept, from a
    /// longer list each time until it holds `capacity` stories or every match. Exact: a group's
    /// best member ranks where the group does.
    func collectCollapsedByScore(_ plan: Plan, options: SearchOptions, capacity: Int, competing: [Float], indexNumber: Int,
                                 cache: QueryTerms) throws -> Collected {
        var plain = options
        plain.collapse = false
        let table = stories
        // A query of up to about a thousand matches is collected whole in one pass, and its
        // stories counted from the list; beyond, the documents with copies are sought.
        let bound = IndexReader.matchBound(plan, documentCount)
        var k = capacity + (bound <= CollapseCollector.wholeUpTo ? bound : max(16, capacity))
        while true {
            var found = try collect(plan, options: plain, capacity: k, competing: competing, indexNumber: indexNumber, cache: cache)
            var seen = Set<UInt64>()
            var kept: [TopDocs.Entry] = []
            var copies = 0
            let whole = found.entries.count < k && found.totalHitsIsExact && competing.isEmpty
            for e in found.entries where kept.count < capacity || whole {
                let (seg, local) = locate(Int(e.doc))
                if table.hasCopies(segment: seg.ordinal, Int32(local)) {
                    copies += 1
                    if !seen.insert(seg.groupID(local)).inserted { continue }
                }
                if kept.count < capacity { kept.append(e) }
            }
            if kept.count >= capacity || found.entries.count < k {
                found.entries = kept
                found.totalStories = whole ? found.totalHits - copies + seen.count
                    : try countStories(plan, matches: found.totalHits, cache: cache)
                return found
            }
            k = k * 4
        }
    }

    /// An upper bound of the matches of `plan` from its words' document frequencies (a leaf
    /// matches at most the sum over its fields and words, an AND at most its rarest part).
    static func matchBound(_ plan: Plan, _ documents: Int) -> Int {
        switch plan {
        case .nothing: return 0
        case .date: return documents
        case .filter(let inner): return matchBound(inner, documents)
        case .leaf(let l):
            let n = l.fields.reduce(0) { sum, f in sum + (f.bm25.idfParts.map(\.docFreq).min() ?? documents) }
            return min(documents, n)
        case .or(let parts): return min(documents, parts.reduce(0) { $0 + matchBound($1, documents) })
        case .and(let must, _): return must.map { matchBound($0, documents) }.min() ?? documents
        }
    }

    /// The stories among `matches` matches of `plan`: each document with copies that matches
    /// (found by seeking the plan's scorer to each) replaced by its group, counted once.
    func countStories(_ plan: Plan, matches: Int, cache: QueryTerms) throws -> Int {
        let table = stories
        var copies = 0
        var groups = Set<UInt64>()
        for seg in segments {
            let docs = table.withCopies[seg.ordinal]
            guard !docs.isEmpty, let scorer = try scorer(plan, in: seg, cache: cache) else { continue }
            if docs.count > matches {
                // Fewer matches than documents with copies: walk the matches.
                let bits = table.shared[seg.ordinal]
                var d = try scorer.advance()
                while d != PostingsCursor.noMoreDocs {
                    if !seg.isDeleted(d), bits[Int(d) >> 6] & (1 << UInt64(d & 63)) != 0 {
                        copies += 1
                        groups.insert(seg.groupID(Int(d)))
                    }
                    d = try scorer.advance()
                }
                continue
            }
            // Leapfrog: seek the scorer to the next document with copies, then skip (by binary
            // search) the documents with copies before where it landed.
            var i = 0
            while i < docs.count {
                let d = try scorer.seek(docs[i])
                if d == PostingsCursor.noMoreDocs { break }
                if d == docs[i] {
                    copies += 1
                    groups.insert(seg.groupID(Int(d)))
                    i += 1
                    continue
                }
                var lo = i + 1, hi = docs.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if docs[mid] < d { lo = mid + 1 } else { hi = mid }
                }
                i = lo
            }
        }
        return matches - copies + groups.count
    }

    /// The copy groups of this reader, derived on first use.
    var stories: StoryTable { derived.value(StoryTable.self) { StoryTable(segments) } }

    /// How many live articles have copies, in how many copy groups: the index holds
    /// ``documentCount`` − `articles` + `groups` stories.
    public var copyGroups: (articles: Int, groups: Int) {
        let t = stories
        return (t.withCopies.reduce(0) { $0 + $1.count }, t.members.count)
    }

    /// The live members of the copy group of document `doc` (global number), itself included,
    /// ascending; just `doc` when it has no copies.
    func groupMembers(of doc: Int) -> [Int32] {
        let (seg, local) = locate(doc)
        guard stories.hasCopies(segment: seg.ordinal, Int32(local)) else { return [Int32(doc)] }
        return stories.members[seg.groupID(local)] ?? [Int32(doc)]
    }

    /// The copy group of the article with id `id`: the article and its copies, earliest first
    /// (undated last, then in index order), so the first is who published first. Empty when no
    /// article has that id.
    ///
    /// ```swift
    /// for copy in try index.copies(ofID: "wire-0") {
    ///     print(copy.date?.text ?? "undated", copy.source ?? "", copy.title)
    /// }
    /// ```
    /// - Throws: `NewsIndexError.Kind.corruptIndex` when an index file turns out damaged.
    public func copies(ofID id: String) throws -> [ArticleCopy] {
        guard let doc = try liveDocumentNumber(id: id) else { return [] }
        return try articleCopies(groupMembers(of: doc))
    }

    /// The global number of the live article with id `id`.
    func liveDocumentNumber(id: String) throws -> Int? {
        for seg in segments {
            if let d = try seg.liveDocument(id: id) { return seg.docBase + d }
        }
        return nil
    }

    /// `docs` as copies, earliest first (undated last, ties in index order).
    func articleCopies(_ docs: [Int32]) throws -> [ArticleCopy] {
        let copies = try docs.map { d -> ArticleCopy in
            let a = try storedArticle(Int(d))
            return ArticleCopy(id: a.id, title: a.title, date: a.date.map { ArticleDate(secondsSinceEpoch: $0, text: a.dateText ?? "") },
                               source: a.source, url: a.url, documentNumber: Int(d))
        }
        return copies.sorted { a, b in
            switch (a.date?.secondsSinceEpoch, b.date?.secondsSinceEpoch) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.documentNumber < b.documentNumber
            }
        }
    }
}

extension IndexReader {
    /// `hits` with the other matching members of their copy groups (``SearchHit/copies``).
    func withCopies(_ hits: [SearchHit], plan: Plan, cache: QueryTerms) throws -> [SearchHit] {
        var out = hits
        for i in out.indices {
            let doc = out[i].documentNumber
            let members = groupMembers(of: doc)
            guard members.count > 1 else { continue }
            var matching: [Int32] = []
            for m in members where Int(m) != doc {
                let (seg, local) = locate(Int(m))
                if let scorer = try scorer(plan, in: seg, cache: cache), try scorer.seek(Int32(local)) == Int32(local) {
                    matching.append(m)
                }
            }
            out[i].copies = try articleCopies(matching)
        }
        return out
    }
}

/// How two articles' copy signatures compare (``IndexReader/compareCopies(_:_:)``): the
/// estimates that decide whether they are copies.
public struct CopyComparison: Sendable, Equatable {
    /// The shingles (runs of three words) of each body.
    public var shingles: (Int, Int)
    /// Bins of the 32 that hold the same minimum, and bins not empty in both.
    public var equalBins: Int, comparedBins: Int
    /// Estimated Jaccard similarity of the two sets of shingles.
    public var jaccard: Double
    /// Estimated shingles in common.
    public var sharedShingles: Double
    /// Estimated share of the shorter body's shingles that are in the longer.
    public var containment: Double
    /// Whether these estimates make them copies (the thresholds of the README, "Stories").
    public var isCopy: Bool
    /// Whether the index holds them in one copy group (copies may also be joined through a third).
    public var sameGroup: Bool

    public static func == (a: CopyComparison, b: CopyComparison) -> Bool {
        a.shingles == b.shingles && a.equalBins == b.equalBins && a.comparedBins == b.comparedBins
            && a.jaccard == b.jaccard && a.isCopy == b.isCopy && a.sameGroup == b.sameGroup
    }
}

extension IndexReader {
    /// Compares the copy signatures of the live articles with ids `a` and `b`; nil when either
    /// is missing or has no signature (a body under about 27 words, or an index of an older format).
    ///
    /// - Throws: `NewsIndexError.Kind.corruptIndex` when an index file turns out damaged.
    public func compareCopies(_ a: String, _ b: String) throws -> CopyComparison? {
        guard let x = try liveDocumentNumber(id: a), let y = try liveDocumentNumber(id: b) else { return nil }
        let (sx, lx) = locate(x), (sy, ly) = locate(y)
        guard let p = sx.signature(lx), let q = sy.signature(ly) else { return nil }
        let c = p.compare(q)
        return CopyComparison(shingles: (Int(p.shingles), Int(q.shingles)), equalBins: c.equalBins, comparedBins: c.comparedBins,
                              jaccard: c.jaccard, sharedShingles: c.sharedShingles, containment: c.containment,
                              isCopy: p.isCopy(of: q), sameGroup: sx.groupID(lx) == sy.groupID(ly))
    }
}
