import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NewsIndexAnalysis

extension IndexWriter {
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
        /// Approximate bytes of memory for the work of the writer: the articles read ahead of
        /// inversion, the segments being built (each of the ``threads`` is written once what its
        /// builder holds, as counted, reaches its share) and the duplicate check of the ids (about
        /// 32 bytes per article added, taken from the segments' shares). Merges hold about 17
        /// bytes per document of their sources and stream the rest. On the benchmark corpus and
        /// five copies of it, the process's peak stayed within this budget plus 100 MB, from
        /// 32 MB up; the size of the input does not matter, except through the ids.
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
        /// Whether segments are merged as the tiered policy asks (``commit()`` of a build or an
        /// addition, and merges alongside an addition); when false, every segment written stays
        /// as it is until ``IndexWriter/merge(maxSegments:)`` asks (default true).
        public var mergesSegments: Bool = true
        /// Called now and then while the merges asked for by ``IndexWriter/merge(maxSegments:)``
        /// run, on the thread that calls ``IndexWriter/commit()``, with the documents written so
        /// far and in all (for a progress display).
        public var mergeProgress: (@Sendable (_ merged: Int, _ total: Int) -> Void)?
        /// For tests and fixtures only: segment ids (and the generation's low bits) derived from
        /// this seed instead of random (default nil: random). With ``clock`` also set and
        /// ``threads`` = 1, the same input gives byte-identical index files; random ids are what
        /// keep files of different indexes from being mixed up, so leave it nil otherwise.
        public var segmentIDSeed: UInt64?
        /// For tests and fixtures only: the time, in seconds since 1970, that the commit's
        /// generation is taken from (default nil: the system clock).
        public var clock: (@Sendable () -> UInt64)?
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
}

/// Where a writer's segment ids and generation come from: the system's random numbers and clock,
/// or a seed and a given clock (``IndexWriter/Options/segmentIDSeed``, for reproducible builds).
struct WriterEntropy: Sendable {
    let seed: UInt64?
    let clock: (@Sendable () -> UInt64)?

    init(_ options: IndexWriter.Options) {
        seed = options.segmentIDSeed
        clock = options.clock
    }

    /// A non-zero id for the segment named `name`: random, or from the seed and the name (so it
    /// does not depend on the order in which threads ask).
    func segmentID(name: String) -> UInt64 {
        guard let seed else { return UInt64.random(in: 1...UInt64.max) }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a of the name
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let id = WriterEntropy.mix(seed ^ h)
        return id == 0 ? 1 : id
    }

    /// The generation of a commit after `previous`: the time in seconds above 20 random (or
    /// seeded) bits, and always larger than `previous`.
    func generation(after previous: UInt64) -> UInt64 {
        let now = clock?() ?? UInt64(time(nil))
        let low = seed.map { WriterEntropy.mix($0) & (1 << 20 - 1) } ?? UInt64.random(in: 0..<(1 << 20))
        return max(previous + 1, now << 20 | low)
    }

    /// SplitMix64's finalizer: spreads every bit of `x` over the result.
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
