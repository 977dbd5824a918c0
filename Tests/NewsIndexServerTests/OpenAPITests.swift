import Foundation
import Hummingbird
import HummingbirdTesting
import NewsIndexTestSupport
import Testing
@testable import NewsIndexServer

@Suite("the OpenAPI document")
struct OpenAPITests {
    static let path = SharedCorpus.packageRoot.appendingPathComponent("Sources/NewsIndexServer/openapi.json").path

    @Test("openapi-spec-validator accepts it (pip install openapi-spec-validator)")
    func validates() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openapi-spec-validator", OpenAPITests.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 0, "openapi-spec-validator: \(text)")
        #expect(text.contains("OK"))
    }

    @Test("the server serves it, and every operation it lists answers with a status it documents")
    func matchesTheRoutes() async throws {
        let spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: OpenAPITests.path))) as? [String: Any])
        #expect((spec["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = try #require(spec["paths"] as? [String: [String: Any]])
        #expect(Set(paths.keys) == ["/api/search", "/api/articles/{id}", "/api/articles", "/api/entities", "/api/stats", "/api/health", "/api/openapi.json",
                                    "/api/similar/{id}", "/api/copies/{id}", "/api/trends"])
        var operations: [(path: String, method: String, statuses: Set<String>)] = []
        for (path, item) in paths.sorted(by: { $0.key < $1.key }) {
            for method in ["get", "post", "delete"] {
                guard let op = item[method] as? [String: Any], let responses = op["responses"] as? [String: Any] else { continue }
                #expect(op["operationId"] as? String != nil && op["description"] as? String != nil, "\(method) \(path)")
                operations.append((path, method, Set(responses.keys)))
            }
        }
        #expect(operations.count == 11)
        let listed = operations
        let f = try ServerFixture { $0.writeToken = "s3cret" }
        try await f.test { client in
            try await client.execute(uri: "/api/openapi.json", method: .get) { r in
                #expect(Data(buffer: r.body) == (try? Data(contentsOf: URL(fileURLWithPath: OpenAPITests.path))))
            }
            for (path, method, responses) in listed {
                do {
                    // flood-1 is deleted by DELETE /api/articles/{id}, which comes before the copies and similar routes.
                    let id = path.hasPrefix("/api/articles") ? "flood-1" : "call-1"
                    let uri = path.replacingOccurrences(of: "{id}", with: id) + (["/api/search", "/api/trends"].contains(path) ? "?q=flood" : "")
                    let body = method == "post" ? ByteBuffer(string: #"{"id":"spec","body":"spec check"}"#) : nil
                    let headers: HTTPFields = method == "get" ? [:] : [.authorization: "Bearer s3cret"]
                    try await client.execute(uri: uri, method: HTTPRequest.Method(method.uppercased())!, headers: headers, body: body) { r in
                        #expect(responses.contains(String(r.status.code)), "\(method) \(uri) answered \(r.status.code), which the document does not list")
                        #expect(r.status == .ok, "\(method) \(uri): \(String(buffer: r.body))")
                    }
                }
            }
        }
    }

    @Test("every problem type the server uses is in the document's list")
    func problemTypes() throws {
        let text = try String(contentsOfFile: OpenAPITests.path, encoding: .utf8)
        for kind in ["bad-query", "bad-parameter", "too-large", "not-found", "unauthorized", "forbidden", "writes-disabled", "cursor-expired",
                     "bad-cursor", "bad-documents", "index-locked", "timeout", "busy", "damaged-index", "internal", "method-not-allowed"] {
            #expect(Problem.Kind(rawValue: kind) != nil)
            #expect(text.contains("\"/problems/\(kind)\""), "\(kind)")
        }
    }
}
