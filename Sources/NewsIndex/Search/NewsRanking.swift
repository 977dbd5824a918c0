import Foundation

import NewsIndexQuery

extension SearchOptions {
    /// How hits are scored (``SearchOptions/ranking``).
    public enum Ranking: String, Sendable, CaseIterable {
        /// The default. Each query word is weighed by BM25F over the title and the body (one
        /// saturation for both, as Lucene's `CombinedFieldQuery`), with its occurrences in the
        /// lead (the first words of the body) counting extra and its other forms (`cooperation`
        /// for `cooperate`, in indexes of unstemmed words) matching and counting half; a query
        /// word found close to the word before it in the body adds a bounded proximity bonus.
        /// Phrases, `NEAR`, fielded parts, prefixes, fuzzy words and entities score as with ``bm25``. Top-k pruning
        /// works as with BM25, from bounds on each word's score. ``SearchHit/explanation`` shows
        /// every part.
        case news
        /// BM25 as Lucene computes it, summed over the title (counting ``SearchOptions/titleBoost``
        /// times) and the body: the scores Lucene and tantivy give.
        case bm25
    }

    /// A preference for newer articles, as Elasticsearch's `distance_feature`: an article of
    /// age `a` has its score multiplied by `(1 + pivot / (pivot + a)) / 2`, so 1 when new, 3/4
    /// at the pivot's age, 1/2 when very old; undated articles count as very old.
    public struct Recency: Sendable, Equatable {
        /// The age at which an article keeps three quarters of its score, in seconds.
        public var pivot: TimeInterval

        /// A recency preference with the given pivot age (seconds, more than 0).
        public init(pivot: TimeInterval) {
            precondition(pivot > 0, "the recency pivot must be positive")
            self.pivot = pivot
        }

        /// Reads an age such as `7d`, `12h`, `2w`, `3m` (months of 30 days) or `1y` (365 days).
        ///
        /// - Throws: ``NewsIndexError/Kind/badQuery`` naming the text when it is not such an age.
        public init(parsing text: String) throws {
            let units: [Character: TimeInterval] = ["h": 3600, "d": 86_400, "w": 7 * 86_400, "m": 30 * 86_400, "y": 365 * 86_400]
            guard let unit = text.last.flatMap({ units[$0] }), let n = Double(text.dropLast()), n > 0, n.isFinite else {
                throw NewsIndexError(.badQuery, "the recency \"\(text)\" is not an age: write a number and a unit, h, d, w, m (30 days) or y, as in 7d or 12h.")
            }
            self.init(pivot: n * unit)
        }

        /// The factor for an article published at `date` (seconds since the epoch), seen at `now`.
        func factor(date: Int64?, now: Int64) -> Float {
            guard let date else { return 0.5 }
            let age = max(0, Double(now - date))
            return Float((1 + pivot / (pivot + age)) / 2)
        }
    }
}

/// The news ranking's constants, chosen on development sets of known-item searches of news
/// headlines over 251,000 bodies (README, "Ranking"; `scripts/eval-ranking --bench`).
struct NewsWeights {
    /// BM25F's saturation and length normalization of the body and of the title.
    var k1: Float = 0.8
    var bodyB: Float = 0.6
    var titleB: Float = 0.5
    /// The lead: how many first words of the body, and what a word found there adds to its
    /// combined frequency (once, however often it is there; on top of counting in the body).
    var leadLength: UInt32 = 80
    var leadWeight: Float = 1
    /// What an occurrence of another form of a word counts, against 1 for the exact form.
    var formWeight: Float = 0.5
    /// Proximity: a word and the word before it at most `window` positions apart; the bonus is
    /// `weight · min(boost · idf) · acc / (k1 + acc)` where `acc` sums `1 / distance²`.
    var window: Int = 8
    var proximityWeight: Float = 0.6

    static let standard = NewsWeights()
}

/// A query word as the news ranking scores it.
struct NewsWord {
    var label: String
    /// The word's forms in the index, and what one occurrence of each counts: 1 for the word
    /// itself, ``NewsWeights/formWeight`` for its other forms; for a fuzzy word, each word's
    /// likeness to the word typed over that of the likest (`fuzzy`). At most 1: the scorer's
    /// bounds count the lead once at its full weight.
    var forms: [String]
    var units: [Float]
    var fuzzy = false
    var idf: Float
    /// BM25F's document frequency (the larger of the title's and the body's) and N.
    var docFreq: Int
    var docCount: Int
    var boost: Float
    var titleWeight: Float
    var titleAverage: Float
    var bodyAverage: Float
}

/// A word of the query as the news ranking scores it: the word, the word before it in its group
/// (for the proximity bonus), and the constants.
struct NewsLeaf {
    var word: NewsWord
    var neighbour: NewsWord?
    var weights: NewsWeights
}

