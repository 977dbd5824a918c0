/// Options for ``IndexReader/search(_:options:)``.
public struct SearchOptions: Sendable {
    /// Hits to return at most.
    public var limit: Int = 10
    /// Best hits to skip before the first returned one (for paging).
    public var offset: Int = 0
    /// Weight of a match in the title relative to one in the body.
    public var titleBoost: Float = 2
    /// Whether to build a snippet for each hit.
    public var snippets: Bool = true
    /// Creates the default options: 10 hits, no offset, title ×2, snippets on.
    public init() {}
}

/// The answer to a search: how many documents matched and the best of them, best first.
public struct SearchResults: Sendable {
    /// Number of documents that match the query.
    public let totalHits: Int
    /// The requested page of hits, best first (ties go to the earlier indexed document).
    public let hits: [SearchHit]
}

/// One matching article.
public struct SearchHit: Sendable {
    /// 1-based rank among all matches.
    public let rank: Int
    /// BM25 score (sum over the query's parts and over the title and body fields).
    public let score: Float
    /// The article's id.
    public let id: String
    /// The article's title.
    public let title: String
    /// The publication date, when the article has one.
    public let date: ArticleDate?
    /// The article's URL, when it has one.
    public let url: String?
    /// The best passage of the body with the matched words marked (empty when snippets are off).
    public let snippet: Snippet
    /// The internal document number (stable for one commit of the index only).
    public let documentNumber: Int
}

/// A short passage of an article with the query's matches marked.
public struct Snippet: Sendable, Equatable {
    /// The passage, whitespace collapsed; "…" marks text cut at either end.
    public let text: String
    /// Ranges of `text` that matched the query.
    public let highlights: [Range<String.Index>]
}

/// One analyzed query part, ready to run: a term or a phrase, searched in every text field.
struct CompiledPart {
    /// Terms with their positions relative to the part's first term.
    var terms: [(term: String, offset: Int)]
    var isPhrase: Bool { terms.count > 1 }
}

extension IndexReader {
    /// Runs a query string (see ``Query`` for the syntax) and returns the best hits.
    ///
    /// ```swift
    /// let results = try index.search("\"harbour strike\" union", limit: 3)
    /// print(results.totalHits)
    /// ```
    /// - Throws: ``NewsIndexError/Kind/badQuery`` when the query cannot be parsed or has no
    ///   searchable word; ``NewsIndexError/Kind/corruptIndex`` when an index file turns out damaged.
    public func search(_ query: String, limit: Int = 10) throws -> SearchResults {
        var options = SearchOptions()
        options.limit = limit
        return try search(try Query.parse(query), options: options)
    }

    /// Runs a parsed or built query.
    public func search(_ query: Query, options: SearchOptions = SearchOptions()) throws -> SearchResults {
        precondition(options.limit >= 0 && options.offset >= 0, "limit and offset must not be negative")
        let parts = try compile(query.node)
        let fields: [(IndexedField, Float)] = [(.title, options.titleBoost), (.body, 1)]
        // Weights from whole-index statistics, shared by all segments.
        var weights: [[BM25]] = []   // [part][field]
        for part in parts {
            var perField: [BM25] = []
            for (field, boost) in fields {
                let stats = fieldStats(field)
                var idf: Double = 0
                for t in part.terms {
                    idf += Double(BM25.idf(docFreq: try docFreq(field, t.term), docCount: stats.docCount))
                }
                perField.append(BM25(boost: boost, idf: Float(idf), stats: stats))
            }
            weights.append(perField)
        }

        let wanted = options.offset + options.limit
        var top = TopDocs(capacity: wanted)
        var total = 0
        for seg in segments {
            let scorer = try segmentScorer(seg, parts: parts, fields: fields.map(\.0), weights: weights)
            var d = try scorer.advance()
            let base = Int32(seg.docBase)
            while d != PostingsCursor.noMoreDocs {
                total += 1
                if wanted > 0 { top.insert(score: try scorer.score(), doc: base + d) }
                d = try scorer.advance()
            }
        }
        let ranked = top.sorted()
        var hits: [SearchHit] = []
        if ranked.count > options.offset {
            let highlighter = options.snippets ? Highlighter(parts: parts, analyzer: analyzer) : nil
            for (i, entry) in ranked[options.offset...].enumerated() {
                let stored = try storedArticle(Int(entry.doc))
                let date = stored.date.map { ArticleDate(secondsSinceEpoch: $0, text: stored.dateText ?? "") }
                let snippet = highlighter?.snippet(body: stored.body) ?? Snippet(text: "", highlights: [])
                hits.append(SearchHit(rank: options.offset + i + 1, score: entry.score, id: stored.id, title: stored.title,
                                      date: date, url: stored.url, snippet: snippet, documentNumber: Int(entry.doc)))
            }
        }
        return SearchResults(totalHits: total, hits: hits)
    }

