import NewsIndexAnalysis

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
    /// same stem they hold, the same in every index.
    func otherForms(of word: String) throws -> [String] {
        guard wordForms, index.analyzer == .news, let stemmer = SnowballStemmer(algorithm: "english"),
              word.utf8.count >= 3, word.utf8.count <= WordForms.maxLength,
              word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return [] }
        let stem = stemmer.stem(word)
        func common(_ a: String, _ b: String) -> String { String(zip(a, b).prefix { $0 == $1 }.map(\.0)) }
        var prefix = common(word, stem)
        if stem.hasSuffix("i") { prefix = common(prefix, String(stem.dropLast()) + "y") }
        if word.hasSuffix("e") { prefix = common(prefix, String(word.dropLast())) }
        var found = Set<String>()
        func keep(_ w: String) {
            if w != word, w.utf8.count <= WordForms.maxLength, stemmer.stem(w) == stem { found.insert(w) }
        }
        if let given = statistics.givenWords(.body), let titles = statistics.givenWords(.title) {
            for w in given + titles { keep(w) }
            return found.sorted()
        }
        var complete = prefix.utf8.count > 3
        if complete {
            scan: for f in [IndexedField.body, .title] {
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
                    if seen > WordForms.maxScanned {
                        complete = false
                        break scan
                    }
                }
            }
        }
        if !complete {
            found = []
            for c in WordForms.candidates(of: word, stemmer: stemmer) {
                if try statistics.docFreq(.body, c) > 0 || statistics.docFreq(.title, c) > 0 { found.insert(c) }
            }
        }
        return found.sorted()
    }
}
