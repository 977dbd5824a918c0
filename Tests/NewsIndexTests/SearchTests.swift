import Foundation
import Testing
@testable import NewsIndex
import NewsIndexTestSupport

@Suite("Search against a brute-force oracle")
struct SearchOracleTests {
    static let vocabulary = ["harbour", "strike", "union", "minister", "talks", "port", "council", "vote", "budget",
                             "the", "of", "and", "in", "rain", "flood", "river", "bridge", "mayor", "school", "court"]

    @Test("random AND/phrase queries rank and score like the oracle, across several segments")
    func randomQueries() throws {
        var rng = SeededRandom(seed: 2024)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = IndexWriter.Options()
        options.memoryBudget = 40_000   // force several segments
        let writer = try IndexWriter(path: dir, options: options)
        var articles: [Article] = []
        for i in 0..<400 {
            func words(_ n: Int) -> String {
                (0..<n).map { _ in
                    // Skewed: early words are much more frequent.
                    let r = Double.random(in: 0..<1, using: &rng)
                    return SearchOracleTests.vocabulary[Int(r * r * Double(SearchOracleTests.vocabulary.count))]
                }.joined(separator: " ")
            }
            let a = Article(id: "d\(i)", title: i % 7 == 0 ? "" : words(Int.random(in: 2...8, using: &rng)),
                            body: words(Int.random(in: 1...300, using: &rng)))
            articles.append(a)
            try writer.add(a)
        }
        let summary = try writer.commit()
        #expect(summary.segmentCount > 1)
        let index = try IndexReader(path: dir)
        #expect(index.documentCount == 400)
        let oracle = OracleScorer(docs: articles.map { (index.analyzer.tokens($0.title).map(\.term), index.analyzer.tokens($0.body).map(\.term)) })

        for q in 0..<60 {
            var parts: [[String]] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let len = Int.random(in: 0..<4, using: &rng) == 0 ? 2 : 1
                parts.append((0..<len).map { _ in SearchOracleTests.vocabulary.randomElement(using: &rng)! })
            }
            let text = parts.map { $0.count == 1 ? $0[0] : "\"\($0.joined(separator: " "))\"" }.joined(separator: " ")
            var opts = SearchOptions()
            opts.ranking = .bm25
            opts.limit = 15
            opts.snippets = false
            let results = try index.search(try Query.parse(text), options: opts)
            let expected = oracle.scores(parts)
            #expect(results.totalHits == expected.count, "query \(q): \(text)")
            let ranked = expected.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            for (hit, want) in zip(results.hits, ranked) {
                let rel = abs(Double(hit.score) - want.value) / max(want.value, 1e-9)
                #expect(rel < 1e-5, "query \(text): \(hit.id) scored \(hit.score), oracle \(want.value)")
                // Same document, unless two scores tie within float precision.
                if hit.id != "d\(want.key)" {
                    let other = expected[Int(hit.id.dropFirst())!] ?? -1
                    #expect(abs(other - want.value) / want.value < 1e-5, "query \(text): got \(hit.id), expected d\(want.key)")
                }
            }
        }
    }

    @Test("paging returns the next hits and ties go to the earlier document")
    func paging() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try IndexWriter(path: dir)
        for i in 0..<25 { try writer.add(Article(id: "same\(i)", title: "", body: "identical text about the harbour")) }
        try writer.commit()
        let index = try IndexReader(path: dir)
        var opts = SearchOptions()
        opts.limit = 10
        let first = try index.search(Query.term("harbour"), options: opts)
        opts.offset = 10
        let second = try index.search(Query.term("harbour"), options: opts)
        #expect(first.totalHits == 25)
        #expect(first.hits.map(\.id) == (0..<10).map { "same\($0)" })
        #expect(second.hits.map(\.id) == (10..<20).map { "same\($0)" })
        #expect(second.hits.first?.rank == 11)
    }
}

@Suite("Dynamic pruning")
struct PruningTests {
    static let vocab = ["harbour", "strike", "union", "port", "council", "vote", "budget", "the", "of", "rain", "river",
                        "bridge", "mayor", "school", "court", "ferry", "storm", "flood", "road", "train"]

