import Foundation
import Testing
@testable import NewsIndex
import NewsIndexIngest
import NewsIndexTestSupport

/// Copies, collapse and similar articles: on the test stories written for them
/// (Fixtures/stories.jsonl: a wire story, five republished variants, five other stories of the
/// same event, unrelated stories and page furniture), on the seeds and on the ABC articles.
@Suite struct StoriesTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/stories.jsonl").path
    static let wire = (0...5).map { "wire-\($0)" }
    static let sameEvent = (1...5).map { "same-event-\($0)" }

    static func stories() throws -> [Article] {
        let file = try #require(try ArticleInputs.collect([fixture]).files.first)
        var out: [Article] = []
        try ArticleInputs.forEachArticle(in: file) { result, _ in out.append(try result.get()) }
        return out
    }

    /// The ids of the copy group of `id`, as a set.
    static func group(_ index: IndexReader, _ id: String) throws -> Set<String> {
        Set(try index.copies(ofID: id).map(\.id))
    }

    /// The group number of each live article, by id.
    static func groupNumbers(_ index: IndexReader) throws -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for seg in index.segments {
            for d in 0..<seg.docCount where !seg.isDeleted(Int32(d)) {
                out[try seg.storedDocument(d)[.id] ?? ""] = seg.groupID(d)
            }
        }
        return out
    }

    @Test("the wire story and its five variants are one copy group; the five other stories of the event, the unrelated ones and the furniture are each alone")
    func wireCopiesGroupedOthersNot() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let articles = try StoriesTests.stories()
        try build(articles, at: dir)
        let index = try IndexReader(path: dir)
        for id in StoriesTests.wire {
            #expect(try StoriesTests.group(index, id) == Set(StoriesTests.wire), "\(id)")
        }
        for a in articles where !StoriesTests.wire.contains(a.id) {
            #expect(try StoriesTests.group(index, a.id) == [a.id], "\(a.id) was grouped")
        }
        // The furniture pages are word for word the same, and still not one story.
        #expect(try index.compareCopies("furniture-1", "furniture-2") == nil)
        #expect(try index.compareCopies("short-1", "short-2") == nil)
        // Earliest first: who published first.
        let copies = try index.copies(ofID: "wire-3")
        #expect(copies.first?.id == "wire-0")
        let dates = copies.compactMap { $0.date?.secondsSinceEpoch }
        #expect(dates == dates.sorted() && dates.count == copies.count)
    }

    @Test("each variant's estimated containment in the wire story is at or above the threshold; no other story of the event comes near it")
    func measuredContainment() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(try StoriesTests.stories(), at: dir)
        let index = try IndexReader(path: dir)
        for v in StoriesTests.wire.dropFirst() {
            let c = try #require(try index.compareCopies("wire-0", v))
            #expect(c.isCopy && c.sameGroup && c.containment >= CopyThresholds.containment, "\(v): \(c.containment)")
        }
        let all = ["wire-0"] + StoriesTests.sameEvent
        for (i, a) in all.enumerated() {
            for b in all[(i + 1)...] {
                let c = try #require(try index.compareCopies(a, b))
                #expect(!c.isCopy && !c.sameGroup && c.containment < 0.3, "\(a) \(b): \(c.containment)")
            }
        }
    }

    @Test("--collapse: one hit per story, the best-scoring copy with the other matching copies; by date the earliest; counts in articles and stories; facets count stories")
    func collapse() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let articles = try StoriesTests.stories()
        try build(articles, at: dir)
        let index = try IndexReader(path: dir)
        // A word of the wire story's lead, which every variant keeps.
        let word = try #require(StoriesTests.leadWord(articles))
        var options = SearchOptions()
        options.limit = 100
        options.sourceFacets = true
        let plain = try index.search(Query.term(word), options: options)
        options.collapse = true
        let collapsed = try index.search(Query.term(word), options: options)
        let matchedWire = Set(plain.hits.map(\.id)).intersection(StoriesTests.wire)
        #expect(matchedWire.count == 6)
        #expect(collapsed.totalHits == plain.totalHits)
        #expect(collapsed.totalStories == plain.totalHits - 5)
        #expect(collapsed.hits.count == plain.hits.count - 5)
        let shown = collapsed.hits.filter { StoriesTests.wire.contains($0.id) }
        #expect(shown.count == 1)
        let best = try #require(plain.hits.first { StoriesTests.wire.contains($0.id) })
        #expect(shown.first?.id == best.id)
        #expect(Set(shown.first?.copies.map(\.id) ?? []) == matchedWire.subtracting([best.id]))
        // The ranks of the collapsed list are the plain list's with the hidden copies removed.
        let hidden = matchedWire.subtracting([best.id])
        #expect(collapsed.hits.map(\.id) == plain.hits.map(\.id).filter { !hidden.contains($0) })
        // Facets: each story once.
        #expect(collapsed.sources.reduce(0) { $0 + $1.documents } <= collapsed.totalStories!)
        #expect(plain.sources.reduce(0) { $0 + $1.documents } > collapsed.sources.reduce(0) { $0 + $1.documents })
        // By date: the earliest member stands for the story.
        options.order = .date
        let byDate = try index.search(Query.term(word), options: options)
        #expect(byDate.hits.filter { StoriesTests.wire.contains($0.id) }.map(\.id) == ["wire-0"])
    }

    /// A word of the first paragraph of wire-0 in every variant's body (and of some length).
    static func leadWord(_ articles: [Article]) -> String? {
        let wire = articles.filter { StoriesTests.wire.contains($0.id) }
        guard let first = wire.first(where: { $0.id == "wire-0" }) else { return nil }
        let lead = first.body.components(separatedBy: "\n\n")[0]
        return lead.split(whereSeparator: { !$0.isLetter }).map { String($0).lowercased() }
            .filter { $0.count >= 7 }
            .first { w in wire.allSatisfy { $0.body.lowercased().contains(w) } }
    }

    @Test("groups are stable: copies added later join the first article's group, and keep it through deletion, update and merge")
    func stableAcrossAddDeleteUpdateMerge() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let articles = try StoriesTests.stories()
        let byID = Dictionary(uniqueKeysWithValues: articles.map { ($0.id, $0) })
        try build(articles.filter { !StoriesTests.wire.dropFirst().contains($0.id) }, at: dir)
        let first = try StoriesTests.groupNumbers(IndexReader(path: dir))
        let original = try #require(first["wire-0"])
        // Two commits of copies, one at a time.
        for batch in [["wire-1", "wire-2"], ["wire-3", "wire-4", "wire-5"]] {
            let w = try appendWriter(dir)
            for id in batch { try w.add(byID[id]!) }
            try w.commit()
        }
        var groups = try StoriesTests.groupNumbers(IndexReader(path: dir))
        for id in StoriesTests.wire { #expect(groups[id] == original, "\(id)") }
        for (id, g) in first where id != "wire-0" { #expect(groups[id] == g, "\(id) changed group") }
        // The first article goes; a new copy still joins the same group through the others.
        do {
            let w = try appendWriter(dir)
            #expect(try w.delete(id: "wire-0"))
            try w.commit()
        }
        do {
            var copy = byID["wire-1"]!
            copy.id = "wire-6"
            copy.title = "Another outlet's headline"
            let w = try appendWriter(dir)
            try w.add(copy)
            // An update: wire-2 added again under its id.
            try w.add(byID["wire-2"]!)
            try w.commit()
        }
        groups = try StoriesTests.groupNumbers(IndexReader(path: dir))
        for id in ["wire-1", "wire-2", "wire-3", "wire-4", "wire-5", "wire-6"] { #expect(groups[id] == original, "\(id)") }
        #expect(groups["wire-0"] == nil)
        // Merged to one segment: the same groups.
        do {
            let w = try appendWriter(dir)
            w.merge(maxSegments: 1)
            try w.commit()
        }
        let merged = try IndexReader(path: dir)
        #expect(merged.segmentCount == 1)
        #expect(try StoriesTests.groupNumbers(merged) == groups)
        #expect(try StoriesTests.group(merged, "wire-4") == ["wire-1", "wire-2", "wire-3", "wire-4", "wire-5", "wire-6"])
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
    }

    @Test("similar: the article and its copies are left out and stories come once; similar:ID combines with a date filter")
    func similarLeavesOutCopies() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(try StoriesTests.stories(), at: dir)
        let index = try IndexReader(path: dir)
        let results = try index.similar(toID: "same-event-1")
        let ids = results.hits.map(\.id)
        #expect(!ids.contains("same-event-1"))
        #expect(ids.filter { StoriesTests.wire.contains($0) }.count == 1)
        // The event's other stories and the wire story rank above the unrelated ones.
        let event = Set(StoriesTests.sameEvent + StoriesTests.wire)
        let firstOther = ids.firstIndex { !event.contains($0) } ?? ids.count
        #expect(firstOther >= 5)
        let fromWire = try index.similar(toID: "wire-2")
        #expect(fromWire.hits.allSatisfy { !StoriesTests.wire.contains($0.id) })
        // A date filter after every article: nothing.
        let none = try index.search(try Query.parse("similar:wire-2 date:>=2030"), options: SearchOptions())
        #expect(none.totalHits == 0)
        #expect(throws: NewsIndexError.self) { try index.similar(toID: "no-such-id") }
        #expect(try Query.parse("similar:wire-2 date:2025").description == "similar:wire-2 date:2025")
    }

    @Test("signature and group files: check passes, a missing groups file is named by check and by opening")
    func copyFilesChecked() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(try StoriesTests.stories(), at: dir, threads: 1)
        #expect(try IndexCheck.run(path: dir).problems.isEmpty)
        let grp = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".grp") })
        try FileManager.default.removeItem(atPath: dir + "/" + grp)
        let problems = try IndexCheck.run(path: dir).problems
        #expect(problems.contains { $0.file.hasSuffix(grp) && $0.message.contains("missing") })
        #expect(throws: NewsIndexError.self) { try IndexReader(path: dir) }
    }
}

