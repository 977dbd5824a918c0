/// A web page read for its article: the article's text, the rest of the page's text, and what the
/// page says about the article (title, byline, dates, canonical URL, site, language).
///
/// ```swift
/// let page = bytes.withUnsafeBytes { WebPage(html: $0, url: "https://example.com/2022/12/30/story") }
/// page.title        // "Leaders hold video call"
/// page.paragraphs   // the article body, one entry per paragraph, heading, list item or quote
/// page.dates.first  // "2022-12-30T07:55:00Z" (best source first; see ``dates``)
/// ```
public struct WebPage: Sendable {
    /// The headline: og:title, the JSON-LD headline, the `<title>` or the first h1, without a
    /// trailing " – Site" part.
    public var title: String?
    /// The article body in reading order: paragraphs, headings, list items, block quotes and
    /// table rows, each one entry, whitespace collapsed.
    public var paragraphs: [String]
    /// The page's other text (navigation, related stories, comments, captions…), one entry per block.
    public var setAside: [String]
    /// The author line, from meta author, JSON-LD author, `rel=author`, or a "By …" line.
    public var byline: String?
    /// Texts that may give the publication date, best first: JSON-LD `datePublished`,
    /// `article:published_time` and other meta dates, `<time datetime>`, a date in the URL, the
    /// date in a "By …" line.
    /// The first that reads as a date is the article's.
    public var dates: [String]
    /// The date the page says the article was last modified, when it says (kept apart from the
    /// publication date).
    public var modified: String?
    /// The canonical URL (`link rel=canonical` or og:url, made absolute), else the URL the page
    /// was read from.
    public var url: String?
    /// The site or outlet: og:site_name or the JSON-LD publisher, else the URL's host.
    public var source: String?
    /// The page's language (`<html lang>`, Content-Language or og:locale), as the page writes it.
    public var language: String?

    /// The body as text: paragraphs separated by blank lines.
    public var body: String { paragraphs.joined(separator: "\n\n") }

    /// Reads the page in `html`.
    ///
    /// - Parameters:
    ///   - html: the page's bytes, in any encoding (see ``TextEncoding/detect(_:declared:)``).
    ///   - url: where the page came from (a WARC record's target, a crawl's list), used for
    ///     relative links, the date in the URL and the host as source.
    ///   - contentType: the HTTP `Content-Type` the page was served with, when known (its charset
    ///     wins over the page's own).
    public init(html: UnsafeRawBufferPointer, url: String? = nil, contentType: String? = nil) {
        let declared = contentType.flatMap(TextEncoding.charset(ofContentType:))
        if let repaired = TextEncoding.repairedUTF8(html, declared: declared) {
            self.init(tree: repaired.withUnsafeBytes { HTMLTree(parsing: $0, encoding: "UTF-8") }, url: url)
        } else {
            self.init(tree: HTMLTree(parsing: html, encoding: TextEncoding.detect(html, declared: declared)), url: url)
        }
    }

    /// Reads a parsed page.
    init(tree: HTMLTree, url: String?) {
        let meta = PageMetadata(tree, pageURL: url)
        let body = ArticleBody(tree, hint: meta.articleBody, title: meta.title)
        title = meta.title
        paragraphs = body.paragraphs
        setAside = body.setAside
        byline = meta.byline ?? body.byline
        dates = meta.dates + (body.bylineDate.map { [$0] } ?? [])
        modified = meta.modified
        self.url = meta.url
        source = meta.source
        language = meta.language
    }

    /// The text of an HTML fragment (a feed item's content or description), as paragraphs:
    /// markup removed, entities decoded, blocks one entry each.
    public static func paragraphs(ofFragment html: String) -> [String] {
        var bytes = Array("<html><body>".utf8)
        bytes += Array(html.utf8)
        bytes += Array("</body></html>".utf8)
        let tree = bytes.withUnsafeBytes { HTMLTree(parsing: $0, encoding: "UTF-8") }
        return ArticleBody.blocks(tree, under: 0, skipping: [Bool](repeating: false, count: tree.count)).map(\.text)
    }
}
