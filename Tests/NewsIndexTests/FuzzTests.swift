import Foundation
import Testing
@testable import NewsIndex
import NewsIndexFuzzing
import NewsIndexHTML
import NewsIndexTestSupport

/// How many inputs a short run tries: `NEWSINDEX_FUZZ_SCALE` multiplies the defaults (for a
/// longer run from the test suite: `NEWSINDEX_FUZZ_SCALE=20 swift test --filter FuzzTests`).
private func scaled(_ n: Int) -> Int {
    n * max(1, Int(ProcessInfo.processInfo.environment["NEWSINDEX_FUZZ_SCALE"] ?? "") ?? 1)
}

/// A watchdog for the tests: an input that runs past the limit is a hang and stops the run.
private let testWatchdog = Watchdog(limit: 10) { input, elapsed in
    fatalError("fuzz input hung (\(Int(elapsed)) s): \(input)")
}

@Suite("Fuzzing: seeded short runs of scripts/fuzz's targets, and the crashes they found", .serialized)
struct FuzzTests {
    @Test("random and mutated queries parse or fail with badQuery, and search the fixture or throw badQuery")
    func queryShortRun() throws {
        let dir = temporaryDirectory("newsindex-fuzz-query")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FuzzFixture.build(at: dir)
        let fuzzer = QueryFuzzer(index: try IndexReader(path: dir))
        var rng = FuzzRandom(seed: 20_240)
        var failures: [String] = []
        var rejected = 0
        let count = scaled(1_200)
        for k in 0..<count {
            let text = QueryFuzzer.generate(&rng, longInputs: false)
            if (try? Query.parse(text)) == nil { rejected += 1 }
            if let f = testWatchdog.run("query \(text.debugDescription)", { fuzzer.check(text, variant: k) }) {
                failures.append(f.description)
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.first ?? "")")
        // The generator reaches both sides: queries that parse and queries that do not.
        #expect(rejected > count / 20 && rejected < count - count / 20, "\(rejected) of \(count) rejected")
    }

    @Test("deep nesting and very long queries fail cleanly (strict) or read as words (lenient), without recursion or quadratic work",
          arguments: [String(repeating: "(", count: 100_000), String(repeating: ")", count: 100_000),
                      String(repeating: "(x ", count: 5_000) + String(repeating: ")", count: 5_000),
                      String(repeating: "NOT ", count: 20_000) + "x", String(repeating: "\"", count: 100_000),
                      String(repeating: "-", count: 100_000) + "x"])
    func pathologicalQueries(_ text: String) throws {
        let start = Date()
        #expect(throws: NewsIndexError.self) {
            do { _ = try Query.parse(text) } catch let e as NewsIndexError { #expect(e.kind == .badQuery); throw e }
        }
        let lenient = try Query.parse(text, lenient: true)
        #expect(!lenient.notes.isEmpty)
        // Linear work: well under a second even in a debug build (quadratic work took minutes).
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("a lenient parse with more errors than it mends one by one reads the query as plain words")
    func lenientBudget() throws {
        let text = String(repeating: "(x ", count: 5_000) + String(repeating: ")", count: 5_000)
        let q = try Query.parse(text, lenient: true)
        #expect(q.notes.contains { $0.contains("plain words") })
        // A query with a few errors is still mended one error at a time, keeping its syntax.
        let few = try Query.parse("harbour OR OR (strike", lenient: true)
        #expect(!few.notes.contains { $0.contains("plain words") })
        #expect(few.description.contains("OR"))
    }

    @Test("gzip of JSON Lines, damaged or random: read back exactly when whole, else badInput naming an offset; never a trap, the same whole or byte by byte")
    func gzipShortRun() throws {
        var rng = FuzzRandom(seed: 1_952)
        var failures: [String] = []
        var damaged = 0
        let count = scaled(600)
        for k in 0..<count {
            let c = GzipFuzzer.generate(&rng)
            if c.bytes != GzipFuzzer.seeds.first { damaged += 1 }
            if let f = testWatchdog.run("gzip \(c.mutation)", { GzipFuzzer.check(c.bytes, mutation: c.mutation, variant: k) }) {
                failures.append(f.description)
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.first ?? "")")
        #expect(damaged > count / 2)
    }

    @Test("web pages, damaged, nested deep or random: read, never a trap; the same page twice; no blank paragraph; the undamaged page keeps its article")
    func htmlShortRun() throws {
        var rng = FuzzRandom(seed: 7_311)
        var failures: [String] = []
        var articles = 0
        let count = scaled(300)
        for _ in 0..<count {
            let c = HTMLFuzzer.generate(&rng)
            if let page = Optional(c.bytes.withUnsafeBytes { WebPage(html: $0) }), !page.body.isEmpty { articles += 1 }
            if let f = testWatchdog.run("html \(c.mutation)", { HTMLFuzzer.check(c.bytes, mutation: c.mutation) }) {
                failures.append(f.description)
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.first ?? "")")
        // Most damaged pages still give an article, and some give none: both sides are reached.
        #expect(articles > count / 3 && articles < count, "\(articles) of \(count) pages gave an article")
    }

    @Test("CSV, WARC and feed readers on damaged files: never a trap, only NewsIndexError, the same documents plain or gzip-compressed", arguments: ["csv", "warc", "feed"])
    func inputShortRun(_ name: String) throws {
        let dir = temporaryDirectory("newsindex-fuzz-\(name)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fuzzer = try InputFuzzer(InputFuzzer.Format(rawValue: name)!, directory: dir)
        var rng = FuzzRandom(seed: 4_711)
        var failures: [String] = []
        var damaged = 0
        let count = scaled(150)
        for _ in 0..<count {
            let c = fuzzer.generate(&rng)
            if !c.mutation.hasSuffix("as is") { damaged += 1 }
            if let f = testWatchdog.run("\(name) \(c.mutation)", { fuzzer.check(c.bytes, mutation: c.mutation) }) {
                failures.append(f.description)
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.first ?? "")")
        #expect(damaged > count / 2)
    }

    @Test("damaged index files: rejected naming the file as is; with a matching CRC-32 they open and search, or throw NewsIndexError")
    func indexShortRun() throws {
        let dir = temporaryDirectory("newsindex-fuzz-index")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fuzzer = try IndexFuzzer(directory: dir)
        let kinds = Set(fuzzer.files.map { $0.split(separator: ".").last.map(String.init) ?? $0 })
        #expect(kinds == ["manifest", "tdi", "doc", "pos", "nrm", "fdt", "dat", "sig", "grp", "del"])
        var rng = FuzzRandom(seed: 4_711)
        var failures: [String] = []
        let perKind = scaled(8)
        for kind in kinds.sorted() {
            let files = fuzzer.files.indices.filter { fuzzer.files[$0].hasSuffix(kind) }
            for _ in 0..<perKind {
                let c = fuzzer.randomCase(&rng, file: files[rng.below(files.count)])
                if let f = testWatchdog.run("\(fuzzer.files[c.file]): \(c.mutation)", {
                    fuzzer.check(file: c.file, body: c.body, mutation: c.mutation)
                }) {
                    failures.append(f.description)
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.first ?? "")")
    }
}

/// One crash per test, each found by scripts/fuzz: the damage is written with a matching CRC-32,
/// so only the readers' own checks stand between it and a trap.
@Suite("Damaged index files found by fuzzing", .serialized)
struct FuzzRegressionTests {
    /// A fresh fixture index; `body` damages it and checks the outcome.
    func withIndex(_ body: (String) throws -> Void) throws {
        let dir = temporaryDirectory("newsindex-fuzz-regression")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FuzzFixture.build(at: dir)
        try body(dir)
    }

    /// The path of the first segment's file with extension `ext`.
    func file(_ ext: String, in dir: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix("." + ext) }.sorted()
        return dir + "/" + names[0]
    }

    /// Rewrites the file at `path` with `change` applied to its bytes and a matching CRC-32.
    func damage(_ path: String, _ change: (inout [UInt8]) -> Void) throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        change(&bytes)
        let crc = Zlib.crc32(Array(bytes.dropLast(4)))
        for k in 0..<4 { bytes[bytes.count - 4 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func put(_ v: UInt64, _ width: Int, at offset: Int, in bytes: inout [UInt8]) {
        for k in 0..<width { bytes[offset + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
    }

    static func u64(at offset: Int, in bytes: [UInt8]) -> Int {
        (0..<8).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }

    /// Expects `body` to throw corruptIndex naming the file at `path`.
    func expectCorrupt(_ path: String, _ body: () throws -> Void) {
        let name = URL(fileURLWithPath: path).lastPathComponent
        do {
            try body()
            Issue.record("no error for the damaged \(name)")
        } catch let e as NewsIndexError {
            #expect(e.kind == .corruptIndex && e.message.contains(name), "\(e.kind): \(e.message)")
        } catch {
            Issue.record("not a NewsIndexError: \(error)")
        }
    }

    // Term dictionary trailer: TermCount:u64, BlockCount:u32, IndexOffset:u64, then the footer.
    @Test("a term dictionary whose index offset is 2^64−1 (trapped converting it, and adding to it)")
    func termDictionaryIndexOffset() throws {
        try withIndex { dir in
            let tdi = try file("tdi", in: dir)
            try damage(tdi) { FuzzRegressionTests.put(UInt64.max, 8, at: $0.count - 16, in: &$0) }
            expectCorrupt(tdi) { _ = try IndexReader(path: dir) }
        }
    }

    @Test("a term dictionary block offset past Int.max (trapped converting it to Int)")
    func termDictionaryBlockOffset() throws {
        try withIndex { dir in
            let tdi = try file("tdi", in: dir)
            try damage(tdi) { bytes in
                let indexOffset = FuzzRegressionTests.u64(at: bytes.count - 16, in: bytes)
                FuzzRegressionTests.put(UInt64.max - 3, 8, at: indexOffset, in: &bytes)
            }
            expectCorrupt(tdi) { _ = try IndexReader(path: dir) }
        }
    }

    @Test("a term entry whose frequencies add up past Int.max (trapped on the sum in lookup)")
    func termEntryOverflow() throws {
        var w = TermDictionaryWriter(segmentID: 9)
        // docFreq 2^62 and totalTermFreq − docFreq = 2^62 − 1: VInts of nine bytes, the last 0x3F.
        w.add(key: [1, 97], info: TermInfo(docFreq: 1 << 62, totalTermFreq: Int.max, docOffset: 20, posOffset: 20))
        var bytes = w.finish()
        let pattern = [UInt8](repeating: 0xFF, count: 8) + [0x3F]
        let at = try #require((0...(bytes.count - pattern.count)).first { Array(bytes[$0..<($0 + pattern.count)]) == pattern })
        bytes[at + 8] = 0x7F   // the difference becomes 2^63 − 1: the sum overflows
        let crc = Zlib.crc32(Array(bytes.dropLast(4)))
        FuzzRegressionTests.put(UInt64(crc), 4, at: bytes.count - 4, in: &bytes)
        try bytes.withUnsafeBytes { raw in
            let reader = try TermDictionaryReader(bytes: raw, file: "x.tdi", segmentID: 9, docFileSize: 1 << 20, posFileSize: 1 << 20)
            expectCorrupt("x.tdi") { _ = try reader.lookup([1, 97]) }
        }
    }

    // Stored fields trailer: DocCount:u32, ChunkCount:u32, IndexOffset:u64; chunk entries
    // FirstDoc:u32, Offset:u64, CompressedLength:u32, UncompressedLength:u32.
    @Test("a stored-fields index offset of 2^64−1 (trapped adding to it at open)")
    func storedFieldsIndexOffset() throws {
        try withIndex { dir in
            let fdt = try file("fdt", in: dir)
            try damage(fdt) { FuzzRegressionTests.put(UInt64.max, 8, at: $0.count - 16, in: &$0) }
            expectCorrupt(fdt) { _ = try IndexReader(path: dir) }
        }
    }

    @Test("a stored-fields chunk offset past Int.max (trapped converting it when an article was fetched)")
    func storedFieldsChunkOffset() throws {
        try withIndex { dir in
            let fdt = try file("fdt", in: dir)
            try damage(fdt) { bytes in
                let indexOffset = FuzzRegressionTests.u64(at: bytes.count - 16, in: bytes)
                FuzzRegressionTests.put(UInt64.max - 1, 8, at: indexOffset + 4, in: &bytes)
            }
            let index = try IndexReader(path: dir)
            expectCorrupt(fdt) { _ = try index.article(id: "a0") }
        }
    }

    @Test("a stored-fields chunk claiming 2 GiB uncompressed is rejected before anything is allocated")
    func storedFieldsHugeChunk() throws {
        try withIndex { dir in
            let fdt = try file("fdt", in: dir)
            try damage(fdt) { bytes in
                let indexOffset = FuzzRegressionTests.u64(at: bytes.count - 16, in: bytes)
                FuzzRegressionTests.put(1 << 31, 4, at: indexOffset + 16, in: &bytes)
            }
            let index = try IndexReader(path: dir)
            expectCorrupt(fdt) { _ = try index.article(id: "a0") }
            // Refused for its size, before zlib is asked for anything.
            var message = ""
            do { _ = try index.article(id: "a0") } catch let e as NewsIndexError { message = e.message }
            #expect(message.contains("claims"), "\(message)")
        }
    }

    @Test("a position past Int32.max is reported, not handed to the span code (which trapped converting it)")
    func positionPastInt32() throws {
        var w = PostingsWriter(segmentID: 7)
        let info = try w.addTerm(docs: [0, 1], freqs: [2, 1], positions: [1, 0x8000_0005, 4], norms: [1, 1])
        let (doc, pos) = w.finish()
        try doc.withUnsafeBytes { d in
            try pos.withUnsafeBytes { p in
                let c = try PostingsCursor(info: info, doc: d, pos: p, fileName: "t.doc", maxDoc: 2)
                #expect(try c.advance() == 0)
                var out: [UInt32] = []
                #expect(throws: NewsIndexError.self) { try c.positions(into: &out) }
                // The next document's positions are still readable.
                #expect(try c.advance() == 1)
            }
        }
    }
}
