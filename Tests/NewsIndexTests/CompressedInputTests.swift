import Foundation
import Testing
@testable import NewsIndex
@testable import NewsIndexIngest
import NewsIndexTestSupport

private let samples = CLI.packageRoot.appendingPathComponent("samples").path

private func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

private func bytes(of path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// `count` JSON Lines articles with varied words (so that they do not compress to nothing).
private func jsonLines(_ count: Int, prefix: String = "a") -> String {
    let words = ["harbour", "strike", "river", "flood", "council", "budget", "minister", "storm", "court", "ruling", "union", "port"]
    var rng = SystemRandomNumberGenerator()
    var s = ""
    for k in 0..<count {
        let body = (0..<40).map { _ in words[Int(rng.next() % UInt64(words.count))] + String(rng.next() % 1000) }.joined(separator: " ")
        s += #"{"id":"\#(prefix)\#(k)","title":"Story \#(k)","body":"\#(body)"}"# + "\n"
    }
    return s
}

/// Indexes `paths` into a new index at `dir`; the report, and the progress events' bytes.
@discardableResult
private func ingest(_ paths: [String], at dir: String, mode: IndexWriter.Mode? = nil, strict: Bool = false) throws -> (report: IngestReport, progress: [Int], total: Int) {
    var run = try IngestRun(paths: paths, indexPath: dir, strict: strict)
    var options = IndexWriter.Options()
    if let mode { options.mode = mode }
    let writer = try IndexWriter(path: dir, options: options)
    var progress: [Int] = []
    try run.run(into: writer) { if case .progress(_, let read, _) = $0 { progress.append(read) } }
    try writer.commit()
    return (run.report, progress, run.totalBytes)
}

/// What searches of the index at `dir` find: ids and scores, for a few queries.
private func answers(_ dir: String) throws -> [String] {
    let reader = try IndexReader(path: dir)
    var out: [String] = []
    for q in ["harbour", "strike OR flood", "river", "\"dock workers\"", "water", "union AND port"] {
        guard let results = try? reader.search(q, limit: 20) else { out.append("\(q): none"); continue }
        out.append("\(q): \(results.totalHits): " + results.hits.map { "\($0.id) \($0.score)" }.joined(separator: ", "))
    }
    return out
}

/// The articles of `file` (or the error that ends its reading), with the articles read before it.
private func articles(_ file: InputFile, maxBytes: Int = ArticleInputs.maxDocumentBytes) -> (articles: [Article], bad: [BadDocument], error: NewsIndexError?) {
    var good: [Article] = []
    var bad: [BadDocument] = []
    do {
        try ArticleInputs.forEachArticle(in: file, maxBytes: maxBytes) { result, _, _ in
            switch result {
            case .success(let a): good.append(a)
            case .failure(let b): bad.append(b)
            }
        }
        return (good, bad, nil)
    } catch {
        return (good, bad, error as? NewsIndexError ?? NewsIndexError(.io, "\(error)"))
    }
}

private func gzFile(_ path: String) throws -> InputFile {
    try #require(try ArticleInputs.collect([path]).files.first)
}

@Suite("Compressed input (.gz) and standard input")
struct CompressedInputTests {
    @Test(".jsonl.gz and .txt.gz build the same index as the plain files: ids, hits, scores; progress counts compressed bytes")
    func sameIndex() throws {
        let dir = temporaryDirectory("newsindex-gz")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = dir + "/plain", packed = dir + "/packed"
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: packed, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: samples) {
            let content = try bytes(of: samples + "/" + name)
            try write(content, to: plain + "/" + name)
            try write(Gzip.compress(content), to: packed + "/" + name + ".gz")
        }
        let a = try ingest([plain], at: dir + "/ia")
        let b = try ingest([packed], at: dir + "/ib")
        #expect(a.report == b.report)
        #expect(a.report.indexed > 2)
        let plainAnswers = try answers(dir + "/ia")
        #expect(plainAnswers.contains { $0.hasPrefix("harbour: ") && !$0.hasSuffix(": 0: ") })
        #expect(try answers(dir + "/ib") == plainAnswers)
        // The text articles keep their ids (the name without .txt.gz).
        let ids = try articles(gzFile(packed + "/harbour-strike.txt.gz")).articles.map(\.id)
        #expect(ids == ["harbour-strike"])
        // Progress for .gz: compressed bytes read, reaching the compressed size at the end.
        #expect(b.progress.last == b.total)
        #expect(b.progress == b.progress.sorted())
        let run = try IngestRun(paths: [packed], indexPath: dir + "/ic", strict: false)
        #expect(run.expectedInputBytes == a.total)
    }

    @Test("a multi-member gzip file (cat a.gz b.gz) reads as both members' lines")
    func multiMember() throws {
        let dir = temporaryDirectory("newsindex-gz-multi")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = jsonLines(30, prefix: "x"), second = jsonLines(20, prefix: "y")
        try write(Gzip.compress(Array(first.utf8)) + Gzip.compress(Array(second.utf8)), to: dir + "/both.jsonl.gz")
        let read = try articles(gzFile(dir + "/both.jsonl.gz"))
        #expect(read.error == nil)
        #expect(read.articles.map(\.id) == (0..<30).map { "x\($0)" } + (0..<20).map { "y\($0)" })
    }

    @Test("a truncated .jsonl.gz: the reader stops naming the file and the offset; a run indexes what came before, reports the damage and goes on; --strict leaves the index unchanged")
    func truncated() throws {
        let dir = temporaryDirectory("newsindex-gz-cut")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let whole = Gzip.compress(Array(jsonLines(2_000).utf8))
        let cut = whole.count / 2
        let path = dir + "/cut.jsonl.gz"
        try write(Array(whole[..<cut]), to: path)
        let read = try articles(gzFile(path))
        let error = try #require(read.error)
        #expect(error.kind == .badInput)
        #expect(error.message.contains(path) && error.message.contains("at byte \(cut) ") && error.message.contains("truncated"))
        #expect(error.message.contains("gzip -t"))
        // The documents before the damage were read.
        #expect(read.articles.count > 100 && read.articles.count < 2_000)
        #expect(read.articles.map(\.id) == (0..<read.articles.count).map { "a\($0)" })

        try write(Array(jsonLines(5, prefix: "old").utf8), to: dir + "/old.jsonl")
        try write(Array(jsonLines(7, prefix: "z").utf8), to: dir + "/z-after.jsonl")
        let idx = dir + "/idx"
        try ingest([dir + "/old.jsonl"], at: idx)
        let before = try answers(idx)
        let files = try FileManager.default.contentsOfDirectory(atPath: idx).sorted()
        // Strict: the damage stops the run, and the index is as it was.
        for mode in [IndexWriter.Mode.append, .create] {
            #expect(throws: NewsIndexError.self) { try ingest([path], at: idx, mode: mode, strict: true) }
        }
        #expect(try answers(idx) == before)
        #expect(try IndexReader(path: idx).documentCount == 5)
        #expect(try FileManager.default.contentsOfDirectory(atPath: idx).sorted() == files)
        // Not strict: the documents before the damage and the next file are indexed, the damage is one bad document.
        let run = try ingest([path, dir + "/z-after.jsonl"], at: idx, mode: .append)
        #expect(run.report.skipped == [.damaged: 1])
        #expect(run.report.indexed == read.articles.count + 7)
        #expect(try IndexReader(path: idx).documentCount == 5 + read.articles.count + 7)
    }

    @Test("corrupt gzip: damaged data, or a .gz that is not gzip, is badInput naming the file and an offset")
    func corrupt() throws {
        let dir = temporaryDirectory("newsindex-gz-bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var damaged = Gzip.compress(Array(jsonLines(200).utf8))
        damaged[damaged.count / 2] ^= 0xFF
        damaged[damaged.count / 2 + 1] ^= 0x5A
        try write(damaged, to: dir + "/damaged.jsonl.gz")
        try write(Array("{\"id\":\"1\",\"body\":\"plain text\"}\n".utf8), to: dir + "/plain.jsonl.gz")
        try write(Array(Gzip.compress(Array("Headline\n\nBody".utf8)).dropLast(8)) + [1, 2, 3, 4, 5, 6, 7, 8], to: dir + "/crc.txt.gz")
        for (name, what) in [("damaged.jsonl.gz", "damaged"), ("plain.jsonl.gz", "not gzip data"), ("crc.txt.gz", "damaged")] {
            let error = try #require(articles(gzFile(dir + "/" + name)).error, "\(name)")
            #expect(error.kind == .badInput)
            #expect(error.message.contains(dir + "/" + name) && error.message.contains(what), "\(error.message)")
            let offset = try #require(GzipFuzzerOffset.offset(in: error.message))
            #expect(offset <= (try bytes(of: dir + "/" + name)).count)
        }
        #expect(GzipFuzzerOffset.offset(in: try #require(articles(gzFile(dir + "/plain.jsonl.gz")).error).message) == 0)
    }

    @Test(".txt.gz over the size limit is a tooLarge bad document, read past in bounded memory")
    func textTooLarge() throws {
        let dir = temporaryDirectory("newsindex-gz-big")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = "Headline\n\n" + String(repeating: "All work and no play. ", count: 10_000)
        try write(Gzip.compress(Array(text.utf8)), to: dir + "/big.txt.gz")
        let read = try articles(gzFile(dir + "/big.txt.gz"), maxBytes: 1_000)
        #expect(read.error == nil && read.articles.isEmpty)
        #expect(read.bad.map(\.reason) == [.tooLarge])
        #expect(read.bad.first?.detail.contains("over the limit of 1000 bytes") == true)
        #expect(try articles(gzFile(dir + "/big.txt.gz")).articles.map(\.title) == ["Headline"])
    }

    @Test("folders pick up .jsonl.gz and .txt.gz; other .gz files are ignored")
    func folderWalk() throws {
        let dir = temporaryDirectory("newsindex-gz-walk")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a.jsonl.gz", "b.TXT.GZ", "c.ndjson.gz", "d.tar.gz", "e.gz"] { try write([], to: dir + "/" + name) }
        let found = try ArticleInputs.collect([dir])
        #expect(found.files.map { ($0.path as NSString).lastPathComponent } == ["a.jsonl.gz", "b.TXT.GZ", "c.ndjson.gz"])
        #expect(found.files.allSatisfy { $0.isGzip })
        #expect(found.files.map(\.kind) == [.jsonLines, .text, .jsonLines])
        #expect(found.ignored.count == 2)
        #expect(throws: NewsIndexError.self) { try ArticleInputs.collect(["-", "-"]) }
    }
}

/// The offset a gzip error names ("at byte N").
enum GzipFuzzerOffset {
    static func offset(in message: String) -> Int? {
        guard let r = message.range(of: "at byte ") else { return nil }
        return Int(message[r.upperBound...].prefix { $0.isNumber })
    }
}

@Suite("Standard input and --format, through the CLI", .serialized)
struct StandardInputTests {
    @Test("build - reads JSON Lines, plain or gzip; add - adds; bad lines are reported as -:LINE")
    func jsonLinesOnStdin() throws {
        let dir = temporaryDirectory("newsindex-stdin")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let idx = dir + "/idx"
        let r = try CLI.run(["build", "-", "--index", idx], input: jsonLines(20))
        #expect(r.status == 0, "\(r.err)")
        #expect(try IndexReader(path: idx).documentCount == 20)
        let gz = Gzip.compress(Array(jsonLines(10, prefix: "g").utf8)) + Gzip.compress(Array(jsonLines(5, prefix: "h").utf8))
        let add = try CLI.run(["add", "-", "--index", idx], inputData: Data(gz))
        #expect(add.status == 0, "\(add.err)")
        #expect(try IndexReader(path: idx).documentCount == 35)
        let bad = try CLI.run(["add", "-", "--index", idx], input: "{\"id\":\"z1\",\"body\":\"fine\"}\n{not json\n")
        #expect(bad.status == 1)
        #expect(bad.err.contains("skipped -:2: "), "\(bad.err)")
        // Gzip cut short: the documents before the damage are added, the damage is reported, exit 1.
        let long = Gzip.compress(Array(jsonLines(400, prefix: "c").utf8))
        let cut = try CLI.run(["add", "-", "--index", idx], inputData: Data(long.prefix(long.count / 2)))
        #expect(cut.status == 1)
        #expect(cut.err.contains("skipped -: the gzip data ends too early") && cut.err.contains("at byte "), "\(cut.err)")
        #expect(cut.err.contains("1 in damaged data"), "\(cut.err)")
        let added = try IndexReader(path: idx).documentCount - 36
        #expect(added > 50 && added < 400, "\(added) added")
    }

    @Test("--format text reads one article (id stdin); an unknown --format is a usage error naming the formats")
    func formats() throws {
        let dir = temporaryDirectory("newsindex-stdin-format")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let page = try String(contentsOfFile: samples + "/harbour-strike.txt", encoding: .utf8)
        let r = try CLI.run(["build", "-", "--format", "text", "--index", dir + "/idx"], input: page)
        #expect(r.status == 0, "\(r.err)")
        #expect(try CLI.ids("harbour", index: dir + "/idx") == ["stdin"])
        let unknown = try CLI.run(["build", "-", "--format", "docx", "--index", dir + "/idx2"])
        #expect(unknown.status == 64)
        #expect(unknown.err.contains("docx") && unknown.err.contains("jsonl, text, html, csv, tsv"), "\(unknown.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/idx2"))
        let help = try CLI.run(["build", "--help"])
        #expect(help.out.contains("--format") && help.out.contains("zcat dump.jsonl.gz | newsindex build -"))
    }

    @Test("bench.jsonl.gz: its first 300 documents read through gzip equal the first 300 lines zcat gives", .needsSharedCorpus)
    func sharedBench() throws {
        let path = SharedCorpus.benchJSONLinesGzip
        try #require(FileManager.default.fileExists(atPath: path))
        let count = 300
        struct Enough: Error {}
        var viaGzip: [Article] = []
        do {
            try ArticleInputs.forEachArticle(in: gzFile(path)) { result, _ in
                viaGzip.append(try result.get())
                if viaGzip.count == count { throw Enough() }
            }
        } catch is Enough {}
        let zcat = Process()
        zcat.executableURL = URL(fileURLWithPath: "/bin/sh")
        zcat.arguments = ["-c", "gzip -dc '\(path)' | head -n \(count)"]
        let out = Pipe()
        zcat.standardOutput = out
        try zcat.run()
        let text = out.fileHandleForReading.readDataToEndOfFile()
        zcat.waitUntilExit()
        var viaZcat: [Article] = []
        try Array(text).withUnsafeBytes { raw in
            try JSONLines.parse(raw, file: "zcat") { result, _ in viaZcat.append(try result.get()) }
        }
        #expect(viaGzip.count == count && viaZcat.count == count)
        #expect(viaGzip.map(\.id) == viaZcat.map(\.id))
        #expect(viaGzip.map(\.body) == viaZcat.map(\.body))
    }
}
