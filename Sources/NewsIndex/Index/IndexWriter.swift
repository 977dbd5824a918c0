import Foundation
import NewsIndexCore
import NewsIndexAnalysis

/// Builds a new index from articles, or changes an existing one, and commits atomically.
///
/// The writer cuts the input into consecutive runs that fit ``Options/memoryBudget``, each
/// inverted on a thread of its own as the articles arrive (up to ``Options/threads`` at the same
/// time) and written as an immutable segment; segments keep the input order, so document numbers
/// do too. Nothing is visible to readers until ``commit()``, which
/// replaces the index's manifest in one atomic rename; an existing index at the same path stays
/// searchable and intact until then, and also if the process dies before.
///
/// ```swift
/// let writer = try IndexWriter(path: "newsindex")
/// try writer.add(Article(id: "a1", title: "Harbour reopens", body: "The harbour reopened on Monday."))
/// let summary = try writer.commit()
/// print(summary.documentCount)   // 1
/// ```
///
/// With ``Options/mode`` set to ``Mode/append`` the writer changes an existing index instead:
/// added articles go into new segments, and an article whose id is already in the index replaces
/// the old one; ``delete(id:)`` and ``delete(matching:)`` remove articles, and segments are merged
/// by a size-tiered policy (or down to a number, ``merge(maxSegments:)``) within the same commit.
///
/// ```swift
/// var options = IndexWriter.Options()
/// options.mode = .append
/// let writer = try IndexWriter(path: "newsindex", options: options)
/// try writer.add(Article(id: "a1", title: "Harbour reopens", body: "Corrected: the harbour reopened on Tuesday."))
/// try writer.delete(id: "a7")
/// try writer.commit()
/// ```
///
/// A writer holds the index's write lock from `init` until it is committed or released, so a
/// second writer on the same directory fails with `NewsIndexError.Kind.indexLocked`.
public final class IndexWriter {
    let directory: String
    let options: Options
    var lock: WriteLock?
    /// Articles waiting to be inverted, in input order, and their text size.
    var batch: [Article] = []
    var batchBytes = 0
    /// Input bytes the waiting articles were read from.
    var batchInput = 0
    var segmentsOpened = 0
    /// The segment articles are fed to, if one is open.
    var open: OpenSegment?
    /// What the segment threads report back. They hold this, never the writer, so a writer
    /// dropped without commit goes away at once and removes what it wrote.
    let shared = Shared()
    let workers = DispatchGroup()
    let slots: DispatchSemaphore
    /// Text read but not yet inverted: reading runs at most one segment's text ahead of inversion,
    /// enough to keep every thread busy with a segment of its own (a segment takes consecutive
    /// articles, so the next one starts only once this one's share is read).
    let unread: ByteGate
    /// The ids added so far, by the fingerprint of their bytes: the index compares ids byte for
    /// byte (two spellings of "café" are two ids), where Swift's `String` equality would make them one.
    var ids = IDFingerprints()
    /// Segment ids and the generation: random, or seeded for reproducible builds.
    let entropy: WriterEntropy
    let generation: UInt64
    var committed = false
    let recognizer: Recognizer
    let analyzer: Analyzer
    /// In append mode: the commit the writer started from.
    let base: IndexReader?
    /// Ids to delete from the base commit, and documents of it to delete, by segment ordinal.
    var deleteIDs: [String] = []
    var deleteDocuments: [(segment: Int, documents: [Int32])] = []
    var forcedMaxSegments: Int?
    /// In append mode: merges of the base's segments that the policy asked for, running on a
    /// thread of their own while articles are added.
    let background = BackgroundMerges()

    /// Text bytes a segment takes at most, a backstop behind ``segmentMemory`` (which counts what
    /// its builder holds): its thread's share of the budget, and never more than 1.5 GiB, which
    /// keeps a segment's in-memory postings far below the 4 GiB its buffer can address.
    let textLimit: Int
    /// With the input's size known: the input bytes of each segment, equal shares per thread.
    let inputShare: Int?
    /// Text a segment must still have waiting for `shareTail` to take half of it.
    var shareTailMinimum = 4 * IndexWriter.feedBytes
    /// The size of the portions handed to segment threads (tests make it small).
    var portionBytes = IndexWriter.feedBytes
    /// Test hook: called on a segment's thread with the segment's number before each portion.
    var beforePortion: (@Sendable (Int) -> Void)?

