/// Read access to one segment: its files mapped into memory and validated on open.
final class SegmentReader {
    let name: String
    let id: UInt64
    let docCount: Int
    /// Global number of this segment's first document.
    let docBase: Int
    /// Position of this segment in its ``IndexReader``'s segments (for per-query lookup caches).
    let ordinal: Int

    private let tdi: MappedFile
    private let docFile: MappedFile
    private let posFile: MappedFile
    private let nrm: MappedFile
    private let fdt: MappedFile
    private let dat: MappedFile
    private let dictionary: TermDictionaryReader
    private let normOffsets: [IndexedField: (stats: FieldStats, normsOffset: Int)]
    private let storedFields: StoredFieldsReader
    private let dates: DatesFormat.Column

    init(directory: String, entry: Manifest.Segment, docBase: Int, ordinal: Int = 0) throws {
        self.ordinal = ordinal
        name = entry.name
        id = entry.id
        docCount = entry.docCount
        self.docBase = docBase
        func path(_ t: FileType) -> String { directory + "/" + entry.name + "." + t.fileExtension }
        tdi = try MappedFile(path: path(.termDictionary))
        docFile = try MappedFile(path: path(.postings))
        posFile = try MappedFile(path: path(.positions))
        nrm = try MappedFile(path: path(.norms))
        fdt = try MappedFile(path: path(.storedFields))
        dat = try MappedFile(path: path(.dates))
        _ = try FileEnvelope.open(docFile.bytes, file: docFile.path, type: .postings, segmentID: id)
        _ = try FileEnvelope.open(posFile.bytes, file: posFile.path, type: .positions, segmentID: id)
        dictionary = try TermDictionaryReader(bytes: tdi.bytes, file: tdi.path, segmentID: id,
                                              docFileSize: docFile.bytes.count, posFileSize: posFile.bytes.count)
        normOffsets = try NormsFormat.read(nrm.bytes, file: nrm.path, segmentID: id, docCount: docCount)
        storedFields = try StoredFieldsReader(bytes: fdt.bytes, file: fdt.path, segmentID: id, docCount: docCount)
        dates = try DatesFormat.read(dat.bytes, file: dat.path, segmentID: id, docCount: docCount)
    }

    func fieldStats(_ field: IndexedField) -> FieldStats {
        normOffsets[field]?.stats ?? FieldStats(docCount: 0, sumTotalTermFreq: 0)
    }

    static func key(_ field: IndexedField, _ term: String) -> [UInt8] {
        [field.rawValue] + Array(term.utf8)
    }

    func termInfo(_ field: IndexedField, _ term: String) throws -> TermInfo? {
        try dictionary.lookup(SegmentReader.key(field, term))
    }

    /// Calls `body` with each (key, info) of the term dictionary from `start` on, until it returns false.
    func scanTerms(from start: [UInt8], _ body: ([UInt8], TermInfo) throws -> Bool) throws {
        try dictionary.scan(from: start, body)
    }

    func postings(_ info: TermInfo) throws -> PostingsCursor {
        try PostingsCursor(info: info, doc: docFile.bytes, pos: posFile.bytes, fileName: docFile.path, maxDoc: docCount)
    }

    /// The norm bytes of a field (one per document), or nil when the field has none.
    func norms(_ field: IndexedField) -> UnsafeRawBufferPointer? {
        guard let o = normOffsets[field]?.normsOffset else { return nil }
        return UnsafeRawBufferPointer(rebasing: nrm.bytes[o..<(o + docCount)])
    }

    func storedDocument(_ doc: Int) throws -> [StoredField: String] {
        try storedFields.document(doc)
    }

    func date(_ doc: Int) -> Int64? {
        dates.date(doc, in: dat.bytes)
    }
}
