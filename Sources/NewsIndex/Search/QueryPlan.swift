import NewsIndexCore
import NewsIndexAnalysis
import NewsIndexQuery
/// A positional pattern in terms (after analysis), the same in every field it is searched in.
indirect enum SpanPlan {
    case term(String)
    /// Any of these words (the expansions of a prefix), with the prefix for labels.
    case union([String], label: String)
    case phrase([SpanPlan], offsets: [Int], slop: Int)
    case near(SpanPlan, SpanPlan, distance: Int)

    /// The words and unions making up the pattern, for the idf (label, docFreq source).
    var slots: [SpanPlan] {
        switch self {
        case .term, .union: return [self]
        case .phrase(let parts, _, _): return parts.flatMap(\.slots)
        case .near(let a, let b, _): return a.slots + b.slots
        }
    }
}

/// One scoring part of a query: a pattern searched in one or more fields, with its BM25 weights.
struct PlanLeaf {
    var label: String
    var span: SpanPlan
    var fields: [(field: IndexedField, bm25: BM25)]
    /// For a word of the query searched in the title and body: the word as the index holds it
    /// (the news ranking weighs it by BM25F, with its other forms and its neighbours; see ``NewsRanking``).
    var word: String? = nil
    /// For a fuzzy word under the news ranking: what an occurrence of each word of its union
    /// counts (its likeness to the word typed over that of the closest word).
    var likeness: [Float]? = nil
    /// Set when the news ranking scores this word (see ``NewsRanking/weigh(_:weights:)``).
    var news: NewsLeaf? = nil
}

/// A query analyzed against one open index: terms, prefix expansions, resolved dates, weights
/// from the whole index's statistics (so every segment scores alike).
indirect enum Plan {
    case leaf(PlanLeaf)
    case and(must: [Plan], not: [Plan])
    case or([Plan])
    case date(lower: Int64, upper: Int64, label: String)
    /// Must match, scores 0.
    case filter(Plan)
    case nothing
}

/// Turns a ``Query`` into a ``Plan`` for one index.
struct QueryPlanner {
    let index: IndexReader
    let titleBoost: Float
    let now: Int64
    /// A lenient query drops what has nothing to search for instead of failing.
    let lenient: Bool
    /// Whether a query word also matches its other forms (``WordForms``), for the news ranking.
    var wordForms = false
    /// BM25's length tables per field.
    let normTables: [IndexedField: BM25.NormTable]
    /// The document frequencies and field totals to score with (and the query's term cache).
    let statistics: PlanStatistics
    /// What every leaf's weight is multiplied by: the product of the boosts (`^N`) around it.
    var scale: Float = 1
    /// Where planning notes what it searched differently from the query (a fuzzy word cut to
    /// its closest words), when the caller wants to know.
    var report: PlanReport? = nil
    /// The words the query's fuzzy words, prefixes and ranges stand for so far, shared by the
    /// copies the planner makes of itself (boosts), against ``Query/maxExpandedWords``.
    let expanded = ExpansionCount()

    func fields(_ f: Query.Field?) -> [IndexedField] {
        switch f {
        case nil, .entity?: return [.title, .body]
        case .title?: return [.title]
        case .body?: return [.body]
        case .id?: return [.id]
        case .url?: return [.url]
        case .source?: return [.source]
        }
    }

    func boost(_ f: IndexedField) -> Float { f == .title ? titleBoost : 1 }

    /// The plan, or nil when the query has no searchable word at all.
    func plan(_ query: Query) throws -> Plan {
        if let p = try plan(query.node) { return p }
        if query.lenient { return .nothing }
        throw NewsIndexError(.badQuery, "the query \"\(query.description)\" has no searchable words (only punctuation or symbols).")
    }

