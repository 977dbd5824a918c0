import NewsIndex

/// A stored article, as `newsindex show --json` prints it.
public struct ArticleJSON: Codable, Sendable, Equatable {
    /// How often one entity is mentioned in the article.
    public struct Mentions: Codable, Sendable, Equatable {
        /// The entity's canonical name.
        public var name: String
        /// Mentions in the title and body.
        public var mentions: Int
    }

    /// The article's id.
    public var id: String
    /// The headline.
    public var title: String
    /// The author line, or nil (`null`).
    @Nullable public var byline: String?
    /// The publication day (`YYYY-MM-DD`), or nil (`null`).
    @Nullable public var date: String?
    /// The URL, or nil (`null`).
    @Nullable public var url: String?
    /// The source (site or outlet), or nil (`null`).
    @Nullable public var source: String?
    /// The recognized entities, most mentioned first.
    public var entities: [Mentions]
    /// The searchable text.
    public var body: String
    /// Page text kept out of the index, or nil (`null`).
    @Nullable public var setAside: String?

    enum CodingKeys: String, CodingKey {
        case id, title, byline, date, url, source, entities, body, setAside = "set_aside"
    }

    /// The JSON form of a stored article.
    public init(_ a: StoredArticle) {
        id = a.id
        title = a.title
        byline = a.byline
        date = a.date.map { ArticleDate(secondsSinceEpoch: $0, text: a.dateText ?? "").isoDay }
        url = a.url
        source = a.source
        entities = a.entities.map { Mentions(name: $0.name, mentions: $0.mentions) }
        body = a.body
        setAside = a.setAside
    }
}
