import Foundation
import Testing
@testable import NewsIndex
@testable import NewsIndexIngest
import NewsIndexJSON
import NewsIndexTestSupport

/// The article's source: analysis, storage, `source:` queries, facets, merges and ingest.
@Suite struct SourceTests {
    static let articles: [Article] = [
        Article(id: "aj", title: "Harbour strike", body: "The harbour strike ended.", source: "Al  Jazeera"),
        Article(id: "bbc-news", title: "Harbour news", body: "The harbour reopened.", url: "https://news.bbc.co.uk/x/1",
                source: "news.bbc.co.uk"),
        Article(id: "bbc-www", title: "Harbour again", body: "A harbour again.", source: "www.BBC.co.uk"),
        Article(id: "bbc-name", title: "Elsewhere", body: "A harbour elsewhere.", source: "BBC News"),
        Article(id: "guardian", title: "Ferries", body: "Ferries and the harbour.", source: "theguardian.com"),
        Article(id: "none", title: "Nothing", body: "The harbour without a source."),
    ]

    /// The ids `query` matches, in rank order.
    func ids(_ index: IndexReader, _ query: String) throws -> [String] {
        var options = SearchOptions()
        options.limit = 100
        return try index.search(Query.parse(query), options: options).hits.map(\.id)
    }

