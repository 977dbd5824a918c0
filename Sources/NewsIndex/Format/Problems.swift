// The problems the validating passes of the format readers (and `newsindex check`) find.

/// One problem found by ``IndexCheck``: which file, where in it, and what is wrong.
public struct IndexProblem: Sendable, Equatable, CustomStringConvertible {
    /// The path of the damaged file (the index directory joined with the file's name).
    public var file: String
    /// The byte offset in ``file`` where the problem was found, or nil when it concerns the whole
    /// file (a missing file, one too short to hold a header and footer).
    public var offset: Int?
    /// What is wrong, as a sentence fragment without the file name.
    public var message: String

    /// Creates a problem report.
    public init(file: String, offset: Int?, message: String) {
        self.file = file
        self.offset = offset
        self.message = message
    }

    /// `file:offset: message`, or `file: message` without an offset.
    public var description: String {
        if let offset { return "\(file):\(offset): \(message)" }
        return "\(file): \(message)"
    }
}

/// Problems found so far, at most ``limit`` listed per file (a file damaged all over would
/// otherwise bury the others).
final class ProblemList {
    static let limit = 50
    private var list: [IndexProblem] = []
    private var perFile: [String: Int] = [:]
    private var fileOrder: [String] = []

    func add(_ file: String, _ offset: Int?, _ message: String) {
        let n = perFile[file, default: 0]
        if n == 0 { fileOrder.append(file) }
        perFile[file] = n + 1
        if n < ProblemList.limit { list.append(IndexProblem(file: file, offset: offset, message: message)) }
    }

    func add(_ d: Damage) { add(d.file, d.offset, d.message) }

    /// Number of problems reported for `file` so far.
    func count(_ file: String) -> Int { perFile[file, default: 0] }

    /// The problems, with one closing line for each file that had more than could be listed.
    func finish() -> [IndexProblem] {
        var out = list
        for f in fileOrder where perFile[f]! > ProblemList.limit {
            out.append(IndexProblem(file: f, offset: nil, message: "\(perFile[f]! - ProblemList.limit) more problems in this file are not listed"))
        }
        return out
    }

    /// The message of an error without the "index file … is damaged: " frame.
    static func message(of error: Error) -> String {
        guard let e = error as? NewsIndexError else { return "\(error)" }
        return e.message
    }

    /// `s` with control characters escaped, in quotes.
    static func printable(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F || u == "\"" || u == "\\" {
                out += u == "\"" ? "\\\"" : u == "\\" ? "\\\\" : "\\x" + (u.value < 16 ? "0" : "") + String(u.value, radix: 16)
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
