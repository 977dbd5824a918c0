import NewsIndexCore
/// Finds entity mentions in analyzed text.
///
/// One pass over the tokens: at each token, walk a trie of alias words as they are written
/// (case-sensitive, curly and straight apostrophes alike; a word in capitals also as the alias
/// word in the usual case, `PUTIN` as `Putin`) as far as the text allows and take the
/// longest alias that ends there (leftmost-longest: `China Central Television` wins over `China`),
/// then continue after it. Tokens come from the index's analyzer, so a possessive (`Xi’s`) is the
/// word `Xi`, and `Xi'an` is one word that is not `Xi`. A quick check on the analyzed term
/// (is it the first word of any alias?) keeps the walk off almost every token; the context rules
/// below run only on the matches, looking only inside the mention's sentence.
///
/// **One-word aliases of people** (`Xi`, `Putin`, `Biden`: entities of type `person`) are words
/// too, so three classes of context rule them out:
/// 1. *the name as a word*: the alias alone in quotes (`"Xi"`, `“Xi,”`, `‘Xi’`), after a noun
///    that talks about words (`the name Xi`, `the character Xi`, `the surname Putin`; also `word`,
///    `term`, `syllable`, `letter`, `acronym`, `nickname`, …), after `spelled`, `pronounced`,
///    `written`, after a naming verb that follows a common noun or `is`/`was` (`a village called Xi`,
///    `a man named Xi`, `the river is called Xi`; not `Trump called Xi` or `he called Xi`), before
///    `means`, `meaning`, `stands for`, `translates` (`Xi means west`; not `means that`/`means to`), or
///    as the subject of `is a … surname/character/word`;
/// 2. *a picture credit*: the name run it belongs to (`Tan Xi`) after `Photo:`, `Photo by`,
///    `Picture:`, `Image:`, `Credit:`, `Copyright`, `©`, `(Reuters: …)`, or after an outlet and a
///    slash (`(Reuters/…)`, `AP Photo/…`), or before a slash and an outlet or `For`
///    (`Tan Xi / For China Daily`, `…/Getty Images`), and ending the credit (`Photo: Xi speaks` is a
///    caption, not a credit): the name there is the photographer's;
/// 3. *another person's name*: right after a capitalized word, a single space between, that is not a
///    word of the entity's own aliases (`Vladimir`, `President`), another person's one-word alias
///    (`Putin Xi talks`), a word of a place, organization or outlet,
///    a title (`Chairman`, `Comrade`), a nationality, a day, a month or a function word (`When Xi`,
///    `Then Putin`), unless the sentence is in title case (a headline: `Trump Meets Xi in Beijing`).
///    So `Tan Xi`, `Li Xi` and `Hunter Biden` are not Xi and Biden; `President Xi`,
///    `Chinese President Xi` and `Xi Jinping` are whole aliases, so they always count. The same
///    holds right before such a word, surname first as Chinese names are written (`Xi Mingze`,
///    `the Xi River`; not before an alias's own words or `Administration`, `Thought`, …). A
///    document that uses a one-word alias for someone else so, and never names the entity with
///    a longer alias, has its bare mentions ruled out too (`Xi Wen won … Xi said`).
///
/// **Ambiguous aliases** (marked `?` in the entities file, such as `CCTV`) count only in context,
/// decided per document:
/// 1. never when the next word is one of the entity's `not-before` words (`CCTV footage`,
///    `CCTV cameras`; not after a possessive: `CCTV's coverage`), when one of the three words before
///    is a `not-after` word (`caught on CCTV`, `police … CCTV`), or when it is talked about as a word
///    (rule 1 above, quotes excepted: a broadcaster in quotes still needs its clues, and finds them);
/// 2. otherwise, when the alias is possessive (`CCTV's`), when one of the two words right after
///    is a `clues-after` word (`CCTV reported`, `…, CCTV said`), when one of the three words before is
///    a `clues-before` word (`told CCTV`, `according to CCTV`, `aired on CCTV`), when one of the five
///    words before or after is a `clue` (`state broadcaster CCTV`, `CNN affiliate CCTV`), or when the
///    same document names the entity unambiguously elsewhere (`China Central Television`, `CCTV-13`).
///    An entity's context words include those of its context classes (`class: broadcaster`), so
///    one `@broadcaster` line gives every broadcaster the same clues.
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
    private(set) var clues: [Set<String>] = []
    private(set) var cluesBefore: [Set<String>] = []
    private(set) var cluesAfter: [Set<String>] = []
    private(set) var notBefore: [Set<String>] = []
    private(set) var notAfter: [Set<String>] = []
    /// Per entity: whether it is a person, whose one-word aliases get the person rules.
    private(set) var isPerson: [Bool] = []
    /// Per entity: the analyzed words of its aliases (`vladimir`, `president`), never another person's given name.
    private(set) var ownWords: [Set<String>] = []
    /// Analyzed words of the aliases of places, organizations and outlets, never a given name.
    private(set) var nonPersonWords = Set<String>()
    /// Analyzed words of outlet aliases (places' words taken out) and photo agencies, for credits.
    private(set) var outletWords = Set<String>()
    /// The one-word aliases of people (`putin`, `trump`): surnames, not given names ("Putin Xi talks").
    private(set) var surnameWords = Set<String>()
    let rules: RuleWords
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
        rules = RuleWords(analyzer)
        var placeWords = Set<String>()
        for e in gazetteer.entities where e.type != "person" {
            for alias in e.aliases + e.ambiguousAliases {
                for t in analyzer.tokens(alias) {
                    nonPersonWords.insert(t.term)
                    if e.type == "place" { placeWords.insert(t.term) }
                    if e.type == "media" { outletWords.insert(t.term) }
                }
            }
        }
        outletWords.subtract(placeWords)
        outletWords.formUnion(Recognizer.photoAgencies.map { analyzer.tokens($0).first?.term ?? $0 })
        for (k, e) in gazetteer.entities.enumerated() {
            let cs = gazetteer.classes.filter { e.classes.contains($0.name) }
            clues.append(termSet(e.clues + cs.flatMap(\.clues)))
            cluesBefore.append(termSet(e.cluesBefore + cs.flatMap(\.cluesBefore)))
            cluesAfter.append(termSet(e.cluesAfter + cs.flatMap(\.cluesAfter)))
            notBefore.append(termSet(e.notBefore + cs.flatMap(\.notBefore)))
            notAfter.append(termSet(e.notAfter + cs.flatMap(\.notAfter)))
            isPerson.append(e.type == "person")
            if e.type == "person" {
                for alias in e.aliases { let ts = analyzer.tokens(alias); if ts.count == 1 { surnameWords.insert(ts[0].term) } }
            }
            ownWords.append(Set((e.aliases + e.ambiguousAliases).flatMap { analyzer.tokens($0).map(\.term) }))
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

    /// The alias word an all-capitals token spells in the usual case (`PUTIN` → `Putin`,
    /// `PRESIDENT` → `President`), as headlines and datelines in capitals write names.
    @inline(__always)
    private func capitalsWord(_ bytes: UnsafeBufferPointer<UInt8>, _ s: Span) -> Int32? {
        let range = Int(s.start)..<Int(s.end)
        guard range.count >= 2, range.allSatisfy({ bytes[$0] >= 0x41 && bytes[$0] <= 0x5A }) else { return nil }
        var copy = Array(bytes[range])
        for k in 1..<copy.count { copy[k] |= 0x20 }
        return copy.withUnsafeBufferPointer { words.find(tag: 0, $0) }
    }

    /// The shortest one-word alias taken from capitals alone (`XI` is also a Roman numeral:
    /// `Louis XI`, `the starting XI`; `XI JINPING` and `PRESIDENT XI` still count).
    static let shortestCapitalsAlias = 4

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
        guard firstByte[Int(bytes[Int(spans[i].start)])] else { return nil }
        var capitals = false
        guard let first = word(bytes, spans[i]) ?? { capitals = true; return capitalsWord(bytes, spans[i]) }(), isFirstWord[Int(first)] else {
            return nil
        }
        var node = 0
        var best: (Int, Int)? = nil
        var j = i
        while j < spans.count {
            // Consecutive words only: a gap (a dropped token) ends the walk.
            if j > i && spans[j].position != spans[j - 1].position + 1 { break }
            guard let w = j == i ? first : word(bytes, spans[j]) ?? capitalsWord(bytes, spans[j]), let next = children[node << 32 | Int(w)] else { break }
            node = Int(next)
            j += 1
            // A one-word alias in capitals needs a few letters (XI may be a numeral).
            if capitals && j - i == 1 && spans[i].end - spans[i].start < Recognizer.shortestCapitalsAlias { continue }
            if nodeEntity[node] >= 0 && Recognizer.endsCleanly(bytes, Int(spans[j - 1].end)) { best = (j - i, node) }
        }
        return best
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
    /// `term(f, k)` is the analyzed term of token `k` of field `f` (asked only around the
    /// mentions that need context: ambiguous aliases and one-word aliases of people).
    package func recognize(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [[Span]], term: (Int, Int) -> String) -> [[Mention]] {
        let found = fields.map { candidates(bytes, $0) }
        guard found.contains(where: { $0.contains(where: { $0.ambiguous || (isPerson[$0.entity] && $0.count == 1) }) }) else { return found }
        // The contexts hold `term` only while this call runs.
        return withoutActuallyEscaping(term) { decide(found, bytes, fields, term: $0) }
    }
}