    /// Analyzes the query's words and phrases. Words that analyze to nothing (punctuation) are dropped.
    func compile(_ node: Query.Node) throws -> [CompiledPart] {
        var parts: [CompiledPart] = []
        func visit(_ n: Query.Node) {
            switch n {
            case .term(let text), .phrase(let text):
                let tokens = analyzer.tokens(text)
                guard let first = tokens.first else { return }
                parts.append(CompiledPart(terms: tokens.map { ($0.term, $0.position - first.position) }))
            case .all(let children):
                children.forEach(visit)
            }
        }
        visit(node)
        if parts.isEmpty {
            throw NewsIndexError(.badQuery, "the query \"\(Query(node: node).description)\" has no searchable words (only punctuation or symbols).")
        }
        return parts
    }

    private func segmentScorer(_ seg: SegmentReader, parts: [CompiledPart], fields: [IndexedField],
                               weights: [[BM25]]) throws -> Scorer {
        var conjuncts: [Scorer] = []
        for (p, part) in parts.enumerated() {
            var alternatives: [Scorer] = []
            for (f, field) in fields.enumerated() {
                guard let norms = seg.norms(field) else { continue }
                var cursors: [PostingsCursor] = []
                for t in part.terms {
                    guard let info = try seg.termInfo(field, t.term) else { cursors = []; break }
                    cursors.append(try seg.postings(info))
                }
                guard cursors.count == part.terms.count else { continue }
                if part.isPhrase {
                    alternatives.append(PhraseScorer(cursors: cursors, offsets: part.terms.map(\.offset),
                                                     norms: norms, bm25: weights[p][f]))
                } else {
                    alternatives.append(TermScorer(cursor: cursors[0], norms: norms, bm25: weights[p][f]))
                }
            }
            if alternatives.isEmpty { return EmptyScorer() }
            conjuncts.append(alternatives.count == 1 ? alternatives[0] : SumScorer(alternatives))
        }
        return conjuncts.count == 1 ? conjuncts[0] : ConjunctionScorer(conjuncts)
    }
}

/// Keeps the best `capacity` (score, doc) pairs in a binary min-heap; ties go to the lower doc.
struct TopDocs {
    struct Entry { var score: Float; var doc: Int32 }
    let capacity: Int
    private var heap: [Entry] = []

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(min(capacity, 1 << 16))
    }

    /// True when `a` ranks below `b`.
    @inline(__always)
    private static func worse(_ a: Entry, _ b: Entry) -> Bool {
        a.score < b.score || (a.score == b.score && a.doc > b.doc)
    }

    mutating func insert(score: Float, doc: Int32) {
        let e = Entry(score: score, doc: doc)
        if heap.count < capacity {
            heap.append(e)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if TopDocs.worse(heap[i], heap[parent]) { heap.swapAt(i, parent); i = parent } else { break }
            }
        } else if capacity > 0 && TopDocs.worse(heap[0], e) {
            heap[0] = e
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && TopDocs.worse(heap[l], heap[m]) { m = l }
                if r < heap.count && TopDocs.worse(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
    }

    /// Best first.
    func sorted() -> [Entry] { heap.sorted { TopDocs.worse($1, $0) } }
}
