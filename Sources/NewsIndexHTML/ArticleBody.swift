/// Finds the article in a page: the page's text is cut into blocks (paragraphs, headings, list
/// items, quotes, table rows), page furniture is set aside by its markup (navigation, share
/// bars, comments, related lists…), and the container whose paragraphs score best (long text,
/// few links, commas) is taken with the blocks around it that belong to the same article.
struct ArticleBody {
    var paragraphs: [String] = []
    var setAside: [String] = []
    /// A "By …" line found at the head of the article (and taken out of its text).
    var byline: String?
    /// A "Published …" line at the head of the article, for its date.
    var bylineDate: String?

    init(_ tree: HTMLTree, hint: String?, title: String?) {
        let marks = Boilerplate(tree)
        var blocks = ArticleBody.blocks(tree, under: 0, skipping: marks)
        if blocks.reduce(0, { $0 + $1.text.count }) < 200 {
            // Markup rules left almost nothing: read the page with only its invisible parts removed.
            blocks = ArticleBody.blocks(tree, under: 0, skipping: Boilerplate(tree, markupOnly: true))
        }
        let chosen = Candidates(tree, blocks, marks: marks).articleBlocks()
        var inBody = [Bool](repeating: false, count: blocks.count)
        for i in chosen { inBody[i] = true }
        var body: [Block] = chosen.map { blocks[$0] }
        ArticleBody.trimHead(&body, title: title, byline: &byline, date: &bylineDate)
        ArticleBody.trimTail(&body)
        paragraphs = ArticleBody.dedupe(body.map(\.text))
        let kept = Set(paragraphs)
        var aside: [String] = []
        for b in ArticleBody.blocks(tree, under: 0, skipping: Boilerplate(tree, markupOnly: true)) where !kept.contains(b.text) {
            aside.append(b.text)
        }
        setAside = aside
    }

    /// The blocks of the text under `root` in reading order, skipping what `skip` marks.
    static func blocks(_ tree: HTMLTree, under root: Int, skipping skip: Boilerplate? = nil) -> [Block] {
        var cutter = BlockCutter(tree: tree, skip: skip)
        cutter.walk(root)
        cutter.flush()
        return cutter.blocks
    }

    /// Takes the headline (repeated at the top of the article), a "By …" line and a date line
    /// out of the first blocks.
    static func trimHead(_ body: inout [Block], title: String?, byline: inout String?, date: inout String?) {
        var i = 0
        while i < min(body.count, 4) {
            let t = body[i].text
            let lower = t.lowercased()
            if let title, body[i].kind == .heading, lower == title.lowercased() {
                body.remove(at: i); continue
            }
            if t.count <= 80, lower.hasPrefix("by ") && t.split(separator: " ").count <= 10 {
                if byline == nil { byline = String(t.dropFirst(3)) }
                body.remove(at: i); continue
            }
            for prefix in ["published ", "published: ", "posted ", "posted on ", "updated "] where t.count <= 80 && lower.hasPrefix(prefix) {
                if date == nil, !lower.hasPrefix("updated") { date = String(t.dropFirst(prefix.count)) }
                body.remove(at: i)
                i -= 1
                break
            }
            i += 1
        }
    }

    /// Drops short link-heavy or call-to-action blocks at the end of the article ("Share this",
    /// "Read more", tag lists).
    static func trimTail(_ body: inout [Block]) {
        while let last = body.last, body.count > 1, last.text.count < 60 && (last.linkDensity > 0.5 || Boilerplate.isCallToAction(last.text)) {
            body.removeLast()
        }
    }

    /// `texts` without repeats of a block already taken (pages often hold a teaser twice).
    static func dedupe(_ texts: [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for t in texts where !t.isEmpty {
            if t.count > 20 && !seen.insert(t).inserted { continue }
            out.append(t)
        }
        return out
    }
}

/// One block of a page's text.
struct Block {
    /// What kind of element holds the block.
    enum Kind { case paragraph, heading, item, quote, pre, row, other }
    var kind: Kind
    /// The element the block is the text of.
    var node: Int
    /// The text, whitespace collapsed.
    var text: String
    /// Characters of the text inside links.
    var linkChars: Int
    /// The share of the text inside links.
    var linkDensity: Double { text.isEmpty ? 0 : Double(linkChars) / Double(text.count) }
}

/// Cuts a page's text into ``Block``s at block elements.
struct BlockCutter {
    let tree: HTMLTree
    let skip: Boilerplate?
    var blocks: [Block] = []
    private var buffer = ""
    private var linkChars = 0
    private var owner = 0
    private var kind = Block.Kind.other
    /// The enclosing block elements' (owner, kind), restored when a nested block ends.
    private var outer: [(Int, Block.Kind)] = []

    init(tree: HTMLTree, skip: Boilerplate?) {
        self.tree = tree
        self.skip = skip
    }

    static let kinds: [String: Block.Kind] = [
        "p": .paragraph, "h1": .heading, "h2": .heading, "h3": .heading, "h4": .heading, "h5": .heading, "h6": .heading,
        "li": .item, "dt": .item, "dd": .item, "blockquote": .quote, "pre": .pre, "tr": .row,
    ]

    /// Walks `root`'s subtree (iteratively: pages can nest deeply).
    mutating func walk(_ root: Int) {
        // (node, entering) pairs; leaving a block element ends its block.
        var stack: [(Int, Bool)] = [(root, true)]
        var linkDepth = 0
        while let (n, entering) = stack.popLast() {
            let name = tree.name(n)
            if !entering {
                if name == "a" { linkDepth -= 1 }
                if HTMLTree.blocks.contains(name) {
                    flush()
                    (owner, kind) = outer.popLast() ?? (0, .other)
                }
                continue
            }
            if tree.isText(n) {
                let t = tree.ownText(n)
                buffer += t
                if linkDepth > 0 { linkChars += Whitespace.collapse(t).count }
                continue
            }
            if HTMLTree.invisible.contains(name) || skip?.skips(n) == true { continue }
            if name == "br" { buffer += " "; continue }
            if HTMLTree.blocks.contains(name) {
                flush()
                outer.append((owner, kind))
                owner = n
                kind = BlockCutter.kinds[name] ?? .other
            } else if name == "td" || name == "th" {
                buffer += " "
            }
            if name == "a" { linkDepth += 1 }
            stack.append((n, false))
            for c in tree.children(n).reversed() { stack.append((c, true)) }
        }
    }

    /// Ends the current block.
    mutating func flush() {
        let text = Whitespace.collapse(buffer)
        if !text.isEmpty {
            blocks.append(Block(kind: kind, node: owner, text: text, linkChars: min(linkChars, text.count)))
        }
        buffer = ""
        linkChars = 0
    }
}
