import NewsIndexCore
/// Finds entity mentions in analyzed text.
///
/// One pass over the tokens: at each token, walk a trie of alias words as they are written
/// (case-sensitive, curly and straight apostrophes alike) as far as the text allows and take the
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
///    `Chinese President Xi` and `Xi Jinping` are whole aliases, so they always count.
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
    private var clues: [Set<String>] = []
    private var cluesBefore: [Set<String>] = []
    private var cluesAfter: [Set<String>] = []
    private var notBefore: [Set<String>] = []
    private var notAfter: [Set<String>] = []
    /// Per entity: whether it is a person, whose one-word aliases get the person rules.
    private var isPerson: [Bool] = []
    /// Per entity: the analyzed words of its aliases (`vladimir`, `president`), never another person's given name.
    private var ownWords: [Set<String>] = []
    /// Analyzed words of the aliases of places, organizations and outlets, never a given name.
    private var nonPersonWords = Set<String>()
    /// Analyzed words of outlet aliases (places' words taken out) and photo agencies, for credits.
    private var outletWords = Set<String>()
    /// The one-word aliases of people (`putin`, `trump`): surnames, not given names ("Putin Xi talks").
    private var surnameWords = Set<String>()
    private let rules: RuleWords
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
    fileprivate static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Unicode.Scalar, Int)? {
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
    /// `term(f, k)` is the analyzed term of token `k` of field `f` (asked only around the
    /// mentions that need context: ambiguous aliases and one-word aliases of people).
    package func recognize(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [[Span]], term: (Int, Int) -> String) -> [[Mention]] {
        let found = fields.map { candidates(bytes, $0) }
        guard found.contains(where: { $0.contains(where: { $0.ambiguous || (isPerson[$0.entity] && $0.count == 1) }) }) else { return found }
        // The contexts hold `term` only while this call runs.
        return withoutActuallyEscaping(term) { decide(found, bytes, fields, term: $0) }
    }

    /// The candidates that their context confirms.
    private func decide(_ candidates: [[Mention]], _ bytes: UnsafeBufferPointer<UInt8>, _ fields: [[Span]],
                        term: @escaping (Int, Int) -> String) -> [[Mention]] {
        var found = candidates
        // People first: a mention they rule out does not settle an ambiguous alias elsewhere.
        for f in found.indices where found[f].contains(where: { !$0.ambiguous && isPerson[$0.entity] && $0.count == 1 }) {
            let context = Context(bytes: bytes, spans: fields[f], term: { term(f, $0) })
            found[f].removeAll { m in !m.ambiguous && isPerson[m.entity] && m.count == 1 && !personCounts(m, context) }
        }
        guard found.contains(where: { $0.contains(where: \.ambiguous) }) else { return found }
        var named = Set<Int>()
        for ms in found { for m in ms where !m.ambiguous { named.insert(m.entity) } }
        return found.enumerated().map { f, ms in
            guard ms.contains(where: \.ambiguous) else { return ms }
            let context = Context(bytes: bytes, spans: fields[f], term: { term(f, $0) })
            return ms.filter { m in
                guard m.ambiguous else { return true }
                return ambiguousCounts(m, context, named: named.contains(m.entity))
            }
        }
    }

    /// One field's text and tokens, as the context rules read them.
    private struct Context {
        var bytes: UnsafeBufferPointer<UInt8>
        var spans: [Span]
        var term: (Int) -> String

        /// The tokens around `m` in its sentence, at most `reach` on each side: `lo..<start` and `end..<hi`.
        func sentence(_ m: Mention, reach: Int = 5) -> (lo: Int, hi: Int) {
            let t = spans, end = m.start + m.count
            var lo = m.start
            while lo > 0 && m.start - lo < reach && !Recognizer.sentenceBreak(bytes, t[lo - 1], t[lo]) { lo -= 1 }
            var hi = end
            while hi < t.count && hi - end < reach && !Recognizer.sentenceBreak(bytes, t[hi - 1], t[hi]) { hi += 1 }
            return (lo, hi)
        }

        /// The bytes between tokens `a` and `a + 1`.
        func gap(_ a: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[Int(spans[a].end)..<Int(spans[a + 1].start)])
        }

        /// Whether token `k` starts with an upper-case letter.
        func capitalized(_ k: Int) -> Bool {
            guard let (c, _) = Recognizer.scalar(bytes, Int(spans[k].start)) else { return false }
            return c.properties.isUppercase
        }

        /// Whether token `k` starts with a lower-case letter.
        func lowercase(_ k: Int) -> Bool {
            guard let (c, _) = Recognizer.scalar(bytes, Int(spans[k].start)) else { return false }
            return c.properties.isLowercase
        }
    }

    /// Whether an ambiguous alias is the entity, from its sentence and the document.
    private func ambiguousCounts(_ m: Mention, _ c: Context, named: Bool) -> Bool {
        let end = m.start + m.count
        let (lo, hi) = c.sentence(m)
        // "CCTV's coverage" is the broadcaster's; closed-circuit television takes no possessive.
        let possessive = Recognizer.possessiveFollows(c.bytes, Int(c.spans[end - 1].end))
        if !possessive && end < hi && notBefore[m.entity].contains(c.term(end)) { return false }
        let before = max(lo, m.start - 3)..<m.start
        if before.contains(where: { notAfter[m.entity].contains(c.term($0)) }) { return false }
        if m.count == 1 && talkedAboutAsWord(m, c, quotesCount: false) { return false }
        if named || possessive { return true }
        if (end..<min(hi, end + 2)).contains(where: { cluesAfter[m.entity].contains(c.term($0)) }) { return true }
        if before.contains(where: { cluesBefore[m.entity].contains(c.term($0)) }) { return true }
        return (Array(lo..<m.start) + Array(end..<hi)).contains { clues[m.entity].contains(c.term($0)) }
    }

    /// Whether a one-word alias of a person is that person, not a word, a photographer or someone else.
    private func personCounts(_ m: Mention, _ c: Context) -> Bool {
        !talkedAboutAsWord(m, c, quotesCount: true) && !inCredit(m, c) && !afterOtherGivenName(m, c)
    }

    // MARK: The name as a word

    /// Nouns that, right before a name, make it a word talked about ("the name Xi", "the character Xi").
    static let wordNouns: Set<String> = [
        "name", "word", "term", "character", "surname", "syllable", "letter", "acronym", "abbreviation", "initials",
        "nickname", "spelling", "pronunciation", "romanization", "romanisation", "transliteration", "pinyin", "sound", "prefix", "suffix",
    ]
    /// The word lists of the person rules, as the recognizer's analyzer writes them.
    private struct RuleWords {
        var wordNouns, spellingWords, namingVerbs, callers, meaningWords, intendingWords, beVerbs, articles, creditLeads, notGivenNames: Set<String>
        var stands = "stands", for_ = "for", known = "known", as_ = "as", by = "by", of = "of", means = "means", meaning = "meaning"
        var surnames = "surnames", copyright = "copyright", courtesy = "courtesy", credit = "credit"

        init(_ analyzer: Analyzer) {
            func a(_ w: String) -> String { analyzer.tokens(w).first?.term ?? w }
            func set(_ s: Set<String>) -> Set<String> { s.union(s.map(a)) }
            wordNouns = set(Recognizer.wordNouns); spellingWords = set(Recognizer.spellingWords); namingVerbs = set(Recognizer.namingVerbs)
            callers = set(Recognizer.callers); meaningWords = set(Recognizer.meaningWords); intendingWords = set(Recognizer.intendingWords)
            beVerbs = set(Recognizer.beVerbs); articles = set(Recognizer.articles); creditLeads = set(Recognizer.creditLeads)
            notGivenNames = set(Recognizer.notGivenNames.union(ProperNames.commonWords))
            stands = a(stands); for_ = a(for_); known = a(known); as_ = a(as_); by = a(by); of = a(of); means = a(means); meaning = a(meaning)
            surnames = a(surnames); copyright = a(copyright); courtesy = a(courtesy); credit = a(credit)
        }
    }

    /// Words right before a name that make it a word: "spelled Xi", "pronounced Xi".
    static let spellingWords: Set<String> = ["spelled", "spelt", "pronounced", "written", "romanized", "romanised", "transliterated"]
    /// Naming verbs: "a village called Xi", "a man named Xi", "is known as Xi".
    static let namingVerbs: Set<String> = ["called", "named", "dubbed", "nicknamed", "titled", "entitled"]
    /// Words before a naming verb that make it a verb of saying or doing, not a naming:
    /// "he called Xi", "Biden has called Xi", "who called Xi".
    static let callers: Set<String> = [
        "i", "you", "he", "she", "it", "we", "they", "who", "that", "which", "also", "then", "once", "has", "have", "had",
        "will", "would", "could", "should", "can", "may", "might", "must", "did", "does", "do", "and", "or", "but", "not",
        "never", "first", "later", "just", "today", "yesterday", "again", "had", "after", "before", "when",
    ]
    /// Words after a name that say what the word means: "Xi means west", "Xi, meaning west".
    static let meaningWords: Set<String> = ["means", "meaning", "stands", "translates", "translated", "rhymes"]
    /// Words after "means" that make it the verb of intending: "Xi means that …", "Xi means to …".
    static let intendingWords: Set<String> = ["that", "to", "by", "it", "what", "business", "he", "she", "they", "we", "this", "war"]
    /// Be-verbs, and nouns a name is said to be: "Xi is a common surname".
    static let beVerbs: Set<String> = ["is", "was", "are", "were", "be", "been", "being"]
    static let articles: Set<String> = ["a", "an", "the"]

    /// Whether a one-word alias is talked about as a word; quotes alone count when `quotesCount`.
    private func talkedAboutAsWord(_ m: Mention, _ c: Context, quotesCount: Bool) -> Bool {
        let i = m.start, t = c.spans, bytes = c.bytes
        if quotesCount && Recognizer.quotedAlone(bytes, Int(t[i].start), Int(t[i].end)) { return true }
        let (lo, hi) = c.sentence(m, reach: 4)
        let possessive = Recognizer.possessiveFollows(bytes, Int(t[i].end))
        if i > lo {
            let before = c.term(i - 1)
            if rules.wordNouns.contains(before) || rules.spellingWords.contains(before) { return true }
            // "a village called Xi", "the river is called Xi"; not "Trump called Xi", "he called Xi", "called Xi's bluff".
            if !possessive, rules.namingVerbs.contains(before), i - 1 > lo, c.lowercase(i - 2) {
                let w = c.term(i - 2)
                if !rules.callers.contains(w) && !w.hasSuffix("ly") { return true }
            }
            if !possessive, before == rules.as_, i - 1 > lo, c.term(i - 2) == rules.known { return true }
        }
        if i + 1 < hi && !possessive {
            let after = c.term(i + 1)
            if rules.meaningWords.contains(after) {
                if after == rules.stands { return i + 2 < hi && c.term(i + 2) == rules.for_ }
                if after == rules.means || after == rules.meaning { return !(i + 2 < hi && rules.intendingWords.contains(c.term(i + 2))) }
                return true
            }
            // "Xi is a common surname", "Xi was the character …"
            if rules.beVerbs.contains(after), i + 2 < hi, rules.articles.contains(c.term(i + 2)) {
                for k in (i + 3)..<min(hi, i + 5) where rules.wordNouns.contains(c.term(k)) || c.term(k) == rules.surnames { return true }
            }
        }
        return false
    }

    /// Whether the word at `start..<end` is all there is between an opening and a closing quote
    /// (`"Xi"`, `“Xi,”`, `‘Xi’`, `«Xi»`); a possessive `’s` is no closing quote.
    package static func quotedAlone(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard let open = quoteEnding(bytes, at: start, opening: true) else { return false }
        // A straight apostrophe opens a quote only after a space or a bracket ("rock 'n' roll" aside).
        if bytes[open] == UInt8(ascii: "'") && open > 0 && !(bytes[open - 1] == 0x20 || bytes[open - 1] == 0x0A || bytes[open - 1] == UInt8(ascii: "(")) { return false }
        var at = end
        if at < bytes.count && (bytes[at] == UInt8(ascii: ",") || bytes[at] == UInt8(ascii: ".")) { at += 1 }
        guard let close = quoteLength(bytes, at: at, opening: false) else { return false }
        at += close
        guard at < bytes.count, let (c, _) = scalar(bytes, at) else { return true }
        return !c.properties.isAlphabetic
    }

    /// The byte offset of an opening quote that ends right before `at`, if any.
    private static func quoteEnding(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, opening: Bool) -> Int? {
        if at >= 1, let n = quoteLength(bytes, at: at - 1, opening: opening), n == 1 { return at - 1 }
        if at >= 2, let n = quoteLength(bytes, at: at - 2, opening: opening), n == 2 { return at - 2 }
        if at >= 3, let n = quoteLength(bytes, at: at - 3, opening: opening), n == 3 { return at - 3 }
        return nil
    }

    /// The length of the quote mark at `at` (`"`, `'`, `“ ” ‘ ’ „ « »`, `「 」`), or nil.
    private static func quoteLength(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, opening: Bool) -> Int? {
        guard at < bytes.count else { return nil }
        let b = bytes[at]
        if b == 0x22 || b == 0x27 { return 1 }
        if b == 0xC2, at + 1 < bytes.count, bytes[at + 1] == (opening ? 0xAB : 0xBB) { return 2 }
        guard at + 2 < bytes.count else { return nil }
        if b == 0xE2 && bytes[at + 1] == 0x80 {
            // “ 9C ” 9D ‘ 98 ’ 99 „ 9E; a closing German „…“ ends in “.
            let c = bytes[at + 2]
            return (opening ? [0x9C, 0x98, 0x9E] : [0x9D, 0x99, 0x9C]).contains(c) ? 3 : nil
        }
        if b == 0xE3 && bytes[at + 1] == 0x80 && bytes[at + 2] == (opening ? 0x8C : 0x8D) { return 3 }
        return nil
    }

    // MARK: Picture credits

    /// Words that start a picture credit: "Photo: …", "Picture by …", "Copyright …".
    static let creditLeads: Set<String> = [
        "photo", "photos", "photograph", "photographs", "photography", "photographer", "photographed", "picture", "pictures",
        "pic", "pics", "image", "images", "credit", "credits", "copyright", "courtesy", "video", "illustration", "graphic",
    ]
    /// Picture agencies, besides the outlets of the entity list: "Tan Xi/Getty Images".
    static let photoAgencies: Set<String> = [
        "getty", "images", "epa", "efe", "shutterstock", "alamy", "pool", "sipa", "imaginechina", "vcg", "bloomberg",
        "anadolu", "nurphoto", "zuma", "imago", "corbis", "handout", "sputnik", "photo", "photos", "for",
    ]

    /// Whether a one-word alias of a person belongs to a name that a picture credit gives:
    /// "Photo: Tan Xi", "(Reuters/Tan Xi)", "Tan Xi / For China Daily".
    private func inCredit(_ m: Mention, _ c: Context) -> Bool {
        let t = c.spans, bytes = c.bytes
        // The name run: capitalized words around the alias, one space or hyphen apart.
        func joined(_ a: Int) -> Bool {
            let g = c.gap(a)
            return g.count == 1 && (g[0] == 0x20 || g[0] == UInt8(ascii: "-"))
        }
        var a = m.start, b = m.start + 1
        while a > 0 && m.start - a < 3 && joined(a - 1) && c.capitalized(a - 1) && !rules.creditLeads.contains(c.term(a - 1)) && !outletWords.contains(c.term(a - 1)) { a -= 1 }
        while b < t.count && b - m.start < 3 && joined(b - 1) && c.capitalized(b) { b += 1 }
        // What follows the run: a slash and an outlet ("/ For China Daily", "/Getty Images") makes it a credit.
        var at = Int(t[b - 1].end)
        while at < bytes.count && bytes[at] == 0x20 { at += 1 }
        if at < bytes.count && bytes[at] == UInt8(ascii: "/"), b < t.count, Int(t[b].start) > at, outletWords.contains(c.term(b)), c.capitalized(b) {
            return true
        }
        // Otherwise the run must end the credit, and a credit lead, or an outlet and a slash or colon, start it.
        let endsCredit: Bool = {
            guard at < bytes.count else { return true }
            switch bytes[at] {
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "/"), UInt8(ascii: "|"), UInt8(ascii: ";"), 0x0A: return true
            case UInt8(ascii: "."), UInt8(ascii: ","): return at + 1 >= bytes.count || bytes[at + 1] == 0x20 || bytes[at + 1] == 0x0A
            default: return false
            }
        }()
        guard endsCredit else { return false }
        var p = Int(t[a].start)
        while p > 0 && bytes[p - 1] == 0x20 { p -= 1 }
        let lead = a > 0 ? a - 1 : nil
        if p > 0 && (bytes[p - 1] == UInt8(ascii: "/") || bytes[p - 1] == UInt8(ascii: ":")), let lead {
            // "(Reuters/Tan Xi)", "AP Photo/Tan Xi", "Photo: Tan Xi", "(Reuters: Tan Xi)".
            let w = c.term(lead)
            return rules.creditLeads.contains(w) || outletWords.contains(w)
        }
        if p >= 2 && bytes[p - 2] == 0xC2 && bytes[p - 1] == 0xA9 { return true }   // ©
        if let lead {
            let w = c.term(lead)
            if w == rules.copyright || w == rules.courtesy || w == rules.credit { return true }
            // "Photo by Tan Xi", "Photographed by Tan Xi", "courtesy of Tan Xi".
            if (w == rules.by || w == rules.of), lead > 0, !c.gap(lead).isEmpty, rules.creditLeads.contains(c.term(lead - 1)) { return true }
        }
        return false
    }

    // MARK: Another person's name

    /// Capitalized words that are no given name: titles, nationalities, days, months, and the
    /// function words that start sentences.
    static let notGivenNames: Set<String> = [
        "comrade", "chairman", "leader", "presidents", "secretary", "general", "tsar", "czar", "emperor", "dear", "sir",
        "citizen", "mister", "uncle", "papa", "daddy", "vice", "former", "ex", "acting", "strongman", "dictator", "autocrat",
        "chinese", "russian", "soviet", "american", "ukrainian", "british", "french", "german", "japanese", "korean", "indian",
        "turkish", "iranian", "israeli", "syrian", "belarusian", "australian", "canadian", "european", "western", "communist",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "the", "a", "an", "and", "but", "or", "so", "if", "when", "after", "before", "as", "at", "in", "on", "of", "to", "for",
        "with", "by", "from", "then", "while", "since", "until", "because", "although", "though", "why", "how", "what", "who",
        "where", "whether", "meanwhile", "also", "even", "only", "both", "neither", "either", "nor", "yet", "still", "now",
        "today", "yesterday", "tomorrow", "instead", "however", "here", "there", "that", "this", "these", "those", "once",
        "did", "does", "do", "has", "had", "have", "is", "was", "will", "would", "can", "could", "should", "said", "says",
        "thanks", "like", "unlike", "without", "against", "under", "over", "about", "between", "among", "amid", "during",
        "via", "per", "not", "no", "yes", "all", "every", "each", "his", "her", "their", "our", "my", "your", "its",
    ]

    /// Whether a one-word alias follows another person's given name ("Tan Xi", "Hunter Biden").
    private func afterOtherGivenName(_ m: Mention, _ c: Context) -> Bool {
        let i = m.start
        guard i > 0, c.capitalized(i - 1) else { return false }
        let g = c.gap(i - 1)
        guard g.count == 1 && g[0] == 0x20 else { return false }
        let w = c.term(i - 1)
        if ownWords[m.entity].contains(w) || nonPersonWords.contains(w) || surnameWords.contains(w) || rules.notGivenNames.contains(w) {
            return false
        }
        // "Russia's Xi": a possessive is no given name.
        if Recognizer.possessiveFollows(c.bytes, Int(c.spans[i - 1].end)) { return false }
        // A headline in title case ("Trump Meets Xi in Beijing") capitalizes every word.
        let (lo, hi) = c.sentence(m, reach: 4)
        var capitals = 0
        for k in Array(lo..<(i - 1)) + Array((i + 1)..<hi) {
            if c.capitalized(k) { capitals += 1 } else if c.lowercase(k) && c.term(k).count > 3 { return true }
        }
        return capitals == 0
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
