import Foundation
import Testing
@testable import NewsIndex
@testable import NewsIndexIngest
import NewsIndexTestSupport

/// One document as `forEachArticle(in:withSizes:)` hands it over.
private struct Read {
    var location: String
    var line: Int?
    var article: Article?
    var bad: BadDocument?
    var bytes: Int
}

private func readAll(_ path: String, kind: InputFile.Kind = .jsonLines, maxBytes: Int = ArticleInputs.maxDocumentBytes) throws -> [Read] {
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    var out: [Read] = []
    try ArticleInputs.forEachArticle(in: InputFile(path: path, kind: kind, size: size), maxBytes: maxBytes) { result, location, bytes in
        switch result {
        case .success(let a): out.append(Read(location: "\(location)", line: location.line, article: a, bytes: bytes))
        case .failure(let b): out.append(Read(location: "\(location)", line: location.line, bad: b, bytes: bytes))
        }
    }
    return out
}

private func write(_ path: String, _ bytes: [UInt8]) throws {
    try FileIO.writeFile(path, bytes)
}

private func good(_ id: String, _ body: String) -> String { "{\"id\": \"\(id)\", \"body\": \"\(body)\"}" }

@Suite("Bad documents: each reported with its place and reason, the rest read")
struct BadDocumentTests {
    @Test("JSON Lines: every kind of bad line is classified and named by its line; its neighbours are read", arguments: [
        ("{\"id\": \"x\", \"body\": ", BadDocument.Reason.notJSON, "invalid JSON"),
        ("{oops}", .notJSON, "expected a quoted key"),
        ("[\"id\", \"body\"]", .notAnObject, "not an object"),
        ("\"just a string\"", .notAnObject, "not an object"),
        ("42", .notAnObject, "not an object"),
        ("{\"body\": \"text\"}", .missingID, "\"id\""),
        ("{\"id\": null, \"body\": \"text\"}", .missingID, "\"id\""),
        ("{\"id\": \"\", \"body\": \"text\"}", .missingID, "empty"),
        ("{\"id\": \"x\", \"title\": 7, \"body\": \"text\"}", .wrongFieldType, "\"title\" must be a string"),
        ("{\"id\": {\"a\": 1}, \"body\": \"text\"}", .wrongFieldType, "\"id\" must be a string or integer"),
        ("{\"id\": \"x\"}", .noBody, "no body"),
        ("{\"id\": \"x\", \"body\": \"  \\n \"}", .noBody, "no body"),
        ("{\"id\": \"x\", \"body\": \"caf\u{FFFD}\"}", .notUTF8, "column 25"),   // U+FFFD stands for a bad byte, below
        ("{\"id\": \"x\", \"body\": \"a\u{0}b\"}", .binary, "NUL byte at column 23"),
        ("{\"id\": \"x\"\u{0}, \"body\": \"ab\"}", .binary, "NUL byte at column 11"),
    ])
    func jsonLines(line: String, reason: BadDocument.Reason, detail: String) throws {
        let dir = temporaryDirectory("bad-json")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // U+FFFD in the table becomes the Latin-1 byte for é, which is not UTF-8.
        var bad: [UInt8] = []
        for s in line.unicodeScalars { if s == "\u{FFFD}" { bad.append(0xE9) } else { bad += Array(String(s).utf8) } }
        let path = dir + "/in.jsonl"
        try write(path, Array((good("before", "first text") + "\n").utf8) + bad + Array(("\n" + good("after", "last text") + "\n").utf8))
        let read = try readAll(path)
        #expect(read.count == 3)
        #expect(read.first?.article?.id == "before" && read.last?.article?.id == "after")
        let b = try #require(read.count == 3 ? read[1].bad : nil, "line 2 was read: \(line)")
        #expect(b.reason == reason, "\(line): \(b)")
        #expect(b.location == DocumentLocation(path: path, line: 2))
        #expect(b.description.hasPrefix(path + ":2: "), "\(b)")
        #expect(b.detail.contains(detail), "\(b.detail)")
        #expect(b.error.kind == .badInput && b.error.message == b.description)
        #expect(read[1].bytes == bad.count + 1)
    }

    @Test("blank lines are not documents; a byte-order mark and CR LF line ends are accepted")
    func blankLines() throws {
        let dir = temporaryDirectory("bad-blank")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/in.jsonl"
        try write(path, [0xEF, 0xBB, 0xBF] + Array((good("a", "one") + "\r\n\n   \n\t\r\n" + good("b", "two") + "\r\n\n").utf8))
        let read = try readAll(path)
        #expect(read.map(\.location) == [path + ":1", path + ":5"])
        #expect(read.allSatisfy { $0.article != nil })
    }

