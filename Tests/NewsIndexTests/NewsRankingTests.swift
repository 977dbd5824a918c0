import Foundation
@testable import NewsIndex
import NewsIndexTestSupport
import Testing

/// The news ranking (`SearchOptions.Ranking.news`): each part of it moves the document it
/// should, on articles written for the purpose, and BM25 stays as it was.
@Suite("News ranking")
struct NewsRankingTests {
    /// `n` filler words, each its own (so they leave the query words' statistics alone).
    static func filler(_ tag: String, _ n: Int) -> [String] { (0..<n).map { "\(tag)filler\($0)" } }

    static func search(_ index: IndexReader, _ q: String, _ configure: (inout SearchOptions) -> Void = { _ in }) throws -> SearchResults {
        var o = SearchOptions()
        o.limit = 50
        o.snippets = false
        configure(&o)
        return try index.search(Query.parse(q), options: o)
    }

    static func score(_ r: SearchResults, _ id: String) -> Float? { r.hits.first { $0.id == id }?.score }

    /// Every node of an explanation, depth first.
    static func nodes(_ e: Explanation) -> [Explanation] { [e] + e.details.flatMap(nodes) }

    @Test("another form of a word matches and scores below the exact form; BM25 matches the exact form only")
    func wordForms() throws {
        let body = Self.filler("a", 20)
        let articles = [
            Article(id: "exact", title: "", body: (["the", "two", "countries", "cooperate"] + body).joined(separator: " ")),
            Article(id: "form", title: "", body: (["the", "two", "countries", "cooperation"] + body).joined(separator: " ")),
            Article(id: "other", title: "", body: (["the", "two", "countries", "quarrel"] + body).joined(separator: " ")),
        ]
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let news = try Self.search(index, "cooperate") { $0.explain = true }
        #expect(news.hits.map(\.id) == ["exact", "form"])
        #expect(news.totalHits == 2)
        let exact = try #require(Self.score(news, "exact")), form = try #require(Self.score(news, "form"))
        #expect(form < exact && form > 0.3 * exact, "\(form) vs \(exact)")
        let e = try #require(news.hits.first { $0.id == "form" }?.explanation)
        #expect(e.description.contains("other forms count 0.5: cooperation"))
        #expect(QuerySemanticsTests.addsUp(e))
        let bm25 = try Self.search(index, "cooperate") { $0.ranking = .bm25 }
        #expect(bm25.hits.map(\.id) == ["exact"])
        // The english analyzer stems already: no forms are added, both rankings match both.
        let (stemmed, dir2) = try QuerySemanticsTests.makeIndex(articles, analyzer: .english)
        defer { try? FileManager.default.removeItem(atPath: dir2) }
        #expect(Set(try Self.search(stemmed, "cooperate").hits.map(\.id)) == ["exact", "form"])
        #expect(Set(try Self.search(stemmed, "cooperate") { $0.ranking = .bm25 }.hits.map(\.id)) == ["exact", "form"])
    }

    @Test("forms that drop an e or turn y into i are found, and an archive of the index finds the same forms and scores")
    func formsAcrossSpellings() throws {
        let f = Self.filler("g", 10).joined(separator: " ")
        let articles = [
            Article(id: "making", title: "", body: "they are making plans " + f),
            Article(id: "make", title: "", body: "they make plans " + f),
            Article(id: "city", title: "", body: "the city council met " + f),
            Article(id: "cities", title: "", body: "two cities agreed " + f),
            Article(id: "fly", title: "", body: "birds fly south " + f),
            Article(id: "flies", title: "", body: "time flies fast " + f),
            Article(id: "hoping", title: "", body: "we are hoping for rain " + f),
            Article(id: "hope", title: "", body: "there is hope " + f),
        ]
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let archive = try Archive(paths: [dir])
        for (q, both) in [("make", ["make", "making"]), ("making", ["make", "making"]), ("cities", ["cities", "city"]),
                          ("city", ["cities", "city"]), ("flies", ["flies", "fly"]), ("fly", ["flies", "fly"]),
                          ("hope", ["hope", "hoping"]), ("hoping", ["hope", "hoping"])] {
            let one = try Self.search(index, q)
            #expect(Set(one.hits.map(\.id)) == Set(both), "\(q)")
            #expect(one.hits.first?.id == q, "the exact form first: \(q)")
            var o = SearchOptions()
            o.snippets = false
            let many = try archive.search(Query.parse(q), options: o)
            #expect(many.hits.map(\.id) == one.hits.map(\.id) && many.hits.map(\.score) == one.hits.map(\.score), "\(q) in an archive")
        }
    }

