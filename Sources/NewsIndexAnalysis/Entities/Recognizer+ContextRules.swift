/// The context rules that decide a match: a person's name as a word, picture credits, other given names, clues.
extension Recognizer {
    /// The candidates that their context confirms.
    func decide(_ candidates: [[Mention]], _ bytes: UnsafeBufferPointer<UInt8>, _ fields: [[Span]],
                        term: @escaping (Int, Int) -> String) -> [[Mention]] {
        var found = candidates
        // People first: a mention they rule out does not settle an ambiguous alias elsewhere.
        var otherPeople = Set<Int>()
        let fieldCount = found.count
        for f in found.indices where found[f].contains(where: { !$0.ambiguous && isPerson[$0.entity] && $0.count == 1 }) {
            let context = Context(bytes: bytes, spans: fields[f], term: { term(f, $0) })
            found[f].removeAll { m in
                guard !m.ambiguous && isPerson[m.entity] && m.count == 1 else { return false }
                switch personReading(m, context) {
                case .person: return false
                case .otherPerson:
                    // A headline's reading is too weak to carry over the whole document.
                    if f > 0 || fieldCount == 1 { otherPeople.insert(m.entity) }
                    return true
                case .word, .credit: return true
                }
            }
        }
        // A one-word name that is another person's in this document, where the entity is never
        // named in full, is that person's everywhere in it ("Xi Wen won … Xi said after the match").
        if !otherPeople.isEmpty {
            for ms in found { for m in ms where m.count > 1 { otherPeople.remove(m.entity) } }
            for f in found.indices {
                found[f].removeAll { m in !m.ambiguous && m.count == 1 && otherPeople.contains(m.entity) }
            }
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

    /// What a one-word alias of a person is where it stands.
    private enum PersonReading {
        /// The person.
        case person
        /// A word talked about ("the name Xi").
        case word
        /// A photographer's name in a picture credit.
        case credit
        /// Part of another person's name, or of a place's ("Tan Xi", "Xi Mingze", "Xi River").
        case otherPerson
    }

    /// Whether a one-word alias of a person is that person, a word, a photographer or someone else.
    private func personReading(_ m: Mention, _ c: Context) -> PersonReading {
        if talkedAboutAsWord(m, c, quotesCount: true) { return .word }
        if inCredit(m, c) { return .credit }
        if afterOtherGivenName(m, c) || beforeOtherName(m, c) { return .otherPerson }
        return .person
    }

    // MARK: The name as a word

    /// Nouns that, right before a name, make it a word talked about ("the name Xi", "the character Xi").
    static let wordNouns: Set<String> = [
        "name", "word", "term", "character", "surname", "syllable", "letter", "acronym", "abbreviation", "initials",
        "nickname", "spelling", "pronunciation", "romanization", "romanisation", "transliteration", "pinyin", "sound", "prefix", "suffix",
    ]
    /// The word lists of the person rules, as the recognizer's analyzer writes them.
    struct RuleWords {
        var wordNouns, spellingWords, namingVerbs, callers, meaningWords, intendingWords, beVerbs, articles, creditLeads, notGivenNames: Set<String>
        var stands = "stands", for_ = "for", known = "known", as_ = "as", by = "by", of = "of", means = "means", meaning = "meaning"
        var surnames = "surnames", copyright = "copyright", courtesy = "courtesy", credit = "credit", via = "via"
        var nameFollowers: Set<String>

        init(_ analyzer: Analyzer) {
            func a(_ w: String) -> String { analyzer.tokens(w).first?.term ?? w }
            func set(_ s: Set<String>) -> Set<String> { s.union(s.map(a)) }
            wordNouns = set(Recognizer.wordNouns); spellingWords = set(Recognizer.spellingWords); namingVerbs = set(Recognizer.namingVerbs)
            callers = set(Recognizer.callers); meaningWords = set(Recognizer.meaningWords); intendingWords = set(Recognizer.intendingWords)
            beVerbs = set(Recognizer.beVerbs); articles = set(Recognizer.articles); creditLeads = set(Recognizer.creditLeads)
            notGivenNames = set(Recognizer.notGivenNames.union(ProperNames.commonWords))
            stands = a(stands); for_ = a(for_); known = a(known); as_ = a(as_); by = a(by); of = a(of); means = a(means); meaning = a(meaning)
            surnames = a(surnames); copyright = a(copyright); courtesy = a(courtesy); credit = a(credit); via = a(via)
            nameFollowers = set(Recognizer.nameFollowers)
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
    static func quoteEnding(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, opening: Bool) -> Int? {
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
        while b < t.count && b - m.start < 3 && joined(b - 1) && c.capitalized(b) && !rules.creditLeads.contains(c.term(b)) { b += 1 }
        // What follows the run: a slash and an outlet ("/ For China Daily", "/Getty Images") makes it a credit.
        var at = Int(t[b - 1].end)
        while at < bytes.count && bytes[at] == 0x20 { at += 1 }
        if at < bytes.count && bytes[at] == UInt8(ascii: "/"), b < t.count, Int(t[b].start) > at, outletWords.contains(c.term(b)), c.capitalized(b) {
            return true
        }
        // Otherwise the run must end the credit, and a credit lead, or an outlet and a slash or colon, start it.
        let endsCredit: Bool = {
            guard at < bytes.count else { return true }
            // "Xi Lan Image caption …" (the next credit or caption), "Tan Xi via REUTERS".
            if b < t.count && Int(t[b].start) == at {
                if c.capitalized(b) && rules.creditLeads.contains(c.term(b)) { return true }
                if c.term(b) == rules.via && b + 1 < t.count && c.capitalized(b + 1) { return true }
            }
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

    /// Capitalized words after a person's one-word name that leave it the person's:
    /// "the Putin Administration", "Xi Jinping Thought" (besides the words of its aliases).
    static let nameFollowers: Set<String> = [
        "administration", "government", "doctrine", "era", "regime", "presidency", "cabinet", "thought", "camp", "campaign",
        "team", "family", "clan", "loyalists", "allies", "critics", "dada",
    ]

    /// Whether a one-word alias is the first word of another name, one space before a
    /// capitalized word that is not a word of the entity's aliases, another person's one-word
    /// name, a word of a place, organization or outlet, a title, a day, a function word or one
    /// of ``nameFollowers``, in a sentence that reads as prose (not a headline in title case):
    /// the surname before a given name, as Chinese names are written ("Xi Mingze", "Xi
    /// Zhongxun"), or a place ("Xi River").
    private func beforeOtherName(_ m: Mention, _ c: Context) -> Bool {
        let i = m.start
        guard i + 1 < c.spans.count, c.capitalized(i + 1) else { return false }
        let g = c.gap(i)
        guard g.count == 1 && g[0] == 0x20 else { return false }
        let w = c.term(i + 1)
        if ownWords[m.entity].contains(w) || nonPersonWords.contains(w) || surnameWords.contains(w) || rules.notGivenNames.contains(w)
            || rules.nameFollowers.contains(w) {
            return false
        }
        let (lo, hi) = c.sentence(m, reach: 4)
        guard i + 1 < hi else { return false }
        // Prose, not a headline in title case ("Xi Warns Against Protectionism", "Putin Warns
        // West against Escalation", "Trump Indicted"): more long words in small letters than
        // capitalized ones around it.
        let (lower, capitals) = caseCounts(c, Array(lo..<i) + Array((i + 2)..<hi))
        return lower > capitals
    }

    /// Among tokens `ks`: the words of 4 letters or more in small letters, and the capitalized
    /// words, the parts after a hyphen left out ("Re-election", "Long-term").
    private func caseCounts(_ c: Context, _ ks: [Int]) -> (lower: Int, capitals: Int) {
        var lower = 0, capitals = 0
        for k in ks {
            if k > 0 {
                let g = c.gap(k - 1)
                if g.count == 1 && g[0] == UInt8(ascii: "-") { continue }
            }
            if c.capitalized(k) { capitals += 1 } else if c.lowercase(k) && c.term(k).count > 3 { lower += 1 }
        }
        return (lower, capitals)
    }

    /// Whether a one-word alias follows another person's given name ("Tan Xi", "Hunter Biden").
    private func afterOtherGivenName(_ m: Mention, _ c: Context) -> Bool {
        let i = m.start
        guard i > 0, c.capitalized(i - 1) else { return false }
        let g = c.gap(i - 1)
        guard g.count == 1 && g[0] == 0x20 else { return false }
        // A quotation starts with a capital as a sentence does: 'banners reading "Follow Xi"'.
        if Recognizer.quoteEnding(c.bytes, at: Int(c.spans[i - 1].start), opening: true) != nil { return false }
        let w = c.term(i - 1)
        if ownWords[m.entity].contains(w) || nonPersonWords.contains(w) || surnameWords.contains(w) || rules.notGivenNames.contains(w) {
            return false
        }
        // "Russia's Xi": a possessive is no given name.
        if Recognizer.possessiveFollows(c.bytes, Int(c.spans[i - 1].end)) { return false }
        // A headline in title case ("Trump Meets Xi in Beijing") capitalizes every word.
        let (lo, hi) = c.sentence(m, reach: 4)
        let (lower, capitals) = caseCounts(c, Array(lo..<(i - 1)) + Array((i + 1)..<hi))
        return lower > 0 || capitals == 0
    }
}
