import Foundation
import Testing
@testable import NewsIndex
import NewsIndexTestSupport

/// Cases found by a second reading of the living-archive change, each fixed: what a correct index
/// does after deletions, at the default memory budget, with every article deleted, and with ids
/// that differ only in their Unicode spelling.
@Suite struct SecondReadingTests {
    /// Synthetic articles (no corpus text): `words` distinct made-up words in one body.
    static func article(_ id: String, words: Range<Int>, stem: String) -> Article {
        Article(id: id, title: "Synthetic \(id)", body: words.map { "\(stem)\($0)" }.joined(separator: " "))
    }

    /// A prefix's expansion leaves out words that only deleted articles hold, so a prefix query
    /// that a fresh build of the live articles answers is answered after the deletion too.
    @Test func aPrefixCountsOnlyWordsOfLiveArticles() throws {
        let dir = temporaryDirectory(), fresh = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: fresh) }
        let limit = Query.maxPrefixExpansions
        let crowded = SecondReadingTests.article("crowded", words: 0..<limit, stem: "zqx")
        let kept = SecondReadingTests.article("kept", words: limit..<(limit + 5), stem: "zqx")
        try build([crowded, kept], at: dir)
        let w = try appendWriter(dir)
        #expect(try w.delete(id: "crowded"))
        try w.commit()
        try build([kept], at: fresh)

        let reference = try IndexReader(path: fresh).search("zqx*").totalHits
        #expect(reference == 1)
        #expect(try IndexReader(path: dir).search("zqx*").totalHits == reference)
    }

    /// The size-tiered policy with a budget that few segments fit (3,000 bytes a document against
    /// the 85 MB a merge may hold at 256 MB and 2 threads): as many segments as fit are merged,
    /// so the count grows with the archive divided by what one merge may hold, not with the
    /// number of additions.
    @Test func theMergePolicyStaysBoundedWhenMergesMustBeCut() {
        let maxBytes = (256 << 20) * 2 / 3 / 2
        let bytesPerArticle = 3_000
        // 500 daily additions of 1,000 articles: half a million articles.
        let (segs, _) = simulateAdditions(500, documents: 1000, bytesPerDocument: bytesPerArticle, maxBytes: maxBytes)
        #expect(segs.reduce(0) { $0 + $1.live } == 500_000)
        // No window of `factor` neighbours of one level is left whose first two would fit one
        // merge (a shorter run of one level waits for more segments, as below the budget).
        for k in 0...(segs.count - MergePolicy.factor) {
            let window = segs[k..<(k + MergePolicy.factor)]
            if window.allSatisfy({ MergePolicy.level($0.live) == MergePolicy.level(segs[k].live) }) {
                #expect(segs[k].mergeBytes + segs[k + 1].mergeBytes > maxBytes, "segments \(k) and \(k + 1)")
            }
        }
        // So the count is bounded by the text: at most two segments per `maxBytes`, plus fewer
        // than `factor` per level among the smaller ones. Without the partial merges it was 50.
        let text = segs.reduce(0) { $0 + $1.mergeBytes }
        #expect(segs.count <= 2 * text / maxBytes + 1 + 3 * (MergePolicy.factor - 1), "\(segs.count) segments")
        #expect(segs.count < 40, "\(segs.count) segments")
    }

    /// At the default budget, with what a postings merge holds per document, half a million
    /// articles added a thousand a day fit every merge: fewer than `factor` segments per level.
    @Test func theMergePolicyStaysLogarithmicAtTheDefaultBudget() {
        let maxBytes = (256 << 20) * 2 / 3 / 2
        let (segs, most) = simulateAdditions(500, documents: 1000, bytesPerDocument: MergePolicy.bytesPerDocument, maxBytes: maxBytes)
        #expect(segs.reduce(0) { $0 + $1.live } == 500_000)
        let levels = Set(segs.map { MergePolicy.level($0.live) })
        for l in levels { #expect(segs.filter { MergePolicy.level($0.live) == l }.count < MergePolicy.factor, "level \(l)") }
        #expect(segs.count <= (MergePolicy.factor - 1) * levels.count)
        #expect(most <= segs.count + MergePolicy.factor * levels.count, "at most \(most) segments on the way")
    }

    /// Deleting every article leaves an index with no segment that still opens, searches, shows
    /// nothing and takes new articles.
    @Test(.needsSharedCorpus) func anIndexWithEveryArticleDeletedStaysUsable() throws {
        let all = try leeArticles()
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(Array(all[0..<30]), at: dir)
        let w = try appendWriter(dir)
        #expect(try w.delete(matching: Query.parse("the OR a OR of OR to OR in")) > 0)
        for a in all[0..<30] { try w.delete(id: a.id) }
        let s = try w.commit()
        #expect(s.documentCount == 0 && s.segmentCount == 0)
        let empty = try IndexReader(path: dir)
        #expect(empty.documentCount == 0)
        #expect(try empty.search("police").totalHits == 0)
        #expect(try empty.article(id: all[0].id) == nil)
        #expect(try empty.explain(Query.parse("police"), documentNumber: 0) == nil)
        let again = try appendWriter(dir)
        try again.add(all[0])
        #expect(try again.commit().documentCount == 1)
        #expect(try IndexReader(path: dir).search("the").totalHits == 1)
    }

    /// Ids are bytes everywhere (the id term, replacement lookups, the writer's duplicate check),
    /// not Swift strings, whose equality makes canonically equivalent spellings one: the same two
    /// articles give two documents whether added in one run or in two.
    @Test func idsAreTheSameWhetherAddedInOneRunOrTwo() throws {
        let composed = Article(id: "caf\u{E9}", title: "One", body: "first spelling")
        let decomposed = Article(id: "cafe\u{301}", title: "Two", body: "second spelling")
        let one = temporaryDirectory(), two = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: one); try? FileManager.default.removeItem(atPath: two) }
        let w = try IndexWriter(path: one)
        try w.add(composed)
        try w.add(decomposed)
        try w.commit()
        try build([composed], at: two)
        let a = try appendWriter(two)
        try a.add(decomposed)
        try a.commit()
        let inOneRun = try IndexReader(path: one).documentCount
        let inTwoRuns = try IndexReader(path: two).documentCount
        #expect(inOneRun == 2 && inTwoRuns == 2)
    }
}