    @Test("a word in the lead counts more (once, however often it is there); BM25 ties the two")
    func lead() throws {
        // The same words and length; only the position of "harbour" differs.
        // The lead is the first 80 words (NewsWeights.leadLength).
        let f = Self.filler("b", 140)
        let early = Array(f[0..<5]) + ["harbour"] + Array(f[5..<140])
        let late = Array(f[0..<110]) + ["harbour"] + Array(f[110..<140])
        let articles = [
            Article(id: "late", title: "", body: late.joined(separator: " ")),
            Article(id: "early", title: "", body: early.joined(separator: " ")),
            Article(id: "twice", title: "", body: (["harbour", "harbour"] + Array(f[0..<100]) + ["harbour"] + Array(f[100..<137])).joined(separator: " ")),
        ]
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bm25 = try Self.search(index, "harbour") { $0.ranking = .bm25 }
        #expect(Self.score(bm25, "early") == Self.score(bm25, "late"))
        let news = try Self.search(index, "harbour") { $0.explain = true }
        #expect(news.hits.map(\.id) == ["twice", "early", "late"])
        func value(_ id: String, _ prefix: String) throws -> Float? {
            let e = try #require(news.hits.first { $0.id == id }?.explanation)
            return Self.nodes(e).first { $0.text.hasPrefix(prefix) }?.value
        }
        #expect(try value("early", "lead,") == 1)
        #expect(try value("late", "lead,") == 0)
        #expect(try value("twice", "lead,") == 1)
        #expect(try value("twice", "bodyFreq") == 3)
    }

    @Test("query words close together in the body earn a bonus, the closer the larger; BM25 ties them")
    func proximity() throws {
        let f = Self.filler("c", 60)
        func body(_ gap: Int) -> String {
            (Array(f[0..<35]) + ["harbour"] + Array(f[35..<(35 + gap)]) + ["strike"] + Array(f[(35 + gap)...])).joined(separator: " ")
        }
        let articles = [
            Article(id: "apart", title: "", body: body(20)),
            Article(id: "near", title: "", body: body(3)),
            Article(id: "adjacent", title: "", body: body(0)),
        ]
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bm25 = try Self.search(index, "harbour strike") { $0.ranking = .bm25 }
        #expect(Set(bm25.hits.map(\.score)).count == 1, "\(bm25.hits.map(\.score))")
        let news = try Self.search(index, "harbour strike") { $0.explain = true }
        #expect(news.hits.map(\.id) == ["adjacent", "near", "apart"])
        for hit in news.hits {
            let e = try #require(hit.explanation)
            let bonus = Self.nodes(e).first { $0.text.hasPrefix("proximity(harbour strike)") }
            // 8 words at most: the words 21 apart earn nothing.
            #expect((bonus != nil) == (hit.id != "apart"), "\(hit.id)")
            #expect(QuerySemanticsTests.addsUp(e))
        }
        // Words of different groups are not neighbours: no bonus.
        let apartGroups = try Self.search(index, "harbour AND (strike OR zzz)") { $0.explain = true }
        for hit in apartGroups.hits {
            #expect(!(hit.explanation?.description.contains("proximity(") ?? true), "\(hit.id)")
        }
    }

    @Test("a word in the title weighs as in BM25F: one saturation for title and body together")
    func title() throws {
        let f = Self.filler("d", 30).joined(separator: " ")
        let articles = [
            Article(id: "title", title: "Harbour news", body: "harbour " + f),
            Article(id: "body", title: "Other news", body: "harbour harbour harbour " + f),
        ]
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let news = try Self.search(index, "harbour") { $0.explain = true }
        for hit in news.hits {
            let e = try #require(hit.explanation)
            #expect(QuerySemanticsTests.addsUp(e))
            let tf = try #require(Self.nodes(e).first { $0.text.hasPrefix("tf, computed as titleWeight") })
            #expect(tf.details.first { $0.text.hasPrefix("titleFreq") }?.value == (hit.id == "title" ? 1 : 0))
            // Saturated once: below the word's boost · idf however often it occurs.
            let idf = try #require(Self.nodes(e).first { $0.text.hasPrefix("idf") })
            #expect(hit.score < idf.value)
        }
    }

