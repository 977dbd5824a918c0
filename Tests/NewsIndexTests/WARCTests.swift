import Foundation
import Testing
@testable import NewsIndexIngest
import NewsIndex
import NewsIndexTestSupport

/// A page of our own about `topic`.
private func page(_ topic: String, charset: String = "utf-8") -> String {
    let p = (0..<3).map { "<p>The \(topic) story, part \($0): the council met on Tuesday and agreed a plan that residents had asked for since the spring.</p>" }.joined()
    return "<html><head><meta charset=\"\(charset)\"><title>The \(topic) plan</title></head><body><nav><a href=\"/\">Home</a></nav><article><h1>The \(topic) plan</h1>\(p)</article></body></html>"
}

/// One WARC record.
private func record(_ type: String, uri: String, block: [UInt8], version: String = "1.0", contentType: String = "application/http; msgtype=response",
                    date: String = "2023-04-12T08:30:00Z") -> [UInt8] {
    let head = "WARC/\(version)\r\nWARC-Type: \(type)\r\nWARC-Target-URI: \(uri)\r\nWARC-Date: \(date)\r\nContent-Type: \(contentType)\r\nContent-Length: \(block.count)\r\n\r\n"
    return Array(head.utf8) + block + Array("\r\n\r\n".utf8)
}

/// An HTTP response with `headers` and `body`.
private func http(_ body: [UInt8], headers: [String] = ["Content-Type: text/html; charset=utf-8"], status: String = "200 OK") -> [UInt8] {
    Array(("HTTP/1.1 \(status)\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n").utf8) + body
}

/// `body` in the chunked transfer coding, in chunks of `size`.
private func chunked(_ body: [UInt8], size: Int) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i < body.count {
        let n = min(size, body.count - i)
        out += Array("\(String(n, radix: 16))\r\n".utf8) + body[i..<(i + n)] + Array("\r\n".utf8)
        i += n
    }
    return out + Array("0\r\n\r\n".utf8)
}

/// What an ingest run of `paths` indexed, skipped and passed over.
private func ingest(_ paths: [String]) throws -> (articles: [Article], bad: [BadDocument], report: IngestReport) {
    var run = try IngestRun(paths: paths, indexPath: "unused", strict: false)
    var articles: [Article] = []
    var bad: [BadDocument] = []
    try run.run({ a, _ in articles.append(a) }, onEvent: { if case .skipped(let b) = $0 { bad.append(b) } })
    return (articles, bad, run.report)
}

@Suite("web archives (WARC)")
struct WARCTests {
    @Test("the shared WARC samples: the pages of response and resource records, chunked or not; requests, revisits and warcinfo counted, not indexed", .needsSharedCorpus)
    func sharedSamples() throws {
        let dir = SharedCorpus.corpus.appendingPathComponent("warc").path
        for name in ["example.warc", "example.warc.gz", "example-resource.warc.gz", "example-bad-non-chunked.warc.gz", "example-wrong-chunks.warc.gz"] {
            let r = try ingest([dir + "/" + name])
            #expect(r.articles.map(\.id) == ["http://example.com/"], "\(name)")
            #expect(r.articles.first?.title == "Example Domain" && r.articles.first?.source == "example.com", "\(name)")
            #expect(r.articles.first?.body.contains("illustrative examples") == true, "\(name)")
            #expect(r.bad.isEmpty, "\(name): \(r.bad)")
        }
        let plain = try ingest([dir + "/example.warc"])
        #expect(plain.report.notArticles == ["WARC request record": 2, "WARC warcinfo record": 2, "WARC revisit record": 1])
        #expect(plain.articles.first?.date?.text.hasPrefix("2017-03-06") == true)   // WARC-Date: the page has no date
        let iana = try ingest([dir + "/example-iana.org-chunked.warc"])
        #expect(iana.articles.map(\.id) == ["http://www.iana.org/"])
        #expect(iana.articles.first?.source == "iana.org")
        // A record whose payload is cut short: its page as far as it goes, then the damage at its offset, and the records after it.
        let cut = try ingest([dir + "/example-trunc.warc"])
        #expect(cut.articles.map(\.id) == ["http://example.com/"])
        #expect(cut.bad.count == 1 && cut.bad.first?.reason == .damaged && cut.bad.first?.location.offset != nil)
        #expect(cut.report.notArticles["WARC request record"] == 1)
    }

