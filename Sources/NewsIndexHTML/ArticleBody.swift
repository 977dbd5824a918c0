/// Finds the article in a page:
/// 1. furniture is removed by its markup (``Boilerplate``);
/// 2. the container is the element that best holds the page's paragraph text without link lists
///    and other short text (``Measures/score(_:)``);
/// 3. inside it, short blocks without paragraph text and link-heavy lists are removed;
/// 4. its text is cut into blocks (paragraphs, headings, list items, quotes, table cells), and
///    "read more" lines, date lines and short lines at either end are left out.
///
/// When cleaning leaves too little of the best element, the next best elements outside it are
/// tried. When that leaves under 250 characters, the page is read again without its class names,
/// then with its `<noscript>` content shown, and the longest result is kept. A page whose JSON-LD `articleBody` is more than twice as long as
/// what the markup gave (text put together by scripts) gives that text instead.
struct ArticleBody {
    var paragraphs: [String] = []
    var setAside: [String] = []
    /// A "By …" line found at the head of the article (and taken out of its text): its names.
    var byline: String?
    /// The date that followed the names in that line, if any.
    var bylineDate: String?

    /// The article's shortest text before the page is read again without class names.
    static let retryLength = 250

    init(_ tree: HTMLTree, hint: String?, title: String?) {
        var blocks = ArticleBody.article(tree, classNames: true)
        func length(_ blocks: [Block]) -> Int { blocks.reduce(0) { $0 + $1.text.count } }
        if length(blocks) < ArticleBody.retryLength {
            let again = ArticleBody.article(tree, classNames: false)
            if length(again) > length(blocks) { blocks = again }
        }
        // Still too little, and the page has <noscript> content: the article may be there, for
        // readers without scripts.
        if length(blocks) < ArticleBody.retryLength, !tree.elements(named: "noscript").isEmpty {
            for classNames in [true, false] {
                let shown = ArticleBody.article(tree, classNames: classNames, noscript: true)
                if length(shown) > length(blocks) { blocks = shown }
            }
        }
        if let title { blocks.removeAll { $0.isHeading && $0.text == title } }
        if let found = ArticleBody.takeByline(&blocks) {
            byline = found.name
            bylineDate = found.date
        }
        paragraphs = blocks.map(\.text)
        if let hint, hint.count >= 400, hint.count > 2 * paragraphs.reduce(0, { $0 + $1.count }) {
            paragraphs = hint.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { Whitespace.collapse(String($0)) }.filter { !$0.isEmpty }
        }
        let kept = Set(paragraphs)
        var shown = [Bool](repeating: false, count: tree.count)
        for n in 1..<tree.count where !tree.isText(n) && Boilerplate.dropTags.contains(tree.name(n)) { shown[n] = true }
        Boilerplate.inherit(tree, &shown)
        setAside = ArticleBody.blocks(tree, under: 0, skipping: shown).map(\.text).filter { !kept.contains($0) }
    }

