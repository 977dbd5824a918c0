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
/// at most 32 KiB more than the document itself. A merge copies its sources' chunks as they are
/// (``appendChunk(compressed:documents:uncompressed:)``) when none of their documents is deleted.
///
/// With a sink, chunks go to disk once a few MiB have gathered; memory holds the chunk index.
struct StoredFieldsWriter {
    private var out = ByteWriter()
    private var chunk = ByteWriter()
    private var chunkFirstDoc = 0
    private var docsInChunk = 0
    private var docCount = 0
    private var index: [(UInt32, UInt64, UInt32, UInt32)] = []
    private let sink: FileSink?
    /// Bytes already drained to the sink.
    private var outBase = 0

    init(segmentID: UInt64, sink: FileSink? = nil) {
        self.sink = sink
        FileEnvelope.writeHeader(&out, type: .storedFields, segmentID: segmentID)
    }

    /// The memory of the compressed chunks not yet drained, the open chunk and the chunk index.
    var memoryBytes: Int { out.bytes.capacity + chunk.bytes.capacity + index.capacity * 24 }

    /// Adds one document's fields; with a sink, may write what has gathered (and throw its error).
    mutating func add(_ fields: [(StoredField, String)]) throws {
        chunk.writeVInt(fields.count)
        for (f, v) in fields {
            chunk.write(f.rawValue)
            chunk.writeString(v)
        }
        try addedRecord()
    }

    /// Adds one document's record as stored (`FieldCount`, then the fields), copied from a source.
    mutating func add(record: UnsafeRawBufferPointer) throws {
        chunk.write(bytes: record)
        try addedRecord()
    }

    private mutating func addedRecord() throws {
        docsInChunk += 1
        docCount += 1
        if chunk.count >= FormatConstants.storedChunkBytes || docsInChunk >= FormatConstants.storedChunkMaxDocs {
            flushChunk()
            try spill()
        }
    }

    /// Appends a whole chunk compressed before (by a source segment's writer) that holds
    /// `documents` records, `uncompressed` bytes of them once inflated.
    mutating func appendChunk(compressed: UnsafeRawBufferPointer, documents: Int, uncompressed: Int) throws {
        flushChunk()
        index.append((UInt32(docCount), UInt64(outBase + out.count), UInt32(compressed.count), UInt32(uncompressed)))
        out.write(bytes: compressed)
        docCount += documents
        chunkFirstDoc = docCount
        try spill()
    }

    private mutating func flushChunk() {
        guard docsInChunk > 0 else { return }
        let compressed = chunk.bytes.withUnsafeBytes { Zlib.compress($0, level: FormatConstants.storedCompressionLevel) }
        index.append((UInt32(chunkFirstDoc), UInt64(outBase + out.count), UInt32(compressed.count), UInt32(chunk.count)))
        out.write(bytes: compressed)
        chunk = ByteWriter()
        chunkFirstDoc = docCount
        docsInChunk = 0
    }

    /// Drains to the sink, when there is one and enough bytes have gathered.
    private mutating func spill() throws {
        guard let sink, out.count >= FileSinkLimits.spillBytes else { return }
        outBase += out.count
        try sink.drain(&out)
    }

    private mutating func writeTrailer() {
        flushChunk()
        let indexOffset = outBase + out.count
        for (d, o, c, u) in index {
            out.write(d); out.write(o); out.write(c); out.write(u)
        }
        out.write(UInt32(docCount))
        out.write(UInt32(index.count))
        out.write(UInt64(indexOffset))
    }

    mutating func finish() -> [UInt8] {
        precondition(sink == nil, "a stored-fields writer with a sink ends with finish(toSink:)")
        writeTrailer()
        FileEnvelope.writeFooter(&out)
        return out.bytes
    }

    /// Writes what is left, the chunk index and the footer to the sink.
    mutating func finish(toSink: Void) throws {
        guard let sink else { preconditionFailure("a stored-fields writer without a sink") }
        writeTrailer()
        try sink.drain(&out)
        try sink.finish()
    }
}

/// Where the parts of a stored-fields file lie, as its trailer says: decoded by ``decode(_:docCount:segment:)``
/// for both ``StoredFieldsReader`` and `newsindex check`.
struct StoredFieldsLayout {
    /// The documents the trailer says the chunks hold.
    let docCount: Int
    /// The number of chunks (and of chunk index entries).
    let chunkCount: Int
    /// The offset of the chunk index (where the chunks end).
    let indexAt: Int
    /// The offset of the trailer (where the chunk index ends).
    let trailerAt: Int

