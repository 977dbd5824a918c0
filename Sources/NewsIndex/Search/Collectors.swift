/// What a search does with the matches of a segment, in document order: a search is a plan,
/// evaluated segment by segment (``IndexReader/evaluate(_:in:into:)``), feeding collectors.
///
/// Collectors are driven as concrete (generic) types, never as existentials, so that the calls
/// per match inline into the evaluation loop.
protocol Collector {
    /// Whether ``collect(doc:score:)`` needs the match's score (it is computed only then).
    var needsScores: Bool { get }
    /// Starts a segment, before its first match.
    mutating func begin(_ seg: SegmentReader) throws
    /// A live match: `doc` is the segment-local document, `score` 0 unless ``needsScores``.
    mutating func collect(doc: Int32, score: Float)
    /// Ends a segment, after its last match.
    mutating func end(_ seg: SegmentReader) throws
}

extension Collector {
    func begin(_ seg: SegmentReader) throws {}
    func end(_ seg: SegmentReader) throws {}
}

/// Counts the matches.
struct CountCollector: Collector {
    private(set) var count = 0
    var needsScores: Bool { false }
    @inline(__always) mutating func collect(doc: Int32, score: Float) { count += 1 }
    /// Adds matches counted elsewhere (by ``PrunedTopK``'s loop).
    mutating func add(_ n: Int) { count += n }
}

/// A collector of the best hits in some order.
protocol TopCollector: Collector {
    /// A collector of at most `capacity` hits.
    init(capacity: Int)
    /// Collects one segment through ``PrunedTopK``'s flat loop, when this order allows it:
    /// the number of documents scored, or nil (then the caller evaluates the tree of scorers).
    mutating func collectFlat(_ clauses: PrunedTopK.Clauses, in seg: SegmentReader, prune: Bool) throws -> Int?
    /// The hits, best first.
    func sorted() -> [TopDocs.Entry]
}

/// The best hits by score (ties to the lower document).
struct TopScoreCollector: TopCollector {
    private(set) var top: TopDocs
    private var base: Int32 = 0
    init(capacity: Int) { top = TopDocs(capacity: capacity) }
    /// Only hits that rank below this one are kept (``SearchOptions/after``); set after ``compete(with:)``.
    var after: TopDocs.Entry? {
        get { top.after }
        set { top.after = newValue }
    }
    /// Takes in the scores of hits found before, elsewhere: placeholders that rank above any
    /// document of this index with the same score (ties go to what was searched first), so that
    /// a document enters only by beating them and pruning starts at the best of them.
    mutating func compete(with scores: [Float]) {
        for (k, s) in scores.prefix(top.capacity).enumerated() { top.insert(score: s, doc: Int32.min + Int32(k)) }
    }
    var needsScores: Bool { top.capacity > 0 }
    mutating func begin(_ seg: SegmentReader) throws { base = Int32(seg.docBase) }
    @inline(__always) mutating func collect(doc: Int32, score: Float) {
        if top.capacity > 0 { top.insert(score: score, doc: base + doc) }
    }
    mutating func collectFlat(_ clauses: PrunedTopK.Clauses, in seg: SegmentReader, prune: Bool) throws -> Int? {
        try PrunedTopK.collect(clauses, base: Int32(seg.docBase), deleted: seg.deletedWords, into: &top, prune: prune)
    }
    func sorted() -> [TopDocs.Entry] { top.sorted().filter { $0.doc >= 0 } }
}

