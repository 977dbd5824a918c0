import Foundation

/// A fresh temporary directory, removed by the caller.
public func temporaryDirectory(_ name: String = "newsindex-test") -> String {
    let path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
