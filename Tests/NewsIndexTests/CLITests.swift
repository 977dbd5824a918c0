import Foundation
import Testing
import NewsIndexTestSupport

/// The seeds' ids by their three-digit prefix.
func seedIDs(_ prefixes: [String], in ids: [String]) -> Set<String> {
    Set(ids.map { String($0.prefix(3)) }).intersection(prefixes)
}

@Suite("newsindex command line", .serialized, .needsSharedCorpus)
struct CLITests {
    let index: String

    init() throws {
        index = temporaryDirectory("cli") + "/idx"
        let r = try CLI.run(["build", CLI.seeds, "--index", index])
        #expect(r.status == 0, "build failed: \(r.err)")
    }

    @Test("titles are the headlines, not the navigation")
    func titles() throws {
        let r = try CLI.run(["search", "putin", "--index", index, "--json"])
        var titles: [String: String] = [:]
        for line in r.out.split(separator: "\n") {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            titles[String((o["id"] as! String).prefix(3))] = o["title"] as? String
        }
        #expect(titles["000"] == "Vladimir Putin and China's Xi vow closer ties as Russia's war in Ukraine rages on")
        #expect(titles["003"] == "Putin and Xi promise deeper ties as Russia continues to bomb Ukraine")
        #expect(titles["004"] == "Putin seeks boost in military cooperation with China")
        #expect(titles["001"] == "Report: Putin seeks Xi’s support in face of ‘Western pressure’")
    }

    @Test("the issue's example queries")
    func queries() throws {
        let all = ["000", "001", "002", "003", "004"]
        let sc = try CLI.ids("strategic cooperation", index: index)
        #expect(sc.count == 5)
        #expect(seedIDs(all, in: sc).count == 5)
        let dear = try CLI.ids("\"dear friend\"", index: index)
        #expect(Set(dear.map { String($0.prefix(3)) }) == ["001", "002"])
        let naval = try CLI.ids("\"naval drills\"", index: index)
        #expect(Set(naval.map { String($0.prefix(3)) }) == ["000", "002"])
        #expect(try CLI.ids("Xi’s", index: index).count == 5)
        #expect(try CLI.ids("Xi's", index: index) == (try CLI.ids("xi", index: index)))
        // Hyphenated words match as phrases, across the hyphen.
        let rc = try CLI.ids("\"russian chinese strategic partnership\"", index: index)
        #expect(Set(rc.map { String($0.prefix(3)) }) == ["000", "001", "002"])
        #expect(try CLI.ids("Russian-Chinese", index: index) == (try CLI.ids("\"russian chinese\"", index: index)))
        // Stop words are indexed.
        #expect(!(try CLI.ids("\"the strength of the\"", index: index)).isEmpty)
        // "Öne Çıkan" is navigation in 001: set aside, so not found (folding itself is an analyzer test).
        #expect(try CLI.ids("one cikan", index: index).isEmpty)
    }

