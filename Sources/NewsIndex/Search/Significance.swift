import Foundation
import NewsIndexQuery

/// Options for ``IndexReader/significantEntities(matching:options:)`` and
/// ``IndexReader/significantTerms(matching:options:)``.
public struct SignificanceOptions: Sendable {
    /// Terms to return at most.
    public var limit: Int = 20
    /// Terms in fewer matching documents (or stories) are left out: too rare to judge.
    public var minimumDocuments: Int = 3
    /// Whether to count stories (copy groups) instead of articles, in the matches and in the
    /// whole index, so that one story republished many times counts once.
    public var stories: Bool = false
    /// Whether to rank by JLH (true) or, when false, simply by the matching documents that
    /// contain the term (the most frequent terms of the matches).
    public var significant: Bool = true
    /// The current time, for relative dates in the query.
    public var now: Date = Date()
    /// Creates the default options: 20 terms by JLH, at least 3 documents, counting articles.
    public init() {}
}

/// A word or entity and how over-represented it is in a query's matches.
///
/// The score is JLH, Elasticsearch's significant_terms default: with fg = ``foreground`` /
/// ``foregroundTotal`` and bg = ``background`` / ``backgroundTotal``, (fg − bg) · fg / bg when
/// fg > bg, else 0. It favours terms that are both frequent in the matches and rare elsewhere.
public struct SignificantTerm: Sendable, Equatable {
    /// The word as indexed (analyzed), or the entity's canonical name.
    public var term: String
    /// For an entity: its type (person, organization, place, media, …); nil for a word.
    public var entityType: String?
    /// Matching documents (or stories) that contain it.
    public var foreground: Int
    /// Matching documents (or stories).
    public var foregroundTotal: Int
    /// Live documents (or stories) of the index that contain it.
    public var background: Int
    /// Live documents (or stories) of the index.
    public var backgroundTotal: Int
    /// The JLH score (see the type's description).
    public var score: Double

    /// The name of the score, for output: `jlh`.
    public static let scoreName = "jlh"

    /// JLH of the four counts.
    public static func jlh(foreground: Int, foregroundTotal: Int, background: Int, backgroundTotal: Int) -> Double {
        guard foregroundTotal > 0, backgroundTotal > 0, background > 0 else { return 0 }
        let fg = Double(foreground) / Double(foregroundTotal), bg = Double(background) / Double(backgroundTotal)
        return fg > bg ? (fg - bg) * fg / bg : 0
    }
}

extension IndexReader {
    /// The entities over-represented in the matches of `query` compared with the whole index,
    /// best first (``SignificantTerm``).
    ///
    /// - Throws: the errors of ``search(_:options:)``.
    public func significantEntities(matching query: Query, options: SignificanceOptions = SignificanceOptions()) throws -> [SignificantTerm] {
        let sets = try documentSets(query, options)
        var byTerm: [String: Entity] = [:]
        for e in gazetteer.entities { byTerm[e.term] = e }
        var counts: [String: (fg: Int, bg: Int)] = [:]
        for seg in segments {
            for (term, cs) in try seg.entityCursors() {
                let (fg, bg) = try IndexReader.count(cs, sets.foreground[seg.ordinal], sets.background[seg.ordinal])
                counts[term, default: (0, 0)].fg += fg
                counts[term, default: (0, 0)].bg += bg
            }
        }
        let terms = counts.compactMap { term, c -> SignificantTerm? in
            guard let e = byTerm[term] else { return nil }
            return SignificantTerm(term: e.name, entityType: e.type, foreground: c.fg, foregroundTotal: sets.foregroundTotal,
                                   background: c.bg, backgroundTotal: sets.backgroundTotal,
                                   score: SignificantTerm.jlh(foreground: c.fg, foregroundTotal: sets.foregroundTotal,
                                                              background: c.bg, backgroundTotal: sets.backgroundTotal))
        }
        return IndexReader.ranked(terms, options)
    }

