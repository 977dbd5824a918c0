import Foundation

import NewsIndexQuery

/// Options for ``IndexReader/trend(_:options:)``: the calendar interval to count by, the time
/// zone whose calendar it is, an optional window of dates, and whether to count stories.
///
/// ```swift
/// var options = TrendOptions()
/// options.interval = .week
/// options.timeZone = try TrendOptions.timeZone("Europe/Berlin")
/// options.since = try TrendOptions.start(of: "2022-10", in: options.timeZone)
/// let trend = try index.trend(Query.parse("flood"), options: options)
/// ```
public struct TrendOptions: Sendable {
    /// The calendar interval of a bucket (weeks start on Monday).
    public var interval: DateHistogram.Interval = .month
    /// Only documents published at or after this moment are placed in buckets; the buckets
    /// start with the interval that holds it (nil: with the first match's interval).
    public var since: Date? = nil
    /// Only documents published before this moment are placed in buckets; the buckets end
    /// with the interval that holds the moment just before it (nil: with the last match's).
    public var until: Date? = nil
    /// The time zone whose calendar days, weeks, months and years the buckets are. Each
    /// document's date is shifted by the zone's offset at that date (daylight saving included).
    public var timeZone: TimeZone = TrendOptions.utc
    /// Whether to count stories (copy groups) instead of documents: each story once, in the
    /// interval of its earliest matching member (``Trend/stories``).
    public var stories: Bool = false
    /// When the count must be over: past it the count stops and throws
    /// `NewsIndexError.Kind.timedOut`. Checked after planning, between segments and every
    /// 4,096 matches.
    public var deadline: ContinuousClock.Instant? = nil
    /// The current time, for relative dates in the query (`date:>=now-7d`).
    public var now: Date = Date()
    /// At most this many buckets; a trend that would have more throws `badQuery` (a day
    /// interval over centuries, say).
    public var maxBuckets: Int = 100_000

    /// Creates the default options: by month, in UTC, every date, documents (not stories).
    public init() {}

    /// Coordinated Universal Time.
    public static let utc = TimeZone(secondsFromGMT: 0)!

    /// The time zone named `text`: `UTC` (or `GMT`, `Z`), an offset east of UTC (`+05:30`,
    /// `-08:00`, `+0530`, `+5`), or an IANA name such as `Europe/Berlin`.
    ///
    /// - Throws: `NewsIndexError.Kind.badQuery` naming the value and the forms that work.
    public static func timeZone(_ text: String) throws -> TimeZone {
        let s = text.trimmingCharacters(in: .whitespaces)
        if ["utc", "gmt", "z"].contains(s.lowercased()) { return utc }
        if let sign = s.first, sign == "+" || sign == "-" {
            let digits = s.dropFirst().filter { $0 != ":" }
            let colon = s.dropFirst().firstIndex(of: ":")
            let valid = digits.allSatisfy { $0.isASCII && $0.isNumber } && [1, 2, 4].contains(digits.count)
                && (colon == nil || (digits.count == 4 && s.distance(from: s.startIndex, to: colon!) == 3))
            if valid {
                let hours = Int(digits.prefix(digits.count == 4 ? 2 : digits.count))!
                let minutes = digits.count == 4 ? Int(digits.suffix(2))! : 0
                let seconds = (hours * 60 + minutes) * 60
                if minutes < 60 && seconds <= 14 * 3600, let zone = TimeZone(secondsFromGMT: sign == "-" ? -seconds : seconds) {
                    return zone
                }
            }
        } else if s.contains("/") || s.allSatisfy({ $0.isLetter }), !s.isEmpty, let zone = TimeZone(identifier: s) {
            return zone
        }
        throw NewsIndexError(.badQuery, "\"\(text)\" is not a time zone: write UTC, an offset such as +05:30 or -08:00 (at most ±14:00), or an IANA name such as Europe/Berlin or America/New_York.")
    }

    /// A short name of `zone`: `UTC`, an offset (`+05:30`) for a zone of one fixed offset, else
    /// its IANA name.
    public static func name(of zone: TimeZone) -> String {
        let id = zone.identifier
        guard id == "UTC" || id == "GMT" || id.hasPrefix("GMT+") || id.hasPrefix("GMT-") else { return id }
        let offset = zone.secondsFromGMT()
        if offset == 0 { return "UTC" }
        let m = abs(offset) / 60
        return (offset < 0 ? "-" : "+") + (m / 60 < 10 ? "0" : "") + "\(m / 60):" + (m % 60 < 10 ? "0" : "") + "\(m % 60)"
    }