    func plan(_ node: Query.Node) throws -> Plan? {
        switch node {
        case .boost(let inner, let factor):
            var boosted = self
            boosted.scale *= factor
            return try boosted.plan(inner)
        case .fuzzy(let word, let field, let edits):
            return try fuzzyPlan(word, field: field, edits: edits)
        case .termRange(let field, let lower, let upper, let includeLower, let includeUpper):
            return try rangePlan(field, lower: lower, upper: upper, includeLower: includeLower, includeUpper: includeUpper)
        case .nothing:
            return .nothing
        case .similar(let id):
            return try similarPlan(toID: id)
        case .filter(let inner):
            return try plan(inner).map { .filter($0) }
        case .date(let r):
            let (lo, hi) = r.resolve(now: now)
            return .date(lower: lo, upper: hi, label: r.description)
        case .and(let children):
            var must: [Plan] = [], not: [Plan] = []
            var positives = 0
            for c in children {
                if case .not(let inner) = c {
                    if let p = try plan(inner) { not.append(p) }
                } else {
                    positives += 1
                    if let p = try plan(c) { must.append(p) }
                }
            }
            if must.isEmpty {
                if positives == 0 || (!not.isEmpty && !lenient) {
                    throw NewsIndexError(.badQuery, "the query \"\(Query.describe(node, nested: false))\" only excludes: add a word or phrase to search for.")
                }
                return nil
            }
            return not.isEmpty && must.count == 1 ? must[0] : .and(must: must, not: not)
        case .or(let children):
            let parts = try children.compactMap { try plan($0) }
            if parts.isEmpty { return nil }
            return parts.count == 1 ? parts[0] : .or(parts)
        case .not:
            throw NewsIndexError(.badQuery, "the query \"\(Query.describe(node, nested: false))\" only excludes: add a word or phrase to search for.")
        case .prefix(_, .entity?):
            throw NewsIndexError(.badQuery, "entity: takes a name, not a prefix (\(Query.describe(node, nested: false))).", remedy: .listEntities)
        case .prefix(let text, let field):
            let fs = fields(field)
            guard let span = try spanPlan(node, fields: fs) else { return nil }
            if case .union(let words, _) = span {
                // A prefix on its own scores as the OR of its words.
                if words.isEmpty { return .nothing }
                let leaves = try words.map { Plan.leaf(try leaf(label: $0, span: .term($0), fields: fs, scale: scale)) }
                return filtering(field, leaves.count == 1 ? leaves[0] : .or(leaves))
            }
            return filtering(field, .leaf(try leaf(label: Query.describe(.prefix(text, nil), nested: true), span: span, fields: fs, scale: scale)))
        case .term, .phrase, .near:
            let field = QueryParser.field(of: node)
            let fs = fields(field)
            guard let span = try spanPlan(node, fields: fs) else { return nil }
            if field == nil, case .term(let word) = span {
                return .leaf(try wordLeaf(word, fields: fs, scale: scale))
            }
            return filtering(field, .leaf(try leaf(label: QueryPlanner.label(node, span), span: span, fields: fs, scale: scale)))
        }
    }

    /// `plan` as a filter when it searches the source: a source says where an article is from,
    /// not what it is about, so it does not score.
    func filtering(_ field: Query.Field?, _ plan: Plan) -> Plan {
        field == .source ? .filter(plan) : plan
    }

    /// The part as written, without field prefixes (the scorer adds the field it searches).
    static func label(_ node: Query.Node, _ span: SpanPlan) -> String {
        if case .term(let t) = span { return t.hasPrefix("\u{1}") ? "entity:" + t.dropFirst() : t }
        func unfielded(_ n: Query.Node) -> Query.Node {
            switch n {
            case .term(let t, _): return .term(t, nil)
            case .prefix(let t, _): return .prefix(t, nil)
            case .phrase(let t, _, let slop): return .phrase(t, nil, slop: slop)
            case .near(let a, let b, let d): return .near(unfielded(a), unfielded(b), distance: d)
            default: return n
            }
        }
        return Query.describe(unfielded(node), nested: true)
    }

