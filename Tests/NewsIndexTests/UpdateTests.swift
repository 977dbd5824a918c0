import Foundation
import Testing
@testable import NewsIndex
@testable import NewsIndexIngest
import NewsIndexTestSupport

/// Every match of each query, id → score, and the number of matches.
func allMatches(_ index: IndexReader, _ queries: [String]) throws -> [String: [String: Float]] {
    var out: [String: [String: Float]] = [:]
    for q in queries {
        var options = SearchOptions()
        options.limit = 10_000
        options.snippets = false
        let r = try index.search(Query.parse(q), options: options)
        #expect(r.hits.count == r.totalHits, "\(q)")
        var m: [String: Float] = [:]
        for h in r.hits { m[h.id] = h.score }
        out[q] = m
    }
    return out
}

/// The best 10 scores of each query with pruning on (ties may order differently).
func topScores(_ index: IndexReader, _ queries: [String]) throws -> [String: [Float]] {
    var out: [String: [Float]] = [:]
    for q in queries {
        var options = SearchOptions()
        options.countAllMatches = false
        options.snippets = false
        out[q] = try index.search(Query.parse(q), options: options).hits.map(\.score)
    }
    return out
}

@Suite struct UpdateTests {
    static let queries = ["police", "the", "government", "fire OR bushfire", "police AND sydney", "\"prime minister\"",
                          "title:afghanistan", "harbour", "entity:\"john howard\"", "israel -palestinian", "qantas*"]