    /// The first moment of the period a date expression names, as `date:>=` reads it (`2022`,
    /// `2022-12`, `2022-12-30`, `2022-12-30T10:00Z`, `now-7d`, `7d`): a calendar date is the
    /// midnight that starts it in `timeZone`; a moment without a zone is UTC, as in queries.
    ///
    /// - Throws: `NewsIndexError.Kind.badQuery` naming the expression and the forms that work.
    public static func start(of expression: String, in timeZone: TimeZone = utc, now: Date = Date()) throws -> Date {
        try moment(expression, end: false, in: timeZone, now: now)
    }

    /// The first moment after the period a date expression names (as `date:<=` reads it):
    /// `2022-12` gives the midnight that starts 2023-01-01 in `timeZone`.
    ///
    /// - Throws: `NewsIndexError.Kind.badQuery` naming the expression and the forms that work.
    public static func end(of expression: String, in timeZone: TimeZone = utc, now: Date = Date()) throws -> Date {
        try moment(expression, end: true, in: timeZone, now: now)
    }

    private static func moment(_ expression: String, end: Bool, in zone: TimeZone, now: Date) throws -> Date {
        guard let e = DateExpression.parse(expression, allowBareDuration: true) else {
            throw NewsIndexError(.badQuery, DateExpression.problem(expression))
        }
        let bound = end ? e.end : e.start
        let seconds = bound.resolve(now: Int64(now.timeIntervalSince1970.rounded(.down)))
        let calendar = !bound.isRelative && !expression.lowercased().contains("t")
        guard calendar else { return Date(timeIntervalSince1970: TimeInterval(seconds)) }
        return Date(timeIntervalSince1970: TimeInterval(ZoneClock.midnight(ofDay: floorDays(seconds), in: zone)))
    }
}

/// How many matching documents (or stories) were published in each calendar interval: the
/// answer of ``IndexReader/trend(_:options:)``.
///
/// Counts are exact: every live match is counted once, deleted documents never.
/// ``total`` = the buckets' counts + ``undated``; matches dated outside the window of
/// ``TrendOptions/since`` and ``TrendOptions/until`` are only counted in ``outside``.
public struct Trend: Sendable, Equatable {
    /// The matches of one interval.
    public struct Bucket: Sendable, Equatable {
        /// The interval's first day: days since 1970-01-01 in the trend's time zone.
        public var start: Int64
        /// The day after its last day.
        public var end: Int64
        /// Matching documents (or stories) published in it.
        public var count: Int

        /// Creates a bucket.
        public init(start: Int64, end: Int64, count: Int) {
            self.start = start
            self.end = end
            self.count = count
        }

        /// The first day as `YYYY-MM-DD`.
        public var startDay: String { DateHistogram.isoDay(start) }
    }

    /// The interval of each bucket.
    public var interval: DateHistogram.Interval
    /// The time zone of the calendar.
    public var timeZone: TimeZone
    /// Whether the counts are of stories (copy groups) rather than documents.
    public var stories: Bool
    /// The intervals in time order, every one between the first and the last included (empty
    /// ones with 0): from the interval of ``TrendOptions/since`` (else of the first dated match)
    /// to that of ``TrendOptions/until`` (else of the last). Empty when there is neither a
    /// dated match nor a window.
    public var buckets: [Bucket]
    /// Matches without a date, which no bucket holds (whatever the window).
    public var undated: Int
    /// Matches dated outside the window of ``TrendOptions/since`` and ``TrendOptions/until``.
    public var outside: Int

    /// Creates a trend.
    public init(interval: DateHistogram.Interval, timeZone: TimeZone, stories: Bool, buckets: [Bucket], undated: Int, outside: Int = 0) {
        self.interval = interval
        self.timeZone = timeZone
        self.stories = stories
        self.buckets = buckets
        self.undated = undated
        self.outside = outside
    }

    /// Matches in the buckets.
    public var dated: Int { buckets.reduce(0) { $0 + $1.count } }
    /// Matches counted: those in the buckets and the undated ones.
    public var total: Int { dated + undated }

