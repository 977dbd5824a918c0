import NewsIndexCore
import NewsIndexQuery

extension IndexReader {
    /// "Did you mean": `query` with each of its words that no document (or hardly any) holds
    /// replaced by a close word of the index that many documents hold, best first.
    ///
    /// ```swift
    /// let results = try index.search(Query.parse("kremln walls"))
    /// if results.totalHits == 0 { print(try index.suggestions(for: Query.parse("kremln walls"))) }
    /// // ["kremlin walls"]
    /// ```
    ///
    /// A word is replaced when at most 2 documents hold it; its replacements are the words of
    /// the same field within 1 edit (words of 3 to 5 letters; 2 for a word of 4 or 5 letters that
    /// has none within 1) or 2 edits (longer words), found with the Levenshtein automaton of
    /// fuzzy words (`word~2`), that at least one document holds and ten times as many documents
    /// as the word itself; the fewest edits win, then the most documents. A prefix
    /// (`samarcand*`) is replaced as its word is. Words shorter than 3 letters, phrases'
    /// prefixes, fuzzy words, ids, sources and entities are kept as they are. A query with `or`,
    /// `and` or `not` in small letters (outside quotes) is offered as the same query with those
    /// operators in capitals instead. Replacements are the index's terms: with the `english`
    /// analyzer, stems (`cooper` for `cooperaton`), which match what the word would have.
    /// ``IndexReader/search(_:options:)`` fills ``SearchResults/suggestions`` with this when
    /// nothing matches.
    ///
    /// - Parameters:
    ///   - query: The query that found nothing (parsed or built).
    ///   - limit: The most suggestions (the first replaces each word by its best replacement,
    ///     the second by its second best where it has one, and so on).
    /// - Returns: Queries in query syntax, empty when no word needs or has a replacement.
    /// - Complexity: One walk of the term dictionary per unknown word and segment, skipping every
    ///   run of terms whose prefix is already too far from the word.
    public func suggestions(for query: Query, limit: Int = 3) throws -> [String] {
        try Suggester(readers: [self]).suggestions(for: query, limit: limit)
    }
}

extension Archive {
    /// "Did you mean" over all the indexes, their document counts added up (see
    /// ``IndexReader/suggestions(for:limit:)``).
    ///
    /// - Parameters:
    ///   - query: The query that found nothing.
    ///   - limit: The most suggestions.
    /// - Returns: Queries in query syntax, best first.
    public func suggestions(for query: Query, limit: Int = 3) throws -> [String] {
        try Suggester(readers: indexes).suggestions(for: query, limit: limit)
    }
}

/// Finds the replacements of a query's rare words over one or more indexes.
struct Suggester {
    let readers: [IndexReader]
    /// A word held by more documents than this is never replaced.
    static let rareDocuments = 2
    /// A replacement must be held by this many times more documents than the word.
    static let moreDocuments = 10

    private func planner(_ index: IndexReader) -> QueryPlanner {
        index.planner(options: SearchOptions(), lenient: true, statistics: PlanStatistics(index: index, cache: nil, given: nil))
    }

    private static func searchable(_ f: Query.Field?) -> Bool { f == nil || f == .title || f == .body || f == .url }

    /// Words that, in capitals, are operators: written in small letters they are searched as
    /// words, which is seldom what was meant.
    static let operatorWords: Set<String> = ["or", "and", "not"]

    /// `query` with `or`, `and` and `not` outside quotes written as the operators `OR`, `AND`
    /// and `NOT`, when there are such words and the result parses; nil otherwise.
    static func withOperators(_ query: Query) -> String? {
        func hasOperatorWord(_ n: Query.Node) -> Bool {
            switch n {
            case .term(let w, nil): return operatorWords.contains(w.lowercased())
            case .and(let parts), .or(let parts): return parts.contains(where: hasOperatorWord)
            case .not(let inner), .filter(let inner), .boost(let inner, _): return hasOperatorWord(inner)
            case .near(let a, let b, _): return hasOperatorWord(a) || hasOperatorWord(b)
            default: return false
            }
        }
        guard hasOperatorWord(query.node) else { return nil }
        let text = query.description
        // Only words standing alone (between spaces, parentheses or the ends), outside quotes:
        // not title:or, not rock-and-roll.
        var out = "", word = "", quoted = false, before: Character? = nil
        func flush(_ after: Character?) {
            let alone = (before == nil || before == " " || before == "(") && (after == nil || after == " " || after == ")")
            out += !quoted && alone && operatorWords.contains(word.lowercased()) ? word.uppercased() : word
            word = ""
        }
        for ch in text {
            if ch.isLetter {
                if word.isEmpty { before = out.last }
                word.append(ch)
                continue
            }
            if !word.isEmpty { flush(ch) }
            if ch == "\"" { quoted.toggle() }
            out.append(ch)
        }
        if !word.isEmpty { flush(nil) }
        guard out != text, (try? Query.parse(out)) != nil else { return nil }
        return out
    }

