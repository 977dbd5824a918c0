import Foundation
import CPrefetch

import NewsIndexCore
import NewsIndexAnalysis
/// Inverts documents in memory and writes them out as one immutable segment.
///
/// An ``Inverter`` keeps each term's postings as compact VInt streams, so the buffer grows by a
/// few bytes per token. `flush` sorts the terms bytewise and re-encodes their streams through
/// ``PostingsWriter``.
final class SegmentBuilder {
    private(set) var docCount = 0
    private var inverter = Inverter()
    private var lengths: [[UInt32]] = Array(repeating: [], count: IndexedField.allCases.count)
    private var dates: [Int64] = []
    /// Each document's copy signature (none for a body too short to compare).
    private var signatures = CopyFiles.SignatureColumn()
    private var wordHashes: [UInt64] = []
    private var stored: StoredFieldsWriter
    /// The segment's files when its stored articles go to disk as they come (``streamStoredFields(directory:name:)``).
    private var files: SegmentFiles?
    /// The first error writing them; ``flush(directory:name:)`` throws it.
    private var storedFailure: Error?
    private var text: [UInt8] = []
    let segmentID: UInt64
    let analyzer: Analyzer
    let recognizer: Recognizer

    init(segmentID: UInt64, analyzer: Analyzer, recognizer: Recognizer) {
        self.segmentID = segmentID
        self.analyzer = analyzer
        self.recognizer = recognizer
        self.stored = StoredFieldsWriter(segmentID: segmentID)
    }

    deinit { inverter.deallocate() }

    /// Writes the stored articles to the segment's stored-fields file as they are compressed,
    /// instead of holding them until ``flush(directory:name:)`` (which must name the same file).
    /// Called before the first ``add(_:)``; the file goes again if the segment is never written.
    func streamStoredFields(directory: String, name: String) throws {
        precondition(docCount == 0 && files == nil, "stored fields streamed from the first article only")
        let files = SegmentFiles(directory: directory, name: name)
        stored = StoredFieldsWriter(segmentID: segmentID, sink: try files.sink(.storedFields))
        self.files = files
    }

    /// The memory the builder holds, with what writing it out adds (the term order, 24 bytes a
    /// term): what ``IndexWriter`` counts against ``IndexWriter/Options/memoryBudget``.
    var memoryBytes: Int {
        inverter.memoryBytes + stored.memoryBytes + lengths.reduce(0) { $0 + $1.capacity * 4 }
            + dates.capacity * 8 + text.capacity + 24 * inverter.termCount
            + signatures.memoryBytes + wordHashes.capacity * 8
    }

    func add(_ article: Article) {
        let doc = Int32(docCount)
        inverter.document = doc
        // Title and body in one buffer with a line break between them: the recognizer reads both.
        text.removeAll(keepingCapacity: true)
        text.append(contentsOf: article.title.utf8)
        text.append(0x0A)
        let bodyStart = text.count
        text.append(contentsOf: article.body.utf8)
        var perEntity: [Int: Int] = [:]
        text.withUnsafeBufferPointer { buf in
            let fields = [(IndexedField.title, 0..<(bodyStart - 1)), (.body, bodyStart..<buf.count)]
            for (slot, (field, range)) in fields.enumerated() {
                let n = inverter.tokenize(slot: slot, field: field, buf, range, analyzer: analyzer)
                lengths[Int(field.rawValue)].append(UInt32(n))
            }
            inverter.bodyWordHashes(into: &wordHashes)
            wordHashes.withUnsafeBufferPointer { signatures.append(wordHashes: $0) }
            // Entity mentions become extra terms at their first word's position, not counted in the
            // field's length, so BM25 of words is unchanged and `entity:x NEAR/5 word` works.
            let spans = inverter.spans
            let mentions = recognizer.recognize(buf, spans) { f, k in inverter.term(slot: f, token: k) }
            for (slot, (field, _)) in fields.enumerated() {
                for m in mentions[slot] {
                    _ = recognizer.termBytes[m.entity].withUnsafeBufferPointer {
                        inverter.addTerm(field: field, $0, position: spans[slot][m.start].position)
                    }
                    perEntity[m.entity, default: 0] += 1
                }
            }
        }
        var id = article.id
        _ = id.withUTF8 { inverter.addTerm(field: .id, $0, position: 0) }
        lengths[Int(IndexedField.id.rawValue)].append(1)
        var urlTerms = 0
        if var url = article.url {
            url.withUTF8 { buf in
                Analyzer.simple.forEachTerm(inUTF8: buf) { term, position, _ in
                    inverter.addTerm(field: .url, term, position: Int32(position))
                    urlTerms += 1
                }
            }
        }
        lengths[Int(IndexedField.url.rawValue)].append(UInt32(urlTerms))
        lengths[Int(IndexedField.source.rawValue)].append(UInt32(indexSource(article.source)))
        dates.append(article.date?.secondsSinceEpoch ?? FormatConstants.noDate)
        var fields: [(StoredField, String)] = [(.id, article.id), (.title, article.title), (.body, article.body)]
        if let d = article.date { fields.append((.date, d.text)) }
        if let u = article.url { fields.append((.url, u)) }
        if let b = article.byline { fields.append((.byline, b)) }
        if let a = article.setAside { fields.append((.setAside, a)) }
        if let s = article.source { fields.append((.source, s)) }
        if !perEntity.isEmpty {
            let names = recognizer.gazetteer.entities
            let lines = perEntity.sorted { $0.value > $1.value || ($0.value == $1.value && names[$0.key].name < names[$1.key].name) }
                .map { "\(names[$0.key].name)\t\($0.value)" }
            fields.append((.entities, lines.joined(separator: "\n")))
        }
        do { try stored.add(fields) } catch { if storedFailure == nil { storedFailure = error } }
        docCount += 1
    }

