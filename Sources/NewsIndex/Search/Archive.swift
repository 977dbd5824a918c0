import NewsIndexQuery

/// Several indexes searched as one: one index per month or per source, say, answering as a
/// single index holding all their articles would.
///
/// A search runs in two phases. First each index reports the statistics the query is scored
/// with (``IndexReader/statistics(for:options:)``), and they are added up; then each index is
/// searched with the sum, so that a document scores the same as in one index of the union.
/// Indexes are searched in order, and each starts from the best scores found so far, so the
/// pruning of the top hits carries across them. An index whose dates all lie outside the
/// query's date filter is passed over without reading its postings.
///
/// Ties go to the index listed first (as they go to the earlier indexed article in one index).
///
/// With ``SearchOptions/collapse``, copy groups are those of each index: copies of one story
/// that are in two indexes count as two stories.
///
/// ```swift
/// let archive = try Archive(paths: ["news-2022-11", "news-2022-12"])
/// let results = try archive.search("\"strategic cooperation\" date:2022-12", limit: 5)
/// for hit in results.hits {
///     print(hit.score, archive.indexes[hit.indexNumber].path, hit.id)
/// }
/// ```
public final class Archive: Sendable {
    /// The indexes, in the order their ties are broken.
    public let indexes: [IndexReader]

    /// Live documents over all the indexes.
    public var documentCount: Int { indexes.reduce(0) { $0 + $1.documentCount } }

    /// An archive of open indexes.
    ///
    /// - Throws: `NewsIndexError.Kind.badInput` when there is no index, or when the indexes were
    ///   built with different analyzers (a query's words would not be the same in each).
    public init(indexes: [IndexReader]) throws {
        guard let first = indexes.first else {
            throw NewsIndexError(.badInput, "an archive needs at least one index.")
        }
        for index in indexes.dropFirst() where index.analyzer.name != first.analyzer.name {
            throw NewsIndexError(.badInput, "the indexes \(first.path) and \(index.path) were built with different analyzers (\(first.analyzer.name) and \(index.analyzer.name)), so they cannot be searched as one. Rebuild one of them with --analyzer \(first.analyzer.name).")
        }
        self.indexes = indexes
    }

    /// Opens the indexes at `paths` (see ``IndexReader/init(path:verify:)``) as one archive.
    public convenience init(paths: [String], verify: Bool = false) throws {
        try self.init(indexes: try paths.map { try IndexReader(path: $0, verify: verify) })
    }

    /// The statistics of `query` over all the indexes: the first phase of a search, which a
    /// root that fans out to other machines runs too.
    public func statistics(for query: Query, options: SearchOptions = SearchOptions()) throws -> SearchStatistics {
        SearchStatistics(merging: try indexes.map { try $0.statistics(for: query, options: options) })
    }

    /// Runs a query string (see `Query` for the syntax) over all the indexes.
    public func search(_ query: String, limit: Int = 10) throws -> SearchResults {
        let (parsed, options) = try SearchOptions.parsing(query, limit: limit)
        return try search(parsed, options: options)
    }