    func suggestions(for query: Query, limit: Int) throws -> [String] {
        guard limit > 0, let first = readers.first else { return [] }
        // "kremlin or samarkand": the operators first, then the spellings.
        let operators = Suggester.withOperators(query)
        if let operators, limit == 1 { return [operators] }
        let p = planner(first)
        var memo: [String: [String]] = [:]
        // The replacements of one word as written, best first (empty: keep it).
        func replacements(_ word: String, _ f: Query.Field?) throws -> [String] {
            let key = (f?.rawValue ?? "") + "\u{0}" + word
            if let r = memo[key] { return r }
            var out: [String] = []
            defer { memo[key] = out }
            guard !word.contains("*"), !word.unicodeScalars.contains(where: { $0 == "\u{1}" }),
                  !Suggester.operatorWords.contains(word.lowercased()) else { return out }
            let folded = p.prefixTokens(word, f)
            guard folded.count == 1, let stem = p.analyze(word, f).first?.term else { return out }
            let form = folded[0].term
            let length = form.unicodeScalars.count
            guard length >= 3 else { return out }
            let fs = p.fields(f)
            func documents(_ t: String) throws -> Int {
                var n = 0
                for r in readers { for field in fs { n += try r.docFreq(field, t) } }
                return n
            }
            let own = try documents(stem)
            guard own <= Suggester.rareDocuments else { return out }
            // The word as typed (folded) and its stem: a stemming index holds stems (polce → polc → polic).
            let forms = stem == form ? [form] : [form, stem]
            func close(within edits: Int) throws -> [(term: String, edits: Int, docs: Int)] {
                var best: [String: Int] = [:]
                for r in readers {
                    let rp = planner(r)
                    for field in fs {
                        for f in forms {
                            for (t, d) in try rp.fuzzyTerms(f, edits: edits, field: field) { best[t] = min(best[t] ?? d, d) }
                        }
                    }
                }
                var ranked: [(term: String, edits: Int, docs: Int)] = []
                for (t, d) in best where t != stem && t != form {
                    let n = try documents(t)
                    if n > 0 && n >= own * Suggester.moreDocuments { ranked.append((t, d, n)) }
                }
                return ranked.sorted { ($0.edits, -$0.docs, $0.term) < ($1.edits, -$1.docs, $1.term) }
            }
            var ranked = try close(within: length <= 5 ? 1 : 2)
            // A word of 4 or 5 letters with nothing 1 edit away: 2 edits (zurik → zurich).
            if ranked.isEmpty && length >= 4 && length <= 5 { ranked = try close(within: 2) }
            out = ranked.prefix(limit).map(\.term)
            return out
        }
        // The query with the k-th replacement of each word (its best when it has fewer).
        var anyReplaced = false
        func rewrite(_ n: Query.Node, _ k: Int) throws -> Query.Node {
            func pick(_ word: String, _ f: Query.Field?) throws -> String? {
                let r = try replacements(word, f)
                guard !r.isEmpty else { return nil }
                if k < r.count { anyReplaced = true }
                return r[min(k, r.count - 1)]
            }
            switch n {
            case .term(let w, let f) where Suggester.searchable(f):
                return .term(try pick(w, f) ?? w, f)
            case .prefix(let w, let f) where Suggester.searchable(f):
                // samarcand* → samarkand*
                return .prefix(try pick(w, f) ?? w, f)
            case .phrase(let text, let f, let slop) where Suggester.searchable(f):
                let chunks = try text.split(whereSeparator: { $0.isWhitespace }).map { try pick(String($0), f) ?? String($0) }
                return .phrase(chunks.joined(separator: " "), f, slop: slop)
            case .near(let a, let b, let d): return .near(try rewrite(a, k), try rewrite(b, k), distance: d)
            case .and(let parts): return .and(try parts.map { try rewrite($0, k) })
            case .or(let parts): return .or(try parts.map { try rewrite($0, k) })
            case .boost(let inner, let b): return .boost(try rewrite(inner, k), b)
            default: return n
            }
        }
        var out: [String] = operators.map { [$0] } ?? []
        for k in 0..<(limit - out.count) {
            anyReplaced = false
            let changed = try rewrite(query.node, k)
            guard anyReplaced else { break }
            let text = Query(node: changed).description
            if text != query.description && !out.contains(text) { out.append(text) }
        }
        return out
    }
}
