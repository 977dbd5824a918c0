/// Read access to one segment: its files mapped into memory.
///
/// Opening reads what is constant in size, or small: each file's header and footer, the term
/// dictionary's block index, the stored fields' trailer and the deletions. The CRC-32 of the large
/// files (postings, positions, norms, stored fields, dates, term dictionary) is computed only when
/// `verify` asks for it, or by ``verifyChecksums()``; without it every decoder still checks its
/// bounds, so a damaged byte gives an error or a plausible value, never a crash.
final class SegmentReader {
    let name: String
    let id: UInt64
    let docCount: Int
    /// Documents not deleted.
    let liveCount: Int
    /// The segment's deletions, when it has any.
    let deletes: DeletesReader?
    /// The deleted documents as bits (bit d of word d/64), empty when none are deleted.
    let deletedWords: [UInt64]
    let entry: Manifest.Segment
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
    private let del: MappedFile?
    private let dictionary: TermDictionaryReader
    private let normOffsets: [IndexedField: (stats: FieldStats, normsOffset: Int)]
    private let storedFields: StoredFieldsReader
    private let dates: DatesFormat.Column
    /// The copy files (format ``FormatConstants/copiesVersion`` on; nil in older segments).
    private let copies: Copies?

    /// A segment's mapped copy files and where their tables are.
    struct Copies {
        let sig: MappedFile, grp: MappedFile
        let signatures: CopyFiles.SignatureTable
        let groupsOffset: Int

        /// Maps and opens the copy files of a segment whose files have format `version`; nil
        /// for an older segment, which has none.
        static func open(directory: String, entry: Manifest.Segment, version: UInt32?) throws -> Copies? {
            guard let version, version >= FormatConstants.copiesVersion else { return nil }
            let base = directory + "/" + entry.name + "."
            let sig = try MappedFile(path: base + FileType.signatures.fileExtension)
            let grp = try MappedFile(path: base + FileType.groups.fileExtension)
            let table = try CopyFiles.readSignatures(sig.bytes, file: sig.path, segmentID: entry.id, docCount: entry.docCount)
            let offset = try CopyFiles.readGroups(grp.bytes, file: grp.path, segmentID: entry.id, docCount: entry.docCount)
            return Copies(sig: sig, grp: grp, signatures: table, groupsOffset: offset)
        }
    }

    init(directory: String, entry: Manifest.Segment, docBase: Int, ordinal: Int = 0, verify: Bool) throws {
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
        copies = try Copies.open(directory: directory, entry: entry, version: FileEnvelope.version(of: tdi.bytes))
        if verify { try SegmentReader.verifyChecksums([tdi, docFile, posFile, nrm, fdt, dat] + (copies.map { [$0.sig, $0.grp] } ?? [])) }
        _ = try FileEnvelope.open(docFile.bytes, file: docFile.path, type: .postings, segmentID: id, verifyChecksum: false)
        _ = try FileEnvelope.open(posFile.bytes, file: posFile.path, type: .positions, segmentID: id, verifyChecksum: false)
        dictionary = try TermDictionaryReader(bytes: tdi.bytes, file: tdi.path, segmentID: id,
                                              docFileSize: docFile.bytes.count, posFileSize: posFile.bytes.count)
        normOffsets = try NormsFormat.read(nrm.bytes, file: nrm.path, segmentID: id, docCount: docCount)
        storedFields = try StoredFieldsReader(bytes: fdt.bytes, file: fdt.path, segmentID: id, docCount: docCount)
        dates = try DatesFormat.read(dat.bytes, file: dat.path, segmentID: id, docCount: docCount)
        self.entry = entry
        liveCount = entry.liveCount
        (del, deletes, deletedWords) = try SegmentReader.openDeletes(directory: directory, entry: entry)
    }

    /// The segment's deletions file mapped, read, and as bits; nothing when it has none.
    private static func openDeletes(directory: String, entry: Manifest.Segment) throws -> (MappedFile?, DeletesReader?, [UInt64]) {
        guard let name = entry.deletesFileName else { return (nil, nil, []) }
        let m = try MappedFile(path: directory + "/" + name)
        let d = try DeletesReader(bytes: m.bytes, file: m.path, segmentID: entry.id, docCount: entry.docCount, deletedCount: entry.deletedCount)
        return (m, d, d.words(docCount: entry.docCount))
    }