    @Test("text output: count, hits with title, date and snippet")
    func textOutput() throws {
        let r = try CLI.run(["search", "\"naval drills\"", "--index", index])
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("2 matches"))
        #expect(r.out.contains("naval drills"))
        #expect(!r.out.contains("\u{1B}["), "no colour when stdout is not a terminal")
        let z = try CLI.run(["search", "zeppelin", "--index", index])
        #expect(z.status == 0 && z.out.hasPrefix("0 matches"))
    }

    /// The seeds' three-digit prefixes of a query's hits, in rank order.
    func seedHits(_ query: String, _ extra: [String] = []) throws -> [String] {
        let r = try CLI.run(["search", query, "--index", index, "--json", "--limit", "50"] + extra)
        #expect(r.status == 0, "\(query): \(r.err)")
        return r.out.split(separator: "\n").compactMap { line in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return (obj["id"] as? String).map { String($0.prefix(3)) }
        }
    }

    @Test("the seeds' page furniture and lists of other stories are not searchable; every report paragraph is")
    func seedsBoilerplate() throws {
        for q in ["Trump", "\"Kari Lake\"", "Orlov", "\"Crocus City Hall\"", "\"share this article\"", "advertisement",
                  "\"abone ol\"", "\"back to top\"", "\"leave a reply\"", "\"you might also like\"", "\"most popular\""] {
            let r = try CLI.run(["search", q, "--index", index, "--count"])
            #expect(r.out == "0\n", "\(q) should find nothing")
        }
        // Every paragraph of the reports (lines of 12 words or more, other than credits and
        // numbered lists of other stories) is still in the searchable body or title.
        for file in try FileManager.default.contentsOfDirectory(atPath: CLI.seeds).sorted() {
            let id = String(file.dropLast(4))
            let show = try CLI.run(["show", id, "--index", index, "--json"])
            #expect(show.status == 0)
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(show.out.utf8)) as? [String: Any])
            let searchable = ((obj["title"] as? String) ?? "") + "\n" + ((obj["body"] as? String) ?? "")
            let text = try String(contentsOfFile: CLI.seeds + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let t = line.trimmingCharacters(in: .whitespaces)
                let words = t.split(separator: " ").count
                let fold = { (x: String) in x.replacingOccurrences(of: "’", with: "'").replacingOccurrences(of: "‘", with: "'") }
                // Not paragraphs: credits, numbered story lists, tag lines, comment forms, the HTML title.
                if words < 12 || t.contains("Copyright") || t.first?.isNumber == true || t.hasPrefix("Tags ")
                    || t.hasPrefix("Your email address") || fold(t).hasPrefix(fold((obj["title"] as? String) ?? "-") + " - ") { continue }
                // A photo caption repeated in a credit line is page furniture.
                if text.contains(t + " Copyright") { continue }
                #expect(searchable.contains(t), "\(id): lost paragraph: \(t.prefix(60))")
            }
        }
        // 004's title, byline and date.
        let show = try CLI.run(["show", "004_2ca4c52b2190831a", "--index", index])
        #expect(show.out.contains("Putin seeks boost in military cooperation with China"))
        #expect(show.out.contains("Jared Gans"))
        #expect(show.out.contains("2022-12-30"))
        #expect(show.out.contains("set aside, not searched"))
        let missing = try CLI.run(["show", "no-such-id", "--index", index])
        #expect(missing.status == 66 && missing.err.contains("no article with id \"no-such-id\""))
    }

    @Test("entities on the seeds: queries, --entity, facets, the entities command")
    func seedEntities() throws {
        let all: Set<String> = ["000", "001", "002", "003", "004"]
        #expect(Set(try seedHits("entity:cctv")) == ["000", "002", "003"])
        #expect(Set(try seedHits("entity:putin")) == all)
        #expect(Set(try seedHits("entity:xi")) == all)
        #expect(Set(try seedHits("entity:\"Vladimir Putin\"")) == all)
        #expect(Set(try seedHits("\"strategic cooperation\"", ["--entity", "CCTV"])) == ["000", "002", "003"])
        #expect(Set(try seedHits("\"strategic cooperation\"", ["--entity", "CCTV", "--entity", "kremlin"])) == ["000", "002"])
        #expect(!(try seedHits("entity:xi NEAR/10 cooperation")).isEmpty)
        // The facet under the hits counts documents over all matches.
        let text = try CLI.run(["search", "\"strategic cooperation\"", "--index", index, "--limit", "1"])
        let lines = text.out.split(separator: "\n")
        let head = try #require(lines.firstIndex { $0.hasPrefix("Entities in the 5 matches") })
        let people = lines[(head + 1)...].first { $0.contains("people") } ?? ""
        let orgs = lines[(head + 1)...].first { $0.contains("organizations") } ?? ""
        #expect(people.contains("Putin 5") && people.contains("Xi 5"), "\(people)")
        #expect(orgs.contains("CCTV 3"), "\(orgs)")
        // The entities command, over everything and with one entity.
        let list = try CLI.run(["entities", "--index", index, "--json"])
        let rows = list.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let cctv = try #require(rows.first { $0["name"] as? String == "China Central Television" })
        #expect(cctv["documents"] as? Int == 3 && cctv["display"] as? String == "CCTV" && cctv["type"] as? String == "media")
        #expect(rows.first { $0["name"] as? String == "Vladimir Putin" }?["documents"] as? Int == 5)
        let with = try CLI.run(["entities", "--index", index, "--with", "cctv"])
        #expect(with.status == 0 && !with.out.contains("China Central Television") && with.out.contains("Xi Jinping"))
        let unknown = try CLI.run(["search", "entity:putn", "--index", index])
        #expect(unknown.status == 64 && unknown.err.contains("\"Vladimir Putin\""))
        let show = try CLI.run(["show", "004_2ca4c52b2190831a", "--index", index])
        #expect(show.out.contains("Vladimir Putin ×") && show.out.contains("Xi Jinping ×"))
    }

    @Test("query language on the seeds (issue 3's examples)")
    func queryLanguage() throws {
        #expect(Set(try seedHits("Taiwan -Samarkand")) == ["000", "002", "003"])
        #expect(Set(try seedHits("\"no limits\" OR \"dear friend\"")) == ["001", "002", "003"])
        #expect(Set(try seedHits("\"east china sea\"")) == ["000", "002", "003"])
        #expect(Set(try seedHits("kremlin AND NOT hegemonism")) == ["000", "001", "004"])
        #expect(Set(try seedHits("title:xi")) == ["000", "001", "003"])
        #expect(try seedHits("hegemon*") == ["002"])
        // Sloppy phrase: more than the exact phrase, fewer than both words anywhere.
        let sloppy = Set(try seedHits("\"putin cooperation\"~5"))
        #expect(!sloppy.isEmpty)
        #expect(sloppy.isSubset(of: Set(try seedHits("putin cooperation"))))
        #expect(Set(try seedHits("\"putin cooperation\"")).isSubset(of: sloppy))
        // Any order: the reversed phrase with 2 more moves finds at least the same documents.
        #expect(sloppy.isSubset(of: Set(try seedHits("\"cooperation putin\"~7"))))
        let near = Set(try seedHits("putin NEAR/3 xi"))
        #expect(near.isSubset(of: Set(try seedHits("putin xi"))))
        #expect(!near.isEmpty)
        // Curly quotes and apostrophes in the query meet the straight ones in the text, and back.
        #expect(try seedHits("“dear friend”") == (try seedHits("\"dear friend\"")))
    }

    @Test("search flags: --count, --offset, --sort date, --since/--until, --explain, --lenient")
    func searchFlags() throws {
        let count = try CLI.run(["search", "putin", "--index", index, "--count"])
        #expect(count.status == 0 && count.out == "5\n")
        let ranked = try seedHits("putin")
        #expect(try seedHits("putin", ["--offset", "2"]) == Array(ranked.dropFirst(2)))
        let byDate = try CLI.run(["search", "putin", "--index", index, "--sort", "date", "--json"])
        let dates = byDate.out.split(separator: "\n").map { line -> String in
            let o = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return (o["date"] as? String) ?? ""
        }
        #expect(dates.count == 5)
        let dated = dates.filter { !$0.isEmpty }
        #expect(dated == dated.sorted(by: >), "newest first")
        let firstUndated = dates.firstIndex(of: "") ?? dates.count
        #expect(dates[firstUndated...].allSatisfy { $0.isEmpty }, "undated last")
        let since = try CLI.run(["search", "putin", "--index", index, "--since", "2022-12-30", "--until", "2022-12-30", "--count"])
        #expect(since.status == 0)
        #expect(Int(since.out.trimmingCharacters(in: .whitespacesAndNewlines)) == dated.filter { $0 == "2022-12-30" }.count)
        let badSince = try CLI.run(["search", "putin", "--index", index, "--since", "last week"])
        #expect(badSince.status == 64 && badSince.err.contains("\"last week\" is not a date"))
        let explain = try CLI.run(["search", "title:xi cooperation", "--index", index, "--explain", "--limit", "1"])
        #expect(explain.out.contains("sum of:") && explain.out.contains("weight(title:xi)") && explain.out.contains("avgdl"))
        let lenient = try CLI.run(["search", "putin \"strategic cooperation", "--index", index, "--lenient", "--count"])
        #expect(lenient.status == 0 && lenient.out == "5\n")
        #expect(lenient.err.contains("note: read '\"' at column 7 as plain text"))
        let strict = try CLI.run(["search", "putin \"strategic cooperation", "--index", index, "--count"])
        #expect(strict.status == 64 && strict.out.isEmpty)
        let field = try CLI.run(["search", "author:smith", "--index", index])
        #expect(field.status == 64 && field.err.contains("The fields are title, body, id, url, entity, source, date"))
        let prefix = try CLI.run(["search", "a*", "--index", index, "--count"])
        // The seeds have fewer than 1,000 words starting with a, so the prefix runs (the refusal is a QueryTests case).
        #expect(prefix.status == 0 && (Int(prefix.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) == 5, "\(prefix.err)")
    }

    @Test("bad queries: empty, unbalanced quote, nothing searchable")
    func badQueries() throws {
        let empty = try CLI.run(["search", "  ", "--index", index])
        #expect(empty.status == 64)
        #expect(empty.err.contains("empty"))
        let quote = try CLI.run(["search", "putin \"strategic cooperation", "--index", index])
        #expect(quote.status == 64)
        #expect(quote.err.contains("putin \"strategic cooperation\n        ^"), "\(quote.err)")
        let punct = try CLI.run(["search", ";;; ...", "--index", index])
        #expect(punct.status == 64)
        #expect(punct.err.contains("no searchable words"))
        #expect(punct.out.isEmpty)
        // ! is Lucene's NOT: before a word it excludes, elsewhere it is an error (--lenient reads it as text).
        let bang = try CLI.run(["search", "!!! ...", "--index", index])
        #expect(bang.status == 64 && bang.err.contains("! (NOT) must stand right before a word or phrase"), "\(bang.err)")
    }

    @Test("missing and damaged indexes")
    func badIndexes() throws {
        let missing = try CLI.run(["search", "putin", "--index", index + "-nope"])
        #expect(missing.status == 66)
        #expect(missing.err.contains("no index at"))
        // Damage a copy of the index: flip one byte in the middle of each file in turn.
        let copy = temporaryDirectory("damaged")
        let files = try FileManager.default.contentsOfDirectory(atPath: index).filter { $0 != "write.lock" }.sorted()
        for name in files {
            try? FileManager.default.removeItem(atPath: copy + "/i")
            try FileManager.default.copyItem(atPath: index, toPath: copy + "/i")
            let path = copy + "/i/" + name
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count / 2] ^= 0x5A
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let r = try CLI.run(["search", "putin", "--index", copy + "/i", "--verify"])
            #expect(r.status == 74, "\(name): \(r.err)")
            #expect(r.err.contains(name), "the message names \(name): \(r.err)")
            // Without --verify only what the search reads is read: it answers, or fails naming the file.
            let quick = try CLI.run(["search", "putin", "--index", copy + "/i"])
            #expect(quick.status == 0 || (quick.status == 74 && quick.err.contains(name)), "\(name): \(quick.status) \(quick.err)")
        }
    }

    @Test("bad input paths fail clearly and never damage the existing index")
    func badInputs() throws {
        let before = try CLI.ids("strategic cooperation", index: index)
        let dir = temporaryDirectory("inputs")
        let nope = try CLI.run(["build", dir + "/missing", "--index", index])
        #expect(nope.status == 66 && nope.err.contains("missing"))
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        let empty = try CLI.run(["build", dir + "/empty", "--index", index])
        #expect(empty.status == 66 && empty.err.contains("no article files (.txt, .jsonl"))
        try Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0xFF]).write(to: URL(fileURLWithPath: dir + "/archive.txt"))
        let binary = try CLI.run(["build", dir + "/archive.txt", "--index", index])
        #expect(binary.status == 65 && binary.err.contains("binary"))
        try Data([0x63, 0x61, 0x66, 0xE9, 0x20, 0x6E, 0x6F, 0x69, 0x72]).write(to: URL(fileURLWithPath: dir + "/latin1.txt"))
        let latin = try CLI.run(["build", dir + "/latin1.txt", "--index", index])
        #expect(latin.status == 65 && latin.err.contains("not valid UTF-8") && latin.err.contains("offset 3"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/notes.pdf"))
        let pdf = try CLI.run(["build", dir + "/notes.pdf", "--index", index])
        #expect(pdf.status == 65 && pdf.err.contains(".jsonl"))
        // A malformed JSON line is reported with its line number; --strict stops and changes nothing.
        let jsonl = """
        {"id": "a1", "title": "Harbour reopens", "body": "The harbour reopened after the storm."}
        {"id": "a2", "title": "Broken", "body": "missing brace"
        {"id": "a3", "title": "Council vote", "body": "The council voted on the budget.", "date": "2024-03-05"}
        """
        try Data(jsonl.utf8).write(to: URL(fileURLWithPath: dir + "/feed.jsonl"))
        let strict = try CLI.run(["build", dir + "/feed.jsonl", "--index", index, "--strict"])
        #expect(strict.status == 65)
        #expect(strict.err.contains("feed.jsonl:2"))
        #expect(strict.err.contains("Without --strict, bad documents are reported and skipped"), "the CLI words the remedy: \(strict.err)")
        #expect(try CLI.ids("strategic cooperation", index: index) == before, "the index is unchanged")
        // Without --strict the good lines are indexed (into another index) and the bad one reported.
        let other = dir + "/other"
        let lenient = try CLI.run(["build", dir + "/feed.jsonl", "--index", other])
        #expect(lenient.status == 1)
        #expect(lenient.err.contains("feed.jsonl:2"))
        #expect(Set(try CLI.ids("council OR harbour", index: other)) == ["a1", "a3"])
        #expect(try CLI.ids("harbour", index: other) == ["a1"])
        #expect(try CLI.ids("council budget", index: other) == ["a3"])
        // A directory that is not an index is never overwritten.
        let foreign = dir + "/foreign"
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: foreign + "/notes.md"))
        let refused = try CLI.run(["build", CLI.seeds, "--index", foreign])
        #expect(refused.status == 74 && refused.err.contains("not empty"))
        #expect(FileManager.default.fileExists(atPath: foreign + "/notes.md"))
    }

    @Test("bench times queries given as arguments, in a file, or line by line on standard input")
    func bench() throws {
        let r = try CLI.run(["bench", "--index", index, "--runs", "3", "--warmup", "1", "--queries", "-", "--ids-only"],
                            input: "putin\n# a comment\n\n\"strategic cooperation\"\n")
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 2)
        #expect(lines.first??["query"] as? String == "putin" && lines.first??["hits"] as? Int == 5)
        #expect(lines.last??["query"] as? String == "\"strategic cooperation\"" && (lines.last??["median_ms"] as? Double ?? -1) >= 0)
        let bad = try CLI.run(["bench", "--index", index, "--queries", "-"], input: "\"unclosed\n")
        #expect(bad.status == 64 && bad.err.contains("never closed"))
    }

    @Test("NEWSINDEX_INDEX chooses the index; --help shows examples")
    func environmentAndHelp() throws {
        let r = try CLI.run(["search", "\"dear friend\"", "--json"], env: ["NEWSINDEX_INDEX": index])
        #expect(r.status == 0 && r.out.split(separator: "\n").count == 2)
        for sub in ["build", "search"] {
            let h = try CLI.run([sub, "--help"])
            #expect(h.status == 0 && h.out.contains("Examples:"))
        }
    }
}
