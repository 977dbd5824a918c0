import Foundation
import Hummingbird
import HummingbirdTesting
import NewsIndex
import NewsIndexTestSupport
import Testing
@testable import NewsIndexServer

@Suite("the HTTP API of stories: collapse, similar, copies, trends")
struct StoriesAPITests {
    @Test("collapse=true: the ferry story once with its two copies, counts in articles and stories; a cursor of one mode is refused in the other")
    func collapse() async throws {
        let f = try ServerFixture()
        try await f.test { client in
            var plainNext = ""
            try await client.execute(uri: "/api/search?q=ferry&limit=1", method: .get) { r in
                let json = object(r)
                #expect(json["total"] as? Int == 3 && json["total_stories"] is NSNull)
                #expect((json["hits"] as? [[String: Any]])?.first?["copies"] == nil)
                plainNext = json["next"] as? String ?? ""
            }
            try await client.execute(uri: "/api/search?q=ferry&collapse=true", method: .get) { r in
                let json = object(r)
                #expect(json["total"] as? Int == 3 && json["total_stories"] as? Int == 1)
                let hits = json["hits"] as? [[String: Any]] ?? []
                #expect(hits.count == 1)
                let copies = (hits.first?["copies"] as? [[String: Any]] ?? []).map { $0["id"] as? String }
                #expect(Set(copies) == Set(["ferry-1", "ferry-2", "ferry-3"]).subtracting([hits.first?["id"] as? String]))
            }
            try await client.execute(uri: "/api/search?q=ferry&collapse=true&search_after=" + plainNext, method: .get) { r in
                #expect(r.status == .badRequest)
                #expect(object(r)["type"] as? String == "/problems/bad-cursor")
            }
        }
    }

    @Test("similar/{id} leaves the article and its copies out; copies/{id} lists the group earliest first; unknown ids are 404")
    func similarAndCopies() async throws {
        let f = try ServerFixture()
        try await f.test { client in
            try await client.execute(uri: "/api/similar/call-1?limit=5", method: .get) { r in
                #expect(r.status == .ok)
                let found = ids(object(r))
                #expect(found.first == "call-2" && !found.contains("call-1"))
            }
            try await client.execute(uri: "/api/similar/ferry-2", method: .get) { r in
                #expect(ids(object(r)).allSatisfy { !$0.hasPrefix("ferry-") })
            }
            try await client.execute(uri: "/api/copies/ferry-3", method: .get) { r in
                let list = (try? JSONSerialization.jsonObject(with: Data(buffer: r.body))) as? [[String: Any]] ?? []
                #expect(list.map { $0["id"] as? String } == ["ferry-1", "ferry-2", "ferry-3"])
                #expect(list.filter { $0["asked"] as? Bool == true }.map { $0["id"] as? String } == ["ferry-3"])
            }
            for path in ["/api/similar/nope", "/api/copies/nope"] {
                try await client.execute(uri: path, method: .get) { r in
                    #expect(r.status == .notFound)
                    #expect(object(r)["type"] as? String == "/problems/not-found")
                }
            }
        }
    }

    @Test("trends: two queries over the same months, stories count the ferry story once, bad parameters are 400")
    func trends() async throws {
        let f = try ServerFixture()
        let reader = try IndexReader(path: f.index)
        try await f.test { client in
            try await client.execute(uri: "/api/trends?q=flood&q=harbour&by=month", method: .get) { r in
                #expect(r.status == .ok)
                let json = object(r)
                #expect(json["interval"] as? String == "month" && json["time_zone"] as? String == "UTC")
                let series = json["queries"] as? [[String: Any]] ?? []
                #expect(series.map { $0["query"] as? String } == ["flood", "harbour"])
                let starts = series.map { ($0["buckets"] as? [[String: Any]] ?? []).map { $0["start"] as? String } }
                #expect(starts.count == 2 && starts[0] == starts[1])
                for (k, q) in ["flood", "harbour"].enumerated() {
                    let counts = (series[k]["buckets"] as? [[String: Any]] ?? []).map { $0["count"] as? Int ?? 0 }
                    let total = try reader.search(Query.parse(q), options: { var o = SearchOptions(); o.limit = 0; return o }()).totalHits
                    #expect(counts.reduce(0, +) + (series[k]["undated"] as? Int ?? 0) == total, "\(q)")
                }
            }
            try await client.execute(uri: "/api/trends?q=ferry&by=day&stories=true", method: .get) { r in
                let series = (object(r)["queries"] as? [[String: Any]])?.first
                #expect(series?["total"] as? Int == 1)
            }
            for bad in ["/api/trends?q=ferry&by=hour", "/api/trends", "/api/trends?q=ferry&tz=Mars/Olympus",
                        "/api/trends?" + (0..<9).map { "q=w\($0)" }.joined(separator: "&")] {
                try await client.execute(uri: bad, method: .get) { r in
                    #expect(r.status == .badRequest, "\(bad)")
                    #expect(object(r)["type"] as? String == "/problems/bad-parameter", "\(bad)")
                }
            }
        }
    }
}
