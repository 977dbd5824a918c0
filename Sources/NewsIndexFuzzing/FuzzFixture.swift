import Foundation
import NewsIndex

/// The small index the fuzz targets search: articles written here from a fixed vocabulary
/// (no corpus file needed), dated and undated, mentioning a few built-in entities, split over
/// two segments so that multi-segment code runs too, with three articles deleted.
package enum FuzzFixture {
    static let vocabulary = ["harbour", "strike", "union", "minister", "talks", "port", "council", "vote", "budget",
                             "the", "of", "and", "in", "rain", "flood", "river", "bridge", "mayor", "school", "court",
                             "strategy", "strategic", "Putin", "Xi Jinping", "Biden", "Macron", "Beijing", "Moscow"]

    /// Builds the index in `directory` (which must not hold one yet) and returns its article count.
    @discardableResult
    package static func build(at directory: String) throws -> Int {
        var rng = FuzzRandom(seed: 7)
        var options = IndexWriter.Options()
        options.memoryBudget = 24_000   // two or more segments
        options.threads = 1
        let writer = try IndexWriter(path: directory, options: options)
        let count = 48
        for i in 0..<count {
            func words(_ n: Int) -> String {
                (0..<n).map { _ in
                    let r = Double(rng.below(1000)) / 1000
                    return vocabulary[Int(r * r * Double(vocabulary.count))]
                }.joined(separator: rng.oneIn(9) ? ". " : " ")
            }
            let date = i % 5 == 4 ? nil
                : ArticleDate(secondsSinceEpoch: 1_640_995_200 + Int64(i) * 86_400 * 9, text: "day \(i)")
            let article = Article(id: "a\(i)", title: words(2 + rng.below(6)), body: words(5 + rng.below(160)) + ".",
                                  date: date, url: i % 3 == 0 ? "https://example.org/\(i)" : nil,
                                  byline: i % 4 == 0 ? "By Staff" : nil, setAside: i % 6 == 0 ? "Share this" : nil)
            try writer.add(article)
        }
        _ = try writer.commit()
        // A few deletions, so the segments have .del files to damage too.
        var change = IndexWriter.Options()
        change.mode = .append
        let deleter = try IndexWriter(path: directory, options: change)
        for id in ["a3", "a10", "a47"] { _ = try deleter.delete(id: id) }
        _ = try deleter.commit()
        return count - 3
    }

    /// Queries that touch every part of the search code: words, phrases, AND, OR, NOT, prefixes,
    /// fields, entities, NEAR, slop and dates.
    package static let queries = [
        "harbour", "\"harbour strike\"", "union AND council", "putin OR biden OR macron", "strat*", "strike -rain",
        "entity:\"Vladimir Putin\"", "title:budget", "minister NEAR/3 talks", "\"port vote\"~4",
        "date:2022-01..2022-12 council", "(flood OR river) bridge", "body:(mayor OR school)", "beijing NEAR moscow",
        "date:>=2022-06 -harbour the",
    ]
}
