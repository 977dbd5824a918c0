import Foundation
import NewsIndexCore

/// Copy groups: which articles are copies of one story (the same wire copy republished, cut to
/// its lead, re-headlined or lightly edited), kept as a group number per document (`.grp`).
///
/// A commit compares each new document's ``CopySignature`` with those of every live document
/// of the index and of the other new documents. Candidates come from locality-sensitive hashing
/// with one bin per band: two documents are compared when some bin of theirs holds the same
/// minimum (with 32 bins, a pair whose Jaccard similarity is 0.2 is a candidate with probability
/// 1 − 0.8³² ≈ 0.999). A candidate pair is a copy when ``CopySignature/isCopy(of:)`` says so;
/// copies are joined transitively.
///
/// Groups are stable: a document keeps the group it got at its first commit through later
/// commits and merges. A new document that copies documents of the index joins the group of the
/// oldest of them (the first in index order); new documents that copy only each other form a
/// group named after the first of them; any other document is a group of its own. An article
/// added again under its id (an update) is compared while its old version is still live, so it
/// keeps its group when it is still a copy.
enum CopyGroups {
    /// Values shared by more documents than this are left out of the candidates: such a bin
    /// minimum is a phrase common to many bodies (a footer, a standard line), not a sign of a copy.
    static let maximumBucket = 64
    /// The documents of a bucket each other one is compared with.
    static let comparedPerBucket = 4

    /// Sorts (value << 32 | entry) keys appended in entry order by value, entries ascending within
    /// a value: a stable radix sort of the upper 32 bits, a byte at a time.
    static func sortByValue(_ keys: inout [UInt64], scratch: inout [UInt64]) {
        let n = keys.count
        guard n > 1 else { return }
        if scratch.count < n { scratch = [UInt64](repeating: 0, count: n) }
        var counts = [Int](repeating: 0, count: 256)
        keys.withUnsafeMutableBufferPointer { a in
            scratch.withUnsafeMutableBufferPointer { b in
                var src = a, dst = b
                for pass in 0..<4 {
                    let shift = UInt64(32 + 8 * pass)
                    for k in 0..<256 { counts[k] = 0 }
                    for i in 0..<n { counts[Int(truncatingIfNeeded: src[i] >> shift) & 255] += 1 }
                    var total = 0
                    for k in 0..<256 { let c = counts[k]; counts[k] = total; total += c }
                    for i in 0..<n {
                        let v = src[i], k = Int(truncatingIfNeeded: v >> shift) & 255
                        dst[counts[k]] = v
                        counts[k] += 1
                    }
                    swap(&src, &dst)
                }
                // Four passes: the sorted keys are back in `a`.
            }
        }
    }

    /// The group of a document that is no one's copy: a number made of where it was first
    /// written (segment id and document), unique in practice, never 0.
    static func ownGroup(segment: UInt64, doc: Int) -> UInt64 {
        CopySignature.mix(segment, UInt64(doc), 0x5354_4F52_4945_53) | 1
    }

    /// Compares the documents of the segments `added` (written, with their signatures, not yet
    /// committed) with each other and with the live documents of `base`, and writes each added
    /// segment's groups file. Returns the paths written.
    static func assign(_ added: [Manifest.Segment], base: [SegmentReader], directory: String) throws -> [String] {
        guard !added.isEmpty else { return [] }
        var table = Entries()
        for seg in base where seg.hasCopies {
            for d in 0..<seg.docCount where !seg.isDeleted(Int32(d)) {
                table.addBase(seg, d)
            }
        }
        let baseCount = table.count
        // The new segments' signatures, straight from their files.
        var sigFiles: [(MappedFile, CopyFiles.SignatureTable)] = []
        var firstEntry: [[Int32]] = []
        for entry in added {
            let sig = try MappedFile(path: directory + "/" + entry.name + "." + FileType.signatures.fileExtension)
            let t = try CopyFiles.readSignatures(sig.bytes, file: sig.path, segmentID: entry.id, docCount: entry.docCount)
            sigFiles.append((sig, t))
            var map = [Int32](repeating: -1, count: entry.docCount)
            for d in 0..<entry.docCount {
                if table.addNew(t, sig.bytes, d, group: ownGroup(segment: entry.id, doc: d)) { map[d] = Int32(table.count - 1) }
            }
            firstEntry.append(map)
        }
        table.join(newFrom: baseCount)
        var paths: [String] = []
        for (k, entry) in added.enumerated() {
            let groups = (0..<entry.docCount).map { d in
                firstEntry[k][d] >= 0 ? table.group(of: Int(firstEntry[k][d])) : ownGroup(segment: entry.id, doc: d)
            }
            let path = directory + "/" + entry.name + "." + FileType.groups.fileExtension
            try FileIO.writeFile(path, CopyFiles.writeGroups(segmentID: entry.id, groups: groups))
            paths.append(path)
        }
        withExtendedLifetime(sigFiles) {}
        return paths
    }

    /// The signed documents being compared, base first: their bin minimums (flat), shingle
    /// counts, groups, and a union-find forest over them.
    struct Entries {
        private(set) var minimums: [UInt32] = []
        private(set) var shingles: [UInt32] = []
        private var groups: [UInt64] = []
        private var parent: [Int32] = []
        var count: Int { shingles.count }

