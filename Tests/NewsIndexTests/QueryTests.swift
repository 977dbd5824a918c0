import Foundation
import Testing
@testable import NewsIndex
import NewsIndexTestSupport

@Suite("Query parser")
struct QueryParserTests {
    @Test("precedence: NOT and - bind tightest, then AND and adjacency, then OR", arguments: [
        ("a OR b c -d", "a OR (b c -d)"),
        ("a b OR c", "(a b) OR c"),
        ("NOT a b OR c AND d", "(-a b) OR (c d)"),
        ("(a OR b) c", "(a OR b) c"),
        ("+a -\"b c\"", "a -\"b c\""),
        ("title:(putin OR xi) cooperation", "(title:putin OR title:xi) cooperation"),
        ("\"putin cooperation\"~5", "\"putin cooperation\"~5"),
        ("putin NEAR/3 xi", "putin NEAR/3 xi"),
        ("putin NEAR xi", "putin NEAR/10 xi"),
        ("strateg* date:2022-12", "strateg* date:2022-12"),
        ("“curly quotes” ok", "\"curly quotes\" ok"),
        ("C++ 10:30 don't", "C++ \"10:30\" don't"),
        ("NOT NOT a", "a"),
    ])
    func structure(_ input: String, _ expected: String) throws {
        #expect(try Query.parse(input).description == expected)
    }

