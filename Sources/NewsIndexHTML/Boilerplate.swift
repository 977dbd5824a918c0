/// Which parts of a page are furniture by their markup, in one walk from the top: what is never
/// shown (scripts, hidden elements), figures with their captions, navigation, footers, asides
/// and forms, and elements whose class or id names share bars, comments, related stories,
/// newsletters, cookie banners, ads, bylines and the like.
///
/// The elements that hold half of the page's paragraph text or more (the article and its
/// ancestors) are protected: no rule removes them, so a layout class such as `page-with-sidebar`
/// cannot lose the whole article.
struct Boilerplate {
    /// `removed[n]`: node n, or an element above it, is furniture.
    private(set) var removed: [Bool]

    /// Marks the furniture of `tree`; without `classNames`, class and id names are not read
    /// (for pages whose article wrapper has a furniture-sounding name); with `noscript`, the
    /// content of `<noscript>` counts as shown (for pages whose scripts put the article in place).
    init(_ tree: HTMLTree, classNames: Bool = true, noscript: Bool = false) {
        removed = [Bool](repeating: false, count: tree.count)
        // The measures before cleaning, with only what is never shown left out.
        for n in 1..<tree.count where !tree.isText(n) && Boilerplate.dropTags.contains(tree.name(n)) {
            if noscript && tree.name(n) == "noscript" { continue }
            removed[n] = true
        }
        Boilerplate.inherit(tree, &removed)
        let before = Measures(tree, removed: removed)
        let (protected, held, total) = Boilerplate.protectedNodes(tree, removed: removed)
        var judged: [String: Bool] = [:]   // pages repeat their class names
        for n in 1..<tree.count where !tree.isText(n) {
            if removed[tree.parent(n)] { removed[n] = true; continue }
            if removed[n] || protected[n] { continue }
            if Boilerplate.isFurniture(tree, n, before) {
                removed[n] = true
                continue
            }
            guard classNames, !Boilerplate.keptTags.contains(tree.name(n)),
                  tree.attribute(n, "itemprop")?.lowercased() != "articlebody" else { continue }
            let names = (tree.attribute(n, "class") ?? "") + " " + (tree.attribute(n, "id") ?? "")
            guard names.utf8.count > 1 else { continue }
            let big = Double(held[n]) >= 0.05 * Double(total)
            let key = big ? names + "\u{1}" : names
            if let known = judged[key] { removed[n] = known; continue }
            let furniture = ClassNames(names).namesFurniture(big: big)
            judged[key] = furniture
            removed[n] = furniture
        }
    }

    /// Whether node `n` is furniture.
    func removes(_ n: Int) -> Bool { removed[n] }

    /// Marks every node below a marked one.
    static func inherit(_ tree: HTMLTree, _ marks: inout [Bool]) {
        for n in 1..<tree.count where marks[tree.parent(n)] { marks[n] = true }
    }

    /// Furniture by tag, visibility or role (not by class name).
    static func isFurniture(_ tree: HTMLTree, _ n: Int, _ m: Measures) -> Bool {
        let name = tree.name(n)
        if isHidden(tree, n) || name == "figure" { return true }
        if structureTags.contains(name) { return true }
        if name == "header" {
            // An article's header often holds its lead: only an empty or link-heavy one, or one with a menu, goes.
            return m.text[n] == 0 || Double(m.links[n]) > 0.3 * Double(m.text[n])
                || tree.descendants(of: n).contains { tree.name($0) == "nav" }
        }
        if let role = tree.attribute(n, "role")?.lowercased(), furnitureRoles.contains(role) { return true }
        return false
    }

    /// The protected elements: those holding at least half of the page's text in paragraphs of
    /// 60 characters or more with at most 30 % links; also, for each element, the characters of
    /// such paragraphs it holds, and their total.
    static func protectedNodes(_ tree: HTMLTree, removed: [Bool]) -> (protected: [Bool], held: [Int32], total: Int32) {
        let m = Measures(tree, removed: removed)
        var held = [Int32](repeating: 0, count: tree.count)
        var total: Int32 = 0
        for n in 1..<tree.count where !tree.isText(n) && !removed[n] && Measures.isParagraph(tree, n) {
            let length = m.text[n]
            guard length >= 60, Double(m.links[n]) <= 0.3 * Double(length) else { continue }
            total += length
            var a = n
            while a >= 0 { held[a] += length; a = tree.parent(a) }
        }
        let protected = held.map { total > 0 && $0 * 2 >= total }
        return (protected, held, total)
    }