    @Test("recency multiplies by (1 + pivot / (pivot + age)) / 2: 1 today, 3/4 at the pivot, 1/2 undated")
    func recency() throws {
        let now: Int64 = 1_700_000_000
        let text = "The harbour strike goes on. " + Self.filler("e", 20).joined(separator: " ")
        let articles = [
            Article(id: "undated", title: "Strike", body: text),
            Article(id: "week", title: "Strike", body: text, date: ArticleDate(secondsSinceEpoch: now - 7 * 86_400, text: "")),
            Article(id: "today", title: "Strike", body: text, date: ArticleDate(secondsSinceEpoch: now, text: "")),
            Article(id: "year", title: "Strike", body: text, date: ArticleDate(secondsSinceEpoch: now - 365 * 86_400, text: "")),
        ]
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = try Self.search(index, "harbour strike")
        #expect(Set(plain.hits.map(\.score)).count == 1)
        let base = plain.hits[0].score
        let r = try Self.search(index, "harbour strike") {
            $0.recency = try! SearchOptions.Recency(parsing: "7d")
            $0.now = Date(timeIntervalSince1970: TimeInterval(now))
            $0.explain = true
        }
        #expect(r.hits.map(\.id) == ["today", "week", "year", "undated"])
        #expect(abs(try #require(Self.score(r, "today")) - base) < 1e-6)
        #expect(abs(try #require(Self.score(r, "week")) - 0.75 * base) < 1e-6)
        #expect(abs(try #require(Self.score(r, "undated")) - 0.5 * base) < 1e-6)
        for hit in r.hits { #expect(QuerySemanticsTests.addsUp(try #require(hit.explanation))) }
        // Where it would do nothing, it is an error, not ignored.
        for configure in [{ (o: inout SearchOptions) in o.order = .date }, { $0.collapse = true }, { $0.ranking = .bm25 }] {
            #expect(throws: NewsIndexError.self) {
                try Self.search(index, "harbour") { $0.recency = SearchOptions.Recency(pivot: 3600); configure(&$0) }
            }
        }
        // Ages are read as a number and a unit.
        #expect(try SearchOptions.Recency(parsing: "12h").pivot == 43_200)
        #expect(try SearchOptions.Recency(parsing: "2w").pivot == 14 * 86_400)
        for bad in ["7", "d", "-3d", "7x", "", "1.5.2d"] {
            #expect(throws: NewsIndexError.self, "\(bad)") { try SearchOptions.Recency(parsing: bad) }
        }
    }

    @Test("the news ranking matches what BM25 matches and the words' other forms; pruned or not, by tree or flat loop, the same hits")
    func sameMatches() throws {
        var rng = SeededRandom(seed: 20)
        let vocabulary = ["harbour", "strike", "union", "port", "workers", "pay", "deal", "council", "river", "flood"]
        let articles = (0..<300).map { k -> Article in
            let n = Int.random(in: 5...60, using: &rng)
            let words = (0..<n).map { _ in vocabulary.randomElement(using: &rng)! + (Int.random(in: 0..<6, using: &rng) == 0 ? "s" : "") }
            return Article(id: "d\(k)", title: words.prefix(3).joined(separator: " "), body: words.joined(separator: " "))
        }
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var widened = 0
        for q in ["harbour strike", "union OR workers pay", "council AND flood", "\"pay deal\" river", "port -strike", "deal^3 union"] {
            let bm25 = try Self.search(index, q) { $0.ranking = .bm25; $0.limit = 1000 }
            let news = try Self.search(index, q) { $0.limit = 1000 }
            if !q.contains("-") {
                #expect(Set(news.hits.map(\.id)).isSuperset(of: bm25.hits.map(\.id)), "\(q)")
                #expect(news.totalHits >= bm25.totalHits, "\(q)")
            }
            if news.totalHits > bm25.totalHits { widened += 1 }
            // The first 10: the same by the scorer tree, the flat loop, pruned or counting every match.
            var tree = SearchOptions(), pruned = SearchOptions()
            tree.flatEvaluation = false
            pruned.countAllMatches = false
            for o in [tree, pruned] {
                var o = o
                o.snippets = false
                let got = try index.search(Query.parse(q), options: o)
                #expect(got.hits.map(\.id) == Array(news.hits.prefix(10).map(\.id)), "\(q)")
                #expect(got.hits.map(\.score) == Array(news.hits.prefix(10).map(\.score)), "\(q)")
            }
        }
        #expect(widened >= 4, "the plural forms widen most queries (\(widened))")
    }

