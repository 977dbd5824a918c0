/// The timings of one query, as `newsindex bench` prints them (one object per line).
public struct BenchLineJSON: Codable, Sendable, Equatable {
    /// The query as given.
    public var query: String
    /// Documents that matched (a lower bound unless all matches were counted).
    public var hits: Int
    /// The median time of one search, in milliseconds (4 decimals).
    public var medianMs: Double
    /// The 10th percentile, in milliseconds.
    public var p10Ms: Double
    /// The 90th percentile, in milliseconds.
    public var p90Ms: Double
    /// The ids of the hits, best first, when asked for (`bench --show-ids`); nil otherwise.
    public var ids: [String]? = nil

    enum CodingKeys: String, CodingKey {
        case query, hits, medianMs = "median_ms", p10Ms = "p10_ms", p90Ms = "p90_ms", ids
    }

    /// The line for `query` from the times of its runs in milliseconds (at least one; any order).
    public init(query: String, hits: Int, milliseconds: [Double]) {
        let times = milliseconds.sorted()
        // Nearest rank, rounded to 4 decimals: the figures the tool has always printed.
        func at(_ p: Double) -> Double {
            let t = times[min(times.count - 1, Int((Double(times.count - 1) * p).rounded()))]
            return (t * 10_000).rounded() / 10_000
        }
        self.query = query
        self.hits = hits
        medianMs = at(0.5)
        p10Ms = at(0.1)
        p90Ms = at(0.9)
    }
}