    /// Opens `path` for building a new index, creating the directory if needed.
    ///
    /// - Throws: `NewsIndexError` when the directory cannot be created, holds files that are not
    ///   an index, or is locked by another writer.
    public init(path: String, options: Options = Options()) throws {
        directory = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        self.options = options
        entropy = WriterEntropy(options)
        slots = DispatchSemaphore(value: max(1, options.threads))
        textLimit = IndexWriter.textLimit(options)
        inputShare = IndexWriter.inputShare(options)
        unread = ByteGate(limit: textLimit)
        let hasManifest = try IndexWriter.prepareDirectory(directory)
        if options.mode == .append && !hasManifest {
            throw NewsIndexError(.indexNotFound, "no index at \(directory) to change.", remedy: .buildIndex(at: directory))
        }
        lock = try WriteLock(directory: directory)
        var previous: UInt64 = 0
        if options.mode == .append {
            if !options.entityDefinitions.isEmpty {
                throw NewsIndexError(.badInput, "the entity list of \(directory) was fixed when it was built.", remedy: .rebuildWithEntities)
            }
            let b = try IndexReader(path: directory)
            base = b
            analyzer = b.analyzer
            recognizer = b.recognizer
            previous = b.manifest.generation
        } else {
            var gazetteer = Gazetteer.builtin
            for d in options.entityDefinitions { try gazetteer.apply(d.text, source: d.source) }
            recognizer = Recognizer(gazetteer: gazetteer, analyzer: options.analyzer)
            analyzer = options.analyzer
            base = nil
            if hasManifest, let m = try? IndexWriter.readManifest(directory) { previous = m.generation }
        }
        // Generations only grow, so new file names never collide with the committed index's.
        generation = entropy.generation(after: previous)
        // Files of an unfinished earlier run are not referenced by any manifest: remove them.
        try removeUnreferencedFiles()
    }

    deinit {
        background.cancelled = true
        // A writer dropped without commit: the open segment is never written.
        if let segment = open {
            open = nil
            segment.queue.async { [slots, workers] in
                slots.signal()
                workers.leave()
            }
        }
        workers.wait()
        if !committed { for f in shared.withLock({ $0.writtenFiles }) { FileIO.remove(f) } }
    }

    /// Number of documents added so far.
    public private(set) var documentCount = 0

    /// Adds one article.
    ///
    /// - Parameters:
    ///   - article: the article to index.
    ///   - inputBytes: how many bytes of input the article was read from (its JSON line,
    ///   its text file), counted against ``Options/expectedInputBytes`` to cut the input into
    ///   equal segments; by default, the size of its text.
    /// - Throws: `NewsIndexError.Kind.badInput` when the article's id is empty or was already added
    ///   (the article is not indexed, the writer stays usable), or an I/O error while writing a segment.
    public func add(_ article: Article, inputBytes: Int? = nil) throws {
        precondition(!committed, "IndexWriter used after commit")
        if article.id.isEmpty { throw NewsIndexError(.badInput, "the document has an empty id") }
        var id = article.id
        guard id.withUTF8({ ids.insert($0, document: documentCount) }) == nil else {
            throw NewsIndexError(.badInput, "id \"\(article.id)\" was already used by an earlier document; ids must be unique")
        }
        if documentCount == 0, let base { startBackgroundMerges(base) }
        batch.append(article)
        let text = article.title.utf8.count + article.body.utf8.count + (article.setAside?.utf8.count ?? 0) + 64
        batchBytes += text
        batchInput += inputBytes ?? text
        documentCount += 1
        if batchBytes >= min(portionBytes, textLimit) || inputShare.map({ (open?.input ?? 0) + batchInput >= $0 }) == true {
            try feed()
        }
    }

