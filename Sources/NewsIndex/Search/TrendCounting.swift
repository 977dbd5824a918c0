import Foundation

// The counting under IndexReader.trend(_:options:): matches per local day (DayCounts,
// ZoneClock, the collectors), then buckets of the interval (TrendCounts).

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
