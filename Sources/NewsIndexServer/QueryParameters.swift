import Foundation

/// The parameters of a request's query string, decoded as a form (`+` is a space, `%XX` a byte
/// of UTF-8), every value kept in order (`entity` repeats).
struct QueryParameters {
    private var pairs: [(String, String)] = []

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((QueryParameters.decode(kv[0]), kv.count > 1 ? QueryParameters.decode(kv[1]) : ""))
        }
    }

    /// `+` as a space, then percent-decoding; bytes that are not UTF-8 become U+FFFD.
    static func decode(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if b == UInt8(ascii: "%"), it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The last value of `name`, or nil.
    subscript(_ name: String) -> String? { pairs.last { $0.0 == name }?.1 }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// An integer parameter within `range`, `fallback` when absent.
    func int(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = self[name], !text.isEmpty else { return fallback }
        guard let n = Int(text) else {
            throw Problem(.badParameter, "\(name) must be a whole number (got \"\(text)\").", extra: ["parameter": .string(name)])
        }
        if n < range.lowerBound {
            throw Problem(.badParameter, "\(name) must be at least \(range.lowerBound) (got \(n)).", extra: ["parameter": .string(name)])
        }
        if n > range.upperBound {
            throw Problem(.tooLarge, "\(name) may be at most \(range.upperBound) (got \(n))."
                          + (name == "offset" ? " Page deeper with search_after (each response's next)." : ""),
                          extra: ["parameter": .string(name), "maximum": .int(range.upperBound)])
        }
        return n
    }

    /// A yes/no parameter: true, false, 1, 0, yes, no (or no value: true).
    func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let text = self[name] else { return fallback }
        switch text.lowercased() {
        case "", "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            throw Problem(.badParameter, "\(name) must be true or false (got \"\(text)\").", extra: ["parameter": .string(name)])
        }
    }

    /// One of a fixed set of words.
    func choice<T: RawRepresentable>(_ name: String, default fallback: T) throws -> T where T.RawValue == String, T: CaseIterable {
        guard let text = self[name], !text.isEmpty else { return fallback }
        guard let v = T(rawValue: text.lowercased()) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw Problem(.badParameter, "\(name) must be one of \(allowed) (got \"\(text)\").", extra: ["parameter": .string(name)])
        }
        return v
    }
}