    /// The trends over the same intervals: each extended with empty buckets to run from the
    /// earliest first interval of them all to the latest last one, so that they line up (for
    /// several queries side by side). The trends must share their interval and time zone.
    public static func aligned(_ trends: [Trend]) -> [Trend] {
        guard let interval = trends.first?.interval else { return trends }
        precondition(trends.allSatisfy { $0.interval == interval }, "aligned trends must count by the same interval")
        let starts = trends.compactMap { $0.buckets.first?.start }, ends = trends.compactMap { $0.buckets.last?.start }
        guard let first = starts.min(), let last = ends.max() else { return trends }
        return trends.map { t in
            var out = t
            var buckets: [Bucket] = []
            var i = 0
            var start = first
            while start <= last {
                let end = interval.next(after: start)
                if i < t.buckets.count && t.buckets[i].start == start {
                    buckets.append(t.buckets[i])
                    i += 1
                } else {
                    buckets.append(Bucket(start: start, end: end, count: 0))
                }
                start = end
            }
            out.buckets = buckets
            return out
        }
    }
}

extension IndexReader {
    /// Counts the documents (or stories) matching `query` per calendar interval.
    ///
    /// ```swift
    /// var options = TrendOptions()
    /// options.interval = .month
    /// let trend = try index.trend(Query.parse("entity:putin"), options: options)
    /// for b in trend.buckets { print(b.startDay, b.count) }
    /// print("undated:", trend.undated)
    /// ```
    ///
    /// - Throws: the errors of ``search(_:options:)``; `NewsIndexError.Kind.badQuery` when the
    ///   window would take more than ``TrendOptions/maxBuckets`` buckets.
    public func trend(_ query: Query, options: TrendOptions = TrendOptions()) throws -> Trend {
        let counted = try dayCounts(query, options: options)
        return try TrendCounts.trend(counted.days, undated: counted.undated, outside: counted.outside, options: options)
    }

    /// The trends of several queries over the same intervals (``Trend/aligned(_:)``).
    ///
    /// - Throws: the errors of ``trend(_:options:)``.
    public func trends(_ queries: [Query], options: TrendOptions = TrendOptions()) throws -> [Trend] {
        Trend.aligned(try queries.map { try trend($0, options: options) })
    }

    /// The matches of `query` per day of `options.timeZone`, undated, and outside the window.
    func dayCounts(_ query: Query, options: TrendOptions) throws -> TrendCounts {
        var search = SearchOptions()
        search.now = options.now
        search.deadline = options.deadline
        let cache = QueryTerms(segmentCount: segments.count)
        let plan = try self.plan(query, options: search, cache: cache)
        let deadline = Deadline(options.deadline)
        try deadline.check()
        let lower = options.since.map { TrendCounts.seconds($0) } ?? Int64.min
        let upper = options.until.map { TrendCounts.seconds($0) } ?? Int64.max
        var counted = TrendCounts()
        guard mayMatch(plan) else { return counted }
        let clock = ZoneClock(options.timeZone)
        if options.stories {
            var collector = StoryTrendCollector(lower: lower, upper: upper)
            for seg in segments {
                try deadline.check()
                try evaluate(plan, in: seg, cache: cache, deadline: deadline, into: &collector)
            }
            collector.finish(clock: clock, into: &counted)
        } else {
            var collector = TrendCollector(lower: lower, upper: upper, clock: clock)
            for seg in segments {
                try deadline.check()
                try evaluate(plan, in: seg, cache: cache, deadline: deadline, into: &collector)
            }
            counted.days = collector.days
            counted.undated = collector.undated
            counted.outside = collector.outside
        }
        return counted
    }
}

extension Archive {
    /// Counts the documents (or stories) matching `query` per calendar interval over all the
    /// indexes, as one index of their articles would. With ``TrendOptions/stories``, copies
    /// are grouped within each index (copy groups are an index's own).
    ///
    /// - Throws: the errors of ``IndexReader/trend(_:options:)``.
    public func trend(_ query: Query, options: TrendOptions = TrendOptions()) throws -> Trend {
        var all = TrendCounts()
        for index in indexes {
            let c = try index.dayCounts(query, options: options)
            all.days.add(c.days)
            all.undated += c.undated
            all.outside += c.outside
        }
        return try TrendCounts.trend(all.days, undated: all.undated, outside: all.outside, options: options)
    }

    /// The trends of several queries over the same intervals (``Trend/aligned(_:)``).
    ///
    /// - Throws: the errors of ``trend(_:options:)``.
    public func trends(_ queries: [Query], options: TrendOptions = TrendOptions()) throws -> [Trend] {
        Trend.aligned(try queries.map { try trend($0, options: options) })
    }
}
