import Foundation
import Testing
@testable import NewsIndex
import NewsIndexTestSupport

/// Several indexes searched as one (`Archive`, the two-phase statistics API) against one index
/// of their union.
@Suite(.needsSharedCorpus) struct ArchiveTests {
    /// The 350 ABC articles with made-up dates and sources: the first third in October 2022, the
    /// second in November, the last in December; sources in turn.
    static func datedArticles() throws -> [Article] {
        let articles = try leeArticles()
        let october = Int64(1_664_582_400)   // 2022-10-01T00:00:00Z
        let third = (articles.count + 2) / 3
        let sources = ["abc.net.au", "Reuters", "The Guardian", "news.bbc.co.uk"]
        return articles.enumerated().map { k, a in
            var a = a
            let month = Int64(k / third), day = Int64(k % third) % 28
            a.date = ArticleDate(secondsSinceEpoch: october + month * 31 * 86_400 + day * 86_400 + Int64(k) * 60, text: "")
            a.source = sources[k % sources.count]
            return a
        }
    }

    /// Three indexes of a third of the articles each, and one of all of them, in the same order.
    final class Fixture {
        let root: String
        let parts: [String]
        let union: String

        init() throws {
            let root = temporaryDirectory("archive")
            self.root = root
            let articles = try ArchiveTests.datedArticles()
            let third = (articles.count + 2) / 3
            parts = (0..<3).map { "\(root)/part\($0)" }
            for (k, p) in parts.enumerated() {
                try build(Array(articles[(k * third)..<min(articles.count, (k + 1) * third)]), at: p)
            }
            union = root + "/union"
            try build(articles, at: union)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    static let queries = [
        "fire", "bushfire OR flood", "\"prime minister\"", "sydney AND police -fire", "gov*", "\"security forc*\"",
        "afghanistan NEAR/5 taliban", "title:israel", "\"mr arafat\"~3 israeli", "entity:\"john howard\"",
        "qantas", "the", "fire date:2022-11", "police date:>=2022-11-15", "source:reuters fire",
    ]

    func same(_ a: SearchResults, _ b: SearchResults, _ what: String) {
        if a.totalHitsIsExact && b.totalHitsIsExact {
            #expect(a.totalHits == b.totalHits, "\(what): total hits")
        } else {
            // Pruned: both are lower bounds, at least the hits returned.
            #expect(!a.totalHitsIsExact && !b.totalHitsIsExact && a.totalHits >= a.hits.count, "\(what): total hits are a lower bound")
        }
        #expect(a.hits.map(\.id) == b.hits.map(\.id), "\(what): ids")
        #expect(a.hits.map(\.score) == b.hits.map(\.score), "\(what): scores")
        #expect(a.hits.map(\.rank) == b.hits.map(\.rank), "\(what): ranks")
        #expect(a.hits.map(\.snippet.text) == b.hits.map(\.snippet.text), "\(what): snippets")
        #expect(a.entities == b.entities, "\(what): entity facets")
        #expect(a.sources == b.sources, "\(what): source facets")
    }

    @Test func anArchiveSearchesAsOneIndexOfTheUnion() throws {
        let f = try Fixture()
        let archive = try Archive(paths: f.parts)
        let union = try IndexReader(path: f.union)
        #expect(archive.documentCount == union.documentCount)
        var compared = 0
        for text in ArchiveTests.queries {
            let query = try Query.parse(text)
            for (label, options) in ArchiveTests.optionVariants() {
                let want = try union.search(query, options: options)
                let got = try archive.search(query, options: options)
                same(got, want, "\(text) with \(label)")
                if !want.hits.isEmpty { compared += 1 }
            }
        }
        // The comparisons are not vacuous: most queries find something.
        #expect(compared > ArchiveTests.queries.count * 3)
    }

    static func optionVariants() -> [(String, SearchOptions)] {
        var plain = SearchOptions()
        plain.limit = 10
        var paged = plain
        paged.offset = 7
        paged.limit = 5
        var pruned = plain
        pruned.countAllMatches = false
        pruned.limit = 3
        var faceted = plain
        faceted.entityFacets = true
        faceted.sourceFacets = true
        var byDate = plain
        byDate.order = .date
        var many = plain
        many.limit = 400
        var bm25 = plain
        bm25.ranking = .bm25
        var recent = paged
        recent.recency = SearchOptions.Recency(pivot: 30 * 86_400)
        recent.now = Date(timeIntervalSince1970: 1_672_531_200)   // 2023-01-01
        return [("10 hits", plain), ("a page", paged), ("pruning", pruned), ("facets", faceted), ("date order", byDate), ("all hits", many),
                ("BM25", bm25), ("recency", recent)]
    }

    @Test func hitsSayWhichIndexHoldsThemAndExplanationsUseTheSummedStatistics() throws {
        let f = try Fixture()
        let archive = try Archive(paths: f.parts)
        let union = try IndexReader(path: f.union)
        var options = SearchOptions()
        options.explain = true
        options.limit = 20
        let got = try archive.search(try Query.parse("fire OR police"), options: options)
        let want = try union.search(try Query.parse("fire OR police"), options: options)
        #expect(Set(got.hits.map(\.indexNumber)).count > 1, "the best hits come from several indexes")
        for hit in got.hits {
            #expect(try archive.indexes[hit.indexNumber].article(id: hit.id) != nil)
        }
        #expect(got.hits.map { $0.explanation?.description } == want.hits.map { $0.explanation?.description })
    }

    @Test func theStatisticsCrossAProcessBoundaryAsJSON() throws {
        let f = try Fixture()
        let shards = try f.parts.map { try IndexReader(path: $0) }
        let union = try IndexReader(path: f.union)
        for text in ["\"prime minister\" OR qantas", "gov*", "\"security forc*\""] {
            let query = try Query.parse(text)
            // Phase one: each shard's statistics, sent as JSON, summed at the root.
            let answers = try shards.map { try JSONEncoder().encode(try $0.statistics(for: query)) }
            let summed = SearchStatistics(merging: try answers.map { try JSONDecoder().decode(SearchStatistics.self, from: $0) })
            #expect(summed.documentCount == union.documentCount)
            #expect(summed == (try union.statistics(for: query)) || text.contains("*"),
                    "without prefixes the sum is the union's own statistics")
            // Phase two: each shard scores with the sum; the root merges by score.
            var options = SearchOptions()
            options.statistics = summed
            options.limit = 50
            let merged = try shards.flatMap { try $0.search(query, options: options).hits }
                .sorted { $0.score > $1.score }
            let want = try union.search(query, options: { var o = SearchOptions(); o.limit = 50; return o }())
            let scores = Dictionary(merged.map { ($0.id, $0.score) }, uniquingKeysWith: { a, _ in a })
            #expect(!want.hits.isEmpty)
            for hit in want.hits {
                #expect(scores[hit.id] == hit.score, "\(text): \(hit.id) scores the same on its shard")
            }
            // Without the summed statistics a shard scores with its own, which differ.
            let own = try shards[0].search(query, options: { var o = SearchOptions(); o.limit = 50; return o }())
            if let h = own.hits.first, let global = scores[h.id] { #expect(h.score != global) }
        }
    }

    @Test func indexesOutsideADateFilterArePassedOver() throws {
        let f = try Fixture()
        let archive = try Archive(paths: f.parts)
        let planNovember = try Query.parse("fire date:2022-11")
        let mayMatch = try archive.indexes.map { try $0.mayMatch($0.plan(planNovember, options: SearchOptions())) }
        #expect(mayMatch == [false, true, false])
        let december = try Query.parse("police date:>=2022-12-01")
        #expect(try archive.indexes.map { try $0.mayMatch($0.plan(december, options: SearchOptions())) } == [false, false, true])
        // Not a date filter the index can rule out: every index is searched.
        let either = try Query.parse("fire OR date:2022-11")
        #expect(try archive.indexes.map { try $0.mayMatch($0.plan(either, options: SearchOptions())) } == [true, true, true])
        // And the results of a filtered search still equal the union's.
        let union = try IndexReader(path: f.union)
        same(try archive.search(planNovember), try union.search(planNovember), "fire date:2022-11")
        #expect(try archive.search(planNovember).totalHits > 0)
    }

    @Test func indexesOfDifferentAnalyzersAreRefused() throws {
        let f = try Fixture()
        let other = f.root + "/simple"
        var options = IndexWriter.Options()
        options.analyzer = .simple
        let w = try IndexWriter(path: other, options: options)
        try w.add(Article(id: "x", title: "Harbour strike", body: "The dockers went back to work."))
        try w.commit()
        #expect(throws: NewsIndexError.self) { try Archive(paths: [f.parts[0], other]) }
        #expect(throws: NewsIndexError.self) { try Archive(indexes: []) }
    }

    @Test func theCommandLineSearchesSeveralIndexesAsOne() throws {
        let f = try Fixture()
        let list = f.root + "/indexes.txt"
        try "# the three parts\npart0\npart1   # November\n\npart2\n".write(toFile: list, atomically: true, encoding: .utf8)
        for query in ["bushfire OR flood", "\"prime minister\"", "fire date:2022-11"] {
            let want = try CLI.ids(query, index: f.union, limit: 20)
            let repeated = try CLI.run(["search", query, "--limit", "20", "--json"] + f.parts.flatMap { ["--index", $0] })
            #expect(repeated.status == 0, "\(repeated.err)")
            let lines = repeated.out.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(lines.map { $0["id"] as! String } == want, "\(query)")
            #expect(lines.allSatisfy { f.parts.contains($0["index"] as! String) })
            let listed = try CLI.run(["search", query, "--limit", "20", "--json", "--archive", list])
            #expect(listed.status == 0, "\(listed.err)")
            #expect(listed.out == repeated.out)
        }
        let missing = try CLI.run(["search", "fire", "--archive", f.root + "/no-such-list.txt"])
        #expect(missing.status == 66)
        #expect(missing.err.contains("no-such-list.txt"))
        try "# nothing\n".write(toFile: list, atomically: true, encoding: .utf8)
        let empty = try CLI.run(["search", "fire", "--archive", list])
        #expect(empty.status == 65)
        #expect(empty.err.contains("names no index"))
    }
}
