import Foundation
import NewsIndexCore

/// Append mode at commit: the base's segments with the replaced and deleted articles marked, the
/// merges that ran in the background and those the policy asks for now, and the deletion files.
extension IndexWriter {
    /// Starts the merges the policy asks for among the base's segments, on a thread of their own
    /// (when the first article is added: a writer that only deletes or merges does not need them).
    func startBackgroundMerges(_ base: IndexReader) {
        let threads = max(1, options.threads)
        let candidates = base.segments.map { seg in
            MergePolicy.Candidate(live: seg.liveCount, docCount: seg.docCount)
        }
        let ranges = MergePolicy.select(candidates, maxBytes: max(1, options.memoryBudget * 2 / 3 / threads))
        guard !ranges.isEmpty, options.mergesSegments else { return }
        workers.enter()
        let name = "g\(String(generation, radix: 36))_m"
        DispatchQueue.global().async { [directory, workers, shared, background, entropy] in
            defer { workers.leave() }
            do {
                for (k, range) in ranges.enumerated() {
                    if background.cancelled { return }
                    let sources = try base.segments[range].map { try WorkingSegment(entry: $0.entry, reader: $0) }
                    let (entry, paths) = try SegmentMerger.merge(sources, directory: directory, name: name + "\(k)",
                                                                 segmentID: entropy.segmentID(name: name + "\(k)")) {
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

    /// Append mode: the segments of the new commit (the base's, with the replaced and deleted
    /// articles marked, then the added ones, then merges), how many articles were deleted, and
    /// how many segments were merged away. Writes the deletion files and merged segments.
    func changeSegments(_ base: IndexReader, added: [Manifest.Segment]) throws -> ([Manifest.Segment], Int, Int) {
        var work = try base.segments.map { try WorkingSegment(entry: $0.entry, reader: $0) }
        let addedWork = try added.map { entry in
            try WorkingSegment(entry: entry, reader: try SegmentReader(directory: directory, entry: entry, docBase: 0, verify: false))
        }
        try markDeletions(in: work, replacedBy: addedWork)
        let deleted = work.reduce(0) { $0 + $1.newlyDeleted.count }
        var mergedAway = try takeBackgroundMerges(into: &work)
        work += addedWork
        mergedAway += try runMerges(&work)
        return (try writeDeletions(work), deleted, mergedAway)
    }

    /// Build mode: the segments written, merged as the policy asks and then down to
    /// ``MergePolicy/segmentsAfterBuild`` (as far as the merge memory allows), so a large build
    /// ends with a few segments, not one per memory's worth of articles; and how many were
    /// merged away.
    func mergeBuilt(_ added: [Manifest.Segment]) throws -> ([Manifest.Segment], Int) {
        guard added.count > 1, options.mergesSegments else { return (added, 0) }
        var work = try added.map { entry in
            try WorkingSegment(entry: entry, reader: try SegmentReader(directory: directory, entry: entry, docBase: 0, verify: false))
        }
        var mergedAway = try runMerges(&work)
        if work.count > MergePolicy.segmentsAfterBuild {
            forcedMaxSegments = MergePolicy.segmentsAfterBuild
            defer { forcedMaxSegments = nil }
            mergedAway += try runMerges(&work)
        }
        return (work.map(\.entry), mergedAway)
    }

    /// Marks the replaced articles (ids added again) and the deleted ones in the base's segments.
    /// The ids added are read back from the id field of the segments written (`added`), a term
    /// at a time: the writer keeps only their fingerprints.
    private func markDeletions(in work: [WorkingSegment], replacedBy added: [WorkingSegment]) throws {
        func delete(_ id: String) throws {
            for w in work {
                if let d = try w.reader.liveDocument(id: id) { w.delete(d) }
            }
        }
        let tag = IndexedField.id.rawValue
        for a in added {
            try a.reader.scanTerms(from: [tag]) { key, _ in
                guard key.first == tag else { return false }
                try delete(String(decoding: key.dropFirst(), as: UTF8.self))
                return true
            }
        }
        for id in deleteIDs { try delete(id) }
        for (segment, documents) in deleteDocuments {
            for d in documents { work[segment].delete(Int(d)) }
        }
    }

    /// The merges that ran while articles were added replace their sources; the documents this
    /// commit deletes from the sources are deleted from the merged segment instead. Returns the
    /// number of segments merged away.
    private func takeBackgroundMerges(into work: inout [WorkingSegment]) throws -> Int {
        var mergedAway = 0
        for (range, entry) in background.finished.reversed() {
            let merged = try WorkingSegment(entry: entry, reader: try SegmentReader(directory: directory, entry: entry, docBase: 0, verify: false))
            var next = 0
            for source in work[range] {
                for d in 0..<source.entry.docCount where !source.reader.isDeleted(Int32(d)) {
                    if source.newlyDeleted.contains(d) { merged.delete(next) }
                    next += 1
                }
            }
            precondition(next == entry.docCount, "a merged segment does not hold its sources' live documents")
            work.replaceSubrange(range, with: [merged])
            mergedAway += range.count - 1
        }
        return mergedAway
    }

    /// Merges, level by level, until the policy asks for none (or once, down to the number
    /// ``merge(maxSegments:)`` asked for). Returns the number of segments merged away.
    private func runMerges(_ work: inout [WorkingSegment]) throws -> Int {
        let threads = max(1, options.threads)
        let maxBytes = max(1, options.memoryBudget * 2 / 3)
        var mergedAway = 0
        var round = 0
        while true {
            let candidates = work.map(\.candidate)
            let ranges: [Range<Int>]
            if let n = forcedMaxSegments {
                ranges = round == 0 ? MergePolicy.force(candidates, maxSegments: n, maxBytes: maxBytes) : []
            } else {
                ranges = options.mergesSegments ? MergePolicy.select(candidates, maxBytes: maxBytes / threads) : []
            }
            if ranges.isEmpty { break }
            round += 1
            let finished = mergeRound(work, ranges)
            // Every merge that finished counts among the files to remove should the commit fail.
            for case .success(let (_, paths))? in finished { shared.withLock { $0.writtenFiles += paths } }
            var next: [WorkingSegment] = []
            var at = 0
            for (k, range) in ranges.enumerated() {
                next.append(contentsOf: work[at..<range.lowerBound])
                at = range.upperBound
                let (entry, _) = try finished[k]!.get()
                mergedAway += range.count - (entry.docCount > 0 ? 1 : 0)
                if entry.docCount > 0 {
                    next.append(try WorkingSegment(entry: entry, reader: try SegmentReader(directory: directory, entry: entry, docBase: 0, verify: false)))
                }
            }
            next.append(contentsOf: work[at...])
            work = next
        }
        return mergedAway
    }

    private typealias MergeResult = Result<(Manifest.Segment, [String]), Error>

    /// Merges each range of `work` into one segment: at the same time, or one after the other
    /// when ``merge(maxSegments:)`` asked for them (each may then use the whole budget). A range
    /// with no live document gives an empty entry.
    private func mergeRound(_ work: [WorkingSegment], _ ranges: [Range<Int>]) -> [MergeResult?] {
        let results = Locked([MergeResult?](repeating: nil, count: ranges.count))
        let names = ranges.map { _ -> String in
            defer { segmentsOpened += 1 }
            return "g\(String(generation, radix: 36))_\(segmentsOpened)"
        }
        let run: @Sendable (Int) -> Void = { [directory, entropy, work] (k: Int) in
            let sources = Array(work[ranges[k]])
            let r: MergeResult
            if sources.allSatisfy({ $0.live == 0 }) {
                r = .success((Manifest.Segment(name: "", id: 0, docCount: 0), []))
            } else {
                r = Result { try SegmentMerger.merge(sources, directory: directory, name: names[k], segmentID: entropy.segmentID(name: names[k])) }
            }
            results.withLock { $0[k] = r }
        }
        guard forcedMaxSegments != nil else {
            DispatchQueue.concurrentPerform(iterations: ranges.count, execute: run)
            return results.withLock { $0 }
        }
        let total = ranges.reduce(0) { n, r in n + work[r].reduce(0) { $0 + $1.live } }
        var done = 0
        for k in ranges.indices {
            let sources = Array(work[ranges[k]])
            guard !sources.allSatisfy({ $0.live == 0 }) else { run(k); continue }
            let r = Result {
                try SegmentMerger.merge(sources, directory: directory, name: names[k], segmentID: entropy.segmentID(name: names[k])) {
                    done += 1
                    if done % 1000 == 0 { self.options.mergeProgress?(done, total) }
                }
            }
            results.withLock { $0[k] = r }
        }
        options.mergeProgress?(done, total)
        return results.withLock { $0 }
    }

    /// Writes the deletion files of the segments that have new deletions; drops the segments
    /// whose every document is deleted. Returns the new commit's segments.
    private func writeDeletions(_ work: [WorkingSegment]) throws -> [Manifest.Segment] {
        var out: [Manifest.Segment] = []
        for w in work {
            guard w.live > 0 else { continue }
            try w.applyDeletions()
            if let d = w.deleted, d.count != w.entry.deletedCount {
                w.entry.deletedCount = d.count
                w.entry.deletesGeneration = generation
                let path = directory + "/" + w.entry.deletesFileName!
                try FileIO.writeFile(path, d.encode(segmentID: w.entry.id, docCount: w.entry.docCount))
                shared.withLock { $0.writtenFiles.append(path) }
            }
            out.append(w.entry)
        }
        return out
    }
}

/// Merges running while a writer adds articles: the finished ones, in order of their ranges.
// @unchecked Sendable: every field is behind `lock`.
final class BackgroundMerges: @unchecked Sendable {
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
