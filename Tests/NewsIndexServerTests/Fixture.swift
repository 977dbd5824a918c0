import Foundation
import Hummingbird
import HummingbirdTesting
import NewsIndex
import NewsIndexTestSupport
import Testing
@testable import NewsIndexServer

/// Articles written for these tests: two wire reports of a Putin–Xi call (CCTV, Kremlin), a
/// harbour strike, floods in three months, one whose text tries to inject HTML, and a ferry
/// timetable story published three times (one copy group).
func serverArticles() -> [Article] {
    func day(_ text: String) -> ArticleDate { ArticleDate(parsing: text)! }
    var out = [
        Article(id: "call-1", title: "Putin and Xi hold video call",
                body: "Vladimir Putin and Xi Jinping spoke by video link on Friday, CCTV reported. The Kremlin said the strategic cooperation between Russia and China would deepen.",
                date: day("2022-12-30"), url: "https://wire.example.org/call-1", byline: "By A. Reporter", source: "wire.example.org",
                setAside: "Share this story | Most read: harbour strike ends"),
        Article(id: "call-2", title: "Xi tells Putin of strategic cooperation",
                body: "Chinese leader Xi Jinping told Vladimir Putin that China was ready to deepen strategic cooperation, CCTV reported.",
                date: day("2022-12-31"), source: "Daily Planet"),
        Article(id: "strike-1", title: "Harbour strike ends after nine days",
                body: "Dock workers voted to end the harbour strike on Monday after the union accepted a new pay offer.",
                date: day("2022-11-14"), source: "coast.example.com"),
        Article(id: "flood-1", title: "Flood warnings for the river valley",
                body: "Heavy rain brought flood warnings to the river valley, and the harbour was closed.",
                date: day("2022-10-03"), source: "coast.example.com"),
        Article(id: "flood-2", title: "Floods recede", body: "The flood waters receded from the valley towns.",
                date: day("2022-12-02"), source: "coast.example.com"),
        Article(id: "flood-3", title: "Flood defences to be rebuilt", body: "The council will rebuild the flood defences by spring.",
                date: day("2023-01-20"), source: "wire.example.org"),
        Article(id: "flood-4", title: "Flood insurance claims rise", body: "Insurers counted more flood claims than in any year before.",
                source: "Daily Planet"),
        Article(id: "inject", title: "<img src=x onerror=alert(1)> harbour news",
                body: "The harbour <script>alert('x')</script> reopened, with <b>bold</b> claims.", date: day("2022-12-15"),
                url: "javascript:alert(1)", source: "evil.example"),
        Article(id: "a/b c%d", title: "An id with a slash", body: "Odd ids are looked up as they are: harbour.", date: day("2022-12-20")),
    ]
    // One story republished twice: another headline and boilerplate, then cut to its first half.
    let ferry = "The island ferry company announced on Tuesday that its new timetable will add four daily crossings between Port Ellen and the mainland from the first of May. The company said two rebuilt vessels would return to service after a winter in dry dock, and that fares for residents would stay at last year's level. Councillors on the island welcomed the change, saying that hauliers and hospital patients had waited months for more reliable sailings. The operator warned that the late evening crossing could still be cancelled in strong westerly winds."
    out.append(Article(id: "ferry-1", title: "Ferry company adds four daily crossings", body: ferry,
                       date: day("2022-12-05"), source: "isle-news.example"))
    out.append(Article(id: "ferry-2", title: "More sailings for islanders from May",
                       body: "Sign up for our newsletter. " + ferry + " Copyright Mainland Courier.", date: day("2022-12-06"), source: "mainland.example"))
    out.append(Article(id: "ferry-3", title: "Timetable change for the island ferry",
                       body: String(ferry.prefix(ferry.count * 3 / 5)), date: day("2022-12-07"), source: "ferry-watch.example"))
    for k in 0..<25 {
        out.append(Article(id: "bulk-\(k)", title: "Harbour report \(k)", body: "The harbour handled \(k) ships, a harbour record for the week.",
                           date: ArticleDate(secondsSinceEpoch: 1_669_852_800 + Int64(k) * 86400, text: "")))
    }
    return out
}

/// A server over a new index of ``serverArticles()``, with `configure` applied.
struct ServerFixture {
    let directory: String
    let index: String
    let server: NewsIndexServer

    init(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        directory = temporaryDirectory("newsindex-server")
        index = directory + "/index"
        try build(serverArticles(), at: index, threads: 1)
        var c = ServerConfiguration(indexPaths: [index])
        c.logRequests = false
        configure(&c)
        server = try NewsIndexServer(configuration: c)
    }

    /// Runs `body` with a client of the server's routes (no socket).
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: server.router())
        try await app.test(.router) { client in try await body(client) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The JSON object of a response body (empty, with a recorded issue, when it is none).
func object(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
    guard let value = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)), let json = value as? [String: Any] else {
        Issue.record("not a JSON object: \(String(buffer: response.body))", sourceLocation: sourceLocation)
        return [:]
    }
    return json
}

/// The ids of a search response's hits.
func ids(_ json: [String: Any]) -> [String] {
    (json["hits"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
}

/// A query string value, percent-encoded for a URI.
func enc(_ s: String) -> String {
    s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))!
}

/// Checks that `response` is problem JSON of `type` with `status`, and returns it.
@discardableResult
func problem(_ response: TestResponse, _ type: String, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
    #expect(Int(response.status.code) == status, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
    let json = object(response, sourceLocation: sourceLocation)
    #expect(json["type"] as? String == "/problems/" + type, sourceLocation: sourceLocation)
    #expect(json["status"] as? Int == status, sourceLocation: sourceLocation)
    #expect((json["detail"] as? String ?? "").count > 10, sourceLocation: sourceLocation)
    return json
}
