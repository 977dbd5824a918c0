/// What a page says about its article outside the text: title, byline, dates, canonical URL,
/// site name and language, from `<meta>` tags, `<link>` tags, JSON-LD and the markup.
struct PageMetadata {
    var title: String?
    var byline: String?
    /// Publication date texts, best source first (JSON-LD, meta tags, `<time>`, the URL).
    var dates: [String] = []
    var modified: String?
    var url: String?
    var source: String?
    var language: String?
    /// The JSON-LD `articleBody`, when the page gives one (a hint for finding the body).
    var articleBody: String?

    /// Reads the metadata of `tree`; `pageURL` is where the page came from, when known.
    init(_ tree: HTMLTree, pageURL: String?) {
        let meta = PageMetadata.metaTags(tree)
        let ld = LinkedData(tree)
        let h1 = tree.elements(named: "h1").lazy.map { tree.text($0) }.first { !$0.isEmpty }
        let titleTag = tree.elements(named: "title").first.map { tree.text($0) }
        let siteName = meta["og:site_name"] ?? ld.publisher ?? meta["application-name"]
        let rawTitle = meta["og:title"] ?? ld.headline ?? meta["twitter:title"] ?? titleTag ?? h1
        title = rawTitle.map { PageMetadata.withoutSiteSuffix($0, siteName: siteName, h1: h1) }.flatMap { $0.isEmpty ? nil : $0 }
        byline = PageMetadata.author(meta: meta, ld: ld, tree: tree)
        var candidates: [String?] = [ld.datePublished, meta["article:published_time"], meta["datepublished"],
                                     meta["og:published_time"], meta["publishdate"], meta["publish-date"],
                                     meta["pubdate"], meta["date"], meta["dc.date.issued"], meta["dc.date"],
                                     meta["dcterms.date"], meta["dcterms.created"], meta["sailthru.date"],
                                     meta["parsely-pub-date"], meta["article.published"], meta["datecreated"]]
        candidates += tree.elements(named: "time").prefix(3).map { tree.attribute($0, "datetime") }
        let link = PageMetadata.links(tree)
        url = PageMetadata.absolute(link["canonical"] ?? meta["og:url"], base: pageURL) ?? pageURL
        if let u = url ?? pageURL, let d = PageMetadata.dateInURL(u) { candidates.append(d) }
        dates = candidates.compactMap { $0.map(Whitespace.collapse) }.filter { !$0.isEmpty }
        modified = ld.dateModified ?? meta["article:modified_time"] ?? meta["og:updated_time"] ?? meta["datemodified"]
        source = siteName.map(Whitespace.collapse).flatMap { $0.isEmpty ? nil : $0 }
            ?? (url ?? pageURL).flatMap(PageMetadata.host)
        let lang = tree.elements(named: "html").first.flatMap { tree.attribute($0, "lang") }
            ?? meta["content-language"] ?? meta["og:locale"] ?? ld.language
        language = lang.map { Whitespace.collapse($0) }.flatMap { $0.isEmpty ? nil : $0 }
        articleBody = ld.articleBody
    }

    /// The `<meta>` tags by lower-cased `property`, `name`, `itemprop` or `http-equiv`
    /// (the first of each wins), values with whitespace collapsed.
    static func metaTags(_ tree: HTMLTree) -> [String: String] {
        var out: [String: String] = [:]
        for m in tree.elements(named: "meta") {
            guard let content = tree.attribute(m, "content").map(Whitespace.collapse), !content.isEmpty else { continue }
            for key in ["property", "name", "itemprop", "http-equiv"] {
                if let k = tree.attribute(m, key)?.lowercased(), out[k] == nil { out[k] = content }
            }
        }
        return out
    }

    /// `<link rel=… href=…>` by lower-cased rel.
    static func links(_ tree: HTMLTree) -> [String: String] {
        var out: [String: String] = [:]
        for l in tree.elements(named: "link") {
            guard let rel = tree.attribute(l, "rel")?.lowercased(), let href = tree.attribute(l, "href"), out[rel] == nil else { continue }
            out[rel] = Whitespace.collapse(href)
        }
        return out
    }

