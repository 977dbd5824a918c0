import Foundation
import Testing
@testable import NewsIndex
import NewsIndexJSON
import NewsIndexTestSupport

@Suite("Lucene syntax: boosts, ranges, fuzzy words, escapes")
struct LuceneSyntaxParserTests {
    @Test("the description reads back as the same query", arguments: [
        ("putin^2 xi", "putin^2 xi"),
        ("\"xi jinping\"^3", "\"xi jinping\"^3"),
        ("(a OR b)^0.5 c", "(a OR b)^0.5 c"),
        ("title:word^2", "title:word^2"),
        ("title:(a b)^1.25", "(title:a title:b)^1.25"),
        ("entity:putin^2", "entity:putin^2"),
        ("putin^0", "putin^0"),
        ("putin^.5", "putin^0.5"),
        ("kremln~1", "kremln~1"),
        ("samarknd~", "samarknd~2"),
        ("kremlin~0", "kremlin~0"),
        ("title:kremln~1^2", "title:kremln~1^2"),
        ("date:[2022-12-01 TO 2022-12-31]", "date:[2022-12-01 TO 2022-12-31]"),
        ("date:{2022-12-01 TO 2022-12-31}", "date:{2022-12-01 TO 2022-12-31}"),
        ("date:[2022-12 TO *]", "date:[2022-12 TO *]"),
        ("id:[a TO c]", "id:[a TO c]"),
        ("id:{a TO c]", "id:{a TO c]"),
        ("id:[* TO \"b c\"}", "id:[* TO \"b c\"}"),
        ("title:[a TO c]^2", "title:[a TO c]^2"),
        ("a && b || c", "(a b) OR c"),
        ("a !b", "a -b"),
        ("a ! b", "a -b"),
        ("yahoo\\!", "yahoo\\!"),
        ("a\\?b \\[x\\]", "a\\?b \\[x\\]"),
        ("\"say \\\"no\\\"\"", "\"say \\\"no\\\"\""),
        ("\"putin cooperation\"~5^2", "\"putin cooperation\"~5^2"),
    ])
    func roundTrip(_ input: String, _ expected: String) throws {
        let q = try Query.parse(input)
        #expect(q.description == expected)
        #expect(try Query.parse(q.description).node == q.node, "\(q.description) reads back as another query")
    }

    @Test("parts of the syntax parse to what they mean")
    func meaning() throws {
        #expect(try Query.parse("putin^2").node == .boost(.term("putin", nil), 2))
        #expect(try Query.parse("samarknd~").node == .fuzzy("samarknd", nil, edits: 2))
        #expect(try Query.parse("yahoo\\!").node == .term("yahoo!", nil))
        #expect(try Query.parse("a || b").node == .or([.term("a", nil), .term("b", nil)]))
        #expect(try Query.parse("id:[a TO c}").node == .termRange(.id, lower: "a", upper: "c", includeLower: true, includeUpper: false))
        let day: Int64 = 86400
        let dec1 = DateParser.days(year: 2022, month: 12, day: 1) * day
        let dec31 = DateParser.days(year: 2022, month: 12, day: 31) * day
        let y2024 = DateParser.days(year: 2024, month: 1, day: 1) * day
        func range(_ s: String) throws -> DateRange? {
            if case .date(let r) = try Query.parse(s).node { return r } else { return nil }
        }
        let inclusive = try #require(try range("date:[2022-12-01 TO 2022-12-31]"))
        #expect(inclusive.lower == .instant(dec1) && inclusive.upper == .instant(dec31 + day))
        let exclusive = try #require(try range("date:{2022-12-01 TO 2022-12-31}"))
        #expect(exclusive.lower == .instant(dec1 + day) && exclusive.upper == .instant(dec31))
        let years = try #require(try range("date:[2022-12 TO 2023]"))
        #expect(years.lower == .instant(dec1) && years.upper == .instant(y2024), "[2022-12 TO 2023] includes all of 2023")
        let open = try #require(try range("date:[2022-12-01 TO *]"))
        #expect(open.lower == .instant(dec1) && open.upper == nil)
    }

