/// A Levenshtein automaton over one word: which strings lie within `maxEdits` edits of it, where
/// an edit inserts, deletes or substitutes one Unicode scalar or swaps two neighbours (Damerau's
/// transposition, counted as one edit as Lucene's `FuzzyQuery` does by default; the "optimal
/// string alignment" distance).
///
/// A state is the row of the edit-distance table after reading some input, capped at
/// `maxEdits + 1`: the simulation of the Levenshtein NFA (Schulz & Mihov) one row at a time.
/// A state whose smallest entry exceeds `maxEdits` is dead: no continuation can match. That lets
/// ``intersect(scan:)`` walk a sorted term dictionary and skip, with one seek, every term that
/// shares a dead prefix, instead of reading each term (Lucene's `AutomatonTermsEnum` does the
/// same with a compiled DFA).
struct LevenshteinAutomaton {
    /// The word, as Unicode scalars.
    let word: [Unicode.Scalar]
    let maxEdits: Int
    /// The scalars of the word, sorted and unique: the only ones that keep a state alive once it
    /// has used every edit.
    private let alphabet: [Unicode.Scalar]

    init(_ word: String, maxEdits: Int) {
        self.word = Array(word.unicodeScalars)
        self.maxEdits = maxEdits
        alphabet = Array(Set(self.word)).sorted { $0.value < $1.value }
    }

    /// The state after reading nothing.
    var start: [UInt8] { (0...word.count).map { UInt8(min($0, maxEdits + 1)) } }

    /// The state after reading `c` in `state`; `previous` is the state before the last scalar
    /// read (`last`), for transpositions (nil at the start).
    func step(_ state: [UInt8], _ c: Unicode.Scalar, previous: [UInt8]?, last: Unicode.Scalar?) -> [UInt8] {
        let cap = UInt8(maxEdits + 1)
        var next = [UInt8](repeating: cap, count: state.count)
        next[0] = min(cap, state[0] &+ 1)
        for j in 1..<state.count {
            var v = min(state[j - 1] + (word[j - 1] == c ? 0 : 1), state[j] + 1, next[j - 1] + 1)
            if j >= 2, let previous, let last, word[j - 1] == last, word[j - 2] == c {
                v = min(v, previous[j - 2] + 1)
            }
            next[j] = min(cap, v)
        }
        return next
    }

    /// Whether some continuation of the input read so far can still match.
    func isAlive(_ state: [UInt8]) -> Bool { state.min()! <= UInt8(maxEdits) }

    /// The edits between the word and the input read so far, when they are at most `maxEdits`.
    func distance(_ state: [UInt8]) -> Int? {
        let d = Int(state[word.count])
        return d <= maxEdits ? d : nil
    }

    /// The edit distance of `word` and `text`, when at most `maxEdits`.
    func distance(to text: String) -> Int? {
        var state = start, previous: [UInt8]? = nil, last: Unicode.Scalar? = nil
        for c in text.unicodeScalars {
            let next = step(state, c, previous: previous, last: last)
            (previous, state, last) = (state, next, c)
            if !isAlive(state) { return nil }
        }
        return distance(state)
    }

    /// The smallest scalar after `c` that keeps `state` alive (`previous`, `last` as in
    /// ``step(_:_:previous:last:)``), or nil when there is none.
    func nextLive(after c: Unicode.Scalar, in state: [UInt8], previous: [UInt8]?, last: Unicode.Scalar?) -> Unicode.Scalar? {
        if state.min()! < UInt8(maxEdits) {
            // An edit is left: any scalar substitutes or inserts.
            return LevenshteinAutomaton.successor(c)
        }
        for a in alphabet where a.value > c.value && isAlive(step(state, a, previous: previous, last: last)) { return a }
        return nil
    }

    /// The scalar after `c` in code point order (past the surrogates), nil after the last.
    static func successor(_ c: Unicode.Scalar) -> Unicode.Scalar? {
        var v = c.value + 1
        if v >= 0xD800 && v <= 0xDFFF { v = 0xE000 }
        return Unicode.Scalar(v)
    }

    /// Every term the automaton accepts, with its distance, from a sorted dictionary of UTF-8
    /// terms. `scan(from, body)` calls `body` with each term `>= from` in byte order until it
    /// returns false (``SegmentReader/scanTerms(from:_:)`` within one field). When a term's prefix
    /// kills the automaton, the walk seeks past every term with that prefix, to the smallest one
    /// that can still match; terms that fail later are read one by one, so a walk reads about as
    /// many terms as there are live prefixes, not the whole dictionary.
    ///
    /// - Parameter from: Where the walk starts (terms before it are never considered).
    func intersect(from: [UInt8] = [], scan: (_ from: [UInt8], _ body: ([UInt8]) throws -> Bool) throws -> Void) throws -> [(term: [UInt8], edits: Int)] {
        var found: [(term: [UInt8], edits: Int)] = []
        var seek: [UInt8]? = from
        // States after each scalar of the previous term (states[0] is the start), and its scalars.
        var states: [[UInt8]] = [start]
        var scalars: [Unicode.Scalar] = []
        while let target = seek {
            seek = nil
            try scan(target) { key in
                let text = Array(String(decoding: key, as: UTF8.self).unicodeScalars)
                // Reuse the states of the prefix shared with the previous term.
                var shared = 0
                while shared < scalars.count && shared < text.count && scalars[shared] == text[shared] { shared += 1 }
                states.removeSubrange((shared + 1)...)
                scalars.removeSubrange(shared...)
                for c in text[shared...] {
                    let k = scalars.count
                    let next = step(states[k], c, previous: k > 0 ? states[k - 1] : nil, last: k > 0 ? scalars[k - 1] : nil)
                    if !isAlive(next) {
                        // Every term starting with scalars + c is dead: seek past them.
                        seek = skip(from: scalars, dead: c)
                        return false
                    }
                    states.append(next)
                    scalars.append(c)
                }
                if let d = distance(states[scalars.count]) { found.append((key, d)) }
                return true
            }
        }
        return found
    }

    /// The smallest string after every string that starts with `prefix + dead` and that the
    /// automaton may accept; nil when there is none. Walks up the prefix when a level has no
    /// live scalar left.
    private func skip(from prefix: [Unicode.Scalar], dead: Unicode.Scalar) -> [UInt8]? {
        var prefix = prefix
        var c = dead
        var states = [start]
        for (k, s) in prefix.enumerated() {
            states.append(step(states[k], s, previous: k > 0 ? states[k - 1] : nil, last: k > 0 ? prefix[k - 1] : nil))
        }
        while true {
            let k = prefix.count
            if let n = nextLive(after: c, in: states[k], previous: k > 0 ? states[k - 1] : nil, last: k > 0 ? prefix[k - 1] : nil) {
                var out: [UInt8] = []
                for s in prefix + [n] { out.append(contentsOf: Array(String(s).utf8)) }
                return out
            }
            guard let up = prefix.popLast() else { return nil }
            states.removeLast()
            c = up
        }
    }
}
