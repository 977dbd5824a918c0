import Foundation
import Testing
@testable import NewsIndex
@testable import NewsIndexIngest
import NewsIndexTestSupport

@Suite("Ingest: dates, JSON Lines, scraped pages")
struct IngestTests {
    @Test("dates in ISO 8601 and news formats", arguments: [
        ("2022-12-30", 1_672_358_400),
        ("2022-12-30T07:55:00Z", 1_672_386_900),
        ("2022-12-30T07:55:00.123Z", 1_672_386_900),
        ("2022-12-30T10:55:00+03:00", 1_672_386_900),
        ("2022-12-30 07:55", 1_672_386_900),
        ("Fri, 30 Dec 2022 07:55:00 +0000", 1_672_386_900),
        ("Fri, 30 Dec 2022 02:55:00 -0500", 1_672_386_900),
        ("30 Dec 2022", 1_672_358_400),
        ("December 30, 2022", 1_672_358_400),
        ("Dec. 30, 2022", 1_672_358_400),
        ("Dec 30, 2022 7:55 AM", 1_672_386_900),
        ("30 December 2022 07:55", 1_672_386_900),
        ("12/30/22", 1_672_358_400),
        ("12/30/2022 2:55 AM ET", 1_672_386_900),
        ("2024-02-29", 1_709_164_800),
    ])
    func dates(text: String, seconds: Int64) {
        #expect(ArticleDate(parsing: text)?.secondsSinceEpoch == seconds, "\(text)")
    }

    @Test("impossible or non-dates are refused", arguments: ["2022-13-01", "2023-02-29", "Feb 30, 2022", "yesterday", "", "12/30", "2022-12-30 25:00"])
    func badDates(text: String) {
        #expect(ArticleDate(parsing: text) == nil, "\(text)")
    }

    @Test("isoDay round-trips")
    func isoDay() {
        #expect(ArticleDate(parsing: "Dec 30, 2022 11:59 PM")?.isoDay == "2022-12-30")
        #expect(ArticleDate(secondsSinceEpoch: -1, text: "").isoDay == "1969-12-31")
    }