    /// The same segment in a later commit, at `docBase` and `ordinal` there: the files and what was
    /// decoded from them are shared with `old` (no new mappings, the same cache of inflated
    /// chunks); only the deletions are read again when the commit changed them.
    init(reusing old: SegmentReader, directory: String, entry: Manifest.Segment, docBase: Int, ordinal: Int) throws {
        precondition(old.id == entry.id && old.name == entry.name, "reusing another segment")
        self.ordinal = ordinal
        self.docBase = docBase
        name = entry.name
        id = entry.id
        docCount = entry.docCount
        (tdi, docFile, posFile, nrm, fdt, dat) = (old.tdi, old.docFile, old.posFile, old.nrm, old.fdt, old.dat)
        (dictionary, normOffsets, storedFields, dates, copies) = (old.dictionary, old.normOffsets, old.storedFields, old.dates, old.copies)
        self.entry = entry
        liveCount = entry.liveCount
        (del, deletes, deletedWords) = entry.deletesFileName == old.entry.deletesFileName
            ? (old.del, old.deletes, old.deletedWords) : try SegmentReader.openDeletes(directory: directory, entry: entry)
    }

    /// Whether this reader maps the same files as `other` (it was made by reusing it, or `other` by reusing it).
    func sharesFiles(with other: SegmentReader) -> Bool { tdi === other.tdi && fdt === other.fdt }

    /// Computes the CRC-32 of every file of the segment and compares it with the footer's: reads
    /// every byte. Merges call it on their sources; `newsindex check` and `--verify` go through it.
    ///
    /// - Throws: `NewsIndexError.Kind.corruptIndex` naming the first file that does not match.
    func verifyChecksums() throws {
        try SegmentReader.verifyChecksums([tdi, docFile, posFile, nrm, fdt, dat] + (copies.map { [$0.sig, $0.grp] } ?? []) + (del.map { [$0] } ?? []))
    }

    /// Checks each file's CRC-32 a few MiB at a time, giving back the pages read behind it, so
    /// that checking a large segment does not fill the memory.
    private static func verifyChecksums(_ files: [MappedFile]) throws {
        for f in files {
            try FileEnvelope.verifyChecksum(f.bytes, file: f.path) { f.release(below: $0) }
        }
    }

    /// Gives back the pages of the postings and positions before these offsets (a merge that
    /// has copied every term before them).
    func releasePostings(below docOffset: Int, _ posOffset: Int) {
        docFile.release(below: docOffset)
        posFile.release(below: posOffset)
    }

    /// Statistics of a field over the segment's live documents.
    func fieldStats(_ field: IndexedField) -> FieldStats {
        var s = normOffsets[field]?.stats ?? FieldStats(docCount: 0, sumTotalTermFreq: 0)
        if let d = deletes?.fields[Int(field.rawValue)] {
            s.docCount = max(0, s.docCount - d.docCount)
            s.sumTotalTermFreq = max(0, s.sumTotalTermFreq - d.sumTotalTermFreq)
        }
        return s
    }

    /// Whether local document `doc` is deleted.
    @inline(__always)
    func isDeleted(_ doc: Int32) -> Bool {
        !deletedWords.isEmpty && deletedWords[Int(doc) >> 6] & (1 << UInt64(doc & 63)) != 0
    }

    /// Live documents of the segment containing the term described by `info`.
    func liveDocFreq(_ field: IndexedField, _ term: String, _ info: TermInfo) throws -> Int {
        guard let deletes else { return info.docFreq }
        return max(0, info.docFreq - (try deletes.docFreq(SegmentReader.key(field, term))))
    }

