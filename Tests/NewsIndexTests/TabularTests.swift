import Foundation
import Testing
@testable import NewsIndexIngest
import NewsIndex
import NewsIndexTestSupport

/// The articles (or bad documents) of a CSV or TSV text, read as `name`.
private func rows(_ text: String, name: String = "news.csv", fields: FieldMapping = FieldMapping(), maxBytes: Int = 1 << 20)
    throws -> [Result<Article, BadDocument>] {
    let dir = temporaryDirectory("newsindex-csv")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/" + name
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    var options = ReadOptions()
    options.fields = fields
    options.maxDocumentBytes = maxBytes
    var out: [Result<Article, BadDocument>] = []
    let kind: InputFile.Kind = name.hasSuffix(".tsv") ? .tsv : .csv
    try ArticleInputs.forEachArticle(in: InputFile(path: path, kind: kind, size: text.utf8.count), options: options) { result, _, _, _ in
        out.append(result)
    }
    return out
}

private func articles(_ results: [Result<Article, BadDocument>]) -> [Article] {
    results.compactMap { if case .success(let a) = $0 { a } else { nil } }
}

private func bad(_ results: [Result<Article, BadDocument>]) -> [BadDocument] {
    results.compactMap { if case .failure(let b) = $0 { b } else { nil } }
}

@Suite("CSV and TSV, and field mapping")
struct TabularTests {
    @Test("RFC 4180: quoted fields, doubled quotes, line breaks inside quotes, CRLF, a BOM; lines counted across quoted breaks")
    func quoting() throws {
        let csv = "\u{FEFF}id,title,body,date\r\n"
            + "a1,\"Harbour \"\"strike\"\" ends\",\"Dock workers returned, after nine days.\r\nA second paragraph.\",2017/3/30\r\n"
            + "a2,Plain,\"Ferry prices, again\",30.12.2022\r\n"
            + "\r\n"
            + "a3,Last,No line break at the end,\n"
        let read = try rows(csv)
        let got = articles(read)
        #expect(got.map(\.id) == ["a1", "a2", "a3"])
        #expect(got[0].title == "Harbour \"strike\" ends")
        #expect(got[0].body == "Dock workers returned, after nine days.\r\nA second paragraph.")
        #expect(got[0].date?.text == "2017/3/30" && got[1].date != nil && got[2].date == nil)
        #expect(got[1].body == "Ferry prices, again")
    }