    @Test("syntax that is not supported, or malformed, is an error with a caret", arguments: [
        ("putin^", "^ needs a non-negative number", 5),
        ("putin^-1", "^ needs a non-negative number", 5),
        ("putin^abc", "^ needs a non-negative number", 5),
        ("putin^1.2.3", "^ needs a non-negative number", 5),
        ("putin^20000", "at most 10000", 5),
        ("date:2022^2", "cannot be boosted", 9),
        ("putin~3", "at most 2 edits", 5),
        ("putin~x", "takes a number of edits", 5),
        ("~1", "needs a word before it", 0),
        ("kreml*~1", "both a prefix and fuzzy", 5),
        ("str?ng", "? wildcards are not supported", 3),
        ("putin?", "? wildcards are not supported", 5),
        ("st*ng", "at the end of a word only", 2),
        ("/kreml.n/", "regular expressions", 0),
        ("[a TO c]", "a range needs a field", 0),
        ("putin ]", "closes no range", 6),
        ("a {b", "a range needs a field", 2),
        ("yahoo!", "must stand right before", 5),
        ("putin\\", "escapes nothing", 5),
        ("id:[a c]", "needs TO", 6),
        ("date:[2022-12-01 to 2022-12-31]", "must be in capitals", 17),
        ("date:[2022-12-01 TO 2022-12-31", "never closed", 5),
        ("date:[2022-12-01 TO]", "needs a value here", 19),
        ("date:[2022-12-31 TO 2022-12-01]", "range is empty", 5),
        ("date:[yesterday TO *]", "is not a date", 5),
        ("id:[c TO a]", "range is empty", 3),
        ("id:[a TO c]x", "followed by a space", 11),
        ("source:[a TO c]", "ranges work on", 7),
    ])
    func errors(_ input: String, _ fragment: String, _ column: Int) {
        do {
            _ = try Query.parse(input)
            Issue.record("\(input) parsed")
        } catch let e as NewsIndexError {
            #expect(e.kind == .badQuery)
            #expect(e.message.contains(fragment), "\(input): \(e.message)")
            let lines = e.message.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count >= 4, "\(e.message)")
            if lines.count >= 4 {
                #expect(lines[1] == "  " + input)
                #expect(lines[2] == Substring(String(repeating: " ", count: 2 + column) + "^"), "caret for \(input): \(e.message)")
            }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("a lenient parse reads the unsupported characters as plain text and says so", arguments: [
        ("putin^ xi", ["putin", "xi"]),
        ("str?ng", ["str", "ng"]),
        ("/kreml.n/", ["kreml", "n"]),
        ("[a TO c]", ["a", "to", "c"]),
        ("putin~7", ["putin", "7"]),
        ("yahoo!", ["yahoo"]),
    ])
    func lenient(_ input: String, _ words: [String]) throws {
        let q = try Query.parse(input, lenient: true)
        #expect(!q.notes.isEmpty, "\(input) read differently without a note")
        #expect(Analyzer.news.tokens(q.description).map(\.term) == words, "\(q.description)")
    }
}

@Suite("Lucene syntax in searches")
struct LuceneSyntaxSearchTests {
    static let articles = QuerySemanticsTests.dated

    /// The BM25 score of `id` (the ranking whose arithmetic these tests check).
    static func score(_ index: IndexReader, _ q: String, _ id: String) throws -> Float? {
        var o = SearchOptions()
        o.ranking = .bm25
        o.limit = 100
        return try index.search(Query.parse(q), options: o).hits.first { $0.id == id }?.score
    }

    static func ids(_ index: IndexReader, _ q: String) throws -> Set<String> {
        Set(try QuerySemanticsTests.ids(index, q))
    }

    @Test("a boost multiplies the score of its part, through groups and fields")
    func boosts() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(Self.articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let plain = try #require(try Self.score(index, "harbour", "a"))
            #expect(try Self.score(index, "harbour^2", "a") == 2 * plain)
            #expect(try Self.score(index, "harbour^0", "a") == 0)
            let pair = try #require(try Self.score(index, "harbour strike", "a"))
            let halfPair = try #require(try Self.score(index, "(harbour strike)^0.5", "a"))
            #expect(abs(halfPair - pair / 2) < 1e-5)
            // Only the boosted word's share changes.
            let strike = try #require(try Self.score(index, "strike", "a"))
            let boostedOne = try #require(try Self.score(index, "harbour^3 strike", "a"))
            #expect(abs(boostedOne - (3 * plain + strike)) < 1e-4)
            let title = try #require(try Self.score(index, "title:harbour", "a"))
            #expect(try Self.score(index, "title:harbour^2", "a") == 2 * title)
            #expect(try Self.score(index, "\"harbour strike\"^2", "a") == 2 * (try #require(try Self.score(index, "\"harbour strike\"", "a"))))
            // --explain shows it: the title's boost is 2 (title weight) × 3.
            var o = SearchOptions()
            o.ranking = .bm25
            o.explain = true
            let hit = try #require(try index.search(Query.parse("harbour^3"), options: o).hits.first { $0.id == "a" })
            func boosts(_ e: Explanation) -> [Float] { (e.text == "boost" ? [e.value] : []) + e.details.flatMap(boosts) }
            #expect(Set(boosts(try #require(hit.explanation))) == [6, 3])
        }
    }

