/// One query word in one segment as the news ranking scores it (``SearchOptions/Ranking/news``):
/// BM25F over the title and the body of the word and its other forms, with the lead, plus the
/// proximity bonus with the word before it in its group.
///
/// It takes part in top-k pruning as a phrase does: its bound is the limit of its BM25F weight
/// (from the largest frequencies and shortest fields of its postings) plus the largest bonus;
/// it gives block bounds from the skip data of its postings, and, once told the threshold, it
/// passes over documents whose frequencies and lengths alone cannot reach it, before reading
/// any positions.
final class NewsWordScorer: Scorer, PrunableScorer {
    private(set) var doc: Int32 = -1
    let news: NewsLeaf
    /// The word's postings in the title and in the body, one cursor per form (the title's
    /// first), with what one occurrence of the form counts (1 for the word itself).
    private let cursors: [PostingsCursor]
    private let units: [Float]
    /// How many of `cursors` are the title's.
    private let titleCount: Int
    /// `cursors`, reached without reference counting in the loops (`cursors` keeps them alive).
    private let refs: UnsafeMutablePointer<Unmanaged<PostingsCursor>>
    /// The body postings of the word before this one, for the proximity bonus.
    private let near: [PostingsCursor]
    private let titleNorms: UnsafeRawBufferPointer?
    private let bodyNorms: UnsafeRawBufferPointer?
    /// `bodyNorms` as bytes, and per norm byte one over the body's length normalization.
    private let bodyNormBytes: UnsafePointer<UInt8>?
    private let bodyInverse: [Float]
    /// The largest proximity bonus: the proximity weight times the smaller boost · idf of the two words.
    private let pairWeight: Float
    private let bound: Float
    /// Per cursor, the most it adds to the word's combined frequency in any document.
    private let maxShares: [Float]
    /// The constants the loops use, out of `news` (reading them there would copy its arrays).
    private let n: Int
    private let weight: Float, k1: Float, titleWeight: Float, leadWeight: Float, leadLength: UInt32
    private let titleB: Float, bodyB: Float, titleAverage: Float, bodyAverage: Float
    private let window: Int
    /// The body postings of the word before, reached without reference counting (`near` keeps them).
    private let nearRefs: UnsafeMutablePointer<Unmanaged<PostingsCursor>>
    private let nearCount: Int
    /// The current document's body positions of this word and of the word before, behind a
    /// pointer (so the loops change them without exclusivity checks).
    private let gathered: UnsafeMutablePointer<(mine: GatheredPositions, theirs: GatheredPositions)>
    let cost: Int
    var threshold: Float = -.infinity
    var otherBounds: Float = 0
    /// The bounds of ``rangeBounds()`` last taken (by ``settle()`` or ``blockBound()``), valid
    /// while the current document is at most `last`.
    private var range: (full: Float, untitled: Float, last: Int32) = (.infinity, .infinity, -1)
    /// The document ``score()`` last scored and its score.
    private var scoredDoc: Int32 = -1, scored: Float = 0

