import Foundation
import Testing
@testable import NewsIndex
@testable import NewsIndexIngest
import NewsIndexTestSupport

/// 2022-12-30 in UTC: the day, 07:55, and 07:55 EST (12:55 UTC).
private let day: Int64 = 1_672_358_400
private let utc0755: Int64 = 1_672_386_900
private let est0755: Int64 = 1_672_404_900

@Suite("Dates: the forms read, the day/month order, and undated articles")
struct DateTests {
    @Test("ISO 8601 and RFC 3339, with or without a time, fractions and offsets", arguments: [
        ("2022-12-30", day),
        ("2022-12-30T07:55:00Z", utc0755),
        ("2022-12-30T07:55:00.123456Z", utc0755),
        ("2022-12-30t07:55:00z", utc0755),
        ("2022-12-30 07:55:00Z", utc0755),
        ("2022-12-30T13:25:00+05:30", utc0755),
        ("2022-12-30T13:25+0530", utc0755),
        ("2022-12-30T02:55:00-05:00", utc0755),
        ("2022-12-30T08:55+01", utc0755),
        ("2022-12-30T07:55", utc0755),
    ])
    func iso(text: String, seconds: Int64) {
        #expect(ArticleDate(parsing: text)?.secondsSinceEpoch == seconds, "\(text)")
    }

    @Test("RFC 822, 1123, 850 and 2822, with or without the weekday, named zones and offsets", arguments: [
        ("Fri, 30 Dec 2022 07:55:00 GMT", utc0755),
        ("30 Dec 2022 07:55:00 UT", utc0755),
        ("Fri, 30 Dec 2022 07:55 UTC", utc0755),
        ("Fri, 30 Dec 2022 07:55:00 Z", utc0755),
        ("Fri, 30 Dec 2022 02:55:00 EST", utc0755),
        ("Fri, 30 Dec 2022 03:55:00 EDT", utc0755),
        ("Fri, 30 Dec 2022 01:55:00 CST", utc0755),
        ("Fri, 30 Dec 2022 02:55:00 CDT", utc0755),
        ("Fri, 30 Dec 2022 00:55:00 MST", utc0755),
        ("Fri, 30 Dec 2022 01:55:00 MDT", utc0755),
        ("Thu, 29 Dec 2022 23:55:00 PST", utc0755),
        ("Fri, 30 Dec 2022 00:55:00 PDT", utc0755),
        ("Fri, 30 Dec 2022 08:55:00 CET", utc0755),
        ("Fri, 30 Dec 2022 09:55:00 CEST", utc0755),
        ("Fri, 30 Dec 2022 08:55:00 BST", utc0755),
        ("Fri, 30 Dec 2022 08:55:00 +0100", utc0755),
        ("Fri, 30 Dec 2022 02:55:00 -0500", utc0755),
        ("Fri, 30 Dec 22 07:55:00 GMT", utc0755),
        ("Friday, 30-Dec-22 07:55:00 GMT", utc0755),
        ("30 Dec 99 07:55 GMT", 946_540_500),
    ])
    func rfc(text: String, seconds: Int64) {
        #expect(ArticleDate(parsing: text)?.secondsSinceEpoch == seconds, "\(text)")
    }

    @Test("the forms news pages use, and Unix times as text", arguments: [
        ("2017/3/30", 1_490_832_000),
        ("2017.03.30", 1_490_832_000),
        ("30.12.2022", day),
        ("30 Dec 2022", day),
        ("December 30, 2022, 7:55 AM ET", est0755),
        ("12/30/22 7:55 AM ET", est0755),
        ("1672386900", utc0755),
        ("1672386900123", utc0755),
        ("-631152000", -631_152_000),
    ])
    func newsForms(text: String, seconds: Int64) {
        #expect(ArticleDate(parsing: text)?.secondsSinceEpoch == seconds, "\(text)")
    }