    @Test("date ranges: inclusive, exclusive, mixed and open ends, month and year granularity")
    func dateRanges() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(Self.articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            #expect(try Self.ids(index, "date:[2022-12-01 TO 2022-12-31]") == ["a", "b"])
            #expect(try Self.ids(index, "date:{2022-12-01 TO 2022-12-31}") == ["a"], "b is dated 1 December")
            #expect(try Self.ids(index, "date:[2022-12-01 TO 2022-12-30}") == ["b"], "a is dated 30 December")
            #expect(try Self.ids(index, "date:[2022-12 TO 2023]") == ["a", "b", "c"])
            #expect(try Self.ids(index, "date:[2023 TO *]") == ["c"])
            #expect(try Self.ids(index, "date:[* TO 2022-12-01]") == ["b"])
            #expect(try Self.ids(index, "date:[* TO *]") == ["a", "b", "c"], "undated articles never match a date filter")
            #expect(try Self.ids(index, "harbour date:[2022-12 TO 2022-12]") == ["a", "b"])
        }
    }

    @Test("term ranges over ids and words, with the expansion limit")
    func termRanges() throws {
        var articles = LuceneSyntaxSearchTests.articles
        articles.append(Article(id: "many", title: "", body: (0..<1100).map { "zq\($0)" }.joined(separator: " ")))
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            #expect(try Self.ids(index, "id:[a TO c]") == ["a", "b", "c"])
            #expect(try Self.ids(index, "id:{a TO c}") == ["b"])
            #expect(try Self.ids(index, "id:{a TO c]") == ["b", "c"])
            #expect(try Self.ids(index, "id:[E TO a}") == ["E-1"], "byte order: capitals first")
            #expect(try Self.ids(index, "id:[d TO *]") == ["d", "many"])
            #expect(try Self.ids(index, "title:[budget TO ends]") == ["a", "c"])
            #expect(try Self.ids(index, "title:[Flood TO Harbour]") == ["a", "b"], "ends are folded as words are")
            #expect(try Self.ids(index, "title:{flood TO harbour}").isEmpty)
            #expect(try Self.ids(index, "body:[zq1 TO zq10] council") .isEmpty)
            #expect(try Self.ids(index, "body:[zq1 TO zq10]") == ["many"])
            do {
                _ = try Self.ids(index, "body:[zq TO zr]")
                Issue.record("a range of 1100 words was searched")
            } catch let e as NewsIndexError {
                #expect(e.kind == .badQuery && e.message.contains("more than 1000 different terms"), "\(e.message)")
            }
        }
    }

    @Test("fuzzy words: edits, transpositions, weights, the word itself and the expansion note")
    func fuzzy() throws {
        var articles = LuceneSyntaxSearchTests.articles
        // 60 words one edit from "zqaa": zqa + letter, zq + letter + a, z + letter + aa (less zqaa itself).
        var near = Set<String>()
        for c in "abcdefghijklmnopqrstuvwxyz" { near.insert("zqa\(c)"); near.insert("zq\(c)a"); near.insert("z\(c)aa") }
        near.remove("zqaa")
        articles.append(Article(id: "near", title: "", body: near.sorted().joined(separator: " ")))
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            #expect(try Self.ids(index, "harbur~1") == ["a", "b", "d"])
            #expect(try Self.ids(index, "harbur~0").isEmpty)
            #expect(try Self.ids(index, "hrabour~1") == ["a", "b", "d"], "a swap of neighbours is one edit")
            #expect(try Self.ids(index, "hrbur~1").isEmpty)
            #expect(try Self.ids(index, "hrbur~2") == ["a", "b", "d"])
            #expect(try Self.ids(index, "title:harbur~") == ["a"])
            // The word itself weighs 1; a word 1 edit away from a 6-letter word 1 − 1/6.
            let exact = try #require(try Self.score(index, "harbour", "b"))
            #expect(try Self.score(index, "harbour~1", "b") == exact)
            let one = try #require(try Self.score(index, "harbur~1", "b"))
            #expect(abs(one - exact * (1 - 1.0 / 6)) < 1e-5)
            #expect(try Self.score(index, "harbur~1^2", "b").map { abs($0 - 2 * one) < 1e-5 } == true)
            // More than 50 words close enough: the 50 closest are searched, and the results say so.
            let results = try index.search(Query.parse("zqaa~1"))
            #expect(results.totalHits == 1)
            #expect(results.notes == ["zqaa~1 matches \(near.count) words; searched the 50 closest (fewest edits, then most documents)"])
            #expect(try index.search(Query.parse("zqaab~1")).notes.isEmpty)
            #expect(throws: NewsIndexError.self) { try index.search(Query.parse("entity:putin~1")) }
            #expect(throws: NewsIndexError.self) { try index.search(Query.parse("harbour-strike~1")) }
        }
    }

    @Test("fuzzy words blend document frequencies: a rare misspelling does not outscore the common word")
    func blended() throws {
        var articles = Self.articles
        articles.append(Article(id: "typo", title: "", body: "the harbor"))
        articles.append(Article(id: "twin", title: "", body: "the harbour"))
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // On their own, the rare word scores higher (a larger idf)...
        let rare = try #require(try Self.score(index, "harbor", "typo"))
        let common = try #require(try Self.score(index, "harbour", "twin"))
        #expect(rare > common * 1.2)
        // ...but both are 1 edit from harbur (weight 5/6) and score with the idf of harbour.
        let typo = try #require(try Self.score(index, "harbur~1", "typo"))
        let twin = try #require(try Self.score(index, "harbur~1", "twin"))
        #expect(abs(typo - twin) < 1e-5, "\(typo) vs \(twin)")
        #expect(abs(twin - common * 5 / 6) < 1e-5)
    }

    @Test("under the news ranking a fuzzy word is one BM25F word: never above the closest word, equally close words alike")
    func fuzzyNews() throws {
        let articles = [
            Article(id: "k1", title: "Kremlin talks", body: "The Kremlin said the talks in the Kremlin went on."),
            Article(id: "k2", title: "Trade", body: "A statement from the kremlin and from the kremlins of old towns."),
            Article(id: "h1", title: "", body: "the harbor was closed"),
            Article(id: "h2", title: "", body: "the harbour was closed"),
            Article(id: "s1", title: "Samarkand", body: "Leaders met in Samarkand."),
        ]
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func score(_ q: String, _ id: String) throws -> Float? {
            var o = SearchOptions()
            o.limit = 100
            return try index.search(Query.parse(q), options: o).hits.first { $0.id == id }?.score
        }
        // k1 holds kremlin only (k2 kremlins too, which a fuzzy word adds as Lucene's does).
        let exact = try #require(try score("kremlin", "k1"))
        let fuzzy = try #require(try score("kremlin~1", "k1"))
        #expect(fuzzy <= exact * 1.0001, "kremlin~1 \(fuzzy) above kremlin \(exact)")
        for id in ["k1", "k2"] {
            let fuzzy = try #require(try score("kremlin~1", id))
            let typo = try #require(try score("kremln~1", id))
            #expect(typo < fuzzy, "\(id): a misspelling scores below the word (\(typo) vs \(fuzzy))")
        }
        // harbor and harbour are both one edit from harbur: each counts alike.
        let a = try #require(try score("harbur~1", "h1")), b = try #require(try score("harbur~1", "h2"))
        #expect(abs(a - b) < 1e-6)
        var o = SearchOptions()
        o.explain = true
        o.limit = 1
        let e = try #require(try index.search(Query.parse("harbur~1"), options: o).hits.first?.explanation)
        #expect(e.description.contains("BM25F") && e.description.contains("close words count by likeness"), "\(e.description)")
    }

    @Test("escaped characters are searched as text")
    func escapes() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(Self.articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            #expect(try Self.ids(index, "harbour\\!") == ["a", "b", "d"])
            #expect(try Self.ids(index, "id:E\\-1") == ["E-1"])
        }
    }
}