/// The best hits by publication date, newest first, undated last (ties to the better score).
struct TopDateCollector: TopCollector {
    private var top: TopDocs
    private var segment: SegmentReader?
    private var base: Int32 = 0
    init(capacity: Int) { top = TopDocs(capacity: capacity, byDate: true) }
    /// Only hits that rank below this one are kept (``SearchOptions/after``).
    var after: TopDocs.Entry? {
        get { top.after }
        set { top.after = newValue }
    }
    var needsScores: Bool { top.capacity > 0 }
    mutating func begin(_ seg: SegmentReader) throws {
        segment = seg
        base = Int32(seg.docBase)
    }
    @inline(__always) mutating func collect(doc: Int32, score: Float) {
        guard top.capacity > 0 else { return }
        let date = segment.unsafelyUnwrapped.date(Int(doc)) ?? Int64.min
        top.insert(score: score, date: date, doc: base + doc)
    }
    mutating func end(_ seg: SegmentReader) throws { segment = nil }
    func collectFlat(_ clauses: PrunedTopK.Clauses, in seg: SegmentReader, prune: Bool) throws -> Int? { nil }
    func sorted() -> [TopDocs.Entry] { top.sorted() }
}

/// Counts, over the matching documents, the entities they mention (documents and mentions per
/// entity term), their sources (documents per source) and their days of publication, as asked:
/// the facets of a search.
struct FacetCollector: Collector {
    /// What to count.
    let entities: Bool, sources: Bool, dates: Bool
    /// Documents and mentions per entity term.
    private(set) var totals: [String: (documents: Int, mentions: Int)] = [:]
    /// Documents per source, as facets show it.
    private(set) var sourceTotals: [String: Int] = [:]
    /// Documents per day of publication.
    private var days: [Int64: Int] = [:]
    private var undated = 0
    private let deadline: Deadline
    private var matched: [UInt64] = []
    /// When set, each story (copy group) is counted once, by its first matching member.
    var stories: StoryTable? = nil
    private var seenGroups: Set<UInt64> = []
    private var segment: SegmentReader?
    var needsScores: Bool { false }
    /// A collector of entity counts, source counts, day counts, or several; nil when none is asked for.
    init?(entities: Bool, sources: Bool, dates: Bool, deadline: Deadline) {
        guard entities || sources || dates else { return nil }
        self.entities = entities
        self.sources = sources
        self.dates = dates
        self.deadline = deadline
    }
    /// A collector of entity counts, source counts, or both.
    init(entities: Bool = true, sources: Bool = false) {
        self.entities = entities
        self.sources = sources
        self.dates = false
        self.deadline = Deadline(nil)
    }
    mutating func begin(_ seg: SegmentReader) throws {
        matched = [UInt64](repeating: 0, count: (seg.docCount + 63) / 64)
        segment = seg
    }
    @inline(__always) mutating func collect(doc: Int32, score: Float) {
        if let stories, let seg = segment, stories.hasCopies(segment: seg.ordinal, doc),
           !seenGroups.insert(seg.groupID(Int(doc))).inserted { return }
        matched[Int(doc) >> 6] |= 1 << UInt64(doc & 63)
    }
    mutating func end(_ seg: SegmentReader) throws {
        if entities { try IndexReader.countEntities(in: seg, matches: matched, deadline: deadline, into: &totals) }
        if sources { try IndexReader.countSources(in: seg, matches: matched, into: &sourceTotals) }
        if dates { countDays(in: seg) }
        matched = []
    }
    /// Counts the entities and sources of every live document of `seg` (no query).
    mutating func countAll(in seg: SegmentReader) throws {
        if entities { try IndexReader.countEntities(in: seg, matches: nil, deadline: deadline, into: &totals) }
        if sources { try IndexReader.countSources(in: seg, matches: nil, into: &sourceTotals) }
    }
    /// The matched documents of `seg` per day (UTC) of publication.
    private mutating func countDays(in seg: SegmentReader) {
        for (w, word) in matched.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                let doc = w << 6 | bits.trailingZeroBitCount
                bits &= bits - 1
                if let seconds = seg.date(doc) {
                    days[seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400, default: 0] += 1
                } else {
                    undated += 1
                }
            }
        }
    }
    /// The day counts so far, when they are asked for.
    var dateHistogram: DateHistogram? {
        dates ? DateHistogram(days: days.map { DateHistogram.Day(day: $0.key, count: $0.value) }, undated: undated) : nil
    }
}

