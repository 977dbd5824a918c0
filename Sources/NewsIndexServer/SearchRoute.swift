import Foundation
import Hummingbird
import NewsIndex
import NewsIndexJSON

/// The calendar interval of the date facet: one of the library's, or chosen from the matches.
enum IntervalChoice: String, CaseIterable {
    case auto, day, week, month, year
}

extension NewsIndexServer {
    /// The most buckets a date histogram has: a finer interval over a longer range moves up.
    static let maxBuckets = 1000
    /// Entities per type and sources in the facets.
    static let facetItems = 20

    func addSearchRoute(to router: Router<ServerContext>) {
        router.get("/api/search") { request, _ in try await self.search(request) }
    }

    func search(_ request: Request) async throws -> Response {
        let p = QueryParameters(request.uri.query)
        guard let q = p["q"], !q.allSatisfy(\.isWhitespace) else {
            throw Problem(.badParameter, "q is missing: give a query, as in /api/search?q=putin (the syntax is that of `newsindex search`).",
                          extra: ["parameter": .string("q")])
        }
        return try await search(q: q, p, collapse: try p.bool("collapse", default: false))
    }

    /// A search of `q` with the other parameters of `p` (``search(_:)`` and the similar route).
    func search(q: String, _ p: QueryParameters, collapse: Bool) async throws -> Response {
        let started = ContinuousClock.now
        let c = configuration
        let limit = try p.int("limit", default: 10, in: 0...c.maxLimit)
        let offset = try p.int("offset", default: 0, in: 0...c.maxOffset)
        let order = try p.choice("sort", default: SearchOptions.Order.score)
        let ranking = try p.choice("ranking", default: SearchOptions.Ranking.news)
        let recencyText = p["recency"].flatMap { $0.isEmpty ? nil : $0 }
        var recency: SearchOptions.Recency?
        do {
            recency = try recencyText.map { try SearchOptions.Recency(parsing: $0) }
        } catch { throw Problem(.badParameter, Problem.from(error).detail, extra: ["parameter": .string("recency")]) }
        if recency != nil && ranking != .news {
            throw Problem(.badParameter, "recency works with the news ranking only: leave out ranking=bm25 or recency.",
                          extra: ["parameter": .string("recency")])
        }
        let explain = try p.bool("explain", default: false)
        let facets = try p.bool("facets", default: true)
        let interval = try p.choice("interval", default: IntervalChoice.auto)
        let entities = p.all("entity").filter { !$0.isEmpty }
        let source = p["source"].flatMap { $0.isEmpty ? nil : $0 }
        let since = p["since"].flatMap { $0.isEmpty ? nil : $0 }, until = p["until"].flatMap { $0.isEmpty ? nil : $0 }

        let now = Date()
        var parts = [try parseQuery(q, now: now)]
        do {
            if let since { parts.append(try Query.published(since: since)) }
        } catch { throw Problem(.badParameter, Problem.from(error).detail, extra: ["parameter": .string("since")]) }
        do {
            if let until { parts.append(try Query.published(until: until)) }
        } catch { throw Problem(.badParameter, Problem.from(error).detail, extra: ["parameter": .string("until")]) }
        for name in entities { parts.append(Query.filter(Query.entity(name))) }
        if let source { parts.append(Query.term(source, in: .source)) }
        let query = parts.count == 1 ? parts[0] : Query.all(parts)

        // The cursor must name a commit still open, and this very search.
        let digest = CursorToken.digest([q, order.rawValue, since ?? "", until ?? "", source ?? "", collapse ? "collapse" : "",
                                         ranking.rawValue, recencyText ?? ""] + entities)
        var token: CursorToken?
        let snapshot: Snapshot
        if let after = p["search_after"], !after.isEmpty {
            let t = try CursorToken(decoding: after)
            guard t.search == digest else {
                throw Problem(.badCursor, "this search_after cursor was made by another search (other q, sort or filters). Start from the first page of this one.",
                              extra: ["parameter": .string("search_after")])
            }
            guard let s = try commits.snapshot(id: t.commit) else {
                throw Problem(.cursorExpired, "the commit \(t.commit) that this cursor pages through is no longer kept (cursors keep a commit \(Int(c.cursorKeepAlive.components.seconds)) s after their last use). Start again from the first page.")
            }
            token = t
            snapshot = s
        } else {
            snapshot = try commits.current()
        }

        var options = SearchOptions()
        options.limit = limit
        options.offset = offset
        options.order = order
        options.ranking = ranking
        options.recency = recency
        options.explain = explain
        options.entityFacets = facets
        options.sourceFacets = facets
        options.dateFacets = facets
        options.now = now
        options.after = token?.cursor
        options.collapse = collapse
        options.deadline = started + c.queryTimeout
        let settings = options
        let results = try await pool.search { try snapshot.search(query, options: settings) }

        let hits = results.hits.map { hit in
            let reader = snapshot.readers[hit.indexNumber]
            var h = APIHit(hit, entities: hit.entities.map { mention(reader, $0) })
            if collapse { h.copies = hit.copies.map { CopyJSON($0) } }
            return h
        }
        let position = (token?.position ?? 0) + offset + hits.count
        var next: String?
        if let last = results.hits.last, limit > 0, position < results.totalHits {
            var t = CursorToken(commit: snapshot.id, search: digest, cursor: last.cursor)
            t.position = position
            next = t.encoded()
            commits.keep(snapshot)
        }
        let response = SearchResponse(
            query: query.description, commit: snapshot.id, tookMS: 0, total: results.totalHits, offset: offset, limit: limit,
            sort: order.rawValue, hits: hits, next: next,
            facets: facets ? facetsJSON(results, interval: interval) : nil)
        var timed = response
        timed.totalStories = results.totalStories
        timed.notes = results.notes
        timed.suggestions = results.suggestions
        timed.tookMS = NewsIndexServer.milliseconds(since: started)
        return try NewsIndexServer.json(timed)
    }