    func parse(_ text: String) -> [(Result<Article, NewsIndexError>, Int)] {
        var out: [(Result<Article, NewsIndexError>, Int)] = []
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            try? JSONLines.parse(UnsafeRawBufferPointer(raw), file: "f.jsonl") { out.append(($0, $1)) }
        }
        return out
    }

    @Test("JSON Lines: escapes, integer ids, ignored nested values, blank lines")
    func jsonGood() throws {
        let lines = """
        {"id": 42, "title": "Caf\\u00e9 \\"quote\\" \\ud83d\\ude00", "body": "line\\nbreak\\t\\/", "tags": [1, {"a": [true, false, null]}, -2.5e3], "url": null}

        {"body": "b", "id": "x-1", "date": "2024-03-05", "url": "https://example.org/a"}
        """
        let r = parse(lines)
        #expect(r.count == 2)
        let a = try r[0].0.get()
        #expect(a.id == "42" && a.title == "Café \"quote\" 😀" && a.body == "line\nbreak\t/" && a.url == nil)
        let b = try r[1].0.get()
        #expect(r[1].1 == 3)
        #expect(b.title == "" && b.date?.isoDay == "2024-03-05" && b.url == "https://example.org/a")
    }

    @Test("JSON Lines: random strings with escapes anywhere read back exactly", arguments: [1, 2])
    func jsonRandomStrings(seed: UInt64) throws {
        // Runs longer and shorter than the eight bytes the scanner looks at a time, with every
        // kind of escape at every offset, written by Foundation's encoder.
        var rng = SeededRandom(seed: seed)
        let pieces = ["a", "bcdefghij", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "中文", "🙂", " ", "0123456789abcdefXYZ"]
        var bodies: [String] = []
        var lines = ""
        for k in 0..<300 {
            let body = "x" + (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            bodies.append(body)
            let data = try JSONSerialization.data(withJSONObject: ["id": "d\(k)", "body": body])
            lines += String(decoding: data, as: UTF8.self) + "\n"
        }
        let r = parse(lines)
        #expect(r.count == bodies.count)
        for (k, (result, _)) in r.enumerated() {
            #expect(try result.get().body == bodies[k])
        }
        // A raw control character after a long plain run is still refused.
        let bad = parse("{\"id\": \"x\", \"body\": \"abcdefghijklmnop\u{01}q\"}")
        #expect(bad.count == 1)
        if case .failure(let e) = bad[0].0 { #expect(e.message.contains("control character")) } else { Issue.record("accepted a raw control character") }
    }

    @Test("UTF-8 check: the first bad sequence is where the standard library's decoder stops, on random bytes", arguments: [1, 2, 3])
    func utf8CheckMatchesDecoder(seed: UInt64) {
        // Mostly well-formed text with lead bytes, continuation bytes and the edge values of every
        // range (overlongs, surrogates, past U+10FFFF, cut-short sequences) spliced in.
        var rng = SeededRandom(seed: seed)
        let edges: [UInt8] = [0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0x9F, 0xA0, 0xF0, 0xF4, 0xF5, 0xFF, 0x8F, 0x90]
        let good = Array("plain text, café, 中文, 🙂, ".utf8)
        var invalid = 0
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes += good[Int.random(in: 0..<good.count, using: &rng)...]
                case 1: bytes.append(edges.randomElement(using: &rng)!)
                case 2: bytes += String(Character(Unicode.Scalar(UInt32.random(in: 0x80...0xD7FF, using: &rng))!)).utf8
                default: bytes += (0..<Int.random(in: 0...3, using: &rng)).map { _ in UInt8.random(in: 0x80...0xFF, using: &rng) }
                }
            }
            var expected: Int? = nil
            var offset = 0, it = bytes.makeIterator(), decoder = UTF8()
            decoding: while true {
                switch decoder.decode(&it) {
                case .scalarValue(let s): offset += UTF8.width(s)
                case .emptyInput: break decoding
                case .error: expected = offset; break decoding
                }
            }
            if expected != nil { invalid += 1 }
            let got = bytes.withUnsafeBufferPointer { UTF8Text.firstInvalid($0) }
            #expect(got == expected, "\(bytes.map { String($0, radix: 16) })")
            let text = bytes.withUnsafeBufferPointer { UTF8Text.string($0) }
            #expect(text == (expected == nil ? String(decoding: bytes, as: UTF8.self) : nil))
        }
        #expect(invalid > 300 && invalid < 2700, "a mix of valid and invalid inputs: \(invalid) invalid")
    }

    @Test("JSON Lines: keys with escapes are the keys they spell; a key that is not UTF-8 is refused")
    func jsonKeysWithEscapes() throws {
        let r = parse("{\"\\u0069d\": \"k1\", \"bo\\u0064y\": \"text\", \"t\\u00eftle\": \"other key\"}")
        #expect(try r[0].0.get().id == "k1" && r[0].0.get().body == "text" && r[0].0.get().title == "")
        var bytes = Array("{\"id\": \"a\", \"body\": \"b\", \"k".utf8) + [0xFF] + Array("\": 1}".utf8)
        var out: [Result<Article, NewsIndexError>] = []
        bytes.withUnsafeMutableBytes { raw in
            try? JSONLines.parse(UnsafeRawBufferPointer(raw), file: "f.jsonl") { result, _ in out.append(result) }
        }
        guard case .failure(let e) = out.first else { Issue.record("a key that is not UTF-8 was accepted"); return }
        #expect(e.message.contains("not valid UTF-8"), "\(e.message)")
    }

    @Test("JSON Lines: each error names its line and what is wrong", arguments: [
        ("{\"id\": \"a\", \"body\": \"x\"", "expected ',' or '}'"),
        ("{\"id\": \"a\"}", "has no body"),
        ("{\"title\": \"t\", \"body\": \"x\"}", "missing required field \"id\""),
        ("{\"id\": [1], \"body\": \"x\"}", "\"id\" must be a string or integer"),
        ("[1, 2]", "JSON but not an object"),
        ("[1, 2", "'{'"),
        ("{\"id\": \"a\", \"body\": \"\\ud800\"}", "surrogate"),
        ("{\"id\": \"a\", \"body\": \"x\"} trailing", "unexpected text"),
        ("{\"id\" 1}", "after the key \"id\""),
        ("{\"\\u0069d\" 1}", "after the key \"\\u0069d\""),
    ])
    func jsonBad(line: String, message: String) {
        let r = parse("{\"id\": \"ok\", \"body\": \"fine\"}\n" + line)
        #expect(r.count == 2)
        guard case .failure(let e) = r[1].0 else { Issue.record("line 2 parsed: \(line)"); return }
        #expect(e.message.hasPrefix("f.jsonl:2: "), "\(e.message)")
        #expect(e.message.contains(message), "\(e.message)")
        #expect(e.kind == .badInput)
    }

    @Test("scraped page: headline signals, byline and date; the page around the article is set aside")
    func textArticle() {
        let page = """
        Sections
        Top Stories

        Harbour strike ends after dockers accept pay deal - The Eastport Herald

        Menu
        Harbour strike ends after dockers accept pay deal
        By Maren Holt - 03/14/24 6:40 PM ET

        The strike ended on Thursday.
        """
        let a = TextArticle.parse(page, id: "p1")
        #expect(a.title == "Harbour strike ends after dockers accept pay deal")
        #expect(a.byline == "Maren Holt")
        #expect(a.date?.isoDay == "2024-03-14")
        #expect(a.body == "The strike ended on Thursday.")
        for furniture in ["Sections", "Top Stories", "Menu", "By Maren Holt"] {
            #expect(a.setAside?.contains(furniture) == true, "\(furniture) is set aside")
        }
        let repeated = TextArticle.parse("World\n\nCouncil votes to close the old bridge\n\nCouncil votes to close the old bridge\n\nThe vote was close.", id: "p2")
        #expect(repeated.title == "Council votes to close the old bridge")
        #expect(!repeated.body.contains("Council votes"))
        let plain = TextArticle.parse("Floods close the coastal road again\n\nThe road is shut.", id: "p3")
        #expect(plain.title == "Floods close the coastal road again")
        #expect(plain.body == "The road is shut.")
    }

    @Test("scraped page: sentences that look like furniture, short headlines and short paragraphs stay")
    func proseKept() {
        let page = """
        Storm hits coast
        By Friday, officials expected the storm to pass over the islands before dawn.
        Subscribers to the local water utility were told to boil their water.
        Trending upward all week, river levels peaked on Thursday.
        Sponsored by the regional council, the shelters opened at noon.
        He refused.
        Why did the warning come so late for the villages along the northern shore of the bay?
        The minister's statement read:
        Related
        Officials counted 1,200 fallen trees.
        Schools will stay closed until March.
        Volunteers handed out blankets at the harbour.
        Photo: Lena Dahl
        """
        let a = TextArticle.parse(page, id: "storm")
        #expect(a.title == "Storm hits coast")
        #expect(a.byline == nil, "a sentence starting with By is not a byline")
        for line in ["By Friday, officials expected", "Subscribers to the local", "Trending upward", "Sponsored by the regional",
                     "He refused.", "Why did the warning", "The minister's statement read:", "Officials counted 1,200",
                     "Schools will stay closed", "Volunteers handed out blankets at the harbour"] {
            #expect(a.body.contains(line), "\(line) is article text")
        }
        #expect(!a.body.contains("Lena Dahl") && a.setAside?.contains("Photo: Lena Dahl") == true, "a credit line is set aside")
    }

    @Test("scraped page: share buttons, adverts, comment forms and lists of other stories stay out of the body")
    func boilerplate() {
        let page = """
        Home | Local | Sport
        Ferry timetable changes from Monday
        By Ana Ruiz

        Share this articleComments
        ADVERTISEMENT
        Ferries between Eastport and the islands will leave half an hour earlier from Monday, the operator said.
        Photo: Harbour Authority
        Why the change?
        The operator blamed the tide tables. It will review the timetable in June.
        "We are sorry," a spokesperson said.
        Copyright 2024 The Eastport Herald
        You might also like
        Council approves new cycle lanes on the seafront
        Lifeboat crew rescues two kayakers off Gull Point
        Leave a Reply
        Your email address will not be published. Required fields are marked *
        Back to top button
        """
        let a = TextArticle.parse(page, id: "ferry")
        #expect(a.title == "Ferry timetable changes from Monday")
        #expect(a.byline == "Ana Ruiz")
        let body = a.body.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        #expect(body == [
            "Ferries between Eastport and the islands will leave half an hour earlier from Monday, the operator said.",
            "Why the change?",
            "The operator blamed the tide tables. It will review the timetable in June.",
            "\"We are sorry,\" a spokesperson said.",
        ])
        let aside = a.setAside ?? ""
        for line in ["Home | Local | Sport", "Share this articleComments", "ADVERTISEMENT", "Photo: Harbour Authority",
                     "Copyright 2024", "Council approves new cycle lanes", "Lifeboat crew rescues", "Leave a Reply",
                     "Back to top button"] {
            #expect(aside.contains(line), "\(line) is set aside")
        }
        // A "Most Popular" heading before the article starts is navigation, not the end of the story.
        let early = TextArticle.parse("Most Popular\nRiver levels fall after the storm\n\nThe river fell by a metre overnight.", id: "r")
        #expect(early.body == "The river fell by a metre overnight.")
    }

    @Test("the seeds' bylines and dates", .needsSharedCorpus)
    func seedByline() throws {
        let path = CLI.seeds + "/004_2ca4c52b2190831a.txt"
        let file = InputFile(path: path, kind: .text, size: 0)
        let a = TextArticle.parse(try ArticleInputs.readText(file), id: "004")
        #expect(a.byline == "Jared Gans")
        #expect(a.date?.secondsSinceEpoch == 1_672_404_900)   // 2022-12-30 07:55 EST
    }
}