    /// The size of one chunk index entry.
    static let entrySize = 20
    /// The size of the trailer.
    static let trailerSize = 16

    /// Decodes the trailer that ends `body` (a reader over the file's body, between header and
    /// footer): it must hold `expected` documents and end a chunk index of `ChunkCount` entries.
    /// Throws ``Damage`` worded for the check (`segment` names the segment; nil when a search
    /// decodes), with the search's own wording as its `searchDetail`.
    static func decode(_ body: ByteReader, docCount expected: Int, segment: String?) throws -> StoredFieldsLayout {
        guard body.remaining >= trailerSize else {
            throw Damage(file: body.file, offset: body.offset, message: "the trailer (\(trailerSize) bytes) is missing",
                         searchDetail: "the trailer is missing at offset \(body.offset)")
        }
        let trailerAt = body.end - trailerSize
        var t = body
        t.offset = trailerAt
        let n = Int(try t.readU32())
        let chunks = Int(try t.readU32())
        let io = try t.readU64()
        // A search words every inconsistency of the trailer alike.
        func search() -> String { "the stored-fields trailer is inconsistent (\(n) documents, \(chunks) chunks)" }
        guard n == expected else {
            let manifest = segment.map { "the manifest says segment \($0) has" } ?? "the segment has"
            throw Damage(file: body.file, offset: trailerAt, message: "the stored fields hold \(n) documents, but \(manifest) \(expected)",
                         searchDetail: search())
        }
        guard io >= UInt64(FormatConstants.headerSize), io <= UInt64(trailerAt),
              UInt64(trailerAt) - io == UInt64(chunks * entrySize) else {
            throw Damage(file: body.file, offset: trailerAt, message: "the trailer is inconsistent: a chunk index at offset \(io) with \(chunks) chunks does not end where the trailer begins (\(trailerAt))",
                         searchDetail: search())
        }
        return StoredFieldsLayout(docCount: n, chunkCount: chunks, indexAt: Int(io), trailerAt: trailerAt)
    }

    /// Chunk `c`'s index entry in `bytes` (the whole file), for `c` in `0..<chunkCount`.
    @inline(__always)
    func entry(_ c: Int, in bytes: UnsafeRawBufferPointer) -> ChunkEntry {
        let at = indexAt + c * StoredFieldsLayout.entrySize
        func u32(_ k: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + k, as: UInt32.self))) }
        return ChunkEntry(firstDoc: u32(0),
                          offset: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 4, as: UInt64.self)),
                          compressed: u32(12), uncompressed: u32(16), at: at)
    }
}

/// One entry of the chunk index as stored, decoded by ``StoredFieldsLayout/entry(_:in:)``; each
/// caller judges it by its own rules.
struct ChunkEntry {
    /// The number of the chunk's first document.
    let firstDoc: Int
    /// Where the compressed chunk starts, as stored (a damaged one may be past `Int.max`).
    let offset: UInt64
    /// The chunk's compressed length.
    let compressed: Int
    /// The length of the chunk's records once inflated.
    let uncompressed: Int
    /// The offset of the entry itself.
    let at: Int

    /// Whether the compressed chunk lies between the header and `end` (the chunk index).
    @inline(__always)
    func lies(before end: Int) -> Bool {
        offset >= UInt64(FormatConstants.headerSize) && offset <= UInt64(end) && UInt64(compressed) <= UInt64(end) - offset
    }

    /// The compressed chunk in `bytes`, once ``lies(before:)`` holds.
    func data(in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[Int(offset)..<(Int(offset) + compressed)])
    }
}

/// One field of a stored record as decoded by ``StoredRecord/read(_:strict:_:)``.
struct StoredValue {
    /// The stored field number (not always a known ``StoredField``).
    let number: UInt8
    /// The value's bytes (UTF-8 unless damaged).
    let bytes: UnsafeRawBufferPointer
    /// The offset of its FieldNumber in the inflated chunk.
    let at: Int
    /// The offset just past its bytes.
    let end: Int

    /// The value as text; throws ``Damage`` when it is not UTF-8.
    @inline(__always)
    func text(file: String) throws -> String {
        guard let s = UTF8Text.string(bytes) else { throw notUTF8(file) }
        return s
    }

    /// Throws ``Damage`` when the value is not UTF-8, without making a string.
    func validate(file: String) throws {
        if UTF8Text.firstInvalid(bytes.bindMemory(to: UInt8.self)) != nil { throw notUTF8(file) }
    }

