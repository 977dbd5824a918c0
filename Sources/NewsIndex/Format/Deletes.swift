#if canImport(Glibc)
import Glibc
#endif
import NewsIndexCore

/// Deletions of one segment (.del): which documents are deleted, and what they contributed to
/// the index's statistics, so scores count only live documents.
///
/// ```
/// Deletes    --> Header, DocCount:u32, DeletedCount:u32, Bits:byte^⌈DocCount/8⌉,
///                FieldCount:u8, FieldStats^FieldCount, TermCount:u32, TermOffset:u32^TermCount,
///                TermEntry^TermCount, Footer
/// FieldStats --> FieldNumber:u8, DocsWithField:u32, SumTotalTermFreq:u64
/// TermEntry  --> KeyLength:VInt, Key:byte^KeyLength, DocFreq:VInt
/// ```
/// Bit d (bit d mod 8 of byte ⌊d/8⌋) is set when document d is deleted. FieldStats and the
/// terms' DocFreq count the deleted documents only; keys are sorted bytewise, TermOffset is each
/// entry's offset from the first TermEntry.
struct DeletedDocs: Equatable {
    /// One bit per document of the segment.
    var bits: [UInt64]
    var count: Int
    /// Per indexed field (by field number): the deleted documents' share of the field statistics.
    var fields: [FieldStats]
    /// Keys (field byte + term) of the deleted documents' terms, sorted, with their document counts.
    var terms: [(key: [UInt8], docFreq: Int)]

    init(docCount: Int) {
        bits = [UInt64](repeating: 0, count: (docCount + 63) / 64)
        count = 0
        fields = IndexedField.allCases.map { _ in FieldStats(docCount: 0, sumTotalTermFreq: 0) }
        terms = []
    }

    static func == (a: DeletedDocs, b: DeletedDocs) -> Bool {
        a.bits == b.bits && a.count == b.count && a.fields == b.fields
            && a.terms.count == b.terms.count && zip(a.terms, b.terms).allSatisfy { $0.key == $1.key && $0.docFreq == $1.docFreq }
    }

    func contains(_ doc: Int) -> Bool { bits[doc >> 6] & (1 << UInt64(doc & 63)) != 0 }

    /// Adds the statistics of newly deleted documents (`docs`, none deleted before), whose terms
    /// and field statistics `stats` describes.
    mutating func add(_ docs: [Int], stats: DocumentStatistics) {
        for d in docs {
            precondition(!contains(d), "document \(d) deleted twice")
            bits[d >> 6] |= 1 << UInt64(d & 63)
        }
        count += docs.count
        for i in fields.indices {
            fields[i].docCount += stats.fields[i].docCount
            fields[i].sumTotalTermFreq += stats.fields[i].sumTotalTermFreq
        }
        // Merge two sorted lists.
        var out: [(key: [UInt8], docFreq: Int)] = []
        out.reserveCapacity(terms.count + stats.terms.count)
        var i = 0, j = 0
        while i < terms.count || j < stats.terms.count {
            if j == stats.terms.count || (i < terms.count && terms[i].key.lexicographicallyPrecedes(stats.terms[j].key)) {
                out.append(terms[i]); i += 1
            } else if i == terms.count || stats.terms[j].key.lexicographicallyPrecedes(terms[i].key) {
                out.append(stats.terms[j]); j += 1
            } else {
                out.append((terms[i].key, terms[i].docFreq + stats.terms[j].docFreq)); i += 1; j += 1
            }
        }
        terms = out
    }

    func encode(segmentID: UInt64, docCount: Int) -> [UInt8] {
        var w = ByteWriter()
        FileEnvelope.writeHeader(&w, type: .deletes, segmentID: segmentID)
        w.write(UInt32(docCount))
        w.write(UInt32(count))
        for k in 0..<((docCount + 7) / 8) { w.write(UInt8(truncatingIfNeeded: bits[k >> 3] >> UInt64(8 * (k & 7)))) }
        w.write(UInt8(fields.count))
        for (f, s) in fields.enumerated() {
            w.write(UInt8(f))
            w.write(UInt32(s.docCount))
            w.write(UInt64(s.sumTotalTermFreq))
        }
        w.write(UInt32(terms.count))
        var entries = ByteWriter()
        var offsets: [UInt32] = []
        offsets.reserveCapacity(terms.count)
        for t in terms {
            offsets.append(UInt32(entries.bytes.count))
            entries.writeVInt(t.key.count)
            entries.write(bytes: t.key)
            entries.writeVInt(t.docFreq)
        }
        for o in offsets { w.write(o) }
        w.write(bytes: entries.bytes)
        FileEnvelope.writeFooter(&w)
        return w.bytes
    }
}