    @Test("every example of the README's table of date forms", arguments: [
        "2022-12-30T07:55:00Z", "2022-12-30T07:55:00.123456Z", "2022-12-30 13:25+05:30", "2022-12-30T02:55:00-0500",
        "2022-12-30T08:55+01", "Fri, 30 Dec 2022 07:55:00 GMT", "30 Dec 2022 07:55:00 +0000", "Fri, 30 Dec 22 02:55:00 EST",
        "Friday, 30-Dec-22 07:55:00 GMT", "30 December 2022 07:55", "December 30, 2022, 2:55 AM ET",
        "12/30/22 2:55 AM ET", "1672386900", "1672386900000",
    ] + ["2022-12-30", "30 Dec 2022", "December 30, 2022", "Dec. 30, 2022", "2022/12/30", "2022.12.30",
         "30.12.2022", "30.12.22", "12/30/2022", "30/12/2022"])
    func readmeExamples(text: String) {
        let expected = text.contains(":") || text.count >= 10 && text.allSatisfy(\.isNumber) ? utc0755 : day
        #expect(ArticleDate(parsing: text)?.secondsSinceEpoch == expected, "\(text)")
    }

    @Test("impossible dates are unreadable, not shifted", arguments: [
        "2022-02-30", "2022-13-01", "2022/02/30", "13/13/2022", "30.13.2022", "32 Dec 2022", "00/10/2022",
        "Fri, 30 Dec 2022 25:00:00 GMT", "12345678", "2022-12-30T07:55:00+15:00", "30/12/202",
    ])
    func impossible(text: String) {
        #expect(ArticleDate(parsing: text) == nil, "\(text)")
        #expect(ArticleDate(parsing: text, order: .dmy) == nil, "\(text)")
    }

    @Test("xx/yy/zzzz: month first unless the first number is over 12; dmy reads day first")
    func order() {
        #expect(ArticleDate(parsing: "03/04/2022")?.secondsSinceEpoch == 1_646_352_000)              // March 4
        #expect(ArticleDate(parsing: "03/04/2022", order: .dmy)?.secondsSinceEpoch == 1_648_944_000) // 3 April
        #expect(ArticleDate(parsing: "30/12/2022")?.secondsSinceEpoch == day)
        #expect(ArticleDate(parsing: "12/30/2022", order: .dmy)?.secondsSinceEpoch == day)
        #expect(ArticleDate(parsing: "30.12.2022", order: .dmy)?.secondsSinceEpoch == day)
        #expect(ArticleDate(parsing: "2017/3/30", order: .dmy)?.secondsSinceEpoch == 1_490_832_000)
    }

    @Test("JSON Lines: a number is a Unix time, in seconds or (from 10^11) milliseconds; an unreadable date leaves the article undated")
    func jsonDates() throws {
        let lines = """
        {"id": "s", "body": "x", "date": 1672386900}
        {"id": "ms", "body": "x", "date": 1672386900000}
        {"id": "bad", "body": "x", "date": "2017-02-30"}
        """
        var out: [String: Article] = [:]
        try Array(lines.utf8).withUnsafeBytes { raw in
            try JSONLines.parse(raw, file: "f.jsonl") { result, _ in
                let a = try result.get()
                out[a.id] = a
            }
        }
        #expect(out["s"]?.date?.secondsSinceEpoch == utc0755)
        #expect(out["ms"]?.date?.secondsSinceEpoch == utc0755)
        #expect(out["bad"]?.date == nil && out["bad"]?.unreadableDate == "2017-02-30")
        #expect(ArticleDate.seconds(fromUnixTime: 99_999_999_999) == 99_999_999_999)
        #expect(ArticleDate.seconds(fromUnixTime: -100_000_000_000) == -100_000_000)
    }

