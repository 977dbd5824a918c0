import Foundation
import Hummingbird
import NewsIndex
import NewsIndexJSON

extension NewsIndexServer {
    func addInfoRoutes(to router: Router<ServerContext>) {
        router.get("/api/health") { _, _ in try NewsIndexServer.json(["status": "ok"]) }
        router.get("/api/openapi.json") { _, _ in
            NewsIndexServer.file(PackageResources.openapi_json, type: "application/json; charset=utf-8")
        }
        router.get("/api/stats") { _, _ in try await self.stats() }
        router.get("/api/entities") { request, _ in try await self.entities(request) }
    }

    func addPageRoutes(to router: Router<ServerContext>) {
        router.get("/") { _, _ in NewsIndexServer.file(PackageResources.index_html, type: "text/html; charset=utf-8") }
        router.get("/assets/page.js") { _, _ in NewsIndexServer.file(PackageResources.page_js, type: "text/javascript; charset=utf-8") }
        router.get("/assets/page.css") { _, _ in NewsIndexServer.file(PackageResources.page_css, type: "text/css; charset=utf-8") }
    }

    /// A file compiled into the binary, with headers that keep the page to our own scripts.
    static func file(_ bytes: [UInt8], type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func stats() async throws -> Response {
        let s = try commits.current()
        let indexes = try await pool.search {
            s.readers.map { r in
                StatsResponse.Index(path: r.path, commit: String(r.commit), documents: r.documentCount, segments: r.segmentCount,
                                    sizeBytes: r.diskBytes)
            }
        }
        return try NewsIndexServer.json(StatsResponse(
            commit: s.id, documents: s.documentCount, segments: indexes.reduce(0) { $0 + $1.segments },
            sizeBytes: indexes.reduce(0) { $0 + $1.sizeBytes }, analyzer: s.readers[0].analyzer.name,
            writes: configuration.writeToken != nil, indexes: indexes))
    }

    /// As `newsindex entities`: counts over all documents, those matching `q`, or those that
    /// mention every `with` entity (left out of the list).
    func entities(_ request: Request) async throws -> Response {
        let started = ContinuousClock.now
        let p = QueryParameters(request.uri.query)
        let limit = try p.int("limit", default: 50, in: 1...configuration.maxLimit)
        let with = p.all("with").filter { !$0.isEmpty }
        var parts: [Query] = []
        if let q = p["q"], !q.allSatisfy(\.isWhitespace) { parts.append(try parseQuery(q, now: Date())) }
        for name in with { parts.append(Query.entity(name)) }
        let filter = parts.isEmpty ? nil : parts.count == 1 ? parts[0] : Query.all(parts)
        let snapshot = try commits.current()
        var settings = SearchOptions()
        settings.deadline = started + configuration.queryTimeout
        let options = settings
        let counts: [EntityCount] = try await pool.search {
            var merged: [String: EntityCount] = [:]
            for reader in snapshot.readers {
                for c in try reader.entityCounts(matching: filter, options: options) {
                    if var m = merged[c.name] {
                        m.documents += c.documents
                        m.mentions += c.mentions
                        merged[c.name] = m
                    } else {
                        merged[c.name] = c
                    }
                }
            }
            let named = Set(with.compactMap { snapshot.readers[0].entity(named: $0)?.name })
            return merged.values.filter { !named.contains($0.name) && $0.documents > 0 }.sorted {
                ($0.documents, $0.mentions) != ($1.documents, $1.mentions) ? ($0.documents, $0.mentions) > ($1.documents, $1.mentions) : $0.name < $1.name
            }
        }
        return try NewsIndexServer.json(EntitiesResponse(commit: snapshot.id, tookMS: NewsIndexServer.milliseconds(since: started),
                                                         entities: counts.prefix(limit).map(EntityCountJSON.init)))
    }
}