    /// The byline: meta author, JSON-LD author, `rel=author` or `itemprop=author` text, or a
    /// "By …" line; nil when none reads as a name (a URL is not a byline).
    static func author(meta: [String: String], ld: LinkedData, tree: HTMLTree) -> String? {
        var found: [String?] = [meta["author"], ld.author, meta["article:author"], meta["byl"], meta["dc.creator"],
                                meta["parsely-author"], meta["sailthru.author"]]
        for n in 1..<tree.count where !tree.isText(n) {
            if tree.attribute(n, "rel")?.lowercased() == "author" || tree.attribute(n, "itemprop") == "author" {
                found.append(tree.text(n))
                break
            }
        }
        for raw in found {
            guard var name = raw.map(Whitespace.collapse), !name.isEmpty, !name.contains("://") else { continue }
            if name.lowercased().hasPrefix("by ") { name = String(name.dropFirst(3)) }
            if name.count <= 120 { return name }
        }
        return nil
    }

    /// The title without a trailing " – Site", " | Site" or " - Site" part: dropped when it is
    /// the site's name, or when the part before it is the page's h1, or when it is short (at most
    /// four words) next to a longer headline.
    static func withoutSiteSuffix(_ raw: String, siteName: String?, h1: String?) -> String {
        let title = Whitespace.collapse(raw)
        if let h1, !h1.isEmpty, title.hasPrefix(h1), title.count > h1.count { return h1 }
        for sep in [" | ", " – ", " — ", " - ", " :: ", " · ", " // "] {
            guard let r = title.range(ofLast: sep) else { continue }
            let head = String(title[..<r.lowerBound]), tail = String(title[r.upperBound...])
            let tailWords = tail.split(separator: " ").count, headWords = head.split(separator: " ").count
            if let siteName, tail.lowercased() == siteName.lowercased() { return head }
            if tailWords <= 4 && headWords >= 3 && headWords > tailWords { return head }
        }
        return title
    }

    /// A date in the path of `url` (`/2022/12/30/`, `/2022-12-30/`, `/20221230/`), as ISO text.
    static func dateInURL(_ url: String) -> String? {
        let parts = url.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "_" || $0 == "." }).map(String.init)
        for (i, p) in parts.enumerated() {
            if p.count == 4, let y = Int(p), (1990...2100).contains(y), i + 2 < parts.count,
               let m = Int(parts[i + 1]), (1...12).contains(m), parts[i + 1].count <= 2,
               let d = Int(parts[i + 2]), (1...31).contains(d), parts[i + 2].count <= 2 {
                return "\(y)-\(pad(m))-\(pad(d))"
            }
            if p.count == 8, let v = Int(p), (19900101...21001231).contains(v), (1...12).contains(v / 100 % 100), (1...31).contains(v % 100) {
                return "\(v / 10000)-\(pad(v / 100 % 100))-\(pad(v % 100))"
            }
        }
        return nil
    }

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// The host of an absolute URL, lower-cased, without `www.`.
    static func host(_ url: String) -> String? {
        guard let r = url.range(ofFirst: "://") else { return nil }
        var host = url[r.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != ":" }.lowercased()
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        return host.isEmpty ? nil : host
    }

    /// `href` made absolute against `base` (scheme-relative, root-relative or relative paths).
    static func absolute(_ href: String?, base: String?) -> String? {
        guard let href, !href.isEmpty else { return nil }
        if href.contains("://") { return href }
        guard let base, let r = base.range(ofFirst: "://") else { return href.hasPrefix("//") ? "https:" + href : nil }
        let scheme = String(base[..<r.lowerBound])
        if href.hasPrefix("//") { return scheme + ":" + href }
        let afterScheme = base[r.upperBound...]
        let hostEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let origin = String(base[..<hostEnd])
        if href.hasPrefix("/") { return origin + href }
        let path = base[hostEnd...].prefix { $0 != "?" && $0 != "#" }
        let dir = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "/"
        return origin + dir + href
    }
}

extension String {
    /// The range of the last occurrence of `s`.
    func range(ofLast s: String) -> Range<String.Index>? {
        var found: Range<String.Index>?
        var from = startIndex
        while let r = self[from...].range(ofFirst: s) { found = r; from = index(after: r.lowerBound) }
        return found
    }

    /// The range of the first occurrence of `s`.
    func range(ofFirst s: String) -> Range<String.Index>? { self[...].range(ofFirst: s) }
}

extension Substring {
    /// The range of the first occurrence of `s`.
    func range(ofFirst s: String) -> Range<String.Index>? {
        guard let first = s.first else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i] == first, self[i...].hasPrefix(s) { return i..<index(i, offsetBy: s.count) }
            i = index(after: i)
        }
        return nil
    }
}
