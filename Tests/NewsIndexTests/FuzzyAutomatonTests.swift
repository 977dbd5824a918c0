import Testing
@testable import NewsIndex

@Suite("Levenshtein automaton")
struct FuzzyAutomatonTests {
    /// The optimal-string-alignment distance (Damerau–Levenshtein without repeated edits of a
    /// substring), by the textbook table.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    static func randomWord(_ rng: inout SeededRandom, _ alphabet: [Unicode.Scalar]) -> String {
        String(String.UnicodeScalarView((0..<Int.random(in: 0...7, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
    }

    static let alphabet: [Unicode.Scalar] = ["a", "b", "c", "d", "é", "ж", "北"]

    @Test("accepts exactly the words within the edits, as the brute-force distance says", arguments: [0, 1, 2])
    func againstOracle(_ edits: Int) {
        var rng = SeededRandom(seed: UInt64(100 + edits))
        for _ in 0..<3000 {
            let a = FuzzyAutomatonTests.randomWord(&rng, FuzzyAutomatonTests.alphabet)
            // Often a close variant, so that matches are not rare.
            var b = Array(a.unicodeScalars)
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let k = Int.random(in: 0...b.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: b.insert(FuzzyAutomatonTests.alphabet.randomElement(using: &rng)!, at: k)
                case 1: if k < b.count { b.remove(at: k) }
                case 2: if k < b.count { b[k] = FuzzyAutomatonTests.alphabet.randomElement(using: &rng)! }
                default: if k + 1 < b.count { b.swapAt(k, k + 1) }
                }
            }
            let text = String(String.UnicodeScalarView(b))
            let truth = FuzzyAutomatonTests.distance(Array(a.unicodeScalars), b)
            let got = LevenshteinAutomaton(a, maxEdits: edits).distance(to: text)
            #expect(got == (truth <= edits ? truth : nil), "\(a) → \(text): \(truth)")
        }
    }

    @Test("intersecting a sorted dictionary finds what filtering every term finds, reading fewer terms")
    func intersection() throws {
        var rng = SeededRandom(seed: 9)
        let alphabet: [Unicode.Scalar] = Array("abcdefghijklmnopqrstuvwxyzé".unicodeScalars)
        var words = Set<String>()
        while words.count < 10_000 {
            words.insert(String(String.UnicodeScalarView((0..<Int.random(in: 1...9, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })))
        }
        let dictionary = words.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        for _ in 0..<25 {
            let query = FuzzyAutomatonTests.randomWord(&rng, Array("abcdefgh".unicodeScalars))
            let distances = dictionary.map { FuzzyAutomatonTests.distance(Array(query.unicodeScalars), Array(String(decoding: $0, as: UTF8.self).unicodeScalars)) }
            for edits in 1...2 {
                let automaton = LevenshteinAutomaton(query, maxEdits: edits)
                var read = 0
                let found = try automaton.intersect { from, body in
                    // Binary search for the first term >= from, as the dictionary's block index does.
                    var lo = 0, hi = dictionary.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if dictionary[mid].lexicographicallyPrecedes(from) { lo = mid + 1 } else { hi = mid }
                    }
                    var k = lo
                    while k < dictionary.count {
                        read += 1
                        if try !body(dictionary[k]) { return }
                        k += 1
                    }
                }
                var expected: [[UInt8]: Int] = [:]
                for (w, d) in zip(dictionary, distances) where d <= edits { expected[w] = d }
                #expect(found.count == expected.count, "\(query)~\(edits)")
                for f in found { #expect(expected[f.term] == f.edits, "\(query)~\(edits): \(String(decoding: f.term, as: UTF8.self))") }
                if query.unicodeScalars.count >= 4 {
                    #expect(read < dictionary.count / (edits == 1 ? 10 : 2), "\(query)~\(edits) read \(read) of \(dictionary.count) terms")
                }
            }
        }
    }
}