/// The term and field statistics of some documents (as a segment of just them would have).
struct DocumentStatistics {
    var fields: [FieldStats]
    var terms: [(key: [UInt8], docFreq: Int)]
}

/// Reads a segment's .del file in place.
struct DeletesReader {
    let file: String
    let count: Int
    /// Per field number: the deleted documents' share of the field statistics.
    let fields: [FieldStats]
    private let bytes: UnsafeRawBufferPointer
    private let bitsOffset: Int
    private let termCount: Int
    private let offsetsAt: Int
    private let entriesAt: Int
    private let entriesEnd: Int

    init(bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount: Int, deletedCount: Int) throws {
        self = try Damage.surfacing {
            try DeletesReader(reading: bytes, file: file, segmentID: segmentID, docCount: docCount, deletedCount: deletedCount)
        }
    }

    private init(reading bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount: Int, deletedCount: Int) throws {
        var r = try FileEnvelope.open(bytes, file: file, type: .deletes, segmentID: segmentID)
        self.bytes = bytes
        self.file = file
        guard Int(try r.readU32()) == docCount else { throw r.corrupt("the document count disagrees with the manifest") }
        count = Int(try r.readU32())
        guard count == deletedCount else { throw r.corrupt("\(count) deleted documents where the manifest says \(deletedCount)") }
        bitsOffset = r.offset
        try r.skip((docCount + 7) / 8)
        var set = 0
        for k in bitsOffset..<r.offset { set += bytes[k].nonzeroBitCount }
        if docCount % 8 != 0, docCount > 0, bytes[r.offset - 1] >> UInt8(docCount % 8) != 0 {
            throw NewsIndexError.corrupt(file, "bits are set past the last document at offset \(r.offset - 1)")
        }
        guard set == count else { throw r.corrupt("\(set) deletion bits set where the count says \(count)") }
        let nf = Int(try r.readU8())
        var fields = IndexedField.allCases.map { _ in FieldStats(docCount: 0, sumTotalTermFreq: 0) }
        for _ in 0..<nf {
            let f = Int(try r.readU8())
            let docs = Int(try r.readU32())
            let sum = try r.readU64()
            guard f < fields.count, docs <= count, sum <= UInt64(Int.max) else { throw r.corrupt("invalid field statistics") }
            fields[f] = FieldStats(docCount: docs, sumTotalTermFreq: Int(sum))
        }
        self.fields = fields
        termCount = Int(try r.readU32())
        guard termCount <= r.remaining / 4 else { throw r.corrupt("impossible term count \(termCount)") }
        offsetsAt = r.offset
        entriesAt = r.offset + 4 * termCount
        entriesEnd = r.end
        guard entriesAt <= entriesEnd else { throw r.corrupt("the term offsets run past the end") }
    }

    /// The bits as 64-bit words, for fast tests in loops.
    func words(docCount: Int) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: (docCount + 63) / 64)
        for k in 0..<((docCount + 7) / 8) { out[k >> 3] |= UInt64(bytes[bitsOffset + k]) << UInt64(8 * (k & 7)) }
        return out
    }

    private func entry(_ i: Int) throws -> (key: UnsafeRawBufferPointer, docFreq: Int) {
        let o = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offsetsAt + 4 * i, as: UInt32.self)))
        return try Damage.surfacing {
            var r = ByteReader(bytes, file: file, from: entriesAt, to: entriesEnd)
            try r.skip(o)
            let n = try r.readVInt(max: r.remaining)
            let key = try r.readBytes(n)
            return (key, try r.readVInt(max: Int(UInt32.max)))
        }
    }

    /// Deleted documents containing the term with this key (field byte + term).
    func docFreq(_ key: [UInt8]) throws -> Int {
        var lo = 0, hi = termCount
        while lo < hi {
            let mid = (lo + hi) / 2
            let e = try entry(mid)
            let c = key.withUnsafeBytes { k -> Int in
                let m = Swift.min(k.count, e.key.count)
                let r = m == 0 ? 0 : memcmp(k.baseAddress!, e.key.baseAddress!, m)
                return r != 0 ? Int(r) : k.count - e.key.count
            }
            if c == 0 { return e.docFreq }
            if c < 0 { hi = mid } else { lo = mid + 1 }
        }
        return 0
    }

    /// Everything, for a writer adding more deletions.
    func load(docCount: Int) throws -> DeletedDocs {
        var d = DeletedDocs(docCount: docCount)
        d.bits = words(docCount: docCount)
        d.count = count
        d.fields = fields
        d.terms.reserveCapacity(termCount)
        for i in 0..<termCount {
            let e = try entry(i)
            d.terms.append((Array(e.key.bindMemory(to: UInt8.self)), e.docFreq))
        }
        return d
    }
}
