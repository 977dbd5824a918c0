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
        // Lucene's boost before a fuzzy word's ~ means the same as after it.
        ("kremlin^2~1", "kremlin~1^2"),
        ("title:kremln^2~", "title:kremln~2^2"),
        // A fractional slop counts its whole moves, as Lucene truncates it.
        ("\"putin xi\"~1.5", "\"putin xi\"~1"),
        // && and || are operators wherever they stand outside quotes; one & or | is part of a word.
        ("kremlin||samarkand", "kremlin OR samarkand"),
        ("kremlin&&putin", "kremlin putin"),
        ("(a||b)&&-c", "(a OR b) -c"),
        ("a^2||b", "a^2 OR b"),
        ("\"a b\"||c", "\"a b\" OR c"),
        ("at&t", "at&t"),
        ("a|b", "a|b"),
        ("a\\&&b", "a\\&&b"),
        ("\"a||b\"", "\"a||b\""),
        // An OR branch that only excludes excludes from the OR, as Lucene's must-not clause.
        ("putin OR -kremlin", "putin -kremlin"),
        ("-kremlin OR putin", "putin -kremlin"),
        ("putin OR xi OR NOT kremlin", "(putin OR xi) -kremlin"),
        ("a b OR -c -d", "a b -c -d"),
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
        #expect(try Query.parse("kremlin^2~1").node == .boost(.fuzzy("kremlin", nil, edits: 1), 2))
        #expect(try Query.parse("kremlin^2~1").node == Query.parse("kremlin~1^2").node)
        #expect(try Query.parse("\"putin xi\"~1.5").node == .phrase("putin xi", nil, slop: 1))
        #expect(try Query.parse("kremlin||samarkand").node == .or([.term("kremlin", nil), .term("samarkand", nil)]))
        #expect(try Query.parse("kremlin&&putin").node == .and([.term("kremlin", nil), .term("putin", nil)]))
        #expect(try Query.parse("title:a||b").node == .or([.term("a", .title), .term("b", nil)]))
        #expect(try Query.parse("at&t").node == .term("at&t", nil))
        #expect(try Query.parse("a\\&&b").node == .term("a&&b", nil))
        #expect(try Query.parse(Query.term("a&&b||c").description).node == .term("a&&b||c", nil), "a word with && reads back")
        #expect(try Query.parse("putin OR -kremlin").node == Query.parse("putin -kremlin").node)
        #expect(try Query.parse("-kremlin OR putin").node == .and([.term("putin", nil), .not(.term("kremlin", nil))]))
        // A quoted date is the date; a group after date: says what to write.
        #expect(try Query.parse("date:\"2022-12-05\" putin").node == Query.parse("date:2022-12-05 putin").node)
        #expect(try Query.parse("date:\"2022-12-01..2022-12-05\"").node == Query.parse("date:2022-12-01..2022-12-05").node)
        do {
            _ = try Query.parse("date:(2022-12-01 OR 2022-12-02)")
            Issue.record("a group after date: parsed")
        } catch let e as NewsIndexError {
            #expect(e.message.contains("not a group") && e.message.contains("date:2022-12-01..2022-12-02"), "\(e.message)")
        }
        #expect(throws: NewsIndexError.self) { try Query.parse("date:\"2022-12-05") }
        for q in ["title :kremlin", ":kremlin", "putin :"] {
            do {
                _ = try Query.parse(q)
                Issue.record("\(q) parsed")
            } catch let e as NewsIndexError {
                #expect(e.message.contains("a colon needs a field name right before it"), "\(q): \(e.message)")
            }
        }
        #expect(try Query.parse("title :kremlin", lenient: true).node != .nothing)
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
        // A boost belongs to the part right before it: after a space it would boost nothing.
        ("kremlin ^2", "a boost must follow its word with no space", 8),
        ("\"kremlin\" ^2", "a boost must follow its word with no space", 10),
        ("(kremlin) ^2", "a boost must follow its word with no space", 10),
        ("putin ^2 kremlin", "a boost must follow its word with no space", 6),
        ("kremlin^2 ^3", "a boost must follow its word with no space", 10),
        ("^2", "a boost needs a word, phrase or group right before it", 0),
        ("a (^2)", "a boost needs a word, phrase or group right before it", 3),
        ("kremlin^2^3", "one boost only", 9),
        ("kremlin~1^2^3", "one boost only", 11),
        ("kremlin^2~1^3", "one boost only", 11),
        ("xi^2putin", "a boost must be followed by a space or the end", 4),
        ("xi^2\"putin\"", "a boost must be followed by a space or the end", 4),
        ("kremlin^2~3", "at most 2 edits", 9),
        ("kremlin^2~1x", "takes a number of edits", 9),
        ("\"putin xi\"^2~1", "a phrase's ~ goes before its boost", 12),
        ("strat*^2~1", "both a prefix and fuzzy", 8),
        ("(a b)^2~1", "works on a single word only", 7),
        ("\"putin xi\"~1.", "followed by a space", 12),
        ("\"putin xi\"~x", "needs a number", 10),
        ("date:{2022-12-01 TO 2022-12-02}", "with both ends left out ({ }), nothing is left between them", 5),
        ("date:[2022-12-01T10:00 TO 2022-12-01T10:00}", "with an end left out ({ }), nothing is left", 5),
        ("date:[2022-12-02 TO 2022-12-01]", "its end comes before its start", 5),
        ("title:[b TO a]", "this range is empty: its end comes before its start", 6),
        ("title:[Budget TO ablaze]", "its end comes before its start", 6),
        ("body:{strike TO strike]", "its ends are the same", 5),
        ("id:{a TO a}", "its ends are the same", 3),
        ("a||", "OR needs a part after it", 1),
        ("&&a", "AND needs a part before it", 0),
        ("a -&&b", "must stand right before", 2),
        ("title:||a", "needs a value right after the colon", 0),
        ("-a OR -b", "only excludes", 0),
        ("x (-a OR NOT b)", "only excludes", 3),
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
        ("id:[c TO a]", "Swap the ends: id:[a TO c]", 3),
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
        ("kremlin ^2", ["kremlin", "2"]),
        ("xi^2putin", ["xi", "2putin"]),
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
        #expect(QuerySemanticsTests.addsUp(e), "\(e.description)")
        // No word counts more than the likest (harbours, 1 − 1/7, is likelier than harbor, 1 − 1/6).
        let (other, otherDir) = try QuerySemanticsTests.makeIndex([
            Article(id: "a", title: "", body: "the harbor was closed"), Article(id: "b", title: "", body: "the harbor opened"),
            Article(id: "c", title: "", body: "harbours of the coast"),
        ])
        defer { try? FileManager.default.removeItem(atPath: otherDir) }
        for hit in try other.search(Query.parse("harbour~1"), options: o).hits {
            let text = try #require(hit.explanation).description
            let units = text.components(separatedBy: "likeness: ").dropFirst().first?.prefix { $0 != ")" } ?? ""
            let values = units.split(separator: ",").compactMap { Float($0.split(separator: " ").last ?? "") }
            #expect(!values.isEmpty && values.allSatisfy { $0 <= 1 }, "\(hit.id): \(units)")
        }
    }

    @Test("an OR branch that only excludes excludes from the whole OR, as Lucene's must-not clause")
    func orNot() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(Self.articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            #expect(try Self.ids(index, "harbour -strike") == ["b"])
            #expect(try Self.ids(index, "harbour OR -strike") == ["b"])
            #expect(try Self.ids(index, "-strike OR harbour") == ["b"])
            #expect(try Self.ids(index, "harbour OR NOT strike") == ["b"])
            #expect(try Self.ids(index, "strike OR flood OR -harbour") == ["c"])
            #expect(try Self.score(index, "harbour OR -strike", "b") == Self.score(index, "harbour -strike", "b"))
        }
    }

    @Test("&& and || without spaces are operators; a boost before a fuzzy word's ~ is the same boost")
    func operatorsAndOrder() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(Self.articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            #expect(try Self.ids(index, "flood||budget") == ["b", "c"])
            #expect(try Self.ids(index, "harbour&&strike") == ["a", "d"])
            #expect(try Self.ids(index, "harbour&&strike") == Self.ids(index, "harbour && strike"))
            let boosted = try #require(try Self.score(index, "harbur~1^2", "b"))
            #expect(try Self.score(index, "harbur^2~1", "b") == boosted)
            #expect(try Self.ids(index, "\"harbour strike\"~1.5") == Self.ids(index, "\"harbour strike\"~1"))
        }
    }

    @Test("a range of words whose ends are reversed once folded is an error, not an empty result")
    func reversedWordRanges() throws {
        let (index, dir) = try QuerySemanticsTests.makeIndex(Self.articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            // Ends the parser cannot compare (not plain ASCII) are checked once folded.
            do {
                _ = try Self.ids(index, "title:[Überall TO budget]")
                Issue.record("a reversed range of words searched")
            } catch let e as NewsIndexError {
                #expect(e.kind == .badQuery && e.message.contains("title:[Überall TO budget] is empty: its end comes before its start")
                        && e.message.contains("swap the ends"), "\(e.message)")
            }
            #expect(try Self.ids(index, "title:[Ébauche TO harbour]") == ["a", "b"], "ends in order once folded")
            let lenient = try index.search(Query.parse("title:[Überall TO budget] harbour", lenient: true))
            #expect(lenient.totalHits == 0 && lenient.notes.contains { $0.contains("the range is empty") }, "\(lenient.notes)")
        }
    }

    @Test("the words a query's fuzzy words, prefixes and ranges stand for are limited over the whole query")
    func expansionLimit() throws {
        // 676 four-letter words zqaa…zqzz: each zqXY~1 is 51 of them, searched as its 50 closest.
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let words = letters.flatMap { x in letters.map { y in "zq\(x)\(y)" } }
        var articles = Self.articles
        articles.append(Article(id: "grid", title: "", body: words.joined(separator: " ")))
        articles.append(Article(id: "many", title: "", body: (0..<1100).map { "zn\($0)" }.joined(separator: " ")))
        let (index, dir) = try QuerySemanticsTests.makeIndex(articles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            func fuzzyOr(_ n: Int) -> String { (0..<n).map { "zq\(letters[$0 % 26])\(letters[$0 / 26])~1" }.joined(separator: " OR ") }
            // 20 × 50 = 1000 words: searched, each fuzzy word with its own note.
            let twenty = try index.search(Query.parse(fuzzyOr(20)))
            #expect(twenty.totalHits == 1)
            #expect(twenty.notes.count == 20 && twenty.notes.allSatisfy { $0.contains("searched the 50 closest") })
            for q in [fuzzyOr(21), "(\(fuzzyOr(20)))^2 zqzz~1", fuzzyOr(15) + " OR zn1* OR zn2*"] {
                do {
                    _ = try index.search(Query.parse(q))
                    Issue.record("\(q.prefix(40))… searched more than 1024 words")
                } catch let e as NewsIndexError {
                    #expect(e.kind == .badQuery && e.message.contains("stand for more than 1024 words in this index together"), "\(e.message)")
                }
            }
            // Prefixes alone stay within their own limit of 1000 and the query's of 1024.
            #expect(try Self.ids(index, "zn1* OR zn2* OR zn3*") == ["many"])
            #expect(throws: NewsIndexError.self) { try index.search(Query.parse("zn1* zn2* zn3* zn4* zn5* zn6* zn7* zn8* zn9*")) }
        }
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
        #expect(strict > 150, "enough random strings parse to test the round trip (\(strict) of 3000)")
    }
}