    /// 4,000 articles of words drawn from `vocab` with a skew (a uniform draw raised to the power
    /// `skew` picks the word: early words are frequent), a third without title, in several segments.
    static func skewedIndex(at dir: String, rng: inout SeededRandom, skew: Int, titleWords: Int, bodyWords: Int) throws -> IndexReader {
        var options = IndexWriter.Options()
        options.memoryBudget = 300_000   // several segments
        let writer = try IndexWriter(path: dir, options: options)
        func words(_ n: Int) -> String {
            (0..<n).map { _ in
                let r = Double.random(in: 0..<1, using: &rng)
                return vocab[Int(pow(r, Double(skew)) * Double(vocab.count))]
            }.joined(separator: " ")
        }
        for i in 0..<4000 {
            try writer.add(Article(id: "d\(i)", title: i % 3 == 0 ? "" : words(Int.random(in: 1...titleWords, using: &rng)),
                                   body: words(Int.random(in: 1...bodyWords, using: &rng))))
        }
        let summary = try writer.commit()
        #expect(summary.segmentCount > 1)
        return try IndexReader(path: dir)
    }

    @Test("top-k with pruning returns exactly the exhaustive hits (random OR queries, several segments)")
    func prunedEqualsExhaustive() throws {
        var rng = SeededRandom(seed: 4242)
        let vocab = PruningTests.vocab
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = try PruningTests.skewedIndex(at: dir, rng: &rng, skew: 3, titleWords: 5, bodyWords: 120)
        var pruned = 0
        for _ in 0..<120 {
            let n = Int.random(in: 1...4, using: &rng)
            var parts = (0..<n).map { _ in vocab.randomElement(using: &rng)! }
            if Int.random(in: 0..<5, using: &rng) == 0 { parts[0] = "title:" + parts[0] }
            if Int.random(in: 0..<6, using: &rng) == 0 { parts[0] = String(parts[0].prefix(2)) + "*" }
            let q = try Query.parse(parts.joined(separator: " OR "))
            let (a, b, c) = try threeWays(index, q, limit: [1, 5, 10, 50].randomElement(using: &rng)!)
            #expect(a.hits.map(\.documentNumber) == c.hits.map(\.documentNumber), "\(q)")
            #expect(a.hits.map(\.score) == c.hits.map(\.score), "\(q)")
            #expect(a.totalHits == c.totalHits, "\(q)")
            #expect(a.hits.map(\.documentNumber) == b.hits.map(\.documentNumber), "\(q)")
            #expect(a.hits.map(\.score) == b.hits.map(\.score), "\(q)")
            #expect(b.totalHits <= a.totalHits)
            if !b.totalHitsIsExact && b.totalHits < a.totalHits { pruned += 1 }
        }
        #expect(pruned > 20, "pruning skipped documents in many queries (\(pruned))")
    }
}

extension PruningTests {
    @Test("top-k with pruning returns exactly the exhaustive hits (random AND, phrase, sloppy phrase, NEAR and OR queries, several segments)")
    func prunedConjunctionsAndPhrasesEqualExhaustive() throws {
        var rng = SeededRandom(seed: 9001)
        let vocab = PruningTests.vocab
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = try PruningTests.skewedIndex(at: dir, rng: &rng, skew: 2, titleWords: 6, bodyWords: 150)
        var pruned = 0
        for _ in 0..<150 {
            func part() -> String {
                switch Int.random(in: 0..<8, using: &rng) {
                case 0: return "\"\(vocab.randomElement(using: &rng)!) \(vocab.randomElement(using: &rng)!)\""
                case 1: return "\"\(vocab.randomElement(using: &rng)!) \(vocab.randomElement(using: &rng)!) \(vocab.randomElement(using: &rng)!)\""
                case 2: return "title:" + vocab.randomElement(using: &rng)!
                case 3: return "\"\(vocab.randomElement(using: &rng)!) \(vocab.randomElement(using: &rng)!)\"~2"
                case 4: return "\(vocab.randomElement(using: &rng)!) NEAR/3 \(vocab.randomElement(using: &rng)!)"
                default: return vocab.randomElement(using: &rng)!
                }
            }
            let n = Int.random(in: 1...3, using: &rng)
            let joiner = Bool.random(using: &rng) ? " AND " : " OR "
            let text = (0..<n).map { _ in part() }.joined(separator: joiner)
            let q = try Query.parse(text)
            let (a, b, c) = try threeWays(index, q, limit: [1, 3, 10, 40].randomElement(using: &rng)!)
            #expect(a.hits.map(\.documentNumber) == b.hits.map(\.documentNumber), "\(text)")
            #expect(a.hits.map(\.score) == b.hits.map(\.score), "\(text)")
            #expect(b.totalHits <= a.totalHits)
            // The flat loop without pruning: the same hits, scores and exact count as the scorer tree.
            #expect(a.hits.map(\.documentNumber) == c.hits.map(\.documentNumber), "\(text)")
            #expect(a.hits.map(\.score) == c.hits.map(\.score), "\(text)")
            #expect(a.totalHits == c.totalHits && c.totalHitsIsExact, "\(text)")
            if !b.totalHitsIsExact && b.totalHits < a.totalHits { pruned += 1 }
        }
        #expect(pruned > 20, "pruning skipped documents in many queries (\(pruned))")
    }
}