    /// The scorer of `news` in `seg`; nil when neither the title nor the body holds a form of the word.
    init?(_ news: NewsLeaf, in seg: SegmentReader, cache: QueryTerms?) throws {
        self.news = news
        func cursors(_ w: NewsWord, _ f: IndexedField) throws -> (cursors: [PostingsCursor], units: [Float]) {
            var out: [PostingsCursor] = [], units: [Float] = []
            for (k, form) in w.forms.enumerated() {
                let info = try cache.map { try $0.info(f, form, in: seg) } ?? seg.termInfo(f, form)
                if let info {
                    out.append(try seg.postings(info))
                    units.append(w.units[k])
                }
            }
            return (out, units)
        }
        let title = try cursors(news.word, .title), body = try cursors(news.word, .body)
        if title.cursors.isEmpty && body.cursors.isEmpty { return nil }
        self.cursors = title.cursors + body.cursors
        units = title.units + body.units
        titleCount = title.cursors.count
        n = self.cursors.count
        let word = news.word, weights = news.weights
        weight = word.boost * word.idf
        (k1, titleWeight, leadWeight, leadLength) = (weights.k1, word.titleWeight, weights.leadWeight, weights.leadLength)
        (titleB, bodyB) = (weights.titleB, weights.bodyB)
        (titleAverage, bodyAverage) = (max(word.titleAverage, 1e-6), max(word.bodyAverage, 1e-6))
        window = weights.window
        near = try news.neighbour.map { try cursors($0, .body).cursors } ?? []
        titleNorms = seg.norms(.title)
        bodyNorms = seg.norms(.body)
        bodyNormBytes = bodyNorms.map { $0.baseAddress!.assumingMemoryBound(to: UInt8.self) }
        let (b, average) = (weights.bodyB, max(word.bodyAverage, 1e-6))
        bodyInverse = (0..<256).map { 1 / ((1 - b) + b * Float(SmallFloat.lengthTable[$0]) / average) }
        let w = news.word
        // No bonus where the word before is not in this segment's bodies.
        pairWeight = near.isEmpty ? 0 : news.neighbour.map { news.weights.proximityWeight * min($0.boost * $0.idf, w.boost * w.idf) } ?? 0
        cost = self.cursors.reduce(0) { $0 + $1.cost }
        // Each cursor's largest share of the combined frequency: over its blocks' largest
        // frequencies and shortest fields, or, without skip data, over its postings.
        var shares: [Float] = []
        for (k, c) in self.cursors.enumerated() {
            let isTitle = k < titleCount, unit = units[k]
            let norms = isTitle ? seg.norms(.title) : seg.norms(.body)
            shares.append(try c.scoreBound(blockScore: { Self.contribution(news, maxFreq: $0, minNorm: $1, unit: unit, title: isTitle) },
                                           score: { doc, freq in
                                               Self.contribution(news, maxFreq: freq, minNorm: norms.map { $0[Int(doc)] } ?? 0, unit: unit, title: isTitle)
                                           }))
        }
        maxShares = shares
        let tf = shares.reduce(0, +) + (body.cursors.isEmpty ? 0 : news.weights.leadWeight)
        bound = w.boost * w.idf * tf / (news.weights.k1 + tf) + pairWeight
        // Last, once nothing can throw (a class's deinit does not run when its init throws).
        refs = .allocate(capacity: n)
        for (k, c) in self.cursors.enumerated() { refs[k] = Unmanaged.passUnretained(c) }
        nearCount = near.count
        nearRefs = .allocate(capacity: max(1, near.count))
        for (k, c) in near.enumerated() { nearRefs[k] = Unmanaged.passUnretained(c) }
        gathered = .allocate(capacity: 1)
        gathered.initialize(to: (GatheredPositions(), GatheredPositions()))
    }

    deinit {
        refs.deallocate()
        nearRefs.deallocate()
        gathered.pointee.mine.deallocate()
        gathered.pointee.theirs.deallocate()
        gathered.deinitialize(count: 1)
        gathered.deallocate()
    }

    @inline(__always) private func cursorDoc(_ k: Int) -> Int32 { refs[k]._withUnsafeGuaranteedRef { $0.doc } }

    /// The most score this word can give a document.
    func upperBound() -> Float { bound }

    /// What `maxFreq` occurrences in a field of norm `minNorm` (its shortest) can add to the
    /// word's combined frequency (the lead left out).
    private static func contribution(_ news: NewsLeaf, maxFreq: UInt32, minNorm: UInt8, unit: Float, title isTitle: Bool) -> Float {
        let w = news.weights, word = news.word
        let length = Float(SmallFloat.lengthTable[Int(minNorm)])
        let f = Float(maxFreq) * unit
        if isTitle { return word.titleWeight * f / ((1 - w.titleB) + w.titleB * length / max(word.titleAverage, 1e-6)) }
        return f / ((1 - w.bodyB) + w.bodyB * length / max(word.bodyAverage, 1e-6))
    }