    /// Whether element `n` is not shown: `hidden`, an inline style that hides it, or
    /// `aria-hidden` on anything but an icon-sized inline element.
    static func isHidden(_ tree: HTMLTree, _ n: Int) -> Bool {
        if tree.attribute(n, "hidden") != nil { return true }
        if let style = tree.attribute(n, "style")?.lowercased().filter({ $0 != " " }),
           style.contains("display:none") || style.contains("visibility:hidden") {
            return true
        }
        if tree.attribute(n, "aria-hidden")?.lowercased() == "true", !["span", "i", "a"].contains(tree.name(n)) { return true }
        return false
    }

    /// Elements that hold no article text.
    static let dropTags: Set<String> = ["script", "style", "noscript", "template", "svg", "canvas", "iframe", "object",
                                        "embed", "button", "select", "input", "textarea", "option", "link", "meta",
                                        "head", "map", "audio", "video", "source", "picture", "dialog", "menu", "title",
                                        "rt", "rp"]   // ruby annotations: the readings printed over the text

    /// Page structure that is not the article.
    static let structureTags: Set<String> = ["nav", "footer", "aside", "form", "figcaption"]

    /// Elements whose class names are not read.
    static let keptTags: Set<String> = ["html", "body", "article", "main"]

    static let furnitureRoles: Set<String> = ["navigation", "banner", "contentinfo", "complementary", "search",
                                              "dialog", "alertdialog", "menu", "menubar", "toolbar"]
}

/// The class and id names of an element, split into their parts: `shareBar post-footer` gives
/// share, bar, post and footer. A name with a negating part (`no-share`, `has-sidebar`) is a
/// modifier, not a role, and is left out.
struct ClassNames {
    /// The parts, lower-cased.
    private(set) var parts: Set<String> = []

    init(_ names: String) {
        for token in names.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            var split = ""
            var previousLower = false
            for c in token.unicodeScalars {
                let upper = c.value >= 0x41 && c.value <= 0x5A
                if upper && previousLower { split.unicodeScalars.append("-") }
                split.unicodeScalars.append(upper ? Unicode.Scalar(c.value | 0x20)! : c)
                previousLower = c.value >= 0x61 && c.value <= 0x7A
            }
            let pieces = split.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == ":" || $0 == "." }).map(String.init)
            if pieces.contains(where: ClassNames.negators.contains) { continue }
            parts.formUnion(pieces)
        }
    }

    /// Whether the names mark furniture. A furniture part is overruled by a content part
    /// (`content`, `article`, `wrapper`…) on an element that holds much of the page's text
    /// (`big`), unless it is one of the parts that always mean furniture (comments, share bars…).
    func namesFurniture(big: Bool) -> Bool {
        guard !parts.isDisjoint(with: ClassNames.furniture) else { return false }
        if big && !parts.isDisjoint(with: ClassNames.content) && parts.isDisjoint(with: ClassNames.strong) { return false }
        return true
    }

    static let negators: Set<String> = ["no", "non", "not", "without", "has", "with", "hide", "show"]

    static let furniture: Set<String> = Set("""
        share shares sharing sharebar social socials comment comments commentlist related newsletter cookie cookies \
        consent gdpr promo promos advert adverts advertisement advertising ad ads adslot sponsor sponsored sidebar \
        widget widgets breadcrumb breadcrumbs footer masthead nav navbar navigation menu header byline author authors \
        caption credit credits tags tag taglist keywords pagination pager subscribe subscription signup popup modal \
        banner recommended recommendations recommend mostread popular trending outbrain taboola disqus rating ratings \
        toolbar login skip overlay teaser teasers offscreen sronly paywall reply replies respond follow donate \
        donation copyright disclaimer bio biography postmeta morelinks more also sabox saboxplugin authorbox linkbox \
        nextstory readmore infobar legend affiliate disclosure notice imginline bildunterschrift bildtext \
        bildunterzeile bildquelle fotocredit shariff addthis sharedaddy jp relatedposts yarpp wprp rp4wp crp
        """.split(separator: " ").map(String.init))

    static let strong: Set<String> = Set("""
        comment comments commentlist disqus share sharing sharebar social related newsletter cookie consent outbrain \
        taboola breadcrumb breadcrumbs recommended recommendations sponsored advert advertisement
        """.split(separator: " ").map(String.init))

    static let content: Set<String> = Set("""
        article articles body content contents entry main post story text blog hentry page column columns wrap \
        wrapper container inner layout area
        """.split(separator: " ").map(String.init))
}
