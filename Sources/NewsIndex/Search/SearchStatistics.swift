import NewsIndexQuery

/// The collection statistics BM25 scores a query with: per field, how many documents have it and
/// how many tokens it holds; per word of the query, how many documents contain it.
///
/// The first phase of a search of several indexes as one (``Archive``, or indexes on other
/// machines): each index answers ``IndexReader/statistics(for:options:)``, the answers are added
/// up with ``init(merging:)``, and each index then searches with the sum in
/// ``SearchOptions/statistics``, so that every index scores as a single index holding all the
/// articles would (Elasticsearch calls this `dfs_query_then_fetch`). It is `Codable`, to cross
/// a process boundary as JSON.
///
/// ```swift
/// let query = try Query.parse("\"north korea\" sanctions")
/// var options = SearchOptions()
/// options.statistics = SearchStatistics(merging: try shards.map { try $0.statistics(for: query) })
/// let pages = try shards.map { try $0.search(query, options: options) }
/// ```
public struct SearchStatistics: Codable, Sendable, Equatable {
    /// The totals of one field.
    public struct FieldTotals: Codable, Sendable, Equatable {
        /// The field's name: `title`, `body`, `id`, `url` or `source`.
        public var field: String
        /// Live documents with at least one token in the field.
        public var documents: Int
        /// Tokens in the field over those documents.
        public var tokens: Int

        /// Totals of `field`.
        public init(field: String, documents: Int, tokens: Int) {
            (self.field, self.documents, self.tokens) = (field, documents, tokens)
        }
    }

    /// The live documents that contain one term in one field.
    public struct TermCount: Codable, Sendable, Equatable {
        /// The field's name.
        public var field: String
        /// The term as the index holds it (analyzed; entity terms start with U+0001).
        public var term: String
        /// Live documents that contain it.
        public var documents: Int

        /// The count of `term` in `field`.
        public init(field: String, term: String, documents: Int) {
            (self.field, self.term, self.documents) = (field, term, documents)
        }
    }

    /// Live documents.
    public var documentCount: Int
    /// The totals of each field.
    public var fields: [FieldTotals]
    /// The counts of the query's terms.
    public var terms: [TermCount]
    /// For each prefix inside a phrase or proximity part (`"strateg* cooperation"`), the sum of
    /// the counts of the words it stands for in this index, under the prefix's label (`strateg*`):
    /// each index expands a prefix over its own words.
    public var prefixes: [TermCount]

    /// Statistics made of these parts.
    public init(documentCount: Int, fields: [FieldTotals], terms: [TermCount], prefixes: [TermCount] = []) {
        (self.documentCount, self.fields, self.terms, self.prefixes) = (documentCount, fields, terms, prefixes)
    }

    /// The statistics of several indexes taken as one: every count added up.
    public init(merging parts: [SearchStatistics]) {
        func sum(_ lists: [[TermCount]]) -> [TermCount] {
            var order: [String] = [], byKey: [String: TermCount] = [:]
            for list in lists {
                for t in list {
                    let key = t.field + "\u{0}" + t.term
                    if byKey[key] == nil { order.append(key) }
                    byKey[key, default: TermCount(field: t.field, term: t.term, documents: 0)].documents += t.documents
                }
            }
            return order.map { byKey[$0]! }
        }
        var fieldOrder: [String] = [], totals: [String: FieldTotals] = [:]
        for p in parts {
            for f in p.fields {
                if totals[f.field] == nil { fieldOrder.append(f.field) }
                totals[f.field, default: FieldTotals(field: f.field, documents: 0, tokens: 0)].documents += f.documents
                totals[f.field]!.tokens += f.tokens
            }
        }
        self.init(documentCount: parts.reduce(0) { $0 + $1.documentCount }, fields: fieldOrder.map { totals[$0]! },
                  terms: sum(parts.map(\.terms)), prefixes: sum(parts.map(\.prefixes)))
    }
}

