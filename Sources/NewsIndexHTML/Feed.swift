/// A news feed: RSS 0.9x and 2.0, RSS 1.0 (RDF), Atom 0.3 and 1.0, or JSON Feed 1.0 and 1.1.
///
/// ```swift
/// if let feed = Feed(parsing: bytes) {
///     for item in feed.items { print(item.title ?? "", item.link ?? "") }
/// }
/// ```
public struct Feed: Sendable {
    /// The feed's title (the channel's, or the Atom feed's).
    public var title: String?
    /// The feed's own link (its web site), absolute when the feed says so.
    public var link: String?
    /// The items, in the feed's order.
    public var items: [FeedItem]

    /// Reads `bytes` as a feed; nil when they are not one (not XML or JSON, or another kind of
    /// document, such as a sitemap or a web page).
    public init?(parsing bytes: UnsafeRawBufferPointer) {
        let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        if first == UInt8(ascii: "{") {
            guard let feed = FeedReader.jsonFeed(String(decoding: bytes, as: UTF8.self)) else { return nil }
            self = feed
            return
        }
        guard let tree = XMLTree(parsing: bytes), let feed = FeedReader.xmlFeed(tree) else { return nil }
        self = feed
    }

    init(title: String?, link: String?, items: [FeedItem]) {
        self.title = title
        self.link = link
        self.items = items
    }
}

/// One item of a feed.
public struct FeedItem: Sendable {
    /// The item's title, markup removed.
    public var title: String?
    /// The item's link, made absolute against `xml:base` or the feed's link.
    public var link: String?
    /// The item's id: its guid, Atom id or JSON Feed id; nil when it has none.
    public var id: String?
    /// The publication date as written (`pubDate`, `dc:date`, `published`, `issued`, `date_published`).
    public var published: String?
    /// The date of the last change as written (`updated`, `modified`, `date_modified`).
    public var updated: String?
    /// The author's name (`dc:creator`, `author`, Atom `author/name`, JSON Feed `authors`).
    public var author: String?
    /// The categories (`category`, `dc:subject`, JSON Feed `tags`).
    public var categories: [String]
    /// The richest content the item has, as paragraphs of text: `content:encoded`, Atom
    /// `content`, then `description` or `summary` (JSON Feed: `content_html`, `content_text`,
    /// `summary`); HTML in it is cleaned by the same code as pages.
    public var paragraphs: [String]
    /// The line where the item starts in an XML feed (0 in a JSON Feed).
    public var line: Int

    /// The paragraphs joined by blank lines.
    public var body: String { paragraphs.joined(separator: "\n\n") }
}

/// The feed formats' element names and namespaces.
enum FeedReader {
    static let atom = ["http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#"]
    static let rss1 = "http://purl.org/rss/1.0/"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let dc = ["http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/"]
    /// RSS elements in no namespace, or in RSS 1.0's (some feeds mix them).
    static let plain = ["", "http://purl.org/rss/1.0/", "http://backend.userland.com/rss2", "http://my.netscape.com/rdf/simple/0.9/"]

    /// The feed in an XML tree: RSS (`rss/channel/item`), RSS 1.0 (`rdf:RDF` with `channel` and
    /// `item`), Atom (`feed/entry`); nil for another document.
    static func xmlFeed(_ tree: XMLTree) -> Feed? {
        let root = tree.root
        switch root.name.lowercased() {
        case "rss":
            guard let channel = tree.children(0, "channel").first else { return Feed(title: nil, link: nil, items: []) }
            let link = tree.childText(channel, "link", in: plain)
            // Items anywhere below: a broken tag can leave the items after it nested in it.
            let items = tree.descendants(0, "item", in: plain)
            return Feed(title: tree.childText(channel, "title", in: plain).map(plainText), link: link,
                        items: items.map { rssItem(tree, $0, base: tree.base($0, documentBase: link)) })
        case "rdf":
            let channel = tree.children(0, "channel").first
            let link = channel.flatMap { tree.childText($0, "link") }
            return Feed(title: channel.flatMap { tree.childText($0, "title") }.map(plainText), link: link,
                        items: tree.children(0, "item").map { rssItem(tree, $0, base: tree.base($0, documentBase: link)) })
        case "feed" where atom.contains(root.namespace) || root.namespace.isEmpty:
            let link = atomLink(tree, 0, base: tree.base(0, documentBase: nil))
            return Feed(title: tree.childText(0, "title", in: atom + [""]).map(plainText), link: link,
                        items: tree.children(0, "entry").map { atomEntry(tree, $0, feedLink: link) })
        default:
            return nil
        }
    }

    static func rssItem(_ tree: XMLTree, _ n: Int, base: String?) -> FeedItem {
        let link = tree.childText(n, "link", in: plain).flatMap { PageMetadata.absolute($0, base: base) ?? $0 }
        let guid = tree.childText(n, "guid", in: plain) ?? tree.attribute(n, "rdf:about")
        let html = tree.childText(n, "encoded", in: [content]) ?? tree.childText(n, "description", in: plain)
            ?? tree.childText(n, "summary", in: plain)
        let author = tree.childText(n, "creator", in: dc) ?? tree.childText(n, "author", in: plain)
        let categories = (tree.children(n, "category", in: plain) + tree.children(n, "subject", in: dc))
            .map { Whitespace.collapse(tree.elements[$0].text) }.filter { !$0.isEmpty }
        return FeedItem(title: tree.childText(n, "title", in: plain).map(plainText), link: link, id: guid,
                        published: tree.childText(n, "pubDate", in: plain) ?? tree.childText(n, "date", in: dc),
                        updated: tree.childText(n, "modified", in: dc), author: author, categories: categories,
                        paragraphs: html.map(WebPage.paragraphs(ofFragment:)) ?? [], line: tree.elements[n].line)
    }

