import Foundation

import NewsIndexQuery
/// Options for ``IndexReader/search(_:options:)``.
public struct SearchOptions: Sendable {
    /// How hits are ordered.
    public enum Order: String, Sendable, CaseIterable {
        /// Best BM25 score first (ties: earlier indexed document first).
        case score
        /// Newest publication date first, undated documents last (ties: better score first).
        case date
    }

    /// Hits to return at most (0 to only count the matches).
    public var limit: Int = 10
    /// Best hits to skip before the first returned one (for paging).
    public var offset: Int = 0
    /// The order of the hits.
    public var order: Order = .score
    /// How hits are scored for ``Order/score`` (``Ranking/news`` by default).
    public var ranking: Ranking = .news
    /// With the news ranking, how much newer articles are preferred (nil: not at all, the default).
    /// A search by date or with ``collapse`` throws `NewsIndexError.Kind.badQuery` when it is set.
    public var recency: Recency? = nil
    /// With ``recency``, how many of the best matches by score have their score multiplied by
    /// their recency (at least `offset + limit`). A match ranked below the window by score alone
    /// cannot reach the page.
    public var rescoreWindow: Int = 100
    /// Weight of a match in the title relative to one in the body.
    public var titleBoost: Float = 2
    /// Whether to build a snippet for each hit.
    public var snippets: Bool = true
    /// Whether to read each hit's stored article (id, title, date, URL, snippet). When false, hits
    /// carry only rank, score and ``SearchHit/documentNumber``, as engines return doc addresses:
    /// for counting, benchmarks, or reading articles later.
    public var fetchArticles: Bool = true
    /// Whether to explain each hit's score (``SearchHit/explanation``).
    public var explain: Bool = false
    /// Whether to count the entities mentioned in all matching documents (``SearchResults/entities``).
    public var entityFacets: Bool = false
    /// Whether to count the sources of all matching documents (``SearchResults/sources``).
    public var sourceFacets: Bool = false
    /// Whether to count the matching documents per day of publication (``SearchResults/dates``).
    public var dateFacets: Bool = false
    /// Return only the hits that come after this one in the order of the search: deep paging
    /// that costs what the first page costs, however far down it reaches (pass the last hit's
    /// ``SearchHit/cursor`` of the page before; ``offset`` then counts from there). The cursor
    /// must come from a search of the same commit with the same query and order.
    public var after: SearchCursor? = nil
    /// When the search must be over: past it the search stops and throws
    /// `NewsIndexError.Kind.timedOut`. Checked after planning, between segments, every 4,096
    /// matches of a tree of scorers and per entity while counting facets; a segment's flat loop
    /// of words (``PrunedTopK``) runs to its end, so it overruns by at most one such step.
    public var deadline: ContinuousClock.Instant? = nil
    /// Whether ``SearchResults/totalHits`` must count every match. When false, queries made of
    /// words or phrases joined by OR or by AND (one word, `a OR b`, a prefix, `"a b"`, `a AND b`)
    /// skip documents that cannot reach the top hits, and `totalHits` is only a lower bound
    /// (``SearchResults/totalHitsIsExact`` is false); the hits are the same.
    public var countAllMatches: Bool = true
    /// Whether sums of words and phrases by score may run in ``PrunedTopK``'s flat loop rather
    /// than on the tree of scorers (the same hits, scores and counts; tests compare the two).
    package var flatEvaluation: Bool = true
    /// Whether to show one hit per copy group (a story and its republished copies): its best
    /// member by score, or its earliest by date (``Order/date``; groups then rank by that
    /// member's date). Each hit lists the other matching members in ``SearchHit/copies``,
    /// ``SearchResults/totalStories`` counts the stories, and the facets count each story once
    /// (by its first matching member in index order).
    public var collapse: Bool = false
    /// The current time, for relative dates such as `date:>=now-7d`.
    public var now: Date = Date()
    /// Statistics to score with in place of the index's own: those of several indexes taken as
    /// one (``SearchStatistics/init(merging:)``), so that each scores as their union would.
    public var statistics: SearchStatistics? = nil
    /// Creates the default options: 10 hits by score, no offset, title ×2, snippets on.
    public init() {}