    /// The dictionary key of `term` in `field`: the field's number, then the term's UTF-8 bytes.
    static func key(_ field: IndexedField, _ term: String) -> [UInt8] {
        var term = term
        return term.withUTF8 { bytes in
            [UInt8](unsafeUninitializedCapacity: bytes.count + 1) { out, count in
                out[0] = field.rawValue
                if let base = bytes.baseAddress { (out.baseAddress! + 1).update(from: base, count: bytes.count) }
                count = bytes.count + 1
            }
        }
    }

    func termInfo(_ field: IndexedField, _ term: String) throws -> TermInfo? {
        try dictionary.lookup(SegmentReader.key(field, term))
    }

    /// Calls `body` with each (key, info) of the term dictionary from `start` on, until it returns false.
    func scanTerms(from start: [UInt8], _ body: ([UInt8], TermInfo) throws -> Bool) throws {
        try dictionary.scan(from: start, body)
    }

    /// A postings cursor of each entity term of the segment, per term, in the title and in the
    /// body. Entity terms sort first in each text field: the marker byte 0x01 comes before any word.
    func entityCursors() throws -> [String: [PostingsCursor]] {
        var cursors: [String: [PostingsCursor]] = [:]
        for field in [IndexedField.title, .body] {
            let start: [UInt8] = [field.rawValue, 1]
            try scanTerms(from: start) { key, info in
                guard key.starts(with: start) else { return false }
                cursors[String(decoding: key.dropFirst(), as: UTF8.self), default: []].append(try postings(info))
                return true
            }
        }
        return cursors
    }

    /// The mapped postings (.doc) and positions (.pos) files, for a merge to copy from.
    var postingsFiles: (doc: MappedFile, pos: MappedFile) { (docFile, posFile) }

    /// Every term of the segment in key order, one at a time.
    func termWalk() -> TermDictionaryReader.Walk {
        TermDictionaryReader.Walk(dictionary)
    }

