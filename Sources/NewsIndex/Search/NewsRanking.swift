import Foundation

import NewsIndexQuery

extension SearchOptions {
    /// How hits are scored (``SearchOptions/ranking``).
    public enum Ranking: String, Sendable, CaseIterable {
        /// The default: BM25 finds the best ``SearchOptions/rescoreWindow`` matches, which are then
        /// scored again for news. Each query word is weighed by BM25F over the title and the body
        /// (one saturation for both, as Lucene's `CombinedFieldQuery`), with its occurrences in the
        /// lead (the first words of the body) counting extra and its other forms (`cooperation`
        /// for `cooperate`, in indexes of unstemmed words) counting half; neighbouring query words
        /// found close together in the body add a bounded proximity bonus. Phrases, `NEAR`,
        /// fielded parts and entities score as with ``bm25``. ``SearchHit/explanation`` shows
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
/// headlines (README, "Ranking"; `scripts/eval-ranking`).
struct NewsWeights {
    /// BM25F's saturation and length normalization of the body and of the title.
    var k1: Float = 1.2
    var bodyB: Float = 0.75
    var titleB: Float = 0.5
    /// The lead: how many first words of the body, and what one occurrence there adds to the
    /// word's combined frequency (on top of counting in the body).
    var leadLength: UInt32 = 30
    var leadWeight: Float = 1
    /// What an occurrence of another form of a word counts, against 1 for the exact form.
    var formWeight: Float = 0.5
    /// Proximity: neighbouring query words at most `window` positions apart; the bonus is
    /// `weight · min(idf) · acc / (k1 + acc)` where `acc` sums `1 / distance²` over the pairs.
    var window: Int = 8
    var proximityWeight: Float = 0.3

    static let standard = NewsWeights()
}

/// A query word as the news ranking scores it.
struct NewsWord {
    var label: String
    /// The word's forms in the index; `exact[k]` tells whether form `k` is the word itself.
    var forms: [String]
    var exact: [Bool]
    var idf: Float
    /// BM25F's document frequency (the larger of the title's and the body's) and N.
    var docFreq: Int
    var docCount: Int
    var boost: Float
    var titleWeight: Float
    var titleAverage: Float
    var bodyAverage: Float
}

/// The news score of a plan's matches in one index (``SearchOptions/Ranking/news``): each query
/// word by BM25F with its lead and its other forms, a proximity bonus per pair of neighbouring
/// words, the other parts by BM25, times the recency factor when asked.
struct NewsRanking {
    let weights: NewsWeights
    let words: [NewsWord]
    /// Pairs of neighbouring words of one group of the query (indexes into ``words``).
    let pairs: [(Int, Int)]
    /// The scoring parts that are not query words (phrases, NEAR, fielded parts, entities).
    let others: [PlanLeaf]
    let recency: SearchOptions.Recency?
    let now: Int64

    /// The ranking of `plan`, or nil when it would score every match as BM25 does.
    init?(_ plan: Plan, options: SearchOptions, weights: NewsWeights = .standard) {
        guard options.ranking == .news, options.order == .score else { return nil }
        var words: [NewsWord] = [], pairs: [(Int, Int)] = [], others: [PlanLeaf] = []
        var group = 0
        func visit(_ p: Plan, _ parent: Int, _ previous: inout (group: Int, word: Int)?) {
            switch p {
            case .leaf(let leaf):
                if let w = NewsRanking.word(leaf) {
                    if let prev = previous, prev.group == parent { pairs.append((prev.word, words.count)) }
                    previous = (parent, words.count)
                    words.append(w)
                } else {
                    others.append(leaf)
                    previous = nil
                }
            case .and(let must, _):
                group += 1
                let g = group
                var last: (group: Int, word: Int)? = nil
                for m in must { visit(m, g, &last) }
                previous = nil
            case .or(let parts):
                group += 1
                let g = group
                var last: (group: Int, word: Int)? = nil
                for m in parts { visit(m, g, &last) }
                previous = nil
            case .filter, .date, .nothing:
                break
            }
        }
        var none: (group: Int, word: Int)? = nil
        visit(plan, 0, &none)
        if words.isEmpty && options.recency == nil { return nil }
        self.weights = weights
        self.words = words
        self.pairs = pairs
        self.others = others
        self.recency = options.recency
        self.now = Int64(options.now.timeIntervalSince1970.rounded(.down))
    }