    /// `query` parsed as of now, and the default options with `limit`.
    static func parsing(_ query: String, limit: Int) throws -> (Query, SearchOptions) {
        var options = SearchOptions()
        options.limit = limit
        return (try Query.parse(query, now: options.now), options)
    }

    /// The hits to collect of `documents` documents: offset and limit, never more than there
    /// are (and no overflow for huge limits or offsets).
    func wanted(of documents: Int) -> Int {
        limit == 0 || offset >= documents ? 0 : min(documents, offset + min(limit, documents))
    }

    /// Throws when ``recency`` is asked for where it would do nothing.
    func checkRecency() throws {
        guard recency != nil else { return }
        let problem = ranking != .news ? "works with the news ranking only"
            : order != .score ? "orders by score, not by date" : collapse ? "does not work with collapsed stories yet" : nil
        if let problem { throw NewsIndexError(.badQuery, "recency \(problem): leave it out, or search without the other option.") }
    }
}

/// The answer to a search: how many documents matched and the best of them, best first.
public struct SearchResults: Sendable {
    /// Number of documents that match the query.
    public let totalHits: Int
    /// The requested page of hits, best first (ties go to the earlier indexed document).
    public let hits: [SearchHit]
    /// False when ``totalHits`` is a lower bound (``SearchOptions/countAllMatches`` off).
    public var totalHitsIsExact: Bool = true
    /// The entities mentioned in all matching documents, most documents first, when
    /// ``SearchOptions/entityFacets`` is on (empty otherwise).
    public var entities: [EntityCount] = []
    /// The sources of all matching documents, most documents first, when
    /// ``SearchOptions/sourceFacets`` is on (empty otherwise).
    public var sources: [SourceCount] = []
    /// The stories (copy groups) among the matches, with ``SearchOptions/collapse``; nil without.
    public var totalStories: Int? = nil
    /// The matching documents per day of publication, when ``SearchOptions/dateFacets`` is on
    /// (nil otherwise).
    public var dates: DateHistogram? = nil
    /// What the search did differently from the query as written, one sentence each: a fuzzy
    /// word (`kremln~2`) that matches more than `Query.maxFuzzyExpansions` words is searched
    /// as its closest ones only, and says so here. Empty otherwise.
    public var notes: [String] = []
    /// When nothing matched: the query with its unknown or rare words replaced by close words
    /// of the index that many documents hold, best first (`kremln` → `kremlin`); see
    /// ``IndexReader/suggestions(for:limit:)``. Empty when something matched.
    public var suggestions: [String] = []
}

/// The place of a hit in the order of a search, for deep paging (``SearchOptions/after``).
///
/// ```swift
/// var options = SearchOptions()
/// let first = try index.search(query, options: options)
/// options.after = first.hits.last?.cursor
/// let second = try index.search(query, options: options)   // the next 10, as offset 10 would give
/// ```
public struct SearchCursor: Sendable, Equatable, Codable {
    /// The hit's score.
    public var score: Float
    /// The hit's publication time (seconds since the epoch), nil when it has none.
    public var date: Int64?
    /// The position of the hit's index in ``Archive/indexes`` (0 for one index).
    public var index: Int
    /// The hit's ``SearchHit/documentNumber``.
    public var document: Int

    /// Creates a cursor from the sort key of a hit.
    public init(score: Float, date: Int64?, index: Int, document: Int) {
        self.score = score
        self.date = date
        self.index = index
        self.document = document
    }

    /// The cursor as an entry of the index at position `indexNumber`: a document of an index
    /// listed before the cursor's ranks before it on a tie, one of an index after it after.
    func entry(forIndex indexNumber: Int) -> TopDocs.Entry {
        let doc: Int32 = indexNumber < index ? Int32.max : indexNumber > index ? -1 : Int32(clamping: document)
        return TopDocs.Entry(score: score, date: date ?? Int64.min, doc: doc)
    }
}