    func advance() throws -> Int32 {
        let d = doc
        for k in 0..<n where cursorDoc(k) == d { _ = try refs[k]._withUnsafeGuaranteedRef { try $0.advance() } }
        return try settle()
    }

    func seek(_ target: Int32) throws -> Int32 {
        for k in 0..<n where cursorDoc(k) < target { _ = try refs[k]._withUnsafeGuaranteedRef { try $0.seek(target) } }
        return try settle()
    }

    /// Moves `doc` to the first document of the cursors that could beat the threshold: a range
    /// of documents (see ``rangeBounds()``) that cannot is passed over whole, a range where only
    /// documents with the word in the title can is walked along the title postings, a body
    /// form alone on its documents passes those it cannot lift past the threshold in a tight
    /// loop (``passAlone(_:)``), and each document left is checked against ``documentBound(_:)``.
    private func settle() throws -> Int32 {
        while true {
            var d = PostingsCursor.noMoreDocs
            for k in 0..<n { d = min(d, cursorDoc(k)) }
            doc = d
            if d == PostingsCursor.noMoreDocs || threshold == -.infinity { return d }
            if d > range.last { range = rangeBounds() }
            if !competes(range.full) {
                try skip(through: range.last)
                continue
            }
            if !competes(range.untitled) {
                let t = firstTitleDoc()
                if t > range.last {
                    try skip(through: range.last)
                    continue
                }
                if d < t {
                    for k in titleCount..<n where cursorDoc(k) < t { _ = try refs[k]._withUnsafeGuaranteedRef { try $0.seek(t) } }
                    continue
                }
            }
            if try passAlone(d) { continue }
            if competes(documentBound(d)) { return d }
            for k in 0..<n where cursorDoc(k) == d { _ = try refs[k]._withUnsafeGuaranteedRef { try $0.advance() } }
        }
    }

    /// The first document of the title postings (``PostingsCursor/noMoreDocs`` when none).
    @inline(__always) private func firstTitleDoc() -> Int32 {
        var t = PostingsCursor.noMoreDocs
        for k in 0..<titleCount { t = min(t, cursorDoc(k)) }
        return t
    }

    /// When only one body form's cursor stands on `d`: moves it, in one tight loop over its
    /// decoded block, past the documents that no other cursor holds and whose frequency and
    /// length alone cannot beat the threshold; whether it moved.
    private func passAlone(_ d: Int32) throws -> Bool {
        var alone = -1
        var others = PostingsCursor.noMoreDocs
        for k in 0..<n {
            let c = cursorDoc(k)
            if c == d && k >= titleCount && alone < 0 { alone = k } else { others = min(others, c) }
        }
        guard alone >= 0, others > d else { return false }
        // A document competes when weight * x / (k1 + x) > r, x its combined frequency.
        let r = threshold / PrunedTopK.margin - otherBounds - pairWeight
        guard r > 0 else { return false }
        // Below `most`, short of the exact bound by a margin against rounding.
        let most = r >= weight ? Float.infinity : (k1 * r / (weight - r)) * (1 - 1e-4) - leadWeight
        let unit = units[alone]
        return try refs[alone]._withUnsafeGuaranteedRef { c in
            let (docs, freqs, from, count) = c.currentBlock()
            let norms = bodyNormBytes
            let j = bodyInverse.withUnsafeBufferPointer { inverse in
                var j = from
                while j < count {
                    let d = Int32(truncatingIfNeeded: docs[j])
                    if d >= others { break }
                    let length = norms.map { inverse[Int($0[Int(d)])] } ?? inverse[0]
                    if Float(freqs[j]) * unit * length > most { break }
                    j += 1
                }
                return j
            }
            guard j > from else { return false }
            _ = try c.moveInBlock(to: j)
            return true
        }
    }

    /// Whether a document of score at most `bound` could beat the threshold.
    @inline(__always) private func competes(_ bound: Float) -> Bool {
        (bound + otherBounds) * PrunedTopK.margin > threshold
    }