    /// The damage of a value that is not UTF-8, in the check's words and in a search's.
    private func notUTF8(_ file: String) -> Damage {
        Damage(file: file, offset: at, message: "a value of field \(number) is not valid UTF-8",
               searchDetail: "invalid UTF-8 in a stored string at offset \(end)")
    }
}

/// The decoder of one stored record, for showing a document, merging and `newsindex check`.
enum StoredRecord {
    /// Decodes the record at `r` (`FieldCount`, then each field's number, length and bytes),
    /// calling `body` with each field in order. With `strict` (the check) an unknown field number
    /// is ``Damage``; otherwise it is handed to `body` like the others. Throws ``Damage`` naming the
    /// item that does not decode.
    @inline(__always)
    static func read(_ r: inout ByteReader, strict: Bool, _ body: (StoredValue) throws -> Void) throws {
        let fieldCount = try r.readVInt(max: 255, "the field count")
        for _ in 0..<fieldCount {
            let at = r.offset
            let number = try r.readU8()
            if strict, StoredField(rawValue: number) == nil { throw r.damage("unknown stored field number \(number)", at: at) }
            let length = try r.readVInt(max: r.remaining, "a value's length")
            let bytes = try r.readBytes(length)
            try body(StoredValue(number: number, bytes: bytes, at: at, end: r.offset))
        }
    }
}

/// The search-time reader of a stored-fields file: one document for showing, the live ones copied for merging.
struct StoredFieldsReader {
    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private let layout: StoredFieldsLayout
    /// The chunks inflated last: a page of hits, and the next searches of a server, often read
    /// the same chunks again (tantivy's doc store keeps such a cache too).
    private let recent = InflatedChunks(capacity: FormatConstants.storedChunkCache)
    /// The documents in the file.
    var docCount: Int { layout.docCount }

    /// Opens the file (envelope and trailer) of a segment that has `expected` documents.
    init(bytes: UnsafeRawBufferPointer, file: String, segmentID: UInt64, docCount expected: Int) throws {
        let body = try FileEnvelope.open(bytes, file: file, type: .storedFields, segmentID: segmentID, verifyChecksum: false)
        layout = try Damage.surfacing { try StoredFieldsLayout.decode(body, docCount: expected, segment: nil) }
        self.bytes = bytes
        self.file = file
    }

    /// The chunk of entry `e` inflated. It must be in place (`inPlace`: its first document fits
    /// the caller's walk) and lie in the chunk data, else the caller's `misplaced` error; it must
    /// not claim more than `limit` inflated bytes, else `oversized`.
    private func inflate(_ e: ChunkEntry, inPlace: Bool, misplaced: @autoclosure () -> String,
                         limit: Int, oversized: @autoclosure () -> String) throws -> [UInt8] {
        guard inPlace, e.lies(before: layout.indexAt) else { throw NewsIndexError.corrupt(file, misplaced()) }
        guard e.uncompressed <= limit else { throw NewsIndexError.corrupt(file, oversized()) }
        return try Zlib.uncompress(e.data(in: bytes), expectedCount: e.uncompressed, file: file)
    }

    /// The stored fields of document `doc` (segment-local number).
    func document(_ doc: Int) throws -> [StoredField: String] {
        guard doc >= 0 && doc < docCount, layout.chunkCount > 0 else {
            throw NewsIndexError.corrupt(file, "document \(doc) is not in the stored fields")
        }
        // Last chunk whose first doc is <= doc.
        var lo = 0, hi = layout.chunkCount - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if layout.entry(mid, in: bytes).firstDoc <= doc { lo = mid } else { hi = mid - 1 }
        }
        let e = layout.entry(lo, in: bytes)
        let raw: [UInt8]
        if let cached = recent.chunk(lo) {
            raw = cached
        } else {
            // zlib expands at most about 1,032 to 1: a larger claim is damage, not a reason to allocate.
            raw = try inflate(e, inPlace: e.firstDoc <= doc, misplaced: "chunk \(lo) of the stored fields points outside the file",
                              limit: min(1 << 31, 1_100 * e.compressed + 64), oversized: "chunk \(lo) of the stored fields claims \(e.uncompressed) bytes from \(e.compressed) compressed")
            recent.add(lo, raw)
        }
        return try Damage.surfacing { try raw.withUnsafeBytes { buf in
            var r = ByteReader(buf, file: file)
            var current = e.firstDoc
            var fields: [StoredField: String] = [:]
            while true {
                try StoredRecord.read(&r, strict: false) { v in
                    guard current == doc else { return }
                    let s = try v.text(file: file)
                    if let f = StoredField(rawValue: v.number) { fields[f] = s }
                }
                if current == doc { return fields }
                current += 1
                if r.isAtEnd { throw NewsIndexError.corrupt(file, "document \(doc) is missing from its chunk") }
            }
        } }
    }
}

