import Foundation
import NIOPosix
import NIOConcurrencyHelpers
import NewsIndex

/// The threads that run searches and writes, off the event loops, so that a long query never
/// stops the server from answering others.
///
/// Searches wait in a bounded queue: one more than ``ServerConfiguration/maxWaitingSearches``
/// is answered 503 at once. Writes run one at a time on a thread of their own (the index takes
/// one writer).
final class SearchPool: Sendable {
    private let searches: NIOThreadPool
    private let writes: NIOThreadPool
    private let maxWaiting: Int
    private let waiting = NIOLockedValueBox(0)

    init(threads: Int, maxWaiting: Int) {
        searches = NIOThreadPool(numberOfThreads: max(1, threads))
        writes = NIOThreadPool(numberOfThreads: 1)
        self.maxWaiting = maxWaiting
        searches.start()
        writes.start()
    }

    /// Runs `body` on a search thread, or throws `busy` when too many are waiting.
    func search<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = waiting.withLockedValue { n -> Bool in
            guard n < maxWaiting else { return false }
            n += 1
            return true
        }
        guard admitted else {
            throw Problem(.busy, "The server has \(maxWaiting) queries waiting already. Try again in a moment.")
        }
        defer { waiting.withLockedValue { $0 -= 1 } }
        return try await searches.runIfActive(body)
    }

    /// Runs `body` on the write thread, after the writes before it.
    func write<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await writes.runIfActive(body)
    }

    func shutdown() async throws {
        try await searches.shutdownGracefully()
        try await writes.shutdownGracefully()
    }
}
