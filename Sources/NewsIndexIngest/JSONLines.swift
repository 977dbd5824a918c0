#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NewsIndex
import NewsIndexCore

/// Reads articles from JSON Lines: one JSON object per line.
///
/// Each object needs `id` (a string, or an integer taken as its decimal text) and `body` (a
/// non-empty string); `title` (string), `date` (string in a format `ArticleDate` reads, an integer Unix time in seconds or milliseconds,
/// or null; a date no form reads leaves the article undated, in `Article.unreadableDate`) and
/// `url` and `source` (strings or null) are optional; other keys are ignored, whatever their value. Blank lines
/// are skipped. A line that is not such an object is reported with its line number and column, and
/// reading goes on with the next line.
public enum JSONLines {
    /// Parses every line of `bytes`, calling `body` with each article or error and its 1-based line number.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String,
                             _ body: (Result<Article, NewsIndexError>, _ line: Int) throws -> Void) throws {
        var lines = 0
        try parse(bytes.bindMemory(to: UInt8.self), file: file, linesBefore: &lines) { result, line, _ in
            try body(result.mapError { $0.error }, line)
        }
    }

    /// Parses a run of whole lines that follows `linesBefore` lines of the file, and counts them in;
    /// `body` also gets the line's length in bytes (with its line feed). A line longer than
    /// `maxBytes` (line feed included) is reported as ``BadDocument/Reason/tooLarge`` unread.
    static func parse(_ u: UnsafeBufferPointer<UInt8>, file: String, linesBefore: inout Int,
                      maxBytes: Int = .max, dateOrder: ArticleDate.Order = .mdy, fields: FieldMapping = FieldMapping(),
                      _ body: (Result<Article, BadDocument>, _ line: Int, _ bytes: Int) throws -> Void) throws {
        var lineNo = linesBefore
        defer { linesBefore = lineNo }
        var start = 0
        // A byte-order mark before the first line is not part of it.
        if lineNo == 0 && u.count >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF { start = 3 }
        while start < u.count {
            lineNo += 1
            let end: Int
            if let base = u.baseAddress, let lf = memchr(base + start, 0x0A, u.count - start) {
                end = start + (UnsafeRawPointer(lf) - UnsafeRawPointer(base + start))
            } else {
                end = u.count
            }
            let size = min(end + 1, u.count) - start
            var lineEnd = end
            if lineEnd > start && u[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = UnsafeBufferPointer(rebasing: u[start..<lineEnd])
            if size > maxBytes {
                try body(.failure(tooLarge(file: file, line: lineNo, bytes: size, limit: maxBytes)), lineNo, size)
            } else if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                var p = LineParser(bytes: line, fields: fields)
                let result: Result<Article, BadDocument>
                do {
                    result = .success(try p.article(dateOrder: dateOrder))
                } catch {
                    let failure = LineParser.classify(line, error as? LineParser.Failure ?? LineParser.Failure(message: "\(error)"))
                    result = .failure(BadDocument(failure.reason, at: DocumentLocation(path: file, line: lineNo), failure.message))
                }
                try body(result, lineNo, size)
            }
            start = end + 1
        }
    }

    /// The report of a line of `bytes` bytes, over the `limit`.
    static func tooLarge(file: String, line: Int, bytes: Int, limit: Int) -> BadDocument {
        BadDocument(.tooLarge, at: DocumentLocation(path: file, line: line),
                    "the line is \(ArticleInputs.sizeText(bytes)), over the limit of \(ArticleInputs.sizeText(limit)) for one document; split the document or leave it out")
    }
}

/// A strict JSON parser for one object per line.
struct LineParser {
    struct Failure: Error {
        var reason: BadDocument.Reason = .notJSON
        var message: String
    }

    /// A failure's reason and message, looking at the whole line: NUL bytes or bytes that are not
    /// UTF-8 anywhere in it say more than the syntax error they caused.
    static func classify(_ line: UnsafeBufferPointer<UInt8>, _ failure: Failure) -> Failure {
        if let nul = line.firstIndex(of: 0) {
            return Failure(reason: .binary, message: "a NUL byte at column \(nul + 1): binary data, not JSON text")
        }
        if let bad = ArticleInputs.firstInvalidUTF8(line) {
            return Failure(reason: .notUTF8, message: "not valid UTF-8 (first bad byte at column \(bad + 1)); convert the file to UTF-8, e.g. with iconv -f latin1 -t utf-8")
        }
        return failure
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    /// Where the article's fields are read from.
    let fields: FieldMapping

    init(bytes: UnsafeBufferPointer<UInt8>, fields: FieldMapping = FieldMapping()) {
        self.bytes = bytes
        self.fields = fields
    }

    func fail(_ what: String) -> Failure { Failure(message: "invalid JSON at column \(i + 1): \(what)") }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
    }