extension PruningTests {
    @Test("two-word phrase scorer: the documents, frequencies and pruning of the general phrase matcher")
    func wordPairEqualsPhraseMatcher() throws {
        var rng = SeededRandom(seed: 4242)
        let vocab = PruningTests.vocab
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = try PruningTests.skewedIndex(at: dir, rng: &rng, skew: 2, titleWords: 6, bodyWords: 150)
        #expect(index.segments.count > 1)
        var matched = 0
        var passedOver = 0
        for seg in index.segments {
            guard let norms = seg.norms(.body) else { continue }
            let bm25 = BM25(boost: 1, idf: 1.5, stats: seg.fieldStats(.body))
            for k in 0..<30 {
                let a = vocab.randomElement(using: &rng)!
                let b = k % 5 == 0 ? a : vocab.randomElement(using: &rng)!
                let offsets = [[0, 1], [0, 2], [1, 2]][k % 3]
                let plan = SpanPlan.phrase([.term(a), .term(b)], offsets: offsets, slop: 0)
                // The general matcher: every candidate, its listed matches.
                guard let reference = try index.spans(plan, field: .body, in: seg) else { continue }
                var expected: [(doc: Int32, score: Float)] = []
                var list: [SpanMatch] = []
                while try reference.advance() != PostingsCursor.noMoreDocs {
                    list.removeAll()
                    try reference.matches(&list)
                    if !list.isEmpty {
                        expected.append((reference.doc, bm25.score(freq: Float(list.count), norm: norms[Int(reference.doc)])))
                    }
                }
                matched += expected.count
                // The scorer, without and with a threshold.
                let scorer = SpanScorer(try index.spans(plan, field: .body, in: seg)!, norms: norms, bm25: bm25, label: "")
                var got: [(doc: Int32, score: Float)] = []
                while try scorer.advance() != PostingsCursor.noMoreDocs { got.append((scorer.doc, try scorer.score())) }
                #expect(got.map(\.doc) == expected.map(\.doc), "\(a) \(b) \(offsets)")
                #expect(got.map(\.score) == expected.map(\.score), "\(a) \(b) \(offsets)")
                guard !expected.isEmpty else { continue }
                let theta = expected.map(\.score).sorted()[expected.count / 2]
                let pruned = SpanScorer(try index.spans(plan, field: .body, in: seg)!, norms: norms, bm25: bm25, label: "")
                pruned.threshold = theta
                var kept: [Int32: Float] = [:]
                // Seek as well as advance: some steps jump a few documents on (those are not asked for).
                var skipped = Set<Int32>()
                var last: Int32 = -1
                while true {
                    let jump = Int32.random(in: 0...3, using: &rng)
                    let d = try jump == 0 ? pruned.advance() : pruned.seek(last + 1 + jump)
                    if jump > 0 { for s in (last + 1)..<(last + 1 + jump) { skipped.insert(s) } }
                    if d == PostingsCursor.noMoreDocs { break }
                    kept[d] = try pruned.score()
                    last = d
                }
                for e in expected where !skipped.contains(e.doc) {
                    if let s = kept[e.doc] { #expect(s == e.score) }
                    else if e.score * PrunedTopK.margin > theta { Issue.record("\(a) \(b): document \(e.doc) could beat θ but was passed over") }
                    else { passedOver += 1 }
                }
                #expect(Set(kept.keys).isSubset(of: Set(expected.map(\.doc))))
            }
        }
        #expect(matched > 500, "the phrases matched often (\(matched))")
        #expect(passedOver > 0, "the threshold passed documents over (\(passedOver))")
    }

    @Test("two-word phrase matches: the branch-free count equals a set intersection")
    func wordPairCountEqualsIntersection() {
        var rng = SeededRandom(seed: 77)
        for _ in 0..<2000 {
            func positions() -> [UInt32] {
                let n = Int.random(in: 0...40, using: &rng)
                return Array(Set((0..<n).map { _ in UInt32.random(in: 0..<UInt32.random(in: 1...200, using: &rng), using: &rng) })).sorted()
            }
            let a = positions(), b = positions()
            let from = Int.random(in: 0...3, using: &rng)
            let shift = Int.random(in: 1...3, using: &rng)
            let inB = Set(b)
            let expected = a.filter { Int($0) >= from && inB.contains($0 + UInt32(shift)) }.count
            let got = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in WordPair.countShifted(pa, pb, from: from, shift: shift) } }
            #expect(got == expected, "\(a) \(b) from \(from) shift \(shift)")
        }
    }
}

