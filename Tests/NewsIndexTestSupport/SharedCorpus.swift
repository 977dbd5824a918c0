import Foundation
import Testing

/// Where the team's shared data lives (../shared/corpus beside the package), and whether it is here.
///
/// `NEWSINDEX_SHARED` overrides the location of `shared` (the folder holding `corpus/`), so the
/// tests that need it can be seen to skip: `NEWSINDEX_SHARED=/nonexistent swift test`.
public enum SharedCorpus {
    /// The package's root directory (the one holding Package.swift).
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `shared` folder: `$NEWSINDEX_SHARED`, or ../shared beside the package.
    public static var shared: URL {
        if let path = ProcessInfo.processInfo.environment["NEWSINDEX_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The corpus folder (`shared/corpus`).
    public static var corpus: URL { shared.appendingPathComponent("corpus") }

    /// The seed pages (`shared/corpus/seeds`).
    public static var seeds: String { corpus.appendingPathComponent("seeds").path }

    /// The 350 ABC articles as JSON Lines (`shared/corpus/lee-abc-news.jsonl`).
    public static var leeABCNews: String { corpus.appendingPathComponent("lee-abc-news.jsonl").path }

    /// The benchmark articles, gzip-compressed JSON Lines (`shared/corpus/bench.jsonl.gz`).
    public static var benchJSONLinesGzip: String { corpus.appendingPathComponent("bench.jsonl.gz").path }

    /// Whether the seeds and the ABC articles are both present.
    public static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: seeds) && FileManager.default.fileExists(atPath: leeABCNews)
    }
}


extension Trait where Self == ConditionTrait {
    /// Skips a test or suite, saying why, when ``SharedCorpus`` is absent.
    public static var needsSharedCorpus: Self {
        .enabled(if: SharedCorpus.isAvailable, "needs ../shared/corpus (the team's shared data), absent here")
    }
}