    /// A word of the query searched in the title and body, as the news ranking weighs it.
    private static func word(_ leaf: PlanLeaf) -> NewsWord? {
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
        return NewsWord(label: word, forms: forms, exact: forms.map { $0 == word }, idf: BM25.idf(docFreq: n, docCount: docCount),
                        docFreq: n, docCount: docCount, boost: body.boost,
                        titleWeight: body.boost == 0 ? 0 : title.boost / body.boost, titleAverage: title.avgdl, bodyAverage: body.avgdl)
    }
}

extension NewsRanking {
    /// The cursors of one segment, sought in increasing document order.
    final class SegmentScoring {
        let segment: SegmentReader
        /// Per word: the title's and the body's cursors, with whether each is the exact form.
        var title: [[(cursor: PostingsCursor, exact: Bool)]] = []
        var body: [[(cursor: PostingsCursor, exact: Bool)]] = []
        var others: [any Scorer] = []
        let titleNorms: UnsafeRawBufferPointer?
        let bodyNorms: UnsafeRawBufferPointer?

        init(_ ranking: NewsRanking, segment seg: SegmentReader, index: IndexReader, cache: QueryTerms?) throws {
            segment = seg
            titleNorms = seg.norms(.title)
            bodyNorms = seg.norms(.body)
            func cursors(_ w: NewsWord, _ f: IndexedField) throws -> [(cursor: PostingsCursor, exact: Bool)] {
                var out: [(cursor: PostingsCursor, exact: Bool)] = []
                for (k, form) in w.forms.enumerated() {
                    let info = try cache.map { try $0.info(f, form, in: seg) } ?? seg.termInfo(f, form)
                    if let info { out.append((try seg.postings(info), w.exact[k])) }
                }
                return out
            }
            for w in ranking.words {
                title.append(try cursors(w, .title))
                body.append(try cursors(w, .body))
            }
            for leaf in ranking.others {
                if let s = try index.scorer(.leaf(leaf), in: seg, cache: cache) { others.append(s) }
            }
        }
    }

    /// What one word adds up to in a document.
    struct WordParts {
        var title: Float = 0
        var body: Float = 0
        var lead: Float = 0
        var titleLength: Float = 0
        var bodyLength: Float = 0
        var frequency: Float = 0
        var score: Float = 0
    }

