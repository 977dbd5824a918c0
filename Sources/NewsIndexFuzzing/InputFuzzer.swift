import Foundation
import NewsIndex
import NewsIndexIngest

/// The input-reader targets (`csv`, `warc`, `feed`): files of our own, damaged (bytes flipped,
/// cut short, pieces put in, taken out or repeated), are read as articles through
/// `ArticleInputs.forEachArticle`, plain and gzip-compressed. Reading must end, never trap; it
/// may throw only `NewsIndexError`; the plain and the compressed file must give the same
/// articles and bad documents (the readers stream, so the bytes arrive in other pieces); each
/// bad document must name the file.
package struct InputFuzzer {
    /// Which reader a fuzzer feeds.
    package enum Format: String, Sendable {
        case csv, warc, feed

        var fileExtension: String {
            switch self {
            case .csv: "csv"
            case .warc: "warc"
            case .feed: "rss"
            }
        }
    }

    package let format: Format
    /// A folder for the files written.
    let directory: String

    /// A fuzzer of `format` writing its files into `directory` (made if needed).
    package init(_ format: Format, directory: String) throws {
        self.format = format
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// The valid inputs of each format.
    package static func seeds(_ format: Format) -> [[UInt8]] {
        switch format {
        case .csv:
            return [Array(("\u{FEFF}id,title,body,date\r\n" + "a1,\"Harbour \"\"strike\"\" ends\",\"Dock workers returned,\r\nafter nine days.\",2017/3/30\r\n"
                           + "a2,Ferry,Ferry prices rise again.,30.12.2022\r\n").utf8),
                    Array("headline,text,published_at\nTram,The tram line opens.,1672404900\n\"Quoted, comma\",Second,\n".utf8)]
        case .warc:
            let page = "<html><head><title>Bridge</title></head><body><article><p>Repairs to the old river bridge began on Thursday and will close one lane until the autumn.</p></article></body></html>"
            let http = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n" + "40\r\n" + page.prefix(64) + "\r\n"
                + String(page.utf8.count - 64, radix: 16) + "\r\n" + page.dropFirst(64) + "\r\n0\r\n\r\n"
            func record(_ type: String, _ block: String) -> String {
                "WARC/1.0\r\nWARC-Type: \(type)\r\nWARC-Target-URI: https://fuzz.example/bridge\r\nWARC-Date: 2024-05-02T09:00:00Z\r\nContent-Type: application/http; msgtype=\(type)\r\nContent-Length: \(block.utf8.count)\r\n\r\n\(block)\r\n\r\n"
            }
            return [Array((record("request", "GET /bridge HTTP/1.1\r\nHost: fuzz.example\r\n\r\n") + record("response", http)).utf8)]
        case .feed:
            return [Array("""
                <?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Gazette</title><link>https://g.example/</link>
                <item><title>Bridge &amp; road</title><link>/bridge</link><guid>g1</guid><pubDate>Thu, 02 May 2024 09:00:00 GMT</pubDate>
                <content:encoded><![CDATA[<p>Repairs began on Thursday.</p>]]></content:encoded></item>
                <item><title>Market</title><description>&lt;p&gt;The market moves.&lt;/p&gt;</description></item></channel></rss>
                """.utf8),
                    Array(#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/"><title>A</title><entry><id>e1</id><link href="x"/><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>An <b>xhtml</b> entry.</p></div></content></entry></feed>"#.utf8),
                    Array(#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"j1","content_text":"Plain text.","date_published":"2022-12-30"}]}"#.utf8)]
        }
    }

    /// A random input and what was done to it.
    package func generate(_ rng: inout FuzzRandom) -> (bytes: [UInt8], mutation: String) {
        let seeds = InputFuzzer.seeds(format)
        let seed = rng.below(seeds.count)
        var bytes = seeds[seed]
        var done = ["seed \(seed)"]
        if rng.oneIn(10) { return (bytes, "seed \(seed) as is") }
        for _ in 0...rng.below(3) { done.append(HTMLFuzzer.mutate(&bytes, &rng)) }
        return (bytes, done.joined(separator: ", "))
    }

    /// What reading `path` gives: each document's outcome and place, or the error that ended it.
    func read(_ path: String) -> (outcomes: [String], error: Error?) {
        var outcomes: [String] = []
        do {
            let files = try ArticleInputs.collect([path]).files
            for file in files {
                try ArticleInputs.forEachArticle(in: file) { result, location in
                    let place = location.hasPrefix(path) ? String(location.dropFirst(path.count)) : "<elsewhere: \(location)>"
                    switch result {
                    case .success(let a): outcomes.append("article \(a.id) \(a.title.count) \(a.body.count) \(place)")
                    case .failure(let e): outcomes.append("bad \(e.kind) \(place)")
                    }
                }
            }
            return (outcomes, nil)
        } catch {
            return (outcomes, error)
        }
    }

    /// Checks one input (see the type's description); nil when it behaved.
    package func check(_ bytes: [UInt8], mutation: String) -> FuzzFailure? {
        func fail(_ problem: String) -> FuzzFailure {
            FuzzFailure(input: "\(format.rawValue) \(mutation) (\(bytes.count) bytes)", problem: problem)
        }
        let plain = directory + "/input." + format.fileExtension
        let packed = plain + ".gz"
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: plain))
            try Data(Gzip.compress(bytes)).write(to: URL(fileURLWithPath: packed))
        } catch {
            return fail("cannot write the input files: \(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: plain); try? FileManager.default.removeItem(atPath: packed) }
        let a = read(plain), b = read(packed)
        for r in [a, b] {
            if let e = r.error, !(e is NewsIndexError) { return fail("threw a \(type(of: e)), not a NewsIndexError: \(e)") }
            if let elsewhere = r.outcomes.first(where: { $0.contains("<elsewhere") }) { return fail("a document placed in another file: \(elsewhere)") }
        }
        let strip: (String) -> String = { $0.replacingOccurrences(of: ".gz", with: "") }
        guard a.outcomes.map(strip) == b.outcomes.map(strip), (a.error == nil) == (b.error == nil) else {
            return fail("plain and gzip give different documents: \(a.outcomes.count) vs \(b.outcomes.count)\(a.error.map { " (\($0))" } ?? "")")
        }
        if mutation.hasSuffix("as is"), a.error != nil || a.outcomes.contains(where: { $0.hasPrefix("bad") }) {
            return fail("an undamaged input gave \(a.outcomes) \(a.error.map { "\($0)" } ?? "")")
        }
        return nil
    }
}
