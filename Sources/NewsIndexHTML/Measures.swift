/// Text measures of every element of a page, with some subtrees removed: its text, its link
/// text and its "good" text (that of paragraphs of running text), in characters.
///
/// One pass from the last node to the first: nodes are numbered in document order, so every
/// child is summed into its parent before the parent is passed.
struct Measures {
    /// Characters of text below each node (each text node trimmed).
    var text: [Int32]
    /// Characters of text inside links below each node.
    var links: [Int32]
    /// Characters of paragraph text below each node: paragraphs of at least 40 characters that
    /// are at most half links, and elements' own text runs of 40 characters or more.
    var good: [Int32]

    /// The shortest paragraph that counts as good text.
    static let minParagraph: Int32 = 40

    /// The measures of `tree` without the subtrees `removed` marks (a node is removed when it or
    /// an ancestor is marked).
    init(_ tree: HTMLTree, removed: [Bool]) {
        let count = tree.count
        text = [Int32](repeating: 0, count: count)
        links = [Int32](repeating: 0, count: count)
        good = [Int32](repeating: 0, count: count)
        var own = [Int32](repeating: 0, count: count)
        for n in stride(from: count - 1, through: 1, by: -1) where !removed[n] {
            let parent = tree.parent(n)
            if tree.isText(n) {
                let length = tree.textLength(n)
                text[parent] += length
                own[parent] += length
                continue
            }
            if tree.name(n) == "a" { links[n] = text[n] }
            if Measures.isParagraph(tree, n) {
                let plain = text[n] - links[n]
                if text[n] >= Measures.minParagraph && links[n] * 2 <= text[n] { good[n] = max(good[n], plain) }
            } else if own[n] >= Measures.minParagraph {
                good[n] += own[n]
            }
            text[parent] += text[n]
            links[parent] += links[n]
            good[parent] += good[n]
        }
    }

    /// How well element `n` stands for the article: its good text, less its link text outside
    /// good text, less 0.3 of its other text (headings, short lines, captions).
    func score(_ n: Int) -> Double {
        let t = Double(text[n]), l = Double(links[n]), g = Double(good[n])
        return g - min(l, t - g) - 0.3 * max(0, t - g - l)
    }

    /// The share of element `n`'s text inside links.
    func linkDensity(_ n: Int) -> Double {
        text[n] == 0 ? 0 : Double(links[n]) / Double(text[n])
    }

    /// Whether element `n` is a paragraph-like node: `p`, `pre`, `td`, `blockquote`, `dd`, or a
    /// `div`, `section`, `span`, `font`, `article` or `li` without block children.
    static func isParagraph(_ tree: HTMLTree, _ n: Int) -> Bool {
        switch tree.name(n) {
        case "p", "pre", "td", "blockquote", "dd": return true
        case "div", "section", "span", "font", "article", "li":
            return !tree.children(n).contains { !tree.isText($0) && tree.name($0) != "br" && HTMLTree.blocks.contains(tree.name($0)) }
        default: return false
        }
    }
}
