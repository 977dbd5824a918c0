import NewsIndexCore
import NewsIndexAnalysis
import NewsIndexQuery

/// What planning a query searched differently from the query as written, for the results.
final class PlanReport {
    /// One sentence each, in the order they arose, without repeats.
    private(set) var notes: [String] = []

    func note(_ s: String) {
        if !notes.contains(s) { notes.append(s) }
    }
}

/// The words a query's fuzzy words, prefixes and ranges of terms stand for, counted over the
/// whole query against ``Query/maxExpandedWords``.
final class ExpansionCount {
    private(set) var words = 0

    /// Counts `n` more words for the part shown as `shown`; throws past the limit.
    func add(_ n: Int, for shown: String) throws {
        words += n
        let limit = Query.maxExpandedWords
        if words > limit {
            throw NewsIndexError(.badQuery, "the query's fuzzy words, prefixes and ranges stand for more than \(limit) words in this index together (\(words) counting up to \(shown)), too many to search for each; use fewer of them, longer prefixes or fewer edits (~1), or whole words.")
        }
    }
}

/// Fuzzy words and ranges of terms: parts that stand for the terms of the dictionary they
/// match, found by walking the sorted dictionary of each segment.
extension QueryPlanner {
    /// The text fields' words start after the entity terms (marker byte 0x01): a walk of words
    /// starts here.
    static let firstWordByte: UInt8 = 0x02

    /// The terms of `field` within `edits` of `word` over every segment, each with its fewest
    /// edits, live documents only.
    func fuzzyTerms(_ word: String, edits: Int, field f: IndexedField) throws -> [String: Int] {
        let automaton = LevenshteinAutomaton(word, maxEdits: edits)
        let words = f == .title || f == .body
        var found: [String: Int] = [:]
        for seg in index.segments {
            let matches = try automaton.intersect(from: words ? [QueryPlanner.firstWordByte] : []) { from, body in
                try seg.scanTerms(from: [f.rawValue] + from) { key, info in
                    guard key.first == f.rawValue else { return false }
                    return try body(Array(key.dropFirst()))
                }
            }
            for (term, d) in matches {
                // A word only deleted articles hold is not in the index any more.
                if let deletes = seg.deletes, let info = try seg.termInfo(f, String(decoding: term, as: UTF8.self)),
                   try deletes.docFreq([f.rawValue] + term) >= info.docFreq { continue }
                let t = String(decoding: term, as: UTF8.self)
                found[t] = min(found[t] ?? d, d)
            }
        }
        return found
    }

    /// `word~edits`: the OR of the closest ``Query/maxFuzzyExpansions`` words of the index within
    /// `edits` edits, each weighted by `1 − edits / min(length of word, length of term)` (Lucene's
    /// `FuzzyTermsEnum` similarity), so the word itself weighs 1 and a word one edit from a
    /// five-letter word 0.8, and scored with the idf of the most common word found in the field
    /// (blended, as Lucene does; the weight and the idf ratio show in `--explain`'s boost). Terms
    /// as far from the word as it is long (weight 0) are left out.
    func fuzzyPlan(_ word: String, field: Query.Field?, edits: Int) throws -> Plan? {
        let shown = Query.describe(.fuzzy(word, field, edits: edits), nested: true)
        if field == .entity || field == .source {
            throw NewsIndexError(.badQuery, "\(field!.rawValue): takes a name, not a fuzzy word (\(shown)).")
        }
        if edits == 0 { return try plan(.term(word, field)) }
        let tokens = prefixTokens(word, field)
        guard let first = tokens.first else { return nil }
        if tokens.count > 1 {
            if lenient {
                // A search box's `2022-12-~`: the words as they are.
                report?.note("searched \(shown) as plain words: a fuzzy word must be one word")
                return try plan(.term(word, field))
            }
            throw NewsIndexError(.badQuery, "a fuzzy word must be one word, and \(shown) reads as several (\(tokens.map(\.term).joined(separator: " "))); write ~ after one word.")
        }
        // The word as typed (folded) and, when the analyzer stems, its stem: the index holds stems.
        var forms = [first.term]
        if let stem = analyze(first.term, field).first?.term, stem != first.term { forms.append(stem) }
        let fs = fields(field)
        var best: [String: Int] = [:]
        for f in fs {
            for form in forms {
                for (t, d) in try fuzzyTerms(form, edits: edits, field: f) { best[t] = min(best[t] ?? d, d) }
            }
        }
        let length = first.term.unicodeScalars.count
        func weight(_ t: String, _ d: Int) -> Float {
            1 - Float(d) / Float(max(1, min(length, t.unicodeScalars.count)))
        }
        var ranked: [(term: String, edits: Int, docs: Int)] = []
        for (t, d) in best where weight(t, d) > 0 {
            var docs = 0
            for f in fs { docs += try index.docFreq(f, t) }
            ranked.append((t, d, docs))
        }
        ranked.sort { ($0.edits, -$0.docs, $0.term) < ($1.edits, -$1.docs, $1.term) }
        if ranked.count > Query.maxFuzzyExpansions {
            report?.note("\(shown) matches \(ranked.count) words; searched the \(Query.maxFuzzyExpansions) closest (fewest edits, then most documents)")
            ranked.removeSubrange(Query.maxFuzzyExpansions...)
        }
        if ranked.isEmpty { return .nothing }
        try expanded.add(ranked.count, for: shown)
        if wordForms && field == nil {
            // The news ranking: one word over title and body (BM25F, the lead, proximity with the
            // word before): the likest word found, weighed by its likeness (1 - edits / length),
            // with the others as its forms, each counting its likeness over the likest's (at most
            // 1, as the bounds of the scorer assume); so it scores no higher than the likest word
            // would, and equally close words count alike. Its document count is its most common
            // word's (blended, as below). The likest: the first of the fewest edits and most
            // documents among equals.
            let top = ranked.map { weight($0.term, $0.edits) }.max() ?? 1
            let best = ranked.first { weight($0.term, $0.edits) == top } ?? ranked[0]
            let words = ranked.sorted { $0.term < $1.term }
            let span: SpanPlan = words.count == 1 ? .term(best.term) : .union(words.map(\.term), label: "\(best.term)~\(edits)")
            var l = try leaf(label: words.map(\.term).joined(separator: "|"), span: span, fields: fs, scale: scale * top, unionIsShared: true,
                             blended: true)
            l.word = best.term
            l.likeness = words.map { weight($0.term, $0.edits) / top }
            return .leaf(l)
        }
        // Blended document frequencies, as Lucene's TopTermsBlendedFreqScoringRewrite: in each
        // field every word found scores with the idf of the most common of them, so that a rare
        // misspelling (harbor beside harbour) does not outscore the word meant for its rarity.
        var leaves: [Plan] = []
        for f in fs {
            let n = statistics.fieldStats(f).docCount
            let docs = try ranked.map { try statistics.docFreq(f, $0.term) }
            guard let most = docs.max(), most > 0 else { continue }
            let blended = BM25.idf(docFreq: most, docCount: n)
            for (r, d) in zip(ranked, docs) where d > 0 {
                let own = BM25.idf(docFreq: d, docCount: n)
                let ratio = own > 0 ? blended / own : 1
                leaves.append(.leaf(try leaf(label: r.term, span: .term(r.term), fields: [f], scale: scale * weight(r.term, r.edits) * ratio)))
            }
        }
        if leaves.isEmpty { return .nothing }
        return leaves.count == 1 ? leaves[0] : .or(leaves)
    }

