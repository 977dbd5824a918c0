import NewsIndexCore
/// Stored fields (.fdt): documents' display fields in zlib-compressed chunks.
///
/// ```
/// StoredFields --> Header, Chunk^ChunkCount, ChunkIndex, Trailer, Footer
/// Chunk        --> zlib(DocRecord^DocsInChunk)
/// DocRecord    --> FieldCount:VInt, (FieldNumber:u8, Length:VInt, UTF8:byte^Length)^FieldCount
/// ChunkIndex   --> (FirstDoc:u32, Offset:u64, CompressedLength:u32, UncompressedLength:u32)^ChunkCount
/// Trailer      --> DocCount:u32, ChunkCount:u32, ChunkIndexOffset:u64
/// ```
/// A chunk is closed once it holds 32 KiB of records or 128 documents, so showing one hit inflates
/// at most 32 KiB more than the document itself.
struct StoredFieldsWriter {
    private var out = ByteWriter()
    private var chunk = ByteWriter()
    private var chunkFirstDoc = 0
    private var docsInChunk = 0
    private var docCount = 0
    private var index: [(UInt32, UInt64, UInt32, UInt32)] = []

    init(segmentID: UInt64) {
        FileEnvelope.writeHeader(&out, type: .storedFields, segmentID: segmentID)
    }

    mutating func add(_ fields: [(StoredField, String)]) {
        chunk.writeVInt(fields.count)
        for (f, v) in fields {
            chunk.write(f.rawValue)
            chunk.writeString(v)
        }
        docsInChunk += 1
        docCount += 1
        if chunk.count >= FormatConstants.storedChunkBytes || docsInChunk >= FormatConstants.storedChunkMaxDocs {
            flushChunk()
        }
    }

    private mutating func flushChunk() {
        guard docsInChunk > 0 else { return }
        let compressed = chunk.bytes.withUnsafeBytes { Zlib.compress($0, level: FormatConstants.storedCompressionLevel) }
        index.append((UInt32(chunkFirstDoc), UInt64(out.count), UInt32(compressed.count), UInt32(chunk.count)))
        out.write(bytes: compressed)
        chunk = ByteWriter()
        chunkFirstDoc = docCount
        docsInChunk = 0
    }

    mutating func finish() -> [UInt8] {
        flushChunk()
        let indexOffset = out.count
        for (d, o, c, u) in index {
            out.write(d); out.write(o); out.write(c); out.write(u)
        }
        out.write(UInt32(docCount))
        out.write(UInt32(index.count))
        out.write(UInt64(indexOffset))
        FileEnvelope.writeFooter(&out)
        return out.bytes
    }
}

struct StoredFieldsReader {
    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private let chunkCount: Int
    private let indexOffset: Int
    let docCount: Int

    private static let entrySize = 20

    init(bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount expected: Int) throws {
        self = try Damage.surfacing { try StoredFieldsReader(reading: bytes, file: file, segmentID: segmentID, docCount: expected) }
    }

    private init(reading bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount expected: Int) throws {
        var r = try FileEnvelope.open(bytes, file: file, type: .storedFields, segmentID: segmentID)
        guard r.remaining >= 16 else { throw r.corrupt("the trailer is missing") }
        r.offset = r.end - 16
        docCount = Int(try r.readU32())
        chunkCount = Int(try r.readU32())
        let io = try r.readU64()
        guard docCount == expected, io >= UInt64(FormatConstants.headerSize), io <= UInt64(r.end - 16),
              UInt64(chunkCount * StoredFieldsReader.entrySize) == UInt64(r.end - 16) - io else {
            throw NewsIndexError.corrupt(file, "the stored-fields trailer is inconsistent (\(docCount) documents, \(chunkCount) chunks)")
        }
        indexOffset = Int(io)
        self.bytes = bytes
        self.file = file
    }

