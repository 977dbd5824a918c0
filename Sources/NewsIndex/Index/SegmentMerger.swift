import NewsIndexAnalysis

/// Merges segments at the level of their files: postings, positions, norms, dates and stored
/// chunks are copied from the sources and the documents renumbered; no text is analyzed again
/// (only the few documents this commit deletes, for their share of the field statistics).
///
/// The term dictionaries are walked side by side in key order, and the postings, the dictionary
/// and the stored fields go to disk as they are made (``FileSink``): memory holds one term's
/// document numbers and frequencies, one byte per document and field for the norms, eight bytes
/// per document for the dates, and a few MiB of output at a time, whatever the size of the sources.
enum SegmentMerger {
    /// Writes the live documents of `sources`, in order, as one new segment named `name`, with
    /// the (non-zero) id `segmentID`; calls `onDocument` once per document written (for progress
    /// and cancellation). Returns the segment's manifest entry and the paths of its files.
    static func merge(_ sources: [WorkingSegment], directory: String, name: String, segmentID: UInt64,
                      analyzer: Analyzer, recognizer: Recognizer, onDocument: () throws -> Void = {}) throws -> (Manifest.Segment, [String]) {
        // A merge reads every byte of its sources anyway: this is where their checksums are checked.
        for s in sources { try s.reader.verifyChecksums() }
        let numbering = Renumbering(sources)
        var paths: [String] = []
        var finished = false
        defer { if !finished { for p in paths { FileIO.remove(p) } } }
        func sink(_ type: FileType) throws -> FileSink {
            let path = directory + "/" + name + "." + type.fileExtension
            paths.append(path)
            return try FileSink(path: path)
        }

        // Per document: dates, norms and the field statistics, then the stored records.
        var dates: [Int64] = []
        dates.reserveCapacity(numbering.docCount)
        for (k, s) in sources.enumerated() {
            for d in 0..<s.entry.docCount where !numbering.isDeleted(k, d) {
                dates.append(s.reader.date(d) ?? FormatConstants.noDate)
                try onDocument()
            }
        }
        let fields = try fieldNorms(sources, numbering, analyzer: analyzer, recognizer: recognizer)
        var stored = StoredFieldsWriter(segmentID: segmentID, sink: try sink(.storedFields))
        for (k, s) in sources.enumerated() {
            try s.reader.copyStoredFields(into: &stored) { numbering.isDeleted(k, $0) }
        }
        try stored.finish(toSink: ())

        try mergePostings(sources, numbering, norms: fields.map(\.2),
                          dictionary: try sink(.termDictionary), postings: (try sink(.postings), try sink(.positions)), segmentID: segmentID)

        for (type, bytes) in [(FileType.norms, NormsFormat.write(segmentID: segmentID, docCount: numbering.docCount, fields: fields)),
                              (.dates, DatesFormat.write(segmentID: segmentID, dates: dates))] {
            let path = directory + "/" + name + "." + type.fileExtension
            paths.append(path)
            try FileIO.writeFile(path, bytes)
        }
        finished = true
        return (Manifest.Segment(name: name, id: segmentID, docCount: numbering.docCount), paths)
    }

    /// The norms of the live documents and the field statistics, per field.
    private static func fieldNorms(_ sources: [WorkingSegment], _ numbering: Renumbering,
                                   analyzer: Analyzer, recognizer: Recognizer) throws -> [(IndexedField, FieldStats, [UInt8])] {
        // The documents this commit deletes are not yet in the sources' deletion files: their
        // share of the statistics is found by indexing them again, as they were indexed.
        let pending: [DocumentStatistics?] = try sources.map { s in
            guard !s.newlyDeleted.isEmpty else { return nil }
            let builder = SegmentBuilder(segmentID: 0, analyzer: analyzer, recognizer: recognizer)
            for d in s.newlyDeleted.sorted() { builder.add(try s.reader.article(d)) }
            return builder.statistics()
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
        while true {
            // The smallest current key, and the sources that hold it.
            var smallest: Int? = nil
            for k in walks.indices where live[k] {
                if let m = smallest, !walks[k].key.lexicographicallyPrecedes(walks[m].key) { continue }
                smallest = k
            }
            guard let m = smallest else { break }
            let key = walks[m].key
            holders.removeAll(keepingCapacity: true)
            for k in walks.indices where live[k] && walks[k].key == key { holders.append((k, walks[k].info)) }

            docs.removeAll(keepingCapacity: true)
            freqs.removeAll(keepingCapacity: true)
            var total = 0
            for (k, info) in holders {
                let cursor = try sources[k].reader.postings(info)
                var d = try cursor.advance()
                while d != PostingsCursor.noMoreDocs {
                    let n = numbering.new(k, Int(d))
                    if n >= 0 {
                        docs.append(UInt32(n))
                        let f = cursor.freq
                        freqs.append(f)
                        total += Int(f)
                    }
                    d = try cursor.advance()
                }
            }
            if !docs.isEmpty {
                // The positions, read again document by document as the writer asks for them.
                var h = 0
                var cursor: PostingsCursor? = nil
                let info = try out.addTerm(docs: docs, freqs: freqs, totalTermFreq: total, norms: norms[Int(key[0])]) { _, pos in
                    while true {
                        if cursor == nil { cursor = try sources[holders[h].source].reader.postings(holders[h].info) }
                        let d = try cursor!.advance()
                        if d == PostingsCursor.noMoreDocs {
                            h += 1
                            cursor = nil
                            continue
                        }
                        guard numbering.new(holders[h].source, Int(d)) >= 0 else { continue }
                        var previous: UInt32 = 0
                        for p in try cursor!.currentPositions() {
                            pos.writeVInt(UInt64(p &- previous))
                            previous = p
                        }
                        return
                    }
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

/// The new numbers of the sources' live documents: each source's in turn, in order.
private struct Renumbering {
    /// Per source: the new number of each document (-1 when deleted), or nil when the source
    /// has no deleted document (then it is `bases[k]` plus the old number).
    private let maps: [[Int32]?]
    private let bases: [Int]
    private let counts: [Int]
    /// Live documents in all.
    let docCount: Int

    init(_ sources: [WorkingSegment]) {
        var maps: [[Int32]?] = [], bases: [Int] = [], counts: [Int] = []
        var next = 0
        for s in sources {
            bases.append(next)
            let n = s.entry.docCount
            if (0..<n).contains(where: { s.isDeleted($0) }) {
                var m = [Int32](repeating: -1, count: n)
                for d in 0..<n where !s.isDeleted(d) {
                    m[d] = Int32(next)
                    next += 1
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

    /// The new number of document `d` of source `k`, or -1 when it is deleted.
    @inline(__always)
    func new(_ k: Int, _ d: Int) -> Int {
        if let m = maps[k] { return d < m.count ? Int(m[d]) : -1 }
        return bases[k] + d
    }

    @inline(__always)
    func isDeleted(_ k: Int, _ d: Int) -> Bool { new(k, d) < 0 }

    /// The live documents of source `k`.
    func liveCount(_ k: Int) -> Int { counts[k] }
}