    @Test("news words pruned over many blocks (skewed frequencies, long and short bodies, titles or none): the same first hits as counting every match")
    func prunedOverBlocks() throws {
        var rng = SeededRandom(seed: 21)
        let vocabulary = ["the", "harbour", "strike", "union", "port", "worker", "pay", "deal", "council", "river", "flood", "storm",
                          "minister", "police", "fire", "city", "office", "court", "school", "road", "bridge", "election", "vote",
                          "farmer", "drought", "rain", "market", "price", "bank", "rate"]
        // Skewed: the first words are in most articles, the last in few.
        func word() -> String {
            let w = vocabulary[Int(pow(Double.random(in: 0..<1, using: &rng), 3) * Double(vocabulary.count))]
            return Int.random(in: 0..<5, using: &rng) == 0 ? w + "s" : w
        }
        let articles = (0..<3000).map { k -> Article in
            let n = Int.random(in: 0..<10, using: &rng) == 0 ? Int.random(in: 100...400, using: &rng) : Int.random(in: 3...60, using: &rng)
            let body = (0..<n).map { _ in word() }.joined(separator: " ")
            let title = Int.random(in: 0..<4, using: &rng) == 0 ? "" : (0..<Int.random(in: 1...6, using: &rng)).map { _ in word() }.joined(separator: " ")
            return Article(id: "d\(k)", title: title, body: body)
        }
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var skipped = 0
        for q in ["the", "harbour", "pay", "rate", "banks", "the OR strike", "union OR rain OR bank", "the AND harbour", "port AND pay",
                  "police fire city", "minister vote election", "\"pay deal\" union", "strike -the", "council^2 flood"] {
            for k in [1, 10, 25] {
                let all = try Self.search(index, q) { $0.limit = k }
                let pruned = try Self.search(index, q) { $0.limit = k; $0.countAllMatches = false }
                #expect(pruned.hits.map(\.id) == all.hits.map(\.id), "\(q) top \(k)")
                #expect(pruned.hits.map(\.score) == all.hits.map(\.score), "\(q) top \(k)")
                if pruned.totalHits < all.totalHits { skipped += 1 }
            }
        }
        // The bounds pass over documents (else this test would not test them).
        #expect(skipped >= 20, "pruning passed over documents in \(skipped) of 42 searches")
    }

    @Test("the command line: --ranking bm25 and news, --recency, and their errors")
    func commandLine() throws {
        let dir = temporaryDirectory("ranking")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in.jsonl"
        let lines = [
            #"{"id": "exact", "title": "Talks", "body": "The two countries cooperate on trade."}"#,
            #"{"id": "form", "title": "Talks", "body": "The two countries promised cooperation on trade.", "date": "2024-05-20"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["build", input, "--index", dir + "/idx", "--quiet"]).status == 0)
        func ids(_ extra: [String]) throws -> [String] {
            let r = try CLI.run(["search", "cooperate", "--index", dir + "/idx", "--json"] + extra)
            #expect(r.status == 0, "\(extra): \(r.err)")
            return try r.out.split(separator: "\n").map {
                try #require((try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String)
            }
        }
        #expect(try ids([]) == ["exact", "form"])
        #expect(try ids(["--ranking", "news"]) == ["exact", "form"])
        #expect(try ids(["--ranking", "bm25"]) == ["exact"])
        // A preference for dated articles over undated ones puts the dated one first.
        #expect(try ids(["--recency", "100y"]) == ["form", "exact"])
        let explained = try CLI.run(["search", "cooperate", "--index", dir + "/idx", "--explain"])
        #expect(explained.out.contains("BM25F over title and body"))
        for (args, message) in [(["--recency", "7d", "--ranking", "bm25"], "--recency works with the news ranking only"),
                                (["--recency", "soon"], "is not an age"),
                                (["--ranking", "fast"], "fast")] {
            let r = try CLI.run(["search", "cooperate", "--index", dir + "/idx"] + args)
            #expect(r.status == 64, "\(args): \(r.status)")
            #expect(r.err.contains(message), "\(args): \(r.err)")
            #expect(r.out.isEmpty)
        }
    }
}