    /// The number of the article added with this id (0 for the first article added, and so on),
    /// or nil when none was: where ``add(_:inputBytes:)`` refusing a repeated id can say which
    /// article used it first.
    public func documentNumber(ofID id: String) -> Int? {
        var id = id
        return id.withUTF8 { ids.document(of: $0) }
    }

    /// Deletes the article with this id from the index (in append mode), at commit.
    ///
    /// Deletions apply to the index as it was when the writer opened it.
    /// - Returns: whether the index has an article with this id (false: nothing to delete).
    /// - Throws: `NewsIndexError.Kind.corruptIndex` when an index file turns out damaged.
    @discardableResult
    public func delete(id: String) throws -> Bool {
        precondition(options.mode == .append, "IndexWriter.delete needs Options.mode = .append")
        guard let base else { return false }
        for seg in base.segments where try seg.liveDocument(id: id) != nil {
            deleteIDs.append(id)
            return true
        }
        return false
    }

    /// Deletes these documents of the index (as it was when the writer opened it) at commit, in
    /// append mode: `documents` are numbers local to the base's segment `segment` (its ordinal).
    func delete(documents: [Int32], inSegment segment: Int) {
        precondition(options.mode == .append, "IndexWriter.delete needs Options.mode = .append")
        if !documents.isEmpty { deleteDocuments.append((segment, documents)) }
    }

    /// Merges segments at commit until the index has at most `maxSegments` (in append mode), as
    /// far as the memory budget allows (a merge holds about 17 bytes per document of its
    /// sources, and one merge stays within about two thirds of ``Options/memoryBudget``);
    /// segments with deleted articles are rewritten without them.
    public func merge(maxSegments: Int) {
        precondition(options.mode == .append, "IndexWriter.merge needs Options.mode = .append")
        precondition(maxSegments >= 1, "maxSegments must be at least 1")
        forcedMaxSegments = maxSegments
    }

    /// Writes the last segment and atomically makes the new index the current one.
    ///
    /// In append mode, first marks the replaced and deleted articles and runs the merges.
    /// - Returns: what the committed index holds.
    /// - Throws: `NewsIndexError.Kind.inputNotFound` when building a new index and no document
    ///   was added (the existing index is left as it was), or an I/O error.
    @discardableResult
    public func commit() throws -> Summary {
        precondition(!committed, "IndexWriter committed twice")
        guard documentCount > 0 || options.mode == .append else {
            throw NewsIndexError(.inputNotFound, "no documents were indexed, so the index at \(directory) was left unchanged")
        }
        try feed()
        close()
        shareTail()
        workers.wait()
        try rethrowFailure()
        FreeMemory.giveBack()   // the builders' memory, before the merges
        // Segments in input order, so document numbers follow the input.
        let added = shared.withLock { $0.finished }.sorted { $0.order < $1.order }.map(\.segment)
        // Copy groups before merges and deletions: the new documents are compared with every live
        // one, an updated article's old version included.
        let groupFiles = try CopyGroups.assign(added, base: base?.segments ?? [], directory: directory)
        shared.withLock { $0.writtenFiles += groupFiles }
        var segments = added
        var deleted = 0, merged = 0
        if let base {
            (segments, deleted, merged) = try changeSegments(base, added: added)
        } else {
            (segments, merged) = try mergeBuilt(added)
        }
        // Once the new manifest is in place the commit has happened: from then on nothing it
        // refers to may be removed, whatever fails afterwards.
        try writeManifest(segments)
        committed = true
        defer { lock = nil }
        try FileIO.syncDirectory(directory)
        // Files of the previous commit: what is left here, the next writer removes.
        try? removeUnreferencedFiles()
        let bytes = indexBytes()
        lock = nil
        var summary = Summary(documentCount: segments.reduce(0) { $0 + $1.liveCount }, segmentCount: segments.count, indexBytes: bytes)
        summary.addedCount = documentCount
        summary.deletedCount = deleted
        summary.mergedSegmentCount = merged
        return summary
    }
}
