import Foundation
import Hummingbird
import NewsIndex
import NewsIndexJSON

extension NewsIndexServer {
    /// The most queries `/api/trends` counts side by side.
    static let maxTrendQueries = 8

    func addStoriesRoutes(to router: Router<ServerContext>) {
        router.get("/api/similar/**") { request, context in
            try await self.similar(id: try NewsIndexServer.id(context, request), request)
        }
        router.get("/api/copies/**") { request, context in
            try await self.copies(id: try NewsIndexServer.id(context, request))
        }
        router.get("/api/trends") { request, _ in try await self.trends(request) }
    }

    /// `GET /api/similar/{id}`: the search `similar:"id"`, collapsed, with the search's other parameters.
    func similar(id: String, _ request: Request) async throws -> Response {
        try await requireArticle(id)
        let quoted = "similar:\"" + id + "\""
        guard !id.contains("\"") else {
            throw Problem(.badParameter, "an id with a double quote cannot be searched with similar:.", extra: ["parameter": .string("id")])
        }
        return try await search(q: quoted, QueryParameters(request.uri.query), collapse: true)
    }

    /// `GET /api/copies/{id}`: the article's copy group, earliest first.
    func copies(id: String) async throws -> Response {
        try await requireArticle(id)
        let snapshot = try commits.current()
        let group: [ArticleCopy] = try await pool.search {
            for reader in snapshot.readers {
                let g = try reader.copies(ofID: id)
                if !g.isEmpty { return g }
            }
            return []
        }
        return try NewsIndexServer.json(group.map { CopyJSON($0, asked: $0.id == id) })
    }

    /// 404 unless some index holds an article with `id`.
    private func requireArticle(_ id: String) async throws {
        let snapshot = try commits.current()
        let found: Bool = try await pool.search { try snapshot.readers.contains { try $0.article(id: id) != nil } }
        guard found else { throw Problem(.notFound, "There is no article with id \"\(id)\" (ids are case-sensitive).") }
    }

    /// `GET /api/trends?q=…&q=…&by=&since=&until=&tz=&stories=`: matches per interval.
    func trends(_ request: Request) async throws -> Response {
        let started = ContinuousClock.now
        let p = QueryParameters(request.uri.query)
        let qs = p.all("q").filter { !$0.allSatisfy(\.isWhitespace) }
        guard !qs.isEmpty else {
            throw Problem(.badParameter, "q is missing: give one or more queries, as in /api/trends?q=putin&q=xi.", extra: ["parameter": .string("q")])
        }
        guard qs.count <= NewsIndexServer.maxTrendQueries else {
            throw Problem(.badParameter, "\(qs.count) queries: /api/trends counts at most \(NewsIndexServer.maxTrendQueries) side by side.",
                          extra: ["parameter": .string("q"), "maximum": .int(NewsIndexServer.maxTrendQueries)])
        }
        var options = TrendOptions()
        options.interval = try p.choice("by", default: DateHistogram.Interval.month)
        options.stories = try p.bool("stories", default: false)
        do { options.timeZone = try TrendOptions.timeZone(p["tz"].flatMap { $0.isEmpty ? nil : $0 } ?? "UTC") } catch {
            throw Problem(.badParameter, Problem.from(error).detail, extra: ["parameter": .string("tz")])
        }
        do {
            if let s = p["since"], !s.isEmpty { options.since = try TrendOptions.start(of: s, in: options.timeZone) }
        } catch { throw Problem(.badParameter, Problem.from(error).detail, extra: ["parameter": .string("since")]) }
        do {
            if let u = p["until"], !u.isEmpty { options.until = try TrendOptions.end(of: u, in: options.timeZone) }
        } catch { throw Problem(.badParameter, Problem.from(error).detail, extra: ["parameter": .string("until")]) }
        options.maxBuckets = NewsIndexServer.maxBuckets
        options.deadline = started + configuration.queryTimeout
        let queries = try qs.map { try parseQuery($0, now: options.now) }
        let snapshot = try commits.current()
        let settings = options
        let trends: [Trend] = try await pool.search {
            try snapshot.archive?.trends(queries, options: settings) ?? snapshot.readers[0].trends(queries, options: settings)
        }
        return try NewsIndexServer.json(TrendsJSON(trends, queries: qs))
    }
}