    /// Indexes a source's terms (``SourceName``) and its facet term (0x01 and the form to show),
    /// all at position 0; returns how many terms that is (the field's length).
    private func indexSource(_ source: String?) -> Int {
        guard let source, let (display, terms) = SourceName.analyze(source) else { return 0 }
        for var t in terms + ["\u{1}" + display] {
            _ = t.withUTF8 { inverter.addTerm(field: .source, $0, position: 0) }
        }
        return terms.count + 1
    }

    /// Term ids in key order: field byte, then UTF-8 bytes. The first eight bytes, big-endian,
    /// decide most comparisons without touching the keys.
    private func termOrder() -> [Int] {
        let table = inverter.table
        return table.keyBytes.withUnsafeBufferPointer { all in
            let starts = table.keyStart
            let heads: [UInt64] = (0..<table.count).map { id in
                var h: UInt64 = 0
                let s = Int(starts[id]), n = min(8, Int(starts[id + 1]) - s)
                for k in 0..<n { h |= UInt64(all[s + k]) << UInt64(56 - 8 * k) }
                return h
            }
            return (0..<table.count).sorted { a, b in
                if heads[a] != heads[b] { return heads[a] < heads[b] }
                let sa = Int(starts[a]), la = Int(starts[a + 1]) - sa
                let sb = Int(starts[b]), lb = Int(starts[b + 1]) - sb
                if la <= 8 || lb <= 8 { return la < lb }
                let c = memcmp(all.baseAddress! + sa + 8, all.baseAddress! + sb + 8, min(la, lb) - 8)
                return c != 0 ? c < 0 : la < lb
            }
        }
    }

