import Foundation

/// How `newsindex serve` runs: what it serves, where it listens, and its bounds.
public struct ServerConfiguration: Sendable {
    /// The index directories, searched as one (writes go to the first).
    public var indexPaths: [String]
    /// The address to listen on; loopback unless told otherwise.
    public var host: String = "127.0.0.1"
    /// The TCP port (0 picks a free one).
    public var port: Int = 8080
    /// The token that `POST` and `DELETE` must present as `Authorization: Bearer TOKEN`;
    /// nil turns writes off.
    public var writeToken: String? = nil
    /// The one origin allowed to call the API from another site's pages (CORS); nil for none.
    public var corsOrigin: String? = nil
    /// Whether to log one line per request on standard error.
    public var logRequests: Bool = true
    /// The longest query (`q`), in bytes.
    public var maxQueryBytes: Int = 4096
    /// The largest `limit`.
    public var maxLimit: Int = 1000
    /// The largest `offset` (deeper pages take `search_after`).
    public var maxOffset: Int = 100_000
    /// The largest request body, in bytes.
    public var maxBodyBytes: Int = 32 << 20
    /// How long one search may take, waiting included; past it the answer is 503.
    public var queryTimeout: Duration = .seconds(2)
    /// Searches that may wait for a thread; one more is answered 503 at once.
    public var maxWaitingSearches: Int = 256
    /// Threads that run searches (default: one per core).
    public var searchThreads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// How long a commit stays open after the last search whose `next` cursor names it, so
    /// that deep paging sees one commit (as Elasticsearch's point in time keeps one).
    public var cursorKeepAlive: Duration = .seconds(300)
    /// Commits kept open for cursors at most, besides the newest.
    public var maxKeptCommits: Int = 8

    /// A configuration serving these indexes with the defaults.
    public init(indexPaths: [String]) {
        self.indexPaths = indexPaths
    }

    /// Whether ``host`` is a loopback address, reachable from this machine only.
    public var isLoopback: Bool {
        ["127.0.0.1", "::1", "localhost"].contains(host.lowercased()) || host.hasPrefix("127.")
    }
}
