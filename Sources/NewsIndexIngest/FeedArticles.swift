import NewsIndex
import NewsIndexHTML

/// Reads the articles of news feeds: RSS 0.9x, 2.0 and 1.0 (RDF), Atom 0.3 and 1.0, and JSON
/// Feed, one article per item (see `Feed` in NewsIndexHTML).
///
/// An item's id is its guid (Atom and JSON Feed: its id), else its link, else `NAME:N` (the
/// file name and the item's number); its date is the published date, else the updated one
/// (one that no form reads leaves it undated, with a warning); its source is the feed's title,
/// else the host of the feed's link. An item without text is a bad document at its line. A
/// file that is not a feed is one bad document.
enum FeedArticles {
    /// Reads the feed in `file`, handing over each item's article.
    static func read(_ file: InputFile, options: ReadOptions,
                     _ body: (ReadDocument, _ location: DocumentLocation, _ inputBytes: Int, _ fileBytesRead: Int) throws -> Void) throws {
        let fileLocation = DocumentLocation(path: file.path)
        let source = try ArticleInputs.openSource(file)
        let (bytes, size) = try ArticleInputs.readAll(source, limit: options.maxDocumentBytes)
        guard size <= options.maxDocumentBytes else {
            try body(.article(.failure(BadDocument(.tooLarge, at: fileLocation, "the feed is \(ArticleInputs.sizeText(size)), over the limit of \(ArticleInputs.sizeText(options.maxDocumentBytes)) for one file"))), fileLocation, size, source.consumed)
            return
        }
        guard let feed = bytes.withUnsafeBytes({ Feed(parsing: $0) }) else {
            try body(.article(.failure(BadDocument(.notAFeed, at: fileLocation, "not a feed: no RSS channel, Atom feed or JSON Feed in the file"))), fileLocation, size, source.consumed)
            return
        }
        let stem = ArticleInputs.stem(of: file)
        let feedSource = feed.title ?? feed.link.flatMap(SourceName.host(ofURL:))
        let share = feed.items.isEmpty ? 0 : size / feed.items.count
        for (k, item) in feed.items.enumerated() {
            let location = DocumentLocation(path: file.path, line: item.line > 0 ? item.line : nil)
            try body(.article(article(item, number: k + 1, stem: stem, source: feedSource, location: location, order: options.dateOrder)),
                     location, share, source.consumed)
        }
    }

    /// The article of one item, or why there is none.
    static func article(_ item: FeedItem, number: Int, stem: String, source: String?, location: DocumentLocation,
                        order: ArticleDate.Order) -> Result<Article, BadDocument> {
        let id = item.id ?? item.link ?? "\(stem):\(number)"
        guard !item.paragraphs.isEmpty else {
            return .failure(BadDocument(.noBody, at: location, "item \(number) (\"\(item.title ?? id)\") has no text: no content, description or summary"))
        }
        var article = Article(id: id, title: item.title ?? "", body: item.body, url: item.link, byline: item.author, source: source)
        if let text = item.published ?? item.updated {
            if let date = ArticleDate(parsing: text, order: order) { article.date = date } else { article.unreadableDate = text }
        }
        return .success(article)
    }

    /// Whether a file named `path` is a feed by its name: `.rss`, `.atom`, `.rdf` (each also `.gz`).
    static func isFeed(_ lower: String) -> Bool {
        lower.hasSuffix(".rss") || lower.hasSuffix(".atom") || lower.hasSuffix(".rdf")
    }
}
