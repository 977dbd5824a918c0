#if canImport(Glibc)
import Glibc
#endif

/// BM25 exactly as Lucene's `BM25Similarity` computes it, in the same float operations and order,
/// so scores agree with Lucene's to float32 precision.
///
/// - `idf = ln(1 + (N − n + 0.5) / (n + 0.5))` where N counts documents with the field;
/// - `avgdl = sumTotalTermFreq / N`, exact;
/// - the document length `dl` is the one-byte norm decoded back (``SmallFloat``);
/// - `score = w − w / (1 + tf · 1/(k1 · (1 − b + b · dl / avgdl)))` with `w = boost · idf`,
///   which equals `w · tf / (tf + k1 · (1 − b + b · dl / avgdl))`.
struct BM25 {
    static let k1: Float = 1.2
    static let b: Float = 0.75

    static func idf(docFreq n: Int, docCount N: Int) -> Float {
        Float(log(1 + (Double(N - n) + 0.5) / (Double(n) + 0.5)))
    }

    static func averageLength(_ stats: FieldStats) -> Float {
        stats.docCount == 0 ? 1 : Float(Double(stats.sumTotalTermFreq) / Double(stats.docCount))
    }

    let boost: Float
    let idf: Float
    let avgdl: Float
    let weight: Float
    /// `1 / (k1 · (1 − b + b · dl / avgdl))` for each norm byte.
    let normInverse: [Float]

    init(boost: Float, idf: Float, stats: FieldStats) {
        self.boost = boost
        self.idf = idf
        avgdl = BM25.averageLength(stats)
        weight = boost * idf
        let k1 = BM25.k1, b = BM25.b, avgdl = self.avgdl
        normInverse = (0..<256).map { i in
            1 / (k1 * ((1 - b) + b * Float(SmallFloat.lengthTable[i]) / avgdl))
        }
    }

    @inline(__always)
    func score(freq: Float, norm: UInt8) -> Float {
        let ni = normInverse[Int(norm)]
        return weight - weight / (1 + freq * ni)
    }
}