    @Test("a row of the wrong shape or with an unclosed quote is a bad document at the line where it starts; the rows after it are read")
    func badRows() throws {
        let csv = "id,title,body\n" + "b1,One,First body\n" + "b2,Two\n" + "b3,Three,\"multi\nline body\"\n" + "b4,Four,Fourth body\n" + "b5,Five,\"never closed\n"
        let dir = temporaryDirectory("newsindex-csv-bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try csv.write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        var places: [String: String] = [:]
        try ArticleInputs.forEachArticle(in: InputFile(path: dir + "/bad.csv", kind: .csv, size: csv.utf8.count), options: ReadOptions()) { result, location, _, _ in
            switch result {
            case .success(let a): places[a.id] = "\(location.line ?? 0)"
            case .failure(let b): places["bad \(b.reason)@\(location.line ?? 0)"] = b.detail
            }
        }
        #expect(places["b1"] == "2" && places["b3"] == "4" && places["b4"] == "6")
        #expect(places["bad not a well-formed row@3"]?.contains("2 fields and the header 3") == true)
        #expect(places["bad not a well-formed row@7"]?.contains("never closed") == true)
        #expect(places.count == 5)
    }

    @Test("TSV: tabs separate, a field may still be quoted; gzip CSV reads the same")
    func tsvAndGzip() throws {
        let tsv = "id\ttitle\tbody\n" + "t1\tA title, with a comma\tThe body\thas no tab quoted\n" + "t2\t\"Quoted\ttab\"\tSecond body\n"
        let read = try rows(tsv, name: "news.tsv")
        #expect(articles(read).map(\.id) == ["t2"])
        #expect(articles(read).first?.title == "Quoted\ttab")
        #expect(bad(read).first?.reason == .malformedRow)

        let dir = temporaryDirectory("newsindex-csv-gz")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = "id,body\n" + (0..<300).map { "g\($0),Body number \($0) of the archive\n" }.joined()
        try Data(Gzip.compress(Array(csv.utf8))).write(to: URL(fileURLWithPath: dir + "/dump.csv.gz"))
        let files = try ArticleInputs.collect([dir]).files
        #expect(files.map(\.kind) == [.csv] && files.first?.isGzip == true)
        var ids: [String] = []
        try ArticleInputs.forEachArticle(in: files[0], options: ReadOptions()) { result, _, _, _ in
            if case .success(let a) = result { ids.append(a.id) }
        }
        #expect(ids == (0..<300).map { "g\($0)" })
    }

    @Test("the usual names of news dumps: text, headline, published_at, link, publication; the field's own name wins; no id column gives NAME:ROW")
    func usualNames() throws {
        let csv = "headline,text,body,published_at,link,publication\n" + "Night buses,Text column,Body column,2022-12-30,https://example.org/x,Valley Gazette\n"
        let a = try #require(articles(try rows(csv, name: "dump.csv")).first)
        #expect(a.id == "dump:1" && a.title == "Night buses" && a.body == "Body column")
        #expect(a.date?.text == "2022-12-30" && a.url == "https://example.org/x" && a.source == "Valley Gazette")

        let line = Array(#"{"id":"j1","headline":"Tram line","content":"The tram line opens","pubDate":"Fri, 30 Dec 2022 07:55:00 GMT","site":"Metro Post","author":["A","B"]}"#.utf8)
        var lines = 0
        var got: [Result<Article, BadDocument>] = []
        try line.withUnsafeBufferPointer { buffer in
            try JSONLines.parse(buffer, file: "m.jsonl", linesBefore: &lines) { r, _, _ in got.append(r) }
        }
        let j = try #require(try got.first?.get())
        #expect(j.title == "Tram line" && j.body == "The tram line opens" && j.source == "Metro Post")
        #expect(j.date?.secondsSinceEpoch == ArticleDate(parsing: "2022-12-30T07:55:00Z")?.secondsSinceEpoch)
        // An author that is not a string is passed over (a usual name), not a bad document.
        #expect(j.byline == nil)
    }

    @Test("--field maps fields to other names and dotted paths; a mapped field of the wrong type is a bad document naming its path")
    func mapping() throws {
        let fields = try FieldMapping(["id=uuid", "body=content.text", "date=meta.when", "title=headline"])
        let text = #"{"uuid":7,"headline":"Night buses","content":{"html":"<p>x</p>","text":"The night bus returns."},"meta":{"when":"30.12.2022","n":[1,2]},"body":"not this one"}"#
            + "\n" + #"{"uuid":"u2","content":{"text":["a list"]}}"# + "\n"
        var lines = 0
        var got: [Result<Article, BadDocument>] = []
        try Array(text.utf8).withUnsafeBufferPointer { buffer in
            try JSONLines.parse(buffer, file: "m.jsonl", linesBefore: &lines, fields: fields) { r, _, _ in got.append(r) }
        }
        let a = try #require(try got.first?.get())
        #expect(a.id == "7" && a.body == "The night bus returns." && a.title == "Night buses" && a.date?.text == "30.12.2022")
        guard case .failure(let b) = got.last else { Issue.record("the second line should be refused"); return }
        #expect(b.reason == .wrongFieldType && b.detail.contains("content.text"))

        let csv = "Story ID,Story Text\n" + "s1,Column names with spaces are matched whatever their case\n"
        let c = try #require(articles(try rows(csv, fields: try FieldMapping(["id=story id", "body=STORY TEXT"]))).first)
        #expect(c.id == "s1" && c.body.hasPrefix("Column names"))

        #expect(throws: NewsIndexError.self) { try FieldMapping(["body"]) }
        #expect(throws: NewsIndexError.self) { try FieldMapping(["summary=abstract"]) }
        #expect(throws: NewsIndexError.self) { try FieldMapping(["body=content..text"]) }
    }

    @Test("the CLI: a CSV builds and searches; --format csv on standard input; an unknown --field is a usage error (64); an unreadable date is indexed undated")
    func cli() throws {
        let dir = temporaryDirectory("newsindex-csv-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = "id,title,text,published,site\n" + "k1,Harbour strike ends,Dock workers returned to work on Wednesday.,2017/3/30,Coastline Courier\n"
            + "k2,Ferry prices,Ferry prices rise again this summer.,sometime soon,Coastline Courier\n"
        try csv.write(toFile: dir + "/news.csv", atomically: true, encoding: .utf8)
        let built = try CLI.run(["build", dir + "/news.csv", "--index", dir + "/idx"])
        #expect(built.status == 0, "\(built.err)")
        #expect(built.err.contains("news.csv:3: unreadable date \"sometime soon\""), "\(built.err)")
        #expect(try CLI.ids("dock workers", index: dir + "/idx") == ["k1"])
        #expect(try CLI.ids("source:\"Coastline Courier\"", index: dir + "/idx").sorted() == ["k1", "k2"])
        let piped = try CLI.run(["build", "-", "--format", "csv", "--index", dir + "/idx2"], input: csv)
        #expect(piped.status == 0, "\(piped.err)")
        #expect(try CLI.ids("ferry", index: dir + "/idx2") == ["k2"])
        let wrong = try CLI.run(["build", dir + "/news.csv", "--index", dir + "/idx3", "--field", "summary=text"])
        #expect(wrong.status == 64 && wrong.err.contains("not an article field"), "\(wrong.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/idx3"))
        let help = try CLI.run(["build", "--help"])
        #expect(help.out.contains("--field") && help.out.contains("body=content.text"))
    }
}