    /// Runs a query over all the indexes, with their summed statistics (or
    /// ``SearchOptions/statistics`` when it is set).
    ///
    /// - Throws: the errors of ``IndexReader/search(_:options:)``.
    public func search(_ query: Query, options: SearchOptions = SearchOptions()) throws -> SearchResults {
        precondition(options.limit >= 0 && options.offset >= 0, "limit and offset must not be negative")
        try options.checkRecency()
        var scoring = options
        scoring.statistics = try options.statistics ?? statistics(for: query, options: options)
        let wanted = options.wanted(of: documentCount)

        // Recency multiplies the scores of the best matches of the whole archive, as it does in
        // one index, so that an archive ranks as one index of the union would.
        let recency = RecencyRanking(options)
        var firstStage = scoring
        var window = wanted
        if recency != nil {
            firstStage.recency = nil
            firstStage.after = nil
            window = max(wanted, options.rescoreWindow)
        }
        var ranked: [(entry: TopDocs.Entry, index: Int)] = []
        var plans: [Plan?] = []
        var totalHits = 0, exact = true, stories: Int? = options.collapse ? 0 : nil
        var entities: [String: EntityCount] = [:], sources: [String: Int] = [:]
        var dates: DateHistogram? = options.dateFacets ? DateHistogram(days: []) : nil
        var report = PlanReport()
        while true {
            report = PlanReport()
            ranked = []
            plans = []
            totalHits = 0
            exact = true
            stories = options.collapse ? 0 : nil
            entities = [:]
            sources = [:]
            dates = options.dateFacets ? DateHistogram(days: []) : nil
            for (i, index) in indexes.enumerated() {
                let cache = QueryTerms(segmentCount: index.segments.count)
                let plan = try index.plan(query, options: scoring, cache: cache, report: report)
                guard index.mayMatch(plan) else {
                    plans.append(nil)
                    continue
                }
                plans.append(plan)
                let competing = options.order == .score ? ranked.map(\.entry.score) : []
                let found = try index.collect(plan, options: firstStage, capacity: window, competing: competing, indexNumber: i, cache: cache)
                totalHits += found.totalHits
                if let n = found.totalStories { stories = (stories ?? 0) + n }
                exact = exact && found.totalHitsIsExact
                for e in found.entities {
                    entities[e.name, default: EntityCount(name: e.name, displayName: e.displayName, type: e.type, documents: 0, mentions: 0)].documents += e.documents
                    entities[e.name]!.mentions += e.mentions
                }
                for s in found.sources { sources[s.name, default: 0] += s.documents }
                if let d = found.dates { dates = dates?.adding(d) ?? d }
                ranked = Archive.merge(ranked, found.entries.map { ($0, i) }, byDate: options.order == .date, keep: window)
            }
            guard let recency else { break }
            let firstCount = ranked.count
            ranked = rescored(ranked, by: recency, options: scoring, keep: wanted)
            // Deep pages past a cursor may need more of the first stage.
            if ranked.count >= wanted || firstCount < window || window >= documentCount { break }
            window = min(documentCount, window * 4)
        }

        var hits: [SearchHit] = []
        var highlighters: [Int: Highlighter?] = [:]
        for (k, r) in ranked.enumerated().dropFirst(options.offset) {
            let index = indexes[r.index], plan = plans[r.index]!
            if highlighters[r.index] == nil { highlighters[r.index] = .some(index.highlighter(plan, options: options)) }
            var hit = try index.hit(r.entry, rank: k + 1, plan: plan, highlighter: highlighters[r.index]!, options: options)
            hit.indexNumber = r.index
            if options.collapse {
                hit = try index.withCopies([hit], plan: plan, cache: QueryTerms(segmentCount: index.segments.count))[0]
            }
            hits.append(hit)
        }
        var results = SearchResults(totalHits: totalHits, hits: hits)
        results.totalHitsIsExact = exact
        results.totalStories = stories
        results.dates = dates
        results.notes = report.notes
        if totalHits == 0 { results.suggestions = try suggestions(for: query) }
        results.entities = entities.values.sorted {
            ($0.documents, $0.mentions) != ($1.documents, $1.mentions)
                ? ($0.documents, $0.mentions) > ($1.documents, $1.mentions) : $0.name < $1.name
        }
        results.sources = sources.map { SourceCount(name: $0.key, documents: $0.value) }.sorted {
            $0.documents != $1.documents ? $0.documents > $1.documents : $0.name < $1.name
        }
        return results
    }

    /// `ranked` (the archive's best matches by score) times their recency, those after
    /// ``SearchOptions/after`` only, the best `keep` first.
    private func rescored(_ ranked: [(entry: TopDocs.Entry, index: Int)], by recency: RecencyRanking,
                          options: SearchOptions, keep: Int) -> [(entry: TopDocs.Entry, index: Int)] {
        var out: [(entry: TopDocs.Entry, index: Int)] = []
        for (i, index) in indexes.enumerated() {
            let entries = recency.rescore(ranked.filter { $0.index == i }.map(\.entry), in: index,
                                          after: options.after?.entry(forIndex: i), keep: keep)
            out = Archive.merge(out, entries.map { ($0, i) }, byDate: false, keep: keep)
        }
        return out
    }

    /// The best `keep` of two ranked lists, best first; on a tie the earlier index, then the
    /// earlier document, goes first.
    private static func merge(_ a: [(entry: TopDocs.Entry, index: Int)], _ b: [(entry: TopDocs.Entry, index: Int)],
                              byDate: Bool, keep: Int) -> [(entry: TopDocs.Entry, index: Int)] {
        func better(_ x: (entry: TopDocs.Entry, index: Int), _ y: (entry: TopDocs.Entry, index: Int)) -> Bool {
            if byDate && x.entry.date != y.entry.date { return x.entry.date > y.entry.date }
            if x.entry.score != y.entry.score { return x.entry.score > y.entry.score }
            return (x.index, x.entry.doc) < (y.index, y.entry.doc)
        }
        var out: [(entry: TopDocs.Entry, index: Int)] = []
        out.reserveCapacity(min(keep, a.count + b.count))
        var i = 0, j = 0
        while out.count < keep && (i < a.count || j < b.count) {
            if j == b.count || (i < a.count && better(a[i], b[j])) {
                out.append(a[i])
                i += 1
            } else {
                out.append(b[j])
                j += 1
            }
        }
        return out
    }
}

extension IndexReader {
    /// Whether `plan` may match some document of this index: false when it cannot match at all,
    /// or only documents dated where no segment has dates. Reads no postings.
    func mayMatch(_ plan: Plan) -> Bool {
        switch plan {
        case .nothing: return false
        case .date(let lo, let hi, _): return segments.contains { $0.mayHaveDates(from: lo, below: hi) }
        case .filter(let inner): return mayMatch(inner)
        case .leaf: return true
        case .or(let parts): return parts.contains { mayMatch($0) }
        case .and(let must, _): return must.allSatisfy { mayMatch($0) }
        }
    }
}