extension PruningTests {
    @Test("OR of words a block at a time: the scorer tree's hits and scores, with deleted articles, sparse and dense words")
    func wordBlocksEqualExhaustive() throws {
        var rng = SeededRandom(seed: 31337)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (index, words, deleted) = try PruningTests.denseAndSparseIndex(at: dir, rng: &rng)
        let (dense, sparse) = (PruningTests.denseWords, PruningTests.sparseWords)
        let vocab = dense + sparse
        var pruned = 0
        for round in 0..<100 {
            // Up to four words (eight clauses, title and body) take the block loop; the last
            // rounds ask five (ten clauses, the general loop) for comparison.
            let n = round < 90 ? Int.random(in: 1...4, using: &rng) : 5
            var parts: [String] = []
            while parts.count < n {
                let w = vocab.randomElement(using: &rng)!
                if !parts.contains(w) { parts.append(w) }
            }
            let text = parts.joined(separator: " OR ")
            let q = try Query.parse(text)
            let (a, b, c) = try threeWays(index, q, limit: [1, 5, 10, 60].randomElement(using: &rng)!)
            // Live documents with any of the words, counted from the generated text.
            let expected = words.indices.filter { !deleted.contains($0) && words[$0].contains { parts.contains($0) } }.count
            #expect(a.totalHits == expected, "\(text)")
            #expect(c.totalHits == expected && c.totalHitsIsExact, "\(text)")
            #expect(a.hits.map(\.documentNumber) == c.hits.map(\.documentNumber), "\(text)")
            #expect(a.hits.map(\.score) == c.hits.map(\.score), "\(text)")
            #expect(a.hits.map(\.documentNumber) == b.hits.map(\.documentNumber), "\(text)")
            #expect(a.hits.map(\.score) == b.hits.map(\.score), "\(text)")
            #expect(b.totalHits <= a.totalHits, "\(text)")
            if !b.totalHitsIsExact && b.totalHits < a.totalHits { pruned += 1 }
        }
        #expect(pruned > 30, "pruning skipped documents in many queries (\(pruned))")
    }
}

extension PruningTests {
    static let denseWords = ["quay", "tariff", "levy", "ballot", "ferry", "dredge"]
    /// Sparse words: a few documents each, thousands of document numbers apart (windows that
    /// end before a block does, terms with and without skip data).
    static let sparseWords = ["zither", "quokka", "mangrove", "obelisk"]

    /// 9,000 articles of dense and sparse words in several segments, about one in seven then
    /// deleted: the index, each article's words (title then body) and the deleted article numbers.
    static func denseAndSparseIndex(at dir: String, rng: inout SeededRandom) throws -> (IndexReader, [[String]], Set<Int>) {
        let dense = denseWords, sparse = sparseWords
        var options = IndexWriter.Options()
        options.memoryBudget = 400_000   // several segments
        let writer = try IndexWriter(path: dir, options: options)
        var words: [[String]] = []
        for i in 0..<9000 {
            var title: [String] = []
            var body: [String] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                title.append(dense[Int(pow(Double.random(in: 0..<1, using: &rng), 2) * Double(dense.count))])
            }
            for _ in 0..<Int.random(in: 1...60, using: &rng) {
                body.append(dense[Int(pow(Double.random(in: 0..<1, using: &rng), 3) * Double(dense.count))])
            }
            for (k, w) in sparse.enumerated() where i % (97 * (k + 1) + 13 * k) == 5 {
                if Bool.random(using: &rng) { title.append(w) } else { body.append(w) }
            }
            words.append(title + body)
            try writer.add(Article(id: "d\(i)", title: title.joined(separator: " "), body: body.joined(separator: " ")))
        }
        try writer.commit()
        let deleter = try appendWriter(dir)
        var deleted = Set<Int>()
        for i in 0..<9000 where Int.random(in: 0..<7, using: &rng) == 0 {
            #expect(try deleter.delete(id: "d\(i)"))
            deleted.insert(i)
        }
        try deleter.commit()
        let index = try IndexReader(path: dir)
        #expect(index.segments.count > 1 && index.segments.contains { !$0.deletedWords.isEmpty },
                "several segments, some with deleted articles")

        return (index, words, deleted)
    }
}