    /// Every error quotes the query, puts a caret under the column named, and says what to do.
    @Test("every syntax error names the problem and points at it", arguments: [
        ("putin \"strategic cooperation", "never closed", 6),
        ("(putin OR xi", "never closed", 0),
        ("putin) xi", "closes nothing", 5),
        ("putin AND", "AND needs a part after it", 6),
        ("AND putin", "AND needs a part before it", 0),
        ("OR putin", "OR needs a part before it", 0),
        ("putin OR", "OR needs a part after it", 6),
        ("putin NOT", "NOT needs a part after it", 6),
        ("putin ()", "parentheses are empty", 6),
        ("putin - xi", "must stand right before", 6),
        ("-samarkand", "only excludes", 0),
        ("NOT taiwan", "only excludes", 0),
        ("author:smith", "there is no field \"author\"", 0),
        ("title: putin", "needs a value", 0),
        ("date:yesterday", "\"yesterday\" is not a date", 5),
        ("date:2022-13-01", "is not a date", 5),
        ("date:2022-12-31..2022-12-01", "range is empty", 5),
        ("putin NEAR/x xi", "needs a distance", 6),
        ("putin NEAR/3", "needs a word or phrase after it", 6),
        ("\"a b\"~ c", "needs a number", 5),
        ("putin~3", "at most 2 edits", 5),
        ("* putin", "needs some letters", 0),
        ("\"\" putin", "phrase is empty", 0),
        ("\"a b\"c", "followed by a space", 5),
        ("date:2022 NEAR/2 xi", "joins words and exact phrases only", 0),
        ("   ", "empty", 3),
        (String(repeating: "(", count: 101) + "a" + String(repeating: ")", count: 101), "more than 100 deep", 100),
        (String(repeating: "NOT ", count: 101) + "a", "more than 100 deep", 400),
        ((0..<102).map { _ in "a" }.joined(separator: " NEAR/1 "), "more than 100 deep", 100 * 9 + 2),
        ("title:xi NEAR/5 body:putin", "joins parts of one field", 16),
        ("putin NEAR -xi", "cannot take an excluded", 11),
        ("title:-putin", "before the field", 6),
        ("date:now", "range is empty", 5),
        ("date:now-1d..now-7d", "range is empty", 5),
        ("北京 AND", "AND needs a part after it", 5),
        ("👨‍👩‍👧 x AND", "AND needs a part after it", 5),
    ])
    func errors(_ input: String, _ fragment: String, _ column: Int) {
        do {
            _ = try Query.parse(input)
            Issue.record("\(input) parsed")
        } catch let e as NewsIndexError {
            #expect(e.kind == .badQuery)
            #expect(e.message.contains(fragment), "\(e.message)")
            let lines = e.message.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count >= 4, "\(e.message)")
            if lines.count >= 4 {
                #expect(lines[1] == "  " + input.replacingControlCharacters(), "the query is quoted")
                #expect(lines[2] == Substring(String(repeating: " ", count: 2 + column) + "^"), "caret for \(input): \(e.message)")
                #expect(!lines[3].isEmpty, "a hint follows")
            }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("the unknown-field error lists the known fields")
    func knownFields() {
        #expect(throws: NewsIndexError.self) { try Query.parse("author:smith") }
        do { _ = try Query.parse("author:smith") } catch let e as NewsIndexError {
            for f in ["title", "body", "id", "url", "date"] { #expect(e.message.contains(f)) }
        } catch {}
    }

    @Test("lenient parsing reads what it cannot parse as plain words and says so", arguments: [
        ("putin \"strategic cooperation", "putin \"strategic cooperation\""),
        ("https://example.com/a", "https://example.com/a"),
        ("-samarkand", "-samarkand"),
        ("C++ >>>", "C++ >>>"),
        ("putin AND", "putin AND"),
        ("(putin", "(putin"),
        ("date:yesterday xi", "date:yesterday xi"),
    ])
    func lenient(_ input: String, _ words: String) throws {
        let q = try Query.parse(input, lenient: true)
        // The words survive as plain terms: analyzing the description gives the input's words.
        #expect(Analyzer.news.tokens(q.description).map(\.term) == Analyzer.news.tokens(words).map(\.term), "\(q.description)")
        let strict = (try? Query.parse(input)) != nil
        #expect(strict || !q.notes.isEmpty, "a lenient parse that changed something says so")
    }

    @Test("random strings never crash the parser; lenient parses never fail")
    func fuzz() throws {
        var rng = SeededRandom(seed: 77)
        let alphabet: [String] = ["a", "b", "xi", " ", " ", "\"", "“", "”", "(", ")", "-", "+", "*", "~", "2", ":", "title:", "date:",
                                  "id:", "AND", " AND ", " OR ", " NOT ", " NEAR/2 ", "NEAR/", "..", ">=", "2022-12", "now-7d",
                                  "é", "\u{301}", "\t", "\n", "\\", "/", "url:", "foo:", "’"]
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try IndexWriter(path: dir)
        try writer.add(Article(id: "1", title: "a b", body: "xi a b a"))
        try writer.add(Article(id: "2", title: "b", body: "b xi xi", date: ArticleDate(parsing: "2022-12-30")))
        try writer.commit()
        let index = try IndexReader(path: dir)
        for _ in 0..<3000 {
            let s = (0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            do {
                let q = try Query.parse(s)
                _ = try? index.search(q)   // may still have no searchable word
            } catch let e as NewsIndexError {
                #expect(e.kind == .badQuery, "\(s): \(e)")
            }
            let lenient = try Query.parse(s, lenient: true)
            do {
                _ = try index.search(lenient)
            } catch {
                Issue.record("lenient query \(s.debugDescription) failed: \(error)")
            }
        }
    }

    @Test("a lenient parse reads the extra operator, not the first one, as a word")
    func lenientExtraOperator() throws {
        let q = try Query.parse("putin OR OR xi", lenient: true)
        #expect(q.notes == ["read 'OR' at column 10 as plain text (OR needs a part after it)"])
        #expect(q.description == "putin OR (\"OR\" xi)")
    }

    @Test("date values: days, months, years, times and relative times")
    func dates() throws {
        let day = try #require(DateExpression.parse("2022-12-30"))
        #expect(day.start == .instant(DateParser.days(year: 2022, month: 12, day: 30) * 86400))
        #expect(day.end == .instant(DateParser.days(year: 2022, month: 12, day: 31) * 86400))
        let month = try #require(DateExpression.parse("2022-12"))
        #expect(month.end == .instant(DateParser.days(year: 2023, month: 1, day: 1) * 86400))
        let year = try #require(DateExpression.parse("2024"))
        #expect(year.end == .instant(DateParser.days(year: 2025, month: 1, day: 1) * 86400))
        #expect(DateExpression.parse("2022-02-30") == nil)
        #expect(DateExpression.parse("7d") == nil)
        #expect(DateExpression.parse("7d", allowBareDuration: true) != nil)
        let now = DateParser.days(year: 2023, month: 3, day: 31) * 86400 + 3600
        #expect(DateBound.ago(count: 7, unit: "d").resolve(now: now) == now - 7 * 86400)
        #expect(DateBound.ago(count: 2, unit: "w").resolve(now: now) == now - 14 * 86400)
        // One month before 31 March is 28 February (clamped), same time of day.
        #expect(DateBound.ago(count: 1, unit: "m").resolve(now: now) == DateParser.days(year: 2023, month: 2, day: 28) * 86400 + 3600)
        #expect(DateBound.ago(count: 1, unit: "y").resolve(now: now) == DateParser.days(year: 2022, month: 3, day: 31) * 86400 + 3600)
        #expect(DateBound.ago(count: 15, unit: "m").resolve(now: now) == DateParser.days(year: 2021, month: 12, day: 31) * 86400 + 3600)
    }
}

extension DateExpression: Equatable {
    package static func == (a: DateExpression, b: DateExpression) -> Bool { a.start == b.start && a.end == b.end }
}

@Suite("Query semantics")
struct QuerySemanticsTests {
    /// A small index of articles written for these tests.
    static func makeIndex(_ articles: [Article], analyzer: Analyzer = .news, budget: Int? = nil) throws -> (IndexReader, String) {
        let dir = temporaryDirectory()
        var options = IndexWriter.Options()
        options.analyzer = analyzer
        if let budget { options.memoryBudget = budget }
        let writer = try IndexWriter(path: dir, options: options)
        for a in articles { try writer.add(a) }
        try writer.commit()
        return (try IndexReader(path: dir), dir)
    }

    static func ids(_ index: IndexReader, _ q: String, _ configure: (inout SearchOptions) -> Void = { _ in }) throws -> [String] {
        var o = SearchOptions()
        o.limit = 100
        configure(&o)
        return try index.search(Query.parse(q), options: o).hits.map(\.id)
    }

    static let dated: [Article] = [
        Article(id: "a", title: "Harbour strike ends", body: "Dock workers voted to end the harbour strike on Monday.",
                date: ArticleDate(parsing: "2022-12-30T10:00:00Z"), url: "https://news.example.com/2022/harbour-strike"),
        Article(id: "b", title: "Flood warning", body: "The river rose overnight; the council opened the flood gates near the harbour.",
                date: ArticleDate(parsing: "2022-12-01")),
        Article(id: "c", title: "Budget vote", body: "The council budget passed after a long strike threat by the union.",
                date: ArticleDate(parsing: "2023-01-15"), url: "https://other.example.org/budget"),
        Article(id: "d", title: "Undated note", body: "A harbour note without a date, about a strike."),
        Article(id: "E-1", title: "Strategy", body: "Strategic planning and strategies for the strategically minded council."),
    ]

    @Test("boolean operators, exclusion and grouping")
    func boolean() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(QuerySemanticsTests.dated)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Set(try QuerySemanticsTests.ids(index, "harbour strike")) == ["a", "d"])
        #expect(Set(try QuerySemanticsTests.ids(index, "harbour AND strike")) == ["a", "d"])
        #expect(Set(try QuerySemanticsTests.ids(index, "harbour -strike")) == ["b"])
        #expect(Set(try QuerySemanticsTests.ids(index, "harbour NOT strike")) == ["b"])
        #expect(Set(try QuerySemanticsTests.ids(index, "flood OR budget")) == ["b", "c"])
        #expect(Set(try QuerySemanticsTests.ids(index, "council (flood OR budget) -union")) == ["b"])
        #expect(Set(try QuerySemanticsTests.ids(index, "council flood OR budget")) == ["b", "c"])
        #expect(Set(try QuerySemanticsTests.ids(index, "+council -\"flood gates\"")) == ["c", "E-1"])
        // OR: a document matching more parts scores higher than with fewer of them.
        let both = try index.search(Query.parse("harbour OR strike"), options: SearchOptions())
        let d = try #require(both.hits.first { $0.id == "d" })
        let onlyHarbour = try index.search(Query.parse("harbour"), options: SearchOptions()).hits.first { $0.id == "d" }!
        #expect(d.score > onlyHarbour.score)
        // Excluded parts and filters do not change the score.
        let plain = try index.search(Query.parse("harbour")).hits.first { $0.id == "b" }!.score
        let excl = try index.search(Query.parse("harbour -strike date:2022")).hits.first { $0.id == "b" }!.score
        #expect(plain == excl)
    }

    @Test("fields: title, body, id (exact), url")
    func fields() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(QuerySemanticsTests.dated)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try QuerySemanticsTests.ids(index, "title:strike") == ["a"])
        #expect(Set(try QuerySemanticsTests.ids(index, "body:strike")) == ["a", "c", "d"])
        #expect(try QuerySemanticsTests.ids(index, "title:\"strike ends\"") == ["a"])
        #expect(try QuerySemanticsTests.ids(index, "id:E-1") == ["E-1"])
        #expect(try QuerySemanticsTests.ids(index, "id:e-1").isEmpty, "ids are exact")
        #expect(try QuerySemanticsTests.ids(index, "id:E*") == ["E-1"])
        #expect(try QuerySemanticsTests.ids(index, "url:news.example.com") == ["a"])
        #expect(Set(try QuerySemanticsTests.ids(index, "url:example")) == ["a", "c"])
        #expect(try QuerySemanticsTests.ids(index, "url:\"example.org/budget\"") == ["c"])
    }

    @Test("prefixes expand over the whole index; too many expansions are refused")
    func prefixes() throws {
        var articles = QuerySemanticsTests.dated
        articles.append(Article(id: "many", title: "", body: (0..<1100).map { "zq\($0)" }.joined(separator: " ")))
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles, budget: 2000)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try QuerySemanticsTests.ids(index, "strateg*") == ["E-1"])
        #expect(Set(try QuerySemanticsTests.ids(index, "harb* stri*")) == ["a", "d"])
        #expect(try QuerySemanticsTests.ids(index, "\"harbour stri*\"") == ["a"])
        #expect(try QuerySemanticsTests.ids(index, "\"harbour * on\"") == ["a"], "a lone * is any one word")
        #expect(try QuerySemanticsTests.ids(index, "\"the * strike\"") == ["a"])
        #expect(try QuerySemanticsTests.ids(index, "\"harbour * * on\"").isEmpty)
        #expect(try QuerySemanticsTests.ids(index, "nothingstartslikethis*").isEmpty)
        #expect(try QuerySemanticsTests.ids(index, "zq10*") == ["many"], "zq10, zq100…zq109, zq1000…zq1099: 111 words")
        #expect(throws: NewsIndexError.self) { try QuerySemanticsTests.ids(index, "zq*") }
        do { _ = try QuerySemanticsTests.ids(index, "zq*") } catch let e as NewsIndexError {
            #expect(e.kind == .badQuery)
            #expect(e.message.contains("more than 1000 different words"))
        } catch {}
    }

    @Test("date filters, relative dates, sorting by date, paging and counting")
    func datesAndSorting() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(QuerySemanticsTests.dated)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ids = QuerySemanticsTests.ids
        #expect(try ids(index, "harbour date:2022-12-30", { _ in }) == ["a"])
        #expect(Set(try ids(index, "date:2022-12", { _ in })) == ["a", "b"])
        #expect(Set(try ids(index, "date:2022-12-01..2022-12-31", { _ in })) == ["a", "b"])
        #expect(Set(try ids(index, "date:2022-12-02..2023-01-15", { _ in })) == ["a", "c"])
        #expect(Set(try ids(index, "date:>=2022-12-30", { _ in })) == ["a", "c"])
        #expect(Set(try ids(index, "date:>2022-12-30", { _ in })) == ["c"])
        #expect(Set(try ids(index, "date:<2022-12-30", { _ in })) == ["b"])
        #expect(Set(try ids(index, "date:<=2022-12", { _ in })) == ["a", "b"])
        #expect(Set(try ids(index, "harbour -date:2022", { _ in })) == ["d"], "undated documents are not excluded by a date they lack")
        #expect(Set(try ids(index, "strike date:..2030", { _ in })) == ["a", "c"], "documents without a date never match a date filter")
        let now = Date(timeIntervalSince1970: TimeInterval(DateParser.days(year: 2023, month: 1, day: 20) * 86400))
        #expect(Set(try ids(index, "date:>=now-7d", { $0.now = now })) == ["c"])
        #expect(Set(try ids(index, "date:>=now-4w", { $0.now = now })) == ["a", "c"])
        var o = SearchOptions()
        o.now = now
        #expect(Set(try index.search(Query.all([Query.parse("strike OR harbour"), Query.published(since: "3w")]), options: o).hits.map(\.id)) == ["a", "c"])
        #expect(Set(try index.search(Query.all([Query.parse("strike OR harbour"), Query.published(until: "2022-12-30")]), options: o).hits.map(\.id)) == ["a", "b"])
        #expect(throws: NewsIndexError.self) { try Query.published(since: "last tuesday") }
        // Newest first; undated last.
        #expect(try ids(index, "strike OR harbour", { $0.order = .date }) == ["c", "a", "b", "d"])
        // Paging and counting.
        let all = try ids(index, "strike OR harbour OR council", { _ in })
        #expect(all.count == 5)
        #expect(try ids(index, "strike OR harbour OR council", { $0.offset = 2; $0.limit = 2 }) == Array(all[2..<4]))
        var countOnly = SearchOptions()
        countOnly.limit = 0
        let counted = try index.search(Query.parse("strike OR harbour OR council"), options: countOnly)
        #expect(counted.totalHits == 5 && counted.hits.isEmpty)
    }

    @Test("phrases match across hyphens and quote and apostrophe variants")
    func phraseVariants() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex([
            Article(id: "1", title: "", body: "They signed a Russian-Chinese strategic partnership and spoke of Xi’s “dear friend” line."),
            Article(id: "2", title: "", body: "Russian and Chinese officials discussed a strategic partnership."),
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try QuerySemanticsTests.ids(index, "\"russian chinese strategic partnership\"") == ["1"])
        #expect(try QuerySemanticsTests.ids(index, "“Russian-Chinese strategic”") == ["1"])
        #expect(try QuerySemanticsTests.ids(index, "\"xi's dear friend\"") == ["1"])
        #expect(try QuerySemanticsTests.ids(index, "\"xi’s dear friend\"") == ["1"])
        #expect(Set(try QuerySemanticsTests.ids(index, "\"russian chinese strategic partnership\"~4")) == ["1", "2"])
    }

    @Test("repeated words in sloppy phrases and NEAR count each match once; huge limits do not overflow")
    func repeatsAndLimits() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex([
            Article(id: "1", title: "", body: "port port port"),
            Article(id: "2", title: "", body: "port harbour port"),
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func score(_ q: String, _ id: String) throws -> Float? {
            try index.search(Query.parse(q)).hits.first { $0.id == id }?.score
        }
        let exact = try #require(try score("\"port port\"", "1"))
        // More slop never lowers a score: "port port"~N sees at least the exact matches.
        for slop in 1...4 { #expect(try #require(try score("\"port port\"~\(slop)", "1")) >= exact) }
        #expect(try score("\"port port\"", "2") == nil)
        #expect(try score("\"port port\"~2", "2") != nil)
        // Each pair of neighbours once: two pairs in "port port port".
        var o = SearchOptions()
        o.explain = true
        let hit = try #require(try index.search(Query.parse("port NEAR/1 port"), options: o).hits.first { $0.id == "1" })
        #expect(hit.explanation!.description.contains("2.0 = freq"), "\(hit.explanation!)")
        #expect(!hit.explanation!.description.contains("body:body:"))
        // Limits far beyond the index do not overflow.
        var huge = SearchOptions()
        huge.limit = Int.max
        huge.offset = 1
        #expect(try index.search(Query.parse("port"), options: huge).hits.map(\.id).count == 1)
        huge.offset = Int.max
        #expect(try index.search(Query.parse("port"), options: huge).totalHits == 2)
    }

    @Test("a group whose words all vanish in analysis cannot drop its exclusions")
    func vanishingGroup() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(QuerySemanticsTests.dated)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: NewsIndexError.self) { try index.search(Query.parse("harbour (, -strike)")) }
        #expect(try index.search(Query.parse("harbour (, -strike)", lenient: true)).totalHits == 3)
    }

    /// Random boolean, proximity and prefix queries against a brute-force evaluation of the same rules.
    @Test("random boolean and proximity queries match a brute-force evaluation; sums add up")
    func randomAgainstOracle() throws {
        var rng = SeededRandom(seed: 99)
        let vocab = ["harbour", "strike", "union", "port", "council", "vote", "budget", "the", "of", "rain", "river", "bridge"]
        var articles: [Article] = []
        for i in 0..<250 {
            func words(_ n: Int) -> String {
                (0..<n).map { _ in let r = Double.random(in: 0..<1, using: &rng); return vocab[Int(r * r * Double(vocab.count))] }.joined(separator: " ")
            }
            articles.append(Article(id: "d\(i)", title: i % 5 == 0 ? "" : words(Int.random(in: 1...6, using: &rng)), body: words(Int.random(in: 1...60, using: &rng))))
        }
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles, budget: 20_000)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let docs = articles.map { (Analyzer.news.tokens($0.title).map(\.term), Analyzer.news.tokens($0.body).map(\.term)) }
        let oracle = OracleScorer(docs: docs)

        enum Q { case term(String), phrase([String]), sloppy(String, String, Int), near(String, String, Int), and([Q], [Q]), or([Q]) }
        func text(_ q: Q) -> String {
            switch q {
            case .term(let t): return t
            case .phrase(let ts): return "\"\(ts.joined(separator: " "))\""
            case .sloppy(let a, let b, let s): return "\"\(a) \(b)\"~\(s)"
            case .near(let a, let b, let n): return "\(a) NEAR/\(n) \(b)"
            case .and(let must, let not): return "(" + (must.map(text) + not.map { "-" + text($0) }).joined(separator: " ") + ")"
            case .or(let parts): return "(" + parts.map(text).joined(separator: " OR ") + ")"
            }
        }
        /// Whether a positional part matches a token list, by the definitions in the docs.
        func matchesField(_ q: Q, _ tokens: [String]) -> Bool {
            switch q {
            case .term(let t): return tokens.contains(t)
            case .phrase(let ts): return OracleScorer.freq(of: ts, in: tokens) > 0
            case .sloppy(let a, let b, let s):
                // Two words: b is expected one after a; any placement within s moves matches.
                for (i, x) in tokens.enumerated() where x == a {
                    for (j, y) in tokens.enumerated() where y == b && i != j && abs((j - 1) - i) <= s { return true }
                }
                return false
            case .near(let a, let b, let n):
                for (i, x) in tokens.enumerated() where x == a {
                    for (j, y) in tokens.enumerated() where y == b && i != j && abs(j - i) <= n { return true }
                }
                return false
            default: return false
            }
        }
        func matches(_ q: Q, _ d: Int) -> Bool {
            switch q {
            case .and(let must, let not): return must.allSatisfy { matches($0, d) } && !not.contains { matches($0, d) }
            case .or(let parts): return parts.contains { matches($0, d) }
            default: return matchesField(q, docs[d].0) || matchesField(q, docs[d].1)
            }
        }
        /// Scores for term/phrase-only trees (proximity scores are checked through explanations).
        func score(_ q: Q, _ d: Int) -> Double? {
            switch q {
            case .term(let t): return oracle.scores([[t]])[d]
            case .phrase(let ts): return oracle.scores([ts])[d]
            case .and(let must, let not):
                if not.contains(where: { matches($0, d) }) { return nil }
                var s = 0.0
                for m in must { guard let v = score(m, d) else { return nil }; s += v }
                return s
            case .or(let parts):
                let vs = parts.compactMap { score($0, d) }
                return vs.isEmpty ? nil : vs.reduce(0, +)
            default: return nil
            }
        }
        func hasProximity(_ q: Q) -> Bool {
            switch q {
            case .sloppy, .near: return true
            case .and(let a, let b): return (a + b).contains(where: hasProximity)
            case .or(let a): return a.contains(where: hasProximity)
            default: return false
            }
        }
        func random(_ depth: Int) -> Q {
            let w = { vocab.randomElement(using: &rng)! }
            switch Int.random(in: 0..<(depth > 1 ? 5 : 8), using: &rng) {
            case 0, 1: return .term(w())
            case 2: return .phrase([w(), w()])
            case 3: return .sloppy(w(), w(), Int.random(in: 1...4, using: &rng))
            case 4: return .near(w(), w(), Int.random(in: 1...4, using: &rng))
            case 5, 6: return .and((0..<Int.random(in: 1...3, using: &rng)).map { _ in random(depth + 1) },
                                   Int.random(in: 0..<2, using: &rng) == 0 ? [] : [random(depth + 1)])
            default: return .or((0..<Int.random(in: 2...3, using: &rng)).map { _ in random(depth + 1) })
            }
        }
        var checked = 0
        for _ in 0..<150 {
            let q = random(0)
            let qs = text(q)
            var o = SearchOptions()
            o.limit = 8
            o.snippets = false
            o.explain = true
            // The news ranking matches the same documents, and its explanations add up too.
            o.ranking = .news
            let news = try index.search(Query.parse(qs), options: o)
            o.ranking = .bm25
            let results = try index.search(Query.parse(qs), options: o)
            let expected = docs.indices.filter { matches(q, $0) }
            #expect(results.totalHits == expected.count, "\(qs)")
            #expect(news.totalHits == expected.count, "\(qs)")
            for hit in results.hits + news.hits {
                let e = try #require(hit.explanation)
                #expect(abs(e.value - hit.score) <= 1e-6 * max(1, hit.score), "explanation value is the score")
                #expect(QuerySemanticsTests.addsUp(e), "\(qs): \(e)")
            }
            if !hasProximity(q) {
                for hit in results.hits {
                    let d = Int(hit.id.dropFirst())!
                    let want = try #require(score(q, d), "\(qs): \(hit.id) should not match")
                    #expect(abs(Double(hit.score) - want) / max(want, 1e-9) < 1e-5, "\(qs): \(hit.id) \(hit.score) vs \(want)")
                }
            }
            checked += 1
        }
        #expect(checked == 150)
    }

    /// Every "sum of" node equals the sum of its details, every "product of" their product;
    /// every BM25 weight equals boost · idf · tf; every news weight boost · idf · tf / (k1 + tf)
    /// with tf its BM25F combination, every proximity bonus weight · acc / (k1 + acc).
    static func addsUp(_ e: Explanation) -> Bool {
        let close = { (a: Float, b: Float) in abs(a - b) <= 1e-5 * max(1, abs(b)) }
        let v = e.details.map(\.value)
        if e.text.hasPrefix("sum of") {
            guard close(e.value, e.details.reduce(0) { $0 + $1.value }) else { return false }
        } else if e.text.hasPrefix("product of") {
            guard close(e.value, e.details.reduce(1) { $0 * $1.value }) else { return false }
        } else if e.text.hasPrefix("weight("), e.text.contains("BM25F") {
            guard v.count == 4, close(e.value, v[0] * v[1] * v[2] / (v[3] + v[2])) else { return false }
            let n = e.details[1].details.map(\.value), tf = e.details[2].details.map(\.value)
            guard n.count == 2, close(v[1], Float(log(1 + (Double(n[1]) - Double(n[0]) + 0.5) / (Double(n[0]) + 0.5)))),
                  tf.count == 7, close(v[2], tf[0] * tf[1] / tf[2] + tf[3] / tf[4] + tf[5] * tf[6]) else { return false }
        } else if e.text.hasPrefix("proximity(") {
            guard v.count == 3, close(e.value, v[0] * v[1] / (v[2] + v[1])) else { return false }
        } else if e.text.hasPrefix("weight(") {
            guard e.details.count == 3, close(e.value, e.details[0].value * e.details[1].value * e.details[2].value) else { return false }
        } else if e.text.hasPrefix("idf, sum of") {
            guard close(e.value, e.details.reduce(0) { $0 + $1.value }) else { return false }
        }
        return e.details.allSatisfy(addsUp)
    }
}

