import NewsIndexQuery

/// Deleting by query: the Search layer finds the documents, the writer deletes them by number.
extension IndexWriter {
    /// Deletes every article of the index (as it was when the writer opened it) that `query`
    /// matches, at commit (in append mode); returns how many match.
    ///
    /// - Throws: `NewsIndexError.Kind.badQuery` as ``IndexReader/search(_:options:)`` does.
    @discardableResult
    public func delete(matching query: Query) throws -> Int {
        precondition(options.mode == .append, "IndexWriter.delete needs Options.mode = .append")
        guard let base else { return 0 }
        let plan = try base.plan(query, options: SearchOptions())
        var n = 0
        for seg in base.segments {
            var documents: [Int32] = []
            try base.forEachMatch(plan, in: seg) { documents.append($0) }
            delete(documents: documents, inSegment: seg.ordinal)
            n += documents.count
        }
        return n
    }
}
