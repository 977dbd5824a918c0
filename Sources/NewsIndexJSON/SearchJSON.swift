import NewsIndex

/// One hit of a search, as `newsindex search --json` prints it (one object per line).
public struct SearchHitJSON: Codable, Sendable, Equatable {
    /// 1-based rank among all matches.
    public var rank: Int
    /// The article's id.
    public var id: String
    /// The BM25 score.
    public var score: Float
    /// The headline.
    public var title: String
    /// The publication day (`YYYY-MM-DD`), or nil (`null`) when the article has no date.
    @Nullable public var date: String?
    /// The URL, or nil (`null`).
    @Nullable public var url: String?
    /// The source (site or outlet), or nil (`null`).
    @Nullable public var source: String?
    /// The best passage of the body ("" when snippets are off).
    public var snippet: String
    /// The matched words in ``snippet``: `[start, end)` offsets in Unicode scalars.
    public var highlights: [[Int]]
    /// How the score was made; only with `--explain` (the key is absent otherwise).
    public var explanation: ExplanationJSON?
    /// The directory of the index that holds the article; only in a search of several indexes
    /// (the key is absent otherwise).
    public var index: String?
    /// The other matching articles of the hit's copy group, earliest first; only in a collapsed
    /// search (`--collapse`; the key is absent otherwise).
    public var copies: [CopyJSON]?

    enum CodingKeys: String, CodingKey {
        case rank, id, score, title, date, url, source, snippet, highlights, explanation, index, copies
    }

    /// The JSON form of a library hit; `index` names the index it came from, in a search of several.
    public init(_ hit: SearchHit, index: String? = nil, collapsed: Bool = false) {
        self.index = index
        copies = collapsed ? hit.copies.map { CopyJSON($0) } : nil
        rank = hit.rank
        id = hit.id
        score = hit.score
        title = hit.title
        date = hit.date?.isoDay
        url = hit.url
        source = hit.source
        let text = hit.snippet.text
        snippet = text
        highlights = hit.snippet.highlights.map { r in
            [text.unicodeScalars.distance(from: text.startIndex, to: r.lowerBound),
             text.unicodeScalars.distance(from: text.startIndex, to: r.upperBound)]
        }
        explanation = hit.explanation.map(ExplanationJSON.init)
    }
}

/// A score and how it was made: a tree of values with their descriptions.
public struct ExplanationJSON: Codable, Sendable, Equatable {
    /// This node's value.
    public var value: Float
    /// What the value is ("weight(body:putin)", "idf, computed as …").
    public var description: String
    /// The values this one was made from.
    public var details: [ExplanationJSON]

    /// The JSON form of a library explanation.
    public init(_ e: Explanation) {
        value = e.value
        description = e.text
        details = e.details.map(ExplanationJSON.init)
    }
}

/// A whole page of search results: the hit count, the hits and the entity facets.
///
/// The command-line tool prints hits one per line (``SearchHitJSON``); this is the single-object
/// form, for an API that answers a search in one response.
public struct SearchResultsJSON: Codable, Sendable, Equatable {
    /// Documents that match (a lower bound when ``totalHitsExact`` is false).
    public var totalHits: Int
    /// Whether ``totalHits`` is exact.
    public var totalHitsExact: Bool
    /// The requested page of hits, best first.
    public var hits: [SearchHitJSON]
    /// Entities mentioned in the matching documents, most documents first (empty without facets).
    public var entities: [EntityCountJSON]
    /// The sources of the matching documents, most documents first (empty without facets).
    public var sources: [SourceCountJSON]
    /// What the search did differently from the query as written (``SearchResults/notes``).
    public var notes: [String]
    /// When nothing matched, "did you mean" queries, best first (``SearchResults/suggestions``).
    public var suggestions: [String]

    enum CodingKeys: String, CodingKey {
        case totalHits = "total_hits", totalHitsExact = "total_hits_exact", hits, entities, sources, notes, suggestions
    }

    /// The JSON form of library search results.
    public init(_ results: SearchResults) {
        totalHits = results.totalHits
        totalHitsExact = results.totalHitsIsExact
        hits = results.hits.map { SearchHitJSON($0) }
        entities = results.entities.map(EntityCountJSON.init)
        sources = results.sources.map(SourceCountJSON.init)
        notes = results.notes
        suggestions = results.suggestions
    }

    /// Decodes the form ``init(_:)`` encodes; `notes` and `suggestions` may be absent (older output).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        totalHits = try c.decode(Int.self, forKey: .totalHits)
        totalHitsExact = try c.decode(Bool.self, forKey: .totalHitsExact)
        hits = try c.decode([SearchHitJSON].self, forKey: .hits)
        entities = try c.decode([EntityCountJSON].self, forKey: .entities)
        sources = try c.decode([SourceCountJSON].self, forKey: .sources)
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
        suggestions = try c.decodeIfPresent([String].self, forKey: .suggestions) ?? []
    }
}

/// How many matching documents come from one source (an item of ``SearchResultsJSON/sources``).
public struct SourceCountJSON: Codable, Sendable, Equatable {
    /// The source as facets show it (`bbc.co.uk`, `Al Jazeera`).
    public var name: String
    /// Documents from that source.
    public var documents: Int

    /// The JSON form of a library source count.
    public init(_ c: SourceCount) {
        name = c.name
        documents = c.documents
    }
}
