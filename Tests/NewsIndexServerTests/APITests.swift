import Foundation
import Hummingbird
import HummingbirdTesting
import NewsIndex
import NewsIndexTestSupport
import Testing
@testable import NewsIndexServer

@Suite("the HTTP API")
struct APITests {
    @Test("a search answers hits with snippets and entities, the exact total, the commit and the facets")
    func search() async throws {
        let f = try ServerFixture()
        let reader = try IndexReader(path: f.index)
        let expectedTotal = try reader.search(Query.parse("harbour"), options: { var o = SearchOptions(); o.limit = 0; return o }()).totalHits
        try await f.test { client in
            try await client.execute(uri: "/api/search?q=putin+xi&limit=5", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/json; charset=utf-8")
                let json = object(r)
                #expect(Set(ids(json)) == ["call-1", "call-2"])
                #expect(json["total"] as? Int == 2)
                #expect(json["commit"] as? String == String(reader.commit))
                #expect((json["took_ms"] as? Double ?? -1) >= 0)
                let hit = try #require((json["hits"] as? [[String: Any]])?.first { $0["id"] as? String == "call-1" })
                #expect(hit["byline"] as? String == "By A. Reporter")
                #expect(hit["url"] as? String == "https://wire.example.org/call-1")
                #expect(hit["date"] as? String == "2022-12-30")
                let snippet = try #require(hit["snippet"] as? [String: Any])
                let text = Array((snippet["text"] as? String ?? "").unicodeScalars)
                let marks = snippet["highlights"] as? [[Int]] ?? []
                #expect(!marks.isEmpty)
                for m in marks { #expect(["putin", "xi"].contains(String(String.UnicodeScalarView(text[m[0]..<m[1]])).lowercased())) }
                let entities = hit["entities"] as? [[String: Any]] ?? []
                #expect(entities.contains { $0["display"] as? String == "Putin" && $0["type"] as? String == "person" })
                #expect(entities.contains { $0["display"] as? String == "CCTV" && $0["type"] as? String == "media" })
                let facets = try #require(json["facets"] as? [String: Any])
                let byType = try #require(facets["entities"] as? [String: [[String: Any]]])
                #expect(byType["person"]?.first { $0["display"] as? String == "Xi" }?["documents"] as? Int == 2)
                #expect((facets["sources"] as? [[String: Any]])?.map { $0["name"] as? String } ?? [] == ["Daily Planet", "wire.example.org"])
                let dates = try #require(facets["dates"] as? [String: Any])
                #expect(dates["interval"] as? String == "day")
                let buckets = dates["buckets"] as? [[String: Any]] ?? []
                #expect(buckets.map { $0["start"] as? String } == ["2022-12-30", "2022-12-31"])
                #expect(buckets.map { $0["count"] as? Int } == [1, 1])
            }
            try await client.execute(uri: "/api/search?q=harbour&limit=3", method: .get) { r in
                let json = object(r)
                #expect(json["total"] as? Int == expectedTotal)
                #expect(ids(json).count == 3)
                #expect(json["next"] as? String != nil)
            }
            try await client.execute(uri: "/api/search?q=harbour&facets=false", method: .get) { r in
                #expect(object(r)["facets"] == nil)
                #expect(object(r)["suggestions"] as? [String] == [])
            }
            // Nothing matches: did you mean.
            try await client.execute(uri: "/api/search?q=harbur", method: .get) { r in
                let json = object(r)
                #expect(json["total"] as? Int == 0)
                #expect(json["suggestions"] as? [String] == ["harbour"])
                #expect(json["notes"] as? [String] == [])
            }
        }
    }

    @Test("the date histogram covers the matches' range in calendar buckets, empty ones included")
    func histogram() async throws {
        let f = try ServerFixture()
        try await f.test { client in
            try await client.execute(uri: "/api/search?q=flood&interval=month", method: .get) { r in
                let dates = try #require((object(r)["facets"] as? [String: Any])?["dates"] as? [String: Any])
                let buckets = dates["buckets"] as? [[String: Any]] ?? []
                #expect(buckets.map { $0["start"] as? String } == ["2022-10-01", "2022-11-01", "2022-12-01", "2023-01-01"])
                #expect(buckets.map { $0["end"] as? String } == ["2022-11-01", "2022-12-01", "2023-01-01", "2023-02-01"])
                #expect(buckets.map { $0["count"] as? Int } == [1, 0, 1, 1])
                #expect(dates["undated"] as? Int == 1)
            }
            try await client.execute(uri: "/api/search?q=flood&interval=week", method: .get) { r in
                let dates = try #require((object(r)["facets"] as? [String: Any])?["dates"] as? [String: Any])
                let starts = (dates["buckets"] as? [[String: Any]] ?? []).compactMap { $0["start"] as? String }
                #expect(starts.first == "2022-10-03")   // a Monday
                #expect(starts.last == "2023-01-16")
                #expect(starts.count == 16)
            }
            try await client.execute(uri: "/api/search?q=flood", method: .get) { r in
                let dates = try #require((object(r)["facets"] as? [String: Any])?["dates"] as? [String: Any])
                #expect(dates["interval"] as? String == "week")   // 109 days: weeks
            }
            try await client.execute(uri: "/api/search?q=flood&interval=fortnight", method: .get) { r in
                let p = problem(r, "bad-parameter", 400)
                #expect(p["parameter"] as? String == "interval")
            }
        }
    }

    @Test("filters: since and until, entities (repeated), source, sort by date")
    func filters() async throws {
        let f = try ServerFixture()
        try await f.test { client in
            try await client.execute(uri: "/api/search?q=flood&since=2022-12&until=2022-12-31", method: .get) { r in
                #expect(ids(object(r)) == ["flood-2"])
            }
            try await client.execute(uri: "/api/search?q=cooperation&entity=putin&entity=cctv", method: .get) { r in
                #expect(Set(ids(object(r))) == ["call-1", "call-2"])
            }
            try await client.execute(uri: "/api/search?q=cooperation&entity=putin&source=" + enc("Daily Planet"), method: .get) { r in
                #expect(ids(object(r)) == ["call-2"])
            }
            try await client.execute(uri: "/api/search?q=flood&sort=date", method: .get) { r in
                let json = object(r)
                #expect(ids(json) == ["flood-3", "flood-2", "flood-1", "flood-4"])
                #expect(json["sort"] as? String == "date")
            }
            try await client.execute(uri: "/api/search?q=flood&since=yesterday-ish", method: .get) { r in
                #expect(problem(r, "bad-parameter", 400)["parameter"] as? String == "since")
            }
        }
    }

    @Test("ranking and recency: the library's scores for each, and bad values are problems naming the parameter")
    func ranking() async throws {
        let f = try ServerFixture()
        let reader = try IndexReader(path: f.index)
        func scores(_ configure: (inout SearchOptions) -> Void) throws -> [Float] {
            var o = SearchOptions()
            configure(&o)
            return try reader.search(Query.parse("cooperation OR flood"), options: o).hits.map(\.score)
        }
        let news = try scores { _ in }, bm25 = try scores { $0.ranking = .bm25 }
        #expect(news != bm25)
        try await f.test { client in
            for (query, want) in [("", news), ("&ranking=news", news), ("&ranking=bm25", bm25)] {
                try await client.execute(uri: "/api/search?q=cooperation+OR+flood" + query, method: .get) { r in
                    let hits = object(r)["hits"] as? [[String: Any]] ?? []
                    let got = hits.compactMap { ($0["score"] as? NSNumber)?.floatValue }
                    #expect(got.count == want.count && zip(got, want).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, $1) }, "\(query): \(got) vs \(want)")
                }
            }
            try await client.execute(uri: "/api/search?q=flood&recency=7d", method: .get) { r in
                #expect(r.status == .ok)
            }
            for (query, parameter) in [("&ranking=fast", "ranking"), ("&recency=soon", "recency"), ("&recency=7d&ranking=bm25", "recency")] {
                try await client.execute(uri: "/api/search?q=flood" + query, method: .get) { r in
                    #expect(problem(r, "bad-parameter", 400)["parameter"] as? String == parameter, "\(query)")
                }
            }
        }
    }

    @Test("search_after pages give the same hits as offsets, to the last page, by score and by date")
    func deepPaging() async throws {
        let f = try ServerFixture()
        try await f.test { client in
            for sort in ["score", "date"] {
                var all: [String] = []
                try await client.execute(uri: "/api/search?q=harbour&limit=100&sort=\(sort)&facets=false", method: .get) { r in
                    let json = object(r)
                    all = ids(json)
                    #expect(json["next"] is NSNull)
                }
                #expect(all.count == 29)
                var paged: [String] = []
                var next: String?
                var pages = 0
                repeat {
                    let after = next.map { "&search_after=" + enc($0) } ?? ""
                    try await client.execute(uri: "/api/search?q=harbour&limit=7&sort=\(sort)&facets=false" + after, method: .get) { r in
                        let json = object(r)
                        #expect(json["total"] as? Int == 29)
                        paged += ids(json)
                        next = json["next"] as? String
                    }
                    pages += 1
                } while next != nil && pages < 10
                #expect(pages == 5)
                #expect(paged == all)
            }
            // A cursor belongs to its search; garbage is no cursor.
            var cursor = ""
            try await client.execute(uri: "/api/search?q=harbour&limit=2", method: .get) { r in cursor = object(r)["next"] as? String ?? "" }
            try await client.execute(uri: "/api/search?q=flood&search_after=" + enc(cursor), method: .get) { r in
                _ = problem(r, "bad-cursor", 400)
            }
            try await client.execute(uri: "/api/search?q=harbour&search_after=notacursor", method: .get) { r in
                _ = problem(r, "bad-cursor", 400)
            }
        }
    }

    @Test("a cursor pages through the commit it was made on, while newer searches see the newer commit")
    func cursorKeepsCommit() async throws {
        let f = try ServerFixture()
        try await f.test { client in
            var cursor = "", first: [String] = []
            try await client.execute(uri: "/api/search?q=harbour&limit=10&facets=false", method: .get) { r in
                let json = object(r)
                cursor = json["next"] as? String ?? ""
                first = ids(json)
            }
            let w = try appendWriter(f.index)
            for k in 0..<5 { try w.add(Article(id: "late-\(k)", title: "Harbour harbour harbour", body: "harbour harbour harbour harbour")) }
            try w.commit()
            try await client.execute(uri: "/api/search?q=harbour&limit=100&facets=false", method: .get) { r in
                let json = object(r)
                #expect(json["total"] as? Int == 34)
                #expect(ids(json).prefix(5).allSatisfy { $0.hasPrefix("late-") })
            }
            try await client.execute(uri: "/api/search?q=harbour&limit=100&facets=false&search_after=" + enc(cursor), method: .get) { r in
                let json = object(r)
                #expect(json["total"] as? Int == 29)
                #expect(ids(json).count == 19)
                #expect(Set(ids(json)).isDisjoint(with: first))
                #expect(!ids(json).contains { $0.hasPrefix("late-") })
            }
        }
        // With no keep-alive, the old commit is let go and its cursor says so.
        let g = try ServerFixture { $0.cursorKeepAlive = .zero }
        try await g.test { client in
            var cursor = ""
            try await client.execute(uri: "/api/search?q=harbour&limit=2", method: .get) { r in cursor = object(r)["next"] as? String ?? "" }
            let w = try appendWriter(g.index)
            try w.add(Article(id: "late", title: "harbour", body: "harbour"))
            try w.commit()
            try await client.execute(uri: "/api/search?q=harbour&search_after=" + enc(cursor), method: .get) { r in
                _ = problem(r, "cursor-expired", 410)
            }
        }
    }

    @Test("errors are problem JSON: a query with its column and caret, bad and oversized parameters, no route")
    func errors() async throws {
        let f = try ServerFixture { $0.maxQueryBytes = 64 }
        try await f.test { client in
            try await client.execute(uri: "/api/search?q=" + enc("putin AND (xi"), method: .get) { r in
                let p = problem(r, "bad-query", 400)
                #expect(p["query"] as? String == "putin AND (xi")
                let column = try #require(p["column"] as? Int)
                let caret = try #require(p["caret"] as? String).split(separator: "\n", omittingEmptySubsequences: false)
                #expect(caret.count == 2 && caret[0] == "putin AND (xi")
                #expect(caret[1].count == column && caret[1].last == "^")
                #expect(column == 11)
            }
            try await client.execute(uri: "/api/search", method: .get) { r in #expect(problem(r, "bad-parameter", 400)["parameter"] as? String == "q") }
            try await client.execute(uri: "/api/search?q=x&limit=ten", method: .get) { r in _ = problem(r, "bad-parameter", 400) }
            try await client.execute(uri: "/api/search?q=x&limit=-1", method: .get) { r in _ = problem(r, "bad-parameter", 400) }
            try await client.execute(uri: "/api/search?q=x&limit=1001", method: .get) { r in
                #expect(problem(r, "too-large", 400)["maximum"] as? Int == 1000)
            }
            try await client.execute(uri: "/api/search?q=x&offset=100001", method: .get) { r in _ = problem(r, "too-large", 400) }
            try await client.execute(uri: "/api/search?q=" + String(repeating: "a", count: 65), method: .get) { r in
                #expect(problem(r, "too-large", 400)["parameter"] as? String == "q")
            }
            try await client.execute(uri: "/api/search?q=x&sort=random", method: .get) { r in _ = problem(r, "bad-parameter", 400) }
            try await client.execute(uri: "/api/nothing", method: .get) { r in _ = problem(r, "not-found", 404) }
        }
    }

    @Test("each query has a time budget: past it the answer is 503, and a full queue is 503 at once")
    func budget() async throws {
        let f = try ServerFixture { $0.queryTimeout = .zero }
        try await f.test { client in
            try await client.execute(uri: "/api/search?q=harbour", method: .get) { r in
                let p = problem(r, "timeout", 503)
                #expect((p["detail"] as? String ?? "").contains("time budget"))
            }
            // Other routes still answer.
            try await client.execute(uri: "/api/health", method: .get) { r in #expect(r.status == .ok) }
        }
        let g = try ServerFixture { $0.maxWaitingSearches = 0 }
        try await g.test { client in
            try await client.execute(uri: "/api/search?q=harbour", method: .get) { r in _ = problem(r, "busy", 503) }
        }
    }

    @Test("articles: the stored article with what was set aside; ids with slashes; nothing outside the index")
    func articles() async throws {
        let f = try ServerFixture()
        try await f.test { client in
            try await client.execute(uri: "/api/articles/call-1", method: .get) { r in
                let json = object(r)
                #expect(json["title"] as? String == "Putin and Xi hold video call")
                #expect((json["set_aside"] as? String ?? "").contains("Most read"))
                #expect((json["body"] as? String ?? "").hasPrefix("Vladimir Putin"))
                #expect((json["entities"] as? [[String: Any]] ?? []).contains { $0["display"] as? String == "Kremlin" })
                #expect(json["commit"] as? String != nil)
            }
            try await client.execute(uri: "/api/articles/" + enc("a/b c%d"), method: .get) { r in
                #expect(object(r)["id"] as? String == "a/b c%d")
            }
            for path in ["/api/articles/nope", "/api/articles/..%2Fmanifest", "/api/articles/../manifest", "/api/articles/%2e%2e/%2e%2e/etc/passwd"] {
                try await client.execute(uri: path, method: .get) { r in
                    #expect(r.status == .notFound, "\(path)")
                    #expect(!String(buffer: r.body).contains("root:"), "\(path)")
                }
            }
        }
    }

    @Test("writes are off without a token; with one they need Bearer authentication")
    func authentication() async throws {
        let off = try ServerFixture()
        try await off.test { client in
            try await client.execute(uri: "/api/articles", method: .post, body: ByteBuffer(string: "{\"id\":\"x\",\"body\":\"y\"}")) { r in
                _ = problem(r, "writes-disabled", 403)
            }
            try await client.execute(uri: "/api/articles/call-1", method: .delete) { r in _ = problem(r, "writes-disabled", 403) }
        }
        let on = try ServerFixture { $0.writeToken = "s3cret" }
        try await on.test { client in
            try await client.execute(uri: "/api/articles", method: .post, body: ByteBuffer(string: "{\"id\":\"x\",\"body\":\"y\"}")) { r in
                _ = problem(r, "unauthorized", 401)
                #expect(r.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            try await client.execute(uri: "/api/articles/call-1", method: .delete, headers: [.authorization: "Basic czNjcmV0"]) { r in
                _ = problem(r, "unauthorized", 401)
            }
            try await client.execute(uri: "/api/articles/call-1", method: .delete, headers: [.authorization: "Bearer s3cre"]) { r in
                _ = problem(r, "forbidden", 403)
            }
            try await client.execute(uri: "/api/articles/call-1", method: .get) { r in #expect(r.status == .ok) }
        }
    }

    @Test("POST adds JSON Lines or one JSON object in one commit, reporting bad lines; DELETE removes; both show at once")
    func writes() async throws {
        let f = try ServerFixture { $0.writeToken = "s3cret"; $0.maxBodyBytes = 4096 }
        let auth: HTTPFields = [.authorization: "Bearer s3cret"]
        try await f.test { client in
            let lines = """
            {"id":"new-1","title":"Lighthouse restored","body":"The old lighthouse shines again.","date":"2022-12-24"}
            {"id":"new-2","title":"no body here"}
            not json at all
            {"id":"call-2","title":"Xi tells Putin of cooperation (corrected)","body":"Corrected text about the lighthouse and cooperation."}
            """
            try await client.execute(uri: "/api/articles", method: .post, headers: auth, body: ByteBuffer(string: lines)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                let json = object(r)
                #expect(json["added"] as? Int == 2)
                #expect(json["replaced"] as? Int == 1)
                #expect(json["documents"] as? Int == serverArticles().count + 1)
                let skipped = json["skipped"] as? [[String: Any]] ?? []
                #expect(skipped.compactMap { $0["line"] as? Int } == [2, 3])
                #expect(skipped.allSatisfy { ($0["message"] as? String ?? "").count > 5 })
            }
            try await client.execute(uri: "/api/search?q=lighthouse", method: .get) { r in
                #expect(Set(ids(object(r))) == ["new-1", "call-2"])
            }
            let pretty = "{\n  \"id\": \"new-3\",\n  \"title\": \"Pretty\",\n  \"body\": \"A pretty printed lighthouse article.\"\n}"
            try await client.execute(uri: "/api/articles", method: .post, headers: auth, body: ByteBuffer(string: pretty)) { r in
                #expect(object(r)["added"] as? Int == 1)
            }
            try await client.execute(uri: "/api/articles", method: .post, headers: auth, body: ByteBuffer(string: "{\"title\":\"no id\"}\nnope\n")) { r in
                let p = problem(r, "bad-documents", 422)
                #expect((p["skipped"] as? [[String: Any]])?.count == 2)
            }
            try await client.execute(uri: "/api/articles", method: .post, headers: auth,
                                     body: ByteBuffer(string: String(repeating: "x", count: 5000))) { r in
                _ = problem(r, "too-large", 413)
            }
            try await client.execute(uri: "/api/articles/new-1", method: .delete, headers: auth) { r in
                #expect(object(r)["deleted"] as? Int == 1)
            }
            try await client.execute(uri: "/api/articles/new-1", method: .delete, headers: auth) { r in _ = problem(r, "not-found", 404) }
            try await client.execute(uri: "/api/search?q=lighthouse", method: .get) { r in
                #expect(Set(ids(object(r))) == ["new-3", "call-2"])
            }
            // The index is whole: it opens and checks.
            #expect(try IndexReader(path: f.index, verify: true).documentCount == serverArticles().count + 1)
        }
    }

    @Test("a commit by another writer shows up at the next request, without a restart")
    func live() async throws {
        let f = try ServerFixture()
        try await f.test { client in
            try await client.execute(uri: "/api/search?q=zeppelin", method: .get) { r in #expect(object(r)["total"] as? Int == 0) }
            let w = try appendWriter(f.index)
            try w.add(Article(id: "z", title: "Zeppelin over the harbour", body: "A zeppelin flew over."))
            try w.commit()
            try await client.execute(uri: "/api/search?q=zeppelin", method: .get) { r in #expect(ids(object(r)) == ["z"]) }
            let commit = String(try IndexReader(path: f.index).commit)
            try await client.execute(uri: "/api/stats", method: .get) { r in
                let json = object(r)
                #expect(json["documents"] as? Int == serverArticles().count + 1)
                #expect(json["commit"] as? String == commit)
                #expect((json["size_bytes"] as? Int ?? 0) > 1000)
                #expect(json["writes"] as? Bool == false)
            }
        }
    }

    @Test("entities as `newsindex entities`: over a query, and with an entity left out")
    func entities() async throws {
        let f = try ServerFixture()
        try await f.test { client in
            try await client.execute(uri: "/api/entities?q=cooperation", method: .get) { r in
                let list = object(r)["entities"] as? [[String: Any]] ?? []
                #expect(list.first { $0["display"] as? String == "Putin" }?["documents"] as? Int == 2)
            }
            try await client.execute(uri: "/api/entities?with=putin&limit=3", method: .get) { r in
                let list = object(r)["entities"] as? [[String: Any]] ?? []
                #expect(list.count <= 3 && !list.isEmpty)
                #expect(!list.contains { $0["display"] as? String == "Putin" })
                #expect(list.contains { $0["display"] as? String == "Xi" })
            }
            try await client.execute(uri: "/api/entities?q=" + enc("\"open"), method: .get) { r in _ = problem(r, "bad-query", 400) }
        }
    }

    @Test("the page and its assets come from the binary with a strict content policy; CORS only when asked")
    func pageAndCORS() async throws {
        let f = try ServerFixture()
        try await f.test { client in
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                #expect(r.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                #expect(String(buffer: r.body).contains("/assets/page.js"))
            }
            for (path, type) in [("/assets/page.js", "text/javascript"), ("/assets/page.css", "text/css")] {
                try await client.execute(uri: path, method: .get) { r in
                    #expect(r.headers[.contentType]?.hasPrefix(type) == true)
                    #expect(r.body.readableBytes > 100)
                }
            }
            try await client.execute(uri: "/api/search?q=x", method: .get, headers: [.origin: "https://elsewhere.example"]) { r in
                #expect(r.headers[.accessControlAllowOrigin] == nil)
            }
        }
        let g = try ServerFixture { $0.corsOrigin = "https://news.example.org" }
        try await g.test { client in
            try await client.execute(uri: "/api/search?q=x", method: .get, headers: [.origin: "https://news.example.org"]) { r in
                #expect(r.headers[.accessControlAllowOrigin] == "https://news.example.org")
            }
        }
    }

    @Test("the request log line is Common Log Format with the milliseconds")
    func logLine() {
        let t = RequestLog.timestamp(Date(timeIntervalSince1970: 1_672_403_696))
        #expect(t == "30/Dec/2022:12:34:56 +0000")
    }
}
