import NewsIndexAnalysis

/// Merges segments at the level of their files: postings, positions, norms, dates and stored
/// chunks are copied from the sources and the documents renumbered; no text is analyzed again
/// (only the few documents this commit deletes, for their share of the field statistics).
///
/// The term dictionaries are walked side by side in key order, and the postings, the dictionary
/// and the stored fields go to disk as they are made (``FileSink``): memory holds one term's
/// document numbers and frequencies, one byte per document and field for the norms, eight bytes
/// per document for the dates, 8 for the copy group and 132 for a copy signature, and a few MiB of output at a time, whatever the size of the sources.
enum SegmentMerger {
    /// Writes the live documents of `sources`, in order, as one new segment named `name`, with
    /// the (non-zero) id `segmentID`; calls `onDocument` once per document written (for progress
    /// and cancellation). Returns the segment's manifest entry and the paths of its files.
    static func merge(_ sources: [WorkingSegment], directory: String, name: String, segmentID: UInt64,
                      onDocument: () throws -> Void = {}) throws -> (Manifest.Segment, [String]) {
        // A merge reads every byte of its sources anyway: this is where their checksums are checked.
        for s in sources { try s.reader.verifyChecksums() }
        let numbering = Renumbering(sources)
        defer { withExtendedLifetime(numbering) {} }
        let files = SegmentFiles(directory: directory, name: name)

        // Per document: dates, norms and the field statistics, then the stored records.
        var dates: [Int64] = []
        dates.reserveCapacity(numbering.docCount)
        // Copy signatures and groups carry over: a document keeps its group (a document of an
        // older segment, which has none, keeps the group of its own it had there).
        var signatures = CopyFiles.SignatureColumn()
        var groups: [UInt64] = []
        for (k, s) in sources.enumerated() {
            for d in 0..<s.entry.docCount where !numbering.isDeleted(k, d) {
                dates.append(s.reader.date(d) ?? FormatConstants.noDate)
                s.reader.appendSignature(d, to: &signatures)
                groups.append(s.reader.groupID(d))
                try onDocument()
            }
        }
        let fields = try fieldNorms(sources, numbering)
        var stored = StoredFieldsWriter(segmentID: segmentID, sink: try files.sink(.storedFields))
        for (k, s) in sources.enumerated() {
            try s.reader.copyStoredFields(into: &stored) { numbering.isDeleted(k, $0) }
        }
        try stored.finish(toSink: ())

        try mergePostings(sources, numbering, norms: fields.map(\.2),
                          dictionary: try files.sink(.termDictionary), postings: (try files.sink(.postings), try files.sink(.positions)),
                          segmentID: segmentID)
        try files.write(.norms, NormsFormat.write(segmentID: segmentID, docCount: numbering.docCount, fields: fields))
        try files.write(.dates, DatesFormat.write(segmentID: segmentID, dates: dates))
        try files.write(.signatures, CopyFiles.writeSignatures(segmentID: segmentID, signatures))
        try files.write(.groups, CopyFiles.writeGroups(segmentID: segmentID, groups: groups))
        return (Manifest.Segment(name: name, id: segmentID, docCount: numbering.docCount), files.keep())
    }

    /// The norms of the live documents and the field statistics, per field.
    private static func fieldNorms(_ sources: [WorkingSegment], _ numbering: Renumbering) throws -> [(IndexedField, FieldStats, [UInt8])] {
        // The documents this commit deletes are not yet in the sources' deletion files: their
        // share of the statistics is read from the source's postings.
        let pending: [DocumentStatistics?] = try sources.map { s in
            guard !s.newlyDeleted.isEmpty else { return nil }
            return try s.reader.statistics(of: s.newlyDeleted.sorted(), terms: false)
        }
        return IndexedField.allCases.map { field in
            var norms: [UInt8] = []
            norms.reserveCapacity(numbering.docCount)
            var stats = FieldStats(docCount: 0, sumTotalTermFreq: 0)
            for (k, s) in sources.enumerated() {
                let n = s.entry.docCount
                if let source = s.reader.norms(field) {
                    for d in 0..<n where !numbering.isDeleted(k, d) { norms.append(source[d]) }
                } else {
                    norms.append(contentsOf: repeatElement(0, count: numbering.liveCount(k)))
                }
                var f = s.reader.fieldStats(field)
                if let p = pending[k] {
                    f.docCount -= p.fields[Int(field.rawValue)].docCount
                    f.sumTotalTermFreq -= p.fields[Int(field.rawValue)].sumTotalTermFreq
                }
                stats.docCount += max(0, f.docCount)
                stats.sumTotalTermFreq += max(0, f.sumTotalTermFreq)
            }
            return (field, stats, norms)
        }
    }