extension PruningTests {
    @Test("AND of words (and a phrase) with deleted articles, sparse and dense words: the scorer tree's hits, scores and counts")
    func conjunctionsWithDeletionsEqualExhaustive() throws {
        var rng = SeededRandom(seed: 27182)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (index, words, deleted) = try PruningTests.denseAndSparseIndex(at: dir, rng: &rng)
        let vocab = PruningTests.denseWords + PruningTests.sparseWords
        var pruned = 0
        var matched = 0
        for round in 0..<80 {
            // Two to four words, a sparse one in every third query; every fifth query also asks
            // for a two-word phrase of dense words.
            var parts: [String] = []
            if round % 3 == 0 { parts.append(PruningTests.sparseWords.randomElement(using: &rng)!) }
            let n = Int.random(in: 2...4, using: &rng)
            while parts.count < n {
                let w = vocab.randomElement(using: &rng)!
                if !parts.contains(w) { parts.append(w) }
            }
            var text = parts.joined(separator: " AND ")
            if round % 5 == 4 {
                text += " AND \"\(PruningTests.denseWords.randomElement(using: &rng)!) \(PruningTests.denseWords.randomElement(using: &rng)!)\""
            }
            let q = try Query.parse(text)
            let (a, b, c) = try threeWays(index, q, limit: [1, 5, 10, 60].randomElement(using: &rng)!)
            if round % 5 != 4 {
                // Live documents with every word, counted from the generated text.
                let expected = words.indices.filter { d in !deleted.contains(d) && parts.allSatisfy { words[d].contains($0) } }.count
                #expect(a.totalHits == expected, "\(text)")
                if expected > 0 { matched += 1 }
            }
            #expect(c.totalHits == a.totalHits && c.totalHitsIsExact, "\(text)")
            #expect(a.hits.map(\.documentNumber) == c.hits.map(\.documentNumber), "\(text)")
            #expect(a.hits.map(\.score) == c.hits.map(\.score), "\(text)")
            #expect(a.hits.map(\.documentNumber) == b.hits.map(\.documentNumber), "\(text)")
            #expect(a.hits.map(\.score) == b.hits.map(\.score), "\(text)")
            #expect(b.totalHits <= a.totalHits, "\(text)")
            if !b.totalHitsIsExact && b.totalHits < a.totalHits { pruned += 1 }
        }
        #expect(matched > 30, "most word queries match something (\(matched))")
        #expect(pruned > 20, "pruning skipped documents in many queries (\(pruned))")
    }
}

