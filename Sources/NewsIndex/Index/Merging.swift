import Foundation

import NewsIndexAnalysis
/// Which segments to merge: adjacent runs, so documents keep their order.
///
/// The size-tiered rule: a segment's level is how many times its live document count can be
/// divided by ``factor`` before it falls below ``minimumDocuments`` (level 0 below it). Whenever
/// ``factor`` adjacent segments have the same level, they are merged into one, a level higher.
/// So each level holds fewer than `factor` segments in a row, and an index of N documents has
/// O(factor · log N) segments however many additions made it: a build whose memory filled seven
/// times ends with three segments. A merge copies postings (``SegmentMerger``), so what it holds
/// in memory grows with its documents (``bytesPerDocument``), not with their text; merges that
/// would hold more than the memory a merge may use (`maxBytes`) are cut to as many sources as
/// fit (at least two). A segment with more than half of its documents deleted is rewritten on
/// its own, which purges them.
package enum MergePolicy {
    static let factor = 3
    static let minimumDocuments = 1000
    /// The segments a build leaves at most (as far as `maxBytes` allows): after the tiered
    /// merges, the smallest neighbours are joined until no more are left.
    static let segmentsAfterBuild = 3
    /// What a merge holds in memory per document of its sources: a byte of norms per field, eight
    /// bytes of date and four of new document number.
    static let bytesPerDocument = IndexedField.allCases.count + 8 + 4

    /// One segment as the policy sees it.
    package struct Candidate {
        /// Documents not deleted.
        package var live: Int
        /// Documents in all.
        package var docCount: Int
        /// The bytes a merge of it holds in memory.
        package var mergeBytes: Int

        /// A segment of `live` of `docCount` documents, `mergeBytes` of memory to merge.
        package init(live: Int, docCount: Int, mergeBytes: Int) {
            (self.live, self.docCount, self.mergeBytes) = (live, docCount, mergeBytes)
        }

        /// A segment of `live` of `docCount` documents.
        package init(live: Int, docCount: Int) {
            self.init(live: live, docCount: docCount, mergeBytes: docCount * MergePolicy.bytesPerDocument)
        }
    }

    static func level(_ live: Int) -> Int {
        var l = 0, n = live
        while n >= minimumDocuments {
            n /= factor
            l += 1
        }
        return l
    }

    /// Non-overlapping index ranges to merge (each into one segment); merges that would hold more
    /// than `maxBytes` are left out.
    package static func select(_ segments: [Candidate], maxBytes: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        let levels = segments.map { level($0.live) }
        var i = 0
        while i + factor <= segments.count {
            let window = i..<(i + factor)
            guard window.allSatisfy({ levels[$0] == levels[i] }) else {
                i += 1
                continue
            }
            // The longest run from the window's start that fits the memory a merge may use.
            var end = i, bytes = 0
            while end < window.upperBound && bytes + segments[end].mergeBytes <= maxBytes {
                bytes += segments[end].mergeBytes
                end += 1
            }
            if end - i >= 2 {
                out.append(i..<end)
                i = end
            } else {
                i += 1
            }
        }
        for (k, s) in segments.enumerated() where s.docCount > 0 && (s.docCount - s.live) * 2 > s.docCount {
            if !out.contains(where: { $0.contains(k) }) && s.mergeBytes <= maxBytes { out.append(k..<(k + 1)) }
        }
        return out.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// Ranges that bring the index down to at most `maxSegments` segments (as far as `maxBytes`
    /// allows), and rewrite any segment with deletions. Adjacent groups with the smallest
    /// combined size are joined first, so the groups come out balanced.
    static func force(_ segments: [Candidate], maxSegments: Int, maxBytes: Int) -> [Range<Int>] {
        var groups = segments.indices.map { $0..<($0 + 1) }
        var size = segments.map(\.mergeBytes)
        while groups.count > max(1, maxSegments) {
            var best = -1
            for k in 0..<(groups.count - 1) where size[k] + size[k + 1] <= maxBytes {
                if best < 0 || size[k] + size[k + 1] < size[best] + size[best + 1] { best = k }
            }
            if best < 0 { break }
            groups[best] = groups[best].lowerBound..<groups[best + 1].upperBound
            size[best] += size[best + 1]
            groups.remove(at: best + 1)
            size.remove(at: best + 1)
        }
        return groups.filter { g in g.count > 1 || segments[g.lowerBound].live < segments[g.lowerBound].docCount }
    }
}

/// A segment as a writer sees it while committing: its reader and the deletions it will have.
// @unchecked Sendable: merge threads only read the segments of their own range; the committing thread changes them after joining those threads.
final class WorkingSegment: @unchecked Sendable {
    var entry: Manifest.Segment
    let reader: SegmentReader
    /// The segment's deletions after this commit (nil when it has none).
    var deleted: DeletedDocs?
    /// Local documents newly deleted by this commit.
    private(set) var newlyDeleted: Set<Int> = []

    init(entry: Manifest.Segment, reader: SegmentReader) throws {
        self.entry = entry
        self.reader = reader
        if let d = reader.deletes { deleted = try d.load(docCount: entry.docCount) }
    }

    var live: Int { entry.docCount - (deleted?.count ?? 0) - newlyDeleted.count }

    func isDeleted(_ doc: Int) -> Bool {
        deleted?.contains(doc) == true || newlyDeleted.contains(doc)
    }

    /// Marks a live document deleted (once).
    func delete(_ doc: Int) {
        guard !(deleted?.contains(doc) ?? false) else { return }
        newlyDeleted.insert(doc)
    }

    var candidate: MergePolicy.Candidate {
        MergePolicy.Candidate(live: live, docCount: entry.docCount)
    }

    /// Folds the new deletions into ``deleted``, with the statistics of the deleted documents
    /// (read from the segment's postings, ``SegmentReader/statistics(of:)``), ready to be written.
    func applyDeletions() throws {
        guard !newlyDeleted.isEmpty else { return }
        let docs = newlyDeleted.sorted()
        var d = deleted ?? DeletedDocs(docCount: entry.docCount)
        d.add(docs, stats: try reader.statistics(of: docs))
        deleted = d
        newlyDeleted = []
    }
}
