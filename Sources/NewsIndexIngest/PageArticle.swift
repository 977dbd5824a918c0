import NewsIndex
import NewsIndexHTML

/// Articles from web pages: the article that `WebPage` (NewsIndexHTML) finds, as an `Article` to index.
public enum PageArticle {
    /// The largest page read (bigger ones are bad documents): 32 MiB, far above any article page.
    public static let maxPageBytes = 32 << 20

    /// The article of a page whose body, title and metadata `page` holds.
    ///
    /// The date is the first of the page's `WebPage.dates` that `ArticleDate` reads, else
    /// `fallbackDate` (a WARC record's date); when the page gives dates and none reads, the
    /// article is undated with `Article.unreadableDate` set. The text the page holds besides
    /// the article is kept as `Article.setAside`.
    ///
    /// - Returns: nil when the page has no article text.
    public static func article(_ page: WebPage, id: String, fallbackDate: ArticleDate? = nil,
                               dateOrder: ArticleDate.Order = .mdy) -> Article? {
        let body = page.body
        guard !body.isEmpty else { return nil }
        var article = Article(id: id, title: page.title ?? "", body: body, url: page.url, byline: page.byline,
                              source: page.source, setAside: page.setAside.isEmpty ? nil : page.setAside.joined(separator: "\n"))
        article.date = page.dates.lazy.compactMap { ArticleDate(parsing: $0, order: dateOrder) }.first ?? fallbackDate
        if article.date == nil, let first = page.dates.first { article.unreadableDate = first }
        return article
    }

    /// The id of a page file: its file name without `.html`, `.htm` or `.xhtml` (and `.gz`).
    static func id(ofFile path: String) -> String {
        if path == "-" { return "stdin" }
        var name = path.split(separator: "/").last.map(String.init) ?? path
        if name.lowercased().hasSuffix(".gz") { name.removeLast(3) }
        for ext in [".html", ".htm", ".xhtml"] where name.lowercased().hasSuffix(ext) {
            name.removeLast(ext.count)
            break
        }
        return name
    }

    /// Whether `path` names a web page (`.html`, `.htm`, `.xhtml`, each also with `.gz`).
    static func isPage(_ path: String) -> Bool {
        var lower = path.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        return lower.hasSuffix(".html") || lower.hasSuffix(".htm") || lower.hasSuffix(".xhtml")
    }
}

extension ArticleInputs {
    /// The web page in `file`, to extract, or why it cannot be read.
    static func pageDocument(_ file: InputFile, options: ReadOptions,
                             _ body: (ReadDocument, _ inputBytes: Int, _ fileBytesRead: Int) throws -> Void) throws {
        let location = DocumentLocation(path: file.path)
        let source = try openSource(file)
        let limit = min(options.maxDocumentBytes, PageArticle.maxPageBytes)
        let (bytes, size) = try readAll(source, limit: limit)
        if size > limit {
            try body(.article(.failure(BadDocument(.tooLarge, at: location, "the page is \(sizeText(size)), over the limit of \(sizeText(limit)) for one document"))), size, source.consumed)
            return
        }
        let page = PendingPage(bytes: bytes, id: PageArticle.id(ofFile: file.path), url: nil, contentType: nil,
                               fallbackDate: nil, dateOrder: options.dateOrder, location: location)
        try body(.page(page), size, source.consumed)
    }
}

extension PageArticle {
    /// Reads the web page at `path` (gzip-compressed when it ends in `.gz`; `-` for standard input).
    ///
    /// - Parameters:
    ///   - path: the page's file.
    ///   - url: where the page came from, when known.
    /// - Throws: `NewsIndexError.Kind.inputNotFound` when it cannot be read,
    ///   `NewsIndexError.Kind.badInput` when it is larger than ``maxPageBytes`` or is damaged gzip data.
    public static func readPage(path: String, url: String? = nil) throws -> WebPage {
        let file = InputFile(path: path, kind: .html, size: 0, isGzip: ArticleInputs.isGzip(path))
        let source = try ArticleInputs.openSource(file)
        let (bytes, size) = try ArticleInputs.readAll(source, limit: maxPageBytes)
        guard size <= maxPageBytes else {
            throw NewsIndexError(.badInput, "\(path) is \(ArticleInputs.sizeText(size)), over the limit of \(ArticleInputs.sizeText(maxPageBytes)) for one page.")
        }
        return bytes.withUnsafeBytes { WebPage(html: $0, url: url) }
    }
}
