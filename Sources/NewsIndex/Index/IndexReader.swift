import Foundation

import NewsIndexCore
import NewsIndexAnalysis
/// An open index: one consistent commit, searchable from any number of threads.
///
/// Opening reads the manifest, maps every segment file and checks its header, version and footer,
/// so a missing, truncated or foreign file is reported here, naming the file. Its cost does not
/// grow with the size of the index: the CRC-32 of the large files, which reads every byte, is
/// checked only with `verify: true` (and by `newsindex check` and by merges). Without it, a
/// damaged byte gives an error naming the file, or a plausible result, never a crash.
///
/// ```swift
/// let index = try IndexReader(path: "newsindex")
/// let results = try index.search("harbour \"strike ended\"", limit: 5)
/// for hit in results.hits {
///     print(hit.score, hit.id, hit.title)
/// }
/// ```
// @unchecked Sendable: every stored property is a let, and segments read only from read-only mappings.
public final class IndexReader: @unchecked Sendable {
    /// The index directory.
    public let path: String
    /// The analyzer the index was built with; queries are analyzed the same way.
    public let analyzer: Analyzer
    /// Number of documents in the index (not counting deleted ones).
    public let documentCount: Int
    /// The generation of the commit this reader holds: it grows with every commit, and holds
    /// the time of the commit and random bits, so it names one commit even across rebuilds.
    public var commit: UInt64 { manifest.generation }
    /// Number of segments in the commit.
    public var segmentCount: Int { segments.count }
    /// Total size of the files in the index directory, read from the file system when asked.
    public var diskBytes: Int { IndexWriter.indexBytes(in: path) }
    /// One more than the largest internal document number (deleted documents included).
    let maxDocument: Int

    let segments: [SegmentReader]
    let manifest: Manifest
    /// The entity list the index was built with.
    let gazetteer: Gazetteer
    /// Finds mentions of that list's entities, as the index did (for snippets and discovery).
    let recognizer: Recognizer

    /// Opens the index at `path`.
    ///
    /// - Parameters:
    ///   - path: The index directory.
    ///   - verify: Also compute the CRC-32 of every file and compare it with the stored one,
    ///     which reads the whole index.
    /// - Throws: `NewsIndexError.Kind.indexNotFound` when there is no index there,
    ///   `NewsIndexError.Kind.corruptIndex` or `NewsIndexError.Kind.incompatibleIndex`
    ///   when a file fails its checks.
    public convenience init(path: String, verify: Bool = false) throws {
        try self.init(path: path, verify: verify, reusing: [:])
    }

    /// The newest commit of the same index, sharing with this reader the segments that did not
    /// change (their mappings, decoded tables and caches; only changed deletions are read again),
    /// as Lucene's `openIfChanged` does: cheap to call after every commit of a live index.
    /// This reader stays valid and keeps seeing its own commit.
    ///
    /// - Returns: this reader when the index has not committed since it was opened.
    /// - Throws: the errors of ``init(path:verify:)``.
    public func reopened() throws -> IndexReader {
        if let now = try? IndexWriter.readManifest(path), now.generation == manifest.generation { return self }
        return try IndexReader(path: path, verify: false, reusing: Dictionary(segments.map { ($0.name, $0) }) { a, _ in a })
    }

    init(path: String, verify: Bool, reusing previous: [String: SegmentReader]) throws {
        self.path = path
        let manifestPath = path + "/" + FormatConstants.manifestName
        guard FileIO.exists(manifestPath) else {
            if !FileIO.exists(path) {
                throw NewsIndexError(.indexNotFound, "no index at \(path): the directory does not exist.", remedy: .buildIndex(at: path))
            }
            throw NewsIndexError(.indexNotFound, "no index at \(path): it has no manifest file.", remedy: .buildIndex(at: path))
        }
        // A writer may commit, and remove the files of the previous commit, between our reading
        // the manifest and opening its segments: then read the new manifest and try again.
        var attempt = 0
        var opened: (Manifest, [SegmentReader])
        while true {
            let mapped = try MappedFile(path: manifestPath)
            let m = try withExtendedLifetime(mapped) { try Manifest.decode(mapped.bytes, file: manifestPath) }
            IndexReader.afterReadingManifest?(path)
            do {
                var segs: [SegmentReader] = []
                var base = 0
                for entry in m.segments {
                    if let old = previous[entry.name], old.id == entry.id {
                        segs.append(try SegmentReader(reusing: old, directory: path, entry: entry, docBase: base, ordinal: segs.count))
                    } else {
                        segs.append(try SegmentReader(directory: path, entry: entry, docBase: base, ordinal: segs.count, verify: verify))
                    }
                    base += entry.docCount
                }
                opened = (m, segs)
                break
            } catch {
                attempt += 1
                guard attempt < 100, let now = try? IndexWriter.readManifest(path), now.generation != m.generation else { throw error }
            }
        }
        manifest = opened.0
        guard let a = Analyzer(named: manifest.analyzer) else {
            throw NewsIndexError(.incompatibleIndex, "index \(path) was built with the analyzer \"\(manifest.analyzer)\", which this build of newsindex does not know. Upgrade newsindex or rebuild the index.")
        }
        analyzer = a
        do {
            gazetteer = try Gazetteer.parse(manifest.entities, source: manifestPath)
        } catch let e as NewsIndexError {
            throw NewsIndexError.corrupt(manifestPath, "its entity list does not parse: \(e.message)")
        }
        recognizer = Recognizer(gazetteer: gazetteer, analyzer: a)
        let segs = opened.1
        var base = 0, live = 0
        for entry in manifest.segments {
            base += entry.docCount
            live += entry.liveCount
        }
        segments = segs
        maxDocument = base
        documentCount = live
    }

