/// Inverts documents in memory and writes them out as one immutable segment.
///
/// Each term keeps a compact byte stream of VInts — for every document: doc delta, frequency,
/// then the position deltas — so the buffer grows by a few bytes per token. `flush` sorts the
/// terms bytewise and re-encodes their streams through ``PostingsWriter``.
final class SegmentBuilder {
    private(set) var docCount = 0
    private var termIDs: [[String: Int32]] = Array(repeating: [:], count: IndexedField.allCases.count)
    private var termField: [UInt8] = []
    private var termText: [String] = []
    private var streams: [[UInt8]] = []
    private var lastDoc: [Int32] = []
    private var docFreq: [UInt32] = []
    private var lengths: [[UInt32]] = Array(repeating: [], count: IndexedField.allCases.count)
    private var dates: [Int64] = []
    private var stored: StoredFieldsWriter
    private var scratch: [UInt64] = []
    let segmentID: UInt64
    let analyzer: Analyzer
    let recognizer: Recognizer

    init(segmentID: UInt64, analyzer: Analyzer, recognizer: Recognizer) {
        self.segmentID = segmentID
        self.analyzer = analyzer
        self.recognizer = recognizer
        self.stored = StoredFieldsWriter(segmentID: segmentID)
    }


    func add(_ article: Article) {
        let doc = Int32(docCount)
        let titleTokens = analyzer.tokens(article.title)
        let bodyTokens = analyzer.tokens(article.body)
        // Entity mentions become extra terms at their first word's position, not counted in the
        // field's length, so BM25 of words is unchanged and `entity:x NEAR/5 word` works.
        let mentions = recognizer.recognize([(article.title, titleTokens), (article.body, bodyTokens)])
        var perEntity: [Int: Int] = [:]
        for (field, tokens, ms) in [(IndexedField.title, titleTokens, mentions[0]), (.body, bodyTokens, mentions[1])] {
            invert(field: field, doc: doc, length: tokens.count) { emit in
                for t in tokens { emit(t.term, t.position) }
                for m in ms {
                    emit(recognizer.terms[m.entity], tokens[m.start].position)
                    perEntity[m.entity, default: 0] += 1
                }
            }
        }
        invert(field: .id, doc: doc, length: 1) { $0(article.id, 0) }
        invert(field: .url, doc: doc, length: nil) { emit in
            if let url = article.url { Analyzer.simple.forEachToken(in: url) { emit($0.term, $0.position) } }
        }
        dates.append(article.date?.secondsSinceEpoch ?? FormatConstants.noDate)
        var fields: [(StoredField, String)] = [(.id, article.id), (.title, article.title), (.body, article.body)]
        if let d = article.date { fields.append((.date, d.text)) }
        if let u = article.url { fields.append((.url, u)) }
        if let b = article.byline { fields.append((.byline, b)) }
        if let a = article.setAside { fields.append((.setAside, a)) }
        if !perEntity.isEmpty {
            let names = recognizer.gazetteer.entities
            let lines = perEntity.sorted { $0.value > $1.value || ($0.value == $1.value && names[$0.key].name < names[$1.key].name) }
                .map { "\(names[$0.key].name)\t\($0.value)" }
            fields.append((.entities, lines.joined(separator: "\n")))
        }
        stored.add(fields)
        docCount += 1
    }

    /// Adds the (term, position) pairs `terms` produces to `field` of document `doc`; the field's
    /// length is `length`, or the number of pairs when nil.
    private func invert(field: IndexedField, doc: Int32, length: Int?, _ terms: ((String, Int) -> Void) -> Void) {
        let f = Int(field.rawValue)
        scratch.removeAll(keepingCapacity: true)
        terms { term, position in
            let id: Int32
            if let existing = termIDs[f][term] {
                id = existing
            } else {
                id = Int32(termText.count)
                termIDs[f][term] = id
                termField.append(field.rawValue)
                termText.append(term)
                streams.append([])
                lastDoc.append(-1)
                docFreq.append(0)
            }
            scratch.append(UInt64(UInt32(id)) << 32 | UInt64(UInt32(position)))
        }
        lengths[f].append(UInt32(length ?? scratch.count))
        guard !scratch.isEmpty else { return }
        scratch.sort()
        var i = 0
        while i < scratch.count {
            let id = Int(scratch[i] >> 32)
            var j = i
            while j < scratch.count && Int(scratch[j] >> 32) == id { j += 1 }
            var s = ByteWriter()
            swap(&s.bytes, &streams[id])
            s.writeVInt(Int(doc - lastDoc[id]))   // first doc of a term: delta from -1
            s.writeVInt(j - i)
            var prev: UInt32 = 0
            for k in i..<j {
                let p = UInt32(truncatingIfNeeded: scratch[k])
                s.writeVInt(Int(p - prev))
                prev = p
            }
            swap(&s.bytes, &streams[id])
            lastDoc[id] = doc
            docFreq[id] += 1
            i = j
        }
    }

    /// Writes the segment's files into `directory` under `name` and returns their paths.
    func flush(directory: String, name: String) throws -> [String] {
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

        // Terms in key order: field byte, then UTF-8 bytes.
        let keys: [[UInt8]] = termText.indices.map { [termField[$0]] + Array(termText[$0].utf8) }
        let order = keys.indices.sorted { keys[$0].lexicographicallyPrecedes(keys[$1]) }

        var postings = PostingsWriter(segmentID: segmentID)
        var dict = TermDictionaryWriter(segmentID: segmentID)
        var docs: [UInt32] = [], freqs: [UInt32] = [], positions: [UInt32] = []
        for id in order {
            docs.removeAll(keepingCapacity: true)
            freqs.removeAll(keepingCapacity: true)
            positions.removeAll(keepingCapacity: true)
            try streams[id].withUnsafeBytes { raw in
                var r = ByteReader(raw, file: "memory")
                var doc: Int64 = -1
                while !r.isAtEnd {
                    doc += Int64(try r.readVInt())
                    let f = Int(try r.readVInt())
                    docs.append(UInt32(doc))
                    freqs.append(UInt32(f))
                    var p: UInt32 = 0
                    for _ in 0..<f {
                        p += UInt32(try r.readVInt())
                        positions.append(p)
                    }
                }
            }
            let info = postings.addTerm(docs: docs, freqs: freqs, positions: positions,
                                        norms: normBytes[IndexedField(rawValue: termField[id])!]!)
            dict.add(key: keys[id], info: info)
        }

        let (docFile, posFile) = postings.finish()
        let files: [(FileType, [UInt8])] = [
            (.termDictionary, dict.finish()),
            (.postings, docFile),
            (.positions, posFile),
            (.norms, NormsFormat.write(segmentID: segmentID, docCount: docCount, fields: fieldStats)),
            (.storedFields, stored.finish()),
            (.dates, DatesFormat.write(segmentID: segmentID, dates: dates)),
        ]
        var paths: [String] = []
        for (type, bytes) in files {
            let path = directory + "/" + name + "." + type.fileExtension
            try FileIO.writeFile(path, bytes)
            paths.append(path)
        }
        return paths
    }
}
