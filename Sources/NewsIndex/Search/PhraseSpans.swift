/// Words at given offsets from each other. With `slop` 0 the words must stand exactly at their
/// offsets; with more, Lucene's sloppy phrase rules apply: a match's length is how far the
/// words are from their offsets (swapping two neighbours costs 2) and must be at most `slop`.
final class PhraseSpans: Spans {
    /// Kept in step by ``SpanScorer`` when it walks a pair of words itself.
    var doc: Int32 = -1
    let children: [any PositionSpans]
    let offsets: [Int32]
    let slop: Int32
    /// For each word, the index of the first word of the phrase with the same text (itself if none):
    /// repeated words must take different positions.
    private let group: [Int]
    private let hasRepeats: Bool
    private var positions: [[UInt32]]
    private let lowOffset: Int32
    private let highOffset: Int32
    /// Scratch cursors into the position lists, reused for every document.
    private var cursorScratch: [Int]
    /// For an exact phrase of single words: their postings, read without copying positions.
    private let words: [PostingsCursor]
    /// Scratch for the exact path: each word's positions and a read index into them.
    private let wordPositions: UnsafeMutablePointer<UnsafeBufferPointer<UInt32>>
    private let wordIndex: UnsafeMutablePointer<Int>
    private let conjunction: SpanConjunction

    init(_ children: [any PositionSpans], offsets: [Int], slop: Int, keys: [String]) {
        self.children = children
        self.offsets = offsets.map { Int32($0) }
        self.slop = Int32(slop)
        lowOffset = Int32(offsets.min() ?? 0)
        highOffset = Int32(offsets.max() ?? 0)
        cursorScratch = Array(repeating: 0, count: children.count)
        group = keys.indices.map { i in keys.firstIndex(of: keys[i])! }
        hasRepeats = Set(keys).count < keys.count
        positions = Array(repeating: [], count: children.count)
        var words: [PostingsCursor] = []
        if slop == 0 {
            for case let t as TermSpans in children { words.append(t.cursor) }
            if words.count != children.count { words = [] }
        }
        self.words = words
        wordPositions = .allocate(capacity: children.count)
        wordPositions.initialize(repeating: UnsafeBufferPointer(start: nil, count: 0), count: children.count)
        wordIndex = .allocate(capacity: children.count)
        wordIndex.initialize(repeating: 0, count: children.count)
        conjunction = SpanConjunction(parts: children)
    }

    deinit {
        wordPositions.deallocate()
        wordIndex.deallocate()
    }

    var cost: Int { conjunction.cost }
    func advance() throws -> Int32 { doc = try conjunction.advance(); return doc }
    func seek(_ target: Int32) throws -> Int32 { doc = try conjunction.seek(target, from: doc); return doc }

    func matches(_ out: inout [SpanMatch]) throws {
        if !words.isEmpty { return try exactWords(&out) }
        // Work on a local copy of the buffers (moved out and back, not copied): the hot loop then
        // touches no class storage, which spares retain/release and exclusivity checks.
        var lists = positions
        positions = []
        defer { positions = lists }
        for i in children.indices {
            lists[i].removeAll(keepingCapacity: true)
            try children[i].positions(&lists[i])
            if lists[i].isEmpty { return }
        }
        if slop == 0 {
            var idx = cursorScratch
            cursorScratch = []
            PhraseSpans.exact(lists, offsets, lowOffset, highOffset, &idx, &out)
            cursorScratch = idx
        } else {
            positions = lists
            lists = []
            sloppy(&out)
            lists = positions
        }
    }

    /// The exact phrase of single words on the cursors' own position buffers (no copies); the
    /// same matches as ``exact(_:_:_:_:_:_:)``.
    private func exactWords(_ out: inout [SpanMatch]) throws {
        let n = words.count
        for i in 0..<n {
            let ps = try words[i].currentPositions()
            if ps.isEmpty { return }
            wordPositions[i] = ps
            wordIndex[i] = 0
        }
        let lo = lowOffset, hi = highOffset
        let off0 = Int64(offsets[0])
        let first = wordPositions[0]
        outer: for p0 in first {
            let start = Int64(p0) - off0
            if start < 0 { continue }
            for i in 1..<n {
                let want = start + Int64(offsets[i])
                let ps = wordPositions[i]
                var k = wordIndex[i]
                while k < ps.count && Int64(ps[k]) < want { k += 1 }
                wordIndex[i] = k
                if k == ps.count { break outer }
                if Int64(ps[k]) != want { continue outer }
            }
            out.append(SpanMatch(start: Int32(start) + lo, end: Int32(start) + hi, slop: 0))
        }
    }

