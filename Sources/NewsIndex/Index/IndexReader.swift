/// An open index: one consistent commit, searchable from any number of threads.
///
/// Opening reads the manifest, maps every segment file and checks its header, version and
/// CRC-32 footer, so a damaged or foreign file is reported here, naming the file, rather than
/// during a search.
///
/// ```swift
/// let index = try IndexReader(path: "newsindex")
/// let results = try index.search("harbour \"strike ended\"", limit: 5)
/// for hit in results.hits {
///     print(hit.score, hit.id, hit.title)
/// }
/// ```
public final class IndexReader: @unchecked Sendable {
    /// The index directory.
    public let path: String
    /// The analyzer the index was built with; queries are analyzed the same way.
    public let analyzer: Analyzer
    /// Number of documents in the index.
    public let documentCount: Int

    let segments: [SegmentReader]
    let manifest: Manifest

    /// Opens the index at `path`.
    ///
    /// - Throws: ``NewsIndexError/Kind/indexNotFound`` when there is no index there,
    ///   ``NewsIndexError/Kind/corruptIndex`` or ``NewsIndexError/Kind/incompatibleIndex``
    ///   when a file fails its checks.
    public init(path: String) throws {
        self.path = path
        let manifestPath = path + "/" + FormatConstants.manifestName
        guard FileIO.exists(manifestPath) else {
            if !FileIO.exists(path) {
                throw NewsIndexError(.indexNotFound, "no index at \(path): the directory does not exist. Build one with `newsindex build PATH… --index \(path)`.")
            }
            throw NewsIndexError(.indexNotFound, "no index at \(path): it has no manifest file. Build one with `newsindex build PATH… --index \(path)`.")
        }
        let mapped = try MappedFile(path: manifestPath)
        manifest = try Manifest.decode(mapped.bytes, file: manifestPath)
        guard let a = Analyzer(named: manifest.analyzer) else {
            throw NewsIndexError(.incompatibleIndex, "index \(path) was built with the analyzer \"\(manifest.analyzer)\", which this build of newsindex does not know. Upgrade newsindex or rebuild the index.")
        }
        analyzer = a
        var base = 0
        var segs: [SegmentReader] = []
        for entry in manifest.segments {
            segs.append(try SegmentReader(directory: path, entry: entry, docBase: base))
            base += entry.docCount
        }
        segments = segs
        documentCount = base
    }

    /// Statistics of a field over the whole index.
    func fieldStats(_ field: IndexedField) -> FieldStats {
        var s = FieldStats(docCount: 0, sumTotalTermFreq: 0)
        for seg in segments {
            let f = seg.fieldStats(field)
            s.docCount += f.docCount
            s.sumTotalTermFreq += f.sumTotalTermFreq
        }
        return s
    }

    /// Number of documents containing `term` in `field`, over the whole index.
    func docFreq(_ field: IndexedField, _ term: String) throws -> Int {
        var n = 0
        for seg in segments { n += try seg.termInfo(field, term)?.docFreq ?? 0 }
        return n
    }

    /// The segment holding global document number `doc`, and the local number.
    func locate(_ doc: Int) -> (SegmentReader, Int) {
        var lo = 0, hi = segments.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if segments[mid].docBase <= doc { lo = mid } else { hi = mid - 1 }
        }
        return (segments[lo], doc - segments[lo].docBase)
    }

    /// The stored article with internal document number `doc`.
    func storedArticle(_ doc: Int) throws -> StoredArticle {
        let (seg, local) = locate(doc)
        let f = try seg.storedDocument(local)
        return StoredArticle(id: f[.id] ?? "", title: f[.title] ?? "", body: f[.body] ?? "",
                             dateText: f[.date], url: f[.url], byline: f[.byline], date: seg.date(local))
    }
}

/// An article's stored fields as read back from the index.
struct StoredArticle {
    var id: String
    var title: String
    var body: String
    var dateText: String?
    var url: String?
    var byline: String?
    var date: Int64?
}
