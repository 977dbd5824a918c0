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

    /// One field's part of the .nrm file, as the validating pass found it.
    struct FieldNorms {
        /// The offset of the norm bytes.
        var offset: Int
        var sumTotalTermFreq: UInt64
        /// The offset of SumTotalTermFreq.
        var sumAt: Int
    }

    /// The validating pass of ``read(_:file:segmentID:docCount:)`` (the envelope was checked):
    /// reports every problem to `problems`, and fills `fields` with each field's norms as they
    /// are found (so a damaged later field leaves the earlier ones usable). Throws ``Damage``
    /// where decoding cannot go on. `segment` names the segment in messages.
    static func validate(_ bytes: UnsafeRawBufferPointer, file: String, docCount: Int, segment: String,
                         _ problems: ProblemList, into fields: inout [FieldNorms?]) throws {
        var c = ByteReader(bytes, file: file, from: FormatConstants.headerSize, to: bytes.count - FormatConstants.footerSize)
        let n = Int(try c.readU32())
        guard n == docCount else {
            throw c.damage("the norms cover \(n) documents, but the manifest says segment \(segment) has \(docCount)", at: c.offset - 4)
        }
        let countAt = c.offset
        let fieldCount = Int(try c.readU8())
        if fieldCount != IndexedField.allCases.count {
            problems.add(file, countAt, "FieldCount is \(fieldCount), but every segment has norms for the \(IndexedField.allCases.count) indexed fields")
        }
        for k in 0..<fieldCount {
            let at = c.offset
            let number = try c.readU8()
            guard let field = IndexedField(rawValue: number) else { throw c.damage("unknown field number \(number)", at: at) }
            guard fields[Int(number)] == nil else { throw c.damage("the norms of field \(field.name) appear twice", at: at) }
            if Int(number) != k {
                problems.add(file, at, "the norms of field \(field.name) come in place \(k); fields are written in order")
            }
            let dwfAt = c.offset
            let docsWithField = Int(try c.readU32())
            let sumAt = c.offset
            let sum = try c.readU64()
            let offset = c.offset
            let norms = try c.readBytes(docCount)
            var nonZero = 0
            for b in norms where b != 0 { nonZero += 1 }
            if nonZero != docsWithField {
                problems.add(file, dwfAt, "DocsWithField of field \(field.name) is \(docsWithField), but \(nonZero) documents have a non-zero norm")
            }
            fields[Int(number)] = FieldNorms(offset: offset, sumTotalTermFreq: sum, sumAt: sumAt)
        }
        if !c.isAtEnd { problems.add(file, c.offset, "\(c.remaining) unexpected bytes after the norms") }
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

    /// The validating pass of ``read(_:file:segmentID:docCount:)`` (the envelope was checked):
    /// reports every problem to `problems` and returns whether each document has a date; throws
    /// ``Damage`` where decoding cannot go on. `segment` names the segment in messages.
    static func validate(_ bytes: UnsafeRawBufferPointer, file: String, docCount: Int, segment: String,
                         _ problems: ProblemList) throws -> [Bool] {
        var c = ByteReader(bytes, file: file, from: FormatConstants.headerSize, to: bytes.count - FormatConstants.footerSize)
        let n = Int(try c.readU32())
        guard n == docCount else {
            throw c.damage("the date column covers \(n) documents, but the manifest says segment \(segment) has \(docCount)", at: c.offset - 4)
        }
        let base = try c.readU64()
        let widthAt = c.offset
        let width = Int(try c.readU8())
        guard width <= 56 || width == 64 else { throw c.damage("invalid code width \(width) (0 to 56, or 64)", at: widthAt) }
        let packedLength = (docCount * width + 7) / 8
        guard c.remaining == packedLength + 8 else {
            throw c.damage("the packed codes take \(c.remaining) bytes with their padding, but \(docCount) codes of \(width) bits need \(packedLength + 8)")
        }
        let packedAt = c.offset
        let padding = UnsafeRawBufferPointer(rebasing: bytes[(packedAt + packedLength)..<(packedAt + packedLength + 8)])
        if padding.contains(where: { $0 != 0 }) {
            problems.add(file, packedAt + packedLength, "the eight padding bytes after the codes are not zero")
        }
        var present = [Bool](repeating: false, count: docCount)
        var smallest = UInt64.max
        if width > 0 {
            let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
            for d in 0..<docCount {
                let bit = d * width
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: packedAt + bit >> 3, as: UInt64.self))
                let code = width == 64 ? word : (word >> UInt64(bit & 7)) & mask
                guard code != 0 else { continue }
                present[d] = true
                smallest = min(smallest, code)
                if Int64(bitPattern: base).addingReportingOverflow(Int64(bitPattern: code - 1)).overflow {
                    problems.add(file, packedAt + bit >> 3, "the date code \(code) of document \(d) overflows the date range (Base \(Int64(bitPattern: base)))")
                }
            }
            if smallest == .max {
                problems.add(file, widthAt, "the code width is \(width), but no document has a date (the width of an empty column is 0)")
            } else if smallest != 1 {
                problems.add(file, widthAt - 8, "Base is not the segment's smallest date: the smallest code is \(smallest), not 1")
            }
        } else if base != 0 {
            problems.add(file, widthAt - 8, "Base is \(Int64(bitPattern: base)), but no document has a date (Base is then 0)")
        }
        return present
    }
}