    private static func exact(_ lists: [[UInt32]], _ offsets: [Int32], _ lo: Int32, _ hi: Int32,
                              _ idx: inout [Int], _ out: inout [SpanMatch]) {
        for i in idx.indices { idx[i] = 0 }
        let n = lists.count
        let first = lists[0]
        let off0 = Int64(offsets[0])
        outer: for p0 in first {
            let start = Int64(p0) - off0
            if start < 0 { continue }
            for i in 1..<n {
                let want = start + Int64(offsets[i])
                lists[i].withUnsafeBufferPointer { ps in
                    var k = idx[i]
                    while k < ps.count && Int64(ps[k]) < want { k += 1 }
                    idx[i] = k
                }
                let ps = lists[i]
                if idx[i] == ps.count { break outer }
                if Int64(ps[idx[i]]) != want { continue outer }
            }
            out.append(SpanMatch(start: Int32(start) + lo, end: Int32(start) + hi, slop: 0))
        }
    }

    /// Lucene's SloppyPhraseMatcher for phrases without repeated words: walk the words' positions
    /// minus their offsets, always advancing the smallest, and count a match whenever the spread
    /// (largest − smallest) has been made as small as it gets and is within the slop.
    private func sloppy(_ out: inout [SpanMatch]) {
        let n = children.count
        var idx = Array(repeating: 0, count: n)
        if hasRepeats {
            // Repeated words start on successive positions of their shared list (in offset order).
            for i in 0..<n where group[i] != i {
                let taken = (0..<n).filter { $0 != i && group[$0] == group[i] && ($0 < i) }.count
                idx[i] = taken
                if idx[i] >= positions[i].count { return }
            }
        }
        var pp = (0..<n).map { Int64(positions[$0][idx[$0]]) - Int64(offsets[$0]) }
        var end = pp.max()!
        func smallest(excluding ex: Int) -> Int {
            var best = -1
            for i in 0..<n where i != ex {
                if best < 0 || pp[i] < pp[best] || (pp[i] == pp[best] && offsets[i] < offsets[best]) { best = i }
            }
            return best
        }
        func record(_ length: Int64) {
            // The span covers the actual positions of the words taking part.
            var lo = Int64.max, hi = Int64.min
            for i in 0..<n {
                let p = Int64(positions[i][min(idx[i], positions[i].count - 1)])
                lo = min(lo, p)
                hi = max(hi, p)
            }
            out.append(SpanMatch(start: Int32(clamping: lo), end: Int32(clamping: hi), slop: Int32(clamping: length)))
        }
        var cur = smallest(excluding: -1)
        var next = n > 1 ? pp[smallest(excluding: cur)] : Int64.max
        var matchLength = end - pp[cur]
        outer: while true {
            idx[cur] += 1
            if idx[cur] >= positions[cur].count { break }
            pp[cur] = Int64(positions[cur][idx[cur]]) - Int64(offsets[cur])
            if pp[cur] > end { end = pp[cur] }
            if hasRepeats {
                // As Lucene: when two copies of a word land on one position, the copy later in
                // the phrase moves on.
                var moved = cur
                while let j = (0..<n).first(where: { $0 != moved && group[$0] == group[moved] && idx[$0] == idx[moved] }) {
                    let lagger = offsets[j] > offsets[moved] ? j : moved
                    idx[lagger] += 1
                    if idx[lagger] >= positions[lagger].count { break outer }
                    pp[lagger] = Int64(positions[lagger][idx[lagger]]) - Int64(offsets[lagger])
                    if pp[lagger] > end { end = pp[lagger] }
                    moved = lagger
                }
            }
            if pp[cur] > next {
                if matchLength <= Int64(slop) { record(matchLength) }
                cur = smallest(excluding: -1)
                next = pp[smallest(excluding: cur)]
                matchLength = end - pp[cur]
            } else {
                matchLength = min(matchLength, end - pp[cur])
            }
        }
        if matchLength <= Int64(slop) { record(matchLength) }
    }
}
