import Foundation
import ArgumentParser
import NewsIndex
import NewsIndexJSON

extension DateHistogram.Interval: ExpressibleByArgument {}

struct TrendsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trends",
        abstract: "Count the matches of one or more queries per day, week, month or year.",
        discussion: """
        Counts every matching article (exactly: nothing is sampled) per calendar interval of \
        its publication date, in UTC or the --tz time zone (the offset of each article's date, \
        daylight saving included). Weeks run Monday to Sunday. Empty intervals between the \
        first and the last are shown as 0; several queries are counted over the same \
        intervals, side by side. Undated matches are counted apart, never dropped. --stories \
        counts stories instead: an article and its copies (see newsindex copies) once, in the \
        interval of the earliest of them that matches.

        Output: with one query, a bar per interval (label, count, bar); with several, a column \
        per query; then a sparkline per query. With --json one object: interval, time_zone, \
        stories, and per query its total, undated, outside and buckets [{start, count}].

        Examples:
          newsindex trends 'entity:putin'
          newsindex trends 'entity:putin' 'entity:xi' --by week --since 2022-12 --until 2023-01
          newsindex trends flood --by day --tz Australia/Sydney --json
          newsindex trends '"strategic cooperation"' --stories --by year
          newsindex trends flood --tz=-08:00        (a negative offset needs the =)
        """
    )

    @Argument(help: ArgumentHelp("One or more queries (the syntax of newsindex search).", valueName: "query"))
    var queries: [String]

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: ArgumentHelp("The interval to count by.", valueName: "day|week|month|year"))
    var by: DateHistogram.Interval = .month

    @Option(name: .long, help: ArgumentHelp("Count from this date (in the time zone): 2022-12-01, 2022-12, 2022.", valueName: "date"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Count up to and including this day (month, year).", valueName: "date"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("The time zone of the calendar: UTC, +05:30, Europe/Berlin.", valueName: "zone"))
    var tz: String = "UTC"

    @Flag(name: .long, help: "Count stories (an article and its copies once) instead of articles.")
    var stories = false

    @Flag(name: .long, help: "Write one JSON object instead of text.")
    var json = false

    func validate() throws {
        if queries.isEmpty { throw ValidationError("give at least one query") }
        if queries.count > 8 { throw ValidationError("at most 8 queries side by side (got \(queries.count))") }
    }

    func run() throws {
        do { try count() } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }

    private func count() throws {
        var options = TrendOptions()
        options.interval = by
        options.stories = stories
        options.timeZone = try TrendOptions.timeZone(tz)
        if let since { options.since = try TrendOptions.start(of: since, in: options.timeZone) }
        if let until { options.until = try TrendOptions.end(of: until, in: options.timeZone) }
        let parsed = try queries.map { try Query.parse($0, now: options.now) }
        let index = try IndexReader(path: location.path)
        let trends = try index.trends(parsed, options: options)
        if json {
            Terminal.out(try JSONOutput.line(TrendsJSON(trends, queries: queries)))
            return
        }
        let color = Terminal.colorOnStdout
        let what = stories ? "stories" : "articles"
        let zone = TrendOptions.name(of: options.timeZone)
        if trends.allSatisfy({ $0.buckets.isEmpty }) {
            for (q, t) in zip(queries, trends) {
                Terminal.out("\(q): no dated \(what)" + (t.undated > 0 ? ", \(Format.count(t.undated)) undated" : ""))
            }
            return
        }
        let labels = trends[0].buckets.map { label($0) }
        let width = labels.map(\.count).max() ?? 10
        if trends.count == 1 {
            let t = trends[0]
            let unit = t.dated == 1 ? (stories ? "story" : "article") : what
            Terminal.out("\(queries[0]): \(Format.count(t.dated)) \(unit) per \(by.rawValue) (\(zone))" + (notes(t).map { "; " + $0 } ?? ""))
            let top = max(1, t.buckets.map(\.count).max() ?? 1)
            let digits = String(top).count
            for (b, l) in zip(t.buckets, labels) {
                let n = String(b.count)
                Terminal.out(l.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                             + String(repeating: " ", count: digits - n.count) + n + "  "
                             + Terminal.style(TrendsCommand.bar(b.count, of: top, width: 50), "36", color: color))
            }
        } else {
            let columns = queries.map { max(12, $0.count) }
            var head = String(repeating: " ", count: width)
            for (q, w) in zip(queries, columns) { head += "  " + q.padding(toLength: w, withPad: " ", startingAt: 0) }
            Terminal.out("\(what.capitalized) per \(by.rawValue) (\(zone))")
            Terminal.out(Terminal.style(head, "1", color: color))
            let tops = trends.map { max(1, $0.buckets.map(\.count).max() ?? 1) }
            for (k, l) in labels.enumerated() {
                var line = l.padding(toLength: width, withPad: " ", startingAt: 0)
                for (j, t) in trends.enumerated() {
                    let n = t.buckets[k].count
                    let cell = String(n) + " " + TrendsCommand.bar(n, of: tops[j], width: columns[j] - String(n).count - 1)
                    line += "  " + cell.padding(toLength: columns[j], withPad: " ", startingAt: 0)
                }
                Terminal.out(line)
            }
            for (q, t) in zip(queries, trends) {
                if let n = notes(t) { Terminal.out("\(q): " + n) }
            }
        }
        Terminal.out("")
        let nameWidth = queries.map(\.count).max() ?? 0
        for (q, t) in zip(queries, trends) {
            Terminal.out(q.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                         + Terminal.style(TrendsCommand.sparkline(t.buckets.map(\.count)), "36", color: color))
        }
    }

    /// A bucket's label: the day, the week's Monday, `YYYY-MM` or `YYYY`.
    private func label(_ b: Trend.Bucket) -> String {
        let day = b.startDay
        switch by {
        case .day, .week: return day
        case .month: return String(day.prefix(7))
        case .year: return String(day.prefix(4))
        }
    }

    /// What the bars leave out, or nil when nothing.
    private func notes(_ t: Trend) -> String? {
        var parts: [String] = []
        if t.undated > 0 { parts.append("\(Format.count(t.undated)) undated") }
        if t.outside > 0 { parts.append("\(Format.count(t.outside)) outside --since/--until") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ") + ", not shown"
    }

    /// A bar of eighths of a block for `n` of `top` in `width` cells.
    static func bar(_ n: Int, of top: Int, width: Int) -> String {
        guard n > 0, width > 0 else { return "" }
        let eighths = max(1, Int((Double(n) / Double(top) * Double(width * 8)).rounded()))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    /// One character per count, ▁ to █ scaled to the largest (a space for 0).
    static func sparkline(_ counts: [Int]) -> String {
        let top = max(1, counts.max() ?? 1)
        let levels = Array("▁▂▃▄▅▆▇█")
        return String(counts.map { $0 == 0 ? " " : levels[min(7, ($0 * 8 - 1) / top)] })
    }
}