/// When a search must stop (``SearchOptions/deadline``), checked at its steps.
struct Deadline {
    let end: ContinuousClock.Instant?
    init(_ end: ContinuousClock.Instant?) { self.end = end }

    /// Throws `timedOut` once the deadline has passed.
    @inline(__always)
    func check() throws {
        if let end, ContinuousClock.now >= end { throw Deadline.passed }
    }

    static let passed = NewsIndexError(.timedOut, "the search took longer than its time limit and was stopped.")
}

/// The collectors of ``IndexReader/search(_:options:)``: the count, the best hits and, when
/// asked for, the entity and source facets.
struct SearchCollectors<Top: TopCollector>: Collector {
    var count = CountCollector()
    var top: Top
    var facets: FacetCollector?

    init(top: Top, facets: FacetCollector?) {
        self.top = top
        self.facets = facets
    }

    var needsScores: Bool { top.needsScores }

    mutating func begin(_ seg: SegmentReader) throws {
        try top.begin(seg)
        try facets?.begin(seg)
    }

    @inline(__always) mutating func collect(doc: Int32, score: Float) {
        count.collect(doc: doc, score: score)
        top.collect(doc: doc, score: score)
        facets?.collect(doc: doc, score: score)
    }

    mutating func end(_ seg: SegmentReader) throws {
        try top.end(seg)
        try facets?.end(seg)
    }
}

extension IndexReader {
    /// Evaluates `plan` over one segment into `collector`: every live match, in order. Does
    /// nothing (not even begin the segment) when the plan cannot match there.
    /// `deadline` is checked every 4,096 matches.
    func evaluate<C: Collector>(_ plan: Plan, in seg: SegmentReader, cache: QueryTerms? = nil, deadline: Deadline = Deadline(nil),
                                into collector: inout C) throws {
        guard let scorer = try scorer(plan, in: seg, cache: cache) else { return }
        try collector.begin(seg)
        let scores = collector.needsScores
        var d = try scorer.advance()
        var steps: UInt32 = 0
        while d != PostingsCursor.noMoreDocs {
            if !seg.isDeleted(d) { collector.collect(doc: d, score: scores ? try scorer.score() : 0) }
            d = try scorer.advance()
            steps &+= 1
            if steps & 4095 == 0 { try deadline.check() }
        }
        try collector.end(seg)
    }
}

/// Keeps the best `capacity` hits in a binary min-heap: by score (ties to the lower doc), or by
/// date, newest first (ties to the better score, then the lower doc).
struct TopDocs {
    struct Entry { var score: Float; var date: Int64; var doc: Int32 }
    let capacity: Int
    let byDate: Bool
    /// When set, only entries that rank below it are kept (deep paging).
    var after: Entry? = nil
    private var heap: [Entry] = []

    init(capacity: Int, byDate: Bool = false) {
        self.capacity = capacity
        self.byDate = byDate
        heap.reserveCapacity(min(capacity, 1 << 16))
    }

    /// True when `a` ranks below `b`.
    @inline(__always)
    private func worse(_ a: Entry, _ b: Entry) -> Bool {
        if byDate && a.date != b.date { return a.date < b.date }
        return a.score < b.score || (a.score == b.score && a.doc > b.doc)
    }

    mutating func insert(score: Float, date: Int64 = 0, doc: Int32) {
        let e = Entry(score: score, date: date, doc: doc)
        if let after, !worse(e, after) { return }
        if heap.count < capacity {
            heap.append(e)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if worse(heap[i], heap[parent]) { heap.swapAt(i, parent); i = parent } else { break }
            }
        } else if capacity > 0 && worse(heap[0], e) {
            heap[0] = e
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && worse(heap[l], heap[m]) { m = l }
                if r < heap.count && worse(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
    }

    /// Best first.
    func sorted() -> [Entry] { heap.sorted { worse($1, $0) } }

    /// The score a new (later) document must beat to enter, once the heap is full.
    var threshold: Float? { heap.count == capacity && capacity > 0 ? heap[0].score : nil }
}