    @Test("NUL bytes and bytes that are not UTF-8 anywhere in a JSON Lines file fail only their own lines")
    func binaryLinesEverywhere() throws {
        let dir = temporaryDirectory("bad-nul")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // About 6 MB: more than one 4 MB block; bad lines at the start, in the second block and last.
        let padding = String(repeating: "filler ", count: 40)
        var bytes: [UInt8] = []
        let nulLines: Set<Int> = [1, 16_000, 21_000]
        let latin1Lines: Set<Int> = [2, 19_000]
        for k in 1...21_000 {
            var line = Array(good("d\(k)", "\(padding)\(k)").utf8)
            if nulLines.contains(k) { line[line.count - 3] = 0 }
            if latin1Lines.contains(k) { line[line.count - 3] = 0xE9 }
            bytes += line + [0x0A]
        }
        #expect(bytes.count > 5 << 20)
        let path = dir + "/in.jsonl"
        try write(path, bytes)
        let read = try readAll(path)
        #expect(read.count == 21_000)
        let bad = read.filter { $0.bad != nil }
        #expect(Set(bad.compactMap(\.line)) == nulLines.union(latin1Lines))
        for r in bad {
            let line = try #require(r.line)
            #expect(r.bad?.reason == (nulLines.contains(line) ? .binary : .notUTF8), "line \(line): \(r.bad!)")
        }
        #expect(read.filter { $0.article != nil }.count == 21_000 - 5)
    }

    @Test("text files: binary and non-UTF-8 ones are reported with their path and byte offset; empty ones too")
    func textFiles() throws {
        let dir = temporaryDirectory("bad-text")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(dir + "/binary.txt", Array("Title\n\nbody".utf8) + [0, 1, 2] + Array(" more".utf8))
        try write(dir + "/latin1.txt", Array("Caf".utf8) + [0xE9] + Array(" reopens\n\nThe caf".utf8) + [0xE9] + Array(" opened again.".utf8))
        try write(dir + "/blank.txt", Array(" \n\t\n".utf8))
        try write(dir + "/fine.txt", Array("Harbour reopens\n\nThe harbour opened again on Monday.".utf8))
        let inputs = try ArticleInputs.collect([dir]).files
        var results: [String: Read] = [:]
        for file in inputs {
            for r in try readAll(file.path, kind: .text) { results[(r.location as NSString).lastPathComponent] = r }
        }
        #expect(results.count == 4)
        let binary = try #require(results["binary.txt"]?.bad)
        #expect(binary.reason == .binary && binary.detail.contains("offset 11"), "\(binary)")
        #expect(binary.description.hasPrefix(dir + "/binary.txt: "))
        let latin1 = try #require(results["latin1.txt"]?.bad)
        #expect(latin1.reason == .notUTF8 && latin1.detail.contains("offset 3"), "\(latin1)")
        #expect(latin1.location == DocumentLocation(path: dir + "/latin1.txt"))
        #expect(results["blank.txt"]?.bad?.reason == .noBody)
        #expect(results["fine.txt"]?.article?.body == "The harbour opened again on Monday.")
    }

    @Test("a document over the size limit is reported with its line and size and read past, not held")
    func tooLarge() throws {
        let dir = temporaryDirectory("bad-large")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let limit = 8 << 20
        // A genuinely large line (40 MB, longer than a block and the limit), a 6 MB one under the
        // limit that crosses blocks, and a 9 MB one just over it.
        func bigLine(_ id: String, _ megabytes: Int) -> [UInt8] {
            let head = Array("{\"id\": \"\(id)\", \"body\": \"".utf8), tail = Array("\"}\n".utf8)
            return head + [UInt8](repeating: UInt8(ascii: "w"), count: (megabytes << 20) - head.count - tail.count) + tail
        }
        var bytes = Array((good("a", "alpha") + "\n").utf8)
        bytes += bigLine("huge", 40)
        bytes += Array((good("b", "beta") + "\n").utf8)
        bytes += bigLine("under", 6)
        bytes += bigLine("over", 9)
        bytes += Array((good("c", "gamma") + "\n").utf8)
        let path = dir + "/big.jsonl"
        try write(path, bytes)
        let read = try readAll(path, maxBytes: limit)
        #expect(read.map(\.line) == [1, 2, 3, 4, 5, 6])
        #expect(read.map { $0.article?.id } == ["a", nil, "b", "under", nil, "c"])
        let huge = try #require(read.count == 6 ? read[1].bad : nil)
        #expect(huge.reason == .tooLarge && huge.description.hasPrefix(path + ":2: "))
        #expect(huge.detail.contains("40 MB") && huge.detail.contains("8 MB"), "\(huge.detail)")
        #expect(read[1].bytes == 40 << 20)
        #expect(read.count == 6 && read[4].bad?.reason == .tooLarge && read[4].bad?.detail.contains("9 MB") == true)
        // The reader never held more than the limit of a line it carried across blocks.
        var reader = try LineBlockReader(path: path, maxLineLength: limit)
        var longest = 0
        while try reader.next({ block in longest = max(longest, block.count) }) {}
        #expect(reader.largestCarry <= limit, "carried \(reader.largestCarry) bytes")
        #expect(longest < 16 << 20, "a run of \(longest) bytes was handed out")
        // Under the limit of a block, a line is refused by its length in the block.
        let small = try readAll(path, maxBytes: 100)
        #expect(small.map { $0.article?.id } == ["a", nil, "b", nil, nil, "c"])
        // A text file over the limit is refused without being read.
        let text = dir + "/long.txt"
        try write(text, Array("Headline\n\n".utf8) + [UInt8](repeating: UInt8(ascii: "z"), count: 300))
        let t = try readAll(text, kind: .text, maxBytes: 200)
        #expect(t.count == 1 && t[0].bad?.reason == .tooLarge && t[0].location == text)
        #expect(try readAll(text, kind: .text, maxBytes: 400).first?.article != nil)
    }
}

