import Foundation
import Testing
@testable import NewsIndex
@testable import NewsIndexIngest
import NewsIndexTestSupport

@Suite("memory that means what it says")
struct MemoryTests {
    @Test("id fingerprints: 300,000 distinct ids (a byte apart, two spellings of café) are all new; a repeat names the document that used it first")
    func fingerprints() throws {
        var set = IDFingerprints()
        func insert(_ id: String, _ n: Int) -> Int? {
            var id = id
            return id.withUTF8 { set.insert($0, document: n) }
        }
        var n = 0
        for i in 0..<100_000 {
            for id in ["lee:\(i)", "lee:\(i)~1", "https://example.org/news/2024/\(i)"] {
                #expect(insert(id, n) == nil, "\(id) taken as a repeat")
                n += 1
            }
        }
        #expect(set.count == 300_000)
        #expect(insert("caf\u{E9}", n) == nil)
        #expect(insert("cafe\u{301}", n + 1) == nil)   // the same word in Swift, other bytes
        #expect(insert("lee:77~1", n + 2) == 3 * 77 + 1)
        #expect(insert("caf\u{E9}", n + 3) == n)
        var probe = "https://example.org/news/2024/99999"
        #expect(probe.withUTF8 { set.document(of: $0) } == 3 * 99_999 + 2)
        probe = "lee:100000"
        #expect(probe.withUTF8 { set.document(of: $0) } == nil)
        // 16 bytes a slot, at most four slots to three ids once grown.
        #expect(set.bytes <= 16 * 4 * 300_003 / 3 * 2)
    }

    @Test("a repeated id in a run names the place of its first use, and the writer gives the document's number")
    func repeatedIDPlace() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in.jsonl"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
        {"id":"a","title":"One","body":"The first article."}
        {"id":"b","title":"Two","body":"The second article."}
        {"id":"a","title":"Three","body":"A third, with the first one's id."}

        """.write(toFile: input, atomically: true, encoding: .utf8)
        let writer = try IndexWriter(path: dir + "/index")
        var run = try IngestRun(paths: [input], indexPath: dir + "/index", strict: false)
        var skipped: [String] = []
        try run.run(into: writer) { if case .skipped(let bad) = $0 { skipped.append(bad.description) } }
        #expect(writer.documentNumber(ofID: "b") == 1)
        #expect(writer.documentNumber(ofID: "c") == nil)
        #expect(skipped.count == 1 && skipped[0].contains("\(input):3") && skipped[0].contains("first used at \(input):1"), "\(skipped)")
    }

    @Test("a place packs into eight bytes: a line, a byte offset, a whole file, or a place too far in that names the file")
    func packedPlaces() {
        let files = [InputFile(path: "a.jsonl", kind: .jsonLines, size: 1), InputFile(path: "b.warc", kind: .warc, size: 1)]
        #expect(PackedPlace(file: 0, DocumentLocation(path: "a.jsonl", line: 12)).location(in: files)?.description == "a.jsonl:12")
        #expect(PackedPlace(file: 1, DocumentLocation(path: "b.warc", offset: 5_000_000_000)).location(in: files)?.description == "b.warc@5000000000")
        #expect(PackedPlace(file: 1, DocumentLocation(path: "b.warc")).location(in: files)?.description == "b.warc")
        #expect(PackedPlace(file: 1, DocumentLocation(path: "b.warc", offset: 1 << 40)).location(in: files)?.description == "b.warc")
        #expect(PackedPlace(file: 1 << 25, DocumentLocation(path: "x", line: 1)).location(in: files) == nil)
    }

    @Test("segments are cut by what the builder holds: many short articles make more segments than a few long ones of the same text")
    func segmentsCutByMemory() throws {
        func segments(_ articles: [Article]) throws -> Int {
            let dir = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var options = IndexWriter.Options()
            options.threads = 1
            options.memoryBudget = 24 << 20
            options.mergesSegments = false
            let writer = try IndexWriter(path: dir, options: options)
            for a in articles { try writer.add(a) }
            return try writer.commit().segmentCount
        }
        let words = ["harbour", "council", "strike", "ferry", "budget", "storm", "vote", "school"]
        func body(_ n: Int, _ seed: Int) -> String { (0..<n).map { words[($0 * 7 + seed) % words.count] }.joined(separator: " ") }
        // About 8 MB of text either way.
        let long = (0..<1_000).map { Article(id: "long\($0)", title: "Report \($0)", body: body(1_000, $0)) }
        let short = (0..<125_000).map { Article(id: "short\($0)", title: "Brief", body: body(8, $0)) }
        let longText = long.reduce(0) { $0 + $1.body.utf8.count }, shortText = short.reduce(0) { $0 + $1.body.utf8.count }
        #expect(abs(longText - shortText) < longText / 5)
        let (l, s) = (try segments(long), try segments(short))
        #expect(l == 1)
        #expect(s >= 2, "\(s) segments for 125,000 short articles")
    }

    @Test("the ids' fingerprints count against the budget: the memory left to a segment shrinks as they grow")
    func idsCountAgainstBudget() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = IndexWriter.Options()
        options.threads = 1
        options.memoryBudget = 8 << 20
        let writer = try IndexWriter(path: dir, options: options)
        let before = writer.segmentMemory
        for i in 0..<100_000 { try writer.add(Article(id: "id\(i)", title: "t", body: "a short body \(i % 10)")) }
        #expect(writer.segmentMemory <= before - 1 << 20)
        #expect(writer.segmentMemory >= options.memoryBudget / 4)
        try writer.commit()
    }
}