/// The commands: copies, similar, search --collapse.
@Suite struct StoriesCommandTests {
    @Test("copies, similar and search --collapse from the command line: text, JSON, counts, errors and help")
    func commands() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let built = try CLI.run(["build", StoriesTests.fixture, "--index", dir, "--quiet"])
        #expect(built.status == 0, "\(built.err)")
        let copies = try CLI.run(["copies", "wire-2", "--index", dir])
        #expect(copies.status == 0)
        let lines = copies.out.split(separator: "\n")
        #expect(lines.first == "wire-2 and 5 copies, earliest first:")
        #expect(lines.count == 7 && lines[1].contains("wire-0") && lines.filter { $0.hasPrefix("*") }.count == 1)
        let json = try CLI.run(["copies", "wire-2", "--index", dir, "--json"])
        let objects = try json.out.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.map { $0["id"] as? String } == ["wire-0", "wire-1", "wire-2", "wire-3", "wire-4", "wire-5"])
        #expect(objects.filter { $0["asked"] as? Bool == true }.map { $0["id"] as? String } == ["wire-2"])
        let alone = try CLI.run(["copies", "other-1", "--index", dir])
        #expect(alone.status == 0 && alone.out.contains("no copies"))
        #expect(try CLI.run(["copies", "nope", "--index", dir]).status == 66)
        #expect(try CLI.run(["similar", "nope", "--index", dir]).status == 66)
        let badQuery = try CLI.run(["search", "similar:nope", "--index", dir])
        #expect(badQuery.status == 64 && badQuery.err.contains("similar:nope"))

        let count = try CLI.run(["search", "korvany", "--collapse", "--count", "--index", dir])
        let plain = try CLI.run(["search", "korvany", "--count", "--index", dir])
        let parts = count.out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\t")
        #expect(parts.count == 2 && parts[0] == plain.out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(Int(parts[1])! == Int(parts[0])! - 5)
        let hits = try CLI.run(["search", "korvany", "--collapse", "--json", "--index", dir, "--limit", "50"])
        let rows = try hits.out.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let wire = rows.filter { StoriesTests.wire.contains($0["id"] as! String) }
        #expect(wire.count == 1 && (wire[0]["copies"] as? [Any])?.count == 5)
        #expect(rows.allSatisfy { $0["copies"] is [Any] })
        let text = try CLI.run(["search", "korvany", "--collapse", "--index", dir])
        #expect(text.out.contains("in \(parts[1]) stories") && text.out.contains("+5 copies: "))

        let similar = try CLI.run(["similar", "same-event-2", "--index", dir, "--json"])
        let ids = try similar.out.split(separator: "\n").map { (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["id"] as! String }
        #expect(!ids.isEmpty && !ids.contains("same-event-2") && ids.filter { StoriesTests.wire.contains($0) }.count == 1)
        for command in ["copies", "similar"] {
            let help = try CLI.run([command, "--help"])
            #expect(help.status == 0 && help.out.contains("Examples:"))
        }
    }
}