    /// The terms of a word, phrase, prefix or NEAR pattern; nil when it has no searchable word.
    func spanPlan(_ node: Query.Node, fields fs: [IndexedField]) throws -> SpanPlan? {
        switch node {
        case .term(let name, .entity?), .phrase(let name, .entity?, _):
            return .term(try entityTerm(name))
        case .phrase(let text, let field, let slop) where text.contains("*"):
            // Words ending in * inside a phrase are prefixes ("harbour stri*"); a lone * is any one word.
            var parts: [SpanPlan] = [], offsets: [Int] = []
            var next = 0
            for chunk in text.split(whereSeparator: { $0.isWhitespace }) {
                if chunk.allSatisfy({ $0 == "*" }) {
                    // A lone * stands for any one word: "the * of".
                    if !parts.isEmpty { next += chunk.count }
                    continue
                }
                let isPrefix = chunk.hasSuffix("*") && chunk.count > 1
                let raw = isPrefix ? String(chunk.dropLast()) : String(chunk)
                let tokens = isPrefix ? prefixTokens(raw, field) : analyze(raw, field)
                guard let first = tokens.first else { continue }
                for (k, t) in tokens.enumerated() {
                    offsets.append(next + t.position - first.position)
                    if isPrefix && k == tokens.count - 1 {
                        parts.append(try prefixUnion(t.term, fields: fs, shown: String(chunk)))
                    } else {
                        parts.append(.term(isPrefix ? analyze(t.term, field).first?.term ?? t.term : t.term))
                    }
                }
                next = offsets.last! + 1
            }
            if parts.isEmpty { return nil }
            if parts.count == 1 { return parts[0] }
            return .phrase(parts, offsets: offsets, slop: slop)
        case .term(let text, let field), .phrase(let text, let field, _):
            let slop: Int
            if case .phrase(_, _, let s) = node { slop = s } else { slop = 0 }
            let tokens = analyze(text, field)
            guard let first = tokens.first else { return nil }
            if tokens.count == 1 { return .term(first.term) }
            return .phrase(tokens.map { .term($0.term) }, offsets: tokens.map { $0.position - first.position }, slop: slop)
        case .prefix(let text, let field):
            let tokens = prefixTokens(text, field)
            guard let last = tokens.last else { return nil }
            let union = try prefixUnion(last.term, fields: fs, shown: Query.describe(node, nested: true))
            if tokens.count == 1 { return union }
            // A hyphenated prefix (`strategic-coop*`): the words before the last are whole words.
            let first = tokens[0]
            var parts: [SpanPlan] = tokens.dropLast().map { .term(analyze($0.term, field).first?.term ?? $0.term) }
            parts.append(union)
            return .phrase(parts, offsets: tokens.map { $0.position - first.position }, slop: 0)
        case .near(let a, let b, let d):
            let pa = try spanPlan(a, fields: fs), pb = try spanPlan(b, fields: fs)
            guard let pa else { return pb }
            guard let pb else { return pa }
            return .near(pa, pb, distance: d)
        default:
            return nil
        }
    }

    /// The index term of the entity a user names; an unknown name lists the closest known ones.
    func entityTerm(_ name: String) throws -> String {
        if let e = index.gazetteer.resolve(name) { return e.term }
        let close = index.gazetteer.closest(to: name).map { "\"\($0)\"" }
        let suggestion = close.isEmpty ? "no known name is close to it" : "the closest names are " + close.joined(separator: ", ")
        throw NewsIndexError(.badQuery, "there is no entity \"\(name)\" in this index's entity list; \(suggestion).", remedy: .listEntities)
    }

    /// Tokens of a prefix's text: split and folded as the field indexes words, but not stemmed,
    /// so that `strateg*` reaches the stems of strategic and strategy alike.
    func prefixTokens(_ text: String, _ field: Query.Field?) -> [Token] {
        if field == nil || field == .title || field == .body, index.analyzer == .english {
            return Analyzer.news.tokens(text)
        }
        return analyze(text, field)
    }

    /// The words a prefix stands for: the index's words that start with it and, when the analyzer
    /// stems, the stem of the prefix itself (so `cooperation*` finds `cooperation`, indexed as `cooper`).
    func prefixUnion(_ prefix: String, fields fs: [IndexedField], shown: String) throws -> SpanPlan {
        var words = try expand(prefix: prefix, fields: fs, shown: shown)
        if index.analyzer == .english, fs.contains(.title) || fs.contains(.body),
           let stem = index.analyzer.tokens(prefix).first?.term, stem != prefix, !words.contains(stem) {
            words.append(stem)
            words.sort()
        }
        return .union(words, label: prefix + "*")
    }

    /// Tokens of a query word as the field indexes them.
    func analyze(_ text: String, _ field: Query.Field?) -> [Token] {
        switch field {
        case .id?:
            return text.isEmpty ? [] : [Token(term: text, position: 0, byteRange: 0..<text.utf8.count)]
        case .url?:
            return Analyzer.simple.tokens(text)
        case .source?:
            return SourceName.queryTerm(text).map { [Token(term: $0, position: 0, byteRange: 0..<text.utf8.count)] } ?? []
        default:
            return index.analyzer.tokens(text)
        }
    }

    /// Every word in `fields` starting with `prefix`, across all segments, sorted.
    func expand(prefix: String, fields fs: [IndexedField], shown: String) throws -> [String] {
        var words = Set<String>()
        let limit = Query.maxPrefixExpansions
        for f in fs {
            let start = SegmentReader.key(f, prefix)
            for seg in index.segments {
                try seg.scanTerms(from: start) { key, info in
                    guard key.starts(with: start) else { return false }
                    // A word only deleted articles hold is not in the index any more.
                    if let deletes = seg.deletes, try deletes.docFreq(key) >= info.docFreq { return true }
                    words.insert(String(decoding: key.dropFirst(), as: UTF8.self))
                    return words.count <= limit
                }
                if words.count > limit {
                    throw NewsIndexError(.badQuery, "the prefix \(shown) stands for more than \(limit) different words in this index, too many to search for each; make the prefix longer or use whole words.")
                }
            }
        }
        try expanded.add(words.count, for: shown)
        return words.sorted()
    }