/// One matching article.
public struct SearchHit: Sendable {
    /// 1-based rank among all matches.
    public let rank: Int
    /// The score by ``SearchOptions/ranking``: the sum over the query's parts (``SearchHit/explanation``
    /// takes it apart).
    public let score: Float
    /// The article's id.
    public let id: String
    /// The article's title.
    public let title: String
    /// The publication date, when the article has one.
    public let date: ArticleDate?
    /// The article's URL, when it has one.
    public let url: String?
    /// The article's source (site or outlet), when it has one.
    public let source: String?
    /// The article's author line, when it has one.
    public var byline: String? = nil
    /// The entities recognized in the article, most mentioned first.
    public var entities: [StoredArticle.EntityMentions] = []
    /// With ``SearchOptions/collapse``: the other articles of this hit's copy group that match
    /// too, earliest first ("+N copies"); empty without collapse or when it has none.
    public var copies: [ArticleCopy] = []
    /// The best passage of the body with the matched words marked (empty when snippets are off).
    public let snippet: Snippet
    /// The internal document number (stable for one commit of the index only).
    public let documentNumber: Int
    /// How the score was made, when ``SearchOptions/explain`` is on.
    public let explanation: Explanation?
    /// In a search of an ``Archive``, the position of the index that holds the article in
    /// ``Archive/indexes`` (0 for a search of one index).
    public internal(set) var indexNumber: Int = 0

    /// Where this hit stands in the order of its search: pass it as ``SearchOptions/after`` to
    /// get the hits that follow.
    public var cursor: SearchCursor {
        SearchCursor(score: score, date: date?.secondsSinceEpoch, index: indexNumber, document: documentNumber)
    }
}

/// A short passage of an article with the query's matches marked.
public struct Snippet: Sendable, Equatable {
    /// The passage, whitespace collapsed; "…" marks text cut at either end.
    public let text: String
    /// Ranges of `text` that matched the query.
    public let highlights: [Range<String.Index>]
}

extension IndexReader {
    /// Runs a query string (see `Query` for the syntax) and returns the best hits.
    ///
    /// ```swift
    /// let results = try index.search("\"harbour strike\" union", limit: 3)
    /// print(results.totalHits)
    /// ```
    /// - Throws: `NewsIndexError.Kind.badQuery` when the query cannot be parsed or has no
    ///   searchable word; `NewsIndexError.Kind.corruptIndex` when an index file turns out damaged.
    public func search(_ query: String, limit: Int = 10) throws -> SearchResults {
        let (parsed, options) = try SearchOptions.parsing(query, limit: limit)
        return try search(parsed, options: options)
    }

    /// Runs a parsed or built query.
    ///
    /// - Throws: `NewsIndexError.Kind.badQuery` when the query has no searchable word, only
    ///   excludes, or has a prefix standing for too many words; `NewsIndexError.Kind.corruptIndex`
    ///   when an index file turns out damaged.
    public func search(_ query: Query, options: SearchOptions = SearchOptions()) throws -> SearchResults {
        precondition(options.limit >= 0 && options.offset >= 0, "limit and offset must not be negative")
        try options.checkRecency()
        let cache = QueryTerms(segmentCount: segments.count)
        let report = PlanReport()
        let plan = try self.plan(query, options: options, cache: cache, report: report)
        try Deadline(options.deadline).check()
        let wanted = options.wanted(of: documentCount)
        let found = try collect(plan, options: options, capacity: wanted, cache: cache)
        var shown = try hits(found.entries, plan: plan, options: options)
        if options.collapse { shown = try withCopies(shown, plan: plan, cache: cache) }
        var results = SearchResults(totalHits: found.totalHits, hits: shown)
        results.totalStories = found.totalStories
        results.totalHitsIsExact = found.totalHitsIsExact
        results.entities = found.entities
        results.sources = found.sources
        results.dates = found.dates
        results.notes = report.notes
        if results.totalHits == 0 { results.suggestions = try suggestions(for: query) }
        return results
    }

    /// What collecting a plan over every segment gave: the best entries, best first, and the counts.
    struct Collected {
        var entries: [TopDocs.Entry]
        var totalHits: Int
        var totalHitsIsExact: Bool
        var entities: [EntityCount]
        var sources: [SourceCount]
        var dates: DateHistogram?
        var totalStories: Int? = nil
    }

