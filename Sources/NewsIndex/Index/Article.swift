import NewsIndexQuery
/// One news article as ingested.
public struct Article: Sendable, Equatable {
    /// Unique id: the file name without extension for text files, the `id` field for JSON Lines.
    public var id: String
    /// The headline.
    public var title: String
    /// The searchable text.
    public var body: String
    /// Publication date, when known.
    public var date: ArticleDate?
    /// Where the article was published, when known.
    public var url: String?
    /// The author line ("Jared Gans"), when the page gives one.
    public var byline: String?
    /// The site or outlet ("BBC News", "bbc.co.uk"), when the input names one.
    public var source: String?
    /// Text of the page that is not the article (navigation, share buttons, lists of other
    /// stories): stored with the article, never searched.
    public var setAside: String?
    /// The date text the input gave that no known form reads (see ``ArticleDate``), when it gave
    /// one: the article is indexed without a date, and an ingest run warns about it. Not stored.
    public var unreadableDate: String?

    /// Creates an article.
    public init(id: String, title: String, body: String, date: ArticleDate? = nil, url: String? = nil,
                byline: String? = nil, source: String? = nil, setAside: String? = nil) {
        self.id = id
        self.title = title
        self.body = body
        self.date = date
        self.url = url
        self.byline = byline
        self.source = source
        self.setAside = setAside
    }
}

/// A publication date: seconds since the Unix epoch (UTC) and the text it was read from.
///
/// ```swift
/// ArticleDate(parsing: "Fri, 30 Dec 2022 07:55:00 +0000")?.isoDay   // "2022-12-30"
/// ArticleDate(parsing: "12/30/22 7:55 AM ET")?.secondsSinceEpoch    // 1672404900
/// ```
/// Accepted: ISO 8601 and RFC 3339 (`2022-12-30`, `2022-12-30T07:55:00Z`, with offsets and fractions,
/// or a space instead of `T`), RFC 822/850/1123/2822 with or without the weekday and with two- or
/// four-digit years (`Fri, 30 Dec 2022 07:55:00 +0000`, `30 Dec 22 07:55 GMT`), `30 Dec 2022`,
/// `December 30, 2022, 7:55 AM ET`, `2017/3/30`, `2017.03.30`, `30.12.2022`, `12/30/22` and
/// `30/12/2022` (see ``Order``), and Unix times of 9 or more digits (seconds, or milliseconds
/// from 10^11; see ``seconds(fromUnixTime:)``); each with an optional time and zone (numeric, `Z`,
/// or a name such as UT UTC GMT ET EST EDT CST CDT MST MDT PST PDT BST CET CEST; `ET` is taken as
/// EST, UTC−5). Dates without a zone are UTC; two-digit years 00–49 are 2000–2049, 50–99 1950–1999.
/// A date that does not exist (`2022-02-30`, month 13) is not read.
public struct ArticleDate: Sendable, Equatable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64
    /// The text the date was read from.
    public var text: String

    /// Creates a date from its epoch seconds and the text to display.
    public init(secondsSinceEpoch: Int64, text: String) {
        self.secondsSinceEpoch = secondsSinceEpoch
        self.text = text
    }

    /// The order of day and month in an all-numeric date such as `03/04/2022`.
    public enum Order: String, Sendable, CaseIterable {
        /// Month first (`03/04/2022` is March 4), unless the first number is over 12. The default.
        case mdy
        /// Day first (`03/04/2022` is 3 April), unless the second number is over 12.
        case dmy
    }

    /// Parses a date in ISO 8601 or a common news format; nil when `text` is not such a date, or
    /// names a day that does not exist (`2022-02-30`, month 13).
    ///
    /// - Parameters:
    ///   - text: the date as the input gives it.
    ///   - order: how to read `xx/yy/zzzz`; the other order is used when it alone gives a date.
    public init?(parsing text: String, order: Order = .mdy) {
        guard let s = DateParser.parse(text, dayFirst: order == .dmy) else { return nil }
        self.init(secondsSinceEpoch: s, text: text)
    }

    /// Seconds since the epoch of a Unix time given as a number: milliseconds when its magnitude
    /// is at least 10^11 (which as seconds would be after the year 5000), seconds otherwise.
    public static func seconds(fromUnixTime value: Int64) -> Int64 {
        value.magnitude >= 100_000_000_000 ? value / 1000 : value
    }

    /// The day in UTC as `YYYY-MM-DD`.
    public var isoDay: String {
        let days = Int64((Double(secondsSinceEpoch) / 86400).rounded(.down))
        let (y, m, d) = DateParser.civil(fromDays: days)
        func pad(_ v: Int, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// Orders by time.
    public static func < (a: ArticleDate, b: ArticleDate) -> Bool { a.secondsSinceEpoch < b.secondsSinceEpoch }
}
