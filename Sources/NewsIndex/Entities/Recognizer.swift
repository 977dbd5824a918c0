/// Finds entity mentions in analyzed text.
///
/// One pass over the tokens: at each token, walk a trie of alias words as they are written
/// (case-sensitive, curly and straight apostrophes alike) as far as the text allows and take the
/// longest alias that ends there (leftmost-longest: `China Central Television` wins over `China`),
/// then continue after it. Tokens come from the index's analyzer, so a possessive (`Xi’s`) is the
/// word `Xi`, and `Xi'an` is one word that is not `Xi`. A quick check on the analyzed term
/// (is it the first word of any alias?) keeps the walk off almost every token.
///
/// **Ambiguous aliases** (marked `?` in the entities file, such as `CCTV`) count only in context,
/// decided per document, looking only inside the mention's sentence:
/// 1. never when the next word is one of the entity's `not-before` words (`CCTV footage`,
///    `CCTV cameras`; not after a possessive: `CCTV's coverage`) or one of the three words before
///    is a `not-after` word (`caught on CCTV`, `police … CCTV`);
/// 2. otherwise, when the alias is possessive (`CCTV's`), when one of the two words right after
///    is a `clues-after` word (`CCTV reported`, `…, CCTV said`), when one of the five words before
///    or after is a `clue` (`state broadcaster CCTV`), or when the same document names the entity
///    unambiguously elsewhere (`China Central Television`, `CCTV-13`).
final class Recognizer: @unchecked Sendable {
    private struct Node {
        var children: [String: Int32] = [:]
        var entity: Int32 = -1
        var ambiguous = false
    }

    let gazetteer: Gazetteer
    let analyzer: Analyzer
    private var nodes: [Node] = [Node()]
    private var firstTerms: Set<String> = []
    private var clues: [Set<String>] = []
    private var cluesAfter: [Set<String>] = []
    private var notBefore: [Set<String>] = []
    private var notAfter: [Set<String>] = []
    let terms: [String]

    /// A mention: the entity's index in the gazetteer and the tokens it covers.
    struct Mention: Equatable {
        var entity: Int
        var start: Int
        var count: Int
        var ambiguous: Bool
    }

    init(gazetteer: Gazetteer, analyzer: Analyzer) {
        self.gazetteer = gazetteer
        self.analyzer = analyzer
        terms = gazetteer.entities.map(\.term)
        func termSet(_ words: [String]) -> Set<String> {
            Set(words.compactMap { analyzer.tokens($0).first?.term })
        }
        for (k, e) in gazetteer.entities.enumerated() {
            clues.append(termSet(e.clues))
            cluesAfter.append(termSet(e.cluesAfter))
            notBefore.append(termSet(e.notBefore))
            notAfter.append(termSet(e.notAfter))
            for (alias, ambiguous) in e.aliases.map({ ($0, false) }) + e.ambiguousAliases.map({ ($0, true) }) {
                let tokens = analyzer.tokens(alias)
                guard let first = tokens.first else { continue }
                firstTerms.insert(first.term)
                var node = 0
                for t in tokens {
                    let word = Recognizer.surface(alias, t.byteRange)
                    if let next = nodes[node].children[word] {
                        node = Int(next)
                    } else {
                        nodes.append(Node())
                        nodes[node].children[word] = Int32(nodes.count - 1)
                        node = nodes.count - 1
                    }
                }
                // The first entity listed keeps an alias two entities share.
                if nodes[node].entity < 0 {
                    nodes[node].entity = Int32(k)
                    nodes[node].ambiguous = ambiguous
                }
            }
        }
    }

    /// The text of a token as written, with curly apostrophes made straight.
    static func surface(_ text: String, _ range: Range<Int>) -> String {
        let utf8 = text.utf8
        let lo = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let hi = utf8.index(lo, offsetBy: range.count)
        let s = String(Substring(utf8[lo..<hi]))
        return s.contains("\u{2019}") ? s.replacingOccurrences(of: "\u{2019}", with: "'") : s
    }

    /// All alias matches in one text, leftmost-longest, ambiguous ones included.
    func candidates(in text: String, tokens: [Token]) -> [Mention] {
        var out: [Mention] = []
        var i = 0
        while i < tokens.count {
            let best: (count: Int, node: Int)? = longestMatch(in: text, tokens: tokens, from: i).map { ($0.0, $0.1) }
            if var b = best {
                let entity = nodes[b.node].entity
                // Overlapping aliases of the same entity join up: "President Xi" + "Xi Jinping"
                // is one mention of "President Xi Jinping".
                var k = i + 1
                while k < i + b.count {
                    if let (n, node) = longestMatch(in: text, tokens: tokens, from: k), nodes[node].entity == entity, k + n > i + b.count {
                        b = (k + n - i, node)
                    }
                    k += 1
                }
                out.append(Mention(entity: Int(entity), start: i, count: b.count, ambiguous: nodes[b.node].ambiguous))
                i += b.count
            } else {
                i += 1
            }
        }
        return out
    }