    private func entry(_ c: Int) -> (firstDoc: Int, offset: Int, compressed: Int, uncompressed: Int) {
        let at = indexOffset + c * StoredFieldsReader.entrySize
        // A damaged offset past Int.max reads as negative, which `document` rejects.
        return (Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))),
                Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 4, as: UInt64.self))),
                Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 12, as: UInt32.self))),
                Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 16, as: UInt32.self))))
    }

    /// The stored fields of document `doc` (segment-local number).
    func document(_ doc: Int) throws -> [StoredField: String] {
        guard doc >= 0 && doc < docCount, chunkCount > 0 else {
            throw NewsIndexError.corrupt(file, "document \(doc) is not in the stored fields")
        }
        // Last chunk whose first doc is <= doc.
        var lo = 0, hi = chunkCount - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if entry(mid).firstDoc <= doc { lo = mid } else { hi = mid - 1 }
        }
        let e = entry(lo)
        guard e.firstDoc <= doc, e.offset >= FormatConstants.headerSize, e.offset <= indexOffset,
              e.compressed <= indexOffset - e.offset else {
            throw NewsIndexError.corrupt(file, "chunk \(lo) of the stored fields points outside the file")
        }
        // zlib expands at most about 1,032 to 1: a larger claim is damage, not a reason to allocate.
        guard e.uncompressed <= 1 << 31, e.uncompressed <= 1_100 * e.compressed + 64 else {
            throw NewsIndexError.corrupt(file, "chunk \(lo) of the stored fields claims \(e.uncompressed) bytes from \(e.compressed) compressed")
        }
        let raw = try Zlib.uncompress(UnsafeRawBufferPointer(rebasing: bytes[e.offset..<(e.offset + e.compressed)]),
                                      expectedCount: e.uncompressed, file: file)
        return try Damage.surfacing { try raw.withUnsafeBytes { buf in
            var r = ByteReader(buf, file: file)
            var current = e.firstDoc
            while true {
                let n = try r.readVInt(max: 255)
                var fields: [StoredField: String] = [:]
                for _ in 0..<n {
                    let num = try r.readU8()
                    if current == doc {
                        let s = try r.readString()
                        if let f = StoredField(rawValue: num) { fields[f] = s }
                    } else {
                        try r.skip(try r.readVInt(max: r.remaining))
                    }
                }
                if current == doc { return fields }
                current += 1
                if r.isAtEnd { throw NewsIndexError.corrupt(file, "document \(doc) is missing from its chunk") }
            }
        } }
    }
}

extension StoredFieldsReader {
    /// The stored size of all documents, before compression (about the size of their text).
    var uncompressedBytes: Int {
        var n = 0
        for c in 0..<chunkCount { n += entry(c).uncompressed }
        return n
    }

    /// Calls `body` with every document's number and stored fields in order, inflating each chunk once.
    func forEachDocument(_ body: (Int, [StoredField: String]) throws -> Void) throws {
        var doc = 0
        for c in 0..<chunkCount {
            let e = entry(c)
            guard e.firstDoc == doc, e.offset >= FormatConstants.headerSize, e.offset + e.compressed <= indexOffset,
                  e.uncompressed <= 1 << 31 else {
                throw NewsIndexError.corrupt(file, "chunk \(c) of the stored fields is out of place")
            }
            let raw = try Zlib.uncompress(UnsafeRawBufferPointer(rebasing: bytes[e.offset..<(e.offset + e.compressed)]),
                                          expectedCount: e.uncompressed, file: file)
            try Damage.surfacing { try raw.withUnsafeBytes { buf in
                var r = ByteReader(buf, file: file)
                while !r.isAtEnd {
                    let n = try r.readVInt(max: 255)
                    var fields: [StoredField: String] = [:]
                    for _ in 0..<n {
                        let num = try r.readU8()
                        let s = try r.readString()
                        if let f = StoredField(rawValue: num) { fields[f] = s }
                    }
                    guard doc < docCount else { throw NewsIndexError.corrupt(file, "more stored documents than the \(docCount) expected") }
                    try body(doc, fields)
                    doc += 1
                }
            } }
        }
        guard doc == docCount else { throw NewsIndexError.corrupt(file, "\(doc) stored documents where \(docCount) were expected") }
    }
}

extension StoredFieldsReader {
    /// One record as the validating pass decodes it: its stored id and whether it stores a date text.
    struct CheckedRecord {
        var id: UnsafeRawBufferPointer?
        var hasDateText: Bool
    }

    /// The validating pass over the records of one inflated chunk `buf`: every field number must
    /// be known and every value UTF-8. Calls `body` with each record's index in the chunk;
    /// `count` is the number of records decoded so far (the failing one's index when it throws
    /// ``Damage``, whose offset is in `buf`).
    static func validateRecords(_ buf: UnsafeRawBufferPointer, file: String, count k: inout Int,
                                _ body: (Int, CheckedRecord) -> Void) throws {
        var r = ByteReader(buf, file: file, from: 0, to: buf.count)
        while !r.isAtEnd {
            let fieldCount = try r.readVInt(max: 255, "the field count")
            var record = CheckedRecord(id: nil, hasDateText: false)
            for _ in 0..<fieldCount {
                let at = r.offset
                let number = try r.readU8()
                guard StoredField(rawValue: number) != nil else { throw r.damage("unknown stored field number \(number)", at: at) }
                let length = try r.readVInt(max: r.remaining, "a value's length")
                let value = try r.readBytes(length)
                guard UTF8Text.string(value) != nil else {
                    throw r.damage("a value of field \(number) is not valid UTF-8", at: at)
                }
                if number == StoredField.id.rawValue { record.id = value }
                if number == StoredField.date.rawValue { record.hasDateText = true }
            }
            body(k, record)
            k += 1
        }
    }
}