@Suite("Parallel indexing")
struct ParallelIndexingTests {
    @Test("with the input's size known, segments are cut by input bytes, one per thread, however little of it is text")
    func segmentsByInputSize() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = IndexWriter.Options()
        options.threads = 2
        options.memoryBudget = 64 << 20
        // Each article came from 20 KB of input (markup, other fields) but has 40 bytes of text.
        options.expectedInputBytes = 3000 * 20_000
        let writer = try IndexWriter(path: dir, options: options)
        for i in 0..<3000 { try writer.add(Article(id: "d\(i)", title: "port", body: "strike vote \(i)"), inputBytes: 20_000) }
        let summary = try writer.commit()
        #expect(summary.segmentCount == 2 && summary.documentCount == 3000)
    }

    @Test("a writer dropped without commit (segments open and written) leaves the committed index as it was")
    func droppedWriter() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try IndexWriter(path: dir)
        for i in 0..<10 { try first.add(Article(id: "old\(i)", title: "harbour", body: "the harbour reopened \(i)")) }
        try first.commit()
        let before = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        do {
            var options = IndexWriter.Options()
            options.threads = 2
            options.memoryBudget = 30_000
            let writer = try IndexWriter(path: dir, options: options)
            for i in 0..<1500 {
                try writer.add(Article(id: "new\(i)", title: "strike", body: String(repeating: "port strike vote ", count: 10)))
            }
            // Dropped here, with written segments and one still open.
        }
        let after = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(after.filter { $0 != "write.lock" } == before.filter { $0 != "write.lock" })
        let index = try IndexReader(path: dir)
        #expect(index.documentCount == 10)
    }

    @Test("one thread or four: the same documents in the same order, the same hits and scores")
    func threadsDoNotChangeResults() throws {
        var rng = SeededRandom(seed: 77)
        let vocab = ["harbour", "strike", "union", "port", "council", "vote", "budget", "the", "of", "rain"]
        let articles = (0..<1500).map { i in
            Article(id: "d\(i)", title: (0..<3).map { _ in vocab.randomElement(using: &rng)! }.joined(separator: " "),
                    body: (0..<Int.random(in: 1...80, using: &rng)).map { _ in vocab.randomElement(using: &rng)! }.joined(separator: " "))
        }
        var results: [[[String]]] = []
        for threads in [1, 4] {
            let dir = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var options = IndexWriter.Options()
            options.threads = threads
            options.memoryBudget = 200_000
            options.mergesSegments = false
            let writer = try IndexWriter(path: dir, options: options)
            for a in articles { try writer.add(a) }
            let summary = try writer.commit()
            #expect(summary.documentCount == 1500 && summary.segmentCount > 2)
            let index = try IndexReader(path: dir)
            var perQuery: [[String]] = []
            for q in ["harbour", "\"strike union\"", "port OR vote", "the -rain", "council budget"] {
                var o = SearchOptions()
                o.limit = 30
                perQuery.append(try index.search(Query.parse(q), options: o).hits.map { "\($0.id) \($0.score)" })
            }
            // Document numbers follow the input order.
            #expect(try index.article(id: "d1234")?.documentNumber == 1234)
            results.append(perQuery)
        }
        #expect(results[0] == results[1])
    }
}

@Suite("Postings block decoding")
struct BlockDecodingTests {
    @Test("packed deltas of every width decode to their running sums, from any base, as unpacking and adding them one by one does")
    func deltasEveryWidth() {
        var rng = SeededRandom(seed: 7)
        for width in 0...32 {
            for base in [UInt64(0), UInt64.random(in: 1...(1 << 31), using: &rng)] {
                let values: [UInt32] = (0..<128).map { _ in
                    width == 0 ? 0 : UInt32(truncatingIfNeeded: UInt64.random(in: 0..<(UInt64(1) << UInt64(width)), using: &rng))
                }
                var w = ByteWriter()
                values.withUnsafeBufferPointer { BitPacking.pack($0, width: width, into: &w) }
                // Unpacking may read 8 bytes past the block (a file's footer is always there).
                w.bytes += [UInt8](repeating: 0xFF, count: 8)
                var sums = [UInt32](repeating: 7, count: 128)
                var plain = [UInt32](repeating: 7, count: 128)
                var last: UInt64 = 0
                w.bytes.withUnsafeBytes { raw in
                    sums.withUnsafeMutableBufferPointer { last = BitPacking.unpackDeltas(raw.baseAddress!, width: width, base: base, into: $0.baseAddress!) }
                    plain.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, width: width, into: $0.baseAddress!) }
                }
                #expect(plain == values, "width \(width)")
                var expected: [UInt32] = []
                var sum = base
                for v in values {
                    sum += UInt64(v)
                    expected.append(UInt32(truncatingIfNeeded: sum))
                }
                #expect(sums == expected, "width \(width), base \(base)")
                #expect(last == sum, "width \(width), base \(base)")
            }
        }
    }
}