    /// Runs `plan` over every segment, keeping the best `capacity` entries in the options' order.
    /// `competing` are the scores of better hits found elsewhere (in indexes searched before this
    /// one, which win ties): a document must beat them to be kept, and pruning starts from them.
    /// `indexNumber` is this index's position in an ``Archive`` (for ``SearchOptions/after``).
    func collect(_ plan: Plan, options: SearchOptions, capacity: Int, competing: [Float] = [], indexNumber: Int = 0,
                 cache: QueryTerms) throws -> Collected {
        var facets = FacetCollector(entities: options.entityFacets, sources: options.sourceFacets, dates: options.dateFacets,
                                    deadline: Deadline(options.deadline))
        let after = options.after?.entry(forIndex: indexNumber)
        if let ranking = RecencyRanking(options) {
            return try collectRecent(plan, ranking: ranking, options: options, capacity: capacity, indexNumber: indexNumber, cache: cache)
        }
        if options.collapse && options.order == .score && options.after == nil && facets == nil {
            return try collectCollapsedByScore(plan, options: options, capacity: capacity, competing: competing,
                                               indexNumber: indexNumber, cache: cache)
        }
        if options.collapse {
            let table = stories
            facets?.stories = table
            var top = CollapseCollector(capacity: capacity, byDate: options.order == .date, table: table)
            top.after = after
            return try collect(plan, SearchCollectors(top: top, facets: facets), options: options, cache: cache)
        }
        switch options.order {
        case .score:
            var top = TopScoreCollector(capacity: capacity)
            top.compete(with: competing)
            top.after = after
            return try collect(plan, SearchCollectors(top: top, facets: facets), options: options, cache: cache)
        case .date:
            var top = TopDateCollector(capacity: capacity)
            top.after = after
            return try collect(plan, SearchCollectors(top: top, facets: facets), options: options, cache: cache)
        }
    }

    /// Runs `plan` segment by segment into `collectors`.
    private func collect<Top: TopCollector>(_ plan: Plan, _ collectors: SearchCollectors<Top>, options: SearchOptions,
                                            cache: QueryTerms) throws -> Collected {
        var collectors = collectors
        let wanted = collectors.top.needsScores
        let faceted = options.entityFacets || options.sourceFacets || options.dateFacets
        let deadline = Deadline(options.deadline)
        let prune = !options.countAllMatches && options.order == .score && wanted && !faceted
        // Sums of parts by score go through PrunedTopK's flat loop, pruning or not.
        let flat = options.flatEvaluation && options.order == .score && !faceted
        var exact = true
        for seg in segments {
            try deadline.check()
            if flat, let c = try PrunedTopK.clauses(plan, in: seg, index: self, cache: cache),
               let scored = try collectors.top.collectFlat(c, in: seg, prune: prune) {
                collectors.count.add(scored)
                if prune { exact = false }
                continue
            }
            try evaluate(plan, in: seg, cache: cache, deadline: deadline, into: &collectors)
        }
        var found = Collected(entries: collectors.top.sorted(), totalHits: collectors.count.count, totalHitsIsExact: exact,
                              entities: [], sources: [], dates: nil)
        if let c = collectors.top as? CollapseCollector { found.totalStories = c.stories }
        if let facets = collectors.facets {
            found.entities = entityCounts(from: facets.totals)
            found.sources = sourceCounts(from: facets.sourceTotals)
            found.dates = facets.dateHistogram
        }
        return found
    }

    /// The requested page of `ranked` (best first) as hits, with their articles when asked for.
    private func hits(_ ranked: [TopDocs.Entry], plan: Plan, options: SearchOptions) throws -> [SearchHit] {
        guard ranked.count > options.offset else { return [] }
        let highlighter = self.highlighter(plan, options: options)
        return try ranked[options.offset...].enumerated().map { i, entry in
            try hit(entry, rank: options.offset + i + 1, plan: plan, highlighter: highlighter, options: options)
        }
    }

    /// What marks the plan's words in snippets, when the options ask for snippets.
    func highlighter(_ plan: Plan, options: SearchOptions) -> Highlighter? {
        options.snippets ? Highlighter(parts: highlightParts(plan), analyzer: analyzer, recognizer: recognizer) : nil
    }

