import NewsIndexQuery
/// How many documents of a set come from one source (a facet of a search, or of the whole index).
public struct SourceCount: Sendable, Equatable {
    /// The source as facets show it: a host lower-cased and without `www.` (`bbc.co.uk`), or a
    /// name with its white space collapsed (`Al Jazeera`).
    public var name: String
    /// Documents from that source.
    public var documents: Int
}

extension IndexReader {
    /// Source counts over the documents matching `query`, or over the whole index when it is
    /// nil; most documents first, then by name.
    ///
    /// ```swift
    /// let facets = try index.sourceCounts(matching: Query.parse("harbour"))
    /// // [SourceCount(name: "example.org", documents: 2), SourceCount(name: "Coast Herald", documents: 1)]
    /// ```
    /// - Throws: `NewsIndexError.Kind.badQuery` as ``search(_:options:)`` does.
    public func sourceCounts(matching query: Query? = nil, options: SearchOptions = SearchOptions()) throws -> [SourceCount] {
        let plan = try query.map { try self.plan($0, options: options) }
        var facets = FacetCollector(entities: false, sources: true)
        for seg in segments {
            if let plan {
                try evaluate(plan, in: seg, into: &facets)
            } else {
                try facets.countAll(in: seg)
            }
        }
        return sourceCounts(from: facets.sourceTotals)
    }

    /// The counts of `totals` (documents per source as shown), most documents first, then by name.
    func sourceCounts(from totals: [String: Int]) -> [SourceCount] {
        totals.filter { $0.value > 0 }.map { SourceCount(name: $0.key, documents: $0.value) }
            .sorted { $0.documents != $1.documents ? $0.documents > $1.documents : $0.name < $1.name }
    }

    /// Adds one segment's documents per source (only documents set in `matches`, when given; the
    /// live ones otherwise), from the source field's facet terms (byte 0x01 and the source).
    static func countSources(in seg: SegmentReader, matches: [UInt64]?, into totals: inout [String: Int]) throws {
        let start: [UInt8] = [IndexedField.source.rawValue, 1]
        try seg.scanTerms(from: start) { key, info in
            guard key.starts(with: start) else { return false }
            let cursor = try seg.postings(info)
            var n = 0
            var d = try cursor.advance()
            while d != PostingsCursor.noMoreDocs {
                if matches.map({ $0[Int(d) >> 6] & (1 << UInt64(d & 63)) != 0 }) ?? !seg.isDeleted(d) { n += 1 }
                d = try cursor.advance()
            }
            totals[String(decoding: key.dropFirst(2), as: UTF8.self), default: 0] += n
            return true
        }
    }
}
