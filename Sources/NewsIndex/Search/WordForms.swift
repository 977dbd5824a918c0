import NewsIndexAnalysis
import NewsIndexCore

/// The other forms of a query word that an index of unstemmed words holds: the words that
/// Snowball's English stemmer takes to the same stem (`cooperate` → `cooperation`, `cooperated`,
/// `cooperating`), for the news ranking, which matches them and scores them below the exact form.
///
/// The forms are not found by stemming the whole dictionary: the stem and the word are extended
/// with the endings English inflection and derivation use (`-s`, `-ed`, `-ing`, `-ion`, `-ly`, …,
/// with a doubled last consonant and `y`/`i` swapped), each candidate is stemmed, and only those
/// with the word's stem are looked up. So a word costs a few dozen stems and a handful of
/// dictionary lookups, and a form no ending reaches (`went` for `go`) is not found.
enum WordForms {
    /// Endings tried after the word, the stem and their variants.
    static let endings = ["", "s", "es", "ed", "d", "ing", "ings", "er", "ers", "or", "ors", "ion", "ions", "ation", "ations",
                          "ly", "ment", "ments", "ness", "ity", "ities", "ive", "al", "ally", "ies", "ied", "e", "ence", "ance",
                          "ant", "ants", "ent", "ents", "ism", "ist", "ists", "ian", "ians", "ic", "ical"]

    /// The longest word the forms are looked for (longer words are taken as they are).
    static let maxLength = 30

    /// The most dictionary words read per field and segment when looking for a word's forms.
    static let maxScanned = 200

    /// Candidate forms of `word` (lower-case ASCII letters) with the same stem, the word itself left out.
    static func candidates(of word: String, stemmer: SnowballStemmer) -> [String] {
        guard word.utf8.count >= 3, word.utf8.count <= maxLength,
              word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return [] }
        let stem = stemmer.stem(word)
        var bases: Set<String> = [word, stem]
        if stem.hasSuffix("i") { bases.insert(String(stem.dropLast()) + "y") }
        if word.hasSuffix("e") { bases.insert(String(word.dropLast())) }
        if let last = stem.last, !"aeiouy".contains(last) { bases.insert(stem + String(last)) }
        var seen: Set<String> = [word]
        var out: [String] = []
        for base in bases.sorted() {
            for ending in endings {
                let c = base + ending
                guard c.utf8.count >= 3, seen.insert(c).inserted, stemmer.stem(c) == stem else { continue }
                out.append(c)
            }
        }
        return out.sorted()
    }
}

/// The forms of words an open index holds, as ``QueryPlanner/otherForms(of:)`` found them, kept
/// with the reader (its segments and deletes do not change): a word's forms are looked for in
/// the dictionaries once, not on every query that has the word.
final class WordFormsCache: Sendable {
    /// The most words kept; when it is reached, the cache starts again empty.
    static let capacity = 8192
    private let forms = Locked<[String: [String]]>([:])

    /// The forms of `word`, made by `find` the first time they are asked for.
    func forms(of word: String, find: () throws -> [String]) rethrows -> [String] {
        if let known = forms.withLock({ $0[word] }) { return known }
        // Found outside the lock: two threads may both look a new word up, and keep the same forms.
        let found = try find()
        forms.withLock { forms in
            if forms.count >= Self.capacity { forms.removeAll(keepingCapacity: true) }
            forms[word] = found
        }
        return found
    }
}

extension QueryPlanner {
    /// The forms of `word` that the title or body of this index holds (see ``WordForms``), sorted;
    /// empty when the analyzer stems already or the word has no other form here.
    ///
    /// The dictionary is read from the longest prefix that the word, its stem, the stem with a
    /// final `i` read as `y` and the word without a final `e` share (`mak` for `make` and
    /// `making`, `cit` for `cities` and `city`), at most ``WordForms/maxScanned`` words per
    /// field and segment; for a prefix of 3 letters or fewer, or past that many words, the
    /// candidates of ``WordForms/candidates(of:stemmer:)`` are looked up instead. With given
    /// statistics (the second phase of an archive's search), the forms are the words with the
    /// same stem they hold, the same in every index. Otherwise the forms found are kept with the
    /// reader (``WordFormsCache``).
    func otherForms(of word: String) throws -> [String] {
        guard wordForms, index.analyzer == .news, word.utf8.count >= 3, word.utf8.count <= WordForms.maxLength,
              word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return [] }
        if let given = statistics.givenWords(.body), let titles = statistics.givenWords(.title) {
            return try forms(of: word) { _, keep in
                for w in given + titles { keep(w) }
                return true
            }
        }
        return try index.derived.value(WordFormsCache.self) { WordFormsCache() }.forms(of: word) {
            try forms(of: word) { prefix, keep in try scanDictionaries(prefix, keep) }
        }
    }

    /// The words `offer` passes to its argument that have the stem of `word` (without `word`),
    /// sorted; `offer` is given the prefix they share and returns whether it offered them all
    /// (when not, the candidates of ``WordForms/candidates(of:stemmer:)`` are looked up).
    private func forms(of word: String, offer: (_ prefix: String, _ keep: (String) -> Void) throws -> Bool) throws -> [String] {
        guard let stemmer = SnowballStemmer(algorithm: "english") else { return [] }
        let stem = stemmer.stem(word)
        func common(_ a: String, _ b: String) -> String { String(zip(a, b).prefix { $0 == $1 }.map(\.0)) }
        var prefix = common(word, stem)
        if stem.hasSuffix("i") { prefix = common(prefix, String(stem.dropLast()) + "y") }
        if word.hasSuffix("e") { prefix = common(prefix, String(word.dropLast())) }
        var found = Set<String>()
        let complete = try offer(prefix) { w in
            if w != word, w.utf8.count <= WordForms.maxLength, stemmer.stem(w) == stem { found.insert(w) }
        }
        if !complete {
            found = []
            for c in WordForms.candidates(of: word, stemmer: stemmer) {
                if try statistics.docFreq(.body, c) > 0 || statistics.docFreq(.title, c) > 0 { found.insert(c) }
            }
        }
        return found.sorted()
    }

    /// Offers `keep` the title and body words of every segment under `prefix`; false for a
    /// prefix of 3 letters or fewer, or past ``WordForms/maxScanned`` words in a field and segment.
    private func scanDictionaries(_ prefix: String, _ keep: (String) -> Void) throws -> Bool {
        guard prefix.utf8.count > 3 else { return false }
        for f in [IndexedField.body, .title] {
            let start = SegmentReader.key(f, prefix)
            for seg in index.segments {
                var seen = 0
                try seg.scanTerms(from: start) { key, info in
                    guard key.starts(with: start) else { return false }
                    seen += 1
                    if seen > WordForms.maxScanned { return false }
                    if let deletes = seg.deletes, try deletes.docFreq(key) >= info.docFreq { return true }
                    keep(String(decoding: key.dropFirst(), as: UTF8.self))
                    return true
                }
                if seen > WordForms.maxScanned { return false }
            }
        }
        return true
    }
}