    /// One ranked entry as a hit, with its article when the options ask for it.
    func hit(_ entry: TopDocs.Entry, rank: Int, plan: Plan, highlighter: Highlighter?, options: SearchOptions) throws -> SearchHit {
        guard options.fetchArticles else {
            return SearchHit(rank: rank, score: entry.score, id: "", title: "", date: nil, url: nil, source: nil,
                             snippet: Snippet(text: "", highlights: []), documentNumber: Int(entry.doc), explanation: nil)
        }
        let stored = try storedArticle(Int(entry.doc))
        let date = stored.date.map { ArticleDate(secondsSinceEpoch: $0, text: stored.dateText ?? "") }
        let snippet = highlighter?.snippet(title: stored.title, body: stored.body) ?? Snippet(text: "", highlights: [])
        let explanation = options.explain ? try explain(plan, documentNumber: Int(entry.doc), options: options) : nil
        var hit = SearchHit(rank: rank, score: entry.score, id: stored.id, title: stored.title, date: date, url: stored.url,
                            source: stored.source, snippet: snippet, documentNumber: Int(entry.doc), explanation: explanation)
        hit.byline = stored.byline
        hit.entities = stored.entities.sorted { $0.mentions != $1.mentions ? $0.mentions > $1.mentions : $0.name < $1.name }
        return hit
    }

    /// Explains how `query` scores the document with internal number `documentNumber`
    /// (``SearchHit/documentNumber``); nil when the document does not match.
    public func explain(_ query: Query, documentNumber: Int, options: SearchOptions = SearchOptions()) throws -> Explanation? {
        guard documentNumber >= 0 && documentNumber < maxDocument else { return nil }
        return try explain(try plan(query, options: options), documentNumber: documentNumber, options: options)
    }

    func plan(_ query: Query, options: SearchOptions, cache: QueryTerms? = nil, report: PlanReport? = nil) throws -> Plan {
        let stats = PlanStatistics(index: self, cache: cache, given: options.statistics)
        var planner = planner(options: options, lenient: query.lenient, statistics: stats)
        planner.report = report
        let plan = try planner.plan(query)
        return options.ranking == .news ? NewsRanking.weigh(plan) : plan
    }

    func planner(options: SearchOptions, lenient: Bool, statistics: PlanStatistics) -> QueryPlanner {
        QueryPlanner(index: self, titleBoost: options.titleBoost, now: Int64(options.now.timeIntervalSince1970.rounded(.down)),
                     lenient: lenient, wordForms: options.ranking == .news, normTables: statistics.normTables(), statistics: statistics)
    }

    func explain(_ plan: Plan, documentNumber: Int, options: SearchOptions) throws -> Explanation? {
        let (seg, local) = locate(documentNumber)
        guard !seg.isDeleted(Int32(local)), let scorer = try scorer(plan, in: seg), try scorer.seek(Int32(local)) == Int32(local) else { return nil }
        let e = try scorer.explain()
        if let ranking = RecencyRanking(options) { return ranking.explain(e, documentNumber, in: self) }
        return e
    }

    /// The words and phrases to mark in snippets: the positive, scoring parts of the plan.
    func highlightParts(_ plan: Plan) -> [CompiledPart] {
        var out: [CompiledPart] = []
        func addSpan(_ s: SpanPlan) {
            switch s {
            case .term(let t): out.append(CompiledPart(terms: [(t, 0)]))
            case .union(let words, _): for w in words { out.append(CompiledPart(terms: [(w, 0)])) }
            case .phrase(let parts, let offsets, let slop):
                let simple = parts.allSatisfy { if case .term = $0 { return true } else { return false } }
                if slop == 0 && simple {
                    out.append(CompiledPart(terms: zip(parts, offsets).map { p, o in
                        if case .term(let t) = p { return (t, o) } else { return ("", o) }
                    }))
                } else {
                    parts.forEach(addSpan)
                }
            case .near(let a, let b, _): addSpan(a); addSpan(b)
            }
        }
        func visit(_ p: Plan) {
            switch p {
            case .leaf(let l):
                if l.fields.contains(where: { $0.field == .body }) { addSpan(l.span) }
            case .and(let must, _): must.forEach(visit)
            case .or(let parts): parts.forEach(visit)
            case .date, .nothing, .filter: break
            }
        }
        visit(plan)
        return out
    }
}