    /// The article's blocks, reading class and id names or not, and `<noscript>` content or not.
    static func article(_ tree: HTMLTree, classNames: Bool, noscript: Bool = false) -> [Block] {
        let removed = Boilerplate(tree, classNames: classNames, noscript: noscript).removed
        let m = Measures(tree, removed: removed)
        // The body, unless the parser left most of the page's text outside it (markup that
        // breaks the document's structure): then the whole document.
        var body = tree.elements(named: "body").first ?? 0
        if body != 0 && m.text[body] * 2 < m.text[0] { body = 0 }
        guard !removed[body] else { return [] }
        // The best-scoring element is the article; when cleaning leaves too little of it, the
        // next best elements outside it are tried, and the longest text kept.
        var candidates: [(node: Int, score: Double)] = []
        for n in body..<tree.count where !removed[n] && !tree.isText(n) && ArticleBody.isUnder(tree, n, body) {
            let score = m.score(n)
            guard n == body || score > 0 else { continue }
            candidates.append((n, score))
        }
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.node < $1.node }
        var best: [Block] = []
        var tried: [Int] = []
        for (n, _) in candidates {
            guard tried.count < 4 else { break }
            if tried.contains(where: { isUnder(tree, n, $0) || isUnder(tree, $0, n) }) { continue }
            tried.append(n)
            let found = cleaned(tree, container: n, m, removed)
            if found.reduce(0, { $0 + $1.text.count }) > best.reduce(0, { $0 + $1.text.count }) { best = found }
            if best.reduce(0, { $0 + $1.text.count }) >= retryLength { break }
        }
        return best
    }

    /// The blocks of `container` once short unread blocks and link lists are dropped from it.
    static func cleaned(_ tree: HTMLTree, container: Int, _ before: Measures, _ removed: [Bool]) -> [Block] {
        var removed = removed
        ArticleBody.dropShortUnreadBlocks(tree, in: container, before, &removed)
        let m = Measures(tree, removed: removed)
        ArticleBody.dropLinkLists(tree, in: container, m, &removed)
        return filter(blocks(tree, under: container, skipping: removed))
    }

    /// Whether `n` is `root` or below it.
    static func isUnder(_ tree: HTMLTree, _ n: Int, _ root: Int) -> Bool {
        var a = n
        while a > root { a = tree.parent(a) }
        return a == root
    }

    /// Inside the container: removes `div`, `section`, `figure` and `aside` elements without
    /// paragraph text and with under 200 characters (share bars, info boxes, author lines).
    static func dropShortUnreadBlocks(_ tree: HTMLTree, in root: Int, _ m: Measures, _ removed: inout [Bool]) {
        for n in (root + 1)..<tree.count where !tree.isText(n) && isUnder(tree, n, root) {
            if removed[tree.parent(n)] { removed[n] = true; continue }
            guard !removed[n], ["div", "section", "figure", "aside"].contains(tree.name(n)) else { continue }
            if m.good[n] == 0 && m.text[n] > 0 && m.text[n] < 200 { removed[n] = true }
        }
    }

    /// Inside the container: removes empty containers, paragraphs that are a link ("Read more:
    /// …"), and lists, tables and divisions that are mostly links, unless they hold half of the
    /// container's paragraph text.
    static func dropLinkLists(_ tree: HTMLTree, in root: Int, _ m: Measures, _ removed: inout [Bool]) {
        for n in (root + 1)..<tree.count where !tree.isText(n) && isUnder(tree, n, root) {
            if removed[tree.parent(n)] { removed[n] = true; continue }
            guard !removed[n] else { continue }
            let name = tree.name(n), length = m.text[n], density = m.linkDensity(n)
            let container = ["ul", "ol", "div", "section", "dl", "table"].contains(name)
            if length == 0 {
                if container && !tree.descendants(of: n).contains(where: { tree.name($0) == "img" }) { removed[n] = true }
            } else if name == "p" && density >= 0.9 && length < 200 {
                removed[n] = true
            } else if container && (density > 0.5 || (density > 0.2 && length < 300)) && m.good[n] * 2 < m.good[root] {
                // (A wrapper that holds half of the container's paragraph text or more stays,
                // however many menus and link lists it holds besides.)
                removed[n] = true
            }
        }
    }

    /// The blocks of the text under `root` in reading order, skipping the subtrees `skip` marks.
    static func blocks(_ tree: HTMLTree, under root: Int, skipping skip: [Bool]) -> [Block] {
        var cutter = BlockCutter(tree: tree, skip: skip)
        cutter.walk(root)
        cutter.flush()
        return cutter.blocks
    }

    /// The blocks without "read more" and credit lines, date lines, and short lines at the ends.
    static func filter(_ blocks: [Block]) -> [Block] {
        var out = blocks.filter { b in
            !(b.text.count < 160 && BlockPhrases.isJunk(b.text)) && !(b.text.count < 50 && BlockPhrases.isDateLine(b.text))
        }
        let listLike: Set<String> = ["li", "td", "th", "pre", "dd"]
        while let last = out.last, last.text.count < 60, !listLike.contains(last.tag) { out.removeLast() }
        while let first = out.first, first.text.count < 60, !first.isHeading, !listLike.contains(first.tag) { out.removeFirst() }
        while let last = out.last, last.isHeading { out.removeLast() }
        return out
    }

    /// Takes a "By …" line out of the first blocks; returns the name.
    static func takeByline(_ blocks: inout [Block]) -> (name: String, date: String?)? {
        for i in 0..<min(blocks.count, 3) {
            let t = blocks[i].text
            guard t.count <= 120, t.lowercased().hasPrefix("by ") else { continue }
            let (name, date) = splitByline(String(t.dropFirst(3)))
            if !name.isEmpty, name.split(separator: " ").count <= 8 {
                blocks.remove(at: i)
                return (name, date)
            }
        }
        return nil
    }

    /// A byline's names and the date that follows them, if one does: `Ines Varga, 2 May 2024`
    /// gives `Ines Varga` and `2 May 2024`. The date is the text from the first part (cut at
    /// `,`, `|`, `·` or a dash between spaces) that holds a digit, when it also holds a year or a
    /// numeric date; else the whole line is names.
    static func splitByline(_ line: String) -> (name: String, date: String?) {
        var cuts: [String.Index] = []
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if c == "," || c == "|" || c == "\u{00B7}" { cuts.append(i) }
            if (c == "-" || c == "\u{2013}" || c == "\u{2014}"), i > line.startIndex, line[line.index(before: i)] == " " { cuts.append(i) }
            i = line.index(after: i)
        }
        for cut in cuts {
            let rest = line[line.index(after: cut)...].drop { $0 == " " }
            guard rest.prefix(while: { $0 != "," }).contains(where: \.isNumber), hasYear(rest) else { continue }
            return (Whitespace.collapse(String(line[..<cut])), String(rest))
        }
        return (line, nil)
    }

    /// Whether `text` holds a four-digit year (1900–2099) or a numeric date such as `12/30/22`.
    private static func hasYear(_ text: Substring) -> Bool {
        let u = Array(text.utf8)
        var k = 0
        while k < u.count {
            guard u[k] >= 0x30 && u[k] <= 0x39 else { k += 1; continue }
            var e = k
            while e < u.count && u[e] >= 0x30 && u[e] <= 0x39 { e += 1 }
            if e - k == 4 && (u[k] == 0x31 && u[k + 1] == 0x39 || u[k] == 0x32 && u[k + 1] == 0x30) { return true }
            if e < u.count && (u[e] == 0x2F || u[e] == 0x2E), e + 1 < u.count, u[e + 1] >= 0x30 && u[e + 1] <= 0x39 { return true }
            k = e
        }
        return false
    }
}

