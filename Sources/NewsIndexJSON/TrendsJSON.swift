import NewsIndex

/// `newsindex trends --json` (and the server's `/api/trends`): the counts per interval of one or
/// more queries, over the same intervals.
public struct TrendsJSON: Codable, Sendable, Equatable {
    /// One query's counts.
    public struct Series: Codable, Sendable, Equatable {
        /// The query as given.
        public var query: String
        /// Matches counted (dated in the window, and undated).
        public var total: Int
        /// Matches without a date (in no bucket).
        public var undated: Int
        /// Matches dated outside `since`/`until`.
        public var outside: Int
        /// The counts per interval, in time order, empty intervals included.
        public var buckets: [Bucket]
    }

    /// One interval's count.
    public struct Bucket: Codable, Sendable, Equatable {
        /// The interval's first day, `YYYY-MM-DD` in the time zone.
        public var start: String
        /// Matching articles (or stories).
        public var count: Int
    }

    /// `day`, `week` (Monday to Sunday), `month` or `year`.
    public var interval: String
    /// The time zone of the calendar (`UTC`, `+05:30`, `Europe/Berlin`).
    public var timeZone: String
    /// Whether the counts are of stories (copy groups) rather than articles.
    public var stories: Bool
    /// One series per query, in the order given.
    public var queries: [Series]

    enum CodingKeys: String, CodingKey {
        case interval, timeZone = "time_zone", stories, queries
    }

    /// The JSON form of aligned library trends of `queries`.
    public init(_ trends: [Trend], queries: [String]) {
        interval = trends.first?.interval.rawValue ?? "month"
        timeZone = trends.first.map { TrendOptions.name(of: $0.timeZone) } ?? "UTC"
        stories = trends.first?.stories ?? false
        self.queries = zip(trends, queries).map { t, q in
            Series(query: q, total: t.total, undated: t.undated, outside: t.outside,
                   buckets: t.buckets.map { Bucket(start: $0.startDay, count: $0.count) })
        }
    }
}