    /// For tests: runs between reading the manifest of the index at the given path and opening its segments.
    static var afterReadingManifest: ((String) -> Void)? {
        get { hookLock.lock(); defer { hookLock.unlock() }; return hook }
        set { hookLock.lock(); hook = newValue; hookLock.unlock() }
    }
    private static let hookLock = NSLock()
    nonisolated(unsafe) private static var hook: ((String) -> Void)?

    /// Values the layers above derive once from this open index (such as the scoring's tables
    /// per field), made on first use and kept as long as the reader.
    let derived = DerivedValues()

    /// Statistics of a field over the whole index.
    func fieldStats(_ field: IndexedField) -> FieldStats {
        IndexReader.fieldStats(field, segments)
    }

    private static func fieldStats(_ field: IndexedField, _ segments: [SegmentReader]) -> FieldStats {
        var s = FieldStats(docCount: 0, sumTotalTermFreq: 0)
        for seg in segments {
            let f = seg.fieldStats(field)
            s.docCount += f.docCount
            s.sumTotalTermFreq += f.sumTotalTermFreq
        }
        return s
    }

    /// Number of live documents containing `term` in `field`, over the whole index (a query keeps
    /// its lookups in ``QueryTerms`` instead).
    func docFreq(_ field: IndexedField, _ term: String) throws -> Int {
        var n = 0
        for seg in segments {
            if let info = try seg.termInfo(field, term) { n += try seg.liveDocFreq(field, term, info) }
        }
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
        let entities: [StoredArticle.EntityMentions] = (f[.entities] ?? "").split(separator: "\n").compactMap { line in
            let cols = line.split(separator: "\t")
            guard cols.count == 2, let n = Int(cols[1]) else { return nil }
            return StoredArticle.EntityMentions(name: String(cols[0]), mentions: n)
        }
        return StoredArticle(id: f[.id] ?? "", title: f[.title] ?? "", body: f[.body] ?? "",
                             dateText: f[.date], url: f[.url], byline: f[.byline], source: f[.source], setAside: f[.setAside],
                             entities: entities, date: seg.date(local), documentNumber: doc)
    }

    /// The article with id `id` as it was indexed, or nil when the index has no such article.
    ///
    /// - Throws: `NewsIndexError.Kind.corruptIndex` when an index file turns out damaged.
    public func article(id: String) throws -> StoredArticle? {
        for seg in segments {
            guard let info = try seg.termInfo(.id, id) else { continue }
            let cursor = try seg.postings(info)
            var d = try cursor.advance()
            while d != PostingsCursor.noMoreDocs && seg.isDeleted(d) { d = try cursor.advance() }
            if d != PostingsCursor.noMoreDocs { return try storedArticle(seg.docBase + Int(d)) }
        }
        return nil
    }
}

/// An article as the index stores it: what was searched, and what was set aside.
public struct StoredArticle: Sendable {
    /// How often one entity is mentioned in the article.
    public struct EntityMentions: Sendable, Equatable {
        /// The entity's canonical name.
        public var name: String
        /// Mentions in the title and body.
        public var mentions: Int
    }

    /// The article's id.
    public var id: String
    /// The headline.
    public var title: String
    /// The searchable text.
    public var body: String
    /// The publication date as it was written in the source, when there was one.
    public var dateText: String?
    /// The URL, when known.
    public var url: String?
    /// The author line, when known.
    public var byline: String?
    /// The site or outlet, as the input gave it (or the host of the URL), when known.
    public var source: String?
    /// Page text kept out of the index (navigation, share buttons, lists of other stories).
    public var setAside: String?
    /// The entities recognized in the title and body, most mentioned first.
    public var entities: [EntityMentions]
    /// The publication time in seconds since the epoch, when known.
    public var date: Int64?
    /// The internal document number (stable for one commit of the index only).
    public var documentNumber: Int
}

/// Values derived from an open index, one per type, each made once on first use: a slot the
/// layers above fill without the index knowing their types.
final class DerivedValues: Sendable {
    // Objects, so that reading one back is a plain downcast (no conformance lookup per query).
    private let values = Locked<[ObjectIdentifier: AnyObject]>([:])

    /// The value of type `T`, made by `make` the first time it is asked for.
    func value<T: AnyObject & Sendable>(_ type: T.Type, make: () -> T) -> T {
        values.withLock { values in
            // The key is the value's own type.
            if let v = values[ObjectIdentifier(type)] { return unsafeDowncast(v, to: T.self) }
            let v = make()
            values[ObjectIdentifier(type)] = v
            return v
        }
    }
}
