import Foundation
import NewsIndex
import NewsIndexJSON

// The JSON bodies of the API, as the OpenAPI document (openapi.json) describes them. Keys are
// snake_case; a nil optional is written as null where the document says so.

/// `GET /api/search`.
struct SearchResponse: Encodable {
    var query: String
    var commit: String
    var tookMS: Double
    var total: Int
    var offset: Int
    var limit: Int
    var sort: String
    var hits: [APIHit]
    @Nullable var next: String?
    var facets: FacetsJSON?
    /// Stories among the matches, with collapse (null without).
    @Nullable var totalStories: Int? = nil
    /// What the search did differently from the query (``SearchResults/notes``).
    var notes: [String] = []
    /// "Did you mean" queries when nothing matched (``SearchResults/suggestions``).
    var suggestions: [String] = []

    enum CodingKeys: String, CodingKey {
        case query, commit, tookMS = "took_ms", total, totalStories = "total_stories", offset, limit, sort, hits, next, facets
        case notes, suggestions
    }
}

/// One hit of ``SearchResponse``.
struct APIHit: Encodable {
    struct SnippetJSON: Encodable {
        var text: String
        /// `[start, end)` in Unicode scalars (JavaScript: `Array.from(text)`).
        var highlights: [[Int]]
    }
    var rank: Int
    var id: String
    var score: Float
    var title: String
    @Nullable var date: String?
    @Nullable var url: String?
    @Nullable var source: String?
    @Nullable var byline: String?
    var snippet: SnippetJSON
    var entities: [MentionJSON]
    var explanation: ExplanationJSON?
    /// With collapse: the other matching articles of the hit's copy group (absent without).
    var copies: [CopyJSON]?

    init(_ hit: SearchHit, entities: [MentionJSON]) {
        let flat = SearchHitJSON(hit)
        rank = hit.rank
        id = hit.id
        score = hit.score
        title = hit.title
        date = flat.date
        url = hit.url
        source = hit.source
        byline = hit.byline
        snippet = SnippetJSON(text: flat.snippet, highlights: flat.highlights)
        self.entities = entities
        explanation = flat.explanation
    }
}

/// An entity an article mentions, with what the page shows of it.
struct MentionJSON: Encodable {
    var name: String
    var display: String
    var type: String
    var mentions: Int
}

/// The facets of ``SearchResponse``.
struct FacetsJSON: Encodable {
    /// Entities by type (person, organization, place, media, other), most documents first.
    var entities: [String: [EntityCountJSON]]
    var sources: [SourceCountJSON]
    var dates: DatesJSON
}

/// The date histogram of the matches.
struct DatesJSON: Encodable {
    struct Bucket: Encodable {
        var start: String
        var end: String
        var count: Int
    }
    var interval: String
    var buckets: [Bucket]
    var undated: Int
}

/// `GET /api/articles/{id}`.
struct ArticleResponse: Encodable {
    var id: String
    var title: String
    @Nullable var byline: String?
    @Nullable var date: String?
    @Nullable var url: String?
    @Nullable var source: String?
    var entities: [MentionJSON]
    var body: String
    @Nullable var setAside: String?
    var commit: String

    enum CodingKeys: String, CodingKey {
        case id, title, byline, date, url, source, entities, body, setAside = "set_aside", commit
    }
}

/// `GET /api/entities`.
struct EntitiesResponse: Encodable {
    var commit: String
    var tookMS: Double
    var entities: [EntityCountJSON]
    enum CodingKeys: String, CodingKey { case commit, tookMS = "took_ms", entities }
}

/// `GET /api/stats`.
struct StatsResponse: Encodable {
    struct Index: Encodable {
        var path: String
        var commit: String
        var documents: Int
        var segments: Int
        var sizeBytes: Int
        enum CodingKeys: String, CodingKey { case path, commit, documents, segments, sizeBytes = "size_bytes" }
    }
    var commit: String
    var documents: Int
    var segments: Int
    var sizeBytes: Int
    var analyzer: String
    var writes: Bool
    var indexes: [Index]
    enum CodingKeys: String, CodingKey {
        case commit, documents, segments, sizeBytes = "size_bytes", analyzer, writes, indexes
    }
}

/// A document of a `POST` body that was not indexed.
struct SkippedJSON: Encodable {
    @Nullable var line: Int?
    var reason: String
    var message: String
}

/// `POST /api/articles`.
struct AddResponse: Encodable {
    var commit: String
    var added: Int
    var replaced: Int
    var documents: Int
    var skipped: [SkippedJSON]
}

/// `DELETE /api/articles/{id}`.
struct DeleteResponse: Encodable {
    var commit: String
    var deleted: Int
    var documents: Int
}

/// Where a page of hits ends, handed out as `next` and taken back as `search_after`: the last
/// hit's place in the order, the commit it was found in, and a digest of the search, so that a
/// cursor cannot be used with another one.
struct CursorToken: Codable, Equatable {
    var commit: String
    var search: UInt64
    var scoreBits: UInt32
    var date: Int64?
    var index: Int
    var document: Int
    /// Hits before the next page, over the pages so far.
    var position = 0

    enum CodingKeys: String, CodingKey {
        case commit = "c", search = "q", scoreBits = "s", date = "d", index = "i", document = "n", position = "p"
    }

    init(commit: String, search: UInt64, cursor: SearchCursor) {
        self.commit = commit
        self.search = search
        scoreBits = cursor.score.bitPattern
        date = cursor.date
        index = cursor.index
        document = cursor.document
    }

    var cursor: SearchCursor {
        SearchCursor(score: Float(bitPattern: scoreBits), date: date, index: index, document: document)
    }

    /// The token as URL-safe base64 of its JSON.
    func encoded() -> String {
        let data = (try? JSONOutput.encoder().encode(self)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token made by ``encoded()``.
    init(decoding text: String) throws {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard text.count <= 512, let data = Data(base64Encoded: b64),
              let token = try? JSONDecoder().decode(CursorToken.self, from: data) else {
            throw Problem(.badCursor, "search_after is not a cursor this server handed out. Pass the `next` of the previous page unchanged.",
                          extra: ["parameter": .string("search_after")])
        }
        self = token
    }

    /// A digest (FNV-1a, 64 bits) of what defines a search's order and matches.
    static func digest(_ parts: [String]) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for part in parts {
            for b in part.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
            h = (h ^ 0xff) &* 0x100000001b3
        }
        return h
    }
}