    /// The longest alias starting at token `i`: (tokens it covers, trie node), or nil.
    private func longestMatch(in text: String, tokens: [Token], from i: Int) -> (Int, Int)? {
        guard firstTerms.contains(tokens[i].term) else { return nil }
        var node = 0
        var best: (Int, Int)? = nil
        var j = i
        while j < tokens.count {
            // Consecutive words only: a gap (a dropped token) ends the walk.
            if j > i && tokens[j].position != tokens[j - 1].position + 1 { break }
            guard let next = nodes[node].children[Recognizer.surface(text, tokens[j].byteRange)] else { break }
            node = Int(next)
            j += 1
            if nodes[node].entity >= 0 && endsCleanly(text, tokens[j - 1].byteRange.upperBound) { best = (j - i, node) }
        }
        return best
    }

    /// False when the word goes on after an apostrophe (`Xi'an` split by the simple analyzer);
    /// a possessive `'s` is fine.
    private func endsCleanly(_ text: String, _ end: Int) -> Bool {
        let utf8 = text.utf8
        guard end < utf8.count else { return true }
        let at = utf8.index(utf8.startIndex, offsetBy: end)
        let rest = Array(text[at...].unicodeScalars.prefix(3))
        guard let c = rest.first, c == "'" || c == "\u{2019}" else { return true }
        guard rest.count > 1, rest[1].properties.isAlphabetic else { return true }
        if rest[1] == "s" || rest[1] == "S" { return rest.count < 3 || !rest[2].properties.isAlphabetic }
        return false
    }

    /// The entity mentions of one document's fields, ambiguous aliases decided in context.
    func recognize(_ fields: [(text: String, tokens: [Token])]) -> [[Mention]] {
        let found = fields.map { candidates(in: $0.text, tokens: $0.tokens) }
        var named = Set<Int>()
        for ms in found { for m in ms where !m.ambiguous { named.insert(m.entity) } }
        return zip(fields, found).map { field, ms in
            guard ms.contains(where: \.ambiguous) else { return ms }
            let t = field.tokens
            let bytes = Array(field.text.utf8)
            return ms.filter { m in
                guard m.ambiguous else { return true }
                let end = m.start + m.count
                // Context stays inside the mention's sentence.
                var lo = m.start
                while lo > 0 && m.start - lo < 5 && !Recognizer.sentenceBreak(bytes, t[lo - 1], t[lo]) { lo -= 1 }
                var hi = end
                while hi < t.count && hi - end < 5 && !Recognizer.sentenceBreak(bytes, t[hi - 1], t[hi]) { hi += 1 }
                // "CCTV's coverage" is the broadcaster's; closed-circuit television takes no possessive.
                let possessive = Recognizer.possessiveFollows(bytes, t[end - 1].byteRange.upperBound)
                if !possessive && end < hi && notBefore[m.entity].contains(t[end].term) { return false }
                if t[max(lo, m.start - 3)..<m.start].contains(where: { notAfter[m.entity].contains($0.term) }) { return false }
                if named.contains(m.entity) || possessive { return true }
                if t[end..<min(hi, end + 2)].contains(where: { cluesAfter[m.entity].contains($0.term) }) { return true }
                return (t[lo..<m.start] + t[end..<hi]).contains { clues[m.entity].contains($0.term) }
            }
        }
    }

    /// Whether a sentence ends between two tokens: `.`, `!`, `?` or a line break in the text between them.
    static func sentenceBreak(_ bytes: [UInt8], _ a: Token, _ b: Token) -> Bool {
        guard a.byteRange.upperBound < b.byteRange.lowerBound else { return false }
        for k in a.byteRange.upperBound..<b.byteRange.lowerBound {
            switch bytes[k] {
            case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), 0x0A:
                // A dot between digits or inside an abbreviation is no sentence end; a dot before a space is.
                if bytes[k] == UInt8(ascii: "."), k + 1 < bytes.count, bytes[k + 1] != 0x20, bytes[k + 1] != 0x0A { continue }
                return true
            default:
                continue
            }
        }
        return false
    }

    /// Whether `'s` or `’s` follows at byte `at`.
    static func possessiveFollows(_ bytes: [UInt8], _ at: Int) -> Bool {
        if at + 1 < bytes.count, bytes[at] == UInt8(ascii: "'"), bytes[at + 1] == UInt8(ascii: "s") { return true }
        if at + 3 < bytes.count, bytes[at] == 0xE2, bytes[at + 1] == 0x80, bytes[at + 2] == 0x99, bytes[at + 3] == UInt8(ascii: "s") { return true }
        return false
    }
}
