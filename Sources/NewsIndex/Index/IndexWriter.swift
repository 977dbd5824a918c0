import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NewsIndexCore
import NewsIndexAnalysis
import NewsIndexQuery

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
    /// What a writer does with the index already at its path.
    public enum Mode: Sendable {
        /// Build a new index; at commit it replaces whatever index was there.
        case create
        /// Change the existing index (which must exist): add, replace, delete and merge. The
        /// index's own analyzer and entity list are used.
        case append
    }

    /// How a writer builds the index.
    public struct Options: Sendable {
        /// Whether to build a new index or change the existing one (default: build a new one).
        public var mode: Mode = .create
        /// The analyzer applied to every indexed field (stored in the index; searches use it too).
        public var analyzer: Analyzer = .news
        /// Approximate bytes of memory for the segments being built (their in-memory postings and
        /// compressed articles): each of the ``threads`` segments takes the text of about two
        /// thirds of its share before it is written. Input is read in small portions at most one
        /// segment's text ahead of inversion, so the input's size does not matter.
        public var memoryBudget: Int = 256 << 20
        /// Segments built at the same time, each on a thread of its own (default: one per core).
        /// With ``expectedInputBytes`` given, the input is cut into one segment per thread, sized
        /// so that the threads finish together; when one still lags at the end, ``commit()`` writes
        /// the last of its articles as a small segment of their own, on the calling thread.
        public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
        /// The size of the input in bytes, if known (0 when not): the writer then cuts it by input
        /// size (as ``add(_:inputBytes:)`` reports it) into one segment per thread, unless the
        /// memory budget asks for more.
        public var expectedInputBytes: Int = 0
        /// Entity definitions to add to (or override in) the built-in list, in the entities-file
        /// format, each with a name for error messages (usually the file's path).
        public var entityDefinitions: [(source: String, text: String)] = []
        /// Called now and then while the merges asked for by ``IndexWriter/merge(maxSegments:)``
        /// run, on the thread that calls ``IndexWriter/commit()``, with the documents written so
        /// far and in all (for a progress display).
        public var mergeProgress: (@Sendable (_ merged: Int, _ total: Int) -> Void)?
        /// Creates the default options.
        public init() {}
    }

    /// What a commit wrote.
    public struct Summary: Sendable, Equatable {
        /// Documents in the committed index.
        public var documentCount: Int
        /// Segments in the committed index.
        public var segmentCount: Int
        /// Total size of the index files in bytes.
        public var indexBytes: Int
        /// Articles this commit added (replacements included).
        public var addedCount: Int = 0
        /// Articles this commit removed: deleted, or replaced by an added article with the same id.
        public var deletedCount: Int = 0
        /// Segments merged into others by this commit.
        public var mergedSegmentCount: Int = 0
    }

    private let directory: String
    private let options: Options
    private var lock: WriteLock?
    /// Articles waiting to be inverted, in input order, and their text size.
    private var batch: [Article] = []
    private var batchBytes = 0
    /// Input bytes the waiting articles were read from.
    private var batchInput = 0
    private var segmentsOpened = 0
    /// The segment articles are fed to, if one is open.
    private var open: OpenSegment?
    /// What the segment threads report back. They hold this, never the writer, so a writer
    /// dropped without commit goes away at once and removes what it wrote.
    private let shared = Shared()
    private let workers = DispatchGroup()
    private let slots: DispatchSemaphore
    /// Text read but not yet inverted: reading runs at most one segment's text ahead of inversion,
    /// enough to keep every thread busy with a segment of its own.
    private let unread: ByteGate
    /// The ids added so far, as bytes: the index compares ids byte for byte (two spellings of
    /// "café" are two ids), where Swift's `String` equality would make them one.
    private var ids = ByteKeyTable()
    private let generation: UInt64
    private var committed = false
    private let recognizer: Recognizer
    private let analyzer: Analyzer
    /// In append mode: the commit the writer started from.
    private let base: IndexReader?
    /// Ids to delete from the base commit, and documents of it a query matched (global numbers).
    private var deleteIDs: [String] = []
    private var deleteDocuments: [Int] = []
    private var forcedMaxSegments: Int?
    /// In append mode: merges of the base's segments that the policy asked for, running on a
    /// thread of their own while articles are added.
    private let background = BackgroundMerges()

    /// Opens `path` for building a new index, creating the directory if needed.
    ///
    /// - Throws: `NewsIndexError` when the directory cannot be created, holds files that are not
    ///   an index, or is locked by another writer.
    public init(path: String, options: Options = Options()) throws {
        directory = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        self.options = options
        slots = DispatchSemaphore(value: max(1, options.threads))
        textLimit = IndexWriter.textLimit(options)
        inputShare = IndexWriter.inputShare(options)
        unread = ByteGate(limit: textLimit)
        if FileIO.exists(directory) && !FileIO.isDirectory(directory) {
            throw NewsIndexError(.io, "\(directory) exists and is not a directory.", remedy: .chooseIndexLocation)
        }
        try FileIO.makeDirectory(directory)
        let existing = try FileIO.listDirectory(directory)
        let hasManifest = existing.contains(FormatConstants.manifestName)
        let foreign = existing.filter { !IndexWriter.isIndexFile($0) }
        if !hasManifest && !foreign.isEmpty {
            throw NewsIndexError(.io, "\(directory) is not empty and holds no newsindex index (found \(foreign.prefix(3).joined(separator: ", "))).", remedy: .chooseIndexLocation)
        }
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
        generation = max(previous + 1, UInt64(time(nil)) << 20 | UInt64.random(in: 0..<(1 << 20)))
        // Files of an unfinished earlier run are not referenced by any manifest: remove them.
        try removeUnreferencedFiles()
    }

    /// Starts the merges the policy asks for among the base's segments, on a thread of their own
    /// (when the first article is added: a writer that only deletes or merges does not need them).
    private func startBackgroundMerges(_ base: IndexReader) {
        let threads = max(1, options.threads)
        let candidates = base.segments.map { seg in
            MergePolicy.Candidate(live: seg.liveCount, docCount: seg.docCount, textBytes: seg.liveTextBytes)
        }
        let ranges = MergePolicy.select(candidates, maxText: max(1, options.memoryBudget * 2 / 3 / threads))
        guard !ranges.isEmpty else { return }
        workers.enter()
        let name = "g\(String(generation, radix: 36))_m"
        DispatchQueue.global().async { [directory, analyzer, recognizer, workers, shared, background] in
            defer { workers.leave() }
            do {
                for (k, range) in ranges.enumerated() {
                    if background.cancelled { return }
                    let sources = try base.segments[range].map { try WorkingSegment(entry: $0.entry, reader: $0) }
                    let (entry, paths) = try SegmentMerger.merge(sources, directory: directory, name: name + "\(k)",
                                                                 analyzer: analyzer, recognizer: recognizer) {
                        // A writer dropped without commit stops its merge at once.
                        if background.cancelled { throw CancellationError() }
                    }
                    shared.withLock { $0.writtenFiles += paths }
                    background.append(range, entry)
                }
            } catch is CancellationError {
                return
            } catch {
                shared.withLock { if $0.failure == nil { $0.failure = error } }
            }
        }
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

    static func isIndexFile(_ name: String) -> Bool {
        if name == FormatConstants.manifestName || name == FormatConstants.manifestName + ".tmp" || name == FormatConstants.lockName {
            return true
        }
        guard name.hasPrefix("g"), let dot = name.lastIndex(of: ".") else { return false }
        let ext = String(name[name.index(after: dot)...])
        return ext == FileType.deletes.fileExtension || FileType.segmentFiles.contains { $0.fileExtension == ext }
    }

    static func readManifest(_ directory: String) throws -> Manifest {
        let path = directory + "/" + FormatConstants.manifestName
        let mapped = try MappedFile(path: path)
        return try withExtendedLifetime(mapped) { try Manifest.decode(mapped.bytes, file: path) }
    }

    private func removeUnreferencedFiles() throws {
        var keep: Set<String> = [FormatConstants.manifestName, FormatConstants.lockName]
        if let m = try? IndexWriter.readManifest(directory) {
            for s in m.segments { keep.formUnion(s.fileNames) }
        } else if FileIO.exists(directory + "/" + FormatConstants.manifestName) {
            return // a damaged manifest: leave every file alone
        }
        for name in try FileIO.listDirectory(directory) where IndexWriter.isIndexFile(name) && !keep.contains(name) {
            FileIO.remove(directory + "/" + name)
        }
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
        guard id.withUTF8({ ids.insert(tag: 0, $0).isNew }) else {
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

    /// Text bytes a segment takes at most: a segment in flight holds its inversion and its
    /// compressed stored articles, together about 1.5 times its text, so the segments being built
    /// stay within the budget; and never more than 1.5 GiB, which keeps a segment's in-memory
    /// postings far below the 4 GiB its buffer can address.
    private let textLimit: Int
    /// With the input's size known: the input bytes of each segment, equal shares per thread.
    private let inputShare: Int?

    private static func textLimit(_ options: Options) -> Int {
        max(1, min(options.memoryBudget * 2 / (3 * max(1, options.threads)), 3 << 29))
    }

    private static func inputShare(_ options: Options) -> Int? {
        let expected = options.expectedInputBytes
        guard expected > 0 else { return nil }
        // A share per thread of a tenth more than the input: a segment starts only once the input
        // before it is read, so the earlier ones, a little larger, finish with the last, which
        // takes the remainder. A large input makes more segments through the text limit.
        return max(1, (expected + expected / 10) / max(1, options.threads))
    }

    /// Articles go to the inverting thread in portions of about this many bytes, so it starts
    /// while the input is still being read.
    static let feedBytes = 1 << 20

    /// Hands the waiting articles to the open segment's thread (opening a segment first, waiting
    /// while ``Options/threads`` segments are being built), and closes the segment once it holds
    /// its share of the memory budget.
    private func feed() throws {
        try rethrowFailure()
        guard !batch.isEmpty else { return }
        let segment: OpenSegment
        if let open { segment = open } else {
            slots.wait()
            workers.enter()
            let index = segmentsOpened
            segmentsOpened += 1
            segment = OpenSegment(index: index, name: "g\(String(generation, radix: 36))_\(index)",
                                  builder: SegmentBuilder(segmentID: UInt64.random(in: 1...UInt64.max),
                                                          analyzer: analyzer, recognizer: recognizer))
            shared.withLock { $0.building.append(segment) }
            open = segment
        }
        segment.bytes += batchBytes
        segment.input += batchInput
        let bytes = batchBytes
        unread.enter(bytes)
        segment.append(batch, bytes: bytes)
        // One step per portion: it inverts the first portion still waiting (none when the tail of
        // the segment was taken over, see `shareTail`).
        segment.queue.async { [unread, beforePortion] in
            beforePortion?(segment.index)
            guard let (articles, bytes) = segment.takeFirst() else { return }
            for a in articles { segment.builder.add(a) }
            unread.leave(bytes)
        }
        batch = []
        batchBytes = 0
        batchInput = 0
        if segment.bytes >= textLimit || inputShare.map({ segment.input >= $0 }) == true { close() }
    }

    /// Once all the input is handed out: while a segment thread has finished and another segment
    /// still has portions waiting, this thread takes the last half of them (by text) and writes
    /// them as a segment of its own, placed right after that segment. Segments of uneven speed
    /// (their text differs, or the threads got unequal shares of the cores while the input was
    /// read) then finish together instead of leaving one core idle at the end.
    private func shareTail() {
        while true {
            slots.wait()   // a core is free
            defer { slots.signal() }
            if shared.withLock({ $0.failure != nil }) { return }
            guard let victim = shared.withLock({ $0.building }).max(by: { $0.waitingBytes < $1.waitingBytes }),
                  let tail = victim.takeTail(minimum: shareTailMinimum) else { return }
            victim.tailsTaken += 1
            let name = victim.name + "t\(victim.tailsTaken)"
            let builder = SegmentBuilder(segmentID: UInt64.random(in: 1...UInt64.max), analyzer: analyzer, recognizer: recognizer)
            for (articles, bytes) in tail {
                for a in articles { builder.add(a) }
                unread.leave(bytes)
            }
            do {
                let paths = try builder.flush(directory: directory, name: name)
                let info = Manifest.Segment(name: name, id: builder.segmentID, docCount: builder.docCount)
                // After the segment it came from, before the tails taken from it earlier.
                shared.withLock {
                    $0.finished.append(((victim.index, Int.max - victim.tailsTaken), info))
                    $0.writtenFiles += paths
                }
            } catch {
                shared.withLock { if $0.failure == nil { $0.failure = error } }
                return
            }
        }
    }

    /// Text a segment must still have waiting for `shareTail` to take half of it.
    var shareTailMinimum = 4 * IndexWriter.feedBytes
    /// The size of the portions handed to segment threads (tests make it small).
    var portionBytes = IndexWriter.feedBytes
    /// Test hook: called on a segment's thread with the segment's number before each portion.
    var beforePortion: (@Sendable (Int) -> Void)?

    /// Writes the open segment's files on its thread once its articles are inverted.
    private func close() {
        guard let segment = open else { return }
        open = nil
        segment.queue.async { [directory, slots, workers, shared] in
            defer {
                // Done: its memory goes with it.
                shared.withLock { $0.building.removeAll { $0 === segment } }
                slots.signal()
                workers.leave()
            }
            do {
                let paths = try segment.builder.flush(directory: directory, name: segment.name)
                let info = Manifest.Segment(name: segment.name, id: segment.builder.segmentID, docCount: segment.builder.docCount)
                shared.withLock {
                    $0.finished.append(((segment.index, 0), info))
                    $0.writtenFiles += paths
                }
            } catch {
                shared.withLock { if $0.failure == nil { $0.failure = error } }
            }
        }
    }

    private func rethrowFailure() throws {
        if let e = shared.withLock({ $0.failure }) { throw e }
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

    /// Deletes every article of the index (as it was when the writer opened it) that `query`
    /// matches, at commit (in append mode); returns how many match.
    ///
    /// - Throws: `NewsIndexError.Kind.badQuery` as ``IndexReader/search(_:options:)`` does.
    @discardableResult
    public func delete(matching query: Query) throws -> Int {
        precondition(options.mode == .append, "IndexWriter.delete needs Options.mode = .append")
        guard let base else { return 0 }
        let plan = try base.plan(query, options: SearchOptions())
        var n = 0
        for seg in base.segments {
            try base.forEachMatch(plan, in: seg) { d in
                deleteDocuments.append(seg.docBase + Int(d))
                n += 1
            }
        }
        return n
    }

    /// Merges segments at commit until the index has at most `maxSegments` (in append mode), as
    /// far as the memory budget allows (a merge holds its segment in memory, so the text of one
    /// merged segment stays within about two thirds of ``Options/memoryBudget``); segments with
    /// deleted articles are rewritten without them.
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
        // Segments in input order, so document numbers follow the input.
        let added = shared.withLock { $0.finished }.sorted { $0.order < $1.order }.map(\.segment)
        var segments = added
        var deleted = 0, merged = 0
        if let base {
            (segments, deleted, merged) = try changeSegments(base, added: added)
        }
        try FileIO.syncDirectory(directory)
        let manifest = Manifest(generation: generation, analyzer: analyzer.name,
                                createdBy: "newsindex \(NewsIndexVersion.string)", entities: recognizer.gazetteer.text,
                                segments: segments)
        // Once the new manifest is in place the commit has happened: from then on nothing it
        // refers to may be removed, whatever fails afterwards.
        let manifestPath = directory + "/" + FormatConstants.manifestName
        try FileIO.writeFile(manifestPath + ".tmp", manifest.encode())
        try FileIO.move(manifestPath + ".tmp", over: manifestPath)
        committed = true
        defer { lock = nil }
        try FileIO.syncDirectory(directory)
        // Files of the previous commit: what is left here, the next writer removes.
        try? removeUnreferencedFiles()
        var bytes = 0
        for name in (try? FileIO.listDirectory(directory)) ?? [] where name != FormatConstants.lockName {
            var st = stat()
            if stat(directory + "/" + name, &st) == 0 { bytes += Int(st.st_size) }
        }
        lock = nil
        var summary = Summary(documentCount: segments.reduce(0) { $0 + $1.liveCount }, segmentCount: segments.count, indexBytes: bytes)
        summary.addedCount = documentCount
        summary.deletedCount = deleted
        summary.mergedSegmentCount = merged
        return summary
    }

    /// Append mode: the segments of the new commit (the base's, with the replaced and deleted
    /// articles marked, then the added ones, then merges), how many articles were deleted, and
    /// how many segments were merged away. Writes the deletion files and merged segments.
    private func changeSegments(_ base: IndexReader, added: [Manifest.Segment]) throws -> ([Manifest.Segment], Int, Int) {
        var work: [WorkingSegment] = []
        for seg in base.segments { work.append(try WorkingSegment(entry: seg.entry, reader: seg)) }
        // Replaced articles (ids added again) and deleted ones.
        let replaced = (0..<ids.count).map { k in ids.withKey(k) { String(decoding: $0.dropFirst(), as: UTF8.self) } }
        for id in replaced + deleteIDs {
            for w in work {
                if let d = try w.reader.liveDocument(id: id) { w.delete(d) }
            }
        }
        for g in deleteDocuments {
            let (seg, local) = base.locate(g)
            work[seg.ordinal].delete(local)
        }
        let deleted = work.reduce(0) { $0 + $1.newlyDeleted.count }
        var backgroundMerged = 0
        // The merges that ran while articles were added replace their sources; the documents this
        // commit deletes from the sources are deleted from the merged segment instead.
        for (range, entry) in background.finished.reversed() {
            let merged = try WorkingSegment(entry: entry, reader: try SegmentReader(directory: directory, entry: entry, docBase: 0))
            var next = 0
            for source in work[range] {
                for d in 0..<source.entry.docCount where !source.reader.isDeleted(Int32(d)) {
                    if source.newlyDeleted.contains(d) { merged.delete(next) }
                    next += 1
                }
            }
            precondition(next == entry.docCount, "a merged segment does not hold its sources' live documents")
            work.replaceSubrange(range, with: [merged])
            backgroundMerged += range.count - 1
        }
        for entry in added {
            let reader = try SegmentReader(directory: directory, entry: entry, docBase: 0)
            work.append(try WorkingSegment(entry: entry, reader: reader))
        }
        // Merges, level by level, until the policy asks for none.
        let threads = max(1, options.threads)
        let maxText = max(1, options.memoryBudget * 2 / 3)
        var mergedAway = backgroundMerged
        var round = 0
        while true {
            let candidates = work.map(\.candidate)
            let ranges: [Range<Int>]
            if let n = forcedMaxSegments {
                ranges = round == 0 ? MergePolicy.force(candidates, maxSegments: n, maxText: maxText) : []
            } else {
                ranges = MergePolicy.select(candidates, maxText: maxText / threads)
            }
            if ranges.isEmpty { break }
            round += 1
            let results = Locked([Result<(Manifest.Segment, [String]), Error>?](repeating: nil, count: ranges.count))
            let names = ranges.map { _ -> String in
                defer { segmentsOpened += 1 }
                return "g\(String(generation, radix: 36))_\(segmentsOpened)"
            }
            let run: @Sendable (Int) -> Void = { [directory, analyzer, recognizer, work] (k: Int) in
                let sources = Array(work[ranges[k]])
                let r: Result<(Manifest.Segment, [String]), Error>
                if sources.allSatisfy({ $0.live == 0 }) {
                    r = .success((Manifest.Segment(name: "", id: 0, docCount: 0), []))
                } else {
                    r = Result { try SegmentMerger.merge(sources, directory: directory, name: names[k], analyzer: analyzer, recognizer: recognizer) }
                }
                results.withLock { $0[k] = r }
            }
            if forcedMaxSegments != nil {
                // One at a time: each may use the whole budget.
                let total = ranges.reduce(0) { n, r in n + work[r].reduce(0) { $0 + $1.live } }
                var done = 0
                for k in ranges.indices {
                    let sources = Array(work[ranges[k]])
                    guard !sources.allSatisfy({ $0.live == 0 }) else { run(k); continue }
                    let r = Result {
                        try SegmentMerger.merge(sources, directory: directory, name: names[k], analyzer: analyzer, recognizer: recognizer) {
                            done += 1
                            if done % 1000 == 0 { self.options.mergeProgress?(done, total) }
                        }
                    }
                    results.withLock { $0[k] = r }
                }
                options.mergeProgress?(done, total)
            } else {
                DispatchQueue.concurrentPerform(iterations: ranges.count, execute: run)
            }
            let finished = results.withLock { $0 }
            var next: [WorkingSegment] = []
            var at = 0
            // Every merge that finished counts among the files to remove should the commit fail.
            for case .success(let (_, paths))? in finished { shared.withLock { $0.writtenFiles += paths } }
            for (k, range) in ranges.enumerated() {
                next.append(contentsOf: work[at..<range.lowerBound])
                at = range.upperBound
                let (entry, _) = try finished[k]!.get()
                mergedAway += range.count - (entry.docCount > 0 ? 1 : 0)
                if entry.docCount > 0 {
                    next.append(try WorkingSegment(entry: entry, reader: try SegmentReader(directory: directory, entry: entry, docBase: 0)))
                }
            }
            next.append(contentsOf: work[at...])
            work = next
        }
        // Deletion files of the base's segments that are left.
        var out: [Manifest.Segment] = []
        for w in work {
            // A segment whose every document is deleted is dropped.
            guard w.live > 0 else { continue }
            try w.applyDeletions(analyzer: analyzer, recognizer: recognizer)
            if let d = w.deleted, d.count != w.entry.deletedCount {
                w.entry.deletedCount = d.count
                w.entry.deletesGeneration = generation
                let path = directory + "/" + w.entry.deletesFileName!
                try FileIO.writeFile(path, d.encode(segmentID: w.entry.id, docCount: w.entry.docCount))
                shared.withLock { $0.writtenFiles.append(path) }
            }
            out.append(w.entry)
        }
        return (out, deleted, mergedAway)
    }
}

/// The library's version.
public enum NewsIndexVersion {
    /// The version string, e.g. "0.1.0".
    public static let string = "0.1.0"
}

/// Merges running while a writer adds articles: the finished ones, in order of their ranges.
private final class BackgroundMerges: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [(Range<Int>, Manifest.Segment)] = []
    private var stop = false

    var cancelled: Bool {
        get { lock.lock(); defer { lock.unlock() }; return stop }
        set { lock.lock(); stop = newValue; lock.unlock() }
    }

    func append(_ range: Range<Int>, _ entry: Manifest.Segment) {
        lock.lock()
        results.append((range, entry))
        lock.unlock()
    }

    var finished: [(Range<Int>, Manifest.Segment)] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}

/// The segment threads' results, behind a lock.
private final class Shared: @unchecked Sendable {
    struct State {
        /// Written segments, by their place in the input: (segment number, 0) for a segment, and
        /// a tail taken from it (by `shareTail`) after it, later tails before earlier ones.
        var finished: [(order: (Int, Int), segment: Manifest.Segment)] = []
        /// The segments opened so far (a finished one has nothing waiting).
        var building: [OpenSegment] = []
        var writtenFiles: [String] = []
        var failure: Error?
    }
    private let lock = NSLock()
    private var state = State()

    func withLock<R>(_ body: (inout State) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }
}

/// Counts bytes handed to other threads and makes the giver wait while more than `limit` are out
/// (a single portion larger than the limit still passes when nothing else is out).
private final class ByteGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var out = 0
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func enter(_ n: Int) {
        condition.lock()
        while out > 0 && out + n > limit { condition.wait() }
        out += n
        condition.unlock()
    }

    func leave(_ n: Int) {
        condition.lock()
        out -= n
        condition.broadcast()
        condition.unlock()
    }
}