    /// The leaf of a query word in the title and body: with ``wordForms``, the word or any of its
    /// other forms (one pattern, as a prefix's words are).
    func wordLeaf(_ word: String, fields fs: [IndexedField], scale: Float = 1) throws -> PlanLeaf {
        let forms = try otherForms(of: word)
        let span: SpanPlan = forms.isEmpty ? .term(word) : .union(([word] + forms).sorted(), label: word + "+forms")
        // A word's forms are the same in every index of an archive and their counts are summed
        // term by term, unlike a prefix's words, which are each index's own.
        var l = try leaf(label: forms.isEmpty ? word : ([word] + forms).joined(separator: "|"), span: span, fields: fs, scale: scale,
                         unionIsShared: true, blended: true)
        l.word = word
        return l
    }

    /// A scoring leaf; `scale` multiplies its weight in every field (``similarPlan(toID:)`` weighs its words).
    /// With `unionIsShared`, a union's document count is its words' summed counts rather than
    /// the archive's summed count of the union (``PlanStatistics/prefixFreq(_:label:own:)``);
    /// with `blended` too, the largest of its words' counts (a fuzzy word's, as Lucene blends them).
    func leaf(label: String, span: SpanPlan, fields fs: [IndexedField], scale: Float = 1, unionIsShared: Bool = false,
              blended: Bool = false) throws -> PlanLeaf {
        var weighted: [(field: IndexedField, bm25: BM25)] = []
        weighted.reserveCapacity(fs.count)
        for f in fs {
            let stats = statistics.fieldStats(f)
            var parts: [(label: String, docFreq: Int)] = []
            for slot in span.slots {
                switch slot {
                case .term(let t):
                    parts.append((label: f.name + ":" + t, docFreq: try statistics.docFreq(f, t)))
                case .union(let words, let l):
                    var own = 0
                    for w in words {
                        let n = try statistics.docFreq(f, w)
                        own = blended ? max(own, n) : own + n
                    }
                    let n = unionIsShared ? own : statistics.prefixFreq(f, label: l, own: own)
                    parts.append((label: "\(f.name):\(l)", docFreq: min(n, stats.docCount)))
                default:
                    break
                }
            }
            weighted.append((field: f, bm25: BM25(boost: boost(f) * scale, parts: parts, stats: stats, table: normTables[f])))
        }
        return PlanLeaf(label: label, span: span, fields: weighted)
    }
}

extension IndexReader {
    /// The scorer of `plan` over one segment; nil when it cannot match there.
    func scorer(_ plan: Plan, in seg: SegmentReader, cache: QueryTerms? = nil) throws -> (any Scorer)? {
        switch plan {
        case .nothing:
            return nil
        case .date(let lo, let hi, let label):
            guard seg.mayHaveDates(from: lo, below: hi) else { return nil }
            return DateFilterScorer(segment: seg, lower: lo, upper: hi, label: label)
        case .filter(let inner):
            return try scorer(inner, in: seg, cache: cache).map { FilterScorer($0) }
        case .leaf(let leaf):
            if let news = leaf.news { return try NewsWordScorer(news, in: seg, cache: cache) }
            var alternatives: [any Scorer] = []
            for (field, bm25) in leaf.fields {
                guard let norms = seg.norms(field), let spans = try spans(leaf.span, field: field, in: seg, cache: cache) else { continue }
                let label = "\(field.name):\(leaf.label)"
                if let t = spans as? TermSpans, case .term = leaf.span {
                    alternatives.append(TermScorer(cursor: t.cursor, norms: norms, bm25: bm25, label: label))
                } else {
                    alternatives.append(SpanScorer(spans, norms: norms, bm25: bm25, label: label))
                }
            }
            if alternatives.isEmpty { return nil }
            return alternatives.count == 1 ? alternatives[0] : SumScorer(alternatives)
        case .or(let children):
            let parts = try children.compactMap { try scorer($0, in: seg, cache: cache) }
            if parts.isEmpty { return nil }
            return parts.count == 1 ? parts[0] : SumScorer(parts)
        case .and(let must, let not):
            var required: [any Scorer] = []
            for m in must {
                guard let s = try scorer(m, in: seg, cache: cache) else { return nil }
                required.append(s)
            }
            let req = required.count == 1 ? required[0] : ConjunctionScorer(required)
            let excluded = try not.compactMap { try scorer($0, in: seg, cache: cache) }
            if excluded.isEmpty { return req }
            return ReqExclScorer(required: req, excluded: excluded.count == 1 ? excluded[0] : SumScorer(excluded))
        }
    }