    @Test("archives we write: chunked and gzip-coded bodies, a Windows-1252 charset from the HTTP header, WARC/1.1, one gzip member per record, redirects and images passed over, a damaged record between good ones")
    func ownArchives() throws {
        let dir = temporaryDirectory("newsindex-warc")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let latin = Array(page("caf\u{E9}", charset: "windows-1252").utf8).map { $0 }   // ASCII except é
        var latinBytes: [UInt8] = []
        for scalar in String(decoding: latin, as: UTF8.self).unicodeScalars { latinBytes.append(UInt8(truncatingIfNeeded: scalar.value)) }
        let records: [[UInt8]] = [
            record("warcinfo", uri: "", block: Array("software: test\r\n".utf8), contentType: "application/warc-fields"),
            record("response", uri: "https://news.example/ferry", block: http(chunked(Gzip.compress(Array(page("ferry").utf8)), size: 100),
                                                                             headers: ["Content-Type: text/html", "Transfer-Encoding: chunked", "Content-Encoding: gzip"])),
            record("response", uri: "https://news.example/cafe", block: http(latinBytes, headers: ["Content-Type: text/html; charset=windows-1252"]), version: "1.1"),
            record("response", uri: "https://news.example/old", block: http([], headers: ["Location: /new"], status: "301 Moved Permanently")),
            record("response", uri: "https://news.example/logo.png", block: http([0x89, 0x50, 0x4E, 0x47], headers: ["Content-Type: image/png"])),
            Array("WARC/1.0\r\nWARC-Type: response\r\nContent-Length: lots\r\n\r\ngarbage\r\n\r\n".utf8),
            record("response", uri: "https://news.example/bridge", block: http(Array(page("bridge").utf8))),
        ]
        let plain = records.reduce([], +)
        try Data(plain).write(to: URL(fileURLWithPath: dir + "/a.warc"))
        try Data(records.map { Gzip.compress($0) }.reduce([], +)).write(to: URL(fileURLWithPath: dir + "/b.warc.gz"))
        for path in [dir + "/a.warc", dir + "/b.warc.gz"] {
            let r = try ingest([path])
            #expect(r.articles.map(\.id) == ["https://news.example/ferry", "https://news.example/cafe", "https://news.example/bridge"], "\(path)")
            #expect(r.articles.first?.body.contains("The ferry story, part 2") == true)
            #expect(r.articles.dropFirst().first?.title == "The caf\u{E9} plan")
            #expect(r.articles.allSatisfy { $0.source == "news.example" && $0.date?.text == "2023-04-12T08:30:00Z" })
            #expect(r.report.notArticles == ["WARC warcinfo record": 1, "HTTP 3xx response": 1, "response not HTML": 1])
            #expect(r.bad.map(\.reason) == [.damaged] && r.bad.first?.detail.contains("Content-Length") == true)
        }
        // The offset of the damaged record in the plain file.
        let r = try ingest([dir + "/a.warc"])
        let at = records[0..<5].reduce(0) { $0 + $1.count }
        #expect(r.bad.first?.location.offset == at)
    }

    @Test("the CLI: build a WARC, search it by a word and by source; the id is the URI; --format warc reads standard input")
    func cli() throws {
        let dir = temporaryDirectory("newsindex-warc-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let warc = record("response", uri: "https://www.coastline.example/harbour", block: http(Array(page("harbour").utf8)))
        try Data(Gzip.compress(warc)).write(to: URL(fileURLWithPath: dir + "/crawl.warc.gz"))
        let built = try CLI.run(["build", dir + "/crawl.warc.gz", "--index", dir + "/idx"])
        #expect(built.status == 0, "\(built.err)")
        #expect(try CLI.ids("harbour council", index: dir + "/idx") == ["https://www.coastline.example/harbour"])
        #expect(try CLI.ids("source:coastline.example", index: dir + "/idx") == ["https://www.coastline.example/harbour"])
        let piped = try CLI.run(["build", "-", "--format", "warc", "--index", dir + "/idx2"], inputData: Data(warc))
        #expect(piped.status == 0, "\(piped.err)")
        #expect(try CLI.ids("harbour", index: dir + "/idx2") == ["https://www.coastline.example/harbour"])
    }
}
