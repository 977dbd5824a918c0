/// Lucene's `SmallFloat.intToByte4`/`byte4ToInt`: field lengths in one byte, exact up to 23 and
/// with 4 significant bits above, decoded back before scoring.
enum SmallFloat {
    /// Values below this are stored as themselves.
    static let freeValues = 24 // 255 - longToInt4(Int32.max)

    static func longToInt4(_ i: Int) -> Int {
        precondition(i >= 0)
        let numBits = i == 0 ? 0 : (Int.bitWidth - i.leadingZeroBitCount)
        if numBits < 4 { return i }
        let shift = numBits - 4
        var encoded = (i >> shift) & 0x07
        encoded |= (shift + 1) << 3
        return encoded
    }

    static func int4ToLong(_ i: Int) -> Int {
        let bits = i & 0x07
        let shift = (i >> 3) - 1
        return shift == -1 ? bits : (bits | 0x08) << shift
    }

    /// Encodes a field length into a byte (rounding down).
    static func intToByte4(_ i: Int) -> UInt8 {
        precondition(i >= 0)
        if i < freeValues { return UInt8(i) }
        return UInt8(freeValues + longToInt4(i - freeValues))
    }

    /// Decodes a byte back into the field length it stands for.
    static func byte4ToInt(_ b: UInt8) -> Int {
        let i = Int(b)
        if i < freeValues { return i }
        return freeValues + int4ToLong(i - freeValues)
    }

    /// `byte4ToInt` for all 256 bytes.
    static let lengthTable: [Int] = (0..<256).map { byte4ToInt(UInt8($0)) }
}

/// Per-field statistics of one segment.
struct FieldStats: Equatable {
    /// Documents with at least one token in the field.
    var docCount: Int
    /// Tokens in the field over all documents.
    var sumTotalTermFreq: Int
}

/// Norms (.nrm): for each indexed field its statistics and one encoded length byte per document.
///
/// ```
/// Norms --> Header, DocCount:u32, FieldCount:u8, FieldNorms^FieldCount, Footer
/// FieldNorms --> FieldNumber:u8, DocsWithField:u32, SumTotalTermFreq:u64, Norm:u8^DocCount
/// ```
enum NormsFormat {
    static func write(segmentID: UInt64, docCount: Int, fields: [(IndexedField, FieldStats, [UInt8])]) -> [UInt8] {
        var w = ByteWriter(capacity: 64 + fields.count * (docCount + 13))
        FileEnvelope.writeHeader(&w, type: .norms, segmentID: segmentID)
        w.write(UInt32(docCount))
        w.write(UInt8(fields.count))
        for (field, stats, norms) in fields {
            precondition(norms.count == docCount)
            w.write(field.rawValue)
            w.write(UInt32(stats.docCount))
            w.write(UInt64(stats.sumTotalTermFreq))
            w.write(bytes: norms)
        }
        FileEnvelope.writeFooter(&w)
        return w.bytes
    }

    /// Returns the statistics and the offset of the norm bytes of each field present.
    static func read(_ bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount: Int)
        throws -> [IndexedField: (stats: FieldStats, normsOffset: Int)] {
        try Damage.surfacing { try readFields(bytes, file: file, segmentID: segmentID, docCount: docCount) }
    }

    private static func readFields(_ bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount: Int)
        throws -> [IndexedField: (stats: FieldStats, normsOffset: Int)] {
        var r = try FileEnvelope.open(bytes, file: file, type: .norms, segmentID: segmentID)
        let n = Int(try r.readU32())
        guard n == docCount else { throw r.corrupt("the norms cover \(n) documents but the segment has \(docCount)") }
        let fieldCount = Int(try r.readU8())
        var out: [IndexedField: (FieldStats, Int)] = [:]
        for _ in 0..<fieldCount {
            let num = try r.readU8()
            guard let field = IndexedField(rawValue: num) else { throw r.corrupt("unknown field number \(num)") }
            let dwf = Int(try r.readU32())
            let sum = try r.readU64()
            guard dwf <= docCount, sum <= UInt64(Int.max / 2) else { throw r.corrupt("impossible statistics for field \(field.name)") }
            let offset = r.offset
            try r.skip(docCount)
            out[field] = (FieldStats(docCount: dwf, sumTotalTermFreq: Int(sum)), offset)
        }
        guard r.isAtEnd else { throw r.corrupt("\(r.remaining) unexpected bytes after the norms") }
        return out
    }
}

/// The date column (.dat): every document's date, bit-packed.
///
/// ```
/// Dates --> Header, DocCount:u32, Base:i64, Width:u8, Packed:byte^PackedLength, Padding:byte^8, Footer
/// ```
/// Document d's code is the `Width` bits at bit d × Width (little-endian); code 0 means no date,
/// code c the date Base + c − 1 (seconds since the epoch). Width is 0 (no document has a date),
/// 1…56, or 64 (codes written as plain u64). The padding lets a reader load eight bytes at any
/// code's first byte.
enum DatesFormat {
    static func write(segmentID: UInt64, dates: [Int64]) -> [UInt8] {
        let present = dates.filter { $0 != FormatConstants.noDate }
        let base = present.min() ?? 0
        let maxCode = present.map { UInt64(bitPattern: $0 &- base) &+ 1 }.max() ?? 0
        var width = maxCode == 0 ? 0 : 64 - maxCode.leadingZeroBitCount
        if width > 56 { width = 64 }
        var w = ByteWriter(capacity: 64 + dates.count * width / 8)
        FileEnvelope.writeHeader(&w, type: .dates, segmentID: segmentID)
        w.write(UInt32(dates.count))
        w.write(base)
        w.write(UInt8(width))
        var packed = [UInt8](repeating: 0, count: (dates.count * width + 7) / 8 + 8)
        for (d, v) in dates.enumerated() where v != FormatConstants.noDate {
            let code = UInt64(bitPattern: v &- base) &+ 1
            let bit = d * width
            for k in 0..<width where code >> UInt64(k) & 1 == 1 {
                packed[(bit + k) >> 3] |= 1 << UInt8((bit + k) & 7)
            }
        }
        w.write(bytes: packed)
        FileEnvelope.writeFooter(&w)
        return w.bytes
    }

    /// Where a segment's packed dates are and how to read them.
    struct Column {
        let offset: Int
        let base: Int64
        let width: Int

        /// The date of document `doc`, nil when it has none.
        @inline(__always)
        func date(_ doc: Int, in bytes: UnsafeRawBufferPointer) -> Int64? {
            guard width > 0 else { return nil }
            let bit = doc * width
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + bit >> 3, as: UInt64.self))
            let code = width == 64 ? word : (word >> UInt64(bit & 7)) & ((1 << UInt64(width)) - 1)
            return code == 0 ? nil : base &+ Int64(bitPattern: code &- 1)
        }
    }

    static func read(_ bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount: Int) throws -> Column {
        try Damage.surfacing { try readColumn(bytes, file: file, segmentID: segmentID, docCount: docCount) }
    }

    private static func readColumn(_ bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount: Int) throws -> Column {
        var r = try FileEnvelope.open(bytes, file: file, type: .dates, segmentID: segmentID)
        let n = Int(try r.readU32())
        let base = Int64(bitPattern: try r.readU64())
        let width = Int(try r.readU8())
        guard n == docCount, width <= 56 || width == 64, r.remaining == (docCount * width + 7) / 8 + 8 else {
            throw r.corrupt("the date column has the wrong size for \(docCount) documents")
        }
        return Column(offset: r.offset, base: base, width: width)
    }
}