    @Test("a slow segment's last portions are taken over by a free thread, in input order", .needsSharedCorpus)
    func theTailOfASlowSegmentIsSharedInInputOrder() throws {
        let all = try leeArticles()
        let dir = temporaryDirectory(), single = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: single) }
        var options = IndexWriter.Options()
        options.threads = 2
        options.expectedInputBytes = all.reduce(0) { $0 + $1.title.utf8.count + $1.body.utf8.count + 64 }
        options.mergesSegments = false
        let w = try IndexWriter(path: dir, options: options)
        w.portionBytes = 8 << 10
        w.shareTailMinimum = 32 << 10
        // The second segment is slow: the first one finishes while most of its portions wait.
        w.beforePortion = { segment in if segment == 1 { usleep(30_000) } }
        for a in all { try w.add(a) }
        let summary = try w.commit()
        #expect(summary.segmentCount >= 3, "no tail was taken over")
        try build(all, at: single, threads: 1)
        let a = try IndexReader(path: dir), b = try IndexReader(path: single)
        #expect(b.segments.count == 1)
        // Documents keep the input's order across the segments, and every search is the same.
        var ids: [String] = []
        for seg in a.segments { for d in 0..<seg.docCount { ids.append(try seg.article(d).id) } }
        #expect(ids == all.map(\.id))
        #expect(try allMatches(a, UpdateTests.queries) == allMatches(b, UpdateTests.queries))
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
    }

    @Test(.needsSharedCorpus) func addUpdateDeleteMergeEqualAFreshBuild() throws {
        let all = try leeArticles()
        #expect(all.count == 350)
        let dir = temporaryDirectory(), fresh = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: fresh) }

        try build(Array(all[0..<200]), at: dir)
        // Three additions; the second replaces ten of the first build's articles.
        var current = Array(all[0..<200])
        for range in [200..<260, 260..<300, 300..<350] {
            let w = try appendWriter(dir)
            for a in all[range] { try w.add(a) }
            current += all[range]
            if range.lowerBound == 260 {
                for k in stride(from: 3, to: 200, by: 20) {
                    var a = all[k]
                    a.body += " Correction: the harbour police said the fire was contained."
                    try w.add(a)
                    current.removeAll { $0.id == a.id }
                    current.append(a)
                }
            }
            let s = try w.commit()
            #expect(s.addedCount == range.count + (range.lowerBound == 260 ? 10 : 0))
            #expect(s.deletedCount == (range.lowerBound == 260 ? 10 : 0))
        }
        // Deletions by id (one unknown) and by query.
        let qantas = Set(try allMatches(IndexReader(path: dir), ["qantas"])["qantas"]!.keys)
        #expect(qantas.count > 1)
        let w = try appendWriter(dir)
        let gone = [all[0].id, all[150].id, all[210].id, all[349].id].filter { !qantas.contains($0) }
        for id in gone { #expect(try w.delete(id: id)) }
        #expect(try !w.delete(id: "no-such-article"))
        let byQuery = try w.delete(matching: Query.parse("qantas"))
        #expect(byQuery == qantas.count)
        let s = try w.commit()
        #expect(s.deletedCount == gone.count + byQuery)
        current.removeAll { gone.contains($0.id) || qantas.contains($0.id) }
        let before = try IndexReader(path: dir)
        #expect(try before.search("qantas").totalHits == 0)
        #expect(before.segments.contains { $0.deletes != nil })

        // A fresh build of the same articles.
        try build(current, at: fresh)
        let reference = try IndexReader(path: fresh)
        #expect(before.documentCount == reference.documentCount)
        let expected = try allMatches(reference, UpdateTests.queries)
        #expect(try allMatches(before, UpdateTests.queries) == expected)
        #expect(try topScores(before, UpdateTests.queries) == (try topScores(reference, UpdateTests.queries)))

        // Merging down to one segment purges the deletions and keeps every score.
        let m = try appendWriter(dir)
        m.merge(maxSegments: 1)
        let ms = try m.commit()
        #expect(ms.segmentCount == 1)
        let merged = try IndexReader(path: dir)
        #expect(merged.segments.count == 1 && merged.segments[0].deletes == nil)
        #expect(merged.documentCount == reference.documentCount)
        #expect(try allMatches(merged, UpdateTests.queries) == expected)
        #expect(try topScores(merged, UpdateTests.queries) == (try topScores(reference, UpdateTests.queries)))
        try expectSameArticles(merged, reference)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(!files.contains { $0.hasSuffix(".del") })
        #expect(files.filter { $0.hasSuffix(".tdi") }.count == 1)
    }

    /// Every article of `reference` is in `index` with the same stored fields and date, and the
    /// facets of all articles agree.
    func expectSameArticles(_ index: IndexReader, _ reference: IndexReader) throws {
        for doc in 0..<reference.maxDocument {
            let want = try reference.storedArticle(doc)
            let got = try #require(try index.article(id: want.id), "\(want.id) is in the merged index")
            #expect(got.title == want.title && got.body == want.body && got.url == want.url && got.source == want.source)
            #expect(got.date == want.date && got.dateText == want.dateText && got.entities == want.entities)
        }
        #expect(try index.entityCounts() == reference.entityCounts())
        #expect(try index.sourceCounts() == reference.sourceCounts())
    }

    @Test("a merge in the commit that deletes articles: postings copied, the deleted ones left out, scores as a fresh build", .needsSharedCorpus)
    func aMergeInTheCommitThatDeletesEqualsAFreshBuild() throws {
        let all = try leeArticles()
        let dir = temporaryDirectory(), fresh = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: fresh) }
        try build(Array(all[0..<120]), at: dir)
        for range in [120..<240, 240..<350] {
            var options = IndexWriter.Options()
            options.mode = .append
            options.mergesSegments = false
            let w = try IndexWriter(path: dir, options: options)
            for a in all[range] { try w.add(a) }
            try w.commit()
        }
        #expect(try IndexReader(path: dir).segments.count >= 3)
        // Deleted in the same commit as the merge: their statistics are not in any .del file yet.
        let gone = Set(stride(from: 5, to: 350, by: 7).map { all[$0].id })
        let w = try appendWriter(dir)
        for id in gone { #expect(try w.delete(id: id)) }
        w.merge(maxSegments: 1)
        #expect(try w.commit().segmentCount == 1)
        let merged = try IndexReader(path: dir)
        try build(all.filter { !gone.contains($0.id) }, at: fresh)
        let reference = try IndexReader(path: fresh)
        #expect(merged.documentCount == reference.documentCount)
        for f in IndexedField.allCases { #expect(merged.fieldStats(f) == reference.fieldStats(f), "\(f)") }
        #expect(try allMatches(merged, UpdateTests.queries) == (try allMatches(reference, UpdateTests.queries)))
        #expect(try topScores(merged, UpdateTests.queries) == (try topScores(reference, UpdateTests.queries)))
        try expectSameArticles(merged, reference)
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
    }

    @Test("a build whose memory filled many times ends with at most three segments, scoring as one segment does", .needsSharedCorpus)
    func aBuildEndsWithFewSegments() throws {
        let all = try leeArticles()
        let dir = temporaryDirectory(), one = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: one) }
        var options = IndexWriter.Options()
        options.memoryBudget = 48 << 10
        let w = try IndexWriter(path: dir, options: options)
        for a in all { try w.add(a) }
        let s = try w.commit()
        #expect(s.segmentCount <= MergePolicy.segmentsAfterBuild && s.segmentCount >= 1)
        #expect(s.mergedSegmentCount >= 10, "the budget made many segments: \(s.mergedSegmentCount) merged away")
        try build(all, at: one, threads: 1)
        let index = try IndexReader(path: dir), reference = try IndexReader(path: one)
        #expect(try allMatches(index, UpdateTests.queries) == (try allMatches(reference, UpdateTests.queries)))
        #expect(try topScores(index, UpdateTests.queries) == (try topScores(reference, UpdateTests.queries)))
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
    }

    @Test("a merge checks its sources' checksums: a damaged byte stops it, naming the file, and leaves the index as it was", .needsSharedCorpus)
    func aMergeRefusesADamagedSource() throws {
        let all = try leeArticles()
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = IndexWriter.Options()
        options.memoryBudget = 400 << 10
        options.mergesSegments = false
        let w = try IndexWriter(path: dir, options: options)
        for a in all { try w.add(a) }
        #expect(try w.commit().segmentCount >= 2)
        let before = try IndexReader(path: dir)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        // A byte in the middle of the last segment's positions: opening does not read it.
        let victim = try #require(files.last { $0.hasSuffix(".pos") })
        var bytes = try FileIO.readFile(dir + "/" + victim)
        bytes[bytes.count / 2] ^= 0x20
        try FileManager.default.removeItem(atPath: dir + "/" + victim)
        try FileIO.writeFile(dir + "/" + victim, bytes)
        let m = try appendWriter(dir)
        m.merge(maxSegments: 1)
        do {
            _ = try m.commit()
            Issue.record("the merge of a damaged segment succeeded")
        } catch let e as NewsIndexError {
            #expect(e.kind == .corruptIndex)
            #expect(e.message.contains(victim) && e.message.contains("checksum"), "\(e.message)")
        }
        let after = try IndexReader(path: dir)
        #expect(after.manifest.generation == before.manifest.generation)
        #expect(after.segments.map(\.name) == before.segments.map(\.name))
        // Nothing of the failed merge is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !files.contains($0) && $0 != "write.lock" }
        #expect(left.isEmpty, "left over: \(left)")
    }

    @Test(.needsSharedCorpus) func mergesRunWhileArticlesAreAddedAndDeletionsFollowThem() throws {
        let all = try leeArticles()
        let dir = temporaryDirectory(), fresh = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: fresh) }
        // A tiny memory budget makes many small segments.
        var options = IndexWriter.Options()
        options.memoryBudget = 24 << 10
        options.mergesSegments = false
        let w0 = try IndexWriter(path: dir, options: options)
        for a in all[0..<300] { try w0.add(a) }
        let built = try w0.commit()
        #expect(built.segmentCount >= 20)

        let qantas = Set(try allMatches(IndexReader(path: dir), ["qantas"])["qantas"]!.keys)
        let w = try appendWriter(dir)
        var current = Array(all[0..<300])
        for a in all[300..<350] { try w.add(a) }
        current += all[300..<350]
        for k in stride(from: 7, to: 300, by: 37) {
            var a = all[k]
            a.title += " (updated)"
            try w.add(a)
            current.removeAll { $0.id == a.id }
            current.append(a)
        }
        #expect(try w.delete(id: all[11].id))
        #expect(try w.delete(matching: Query.parse("qantas")) == qantas.count)
        current.removeAll { $0.id == all[11].id || qantas.contains($0.id) }
        let s = try w.commit()
        // `factor` neighbours of the same level became one while the articles were added.
        let factor = MergePolicy.factor
        #expect(w.background.finished.count == built.segmentCount / factor)
        #expect(s.mergedSegmentCount >= (factor - 1) * (built.segmentCount / factor))
        #expect(s.segmentCount < built.segmentCount)
        try build(current, at: fresh)
        let index = try IndexReader(path: dir), reference = try IndexReader(path: fresh)
        #expect(index.documentCount == current.count)
        #expect(try allMatches(index, UpdateTests.queries) == (try allMatches(reference, UpdateTests.queries)))
        #expect(try topScores(index, UpdateTests.queries) == (try topScores(reference, UpdateTests.queries)))
    }

    @Test func mergePolicyKeepsTheSegmentCountLogarithmic() {
        // 300 additions of 100 documents each, the policy applied after each.
        let (segs, most) = simulateAdditions(300, documents: 100, bytesPerDocument: 1_000, maxBytes: Int.max)
        #expect(segs.reduce(0) { $0 + $1.live } == 30_000)
        // Fewer than `factor` segments per level, from level 0 (< 1,000 documents) up.
        let levels = MergePolicy.level(30_000) + 1
        #expect(most <= levels * (MergePolicy.factor - 1) + 1)
        #expect(segs.count < 10)
        // Merges join adjacent segments only, and a mostly deleted segment is rewritten alone.
        let mixed = [MergePolicy.Candidate(live: 5000, docCount: 5000, mergeBytes: 1),
                     MergePolicy.Candidate(live: 10, docCount: 100, mergeBytes: 1)]
        #expect(MergePolicy.select(mixed, maxBytes: 10) == [1..<2])
        #expect(MergePolicy.force(mixed, maxSegments: 1, maxBytes: 10) == [0..<2])
        #expect(MergePolicy.force(mixed, maxSegments: 1, maxBytes: 1) == [1..<2])
    }

    @Test(.needsSharedCorpus) func aReaderKeepsItsCommitWhileAWriterChangesTheIndex() throws {
        let all = try leeArticles()
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(Array(all[0..<100]), at: dir)
        let reader = try IndexReader(path: dir)
        let before = try allMatches(reader, UpdateTests.queries)
        let w = try appendWriter(dir)
        for a in all[100..<200] { try w.add(a) }
        try w.delete(id: all[5].id)
        w.merge(maxSegments: 1)
        try w.commit()
        // The old commit's files are gone from the directory, but the open reader still answers from them.
        #expect(try allMatches(reader, UpdateTests.queries) == before)
        #expect(try IndexReader(path: dir).documentCount == 199)
    }

    @Test(.needsSharedCorpus) func readersOpenedDuringCommitsSeeOneWholeCommit() throws {
        let all = try leeArticles()
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(Array(all[0..<50]), at: dir)
        // Each commit adds 20 articles and merges everything into one segment, removing every
        // file of the commit before: readers opening meanwhile must retry onto the new commit.
        let valid = Set(stride(from: 50, through: 250, by: 20))
        let log = ReaderLog()
        let readers = DispatchGroup()
        for _ in 0..<2 {
            // Threads of their own: blocks on the shared dispatch pool can wait behind the other
            // tests running at the same time until all the commits are over.
            readers.enter()
            Thread {
                defer { readers.leave() }
                while !log.finished {
                    do {
                        let index = try IndexReader(path: dir)
                        var options = SearchOptions()
                        options.limit = 0
                        let n = try index.search(Query.parse("the OR a OR of"), options: options).totalHits
                        let ok = valid.contains(index.documentCount) && n == index.documentCount
                        log.record(ok ? nil : "\(index.documentCount) documents, \(n) matches")
                    } catch {
                        log.record("\(error)")
                    }
                }
            }.start()
        }
        // The readers are at work before the first commit.
        while log.opened < 2 { usleep(1000) }
        for k in 0..<10 {
            let w = try appendWriter(dir)
            for a in all[(50 + 20 * k)..<(70 + 20 * k)] { try w.add(a) }
            w.merge(maxSegments: 1)
            try w.commit()
        }
        log.finished = true
        readers.wait()
        #expect(log.failures.isEmpty, "\(log.failures.prefix(3))")
        #expect(log.opened > 10)
        #expect(try IndexReader(path: dir).documentCount == 250)
    }

    @Test(.needsSharedCorpus) func aReaderWhoseCommitIsReplacedWhileItOpensOpensTheNewOne() throws {
        let all = try leeArticles()
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(Array(all[0..<50]), at: dir)
        // Between the reader's reading the manifest and opening the segments, a writer commits a
        // merge and removes every file of the commit the reader was about to open.
        var commits = 0
        IndexReader.afterReadingManifest = { path in
            guard path == dir, commits == 0 else { return }
            commits += 1
            let w = try! appendWriter(dir)
            for a in all[50..<60] { try! w.add(a) }
            w.merge(maxSegments: 1)
            try! w.commit()
        }
        defer { IndexReader.afterReadingManifest = nil }
        let index = try IndexReader(path: dir)
        #expect(commits == 1)
        #expect(index.documentCount == 60)
        #expect(try index.search("the").totalHits > 0)
    }

    @Test(.needsSharedCorpus) func aSecondWriterIsToldWhoHoldsTheLockAndAStaleLockIsTakenOver() throws {
        let all = try leeArticles()
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(Array(all[0..<20]), at: dir)
        let first = try appendWriter(dir)
        do {
            _ = try appendWriter(dir)
            Issue.record("a second writer opened a locked index")
        } catch let e as NewsIndexError {
            #expect(e.kind == .indexLocked)
            #expect(e.message.contains("process \(getpid())"))
        }
        try first.add(all[20])
        try first.commit()
        // A lock file left by a process that is gone (its PID inside) does not block.
        try "999999\n".write(toFile: dir + "/write.lock", atomically: false, encoding: .utf8)
        let next = try appendWriter(dir)
        try next.delete(id: all[0].id)
        #expect(try next.commit().documentCount == 20)
    }
}