    mutating func expect(_ c: UInt8, _ what: @autoclosure () -> String) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else { throw fail("expected \(what())") }
        i += 1
    }

    enum Value { case string(String), integer(String), null, other }

    /// The best value found so far for each field of an article, by rank.
    struct FoundFields {
        private var values: [String?] = [nil, nil, nil, nil, nil, nil, nil]
        private var ranks: [Int] = [.max, .max, .max, .max, .max, .max, .max]
        /// Whether the date found is a number (a Unix time).
        private(set) var dateIsNumber = false

        /// The text of `field`, if the document has it.
        func text(_ field: FieldMapping.Field) -> String? { values[field.slot] }

        /// Takes `v` for `field` when it ranks better than what was found. A value of the wrong
        /// type is an error for a strict name (the field's own, or a mapped one), passed over else.
        mutating func offer(_ v: Value, field: FieldMapping.Field, rank: Int, fields: FieldMapping) throws {
            let k = field.slot
            guard rank < ranks[k] else { return }
            let numberAllowed = field == .id || field == .date
            let text: String
            switch v {
            case .string(let s): text = s
            case .integer(let s) where numberAllowed: text = s
            case .null: return
            default:
                guard fields.isStrict(field, rank: rank) else { return }
                throw Failure(reason: .wrongFieldType, message: "field \"\(fields.pathText(field, rank: rank))\" must be a string\(numberAllowed ? " or integer" : "")")
            }
            values[k] = text
            ranks[k] = rank
            if field == .date { if case .integer = v { dateIsNumber = true } else { dateIsNumber = false } }
        }
    }

    mutating func article(dateOrder: ArticleDate.Order = .mdy) throws -> Article {
        // The best value found so far for each field, by rank (0: the field's own name).
        var found = FoundFields()
        skipSpace()
        if i < bytes.count && bytes[i] != UInt8(ascii: "{") {
            // Valid JSON of another kind, or not JSON at all?
            let at = i
            if (try? value()) != nil {
                skipSpace()
                if i == bytes.count {
                    throw Failure(reason: .notAnObject, message: "the line is JSON but not an object; each line must be one JSON object")
                }
            }
            i = at
        }
        try expect(UInt8(ascii: "{"), "'{' (each line must be one JSON object)")
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1 } else {
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                let keyBytes = bytes[(i + 1)...]
                let key = try self.key()
                let keyEnd = i - 1
                try expect(UInt8(ascii: ":"), "':' after the key \"\(Self.text(of: UnsafeBufferPointer(rebasing: keyBytes[..<keyEnd])))\"")
                skipSpace()
                switch key {
                case .field(let field, let rank):
                    try found.offer(try value(), field: field, rank: rank, fields: fields)
                case .named(let name):
                    let targets = fields.targets(ofKey: name)
                    if targets.isEmpty { _ = try value(); break }
                    if targets.allSatisfy({ $0.rest.isEmpty }) {
                        let v = try value()
                        for t in targets { try found.offer(v, field: t.field, rank: t.rank, fields: fields) }
                    } else {
                        try nested(targets.map { ($0.field, $0.rank, $0.rest) }, &found)
                    }
                case .other:
                    _ = try value()
                }
                skipSpace()
                guard i < bytes.count else { throw fail("expected ',' or '}' (the line ends inside the object)") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                throw fail("expected ',' or '}'")
            }
        }
        skipSpace()
        if i < bytes.count { throw fail("unexpected text after the object") }
        let idName = fields.pathText(.id, rank: 0), bodyName = fields.pathText(.body, rank: 0)
        guard let id = found.text(.id) else { throw Failure(reason: .missingID, message: "missing required field \"\(idName)\"") }
        guard !id.isEmpty else { throw Failure(reason: .missingID, message: "the required field \"\(idName)\" is empty") }
        guard let body = found.text(.body), !body.allSatisfy({ $0.isWhitespace }) else {
            throw Failure(reason: .noBody, message: "document \"\(id)\" has no body (the field \"\(bodyName)\" is missing, null or blank)")
        }
        // A date no known form reads does not cost the article: it is indexed undated, and the
        // ingest run warns about it. A number is a Unix time (see `ArticleDate.seconds(fromUnixTime:)`).
        var article = Article(id: id, title: found.text(.title) ?? "", body: body, url: found.text(.url),
                              byline: found.text(.byline), source: found.text(.source))
        if let date = found.text(.date), !date.isEmpty {
            if found.dateIsNumber, let n = Int64(date) {
                article.date = ArticleDate(secondsSinceEpoch: ArticleDate.seconds(fromUnixTime: n), text: date)
            } else if let d = ArticleDate(parsing: date, order: dateOrder) {
                article.date = d
            } else {
                article.unreadableDate = date
            }
        }
        return article
    }

    /// Reads a value whose keys lead on along dotted paths (`content.text`): each path's value
    /// is offered to its field, the rest skipped.
    mutating func nested(_ targets: [(field: FieldMapping.Field, rank: Int, rest: ArraySlice<String>)], _ found: inout FoundFields,
                         depth: Int = 0) throws {
        let done = targets.filter { $0.rest.isEmpty }
        let deeper = targets.filter { !$0.rest.isEmpty }
        guard !deeper.isEmpty, i < bytes.count, bytes[i] == UInt8(ascii: "{"), depth < 32 else {
            let v = try value()
            for t in done { try found.offer(v, field: t.field, rank: t.rank, fields: fields) }
            return
        }
        i += 1
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; return }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
            let key = try string()
            try expect(UInt8(ascii: ":"), "':'")
            skipSpace()
            let next = deeper.filter { $0.rest.first == key }.map { ($0.field, $0.rank, $0.rest.dropFirst()) }
            if next.isEmpty { _ = try value(depth: depth + 1) } else { try nested(next, &found, depth: depth + 1) }
            skipSpace()
            guard i < bytes.count else { throw fail("the line ends inside a nested value") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return }
            throw fail("expected ',' or '}'")
        }
    }

    /// What a key stands for: a field at a rank (the fast path, for the usual names), a name to
    /// look up in a `--field` mapping, or nothing.
    enum Key { case field(FieldMapping.Field, rank: Int), named(String), other }

    /// Reads a quoted key; one without escapes (all of them, in practice) is matched as bytes.
    mutating func key() throws -> Key {
        let start = i + 1
        let end = plainEnd(from: start)
        guard end < bytes.count && bytes[end] == UInt8(ascii: "\"") else {
            let name = try string()
            return fields.isDefault ? Self.usualKey(Array(name.utf8)[...]) : .named(name)
        }
        i = end + 1
        let k = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard UTF8Text.firstInvalid(k) == nil else { throw Failure(reason: .notUTF8, message: "invalid UTF-8 in a string at column \(start + 1)") }
        guard fields.isDefault else { return .named(String(decoding: k, as: UTF8.self)) }
        switch k.count {
        case 2 where k[0] == UInt8(ascii: "i") && k[1] == UInt8(ascii: "d"): return .field(.id, rank: 0)
        case 3 where k.elementsEqual("url".utf8): return .field(.url, rank: 0)
        case 4 where k.elementsEqual("body".utf8): return .field(.body, rank: 0)
        case 4 where k.elementsEqual("date".utf8): return .field(.date, rank: 0)
        case 5 where k.elementsEqual("title".utf8): return .field(.title, rank: 0)
        case 6 where k.elementsEqual("source".utf8): return .field(.source, rank: 0)
        default: return Self.usualKey(k[...])
        }
    }

    /// The usual names other than the six above, as bytes, with their field and rank.
    static let usualKeys: [(name: [UInt8], field: FieldMapping.Field, rank: Int)] = FieldMapping.usualNames.flatMap { field, names in
        names.enumerated().map { (Array($0.element.utf8), field, $0.offset) }
    }

    /// The field and rank of a usual name, or `.other`.
    static func usualKey<C: Collection>(_ k: C) -> Key where C.Element == UInt8 {
        for u in usualKeys where u.name.count == k.count && u.name.elementsEqual(k) { return .field(u.field, rank: u.rank) }
        return .other
    }

    /// Bytes of the line for a message, with anything that is not UTF-8 replaced.
    static func text(of bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    mutating func value(depth: Int = 0) throws -> Value {
        guard depth < 64 else { throw fail("nesting is too deep") }
        guard i < bytes.count else { throw fail("expected a value") }
        switch bytes[i] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = bytes[i] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            i += 1
            skipSpace()
            if i < bytes.count && bytes[i] == close { i += 1; return .other }
            while true {
                skipSpace()
                if isObject {
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                    _ = try string()
                    try expect(UInt8(ascii: ":"), "':'")
                    skipSpace()
                }
                _ = try value(depth: depth + 1)
                skipSpace()
                guard i < bytes.count else { throw fail("the line ends inside a nested value") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == close { i += 1; return .other }
                throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'")
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let s = i
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            var digits = 0
            while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1; digits += 1 }
            guard digits > 0 else { throw fail("invalid number") }
            var integer = true
            if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
                integer = false; i += 1
                var f = 0
                while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1; f += 1 }
                guard f > 0 else { throw fail("invalid number") }
            }
            if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
                integer = false; i += 1
                if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
                var e = 0
                while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1; e += 1 }
                guard e > 0 else { throw fail("invalid number") }
            }
            return integer ? .integer(String(decoding: UnsafeBufferPointer(rebasing: bytes[s..<i]), as: UTF8.self)) : .other
        default:
            for (word, v) in [("true", Value.other), ("false", .other), ("null", .null)] {
                let w = Array(word.utf8)
                if i + w.count <= bytes.count && Array(bytes[i..<(i + w.count)]) == w { i += w.count; return v }
            }
            throw fail("expected a value")
        }
    }

    /// The index of the first byte from `start` on that a string cannot hold as it is: a quote, a
    /// backslash or a control character (or the end). Eight bytes at a time while it can.
    @inline(__always)
    func plainEnd(from start: Int) -> Int {
        var i = start
        let n = bytes.count
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let quote = w ^ (ones &* 0x22), slash = w ^ (ones &* 0x5C)
                // A byte is flagged when it is zero (after the xor) or below 0x20; no false negatives,
                // and the exact byte is found below.
                let special = ((quote &- ones) & ~quote) | ((slash &- ones) & ~slash) | ((w &- ones &* 0x20) & ~w)
                if special & highs != 0 { break }
                i += 8
            }
        }
        while i < n {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
            i += 1
        }
        return i
    }

    mutating func string() throws -> String {
        i += 1   // opening quote
        let first = i
        var s = i   // start of the plain bytes not yet copied
        // Fast path: no escapes.
        i = plainEnd(from: i)
        if i < bytes.count && bytes[i] == UInt8(ascii: "\"") {
            let raw = UnsafeBufferPointer(rebasing: bytes[s..<i])
            i += 1
            guard let str = UTF8Text.string(raw) else { throw Failure(reason: .notUTF8, message: "invalid UTF-8 in a string at column \(s + 1)") }
            return str
        }
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[s..<i]))
                i += 1
                guard let str = out.withUnsafeBufferPointer(UTF8Text.string) else { throw Failure(reason: .notUTF8, message: "invalid UTF-8 in a string at column \(first + 1)") }
                return str
            }
            if b < 0x20 { throw fail("control character in a string") }
            // A backslash: the plain bytes before it, then what it stands for.
            if out.isEmpty { out.reserveCapacity(2 * (i - s) + 64) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[s..<i]))
            i += 1
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            if let plain = JSONEscape.simple(e) {
                out.append(plain)
                s = i
                i = plainEnd(from: i)
                continue
            }
            switch e {
            case UInt8(ascii: "u"):
                var cp = try hex4()
                if cp >= 0xD800 && cp < 0xDC00 {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate \\u\(String(cp, radix: 16))")
                    }
                    i += 2
                    guard let pair = JSONEscape.pair(cp, try hex4()) else { throw fail("invalid low surrogate") }
                    cp = pair
                } else if cp >= 0xDC00 && cp < 0xE000 {
                    throw fail("unpaired surrogate \\u\(String(cp, radix: 16))")
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(cp)!)).utf8)
            default:
                i -= 1
                throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
            }
            s = i
            i = plainEnd(from: i)
        }
        throw fail("the string is never closed")
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("invalid hex digit in a \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