/// The statistics a planner reads: an index's own, or given ones (with the index's own for a
/// term they lack), recording every lookup when asked to.
final class PlanStatistics {
    private let index: IndexReader
    private let cache: QueryTerms?
    private let given: (fields: [String: FieldStats], terms: [String: Int], prefixes: [String: Int])?
    /// What the planner looked up, when recording.
    private(set) var recorded: (terms: [SearchStatistics.TermCount], prefixes: [SearchStatistics.TermCount])?

    init(index: IndexReader, cache: QueryTerms?, given statistics: SearchStatistics?, record: Bool = false) {
        self.index = index
        self.cache = cache
        if record { recorded = ([], []) }
        given = statistics.map { s in
            var fields: [String: FieldStats] = [:], terms: [String: Int] = [:], prefixes: [String: Int] = [:]
            for f in s.fields { fields[f.field] = FieldStats(docCount: f.documents, sumTotalTermFreq: f.tokens) }
            for t in s.terms { terms[t.field + "\u{0}" + t.term] = t.documents }
            for t in s.prefixes { prefixes[t.field + "\u{0}" + t.term] = t.documents }
            return (fields, terms, prefixes)
        }
    }

    /// BM25's length tables: the reader's own (made once per open index), or made from the given totals.
    func normTables() -> [IndexedField: BM25.NormTable] {
        guard given != nil else { return index.normTables }
        var tables: [IndexedField: BM25.NormTable] = [:]
        for f in IndexedField.allCases { tables[f] = BM25.NormTable(averageLength: BM25.averageLength(fieldStats(f))) }
        return tables
    }

    /// The words of `f` the given statistics hold in some document (nil when no statistics
    /// are given: then the index's own dictionary is read).
    func givenWords(_ f: IndexedField) -> [String]? {
        guard let given else { return nil }
        let start = f.name + "\u{0}"
        return given.terms.compactMap { key, n in n > 0 && key.hasPrefix(start) ? String(key.dropFirst(f.name.count + 1)) : nil }
    }

    func fieldStats(_ f: IndexedField) -> FieldStats {
        given?.fields[f.name] ?? index.fieldStats(f)
    }

    /// Live documents with `t` in `f`. The index's own lookup always runs: it keeps the term's
    /// entries in the query's cache for the scorers.
    func docFreq(_ f: IndexedField, _ t: String) throws -> Int {
        let own = try cache.map { try $0.docFreq(f, t, in: index) } ?? index.docFreq(f, t)
        recorded?.terms.append(SearchStatistics.TermCount(field: f.name, term: t, documents: own))
        guard let given else { return own }
        return given.terms[f.name + "\u{0}" + t] ?? own
    }

    /// The summed document counts of the words a prefix stands for (`own`, in this index).
    func prefixFreq(_ f: IndexedField, label: String, own: Int) -> Int {
        recorded?.prefixes.append(SearchStatistics.TermCount(field: f.name, term: label, documents: own))
        guard let given else { return own }
        return given.prefixes[f.name + "\u{0}" + label] ?? own
    }
}

extension IndexReader {
    /// The statistics `query` is scored with in this index, for a search of several indexes as
    /// one (see ``SearchStatistics``). Reads the term dictionary as a search's planning does.
    ///
    /// - Throws: the errors of ``search(_:options:)`` that the query itself causes.
    public func statistics(for query: Query, options: SearchOptions = SearchOptions()) throws -> SearchStatistics {
        let stats = PlanStatistics(index: self, cache: nil, given: nil, record: true)
        _ = try planner(options: options, lenient: query.lenient, statistics: stats).plan(query)
        let fields = IndexedField.allCases.map { f -> SearchStatistics.FieldTotals in
            let s = fieldStats(f)
            return SearchStatistics.FieldTotals(field: f.name, documents: s.docCount, tokens: s.sumTotalTermFreq)
        }
        var seen = Set<String>()
        func unique(_ list: [SearchStatistics.TermCount]) -> [SearchStatistics.TermCount] {
            list.filter { seen.insert($0.field + "\u{0}" + $0.term).inserted }
        }
        let terms = unique(stats.recorded?.terms ?? [])
        seen = []
        return SearchStatistics(documentCount: documentCount, fields: fields, terms: terms,
                                prefixes: unique(stats.recorded?.prefixes ?? []))
    }
}
