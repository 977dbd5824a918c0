/// The manifest: which segments make up the index at one commit.
///
/// ```
/// Manifest     --> Header, Generation:u64, Analyzer:String, CreatedBy:String, Entities:String, SegmentCount:u32, SegmentEntry^SegmentCount, Footer
/// SegmentEntry --> Name:String, SegmentID:u64, DocCount:u32, DeletedCount:u32, DeletesGeneration:u64
/// ```
/// The header's segment id field holds the generation. A commit writes `manifest.tmp`, fsyncs it,
/// renames it over `manifest` and fsyncs the directory, so readers see the old or the new commit, never a mix.
struct Manifest: Equatable {
    struct Segment: Equatable {
        var name: String
        var id: UInt64
        var docCount: Int
        /// Documents of the segment that are deleted (0 ..< docCount).
        var deletedCount: Int = 0
        /// The generation of the commit that wrote the segment's current deletions file; 0 while
        /// the segment has no deletions.
        var deletesGeneration: UInt64 = 0

        /// Documents not deleted.
        var liveCount: Int { docCount - deletedCount }

        /// The name of the segment's deletions file, when it has one.
        var deletesFileName: String? {
            deletesGeneration == 0 ? nil : "\(name)_\(String(deletesGeneration, radix: 36)).\(FileType.deletes.fileExtension)"
        }

        /// Every file of the segment (a segment of an older format has no copy files).
        var fileNames: [String] {
            (FileType.segmentFiles + FileType.copyFiles).map { name + "." + $0.fileExtension } + (deletesFileName.map { [$0] } ?? [])
        }
    }

    var generation: UInt64
    var analyzer: String
    var createdBy: String
    /// The entity list the index was built with, in the entities-file text format.
    var entities: String
    var segments: [Segment]

    func encode() -> [UInt8] {
        var w = ByteWriter()
        FileEnvelope.writeHeader(&w, type: .manifest, segmentID: generation)
        w.write(generation)
        w.writeString(analyzer)
        w.writeString(createdBy)
        w.writeString(entities)
        w.write(UInt32(segments.count))
        for s in segments {
            w.writeString(s.name)
            w.write(s.id)
            w.write(UInt32(s.docCount))
            w.write(UInt32(s.deletedCount))
            w.write(s.deletesGeneration)
        }
        FileEnvelope.writeFooter(&w)
        return w.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws -> Manifest {
        try Damage.surfacing { try decodeBody(bytes, file: file) }
    }

    private static func decodeBody(_ bytes: UnsafeRawBufferPointer, file: String) throws -> Manifest {
        var r = try FileEnvelope.open(bytes, file: file, type: .manifest, segmentID: nil)
        let generation = try r.readU64()
        let analyzer = try r.readString()
        let createdBy = try r.readString()
        let entities = try r.readString()
        let n = Int(try r.readU32())
        guard n <= r.remaining else { throw r.corrupt("impossible segment count \(n)") }
        var segments: [Segment] = []
        for _ in 0..<n {
            let name = try r.readString()
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw r.corrupt("invalid segment name \"\(name)\"")
            }
            let e = try readSegment(&r, named: name)
            let docs = e.docCount, deleted = e.deletedCount, del = e.deletesGeneration
            guard deleted <= docs, (deleted == 0) == (del == 0) else {
                throw r.corrupt("segment \(name) has \(deleted) of \(docs) documents deleted with deletions generation \(del)")
            }
            segments.append(e)
        }
        guard r.isAtEnd else { throw r.corrupt("\(r.remaining) unexpected bytes at the end of the manifest") }
        return Manifest(generation: generation, analyzer: analyzer, createdBy: createdBy, entities: entities, segments: segments)
    }

    /// One segment entry as stored, not yet judged (after its name, when `name` is given).
    private static func readSegment(_ r: inout ByteReader, named name: String? = nil) throws -> Segment {
        let name = try name ?? r.readString()
        let id = try r.readU64()
        let docs = Int(try r.readU32())
        let deleted = Int(try r.readU32())
        let deletes = try r.readU64()
        return Segment(name: name, id: id, docCount: docs, deletedCount: deleted, deletesGeneration: deletes)
    }

    /// The validating pass of ``decode(_:file:)``: checks the envelope and every field, reports
    /// each problem to `problems`, and returns the manifest when it decodes. The analyzer's name
    /// and the entity list are judged by the caller's closures (Format knows no analyzers), which
    /// return a problem or nil.
    static func validate(_ bytes: UnsafeRawBufferPointer, file: String, _ problems: ProblemList,
                         analyzerProblem: (String) -> String?, entitiesProblem: (String) -> String?) -> Manifest? {
        guard FileEnvelope.validate(bytes, file: file, type: .manifest, segmentID: nil, problems) else { return nil }
        var c = ByteReader(bytes, file: file, from: FormatConstants.headerSize, to: bytes.count - FormatConstants.footerSize)
        do {
            let generation = try c.readU64()
            let headerGeneration = FileEnvelope.segmentID(of: bytes) ?? 0
            if generation != headerGeneration {
                problems.add(file, FormatConstants.headerSize, "the generation \(generation) differs from the header's \(headerGeneration)")
            }
            let analyzerAt = c.offset
            let analyzer = try c.readString()
            if let p = analyzerProblem(analyzer) { problems.add(file, analyzerAt, p) }
            let createdBy = try c.readString()
            let entitiesAt = c.offset
            let entities = try c.readString()
            if let p = entitiesProblem(entities) { problems.add(file, entitiesAt, p) }
            let segments = try validateSegments(&c, problems)
            if !c.isAtEnd { problems.add(file, c.offset, "\(c.remaining) unexpected bytes after the last segment entry") }
            return Manifest(generation: generation, analyzer: analyzer, createdBy: createdBy, entities: entities, segments: segments)
        } catch let d as Damage {
            problems.add(d)
            return nil
        } catch {
            problems.add(file, c.offset, ProblemList.message(of: error))
            return nil
        }
    }

    /// The segment count and entries, for ``validate``: names, ids and deletion counts.
    private static func validateSegments(_ c: inout ByteReader, _ problems: ProblemList) throws -> [Segment] {
        let file = c.file
        let countAt = c.offset
        let n = Int(try c.readU32())
        // A segment entry takes at least 1 + 1 + 8 + 4 + 4 + 8 bytes.
        guard n <= c.remaining / 26 else { throw c.damage("a segment count of \(n) cannot fit in the \(c.remaining) bytes left", at: countAt) }
        var segments: [Segment] = []
        var names: Set<String> = [], ids: Set<UInt64> = []
        for _ in 0..<n {
            let at = c.offset
            let e = try readSegment(&c)
            let name = e.name, id = e.id
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw c.damage("invalid segment name \"\(name)\" (only letters, digits and _)", at: at)
            }
            if !names.insert(name).inserted { problems.add(file, at, "segment \(name) is listed twice") }
            if id == 0 { problems.add(file, at, "segment \(name) has the id 0, which is never written") }
            else if !ids.insert(id).inserted { problems.add(file, at, "segment \(name) has the same id as an earlier segment (\(id))") }
            if e.deletedCount > e.docCount || (e.deletedCount == 0) != (e.deletesGeneration == 0) {
                throw c.damage("segment \(name) has \(e.deletedCount) of \(e.docCount) documents deleted with deletions generation \(e.deletesGeneration)", at: at)
            }
            segments.append(e)
        }
        return segments
    }
}