/// One block of a page's text.
struct Block {
    /// The name of the block element that holds the text.
    var tag: String
    /// The text, whitespace collapsed.
    var text: String
    /// Whether the block is a heading.
    var isHeading: Bool { tag.count == 2 && tag.first == "h" && tag.last.map { $0 >= "1" && $0 <= "6" } == true }
}

/// Cuts a page's text into ``Block``s at block elements.
struct BlockCutter {
    let tree: HTMLTree
    let skip: [Bool]
    var blocks: [Block] = []
    private var buffer = ""

    init(tree: HTMLTree, skip: [Bool]) {
        self.tree = tree
        self.skip = skip
    }

    /// Walks `root`'s subtree (iteratively: pages can nest deeply).
    mutating func walk(_ root: Int) {
        // (node, entering) pairs; entering or leaving a block element ends the block before it.
        var stack: [(Int, Bool)] = [(root, true)]
        var tags: [String] = []
        while let (n, entering) = stack.popLast() {
            if tree.isText(n) { buffer += tree.ownText(n); continue }
            let name = tree.name(n)
            let isBlock = HTMLTree.blocks.contains(name)
            if !entering {
                if isBlock { flush(tags.last ?? ""); tags.removeLast() }
                continue
            }
            if n != root && (skip[n] || HTMLTree.invisible.contains(name)) { continue }
            if name == "br" || name == "hr" { buffer += " "; continue }
            if isBlock { flush(tags.last ?? ""); tags.append(name) }
            stack.append((n, false))
            for c in tree.children(n).reversed() { stack.append((c, true)) }
        }
    }

    /// Ends the current block.
    mutating func flush(_ tag: String = "") {
        let text = Whitespace.collapse(buffer)
        if !text.isEmpty { blocks.append(Block(tag: tag, text: text)) }
        buffer = ""
    }
}
