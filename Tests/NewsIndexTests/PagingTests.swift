import Foundation
@testable import NewsIndex
import NewsIndexTestSupport
import Testing

/// `SearchOptions.after` (deep paging by cursor), `.deadline` and `.dateFacets`, on one index and
/// on several searched as one.
@Suite("deep paging, deadlines and date histograms")
struct PagingTests {
    /// Articles with many equal scores (copies of the same text) and dates, some undated.
    static func articles(_ prefix: String, _ n: Int) -> [Article] {
        (0..<n).map { k in
            let words = ["harbour strike", "harbour", "harbour harbour strike", "strike at the harbour"][k % 4]
            let date = k % 5 == 4 ? nil : ArticleDate(secondsSinceEpoch: 1_640_995_200 + Int64(k % 7) * 86400 * 9, text: "")
            return Article(id: "\(prefix)-\(k)", title: k % 3 == 0 ? "Harbour" : "News", body: "The \(words) story.", date: date)
        }
    }

    /// Every page of `limit` hits by cursor, concatenated.
    static func paged(_ search: (SearchOptions) throws -> SearchResults, order: SearchOptions.Order, limit: Int) throws -> [String] {
        var options = SearchOptions()
        options.order = order
        options.limit = limit
        options.snippets = false
        var out: [String] = []
        for _ in 0..<100 {
            let page = try search(options)
            out += page.hits.map(\.id)
            guard let last = page.hits.last, page.hits.count == limit else { break }
            options.after = last.cursor
        }
        return out
    }

    @Test("pages by cursor give the hits of one long page, in order, ties included, by score and by date", arguments: [1, 3, 7])
    func cursorPages(limit: Int) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(PagingTests.articles("a", 40), at: dir + "/a", threads: 1)
        try build(PagingTests.articles("b", 25), at: dir + "/b", threads: 1)
        let one = try IndexReader(path: dir + "/a")
        let archive = try Archive(paths: [dir + "/a", dir + "/b"])
        let query = try Query.parse("harbour OR strike")
        for order in SearchOptions.Order.allCases {
            var all = SearchOptions()
            all.order = order
            all.limit = 1000
            all.snippets = false
            let expectedOne = try one.search(query, options: all).hits.map(\.id)
            let expectedArchive = try archive.search(query, options: all).hits.map(\.id)
            #expect(expectedOne.count == 40 && expectedArchive.count == 65)
            #expect(try PagingTests.paged({ try one.search(query, options: $0) }, order: order, limit: limit) == expectedOne, "\(order)")
            #expect(try PagingTests.paged({ try archive.search(query, options: $0) }, order: order, limit: limit) == expectedArchive, "\(order)")
        }
    }

    @Test("a deadline that has passed stops the search with timedOut")
    func deadline() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(PagingTests.articles("a", 30), at: dir, threads: 1)
        let index = try IndexReader(path: dir)
        var options = SearchOptions()
        options.deadline = .now - .seconds(1)
        #expect(throws: NewsIndexError.self) { try index.search(Query.parse("harbour"), options: options) }
        do { _ = try index.search(Query.parse("harbour"), options: options) } catch let e as NewsIndexError { #expect(e.kind == .timedOut) }
        options.deadline = .now + .seconds(60)
        #expect(try index.search(Query.parse("harbour"), options: options).totalHits == 30)
    }

    @Test("the date histogram counts every match per day, and groups them by calendar interval")
    func histogram() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let articles = PagingTests.articles("a", 30)
        try build(articles, at: dir, threads: 1)
        let index = try IndexReader(path: dir)
        var options = SearchOptions()
        options.dateFacets = true
        let dates = try #require(try index.search(Query.parse("harbour"), options: options).dates)
        // By brute force over the articles.
        var days: [Int64: Int] = [:]
        for a in articles { if let d = a.date { days[d.secondsSinceEpoch / 86400, default: 0] += 1 } }
        #expect(dates.days.map(\.day) == days.keys.sorted())
        #expect(dates.days.map(\.count) == days.keys.sorted().map { days[$0]! })
        #expect(dates.undated == articles.filter { $0.date == nil }.count)
        for interval in DateHistogram.Interval.allCases {
            let buckets = dates.buckets(by: interval)
            #expect(buckets.count == dates.bucketCount(by: interval), "\(interval)")
            #expect(buckets.reduce(0) { $0 + $1.count } == dates.datedCount)
            #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.end == $1.start })
            #expect(buckets.allSatisfy { interval.start(of: $0.start) == $0.start })
        }
        #expect(DateHistogram.isoDay(DateHistogram.Interval.week.start(of: 19_356)) == "2022-12-26")   // 2022-12-30 is a Friday
        #expect(DateHistogram.isoDay(DateHistogram.Interval.month.next(after: 19_327)) == "2023-01-01")   // from 2022-12-01
        #expect(DateHistogram.Interval.automatic(first: 0, last: 30) == .day)
        #expect(DateHistogram.Interval.automatic(first: 0, last: 400) == .week)
        #expect(DateHistogram.Interval.automatic(first: 0, last: 2000) == .month)
        #expect(DateHistogram.Interval.automatic(first: 0, last: 9000) == .year)
    }
}

@Suite("reopening a live index")
struct ReopenTests {
    @Test("reopened() sees the new commit, shares the unchanged segments, rereads changed deletions, and leaves the old reader whole")
    func reopen() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(PagingTests.articles("a", 30), at: dir, threads: 1)
        let first = try IndexReader(path: dir)
        #expect(try first.reopened() === first)
        let w = try appendWriter(dir)
        try w.add(Article(id: "a-3", title: "Replaced", body: "The zeppelin story."))
        try w.add(Article(id: "z", title: "Zeppelin", body: "A zeppelin over the harbour."))
        try w.commit()
        let second = try first.reopened()
        #expect(second !== first && second.commit > first.commit)
        #expect(second.documentCount == 31 && first.documentCount == 30)
        #expect(second.segmentCount == first.segmentCount + 1)
        // The old segment's files are shared, its deletions (a-3 was replaced) read anew.
        let (old, kept) = (first.segments[0], second.segments[0])
        let other = try IndexReader(path: dir).segments[0]
        #expect(kept.sharesFiles(with: old))
        #expect(!kept.sharesFiles(with: other))
        #expect(old.liveCount == 30 && kept.liveCount == 29)
        // The same answers as a reader opened from scratch, and the old one still answers its own commit.
        let fresh = try IndexReader(path: dir)
        for q in ["harbour", "zeppelin", "strike -harbour", "\"harbour strike\""] {
            #expect(try second.search(q, limit: 50).hits.map(\.id) == fresh.search(q, limit: 50).hits.map(\.id), "\(q)")
            #expect(try second.search(q, limit: 50).hits.map(\.score) == fresh.search(q, limit: 50).hits.map(\.score), "\(q)")
        }
        #expect(try first.search("zeppelin", limit: 5).totalHits == 0)
        #expect(try first.article(id: "a-3")?.title != "Replaced")
        #expect(try second.article(id: "a-3")?.title == "Replaced")
    }
}