    /// `field:[lower TO upper]`: the OR of the field's terms in that range (byte order), like a
    /// prefix, refused past ``Query/maxPrefixExpansions`` terms. Ids are taken as written; the
    /// ends of a range of words are folded as the field folds words (not stemmed).
    func rangePlan(_ field: Query.Field, lower: String?, upper: String?, includeLower: Bool, includeUpper: Bool) throws -> Plan? {
        let shown = Query.describe(.termRange(field, lower: lower, upper: upper, includeLower: includeLower, includeUpper: includeUpper), nested: true)
        func end(_ raw: String?) throws -> [UInt8]? {
            guard let raw else { return nil }
            if field == .id { return Array(raw.utf8) }
            let tokens = prefixTokens(raw, field)
            guard tokens.count == 1 else {
                if lenient { return nil }
                throw NewsIndexError(.badQuery, "each end of a range of words must be one word, and \"\(raw)\" in \(shown) is \(tokens.isEmpty ? "none" : "several").")
            }
            return Array(tokens[0].term.utf8)
        }
        let lo = try end(lower), hi = try end(upper)
        if (lower != nil && lo == nil) || (upper != nil && hi == nil) {
            report?.note("searched nothing for \(shown): an end of a range of words must be one word")
            return .nothing
        }
        // The parser refuses reversed ranges it can compare; ends of other words only once folded.
        if let lo, let hi, hi.lexicographicallyPrecedes(lo) || (lo == hi && !(includeLower && includeUpper)) {
            let why = lo == hi ? "its ends are the same once folded and { } leaves them out" : "its end comes before its start once folded as the index folds words (\"\(String(decoding: hi, as: UTF8.self))\" before \"\(String(decoding: lo, as: UTF8.self))\")"
            if lenient {
                report?.note("searched nothing for \(shown): the range is empty")
                return .nothing
            }
            throw NewsIndexError(.badQuery, "the range \(shown) is empty: \(why); \(lo == hi ? "include both ends with [ ]" : "swap the ends").")
        }
        guard let f = fields(field).first else { return nil }
        let words = f == .title || f == .body
        let start: [UInt8] = [f.rawValue] + (lo ?? (words ? [QueryPlanner.firstWordByte] : []))
        let limit = Query.maxPrefixExpansions
        var terms = Set<String>()
        for seg in index.segments {
            try seg.scanTerms(from: start) { key, info in
                guard key.first == f.rawValue else { return false }
                let term = key.dropFirst()
                if words, let b = term.first, b < QueryPlanner.firstWordByte { return true }
                if let lo, !includeLower, term.elementsEqual(lo) { return true }
                if let hi {
                    if hi.lexicographicallyPrecedes(term) { return false }
                    if !includeUpper && term.elementsEqual(hi) { return false }
                }
                if let deletes = seg.deletes, try deletes.docFreq(key) >= info.docFreq { return true }
                terms.insert(String(decoding: term, as: UTF8.self))
                return terms.count <= limit
            }
            if terms.count > limit {
                throw NewsIndexError(.badQuery, "the range \(shown) stands for more than \(limit) different terms in this index, too many to search for each; narrow the range.")
            }
        }
        if terms.isEmpty { return .nothing }
        try expanded.add(terms.count, for: shown)
        let leaves = try terms.sorted().map { Plan.leaf(try leaf(label: $0, span: .term($0), fields: [f], scale: scale)) }
        return leaves.count == 1 ? leaves[0] : .or(leaves)
    }
}