    /// Copies the stored records of the documents `deleted` does not name into `writer`.
    func copyStoredFields(into writer: inout StoredFieldsWriter, deleted: (Int) -> Bool) throws {
        try storedFields.copyLive(into: &writer, deleted: deleted) { fdt.release(below: $0) }
        fdt.release(below: fdt.bytes.count)
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

    /// The copy group of local document `doc`: documents of the index with the same value are
    /// copies of one story (see ``CopyGroups``). A document that is no one's copy has a group of its own.
    @inline(__always)
    package func groupID(_ doc: Int) -> UInt64 {
        guard let copies else { return CopyGroups.ownGroup(segment: id, doc: doc) }
        return UInt64(littleEndian: copies.grp.bytes.loadUnaligned(fromByteOffset: copies.groupsOffset + 8 * doc, as: UInt64.self))
    }

    /// The copy signature of local document `doc`; nil when it has none (a short body, or a
    /// segment of an older format).
    func signature(_ doc: Int) -> CopySignature? {
        guard let copies else { return nil }
        return copies.signatures.signature(doc, in: copies.sig.bytes)
    }

    /// Appends local document `doc`'s bin minimums to `minimums` and returns its shingle count;
    /// nil (appending nothing) when it has no signature.
    func appendMinimums(_ doc: Int, to minimums: inout [UInt32]) -> UInt32? {
        guard let copies else { return nil }
        return copies.signatures.append(doc, in: copies.sig.bytes, to: &minimums)
    }

    /// Appends local document `doc`'s signature record (or its lack) to `column`, as stored.
    func appendSignature(_ doc: Int, to column: inout CopyFiles.SignatureColumn) {
        guard let copies else { return column.appendNone() }
        column.append(doc, of: copies.signatures, in: copies.sig.bytes)
    }

    /// Whether the segment has copy files (it was written by format ``FormatConstants/copiesVersion`` or later).
    var hasCopies: Bool { copies != nil }

    /// Whether some document of the segment may have a date in `lower..<upper`. The column's
    /// header bounds its dates (from `Base` to `Base` + 2^`Width` − 2) at no cost; only when that
    /// bound meets the range are the dates read, once, for the exact first and last.
    func mayHaveDates(from lower: Int64, below upper: Int64) -> Bool {
        guard dates.width > 0, lower < upper else { return false }
        let span: Int64 = dates.width >= 63 ? .max : (1 << Int64(dates.width)) - 2
        let (top, overflow) = dates.base.addingReportingOverflow(span)
        guard dates.base < upper, overflow || top >= lower else { return false }
        guard let exact = exactDateRange else { return false }
        return exact.lowerBound < upper && exact.upperBound >= lower
    }

    /// The first and last date of the segment's documents (deleted ones too), nil when none has one.
    private var exactDateRange: ClosedRange<Int64>? {
        dateRange.withLock { range in
            if let range { return range }
            var lo = Int64.max, hi = Int64.min
            for d in 0..<docCount {
                guard let t = date(d) else { continue }
                lo = min(lo, t)
                hi = max(hi, t)
            }
            let found = lo <= hi ? lo...hi : nil
            range = .some(found)
            return found
        }
    }
    private let dateRange = Locked<ClosedRange<Int64>??>(nil)

    /// The article as it was given to the writer, rebuilt from the stored fields and the date
    /// column: indexing it again gives the same terms.
    func article(_ doc: Int, fields f: [StoredField: String]) -> Article {
        Article(id: f[.id] ?? "", title: f[.title] ?? "", body: f[.body] ?? "",
                date: date(doc).map { ArticleDate(secondsSinceEpoch: $0, text: f[.date] ?? "") },
                url: f[.url], byline: f[.byline], source: f[.source], setAside: f[.setAside])
    }

    /// The article of local document `doc`, as given to the writer.
    func article(_ doc: Int) throws -> Article {
        article(doc, fields: try storedDocument(doc))
    }

    /// The local number of the live document with this id, if any.
    /// What the documents `docs` (sorted, distinct) contribute to the segment's statistics, read
    /// from its postings, a term at a time: each term's number of them, and per field the number
    /// of them that have it and the sum of their lengths. A length is the sum of the frequencies
    /// of the field's terms but the entity terms of title and body (U+0001 first), which the
    /// builder adds beside the words without counting them (``SegmentBuilder/add(_:)``). With
    /// `terms` false, the terms are left out (the field statistics are all a merge needs).
    func statistics(of docs: [Int], terms wanted: Bool = true) throws -> DocumentStatistics {
        // Each document's slot among `docs`, -1 for the others.
        var slot = [Int32](repeating: -1, count: docCount)
        for (k, d) in docs.enumerated() { slot[d] = Int32(k) }
        let fieldCount = IndexedField.allCases.count
        var lengths = [UInt64](repeating: 0, count: docs.count * fieldCount)
        var terms: [(key: [UInt8], docFreq: Int)] = []
        let entityFields: Set<UInt8> = [IndexedField.title.rawValue, IndexedField.body.rawValue]
        try scanTerms(from: []) { key, info in
            guard let field = key.first, Int(field) < fieldCount else { return true }
            let counts = !(entityFields.contains(field) && key.count > 1 && key[1] == 0x01)
            let cursor = try postings(info)
            var n = 0
            var d = try cursor.advance()
            while d != PostingsCursor.noMoreDocs {
                let k = Int(slot[Int(d)])
                if k >= 0 {
                    n += 1
                    if counts { lengths[k * fieldCount + Int(field)] += UInt64(cursor.freq) }
                }
                d = try cursor.advance()
            }
            if n > 0 && wanted { terms.append((key, n)) }
            return true
        }
        var fields: [FieldStats] = []
        for f in 0..<fieldCount {
            var with = 0, sum = 0
            for k in 0..<docs.count where lengths[k * fieldCount + f] > 0 {
                with += 1
                sum += Int(lengths[k * fieldCount + f])
            }
            fields.append(FieldStats(docCount: with, sumTotalTermFreq: sum))
        }
        return DocumentStatistics(fields: fields, terms: terms)
    }

    func liveDocument(id: String) throws -> Int? {
        guard let info = try termInfo(.id, id) else { return nil }
        let cursor = try postings(info)
        var d = try cursor.advance()
        while d != PostingsCursor.noMoreDocs {
            if !isDeleted(d) { return Int(d) }
            d = try cursor.advance()
        }
        return nil
    }
}
