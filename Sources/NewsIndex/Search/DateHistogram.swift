import NewsIndexQuery

/// How many documents were published on each day (UTC): the date facet of a search
/// (``SearchOptions/dateFacets``), which ``buckets(by:)`` groups into weeks, months or years.
///
/// ```swift
/// var options = SearchOptions()
/// options.dateFacets = true
/// let dates = try index.search(Query.parse("flood"), options: options).dates!
/// for b in dates.buckets(by: .month) { print(DateHistogram.isoDay(b.start), b.count) }
/// ```
public struct DateHistogram: Sendable, Equatable {
    /// The documents of one day.
    public struct Day: Sendable, Equatable {
        /// Days since 1970-01-01 (UTC).
        public var day: Int64
        /// Documents published that day.
        public var count: Int
        /// Creates a day's count.
        public init(day: Int64, count: Int) {
            self.day = day
            self.count = count
        }
    }

    /// A calendar interval of UTC days. Weeks start on Monday (ISO 8601).
    public enum Interval: String, Sendable, CaseIterable, Comparable {
        /// One day.
        case day
        /// Monday to Sunday.
        case week
        /// A calendar month.
        case month
        /// A calendar year.
        case year

        /// The interval that shows a span of days best: days up to two months, weeks up to
        /// a year and a half, months up to ten years, years beyond.
        public static func automatic(first: Int64, last: Int64) -> Interval {
            let span = last - first
            return span <= 62 ? .day : span <= 548 ? .week : span <= 3653 ? .month : .year
        }

        /// Orders from the shortest interval to the longest.
        public static func < (a: Interval, b: Interval) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }

        /// The first day of the interval that holds `day`.
        public func start(of day: Int64) -> Int64 {
            switch self {
            case .day: return day
            case .week: return day - (((day + 3) % 7) + 7) % 7   // 1970-01-01 was a Thursday
            case .month:
                let (y, m, _) = DateParser.civil(fromDays: day)
                return DateParser.days(year: y, month: m, day: 1)
            case .year: return DateParser.days(year: DateParser.civil(fromDays: day).0, month: 1, day: 1)
            }
        }

        /// The first day of the interval after the one that starts on `start`.
        public func next(after start: Int64) -> Int64 {
            switch self {
            case .day: return start + 1
            case .week: return start + 7
            case .month:
                let (y, m, _) = DateParser.civil(fromDays: start)
                return m == 12 ? DateParser.days(year: y + 1, month: 1, day: 1) : DateParser.days(year: y, month: m + 1, day: 1)
            case .year: return DateParser.days(year: DateParser.civil(fromDays: start).0 + 1, month: 1, day: 1)
            }
        }
    }

    /// The documents of one interval.
    public struct Bucket: Sendable, Equatable {
        /// The interval's first day (days since 1970-01-01).
        public var start: Int64
        /// The day after its last day.
        public var end: Int64
        /// Documents published in it.
        public var count: Int
    }

    /// The days that have documents, in time order.
    public private(set) var days: [Day]
    /// Documents without a date.
    public private(set) var undated: Int

    /// A histogram of these day counts (in any order; counts of the same day add up).
    public init(days: [Day], undated: Int = 0) {
        var merged: [Day] = []
        for d in days.sorted(by: { $0.day < $1.day }) {
            if let last = merged.last, last.day == d.day { merged[merged.count - 1].count += d.count } else { merged.append(d) }
        }
        self.days = merged
        self.undated = undated
    }

    /// The counts of both histograms (of two indexes searched as one).
    public func adding(_ other: DateHistogram) -> DateHistogram {
        DateHistogram(days: days + other.days, undated: undated + other.undated)
    }

    /// Dated documents in all.
    public var datedCount: Int { days.reduce(0) { $0 + $1.count } }

    /// The counts per `interval`, from the interval of the first dated document to that of the
    /// last, every interval between included (empty ones with 0), in time order. Empty when
    /// no document has a date.
    public func buckets(by interval: Interval) -> [Bucket] {
        guard let first = days.first?.day, let last = days.last?.day else { return [] }
        var out: [Bucket] = []
        var start = interval.start(of: first)
        var i = 0
        while start <= last {
            let end = interval.next(after: start)
            var n = 0
            while i < days.count && days[i].day < end {
                n += days[i].count
                i += 1
            }
            out.append(Bucket(start: start, end: end, count: n))
            start = end
        }
        return out
    }

    /// How many buckets ``buckets(by:)`` gives for `interval`, without making them.
    public func bucketCount(by interval: Interval) -> Int {
        guard let first = days.first?.day, let last = days.last?.day else { return 0 }
        switch interval {
        case .day: return Int(last - first + 1)
        case .week: return Int((interval.start(of: last) - interval.start(of: first)) / 7 + 1)
        case .month:
            let (y0, m0, _) = DateParser.civil(fromDays: first), (y1, m1, _) = DateParser.civil(fromDays: last)
            return (y1 - y0) * 12 + (m1 - m0) + 1
        case .year: return DateParser.civil(fromDays: last).0 - DateParser.civil(fromDays: first).0 + 1
        }
    }

    /// A day number as `YYYY-MM-DD`.
    public static func isoDay(_ day: Int64) -> String {
        ArticleDate(secondsSinceEpoch: day * 86400, text: "").isoDay
    }
}
