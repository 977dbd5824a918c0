import NewsIndexCore
import NewsIndexAnalysis
/// The checks of one segment for ``IndexCheck``.
///
/// ``run(_:)`` maps the segment's files, checks each one's header, footer and CRC-32, then runs
/// the structural check of every file that passed: one method per file type, listed in
/// ``structuralChecks`` (a new file type adds its method there). The postings walk fills
/// per-document tallies that the later checks compare with the norms and the stored fields.
final class SegmentCheck {
    let directory: String
    let entry: Manifest.Segment
    let analyzer: Analyzer?
    let problems: ProblemList
    let docCount: Int
    /// Bytes of the segment's files that could be mapped.
    var mappedBytes = 0
    /// Term dictionary entries read.
    var termCount = 0

    var files: [FileType: MappedFile] = [:]
    /// Files whose header, footer and checksum are sound.
    var sound: Set<FileType> = []

    var fieldNorms: [NormsFormat.FieldNorms?] = Array(repeating: nil, count: IndexedField.allCases.count)

    /// Whether each document has a date in the .dat column (nil until it was read).
    var hasDate: [Bool]?

    // Tallies of the postings walk. `lengths[field * docCount + doc]` counts the word tokens
    // (entity terms excluded) of a document's field; a field's tallies are trusted only while
    // every term of it decoded cleanly (`complete`).
    var lengths: [Int] = []
    /// With the news and english analyzers every token is a word term at its own position, so a
    /// document's word positions in the title (and in the body) are exactly 0..<length: their sum
    /// (`positionSums[field * docCount + doc]`, title and body only) must be length·(length−1)/2.
    var positionSums: [Int] = []
    var termFreqSums = [Int](repeating: 0, count: IndexedField.allCases.count)
    var complete = [Bool](repeating: false, count: IndexedField.allCases.count)
    /// Each document's id term: where its bytes start in `idBytes` (-1: none seen) and how many.
    var idStart: [Int] = []
    var idLength: [Int] = []
    var idBytes: [UInt8] = []

    /// One term's decoded documents and frequencies (reused from term to term).
    var termDocs: [Int] = []
    var termFreqs: [Int] = []
    var termPositionSums: [Int] = []
    let deltaBuffer = UnsafeMutablePointer<UInt32>.allocate(capacity: FormatConstants.blockSize)
    let freqBuffer = UnsafeMutablePointer<UInt32>.allocate(capacity: FormatConstants.blockSize)
    /// Where the postings walk decodes a document's positions.
    let positionScratch = PositionScratch()

    /// For a norm byte b, one more than the largest position a word of that field can have:
    /// the true length L satisfies decode(b) ≤ L < decode(b + 1), and positions are < L.
    static let positionLimit: [Int] = (0..<256).map { b in
        b == 255 ? Int.max : SmallFloat.byte4ToInt(UInt8(b + 1)) - 1
    }

    /// The manifest's entity list, to analyze deleted documents again.
    let entities: String

    init(directory: String, entry: Manifest.Segment, analyzer: Analyzer?, entities: String = "", problems: ProblemList) {
        self.entities = entities
        self.directory = directory
        self.entry = entry
        self.analyzer = analyzer
        self.problems = problems
        self.docCount = entry.docCount
        for type in FileType.segmentFiles {
            let p = path(type)
            do {
                let f = try MappedFile(path: p)
                files[type] = f
                mappedBytes += f.bytes.count
            } catch let e as NewsIndexError where e.kind == .corruptIndex {
                problems.add(p, nil, "the file is missing, but the manifest lists segment \(entry.name), which needs it")
            } catch {
                problems.add(p, nil, "the file cannot be read: \(ProblemList.message(of: error))")
            }
        }
    }

    deinit {
        deltaBuffer.deallocate()
        freqBuffer.deallocate()
    }

    func path(_ type: FileType) -> String { directory + "/" + entry.name + "." + type.fileExtension }

    /// The structural check of each segment file type, in the order they run: the norms and
    /// dates first (the postings walk compares with them), the stored fields after the postings
    /// (they are compared with the id terms).
    var structuralChecks: [(FileType, (MappedFile, Meter) throws -> Void)] {
        [(.norms, checkNorms), (.dates, checkDates), (.termDictionary, checkTerms), (.storedFields, checkStoredFields)]
    }

    func run(_ meter: Meter) {
        for type in FileType.segmentFiles {
            guard let f = files[type] else { continue }
            if FileEnvelope.validate(f.bytes, file: f.path, type: type, segmentID: entry.id, problems) {
                sound.insert(type)
            }
            meter.add(f.bytes.count)
        }
        // Every document has a norm byte for each field (4 in format version 5) in .nrm and an id posting of at
        // least a byte in .doc, so a document count those files cannot hold is a damaged manifest
        // (and must not size the tallies).
        var plausible = files.values.map(\.bytes.count).max() ?? 0
        for (type, bytesPerDoc) in [(FileType.norms, IndexedField.fields(inVersion: FormatConstants.oldestReadableVersion).count), (.postings, 1)] where sound.contains(type) {
            plausible = min(plausible, files[type]!.bytes.count / bytesPerDoc)
        }
        guard docCount <= plausible else {
            problems.add(directory + "/" + FormatConstants.manifestName, nil,
                         "segment \(entry.name) is said to hold \(docCount) documents, more than its files can describe")
            return
        }
        for (type, check) in structuralChecks {
            guard sound.contains(type), let f = files[type] else { continue }
            do { try check(f, meter) } catch let d as Damage { problems.add(d) } catch {
                problems.add(f.path, nil, ProblemList.message(of: error))
            }
        }
        compareNormsWithPostings()
        checkDeletions(meter)
        checkCopies(meter)
    }