    /// A fresh index of ``articles`` (in two segments when `split`), removed by `body`'s caller.
    func withIndex(split: Bool = false, _ body: (String) throws -> Void) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        if split {
            try build(Array(SourceTests.articles.prefix(3)), at: dir, threads: 1)
            let w = try appendWriter(dir)
            for a in SourceTests.articles.dropFirst(3) { try w.add(a) }
            try w.commit()
        } else {
            try build(SourceTests.articles, at: dir, threads: 1)
        }
        try body(dir)
    }

    @Test("a host gives itself and its parent domains of two labels or more, www. dropped; a name one normalised term")
    func analysis() {
        #expect(SourceName.analyze("news.BBC.co.uk")?.terms == ["news.bbc.co.uk", "bbc.co.uk", "co.uk"])
        #expect(SourceName.analyze("www.bbc.co.uk.")?.terms == ["bbc.co.uk", "co.uk"])
        #expect(SourceName.analyze("https://www.Reuters.com/world/x?y=1")?.terms == ["reuters.com"])
        #expect(SourceName.analyze("www.com")?.terms == ["www.com"])
        let name = SourceName.analyze("  Al \t Jazeera ")
        #expect(name?.terms == ["al jazeera"] && name?.display == "Al Jazeera")
        #expect(SourceName.analyze("Yahoo! News")?.terms == ["yahoo! news"])
        #expect(SourceName.analyze(" \n ") == nil)
        #expect(SourceName.host(ofURL: "https://user@WWW.Example.org:8080/a") == "example.org")
        #expect(SourceName.host(ofURL: "example.org/a") == nil)
        #expect(SourceName.queryTerm("WWW.BBC.CO.UK") == "bbc.co.uk")
    }

    @Test("the source is stored, shown in hits and by article(id:), and survives reopening")
    func stored() throws {
        try withIndex { dir in
            let index = try IndexReader(path: dir)
            #expect(try index.article(id: "aj")?.source == "Al  Jazeera")
            #expect(try index.article(id: "bbc-www")?.source == "www.BBC.co.uk")
            #expect(try index.article(id: "none")?.source == nil)
            let hit = try #require(try index.search("source:theguardian.com").hits.first)
            #expect(hit.id == "guardian" && hit.source == "theguardian.com")
            #expect(try IndexCheck.run(path: dir).problems.isEmpty)
        }
    }

    @Test("source: matches a host and its subdomains, a name as a whole, in any case, and does not score")
    func queries() throws {
        try withIndex(split: true) { dir in
            let index = try IndexReader(path: dir)
            #expect(try ids(index, "source:bbc.co.uk") == ["bbc-news", "bbc-www"])
            #expect(try ids(index, "source:www.bbc.co.uk") == ["bbc-news", "bbc-www"])
            #expect(try ids(index, "source:news.bbc.co.uk") == ["bbc-news"])
            #expect(try ids(index, "source:BBC.CO.UK") == ["bbc-news", "bbc-www"])
            #expect(try ids(index, "source:co.uk") == ["bbc-news", "bbc-www"])
            #expect(try ids(index, "source:\"al jazeera\"") == ["aj"])
            #expect(try ids(index, "source:\"AL   JAZEERA\"") == ["aj"])
            #expect(try ids(index, "source:\"BBC News\"") == ["bbc-name"])
            #expect(try ids(index, "source:bbc").isEmpty)
            #expect(try ids(index, "source:jazeera").isEmpty)
            #expect(try ids(index, "source:\"https://www.theguardian.com/uk\"") == ["guardian"])
            #expect(try ids(index, "source:(theguardian.com OR \"al jazeera\")") == ["aj", "guardian"])
            #expect(try ids(index, "source:bbc*") == ["bbc-news", "bbc-www", "bbc-name"])
            #expect(try ids(index, "harbour -source:bbc.co.uk").sorted() == ["aj", "bbc-name", "guardian", "none"])
            // A filter: the words score as they would alone, and plain words never reach the field.
            let alone = try index.search("harbour", limit: 10).hits.filter { $0.id == "guardian" }.map(\.score)
            let filtered = try index.search("harbour source:theguardian.com", limit: 10).hits.map(\.score)
            #expect(filtered == alone)
            #expect(try ids(index, "jazeera").isEmpty && ids(index, "theguardian").isEmpty)
            #expect(try index.search("source:theguardian.com", limit: 1).hits.first?.score == 0)
        }
    }

    @Test("bad source: syntax is refused as for url:")
    func badSyntax() throws {
        for q in ["source:", "source:()", "source:\"\""] {
            #expect(throws: NewsIndexError.self, "\(q)") {
                try withIndex { dir in _ = try IndexReader(path: dir).search(q) }
            }
        }
        do {
            _ = try Query.parse("source:")
            Issue.record("source: with no value parsed")
        } catch let e as NewsIndexError {
            #expect(e.kind == .badQuery && e.message.contains("source: needs a value"), "\(e.message)")
        }
    }

    @Test("source facets count the matching documents per source, deleted ones left out")
    func facets() throws {
        try withIndex(split: true) { dir in
            var index = try IndexReader(path: dir)
            var options = SearchOptions()
            options.sourceFacets = true
            let r = try index.search(Query.parse("harbour"), options: options)
            #expect(r.sources == [SourceCount(name: "Al Jazeera", documents: 1), SourceCount(name: "BBC News", documents: 1),
                                  SourceCount(name: "bbc.co.uk", documents: 1), SourceCount(name: "news.bbc.co.uk", documents: 1),
                                  SourceCount(name: "theguardian.com", documents: 1)])
            #expect(r.entities.isEmpty)
            #expect(try index.search(Query.parse("harbour"), options: SearchOptions()).sources.isEmpty)
            #expect(try index.sourceCounts(matching: Query.parse("source:bbc.co.uk")).map(\.documents) == [1, 1])
            let w = try appendWriter(dir)
            #expect(try w.delete(id: "bbc-www"))
            try w.add(Article(id: "bbc-2", title: "More", body: "Harbour.", source: "bbc.co.uk"))
            try w.commit()
            index = try IndexReader(path: dir)
            let all = try index.sourceCounts()
            #expect(all.first == SourceCount(name: "bbc.co.uk", documents: 1) || all.contains(SourceCount(name: "bbc.co.uk", documents: 1)))
            #expect(all.reduce(0) { $0 + $1.documents } == 5)
        }
    }

    @Test("check finds norms without the source field in a version-6 segment, and a source norm that disagrees with its terms")
    func checkValidatesTheSourceField() throws {
        try withIndex { dir in
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".nrm") })
            let path = dir + "/" + name
            let original = try FileIO.readFile(path)
            let n = SourceTests.articles.count
            let countAt = FormatConstants.headerSize + 4
            // Norms --> Header, DocCount, FieldCount, (FieldNumber, DocsWithField, SumTotalTermFreq, Norm^DocCount)^5, Footer
            let sourceAt = countAt + 1 + 4 * (1 + 4 + 8 + n)
            #expect(original[sourceAt] == IndexedField.source.rawValue)
            func damaged(_ edit: (inout [UInt8]) -> Void) throws -> [IndexProblem] {
                var bytes = original
                edit(&bytes)
                CheckFixture.rewriteCRC(&bytes)
                try FileManager.default.removeItem(atPath: path)
                try FileIO.writeFile(path, bytes)
                return try IndexCheck.run(path: dir).problems
            }
            let without = try damaged { b in
                b[countAt] = 4
                b.removeSubrange(sourceAt..<(sourceAt + 1 + 4 + 8 + n))
            }
            #expect(without.contains { $0.offset == countAt && $0.message.contains("FieldCount is 4, but every segment of format version \(FormatConstants.currentVersion) has norms for the 5 indexed fields") }, "\(without)")
            let firstSourceNorm = sourceAt + 1 + 4 + 8
            let off = try damaged { b in b[firstSourceNorm] &+= 1 }
            #expect(off.contains { $0.offset == firstSourceNorm && $0.message.contains("document 0's norm in field source") }, "\(off)")
        }
    }

    @Test("a merge keeps every source, stored and searchable")
    func mergeKeepsSources() throws {
        try withIndex(split: true) { dir in
            let before = try IndexReader(path: dir)
            #expect(before.segments.count == 2)
            let queries = ["source:bbc.co.uk", "source:\"al jazeera\"", "source:theguardian.com", "harbour source:co.uk"]
            let expected = try queries.map { try ids(before, $0) }
            let w = try appendWriter(dir)
            w.merge(maxSegments: 1)
            try w.commit()
            let merged = try IndexReader(path: dir)
            #expect(merged.segments.count == 1)
            #expect(try queries.map { try ids(merged, $0) } == expected)
            #expect(try merged.article(id: "aj")?.source == "Al  Jazeera")
            #expect(try merged.sourceCounts().count == 5)
            #expect(try IndexCheck.run(path: dir).problems.isEmpty)
        }
    }

    @Test("ingest reads source from JSON Lines, else the URL's host; a text page the host of its URL line")
    func ingest() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let lines = """
            {"id":"a","body":"x","source":"Reuters","url":"https://www.bbc.co.uk/a"}
            {"id":"b","body":"x","url":"https://WWW.BBC.co.uk/news/b"}
            {"id":"c","body":"x","source":null}
            """
        try lines.write(toFile: dir + "/feed.jsonl", atomically: true, encoding: .utf8)
        let page = "Local News\n\nHarbour strike ends after dockers accept new deal\n\nhttps://www.coastherald.example/news/strike\n\nThe strike ended on Thursday after the dockers voted for the deal.\n"
        try page.write(toFile: dir + "/page.txt", atomically: true, encoding: .utf8)
        var got: [String: String?] = [:]
        for file in try ArticleInputs.collect([dir]).files {
            try ArticleInputs.forEachArticle(in: file) { result, _ in
                let a = try result.get()
                got.updateValue(a.source, forKey: a.id)
            }
        }
        #expect(got["a"] == .some("Reuters"))
        #expect(got["b"] == .some("bbc.co.uk"))
        #expect(got["c"] == .some(nil))
        #expect(got["page"] == .some("coastherald.example"))
    }

    @Test("JSON: hits and articles have a source key (null when absent), results a sources array")
    func json() throws {
        try withIndex { dir in
            let index = try IndexReader(path: dir)
            var options = SearchOptions()
            options.sourceFacets = true
            let r = try index.search(Query.parse("source:\"al jazeera\""), options: options)
            let hit = try JSONOutput.line(SearchHitJSON(try #require(r.hits.first)))
            #expect(hit.contains(#""snippet":"The harbour strike ended.","source":"Al  Jazeera","title""#), "\(hit)")
            let results = try JSONOutput.line(SearchResultsJSON(r))
            #expect(results.contains(#""sources":[{"documents":1,"name":"Al Jazeera"}]"#), "\(results)")
            let none = try JSONOutput.line(ArticleJSON(try #require(try index.article(id: "none"))))
            #expect(none.contains(#""set_aside":null,"source":null,"title""#), "\(none)")
            let decoded = try JSONDecoder().decode(SearchResultsJSON.self, from: Data(results.utf8))
            #expect(decoded.sources.map(\.name) == ["Al Jazeera"])
        }
    }

    @Test("search prints the sources of the matches under the hits; show prints the source")
    func cli() throws {
        try withIndex { dir in
            let r = try CLI.run(["search", "harbour", "--index", dir])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.contains("Sources of the 6 matches (documents):\n  Al Jazeera 1 · BBC News 1 · bbc.co.uk 1 · news.bbc.co.uk 1 · theguardian.com 1"), "\(r.out)")
            let show = try CLI.run(["show", "bbc-www", "--index", dir])
            #expect(show.out.contains("source    www.BBC.co.uk"), "\(show.out)")
        }
    }
}
