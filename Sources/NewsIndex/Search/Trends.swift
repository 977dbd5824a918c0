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

/// Days since the epoch of the moment `seconds` since the epoch (rounded down).
@inline(__always)
func floorDays(_ seconds: Int64) -> Int64 {
    seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
}

/// What one index counted for a trend, before bucketing.
struct TrendCounts {
    var days = DayCounts()
    var undated = 0
    var outside = 0

    /// Whole seconds since the epoch of `date` (rounded down).
    static func seconds(_ date: Date) -> Int64 {
        let t = date.timeIntervalSince1970.rounded(.down)
        return t >= 9.2e18 ? Int64.max : t <= -9.2e18 ? Int64.min : Int64(t)
    }

    /// The buckets of `days` by the options' interval, over the window or the days counted.
    static func trend(_ days: DayCounts, undated: Int, outside: Int, options: TrendOptions) throws -> Trend {
        let interval = options.interval
        let counted = days.sorted()
        let clock = ZoneClock(options.timeZone)
        var first = counted.first?.day, last = counted.last?.day
        if let since = options.since { first = clock.localDay(TrendCounts.seconds(since)) }
        if let until = options.until { last = clock.localDay(TrendCounts.seconds(until) - 1) }
        if first == nil { first = last }
        if last == nil { last = first }
        var buckets: [Trend.Bucket] = []
        if let first, let last, first <= last {
            var start = interval.start(of: first)
            var i = 0
            while start <= last {
                if buckets.count >= options.maxBuckets {
                    throw NewsIndexError(.badQuery, "counting by \(interval.rawValue) from \(DateHistogram.isoDay(first)) to \(DateHistogram.isoDay(last)) takes more than \(options.maxBuckets) intervals: count by a longer interval or over a shorter window.")
                }
                let end = interval.next(after: start)
                var n = 0
                while i < counted.count && counted[i].day < end {
                    n += counted[i].count
                    i += 1
                }
                buckets.append(Trend.Bucket(start: start, end: end, count: n))
                start = end
            }
        }
        return Trend(interval: interval, timeZone: options.timeZone, stories: options.stories, buckets: buckets,
                     undated: undated, outside: outside)
    }
}

/// Counts per day number without a dictionary in the common case: a dense array over a window
/// of days that grows as days arrive (up to ``span`` days), and a dictionary for days farther out.
struct DayCounts {
    private var first: Int64 = 0
    private var counts: [Int] = []
    private var far: [Int64: Int] = [:]
    /// The most days the array spans (about 360 years).
    static let span = 1 << 17

    @inline(__always)
    mutating func add(_ day: Int64, _ n: Int = 1) {
        let i = day &- first
        if i >= 0 && i < Int64(counts.count) {
            counts[Int(i)] += n
        } else {
            addOutside(day, n)
        }
    }

    /// Adds the counts of `other`.
    mutating func add(_ other: DayCounts) {
        for d in other.sorted() { add(d.day, d.count) }
    }

    private mutating func addOutside(_ day: Int64, _ n: Int) {
        if counts.isEmpty {
            first = day - 31
            counts = [Int](repeating: 0, count: 366)
            counts[31] = n
            return
        }
        let last = first + Int64(counts.count) - 1
        let newFirst = min(first, day), newLast = max(last, day)
        guard newLast - newFirst < Int64(DayCounts.span) else {
            far[day, default: 0] += n
            return
        }
        // Grow with headroom in the direction of the new day, within the span.
        let headroom = Int64(counts.count)
        if day < first {
            let lo = max(newLast - Int64(DayCounts.span) + 1, day - headroom)
            counts.insert(contentsOf: repeatElement(0, count: Int(first - lo)), at: 0)
            first = lo
        } else {
            let hi = min(newFirst + Int64(DayCounts.span) - 1, day + headroom)
            counts.append(contentsOf: repeatElement(0, count: Int(hi - last)))
        }
        counts[Int(day - first)] += n
    }

    /// The days with counts, in time order.
    func sorted() -> [(day: Int64, count: Int)] {
        var out: [(day: Int64, count: Int)] = []
        for (i, c) in counts.enumerated() where c != 0 { out.append((first + Int64(i), c)) }
        if !far.isEmpty {
            out += far.map { ($0.key, $0.value) }
            out.sort { $0.day < $1.day }
        }
        return out
    }
}

/// The local day of a moment in a time zone, fast: a zone of one fixed offset adds it; any
/// other zone looks its offset up once per UTC day (cached in an array over a window of days),
/// and only on a day when the offset changes (a daylight-saving switch) computes it per moment.
struct ZoneClock {
    let zone: TimeZone
    /// The offset of a zone that has only one.
    private let fixed: Int64?
    private var first: Int64 = 0
    /// Per UTC day from `first`: the offset in seconds that holds all day, ``unknown``, or ``varies``.
    private var offsets: [Int32] = []
    private static let unknown = Int32.min, varies = Int32.min + 1
    private static let window = 1 << 16

    init(_ zone: TimeZone) {
        self.zone = zone
        let id = zone.identifier
        fixed = id == "UTC" || id == "GMT" || id.hasPrefix("GMT+") || id.hasPrefix("GMT-") ? Int64(zone.secondsFromGMT()) : nil
    }