/// `newsindex build` over bad input: warnings, summary by reason, exit codes, --strict.
@Suite("newsindex build with bad documents", .serialized)
struct BadDocumentCLITests {
    /// The warnings on stderr that report one skipped document each.
    func skipWarnings(_ err: String) -> [String] {
        err.split(separator: "\n").map(String.init).filter { $0.hasPrefix("newsindex: warning: skipped ") }
    }

    @Test("a build skips each bad document with a warning naming file and line, indexes the rest, counts by reason, exits 1")
    func mixed() throws {
        let dir = temporaryDirectory("cli-bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines: [[UInt8]] = [
            Array(good("j1", "the quokka crossed the road").utf8),
            Array("{\"id\": \"j2\", \"body\": \"unfinished".utf8),
            [],
            Array("{\"id\": \"j3\"}".utf8),
            Array("[1, 2, 3]".utf8),
            Array("{\"title\": \"no id\", \"body\": \"words\"}".utf8),
            Array("{\"id\": \"j4\", \"title\": 5, \"body\": \"words\"}".utf8),
            Array("{\"id\": \"j5\", \"body\": \"caf".utf8) + [0xE9] + Array("\"}".utf8),
            Array("{\"id\": \"j6\", \"body\": \"a".utf8) + [0] + Array("\"}".utf8),
            Array(good("j1", "a second quokka with the same id").utf8),
            Array(good("j7", "the wombat dug a burrow").utf8),
        ]
        let jsonl = dir + "/feed.jsonl"
        try write(jsonl, Array(lines.joined(separator: [0x0A])) + [0x0A])
        try FileManager.default.createDirectory(atPath: dir + "/pages", withIntermediateDirectories: true)
        try write(dir + "/pages/page1.txt", Array("Numbat sighted\n\nA numbat was seen near the creek.".utf8))
        try write(dir + "/pages/page2.txt", Array("Bad page\n\nLatin-1 caf".utf8) + [0xE9])
        let index = dir + "/idx"
        let r = try CLI.run(["build", jsonl, dir + "/pages", "--index", index])
        #expect(r.status == 1, "\(r.err)")
        let warnings = skipWarnings(r.err)
        let expected = [jsonl + ":2: ", jsonl + ":4: ", jsonl + ":5: ", jsonl + ":6: ", jsonl + ":7: ", jsonl + ":8: ",
                        jsonl + ":9: ", jsonl + ":10: ", dir + "/pages/page2.txt: "]
        #expect(warnings.count == expected.count, "\(r.err)")
        for (w, place) in zip(warnings, expected) { #expect(w.hasPrefix("newsindex: warning: skipped " + place), "\(w)") }
        #expect(!r.err.contains(jsonl + ":3:"), "a blank line is not a document")
        #expect(warnings.count == 9 && warnings[7].contains("first used at \(jsonl):1"), "\(warnings)")
        #expect(r.err.contains("9 documents skipped: 2 not UTF-8, 1 not valid JSON, 1 not a JSON object, 1 without an id, 1 with a field of the wrong type, 1 without a body, 1 binary (NUL bytes), 1 with a repeated id (see the warnings above); the other 3 documents are indexed"), "\(r.err)")
        #expect(r.out.isEmpty)
        // The good documents are searchable; the repeat did not replace the first.
        #expect(try CLI.ids("quokka", index: index) == ["j1"])
        #expect(try CLI.ids("second", index: index).isEmpty)
        #expect(try CLI.ids("wombat", index: index) == ["j7"])
        #expect(try CLI.ids("numbat", index: index) == ["page1"])
        // An id repeated across text files names the first file.
        try FileManager.default.createDirectory(atPath: dir + "/more", withIntermediateDirectories: true)
        try write(dir + "/more/page1.txt", Array("Another numbat\n\nA second page with the name page1.".utf8))
        let again = try CLI.run(["build", dir + "/pages/page1.txt", dir + "/more", "--index", dir + "/idx2"])
        #expect(again.status == 1)
        #expect(skipWarnings(again.err) == ["newsindex: warning: skipped \(dir)/more/page1.txt: id \"page1\" was first used at \(dir)/pages/page1.txt; ids must be unique within the input"])
        #expect(again.err.contains("1 document skipped: 1 with a repeated id"))
    }

    @Test("--strict stops at the first bad document with exit code 65 and leaves the existing index as it was", .needsSharedCorpus)
    func strict() throws {
        let dir = temporaryDirectory("cli-strict")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = dir + "/idx"
        let built = try CLI.run(["build", CLI.seeds, "--index", index])
        #expect(built.status == 0, "\(built.err)")
        let queries = ["putin", "\"strategic cooperation\"", "taiwan"]
        let before = try queries.map { try CLI.ids($0, index: index) }
        #expect(before.allSatisfy { !$0.isEmpty })
        let manifest = try Data(contentsOf: URL(fileURLWithPath: index + "/manifest"))
        let jsonl = dir + "/feed.jsonl"
        try write(jsonl, Array((good("s1", "putin taiwan strategic cooperation") + "\n" + "{\"id\": \"s2\"}\n" + "{broken\n" + good("s3", "putin again") + "\n").utf8))
        let r = try CLI.run(["build", jsonl, "--index", index, "--strict"])
        #expect(r.status == 65, "\(r.err)")
        let errors = r.err.split(separator: "\n").filter { $0.hasPrefix("newsindex: error: ") }
        #expect(errors.count == 1 && errors.first?.hasPrefix("newsindex: error: \(jsonl):2: ") == true, "\(r.err)")
        #expect(r.err.contains("--strict") && !r.err.contains(":3:"), "it stops at the first bad document: \(r.err)")
        #expect(try queries.map { try CLI.ids($0, index: index) } == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: index + "/manifest")) == manifest)
        // Without --strict the same input replaces the index, skipping the two bad lines.
        let lenient = try CLI.run(["build", jsonl, "--index", index])
        #expect(lenient.status == 1 && skipWarnings(lenient.err).count == 2)
        #expect(Set(try CLI.ids("putin", index: index)) == ["s1", "s3"])
    }

    @Test("a line over the 64 MB limit is reported with its line and size, and the others are indexed")
    func hugeLine() throws {
        let dir = temporaryDirectory("cli-huge")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let limit = ArticleInputs.maxDocumentBytes
        #expect(limit == 64 << 20)
        let head = Array("{\"id\": \"huge\", \"body\": \"".utf8)
        var bytes = Array((good("h1", "the platypus swims") + "\n").utf8)
        bytes += head
        bytes += [UInt8](repeating: UInt8(ascii: "q"), count: limit + (1 << 20) - head.count - 3)
        bytes += Array("\"}\n".utf8)
        bytes += Array((good("h2", "the echidna digs") + "\n").utf8)
        let jsonl = dir + "/huge.jsonl"
        try write(jsonl, bytes)
        bytes = []
        let r = try CLI.run(["build", jsonl, "--index", dir + "/idx"])
        #expect(r.status == 1, "\(r.err)")
        #expect(skipWarnings(r.err) == ["newsindex: warning: skipped \(jsonl):2: the line is 65 MB, over the limit of 64 MB for one document; split the document or leave it out"])
        #expect(r.err.contains("1 document skipped: 1 too large"))
        #expect(try CLI.ids("platypus", index: dir + "/idx") == ["h1"])
        #expect(try CLI.ids("echidna", index: dir + "/idx") == ["h2"])
    }

    @Test("when no document can be indexed the build fails with exit code 65 after the summary")
    func nothingGood() throws {
        let dir = temporaryDirectory("cli-nothing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let jsonl = dir + "/bad.jsonl"
        try write(jsonl, Array("{\"id\": \"x\"}\n\n[]\n".utf8))
        let r = try CLI.run(["build", jsonl, "--index", dir + "/idx"])
        #expect(r.status == 65)
        #expect(skipWarnings(r.err).count == 2)
        #expect(r.err.contains("2 documents skipped: 1 not a JSON object, 1 without a body"), "\(r.err)")
        #expect(r.err.contains("error: none of the input documents could be indexed"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/idx/manifest"))
    }
}