    /// `q` parsed, or the problem: too long, or a mistake with its column and caret.
    func parseQuery(_ q: String, now: Date) throws -> Query {
        if q.utf8.count > configuration.maxQueryBytes {
            throw Problem(.tooLarge, "q is \(q.utf8.count) bytes long; a query may have at most \(configuration.maxQueryBytes).",
                          extra: ["parameter": .string("q"), "maximum": .int(configuration.maxQueryBytes)])
        }
        do {
            return try Query.parse(q, now: now)
        } catch let e as NewsIndexError where e.kind == .badQuery {
            var problem = Problem.badQuery(e)
            problem.extra["query"] = .string(q)
            throw problem
        }
    }

    /// An article's entity as the page shows it (the display name and type from the entity list).
    func mention(_ reader: IndexReader, _ m: StoredArticle.EntityMentions) -> MentionJSON {
        let e = reader.entity(named: m.name)
        return MentionJSON(name: m.name, display: e?.displayName ?? m.name, type: e?.type ?? "other", mentions: m.mentions)
    }

    /// The facets of a search: entities by type, sources, and the date histogram.
    func facetsJSON(_ results: SearchResults, interval choice: IntervalChoice) -> FacetsJSON {
        var byType: [String: [EntityCountJSON]] = [:]
        for e in results.entities {
            let type = ["person", "organization", "place", "media"].contains(e.type) ? e.type : "other"
            if byType[type, default: []].count < NewsIndexServer.facetItems { byType[type, default: []].append(EntityCountJSON(e)) }
        }
        let histogram = results.dates ?? DateHistogram(days: [])
        var interval: DateHistogram.Interval
        switch choice {
        case .auto:
            interval = .automatic(first: histogram.days.first?.day ?? 0, last: histogram.days.last?.day ?? 0)
        case .day: interval = .day
        case .week: interval = .week
        case .month: interval = .month
        case .year: interval = .year
        }
        while interval < .year && histogram.bucketCount(by: interval) > NewsIndexServer.maxBuckets {
            interval = DateHistogram.Interval.allCases[DateHistogram.Interval.allCases.firstIndex(of: interval)! + 1]
        }
        let buckets = histogram.buckets(by: interval).map {
            DatesJSON.Bucket(start: DateHistogram.isoDay($0.start), end: DateHistogram.isoDay($0.end), count: $0.count)
        }
        return FacetsJSON(entities: byType, sources: results.sources.prefix(NewsIndexServer.facetItems).map(SourceCountJSON.init),
                          dates: DatesJSON(interval: interval.rawValue, buckets: buckets, undated: histogram.undated))
    }
}