extension StoredFieldsReader {
    /// Copies the records of the documents `deleted` does not name into `writer`, in order: a
    /// chunk without deleted documents as it is compressed, the others record by record.
    /// `done(offset)` is told now and then that the chunks before `offset` are copied.
    func copyLive(into writer: inout StoredFieldsWriter, deleted: (Int) -> Bool, done: (Int) -> Void = { _ in }) throws {
        var doc = 0
        var told = 0
        for c in 0..<layout.chunkCount {
            let e = layout.entry(c, in: bytes)
            if Int(e.offset) - told >= 8 << 20 {
                done(Int(e.offset))
                told = Int(e.offset)
            }
            let next = c + 1 < layout.chunkCount ? layout.entry(c + 1, in: bytes).firstDoc : docCount
            guard e.firstDoc == doc, next > doc, next <= docCount, e.lies(before: layout.indexAt) else {
                throw NewsIndexError.corrupt(file, "chunk \(c) of the stored fields is out of place")
            }
            if !(doc..<next).contains(where: deleted) {
                try writer.appendChunk(compressed: e.data(in: bytes), documents: next - doc, uncompressed: e.uncompressed)
                doc = next
                continue
            }
            let raw = try inflate(e, inPlace: true, misplaced: "chunk \(c) of the stored fields is out of place",
                                  limit: 1 << 31, oversized: "chunk \(c) of the stored fields is out of place")
            try Damage.surfacing { try raw.withUnsafeBytes { buf in
                var r = ByteReader(buf, file: file)
                while !r.isAtEnd {
                    let start = r.offset
                    try StoredRecord.read(&r, strict: false) { _ in }
                    guard doc < next else { throw NewsIndexError.corrupt(file, "chunk \(c) of the stored fields holds more documents than its place") }
                    if !deleted(doc) { try writer.add(record: UnsafeRawBufferPointer(rebasing: buf[start..<r.offset])) }
                    doc += 1
                }
            } }
            guard doc == next else { throw NewsIndexError.corrupt(file, "chunk \(c) of the stored fields holds fewer documents than its place") }
        }
        guard doc == docCount else { throw NewsIndexError.corrupt(file, "\(doc) stored documents where \(docCount) were expected") }
    }

    /// One record as the validating pass decodes it: its stored id and whether it stores a date text.
    struct CheckedRecord {
        /// The bytes of its (last) id value, nil when it has none.
        var id: UnsafeRawBufferPointer?
        /// Whether it has a date value.
        var hasDateText: Bool
    }

    /// The validating pass over the records of one inflated chunk `buf`: every field number must
    /// be known and every value UTF-8. Calls `body` with each record's index in the chunk;
    /// `count` is the number of records decoded so far (the failing one's index when it throws
    /// ``Damage``, whose offset is in `buf`).
    static func validateRecords(_ buf: UnsafeRawBufferPointer, file: String, count k: inout Int,
                                _ body: (Int, CheckedRecord) -> Void) throws {
        var r = ByteReader(buf, file: file)
        while !r.isAtEnd {
            var record = CheckedRecord(id: nil, hasDateText: false)
            try StoredRecord.read(&r, strict: true) { v in
                try v.validate(file: file)
                if v.number == StoredField.id.rawValue { record.id = v.bytes }
                if v.number == StoredField.date.rawValue { record.hasDateText = true }
            }
            body(k, record)
            k += 1
        }
    }
}

/// The last few inflated chunks of one stored-fields file, shared by the threads that read it;
/// the least recently used goes first.
final class InflatedChunks: Sendable {
    private struct State {
        var chunks: [Int: (bytes: [UInt8], used: UInt64)] = [:]
        var clock: UInt64 = 0
    }
    private let capacity: Int
    private let state = Locked(State())

    init(capacity: Int) { self.capacity = capacity }

    func chunk(_ number: Int) -> [UInt8]? {
        state.withLock { s in
            guard let c = s.chunks[number] else { return nil }
            s.clock += 1
            s.chunks[number] = (c.bytes, s.clock)
            return c.bytes
        }
    }

    func add(_ number: Int, _ bytes: [UInt8]) {
        guard capacity > 0 else { return }
        state.withLock { s in
            if s.chunks.count >= capacity, let oldest = s.chunks.min(by: { $0.value.used < $1.value.used })?.key {
                s.chunks[oldest] = nil
            }
            s.clock += 1
            s.chunks[number] = (bytes, s.clock)
        }
    }
}
