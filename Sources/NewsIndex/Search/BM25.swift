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

    /// `1 / (k1 · (1 − b + b · dl / avgdl))` for each of the 256 norm bytes, for one average length.
    struct NormTable {
        let averageLength: Float
        let values: [Float]

        init(averageLength avgdl: Float) {
            self.averageLength = avgdl
            let k1 = BM25.k1, b = BM25.b
            values = (0..<256).map { i in
                1 / (k1 * ((1 - b) + b * Float(SmallFloat.lengthTable[i]) / avgdl))
            }
        }
    }

    let boost: Float
    let idf: Float
    let avgdl: Float
    let weight: Float
    /// `1 / (k1 · (1 − b + b · dl / avgdl))` for each norm byte.
    let normInverse: [Float]
    /// N: documents with the field.
    let docCount: Int
    /// What the idf sums: (term or pattern, n) for each word of a phrase; one entry for a term.
    let idfParts: [(label: String, docFreq: Int)]

    /// Weights for a term, phrase or pattern whose words have the document frequencies of `parts`.
    /// `table`, when given, must have been made for `stats`' average length (it is then reused
    /// instead of computed again).
    init(boost: Float, parts: [(label: String, docFreq: Int)], stats: FieldStats, table: NormTable? = nil) {
        var idf: Double = 0
        for p in parts { idf += Double(BM25.idf(docFreq: p.docFreq, docCount: stats.docCount)) }
        self.init(boost: boost, idf: Float(idf), stats: stats, parts: parts, table: table)
    }

    init(boost: Float, idf: Float, stats: FieldStats, parts: [(label: String, docFreq: Int)] = [], table: NormTable? = nil) {
        self.boost = boost
        self.idf = idf
        self.docCount = stats.docCount
        self.idfParts = parts
        avgdl = BM25.averageLength(stats)
        weight = boost * idf
        if let table, table.averageLength == avgdl {
            normInverse = table.values
        } else {
            normInverse = NormTable(averageLength: avgdl).values
        }
    }

    @inline(__always)
    func score(freq: Float, norm: UInt8) -> Float {
        let ni = normInverse[Int(norm)]
        return weight - weight / (1 + freq * ni)
    }

    /// The score of one document, taken apart as Lucene's explain does.
    func explain(freq: Float, norm: UInt8, what: String, freqText: String) -> Explanation {
        let dl = Float(SmallFloat.lengthTable[Int(norm)])
        let k1 = BM25.k1, b = BM25.b
        let tf = freq / (freq + k1 * ((1 - b) + b * dl / avgdl))
        func idfNode(_ label: String, _ n: Int) -> Explanation {
            Explanation(value: BM25.idf(docFreq: n, docCount: docCount),
                        text: "idf(\(label)), computed as ln(1 + (N - n + 0.5) / (n + 0.5)) from:",
                        details: [Explanation(value: Float(n), text: "n, number of documents containing \(label)"),
                                  Explanation(value: Float(docCount), text: "N, number of documents with the field")])
        }
        let idfExplanation: Explanation
        if idfParts.count == 1 {
            idfExplanation = idfNode(idfParts[0].label, idfParts[0].docFreq)
        } else {
            idfExplanation = Explanation(value: idf, text: "idf, sum of:", details: idfParts.map { idfNode($0.label, $0.docFreq) })
        }
        return Explanation(value: score(freq: freq, norm: norm), text: "weight(\(what)), computed as boost * idf * tf from:", details: [
            Explanation(value: boost, text: "boost"),
            idfExplanation,
            Explanation(value: tf, text: "tf, computed as freq / (freq + k1 * (1 - b + b * dl / avgdl)) from:", details: [
                Explanation(value: freq, text: freqText),
                Explanation(value: k1, text: "k1, term saturation"),
                Explanation(value: b, text: "b, length normalization"),
                Explanation(value: dl, text: "dl, length of the field (stored as norm byte \(norm))"),
                Explanation(value: avgdl, text: "avgdl, average length of the field"),
            ]),
        ])
    }
}

extension BM25 {
    /// The ``NormTable`` of each field of one open index (made once per reader: see ``IndexReader/normTables``).
    final class NormTables: Sendable {
        let byField: [IndexedField: NormTable]

        init(_ index: IndexReader) {
            var tables: [IndexedField: NormTable] = [:]
            for f in IndexedField.allCases {
                tables[f] = NormTable(averageLength: BM25.averageLength(index.fieldStats(f)))
            }
            byField = tables
        }
    }
}

extension IndexReader {
    /// BM25's length factor per norm byte for each field (fixed for one open index), kept with the
    /// reader (the index layer stores it without knowing the type).
    var normTables: [IndexedField: BM25.NormTable] {
        derived.value(BM25.NormTables.self) { BM25.NormTables(self) }.byField
    }
}