    /// Walks the sources' term dictionaries side by side and writes each term's postings of the
    /// live documents, renumbered; a term left with no live document is dropped.
    private static func mergePostings(_ sources: [WorkingSegment], _ numbering: Renumbering, norms: [[UInt8]],
                                      dictionary: FileSink, postings sinks: (FileSink, FileSink), segmentID: UInt64) throws {
        var walks = sources.map { $0.reader.termWalk() }
        var live = try walks.indices.map { try walks[$0].next() }
        var dict = TermDictionaryWriter(segmentID: segmentID, sink: dictionary)
        var out = PostingsWriter(segmentID: segmentID, sinks: (doc: sinks.0, pos: sinks.1))
        var docs: [UInt32] = [], freqs: [UInt32] = []
        var holders: [(source: Int, info: TermInfo)] = []
        var positions: [UnsafeRawBufferPointer] = []
        var tail = ByteWriter()
        var terms = 0
        var key: [UInt8] = []
        while true {
            // Every term before each source's current one is copied: give their pages back now and then.
            terms += 1
            if terms % 4096 == 0 {
                for k in walks.indices where live[k] { sources[k].reader.releasePostings(below: walks[k].info.docOffset, walks[k].info.posOffset) }
            }
            // The smallest current key, and the sources that hold it.
            var smallest: Int? = nil
            for k in walks.indices where live[k] {
                if let m = smallest, !walks[k].key.lexicographicallyPrecedes(walks[m].key) { continue }
                smallest = k
            }
            guard let m = smallest else { break }
            key.removeAll(keepingCapacity: true)
            key.append(contentsOf: walks[m].key)
            holders.removeAll(keepingCapacity: true)
            for k in walks.indices where live[k] && walks[k].key == key { holders.append((k, walks[k].info)) }

            positions.removeAll(keepingCapacity: true)
            if let info = try copyTails(holders, sources, numbering, into: &out, tail: &tail, positions: &positions) {
                dict.add(key: key, info: info)
                try dict.spill()
                for (k, _) in holders { live[k] = try walks[k].next() }
                continue
            }
            positions.removeAll(keepingCapacity: true)
            docs.removeAll(keepingCapacity: true)
            freqs.removeAll(keepingCapacity: true)
            var total = 0
            for (k, info) in holders {
                let cursor = try sources[k].reader.postings(info)
                let map = numbering.map(k), base = numbering.base(k)
                // The positions as stored (deltas from 0 in each document), in the mapped source:
                // all of the term's in a source without deletions, else each live document's.
                if map == nil { positions.append(try allPositions(info, in: sources[k].reader)) }
                var d = try cursor.advance()
                while d != PostingsCursor.noMoreDocs {
                    let n = map.map { Int($0[Int(d)]) } ?? base + Int(d)
                    if n >= 0 {
                        docs.append(UInt32(n))
                        let f = cursor.freq
                        freqs.append(f)
                        total += Int(f)
                        if map != nil { positions.append(try cursor.currentPositionBytes()) }
                    }
                    d = try cursor.advance()
                }
            }
            if !docs.isEmpty {
                var copier = VIntCopier(positions, file: sources[holders[0].source].reader.postingsFiles.pos.path)
                let info = try out.addTerm(docs: docs, freqs: freqs, totalTermFreq: total, norms: norms[Int(key[0])]) { run, pos in
                    var n = 0
                    for i in run { n += Int(freqs[i]) }
                    try copier.copy(n, into: &pos)
                }
                dict.add(key: key, info: info)
                try dict.spill()
            }
            for (k, _) in holders { live[k] = try walks[k].next() }
        }
        try out.finish(toSinks: ())
        try dict.finish(toSink: ())
    }
}

extension SegmentMerger {
    /// The common case, a term with fewer than a block's documents in sources without deleted
    /// documents, copied without decoding its postings: each source's tail of (doc delta, freq)
    /// entries as it is, but for its first delta, and its positions as they are. Nil (and
    /// nothing written) for any other term.
    fileprivate static func copyTails(_ holders: [(source: Int, info: TermInfo)], _ sources: [WorkingSegment], _ numbering: Renumbering,
                                      into out: inout PostingsWriter, tail: inout ByteWriter,
                                      positions: inout [UnsafeRawBufferPointer]) throws -> TermInfo? {
        var docFreq = 0, totalTermFreq = 0
        for (k, info) in holders {
            guard numbering.map(k) == nil else { return nil }
            docFreq += info.docFreq
            totalTermFreq += info.totalTermFreq
        }
        guard docFreq < FormatConstants.blockSize else { return nil }
        tail.bytes.removeAll(keepingCapacity: true)
        var last = 0   // the new number of the last document written
        try Damage.surfacing {
            for (h, (k, info)) in holders.enumerated() {
                let reader = sources[k].reader
                let (docFile, _) = reader.postingsFiles
                let limit = docFile.bytes.count - FormatConstants.footerSize
                var r = ByteReader(docFile.bytes, file: docFile.path, from: info.docOffset, to: limit)
                // The first entry, renumbered: its delta was from 0 in the source.
                let first = try r.readVInt()
                var doc = Int(truncatingIfNeeded: first >> 1)
                var freq: UInt64 = 1
                if first & 1 == 0 { freq = try r.readVInt() }
                guard doc < reader.docCount else { throw r.corrupt("a posting beyond the segment's documents") }
                let renumbered = numbering.base(k) + doc
                let delta = UInt64(renumbered - (h == 0 ? 0 : last))
                if freq == 1 {
                    tail.writeVInt(delta << 1 | 1)
                } else {
                    tail.writeVInt(delta << 1)
                    tail.writeVInt(freq)
                }
                // The rest as it is: deltas within the source stay deltas within the merged term.
                let rest = r.offset
                for _ in 1..<max(1, info.docFreq) {
                    let v = try r.readVInt()
                    doc += Int(truncatingIfNeeded: v >> 1)
                    if v & 1 == 0 { _ = try r.readVInt() }
                }
                guard doc < reader.docCount else { throw r.corrupt("a posting beyond the segment's documents") }
                tail.write(bytes: UnsafeRawBufferPointer(rebasing: docFile.bytes[rest..<r.offset]))
                last = numbering.base(k) + doc
                positions.append(try allPositions(info, in: reader))
            }
        }
        return try out.addTail(docFreq: docFreq, totalTermFreq: totalTermFreq, tail: tail, positions: positions)
    }
}

