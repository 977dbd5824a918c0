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
        var r = try FileEnvelope.open(bytes, file: file, type: .norms, segmentID: segmentID, verifyChecksum: false)
        let fieldCount = try readFieldCount(&r, docCount: docCount, segment: nil).count
        var out: [IndexedField: (FieldStats, Int)] = [:]
        for _ in 0..<fieldCount {
            let h = try readFieldHeader(&r) { _, _ in }
            guard h.docsWithField <= docCount, h.sumTotalTermFreq <= UInt64(Int.max / 2) else {
                throw r.corrupt("impossible statistics for field \(h.field.name)")
            }
            let offset = r.offset
            try r.skip(docCount)
            out[h.field] = (FieldStats(docCount: h.docsWithField, sumTotalTermFreq: Int(h.sumTotalTermFreq)), offset)
        }
        guard r.isAtEnd else { throw r.corrupt("\(r.remaining) unexpected bytes after the norms") }
        return out
    }

    /// Decodes `DocCount` and `FieldCount`, moving `r` past them, and returns FieldCount and its
    /// offset. DocCount must be `docCount`, else ``Damage`` worded for the check (`segment` names
    /// the segment; nil when a search decodes) with the search's wording as its `searchDetail`.
    static func readFieldCount(_ r: inout ByteReader, docCount: Int, segment: String?) throws -> (count: Int, at: Int) {
        let n = Int(try r.readU32())
        guard n == docCount else {
            let manifest = segment.map { "the manifest says segment \($0) has" } ?? "the segment has"
            throw r.damage("the norms cover \(n) documents, but \(manifest) \(docCount)", at: r.offset - 4,
                           search: "the norms cover \(n) documents but the segment has \(docCount)")
        }
        let at = r.offset
        return (Int(try r.readU8()), at)
    }

    /// A field's header in the .nrm file as ``readFieldHeader(_:_:)`` decodes it.
    struct FieldHeader {
        /// The field.
        let field: IndexedField
        /// The offset of its FieldNumber.
        let at: Int
        /// DocsWithField, as stored.
        let docsWithField: Int
        /// SumTotalTermFreq, as stored.
        let sumTotalTermFreq: UInt64
        /// The offset of DocsWithField (SumTotalTermFreq follows it, and the norm bytes that).
        var docsWithFieldAt: Int { at + 1 }
        /// The offset of SumTotalTermFreq.
        var sumAt: Int { at + 5 }
    }

    /// Decodes the header of the field at `r` (`FieldNumber`, `DocsWithField`, `SumTotalTermFreq`),
    /// moving `r` to its norm bytes; `judge` sees the field and the offset of its number before
    /// the statistics are read. Throws ``Damage`` for an unknown field number or a short file;
    /// each caller judges the statistics by its own rules.
    @inline(__always)
    static func readFieldHeader(_ r: inout ByteReader, _ judge: (IndexedField, Int) throws -> Void) throws -> FieldHeader {
        let at = r.offset
        let number = try r.readU8()
        guard let field = IndexedField(rawValue: number) else {
            throw r.damage("unknown field number \(number)", at: at, search: "unknown field number \(number)")
        }
        try judge(field, at)
        let docsWithField = Int(try r.readU32())
        let sum = try r.readU64()
        return FieldHeader(field: field, at: at, docsWithField: docsWithField, sumTotalTermFreq: sum)
    }

    /// One field's part of the .nrm file, as the validating pass found it.
    struct FieldNorms {
        /// The offset of the norm bytes.
        var offset: Int
        /// SumTotalTermFreq, as stored.
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
        let (fieldCount, countAt) = try readFieldCount(&c, docCount: docCount, segment: segment)
        let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let expected = IndexedField.fields(inVersion: version).count
        if fieldCount != expected {
            problems.add(file, countAt, "FieldCount is \(fieldCount), but every segment of format version \(version) has norms for the \(expected) indexed fields")
        }
        for k in 0..<fieldCount {
            let h = try readFieldHeader(&c) { field, at in
                guard fields[Int(field.rawValue)] == nil else {
                    throw Damage(file: file, offset: at, message: "the norms of field \(field.name) appear twice")
                }
                if Int(field.rawValue) != k {
                    problems.add(file, at, "the norms of field \(field.name) come in place \(k); fields are written in order")
                }
            }
            let offset = c.offset
            let norms = try c.readBytes(docCount)
            var nonZero = 0
            for b in norms where b != 0 { nonZero += 1 }
            if nonZero != h.docsWithField {
                problems.add(file, h.docsWithFieldAt, "DocsWithField of field \(h.field.name) is \(h.docsWithField), but \(nonZero) documents have a non-zero norm")
            }
            fields[Int(h.field.rawValue)] = FieldNorms(offset: offset, sumTotalTermFreq: h.sumTotalTermFreq, sumAt: h.sumAt)
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

    /// Where a segment's packed dates are and how to read them: the codes start at `offset`,
    /// code 1 stands for the date `base`, and each code takes `width` bits.
    struct Column {
        let offset: Int, base: Int64, width: Int

        /// The code of document `doc` (0: no date), for a column whose width is not 0.
        @inline(__always)
        func code(_ doc: Int, in bytes: UnsafeRawBufferPointer) -> UInt64 {
            let bit = doc * width
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + bit >> 3, as: UInt64.self))
            return width == 64 ? word : (word >> UInt64(bit & 7)) & ((1 << UInt64(width)) - 1)
        }

        /// The date of document `doc`, nil when it has none.
        @inline(__always)
        func date(_ doc: Int, in bytes: UnsafeRawBufferPointer) -> Int64? {
            guard width > 0 else { return nil }
            let code = code(doc, in: bytes)
            return code == 0 ? nil : base &+ Int64(bitPattern: code &- 1)
        }
    }

    /// Opens the date column (envelope and header) of a segment that has `docCount` documents.
    static func read(_ bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount: Int) throws -> Column {
        var r = try FileEnvelope.open(bytes, file: file, type: .dates, segmentID: segmentID, verifyChecksum: false)
        return try Damage.surfacing { try readColumn(&r, docCount: docCount, segment: nil) }
    }

    /// Decodes the column's header at `r` (`DocCount`, `Base`, `Width`) and checks that the packed
    /// codes and their padding fill the rest of `r`. Throws ``Damage`` worded for the check
    /// (`segment` names the segment; nil when a search decodes), with the search's wording, which
    /// calls every failure a wrong size, as its `searchDetail`.
    static func readColumn(_ r: inout ByteReader, docCount: Int, segment: String?) throws -> Column {
        func wrongSize(_ at: Int) -> String { "the date column has the wrong size for \(docCount) documents at offset \(at)" }
        let n = Int(try r.readU32())
        guard n == docCount else {
            // A search reads Base and Width before it judges DocCount: a file too short for them
            // is reported as the bytes it lacks.
            var t = r
            let search: String
            do {
                _ = try t.readU64()
                _ = try t.readU8()
                search = wrongSize(t.offset)
            } catch let d as Damage { search = d.searchDetail ?? d.message }
            let manifest = segment.map { "the manifest says segment \($0) has" } ?? "the segment has"
            throw Damage(file: r.file, offset: r.offset - 4, message: "the date column covers \(n) documents, but \(manifest) \(docCount)",
                         searchDetail: search)
        }
        let base = Int64(bitPattern: try r.readU64())
        let widthAt = r.offset
        let width = Int(try r.readU8())
        guard width <= 56 || width == 64 else {
            throw Damage(file: r.file, offset: widthAt, message: "invalid code width \(width) (0 to 56, or 64)", searchDetail: wrongSize(r.offset))
        }
        let packedLength = (docCount * width + 7) / 8
        guard r.remaining == packedLength + 8 else {
            throw r.damage("the packed codes take \(r.remaining) bytes with their padding, but \(docCount) codes of \(width) bits need \(packedLength + 8)",
                           search: "the date column has the wrong size for \(docCount) documents")
        }
        return Column(offset: r.offset, base: base, width: width)
    }

    /// The validating pass of ``read(_:file:segmentID:docCount:)`` (the envelope was checked):
    /// reports every problem to `problems` and returns whether each document has a date; throws
    /// ``Damage`` where decoding cannot go on. `segment` names the segment in messages.
    static func validate(_ bytes: UnsafeRawBufferPointer, file: String, docCount: Int, segment: String,
                         _ problems: ProblemList) throws -> [Bool] {
        var c = ByteReader(bytes, file: file, from: FormatConstants.headerSize, to: bytes.count - FormatConstants.footerSize)
        let column = try readColumn(&c, docCount: docCount, segment: segment)
        let width = column.width, widthAt = column.offset - 1, baseAt = widthAt - 8
        let packedLength = (docCount * width + 7) / 8
        let padding = UnsafeRawBufferPointer(rebasing: bytes[(column.offset + packedLength)..<(column.offset + packedLength + 8)])
        if padding.contains(where: { $0 != 0 }) {
            problems.add(file, column.offset + packedLength, "the eight padding bytes after the codes are not zero")
        }
        var present = [Bool](repeating: false, count: docCount)
        guard width > 0 else {
            if column.base != 0 {
                problems.add(file, baseAt, "Base is \(column.base), but no document has a date (Base is then 0)")
            }
            return present
        }
        var smallest = UInt64.max
        for d in 0..<docCount {
            let code = column.code(d, in: bytes)
            guard code != 0 else { continue }
            present[d] = true
            smallest = min(smallest, code)
            if column.base.addingReportingOverflow(Int64(bitPattern: code - 1)).overflow {
                problems.add(file, column.offset + (d * width) >> 3, "the date code \(code) of document \(d) overflows the date range (Base \(column.base))")
            }
        }
        if smallest == .max {
            problems.add(file, widthAt, "the code width is \(width), but no document has a date (the width of an empty column is 0)")
        } else if smallest != 1 {
            problems.add(file, baseAt, "Base is not the segment's smallest date: the smallest code is \(smallest), not 1")
        }
        return present
    }
}