/// A segment being built: its builder runs on a serial queue of its own, fed in input order.
/// The portions of articles handed to it wait in `waiting` until its queue takes the first one;
/// at the end, another thread may take the last ones (``takeTail(minimum:)``).
private final class OpenSegment: @unchecked Sendable {
    let index: Int
    let name: String
    let builder: SegmentBuilder
    let queue = DispatchQueue(label: "newsindex.segment")
    /// Bytes of text handed to the builder so far, and the input bytes they came from (touched by
    /// the feeding thread only).
    var bytes = 0
    var input = 0
    /// Tails taken from this segment so far (touched by the committing thread only).
    var tailsTaken = 0
    private let lock = NSLock()
    private var waiting: [(articles: [Article], bytes: Int)] = []
    private var first = 0
    private var waitingText = 0

    /// Text of the portions not yet taken.
    var waitingBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return waitingText
    }

    func append(_ articles: [Article], bytes: Int) {
        lock.lock()
        waiting.append((articles, bytes))
        waitingText += bytes
        lock.unlock()
    }

    /// The first portion still waiting.
    func takeFirst() -> (articles: [Article], bytes: Int)? {
        lock.lock()
        defer { lock.unlock() }
        guard first < waiting.count else { return nil }
        let portion = waiting[first]
        waiting[first] = ([], 0)
        first += 1
        waitingText -= portion.bytes
        return portion
    }

    /// The last portions waiting, about half their text, when at least `minimum` bytes wait.
    func takeTail(minimum: Int) -> [(articles: [Article], bytes: Int)]? {
        lock.lock()
        defer { lock.unlock() }
        guard waitingText >= minimum else { return nil }
        var cut = waiting.count, text = 0
        while cut > first + 1 && 2 * (text + waiting[cut - 1].bytes) <= waitingText {
            cut -= 1
            text += waiting[cut].bytes
        }
        guard cut < waiting.count else { return nil }
        let tail = Array(waiting[cut...])
        waiting.removeSubrange(cut...)
        waitingText -= text
        return tail
    }

    init(index: Int, name: String, builder: SegmentBuilder) {
        self.index = index
        self.name = name
        self.builder = builder
    }
}