    /// The score of local document `doc` of the segment, taken apart when `explain` is set.
    func score(_ doc: Int32, in s: SegmentScoring, explain: Bool = false) throws -> (score: Float, explanation: Explanation?) {
        var total: Double = 0
        var details: [Explanation] = []
        var positions: [[UInt32]] = Array(repeating: [], count: words.count)
        let w = weights
        for (i, word) in words.enumerated() {
            var p = WordParts()
            for (cursor, exact) in s.title[i] {
                if cursor.doc < doc { _ = try cursor.seek(doc) }
                if cursor.doc == doc { p.title += Float(cursor.freq) * (exact ? 1 : w.formWeight) }
            }
            for (cursor, exact) in s.body[i] {
                if cursor.doc < doc { _ = try cursor.seek(doc) }
                guard cursor.doc == doc else { continue }
                let unit: Float = exact ? 1 : w.formWeight
                p.body += Float(cursor.freq) * unit
                let ps = try cursor.currentPositions()
                var lead = 0
                while lead < ps.count && ps[lead] < w.leadLength { lead += 1 }
                p.lead += Float(lead) * unit
                positions[i].append(contentsOf: ps)
            }
            if s.body[i].count > 1 { positions[i].sort() }
            guard p.title > 0 || p.body > 0 else { continue }
            p.titleLength = s.titleNorms.map { Float(SmallFloat.lengthTable[Int($0[Int(doc)])]) } ?? 0
            p.bodyLength = s.bodyNorms.map { Float(SmallFloat.lengthTable[Int($0[Int(doc)])]) } ?? 0
            let titleNorm = (1 - w.titleB) + w.titleB * p.titleLength / max(word.titleAverage, 1e-6)
            let bodyNorm = (1 - w.bodyB) + w.bodyB * p.bodyLength / max(word.bodyAverage, 1e-6)
            p.frequency = word.titleWeight * p.title / titleNorm + p.body / bodyNorm + w.leadWeight * p.lead
            p.score = word.boost * word.idf * p.frequency / (w.k1 + p.frequency)
            total += Double(p.score)
            if explain { details.append(explanation(of: word, p, titleNorm: titleNorm, bodyNorm: bodyNorm)) }
        }
        for (a, b) in pairs where !positions[a].isEmpty && !positions[b].isEmpty {
            let acc = NewsRanking.closeness(positions[a], positions[b], window: w.window)
            guard acc > 0 else { continue }
            let weight = w.proximityWeight * min(words[a].boost * words[a].idf, words[b].boost * words[b].idf)
            let bonus = weight * acc / (w.k1 + acc)
            total += Double(bonus)
            if explain {
                details.append(Explanation(value: bonus, text: "proximity(\(words[a].label) \(words[b].label)), computed as weight * acc / (k1 + acc) from:", details: [
                    Explanation(value: weight, text: "weight, \(w.proximityWeight) times the smaller boost * idf of the two words"),
                    Explanation(value: acc, text: "acc, sum of 1 / distance² over each occurrence of \(words[a].label) and the nearest \(words[b].label) at most \(w.window) words away in the body"),
                    Explanation(value: w.k1, text: "k1, saturation"),
                ]))
            }
        }
        for o in s.others {
            if o.doc < doc { _ = try o.seek(doc) }
            guard o.doc == doc else { continue }
            let v = try o.score()
            total += Double(v)
            if explain { details.append(try o.explain()) }
        }
        var score = Float(total)
        var explanation: Explanation? = nil
        if explain {
            explanation = details.count == 1 ? details[0] : Explanation(value: score, text: "sum of:", details: details)
        }
        if let recency {
            let date = s.segment.date(Int(doc))
            let f = recency.factor(date: date, now: now)
            score *= f
            if explain, let inner = explanation {
                explanation = Explanation(value: score, text: "product of:", details: [inner, Explanation(
                    value: f, text: "recency, computed as (1 + pivot / (pivot + age)) / 2 with pivot \(Int(recency.pivot)) s and age "
                        + (date.map { "\(max(0, now - $0)) s" } ?? "unknown (undated: counts as very old)"))])
            }
        }
        return (score, explanation)
    }

