import Foundation
import Testing
@testable import NewsIndex
import NewsIndexTestSupport

/// Trends: matches per calendar interval, checked against counts made here from the articles'
/// dates with Foundation's calendar.
@Suite struct TrendsTests {
    /// Articles about floods and fires at dates around a daylight-saving change in Berlin
    /// (2025-03-30 01:00 UTC), a year's end, and a Monday; two undated.
    static let dates: [String?] = [
        "2024-12-31T23:30:00Z", "2025-01-01T00:30:00Z", "2025-01-05T12:00:00Z", "2025-01-06T00:10:00Z",
        "2025-03-29T23:30:00Z", "2025-03-30T00:30:00Z", "2025-03-30T22:30:00Z", "2025-03-31T21:59:00Z",
        "2025-06-15T10:00:00Z", "2025-06-16T23:00:00Z", nil, nil,
    ]

    static func articles() -> [Article] {
        dates.enumerated().map { k, d in
            let topic = k % 3 == 0 ? "fire" : "flood"
            return Article(id: "t\(k)", title: "A \(topic) report \(k)", body: "The \(topic) reached the town on day \(k).",
                           date: d.map { ArticleDate(secondsSinceEpoch: Int64(ISO8601DateFormatter().date(from: $0)!.timeIntervalSince1970), text: $0) })
        }
    }

    /// The oracle: counts of `articles` whose body has `word`, per interval start (YYYY-MM-DD) in `zone`.
    static func expected(_ word: String, _ interval: DateHistogram.Interval, _ zone: TimeZone) -> [String: Int] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        calendar.firstWeekday = 2
        var out: [String: Int] = [:]
        for a in articles() where a.body.contains(word) {
            guard let s = a.date?.secondsSinceEpoch else { continue }
            let date = Date(timeIntervalSince1970: TimeInterval(s))
            let start: Date
            switch interval {
            case .day: start = calendar.startOfDay(for: date)
            case .week: start = calendar.dateInterval(of: .weekOfYear, for: date)!.start
            case .month: start = calendar.dateInterval(of: .month, for: date)!.start
            case .year: start = calendar.dateInterval(of: .year, for: date)!.start
            }
            let c = calendar.dateComponents([.year, .month, .day], from: start)
            out[String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!), default: 0] += 1
        }
        return out
    }

    @Test("counts per day, week, month and year in UTC, an offset and Europe/Berlin across the daylight-saving change equal the calendar's", arguments: DateHistogram.Interval.allCases)
    func countsMatchTheCalendar(_ interval: DateHistogram.Interval) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(TrendsTests.articles(), at: dir)
        let index = try IndexReader(path: dir)
        for zone in ["UTC", "+05:30", "-08:00", "Europe/Berlin"] {
            var options = TrendOptions()
            options.interval = interval
            options.timeZone = try TrendOptions.timeZone(zone)
            for word in ["flood", "fire"] {
                let t = try index.trend(Query.term(word), options: options)
                var got: [String: Int] = [:]
                for b in t.buckets where b.count > 0 { got[b.startDay] = b.count }
                #expect(got == TrendsTests.expected(word, interval, options.timeZone), "\(word) \(interval) \(zone)")
                let undated = TrendsTests.articles().filter { $0.body.contains(word) && $0.date == nil }.count
                #expect(t.undated == undated)
                // Every interval between the first and the last is there, in order.
                for (a, b) in zip(t.buckets, t.buckets.dropFirst()) { #expect(a.end == b.start) }
            }
        }
    }

    @Test("since and until bound the buckets; deleted articles are not counted; several queries line up")
    func windowDeletionsAlignment() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(TrendsTests.articles(), at: dir)
        var options = TrendOptions()
        options.interval = .month
        options.since = try TrendOptions.start(of: "2025-01", in: TrendOptions.utc)
        options.until = try TrendOptions.end(of: "2025-03", in: TrendOptions.utc)
        let index = try IndexReader(path: dir)
        let t = try index.trend(Query.term("flood"), options: options)
        #expect(t.buckets.map(\.startDay) == ["2025-01-01", "2025-02-01", "2025-03-01"])
        // Floods are t1, t2 (January), t4, t5, t7 (March), t8 (June), t10, t11 (undated).
        #expect(t.buckets.map(\.count) == [2, 0, 3])
        #expect(t.outside == 1 && t.undated == 2)
        let w = try appendWriter(dir)
        #expect(try w.delete(id: "t5"))
        try w.commit()
        let after = try IndexReader(path: dir).trend(Query.term("flood"), options: options)
        #expect(after.buckets.map(\.count) == [2, 0, 2])
        let both = try IndexReader(path: dir).trends([Query.term("fire"), Query.term("flood")], options: TrendOptions())
        #expect(both[0].buckets.map(\.start) == both[1].buckets.map(\.start))
        #expect(both[0].buckets.first?.startDay == "2024-12-01")
    }

    @Test("--stories counts the wire story and its copies once, on the day of the earliest")
    func stories() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(try StoriesTests.stories(), at: dir)
        let index = try IndexReader(path: dir)
        var options = TrendOptions()
        options.interval = .day
        let articles = try index.trend(Query.term("korvany"), options: options)
        options.stories = true
        let stories = try index.trend(Query.term("korvany"), options: options)
        #expect(articles.total - stories.total == 5)
        let day = Dictionary(uniqueKeysWithValues: stories.buckets.map { ($0.startDay, $0.count) })
        let dayOfArticles = Dictionary(uniqueKeysWithValues: articles.buckets.map { ($0.startDay, $0.count) })
        // wire-5 (the 15th) is counted on the 14th with wire-0.
        #expect(dayOfArticles["2025-03-14"]! - day["2025-03-14"]! == 4)
        #expect(dayOfArticles["2025-03-15"]! - day["2025-03-15"]! == 1)
    }

    @Test("trends from the command line: bars, side by side, JSON, a bad time zone and --help")
    func command() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try build(TrendsTests.articles(), at: dir)
        let one = try CLI.run(["trends", "flood", "--by", "year", "--index", dir])
        #expect(one.status == 0)
        #expect(one.out.contains("2025  6") && one.out.contains("2 undated"))
        let two = try CLI.run(["trends", "flood", "fire", "--index", dir, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(two.out.utf8)) as! [String: Any]
        let series = object["queries"] as! [[String: Any]]
        #expect(object["interval"] as? String == "month" && object["time_zone"] as? String == "UTC")
        #expect(series.map { $0["query"] as? String } == ["flood", "fire"])
        let buckets = series.map { ($0["buckets"] as! [[String: Any]]).map { $0["start"] as! String } }
        #expect(buckets[0] == buckets[1] && buckets[0].first == "2024-12-01")
        let counts = (series[1]["buckets"] as! [[String: Any]]).map { $0["count"] as! Int }
        #expect(counts.reduce(0, +) + (series[1]["undated"] as! Int) == series[1]["total"] as! Int)
        let bad = try CLI.run(["trends", "flood", "--tz", "Mars/Olympus", "--index", dir])
        #expect(bad.status == 64 && bad.err.contains("Mars/Olympus"))
        let help = try CLI.run(["trends", "--help"])
        #expect(help.out.contains("Examples:") && help.out.contains("--tz"))
    }
}
