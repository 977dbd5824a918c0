import Foundation

/// Brute-force BM25 written from the formula, independent of the engine's scorer.
public struct OracleScorer {
    /// The documents: title and body tokens.
    public let docs: [(title: [String], body: [String])]
    /// The title field's boost, as the engine's default.
    public let titleBoost = 2.0

    /// An oracle over `docs`.
    public init(docs: [(title: [String], body: [String])]) { self.docs = docs }

    /// Lucene's one-byte length: exact below 24, above that 24 + (dl − 24) truncated to 4 significant bits.
    public static func quantized(_ dl: Int) -> Double {
        if dl < 24 { return Double(dl) }
        let v = dl - 24
        let bits = Int.bitWidth - v.leadingZeroBitCount
        return Double(24 + (bits <= 4 ? v : v & ~((1 << (bits - 4)) - 1)))
    }

    /// Occurrences of `phrase` in `tokens`.
    public static func freq(of phrase: [String], in tokens: [String]) -> Int {
        guard !phrase.isEmpty, tokens.count >= phrase.count else { return 0 }
        return (0...(tokens.count - phrase.count)).filter { Array(tokens[$0..<($0 + phrase.count)]) == phrase }.count
    }

    /// Scores of every matching document for an AND of parts (each part a term list: one term or a phrase).
    public func scores(_ parts: [[String]]) -> [Int: Double] {
        var out: [Int: Double] = [:]
        var docFreqCache: [String: Double] = [:]
        let fieldTokens: [(Int) -> [String]] = [{ docs[$0].title }, { docs[$0].body }]
        var fieldStats: [(n: Double, avgdl: Double)] = []
        for f in 0..<2 {
            let lengths = docs.indices.map { fieldTokens[f]($0).count }.filter { $0 > 0 }
            fieldStats.append((Double(lengths.count), Double(lengths.reduce(0, +)) / Double(max(1, lengths.count))))
        }
        for d in docs.indices {
            var total = 0.0
            var all = true
            for part in parts {
                var partScore = 0.0
                var matched = false
                for f in 0..<2 {
                    let tokens = fieldTokens[f](d)
                    let tf = OracleScorer.freq(of: part, in: tokens)
                    if tf == 0 { continue }
                    matched = true
                    var idf = 0.0
                    for term in part {
                        let key = "\(f):\(term)"
                        let n = docFreqCache[key] ?? Double(docs.indices.filter { fieldTokens[f]($0).contains(term) }.count)
                        docFreqCache[key] = n
                        idf += log(1 + (fieldStats[f].n - n + 0.5) / (n + 0.5))
                    }
                    let dl = OracleScorer.quantized(tokens.count)
                    let boost = f == 0 ? titleBoost : 1
                    partScore += boost * idf * Double(tf) / (Double(tf) + 1.2 * (1 - 0.75 + 0.75 * dl / fieldStats[f].avgdl))
                }
                if !matched { all = false; break }
                total += partScore
            }
            if all { out[d] = total }
        }
        return out
    }
}
