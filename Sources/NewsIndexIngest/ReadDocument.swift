import NewsIndex
import NewsIndexHTML

/// How ``ArticleInputs`` reads the documents of a file.
public struct ReadOptions: Sendable {
    /// How all-numeric dates such as `03/04/2022` are read.
    public var dateOrder: ArticleDate.Order = .mdy
    /// The most bytes one document may take (see ``ArticleInputs/maxDocumentBytes``).
    public var maxDocumentBytes = ArticleInputs.maxDocumentBytes
    /// Which JSON keys and CSV columns the article's fields come from.
    public var fields = FieldMapping()

    /// The defaults: US date order, documents up to ``ArticleInputs/maxDocumentBytes``.
    public init() {}
}

/// A document as a reader hands it over: its article (or why there is none), or a web page whose
/// article is still to be found. Finding it is the costly part of reading pages, so
/// ``IngestRun`` does it on every core while the reader goes on.
enum ReadDocument: Sendable {
    /// A document read to its end.
    case article(Result<Article, BadDocument>)
    /// A page to extract.
    case page(PendingPage)
    /// A record that is not an article and is not meant to be one (a WARC request, a redirect,
    /// an image): counted by what it is, not reported.
    case notArticle(String)

    /// The article, extracting a page here; an article without a source takes its URL's host.
    /// Nil for a record that is not an article.
    func article() -> Result<Article, BadDocument>? {
        switch self {
        case .article(let result): return result.map(ArticleInputs.withSource)
        case .page(let page): return page.extract().map(ArticleInputs.withSource)
        case .notArticle: return nil
        }
    }
}

/// The bytes of a web page and what is known of it outside the page, before its article is found.
struct PendingPage: Sendable {
    /// The page as it came (the HTTP body of a WARC record, the bytes of a file).
    var bytes: [UInt8]
    /// The id the article gets: the file name, or the WARC record's target URI.
    var id: String
    /// Where the page was found, when known (a WARC record's target URI).
    var url: String?
    /// The HTTP `Content-Type` header, for the page's charset.
    var contentType: String?
    /// The date to use when the page gives none (a WARC record's date).
    var fallbackDate: ArticleDate?
    /// How all-numeric dates are read.
    var dateOrder: ArticleDate.Order
    /// Where the page is, for a report.
    var location: DocumentLocation

    /// The page's article, or ``BadDocument/Reason/noBody`` when it holds no article text.
    func extract() -> Result<Article, BadDocument> {
        let page = bytes.withUnsafeBytes { WebPage(html: $0, url: url, contentType: contentType) }
        guard let article = PageArticle.article(page, id: id, fallbackDate: fallbackDate, dateOrder: dateOrder) else {
            return .failure(BadDocument(.noBody, at: location, "no article text found in the page"))
        }
        return .success(article)
    }
}