@Suite("Analyzers")
struct AnalyzerChoiceTests {
    @Test("the english analyzer stems exactly as Snowball's Porter2 (PyStemmer fixture)")
    func porter2Fixture() throws {
        let path = CLI.packageRoot.appendingPathComponent("Tests/NewsIndexTests/Fixtures/porter2.tsv").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let stemmer = try #require(SnowballStemmer(algorithm: "english"))
        var checked = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let cols = line.split(separator: "\t")
            guard cols.count == 2 else { continue }
            #expect(stemmer.stem(String(cols[0])) == String(cols[1]), "\(cols[0])")
            checked += 1
        }
        #expect(checked > 3000)
    }

    @Test("english stems common words but not the names the entity list knows")
    func english() throws {
        let terms = Analyzer.english.tokens("Cooperation strategies: Xi Jinping met Reuters in Paris and Beijing, cooperating.").map(\.term)
        #expect(terms == ["cooper", "strategi", "xi", "jinping", "met", "reuters", "in", "paris", "and", "beijing", "cooper"])
        #expect(Analyzer.english.tokens("nations Nation").map(\.term) == ["nation", "nation"], "common words in aliases still stem")
        #expect(Analyzer(named: "english") == .english)
        let (index, dir) = try QuerySemanticsTests.makeIndex([
            Article(id: "1", title: "", body: "The two sides pledged deeper cooperation."),
            Article(id: "2", title: "", body: "Reporters in Paris asked about it."),
        ], analyzer: .english)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(index.analyzer == .english)
        #expect(try QuerySemanticsTests.ids(index, "cooperate") == ["1"])
        #expect(try QuerySemanticsTests.ids(index, "\"deeper cooperating\"") == ["1"])
        #expect(try QuerySemanticsTests.ids(index, "paris") == ["2"])
        #expect(try QuerySemanticsTests.ids(index, "report*") == ["2"])
        #expect(try QuerySemanticsTests.ids(index, "cooperation*") == ["1"], "a whole word with * still finds its stem")
        #expect(try QuerySemanticsTests.ids(index, "deeper-coop*") == ["1"], "hyphenated prefix: whole words stemmed")
    }

    @Test("simple: tantivy's default tokenizer, long tokens dropped but their position kept")
    func simple() {
        let long = String(repeating: "x", count: 40)
        let tokens = Analyzer.simple.tokens("Don't U.S. \(long) Öne-way 3,392")
        #expect(tokens.map(\.term) == ["don", "t", "u", "s", "öne", "way", "3", "392"])
        #expect(tokens.map(\.position) == [0, 1, 2, 3, 5, 6, 7, 8])
    }
}
