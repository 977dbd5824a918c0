import Foundation
import Hummingbird
import NewsIndex
import NewsIndexIngest
import NewsIndexJSON

extension NewsIndexServer {
    func addArticleRoutes(to router: Router<ServerContext>) {
        // `**`: an id may hold slashes; it is only ever looked up in the index, never a path.
        router.get("/api/articles/**") { request, context in try await self.article(id: try NewsIndexServer.id(context, request)) }
        router.delete("/api/articles/**") { request, context in
            try self.authorize(request)
            return try await self.delete(id: try NewsIndexServer.id(context, request))
        }
        router.post("/api/articles") { request, _ in
            try self.authorize(request)
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: self.configuration.maxBodyBytes)
            } catch {
                throw Problem(.tooLarge, "The body is over \(self.configuration.maxBodyBytes) bytes. Send the articles in several requests.",
                              status: .contentTooLarge, extra: ["maximum": .int(self.configuration.maxBodyBytes)])
            }
            return try await self.add(Data(buffer: body))
        }
    }

    /// The article id of a path under /api/articles/, percent-decoded.
    static func id(_ context: ServerContext, _ request: Request) throws -> String {
        let raw = context.parameters.getCatchAll().joined(separator: "/")
        guard !raw.isEmpty else { throw Problem(.notFound, "Give an article id: /api/articles/ID.") }
        return raw.removingPercentEncoding ?? raw
    }

    func article(id: String) async throws -> Response {
        let snapshot = try commits.current()
        let found: (StoredArticle, IndexReader)? = try await pool.search {
            for reader in snapshot.readers {
                if let a = try reader.article(id: id) { return (a, reader) }
            }
            return nil
        }
        guard let (a, reader) = found else {
            throw Problem(.notFound, "No article with id \"\(id)\" in the index (ids are case-sensitive; a search lists them).")
        }
        let mentions = a.entities.sorted { $0.mentions != $1.mentions ? $0.mentions > $1.mentions : $0.name < $1.name }
            .map { mention(reader, $0) }
        return try NewsIndexServer.json(ArticleResponse(
            id: a.id, title: a.title, byline: a.byline, date: ArticleJSON(a).date, url: a.url, source: a.source,
            entities: mentions, body: a.body, setAside: a.setAside, commit: snapshot.id))
    }

    /// Lets a write through only with the server's token: 403 when writes are off or the token
    /// is wrong, 401 without one.
    func authorize(_ request: Request) throws {
        guard let token = configuration.writeToken else {
            throw Problem(.writesDisabled, "This server takes no writes. Start it with --write-token TOKEN (or NEWSINDEX_WRITE_TOKEN) to allow them.")
        }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw Problem(.unauthorized, "Writes need the header `Authorization: Bearer TOKEN`, with the token the server was started with.")
        }
        let given = Array(header.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8), wanted = Array(token.utf8)
        // Compared in time that does not depend on where they differ.
        var diff = given.count == wanted.count ? 0 : 1
        for i in 0..<min(given.count, wanted.count) { diff |= Int(given[i] ^ wanted[i]) }
        guard diff == 0 else { throw Problem(.forbidden, "The bearer token is not the one this server was started with.") }
    }

    /// Adds the articles of a body (JSON Lines, or one JSON object) in one commit, as `newsindex add` does.
    func add(_ body: Data) async throws -> Response {
        let lines = NewsIndexServer.jsonLines(body)
        let path = configuration.indexPaths[0]
        let summary: (added: Int, replaced: Int, skipped: [SkippedJSON]) = try await pool.write {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("newsindex-serve-\(getpid())-\(UUID().uuidString).jsonl").path
            guard FileManager.default.createFile(atPath: file, contents: lines) else {
                throw Problem(.internalError, "cannot write the request body to \(file) for reading.")
            }
            defer { try? FileManager.default.removeItem(atPath: file) }
            var skipped: [SkippedJSON] = []
            func report(_ bad: BadDocument) {
                skipped.append(SkippedJSON(line: bad.location.line, reason: bad.reason.description, message: bad.detail))
            }
            do {
                var run = try IngestRun(paths: [file], indexPath: path, strict: false)
                run.pageThreads = 1
                var options = IndexWriter.Options()
                options.mode = .append
                options.threads = 1
                let writer = try IndexWriter(path: path, options: options)
                try run.run(into: writer) { event in
                    if case .skipped(let bad) = event { report(bad) }
                }
                let s = try writer.commit()
                return (s.addedCount, s.deletedCount, skipped)
            } catch let e as NewsIndexError where e.kind == .badInput {
                var p = Problem(.badDocuments, e.message.replacingOccurrences(of: file, with: "the request body"))
                p.extra["skipped"] = .skipped(skipped)
                throw p
            }
        }
        let now = try commits.current()
        return try NewsIndexServer.json(AddResponse(commit: now.id, added: summary.added, replaced: summary.replaced,
                                                    documents: now.documentCount, skipped: summary.skipped))
    }

    /// A body that is one JSON object (pretty-printed or not) as one line; JSON Lines as they are.
    static func jsonLines(_ body: Data) -> Data {
        if let object = try? JSONSerialization.jsonObject(with: body), object is [String: Any],
           let line = try? JSONSerialization.data(withJSONObject: object) {
            return line + Data("\n".utf8)
        }
        return body
    }

    func delete(id: String) async throws -> Response {
        let path = configuration.indexPaths[0]
        let deleted: Int = try await pool.write {
            var options = IndexWriter.Options()
            options.mode = .append
            let writer = try IndexWriter(path: path, options: options)
            guard try writer.delete(id: id) else { return 0 }
            return try writer.commit().deletedCount
        }
        guard deleted > 0 else {
            throw Problem(.notFound, "No article with id \"\(id)\" in the index at \(path); nothing was deleted.")
        }
        let now = try commits.current()
        return try NewsIndexServer.json(DeleteResponse(commit: now.id, deleted: deleted, documents: now.documentCount))
    }
}