/// The seeds and the ABC articles.
@Suite(.needsSharedCorpus) struct StoriesOnSharedCorpusTests {
    static func seedIDs() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: SharedCorpus.seeds).filter { $0.hasSuffix(".txt") }
            .map { String($0.dropLast(4)) }.sorted()
    }

    static func leeAndSeeds(at dir: String) throws {
        let w = try IndexWriter(path: dir, options: IndexWriter.Options())
        for file in try ArticleInputs.collect([SharedCorpus.leeABCNews, SharedCorpus.seeds]).files {
            try ArticleInputs.forEachArticle(in: file) { result, _ in try w.add(try result.get()) }
        }
        try w.commit()
    }

    @Test("the five seed reports are not copies of each other, and each one's four most similar articles are the other four")
    func seedsSimilarNotCopies() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try StoriesOnSharedCorpusTests.leeAndSeeds(at: dir)
        let index = try IndexReader(path: dir)
        let seeds = try StoriesOnSharedCorpusTests.seedIDs()
        #expect(seeds.count == 5)
        for s in seeds {
            #expect(try index.copies(ofID: s).map(\.id) == [s])
            let top = try index.similar(toID: s).hits.prefix(4).map(\.id)
            #expect(Set(top) == Set(seeds).subtracting([s]), "\(s): \(top)")
        }
    }

    /// Word 3-shingles of a text, lower-cased runs of letters and digits: an oracle of its own,
    /// not the engine's analyzer.
    static func shingles(_ text: String) -> Set<String> {
        let words: [String] = text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        guard words.count >= 3 else { return [] }
        var out = Set<String>()
        for k in 2..<words.count {
            let shingle: String = words[k - 2] + " " + words[k - 1] + " " + words[k]
            out.insert(shingle)
        }
        return out
    }

    @Test("on the ABC articles, the copy groups are the pairs whose exact shingle containment is high, and no pair with a low one is grouped")
    func leeGroupsMatchExactContainment() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let articles = try leeArticles()
        try build(articles, at: dir)
        let index = try IndexReader(path: dir)
        let groups = try StoriesTests.groupNumbers(index)
        let sets = articles.map { StoriesOnSharedCorpusTests.shingles($0.body) }
        var high = 0, checked = 0
        for i in articles.indices {
            for j in (i + 1)..<articles.count where sets[i].count >= 40 && sets[j].count >= 40 {
                let c = Double(sets[i].intersection(sets[j]).count) / Double(min(sets[i].count, sets[j].count))
                let same = groups[articles[i].id] == groups[articles[j].id]
                if c >= 0.8 {
                    high += 1
                    #expect(same, "\(articles[i].id) \(articles[j].id) containment \(c) not grouped")
                } else if c < 0.3 {
                    checked += 1
                    if same { Issue.record("\(articles[i].id) \(articles[j].id) containment \(c) grouped") }
                }
            }
        }
        // The ABC set holds a few near-duplicate pairs; they must have been found above.
        #expect(high >= 5)
        #expect(checked > 10_000)
    }
}