    private func explanation(of word: NewsWord, _ p: WordParts, titleNorm: Float, bodyNorm: Float) -> Explanation {
        let w = weights
        let forms = word.forms.count > 1 ? " (other forms count \(w.formWeight): \(word.forms.filter { $0 != word.label }.joined(separator: ", ")))" : ""
        return Explanation(value: p.score, text: "weight(\(word.label)), BM25F over title and body, computed as boost * idf * tf / (k1 + tf) from:", details: [
            Explanation(value: word.boost, text: "boost"),
            Explanation(value: word.idf, text: "idf, computed as ln(1 + (N - n + 0.5) / (n + 0.5)) from:", details: [
                Explanation(value: Float(word.docFreq), text: "n, documents containing \(word.label) in the title or body (the larger count)"),
                Explanation(value: Float(word.docCount), text: "N, documents with a body"),
            ]),
            Explanation(value: p.frequency, text: "tf, computed as titleWeight * titleFreq / titleNorm + bodyFreq / bodyNorm + leadWeight * leadFreq from:" + forms, details: [
                Explanation(value: word.titleWeight, text: "titleWeight"),
                Explanation(value: p.title, text: "titleFreq, occurrences in the title"),
                Explanation(value: titleNorm, text: "titleNorm, 1 - b + b * dl / avgdl with b \(w.titleB), dl \(p.titleLength), avgdl \(word.titleAverage)"),
                Explanation(value: p.body, text: "bodyFreq, occurrences in the body"),
                Explanation(value: bodyNorm, text: "bodyNorm, 1 - b + b * dl / avgdl with b \(w.bodyB), dl \(p.bodyLength), avgdl \(word.bodyAverage)"),
                Explanation(value: w.leadWeight, text: "leadWeight"),
                Explanation(value: p.lead, text: "leadFreq, occurrences in the first \(w.leadLength) words of the body"),
            ]),
            Explanation(value: w.k1, text: "k1, saturation"),
        ])
    }

    /// `Σ 1 / d²` over each position of `a` and the nearest position of `b` at most `window` away (d ≥ 1).
    static func closeness(_ a: [UInt32], _ b: [UInt32], window: Int) -> Float {
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

    /// `entries` (global document numbers) with their news scores, best first.
    func rescore(_ entries: [TopDocs.Entry], in index: IndexReader, cache: QueryTerms?) throws -> [TopDocs.Entry] {
        var located: [(segment: Int, local: Int32, entry: TopDocs.Entry)] = entries.map { e in
            let (seg, local) = index.locate(Int(e.doc))
            return (seg.ordinal, Int32(local), e)
        }
        located.sort { ($0.segment, $0.local) < ($1.segment, $1.local) }
        var out: [TopDocs.Entry] = []
        out.reserveCapacity(entries.count)
        var scoring: SegmentScoring? = nil
        for x in located {
            if scoring?.segment.ordinal != x.segment {
                scoring = try SegmentScoring(self, segment: index.segments[x.segment], index: index, cache: cache)
            }
            var e = x.entry
            e.score = try score(x.local, in: scoring!).score
            out.append(e)
        }
        out.sort { $0.score != $1.score ? $0.score > $1.score : $0.doc < $1.doc }
        return out
    }

    /// How the news ranking scores global document `doc` (which must match the plan).
    func explain(_ doc: Int, in index: IndexReader) throws -> Explanation? {
        let (seg, local) = index.locate(doc)
        let s = try SegmentScoring(self, segment: seg, index: index, cache: nil)
        return try score(Int32(local), in: s, explain: true).explanation
    }
}

extension IndexReader {
    /// The best `capacity` matches of `plan` by the news ranking: BM25's best
    /// ``SearchOptions/rescoreWindow`` (or more, for a deep page) scored again.
    func collectNews(_ plan: Plan, ranking: NewsRanking, options: SearchOptions, capacity: Int, indexNumber: Int,
                     cache: QueryTerms) throws -> Collected {
        var firstStage = options
        firstStage.ranking = .bm25
        firstStage.after = nil
        let after = options.after?.entry(forIndex: indexNumber)
        var window = max(capacity, options.rescoreWindow)
        while true {
            var found = try collect(plan, options: firstStage, capacity: window, indexNumber: indexNumber, cache: cache)
            var entries = try ranking.rescore(found.entries, in: self, cache: cache)
            if let after {
                entries.removeAll { $0.score > after.score || ($0.score == after.score && $0.doc <= after.doc) }
            }
            let more = found.entries.count == window && window < documentCount
            if entries.count >= capacity || !more {
                found.entries = Array(entries.prefix(capacity))
                return found
            }
            window = min(documentCount, window * 4)
        }
    }
}
