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
        for n in 0..<tree.count where !tree.isText(n) {
            if Boilerplate.isHidden(tree, n) { skipped[n] = true; continue }
            if markupOnly || holdsArticle[n] { continue }
            let name = tree.name(n)
            if Boilerplate.furnitureTags.contains(name) { skipped[n] = true; continue }
            if let role = tree.attribute(n, "role")?.lowercased(), Boilerplate.furnitureRoles.contains(role) {
                skipped[n] = true; continue
            }
            let names = (tree.attribute(n, "class") ?? "") + " " + (tree.attribute(n, "id") ?? "")
            if Boilerplate.namesFurniture(names) { skipped[n] = true }
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
        let lower = names.lowercased()
        guard !lower.trimmingSpaces.isEmpty else { return false }
        for word in lower.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            let w = String(word)
            if furnitureWords.contains(w) { return true }
            let pieces = w.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
            for p in pieces where furnitureWords.contains(p) && !(p == "ad" && pieces.count == 1 && w != "ad") {
                return true
            }
            for part in furnitureParts where w.contains(part) {
                // "commentary" is an opinion article, not comments.
                if part == "comment" && w.contains("commentary") { continue }
                return true
            }
        }
        return false
    }

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

extension String {
    /// The string without leading and trailing spaces.
    var trimmingSpaces: Substring {
        let t = drop { $0 == " " }
        return t.reversed().drop { $0 == " " }.isEmpty ? "" : t[...t.lastIndex { $0 != " " }!]
    }
}