    /// The statistics of the documents added so far, as a segment of them would have: each term's
    /// key and document count in key order, and each field's statistics.
    func statistics() -> DocumentStatistics {
        var fields: [FieldStats] = []
        for field in IndexedField.allCases {
            let ls = lengths[Int(field.rawValue)]
            fields.append(FieldStats(docCount: ls.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }, sumTotalTermFreq: ls.reduce(0) { $0 + Int($1) }))
        }
        var terms: [(key: [UInt8], docFreq: Int)] = []
        let table = inverter.table
        do {
            let pool = inverter.pool.bytes
            for id in termOrder() {
                let t = inverter.state(id)
                var d = SlicePool.Reader(pool, start: inverter.starts[2 * id], t.docs)
                var n = 1 // the last document waits in the term's state
                while !d.isAtEnd {
                    _ = d.readVInt()
                    _ = d.readVInt()
                    n += 1
                }
                table.withKey(id) { terms.append((Array($0), n)) }
            }
        }
        return DocumentStatistics(fields: fields, terms: terms)
    }

    /// Writes the segment's files into `directory` under `name` and returns their paths.
    func flush(directory: String, name: String) throws -> [String] {
        if let storedFailure { throw storedFailure }
        // Norms and field statistics.
        var normBytes: [IndexedField: [UInt8]] = [:]
        var fieldStats: [(IndexedField, FieldStats, [UInt8])] = []
        for field in IndexedField.allCases {
            let ls = lengths[Int(field.rawValue)]
            let norms = ls.map { SmallFloat.intToByte4(Int($0)) }
            normBytes[field] = norms
            let stats = FieldStats(docCount: ls.reduce(0) { $0 + ($1 > 0 ? 1 : 0) },
                                   sumTotalTermFreq: ls.reduce(0) { $0 + Int($1) })
            fieldStats.append((field, stats, norms))
        }

        let table = inverter.table
        let order = termOrder()
        let fieldNorms = IndexedField.allCases.map { normBytes[$0]! }

        // The postings and the dictionary go to disk as they are written, not assembled in memory.
        let files = self.files ?? SegmentFiles(directory: directory, name: name)
        var dict = TermDictionaryWriter(segmentID: segmentID, sink: try files.sink(.termDictionary))
        var postings = PostingsWriter(segmentID: segmentID, sinks: (doc: try files.sink(.postings), pos: try files.sink(.positions)))
        var docs: [UInt32] = [], freqs: [UInt32] = []
        do {
            let pool = inverter.pool.bytes
            for id in order {
                docs.removeAll(keepingCapacity: true)
                freqs.removeAll(keepingCapacity: true)
                let t = inverter.state(id)
                var d = SlicePool.Reader(pool, start: inverter.starts[2 * id], t.docs)
                var doc: UInt32 = 0
                while !d.isAtEnd {
                    doc = docs.isEmpty ? d.readVInt() : doc + d.readVInt()
                    docs.append(doc)
                    freqs.append(d.readVInt())
                }
                // The last document is still in the term's state.
                docs.append(UInt32(t.lastDoc))
                freqs.append(t.freq)
                // The position stream already holds the .pos bytes (VInt deltas from 0 in each
                // document): copy them, counting each VInt's last byte.
                var p = SlicePool.Reader(pool, start: inverter.starts[2 * id + 1], t.positions)
                var total = 0
                for f in freqs { total += Int(f) }
                let info = try postings.addTerm(docs: docs, freqs: freqs, totalTermFreq: total,
                                            norms: fieldNorms[Int(table.keyBytes[Int(table.keyStart[id])])]) { run, out in
                    var n = 0
                    for i in run { n += Int(freqs[i]) }
                    p.copyVInts(n, into: &out)
                }
                table.withKey(id) { dict.add(key: $0, info: info) }
                try dict.spill()
            }
        }
        try postings.finish(toSinks: ())
        try dict.finish(toSink: ())

        try files.write(.norms, NormsFormat.write(segmentID: segmentID, docCount: docCount, fields: fieldStats))
        if self.files != nil { try stored.finish(toSink: ()) } else { try files.write(.storedFields, stored.finish()) }
        try files.write(.dates, DatesFormat.write(segmentID: segmentID, dates: dates))
        try files.write(.signatures, CopyFiles.writeSignatures(segmentID: segmentID, signatures))
        return files.keep()
    }
}

/// The in-memory inverted index of a segment being built: terms, and for each term two byte
/// streams of VInts in a ``SlicePool``: (doc delta, frequency) of every document but the last,
/// whose number and frequency wait in the term's state until the term shows up in a later document
/// (or the segment is written), and the position deltas, restarting at 0 in each document.
/// Every token is written once, straight into its term's streams, in the order it comes.
///
/// A segment's terms far outgrow the CPU's caches, so each token would wait for three memory
/// loads in turn: its hash table slot, its term's state, and the end of its position stream.
/// Tokenized text therefore passes through a short pipeline: a token's slot is prefetched when it
/// arrives, its term is looked up (and its state prefetched) ``lookupLag`` tokens later, its
/// stream's end prefetched ``streamLag`` tokens later, and it is written ``ringSize`` tokens later.
/// Terms get their ids, and streams their bytes, in token order, as without the pipeline.
struct Inverter {
    /// Terms: the field number as tag, then the term's UTF-8 bytes (the term dictionary's key).
    private(set) var table = ByteKeyTable(capacity: 1 << 16)
    private(set) var pool = SlicePool()
    /// Per term: its streams' write state and the document being counted (one 32-byte entry,
    /// as every token touches it); `starts[2 * term]` and `starts[2 * term + 1]` are where its
    /// streams begin.
    private var states: UnsafeMutablePointer<TermState>
    private var stateCapacity = 1 << 16
    private(set) var starts: [UInt32] = []
    /// Per term: the hash of its key, the same in every segment (for copy signatures).
    private var termHashes: [UInt64] = []
    /// The document whose tokens are being added.
    var document: Int32 = 0
    /// The tokens of the document's title (slot 0) and body (slot 1), for the recognizer, and their terms.
    private(set) var spans: [[Recognizer.Span]] = [[], []]
    private var spanTerms: [[Int32]] = [[], []]