    /// Moves every cursor past `last`.
    private func skip(through last: Int32) throws {
        for k in 0..<n where cursorDoc(k) <= last { _ = try refs[k]._withUnsafeGuaranteedRef { try $0.seek(last + 1) } }
    }

    /// A bound on the score of the current document from frequencies and lengths only.
    func currentBound() -> Float { documentBound(doc) }

    /// A bound on the score of `d` from frequencies and lengths only (the lead counted as if
    /// the word were in it, the bonus as its largest).
    @inline(__always) private func documentBound(_ d: Int32) -> Float {
        let p = frequencies(d)
        let tf = p.frequency + (p.body > 0 ? leadWeight : 0)
        return weight * tf / (k1 + tf) + pairWeight
    }

    /// The parts of the word's combined frequency on `d` that need no positions.
    @inline(__always)
    private func frequencies(_ d: Int32) -> (frequency: Float, title: Float, body: Float, titleLength: Float, bodyLength: Float,
                                             titleNorm: Float, bodyNorm: Float) {
        var t: Float = 0, b: Float = 0
        units.withUnsafeBufferPointer { units in
            for k in 0..<titleCount where cursorDoc(k) == d { t += Float(refs[k]._withUnsafeGuaranteedRef { $0.freq }) * units[k] }
            for k in titleCount..<n where cursorDoc(k) == d { b += Float(refs[k]._withUnsafeGuaranteedRef { $0.freq }) * units[k] }
        }
        let titleLength = titleNorms.map { Float(SmallFloat.lengthTable[Int($0[Int(d)])]) } ?? 0
        let bodyLength = bodyNorms.map { Float(SmallFloat.lengthTable[Int($0[Int(d)])]) } ?? 0
        let titleNorm = (1 - titleB) + titleB * titleLength / titleAverage
        let bodyNorm = (1 - bodyB) + bodyB * bodyLength / bodyAverage
        return (titleWeight * t / titleNorm + b / bodyNorm, t, b, titleLength, bodyLength, titleNorm, bodyNorm)
    }

    /// The bound of the blocks the cursors stand in and the last document they all cover (nil
    /// when none of the cursors that decide the range has skip data).
    func blockBound() -> (bound: Float, lastDoc: Int32)? {
        if doc > range.last { range = rangeBounds() }
        return range.last == PostingsCursor.noMoreDocs - 1 ? nil : (range.full, range.last)
    }

    /// Bounds over the documents from the current one to `last`, the end of the blocks the
    /// cursors stand in: on any of them (`full`), and on one without the word in its title
    /// (`untitled`).
    ///
    /// The range ends with the first body block (or title block, for a word of the title only)
    /// that a cursor stands in, or earlier where a title block that a cursor in the range stands
    /// in ends; a cursor without skip data counts its largest share. When no
    /// cursor that decides the range has skip data, it is every document left (`last` is the
    /// document before ``PostingsCursor/noMoreDocs``). The bounds
    /// hold until the cursors pass `last` (a cursor moves only forward, and no block it counted
    /// ends before `last`).
    private func rangeBounds() -> (full: Float, untitled: Float, last: Int32) {
        var last = PostingsCursor.noMoreDocs
        let bodyLive = (titleCount..<n).contains { cursorDoc($0) != PostingsCursor.noMoreDocs }
        for k in (bodyLive ? titleCount..<n : 0..<titleCount) where cursorDoc(k) != PostingsCursor.noMoreDocs {
            if let b = refs[k]._withUnsafeGuaranteedRef({ $0.currentBlockBound }) { last = min(last, b.lastDoc) }
        }
        if last == PostingsCursor.noMoreDocs { last -= 1 }
        var title: Float = 0, body: Float = bodyLive ? leadWeight : 0
        for k in 0..<n {
            let d = cursorDoc(k)
            // A cursor past the range has no document in it.
            guard d <= last else { continue }
            let share: Float
            if let b = refs[k]._withUnsafeGuaranteedRef({ $0.currentBlockBound }) {
                let length = Float(SmallFloat.lengthTable[Int(b.minNorm)])
                let f = Float(b.maxFreq) * units[k]
                share = k < titleCount ? titleWeight * f / ((1 - titleB) + titleB * length / titleAverage)
                    : f / ((1 - bodyB) + bodyB * length / bodyAverage)
                last = min(last, b.lastDoc)
            } else {
                share = maxShares[k]
            }
            if k < titleCount { title += share } else { body += share }
        }
        let tf = title + body
        // No bonus without the word in the body: it is the body's positions that are near.
        let untitled = bodyLive ? weight * body / (k1 + body) + pairWeight : 0
        return (weight * tf / (k1 + tf) + pairWeight, untitled, last)
    }