@Suite("JSON Lines read in blocks")
struct LineBlockTests {
    @Test("lines that cross block boundaries, a line longer than a block, no final newline")
    func blocks() throws {
        let dir = temporaryDirectory("blocks")
        var rng = SeededRandom(seed: 5)
        var lines: [String] = []
        for k in 0..<200 {
            let n = k == 50 ? 300 : Int.random(in: 0...40, using: &rng)
            lines.append(String(repeating: "x", count: n) + "\(k)")
        }
        let path = dir + "/lines.jsonl"
        try FileIO.writeFile(path, Array(lines.joined(separator: "\n").utf8))
        for blockSize in [1, 7, 64, 4096] {
            var reader = try LineBlockReader(path: path, blockSize: blockSize)
            var text: [UInt8] = []
            while try reader.next({ block in
                // Every run but the file's last ends at a line end.
                #expect(block.last == 0x0A || text.count + block.count == lines.joined(separator: "\n").utf8.count)
                text.append(contentsOf: block)
            }) {}
            #expect(String(decoding: text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) == lines)
        }
    }

    @Test("lines longer than the limit are read past and reported by length, in order, whatever the block size")
    func longLines() throws {
        let dir = temporaryDirectory("longlines")
        var rng = SeededRandom(seed: 11)
        var lines: [[UInt8]] = []
        for k in 0..<300 {
            let n = k % 17 == 3 ? Int.random(in: 60...400, using: &rng) : Int.random(in: 0...50, using: &rng)
            lines.append(Array(repeating: UInt8(ascii: "a") + UInt8(k % 26), count: n))
        }
        var file: [UInt8] = []
        for (k, line) in lines.enumerated() {
            file += line
            if k < lines.count - 1 || k % 2 == 0 { file.append(0x0A) }
        }
        let path = dir + "/long.jsonl"
        try FileIO.writeFile(path, file)
        let limit = 55
        for blockSize in [1, 5, 16, 64, 1000, 1 << 16] {
            var reader = try LineBlockReader(path: path, blockSize: blockSize, maxLineLength: limit)
            // Each event: a line's bytes (delivered) or its length (read past).
            var delivered: [UInt8] = []
            var events: [(kept: [UInt8]?, length: Int)] = []
            func flush() {
                for piece in delivered.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
                    events.append((Array(piece), piece.count + 1))
                }
                if let lf = delivered.lastIndex(of: 0x0A) { delivered.removeSubrange(...lf) }
            }
            while try reader.next({ delivered += $0; flush() }, tooLong: { flush(); events.append((nil, $0)) }) {}
            if !delivered.isEmpty { events.append((delivered, delivered.count)) }
            #expect(events.count == lines.count, "block size \(blockSize)")
            for (k, (event, line)) in zip(events, lines).enumerated() {
                let withLF = line.count + (k < lines.count - 1 ? 1 : 0)
                #expect(event.length == withLF, "line \(k + 1), block size \(blockSize)")
                // Only a line over the limit may be read past; one over the limit and longer than a
                // block (so carried across blocks) must be.
                if let kept = event.kept { #expect(kept == line) } else { #expect(withLF > limit) }
                if withLF > blockSize && withLF > limit { #expect(event.kept == nil, "line \(k + 1) held") }
            }
            #expect(reader.largestCarry <= limit, "block size \(blockSize): carried \(reader.largestCarry) bytes")
        }
    }

    @Test("line numbers in errors count across blocks")
    func lineNumbers() throws {
        let dir = temporaryDirectory("blocklines")
        // About 5 MB, more than one 4 MB block; the bad line lies in the second block.
        let padding = String(repeating: "word ", count: 50)
        var text = ""
        for k in 1...20_000 { text += k == 15_000 ? "{oops\n" : "{\"id\": \"\(k)\", \"body\": \"\(padding)\(k)\"}\n" }
        #expect(text.utf8.count > 4 << 20)
        let path = dir + "/big.jsonl"
        try FileIO.writeFile(path, Array(text.utf8))
        var failures: [String] = []
        var articles = 0
        try ArticleInputs.forEachArticle(in: InputFile(path: path, kind: .jsonLines, size: text.utf8.count)) { result, location in
            switch result {
            case .success: articles += 1
            case .failure: failures.append(location)
            }
        }
        #expect(articles == 19_999)
        #expect(failures == [path + ":15000"])
    }
}