    /// The spans of a pattern in one field of one segment; nil when a needed word is missing there.
    func spans(_ plan: SpanPlan, field: IndexedField, in seg: SegmentReader, cache: QueryTerms? = nil) throws -> (any Spans)? {
        func lookup(_ t: String) throws -> TermInfo? {
            if let cache { return try cache.info(field, t, in: seg) }
            return try seg.termInfo(field, t)
        }
        switch plan {
        case .term(let t):
            guard let info = try lookup(t) else { return nil }
            return TermSpans(try seg.postings(info))
        case .union(let words, _):
            var children: [TermSpans] = []
            for w in words {
                if let info = try lookup(w) { children.append(TermSpans(try seg.postings(info))) }
            }
            if children.isEmpty { return nil }
            return children.count == 1 ? children[0] : UnionSpans(children)
        case .phrase(let parts, let offsets, let slop):
            var children: [any PositionSpans] = []
            var keys: [String] = []
            for p in parts {
                guard let s = try spans(p, field: field, in: seg, cache: cache) as? any PositionSpans else { return nil }
                children.append(s)
                switch p {
                case .term(let t): keys.append(t)
                case .union(_, let l): keys.append(l)
                default: keys.append("")
                }
            }
            return PhraseSpans(children, offsets: offsets, slop: slop, keys: keys)
        case .near(let a, let b, let d):
            guard let sa = try spans(a, field: field, in: seg, cache: cache), let sb = try spans(b, field: field, in: seg, cache: cache) else { return nil }
            return NearSpans(sa, sb, distance: d)
        }
    }
}

/// The term dictionary entries one query looked up, per segment, with each word's live document
/// count over the index: planning reads every word's document frequency across segments, and the
/// scorers then need the same entries again. A query has few words, so the entries sit in plain
/// arrays searched in order (cheaper than hashing the word). One query, one thread: not shared.
final class QueryTerms {
    private struct Entry {
        var field: IndexedField
        var term: String
        var docFreq: Int
    }
    private var entries: [Entry] = []
    /// Entry `e`'s info in the segment with ordinal `s` is `infos[e * segmentCount + s]`.
    private var infos: [TermInfo?] = []
    private let segmentCount: Int
    /// Past a few entries (a prefix stands for up to a thousand words), a hash index of them.
    private var byKey: [Key: Int] = [:]
    private struct Key: Hashable {
        var field: IndexedField
        var term: String
    }
    private static let scanLimit = 16

    init(segmentCount: Int) {
        self.segmentCount = segmentCount
    }

    private func find(_ field: IndexedField, _ term: String) -> Int? {
        if entries.count > QueryTerms.scanLimit { return byKey[Key(field: field, term: term)] }
        var e = 0
        while e < entries.count {
            if entries[e].field == field && entries[e].term == term { return e }
            e += 1
        }
        return nil
    }

    private func append(_ entry: Entry) {
        entries.append(entry)
        if entries.count == QueryTerms.scanLimit + 1 {
            for (e, x) in entries.enumerated() { byKey[Key(field: x.field, term: x.term)] = e }
        } else if entries.count > QueryTerms.scanLimit + 1 {
            byKey[Key(field: entry.field, term: entry.term)] = entries.count - 1
        }
    }

    /// The number of live documents containing `term` in `field` over the whole index (the
    /// term's entries in every segment are kept for ``info(_:_:in:)``).
    func docFreq(_ field: IndexedField, _ term: String, in index: IndexReader) throws -> Int {
        if let e = find(field, term) { return entries[e].docFreq }
        precondition(index.segments.count == segmentCount, "a query's term cache serves one open index")
        var n = 0
        for seg in index.segments {
            let info = try seg.termInfo(field, term)
            infos.append(info)
            if let info { n += try seg.liveDocFreq(field, term, info) }
        }
        append(Entry(field: field, term: term, docFreq: n))
        return n
    }

    /// The entry of `term` in `field` in `seg`, from the cache when it was looked up already.
    func info(_ field: IndexedField, _ term: String, in seg: SegmentReader) throws -> TermInfo? {
        if let e = find(field, term), seg.ordinal < segmentCount { return infos[e * segmentCount + seg.ordinal] }
        return try seg.termInfo(field, term)
    }
}