/// The news ranking's view of a plan (see ``SearchOptions/Ranking/news``).
enum NewsRanking {
    /// `plan` with its words marked to be scored by the news ranking (``PlanLeaf/news``): every
    /// positive word of the title and body, each with the word before it in its AND or OR group.
    static func weigh(_ plan: Plan, weights: NewsWeights = .standard) -> Plan {
        func visit(_ p: Plan, _ previous: inout NewsWord?) -> Plan {
            switch p {
            case .leaf(var leaf):
                guard let w = word(leaf, weights: weights) else {
                    previous = nil
                    return p
                }
                leaf.news = NewsLeaf(word: w, neighbour: previous, weights: weights)
                previous = w
                return .leaf(leaf)
            case .and(let must, let not):
                var last: NewsWord? = nil
                let weighed = must.map { visit($0, &last) }
                previous = nil
                return .and(must: weighed, not: not)
            case .or(let parts):
                var last: NewsWord? = nil
                let weighed = parts.map { visit($0, &last) }
                previous = nil
                return .or(weighed)
            case .filter, .date, .nothing:
                previous = nil
                return p
            }
        }
        var none: NewsWord? = nil
        return visit(plan, &none)
    }

    /// A word of the query searched in the title and body, as the news ranking weighs it.
    static func word(_ leaf: PlanLeaf, weights: NewsWeights = .standard) -> NewsWord? {
        guard let word = leaf.word, leaf.fields.count == 2, leaf.fields[0].field == .title, leaf.fields[1].field == .body else { return nil }
        let title = leaf.fields[0].bm25, body = leaf.fields[1].bm25
        let forms: [String]
        switch leaf.span {
        case .term(let t): forms = [t]
        case .union(let ws, _): forms = ws
        default: return nil
        }
        let n = max(title.idfParts.first?.docFreq ?? 0, body.idfParts.first?.docFreq ?? 0)
        let docCount = max(body.docCount, n)
        let units = leaf.likeness ?? forms.map { $0 == word ? 1 : weights.formWeight }
        return NewsWord(label: word, forms: forms, units: units, fuzzy: leaf.likeness != nil, idf: BM25.idf(docFreq: n, docCount: docCount),
                        docFreq: n, docCount: docCount, boost: body.boost,
                        titleWeight: body.boost == 0 ? 0 : title.boost / body.boost, titleAverage: title.avgdl, bodyAverage: body.avgdl)
    }

    /// `Σ 1 / d²` over each position of `a` and the nearest position of `b` at most `window` away (d ≥ 1).
    static func closeness(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, window: Int) -> Float {
        var acc: Float = 0
        var j = 0
        for p in a {
            while j < b.count && b[j] < p { j += 1 }
            var best = Int.max
            if j < b.count, b[j] != p { best = Int(b[j] - p) }
            if j + 1 < b.count, b[j] == p { best = min(best, Int(b[j + 1] - p)) }
            if j > 0 { best = min(best, Int(p - b[j - 1])) }
            if best <= window { acc += 1 / Float(best * best) }
        }
        return acc
    }
}

/// ``SearchOptions/recency`` applied to the best matches by score: each score multiplied by its
/// article's recency factor, the matches then sorted again.
struct RecencyRanking {
    let recency: SearchOptions.Recency
    let now: Int64

    /// The recency of `options`, or nil when it asks for none (or does not order by score).
    init?(_ options: SearchOptions) {
        guard options.ranking == .news, options.order == .score, let r = options.recency else { return nil }
        recency = r
        now = Int64(options.now.timeIntervalSince1970.rounded(.down))
    }

    /// The best `keep` of `entries` (global document numbers of `index`) by their scores times
    /// their recency, only those that rank below `after` when it is set; best first.
    func rescore(_ entries: [TopDocs.Entry], in index: IndexReader, after: TopDocs.Entry?, keep: Int) -> [TopDocs.Entry] {
        var top = TopDocs(capacity: keep)
        top.after = after
        for e in entries {
            let (seg, local) = index.locate(Int(e.doc))
            top.insert(score: e.score * recency.factor(date: seg.date(local), now: now), doc: e.doc)
        }
        return top.sorted()
    }

    /// `inner` (the explanation of global document `doc`'s score) times its recency.
    func explain(_ inner: Explanation, _ doc: Int, in index: IndexReader) -> Explanation {
        let (seg, local) = index.locate(doc)
        let date = seg.date(local)
        let f = recency.factor(date: date, now: now)
        return Explanation(value: inner.value * f, text: "product of:", details: [inner, Explanation(
            value: f, text: "recency, computed as (1 + pivot / (pivot + age)) / 2 with pivot \(Int(recency.pivot)) s and age "
                + (date.map { "\(max(0, now - $0)) s" } ?? "unknown (undated: counts as very old)"))])
    }
}

extension IndexReader {
    /// The best `capacity` matches of `plan` with ``SearchOptions/recency``: the best
    /// ``SearchOptions/rescoreWindow`` (or more, for a deep page) by score, times their recency.
    func collectRecent(_ plan: Plan, ranking: RecencyRanking, options: SearchOptions, capacity: Int, indexNumber: Int,
                       cache: QueryTerms) throws -> Collected {
        var firstStage = options
        firstStage.recency = nil
        firstStage.after = nil
        let after = options.after?.entry(forIndex: indexNumber)
        var window = max(capacity, options.rescoreWindow)
        while true {
            var found = try collect(plan, options: firstStage, capacity: window, indexNumber: indexNumber, cache: cache)
            let entries = ranking.rescore(found.entries, in: self, after: after, keep: capacity)
            let more = found.entries.count == window && window < documentCount
            if entries.count >= capacity || !more {
                found.entries = entries
                return found
            }
            window = min(documentCount, window * 4)
        }
    }
}