@Suite("Lucene syntax: random strings")
struct LuceneSyntaxFuzzTests {
    @Test("random strings with Lucene's characters: strict parses read back the same, lenient searches never fail")
    func fuzz() throws {
        var rng = SeededRandom(seed: 4242)
        let alphabet: [String] = ["a", "xi", "harbour", " ", " ", "\"", "(", ")", "-", "+", "*", "~", "~1", "2", "^", "^2", "^0.5", ".",
                                  ":", "title:", "date:", "id:", "AND", " OR ", " NOT ", "&&", " || ", "!", "?", "/", "\\", "[", "]",
                                  "{", "}", " TO ", "2022-12", "*", "é", "北"]
        let (index, dir) = try QuerySemanticsTests.makeIndex(QuerySemanticsTests.dated)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var strict = 0
        for _ in 0..<3000 {
            let s = (0..<Int.random(in: 1...10, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            if let q = try? Query.parse(s) {
                strict += 1
                let again = try? Query.parse(q.description)
                #expect(again?.description == q.description, "\(s.debugDescription) → \(q.description)")
                do { _ = try index.search(q) } catch let e as NewsIndexError {
                    #expect(e.kind == .badQuery, "\(s.debugDescription): \(e)")
                }
            }
            let lenient = try Query.parse(s, lenient: true)
            do { _ = try index.search(lenient) } catch {
                Issue.record("lenient query \(s.debugDescription) failed: \(error)")
            }
        }
        #expect(strict > 200, "enough random strings parse to test the round trip")
    }
}
