import NewsIndexQuery

/// More like this: the words an article is most about, by BM25, searched as a weighted OR.
///
/// Lucene's MoreLikeThis and Elasticsearch's more_like_this pick terms by tf × idf. Here each
/// word of the article is weighed as BM25 would score the article for it, idf × tf (k1 + 1) /
/// (tf + k1 (1 − b + b · dl / avgdl)), so a word repeated in a long article counts less than
/// raw tf says, as it would in a search. Title words count twice (the title boost), entities
/// (``entityWeight``) twice as much as a word of their weight; words in no other article are left
/// out (they find nothing), and so are function words (`StopWords`) and words under three letters,
/// whose idf is high only in a small index. The best ``termCount`` become the parts of an OR, each scaled by
/// its weight over the best one's.
enum SimilarTerms {
    /// Words (and entities) the query is made of at most.
    static let termCount = 25
    /// How much more an entity weighs than a word.
    static let entityWeight: Float = 2
}

extension QueryPlanner {
    /// The plan of `similar:ID`: the weighted OR of the article's telling words, without the
    /// article and its copies.
    func similarPlan(toID id: String) throws -> Plan {
        guard let doc = try index.liveDocumentNumber(id: id) else {
            throw NewsIndexError(.badQuery, "similar:\(id) names no article of this index (ids are case-sensitive; `newsindex search` prints them).")
        }
        let article = try index.storedArticle(doc)
        var freq: [String: Float] = [:]
        for t in index.analyzer.tokens(article.title) { freq[t.term, default: 0] += titleBoost }
        var length = 0
        for t in index.analyzer.tokens(article.body) {
            freq[t.term, default: 0] += 1
            length += 1
        }
        let body = statistics.fieldStats(.body)
        let n = max(1, body.docCount)
        let avgdl = BM25.averageLength(body)
        let norm = BM25.k1 * (1 - BM25.b + BM25.b * Float(length) / avgdl)
        func weight(_ tf: Float, docFreq: Int) -> Float {
            BM25.idf(docFreq: docFreq, docCount: n) * tf * (BM25.k1 + 1) / (tf + norm)
        }
        var scored: [(term: String, label: String, weight: Float)] = []
        for (term, tf) in freq where term.unicodeScalars.count >= 3 && !StopWords.english.contains(term)
            && term.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) {
            let df = max(try statistics.docFreq(.body, term), try statistics.docFreq(.title, term))
            guard df > 1 else { continue }
            scored.append((term, term, weight(tf, docFreq: df)))
        }
        for e in article.entities {
            guard let entity = index.gazetteer.resolve(e.name) else { continue }
            let df = try statistics.docFreq(.body, entity.term)
            guard df > 1 else { continue }
            scored.append((entity.term, "entity:" + e.name, SimilarTerms.entityWeight * weight(Float(e.mentions), docFreq: df)))
        }
        scored.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.term < $1.term }
        let best = scored.prefix(SimilarTerms.termCount)
        guard let top = best.first?.weight, top > 0 else { return .nothing }
        let leaves = try best.map { s in
            Plan.leaf(try leaf(label: s.label, span: .term(s.term), fields: [.title, .body], scale: s.weight / top))
        }
        // The article itself and its copies are not "similar articles".
        let own = try index.articleCopies(index.groupMembers(of: doc)).map { copy in
            Plan.leaf(try leaf(label: "id:" + copy.id, span: .term(copy.id), fields: [.id]))
        }
        return .and(must: [.or(leaves)], not: own)
    }
}

extension IndexReader {
    /// Articles like the one with id `id` (``Query/similar(toID:)``), best first, each story
    /// once: `options.collapse` is set, so copies of one story come as one hit with its
    /// ``SearchHit/copies``. The article and its own copies are left out.
    ///
    /// ```swift
    /// for hit in try index.similar(toID: "wire-0").hits { print(hit.id, hit.title) }
    /// ```
    /// - Throws: `NewsIndexError.Kind.badQuery` when no live article has that id.
    public func similar(toID id: String, options: SearchOptions = SearchOptions()) throws -> SearchResults {
        var options = options
        options.collapse = true
        return try search(Query.similar(toID: id), options: options)
    }
}
