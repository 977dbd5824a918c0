/// Scores the elements that hold paragraphs and picks the article's: each paragraph-like block
/// (at least 25 characters, mostly not links) gives its parent a score for its length and
/// commas, and its grandparent and great-grandparent a share; class and id names that say
/// "article" or "content" raise a score and furniture names lower it; links lower it by their
/// share of the text. The best element's blocks are the article, with those of its siblings
/// that score well or are long plain paragraphs.
struct Candidates {
    let tree: HTMLTree
    let blocks: [Block]
    /// Score of each element that holds paragraphs.
    private var score: [Int: Double] = [:]
    /// Text and link characters below each element, from the blocks.
    private var chars: [Int: (text: Int, links: Int)] = [:]

    init(_ tree: HTMLTree, _ blocks: [Block], marks: Boilerplate) {
        self.tree = tree
        self.blocks = blocks
        for b in blocks {
            var n = b.node
            while n > 0 {
                let c = chars[n] ?? (0, 0)
                chars[n] = (c.text + b.text.count, c.links + b.linkChars)
                n = tree.parent(n)
            }
        }
        for b in blocks where Candidates.isParagraphLike(b) {
            let commas = b.text.reduce(0) { $0 + ($1 == "," || $1 == "،" || $1 == "，" || $1 == "、" ? 1 : 0) }
            let s = 1 + Double(commas) + min(Double(b.text.count) / 100, 3)
            var n = b.kind == .other ? b.node : tree.parent(b.node)
            for share in [1.0, 0.5, 1.0 / 3] where n > 0 {
                score[n, default: Candidates.nameWeight(tree, n)] += s * share
                n = tree.parent(n)
            }
        }
    }

    /// Whether a block counts as a paragraph of running text.
    static func isParagraphLike(_ b: Block) -> Bool {
        switch b.kind {
        case .paragraph, .quote, .pre, .other: return b.text.count >= 25 && b.linkDensity < 0.5
        default: return false
        }
    }

    /// The starting score of element `n` from its class and id names.
    static func nameWeight(_ tree: HTMLTree, _ n: Int) -> Double {
        var w = 0.0
        let name = tree.name(n)
        if name == "article" || tree.attribute(n, "itemprop")?.lowercased() == "articlebody" { w += 25 }
        let names = ((tree.attribute(n, "class") ?? "") + " " + (tree.attribute(n, "id") ?? "")).lowercased()
        let bytes = Array(names.utf8)
        for word in Candidates.contentWords where ASCII.contains(bytes, word) {
            w += 25
            break
        }
        if Boilerplate.namesFurniture(names) { w -= 25 }
        return w
    }

    /// Class and id words that name the article's container.
    static let contentWords = ["article", "body", "content", "entry", "main", "post", "story", "text", "prose", "blog"].map { Array($0.utf8) }

    /// The final score of element `n`: its paragraphs' score less the share of links in its text.
    func finalScore(_ n: Int) -> Double {
        let c = chars[n] ?? (0, 0)
        let density = c.text == 0 ? 0 : Double(c.links) / Double(c.text)
        return (score[n] ?? 0) * (1 - density)
    }

    /// The indices of the article's blocks, in reading order.
    func articleBlocks() -> [Int] {
        guard let top = score.keys.max(by: { (finalScore($0), $1) < (finalScore($1), $0) }) else {
            // No paragraph anywhere: the longer plain blocks.
            return blocks.indices.filter { blocks[$0].text.count >= 25 && blocks[$0].linkDensity < 0.5 }
        }
        let topScore = finalScore(top)
        let parent = tree.parent(top)
        var roots: Set<Int> = [top]
        if parent >= 0 {
            for s in tree.children(parent) where s != top && !tree.isText(s) {
                let c = chars[s] ?? (0, 0)
                let density = c.text == 0 ? 1 : Double(c.links) / Double(c.text)
                if finalScore(s) >= max(10, topScore * 0.2) || (c.text > 80 && density < 0.25 && tree.name(s) == "p") {
                    roots.insert(s)
                }
            }
        }
        var out: [Int] = []
        for (i, b) in blocks.enumerated() {
            guard let root = ancestor(of: b.node, in: roots) else { continue }
            _ = root
            if b.kind != .heading && b.linkDensity > 0.6 { continue }
            out.append(i)
        }
        return out
    }

    /// The element of `roots` that is `n` or holds it, nil when none does.
    func ancestor(of n: Int, in roots: Set<Int>) -> Int? {
        var m = n
        while m >= 0 {
            if roots.contains(m) { return m }
            m = tree.parent(m)
        }
        return nil
    }
}