    /// Whether the word is in the lead on the current document (1, or what its form counts:
    /// the most of its forms there) and its body positions.
    /// (The positions go to `gathered.mine`, when the bonus needs them.)
    private func positions() throws -> Float {
        var lead: Float = 0
        let keep = pairWeight > 0
        if keep { gathered.pointee.mine.reset() }
        for k in titleCount..<n where cursorDoc(k) == doc {
            let ps = try refs[k]._withUnsafeGuaranteedRef { try $0.currentPositions() }
            if ps.count > 0 && ps[0] < leadLength { lead = max(lead, units[k]) }
            if keep { gathered.pointee.mine.add(ps) }
        }
        if keep { gathered.pointee.mine.finish() }
        return lead
    }

    /// The proximity accumulator with the word before: `Σ 1 / d²` (see ``NewsRanking/closeness(_:_:window:)``).
    private func closeness() throws -> Float {
        let mine = gathered.pointee.mine.positions
        guard !mine.isEmpty else { return 0 }
        gathered.pointee.theirs.reset()
        let d = doc
        for k in 0..<nearCount {
            try nearRefs[k]._withUnsafeGuaranteedRef { c in
                if c.doc < d { _ = try c.seek(d) }
                if c.doc == d { gathered.pointee.theirs.add(try c.currentPositions()) }
            }
        }
        gathered.pointee.theirs.finish()
        let theirs = gathered.pointee.theirs.positions
        guard !theirs.isEmpty else { return 0 }
        return NewsRanking.closeness(theirs, mine, window: window)
    }

    /// The score on the current document; once told the threshold, the word's weight without
    /// the proximity bonus on a document that could not beat it even with the largest bonus
    /// (so its score is below the threshold either way, and the positions of the word before are
    /// not read). A conjunction asks twice for a document's score; the second is the first's.
    func score() throws -> Float {
        if scoredDoc == doc { return scored }
        let p = frequencies(doc)
        let lead = try positions()
        let tf = p.frequency + leadWeight * lead
        var s = weight * tf / (k1 + tf)
        if pairWeight > 0 && competes(s + pairWeight) {
            let acc = try closeness()
            if acc > 0 { s += pairWeight * acc / (k1 + acc) }
        }
        (scoredDoc, scored) = (doc, s)
        return s
    }

