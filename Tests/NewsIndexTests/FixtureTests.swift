import Foundation
import Testing
@testable import NewsIndex
@testable import NewsIndexIngest
import NewsIndexTestSupport

/// The frozen index of each format version (Fixtures/index-v<N>/, written by scripts/make-fixture)
/// and the reproducible builds that make it.
@Suite struct FixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let samples = root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("samples").path
    static func fixture(_ version: UInt32) -> String { root.appendingPathComponent("Fixtures/index-v\(version)").path }

    /// The fixture's recipe: the three samples, with two local entities, in one segment; then a
    /// second commit deletes wire-001, so the fixture has a deletions file too.
    static func buildSamples(at dir: String, seed: UInt64? = 15, clock: UInt64 = 1_710_000_000) throws {
        var options = IndexWriter.Options()
        options.threads = 1
        options.segmentIDSeed = seed
        options.clock = { clock }
        options.entityDefinitions = [("fixture", "Eastport | place | Eastport\nRiver Aln | place | River Aln; Aln\n")]
        let writer = try IndexWriter(path: dir, options: options)
        for file in try ArticleInputs.collect([samples]).files {
            try ArticleInputs.forEachArticle(in: file, withSizes: { result, _, size in
                try writer.add(try result.get(), inputBytes: size)
            })
        }
        try writer.commit()
        options.mode = .append
        options.entityDefinitions = []
        let append = try IndexWriter(path: dir, options: options)
        #expect(try append.delete(id: "wire-001"))
        try append.commit()
        // The lock file holds the writer's PID, and belongs to no commit.
        try? FileManager.default.removeItem(atPath: dir + "/" + FormatConstants.lockName)
    }

    /// Every file of an index directory, the lock aside, by name.
    static func files(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name != FormatConstants.lockName {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
        return out
    }

    @Test("with a seed, a clock and one thread, two builds write byte-identical files; without a seed they differ")
    func seededBuildsAreReproducible() throws {
        let a = temporaryDirectory(), b = temporaryDirectory(), c = temporaryDirectory()
        defer { for d in [a, b, c] { try? FileManager.default.removeItem(atPath: d) } }
        try FixtureTests.buildSamples(at: a)
        try FixtureTests.buildSamples(at: b)
        try FixtureTests.buildSamples(at: c, seed: nil)
        let fa = try FixtureTests.files(a), fb = try FixtureTests.files(b), fc = try FixtureTests.files(c)
        #expect(fa.count == 10)   // manifest, six segment files, two copy files, one deletions file
        #expect(fa == fb)
        // Random segment ids: the same names (the clock fixes the generation's time, the low bits
        // are random, so names may differ too), but never the same bytes.
        #expect(fa.values.map(\.count).sorted() == fc.values.map(\.count).sorted())
        #expect(Set(fa.values).isDisjoint(with: Set(fc.values)))
    }

    /// Writes the fixture of the current version when NEWSINDEX_WRITE_FIXTURE names the directory
    /// (scripts/make-fixture does, only when the version has none); does nothing otherwise.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["NEWSINDEX_WRITE_FIXTURE"] != nil))
    func writeFixture() throws {
        let dir = ProcessInfo.processInfo.environment["NEWSINDEX_WRITE_FIXTURE"]!
        #expect(!FileManager.default.fileExists(atPath: dir), "fixtures are never rewritten")
        try FixtureTests.buildSamples(at: dir)
    }

    /// Queries and their answers in the version-5 fixture (and the version-6 one): ids best first, with the BM25 scores
    /// the code computed when the fixture was written (an entity filter scores its mentions).
    static let expected: [(query: String, hits: [(String, Float)])] = [
        ("\"harbour strike\"", [("wire-002", 2.3691645), ("harbour-strike", 1.4975123), ("wire-003", 0.5640661)]),
        ("strike AND (ferry OR dockers)", [("harbour-strike", 2.608629), ("wire-002", 2.576229)]),
        ("flood* -river", [("wire-004", 0.7471047), ("wire-003", 0.4580941)]),
        ("entity:eastport", [("wire-002", 0.30573332), ("wire-003", 0.28203306), ("harbour-strike", 0.18875363)]),
        ("entity:\"river aln\" council", [("river-flood", 2.213251)]),
        // wire-001 (the council's budget) is deleted.
        ("council", [("river-flood", 0.54167795)]),
        ("date:2024-03-15..2024-03-16 harbour", [("wire-002", 1.1845822), ("wire-003", 0.28203306)]),
        ("title:court OR url:ferry", [("wire-004", 1.3916469), ("wire-002", 0.31506687)]),
    ]

    func answers(_ index: IndexReader, _ text: String) throws -> [(String, Float)] {
        var options = SearchOptions()
        options.ranking = .bm25
        options.limit = 100
        options.snippets = false
        return try index.search(try Query.parse(text), options: options).hits.map { ($0.id, $0.score) }
    }

    /// Queries on sources in the version-6 fixture (the wire articles' source is their URL's host;
    /// the text pages have none), with their answers when it was written: filters, so 0 alone.
    static let expectedSources: [(query: String, hits: [(String, Float)])] = [
        ("source:example.org", [("wire-002", 0), ("wire-003", 0)]),
        ("harbour source:EXAMPLE.org", [("wire-002", 1.1845822), ("wire-003", 0.28203306)]),
        ("harbour -source:example.org", [("harbour-strike", 1.0283508)]),
    ]

    @Test("the committed version-6 fixture opens, checks clean and answers as it did when written, sources too")
    func theVersion6FixtureAnswers() throws {
        let dir = FixtureTests.fixture(6)
        let index = try IndexReader(path: dir)
        #expect(index.documentCount == 5)
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
        #expect(try index.article(id: "wire-002")?.source == "example.org")
        #expect(try index.article(id: "harbour-strike")?.source == nil)
        #expect(try index.sourceCounts() == [SourceCount(name: "example.org", documents: 2)])
        for (query, hits) in FixtureTests.expected + FixtureTests.expectedSources {
            let got = try answers(index, query)
            #expect(got.map(\.0) == hits.map(\.0), "\(query)")
            #expect(got.map(\.1) == hits.map(\.1), "\(query)")
        }
    }

    @Test("the committed version-7 fixture opens, checks clean, answers as the older ones did, and has a copy group per article")
    func theVersion7FixtureAnswers() throws {
        let dir = FixtureTests.fixture(7)
        let index = try IndexReader(path: dir)
        #expect(index.documentCount == 5)
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
        for (query, hits) in FixtureTests.expected + FixtureTests.expectedSources {
            let got = try answers(index, query)
            #expect(got.map(\.0) == hits.map(\.0), "\(query)")
            #expect(got.map(\.1) == hits.map(\.1), "\(query)")
        }
        // The sample articles are different stories.
        #expect(index.copyGroups.articles == 0)
        for id in ["wire-002", "wire-003", "harbour-strike"] {
            #expect(try index.copies(ofID: id).map(\.id) == [id])
        }
    }

    @Test("a version-6 index takes version-7 segments: copies among the new articles are grouped, the old ones are each a story, and a merge keeps both")
    func appendingToTheVersion6Fixture() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: FixtureTests.fixture(6), toPath: dir)
        let body = (1...40).map { "Sentence \($0) of the ferry operators' statement on the harbour strike." }.joined(separator: " ")
        let w = try appendWriter(dir)
        try w.add(Article(id: "copy-a", title: "Ferry statement", body: body))
        try w.add(Article(id: "copy-b", title: "Operators speak", body: body + " Reporting by a local desk."))
        try w.commit()
        let mixed = try IndexReader(path: dir)
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
        #expect(Set(try mixed.copies(ofID: "copy-a").map(\.id)) == ["copy-a", "copy-b"])
        #expect(try mixed.copies(ofID: "wire-002").map(\.id) == ["wire-002"])
        let m = try appendWriter(dir)
        m.merge(maxSegments: 1)
        try m.commit()
        let merged = try IndexReader(path: dir)
        #expect(merged.segmentCount == 1)
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
        #expect(Set(try merged.copies(ofID: "copy-b").map(\.id)) == ["copy-a", "copy-b"])
        #expect(try merged.copies(ofID: "wire-003").map(\.id) == ["wire-003"])
        var options = SearchOptions()
        options.collapse = true
        let r = try merged.search(Query.term("ferry"), options: options)
        #expect(r.totalStories == r.totalHits - 1)
    }

    @Test("a version-5 index takes version-6 segments beside its own: sources of the new ones are found, and a merge makes one version-6 segment")
    func appendingToTheVersion5Fixture() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: FixtureTests.fixture(5), toPath: dir)
        let v5 = try IndexReader(path: dir)
        #expect(try v5.search("source:example.org").totalHits == 0)
        #expect(try v5.article(id: "wire-002")?.source == nil)
        #expect(try v5.sourceCounts().isEmpty)
        var options = IndexWriter.Options()
        options.mode = .append
        let w = try IndexWriter(path: dir, options: options)
        try w.add(Article(id: "new-1", title: "Harbour reopens", body: "The harbour reopened.", source: "news.bbc.co.uk"))
        #expect(try w.delete(id: "wire-003"))
        try w.commit()
        let mixed = try IndexReader(path: dir)
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
        #expect(try mixed.search("source:bbc.co.uk").hits.map(\.id) == ["new-1"])
        #expect(try mixed.search("harbour").hits.map(\.id).contains("new-1"))
        #expect(try mixed.sourceCounts() == [SourceCount(name: "news.bbc.co.uk", documents: 1)])
        let m = try IndexWriter(path: dir, options: options)
        m.merge(maxSegments: 1)
        try m.commit()
        let merged = try IndexReader(path: dir)
        #expect(merged.segments.count == 1 && merged.documentCount == 5)
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
        #expect(try merged.search("source:bbc.co.uk").hits.map(\.id) == ["new-1"])
        #expect(try merged.article(id: "wire-002")?.source == nil)
    }

    @Test("the committed version-5 fixture opens, checks clean and answers as it did when written")
    func theVersion5FixtureAnswers() throws {
        let dir = FixtureTests.fixture(5)
        let index = try IndexReader(path: dir)
        #expect(index.documentCount == 5)   // six articles, one deleted
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
        #expect(try index.article(id: "wire-001") == nil)
        #expect(try index.article(id: "harbour-strike")?.title == "Harbour strike ends after dockers accept new pay deal")
        let fresh = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: fresh) }
        try FixtureTests.buildSamples(at: fresh)
        let rebuilt = try IndexReader(path: fresh)
        for (query, hits) in FixtureTests.expected {
            let got = try answers(index, query)
            #expect(got.map(\.0) == hits.map(\.0), "\(query)")
            // Scores exactly: the format and the scoring must not change them.
            #expect(got.map(\.1) == hits.map(\.1), "\(query)")
            // Today's code, building the same samples, gives the very same scores.
            let now = try answers(rebuilt, query)
            #expect(now.map(\.0) == got.map(\.0) && now.map(\.1) == got.map(\.1), "\(query)")
        }
    }
}