    struct TermState {
        var docs: SlicePool.Stream
        var positions: SlicePool.Stream
        /// The document being counted, its frequency so far and its last position.
        var lastDoc: Int32
        var freq: UInt32
        var lastPosition: UInt32
        /// The last document written to `docs` (-1 before the first), the base of the next delta.
        var writtenDoc: Int32
    }

    /// A token in the pipeline; its bytes are at `ringBytes + slot * maxPipedTerm`.
    private struct Piped {
        var count: Int
        var position: Int32
        var hashed: ByteKeyTable.Hashed
        var term: Int32
    }
    private static let ringSize = 16, lookupLag = 8, streamLag = 12
    /// Longest term that goes through the pipeline; a longer one (none of the analyzers makes
    /// one) is added once the pipeline is empty.
    private static let maxPipedTerm = 128
    private let ring = UnsafeMutablePointer<Piped>.allocate(capacity: Inverter.ringSize)
    private let ringBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: Inverter.ringSize * Inverter.maxPipedTerm)
    /// Tokens of the current field that arrived, were looked up, had their stream prefetched, were written.
    private var arrived = 0, looked = 0, aimed = 0, written = 0
    private var pipeTag: UInt8 = 0
    private var pipeIDs: [Int32] = []

    init() {
        states = .allocate(capacity: stateCapacity)
    }

    /// Releases the pool and the term states. An inverter is never copied: its one owner calls
    /// this once, and does not use it afterwards.
    func deallocate() {
        states.deallocate()
        ring.deallocate()
        ringBytes.deallocate()
        pool.deallocate()
    }

    /// The number of terms.
    var termCount: Int { table.count }

    /// The memory of the terms, their states and their streams (the pool's bytes in use: the
    /// pages past them are not touched yet).
    var memoryBytes: Int {
        table.memoryBytes + pool.count + table.count * MemoryLayout<TermState>.stride + starts.capacity * 4 + termHashes.capacity * 8
    }

    /// Term `id`'s state.
    func state(_ id: Int) -> TermState { states[id] }

    /// Tokenizes `range` of `text` into `field`, keeping the tokens in ``spans``[`slot`] (byte
    /// ranges relative to `text`); returns the number of tokens.
    mutating func tokenize(slot: Int, field: IndexedField, _ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                  analyzer: Analyzer) -> Int {
        var sp = spans[slot]
        spans[slot] = []
        sp.removeAll(keepingCapacity: true)
        pipeIDs = spanTerms[slot]
        spanTerms[slot] = []
        pipeIDs.removeAll(keepingCapacity: true)
        pipeTag = field.rawValue
        arrived = 0; looked = 0; aimed = 0; written = 0
        let base = range.lowerBound
        analyzer.forEachTerm(inUTF8: UnsafeBufferPointer(rebasing: text[range])) { term, position, source in
            sp.append(Recognizer.Span(position: Int32(position), start: Int32(base + source.lowerBound), end: Int32(base + source.upperBound)))
            if term.count <= Inverter.maxPipedTerm {
                push(term, position: Int32(position))
            } else {
                drain()
                pipeIDs.append(addTerm(field: field, term, position: Int32(position)))
            }
        }
        drain()
        let n = sp.count
        spans[slot] = sp
        spanTerms[slot] = pipeIDs
        pipeIDs = []
        return n
    }

    /// Takes a token into the pipeline, moving the tokens before it a stage on.
    @inline(__always)
    private mutating func push(_ term: UnsafeBufferPointer<UInt8>, position: Int32) {
        if arrived - written == Inverter.ringSize { writeNext() }
        let slot = arrived & (Inverter.ringSize - 1)
        let bytes = ringBytes + slot * Inverter.maxPipedTerm
        bytes.update(from: term.baseAddress!, count: term.count)
        let hashed = ByteKeyTable.hashed(tag: pipeTag, UnsafeBufferPointer(start: bytes, count: term.count))
        table.prefetch(hashed)
        ring[slot] = Piped(count: term.count, position: position, hashed: hashed, term: -1)
        arrived += 1
        if arrived - looked > Inverter.lookupLag { lookUpNext() }
        if looked - aimed > Inverter.streamLag - Inverter.lookupLag { aimNext() }
    }

    /// Finds (or adds) the term of the oldest token not looked up yet, and prefetches its state.
    @inline(__always)
    private mutating func lookUpNext() {
        let slot = looked & (Inverter.ringSize - 1)
        let p = ring[slot]
        let key = UnsafeBufferPointer(start: ringBytes + slot * Inverter.maxPipedTerm, count: p.count)
        let id = termID(tag: pipeTag, key, p.hashed)
        ring[slot].term = id
        pipeIDs.append(id)
        newsindex_prefetch(states + Int(id))
        looked += 1
    }

    /// Prefetches where the oldest looked-up token not yet aimed at will write its position.
    @inline(__always)
    private mutating func aimNext() {
        let id = Int(ring[aimed & (Inverter.ringSize - 1)].term)
        newsindex_prefetch(pool.address(states[id].positions))
        aimed += 1
    }

    /// Writes the oldest token of the pipeline into its term's streams.
    @inline(__always)
    private mutating func writeNext() {
        let p = ring[written & (Inverter.ringSize - 1)]
        record(Int(p.term), position: p.position)
        written += 1
        aimed = max(aimed, written)
    }

    /// Moves every token through the pipeline.
    private mutating func drain() {
        while looked < arrived { lookUpNext() }
        while written < arrived { writeNext() }
    }

    /// The key hashes of the body's tokens (slot 1) in order, into `out`, replacing what it held.
    func bodyWordHashes(into out: inout [UInt64]) {
        out.removeAll(keepingCapacity: true)
        for t in spanTerms[1] { out.append(termHashes[Int(t)]) }
    }

    /// The analyzed term of token `k` of slot `slot`.
    func term(slot: Int, token k: Int) -> String {
        table.withKey(Int(spanTerms[slot][k])) { String(decoding: $0.dropFirst(), as: UTF8.self) }
    }

    /// Adds one occurrence of a term at `position` in ``document``; returns the term's id.
    /// Positions of one term in one document arrive in increasing order.
    @discardableResult
    mutating func addTerm(field: IndexedField, _ term: UnsafeBufferPointer<UInt8>, position: Int32) -> Int32 {
        let id = termID(tag: field.rawValue, term, ByteKeyTable.hashed(tag: field.rawValue, term))
        record(Int(id), position: position)
        return id
    }

    /// The id of a term, which gets its state and streams when it is new.
    @inline(__always)
    private mutating func termID(tag: UInt8, _ term: UnsafeBufferPointer<UInt8>, _ hashed: ByteKeyTable.Hashed) -> Int32 {
        let (id, isNew) = table.insert(tag: tag, term, hashed)
        if isNew {
            if Int(id) == stateCapacity { growStates() }
            let (docStart, docs) = pool.newStream()
            let (posStart, positions) = pool.newStream()
            (states + Int(id)).initialize(to: TermState(docs: docs, positions: positions, lastDoc: -1, freq: 0, lastPosition: 0, writtenDoc: -1))
            starts.append(docStart)
            starts.append(posStart)
            termHashes.append(hashed.hash)
        }
        return id
    }

    private mutating func growStates() {
        let bigger = UnsafeMutablePointer<TermState>.allocate(capacity: stateCapacity * 2)
        HugePages.advise(bigger, count: stateCapacity * 2 * MemoryLayout<TermState>.stride)
        bigger.moveInitialize(from: states, count: stateCapacity)
        states.deallocate()
        states = bigger
        stateCapacity *= 2
    }

    /// Writes one occurrence of term `id` at `position` in ``document`` into its streams.
    @inline(__always)
    private mutating func record(_ id: Int, position: Int32) {
        let t = states + id
        if t.pointee.lastDoc != document {
            if t.pointee.lastDoc >= 0 {
                // A term's first document is written as its number (delta from 0).
                pool.writeVInt(UInt32(t.pointee.lastDoc - max(t.pointee.writtenDoc, 0)), to: &t.pointee.docs)
                pool.writeVInt(t.pointee.freq, to: &t.pointee.docs)
                t.pointee.writtenDoc = t.pointee.lastDoc
            }
            t.pointee.lastDoc = document
            t.pointee.freq = 0
            t.pointee.lastPosition = 0
        }
        let p = UInt32(position)
        pool.writeVInt(p - t.pointee.lastPosition, to: &t.pointee.positions)
        t.pointee.lastPosition = p
        t.pointee.freq += 1
    }
}