    // MARK: .sig, .grp

    /// The copy files of a segment of format ``FormatConstants/copiesVersion`` or later: present,
    /// their envelopes, their sizes against the document count, the signatures' slots in order.
    func checkCopies(_ meter: Meter) {
        guard let tdi = files[.termDictionary], let version = FileEnvelope.version(of: tdi.bytes),
              version >= FormatConstants.copiesVersion else { return }
        for type in FileType.copyFiles {
            let p = path(type)
            let f: MappedFile
            do { f = try MappedFile(path: p) } catch {
                problems.add(p, nil, "the file is missing, but segment \(entry.name) has format version \(version), which needs it")
                continue
            }
            meter.add(f.bytes.count)
            guard FileEnvelope.validate(f.bytes, file: p, type: type, segmentID: entry.id, problems) else { continue }
            var r = ByteReader(f.bytes, file: p, from: FormatConstants.headerSize, to: f.bytes.count - FormatConstants.footerSize)
            do {
                if type == .signatures {
                    _ = try CopyFiles.readSignatureTable(&r, docCount: docCount)
                } else {
                    _ = try CopyFiles.readGroupsHeader(&r, docCount: docCount)
                }
            } catch let d as Damage { problems.add(d) } catch {
                problems.add(p, nil, ProblemList.message(of: error))
            }
        }
    }

    // MARK: .del

    /// The deletions file: its envelope, its bits against the manifest's count, and the deleted
    /// documents' statistics against what indexing those documents again gives.
    func checkDeletions(_ meter: Meter) {
        guard let name = entry.deletesFileName else { return }
        let p = directory + "/" + name
        let f: MappedFile
        do { f = try MappedFile(path: p) } catch {
            problems.add(p, nil, "the file is missing, but the manifest lists it for segment \(entry.name)")
            return
        }
        meter.add(f.bytes.count)
        guard FileEnvelope.validate(f.bytes, file: p, type: .deletes, segmentID: entry.id, problems) else { return }
        // The statistics can be compared only when the rest of the segment is sound.
        guard sound.count == FileType.segmentFiles.count, problems.count(p) == 0 else { return }
        do {
            let reader = try SegmentReader(directory: directory, entry: entry, docBase: 0, verify: false)
            guard let del = reader.deletes, let analyzer else { return }
            let recorded = try del.load(docCount: docCount)
            let recognizer = Recognizer(gazetteer: try Gazetteer.parse(entities, source: directory + "/" + FormatConstants.manifestName), analyzer: analyzer)
            let builder = SegmentBuilder(segmentID: 0, analyzer: analyzer, recognizer: recognizer)
            var docs: [Int] = []
            for d in 0..<docCount where recorded.contains(d) {
                builder.add(try reader.article(d))
                docs.append(d)
            }
            var expected = DeletedDocs(docCount: docCount)
            expected.add(docs, stats: builder.statistics())
            if expected.fields != recorded.fields {
                problems.add(p, nil, "the deleted documents' field statistics are \(recorded.fields.map { "\($0.docCount)/\($0.sumTotalTermFreq)" }), but indexing them again gives \(expected.fields.map { "\($0.docCount)/\($0.sumTotalTermFreq)" })")
            }
            if expected != recorded {
                let wrong = zip(expected.terms, recorded.terms).first { $0.key != $1.key || $0.docFreq != $1.docFreq }
                let what = wrong.map { "first difference at term \(String(decoding: $0.0.key.dropFirst(), as: UTF8.self).debugDescription) of field \($0.0.key[0])" }
                    ?? "\(recorded.terms.count) terms where indexing them again gives \(expected.terms.count)"
                problems.add(p, nil, "the deleted documents' term statistics disagree with indexing them again: \(what)")
            }
        } catch {
            problems.add(p, nil, ProblemList.message(of: error))
        }
    }

    // MARK: .nrm

    func checkNorms(_ f: MappedFile, _ meter: Meter) throws {
        try NormsFormat.validate(f.bytes, file: f.path, docCount: docCount, segment: entry.name, problems, into: &fieldNorms)
        meter.add(f.bytes.count)
    }

    /// The norm bytes of `field`, when the .nrm file was sound.
    func norms(_ field: Int) -> UnsafeRawBufferPointer? {
        guard let fn = fieldNorms[field], let f = files[.norms] else { return nil }
        return UnsafeRawBufferPointer(rebasing: f.bytes[fn.offset..<(fn.offset + docCount)])
    }

    // MARK: .dat

    func checkDates(_ f: MappedFile, _ meter: Meter) throws {
        hasDate = try DatesFormat.validate(f.bytes, file: f.path, docCount: docCount, segment: entry.name, problems)
        meter.add(f.bytes.count)
    }

    /// A cursor over the fixed-size trailer that ends the body of `f` (before the footer), and
    /// the trailer's offset; a file too short to hold one is damaged.
    func trailer(of f: MappedFile, size: Int) throws -> (ByteReader, at: Int) {
        let bodyEnd = f.bytes.count - FormatConstants.footerSize
        let at = bodyEnd - size
        guard at >= FormatConstants.headerSize else {
            throw Damage(file: f.path, offset: FormatConstants.headerSize, message: "the trailer (\(size) bytes) is missing")
        }
        return (ByteReader(f.bytes, file: f.path, from: at, to: bodyEnd), at)
    }
}
