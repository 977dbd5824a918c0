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

        /// Every file of the segment.
        var fileNames: [String] {
            FileType.segmentFiles.map { name + "." + $0.fileExtension } + (deletesFileName.map { [$0] } ?? [])
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
            let id = try r.readU64()
            let docs = Int(try r.readU32())
            let deleted = Int(try r.readU32())
            let del = try r.readU64()
            guard deleted <= docs, (deleted == 0) == (del == 0) else {
                throw r.corrupt("segment \(name) has \(deleted) of \(docs) documents deleted with deletions generation \(del)")
            }
            segments.append(Segment(name: name, id: id, docCount: docs, deletedCount: deleted, deletesGeneration: del))
        }
        guard r.isAtEnd else { throw r.corrupt("\(r.remaining) unexpected bytes at the end of the manifest") }
        return Manifest(generation: generation, analyzer: analyzer, createdBy: createdBy, entities: entities, segments: segments)
    }
}