    @Test("an embedding program gets each undated document as an event, and the report counts it")
    func undatedEvent() throws {
        let dir = temporaryDirectory("dates-event")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/in.jsonl"
        try Data("""
        {"id": "a", "body": "harbour", "date": "2017/3/30"}
        {"id": "b", "body": "council", "date": "soonish"}
        {"id": "c", "body": "budget", "date": "03/04/2022"}
        """.utf8).write(to: URL(fileURLWithPath: path))
        var run = try IngestRun(paths: [path], indexPath: dir + "/idx", strict: false, dateOrder: .dmy)
        var undated: [BadDocument] = []
        var dates: [String: Int64?] = [:]
        try run.run({ article, _ in dates.updateValue(article.date?.secondsSinceEpoch, forKey: article.id) }) { event in
            if case .undated(let bad) = event { undated.append(bad) }
        }
        #expect(dates["a"] == 1_490_832_000 && dates["c"] == 1_648_944_000)
        #expect(dates.keys.contains("b") && dates["b"]! == nil, "indexed, without a date")
        #expect(undated.count == 1 && undated.first?.location == DocumentLocation(path: path, line: 2))
        #expect(undated.first?.reason == .badDate && undated.first?.detail.contains("\"soonish\"") == true)
        #expect(run.report.indexed == 3 && run.report.undated == 1 && run.report.skippedCount == 0)
        #expect(run.report.undatedSummary == "1 document without a readable date (indexed undated)")
        var strict = try IngestRun(paths: [path], indexPath: dir + "/idx", strict: true)
        #expect(throws: NewsIndexError.self) { try strict.run({ _, _ in }) }
    }

    @Test("newsindex build: an unreadable date is a warning (file:line and text), the article is indexed undated, exit 0; --strict stops with 65")
    func cli() throws {
        let dir = temporaryDirectory("dates-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = dir + "/idx", feed = dir + "/feed.jsonl"
        try Data("""
        {"id": "a1", "title": "Harbour reopens", "body": "The harbour reopened after the storm.", "date": "2017/3/30"}
        {"id": "a2", "title": "Council vote", "body": "The council voted on the budget.", "date": "the 30th of Febtober"}
        """.utf8).write(to: URL(fileURLWithPath: feed))
        let r = try CLI.run(["build", feed, "--index", index])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("warning: \(feed):2: unreadable date \"the 30th of Febtober\" in document \"a2\"; indexed without a date"), "\(r.err)")
        #expect(r.err.contains("1 document without a readable date (indexed undated)"), "\(r.err)")
        #expect(try CLI.ids("council", index: index) == ["a2"])
        let show = try CLI.run(["show", "a2", "--index", index, "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(show.out.utf8)) as? [String: Any])
        #expect(json["date"] is NSNull, "\(show.out)")
        let shown = try CLI.run(["show", "a1", "--index", index, "--json"])
        #expect(shown.out.contains("\"date\":\"2017-03-30\""), "\(shown.out)")
        // --strict stops at the unreadable date and leaves the index as it was.
        let other = dir + "/other.jsonl"
        try Data("""
        {"id": "b1", "body": "The ferry sailed.", "date": "2022-12-30"}
        {"id": "b2", "body": "The ferry docked.", "date": "2022-02-30"}
        """.utf8).write(to: URL(fileURLWithPath: other))
        let strict = try CLI.run(["add", other, "--index", index, "--strict"])
        #expect(strict.status == 65 && strict.err.contains("\(other):2: unreadable date \"2022-02-30\""), "\(strict.err)")
        #expect(try CLI.ids("ferry", index: index) == [])
        #expect(Set(try CLI.ids("harbour OR council", index: index)) == ["a1", "a2"])
        // --date-order dmy reads 03/04/2022 as 3 April.
        try Data(#"{"id": "c1", "body": "The bridge opened.", "date": "03/04/2022"}"#.utf8).write(to: URL(fileURLWithPath: other))
        let dmy = try CLI.run(["add", other, "--index", index, "--date-order", "dmy"])
        #expect(dmy.status == 0, "\(dmy.err)")
        #expect(try CLI.run(["show", "c1", "--index", index, "--json"]).out.contains("\"date\":\"2022-04-03\""))
    }
}
