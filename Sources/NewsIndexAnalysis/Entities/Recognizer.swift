import NewsIndexCore
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
// @unchecked Sendable: init fills the tables, which are only read afterwards.
package final class Recognizer: @unchecked Sendable {
    package let gazetteer: Gazetteer
    package let analyzer: Analyzer
    /// Alias words as written (curly apostrophes made straight) → word number.
    private var words = ByteKeyTable()
    /// Trie edges: `node << 32 | word` → child node.
    private var children: [Int: Int32] = [:]
    private var nodeEntity: [Int32] = [-1]
    private var nodeAmbiguous: [Bool] = [false]
    /// Whether word `w` starts some alias, and whether some alias starts with byte `b`.
    private var isFirstWord: [Bool] = []
    private var firstByte = [Bool](repeating: false, count: 256)
    private var clues: [Set<String>] = []
    private var cluesAfter: [Set<String>] = []
    private var notBefore: [Set<String>] = []
    private var notAfter: [Set<String>] = []
    /// Each entity's index term (`\u{1}` + lower-cased name), as a string and as UTF-8.
    package let terms: [String]
    package let termBytes: [[UInt8]]

    /// A mention: the entity's index in the gazetteer and the tokens it covers.
    package struct Mention: Equatable {
        package var entity: Int
        package var start: Int
        package var count: Int
        package var ambiguous: Bool
    }

    /// A token as the recognizer sees it: its position and the byte range of its source text.
    package struct Span {
        package var position: Int32
        package var start: Int32
        package var end: Int32

        @inlinable
        package init(position: Int32, start: Int32, end: Int32) {
            self.position = position
            self.start = start
            self.end = end
        }
    }

    package init(gazetteer: Gazetteer, analyzer: Analyzer) {
        self.gazetteer = gazetteer
        self.analyzer = analyzer
        terms = gazetteer.entities.map(\.term)
        termBytes = terms.map { Array($0.utf8) }
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
                guard !tokens.isEmpty else { continue }
                var node = 0
                for (n, t) in tokens.enumerated() {
                    let surface = Array(Recognizer.surface(alias, t.byteRange).utf8)
                    let word = surface.withUnsafeBufferPointer { words.insert(tag: 0, $0).id }
                    if word >= isFirstWord.count { isFirstWord.append(false) }
                    if n == 0 {
                        isFirstWord[Int(word)] = true
                        firstByte[Int(surface[0])] = true
                    }
                    let edge = node << 32 | Int(word)
                    if let next = children[edge] {
                        node = Int(next)
                    } else {
                        nodeEntity.append(-1)
                        nodeAmbiguous.append(false)
                        children[edge] = Int32(nodeEntity.count - 1)
                        node = nodeEntity.count - 1
                    }
                }
                // The first entity listed keeps an alias two entities share.
                if nodeEntity[node] < 0 {
                    nodeEntity[node] = Int32(k)
                    nodeAmbiguous[node] = ambiguous
                }
            }
        }
    }

    /// The text of a token as written, with curly apostrophes made straight.
    package static func surface(_ text: String, _ range: Range<Int>) -> String {
        var bytes = Array(text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: range.lowerBound)...].prefix(range.count))
        Recognizer.straighten(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces each `’` (E2 80 99) in `bytes` with `'`.
    package static func straighten(_ bytes: inout [UInt8]) {
        guard bytes.contains(0xE2) else { return }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0xE2 && i + 2 < bytes.count && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x99 {
                out.append(UInt8(ascii: "'"))
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        bytes = out
    }

    /// The alias word a token's source text spells, if any alias uses it.
    @inline(__always)
    private func word(_ bytes: UnsafeBufferPointer<UInt8>, _ s: Span) -> Int32? {
        let range = Int(s.start)..<Int(s.end)
        var curly = false
        for k in range where bytes[k] == 0xE2 { curly = true; break }
        if !curly { return words.find(tag: 0, UnsafeBufferPointer(rebasing: bytes[range])) }
        var copy = Array(bytes[range])
        Recognizer.straighten(&copy)
        return copy.withUnsafeBufferPointer { words.find(tag: 0, $0) }
    }

    /// All alias matches in one field, leftmost-longest, ambiguous ones included.
    private func candidates(_ bytes: UnsafeBufferPointer<UInt8>, _ spans: [Span]) -> [Mention] {
        var out: [Mention] = []
        var i = 0
        while i < spans.count {
            if var b = longestMatch(bytes, spans, from: i) {
                let entity = nodeEntity[b.node]
                // Overlapping aliases of the same entity join up: "President Xi" + "Xi Jinping"
                // is one mention of "President Xi Jinping".
                var k = i + 1
                while k < i + b.count {
                    if let m = longestMatch(bytes, spans, from: k), nodeEntity[m.node] == entity, k + m.count > i + b.count {
                        b = (k + m.count - i, m.node)
                    }
                    k += 1
                }
                out.append(Mention(entity: Int(entity), start: i, count: b.count, ambiguous: nodeAmbiguous[b.node]))
                i += b.count
            } else {
                i += 1
            }
        }
        return out
    }

    /// The longest alias starting at token `i`: (tokens it covers, trie node), or nil.
    @inline(__always)
    private func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, _ spans: [Span], from i: Int) -> (count: Int, node: Int)? {
        guard firstByte[Int(bytes[Int(spans[i].start)])], let first = word(bytes, spans[i]), isFirstWord[Int(first)] else { return nil }
        var node = 0
        var best: (Int, Int)? = nil
        var j = i
        while j < spans.count {
            // Consecutive words only: a gap (a dropped token) ends the walk.
            if j > i && spans[j].position != spans[j - 1].position + 1 { break }
            guard let w = j == i ? first : word(bytes, spans[j]), let next = children[node << 32 | Int(w)] else { break }
            node = Int(next)
            j += 1
            if nodeEntity[node] >= 0 && Recognizer.endsCleanly(bytes, Int(spans[j - 1].end)) { best = (j - i, node) }
        }
        return best
    }

    /// False when the word goes on after an apostrophe (`Xi'an` split by the simple analyzer);
    /// a possessive `'s` is fine.
    package static func endsCleanly(_ bytes: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
        guard end < bytes.count else { return true }
        var at = end
        if bytes[at] == UInt8(ascii: "'") {
            at += 1
        } else if bytes[at] == 0xE2 && at + 2 < bytes.count && bytes[at + 1] == 0x80 && bytes[at + 2] == 0x99 {
            at += 3
        } else {
            return true
        }
        guard at < bytes.count, let (c, n) = scalar(bytes, at), c.properties.isAlphabetic else { return true }
        if c == "s" || c == "S" {
            guard at + n < bytes.count, let (d, _) = scalar(bytes, at + n) else { return true }
            return !d.properties.isAlphabetic
        }
        return false
    }

    /// The Unicode scalar at byte `i` and its length, or nil inside a malformed sequence.
    private static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Unicode.Scalar, Int)? {
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2
        guard i + n <= bytes.count else { return nil }
        var v = UInt32(b0) & (0x7F >> UInt32(n))
        for k in 1..<n { v = v << 6 | UInt32(bytes[i + k] & 0x3F) }
        return Unicode.Scalar(v).map { ($0, n) }
    }

    /// The entity mentions of one document's fields, ambiguous aliases decided in context.
    package func recognize(_ fields: [(text: String, tokens: [Token])]) -> [[Mention]] {
        // All fields in one buffer, a line break between them.
        var bytes: [UInt8] = []
        var spans: [[Span]] = []
        for f in fields {
            let base = bytes.count
            bytes.append(contentsOf: f.text.utf8)
            bytes.append(0x0A)
            spans.append(f.tokens.map { Span(position: Int32($0.position), start: Int32(base + $0.byteRange.lowerBound), end: Int32(base + $0.byteRange.upperBound)) })
        }
        return bytes.withUnsafeBufferPointer { buf in
            recognize(buf, spans) { f, k in fields[f].tokens[k].term }
        }
    }

    /// The entity mentions of one document's fields, given as token spans over `bytes`;
    /// `term(f, k)` is the analyzed term of token `k` of field `f` (asked only around ambiguous aliases).
    package func recognize(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [[Span]], term: (Int, Int) -> String) -> [[Mention]] {
        let found = fields.map { candidates(bytes, $0) }
        guard found.contains(where: { $0.contains(where: \.ambiguous) }) else { return found }
        var named = Set<Int>()
        for ms in found { for m in ms where !m.ambiguous { named.insert(m.entity) } }
        return found.enumerated().map { f, ms in
            guard ms.contains(where: \.ambiguous) else { return ms }
            let t = fields[f]
            return ms.filter { m in
                guard m.ambiguous else { return true }
                let end = m.start + m.count
                // Context stays inside the mention's sentence.
                var lo = m.start
                while lo > 0 && m.start - lo < 5 && !Recognizer.sentenceBreak(bytes, t[lo - 1], t[lo]) { lo -= 1 }
                var hi = end
                while hi < t.count && hi - end < 5 && !Recognizer.sentenceBreak(bytes, t[hi - 1], t[hi]) { hi += 1 }
                // "CCTV's coverage" is the broadcaster's; closed-circuit television takes no possessive.
                let possessive = Recognizer.possessiveFollows(bytes, Int(t[end - 1].end))
                if !possessive && end < hi && notBefore[m.entity].contains(term(f, end)) { return false }
                if (max(lo, m.start - 3)..<m.start).contains(where: { notAfter[m.entity].contains(term(f, $0)) }) { return false }
                if named.contains(m.entity) || possessive { return true }
                if (end..<min(hi, end + 2)).contains(where: { cluesAfter[m.entity].contains(term(f, $0)) }) { return true }
                return (Array(lo..<m.start) + Array(end..<hi)).contains { clues[m.entity].contains(term(f, $0)) }
            }
        }
    }

    /// Whether a sentence ends between two tokens: `.`, `!`, `?` or a line break in the text between them.
    package static func sentenceBreak(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Span, _ b: Span) -> Bool {
        guard a.end < b.start else { return false }
        for k in Int(a.end)..<Int(b.start) {
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
    package static func possessiveFollows(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Bool {
        if at + 1 < bytes.count, bytes[at] == UInt8(ascii: "'"), bytes[at + 1] == UInt8(ascii: "s") { return true }
        if at + 3 < bytes.count, bytes[at] == 0xE2, bytes[at + 1] == 0x80, bytes[at + 2] == 0x99, bytes[at + 3] == UInt8(ascii: "s") { return true }
        return false
    }
}