        mutating func addBase(_ seg: SegmentReader, _ d: Int) {
            guard let n = seg.appendMinimums(d, to: &minimums) else { return }
            shingles.append(n)
            groups.append(seg.groupID(d))
        }

        /// Adds new document `d` when it has a signature; returns whether it did.
        mutating func addNew(_ t: CopyFiles.SignatureTable, _ bytes: UnsafeRawBufferPointer, _ d: Int, group: UInt64) -> Bool {
            guard let n = t.append(d, in: bytes, to: &minimums) else { return false }
            shingles.append(n)
            groups.append(group)
            return true
        }

        private mutating func find(_ i: Int) -> Int { Entries.find(i, &parent) }

        private static func find(_ i: Int, _ parent: inout [Int32]) -> Int {
            var r = i
            while Int(parent[r]) != r { r = Int(parent[r]) }
            var j = i
            while Int(parent[j]) != r { let next = Int(parent[j]); parent[j] = Int32(r); j = next }
            return r
        }

        /// Joins copies where at least one of the two is new (at `newFrom` or later): the root of
        /// a set is its first entry, so a set's group is its oldest member's. The bins are split
        /// between two threads, each finding copies with a forest of its own; the pairs found are
        /// joined after.
        mutating func join(newFrom: Int) {
            let n = count
            parent = (0..<n).map { Int32($0) }
            guard newFrom < n else { return }
            let halves = [0..<(CopySignature.bins / 2), (CopySignature.bins / 2)..<CopySignature.bins]
            let found = Locked([[(Int32, Int32)]](repeating: [], count: halves.count))
            let (minimums, shingles) = (self.minimums, self.shingles)
            DispatchQueue.concurrentPerform(iterations: halves.count) { h in
                let pairs = Entries.copies(inBins: halves[h], minimums, shingles, newFrom: newFrom)
                found.withLock { $0[h] = pairs }
            }
            for pairs in found.withLock({ $0 }) {
                for (a, b) in pairs {
                    let ra = find(Int(a)), rb = find(Int(b))
                    if ra < rb { parent[rb] = Int32(ra) } else if rb < ra { parent[ra] = Int32(rb) }
                }
            }
        }

        /// The copies found in bins `bins` (one band per bin): pairs (a, b) with b new.
        private static func copies(inBins bins: Range<Int>, _ minimums: [UInt32], _ shingles: [UInt32], newFrom: Int) -> [(Int32, Int32)] {
            let n = shingles.count, width = CopySignature.bins
            var parent = (0..<n).map { Int32($0) }
            var out: [(Int32, Int32)] = []
            var keys: [UInt64] = [], scratch: [UInt64] = []
            keys.reserveCapacity(n)
            for band in bins {
                keys.removeAll(keepingCapacity: true)
                for i in 0..<n {
                    let v = minimums[i * width + band]
                    if v != CopySignature.empty { keys.append(UInt64(v) << 32 | UInt64(i)) }
                }
                CopyGroups.sortByValue(&keys, scratch: &scratch)
                var start = 0
                while start < keys.count {
                    var end = start + 1
                    while end < keys.count && keys[end] >> 32 == keys[start] >> 32 { end += 1 }
                    let size = end - start
                    if size >= 2 && size <= CopyGroups.maximumBucket && Int(truncatingIfNeeded: keys[end - 1] & 0xFFFF_FFFF) >= newFrom {
                        // Each document is compared with the first few of the bucket only: copies
                        // share most bins, so a pair this leaves out meets in another bin.
                        for x in start..<min(end, start + CopyGroups.comparedPerBucket) {
                            let a = Int(truncatingIfNeeded: keys[x] & 0xFFFF_FFFF)
                            for y in (x + 1)..<end {
                                let b = Int(truncatingIfNeeded: keys[y] & 0xFFFF_FFFF)
                                guard b >= newFrom else { continue }   // keys are sorted by entry within a value
                                let ra = find(a, &parent), rb = find(b, &parent)
                                if ra == rb || !isCopy(a, b, minimums, shingles) { continue }
                                if ra < rb { parent[rb] = Int32(ra) } else { parent[ra] = Int32(rb) }
                                out.append((Int32(a), Int32(b)))
                            }
                        }
                    }
                    start = end
                }
            }
            return out
        }

        /// Whether entries `a` and `b` are copies (``CopySignature/isCopy(of:)``, on the flat arrays).
        private static func isCopy(_ a: Int, _ b: Int, _ minimums: [UInt32], _ shingles: [UInt32]) -> Bool {
            let bins = CopySignature.bins
            var equal = 0, compared = 0
            for k in 0..<bins {
                let x = minimums[a * bins + k], y = minimums[b * bins + k]
                if x == CopySignature.empty && y == CopySignature.empty { continue }
                compared += 1
                if x == y { equal += 1 }
                // Too few bins left to reach the equal bins a copy needs.
                if equal + (bins - 1 - k) < CopyThresholds.equalBins { return false }
            }
            return CopySignature.isCopy(equalBins: equal, comparedBins: compared, shingles[a], shingles[b])
        }

        /// The group entry `i` belongs to after ``join(newFrom:)``: its set's first entry's.
        mutating func group(of i: Int) -> UInt64 { groups[find(i)] }
    }
}
