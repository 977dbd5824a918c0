/// Which parts of a page are furniture by their markup: hidden elements, navigation, headers
/// and footers, asides, captions, and elements whose class, id or role names share bars,
/// comments, related stories, newsletters, cookie banners, ads and the like.
///
/// An element that holds the article (`<article>`, `<main>`, `itemprop=articleBody`, or one of
/// those below it) is never set aside by its class name, which would otherwise lose whole
/// pages to a layout class such as `page-with-sidebar`.
struct Boilerplate {
    /// `skipped[n]`: node n's subtree is furniture.
    private var skipped: [Bool]

    /// Marks the furniture of `tree`; with `markupOnly`, only what is never shown (scripts,
    /// hidden elements).
    init(_ tree: HTMLTree, markupOnly: Bool = false) {
        skipped = [Bool](repeating: false, count: tree.count)
        let holdsArticle = Boilerplate.articleHolders(tree)
        var judged: [String: Bool] = [:]   // pages repeat their class names
        for n in 0..<tree.count where !tree.isText(n) {
            if Boilerplate.isHidden(tree, n) { skipped[n] = true; continue }
            if markupOnly || holdsArticle[n] { continue }
            let name = tree.name(n)
            if Boilerplate.furnitureTags.contains(name) { skipped[n] = true; continue }
            if let role = tree.attribute(n, "role")?.lowercased(), Boilerplate.furnitureRoles.contains(role) {
                skipped[n] = true; continue
            }
            let names = (tree.attribute(n, "class") ?? "") + " " + (tree.attribute(n, "id") ?? "")
            if names.utf8.count <= 1 { continue }
            if let known = judged[names] { skipped[n] = known; continue }
            let furniture = Boilerplate.namesFurniture(names)
            judged[names] = furniture
            skipped[n] = furniture
        }
    }

    /// Whether node `n`'s subtree is furniture.
    func skips(_ n: Int) -> Bool { skipped[n] }

    /// `holds[n]`: node n is, or contains, an element marked as the article.
    static func articleHolders(_ tree: HTMLTree) -> [Bool] {
        var holds = [Bool](repeating: false, count: tree.count)
        // Nodes are numbered in document order, parents before their children.
        for n in stride(from: tree.count - 1, through: 1, by: -1) {
            if !tree.isText(n) {
                let name = tree.name(n)
                if name == "article" || name == "main" || tree.attribute(n, "itemprop")?.lowercased() == "articlebody" {
                    holds[n] = true
                }
            }
            if holds[n] { holds[tree.parent(n)] = true }
        }
        return holds
    }

    /// Whether element `n` is not shown: `hidden`, `aria-hidden`, or an inline style that hides it.
    static func isHidden(_ tree: HTMLTree, _ n: Int) -> Bool {
        if tree.attribute(n, "hidden") != nil { return true }
        if tree.attribute(n, "aria-hidden")?.lowercased() == "true" { return true }
        if let style = tree.attribute(n, "style")?.lowercased().filter({ $0 != " " }),
           style.contains("display:none") || style.contains("visibility:hidden") {
            return true
        }
        return false
    }

    static let furnitureTags: Set<String> = ["nav", "aside", "footer", "header", "figure", "figcaption", "dialog", "menu"]

    static let furnitureRoles: Set<String> = ["navigation", "banner", "contentinfo", "complementary", "search",
                                              "dialog", "alertdialog", "menu", "menubar", "toolbar"]

    /// Class and id words that name furniture, matched as whole words (split at anything but
    /// letters and digits).
    static let furnitureWords: Set<String> = [
        "ad", "ads", "adv", "advert", "advertisement", "advertising", "banner", "breadcrumb", "breadcrumbs",
        "byline", "caption", "comment", "comments", "consent", "cookie", "cookies", "credit", "credits",
        "disqus", "footer", "masthead", "menu", "modal", "nav", "navbar", "navigation", "newsletter",
        "outbrain", "pagination", "popular", "popup", "promo", "promotion", "recommended", "related",
        "share", "sharing", "sidebar", "signup", "social", "sponsor", "sponsored", "subscribe",
        "subscription", "taboola", "tags", "toolbar", "trending", "widget", "author-bio", "bio",
        "mostread", "most-read", "read-more", "readmore", "more-stories", "paywall", "print", "skip",
        "sr-only", "visually-hidden", "screen-reader-text", "hidden", "tooltip", "rating", "jump",
    ]

    /// Parts of compound class words that name furniture ("sharebar", "socialLinks", "relatedArticles").
    static let furnitureParts = ["share", "social", "comment", "newsletter", "cookie", "related", "promo", "sponsor",
                                 "advert", "sidebar", "breadcrumb", "footer", "outbrain", "taboola", "recommend",
                                 "trending", "subscribe", "signup", "caption", "mostread", "most-read", "popular"]

    /// Whether class and id `names` mark furniture.
    static func namesFurniture(_ names: String) -> Bool {
        let lower = names.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        for word in lower.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            if furnitureWordBytes.contains(Array(word)) { return true }
            let pieces = word.split(whereSeparator: { !(($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 >= 0x80) })
            for p in pieces where furnitureWordBytes.contains(Array(p)) {
                // A lone "ad" piece counts only as the whole word (not "ad" in "ad-free" layouts… nor "head").
                if p.elementsEqual("ad".utf8) && pieces.count > 1 { continue }
                return true
            }
            for part in furniturePartBytes where ASCII.contains(word, part) {
                // "commentary" is an opinion article, not comments.
                if part.elementsEqual("comment".utf8) && ASCII.contains(word, Array("commentary".utf8)) { continue }
                return true
            }
        }
        return false
    }

    static let furnitureWordBytes: Set<[UInt8]> = Set(furnitureWords.map { Array($0.utf8) })
    static let furniturePartBytes: [[UInt8]] = furnitureParts.map { Array($0.utf8) }

    /// Whether a short block is a call to act rather than text ("Share this article", "Read more").
    static func isCallToAction(_ text: String) -> Bool {
        let lower = text.lowercased()
        for p in ["share", "read more", "related", "advertisement", "sign up", "subscribe", "follow us", "click here",
                  "tags:", "topics:", "more on", "see also", "continue reading", "comments", "copyright", "©"] where lower.hasPrefix(p) {
            return true
        }
        return false
    }
}

/// Byte-level text tests for ASCII words (the standard library's substring search is slow).
enum ASCII {
    /// Whether `needle` occurs in `hay`.
    static func contains<C: Collection>(_ hay: C, _ needle: [UInt8]) -> Bool where C.Element == UInt8, C.Index == Int {
        guard let first = needle.first, needle.count <= hay.count else { return false }
        var i = hay.startIndex
        let last = hay.endIndex - needle.count
        while i <= last {
            if hay[i] == first {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}
