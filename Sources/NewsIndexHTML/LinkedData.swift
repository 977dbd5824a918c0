/// The article facts of a page's JSON-LD (`<script type="application/ld+json">`): of the first
/// object whose `@type` is an article type (NewsArticle, Article, BlogPosting, …), else of the
/// first object with a headline; `@graph` lists and arrays are searched.
struct LinkedData {
    var headline: String?
    var datePublished: String?
    var dateModified: String?
    var author: String?
    var publisher: String?
    var language: String?
    var articleBody: String?

    static let articleTypes: Set<String> = ["newsarticle", "article", "blogposting", "reportagenewsarticle",
                                            "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle",
                                            "reviewnewsarticle", "liveblogposting", "scholarlyarticle", "techarticle",
                                            "socialmediaposting", "report", "posting"]

    init(_ tree: HTMLTree) {
        var objects: [JSONValue] = []
        for s in tree.elements(named: "script") where tree.attribute(s, "type")?.lowercased().contains("ld+json") == true {
            var text = ""
            for c in tree.children(s) where tree.isText(c) { text += tree.ownText(c) }
            if let v = JSONValue.parse(text) { LinkedData.collect(v, into: &objects, depth: 0) }
        }
        let article = objects.first { LinkedData.types($0).contains { LinkedData.articleTypes.contains($0) } }
            ?? objects.first { $0["headline"]?.text != nil }
        guard let a = article else { return }
        headline = a["headline"]?.text ?? a["name"]?.text
        datePublished = a["datePublished"]?.text ?? a["dateCreated"]?.text
        dateModified = a["dateModified"]?.text
        author = LinkedData.names(a["author"]).first { !$0.isEmpty }
        publisher = LinkedData.names(a["publisher"]).first { !$0.isEmpty }
            ?? objects.first { LinkedData.types($0).contains("newsmediaorganization") || LinkedData.types($0).contains("organization") }
                .flatMap { $0["name"]?.text }
        language = a["inLanguage"]?.text
        articleBody = a["articleBody"]?.text
    }

    /// Every object in `v`, its arrays and `@graph` lists (depth-bounded).
    static func collect(_ v: JSONValue, into out: inout [JSONValue], depth: Int) {
        guard depth < 8 else { return }
        switch v {
        case .array(let items): for i in items { collect(i, into: &out, depth: depth + 1) }
        case .object:
            out.append(v)
            if let g = v["@graph"] { collect(g, into: &out, depth: depth + 1) }
            if let m = v["mainEntity"], case .object = m { collect(m, into: &out, depth: depth + 1) }
        default: break
        }
    }

    /// The lower-cased `@type`s of an object.
    static func types(_ v: JSONValue) -> [String] {
        switch v["@type"] {
        case .string(let s)?: return [s.lowercased()]
        case .array(let a)?: return a.compactMap { $0.text?.lowercased() }
        default: return []
        }
    }

    /// The names of a person or organization value: a string, an object's `name`, or a list of either.
    static func names(_ v: JSONValue?) -> [String] {
        switch v {
        case .string(let s)?: return [Whitespace.collapse(s)]
        case .object?: return v?["name"]?.text.map { [Whitespace.collapse($0)] } ?? []
        case .array(let a)?:
            let all = a.flatMap { names($0) }.filter { !$0.isEmpty }
            return all.isEmpty ? [] : [all.joined(separator: ", ")]
        default: return []
        }
    }
}
