import NewsIndex

/// One query evaluated three ways, without reading articles: by the tree of scorers (exhaustive),
/// by the flat loop with pruning, and by the flat loop counting every match.
package func threeWays(_ index: IndexReader, _ q: Query, limit: Int) throws -> (exhaustive: SearchResults, pruned: SearchResults, flat: SearchResults) {
    var exhaustive = SearchOptions()
    exhaustive.ranking = .bm25
    exhaustive.limit = limit
    exhaustive.fetchArticles = false
    exhaustive.flatEvaluation = false
    var flat = exhaustive
    flat.flatEvaluation = true
    var pruned = flat
    pruned.countAllMatches = false
    return (try index.search(q, options: exhaustive), try index.search(q, options: pruned), try index.search(q, options: flat))
}

/// The segments after `additions` additions of `documents` documents each, the merge policy
/// applied in full after each (as `add` does), and the most segments there ever were.
package func simulateAdditions(_ additions: Int, documents: Int, bytesPerDocument: Int, maxBytes: Int) -> ([MergePolicy.Candidate], Int) {
    var segs: [MergePolicy.Candidate] = []
    var most = 0
    for _ in 0..<additions {
        segs.append(MergePolicy.Candidate(live: documents, docCount: documents, mergeBytes: documents * bytesPerDocument))
        while true {
            let ranges = MergePolicy.select(segs, maxBytes: maxBytes)
            if ranges.isEmpty { break }
            for r in ranges.reversed() {
                let live = segs[r].reduce(0) { $0 + $1.live }
                let bytes = segs[r].reduce(0) { $0 + $1.mergeBytes }
                segs.replaceSubrange(r, with: [MergePolicy.Candidate(live: live, docCount: live, mergeBytes: bytes)])
            }
        }
        most = max(most, segs.count)
    }
    return (segs, most)
}