@Suite("Collectors")
struct CollectorTests {
    /// 3,000 articles of dense and sparse words with dates (a sixth undated, many sharing a day)
    /// in several segments, one in nine then deleted: the index, each article's words and date
    /// (nil when undated), and the deleted article numbers.
    static func datedIndex(at dir: String, rng: inout SeededRandom) throws -> (IndexReader, [[String]], [Int64?], Set<Int>) {
        let vocab = PruningTests.vocab
        var options = IndexWriter.Options()
        options.memoryBudget = 200_000   // several segments
        options.mergesSegments = false
        let writer = try IndexWriter(path: dir, options: options)
        var words: [[String]] = [], dates: [Int64?] = []
        for i in 0..<3000 {
            let w = (0..<Int.random(in: 1...40, using: &rng)).map { _ in
                vocab[Int(pow(Double.random(in: 0..<1, using: &rng), 2) * Double(vocab.count))]
            }
            let date: Int64? = i % 6 == 0 ? nil : 1_600_000_000 + 86_400 * Int64.random(in: 0..<200, using: &rng)
            words.append(w)
            dates.append(date)
            try writer.add(Article(id: "d\(i)", title: "", body: w.joined(separator: " "),
                                   date: date.map { ArticleDate(secondsSinceEpoch: $0, text: "") }))
        }
        try writer.commit()
        var keep = IndexWriter.Options()
        keep.mode = .append
        keep.mergesSegments = false
        let deleter = try IndexWriter(path: dir, options: keep)
        var deleted = Set<Int>()
        for i in 0..<3000 where Int.random(in: 0..<9, using: &rng) == 0 {
            #expect(try deleter.delete(id: "d\(i)"))
            deleted.insert(i)
        }
        try deleter.commit()
        let index = try IndexReader(path: dir)
        #expect(index.segments.count > 1)
        return (index, words, dates, deleted)
    }

    @Test("top-k by date: the first hits of every match sorted by date (newest first, undated last), then score, then document")
    func dateCollectorSortsByDate() throws {
        var rng = SeededRandom(seed: 31337)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (index, _, dates, _) = try CollectorTests.datedIndex(at: dir, rng: &rng)
        var checked = 0
        for text in ["harbour", "strike OR river", "union AND port", "\"the of\"", "ferry OR storm OR flood", "bridge -rain"] {
            let q = try Query.parse(text)
            var all = SearchOptions()
            all.limit = index.documentCount
            all.snippets = false
            let every = try index.search(q, options: all).hits
            func date(_ h: SearchHit) -> Int64 { dates[Int(h.id.dropFirst())!] ?? Int64.min }
            let expected = every.sorted { a, b in
                date(a) != date(b) ? date(a) > date(b) : a.score != b.score ? a.score > b.score : a.documentNumber < b.documentNumber
            }
            for (limit, offset) in [(1, 0), (10, 0), (25, 5), (500, 0)] {
                var byDate = SearchOptions()
                byDate.order = .date
                byDate.limit = limit
                byDate.offset = offset
                byDate.snippets = false
                let got = try index.search(q, options: byDate)
                let want = expected.dropFirst(offset).prefix(limit)
                #expect(got.hits.map(\.documentNumber) == want.map(\.documentNumber), "\(text) \(limit) \(offset)")
                #expect(got.hits.map(\.score) == want.map(\.score), "\(text)")
                #expect(got.hits.map { $0.date?.secondsSinceEpoch } == want.map { dates[Int($0.id.dropFirst())!] }, "\(text)")
                #expect(got.totalHits == every.count && got.totalHitsIsExact, "\(text)")
                if !want.isEmpty { checked += 1 }
            }
        }
        #expect(checked > 15, "most queries have hits (\(checked))")
    }

    @Test("count: the live documents the generated words match, collected from the plan segment by segment as search counts them")
    func countCollectorCountsEveryMatch() throws {
        var rng = SeededRandom(seed: 8086)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (index, words, _, deleted) = try CollectorTests.datedIndex(at: dir, rng: &rng)
        let vocab = PruningTests.vocab
        for round in 0..<30 {
            let parts = (0..<Int.random(in: 1...3, using: &rng)).map { _ in vocab.randomElement(using: &rng)! }
            let and = round % 2 == 0
            let q = try Query.parse(parts.joined(separator: and ? " AND " : " OR "))
            let expected = words.indices.filter { d in
                !deleted.contains(d) && (and ? parts.allSatisfy(words[d].contains) : parts.contains(where: words[d].contains))
            }.count
            let plan = try index.plan(q, options: SearchOptions())
            var count = CountCollector()
            for seg in index.segments { try index.evaluate(plan, in: seg, into: &count) }
            #expect(count.count == expected, "\(q)")
            var options = SearchOptions()
            options.limit = 0
            #expect(try index.search(q, options: options).totalHits == expected, "\(q)")
            options.limit = 3
            options.snippets = false
            options.flatEvaluation = false
            #expect(try index.search(q, options: options).totalHits == expected, "\(q)")
        }
    }
}
