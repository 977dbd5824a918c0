import Foundation
import NewsIndex

/// One consistent commit of every served index, open for as long as a request uses it.
final class Snapshot: Sendable {
    /// The readers, one per index, in the order given.
    let readers: [IndexReader]
    /// The readers as one archive, when there are several.
    let archive: Archive?
    /// The commit's id: the generations of the indexes, joined by dots.
    let id: String
    /// What the manifests looked like when they were opened (to notice the next commit).
    let stamps: [ManifestStamp]

    init(readers: [IndexReader], stamps: [ManifestStamp]) throws {
        self.readers = readers
        self.archive = readers.count > 1 ? try Archive(indexes: readers) : nil
        self.id = readers.map { String($0.commit) }.joined(separator: ".")
        self.stamps = stamps
    }

    var documentCount: Int { readers.reduce(0) { $0 + $1.documentCount } }

    /// Runs a query over every index, as one.
    func search(_ query: Query, options: SearchOptions) throws -> SearchResults {
        try archive?.search(query, options: options) ?? readers[0].search(query, options: options)
    }
}

/// The manifest file's identity: a commit renames a new manifest over the old one, so the
/// inode (or the time and size) changes.
struct ManifestStamp: Equatable, Sendable {
    var inode: UInt64, seconds: Int, nanoseconds: Int, size: Int

    static func read(_ indexPath: String) -> ManifestStamp? {
        var st = stat()
        guard stat(indexPath + "/manifest", &st) == 0 else { return nil }
        return ManifestStamp(inode: UInt64(st.st_ino), seconds: st.st_mtim.tv_sec, nanoseconds: st.st_mtim.tv_nsec, size: Int(st.st_size))
    }
}

/// The commits the server searches: the newest (checked on every request, so a commit from
/// another process shows up without a restart), and those that recent cursors name.
///
/// A snapshot is a reference: a request holds the one it started with to its end, and the
/// files of a commit that a writer has removed stay mapped until the last holder lets go.
final class Commits: @unchecked Sendable {
    private let paths: [String]
    private let keepAlive: Duration
    private let maxKept: Int
    private let lock = NSLock()
    private var newest: Snapshot
    /// Commits named by cursors, with when a cursor last named them.
    private var kept: [(snapshot: Snapshot, until: ContinuousClock.Instant)] = []

    init(paths: [String], keepAlive: Duration, maxKept: Int) throws {
        self.paths = paths
        self.keepAlive = keepAlive
        self.maxKept = maxKept
        newest = try Commits.open(paths)
    }

    /// The newest commit of every index; the segments that `previous` has open already are shared.
    private static func open(_ paths: [String], after previous: Snapshot? = nil) throws -> Snapshot {
        // The stamp is read before opening: a commit in between is then noticed next time.
        let stamps = paths.map { ManifestStamp.read($0) ?? ManifestStamp(inode: 0, seconds: 0, nanoseconds: 0, size: 0) }
        let readers = try paths.indices.map { i in try previous?.readers[i].reopened() ?? IndexReader(path: paths[i]) }
        return try Snapshot(readers: readers, stamps: stamps)
    }

    /// The newest commit, opened now if an index has committed since the last look.
    func current() throws -> Snapshot {
        let stamps = paths.map { ManifestStamp.read($0) }
        lock.lock()
        defer { lock.unlock() }
        if stamps.elementsEqual(newest.stamps.map(Optional.some)) { return newest }
        newest = try Commits.open(paths, after: newest)
        return newest
    }

    /// The commit with this id, when it is the newest or a cursor kept it.
    func snapshot(id: String) throws -> Snapshot? {
        let now = try current()
        if now.id == id { return now }
        lock.lock()
        defer { lock.unlock() }
        expire()
        return kept.first { $0.snapshot.id == id }?.snapshot
    }

    /// Keeps `snapshot` open for the keep-alive from now (a cursor that names it was handed out).
    func keep(_ snapshot: Snapshot) {
        lock.lock()
        defer { lock.unlock() }
        let until = ContinuousClock.now + keepAlive
        if let i = kept.firstIndex(where: { $0.snapshot === snapshot }) {
            kept[i].until = until
        } else {
            kept.append((snapshot, until))
        }
        expire()
    }

    /// Lets go of the commits whose keep-alive has passed, and of the oldest beyond the maximum.
    private func expire() {
        let now = ContinuousClock.now
        kept.removeAll { $0.until <= now }
        kept.sort { $0.until > $1.until }
        if kept.count > maxKept { kept.removeLast(kept.count - maxKept) }
    }

    /// Commits open besides the newest (for the tests and the stats).
    var keptCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return kept.filter { $0.snapshot !== newest }.count
    }
}