@Suite(.needsSharedCorpus) struct UpdateCLITests {
    /// JSON Lines files of the shared ABC articles: lines `range` of the corpus, with `prefix`
    /// put before each body.
    static func jsonl(_ range: Range<Int>, in dir: String, name: String, prefix: String = "") throws -> String {
        let all = try leeArticles()
        var text = ""
        for a in all[range] {
            let obj: [String: String] = ["id": a.id, "title": a.title, "body": prefix + a.body]
            text += String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func count(_ query: String, _ index: String) throws -> Int {
        Int(try CLI.run(["search", query, "--index", index, "--count"]).out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func addReplaceDeleteAndMergeFromTheCommandLine() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = dir + "/idx"
        let first = try UpdateCLITests.jsonl(0..<100, in: dir, name: "first.jsonl")
        let second = try UpdateCLITests.jsonl(100..<150, in: dir, name: "second.jsonl")
        let fixes = try UpdateCLITests.jsonl(0..<5, in: dir, name: "fixes.jsonl", prefix: "Zanzibar correction. ")

        // No index yet: add says so.
        let none = try CLI.run(["add", first, "--index", index])
        #expect(none.status == 66)
        #expect(none.err.contains("no index at \(index)"))

        #expect(try CLI.run(["build", first, "--index", index]).status == 0)
        let police = try UpdateCLITests.count("police", index)
        #expect(try CLI.run(["add", second, fixes, "--index", index]).status == 0)
        #expect(try UpdateCLITests.count("police", index) > police)
        // The corrections replaced the five first articles: each id once, with the new text.
        #expect(try UpdateCLITests.count("zanzibar", index) == 5)
        let all = try leeArticles()
        #expect(try UpdateCLITests.count("id:\(all[0].id)", index) == 1)
        #expect(try CLI.run(["show", all[0].id, "--index", index]).out.contains("Zanzibar correction."))
        #expect(try UpdateCLITests.count("the", index) == 150)

        // A dry run changes nothing; a missing id gives exit 1 and a warning naming it.
        let dry = try CLI.run(["delete", "--query", "zanzibar", "--dry-run", "--index", index])
        #expect(dry.status == 0 && dry.out.contains("would delete 0 articles by id and 5 by query"))
        #expect(try UpdateCLITests.count("zanzibar", index) == 5)
        let del = try CLI.run(["delete", all[1].id, "no-such-id", "--query", "zanzibar", "--index", index])
        #expect(del.status == 1)
        #expect(del.err.contains("no-such-id"))
        #expect(try UpdateCLITests.count("zanzibar", index) == 0)
        #expect(try UpdateCLITests.count("the", index) == 145)
        #expect(try CLI.run(["show", all[1].id, "--index", index]).status == 66)

        // Merging to one segment keeps every answer and removes the deletion files.
        let before = try CLI.run(["search", "police OR fire", "--index", index, "--json", "--limit", "200"]).out
        #expect(try CLI.run(["merge", "--index", index]).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: index)
        #expect(files.filter { $0.hasSuffix(".tdi") }.count == 1)
        #expect(!files.contains { $0.hasSuffix(".del") })
        #expect(try CLI.run(["search", "police OR fire", "--index", index, "--json", "--limit", "200"]).out == before)

        // Every new subcommand documents itself with examples.
        for sub in ["add", "delete", "merge"] {
            let help = try CLI.run([sub, "--help"])
            #expect(help.status == 0 && help.out.contains("Examples:") && help.out.contains("newsindex \(sub)"), "\(sub)")
        }
    }

    @Test func aLockedIndexIsRefusedWithTheHoldersPID() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = dir + "/idx"
        let first = try UpdateCLITests.jsonl(0..<20, in: dir, name: "first.jsonl")
        #expect(try CLI.run(["build", first, "--index", index]).status == 0)
        let writer = try appendWriter(index)
        for args in [["add", first], ["delete", "x"], ["merge"], ["build", first]] {
            let r = try CLI.run(args + ["--index", index])
            #expect(r.status == 75, "\(args)")
            #expect(r.err.contains("locked by process \(getpid())"), "\(args)")
        }
        try writer.commit()
        #expect(try CLI.run(["delete", "x", "--index", index]).status == 1)
    }
}

/// What the reader threads of a test saw, behind a lock.
final class ReaderLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stop = false
    private var count = 0
    private var failed: [String] = []

    /// Readers opened so far, and the failures among them.
    var opened: Int { lock.lock(); defer { lock.unlock() }; return count }
    var failures: [String] { lock.lock(); defer { lock.unlock() }; return failed }

    var finished: Bool {
        get { lock.lock(); defer { lock.unlock() }; return stop }
        set { lock.lock(); stop = newValue; lock.unlock() }
    }

    /// Counts one opened reader and keeps its failure, if any.
    func record(_ failure: String?) {
        lock.lock()
        count += 1
        if let failure { failed.append(failure) }
        lock.unlock()
    }
}
