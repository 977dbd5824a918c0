import Foundation
import Testing
@testable import NewsIndexIngest
import NewsIndex
import NewsIndexTestSupport

/// A page of our own, numbered, with the furniture around its article.
private func numberedPage(_ k: Int) -> String {
    let words = ["harbour", "ferry", "council", "school", "railway", "bridge", "library"]
    let topic = words[k % words.count]
    let paragraphs = (0..<(2 + k % 4)).map { p in
        "<p>Story \(k), paragraph \(p): the \(topic) committee met again on Tuesday evening and agreed a plan that residents had asked for since the spring, after a long public debate.</p>"
    }.joined()
    return """
    <html><head><title>The \(topic) plan, part \(k) | Valley Gazette</title>
    <meta property="og:site_name" content="Valley Gazette"></head><body>
    <nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav>
    <article><h1>The \(topic) plan, part \(k)</h1>\(paragraphs)</article>
    <footer><p>© Valley Gazette. All rights reserved.</p></footer></body></html>
    """
}

/// What a run handed to its writer and reported, in order.
private func ingest(_ dir: String, pageThreads: Int) throws -> (articles: [String], events: [String], report: IngestReport) {
    var run = try IngestRun(paths: [dir], indexPath: "unused", strict: false)
    run.pageThreads = pageThreads
    var articles: [String] = []
    var seen: [String: Int] = [:]   // id → its document's number among those indexed
    var events: [String] = []
    try run.run({ article, bytes in
        if let first = seen[article.id] {
            throw IngestRun.Rejected(reason: .repeatedID, detail: "repeated", firstUse: first)
        }
        seen[article.id] = articles.count
        articles.append("\(article.id)|\(article.title)|\(article.source ?? "-")|\(bytes)|\(article.body)")
    }, onEvent: { event in
        switch event {
        case .skipped(let bad): events.append("skipped \(bad)")
        case .undated(let bad): events.append("undated \(bad)")
        case .progress(let documents, let read, _): events.append("progress \(documents) \(read)")
        }
    })
    return (articles, events, run.report)
}

@Suite("web pages read on every core")
struct PageIngestTests {
    @Test("pages extracted on 1 and on 4 threads reach the writer in the same order, with the same reports, mixed with JSON Lines and bad documents")
    func sameOrderOnAnyThreads() throws {
        let dir = temporaryDirectory("newsindex-page-threads")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for k in 0..<60 {
            try numberedPage(k).write(toFile: "\(dir)/p\(String(format: "%03d", k)).html", atomically: true, encoding: .utf8)
        }
        // A page without article text, a JSON Lines file between the pages whose second line
        // repeats a page's id, and a text article.
        try "<html><body><nav><a href='/'>Home</a></nav></body></html>".write(toFile: "\(dir)/p010b.html", atomically: true, encoding: .utf8)
        try """
        {"id":"j1","title":"Night buses return","body":"The night bus service returns on Friday after a year without it."}
        {"id":"p005","title":"Clash","body":"This id is a page's."}
        not json

        """.write(toFile: "\(dir)/p030b.jsonl", atomically: true, encoding: .utf8)
        try "Market day moves\n\nThe weekly market moves to the square from next month, the council said.".write(toFile: "\(dir)/p040b.txt", atomically: true, encoding: .utf8)

        let one = try ingest(dir, pageThreads: 1)
        let four = try ingest(dir, pageThreads: 4)
        #expect(one.articles.count == 62)   // 60 pages, one JSON line, one text article
        #expect(one.articles == four.articles)
        #expect(one.events == four.events)
        #expect(one.report == four.report)
        #expect(one.report.skippedCount == 3)
        // Input order: names sort p000 … p010, p010b (no text), p011 …
        #expect(one.articles.first?.hasPrefix("p000|The harbour plan, part 0|Valley Gazette|") == true)
        let ids = one.articles.map { $0.split(separator: "|")[0] }
        #expect(ids[30] == "p030" && ids[31] == "j1" && ids[32] == "p031")
        #expect(one.events.contains { $0.hasPrefix("skipped \(dir)/p010b.html: ") })
        #expect(one.events.contains { $0.contains("p030b.jsonl:2") && $0.contains("p005.html") })
        // Progress only grows.
        let read = one.events.compactMap { $0.hasPrefix("progress") ? Int($0.split(separator: " ")[2]) : nil }
        #expect(read == read.sorted())
    }
}
