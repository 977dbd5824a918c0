import NewsIndexHTML

/// What `newsindex extract --json` prints for one web page: the article and metadata found in it.
public struct PageJSON: Codable, Sendable, Equatable {
    /// The page's path as given.
    public var file: String
    /// The headline, without a site-name suffix.
    @Nullable public var title: String?
    /// The author line.
    @Nullable public var byline: String?
    /// The texts that may give the publication date, best first.
    public var dates: [String]
    /// The last-modified date the page states.
    @Nullable public var modified: String?
    /// The canonical URL.
    @Nullable public var url: String?
    /// The site or outlet.
    @Nullable public var source: String?
    /// The page's language.
    @Nullable public var language: String?
    /// The article body: paragraphs separated by blank lines.
    public var body: String
    /// The rest of the page's text, one block per line.
    public var setAside: String

    /// The JSON of `page`, read from `file`.
    public init(_ page: WebPage, file: String) {
        self.file = file
        title = page.title
        byline = page.byline
        dates = page.dates
        modified = page.modified
        url = page.url
        source = page.source
        language = page.language
        body = page.body
        setAside = page.setAside.joined(separator: "\n")
    }
}