    static func atomEntry(_ tree: XMLTree, _ n: Int, feedLink: String?) -> FeedItem {
        let base = tree.base(n, documentBase: feedLink)
        var html: String?
        for name in ["content", "summary"] {
            guard let c = tree.children(n, name, in: atom + [""]).first else { continue }
            let type = tree.attribute(c, "type")?.lowercased() ?? "text"
            let text: String
            if type == "xhtml" {
                text = tree.innerMarkup(c)
            } else if type == "html" || type == "text/html" || type.hasSuffix("+xml") || tree.attribute(c, "mode") == "escaped" {
                text = tree.elements[c].text
            } else {
                text = "<p>" + escape(tree.elements[c].text).replacingNewlines() + "</p>"
            }
            if !Whitespace.collapse(text).isEmpty { html = text; break }
        }
        let authorNode = tree.children(n, "author", in: atom + [""]).first
        let categories = tree.children(n, "category", in: atom + [""]).compactMap { tree.attribute($0, "term") ?? tree.attribute($0, "label") }
        return FeedItem(title: tree.childText(n, "title", in: atom + [""]).map(plainText), link: atomLink(tree, n, base: base),
                        id: tree.childText(n, "id", in: atom + [""]),
                        published: tree.childText(n, "published", in: atom) ?? tree.childText(n, "issued", in: atom)
                            ?? tree.childText(n, "created", in: atom) ?? tree.childText(n, "date", in: dc),
                        updated: tree.childText(n, "updated", in: atom) ?? tree.childText(n, "modified", in: atom),
                        author: authorNode.flatMap { tree.childText($0, "name") } ?? tree.childText(n, "creator", in: dc),
                        categories: categories, paragraphs: html.map(WebPage.paragraphs(ofFragment:)) ?? [], line: tree.elements[n].line)
    }

    /// An Atom element's `link` with `rel="alternate"` or no `rel`, made absolute.
    static func atomLink(_ tree: XMLTree, _ n: Int, base: String?) -> String? {
        let links = tree.children(n, "link", in: atom + [""])
        let best = links.first { (tree.attribute($0, "rel") ?? "alternate") == "alternate" && tree.attribute($0, "href") != nil }
        guard let href = best.flatMap({ tree.attribute($0, "href") }) else { return nil }
        return PageMetadata.absolute(href, base: base) ?? href
    }

    /// A JSON Feed; nil when the text is not one.
    static func jsonFeed(_ text: String) -> Feed? {
        guard let json = JSONValue.parse(text), json["version"]?.text?.contains("jsonfeed") == true,
              case .array(let entries)? = json["items"] else { return nil }
        let home = json["home_page_url"]?.text
        let items = entries.map { e -> FeedItem in
            let html = e["content_html"]?.text
            let plainContent = e["content_text"]?.text ?? e["summary"]?.text
            let paragraphs = html.map(WebPage.paragraphs(ofFragment:))
                ?? plainContent.map { $0.split(whereSeparator: \.isNewline).map { Whitespace.collapse(String($0)) }.filter { !$0.isEmpty } } ?? []
            var author: String?
            if case .array(let authors)? = e["authors"] {
                let names = authors.compactMap { $0["name"]?.text }
                author = names.isEmpty ? nil : names.joined(separator: ", ")
            }
            author = author ?? e["author"]?["name"]?.text ?? json["author"]?["name"]?.text
            var tags: [String] = []
            if case .array(let t)? = e["tags"] { tags = t.compactMap(\.text) }
            return FeedItem(title: e["title"]?.text.map(plainText), link: (e["url"]?.text).map { PageMetadata.absolute($0, base: home) ?? $0 },
                            id: e["id"]?.text, published: e["date_published"]?.text, updated: e["date_modified"]?.text,
                            author: author, categories: tags, paragraphs: paragraphs, line: 0)
        }
        return Feed(title: json["title"]?.text, link: home, items: items)
    }

    /// A title's text: entities and markup some feeds leave in titles removed.
    static func plainText(_ s: String) -> String {
        guard s.contains("<") || s.contains("&") else { return s }
        return WebPage.paragraphs(ofFragment: s).joined(separator: " ")
    }

    /// `s` with `&`, `<` and `>` escaped, for text put into markup.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }
}

extension String {
    /// Blank lines made paragraph breaks (`</p><p>`), for plain text put into markup.
    func replacingNewlines() -> String {
        var out = ""
        var newlines = 0
        for c in self {
            if c == "\n" { newlines += 1; continue }
            if newlines >= 2 { out += "</p><p>" } else if newlines == 1 { out += " " }
            newlines = 0
            out.append(c)
        }
        return out
    }
}