    func explain() throws -> Explanation {
        let w = news.weights, word = news.word
        let p = frequencies(doc)
        let lead = try positions()
        let tf = p.frequency + w.leadWeight * lead
        let s = word.boost * word.idf * tf / (w.k1 + tf)
        let others = zip(word.forms, word.units).filter { $0.0 != word.label }
        let forms = others.isEmpty ? ""
            : word.fuzzy ? " (close words count by likeness: \(others.map { "\($0.0) \($0.1)" }.joined(separator: ", ")))"
            : " (other forms count \(w.formWeight): \(others.map(\.0).joined(separator: ", ")))"
        let weight = Explanation(value: s, text: "weight(\(word.label)), BM25F over title and body, computed as boost * idf * tf / (k1 + tf) from:", details: [
            Explanation(value: word.boost, text: "boost"),
            Explanation(value: word.idf, text: "idf, computed as ln(1 + (N - n + 0.5) / (n + 0.5)) from:", details: [
                Explanation(value: Float(word.docFreq), text: "n, documents containing \(word.label) in the title or body (the larger count\(word.forms.count > 1 ? ", of its most common form" : ""))"),
                Explanation(value: Float(word.docCount), text: "N, documents with a body"),
            ]),
            Explanation(value: tf, text: "tf, computed as titleWeight * titleFreq / titleNorm + bodyFreq / bodyNorm + leadWeight * lead from:" + forms, details: [
                Explanation(value: word.titleWeight, text: "titleWeight"),
                Explanation(value: p.title, text: "titleFreq, occurrences in the title"),
                Explanation(value: p.titleNorm, text: "titleNorm, 1 - b + b * dl / avgdl with b \(w.titleB), dl \(p.titleLength), avgdl \(word.titleAverage)"),
                Explanation(value: p.body, text: "bodyFreq, occurrences in the body"),
                Explanation(value: p.bodyNorm, text: "bodyNorm, 1 - b + b * dl / avgdl with b \(w.bodyB), dl \(p.bodyLength), avgdl \(word.bodyAverage)"),
                Explanation(value: w.leadWeight, text: "leadWeight"),
                Explanation(value: lead, text: "lead, 1 when the word is in the first \(w.leadLength) words of the body (another form: what it counts)"),
            ]),
            Explanation(value: w.k1, text: "k1, saturation"),
        ])
        guard pairWeight > 0, let before = news.neighbour else { return weight }
        let acc = try closeness()
        guard acc > 0 else { return weight }
        let bonus = pairWeight * acc / (w.k1 + acc)
        return Explanation(value: s + bonus, text: "sum of:", details: [weight, Explanation(
            value: bonus, text: "proximity(\(before.label) \(word.label)), computed as weight * acc / (k1 + acc) from:", details: [
                Explanation(value: pairWeight, text: "weight, \(w.proximityWeight) times the smaller boost * idf of the two words"),
                Explanation(value: acc, text: "acc, sum of 1 / distance² over each occurrence of \(before.label) and the nearest \(word.label) at most \(w.window) words away in the body"),
                Explanation(value: w.k1, text: "k1, saturation"),
            ])])
    }
}

/// The positions of one word on one document, gathered from the cursors of its forms: the
/// buffer of the only cursor that has any (valid until that cursor moves), or the merge of
/// several, in order, in a buffer of its own (freed by ``deallocate()``).
struct GatheredPositions {
    private(set) var positions = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
    private var store: UnsafeMutablePointer<UInt32>?
    private var capacity = 0
    private var parts = 0

    /// Starts a document.
    mutating func reset() {
        positions = UnsafeBufferPointer(start: nil, count: 0)
        parts = 0
    }

    /// Adds one cursor's positions (ascending) on the document.
    mutating func add(_ ps: UnsafeBufferPointer<UInt32>) {
        guard let from = ps.baseAddress, ps.count > 0 else { return }
        parts += 1
        if parts == 1 {
            positions = ps
            return
        }
        let have = positions.count, need = have + ps.count
        if need > capacity {
            let bigger = UnsafeMutablePointer<UInt32>.allocate(capacity: max(need, 2 * capacity, 64))
            // From the third part on, the positions so far are in the store.
            if parts > 2, let store { bigger.initialize(from: store, count: have) }
            store?.deallocate()
            (store, capacity) = (bigger, max(need, 2 * capacity, 64))
        }
        let store = store.unsafelyUnwrapped
        if parts == 2, let first = positions.baseAddress { store.initialize(from: first, count: have) }
        (store + have).initialize(from: from, count: ps.count)
        positions = UnsafeBufferPointer(start: store, count: need)
    }

    /// Ends the document: the merge of several parts sorted.
    mutating func finish() {
        guard parts > 1, let store else { return }
        var merged = UnsafeMutableBufferPointer(start: store, count: positions.count)
        merged.sort()
    }

    /// Frees the buffer.
    func deallocate() { store?.deallocate() }
}