    /// The words over-represented in the matches of `query` compared with the whole index, best
    /// first (``SignificantTerm``); with ``SignificanceOptions/significant`` off, the words most
    /// matches contain. Candidates are the words of the title and body of the 200 best matches
    /// (function words, numbers, words under three letters and the query's own words left out);
    /// each candidate's counts are then exact, from its postings over all the matches.
    ///
    /// - Throws: the errors of ``search(_:options:)``.
    public func significantTerms(matching query: Query, options: SignificanceOptions = SignificanceOptions()) throws -> [SignificantTerm] {
        let sets = try documentSets(query, options)
        var search = SearchOptions()
        search.limit = SignificanceSample.documents
        search.snippets = false
        search.now = options.now
        let best = try self.search(query, options: search)
        let own = Set(highlightParts(try plan(query, options: search)).flatMap { $0.terms.map(\.0) })
        var sampled: [String: Int] = [:]
        for hit in best.hits {
            let a = try storedArticle(hit.documentNumber)
            var seen = Set<String>()
            for t in analyzer.tokens(a.title) + analyzer.tokens(a.body) where seen.insert(t.term).inserted {
                sampled[t.term, default: 0] += 1
            }
        }
        let candidates = sampled.filter { term, n in
            n >= min(2, options.minimumDocuments) && term.unicodeScalars.count >= 3 && !StopWords.english.contains(term)
                && !own.contains(term) && term.unicodeScalars.contains { $0.properties.isAlphabetic }
        }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(SignificanceSample.candidates).map(\.key)
        var terms: [SignificantTerm] = []
        for term in candidates {
            var fg = 0, bg = 0
            for seg in segments {
                var cs: [PostingsCursor] = []
                for field in [IndexedField.title, .body] {
                    if let info = try seg.termInfo(field, term) { cs.append(try seg.postings(info)) }
                }
                let c = try IndexReader.count(cs, sets.foreground[seg.ordinal], sets.background[seg.ordinal])
                fg += c.fg
                bg += c.bg
            }
            terms.append(SignificantTerm(term: term, entityType: nil, foreground: fg, foregroundTotal: sets.foregroundTotal,
                                         background: bg, backgroundTotal: sets.backgroundTotal,
                                         score: SignificantTerm.jlh(foreground: fg, foregroundTotal: sets.foregroundTotal,
                                                                    background: bg, backgroundTotal: sets.backgroundTotal)))
        }
        return IndexReader.ranked(terms, options)
    }

    /// The documents counted, per segment: the matches (foreground) and every live document
    /// (background), as bits; with stories, only the first document of each copy group.
    private func documentSets(_ query: Query, _ options: SignificanceOptions) throws -> (foreground: [[UInt64]], background: [[UInt64]], foregroundTotal: Int, backgroundTotal: Int) {
        var search = SearchOptions()
        search.now = options.now
        let cache = QueryTerms(segmentCount: segments.count)
        let plan = try self.plan(query, options: search, cache: cache)
        let table = options.stories ? stories : nil
        var collector = MatchBits(stories: table)
        var background: [[UInt64]] = []
        var seen = Set<UInt64>()
        var backgroundTotal = 0
        for seg in segments {
            var bits = [UInt64](repeating: 0, count: (seg.docCount + 63) / 64)
            for d in 0..<seg.docCount where !seg.isDeleted(Int32(d)) {
                if let table, table.hasCopies(segment: seg.ordinal, Int32(d)), !seen.insert(seg.groupID(d)).inserted { continue }
                bits[d >> 6] |= 1 << UInt64(d & 63)
                backgroundTotal += 1
            }
            background.append(bits)
            collector.bits.append([UInt64](repeating: 0, count: (seg.docCount + 63) / 64))
            try evaluate(plan, in: seg, cache: cache, into: &collector)
        }
        return (collector.bits, background, collector.total, backgroundTotal)
    }

    /// Documents of the union of `cursors` (one term's postings in several fields) in each set.
    private static func count(_ cursors: [PostingsCursor], _ fg: [UInt64], _ bg: [UInt64]) throws -> (fg: Int, bg: Int) {
        var f = 0, b = 0
        for c in cursors { _ = try c.advance() }
        while true {
            let d = cursors.reduce(PostingsCursor.noMoreDocs) { min($0, $1.doc) }
            if d == PostingsCursor.noMoreDocs { break }
            let w = Int(d) >> 6, bit: UInt64 = 1 << UInt64(d & 63)
            if fg[w] & bit != 0 { f += 1 }
            if bg[w] & bit != 0 { b += 1 }
            for c in cursors where c.doc == d { _ = try c.advance() }
        }
        return (f, b)
    }

    private static func ranked(_ terms: [SignificantTerm], _ options: SignificanceOptions) -> [SignificantTerm] {
        let kept = terms.filter { $0.foreground >= options.minimumDocuments && (!options.significant || $0.score > 0) }
        let sorted = kept.sorted { a, b in
            let (x, y) = options.significant ? (a.score, b.score) : (Double(a.foreground), Double(b.foreground))
            return x != y ? x > y : a.term < b.term
        }
        return Array(sorted.prefix(options.limit))
    }
}

/// How ``IndexReader/significantTerms(matching:options:)`` finds its candidate words.
enum SignificanceSample {
    /// The best matches whose words are candidates.
    static let documents = 200
    /// Candidate words counted exactly at most (the most frequent in those matches).
    static let candidates = 2000
}

/// The matches of a segment as bits (the segment's array appended before it is evaluated);
/// with stories, each copy group's first match only.
struct MatchBits: Collector {
    var bits: [[UInt64]] = []
    private(set) var total = 0
    let stories: StoryTable?
    private var seen = Set<UInt64>()
    private var segment: SegmentReader?
    init(stories: StoryTable?) { self.stories = stories }
    var needsScores: Bool { false }
    mutating func begin(_ seg: SegmentReader) throws { segment = seg }
    mutating func collect(doc: Int32, score: Float) {
        if let stories, let seg = segment, stories.hasCopies(segment: seg.ordinal, doc),
           !seen.insert(seg.groupID(Int(doc))).inserted { return }
        bits[bits.count - 1][Int(doc) >> 6] |= 1 << UInt64(doc & 63)
        total += 1
    }
    mutating func end(_ seg: SegmentReader) throws { segment = nil }
}
