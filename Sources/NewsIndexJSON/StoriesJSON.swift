import NewsIndex

/// One article of a copy group in JSON: in a collapsed hit's `copies`, and one line per article
/// of `newsindex copies --json`.
public struct CopyJSON: Codable, Sendable, Equatable {
    /// The article's id.
    public var id: String
    /// Its headline.
    public var title: String
    /// The publication day (`YYYY-MM-DD`), or nil (`null`) when undated.
    @Nullable public var date: String?
    /// The publication time as written in the source (`null` when undated).
    @Nullable public var published: String?
    /// The source (site or outlet), or nil (`null`).
    @Nullable public var source: String?
    /// The URL, or nil (`null`).
    @Nullable public var url: String?
    /// Whether this is the article that was asked about (only in `newsindex copies`; absent otherwise).
    public var asked: Bool?

    /// The JSON form of a library copy.
    public init(_ copy: ArticleCopy, asked: Bool? = nil) {
        id = copy.id
        title = copy.title
        date = copy.date?.isoDay
        published = copy.date?.text
        source = copy.source
        url = copy.url
        self.asked = asked
    }
}

/// `newsindex copies ID --compare OTHER --json`: how two articles' copy signatures compare.
public struct CopyComparisonJSON: Codable, Sendable, Equatable {
    /// The shingles of each body.
    public var shingles: [Int]
    /// Bins with the same minimum, and bins compared.
    public var equalBins: Int, comparedBins: Int
    /// The estimates.
    public var jaccard: Double, sharedShingles: Double, containment: Double
    /// Whether the estimates make them copies, and whether the index groups them.
    public var copies: Bool, sameGroup: Bool

    enum CodingKeys: String, CodingKey {
        case shingles, equalBins = "equal_bins", comparedBins = "compared_bins", jaccard, sharedShingles = "shared_shingles",
             containment, copies, sameGroup = "same_group"
    }

    /// The JSON form of a library comparison.
    public init(_ c: CopyComparison) {
        shingles = [c.shingles.0, c.shingles.1]
        (equalBins, comparedBins) = (c.equalBins, c.comparedBins)
        (jaccard, sharedShingles, containment) = (c.jaccard, c.sharedShingles, c.containment)
        (copies, sameGroup) = (c.isCopy, c.sameGroup)
    }
}
