/// A compact similarity signature of an article's body, for finding copies: one-permutation
/// MinHash (Li, Owen and Zhang 2012) over the body's word 3-shingles, with the shingle count so
/// that containment (how much of the shorter text is in the longer), not only overlap, can be
/// estimated.
///
/// The shingles are runs of three consecutive analyzed words of the body (the title is left out:
/// republished copies change headlines). Each shingle is hashed once; the top 5 bits of its hash
/// choose one of ``bins`` bins and the low 32 bits are its value; a bin keeps its least value.
/// Two bodies' Jaccard similarity J is estimated by the share of equal bins among the bins not
/// empty in both; with the shingle counts a and b, the shared shingles are about J (a + b) / (1 + J),
/// and the containment is that over min(a, b).
struct CopySignature: Equatable {
    /// Bins per signature.
    static let bins = 32
    /// Bytes of one signature in the `.sig` file.
    static let recordBytes = 4 + 4 * bins
    /// Bodies with fewer shingles (about 27 words) get no signature: too short to tell a copy
    /// from a shared phrase, like page furniture ("View Comments") or a one-line teaser.
    static let minimumShingles = 25
    static let empty = UInt32.max

    /// The number of shingles of the body (repeated ones counted again).
    var shingles: UInt32
    /// Each bin's least shingle value, ``empty`` for a bin no shingle fell in.
    var minimums: [UInt32]

    /// The signature of a body whose analyzed words have the hashes `words`, or nil when the body
    /// has fewer than ``minimumShingles`` shingles.
    init?(wordHashes words: UnsafeBufferPointer<UInt64>) {
        var record: [UInt32] = []
        guard CopySignature.append(wordHashes: words, to: &record) else { return nil }
        self.init(shingles: record[0], minimums: Array(record[1...]))
    }

    /// Appends the signature of a body whose analyzed words have the hashes `words` to
    /// `records` as the `.sig` file holds it (shingle count, then the minimums); returns false,
    /// appending nothing, when the body has fewer than ``minimumShingles`` shingles.
    static func append(wordHashes words: UnsafeBufferPointer<UInt64>, to records: inout [UInt32]) -> Bool {
        guard words.count >= CopySignature.minimumShingles + 2 else { return false }
        let at = records.count
        records.append(UInt32(words.count - 2))
        records.append(contentsOf: repeatElement(CopySignature.empty, count: CopySignature.bins))
        records.withUnsafeMutableBufferPointer { r in
            let m = r.baseAddress! + at + 1
            var a = words[0], b = words[1]
            for i in 2..<words.count {
                let c = words[i]
                let h = CopySignature.mix(a, b, c)
                let bin = Int(h >> 59), v = UInt32(truncatingIfNeeded: h)
                if v < m[bin] { m[bin] = v }
                a = b
                b = c
            }
        }
        // A value of 0xFFFFFFFF would read as an empty bin; it stays one (a negligible loss).
        return true
    }

    init(shingles: UInt32, minimums: [UInt32]) {
        self.shingles = shingles
        self.minimums = minimums
    }

    /// The hash of the shingle (a, b, c): order matters.
    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        var h = a &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 29) ^ b) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 31) ^ c) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 32)
    }

    /// How two signatures compare: bins equal, bins compared (not empty in both), and the
    /// estimated Jaccard similarity, shared shingles and containment.
    struct Comparison {
        var equalBins: Int
        var comparedBins: Int
        var jaccard: Double
        var sharedShingles: Double
        var containment: Double
    }

    func compare(_ other: CopySignature) -> Comparison {
        var equal = 0, compared = 0
        for k in 0..<CopySignature.bins {
            let x = minimums[k], y = other.minimums[k]
            if x == CopySignature.empty && y == CopySignature.empty { continue }
            compared += 1
            if x == y { equal += 1 }
        }
        return CopySignature.comparison(equalBins: equal, comparedBins: compared, shingles, other.shingles)
    }

    /// The estimates of a comparison from its bin counts and the two shingle counts.
    static func comparison(equalBins equal: Int, comparedBins compared: Int, _ a: UInt32, _ b: UInt32) -> Comparison {
        let j = compared == 0 ? 0 : Double(equal) / Double(compared)
        let shared = j / (1 + j) * Double(a + b)
        let smaller = Double(min(a, b))
        return Comparison(equalBins: equal, comparedBins: compared, jaccard: j, sharedShingles: shared,
                          containment: smaller == 0 ? 0 : min(1, shared / smaller))
    }

    /// Whether two bodies are copies of one story: most of the shorter is in the longer
    /// (estimated containment at least ``CopyThresholds/containment``), with enough evidence
    /// (at least ``CopyThresholds/equalBins`` equal bins, and at least
    /// ``CopyThresholds/sharedShingles`` shingles in common).
    func isCopy(of other: CopySignature) -> Bool {
        let c = compare(other)
        return CopySignature.isCopy(equalBins: c.equalBins, comparedBins: c.comparedBins, shingles, other.shingles)
    }

    /// ``isCopy(of:)`` from a comparison's bin counts and the two shingle counts.
    static func isCopy(equalBins: Int, comparedBins: Int, _ a: UInt32, _ b: UInt32) -> Bool {
        guard equalBins >= CopyThresholds.equalBins else { return false }
        let c = comparison(equalBins: equalBins, comparedBins: comparedBins, a, b)
        return c.containment >= CopyThresholds.containment && c.sharedShingles >= CopyThresholds.sharedShingles
    }
}

/// The thresholds of ``CopySignature/isCopy(of:)``, measured on the test stories and the seeds
/// (README, "Stories").
enum CopyThresholds {
    /// Estimated containment of the shorter body in the longer.
    static let containment = 0.5
    /// Equal bins of 32: below this the estimate is noise (one shared phrase can make a bin equal).
    static let equalBins = 5
    /// Estimated shingles in common.
    static let sharedShingles = 20.0
}