    /// The day number (days since 1970-01-01 of the zone's calendar) of the moment `seconds`.
    @inline(__always)
    func localDay(_ seconds: Int64) -> Int64 {
        if let fixed { return floorDays(seconds &+ fixed) }
        return floorDays(seconds &+ ZoneClock.offset(zone, seconds))
    }

    /// The same, caching the offset per UTC day.
    @inline(__always)
    mutating func cachedLocalDay(_ seconds: Int64) -> Int64 {
        if let fixed { return floorDays(seconds &+ fixed) }
        let day = floorDays(seconds)
        let i = day &- first
        if i >= 0 && i < Int64(offsets.count) {
            let o = offsets[Int(i)]
            if o > ZoneClock.varies { return floorDays(seconds &+ Int64(o)) }
        }
        return floorDays(seconds &+ slowOffset(day: day, seconds: seconds))
    }

    private mutating func slowOffset(day: Int64, seconds: Int64) -> Int64 {
        if offsets.isEmpty {
            first = day - Int64(ZoneClock.window / 2)
            offsets = [Int32](repeating: ZoneClock.unknown, count: ZoneClock.window)
        }
        let i = day - first
        guard i >= 0 && i < Int64(offsets.count) else { return ZoneClock.offset(zone, seconds) }
        if offsets[Int(i)] == ZoneClock.unknown {
            let a = ZoneClock.offset(zone, day * 86400), b = ZoneClock.offset(zone, day * 86400 + 86399)
            offsets[Int(i)] = a == b ? Int32(a) : ZoneClock.varies
        }
        let o = offsets[Int(i)]
        return o == ZoneClock.varies ? ZoneClock.offset(zone, seconds) : Int64(o)
    }

    /// The zone's offset from UTC in seconds at the moment `seconds`.
    static func offset(_ zone: TimeZone, _ seconds: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    /// The moment (seconds since the epoch) of the midnight that starts local day `day` in
    /// `zone`; where that midnight does not exist (a switch at midnight), the first moment of the day.
    static func midnight(ofDay day: Int64, in zone: TimeZone) -> Int64 {
        let utc = day * 86400
        var t = utc - offset(zone, utc)
        t = utc - offset(zone, t)
        // A day whose midnight was skipped starts at the switch: step back to the first moment of the day.
        if floorDays(t + offset(zone, t)) > day { t -= 3600 }
        while floorDays(t - 1 + offset(zone, t - 1)) == day { t -= 60 * 15 }
        while floorDays(t + offset(zone, t)) < day { t += 60 }
        return t
    }
}

/// Counts the matches per local day: the collector of a document trend.
struct TrendCollector: Collector {
    let lower: Int64, upper: Int64
    var clock: ZoneClock
    private(set) var days = DayCounts()
    private(set) var undated = 0
    private(set) var outside = 0
    private var segment: SegmentReader?

    init(lower: Int64, upper: Int64, clock: ZoneClock) {
        self.lower = lower
        self.upper = upper
        self.clock = clock
    }

    var needsScores: Bool { false }
    mutating func begin(_ seg: SegmentReader) throws { segment = seg }
    @inline(__always) mutating func collect(doc: Int32, score: Float) {
        guard let t = segment.unsafelyUnwrapped.date(Int(doc)) else {
            undated += 1
            return
        }
        guard t >= lower && t < upper else {
            outside += 1
            return
        }
        days.add(clock.cachedLocalDay(t))
    }
    mutating func end(_ seg: SegmentReader) throws { segment = nil }
}

/// Keeps, per story (copy group), the date of its earliest matching member in the window:
/// the collector of a story trend.
struct StoryTrendCollector: Collector {
    let lower: Int64, upper: Int64
    /// Per copy group: the earliest date of a matching member in the window, ``undatedOnly``
    /// while its members have no date, ``outsideOnly`` while all are dated outside the window.
    private var earliest: [UInt64: Int64] = [:]
    private static let undatedOnly = Int64.max, outsideOnly = Int64.max - 1
    private var segment: SegmentReader?

    init(lower: Int64, upper: Int64) {
        self.lower = lower
        self.upper = upper
    }

    var needsScores: Bool { false }
    mutating func begin(_ seg: SegmentReader) throws { segment = seg }
    mutating func collect(doc: Int32, score: Float) {
        let seg = segment.unsafelyUnwrapped
        let group = seg.groupID(Int(doc))
        let value: Int64
        if let t = seg.date(Int(doc)) {
            value = t >= lower && t < upper ? min(t, StoryTrendCollector.outsideOnly - 1) : StoryTrendCollector.outsideOnly
        } else {
            value = StoryTrendCollector.undatedOnly
        }
        // A dated member in the window beats every other kind; among them the earliest wins.
        // A member outside the window beats an undated one (the story is dated, not here).
        if let old = earliest[group] {
            if value < old { earliest[group] = value }
        } else {
            earliest[group] = value
        }
    }
    mutating func end(_ seg: SegmentReader) throws { segment = nil }

    /// Each story once: in the day of its earliest member, as undated, or as outside.
    func finish(clock: ZoneClock, into counted: inout TrendCounts) {
        var clock = clock
        for (_, t) in earliest {
            switch t {
            case StoryTrendCollector.undatedOnly: counted.undated += 1
            case StoryTrendCollector.outsideOnly: counted.outside += 1
            default: counted.days.add(clock.cachedLocalDay(t))
            }
        }
    }
}
