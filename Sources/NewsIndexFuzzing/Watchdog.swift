import Foundation

/// Catches hangs: a background thread checks how long the current input has been running and,
/// past the limit, reports the input and ends the process (a hang cannot be interrupted safely).
// @unchecked Sendable: the input and its start time are read and written under `lock` only.
package final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var started: Date?
    private var input = ""
    private let limit: TimeInterval
    private let onHang: @Sendable (String, TimeInterval) -> Never

    /// A watchdog that calls `onHang` with the input's description when one input runs longer
    /// than `limit` seconds.
    package init(limit: TimeInterval, onHang: @escaping @Sendable (String, TimeInterval) -> Never) {
        self.limit = limit
        self.onHang = onHang
        let thread = Thread { [weak self] in
            while true {
                Thread.sleep(forTimeInterval: 0.05)
                guard let self else { return }
                self.lock.lock()
                let since = self.started, what = self.input
                self.lock.unlock()
                if let since, Date().timeIntervalSince(since) > self.limit {
                    self.onHang(what, Date().timeIntervalSince(since))
                }
            }
        }
        thread.stackSize = 1 << 16
        thread.start()
    }

    /// Runs `body` as one input described by `description`, under the watchdog.
    package func run<T>(_ description: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        lock.lock()
        started = Date()
        input = description()
        lock.unlock()
        defer {
            lock.lock()
            started = nil
            lock.unlock()
        }
        return try body()
    }
}