extension SegmentMerger {
    /// All the positions of a term in one source, as stored: its `TotalTermFreq` VInts.
    fileprivate static func allPositions(_ info: TermInfo, in reader: SegmentReader) throws -> UnsafeRawBufferPointer {
        let posFile = reader.postingsFiles.pos
        let end = posFile.bytes.count - FormatConstants.footerSize
        guard info.posOffset >= FormatConstants.headerSize, info.posOffset <= end else {
            throw NewsIndexError.corrupt(posFile.path, "a term's positions offset \(info.posOffset) lies outside the file")
        }
        let (after, left) = PostingsDecoding.skipVInts(posFile.bytes, info.totalTermFreq, from: info.posOffset, end: end)
        guard left == 0 else { throw NewsIndexError.corrupt(posFile.path, "truncated positions at offset \(after)") }
        return UnsafeRawBufferPointer(rebasing: posFile.bytes[info.posOffset..<after])
    }
}

/// Copies VInts from a list of byte ranges, in order, a run of them at a time.
private struct VIntCopier {
    private let ranges: [UnsafeRawBufferPointer]
    private let file: String
    private var range = 0, at = 0

    /// A copier of `ranges`, read from `file` (named when they run out).
    init(_ ranges: [UnsafeRawBufferPointer], file: String) { (self.ranges, self.file) = (ranges, file) }

    /// Writes the next `count` VInts to `out`.
    mutating func copy(_ count: Int, into out: inout ByteWriter) throws {
        var need = count
        while need > 0 {
            while range < ranges.count && at == ranges[range].count {
                range += 1
                at = 0
            }
            guard range < ranges.count else { throw NewsIndexError.corrupt(file, "a term's positions are fewer than its frequencies say") }
            let r = ranges[range]
            let (after, left) = PostingsDecoding.skipVInts(r, need, from: at, end: r.count)
            out.write(bytes: UnsafeRawBufferPointer(rebasing: r[at..<after]))
            need = left
            at = after
        }
    }
}

/// The new numbers of the sources' live documents: each source's in turn, in order.
private final class Renumbering {
    /// Per source: the new number of each document (-1 when deleted), or nil when the source
    /// has no deleted document (then it is its base plus the old number).
    private let maps: [UnsafeMutableBufferPointer<Int32>?]
    private let bases: [Int]
    private let counts: [Int]
    /// Live documents in all.
    let docCount: Int

    init(_ sources: [WorkingSegment]) {
        var maps: [UnsafeMutableBufferPointer<Int32>?] = [], bases: [Int] = [], counts: [Int] = []
        var next = 0
        for s in sources {
            bases.append(next)
            let n = s.entry.docCount
            if (0..<n).contains(where: { s.isDeleted($0) }) {
                let m = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
                for d in 0..<n {
                    if s.isDeleted(d) {
                        m[d] = -1
                    } else {
                        m[d] = Int32(next)
                        next += 1
                    }
                }
                maps.append(m)
            } else {
                maps.append(nil)
                next += n
            }
            counts.append(next - bases.last!)
        }
        (self.maps, self.bases, self.counts, docCount) = (maps, bases, counts, next)
    }

    deinit { for m in maps { m?.deallocate() } }

    /// Source `k`'s numbers (nil when none of its documents is deleted), valid while this lives.
    /// Postings cursors never return a document past their segment's count.
    func map(_ k: Int) -> UnsafeBufferPointer<Int32>? { maps[k].map { UnsafeBufferPointer($0) } }

    /// The new number of source `k`'s first live document.
    func base(_ k: Int) -> Int { bases[k] }

    @inline(__always)
    func isDeleted(_ k: Int, _ d: Int) -> Bool { maps[k].map { $0[d] < 0 } ?? false }

    /// The live documents of source `k`.
    func liveCount(_ k: Int) -> Int { counts[k] }
}
